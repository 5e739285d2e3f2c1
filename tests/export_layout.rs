//! Documents that print and file as an office's own: the national header of Nghị định
//! 30/2020/NĐ-CP, and Word tables whose header rows repeat on every page and whose rows never
//! split (checked in the XML and in a LibreOffice-rendered PDF).

use crate::export_support;

use std::path::{Path, PathBuf};
use std::process::Command;

use council::export::{Format, export_session};
use council::generate::{ArchiveSpec, generate_archive};
use council::i18n::Lang;
use council::rubric::Catalog;
use council::store::{SessionData, Store};
use export_support::*;

fn export(store: &Store, data: &SessionData, out: &Path, formats: &[Format]) -> Vec<PathBuf> {
    export_session(store, data, formats, out, Lang::Vi, &mut |_| {}).expect("export")
}

fn libreoffice() -> Option<&'static str> {
    ["libreoffice", "soffice"].into_iter().find(|p| {
        Command::new(p)
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success())
    })
}

/// Each `<w:tbl>…</w:tbl>` of a document part, as text.
fn tables(xml: &str) -> Vec<&str> {
    xml.match_indices("<w:tbl>")
        .map(|(at, _)| {
            let end = xml[at..].find("</w:tbl>").map_or(xml.len(), |e| at + e);
            &xml[at..end]
        })
        .collect()
}

#[test]
fn every_word_table_repeats_its_header_row_and_no_row_splits() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open_or_create(&dir.path().join("council.db")).unwrap();
    let data = demo_meeting(&mut store);
    let files = export(&store, &data, &dir.path().join("out"), &[Format::Docx]);
    assert!(!files.is_empty());
    for file in files {
        let xml = zip_entry(&file, "word/document.xml");
        let all = tables(&xml);
        assert!(all.len() >= 2, "{}", file.display());
        for (i, table) in all.iter().enumerate() {
            let first_row = &table[..table.find("</w:tr>").unwrap()];
            assert!(
                first_row.contains("<w:tblHeader />"),
                "{} table {i}: header row does not repeat",
                file.display()
            );
            assert_eq!(
                table.matches("<w:tr>").count(),
                table.matches("<w:cantSplit />").count(),
                "{} table {i}: a row may split across pages",
                file.display()
            );
            assert_eq!(table.matches("<w:tblHeader />").count(), 1);
        }
    }
}

