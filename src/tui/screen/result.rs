//! The result breakdown of a settled product: mean and stars, parts and sections, members'
//! totals against the star bands, minimums, per-criterion distribution, next star.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Style, Stylize};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use super::{Nav, Screen};
use crate::i18n::fill;
use crate::report::RankForm;
use crate::scoring::ProductResult;
use crate::store::{ProductRow, ProductStatus};
use crate::tui::action::Action;
use crate::tui::app::{App, Notice, Role};
use crate::tui::overlay::{Answer, InputKind, Overlay};
use crate::tui::widgets::{block, fit, truncate};

pub struct ResultScreen {
    pub product_id: i64,
    pub scroll: u16,
    /// The last line that can be scrolled to, as last drawn (End and PgDn stop there).
    max_scroll: std::cell::Cell<u16>,
}

/// Opens the selected product's result, or says it comes after the close.
pub fn open_selected(app: &mut App) -> Nav {
    let Some(p) = app.selected_product() else {
        return Nav::Stay;
    };
    if p.status.is_settled() {
        Nav::Push(Screen::Result(ResultScreen::new(p.id)))
    } else {
        app.notice = Some(Notice::Info(app.t().result_after_close.to_string()));
        Nav::Stay
    }
}

impl ResultScreen {
    pub fn new(product_id: i64) -> Self {
        Self {
            product_id,
            scroll: 0,
            max_scroll: std::cell::Cell::new(0),
        }
    }

    /// A new round can be opened from here: by the secretary, on a closed product.
    fn may_open_new_round(&self, app: &App) -> bool {
        app.role == Role::Secretary
            && app
                .product(self.product_id)
                .is_some_and(|p| p.status == ProductStatus::Closed)
    }

    pub fn update(&mut self, app: &mut App, action: Action) -> Nav {
        let last = self.max_scroll.get();
        match action {
            Action::Up => self.scroll = self.scroll.saturating_sub(1),
            Action::Down => self.scroll = self.scroll.saturating_add(1).min(last),
            Action::PageUp => self.scroll = self.scroll.saturating_sub(10),
            Action::PageDown => self.scroll = self.scroll.saturating_add(10).min(last),
            Action::Home => self.scroll = 0,
            Action::End => self.scroll = last,
            Action::NewRound if self.may_open_new_round(app) => {
                app.overlay = Some(Overlay::input(InputKind::NewRound(self.product_id), ""));
            }
            Action::ShowDistribution => {
                return Nav::Push(Screen::Distribution(super::distribution::Distribution {
                    product_id: self.product_id,
                    scroll: 0,
                }));
            }
            Action::Back => return Nav::Pop,
            _ => {}
        }
        Nav::Stay
    }

    pub fn answer(&mut self, app: &mut App, answer: Answer) -> Nav {
        if let Answer::Text(InputKind::NewRound(id), reason) = answer {
            super::dashboard::new_round(app, id, reason);
        }
        Nav::Stay
    }

    pub fn footer_keys(&self, app: &App) -> Vec<Action> {
        let mut keys = vec![Action::Down, Action::PageDown];
        if self.may_open_new_round(app) {
            keys.push(Action::NewRound);
        }
        keys.extend([Action::ShowDistribution, Action::Back]);
        keys
    }

    pub fn draw(&self, app: &App, frame: &mut Frame, area: Rect) {
        let lines = draw(
            app,
            frame,
            area,
            self.product_id,
            self.scroll.min(self.max_scroll.get()),
        );
        // Scrolling stops with the last line at the bottom of the panel.
        let visible = area.height.saturating_sub(2);
        self.max_scroll.set(lines.saturating_sub(visible));
    }
}

/// "★★★★☆" for 4 of 5.
pub fn stars_text(stars: u8, top: u8) -> String {
    format!(
        "{}{}",
        "★".repeat(stars as usize),
        "☆".repeat(top.saturating_sub(stars) as usize)
    )
}

/// The rank in words ([`crate::report::rank_words`]): "4 sao", "4 stars", "không đạt (bị
/// loại)", or a provincial council's proposal to the central council.
pub fn rank_words(
    app: &App,
    form: RankForm,
    product: &ProductRow,
    result: &ProductResult,
) -> String {
    crate::report::rank_words(
        app.lang.strings(),
        form,
        app.data.info.level,
        product.status,
        result,
        product.rubric.top_stars(),
    )
}

