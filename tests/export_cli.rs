//! `council export` and `council products import` through the real binary.

use crate::export_support;

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use council::store::Store;
use export_support::*;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/products")
        .join(name)
}

struct Ws {
    dir: tempfile::TempDir,
}

impl Ws {
    fn new() -> Self {
        Self {
            dir: tempfile::tempdir().unwrap(),
        }
    }
    fn db(&self) -> PathBuf {
        self.dir.path().join("council.db")
    }
    fn council(&self) -> Command {
        let mut cmd = Command::cargo_bin("council").unwrap();
        cmd.env("COUNCIL_DB", self.db())
            .env("COUNCIL_CONFIG_DIR", self.dir.path().join("config"))
            .env_remove("COUNCIL_LANG");
        cmd
    }
    fn product_codes(&self) -> Vec<String> {
        let store = Store::open(&self.db()).unwrap();
        let s = store.find_session(None).unwrap();
        store
            .load_session(s.id)
            .unwrap()
            .products
            .into_iter()
            .map(|p| p.code)
            .collect()
    }
}

fn demo_db(ws: &Ws) {
    let mut store = Store::open_or_create(&ws.db()).unwrap();
    demo_meeting(&mut store);
}

#[test]
fn export_writes_the_chosen_formats_and_says_draft() {
    let ws = Ws::new();
    demo_db(&ws);
    let out = ws.dir.path().join("exports");
    let assert = ws
        .council()
        .args(["export", "--format", "docx,xlsx", "--out"])
        .arg(&out)
        .assert()
        .success();
    let stdout = String::from_utf8(assert.get_output().stdout.clone()).unwrap();
    // Six documents in Word, and the summary table.
    assert!(stdout.contains("(7 files)"), "{stdout}");
    assert!(stdout.contains("DỰ THẢO"), "{stdout}");
    let stderr = String::from_utf8(assert.get_output().stderr.clone()).unwrap();
    assert!(stderr.contains("[7/7]"), "progress: {stderr}");
    let mut names: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "bang-tong-hop-lam-dong-2026-dot-2.xlsx",
            "bao-cao-trung-uong-lam-dong-2026-dot-2.docx",
            "bien-ban-lam-dong-2026-dot-2.docx",
            "phieu-danh-gia-lam-dong-2026-dot-2.docx",
            "phieu-trang-lam-dong-2026-dot-2.docx",
            "thong-bao-ket-qua-lam-dong-2026-dot-2.docx",
            "to-trinh-cong-nhan-lam-dong-2026-dot-2.docx",
        ]
    );
}

#[test]
fn export_in_english_with_the_global_lang_option() {
    let ws = Ws::new();
    demo_db(&ws);
    let out = ws.dir.path().join("en");
    ws.council()
        .args(["--lang", "en", "export", "--format", "md", "--out"])
        .arg(&out)
        .assert()
        .success();
    let md = std::fs::read_to_string(out.join("bien-ban-lam-dong-2026-dot-2.md")).unwrap();
    assert!(md.contains("MINUTES OF THE COUNCIL MEETING"));
    assert!(md.contains("> **DRAFT**"));
}

#[test]
fn products_import_from_csv_adds_every_row() {
    let ws = Ws::new();
    demo_db(&ws);
    let assert = ws
        .council()
        .args(["products", "import"])
        .arg(fixture("good.csv"))
        .assert()
        .success();
    let stdout = String::from_utf8(assert.get_output().stdout.clone()).unwrap();
    assert!(
        stdout.contains("imported 2 product(s) into session lam-dong-2026-dot-2"),
        "{stdout}"
    );
    let codes = ws.product_codes();
    assert_eq!(&codes[codes.len() - 2..], ["LD-2026-11", "LD-2026-12"]);
    let store = Store::open(&ws.db()).unwrap();
    let data = store
        .load_session(store.find_session(None).unwrap().id)
        .unwrap();
    let p = data.product("LD-2026-12").unwrap();
    assert_eq!(p.name, "Trà Ô long \"Cầu Đất\"");
    assert_eq!(p.province, None);
    assert_eq!(
        data.product("LD-2026-11").unwrap().province.as_deref(),
        Some("Lâm Đồng")
    );
}

