//! The projector view: what the whole room may see, in large type. While a product is being
//! scored, the product and how many sheets are in (never whose); once it is settled, its
//! stars, mean, the mean against the star bands, and the spread verdict. Read-only; the same
//! drawing serves `council display` and the secretary's `p`.

use ratatui::Frame;
use ratatui::layout::{Alignment, Rect};
use ratatui::style::{Color, Modifier, Style, Stylize};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use super::Nav;
use super::result::{rank_words, spread_verdict, stars_text};
use crate::i18n::fill;
use crate::report::RankForm;
use crate::scoring::ProductResult;
use crate::store::{ProductRow, ProductStatus};
use crate::tui::action::Action;
use crate::tui::app::{App, Role};
use crate::tui::widgets::panel;

pub struct Projector;

impl Projector {
    pub fn update(&mut self, _app: &mut App, action: Action) -> Nav {
        match action {
            Action::Back => Nav::Pop,
            _ => Nav::Stay,
        }
    }
}

pub fn footer_keys() -> Vec<Action> {
    vec![Action::Back, Action::Help, Action::Quit]
}

/// The product on the projector: the secretary's selected one; on `council display` the one
/// being scored, else the last settled.
pub fn subject(app: &App) -> Option<&ProductRow> {
    match app.role {
        Role::Display => {
            let products = app.visible_products();
            products
                .iter()
                .find(|p| p.status == ProductStatus::Scoring)
                .or_else(|| products.iter().rev().find(|p| p.status.is_settled()))
                .copied()
        }
        _ => app.selected_product(),
    }
}

pub fn draw(app: &App, frame: &mut Frame, area: Rect) {
    let t = app.t();
    let Some(p) = subject(app) else {
        frame.render_widget(
            Paragraph::new(t.projector_waiting)
                .alignment(Alignment::Center)
                .block(panel(&app.data.info.title)),
            area,
        );
        return;
    };
    let width = area.width.saturating_sub(2) as usize;
    let mut lines = vec![
        Line::from(format!("{} · {}", p.code, p.name)).bold(),
        Line::from(p.producer.clone()).dim(),
        Line::from(""),
    ];
    let (label, body) = match (p.status, app.results.get(&p.id)) {
        (s, Some(r)) if s.is_settled() => (t.projector_result, result_lines(app, p, r, width)),
        (ProductStatus::Scoring, _) => (t.projector_scoring, scoring_lines(app, p, width)),
        _ => (t.projector_waiting, Vec::new()),
    };
    lines.insert(0, Line::from(label).fg(Color::Cyan).bold());
    lines.extend(body);
    frame.render_widget(
        Paragraph::new(lines)
            .alignment(Alignment::Center)
            .wrap(Wrap { trim: false })
            .block(panel(&app.data.info.title)),
        area,
    );
}

/// Sheets in so far, as a count only.
fn scoring_lines(app: &App, p: &ProductRow, width: usize) -> Vec<Line<'static>> {
    let (done, expected) = app.sheets_in(p);
    let mut lines = big_text(&format!("{done}/{expected}"), width, Color::White);
    lines.push(Line::from(""));
    lines.push(
        Line::from(fill(
            app.t().projector_sheets,
            &[
                ("done", &done.to_string()),
                ("expected", &expected.to_string()),
            ],
        ))
        .bold(),
    );
    lines
}

fn result_lines(app: &App, p: &ProductRow, r: &ProductResult, width: usize) -> Vec<Line<'static>> {
    let s = app.lang.strings();
    let mut lines = Vec::new();
    if let (None, Some(n)) = (&r.knocked_out, r.stars) {
        let stars = stars_text(n, p.rubric.top_stars());
        let spaced: String = stars.chars().flat_map(|c| [c, ' ']).collect();
        lines.push(
            Line::from(spaced.trim_end().to_string())
                .fg(Color::Yellow)
                .bold(),
        );
    }
    lines.push(Line::from(rank_words(app, RankForm::Sentence, p, r)).bold());
    lines.push(Line::from(""));
    if r.knocked_out.is_none() {
        lines.extend(big_text(&r.mean_display(), width, Color::Yellow));
        lines.push(Line::from(format!("{} / {}", s.mean, r.max_points)).dim());
        lines.push(Line::from(""));
        lines.extend(band_chart(p, r, width));
        lines.push(Line::from(""));
        if let Some((text, breach)) = spread_verdict(app, r) {
            let style = if breach {
                Style::new().fg(Color::Red).add_modifier(Modifier::BOLD)
            } else {
                Style::new().fg(Color::Green)
            };
            lines.push(Line::styled(text, style));
        }
    } else if let Some(reason) = &r.knocked_out {
        lines.push(Line::from(reason.clone()).fg(Color::Red).bold());
    }
    lines
}

