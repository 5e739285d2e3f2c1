//! Product imports (`council products import`) from the files offices have: every rejection
//! names its row, and text that would break a document later is refused when it enters.

mod export_support;

use std::path::Path;

use council::export::import::{ImportRow, check_product_rows, read_product_rows};
use council::rubric::Catalog;
use council::store::{SessionData, Store};
use export_support::*;

fn session(dir: &Path) -> (Store, SessionData) {
    let mut store = Store::open(&dir.join("council.db")).unwrap();
    let data = load(&mut store, SMALL_FINAL);
    (store, data)
}

fn problems(rows: &[ImportRow], data: &SessionData) -> Vec<String> {
    let catalog = Catalog::shipped();
    match check_product_rows(rows, data, &|id| catalog.find(id).is_some()) {
        Ok(_) => Vec::new(),
        Err(p) => p,
    }
}

/// A workbook whose first sheet holds `rows` (the first is the header), written by the same
/// writer the exports use: it stores control characters the way Excel does (`_x000B_`).
fn workbook(rows: &[&[&str]]) -> Vec<u8> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let ws = book.add_worksheet();
    for (r, row) in rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            ws.write_string(r as u32, c as u16, *v).unwrap();
        }
    }
    book.save_to_buffer().unwrap()
}

#[test]
fn an_excel_soft_line_break_in_a_name_is_refused_with_its_row_and_character() {
    let dir = tempfile::tempdir().unwrap();
    let (_store, data) = session(dir.path());
    let bytes = workbook(&[
        &["code", "name", "rubric"],
        &["TN-10", "Mứt gừng", "ocop-2026-07"],
        &["TN-11", "Mứt\u{B}dâu", "ocop-2026-07"],
    ]);
    let rows = read_product_rows(Path::new("list.xlsx"), &bytes).unwrap();
    let found = problems(&rows, &data);
    assert_eq!(
        found,
        [
            "row 3: column \"name\": control character U+000B at character 4 (only tab and line break are allowed)"
        ]
    );
}

#[test]
fn a_bell_character_from_a_csv_is_refused_with_its_row() {
    let dir = tempfile::tempdir().unwrap();
    let (_store, data) = session(dir.path());
    let csv = "code,name,rubric,producer\nTN-10,Mứt gừng,ocop-2026-07,HTX\u{7}A\n";
    let rows = read_product_rows(Path::new("list.csv"), csv.as_bytes()).unwrap();
    let found = problems(&rows, &data);
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(found[0].starts_with("row 2: column \"producer\": control character U+0007"));
}

#[test]
fn codes_differing_only_by_case_width_or_an_invisible_character_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let (_store, data) = session(dir.path());
    let csv = "code,name,rubric\n\
        TN-10,A,ocop-2026-07\n\
        tn-10,B,ocop-2026-07\n\
        ＴＮ-10,C,ocop-2026-07\n\
        TN\u{200B}-12,D,ocop-2026-07\n\
        tn-01,E,ocop-2026-07\n";
    let rows = read_product_rows(Path::new("list.csv"), csv.as_bytes()).unwrap();
    let found = problems(&rows, &data);
    assert_eq!(
        found,
        [
            "row 3: duplicate product code \"tn-10\" (first on row 2)",
            "row 4: duplicate product code \"ＴＮ-10\" (first on row 2)",
            "row 5: product code \"TN\u{200B}-12\": invisible character U+200B at character 3 (codes may not hold characters that cannot be seen)",
            "row 6: product \"tn-01\" is already in session thu-nghiem-2026",
        ]
    );
}

#[test]
fn a_session_file_with_a_control_character_in_a_name_is_refused_at_its_line() {
    let catalog = Catalog::shipped();
    let text = SMALL_FINAL.replace("Trương Văn Đạt", "Trương\\u000BVăn Đạt");
    let err = council::session::parse_session("s.toml", &text, &|id| catalog.find(id).is_some())
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("member at seat 2: name: control character U+000B"),
        "{err}"
    );
    let line = text.lines().position(|l| l.contains("Trương")).unwrap() + 1;
    assert!(err.contains(&format!("s.toml:{line}:")), "{err}");
}
