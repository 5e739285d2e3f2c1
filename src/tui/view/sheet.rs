//! The scoring sheet, its submit summary, and the side-by-side resolution of a blind re-entry.

use std::collections::BTreeMap;

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style, Stylize};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Row, Table, TableState, Wrap};

use super::{block, fit, truncate};
use crate::i18n::fill;
use crate::rubric::Criterion;
use crate::store::ProductRow;
use crate::tui::app::{App, SheetView};

fn markers(stars: Option<u8>) -> String {
    stars.map_or(String::new(), |n| "*".repeat(n as usize))
}

fn points_of(criterion: &Criterion, choices: &BTreeMap<String, u32>) -> Option<u32> {
    choices
        .get(&criterion.id)
        .and_then(|&o| criterion.option_at(o as usize))
        .map(|o| o.points)
}

/// Who fills the sheet in, and which entry: one line under the product.
fn whose_line(app: &App, view: &SheetView) -> String {
    let t = app.t();
    let s = app.lang.strings();
    let name = app.data.member(view.seat).map_or("", |m| m.name.as_str());
    let mut line = format!("{} {} · {name}", s.seat, view.seat);
    if view.proxy {
        line.push_str(&format!(" · {}", t.entered_for_member));
    }
    if view.entry == 2 {
        line.push_str(&format!(" · {}", t.blind_entry_label));
    }
    if view.submitted() {
        line.push_str(&format!(" · {}", t.submitted_label));
    }
    line
}

fn product_line(p: &ProductRow, round_word: &str) -> String {
    let set = p
        .rubric
        .set_number
        .map_or_else(|| p.rubric_id.clone(), |n| format!("{n:02}"));
    let round = if p.round > 1 {
        format!(" · {round_word} {}", p.round)
    } else {
        String::new()
    };
    format!(
        "{} · {} · {} · {set} {}{round}",
        p.code, p.name, p.producer, p.rubric.name
    )
}

pub fn draw(app: &App, frame: &mut Frame, area: Rect) {
    let Some(view) = &app.sheet else { return };
    let Some(product) = app.product(view.product_id) else {
        return;
    };
    let t = app.t();
    let choices = view.choices();
    let criteria = app.sheet_criteria();
    let total: u32 = criteria.iter().filter_map(|c| points_of(c, &choices)).sum();
    let [head, body] = Layout::vertical([Constraint::Length(2), Constraint::Min(3)]).areas(area);
    let progress = fill(
        t.sheet_progress,
        &[
            ("done", &choices.len().to_string()),
            ("count", &criteria.len().to_string()),
            ("total", &total.to_string()),
            ("max", &product.rubric.max_points.to_string()),
        ],
    );
    let width = head.width as usize;
    let first = truncate(&product_line(product, app.lang.strings().round), width);
    let whose = whose_line(app, view);
    let room = width.saturating_sub(progress.chars().count() + 1);
    frame.render_widget(
        Paragraph::new(vec![
            Line::from(first).bold(),
            Line::from(vec![
                Span::styled(
                    fit(&whose, room),
                    Style::new().fg(if view.proxy {
                        Color::Magenta
                    } else {
                        Color::Cyan
                    }),
                ),
                Span::raw(" "),
                Span::styled(progress, Style::new().bold()),
            ]),
        ]),
        head,
    );
    let list_width = if body.width >= 120 {
        body.width * 2 / 5
    } else {
        (body.width / 2).max(30).min(body.width)
    };
    let [list, detail] =
        Layout::horizontal([Constraint::Length(list_width), Constraint::Min(10)]).areas(body);
    draw_criteria(app, frame, list, product, &choices, view.cursor);
    draw_detail(app, frame, detail, &choices, view);
}

