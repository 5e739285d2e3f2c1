//! Drawing: every function takes `&App` and only reads. One file per screen.

mod board;
mod dashboard;
mod help;
mod result;
mod sheet;
mod summary;

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style, Stylize};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};
use unicode_width::UnicodeWidthStr;

use super::action::Action;
use super::app::{App, Confirm, InputKind, Notice, Overlay, Role, Screen};
use super::keymap::Context;
use crate::i18n::fill;

pub use result::stars_text;

/// Draws the whole screen.
pub fn draw(app: &App, frame: &mut Frame) {
    let area = frame.area();
    let [header, body, notice, footer] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(3),
        Constraint::Length(1),
        Constraint::Length(1),
    ])
    .areas(area);
    draw_header(app, frame, header);
    match app.screen() {
        Screen::Dashboard | Screen::MemberHome => dashboard::draw(app, frame, body),
        Screen::Sheet => sheet::draw(app, frame, body),
        Screen::Resolve => sheet::draw_resolve(app, frame, body),
        Screen::Board => board::draw(app, frame, body),
        Screen::Result(id) => result::draw(app, frame, body, id),
        Screen::Summary => summary::draw(app, frame, body),
    }
    draw_notice(app, frame, notice);
    draw_footer(app, frame, footer);
    match &app.overlay {
        Some(Overlay::Help { scroll }) => help::draw(app, frame, body, *scroll),
        Some(Overlay::Confirm(c)) => draw_confirm(app, frame, body, c),
        Some(Overlay::Input { kind, editor }) => draw_input(
            app,
            frame,
            body,
            *kind,
            &editor.raw(),
            editor.cursor_column(),
        ),
        None => {}
    }
}

fn draw_header(app: &App, frame: &mut Frame, area: Rect) {
    let t = app.t();
    let who = match app.role {
        Role::Secretary => t.secretary.to_string(),
        Role::Member(seat) => {
            let name = app.data.member(seat).map_or("", |m| m.name.as_str());
            fill(
                t.member_seat,
                &[("seat", &seat.to_string()), ("name", name)],
            )
        }
    };
    let right = format!(" {who} · {} ", app.data.info.date);
    let title = format!(" council · {}", app.data.info.title);
    let room = (area.width as usize).saturating_sub(right.width());
    let line = Line::from(vec![
        Span::raw(truncate(&title, room)),
        Span::raw(" ".repeat(room.saturating_sub(truncate(&title, room).width()))),
        Span::raw(right),
    ]);
    frame.render_widget(
        Paragraph::new(line).style(Style::new().bg(Color::Blue).fg(Color::White).bold()),
        area,
    );
}

fn draw_notice(app: &App, frame: &mut Frame, area: Rect) {
    let (text, style) = match &app.notice {
        Some(Notice::Saved(s)) => (format!("✔ {s}"), Style::new().fg(Color::Green)),
        Some(Notice::Info(s)) => (format!("ℹ {s}"), Style::new().fg(Color::Yellow)),
        Some(Notice::Error(s)) => (format!("✖ {s}"), Style::new().fg(Color::Red).bold()),
        None => (String::new(), Style::new()),
    };
    frame.render_widget(
        Paragraph::new(truncate(&text, area.width as usize)).style(style),
        area,
    );
}