/// The mean on a 0…max scale with the star bands marked (30/50/70/90 for the OCOP sets).
pub fn band_chart(p: &ProductRow, r: &ProductResult, width: usize) -> Vec<Line<'static>> {
    let bar = width.saturating_sub(8).clamp(10, 100);
    let max = r.max_points.max(1) as f64;
    let col = |points: f64| ((points / max) * bar as f64).round() as usize;
    let mean = r.mean_total.unwrap_or(0.0);
    let filled = col(mean).min(bar);
    let mut scale: Vec<char> = vec!['─'; bar + 1];
    let mut labels: Vec<char> = vec![' '; bar + 4];
    for b in p.rubric.bands.iter().filter(|b| b.min_points > 0) {
        let c = col(f64::from(b.min_points)).min(bar);
        scale[c] = '┼';
        for (i, ch) in format!("{}★", b.stars).chars().enumerate() {
            if let Some(slot) = labels.get_mut(c + i) {
                *slot = ch;
            }
        }
    }
    let mut marker = vec![' '; bar + 1];
    marker[filled] = '▲';
    let numbers: String = {
        let mut row = vec![' '; bar + 4];
        for b in p.rubric.bands.iter().filter(|b| b.min_points > 0) {
            let c = col(f64::from(b.min_points)).min(bar);
            for (i, ch) in b.min_points.to_string().chars().enumerate() {
                if let Some(slot) = row.get_mut(c + i) {
                    *slot = ch;
                }
            }
        }
        row.into_iter().collect()
    };
    vec![
        Line::from(labels.into_iter().collect::<String>()).fg(Color::Yellow),
        Line::from(vec![
            Span::styled("█".repeat(filled), Style::new().fg(Color::Cyan)),
            Span::styled(
                "░".repeat(bar + 1 - filled),
                Style::new().fg(Color::DarkGray),
            ),
        ]),
        Line::from(scale.into_iter().collect::<String>()).dim(),
        Line::from(numbers).dim(),
        Line::from(marker.into_iter().collect::<String>())
            .fg(Color::Yellow)
            .bold(),
    ]
}

/// Text in 5-row block letters when it fits `width`, else as it is, bold.
pub fn big_text(text: &str, width: usize, color: Color) -> Vec<Line<'static>> {
    let glyphs: Vec<[&str; 5]> = text.chars().filter_map(glyph).collect();
    let wide: usize = glyphs.iter().map(|g| g[0].chars().count() + 1).sum();
    if glyphs.len() != text.chars().count() || wide > width {
        return vec![Line::from(text.to_string()).fg(color).bold()];
    }
    (0..5)
        .map(|row| {
            let line: Vec<&str> = glyphs.iter().map(|g| g[row]).collect();
            Line::from(line.join(" ")).fg(color).bold()
        })
        .collect()
}

fn glyph(c: char) -> Option<[&'static str; 5]> {
    Some(match c {
        '0' => ["███", "█ █", "█ █", "█ █", "███"],
        '1' => [" █ ", "██ ", " █ ", " █ ", "███"],
        '2' => ["███", "  █", "███", "█  ", "███"],
        '3' => ["███", "  █", "███", "  █", "███"],
        '4' => ["█ █", "█ █", "███", "  █", "  █"],
        '5' => ["███", "█  ", "███", "  █", "███"],
        '6' => ["███", "█  ", "███", "█ █", "███"],
        '7' => ["███", "  █", "  █", "  █", "  █"],
        '8' => ["███", "█ █", "███", "█ █", "███"],
        '9' => ["███", "█ █", "███", "  █", "███"],
        ',' | '.' => ["  ", "  ", "  ", "  ", "▄▀"],
        '/' => ["   █", "  █ ", " █  ", "█   ", "    "],
        '—' | '-' => ["   ", "   ", "███", "   ", "   "],
        _ => return None,
    })
}
