//! The council's result for one product, computed from the members' sheets.
//!
//! Pure functions only: no SQL, no terminal. Sums stay integers; a band or a minimum is decided
//! by exact integer comparison (`sum >= threshold * count`), and means are rounded only to show.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::rubric::{Criterion, Flat, Rubric};

mod packed;

/// How a star minimum is judged from several members' choices (a session policy; the decision
/// itself does not say).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MinimumRule {
    /// More than half of the counted members chose the marked option or better.
    #[default]
    Majority,
    /// Every counted member chose the marked option or better.
    All,
    /// The members' mean points on the criterion reach the marked option's points.
    Mean,
}

impl fmt::Display for MinimumRule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Majority => "majority",
            Self::All => "all",
            Self::Mean => "mean",
        })
    }
}

/// What scoring needs from the session's policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScoringPolicy {
    pub max_spread: u32,
    pub minimum_rule: MinimumRule,
}

impl Default for ScoringPolicy {
    fn default() -> Self {
        Self {
            max_spread: 10,
            minimum_rule: MinimumRule::Majority,
        }
    }
}

/// One member's ticks on one product: criterion id → 1-based option position.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Sheet {
    pub seat: u32,
    pub choices: BTreeMap<String, u32>,
}

/// What scoring reads of a member's sheet: the seat and its ticks. The store's sheets implement
/// it too, so a result is computed without copying any sheet's choices.
pub trait Ticks {
    fn seat(&self) -> u32;
    /// Criterion id → 1-based option position.
    fn choices(&self) -> &BTreeMap<String, u32>;
}

impl Ticks for Sheet {
    fn seat(&self) -> u32 {
        self.seat
    }
    fn choices(&self) -> &BTreeMap<String, u32> {
        &self.choices
    }
}