/// The criteria grouped by part and section, with running subtotals.
fn draw_criteria(
    app: &App,
    frame: &mut Frame,
    area: Rect,
    product: &ProductRow,
    choices: &BTreeMap<String, u32>,
    cursor: usize,
) {
    let t = app.t();
    let mut rows = Vec::new();
    let mut selected = 0;
    let mut index = 0;
    let inner = area.width.saturating_sub(2) as usize;
    for part in &product.rubric.parts {
        let part_points: u32 = part
            .sections
            .iter()
            .flat_map(|s| &s.criteria)
            .filter_map(|c| points_of(c, choices))
            .sum();
        rows.push(
            Row::new(vec![
                format!("{} {}", part.id, part.title),
                format!("{part_points}/{}", part.max_points),
            ])
            .style(Style::new().fg(Color::Cyan).bold()),
        );
        for section in &part.sections {
            let section_points: u32 = section
                .criteria
                .iter()
                .filter_map(|c| points_of(c, choices))
                .sum();
            rows.push(
                Row::new(vec![
                    format!(" {} {}", section.id, section.title),
                    format!("{section_points}/{}", section.max_points),
                ])
                .style(Style::new().bold()),
            );
            for c in &section.criteria {
                let (mark, points) = match (choices.get(&c.id), points_of(c, choices)) {
                    (Some(o), Some(p)) => (format!("[{o}]"), format!("{p}/{}", c.max_points)),
                    _ => ("[ ]".to_string(), format!("·/{}", c.max_points)),
                };
                if index == cursor {
                    selected = rows.len();
                }
                let style = if choices.contains_key(&c.id) {
                    Style::new()
                } else {
                    Style::new().fg(Color::Yellow)
                };
                rows.push(
                    Row::new(vec![format!("  {mark} {} {}", c.id, c.title), points]).style(style),
                );
                index += 1;
            }
        }
    }
    let table = Table::new(
        rows,
        [
            Constraint::Length(inner.saturating_sub(7) as u16),
            Constraint::Length(6),
        ],
    )
    .block(block(t.criteria_title, false))
    .row_highlight_style(Style::new().add_modifier(Modifier::REVERSED))
    .column_spacing(1);
    let mut state = TableState::default().with_selected(Some(selected));
    frame.render_stateful_widget(table, area, &mut state);
}

fn draw_detail(
    app: &App,
    frame: &mut Frame,
    area: Rect,
    choices: &BTreeMap<String, u32>,
    view: &SheetView,
) {
    let t = app.t();
    let criteria = app.sheet_criteria();
    let Some(c) = criteria.get(view.cursor) else {
        return;
    };
    let mut lines = vec![
        Line::from(format!("{} {}", c.id, c.title)).bold(),
        Line::from(fill(
            t.max_points,
            &[
                ("max", &c.max_points.to_string()),
                ("n", &(view.cursor + 1).to_string()),
                ("count", &criteria.len().to_string()),
            ],
        ))
        .dim(),
    ];
    if let Some(d) = &c.description {
        lines.push(Line::from(d.clone()).italic());
    }
    if let Some(cond) = &c.condition {
        lines.push(Line::from(cond.clone()).italic());
    }
    lines.push(Line::from(""));
    let chosen = choices.get(&c.id).copied();
    // Options wrap under their text, not under their number, so each stands apart.
    let text_width = (area.width as usize).saturating_sub(2 + 4).max(10);
    for (i, o) in c.options.iter().enumerate() {
        let n = i as u32 + 1;
        let picked = chosen == Some(n);
        let style = if picked {
            Style::new().fg(Color::Black).bg(Color::Green)
        } else {
            Style::new()
        };
        let points = fill(t.points_short, &[("points", &o.points.to_string())]);
        let stars = markers(o.min_stars);
        let tail = if stars.is_empty() {
            points.clone()
        } else {
            format!("{points} {stars}")
        };
        let rows = wrap_words(&format!("{} {tail}", o.text), text_width);
        let count = rows.len();
        for (j, row) in rows.into_iter().enumerate() {
            let lead = if j == 0 {
                format!("{} {n} ", if picked { "●" } else { " " })
            } else {
                "    ".to_string()
            };
            let mut spans = vec![Span::styled(lead, style.bold())];
            match row.strip_suffix(tail.as_str()).filter(|_| j + 1 == count) {
                // The last row ends with the points and the star marker, highlighted.
                Some(body) => {
                    spans.push(Span::styled(body.to_string(), style));
                    spans.push(Span::styled(points.clone(), style.bold()));
                    if !stars.is_empty() {
                        spans.push(Span::styled(
                            format!(" {stars}"),
                            Style::new().fg(Color::Yellow).bold(),
                        ));
                    }
                }
                None => spans.push(Span::styled(row, style)),
            }
            lines.push(Line::from(spans));
        }
    }
    if let Some(k) = &c.knockout {
        lines.push(Line::from(""));
        lines.push(Line::from(format!("⚠ {k}")).fg(Color::Red));
    }
    for note in c.notes.iter().filter(|n| {
        Some(*n) != c.knockout.as_ref() && !n.contains(c.knockout.as_deref().unwrap_or("\u{0}"))
    }) {
        lines.push(Line::from(note.clone()).dim());
    }
    if view.entry == 1 {
        let comment = view.stored.as_ref().map_or("", |s| s.comment.as_str());
        lines.push(Line::from(""));
        lines.push(Line::from(vec![
            Span::raw(format!("{}: ", t.comment_label)).bold(),
            Span::raw(comment.to_string()),
        ]));
    }
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .block(block(t.options_title, true)),
        area,
    );
}

