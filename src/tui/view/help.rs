//! Every key of the current screen, generated from the keymap.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Style, Stylize};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};

use super::centered;
use crate::tui::action::Action;
use crate::tui::app::App;
use crate::tui::keymap::{Context, Key};

pub fn draw(app: &App, frame: &mut Frame, area: Rect, scroll: u16) {
    let t = app.t();
    let context = app.screen_context();
    let mut lines = Vec::new();
    let section =
        |title: &str, entries: Vec<(Action, Vec<Key>)>, lines: &mut Vec<Line<'static>>| {
            lines.push(Line::from(title.to_string()).bold().fg(Color::Cyan));
            // The nine "pick option n" actions are shown as one line.
            let picks: Vec<String> = entries
                .iter()
                .filter(|(a, _)| a.pick().is_some())
                .flat_map(|(_, keys)| keys.iter().map(ToString::to_string))
                .collect();
            let mut picks_shown = false;
            for (action, keys) in entries {
                let keys = if action.pick().is_some() {
                    if picks_shown {
                        continue;
                    }
                    picks_shown = true;
                    match picks.as_slice() {
                        [first, .., last] if picks.len() > 2 => format!("{first}…{last}"),
                        _ => picks.join(" "),
                    }
                } else {
                    keys.iter()
                        .map(ToString::to_string)
                        .collect::<Vec<_>>()
                        .join(" ")
                };
                lines.push(Line::from(vec![
                    Span::styled(format!("  {keys:<16}"), Style::new().fg(Color::Yellow)),
                    Span::raw(t.action_label(action).to_string()),
                ]));
            }
            lines.push(Line::from(""));
        };
    section(t.help_screen_keys, app.keymap.help(context), &mut lines);
    section(
        t.help_everywhere,
        app.keymap.help(Context::Global),
        &mut lines,
    );
    lines.push(Line::from(t.help_keymap_file.to_string()).dim());
    let height = (lines.len() as u16 + 2).min(area.height);
    let rect = centered(area, 64, height);
    frame.render_widget(Clear, rect);
    frame.render_widget(
        Paragraph::new(lines).scroll((scroll, 0)).block(
            Block::default()
                .borders(Borders::ALL)
                .title(format!(" {} ", t.help_title))
                .border_style(Style::new().fg(Color::Cyan)),
        ),
        rect,
    );
}