impl<T: Ticks + ?Sized> Ticks for &T {
    fn seat(&self) -> u32 {
        (**self).seat()
    }
    fn choices(&self) -> &BTreeMap<String, u32> {
        (**self).choices()
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MemberScore {
    pub seat: u32,
    pub total: u32,
    /// Points per part, in rubric order.
    pub parts: Vec<u32>,
    /// Points per section, in rubric order across all parts.
    pub sections: Vec<u32>,
    /// Counted in the result: every criterion answered with a valid option.
    pub complete: bool,
    /// Criteria not answered yet.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub missing: Vec<Arc<str>>,
    /// Answers that do not fit the rubric (unknown criterion or option out of range).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub invalid: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Subtotal {
    pub id: Arc<str>,
    pub title: Arc<str>,
    pub max_points: u32,
    /// Sum over the counted members, so the mean can be shown exactly (`ProductResult::show`).
    pub sum: u64,
    pub mean: Option<f64>,
}

/// One marked option ("***") and how the counted members stand against it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MarkerCheck {
    pub criterion: Arc<str>,
    pub criterion_title: Arc<str>,
    /// 1-based position of the marked option.
    pub option: u32,
    pub option_text: Arc<str>,
    pub points: u32,
    pub stars: u8,
    pub met_by: Vec<u32>,
    pub not_met_by: Vec<u32>,
    pub mean_points: Option<f64>,
    pub holds: bool,
}

/// The minimums of one star level (cumulative: level 4 includes the 3-star markers).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LevelCheck {
    pub stars: u8,
    pub holds: bool,
    /// Shared between the levels that include them.
    pub markers: Vec<Arc<MarkerCheck>>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CriterionStats {
    pub id: Arc<str>,
    pub title: Arc<str>,
    pub max_points: u32,
    /// How many counted members chose each option, by position.
    pub counts: Vec<u32>,
    pub sum: u64,
    pub mean: Option<f64>,
    pub min: Option<u32>,
    pub max: Option<u32>,
    /// Members did not all choose the same option.
    pub disagreement: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NextStar {
    pub stars: u8,
    /// Mean points still missing to reach the next band (0 when only minimums block).
    pub points_needed: f64,
    /// The same as a sum over the counted members (`ProductResult::show` displays it).
    pub shortfall_sum: u64,
    /// Criteria whose minimum for that level does not hold.
    pub failing_minimums: Vec<Arc<str>>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProductResult {
    pub rubric_id: Arc<str>,
    pub max_points: u32,
    /// Members whose complete sheet is counted.
    pub counted: u32,
    pub sum_total: u64,
    pub mean_total: Option<f64>,
    pub members: Vec<MemberScore>,
    pub incomplete: Vec<u32>,
    pub parts: Vec<Subtotal>,
    pub sections: Vec<Subtotal>,
    pub band_stars: Option<u8>,
    pub minimums: Vec<LevelCheck>,
    /// Highest level whose minimums (and all lower ones) hold.
    pub minimum_stars: Option<u8>,
    /// The council's rank: the lower of band and minimums; none when knocked out.
    pub stars: Option<u8>,
    pub knocked_out: Option<String>,
    pub spread: Option<u32>,
    pub max_spread: u32,
    pub spread_breach: bool,
    pub minimum_rule: MinimumRule,
    pub criteria: Vec<CriterionStats>,
    pub next_star: Option<NextStar>,
}

impl ProductResult {
    /// The mean total as shown everywhere: two decimals, rounded half up.
    pub fn mean_display(&self) -> String {
        self.show(self.sum_total)
    }

    /// A sum over the counted members shown as their mean, exactly as everywhere else.
    pub fn show(&self, sum: u64) -> String {
        mean_text(sum, u64::from(self.counted))
    }
}

/// `sum / count` to two decimals, rounded half up with integer arithmetic; "—" with no count.
pub fn mean_text(sum: u64, count: u64) -> String {
    if count == 0 {
        return "—".to_string();
    }
    let hundredths = (sum * 200 + count) / (2 * count);
    format!("{}.{:02}", hundredths / 100, hundredths % 100)
}

fn mean(sum: u64, count: u64) -> Option<f64> {
    (count > 0).then(|| sum as f64 / count as f64)
}

/// Sheets scored on a rubric's flat criteria: each member's score and, per sheet and criterion
/// (row-major), the 1-based position chosen (0 when not answered) and its points (0 when not
/// answered or invalid). Flat, so a product's sheets take two allocations instead of two each.
struct Scored {
    scores: Vec<MemberScore>,
    positions: Vec<u32>,
    points: Vec<u32>,
}

fn score_all(flat: &Flat, sheets: &[impl Ticks]) -> Scored {
    let n = flat.criteria();
    let mut scored = Scored {
        scores: Vec::with_capacity(sheets.len()),
        positions: vec![0; n * sheets.len()],
        points: vec![0; n * sheets.len()],
    };
    for (k, sheet) in sheets.iter().enumerate() {
        let positions = &mut scored.positions[k * n..(k + 1) * n];
        let points = &mut scored.points[k * n..(k + 1) * n];
        let score = score_into(flat, sheet, positions, points);
        scored.scores.push(score);
    }
    scored
}

/// Scores one sheet, filling its row of positions and points.
fn score_into(
    flat: &Flat,
    sheet: &impl Ticks,
    positions: &mut [u32],
    points: &mut [u32],
) -> MemberScore {
    // Choices not in the rubric, in the sheet's (id) order.
    let mut unknown = Vec::new();
    let mut ids = flat.by_id.iter().peekable();
    for (id, &pos) in sheet.choices() {
        loop {
            match ids.peek().map(|(known, i)| (cmp_short(known, id), *i)) {
                Some((std::cmp::Ordering::Less, _)) => {
                    ids.next();
                }
                Some((std::cmp::Ordering::Equal, i)) => {
                    positions[i] = pos;
                    ids.next();
                    break;
                }
                _ => {
                    unknown.push(id.clone());
                    break;
                }
            }
        }
    }
    let mut sections = vec![0u32; flat.part_of_section.len()];
    let mut missing = Vec::new();
    let mut invalid = Vec::new();
    for (i, id) in flat.ids.iter().enumerate() {
        match positions[i] {
            0 if !sheet.choices().contains_key(&**id) => missing.push(id.clone()),
            pos => match flat.points_at(i, pos) {
                Some(option_points) => {
                    points[i] = option_points;
                    sections[flat.section_of[i]] += option_points;
                }
                None => invalid.push(format!("{id}={pos}")),
            },
        }
    }
    invalid.extend(unknown);
    let mut part_points = vec![0u32; flat.parts];
    for (s, &p) in sections.iter().zip(&flat.part_of_section) {
        part_points[p] += s;
    }
    MemberScore {
        seat: sheet.seat(),
        total: part_points.iter().sum(),
        parts: part_points,
        sections,
        complete: missing.is_empty() && invalid.is_empty(),
        missing,
        invalid,
    }
}

/// `a.cmp(b)` for the short ids of criteria, inline: a call to `memcmp` per step of the
/// merge cost more than the comparison itself.
#[inline]
fn cmp_short(a: &str, b: &str) -> std::cmp::Ordering {
    for (x, y) in a.bytes().zip(b.bytes()) {
        if x != y {
            return x.cmp(&y);
        }
    }
    a.len().cmp(&b.len())
}

/// Scores one member's sheet against the rubric.
pub fn score_sheet(rubric: &Rubric, sheet: &impl Ticks) -> MemberScore {
    let n = rubric.criteria_count();
    let (mut positions, mut points) = (vec![0; n], vec![0; n]);
    score_into(rubric.flat(), sheet, &mut positions, &mut points)
}

/// The council's result for one product and round.
pub fn score_product(
    rubric: &Rubric,
    sheets: &[impl Ticks],
    policy: &ScoringPolicy,
    knockout: Option<&str>,
) -> ProductResult {
    figures(rubric, sheets, policy, knockout)
        .into_result(rubric)
        .expect("figures computed on a rubric fit it")
}

/// The numbers of a product's result: everything scoring computes, without what the rubric
/// supplies (ids, titles, texts, maxima) or what follows from other figures (means, the
/// minimums of each level). A settled result is kept as these, so reading it back parses
/// a few kilobytes of numbers and shares the rubric's texts instead of copying them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Figures {
    pub counted: u32,
    pub sum_total: u64,
    pub members: Vec<MemberScore>,
    pub incomplete: Vec<u32>,
    /// Sums over the counted members, per part and per section in rubric order.
    pub part_sums: Vec<u64>,
    pub section_sums: Vec<u64>,
    pub band_stars: Option<u8>,
    pub minimum_stars: Option<u8>,
    pub stars: Option<u8>,
    /// Every marked option in sheet order.
    pub markers: Vec<MarkerFigures>,
    pub knocked_out: Option<String>,
    pub spread: Option<u32>,
    pub max_spread: u32,
    pub spread_breach: bool,
    pub minimum_rule: MinimumRule,
    /// Every criterion in sheet order.
    pub criteria: Vec<CriterionFigures>,
    pub next_star: Option<NextStar>,
}

/// How the counted members stand against one marked option.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MarkerFigures {
    pub met_by: Vec<u32>,
    pub not_met_by: Vec<u32>,
    /// The counted members' points on the criterion, summed.
    pub sum: u64,
    pub holds: bool,
}

/// The counted members' choices on one criterion.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CriterionFigures {
    /// How many chose each option, by position.
    pub counts: Vec<u32>,
    pub sum: u64,
    pub min: Option<u32>,
    pub max: Option<u32>,
}