/// The submit dialog: product and member again, total, anything unanswered.
pub fn submit_summary(app: &App) -> (String, Vec<Line<'static>>) {
    let t = app.t();
    let Some(view) = &app.sheet else {
        return (String::new(), vec![]);
    };
    let Some(product) = app.product(view.product_id) else {
        return (String::new(), vec![]);
    };
    let choices = view.choices();
    let criteria = app.sheet_criteria();
    let total: u32 = criteria.iter().filter_map(|c| points_of(c, &choices)).sum();
    let missing: Vec<String> = criteria
        .iter()
        .filter(|c| !choices.contains_key(&c.id))
        .map(|c| c.id.clone())
        .collect();
    let mut lines = vec![
        Line::from(format!("{} · {}", product.code, product.name)).bold(),
        Line::from(whose_line(app, view)).bold(),
        Line::from(""),
        Line::from(fill(
            t.submit_total,
            &[
                ("total", &total.to_string()),
                ("max", &product.rubric.max_points.to_string()),
            ],
        )),
    ];
    if missing.is_empty() {
        let blind = app.data.info.policy.blind_reentry && view.proxy;
        let question = match (view.entry, blind) {
            (2, _) => t.submit_question_reentry,
            (_, true) => t.submit_question_first_entry,
            _ => t.submit_question,
        };
        lines.push(Line::from(question));
        (
            (if view.entry == 2 {
                t.finish_reentry_title
            } else {
                t.submit_title
            })
            .to_string(),
            lines,
        )
    } else {
        lines.push(
            Line::from(fill(
                t.unanswered,
                &[
                    ("count", &missing.len().to_string()),
                    ("list", &truncate(&missing.join(", "), 120)),
                ],
            ))
            .fg(Color::Red),
        );
        lines.push(Line::from(t.go_to_unanswered));
        (t.submit_title.to_string(), lines)
    }
}

/// Mismatches between a paper sheet and its blind re-entry, side by side.
pub fn draw_resolve(app: &App, frame: &mut Frame, area: Rect) {
    let t = app.t();
    let Some(view) = &app.sheet else { return };
    let Some(product) = app.product(view.product_id) else {
        return;
    };
    let Some(stored) = &view.stored else { return };
    let [head, body] = Layout::vertical([Constraint::Length(3), Constraint::Min(3)]).areas(area);
    frame.render_widget(
        Paragraph::new(vec![
            Line::from(truncate(
                &product_line(product, app.lang.strings().round),
                head.width as usize,
            ))
            .bold(),
            Line::from(whose_line(app, view)),
            Line::from(t.resolve_help).fg(Color::Yellow),
        ]),
        head,
    );
    let option_text = |c: &Criterion, o: Option<&u32>| match o
        .and_then(|&o| c.option_at(o as usize).map(|x| (o, x)))
    {
        Some((n, x)) => format!(
            "{n} · {} ({})",
            x.text,
            fill(t.points_short, &[("points", &x.points.to_string())])
        ),
        None => "—".to_string(),
    };
    let mismatches = app.mismatches();
    let rows = mismatches.iter().map(|c| {
        Row::new(vec![
            format!("{} {}", c.id, c.title),
            option_text(c, stored.choices.get(&c.id)),
            option_text(c, stored.reentry.get(&c.id)),
        ])
        .height(2)
    });
    let table = Table::new(
        rows,
        [
            Constraint::Percentage(30),
            Constraint::Percentage(35),
            Constraint::Percentage(35),
        ],
    )
    .header(Row::new(vec![t.col_criterion, t.first_entry_col, t.second_entry_col]).bold())
    .block(block(
        &fill(
            t.mismatch_title,
            &[("count", &mismatches.len().to_string())],
        ),
        true,
    ))
    .row_highlight_style(Style::new().add_modifier(Modifier::REVERSED))
    .column_spacing(1);
    let mut state = TableState::default().with_selected(Some(app.resolve_cursor));
    frame.render_stateful_widget(table, body, &mut state);
}

/// Splits `text` into rows of at most `width` display columns, breaking between words.
fn wrap_words(text: &str, width: usize) -> Vec<String> {
    use unicode_width::UnicodeWidthStr;
    let mut rows = Vec::new();
    let mut row = String::new();
    for word in text.split_whitespace() {
        if !row.is_empty() && row.width() + 1 + word.width() > width {
            rows.push(std::mem::take(&mut row));
        }
        if !row.is_empty() {
            row.push(' ');
        }
        row.push_str(word);
    }
    rows.push(row);
    rows
}
