//! The exported files, parsed back: every figure in the DOCX, XLSX, HTML, Markdown, CSV and JSON
//! is the figure `Store::product_result` gives (what the screen shows).

use crate::export_support;

use std::path::Path;

use calamine::{Data, Reader, Xlsx, open_workbook};
use council::export::numbers::localized;
use council::export::{Format, Progress, export_session};
use council::i18n::Lang;
use council::store::{SessionData, Store};
use export_support::*;

fn export_all(store: &Store, data: &SessionData, dir: &Path, lang: Lang) -> Vec<Progress> {
    let mut seen = Vec::new();
    let files = export_session(store, data, &Format::ALL, dir, lang, &mut |p| seen.push(p))
        .expect("export");
    assert_eq!(files.len(), 16, "{files:?}");
    seen
}

struct Demo {
    dir: tempfile::TempDir,
    store: Store,
    data: SessionData,
}

fn demo() -> Demo {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open_or_create(&dir.path().join("council.db")).unwrap();
    let data = demo_meeting(&mut store);
    Demo { dir, store, data }
}

#[test]
fn progress_counts_every_file_and_no_partial_file_is_left() {
    let d = demo();
    let out = d.dir.path().join("out");
    let seen = export_all(&d.store, &d.data, &out, Lang::Vi);
    assert_eq!(seen.first().map(|p| (p.done, p.total)), Some((0, 16)));
    assert_eq!(seen.last().map(|p| (p.done, p.total)), Some((16, 16)));
    let mut names: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    let code = "lam-dong-2026-dot-2";
    let mut expected = vec![
        format!("bang-tong-hop-{code}.xlsx"),
        format!("bien-ban-{code}.docx"),
        format!("bien-ban-{code}.html"),
        format!("bien-ban-{code}.md"),
        format!("{code}-choices.csv"),
        format!("{code}.json"),
        format!("phieu-danh-gia-{code}.docx"),
        format!("phieu-danh-gia-{code}.html"),
    ];
    for stem in [
        "phieu-trang",
        "to-trinh-cong-nhan",
        "bao-cao-trung-uong",
        "thong-bao-ket-qua",
    ] {
        expected.push(format!("{stem}-{code}.docx"));
        expected.push(format!("{stem}-{code}.html"));
    }
    expected.sort();
    assert_eq!(names, expected);
}

#[test]
fn docx_minutes_hold_the_screen_figures_and_every_required_part() {
    let d = demo();
    let out = d.dir.path().join("out");
    export_all(&d.store, &d.data, &out, Lang::Vi);
    let file = out_file(&out, "bien-ban-lam-dong-2026-dot-2.docx");
    let text = docx_text(&file, "word/document.xml");

    for needle in [
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "BIÊN BẢN HỌP HỘI ĐỒNG",
        "Lâm Đồng, ngày 20 tháng 11 năm 2026",
        "08:00, ngày 20 tháng 11 năm 2026",
        "Hội trường Sở Nông nghiệp và Môi trường",
        "có mặt 8/9 thành viên chấm điểm (cần 7)",
        KNOCKOUT_REASON,
        ROUND_REASON,
        RECUSAL_REASON,
        "THƯ KÝ HỘI ĐỒNG",
        "CHỦ TỊCH HỘI ĐỒNG",
        "Lê Minh Đức",
        "Nguyễn Văn Hùng",
        "vắng ghế: 9",
        "Sản phẩm đề nghị Hội đồng cấp trung ương",
        "vượt mức cho phép",
    ] {
        assert!(text.contains(needle), "minutes lack {needle:?}:\n{text}");
    }
    // Every member is listed with role and attendance.
    for m in &d.data.members {
        assert!(text.contains(&m.name), "{} missing", m.name);
    }
    // Each product's mean, part means and rank, as the screen shows them.
    for p in &d.data.products {
        let r = d.store.product_result(&d.data, p).unwrap();
        assert!(text.contains(&p.code), "{} missing", p.code);
        if r.counted > 0 {
            let shown = localized(Lang::Vi, &r.mean_display());
            assert!(text.contains(&shown), "{}: mean {shown} missing", p.code);
        }
    }
    let top = d
        .store
        .product_result(&d.data, d.data.product("LD-2026-01").unwrap())
        .unwrap();
    assert_eq!(top.stars, Some(5));
    assert!(text.contains("≥ 90 điểm: đề nghị Hội đồng cấp trung ương"));
    // Central council: LD-2026-01 is listed there.
    let central = text
        .split("Sản phẩm đề nghị Hội đồng cấp trung ương")
        .nth(1)
        .unwrap();
    let central = central.split("3. ").next().unwrap();
    assert!(central.contains("LD-2026-01"), "{central}");
    assert!(!central.contains("LD-2026-03"), "{central}");

    // Not finalised, products open: "DỰ THẢO" in the page header (every page).
    let header_names: Vec<String> = zip_names(&file)
        .into_iter()
        .filter(|n| n.starts_with("word/header"))
        .collect();
    assert!(!header_names.is_empty());
    assert!(
        header_names
            .iter()
            .any(|h| docx_text(&file, h).contains("DỰ THẢO"))
    );
    let doc_xml = zip_entry(&file, "word/document.xml");
    assert!(
        doc_xml.contains("w:headerReference"),
        "header not referenced by the section"
    );
}