/// Every marked option of a rubric in sheet order: its criterion, 1-based position, the
/// option and its star level.
fn marked_options(
    rubric: &Rubric,
) -> impl Iterator<Item = (&Criterion, u32, &crate::rubric::Choice, u8)> {
    rubric.criteria().flat_map(|(_, c)| {
        c.options
            .iter()
            .enumerate()
            .filter_map(move |(i, o)| o.min_stars.map(|stars| (c, i as u32 + 1, o, stars)))
    })
}

/// The figures of one product and round (see [`score_product`]).
pub fn figures(
    rubric: &Rubric,
    sheets: &[impl Ticks],
    policy: &ScoringPolicy,
    knockout: Option<&str>,
) -> Figures {
    let flat = rubric.flat();
    let n = flat.criteria();
    let Scored {
        scores,
        positions,
        points,
    } = score_all(flat, sheets);
    // The rows of the counted (complete) sheets.
    let mut counted_rows: Vec<usize> = Vec::with_capacity(scores.len());
    counted_rows.extend((0..scores.len()).filter(|&k| scores[k].complete));
    let counted = counted_rows.len() as u64;
    let sum_total: u64 = counted_rows
        .iter()
        .map(|&k| u64::from(scores[k].total))
        .sum();
    let incomplete = scores
        .iter()
        .filter(|s| !s.complete)
        .map(|s| s.seat)
        .collect();
    let mut part_sums = vec![0u64; flat.parts];
    let mut section_sums = vec![0u64; flat.part_of_section.len()];
    for &k in &counted_rows {
        for (sum, &p) in part_sums.iter_mut().zip(&scores[k].parts) {
            *sum += u64::from(p);
        }
        for (sum, &p) in section_sums.iter_mut().zip(&scores[k].sections) {
            *sum += u64::from(p);
        }
    }

    // Counted sheets are complete: every position is a valid option.
    let criteria: Vec<CriterionFigures> = (0..n)
        .map(|i| {
            let mut counts = vec![0u32; flat.options(i).len()];
            let mut sum = 0u64;
            let mut min = None::<u32>;
            let mut max = None::<u32>;
            for &k in &counted_rows {
                counts[positions[k * n + i] as usize - 1] += 1;
                let p = points[k * n + i];
                sum += u64::from(p);
                min = Some(min.map_or(p, |m| m.min(p)));
                max = Some(max.map_or(p, |m| m.max(p)));
            }
            CriterionFigures {
                counts,
                sum,
                min,
                max,
            }
        })
        .collect();

    // Every marked option, judged once; a level holds when every marker at or below it holds.
    let mut markers: Vec<MarkerFigures> = Vec::with_capacity(flat.marked);
    let mut levels: Vec<(u8, bool)> = Vec::with_capacity(flat.marked);
    for ci in 0..n {
        for o in flat.options(ci) {
            let Some(stars) = flat.option_stars[o] else {
                continue;
            };
            let option_points = flat.option_points[o];
            let row = |k: usize| points[k * n + ci];
            let (mut sum, mut met) = (0u64, 0usize);
            for &k in &counted_rows {
                sum += u64::from(row(k));
                met += usize::from(row(k) >= option_points);
            }
            let mut met_by = Vec::with_capacity(met);
            let mut not_met_by = Vec::with_capacity(counted_rows.len() - met);
            for &k in &counted_rows {
                if row(k) >= option_points {
                    met_by.push(scores[k].seat);
                } else {
                    not_met_by.push(scores[k].seat);
                }
            }
            let n = counted;
            let met = met as u64;
            let holds = n > 0
                && match policy.minimum_rule {
                    MinimumRule::Majority => met * 2 > n,
                    MinimumRule::All => met == n,
                    MinimumRule::Mean => sum >= u64::from(option_points) * n,
                };
            markers.push(MarkerFigures {
                met_by,
                not_met_by,
                sum,
                holds,
            });
            levels.push((stars, holds));
        }
    }
    levels.sort_unstable();
    let level_holds = |stars: u8| levels.iter().all(|&(s, holds)| s > stars || holds);

    let top = rubric.top_stars();
    let band_stars = (counted > 0).then(|| rubric.band_for(sum_total, counted));
    // The highest level reachable by minimums: below the first level that fails.
    let minimum_stars = (counted > 0).then(|| {
        levels
            .iter()
            .map(|&(s, _)| s)
            .find(|&s| !level_holds(s))
            .map_or(top, |s| s.saturating_sub(1))
    });
    let stars = match (knockout, band_stars, minimum_stars) {
        (None, Some(b), Some(m)) => Some(b.min(m)),
        _ => None,
    };

    let totals = counted_rows.iter().map(|&k| scores[k].total);
    let spread = totals
        .clone()
        .max()
        .zip(totals.min())
        .map(|(max, min)| max - min);
    let spread_breach = spread.is_some_and(|s| s > policy.max_spread);

    let next_star = stars.and_then(|s| {
        let next = rubric.next_band(s)?;
        let shortfall_sum = (u64::from(next.min_points) * counted).saturating_sub(sum_total);
        let has_level = levels.iter().any(|&(l, _)| l == next.stars);
        let failing_minimums = marked_options(rubric)
            .zip(&markers)
            .filter(|((_, _, _, level), m)| has_level && *level <= next.stars && !m.holds)
            .map(|((c, ..), _)| c.id.clone())
            .collect();
        Some(NextStar {
            stars: next.stars,
            points_needed: shortfall_sum as f64 / counted as f64,
            shortfall_sum,
            failing_minimums,
        })
    });

    Figures {
        counted: counted as u32,
        sum_total,
        members: scores,
        incomplete,
        part_sums,
        section_sums,
        band_stars,
        minimum_stars,
        stars,
        markers,
        knocked_out: knockout.map(str::to_string),
        spread,
        max_spread: policy.max_spread,
        spread_breach,
        minimum_rule: policy.minimum_rule,
        criteria,
        next_star,
    }
}