#[test]
fn products_import_reports_every_bad_row_and_imports_nothing() {
    let ws = Ws::new();
    demo_db(&ws);
    let before = ws.product_codes();
    let assert = ws
        .council()
        .args(["products", "import"])
        .arg(fixture("bad.csv"))
        .assert()
        .failure();
    let stderr = String::from_utf8(assert.get_output().stderr.clone()).unwrap();
    for line in [
        "5 bad row(s); nothing was imported:",
        "row 3: product code is empty",
        "row 4: product \"LD-2026-13\" has no name",
        "row 5: duplicate product code \"LD-2026-11\" (first on row 2)",
        "row 6: product \"LD-2026-14\" uses criteria set \"ocop-2026-99\", which is not a known rubric (see `council rubric list`)",
        "row 7: product \"LD-2026-01\" is already in session lam-dong-2026-dot-2",
    ] {
        assert!(stderr.contains(line), "{line:?} missing in:\n{stderr}");
    }
    assert_eq!(ws.product_codes(), before);
}

#[test]
fn products_import_refuses_a_wrong_header() {
    let ws = Ws::new();
    demo_db(&ws);
    let assert = ws
        .council()
        .args(["products", "import"])
        .arg(fixture("bad-header.csv"))
        .assert()
        .failure();
    let stderr = String::from_utf8(assert.get_output().stderr.clone()).unwrap();
    assert!(
        stderr.contains("bad-header.csv:1: missing column(s) name; unknown column(s) ten, price"),
        "{stderr}"
    );
}

/// A workbook with `rows` under the header, made with the same writer the exports use.
fn workbook(path: &Path, rows: &[[&str; 6]]) {
    let mut book = rust_xlsxwriter::Workbook::new();
    let ws = book.add_worksheet();
    for (c, h) in ["code", "name", "producer", "commune", "province", "rubric"]
        .iter()
        .enumerate()
    {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    for (r, row) in rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            if !v.is_empty() {
                ws.write_string(r as u32 + 1, c as u16, *v).unwrap();
            }
        }
    }
    book.save(path).unwrap();
}

#[test]
fn products_import_from_xlsx_with_row_numbers_for_errors() {
    let ws = Ws::new();
    demo_db(&ws);
    let bad = ws.dir.path().join("bad.xlsx");
    workbook(
        &bad,
        &[
            [
                "LD-2026-21",
                "Mắc ca sấy",
                "HTX Mắc ca",
                "Xã Đạ Tẻh",
                "",
                "ocop-2026-07",
            ],
            [
                "LD-2026-22",
                "Hạt điều",
                "HTX Điều",
                "Xã Cát Tiên",
                "",
                "khong-co",
            ],
        ],
    );
    let before = ws.product_codes();
    let assert = ws
        .council()
        .args(["products", "import"])
        .arg(&bad)
        .assert()
        .failure();
    let stderr = String::from_utf8(assert.get_output().stderr.clone()).unwrap();
    assert!(
        stderr.contains("row 3: product \"LD-2026-22\" uses criteria set \"khong-co\""),
        "{stderr}"
    );
    assert_eq!(ws.product_codes(), before);

    let good = ws.dir.path().join("good.xlsx");
    workbook(
        &good,
        &[[
            "LD-2026-21",
            "Mắc ca sấy",
            "HTX Mắc ca",
            "Xã Đạ Tẻh",
            "Lâm Đồng",
            "ocop-2026-07",
        ]],
    );
    ws.council()
        .args(["products", "import"])
        .arg(&good)
        .assert()
        .success();
    assert_eq!(
        ws.product_codes().last().map(String::as_str),
        Some("LD-2026-21")
    );
}

#[test]
fn pdf_export_without_libreoffice_names_the_package_to_install() {
    let ws = Ws::new();
    demo_db(&ws);
    let out = ws.dir.path().join("exports");
    let assert = ws
        .council()
        .env("PATH", ws.dir.path())
        .args(["export", "--format", "pdf", "--out"])
        .arg(&out)
        .assert()
        .failure();
    let stderr = String::from_utf8(assert.get_output().stderr.clone()).unwrap();
    assert!(stderr.contains("libreoffice-writer"), "{stderr}");
}

#[test]
fn pdf_export_renders_every_document_when_libreoffice_is_installed() {
    let installed = std::process::Command::new("soffice")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !installed {
        eprintln!("skipped: LibreOffice is not installed (apt-get install libreoffice-writer)");
        return;
    }
    let ws = Ws::new();
    demo_db(&ws);
    let out = ws.dir.path().join("exports");
    ws.council()
        .args(["export", "--format", "pdf", "--out"])
        .arg(&out)
        .assert()
        .success();
    for stem in [
        "bien-ban",
        "phieu-danh-gia",
        "phieu-trang",
        "to-trinh-cong-nhan",
        "bao-cao-trung-uong",
        "thong-bao-ket-qua",
    ] {
        let pdf = std::fs::read(out.join(format!("{stem}-lam-dong-2026-dot-2.pdf"))).unwrap();
        assert!(pdf.starts_with(b"%PDF"), "{stem}");
    }
}
