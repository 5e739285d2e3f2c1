//! What opens over a screen: the help (every key of the screen, from the keymap), a yes/no
//! question, a one-line text field. An overlay takes the keys while it is open; its answer
//! goes to the screen that asked.

use std::path::PathBuf;

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style, Stylize};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};

use super::action::Action;
use super::app::{App, Notice, seats_text};
use super::editor::LineEditor;
use super::keymap::{Context, Key};
use super::labels::action_label;
use super::widgets::{centered, skip_columns, truncate};
use crate::i18n::fill;

/// Questions whose "yes" cannot be undone: only the confirm key answers them, never Enter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Confirm {
    Submit,
    Close(i64),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InputKind {
    /// Which knock-out condition of the criteria set (and, optionally, the proposer's seat).
    KnockOutCondition(i64),
    /// The reason for knocking out on condition `.1` proposed by seat `.2`.
    KnockOut(i64, u32, Option<u32>),
    /// Set 26: the case number.
    Case(i64),
    /// Why one submitted sheet (product, seat) is reopened.
    ReopenSheet(i64, u32),
    /// The name of the person entering paper sheets at this terminal (asked once), before
    /// the sheet (product, seat, entry) opens.
    OperatorName(i64, u32, u8),
    NewRound(i64),
    CloseOverride(i64),
    Recuse(i64, u32),
    Comment,
    ExportFolder,
    /// `/`: a product's code or part of its name.
    FindProduct,
}

#[derive(Debug, Clone)]
pub enum Overlay {
    Help { scroll: u16 },
    Confirm(Confirm),
    Input { kind: InputKind, editor: LineEditor },
}

/// What an overlay gives back to the screen that opened it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    Yes(Confirm),
    Text(InputKind, String),
    /// The text field was closed without saving (Esc).
    Cancelled(InputKind),
}

impl Overlay {
    pub fn input(kind: InputKind, text: &str) -> Self {
        Self::Input {
            kind,
            editor: LineEditor::with_text(text),
        }
    }

    pub fn context(&self) -> Context {
        match self {
            Self::Help { .. } => Context::Help,
            Self::Confirm(_) => Context::Dialog,
            Self::Input { .. } => Context::Input,
        }
    }

    /// Handles a key; puts itself back on `app` while it stays open.
    pub fn update(self, app: &mut App, action: Action) -> Option<Answer> {
        match self {
            Self::Help { scroll } => {
                let scroll = match action {
                    Action::Back | Action::Cancel => return None,
                    Action::Up => scroll.saturating_sub(1),
                    Action::Down => scroll.saturating_add(1),
                    _ => scroll,
                };
                app.overlay = Some(Self::Help { scroll });
                None
            }
            Self::Confirm(confirm) => match action {
                Action::Confirm => Some(Answer::Yes(confirm)),
                Action::Cancel | Action::Back => None,
                _ => {
                    app.overlay = Some(Self::Confirm(confirm));
                    None
                }
            },
            Self::Input { kind, mut editor } => {
                match action {
                    Action::Insert(c) => editor.insert(c),
                    Action::Backspace => editor.backspace(),
                    Action::Delete => editor.delete(),
                    Action::Left => editor.left(),
                    Action::Right => editor.right(),
                    Action::Home => editor.home(),
                    Action::End => editor.end(),
                    Action::Cancel | Action::Back => return Some(Answer::Cancelled(kind)),
                    Action::Confirm => {
                        let text = editor.text();
                        if !text.is_empty() || kind.may_be_empty() {
                            return Some(Answer::Text(kind, text));
                        }
                        app.notice = Some(Notice::Error(app.t().reason_required.to_string()));
                    }
                    _ => {}
                }
                app.overlay = Some(Self::Input { kind, editor });
                None
            }
        }
    }
}

impl InputKind {
    /// A comment may be cleared; a reason, a folder or a search may not be empty.
    fn may_be_empty(&self) -> bool {
        *self == Self::Comment
    }
}

/// The export folder offered by default: `council-<session code>` in the current folder.
pub fn default_export_folder(app: &App) -> PathBuf {
    std::env::current_dir()
        .unwrap_or_default()
        .join(format!("council-{}", app.data.info.code))
}

