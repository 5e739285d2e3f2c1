//! Results worked out by hand on a ten-point rubric, checked through the real binary:
//! means, bands, star minimums under each policy, spread and the points to the next star.
//!
//! Sheets (option positions; points in brackets):
//!
//! | seat | 1.1   | 1.2   | 2.1   | A | B | total |
//! |------|-------|-------|-------|---|---|-------|
//! | 1    | 4 (3) | 3 (3) | 3 (4) | 6 | 4 | 10    |
//! | 2    | 4 (3) | 2 (2) | 2 (2) | 5 | 2 | 7     |
//! | 3    | 2 (1) | 2 (2) | 3 (4) | 3 | 4 | 7     |
//! | 4    | 2 (1) | 1 (1) | 2 (2) | 2 | 2 | 4     |
//!
//! Sum 28 over 4 members: mean 7.00, band 4★ (7 ≥ 7). Spread 10 − 4 = 6.
//! Minimum 1.1 (3★, option 3 = 2 points): met by seats 1, 2 only — 2 of 4 is not more than
//! half, so it fails under `majority` and `all`; the mean points (3+3+1+1)/4 = 2 reach 2, so it
//! holds under `mean`. Minimum 1.2#2 (4★, 2 points): seats 1–3, holds by majority and mean.
//! Minimum 1.2#3 (5★, 3 points): seat 1 only, mean 2 < 3: fails everywhere.
//! So: majority → minimums allow 2★, rank 2★; mean → minimums allow 4★, rank 4★.

use crate::common;

use common::{Workspace, repo_path};
use serde_json::Value;

const SHEETS: &str = "product,member,criterion,option
P1,1,1.1,4
P1,1,1.2,3
P1,1,2.1,3
P1,2,1.1,4
P1,2,1.2,2
P1,2,2.1,2
P1,3,1.1,2
P1,3,1.2,2
P1,3,2.1,3
P1,4,1.1,2
P1,4,1.2,1
P1,4,2.1,2
";

fn session(rule: &str, max_spread: u32) -> String {
    format!(
        r#"[session]
id = "worked-{rule}"
title = "Ví dụ"
council = "Hội đồng thử"
level = "province"
date = "2026-11-20"
venue = "Phòng họp"

[policy]
minimum_rule = "{rule}"
max_spread = {max_spread}

[[members]]
seat = 1
name = "Một"
role = "chair"
[[members]]
seat = 2
name = "Hai"
role = "member"
[[members]]
seat = 3
name = "Ba"
role = "member"
[[members]]
seat = 4
name = "Bốn"
role = "secretary"
scores = true

[[products]]
code = "P1"
name = "Sản phẩm thử"
rubric = "mini-10"
"#
    )
}

fn results(rule: &str, max_spread: u32) -> Value {
    let ws = Workspace::new();
    let rubrics = repo_path("tests/fixtures/worked");
    let file = ws.write("s.toml", &session(rule, max_spread));
    let csv = ws.write("sheets.csv", SHEETS);
    let r = rubrics.to_str().unwrap();
    ws.run_ok(&["--rubrics", r, "session", "new", file.to_str().unwrap()]);
    ws.run_ok(&["attend", "--all"]);
    ws.run_ok(&["sheets", "import", csv.to_str().unwrap()]);
    let json: Value = serde_json::from_str(&ws.run_ok(&["results", "--json"])).unwrap();
    json["products"][0].clone()
}

fn holds(p: &Value, stars: u64) -> bool {
    p["minimums"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["stars"] == stars)
        .unwrap()["holds"]
        .as_bool()
        .unwrap()
}

#[test]
fn majority_rule_fails_the_three_star_minimum() {
    let p = results("majority", 10);
    let totals: Vec<u64> = p["members"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["total"].as_u64().unwrap())
        .collect();
    assert_eq!(totals, [10, 7, 7, 4]);
    assert_eq!(p["sum_total"], 28);
    assert_eq!(p["mean_total"], 7.0);
    assert_eq!(p["mean_display"], "7.00");
    assert_eq!(p["band_stars"], 4);
    assert!(!holds(&p, 3));
    assert_eq!(p["minimum_stars"], 2);
    assert_eq!(p["stars"], 2);
    let m = &p["minimums"][0]["markers"][0];
    assert_eq!(m["criterion"], "1.1");
    assert_eq!(m["met_by"], serde_json::json!([1, 2]));
    assert_eq!(m["not_met_by"], serde_json::json!([3, 4]));
    assert_eq!(p["parts"][0]["mean"], 4.0);
    assert_eq!(p["parts"][1]["mean"], 3.0);
    assert_eq!(p["spread"], 6);
    assert_eq!(p["spread_breach"], false);
    assert_eq!(p["criteria"][0]["counts"], serde_json::json!([0, 2, 0, 2]));
    assert_eq!(p["criteria"][0]["disagreement"], true);
}

#[test]
fn mean_rule_holds_the_same_minimum_and_ranks_four_stars() {
    let p = results("mean", 10);
    assert!(holds(&p, 3));
    assert!(holds(&p, 4));
    assert!(!holds(&p, 5));
    assert_eq!(p["minimum_stars"], 4);
    assert_eq!(p["stars"], 4);
    assert_eq!(p["next_star"]["stars"], 5);
    assert_eq!(p["next_star"]["points_needed"], 2.0);
    assert_eq!(
        p["next_star"]["failing_minimums"],
        serde_json::json!(["1.2"])
    );
}

#[test]
fn all_rule_and_a_tight_spread_policy() {
    let p = results("all", 5);
    assert!(!holds(&p, 3));
    assert_eq!(p["stars"], 2);
    assert_eq!(p["spread"], 6);
    assert_eq!(p["max_spread"], 5);
    assert_eq!(p["spread_breach"], true);
}

#[test]
fn results_text_shows_the_breakdown_in_vietnamese_and_english() {
    let ws = Workspace::new();
    let rubrics = repo_path("tests/fixtures/worked");
    let file = ws.write("s.toml", &session("majority", 10));
    let csv = ws.write("sheets.csv", SHEETS);
    let r = rubrics.to_str().unwrap();
    ws.run_ok(&["--rubrics", r, "session", "new", file.to_str().unwrap()]);
    ws.run_ok(&["attend", "--all"]);
    ws.run_ok(&["sheets", "import", csv.to_str().unwrap()]);
    let vi = ws.run_ok(&["results"]);
    assert!(vi.contains("Điểm trung bình: 7.00 / 10"), "{vi}");
    assert!(vi.contains("Xếp hạng: 2 sao ★★☆☆☆"), "{vi}");
    assert!(vi.contains("1.1#3 (đạt bởi 2/4)"), "{vi}");
    let en = ws.run_ok(&["--lang", "en", "results", "--product", "P1"]);
    assert!(en.contains("Mean score: 7.00 / 10"), "{en}");
    assert!(en.contains("Rank: 2 stars ★★☆☆☆"), "{en}");
}
