//! The minutes rendered to PDF by LibreOffice, as an office would print them: the PDF text must
//! carry the Vietnamese diacritics intact. Skipped, with the reason printed, where LibreOffice or
//! pdftotext is not installed (`.ci/run` installs both).

use crate::export_support;

use std::path::{Path, PathBuf};
use std::process::Command;

use council::export::numbers::localized;
use council::export::{Format, export_session};
use council::i18n::Lang;
use council::store::Store;
use export_support::*;
use unicode_normalization::UnicodeNormalization;

fn on_path(program: &str) -> Option<PathBuf> {
    std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|dir| dir.join(program))
            .find(|p| p.is_file())
    })
}

/// Converts `file` to PDF in `out` with a private LibreOffice profile (tests run in parallel).
/// HTML is opened with Writer's HTML filter: the default (Writer/Web) drops a paragraph that
/// comes before a table and prints a blank first page.
fn to_pdf(office: &Path, file: &Path, out: &Path, profile: &Path) -> PathBuf {
    let mut cmd = Command::new(office);
    cmd.arg(format!(
        "-env:UserInstallation=file://{}",
        profile.display()
    ));
    if file.extension().is_some_and(|e| e == "html") {
        cmd.arg("--infilter=HTML (StarWriter)");
    }
    let status = cmd
        .args(["--headless", "--convert-to", "pdf", "--outdir"])
        .arg(out)
        .arg(file)
        .output()
        .expect("run libreoffice");
    let pdf = out.join(file.file_stem().unwrap()).with_extension("pdf");
    assert!(
        status.status.success() && pdf.exists(),
        "libreoffice could not convert {}:\n{}\n{}",
        file.display(),
        String::from_utf8_lossy(&status.stdout),
        String::from_utf8_lossy(&status.stderr)
    );
    pdf
}

fn pdf_text(pdf: &Path) -> String {
    let out = Command::new("pdftotext")
        .args(["-enc", "UTF-8"])
        .arg(pdf)
        .arg("-")
        .output()
        .expect("run pdftotext");
    assert!(out.status.success());
    String::from_utf8(out.stdout)
        .expect("utf-8")
        .nfc()
        .collect()
}

#[test]
fn minutes_render_to_pdf_with_diacritics_intact() {
    let Some(office) = on_path("libreoffice").or_else(|| on_path("soffice")) else {
        eprintln!(
            "SKIPPED minutes_render_to_pdf_with_diacritics_intact: LibreOffice is not on PATH (install libreoffice-writer; .ci/run does)"
        );
        return;
    };
    if on_path("pdftotext").is_none() {
        eprintln!(
            "SKIPPED minutes_render_to_pdf_with_diacritics_intact: pdftotext is not on PATH (install poppler-utils; .ci/run does)"
        );
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open_or_create(&dir.path().join("council.db")).unwrap();
    let data = demo_meeting(&mut store);
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
    // Vietnamese documents write the decimal comma.
    let mean = localized(
        Lang::Vi,
        &store
            .product_result(&data, data.product("LD-2026-01").unwrap())
            .unwrap()
            .mean_display(),
    );
    let pdfs = dir.path().join("pdf");
    let profile = dir.path().join("lo-profile");
    for name in [
        "bien-ban-lam-dong-2026-dot-2.docx",
        "bien-ban-lam-dong-2026-dot-2.html",
    ] {
        let pdf = to_pdf(&office, &out.join(name), &pdfs.join(name), &profile);
        let text = pdf_text(&pdf);
        for needle in [
            "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
            "Độc lập - Tự do - Hạnh phúc",
            "BIÊN BẢN HỌP HỘI ĐỒNG",
            "ngày 20 tháng 11 năm 2026",
            "Phạm Thị Ngọc Ánh",
            "Đặng Quốc Bảo",
            "DỰ THẢO",
            "CHỦ TỊCH HỘI ĐỒNG",
            mean.as_str(),
        ] {
            assert!(
                text.contains(needle),
                "{name}: PDF text lacks {needle:?}:\n{text}"
            );
        }
    }
}