pub fn draw(app: &App, frame: &mut Frame, area: Rect) {
    match &app.overlay {
        Some(Overlay::Help { scroll }) => draw_help(app, frame, area, *scroll),
        Some(Overlay::Confirm(c)) => {
            let (title, lines) = app.top_screen().confirm_text(app, c);
            draw_confirm(app, frame, area, &title, lines);
        }
        Some(Overlay::Input { kind, editor }) => draw_input(
            app,
            frame,
            area,
            kind,
            &editor.raw(),
            editor.cursor_column(),
        ),
        None => {}
    }
}

fn draw_help(app: &App, frame: &mut Frame, area: Rect, scroll: u16) {
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
                    Span::raw(action_label(app.lang, action).to_string()),
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

fn draw_confirm(app: &App, frame: &mut Frame, area: Rect, title: &str, lines: Vec<Line>) {
    let t = app.t();
    let yes = app
        .keymap
        .key_for(Context::Dialog, Action::Confirm)
        .map_or(String::new(), |k| k.to_string());
    let no = app
        .keymap
        .key_for(Context::Dialog, Action::Cancel)
        .map_or(String::new(), |k| k.to_string());
    let height = lines.len() as u16 + 4;
    let rect = centered(area, 72, height.max(7));
    let mut lines = lines;
    lines.push(Line::from(""));
    lines.push(Line::from(fill(t.confirm_keys, &[("yes", &yes), ("no", &no)])).bold());
    frame.render_widget(Clear, rect);
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
    kind: &InputKind,
    text: &str,
    cursor: usize,
) {
    let t = app.t();
    let code = |id: i64| {
        app.product(id)
            .map_or(String::new(), |p| format!("{} · {}", p.code, p.name))
    };
    let (title, context): (&str, Vec<String>) = match *kind {
        InputKind::KnockOutCondition(id) => (
            t.knockout_title,
            std::iter::once(code(id))
                .chain(std::iter::once(t.knockout_condition_explain.to_string()))
                .chain(app.product(id).into_iter().flat_map(|p| {
                    crate::meeting::knockout_conditions(&p.rubric)
                        .into_iter()
                        .map(|c| format!("{}. {}", c.number, c.text))
                }))
                .collect(),
        ),
        InputKind::KnockOut(id, condition, _) => (
            t.knockout_title,
            std::iter::once(code(id))
                .chain(app.product(id).into_iter().flat_map(|p| {
                    crate::meeting::knockout_conditions(&p.rubric)
                        .into_iter()
                        .filter(|c| c.number == condition)
                        .map(|c| format!("{}. {}", c.number, c.text))
                }))
                .chain(std::iter::once(t.knockout_reason_explain.to_string()))
                .collect(),
        ),
        InputKind::Case(id) => (
            t.case_title,
            std::iter::once(code(id))
                .chain(app.product(id).into_iter().flat_map(|p| {
                    p.rubric
                        .criteria()
                        .map(|(_, c)| crate::meeting::case_labels(c))
                        .find(|labels| !labels.is_empty())
                        .unwrap_or_default()
                        .into_iter()
                        .enumerate()
                        .map(|(i, label)| format!("{}. {label}", i + 1))
                        .collect::<Vec<_>>()
                }))
                .collect(),
        ),
        InputKind::OperatorName(id, _, _) => (
            t.operator_title,
            vec![code(id), t.operator_explain.to_string()],
        ),
        InputKind::ReopenSheet(id, seat) => {
            let name = app.member(seat).map_or("", |m| m.name.as_str());
            (
                t.reopen_sheet_title,
                vec![
                    code(id),
                    format!("{} {seat} · {name}", app.lang.strings().seat),
                ],
            )
        }
        InputKind::NewRound(id) => (t.new_round_title, vec![code(id)]),
        InputKind::CloseOverride(id) => {
            let waiting = app
                .product(id)
                .map(|p| seats_text(&app.waiting_seats(p)))
                .unwrap_or_default();
            (
                t.override_title,
                vec![code(id), fill(t.override_waiting, &[("seats", &waiting)])],
            )
        }
        InputKind::Recuse(id, seat) => {
            let name = app.member(seat).map_or("", |m| m.name.as_str());
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
        InputKind::FindProduct => (t.find_title, vec![t.find_explain.to_string()]),
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
