//! The documents a provincial office files, read back and checked against `council results
//! --json`: the proposal for recognition, the report to the central council, the result
//! notices, and the score sheets as the Phụ lục II form (filled and blank).

use crate::export_support;

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use council::export::numbers::localized;
use council::export::{Format, export_session};
use council::i18n::Lang;
use council::store::Store;
use export_support::*;
use serde_json::Value;

struct Exported {
    _dir: tempfile::TempDir,
    out: PathBuf,
    results: Value,
}

/// The demo meeting with LD-2026-05 finished too, exported in Word and HTML, and the results
/// as `council results --json` prints them.
fn exported() -> Exported {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("council.db");
    let mut store = Store::open_or_create(&db).unwrap();
    let mut data = demo_meeting(&mut store);
    fill(
        &mut store,
        &data,
        "LD-2026-05",
        &(3..=8).collect::<Vec<_>>(),
        &|_, _, c| best(c),
    );
    data = reload(&store, &data);
    store
        .close_product(&data, data.product("LD-2026-05").unwrap(), None)
        .unwrap();
    data = reload(&store, &data);
    let out = dir.path().join("out");
    export_session(
        &store,
        &data,
        &[Format::Docx, Format::Html],
        &out,
        Lang::Vi,
        &mut |_| {},
    )
    .expect("export");
    drop(store);
    let json = Command::cargo_bin("council")
        .unwrap()
        .env("COUNCIL_DB", &db)
        .env("COUNCIL_CONFIG_DIR", dir.path().join("config"))
        .env_remove("COUNCIL_LANG")
        .args(["results", "--json"])
        .output()
        .unwrap();
    assert!(
        json.status.success(),
        "{}",
        String::from_utf8_lossy(&json.stderr)
    );
    Exported {
        _dir: dir,
        out,
        results: serde_json::from_slice(&json.stdout).unwrap(),
    }
}

fn texts(out: &Path, stem: &str) -> Vec<(&'static str, String)> {
    let code = "lam-dong-2026-dot-2";
    vec![
        (
            "docx",
            docx_text(
                &out.join(format!("{stem}-{code}.docx")),
                "word/document.xml",
            ),
        ),
        (
            "html",
            std::fs::read_to_string(out.join(format!("{stem}-{code}.html"))).unwrap(),
        ),
    ]
}

fn products(results: &Value) -> &Vec<Value> {
    results["products"].as_array().unwrap()
}

fn settled(p: &Value) -> bool {
    matches!(p["status"].as_str(), Some("closed" | "knocked_out"))
}

#[test]
fn the_proposal_lists_exactly_the_three_and_four_star_products_by_star_with_their_points() {
    let e = exported();
    for (format, text) in texts(&e.out, "to-trinh-cong-nhan") {
        assert!(text.contains("TỜ TRÌNH"), "{format}");
        assert!(
            text.contains("Kính gửi: Chủ tịch Ủy ban nhân dân tỉnh Lâm Đồng"),
            "{format}"
        );
        for p in products(&e.results) {
            let code = p["code"].as_str().unwrap();
            let stars = p["stars"].as_u64();
            let proposed = p["status"] == "closed" && matches!(stars, Some(3 | 4));
            assert_eq!(
                text.contains(code),
                proposed,
                "{format}: {code} ({stars:?})"
            );
            if proposed {
                let mean = localized(Lang::Vi, p["mean_display"].as_str().unwrap());
                let row = &text[text.find(code).unwrap()..];
                assert!(
                    row[..row.len().min(400)].contains(&mean),
                    "{format}: {code} {mean}"
                );
                let group = format!("Sản phẩm OCOP {} sao", stars.unwrap());
                assert!(
                    text[..text.find(code).unwrap()].contains(&group),
                    "{format}"
                );
            }
        }
    }
}

#[test]
fn the_report_to_the_central_council_lists_the_products_at_90_meeting_every_minimum() {
    let e = exported();
    for (format, text) in texts(&e.out, "bao-cao-trung-uong") {
        assert!(
            text.contains("Kính gửi: Bộ Nông nghiệp và Môi trường"),
            "{format}"
        );
        for p in products(&e.results) {
            let code = p["code"].as_str().unwrap();
            let sent = p["status"] == "closed" && p["stars"].as_u64() == Some(5);
            assert_eq!(text.contains(code), sent, "{format}: {code}");
            if sent {
                let mean = localized(Lang::Vi, p["mean_display"].as_str().unwrap());
                assert!(text.contains(&mean), "{format}: {code} {mean}");
            }
        }
    }
}

#[test]
fn each_settled_product_gets_a_notice_with_its_points_and_result() {
    let e = exported();
    for (format, text) in texts(&e.out, "thong-bao-ket-qua") {
        let filed: Vec<&Value> = products(&e.results).iter().filter(|p| settled(p)).collect();
        let title = if format == "html" {
            "<h1>THÔNG BÁO</h1>"
        } else {
            "\nTHÔNG BÁO\n"
        };
        assert_eq!(text.matches(title).count(), filed.len(), "{format}");
        for p in products(&e.results) {
            let code = p["code"].as_str().unwrap();
            assert_eq!(
                text.contains(&format!("({code})")),
                settled(p),
                "{format}: {code}"
            );
            if settled(p) && p["counted"].as_u64() > Some(0) {
                let mean = localized(Lang::Vi, p["mean_display"].as_str().unwrap());
                assert!(text.contains(&mean), "{format}: {code} {mean}");
            }
        }
        assert!(text.contains("Đạt từ 90 điểm trở lên, đề nghị Hội đồng cấp trung ương"));
        assert!(!text.contains("5 sao ★"), "{format} awards 5 stars");
    }
}

#[test]
fn score_sheets_print_every_option_with_its_box_and_mark_the_ticked_one() {
    let e = exported();
    let code = "lam-dong-2026-dot-2";
    let text = docx_text(
        &e.out.join(format!("phieu-danh-gia-{code}.docx")),
        "word/document.xml",
    );
    let first = &products(&e.results)[0];
    let criteria = first["criteria"].as_array().unwrap();
    let options: usize = criteria
        .iter()
        .map(|c| c["counts"].as_array().unwrap().len())
        .sum();
    let sheets = text.matches("PHIẾU ĐÁNH GIÁ").count();
    assert!(sheets > 0);
    // Every criterion of every printed sheet ticks one box and leaves the others open.
    let ticked = text.matches('☒').count();
    let open = text.matches('☐').count();
    assert!(ticked >= criteria.len(), "{ticked}");
    assert!(ticked + open >= options, "every option has its box");
    assert!(text.contains("*****"), "star markers printed");

    let blank = docx_text(
        &e.out.join(format!("phieu-trang-{code}.docx")),
        "word/document.xml",
    );
    for n in 1..=9 {
        assert!(
            !blank.contains(&format!("☒ {n}. ")),
            "a blank sheet ticks nothing"
        );
    }
    assert_eq!(
        blank.matches("PHIẾU ĐÁNH GIÁ").count(),
        products(&e.results).len(),
        "one blank sheet per product"
    );
    // The option numbers are the keys: "1." to "n." for each criterion, in the rubric's order.
    let c = &criteria[0];
    let id = c["id"].as_str().unwrap();
    let at = blank.find(&format!("{id} ")).unwrap();
    for n in 1..=c["counts"].as_array().unwrap().len() {
        assert!(blank[at..].contains(&format!("☐ {n}. ")), "{id} option {n}");
    }
}
