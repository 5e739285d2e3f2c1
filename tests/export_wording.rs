//! The documents speak the decision's language: a province proposes, it never awards 5 stars
//! (Điều 3.3, 4.1, 7.3.đ–e); the list sent to the central council agrees with the ranks under a
//! stated policy; figures use a decimal comma in Vietnamese and part means add up as printed.

use crate::export_support;

use std::path::{Path, PathBuf};

use council::export::numbers::localized;
use council::export::{Format, build_minutes, export_session};
use council::i18n::Lang;
use council::store::{SessionData, Store};
use export_support::*;

fn export(store: &Store, data: &SessionData, dir: &Path, lang: Lang) -> PathBuf {
    let out = dir.join("out");
    export_session(
        store,
        data,
        &[Format::Docx, Format::Html, Format::Md],
        &out,
        lang,
        &mut |_| {},
    )
    .expect("export");
    out
}

/// The minutes' text in every document format, each as its reader sees it.
fn minutes_texts(out: &Path, code: &str) -> Vec<(String, String)> {
    let docx = out.join(format!("bien-ban-{code}.docx"));
    vec![
        ("docx".into(), docx_text(&docx, "word/document.xml")),
        (
            "html".into(),
            std::fs::read_to_string(out.join(format!("bien-ban-{code}.html"))).unwrap(),
        ),
        (
            "md".into(),
            std::fs::read_to_string(out.join(format!("bien-ban-{code}.md"))).unwrap(),
        ),
    ]
}

#[test]
fn the_provincial_minutes_never_award_five_stars() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open_or_create(&dir.path().join("council.db")).unwrap();
    let data = demo_meeting(&mut store);
    let top = store
        .product_result(&data, data.product("LD-2026-01").unwrap())
        .unwrap();
    assert_eq!(
        top.stars,
        Some(5),
        "the demo's LD-2026-01 is in the top band"
    );
    let out = export(&store, &data, dir.path(), Lang::Vi);
    for (format, text) in minutes_texts(&out, "lam-dong-2026-dot-2") {
        for award in ["5 sao ★★★★★", "— 5 sao"] {
            let at = text.find(award);
            let around = at.map(|i| &text[text.floor_char_boundary(i.saturating_sub(200))..i]);
            assert_eq!(around, None, "{format} awards 5 stars");
        }
        assert!(
            text.contains("đạt từ 90 điểm trở lên, đề nghị Hội đồng cấp trung ương"),
            "{format} does not propose LD-2026-01 to the central council"
        );
        assert!(
            text.contains("≥ 90 điểm: đề nghị Hội đồng cấp trung ương"),
            "{format}: the rank column does not say it is proposed"
        );
    }
}

#[test]
fn a_product_at_90_held_back_by_a_minimum_is_ranked_by_it_and_not_sent_to_the_central_council() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open_or_create(&dir.path().join("council.db")).unwrap();
    let data = top_band(&mut store, "province");
    let held = store
        .product_result(&data, data.product("TN-01").unwrap())
        .unwrap();
    assert_eq!(held.band_stars, Some(5));
    assert!(held.stars < Some(5), "ranked below the band by a minimum");
    let failing: Vec<String> = held
        .minimums
        .iter()
        .filter(|l| l.stars == 5)
        .flat_map(|l| l.markers.iter().filter(|m| !m.holds))
        .map(|m| m.criterion.to_string())
        .collect();
    assert!(!failing.is_empty());

    let m = build_minutes(&store, &data, Lang::Vi).unwrap();
    assert_eq!(
        m.central,
        ["TN-02"],
        "only the product meeting every 5★ minimum"
    );
    let out = export(&store, &data, dir.path(), Lang::Vi);
    for (format, text) in minutes_texts(&out, "thu-nghiem-2026") {
        let central = text
            .split("Sản phẩm đề nghị Hội đồng cấp trung ương")
            .nth(1)
            .unwrap_or_default();
        let central = &central[..central.find("3. ").unwrap_or(central.len())];
        assert!(central.contains("TN-02"), "{format}: {central}");
        assert!(
            !central.contains("TN-01"),
            "{format} sends TN-01: {central}"
        );
        // The stated policy, naming the product and the minimum that fails.
        assert!(
            text.contains(
                "không đạt đủ yêu cầu tối thiểu 5 sao được xếp hạng theo yêu cầu tối thiểu đạt được"
            ),
            "{format}: policy not stated"
        );
        let policy = text
            .split("không đề nghị Hội đồng cấp trung ương —")
            .nth(1)
            .unwrap_or_else(|| panic!("{format}: no policy line"));
        assert!(policy.contains("TN-01"), "{format}: {policy}");
        assert!(policy.contains(&failing[0]), "{format}: {policy}");
        let stars = held.stars.unwrap();
        assert!(
            text.contains(&format!("công nhận sản phẩm OCOP {stars} sao")),
            "{format}: TN-01 not proposed for recognition at {stars} stars"
        );
    }
}