impl Figures {
    /// The figures of a whole result (what [`Figures::into_result`] turns back into it): how
    /// results kept whole by earlier schemas are rewritten.
    pub fn of(result: &ProductResult) -> Self {
        // The highest level's markers are every marker, in sheet order.
        let markers = result.minimums.last().map_or(&[][..], |l| &l.markers[..]);
        Self {
            counted: result.counted,
            sum_total: result.sum_total,
            members: result.members.clone(),
            incomplete: result.incomplete.clone(),
            part_sums: result.parts.iter().map(|p| p.sum).collect(),
            section_sums: result.sections.iter().map(|s| s.sum).collect(),
            band_stars: result.band_stars,
            minimum_stars: result.minimum_stars,
            stars: result.stars,
            markers: markers
                .iter()
                .map(|m| MarkerFigures {
                    met_by: m.met_by.clone(),
                    not_met_by: m.not_met_by.clone(),
                    sum: m
                        .mean_points
                        .map_or(0, |mean| (mean * f64::from(result.counted)).round() as u64),
                    holds: m.holds,
                })
                .collect(),
            knocked_out: result.knocked_out.clone(),
            spread: result.spread,
            max_spread: result.max_spread,
            spread_breach: result.spread_breach,
            minimum_rule: result.minimum_rule,
            criteria: result
                .criteria
                .iter()
                .map(|c| CriterionFigures {
                    counts: c.counts.clone(),
                    sum: c.sum,
                    min: c.min,
                    max: c.max,
                })
                .collect(),
            next_star: result.next_star.clone(),
        }
    }