/// Draws the result; returns how many rows the longest panel has once wrapped.
fn draw(app: &App, frame: &mut Frame, area: Rect, product_id: i64, scroll: u16) -> u16 {
    let (Some(product), Some(result)) = (app.product(product_id), app.results.get(&product_id))
    else {
        return 0;
    };
    let wide = area.width >= 120;
    let [left, right] = if wide {
        Layout::horizontal([Constraint::Percentage(50), Constraint::Percentage(50)]).areas(area)
    } else {
        [area, Rect::default()]
    };
    let inner = left.width.saturating_sub(2) as usize;
    let mut main = headline(app, product, result);
    main.extend(parts_lines(app, product, result, inner));
    main.extend(member_lines(app, product, result, inner));
    let mut detail = minimum_lines(app, result);
    detail.extend(criteria_lines(
        app,
        result,
        if wide {
            right.width.saturating_sub(2) as usize
        } else {
            inner
        },
    ));
    let title = format!("{} · {}", product.code, product.name);
    let rows = |lines: &[Line], area: Rect| wrapped_rows(lines, area.width.saturating_sub(2));
    if !wide {
        main.push(Line::from(""));
        main.append(&mut detail);
    }
    let longest = rows(&main, left).max(rows(&detail, right));
    // Never past the last line, whatever End or PgDn asked for.
    let scroll = scroll.min(longest.saturating_sub(area.height.saturating_sub(2)));
    frame.render_widget(
        Paragraph::new(main)
            .wrap(Wrap { trim: false })
            .scroll((scroll, 0))
            .block(block(&title, true)),
        left,
    );
    if wide {
        frame.render_widget(
            Paragraph::new(detail)
                .wrap(Wrap { trim: false })
                .scroll((scroll, 0))
                .block(block(app.t().detail_title, false)),
            right,
        );
    }
    longest
}

/// Rows `lines` take once wrapped at `width` columns.
fn wrapped_rows(lines: &[Line], width: u16) -> u16 {
    let width = usize::from(width.max(1));
    lines
        .iter()
        .map(|l| l.width().div_ceil(width).max(1) as u16)
        .sum()
}

/// A closed product whose members' totals spread beyond the policy (a knocked-out product's
/// spread does not matter): flagged on every list.
pub fn spread_breached(p: &ProductRow, r: &ProductResult) -> bool {
    r.spread_breach && p.status == ProductStatus::Closed
}

/// The spread verdict in words, and whether it is a breach: "Spread 14 points (at most 20):
/// within limit". None while fewer than two sheets count.
pub fn spread_verdict(app: &App, r: &ProductResult) -> Option<(String, bool)> {
    let spread = r.spread?;
    let t = app.t();
    let template = if r.spread_breach {
        t.spread_verdict_breach
    } else {
        t.spread_verdict_ok
    };
    Some((
        fill(
            template,
            &[
                ("spread", &spread.to_string()),
                ("max", &r.max_spread.to_string()),
            ],
        ),
        r.spread_breach,
    ))
}

fn headline(app: &App, product: &ProductRow, r: &ProductResult) -> Vec<Line<'static>> {
    let t = app.t();
    let s = app.lang.strings();
    let top = product.rubric.top_stars();
    let mut lines = Vec::new();
    let rank = rank_words(app, RankForm::Sentence, product, r);
    let stars = match (&r.knocked_out, r.stars) {
        (None, Some(n)) => stars_text(n, top),
        _ => String::new(),
    };
    // A proposal to the central council is a sentence: on its own line, not after the stars.
    let to_central =
        crate::report::proposed_to_central(app.data.info.level, product.status, r, top);
    lines.push(Line::from(vec![
        Span::raw(format!("{}: ", s.mean)).bold(),
        Span::raw(format!("{}/{}  ", r.mean_display(), r.max_points)).bold(),
        Span::styled(stars, Style::new().fg(Color::Yellow).bold()),
        Span::raw(if to_central {
            String::new()
        } else {
            format!("  {rank}")
        })
        .bold(),
    ]));
    if to_central {
        lines.push(Line::from(format!("→ {rank}")).fg(Color::Yellow).bold());
    }
    if r.knocked_out.is_none()
        && let Some((verdict, breach)) = spread_verdict(app, r)
    {
        lines.push(if breach {
            Line::from(verdict).fg(Color::Red).bold()
        } else {
            Line::from(verdict).fg(Color::Green)
        });
    }
    lines.push(Line::from(fill(
        t.result_basis,
        &[
            ("counted", &r.counted.to_string()),
            ("band", &r.band_stars.map_or("—".into(), |n| n.to_string())),
            (
                "minimum",
                &r.minimum_stars.map_or("—".into(), |n| n.to_string()),
            ),
            ("round", &product.round.to_string()),
        ],
    )));
    if let Some(reason) = &r.knocked_out {
        lines.push(
            Line::from(format!("✖ {}: {reason}", s.knocked_out))
                .fg(Color::Red)
                .bold(),
        );
    }
    if let Some(o) = &product.close_override {
        lines.push(Line::from(fill(t.closed_with_override, &[("reason", o)])).fg(Color::Magenta));
    }
    if !r.incomplete.is_empty() {
        lines.push(
            Line::from(format!(
                "{}: {}",
                s.incomplete,
                crate::tui::app::seats_text(&r.incomplete)
            ))
            .fg(Color::Red),
        );
    }
    if let Some(next) = &r.next_star {
        let mut text = format!("{}: {}★ — ", s.next_star, next.stars);
        if next.points_needed > 0.0 {
            text.push_str(&format!(
                "{} {} {}",
                s.points_needed,
                r.show(next.shortfall_sum),
                t.points_word
            ));
        }
        if !next.failing_minimums.is_empty() {
            if next.points_needed > 0.0 {
                text.push_str("; ");
            }
            text.push_str(&format!(
                "{}: {}",
                s.blocked_by,
                next.failing_minimums.join(", ")
            ));
        }
        lines.push(Line::from(text).fg(Color::Cyan));
    }
    lines.push(Line::from(""));
    lines
}

