//! Product imports (`council products import`) from the files offices have: every rejection
//! names its row, and text that would break a document later is refused when it enters.

use crate::export_support;

use std::path::Path;

use council::export::import::{ImportRow, check_product_rows, read_product_rows};
use council::rubric::Catalog;
use council::store::{SessionData, Store};
use export_support::*;

fn session(dir: &Path) -> (Store, SessionData) {
    let mut store = Store::open_or_create(&dir.join("council.db")).unwrap();
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

/// The products a file gives, or the error it is refused with.
fn read(name: &str, bytes: &[u8]) -> Result<Vec<ImportRow>, String> {
    read_product_rows(Path::new(name), bytes).map_err(|e| e.to_string())
}

fn names(rows: &[ImportRow]) -> Vec<&str> {
    rows.iter().map(|r| r.cells["name"].as_str()).collect()
}

const LIST: &str = "code,name,rubric,producer\nTN-10,Mứt gừng Điện Biên,ocop-2026-07,HTX Ổn Định\n";

#[test]
fn utf8_with_or_without_a_byte_order_mark_reads_the_same() {
    let plain = read("a.csv", LIST.as_bytes()).unwrap();
    let bom = read("a.csv", format!("\u{feff}{LIST}").as_bytes()).unwrap();
    assert_eq!(plain, bom);
    assert_eq!(names(&plain), ["Mứt gừng Điện Biên"]);
}

#[test]
fn utf16_text_from_excel_is_read() {
    let mut le = vec![0xFF, 0xFE];
    le.extend(LIST.encode_utf16().flat_map(u16::to_le_bytes));
    assert_eq!(names(&read("a.csv", &le).unwrap()), ["Mứt gừng Điện Biên"]);
    let mut be = vec![0xFE, 0xFF];
    be.extend(LIST.encode_utf16().flat_map(u16::to_be_bytes));
    assert_eq!(names(&read("a.csv", &be).unwrap()), ["Mứt gừng Điện Biên"]);
}

/// `text` as Windows-1258 writes it: precomposed letters where the code page has them (ư, ê, Đ),
/// the five tones as combining marks after them.
fn to_1258(text: &str) -> Vec<u8> {
    use unicode_normalization::UnicodeNormalization;
    let tones = ['\u{300}', '\u{301}', '\u{303}', '\u{309}', '\u{323}'];
    let mut out = Vec::new();
    for ch in text.chars() {
        let nfd: String = ch.to_string().nfd().collect();
        let base: String = nfd.chars().filter(|c| !tones.contains(c)).collect();
        let tone: String = nfd.chars().filter(|c| tones.contains(c)).collect();
        let spelled = format!("{}{tone}", base.nfc().collect::<String>());
        let (bytes, _, unmappable) = encoding_rs::WINDOWS_1258.encode(&spelled);
        assert!(!unmappable, "{ch:?} is not in Windows-1258");
        out.extend_from_slice(&bytes);
    }
    out
}

#[test]
fn windows_1258_text_is_detected_and_composed() {
    let bytes = to_1258(LIST);
    assert!(
        std::str::from_utf8(&bytes).is_err(),
        "not UTF-8 by accident"
    );
    let rows = read("a.csv", &bytes).unwrap();
    assert_eq!(names(&rows), ["Mứt gừng Điện Biên"]);
    assert_eq!(rows[0].cells["producer"], "HTX Ổn Định");
}

#[test]
fn bytes_in_no_known_encoding_are_refused_with_how_to_save_as_csv_utf8() {
    let err = read(
        "a.csv",
        b"code,name,rubric\nTN-1,\x81\x8d\x8f\x90,ocop-2026-07\n",
    )
    .unwrap_err();
    assert!(err.contains("CSV UTF-8"), "{err}");
}

#[test]
fn semicolons_vietnamese_headers_and_a_title_row_are_understood() {
    let file = "Danh sách sản phẩm đề nghị đánh giá;;;\n\
        Mã;Tên sản phẩm;Bộ;Chủ thể;Xã\n\
        TN-10;Mứt gừng, sấy dẻo;ocop-2026-07;HTX Ổn Định;Xã Mường Phăng\n";
    let rows = read("a.csv", file.as_bytes()).unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].row, 3, "rows keep their line numbers");
    assert_eq!(rows[0].cells["code"], "TN-10");
    assert_eq!(rows[0].cells["name"], "Mứt gừng, sấy dẻo");
    assert_eq!(rows[0].cells["commune"], "Xã Mường Phăng");
}

#[test]
fn a_value_in_a_column_without_a_header_is_refused_with_its_row() {
    let file = "code,name,rubric\nTN-10,Mứt gừng,ocop-2026-07\nTN-11,Mứt me,ocop-2026-07,35000\n";
    let err = read("a.csv", file.as_bytes()).unwrap_err();
    assert!(
        err.contains("row 3: a value in column 4 (\"35000\"), which has no header"),
        "{err}"
    );
}

#[test]
fn an_excel_date_cell_in_the_name_column_is_refused_with_its_row() {
    let mut book = rust_xlsxwriter::Workbook::new();
    let ws = book.add_worksheet();
    for (c, h) in ["code", "name", "rubric"].iter().enumerate() {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    ws.write_string(1, 0, "TN-10").unwrap();
    let date = rust_xlsxwriter::ExcelDateTime::from_ymd(2026, 3, 9).unwrap();
    let format = rust_xlsxwriter::Format::new().set_num_format("dd/mm/yyyy");
    ws.write_datetime_with_format(1, 1, &date, &format).unwrap();
    ws.write_string(1, 2, "ocop-2026-07").unwrap();
    let bytes = book.save_to_buffer().unwrap();
    let err = read("a.xlsx", &bytes).unwrap_err();
    assert!(
        err.contains("row 2: column \"name\" holds a date cell"),
        "{err}"
    );
}
