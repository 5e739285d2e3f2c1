//! The session summary: every product with its status, mean and rank.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::widgets::{Cell, Row, Table, TableState};

use super::Nav;
use super::result::{rank_words, stars_text};
use crate::report::RankForm;
use crate::store::ProductStatus;
use crate::tui::action::Action;
use crate::tui::app::{App, status_word};
use crate::tui::widgets::{block, widest};

pub struct Summary;

impl Summary {
    pub fn update(&mut self, app: &mut App, action: Action) -> Nav {
        super::list_update(app, action)
    }
}

pub fn draw(app: &App, frame: &mut Frame, area: Rect) {
    let t = app.t();
    let wide = area.width >= 100;
    let products = app.visible_products();
    let rows = products.iter().map(|p| {
        let result = app.results.get(&p.id);
        let (mean, stars, words) = match result {
            Some(r) if p.status == ProductStatus::KnockedOut => (
                "—".to_string(),
                "✖".to_string(),
                rank_words(app, RankForm::Cell, p, r),
            ),
            Some(r) => (
                r.mean_display(),
                r.stars
                    .map_or(String::new(), |n| stars_text(n, p.rubric.top_stars())),
                rank_words(app, RankForm::Cell, p, r),
            ),
            None => (String::new(), String::new(), String::new()),
        };
        let mut flags = Vec::new();
        if let Some(r) = result.filter(|r| super::result::spread_breached(p, r)) {
            flags.push(crate::i18n::fill(
                t.spread_flag,
                &[
                    ("spread", &r.spread.unwrap_or(0).to_string()),
                    ("max", &r.max_spread.to_string()),
                ],
            ));
        }
        if p.close_override.is_some() {
            flags.push(t.flag_override.to_string());
        }
        let mut cells = vec![Cell::from(p.code.clone()), Cell::from(p.name.clone())];
        if wide {
            cells.push(Cell::from(p.producer.clone()));
        }
        cells.extend([
            Cell::from(status_word(app.lang, p.status)),
            Cell::from(p.round.to_string()),
            Cell::from(result.map_or(String::new(), |r| r.counted.to_string())),
            Cell::from(mean),
            Cell::from(stars).style(Style::new().fg(Color::Yellow)),
        ]);
        if wide {
            cells.push(Cell::from(words));
        }
        cells.push(Cell::from(flags.join(" ")).style(Style::new().fg(Color::Red)));
        Row::new(cells)
    });
    let mut header = vec![t.col_code, t.col_name];
    if wide {
        header.push(t.col_producer);
    }
    header.extend([
        t.col_status,
        t.col_round,
        t.col_counted,
        t.col_mean,
        t.col_stars,
    ]);
    if wide {
        header.push(t.col_rank);
    }
    header.push(t.col_flags);
    // Wide: the names as long as the longest, the producer takes the rest.
    let name = if wide {
        Constraint::Max(widest(products.iter().map(|p| p.name.as_str())))
    } else {
        Constraint::Fill(2)
    };
    let mut widths = vec![Constraint::Length(11), name];
    if wide {
        widths.push(Constraint::Fill(1));
    }
    let statuses = products
        .iter()
        .map(|p| status_word(app.lang, p.status))
        .chain([t.col_status]);
    widths.extend([
        Constraint::Length(widest(statuses)),
        Constraint::Length(2),
        Constraint::Length(3),
        Constraint::Length(6),
        Constraint::Length(5),
    ]);
    if wide {
        widths.push(Constraint::Length(20));
    }
    let widest_breach = crate::i18n::fill(t.spread_flag, &[("spread", "99"), ("max", "99")]);
    widths.push(Constraint::Length(widest([
        t.col_flags,
        t.flag_override,
        widest_breach.as_str(),
    ])));
    let closed = products.iter().filter(|p| p.status.is_settled()).count();
    let title = crate::i18n::fill(
        t.summary_title,
        &[
            ("closed", &closed.to_string()),
            ("count", &products.len().to_string()),
        ],
    );
    let table = Table::new(rows, widths)
        .header(Row::new(header).style(Style::new().add_modifier(Modifier::BOLD)))
        .block(block(&title, true))
        .row_highlight_style(Style::new().add_modifier(Modifier::REVERSED))
        .column_spacing(1);
    let mut state = TableState::default().with_selected(Some(app.product_cursor));
    frame.render_stateful_widget(table, area, &mut state);
}
