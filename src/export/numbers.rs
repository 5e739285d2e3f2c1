//! How figures are printed in documents: two decimals, a decimal comma in Vietnamese ("91,38")
//! and a point in English, and part means that add up to the total as displayed.
//!
//! Part means are rounded for display by the largest-remainder method: each part's mean in
//! hundredths is rounded down, then the hundredths still missing to reach the displayed total
//! (itself rounded half up, as on the screen) go to the parts with the largest remainders. So
//! A + B + C always equals the printed total; a part may differ from its own half-up rounding by
//! 0,01. The exact figures stay in `council results --json` and in the JSON export's `result`.

use crate::i18n::Lang;

/// `sum / count` in hundredths, rounded half up (the screen's rounding); none without a count.
pub fn hundredths(sum: u64, count: u64) -> Option<u64> {
    (count > 0).then(|| (sum * 200 + count) / (2 * count))
}

/// The parts' means in hundredths, rounded so that they add up to the total's hundredths
/// (largest remainder; ties go to the earlier part). Empty without a count.
pub fn shown_parts(part_sums: &[u64], count: u64) -> Vec<u64> {
    let Some(target) = hundredths(part_sums.iter().sum(), count) else {
        return Vec::new();
    };
    let mut shown: Vec<u64> = part_sums.iter().map(|s| s * 100 / count).collect();
    let missing = target.saturating_sub(shown.iter().sum());
    let mut by_remainder: Vec<usize> = (0..part_sums.len()).collect();
    by_remainder.sort_by_key(|&i| std::cmp::Reverse(part_sums[i] * 100 % count));
    for &i in by_remainder.iter().take(missing as usize) {
        shown[i] += 1;
    }
    shown
}

/// Hundredths as the machine-readable text "91.38" (JSON, and the input of [`localized`]).
pub fn hundredths_text(h: u64) -> String {
    format!("{}.{:02}", h / 100, h % 100)
}

/// A figure as a document in `lang` writes it: "91,38" in Vietnamese, "91.38" in English.
/// Text that is not a figure ("—") is returned as it is.
pub fn localized(lang: Lang, figure: &str) -> String {
    let is_figure = figure.chars().all(|c| c.is_ascii_digit() || c == '.')
        && figure.chars().any(|c| c.is_ascii_digit());
    match lang {
        Lang::Vi if is_figure => figure.replace('.', ","),
        _ => figure.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parts_add_up_to_the_displayed_total() {
        // Three members; A, B, C sums whose half-up roundings would add to 0.01 too little.
        let sums = [110u64, 68, 96]; // means 36.666…, 22.666…, 32.0 → total 91.333… → 91.33
        let shown = shown_parts(&sums, 3);
        assert_eq!(shown.iter().sum::<u64>(), hundredths(274, 3).unwrap());
        assert_eq!(shown, [3667, 2266, 3200]);
        // Eight members, the demo's shape: 36.875 + 22.625 + 31.875 = 91.375 → 91.38.
        let shown = shown_parts(&[295, 181, 255], 8);
        assert_eq!(shown.iter().sum::<u64>(), 9138);
        assert_eq!(hundredths_text(shown.iter().sum()), "91.38");
    }

    #[test]
    fn parts_add_up_for_every_small_case() {
        for count in 1..=15u64 {
            for a in 0..=40 * count {
                let sums = [a, (a * 7) % (25 * count + 1), (a * 13) % (35 * count + 1)];
                let shown = shown_parts(&sums, count);
                assert_eq!(
                    shown.iter().sum::<u64>(),
                    hundredths(sums.iter().sum(), count).unwrap()
                );
                for (s, h) in sums.iter().zip(&shown) {
                    let exact = *s as f64 * 100.0 / count as f64;
                    assert!((*h as f64 - exact).abs() < 1.0, "{sums:?}/{count}");
                }
            }
        }
    }

    #[test]
    fn vietnamese_documents_write_a_decimal_comma() {
        assert_eq!(localized(Lang::Vi, "91.38"), "91,38");
        assert_eq!(localized(Lang::En, "91.38"), "91.38");
        assert_eq!(localized(Lang::Vi, "—"), "—");
        assert_eq!(localized(Lang::Vi, "LD-2026.01"), "LD-2026.01");
    }
}
