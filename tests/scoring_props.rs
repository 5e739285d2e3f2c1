//! Properties of the scoring engine over random sheets of the real criteria sets.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use council::rubric::{Catalog, Rubric};
use council::scoring::{
    Figures, MinimumRule, ScoringPolicy, Sheet, figures, mean_text, score_product,
};
use proptest::prelude::*;

fn rubric(set: u32) -> Rubric {
    static CATALOG: OnceLock<Catalog> = OnceLock::new();
    CATALOG
        .get_or_init(Catalog::shipped)
        .find(&format!("ocop-2026-{set:02}"))
        .expect("shipped set")
        .1
        .clone()
}

/// A sheet totalling exactly `target`: every criterion starts at its lowest option, then each
/// takes the highest option that still fits in what is left.
fn sheet_with_total(rubric: &Rubric, seat: u32, target: u32) -> Option<Sheet> {
    let floor =
        |c: &council::rubric::Criterion| c.options.iter().map(|o| o.points).min().unwrap_or(0);
    let mut remaining = target.checked_sub(rubric.criteria().map(|(_, c)| floor(c)).sum())?;
    let mut choices = BTreeMap::new();
    for (_, c) in rubric.criteria() {
        let low = floor(c);
        let (pos, option) = c
            .options
            .iter()
            .enumerate()
            .filter(|(_, o)| o.points - low <= remaining)
            .max_by_key(|(_, o)| o.points)?;
        remaining -= option.points - low;
        choices.insert(c.id.to_string(), pos as u32 + 1);
    }
    (remaining == 0).then_some(Sheet { seat, choices })
}

/// A complete sheet from one random number per criterion.
fn sheet_from(rubric: &Rubric, seat: u32, picks: &[usize]) -> Sheet {
    let choices: BTreeMap<String, u32> = rubric
        .criteria()
        .zip(picks.iter().cycle())
        .map(|((_, c), pick)| (c.id.to_string(), (pick % c.options.len()) as u32 + 1))
        .collect();
    Sheet { seat, choices }
}

