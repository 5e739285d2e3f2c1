//! The 26 criteria sets against the decision: every option's points, criteria and option
//! counts, the set 7 JSON, and a full scoring run on every set from the real binary.

use crate::common;

use std::collections::BTreeMap;

use common::{Workspace, points_table, repo_path};
use council::rubric::Catalog;
use serde_json::Value;

fn set_id(n: u32) -> String {
    format!("ocop-2026-{n:02}")
}

#[test]
fn every_shipped_set_passes_the_checker() {
    let ws = Workspace::new();
    let out = ws.run_ok(&["rubric", "check", repo_path("rubrics").to_str().unwrap()]);
    assert_eq!(
        out.lines().filter(|l| l.starts_with("ok ")).count(),
        26,
        "{out}"
    );
}

#[test]
fn every_option_matches_the_points_table_of_the_decision() {
    let catalog = Catalog::shipped();
    let table = points_table();
    for set in 1..=26 {
        let id = set_id(set);
        let (_, rubric) = catalog.find(&id).unwrap_or_else(|| panic!("{id} missing"));
        let expected: Vec<(String, u32, u32)> = table
            .iter()
            .filter(|r| r.set == set)
            .map(|r| (r.criterion.clone(), r.position, r.points))
            .collect();
        let actual: Vec<(String, u32, u32)> = rubric
            .criteria()
            .flat_map(|(_, c)| {
                c.options
                    .iter()
                    .enumerate()
                    .map(|(i, o)| (c.id.to_string(), i as u32 + 1, o.points))
            })
            .collect();
        assert_eq!(actual, expected, "{id}: options differ from the decision");
        let criteria_in_table: std::collections::BTreeSet<&str> =
            expected.iter().map(|(c, _, _)| c.as_str()).collect();
        assert_eq!(rubric.criteria_count(), criteria_in_table.len(), "{id}");
        let parts: Vec<(&str, u32)> = rubric
            .parts
            .iter()
            .map(|p| (&*p.id, p.max_points))
            .collect();
        assert_eq!(parts, [("A", 40), ("B", 25), ("C", 35)], "{id}");
        assert_eq!(rubric.set_number, Some(set));
    }
}

#[test]
fn set_7_json_matches_the_decision_option_by_option() {
    let ws = Workspace::new();
    let json: Value =
        serde_json::from_str(&ws.run_ok(&["rubric", "show", "ocop-2026-07", "--json"])).unwrap();
    assert_eq!(json["id"], "ocop-2026-07");
    assert_eq!(json["name"], "Chế biến từ rau, củ, quả, hạt");
    assert_eq!(json["max_points"], 100);
    let mut options: Vec<(String, u32, u64)> = Vec::new();
    let mut by_id: BTreeMap<String, Value> = BTreeMap::new();
    for part in json["parts"].as_array().unwrap() {
        for section in part["sections"].as_array().unwrap() {
            for c in section["criteria"].as_array().unwrap() {
                let id = c["id"].as_str().unwrap().to_string();
                for (i, o) in c["options"].as_array().unwrap().iter().enumerate() {
                    options.push((id.clone(), i as u32 + 1, o["points"].as_u64().unwrap()));
                }
                by_id.insert(id, c.clone());
            }
        }
    }
    let expected: Vec<(String, u32, u64)> = points_table()
        .into_iter()
        .filter(|r| r.set == 7)
        .map(|r| (r.criterion, r.position, u64::from(r.points)))
        .collect();
    assert_eq!(options, expected);

    // Texts and star markers as printed (Phụ lục II, set 7, criteria 1.1 and 1.5).
    let c11 = &by_id["1.1"];
    assert_eq!(c11["title"], "Nguồn nguyên liệu");
    assert_eq!(c11["max_points"], 3);
    assert_eq!(
        c11["options"][0]["text"],
        "Có sử dụng nguyên liệu có nguồn gốc trong tỉnh, nhưng có tỷ lệ dưới 50%"
    );
    assert_eq!(c11["options"][0]["min_stars"], 3);
    assert_eq!(c11["options"][1]["min_stars"], Value::Null);
    let c15 = &by_id["1.5"];
    assert_eq!(c15["options"][2]["min_stars"], 4);
    assert_eq!(c15["options"][3]["min_stars"], 5);
    // The option printed without points is read as 0, and says so.
    let c12 = &by_id["1.2"];
    assert_eq!(c12["options"][0]["points"], 0);
    assert_eq!(c12["options"][0]["printed_points"], "");
}

#[test]
fn rubric_list_shows_all_sets_with_counts() {
    let ws = Workspace::new();
    let out = ws.run_ok(&["rubric", "list"]);
    for set in 1..=26 {
        let line = out
            .lines()
            .find(|l| l.starts_with(&set_id(set)))
            .unwrap_or_else(|| panic!("set {set} not listed:\n{out}"));
        assert!(line.contains(" 100 "), "{line}");
    }
    assert!(out.contains("Chế biến từ rau, củ, quả, hạt"));
}

