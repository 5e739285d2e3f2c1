//! The frame around every screen: the header, the notice line and the footer of keys. The
//! body is drawn by the screen on top (`screen/`), overlays over it (`overlay`). Drawing only
//! reads `&App`.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use unicode_width::UnicodeWidthStr;

use super::app::{App, Notice, Role};
use super::labels::footer_label;
use super::widgets::truncate;
use crate::i18n::fill;

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
    app.top_screen().draw(app, frame, body);
    draw_notice(app, frame, notice);
    draw_footer(app, frame, footer);
    super::overlay::draw(app, frame, body);
}

fn draw_header(app: &App, frame: &mut Frame, area: Rect) {
    let t = app.t();
    let who = match app.role {
        Role::Secretary => t.secretary.to_string(),
        Role::Display => t.display_role.to_string(),
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

/// The keys of the current screen that work now, from the keymap, as many as fit; the help
/// key always ends the line, so every other key can be found.
fn draw_footer(app: &App, frame: &mut Frame, area: Rect) {
    use super::action::Action;
    let context = app.context();
    let keys = match &app.overlay {
        Some(o) => super::screen::overlay_keys(o),
        None => app.top_screen().footer_keys(app),
    };
    let entry = |action: Action| -> Option<(String, &'static str)> {
        let key = app.keymap.key_for(context, action)?;
        let key = if action == Action::Pick1 {
            format!("{key}…9")
        } else {
            key.to_string()
        };
        Some((key, footer_label(app.lang, action)))
    };
    let width = |(key, label): &(String, &str)| key.width() + label.width() + 3;
    let help = match &app.overlay {
        Some(_) => None,
        None => entry(Action::Help),
    };
    let mut room = (area.width as usize).saturating_sub(help.as_ref().map_or(0, width));
    let mut shown = Vec::new();
    for action in keys.into_iter().filter(|a| *a != Action::Help) {
        let Some(item) = entry(action) else { continue };
        if width(&item) > room {
            continue;
        }
        room -= width(&item);
        shown.push(item);
    }
    shown.extend(help);
    let spans: Vec<Span> = shown
        .into_iter()
        .flat_map(|(key, label)| {
            [
                Span::styled(
                    format!(" {key}"),
                    Style::new().fg(Color::Black).bg(Color::Gray),
                ),
                Span::raw(format!(" {label} ")),
            ]
        })
        .collect();
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}