#[test]
fn docx_sheets_have_one_sheet_per_member_with_ticks_points_and_signature() {
    let d = demo();
    let out = d.dir.path().join("out");
    export_all(&d.store, &d.data, &out, Lang::Vi);
    let text = docx_text(
        &out_file(&out, "phieu-danh-gia-lam-dong-2026-dot-2.docx"),
        "word/document.xml",
    );
    let sheets_printed = text
        .matches("PHIẾU ĐÁNH GIÁ, PHÂN HẠNG SẢN PHẨM OCOP")
        .count();
    // 01: 8, 03 (round 2): 8, 04: 7 (seat 2 recused), 05: 2.
    assert_eq!(sheets_printed, 8 + 8 + 7 + 2);
    assert_eq!(text.matches("THÀNH VIÊN HỘI ĐỒNG").count(), sheets_printed);
    let p = d.data.product("LD-2026-01").unwrap();
    let first = p.rubric.criteria().next().unwrap().1;
    let best_text = &first.options[(best(first) - 1) as usize].text;
    assert!(text.contains(&**best_text));
    assert!(text.contains("nhập từ phiếu giấy"));
    // Parts are deflated (docx-rs alone stores them, twenty times larger).
    let file = std::fs::File::open(out.join("phieu-danh-gia-lam-dong-2026-dot-2.docx")).unwrap();
    let mut archive = zip::ZipArchive::new(file).unwrap();
    let part = archive.by_name("word/document.xml").unwrap();
    assert_eq!(part.compression(), zip::CompressionMethod::Deflated);
    assert!(part.compressed_size() * 5 < part.size());
}