/// A session with one product per set and three members, all scoring every criterion.
#[test]
fn a_product_of_every_set_can_be_scored_end_to_end() {
    let ws = Workspace::new();
    let mut session = String::from(
        "[session]\nid = \"all-sets\"\ntitle = \"Tất cả bộ tiêu chí\"\ncouncil = \"Hội đồng thử\"\n\
         level = \"province\"\ndate = \"2026-11-20\"\nvenue = \"Phòng họp\"\n\n\
         [[members]]\nseat = 1\nname = \"Chủ tịch\"\nrole = \"chair\"\n\
         [[members]]\nseat = 2\nname = \"Ủy viên A\"\nrole = \"member\"\n\
         [[members]]\nseat = 3\nname = \"Ủy viên B\"\nrole = \"member\"\n",
    );
    for set in 1..=26 {
        session.push_str(&format!(
            "\n[[products]]\ncode = \"SP{set:02}\"\nname = \"Sản phẩm bộ {set}\"\nrubric = \"{}\"\n",
            set_id(set)
        ));
    }
    session = session.replace(
        "venue = \"Phòng họp\"\n",
        "venue = \"Phòng họp\"\n[policy]\none_open_product = false\n",
    );
    let file = ws.write("all.toml", &session);
    ws.run_ok(&["session", "new", file.to_str().unwrap()]);
    ws.run_ok(&["attend", "--all"]);
    // Set 26 is scored in case 2 ("Trường hợp 2"): only that case's options can be ticked.
    ws.run_ok(&["product", "case", "SP26", "2"]);
    let catalog = Catalog::shipped();
    let set26 = catalog.find(&set_id(26)).unwrap().1;

    // Seat 1 ticks every criterion's best option, seat 2 its first, seat 3 its best again.
    let table = points_table();
    let mut csv = String::from("product,member,criterion,option\n");
    let mut expected: BTreeMap<String, [u64; 3]> = BTreeMap::new();
    for set in 1..=26u32 {
        let code = format!("SP{set:02}");
        let mut per_criterion: BTreeMap<&str, Vec<u32>> = BTreeMap::new();
        for r in table.iter().filter(|r| r.set == set) {
            per_criterion
                .entry(&r.criterion)
                .or_default()
                .push(r.points);
        }
        let totals = expected.entry(code.clone()).or_default();
        for (criterion, points) in per_criterion {
            // Positions (0-based) that may be ticked: all, but one case's for set 26.
            let allowed: Vec<usize> = match set26.criterion(criterion) {
                Some(c) if set == 26 => council::meeting::options_in_case(c, Some(2))
                    .into_iter()
                    .map(|o| o as usize - 1)
                    .collect(),
                _ => (0..points.len()).collect(),
            };
            let best = allowed
                .iter()
                .map(|&i| (i, &points[i]))
                .max_by_key(|(i, p)| (**p, *i))
                .unwrap();
            let first = allowed[0];
            for (seat, (pos, pts)) in [
                (1, (best.0, *best.1)),
                (2, (first, points[first])),
                (3, (best.0, *best.1)),
            ] {
                csv.push_str(&format!("{code},{seat},{criterion},{}\n", pos + 1));
                totals[seat - 1] += u64::from(pts);
            }
        }
    }
    let file = ws.write("choices.csv", &csv);
    ws.run_ok(&["sheets", "import", file.to_str().unwrap()]);
    let json: Value = serde_json::from_str(&ws.run_ok(&["results", "--json"])).unwrap();
    let products = json["products"].as_array().unwrap();
    assert_eq!(products.len(), 26);
    for p in products {
        let code = p["code"].as_str().unwrap();
        let totals = expected[code];
        assert_eq!(totals[0], 100, "{code}: best options must total 100");
        let seats: Vec<u64> = p["members"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["total"].as_u64().unwrap())
            .collect();
        assert_eq!(seats, totals, "{code}");
        assert_eq!(p["counted"], 3, "{code}");
        let sum: u64 = totals.iter().sum();
        assert_eq!(p["sum_total"], sum, "{code}");
        // Two of three members meet every marker, so minimums hold by majority: the band decides.
        let band = [(90, 5), (70, 4), (50, 3), (30, 2), (0, 1)]
            .iter()
            .find(|(min, _)| sum >= min * 3)
            .unwrap()
            .1;
        assert_eq!(p["band_stars"], band, "{code}");
        assert_eq!(p["stars"], band, "{code}");
    }
}

/// The model the store keeps beside each criteria set's text reads back as the same set.
#[test]
fn every_shipped_set_reads_back_from_its_kept_model() {
    for (_, rubric) in council::rubric::Catalog::shipped().rubrics() {
        let json = serde_json::to_string(rubric).unwrap();
        let back: council::rubric::Rubric = serde_json::from_str(&json).unwrap();
        assert_eq!(&back, rubric, "{}", rubric.id);
    }
}