fn sheets_strategy() -> impl Strategy<Value = (u32, Vec<Vec<usize>>)> {
    (
        1u32..=26,
        prop::collection::vec(prop::collection::vec(0usize..8, 40), 1..15),
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn mean_lies_between_the_lowest_and_highest_total((set, picks) in sheets_strategy()) {
        let r = rubric(set);
        let sheets: Vec<Sheet> = picks.iter().enumerate()
            .map(|(i, p)| sheet_from(&r, i as u32 + 1, p)).collect();
        let result = score_product(&r, &sheets, &ScoringPolicy::default(), None);
        let totals: Vec<u32> = result.members.iter().map(|m| m.total).collect();
        let mean = result.mean_total.unwrap();
        prop_assert!(mean >= f64::from(*totals.iter().min().unwrap()));
        prop_assert!(mean <= f64::from(*totals.iter().max().unwrap()));
        prop_assert_eq!(result.counted as usize, sheets.len());
        prop_assert!(result.stars.unwrap() <= result.band_stars.unwrap());
        prop_assert!(result.stars.unwrap() <= result.minimum_stars.unwrap());
        prop_assert_eq!(result.spread.unwrap(), totals.iter().max().unwrap() - totals.iter().min().unwrap());
    }

    /// What is kept of a result (its figures, packed) reads back as the very same result, as
    /// JSON too (how schema 6 kept them, which schema 7 packs), and a whole result turns back
    /// into the same figures (how schema 6 migrates). No shorter piece of a packed row reads.
    #[test]
    fn kept_figures_read_back_as_the_same_result((set, picks) in sheets_strategy(), knocked in any::<bool>()) {
        let r = rubric(set);
        let mut sheets: Vec<Sheet> = picks.iter().enumerate()
            .map(|(i, p)| sheet_from(&r, i as u32 + 1, p)).collect();
        // One incomplete sheet, which the figures must carry too.
        let mut partial = sheets[0].clone();
        partial.seat = 99;
        partial.choices.pop_first();
        sheets.push(partial);
        let knockout = knocked.then_some("điều kiện loại");
        for rule in [MinimumRule::Majority, MinimumRule::All, MinimumRule::Mean] {
            let policy = ScoringPolicy { max_spread: 10, minimum_rule: rule };
            let result = score_product(&r, &sheets, &policy, knockout);
            let kept = figures(&r, &sheets, &policy, knockout);
            let text = serde_json::to_string(&kept).unwrap();
            let from_json: Figures = serde_json::from_str(&text).unwrap();
            prop_assert_eq!(&from_json, &kept);
            let packed = kept.pack();
            let back = Figures::unpack(&packed).expect("packed figures read back");
            let read_back = back.into_result(&r);
            prop_assert_eq!(read_back.as_ref(), Some(&result));
            for cut in 0..packed.len() {
                prop_assert_eq!(Figures::unpack(&packed[..cut]), None, "cut at {}", cut);
            }
            prop_assert_eq!(Figures::of(&result), kept);
        }
    }

    /// Bytes that are not packed figures — random, or a packed row with one byte changed —
    /// read as nothing or as other figures, never as a panic or an allocation beyond the row.
    #[test]
    fn damaged_packed_figures_never_panic(
        (set, picks) in sheets_strategy(),
        noise in prop::collection::vec(any::<u8>(), 0..400),
        at in any::<prop::sample::Index>(),
        byte in any::<u8>(),
    ) {
        let _ = Figures::unpack(&noise);
        let mut with_version = vec![1u8];
        with_version.extend(&noise);
        let _ = Figures::unpack(&with_version);
        let r = rubric(set);
        let sheets: Vec<Sheet> = picks.iter().enumerate()
            .map(|(i, p)| sheet_from(&r, i as u32 + 1, p)).collect();
        let mut packed = figures(&r, &sheets, &ScoringPolicy::default(), None).pack();
        let i = at.index(packed.len());
        packed[i] = byte;
        if let Some(other) = Figures::unpack(&packed) {
            let _ = other.into_result(&r);
        }
    }

    #[test]
    fn member_order_does_not_change_the_result((set, picks) in sheets_strategy()) {
        let r = rubric(set);
        let sheets: Vec<Sheet> = picks.iter().enumerate()
            .map(|(i, p)| sheet_from(&r, i as u32 + 1, p)).collect();
        let mut reversed = sheets.clone();
        reversed.reverse();
        for rule in [MinimumRule::Majority, MinimumRule::All, MinimumRule::Mean] {
            let policy = ScoringPolicy { max_spread: 10, minimum_rule: rule };
            let a = score_product(&r, &sheets, &policy, None);
            let b = score_product(&r, &reversed, &policy, None);
            prop_assert_eq!(a.stars, b.stars);
            prop_assert_eq!(a.sum_total, b.sum_total);
            prop_assert_eq!(a.minimum_stars, b.minimum_stars);
        }
    }

    /// Adding a member whose total equals the (whole-number) mean leaves the mean unchanged.
    #[test]
    fn a_member_at_the_mean_leaves_it_unchanged((set, picks) in sheets_strategy(), last in 0u32..=100) {
        let r = rubric(set);
        let mut sheets: Vec<Sheet> = picks.iter().enumerate()
            .map(|(i, p)| sheet_from(&r, i as u32 + 1, p)).collect();
        // One more member chosen so that the sum divides evenly: the mean is a whole number.
        let n = sheets.len() as u64 + 1;
        let partial: u64 = score_product(&r, &sheets, &ScoringPolicy::default(), None).sum_total;
        let fill = (0..=100u32).map(|d| (last + d) % 101).find(|x| (partial + u64::from(*x)).is_multiple_of(n)).unwrap();
        let closing = sheet_with_total(&r, 98, fill);
        prop_assume!(closing.is_some());
        sheets.push(closing.unwrap());
        let before = score_product(&r, &sheets, &ScoringPolicy::default(), None);
        prop_assert_eq!(before.sum_total % n, 0);
        let at_mean = sheet_with_total(&r, 99, (before.sum_total / n) as u32);
        prop_assume!(at_mean.is_some());
        sheets.push(at_mean.unwrap());
        let after = score_product(&r, &sheets, &ScoringPolicy::default(), None);
        prop_assert_eq!(after.mean_total, before.mean_total);
        prop_assert_eq!(after.band_stars, before.band_stars);
    }

    /// Bands compare the exact mean: `sum / count >= threshold` with no rounding.
    #[test]
    fn bands_follow_the_exact_mean(sum in 0u64..1500, count in 1u64..16) {
        let r = rubric(7);
        let expected = [(90u64, 5u8), (70, 4), (50, 3), (30, 2), (0, 1)]
            .into_iter()
            .find(|(t, _)| sum as f64 / count as f64 >= *t as f64 - 1e-12 && sum >= t * count)
            .unwrap()
            .1;
        prop_assert_eq!(r.band_for(sum, count), expected);
    }
}

#[test]
fn a_sheet_of_every_maximum_scores_the_rubric_maximum_on_every_set() {
    for set in 1..=26 {
        let r = rubric(set);
        let choices = r
            .criteria()
            .map(|(_, c)| {
                let best = c
                    .options
                    .iter()
                    .enumerate()
                    .max_by_key(|(_, o)| o.points)
                    .unwrap()
                    .0;
                (c.id.to_string(), best as u32 + 1)
            })
            .collect();
        let result = score_product(
            &r,
            &[Sheet { seat: 1, choices }],
            &ScoringPolicy::default(),
            None,
        );
        assert_eq!(result.sum_total, u64::from(r.max_points), "set {set}");
        assert_eq!(result.stars, Some(5), "set {set}");
        assert!(result.minimums.iter().all(|l| l.holds), "set {set}");
    }
}

#[test]
fn band_edges_fall_on_the_right_side() {
    let r = rubric(7);
    // 100 members make a mean of x.99 exact: 4999 / 100 = 49.99.
    for (sum, stars) in [
        (4999, 2),
        (5000, 3),
        (6999, 3),
        (7000, 4),
        (8999, 4),
        (9000, 5),
        (2999, 1),
        (3000, 2),
    ] {
        assert_eq!(r.band_for(sum, 100), stars, "mean {}", mean_text(sum, 100));
    }
    assert_eq!(mean_text(6999, 100), "69.99");
}

#[test]
fn incomplete_sheets_are_reported_not_counted() {
    let r = rubric(7);
    let full = sheet_from(&r, 1, &[3; 40]);
    let mut partial = full.clone();
    partial.seat = 2;
    let first = partial.choices.keys().next().unwrap().clone();
    partial.choices.remove(&first);
    let result = score_product(
        &r,
        &[full.clone(), partial],
        &ScoringPolicy::default(),
        None,
    );
    assert_eq!(result.counted, 1);
    assert_eq!(result.incomplete, vec![2]);
    assert_eq!(result.members[1].missing, vec![first.as_str().into()]);
    assert_eq!(result.sum_total, u64::from(result.members[0].total));
}

#[test]
fn a_knock_out_leaves_no_stars_whatever_the_score() {
    let r = rubric(7);
    let result = score_product(
        &r,
        &[sheet_from(&r, 1, &[7; 40])],
        &ScoringPolicy::default(),
        Some("Giả mạo hồ sơ"),
    );
    assert_eq!(result.stars, None);
    assert!(result.band_stars.is_some());
    assert_eq!(result.knocked_out.as_deref(), Some("Giả mạo hồ sơ"));
}

/// A member's score computed the plain way, criterion by criterion with string look-ups, as
/// the scoring engine did before it worked on dense indices.
fn reference_score(rubric: &Rubric, sheet: &Sheet) -> council::scoring::MemberScore {
    let mut parts = vec![0u32; rubric.parts.len()];
    let mut sections = Vec::new();
    let mut missing = Vec::new();
    let mut invalid = Vec::new();
    for (p, part) in rubric.parts.iter().enumerate() {
        for section in &part.sections {
            let mut points = 0;
            for criterion in &section.criteria {
                match sheet.choices.get(&*criterion.id) {
                    None => missing.push(criterion.id.clone()),
                    Some(&pos) => match criterion.option_at(pos as usize) {
                        Some(option) => points += option.points,
                        None => invalid.push(format!("{}={pos}", criterion.id)),
                    },
                }
            }
            parts[p] += points;
            sections.push(points);
        }
    }
    invalid.extend(
        sheet
            .choices
            .keys()
            .filter(|id| rubric.criterion(id).is_none())
            .cloned(),
    );
    council::scoring::MemberScore {
        seat: sheet.seat,
        total: parts.iter().sum(),
        parts,
        sections,
        complete: missing.is_empty() && invalid.is_empty(),
        missing,
        invalid,
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    /// Gaps, options out of range (0 included) and criteria the set does not have are scored
    /// and reported exactly as the plain computation does.
    #[test]
    fn dense_scoring_matches_the_plain_computation(
        set in 1u32..=26,
        picks in prop::collection::vec(prop::collection::vec(0u32..9, 40), 1..6),
        strays in prop::collection::vec("[0-9a-z.]{1,4}", 0..4),
    ) {
        let rubric = rubric(set);
        let sheets: Vec<Sheet> = picks
            .iter()
            .enumerate()
            .map(|(seat, row)| {
                let mut choices: BTreeMap<String, u32> = rubric
                    .criteria()
                    .zip(row.iter().cycle())
                    .filter(|(_, pick)| **pick != 8)
                    .map(|((_, c), &pick)| (c.id.to_string(), pick))
                    .collect();
                for stray in &strays {
                    choices.insert(stray.clone(), 1);
                }
                Sheet { seat: seat as u32 + 1, choices }
            })
            .collect();
        let result = score_product(&rubric, &sheets, &ScoringPolicy::default(), None);
        for (sheet, member) in sheets.iter().zip(&result.members) {
            prop_assert_eq!(member, &reference_score(&rubric, sheet));
        }
    }
}
