//! Plain-text and JSON renderings of rubrics and results for the command line.

use std::borrow::Cow;
use std::fmt::Write;

use serde::Serialize;

use crate::i18n::{Lang, Strings};
use crate::meeting::Outcome;
use crate::rubric::Rubric;
use crate::scoring::{MinimumRule, ProductResult};
use crate::session::Level;
use crate::store::{ProductRow, ProductStatus, SessionData, SessionSummary};

/// `text` made safe to print on a terminal: control characters (escape sequences, carriage
/// returns, line breaks, bells) and bidirectional overrides appear as visible `\u{1b}`-style
/// escapes, so a stored name can neither drive the terminal nor fake a line of output.
/// Every CLI printer passes stored text through this one function.
pub fn printable(text: &str) -> Cow<'_, str> {
    let unsafe_char = |c: char| {
        c.is_control()
            || matches!(c, '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
    };
    if !text.chars().any(unsafe_char) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if unsafe_char(c) {
            let _ = write!(out, "{}", c.escape_unicode());
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// "★★★☆☆" for 3 of 5.
pub fn star_glyphs(stars: u8, top: u8) -> String {
    let mut s = "★".repeat(stars as usize);
    s.push_str(&"☆".repeat(top.saturating_sub(stars) as usize));
    s
}

pub fn status_word(t: &Strings, status: ProductStatus) -> &'static str {
    match status {
        ProductStatus::Waiting => t.status_waiting,
        ProductStatus::Scoring => t.status_scoring,
        ProductStatus::Closed => t.status_closed,
        ProductStatus::KnockedOut => t.status_knocked_out,
    }
}

pub fn rule_word(t: &Strings, rule: MinimumRule) -> &'static str {
    match rule {
        MinimumRule::Majority => t.rule_majority,
        MinimumRule::All => t.rule_all,
        MinimumRule::Mean => t.rule_mean,
    }
}

/// How much room a rank has: a sentence, or a table's narrow column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RankForm {
    Sentence,
    Cell,
}

/// A product's rank in words: "4 sao", "không đạt (bị loại)". A provincial council's top rank
/// is a proposal to the central council, never an award (Điều 7.3.e), and says so: "đề nghị
/// Hội đồng cấp trung ương đánh giá 5 sao", or "đề nghị TW 5 sao" in a table.
pub fn rank_words(
    t: &Strings,
    form: RankForm,
    level: Level,
    status: ProductStatus,
    r: &ProductResult,
    top: u8,
) -> String {
    if r.knocked_out.is_some() {
        return t.knocked_out.to_string();
    }
    match r.stars {
        Some(s) if proposed_to_central(level, status, r, top) => {
            let proposed = match form {
                RankForm::Sentence => t.to_central,
                RankForm::Cell => t.to_central_short,
            };
            format!("{proposed} {s} {}", t.stars_word)
        }
        Some(s) => format!("{s} {}", t.stars_word),
        None => t.no_stars.to_string(),
    }
}

/// A provincial session's closed product at the top rank ([`Outcome::ProposedToCentral`]).
pub fn proposed_to_central(
    level: Level,
    status: ProductStatus,
    r: &ProductResult,
    top: u8,
) -> bool {
    Outcome::of(level, status, r, top) == Outcome::ProposedToCentral
}

/// The rank in words: "4 sao ★★★★☆", or why there is none.
pub fn rank_text(t: &Strings, r: &ProductResult, top: u8) -> String {
    if r.knocked_out.is_some() {
        return t.knocked_out.to_string();
    }
    match r.stars {
        Some(s) => format!("{s} {} {}", t.stars_word, star_glyphs(s, top)),
        None => t.no_stars.to_string(),
    }
}

pub fn rubric_text(r: &Rubric) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{} — {} ({} points)", r.id, r.name, r.max_points);
    let _ = writeln!(out, "{}", r.legal_basis);
    for k in &r.knockouts {
        let _ = writeln!(out, "Hồ sơ bị loại khi: {k}");
    }
    for part in &r.parts {
        let _ = writeln!(
            out,
            "\nPhần {}: {} ({})",
            part.id, part.title, part.max_points
        );
        for section in &part.sections {
            let _ = writeln!(
                out,
                "  {}. {} ({})",
                section.id, section.title, section.max_points
            );
            for c in &section.criteria {
                let _ = writeln!(out, "    {} {} ({})", c.id, c.title, c.max_points);
                for (i, o) in c.options.iter().enumerate() {
                    let marker = o
                        .min_stars
                        .map(|s| "*".repeat(s as usize))
                        .unwrap_or_default();
                    let _ = writeln!(out, "      {}. [{}] {}{marker}", i + 1, o.points, o.text);
                }
            }
        }
    }
    out
}