/// The main keys of the current screen, from the keymap, as many as fit.
fn draw_footer(app: &App, frame: &mut Frame, area: Rect) {
    let context = app.context();
    let main: &[Action] = match context {
        Context::Dashboard => &[
            Action::Select,
            Action::ToggleAttendance,
            Action::OpenProduct,
            Action::EnterSheet,
            Action::CloseProduct,
            Action::ShowBoard,
            Action::ShowSummary,
            Action::Help,
            Action::Quit,
        ],
        Context::Member => &[
            Action::Select,
            Action::ShowSummary,
            Action::Help,
            Action::Quit,
        ],
        Context::Sheet => &[
            Action::Pick1,
            Action::Up,
            Action::Down,
            Action::Submit,
            Action::Comment,
            Action::NextUnanswered,
            Action::Back,
            Action::Help,
        ],
        Context::Resolve => &[
            Action::TakeFirst,
            Action::TakeSecond,
            Action::Up,
            Action::Down,
            Action::Back,
        ],
        Context::Board | Context::Summary => &[
            Action::Up,
            Action::Down,
            Action::ShowResult,
            Action::Back,
            Action::Help,
        ],
        Context::Result => &[
            Action::Down,
            Action::PageDown,
            Action::NewRound,
            Action::Back,
            Action::Help,
        ],
        Context::Dialog => &[Action::Confirm, Action::Cancel],
        Context::Input => &[Action::Confirm, Action::Cancel],
        Context::Help | Context::Global => &[Action::Down, Action::Back],
    };
    let t = app.t();
    let mut spans = Vec::new();
    let mut used = 0;
    for &action in main {
        let Some(key) = app.keymap.key_for(context, action) else {
            continue;
        };
        let key = if action == Action::Pick1 {
            format!("{key}…9")
        } else {
            key.to_string()
        };
        let label = t.action_label(action);
        let width = key.width() + label.width() + 3;
        if used + width > area.width as usize {
            break;
        }
        used += width;
        spans.push(Span::styled(
            format!(" {key}"),
            Style::new().fg(Color::Black).bg(Color::Gray),
        ));
        spans.push(Span::raw(format!(" {label} ")));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

/// A box in the middle of `area`, `width` × `height` at most.
pub fn centered(area: Rect, width: u16, height: u16) -> Rect {
    let w = width.min(area.width);
    let h = height.min(area.height);
    Rect::new(
        area.x + (area.width - w) / 2,
        area.y + (area.height - h) / 2,
        w,
        h,
    )
}

fn draw_confirm(app: &App, frame: &mut Frame, area: Rect, confirm: &Confirm) {
    let t = app.t();
    let (title, lines) = match confirm {
        Confirm::Submit => sheet::submit_summary(app),
        Confirm::Close(id) => {
            let name = app
                .product(*id)
                .map_or(String::new(), |p| format!("{} · {}", p.code, p.name));
            (
                t.close_title.to_string(),
                vec![
                    Line::from(name),
                    Line::from(""),
                    Line::from(t.close_question),
                ],
            )
        }
    };
    let height = lines.len() as u16 + 4;
    let rect = centered(area, 72, height.max(7));
    frame.render_widget(Clear, rect);
    let yes = app
        .keymap
        .key_for(Context::Dialog, Action::Confirm)
        .map_or(String::new(), |k| k.to_string());
    let no = app
        .keymap
        .key_for(Context::Dialog, Action::Cancel)
        .map_or(String::new(), |k| k.to_string());
    let mut lines = lines;
    lines.push(Line::from(""));
    lines.push(Line::from(fill(t.confirm_keys, &[("yes", &yes), ("no", &no)])).bold());
    frame.render_widget(
        Paragraph::new(lines).wrap(Wrap { trim: false }).block(
            Block::default()
                .borders(Borders::ALL)
                .title(format!(" {title} "))
                .border_style(Style::new().fg(Color::Yellow)),
        ),
        rect,
    );
}

fn draw_input(
    app: &App,
    frame: &mut Frame,
    area: Rect,
    kind: InputKind,
    text: &str,
    cursor: usize,
) {
    let t = app.t();
    let code = |id: i64| {
        app.product(id)
            .map_or(String::new(), |p| format!("{} · {}", p.code, p.name))
    };
    let (title, context): (&str, Vec<String>) = match kind {
        InputKind::KnockOut(id) => (
            t.knockout_title,
            std::iter::once(code(id))
                .chain(
                    app.product(id)
                        .into_iter()
                        .flat_map(|p| p.rubric.knockouts.iter().map(|k| format!("• {k}"))),
                )
                .collect(),
        ),
        InputKind::NewRound(id) => (t.new_round_title, vec![code(id)]),
        InputKind::CloseOverride(id) => {
            let waiting = app
                .product(id)
                .map(|p| super::app::seats_text(&app.waiting_seats(p)))
                .unwrap_or_default();
            (
                t.override_title,
                vec![code(id), fill(t.override_waiting, &[("seats", &waiting)])],
            )
        }
        InputKind::Recuse(id, seat) => {
            let name = app.data.member(seat).map_or("", |m| m.name.as_str());
            (
                t.recuse_title,
                vec![
                    code(id),
                    format!("{} {seat} · {name}", app.lang.strings().seat),
                ],
            )
        }
        InputKind::Comment => (t.comment_title, vec![]),
        InputKind::ExportFolder => (t.export_title, vec![t.export_explain.to_string()]),
    };
    let width = area.width.min(76);
    let inner = width.saturating_sub(2) as usize;
    let mut lines: Vec<Line> = context.iter().map(|c| Line::from(c.clone())).collect();
    lines.push(Line::from(""));
    // The field shows its tail when the text is longer than the box.
    let field_width = inner.saturating_sub(2);
    let skip = cursor.saturating_sub(field_width.saturating_sub(1));
    let visible: String = skip_columns(text, skip);
    lines.push(Line::from(vec![
        Span::raw("› "),
        Span::styled(
            truncate(&visible, field_width),
            Style::new().add_modifier(Modifier::UNDERLINED),
        ),
    ]));
    lines.push(Line::from(""));
    let ok = app
        .keymap
        .key_for(Context::Input, Action::Confirm)
        .map_or(String::new(), |k| k.to_string());
    let cancel = app
        .keymap
        .key_for(Context::Input, Action::Cancel)
        .map_or(String::new(), |k| k.to_string());
    lines.push(Line::from(fill(t.input_keys, &[("ok", &ok), ("cancel", &cancel)])).dim());
    let wrapped: u16 = lines
        .iter()
        .map(|l| (l.width() as u16).div_ceil(inner.max(1) as u16).max(1))
        .sum();
    let rect = centered(area, width, wrapped + 2);
    frame.render_widget(Clear, rect);
    let field_row = rect.y + 1 + wrapped - 3;
    frame.render_widget(
        Paragraph::new(lines).wrap(Wrap { trim: false }).block(
            Block::default()
                .borders(Borders::ALL)
                .title(format!(" {title} "))
                .border_style(Style::new().fg(Color::Cyan)),
        ),
        rect,
    );
    let x = rect.x + 3 + (cursor - skip).min(field_width) as u16;
    frame.set_cursor_position((
        x.min(rect.right().saturating_sub(2)),
        field_row.min(rect.bottom().saturating_sub(2)),
    ));
}

/// Cuts `text` to `width` display columns, ending with "…" when cut.
pub fn truncate(text: &str, width: usize) -> String {
    if text.width() <= width {
        return text.to_string();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in text.chars() {
        let w = unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
        if used + w + 1 > width {
            break;
        }
        out.push(c);
        used += w;
    }
    out.push('…');
    out
}

fn skip_columns(text: &str, columns: usize) -> String {
    let mut used = 0;
    text.chars()
        .skip_while(|c| {
            let skip = used < columns;
            used += unicode_width::UnicodeWidthChar::width(*c).unwrap_or(0);
            skip
        })
        .collect()
}

/// Pads or cuts `text` to exactly `width` columns.
pub fn fit(text: &str, width: usize) -> String {
    let cut = truncate(text, width);
    let pad = width.saturating_sub(cut.width());
    format!("{cut}{}", " ".repeat(pad))
}

/// A bordered block with a title; the focused one is highlighted.
pub fn block(title: &str, focused: bool) -> Block<'static> {
    let style = if focused {
        Style::new().fg(Color::Cyan)
    } else {
        Style::new().fg(Color::DarkGray)
    };
    Block::default()
        .borders(Borders::ALL)
        .border_style(style)
        .title(format!(" {title} "))
}