#[test]
fn the_national_header_follows_decree_30() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open_or_create(&dir.path().join("council.db")).unwrap();
    let data = demo_meeting(&mut store);
    let out = dir.path().join("out");
    export(
        &store,
        &data,
        &out,
        &[Format::Docx, Format::Html, Format::Md],
    );
    let docx = out.join("bien-ban-lam-dong-2026-dot-2.docx");
    let text = docx_text(&docx, "word/document.xml");
    let agency = text
        .find("UBND TỈNH LÂM ĐỒNG")
        .expect("superior agency line");
    let council = text
        .find("HỘI ĐỒNG ĐÁNH GIÁ, PHÂN HẠNG SẢN PHẨM OCOP TỈNH LÂM ĐỒNG")
        .unwrap();
    assert!(agency < council, "the agency line stands above the council");
    assert!(text.contains("Số: ……/BB-HĐ"));
    assert!(
        !text.contains("lam-dong-2026-dot-2"),
        "the internal session id is printed"
    );
    let xml = zip_entry(&docx, "word/document.xml");
    let header = tables(&xml)[0];
    assert_eq!(
        header.matches("<w:pBdr>").count(),
        2,
        "a rule under the council's name and one under the motto"
    );
    let motto = header.find("Độc lập - Tự do - Hạnh phúc").unwrap();
    let motto_run = &header[header[..motto].rfind("<w:r>").unwrap()..motto];
    assert!(!motto_run.contains("<w:u "), "the motto is underlined");

    let html = std::fs::read_to_string(out.join("bien-ban-lam-dong-2026-dot-2.html")).unwrap();
    assert!(html.contains("UBND TỈNH LÂM ĐỒNG"));
    assert!(html.contains(r#"class="rule motto""#) && !html.contains("<u>"));
    let md = std::fs::read_to_string(out.join("bien-ban-lam-dong-2026-dot-2.md")).unwrap();
    assert!(md.contains("UBND TỈNH LÂM ĐỒNG"));
    for (format, doc) in [("html", &html), ("md", &md)] {
        let body = &doc[doc.find("</title>").map_or(0, |i| i)..];
        assert!(
            !body.contains("lam-dong-2026-dot-2"),
            "{format} prints the session id"
        );
    }
}

/// A finished provincial session of 30 products scored by 3 members: three pages of results.
fn seventy(dir: &Path) -> (Store, SessionData) {
    let catalog = Catalog::shipped();
    let mut store = Store::open_or_create(&dir.join("council.db")).unwrap();
    let spec = ArchiveSpec {
        sessions: 1,
        products: 30,
        members: 3,
        seed: 7,
    };
    generate_archive(&mut store, &catalog, &spec, &mut |_, _| {}).expect("generated");
    let id = store.find_session(None).unwrap().id;
    let data = store.load_session(id).unwrap();
    (store, data)
}

fn pdf_pages(pdf: &Path) -> Vec<String> {
    let out = Command::new("pdftotext")
        .args(["-enc", "UTF-8", "-layout"])
        .arg(pdf)
        .arg("-")
        .output()
        .expect("pdftotext runs");
    String::from_utf8_lossy(&out.stdout)
        .split('\u{c}')
        .map(str::to_string)
        .collect()
}

#[test]
fn a_long_results_table_repeats_its_headings_on_every_printed_page() {
    let Some(office) = libreoffice() else {
        eprintln!("skipped: LibreOffice is not installed (apt-get install libreoffice-writer)");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let (store, data) = seventy(dir.path());
    let out = dir.path().join("out");
    export(&store, &data, &out, &[Format::Docx]);
    let docx = out.join(format!("bien-ban-{}.docx", data.info.code));
    let pdf_dir = dir.path().join("pdf");
    let status = Command::new(office)
        .arg(format!(
            "-env:UserInstallation=file://{}",
            dir.path().join("profile").display()
        ))
        .args(["--headless", "--convert-to", "pdf", "--outdir"])
        .arg(&pdf_dir)
        .arg(&docx)
        .output()
        .expect("libreoffice runs");
    let pdf = pdf_dir
        .join(docx.file_stem().unwrap())
        .with_extension("pdf");
    assert!(pdf.exists(), "{}", String::from_utf8_lossy(&status.stderr));
    let pages = pdf_pages(&pdf);
    let codes: Vec<&str> = data.products.iter().map(|p| p.code.as_str()).collect();
    // Pages the results table runs over: those listing product codes in its rows, after "III.".
    let start = pages
        .iter()
        .position(|p| p.contains("III. Kết quả"))
        .expect("results section");
    let mut table_pages = 0;
    for (i, page) in pages.iter().enumerate().skip(start) {
        // The table ends where the next section ("1. Sản phẩm bị loại …") begins.
        let end = page.find("Sản phẩm bị loại và lý do");
        let table = &page[..end.unwrap_or(page.len())];
        if codes.iter().any(|c| table.contains(*c)) {
            table_pages += 1;
            assert!(
                table.contains("Sản phẩm") && table.contains("Xếp hạng"),
                "page {} continues the results table without its headings:\n{page}",
                i + 1
            );
        }
        if end.is_some() {
            break;
        }
    }
    assert!(table_pages >= 2, "30 products fill more than one page");
    if let Ok(png) = std::env::var("COUNCIL_PAGE_PNG") {
        // For a person to look at: the second page of the table, as rendered.
        let _ = Command::new("pdftoppm")
            .args(["-png", "-r", "70", "-singlefile", "-f"])
            .arg((start + 2).to_string())
            .args(["-l", &(start + 2).to_string()])
            .arg(&pdf)
            .arg(png)
            .status();
    }
}