#[test]
fn xlsx_summary_has_number_cells_equal_to_the_results() {
    let d = demo();
    let out = d.dir.path().join("out");
    export_all(&d.store, &d.data, &out, Lang::Vi);
    let file = out_file(&out, "bang-tong-hop-lam-dong-2026-dot-2.xlsx");
    let mut book: Xlsx<_> = open_workbook(&file).unwrap();
    let names = book.sheet_names().to_vec();
    assert_eq!(names[0], "Tổng hợp");
    assert_eq!(names.len(), 1 + d.data.products.len());
    assert!(names.contains(&"LD-2026-01".to_string()));

    let summary = book.worksheet_range("Tổng hợp").unwrap();
    let cell = |r: u32, c: u32| summary.get_value((r, c)).cloned().unwrap_or(Data::Empty);
    let header: Vec<String> = (0..17).map(|c| cell(3, c).to_string()).collect();
    assert_eq!(
        header,
        [
            "TT",
            "Mã",
            "Tên sản phẩm",
            "Chủ thể",
            "Xã",
            "Bộ",
            "Trung bình A",
            "Trung bình B",
            "Trung bình C",
            "Điểm TB",
            "Hạng theo điểm",
            "Hạng theo yêu cầu tối thiểu",
            "Số sao",
            "Xếp hạng",
            "Đề nghị cấp trung ương",
            "Chênh lệch",
            "Số phiếu",
        ]
    );
    let scorers: Vec<u32> = (17..40)
        .map(|c| cell(3, c).to_string())
        .take_while(|h| !h.is_empty())
        .map(|h| h.split_whitespace().nth(1).unwrap().parse().unwrap())
        .collect();
    assert_eq!(
        scorers,
        (1..=8).collect::<Vec<u32>>(),
        "one column per member who scored"
    );
    // One row per product, sortable: no merged cell anywhere.
    let xml = zip_entry(&file, "xl/worksheets/sheet1.xml");
    assert!(!xml.contains("<mergeCell "), "merged cells in the summary");
    let styles = zip_entry(&file, "xl/styles.xml");
    assert!(
        !styles.contains("Calibri"),
        "one font: Times New Roman only"
    );
    // A wrapped criterion row is as tall as its text, so print does not overlap the next one.
    let product = zip_entry(&file, "xl/worksheets/sheet2.xml");
    assert!(product.contains(r#"customHeight="1""#), "no row heights");
    assert!(
        xml.contains("<autoFilter ref=\"A4:"),
        "no autofilter on the header"
    );
    for (i, p) in d.data.products.iter().enumerate() {
        let row = 4 + i as u32;
        let r = d.store.product_result(&d.data, p).unwrap();
        assert_eq!(cell(row, 1), Data::String(p.code.clone()));
        assert_eq!(cell(row, 2), Data::String(p.name.clone()));
        match r.counted {
            0 => assert_eq!(cell(row, 9), Data::Empty, "{}", p.code),
            _ => {
                let shown: f64 = r.mean_display().parse().unwrap();
                assert_eq!(cell(row, 9), Data::Float(shown), "{}", p.code);
            }
        }
        assert_eq!(
            cell(row, 10),
            r.band_stars
                .map_or(Data::Empty, |s| Data::Float(f64::from(s)))
        );
        // A province never gives the top rank: "Số sao" stays empty for a 5-star result.
        match r.stars.filter(|&s| s < 5) {
            Some(s) => assert_eq!(cell(row, 12), Data::Float(f64::from(s))),
            None => assert_eq!(cell(row, 12), Data::Empty),
        }
        assert_eq!(cell(row, 16), Data::Float(f64::from(r.counted)));
        for m in &r.members {
            let col = 17 + scorers.iter().position(|&s| s == m.seat).unwrap() as u32;
            let expected = if m.complete {
                Data::Float(f64::from(m.total))
            } else {
                Data::Empty
            };
            assert_eq!(cell(row, col), expected, "{} seat {}", p.code, m.seat);
        }
    }
    assert_eq!(
        cell(4, 14),
        Data::String("✓".into()),
        "LD-2026-01 goes to the central council"
    );

    // Per product: each criterion × member option and points, numbers.
    let p = d.data.product("LD-2026-01").unwrap();
    let sheet = book.worksheet_range("LD-2026-01").unwrap();
    let sheets = d.store.sheets(&d.data, p.id, p.round).unwrap();
    for (i, (_, c)) in p.rubric.criteria().enumerate() {
        let row = 4 + i as u32;
        assert_eq!(
            sheet.get_value((row, 0)),
            Some(&Data::String(c.id.to_string()))
        );
        for (k, s) in sheets.iter().enumerate() {
            let option = s.choices[&*c.id];
            let points = c.option_at(option as usize).unwrap().points;
            let col = 3 + 2 * k as u32;
            assert_eq!(
                sheet.get_value((row, col)),
                Some(&Data::Float(f64::from(option)))
            );
            assert_eq!(
                sheet.get_value((row, col + 1)),
                Some(&Data::Float(f64::from(points)))
            );
        }
    }

    // Frozen header rows, print setup, "DỰ THẢO" in the page header.
    let xml = zip_entry(&file, "xl/worksheets/sheet1.xml");
    assert!(xml.contains(r#"state="frozen""#), "no frozen panes");
    assert!(
        xml.contains("<oddHeader>") && xml.contains("DỰ THẢO"),
        "no draft header"
    );
    assert!(xml.contains(r#"orientation="landscape""#) && xml.contains(r#"paperSize="9""#));
    assert!(xml.contains("<col "), "no column widths");
    let sheets: Vec<String> = zip_names(&file)
        .into_iter()
        .filter(|n| n.starts_with("xl/worksheets/sheet"))
        .collect();
    assert_eq!(sheets.len(), 1 + d.data.products.len());
    for name in sheets {
        let xml = zip_entry(&file, &name);
        assert!(
            xml.contains("DỰ THẢO") && xml.contains("<oddHeader>"),
            "{name}: no draft header"
        );
        assert!(
            xml.contains(r#"state="frozen""#),
            "{name}: no frozen header rows"
        );
    }
}

#[test]
fn html_and_markdown_show_the_same_figures_and_escape_names() {
    let d = demo();
    let out = d.dir.path().join("out");
    export_all(&d.store, &d.data, &out, Lang::Vi);
    let html =
        std::fs::read_to_string(out_file(&out, "bien-ban-lam-dong-2026-dot-2.html")).unwrap();
    let md = std::fs::read_to_string(out_file(&out, "bien-ban-lam-dong-2026-dot-2.md")).unwrap();
    for p in &d.data.products {
        let r = d.store.product_result(&d.data, p).unwrap();
        for text in [&html, &md] {
            assert!(text.contains(&p.code));
            if r.counted > 0 {
                let shown = localized(Lang::Vi, &r.mean_display());
                assert!(text.contains(&shown), "{} {shown}", p.code);
            }
        }
    }
    for text in [&html, &md] {
        for needle in [
            "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
            "ngày 20 tháng 11 năm 2026",
            "DỰ THẢO",
            KNOCKOUT_REASON,
            ROUND_REASON,
            RECUSAL_REASON,
            "≥ 90 điểm: đề nghị Hội đồng cấp trung ương",
        ] {
            assert!(text.contains(needle), "{needle:?} missing");
        }
    }
    assert!(
        html.contains(r#"class="draft-mark""#),
        "draft mark repeated on printed pages"
    );
    assert!(
        md.starts_with("> **DỰ THẢO**"),
        "Markdown draft marker at the top"
    );
    let sheets =
        std::fs::read_to_string(out_file(&out, "phieu-danh-gia-lam-dong-2026-dot-2.html")).unwrap();
    assert_eq!(
        sheets.matches(r#"<section class="sheet">"#).count(),
        8 + 8 + 7 + 2
    );
}

#[test]
fn csv_has_every_stored_choice_in_long_format() {
    let d = demo();
    let out = d.dir.path().join("out");
    export_all(&d.store, &d.data, &out, Lang::Vi);
    let bytes = std::fs::read(out_file(&out, "lam-dong-2026-dot-2-choices.csv")).unwrap();
    assert!(
        bytes.starts_with("\u{feff}".as_bytes()),
        "BOM for spreadsheet programs"
    );
    let mut reader = csv::Reader::from_reader(&bytes[3..]);
    assert_eq!(
        reader.headers().unwrap().iter().collect::<Vec<_>>(),
        [
            "session",
            "product",
            "round",
            "member",
            "member_name",
            "criterion",
            "option",
            "option_text",
            "points",
            "entered_by",
            "time"
        ]
    );
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), d.store.choice_records(&d.data).unwrap().len());
    // LD-2026-03 has both rounds.
    let rounds: std::collections::BTreeSet<&str> = rows
        .iter()
        .filter(|r| &r[1] == "LD-2026-03")
        .map(|r| r.get(2).unwrap())
        .collect();
    assert_eq!(rounds.into_iter().collect::<Vec<_>>(), ["1", "2"]);
    assert!(
        rows.iter()
            .all(|r| &r[9] == "import" && r[10].ends_with('Z'))
    );
    // Points agree with the option of the stored rubric.
    let p = d.data.product("LD-2026-01").unwrap();
    for r in rows.iter().filter(|r| &r[1] == "LD-2026-01") {
        let c = p.rubric.criterion(&r[5]).unwrap();
        let o: usize = r[6].parse().unwrap();
        assert_eq!(r[8].parse::<u32>().unwrap(), c.option_at(o).unwrap().points);
    }
}

#[test]
fn json_holds_everything_with_the_screen_means() {
    let d = demo();
    let out = d.dir.path().join("out");
    export_all(&d.store, &d.data, &out, Lang::Vi);
    let text = std::fs::read_to_string(out_file(&out, "lam-dong-2026-dot-2.json")).unwrap();
    let json: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(json["format"], "council-export");
    assert_eq!(json["version"], 1);
    assert_eq!(json["draft"], true);
    assert_eq!(json["quorum"]["present"], 8);
    assert_eq!(json["central"], serde_json::json!(["LD-2026-01"]));
    let products = json["products"].as_array().unwrap();
    assert_eq!(products.len(), d.data.products.len());
    for (p, j) in d.data.products.iter().zip(products) {
        let r = d.store.product_result(&d.data, p).unwrap();
        assert_eq!(j["code"], p.code.as_str());
        assert_eq!(j["mean_display"], r.mean_display().as_str());
        assert_eq!(j["result"]["sum_total"], r.sum_total);
    }
    let p3 = &products[2];
    assert_eq!(p3["rounds"].as_array().unwrap().len(), 2);
    assert_eq!(p3["rounds"][1]["reason"], ROUND_REASON);
    assert_eq!(p3["rounds"][0]["spread_breach"], true);
}

#[test]
fn a_finalised_session_is_no_draft_and_prints_its_final_hash() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open_or_create(&dir.path().join("council.db")).unwrap();
    let data = small_final(&mut store);
    let hash = data.info.final_hash.clone().expect("final hash");
    let out = dir.path().join("out");
    export_all(&store, &data, &out, Lang::Vi);
    let docx = out_file(&out, "bien-ban-thu-nghiem-2026.docx");
    let text = docx_text(&docx, "word/document.xml");
    assert!(text.contains(&hash), "final hash missing");
    assert!(text.contains("Thử Nghiệm, ngày 09 tháng 3 năm 2026"));
    assert!(text.contains("Trà xanh <đặc biệt> & thơm"));
    assert!(
        !zip_names(&docx)
            .iter()
            .any(|n| n.starts_with("word/header") && docx_text(&docx, n).contains("DỰ THẢO"))
    );
    let html = std::fs::read_to_string(out_file(&out, "bien-ban-thu-nghiem-2026.html")).unwrap();
    assert!(!html.contains("DỰ THẢO"));
    assert!(
        html.contains("Trà xanh &lt;đặc biệt&gt; &amp; thơm"),
        "HTML must escape names"
    );
    assert!(html.contains(&hash));
    let md = std::fs::read_to_string(out_file(&out, "bien-ban-thu-nghiem-2026.md")).unwrap();
    assert!(!md.contains("DỰ THẢO"));
    let xlsx = zip_entry(
        &out_file(&out, "bang-tong-hop-thu-nghiem-2026.xlsx"),
        "xl/worksheets/sheet1.xml",
    );
    assert!(!xlsx.contains("DỰ THẢO"));
}

#[test]
fn english_minutes_use_english_words_and_dates() {
    let d = demo();
    let out = d.dir.path().join("out");
    export_all(&d.store, &d.data, &out, Lang::En);
    let text = docx_text(
        &out_file(&out, "bien-ban-lam-dong-2026-dot-2.docx"),
        "word/document.xml",
    );
    for needle in [
        "SOCIALIST REPUBLIC OF VIETNAM",
        "MINUTES OF THE COUNCIL MEETING",
        "Lâm Đồng, 20 November 2026",
        "90 points or more: proposed to the central council",
        "CHAIR OF THE COUNCIL",
    ] {
        assert!(text.contains(needle), "{needle:?} missing:\n{text}");
    }
}

#[test]
fn a_reopened_session_is_a_draft_again_and_the_minutes_say_why() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open_or_create(&dir.path().join("council.db")).unwrap();
    let data = small_final(&mut store);
    let reason = "Bổ sung hồ sơ của chủ thể theo yêu cầu của Hội đồng";
    store.reopen_session(&data, reason).unwrap();
    let data = store.load_session(data.info.id).unwrap();
    let out = dir.path().join("out");
    export_all(&store, &data, &out, Lang::Vi);
    let docx = out_file(&out, "bien-ban-thu-nghiem-2026.docx");
    let text = docx_text(&docx, "word/document.xml");
    assert!(text.contains("Phiên họp đã được mở lại"), "{text}");
    assert!(text.contains(reason));
    assert!(
        !text.contains("Mã kiểm tra kết quả"),
        "no final hash once reopened"
    );
    assert!(
        zip_names(&docx)
            .iter()
            .any(|n| n.starts_with("word/header") && docx_text(&docx, n).contains("DỰ THẢO"))
    );
}
