//! The secretary's dashboard (product queue + attendance) and a member's home screen.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::widgets::{Cell, Paragraph, Row, Table, TableState};

use super::{block, stars_text};
use crate::i18n::fill;
use crate::session::Role as SeatRole;
use crate::store::{ProductRow, ProductStatus};
use crate::tui::app::{App, Focus, Role, status_word};

pub fn draw(app: &App, frame: &mut Frame, area: Rect) {
    match app.role {
        Role::Secretary => {
            let [products, members] = {
                // Both lists get room; the products take what the members do not need.
                let products = app.visible_products().len() as u16 + 3;
                let members = app.data.members.len() as u16 + 3;
                let half = area.height / 2;
                let top = if products + members <= area.height {
                    products
                } else {
                    products.min(area.height.saturating_sub(members).max(half))
                };
                Layout::vertical([Constraint::Length(top), Constraint::Min(5)]).areas(area)
            };
            draw_products(app, frame, products, app.focus == Focus::Products);
            draw_members(app, frame, members, app.focus == Focus::Members);
        }
        Role::Member(_) => draw_products(app, frame, area, true),
    }
}

fn status_style(status: ProductStatus) -> Style {
    match status {
        ProductStatus::Waiting => Style::new().fg(Color::Gray),
        ProductStatus::Scoring => Style::new().fg(Color::Yellow),
        ProductStatus::Closed => Style::new().fg(Color::Green),
        ProductStatus::KnockedOut => Style::new().fg(Color::Red),
    }
}

/// "5/7 ✓": submitted sheets of the present, non-recused members.
fn submitted_count(app: &App, p: &ProductRow) -> String {
    let expected: Vec<u32> = app
        .data
        .members
        .iter()
        .filter(|m| m.present == Some(true) && !app.is_recused(p.id, m.seat))
        .map(|m| m.seat)
        .collect();
    let done = expected
        .iter()
        .filter(|s| app.progress_of(p.id, **s).is_some_and(|g| g.submitted))
        .count();
    format!("{done}/{}", expected.len())
}

fn draw_products(app: &App, frame: &mut Frame, area: Rect, focused: bool) {
    let t = app.t();
    let products = app.visible_products();
    let wide = area.width >= 100;
    let member = match app.role {
        Role::Member(seat) => Some(seat),
        Role::Secretary => None,
    };
    let mut header = vec![t.col_code, t.col_name];
    if wide {
        header.push(t.col_producer);
    }
    header.extend([
        t.col_set,
        t.col_status,
        if member.is_some() {
            t.col_my_sheet
        } else {
            t.col_sheets
        },
        t.col_mean,
        t.col_stars,
    ]);
    let rows = products.iter().map(|p| {
        let result = app.results.get(&p.id);
        let mean = result.map_or(String::new(), |r| {
            if p.status == ProductStatus::KnockedOut {
                "—".into()
            } else {
                r.mean_display()
            }
        });
        let stars = result.map_or(String::new(), |r| match (p.status, r.stars) {
            (ProductStatus::KnockedOut, _) => "✖".into(),
            (_, Some(n)) => stars_text(n, 5),
            _ => String::new(),
        });
        let status = if p.round > 1 {
            format!(
                "{} ({}{})",
                status_word(app.lang, p.status),
                t.round_short,
                p.round
            )
        } else {
            status_word(app.lang, p.status).to_string()
        };
        let sheets = match member {
            Some(seat) => own_sheet_text(app, p, seat),
            None if p.status == ProductStatus::Waiting => String::new(),
            None => submitted_count(app, p),
        };
        let mut cells = vec![Cell::from(p.code.clone()), Cell::from(p.name.clone())];
        if wide {
            cells.push(Cell::from(p.producer.clone()));
        }
        cells.extend([
            Cell::from(
                p.rubric
                    .set_number
                    .map_or_else(|| p.rubric_id.clone(), |n| format!("{n:02}")),
            ),
            Cell::from(status).style(status_style(p.status)),
            Cell::from(sheets),
            Cell::from(mean),
            Cell::from(stars).style(Style::new().fg(Color::Yellow)),
        ]);
        Row::new(cells)
    });
    let mut widths = vec![Constraint::Length(11), Constraint::Fill(2)];
    if wide {
        widths.push(Constraint::Fill(1));
    }
    widths.extend([
        Constraint::Length(3),
        Constraint::Length(14),
        Constraint::Length(5),
        Constraint::Length(6),
        Constraint::Length(5),
    ]);
    let title = match member {
        Some(_) => t.my_products_title.to_string(),
        None => fill(t.products_title, &[("count", &products.len().to_string())]),
    };
    let table = Table::new(rows, widths)
        .header(Row::new(header).style(Style::new().add_modifier(Modifier::BOLD)))
        .block(block(&title, focused))
        .row_highlight_style(if focused {
            Style::new().add_modifier(Modifier::REVERSED)
        } else {
            Style::new().add_modifier(Modifier::BOLD)
        })
        .column_spacing(1);
    if products.is_empty() {
        frame.render_widget(
            Paragraph::new(t.no_products_open).block(block(&title, focused)),
            area,
        );
        return;
    }
    let mut state = TableState::default().with_selected(Some(app.product_cursor));
    frame.render_stateful_widget(table, area, &mut state);
}