    /// The full result: the figures with the rubric's ids, titles and texts (shared, not
    /// copied) and what follows from them. None when the figures do not fit the rubric (a
    /// kept result of another shape), so the caller computes it afresh.
    pub fn into_result(self, rubric: &Rubric) -> Option<ProductResult> {
        let counted = u64::from(self.counted);
        let flat = rubric.flat();
        let fits = self.part_sums.len() == flat.parts
            && self.section_sums.len() == flat.part_of_section.len()
            && self.criteria.len() == flat.criteria()
            && self.markers.len() == flat.marked
            && (self.criteria.iter().enumerate())
                .all(|(i, f)| f.counts.len() == flat.options(i).len());
        if !fits {
            return None;
        }
        let subtotal = |id: &Arc<str>, title: &Arc<str>, max_points: u32, sum: u64| Subtotal {
            id: id.clone(),
            title: title.clone(),
            max_points,
            sum,
            mean: mean(sum, counted),
        };
        let parts = rubric
            .parts
            .iter()
            .zip(&self.part_sums)
            .map(|(p, &sum)| subtotal(&p.id, &p.title, p.max_points, sum))
            .collect();
        let mut section_subtotals = Vec::with_capacity(self.section_sums.len());
        section_subtotals.extend(
            (rubric.parts.iter().flat_map(|p| &p.sections))
                .zip(&self.section_sums)
                .map(|(s, &sum)| subtotal(&s.id, &s.title, s.max_points, sum)),
        );
        // Sized first: the rubric's iterators do not know their length.
        let mut criteria = Vec::with_capacity(self.criteria.len());
        criteria.extend(
            rubric
                .criteria()
                .zip(self.criteria)
                .map(|((_, c), f)| CriterionStats {
                    id: c.id.clone(),
                    title: c.title.clone(),
                    max_points: c.max_points,
                    disagreement: f.counts.iter().filter(|&&n| n > 0).count() > 1,
                    counts: f.counts,
                    sum: f.sum,
                    mean: mean(f.sum, counted),
                    min: f.min,
                    max: f.max,
                }),
        );
        let mut markers: Vec<Arc<MarkerCheck>> = Vec::with_capacity(self.markers.len());
        markers.extend(marked_options(rubric).zip(self.markers).map(
            |((c, option, choice, stars), f)| {
                Arc::new(MarkerCheck {
                    criterion: c.id.clone(),
                    criterion_title: c.title.clone(),
                    option,
                    option_text: choice.text.clone(),
                    points: choice.points,
                    stars,
                    met_by: f.met_by,
                    not_met_by: f.not_met_by,
                    mean_points: mean(f.sum, counted),
                    holds: f.holds,
                })
            },
        ));
        let mut levels: Vec<u8> = markers.iter().map(|m| m.stars).collect();
        levels.sort_unstable();
        levels.dedup();
        let minimums = levels
            .iter()
            .map(|&stars| {
                let included = |m: &&Arc<MarkerCheck>| m.stars <= stars;
                let mut at_or_below = Vec::with_capacity(markers.iter().filter(included).count());
                at_or_below.extend(markers.iter().filter(included).cloned());
                LevelCheck {
                    stars,
                    holds: at_or_below.iter().all(|m| m.holds),
                    markers: at_or_below,
                }
            })
            .collect();
        Some(ProductResult {
            rubric_id: rubric.id.clone(),
            max_points: rubric.max_points,
            counted: self.counted,
            sum_total: self.sum_total,
            mean_total: mean(self.sum_total, counted),
            members: self.members,
            incomplete: self.incomplete,
            parts,
            sections: section_subtotals,
            band_stars: self.band_stars,
            minimums,
            minimum_stars: self.minimum_stars,
            stars: self.stars,
            knocked_out: self.knocked_out,
            spread: self.spread,
            max_spread: self.max_spread,
            spread_breach: self.spread_breach,
            minimum_rule: self.minimum_rule,
            criteria,
            next_star: self.next_star,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mean_text_rounds_half_up_on_exact_integers() {
        assert_eq!(mean_text(200, 3), "66.67");
        assert_eq!(mean_text(100, 3), "33.33");
        assert_eq!(mean_text(1, 8), "0.13");
        assert_eq!(mean_text(630, 9), "70.00");
        assert_eq!(mean_text(0, 0), "—");
    }
}
