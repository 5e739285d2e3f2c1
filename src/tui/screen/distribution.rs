//! What members chose, criterion by criterion, for a settled product: a compact chart of
//! how many chose each option, the most disputed criteria first, so the discussion of a
//! disagreement starts from the criterion that caused it. Counts only, never whose.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Style, Stylize};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use super::{Nav, move_cursor};
use crate::i18n::fill;
use crate::scoring::CriterionStats;
use crate::tui::action::Action;
use crate::tui::app::App;
use crate::tui::widgets::{fit, panel};

pub struct Distribution {
    pub product_id: i64,
    pub scroll: usize,
}

impl Distribution {
    pub fn update(&mut self, app: &mut App, action: Action) -> Nav {
        let count = app
            .results
            .get(&self.product_id)
            .map_or(0, |r| r.criteria.len());
        match action {
            a if a.is_cursor_move() => move_cursor(&mut self.scroll, count, action),
            Action::Back => return Nav::Pop,
            _ => {}
        }
        Nav::Stay
    }

    pub fn draw(&self, app: &App, frame: &mut Frame, area: Rect) {
        let (Some(p), Some(r)) = (
            app.product(self.product_id),
            app.results.get(&self.product_id),
        ) else {
            return;
        };
        let t = app.t();
        let width = area.width.saturating_sub(2) as usize;
        let mut lines = vec![Line::from(t.distribution_legend).dim()];
        let ranked = by_disagreement(&r.criteria);
        let counted = r.counted.max(1);
        let options = ranked.iter().map(|c| c.counts.len()).max().unwrap_or(0);
        // Each option takes "n▇9 " (the count up to two digits); the title gets the rest.
        let chart = options * 5 + 8;
        let title_width = width.saturating_sub(chart + 1).max(12);
        for c in ranked.iter().skip(self.scroll) {
            let mut spans = vec![Span::raw(fit(
                &format!("{} {}", c.id, c.title),
                title_width,
            ))];
            for (i, &n) in c.counts.iter().enumerate() {
                let style = if n == 0 {
                    Style::new().fg(Color::DarkGray)
                } else if n * 2 > counted {
                    Style::new().fg(Color::Green).bold()
                } else {
                    Style::new().fg(Color::Yellow)
                };
                spans.push(Span::styled(
                    format!(" {}{}{n:<2}", i + 1, bar(n, counted)),
                    style,
                ));
            }
            let range = option_range(c);
            spans.push(Span::styled(
                format!("  ↔{range}"),
                if range > 0 {
                    Style::new().fg(Color::Red).bold()
                } else {
                    Style::new().dim()
                },
            ));
            lines.push(Line::from(spans));
        }
        let title = fill(t.distribution_screen_title, &[("code", &p.code)]);
        frame.render_widget(
            Paragraph::new(lines)
                .wrap(Wrap { trim: false })
                .block(panel(&title)),
            area,
        );
    }
}

pub fn footer_keys() -> Vec<Action> {
    vec![Action::Down, Action::Up, Action::Back, Action::Help]
}

/// A one-cell bar of `n` out of `total`.
fn bar(n: u32, total: u32) -> char {
    const LEVELS: [char; 9] = ['·', '▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
    if n == 0 {
        return LEVELS[0];
    }
    LEVELS[((n * 8).div_ceil(total)).clamp(1, 8) as usize]
}

/// How many options apart the lowest and highest choices are (0: everyone agreed).
pub fn option_range(c: &CriterionStats) -> usize {
    let chosen: Vec<usize> = c
        .counts
        .iter()
        .enumerate()
        .filter(|(_, n)| **n > 0)
        .map(|(i, _)| i)
        .collect();
    match (chosen.first(), chosen.last()) {
        (Some(lo), Some(hi)) => hi - lo,
        _ => 0,
    }
}

/// The criteria, most disputed first: widest range of options chosen, then the most members
/// away from the most chosen option; ties keep sheet order.
pub fn by_disagreement(criteria: &[CriterionStats]) -> Vec<&CriterionStats> {
    let dissent = |c: &CriterionStats| {
        let total: u32 = c.counts.iter().sum();
        total - c.counts.iter().max().copied().unwrap_or(0)
    };
    let mut ranked: Vec<&CriterionStats> = criteria.iter().collect();
    ranked.sort_by_key(|c| std::cmp::Reverse((option_range(c), dissent(c))));
    ranked
}