fn parts_lines(
    app: &App,
    product: &ProductRow,
    r: &ProductResult,
    width: usize,
) -> Vec<Line<'static>> {
    let s = app.lang.strings();
    let mut lines = vec![Line::from(s.parts.to_string()).bold().underlined()];
    // The result lists sections across all parts in rubric order.
    let mut sections = r.sections.iter();
    for (part, rubric_part) in r.parts.iter().zip(&product.rubric.parts) {
        let mean = r.show(part.sum);
        lines.push(
            Line::from(format!(
                "{} {}{mean:>7}/{}",
                part.id,
                fit(&part.title, width.saturating_sub(part.id.len() + 14)),
                part.max_points
            ))
            .bold(),
        );
        for sec in sections.by_ref().take(rubric_part.sections.len()) {
            let mean = r.show(sec.sum);
            lines.push(Line::from(format!(
                "  {} {}{mean:>7}/{}",
                sec.id,
                fit(&sec.title, width.saturating_sub(sec.id.len() + 16)),
                sec.max_points
            )));
        }
    }
    lines.push(Line::from(""));
    lines
}

/// Members' totals, the spread against the policy, and a bar per member against the bands.
fn member_lines(
    app: &App,
    product: &ProductRow,
    r: &ProductResult,
    width: usize,
) -> Vec<Line<'static>> {
    let s = app.lang.strings();
    let t = app.t();
    let mut lines = vec![Line::from(s.members.to_string()).bold().underlined()];
    if let Some(spread) = r.spread {
        let text = format!(
            "{}: {spread} ({} {})",
            s.spread, t.allowed_max, r.max_spread
        );
        if r.spread_breach {
            lines.push(
                Line::from(format!("⚠ {text} — {}", s.spread_breach))
                    .fg(Color::Red)
                    .bold(),
            );
            if app.role == Role::Secretary {
                let key = app.keymap.key_for(
                    crate::tui::keymap::Context::Result,
                    crate::tui::action::Action::NewRound,
                );
                lines.push(
                    Line::from(fill(
                        t.offer_new_round,
                        &[("key", &key.map_or(String::new(), |k| k.to_string()))],
                    ))
                    .fg(Color::Red),
                );
            }
        } else {
            lines.push(Line::from(text).fg(Color::Green));
        }
    }
    // Bar chart: 0..max on `bar` columns, with the band thresholds marked on the scale.
    // Names as long as they are, up to a third of the panel.
    let longest = r
        .members
        .iter()
        .filter_map(|m| app.member(m.seat))
        .map(|m| unicode_width::UnicodeWidthStr::width(m.name.as_str()))
        .max()
        .unwrap_or(0);
    let name_width = longest.clamp(8, (width / 3).max(8));
    let bar = width.saturating_sub(name_width + 10).max(10);
    let max = r.max_points.max(1) as usize;
    let col = |points: usize| (points * bar) / max;
    let bands: Vec<(usize, u8)> = product
        .rubric
        .bands
        .iter()
        .filter(|b| b.min_points > 0)
        .map(|b| (col(b.min_points as usize), b.stars))
        .collect();
    let mut scale: Vec<char> = vec!['─'; bar + 1];
    let mut labels: Vec<char> = vec![' '; bar + 4];
    for &(c, stars) in &bands {
        if c <= bar {
            scale[c] = '┼';
            let label: Vec<char> = format!("{stars}★").chars().collect();
            for (i, ch) in label.into_iter().enumerate() {
                if c + i < labels.len() {
                    labels[c + i] = ch;
                }
            }
        }
    }
    lines.push(
        Line::from(format!(
            "{}{}",
            " ".repeat(name_width + 6),
            labels.iter().collect::<String>().trim_end()
        ))
        .fg(Color::Yellow),
    );
    for m in &r.members {
        let name = app.data.member(m.seat).map_or("", |x| x.name.as_str());
        let filled = col(m.total as usize);
        let mut cells: Vec<Span> = vec![Span::raw(format!(
            "{:>2} {} {:>3} ",
            m.seat,
            fit(name, name_width),
            m.total
        ))];
        let color = if m.complete {
            Color::Cyan
        } else {
            Color::DarkGray
        };
        cells.push(Span::styled("█".repeat(filled), Style::new().fg(color)));
        let rest: String = (filled..=bar)
            .map(|i| {
                if bands.iter().any(|(c, _)| *c == i) {
                    '┊'
                } else {
                    ' '
                }
            })
            .collect();
        cells.push(Span::styled(
            rest.trim_end().to_string(),
            Style::new().fg(Color::Yellow),
        ));
        if !m.complete {
            cells.push(Span::raw(format!(" ({})", s.incomplete)).fg(Color::Red));
        }
        lines.push(Line::from(cells));
    }
    lines.push(
        Line::from(format!(
            "{}0{}{}",
            " ".repeat(name_width + 6),
            scale[1..].iter().collect::<String>(),
            r.max_points
        ))
        .dim(),
    );
    lines.push(Line::from(""));
    lines
}