#[test]
fn a_central_session_awards_five_stars() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open_or_create(&dir.path().join("council.db")).unwrap();
    let data = top_band(&mut store, "central");
    let m = build_minutes(&store, &data, Lang::Vi).unwrap();
    assert!(m.central.is_empty(), "the central council sends nothing up");
    let out = export(&store, &data, dir.path(), Lang::Vi);
    for (format, text) in minutes_texts(&out, "thu-nghiem-2026") {
        assert!(text.contains("5 sao ★★★★★"), "{format}: TN-02 is 5 stars");
        assert!(
            text.contains(
                "đề nghị Bộ trưởng Bộ Nông nghiệp và Môi trường công nhận sản phẩm OCOP 5 sao"
            ),
            "{format}"
        );
        assert!(text.contains("không đạt 5 sao"), "{format}: TN-01 below 5");
    }
}

#[test]
fn part_means_add_up_to_the_displayed_total_in_every_document() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open_or_create(&dir.path().join("council.db")).unwrap();
    let data = demo_meeting(&mut store);
    let m = build_minutes(&store, &data, Lang::Vi).unwrap();
    let out = export(&store, &data, dir.path(), Lang::Vi);
    let docx = docx_text(
        &out.join("bien-ban-lam-dong-2026-dot-2.docx"),
        "word/document.xml",
    );
    let mut checked = 0;
    for p in m.products.iter().filter(|p| p.counted > 0) {
        let hundredths = |s: &str| s.replace('.', "").parse::<u64>().unwrap();
        let parts: u64 = p.parts.iter().map(|x| hundredths(&x.mean_display)).sum();
        assert_eq!(parts, hundredths(&p.mean_display), "{}", p.code);
        // The results row reads A, B, C, total in consecutive cells, with decimal commas.
        let mut row: Vec<String> = p
            .parts
            .iter()
            .map(|x| localized(Lang::Vi, &x.mean_display))
            .collect();
        row.push(localized(Lang::Vi, &p.mean_display));
        assert!(
            docx.contains(&row.join("\n\t")),
            "{}: {row:?}\n{docx}",
            p.code
        );
        checked += 1;
    }
    assert!(checked >= 3);
}

#[test]
fn vietnamese_documents_write_a_decimal_comma_and_english_ones_a_point() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open_or_create(&dir.path().join("council.db")).unwrap();
    let data = demo_meeting(&mut store);
    let mean = store
        .product_result(&data, data.product("LD-2026-01").unwrap())
        .unwrap()
        .mean_display();
    assert!(mean.contains('.'));
    let vi = export(&store, &data, &dir.path().join("vi"), Lang::Vi);
    for (format, text) in minutes_texts(&vi, "lam-dong-2026-dot-2") {
        assert!(text.contains(&mean.replace('.', ",")), "{format}: {mean}");
        assert!(!text.contains(&mean), "{format} prints a decimal point");
    }
    let en = export(&store, &data, &dir.path().join("en"), Lang::En);
    for (format, text) in minutes_texts(&en, "lam-dong-2026-dot-2") {
        assert!(text.contains(&mean), "{format}: {mean}");
    }
}