/// The readable breakdown printed by `council results`.
pub fn results_text(
    lang: Lang,
    data: &SessionData,
    results: &[(&ProductRow, ProductResult)],
) -> String {
    let t = lang.strings();
    let mut out = String::new();
    let info = &data.info;
    let _ = writeln!(
        out,
        "{} — {}",
        printable(&info.council),
        printable(&info.title)
    );
    let _ = writeln!(
        out,
        "{} · {}\n",
        printable(&info.date),
        printable(&info.venue)
    );
    for (p, r) in results {
        let top = p.rubric.top_stars();
        let _ = writeln!(
            out,
            "{}  {} — {} [{}] ({}, {} {})",
            printable(&p.code),
            printable(&p.name),
            printable(&p.producer),
            printable(&p.rubric_id),
            status_word(t, p.status),
            t.round,
            p.round
        );
        if let Some(reason) = &r.knocked_out {
            let _ = writeln!(out, "  {}: {}", t.knocked_out, printable(reason));
        }
        if r.counted == 0 {
            let _ = writeln!(out, "  {}\n", t.no_sheets);
            continue;
        }
        let mut rank = rank_words(t, RankForm::Sentence, info.level, p.status, r, top);
        if let (None, Some(s)) = (&r.knocked_out, r.stars) {
            let _ = write!(rank, " {}", star_glyphs(s, top));
        }
        let _ = writeln!(
            out,
            "  {}: {} / {} — {} {}★, {} {}★ → {}: {}",
            t.mean,
            r.mean_display(),
            r.max_points,
            t.band,
            r.band_stars.unwrap_or(0),
            t.minimums.to_lowercase(),
            r.minimum_stars.unwrap_or(0),
            t.final_rank,
            rank
        );
        let parts: Vec<String> = r
            .parts
            .iter()
            .map(|s| format!("{} {}/{}", s.id, r.show(s.sum), s.max_points))
            .collect();
        let _ = writeln!(out, "  {}: {}", t.parts, parts.join("  "));
        let totals: Vec<String> = r
            .members
            .iter()
            .filter(|m| m.complete)
            .map(|m| format!("{} {}: {}", t.seat, m.seat, m.total))
            .collect();
        let _ = writeln!(out, "  {}: {}", t.members, totals.join(", "));
        if let Some(spread) = r.spread {
            let _ = writeln!(
                out,
                "  {}: {spread} (max {}){}",
                t.spread,
                r.max_spread,
                if r.spread_breach {
                    format!(" — {}", t.spread_breach)
                } else {
                    String::new()
                }
            );
        }
        for level in &r.minimums {
            let failing: Vec<String> = level
                .markers
                .iter()
                .filter(|m| !m.holds)
                .map(|m| {
                    format!(
                        "{}#{} ({} {}/{})",
                        m.criterion,
                        m.option,
                        t.met_by,
                        m.met_by.len(),
                        m.met_by.len() + m.not_met_by.len()
                    )
                })
                .collect();
            let _ = writeln!(
                out,
                "  {} {}★ ({}): {}{}",
                t.minimums,
                level.stars,
                rule_word(t, r.minimum_rule),
                if level.holds { t.holds } else { t.fails },
                if failing.is_empty() {
                    String::new()
                } else {
                    format!(" — {}", failing.join(", "))
                }
            );
        }
        if let Some(next) = &r.next_star {
            let mut line = format!(
                "  {} {}★: {} {}",
                t.next_star,
                next.stars,
                t.points_needed,
                r.show(next.shortfall_sum)
            );
            if !next.failing_minimums.is_empty() {
                let _ = write!(
                    line,
                    "; {}: {}",
                    t.blocked_by,
                    next.failing_minimums.join(", ")
                );
            }
            let _ = writeln!(out, "{line}");
        }
        if !r.incomplete.is_empty() {
            let seats: Vec<String> = r.incomplete.iter().map(u32::to_string).collect();
            let _ = writeln!(out, "  {}: {} {}", t.incomplete, t.seat, seats.join(", "));
        }
        let _ = writeln!(out);
    }
    out
}

#[derive(Serialize)]
struct ResultsJson<'a> {
    session: &'a SessionSummary,
    products: Vec<ProductJson<'a>>,
}

#[derive(Serialize)]
struct ProductJson<'a> {
    code: &'a str,
    name: &'a str,
    producer: &'a str,
    commune: &'a str,
    rubric_sha256: &'a str,
    status: ProductStatus,
    round: u32,
    /// The mean as shown on screen and in the minutes (2 decimals).
    mean_display: String,
    #[serde(flatten)]
    result: &'a ProductResult,
}

pub fn results_json(
    data: &SessionData,
    results: &[(&ProductRow, ProductResult)],
) -> serde_json::Result<String> {
    let products = results
        .iter()
        .map(|(p, r)| ProductJson {
            code: &p.code,
            name: &p.name,
            producer: &p.producer,
            commune: &p.commune,
            rubric_sha256: &p.rubric_sha256,
            status: p.status,
            round: p.round,
            mean_display: r.mean_display(),
            result: r,
        })
        .collect();
    serde_json::to_string_pretty(&ResultsJson {
        session: &data.info,
        products,
    })
}