fn minimum_lines(app: &App, r: &ProductResult) -> Vec<Line<'static>> {
    let s = app.lang.strings();
    let t = app.t();
    let rule = match r.minimum_rule {
        crate::scoring::MinimumRule::Majority => s.rule_majority,
        crate::scoring::MinimumRule::All => s.rule_all,
        crate::scoring::MinimumRule::Mean => s.rule_mean,
    };
    let mut lines = vec![
        Line::from(format!("{} ({rule})", s.minimums))
            .bold()
            .underlined(),
    ];
    for level in &r.minimums {
        let verdict = if level.holds { s.holds } else { s.fails };
        let color = if level.holds {
            Color::Green
        } else {
            Color::Red
        };
        lines.push(
            Line::from(format!("{}★: {verdict}", level.stars))
                .fg(color)
                .bold(),
        );
        for m in &level.markers {
            let mark = if m.holds { "✓" } else { "✖" };
            let mut text = format!(
                "  {mark} {} {} ≥ {} ({}): {} {}",
                m.criterion,
                truncate(&m.criterion_title, 28),
                m.option,
                fill(t.points_short, &[("points", &m.points.to_string())]),
                s.met_by,
                if m.met_by.is_empty() {
                    "—".into()
                } else {
                    crate::tui::app::seats_text(&m.met_by)
                },
            );
            if !m.not_met_by.is_empty() {
                text.push_str(&format!(
                    "; {} {}",
                    t.not_met_by,
                    crate::tui::app::seats_text(&m.not_met_by)
                ));
            }
            let line = Line::from(text);
            lines.push(if m.holds { line } else { line.fg(Color::Red) });
        }
    }
    if r.minimums.is_empty() {
        lines.push(Line::from("—"));
    }
    lines.push(Line::from(""));
    lines
}

/// How many members chose each option of each criterion; disagreements highlighted.
fn criteria_lines(app: &App, r: &ProductResult, width: usize) -> Vec<Line<'static>> {
    let t = app.t();
    let mut lines = vec![
        Line::from(t.distribution_title.to_string())
            .bold()
            .underlined(),
    ];
    for c in &r.criteria {
        let counts: Vec<String> = c
            .counts
            .iter()
            .enumerate()
            .map(|(i, n)| format!("{}:{n}", i + 1))
            .collect();
        let mean = r.show(c.sum);
        let right = format!(
            " {}  {} {mean}/{}",
            counts.join(" "),
            t.mean_short,
            c.max_points
        );
        let left = format!("{} {}", c.id, c.title);
        let room = width.saturating_sub(right.chars().count() + 2);
        let text = format!(
            "{}{}{right}",
            if c.disagreement { "≠ " } else { "  " },
            fit(&left, room)
        );
        let line = Line::from(text);
        lines.push(if c.disagreement {
            line.fg(Color::Yellow)
        } else {
            line
        });
    }
    lines
}