/// A member's own sheet of a product: "—", "12/36", "✓", "miễn".
fn own_sheet_text(app: &App, p: &ProductRow, seat: u32) -> String {
    let t = app.t();
    if app.is_recused(p.id, seat) {
        return t.recused_short.into();
    }
    match app.progress_of(p.id, seat) {
        Some(g) if g.submitted => "✓".into(),
        Some(g) => format!("{}/{}", g.answered, p.rubric.criteria_count()),
        None => "·".into(),
    }
}

fn role_word(app: &App, role: SeatRole) -> &'static str {
    let t = app.t();
    match role {
        SeatRole::Chair => t.role_chair,
        SeatRole::ViceChair => t.role_vice_chair,
        SeatRole::Member => t.role_member,
        SeatRole::Secretary => t.role_secretary,
        SeatRole::Expert => t.role_expert,
        SeatRole::Observer => t.role_observer,
    }
}

fn draw_members(app: &App, frame: &mut Frame, area: Rect, focused: bool) {
    let t = app.t();
    let q = app.data.quorum();
    let policy = &app.data.info.policy;
    let quorum = fill(
        t.quorum_line,
        &[
            ("present", &q.present.to_string()),
            ("total", &q.total.to_string()),
            ("needed", &q.needed.to_string()),
            ("rule", &policy.quorum.to_string()),
            (
                "chair",
                if policy.chair_required {
                    t.with_chair
                } else {
                    ""
                },
            ),
            ("mark", if q.reached { "✓" } else { "✖" }),
        ],
    );
    let product = app.selected_product();
    let sheet_header = product.map_or(String::new(), |p| p.code.clone());
    let wide = area.width >= 100;
    let rows = app.data.members.iter().map(|m| {
        let (mark, style) = match m.present {
            Some(true) => (t.present, Style::new().fg(Color::Green)),
            Some(false) => (t.absent, Style::new().fg(Color::Red)),
            None => (t.unmarked, Style::new().fg(Color::DarkGray)),
        };
        let sheet = product.map_or(String::new(), |p| sheet_cell(app, p, m.seat, m.present));
        let mut cells = vec![
            Cell::from(m.seat.to_string()),
            Cell::from(mark).style(style),
            Cell::from(m.name.clone()),
        ];
        if wide {
            cells.push(Cell::from(m.organisation.clone()));
        }
        cells.extend([Cell::from(role_word(app, m.role)), Cell::from(sheet)]);
        Row::new(cells)
    });
    let mut widths = vec![
        Constraint::Length(2),
        Constraint::Length(7),
        Constraint::Fill(1),
    ];
    let mut header = vec![t.col_seat, t.col_attendance, t.col_person];
    if wide {
        widths.push(Constraint::Fill(1));
        header.push(t.col_organisation);
    }
    widths.extend([Constraint::Length(10), Constraint::Length(13)]);
    header.extend([t.col_role, sheet_header.as_str()]);
    let table = Table::new(rows, widths)
        .header(Row::new(header).style(Style::new().add_modifier(Modifier::BOLD)))
        .block(block(&quorum, focused).title_style(if q.reached {
            Style::new().fg(Color::Green)
        } else {
            Style::new().fg(Color::Red)
        }))
        .row_highlight_style(if focused {
            Style::new().add_modifier(Modifier::REVERSED)
        } else {
            Style::new()
        })
        .column_spacing(1);
    let mut state = TableState::default().with_selected(Some(app.member_cursor));
    frame.render_stateful_widget(table, area, &mut state);
}

/// One member's sheet of the selected product, as the dashboard shows it (never the choices).
fn sheet_cell(app: &App, p: &ProductRow, seat: u32, present: Option<bool>) -> String {
    let t = app.t();
    if app.is_recused(p.id, seat) {
        return t.recused_short.into();
    }
    if p.status == ProductStatus::Waiting {
        return String::new();
    }
    let total = p.rubric.criteria_count();
    let blind = app.data.info.policy.blind_reentry;
    match app.progress_of(p.id, seat) {
        Some(g) if g.submitted && g.entered_by != "member" => format!("✓ {}", t.paper_short),
        Some(g) if g.submitted => "✓".into(),
        Some(g) if blind && g.entered_by != "member" && g.answered as usize == total => {
            format!("{} {}/{total}", t.reentry_short, g.reentered)
        }
        Some(g) => format!("{}/{total}", g.answered),
        None if present == Some(true) => "·".into(),
        None => String::new(),
    }
}
