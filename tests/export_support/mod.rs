//! A demo session with a realistic meeting behind it, for the export tests: attendance, a 5-star
//! product, a knock-out, a spread breach re-scored in a second round, a recusal, a product
//! still being scored and products waiting.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use council::rubric::{Catalog, Criterion};
use council::session::parse_session;
use council::store::{ChoiceRow, SessionData, Store};

pub const DEMO: &str = include_str!("../../sessions/demo.toml");

pub const KNOCKOUT_REASON: &str = "Giả mạo hồ sơ chứng nhận an toàn thực phẩm";
pub const ROUND_REASON: &str = "Chênh lệch điểm vượt 10 điểm, Hội đồng thảo luận và chấm lại";
pub const RECUSAL_REASON: &str = "Là thành viên Hợp tác xã sản xuất sản phẩm";

/// The 1-based position of the option with the most points.
pub fn best(c: &Criterion) -> u32 {
    let (i, _) = c
        .options
        .iter()
        .enumerate()
        .max_by_key(|(i, o)| (o.points, usize::MAX - i))
        .expect("options");
    i as u32 + 1
}

/// The 1-based position of the option with the fewest points.
pub fn worst(c: &Criterion) -> u32 {
    let (i, _) = c
        .options
        .iter()
        .enumerate()
        .min_by_key(|(_, o)| o.points)
        .expect("options");
    i as u32 + 1
}

/// Loads `text` as a session into `store` and returns its data.
pub fn load(store: &mut Store, text: &str) -> SessionData {
    let catalog = Catalog::shipped();
    let session = parse_session("session.toml", text, &|id| catalog.find(id).is_some())
        .expect("valid session");
    let id = store
        .create_session(&session, text, &|id| {
            catalog.find(id).map(|(f, _)| f.text.clone())
        })
        .expect("session stored");
    store.load_session(id).expect("session loads")
}

/// Imports one complete sheet per seat for `code`; `pick(seat, index, criterion)` chooses.
pub fn fill(
    store: &mut Store,
    data: &SessionData,
    code: &str,
    seats: &[u32],
    pick: &dyn Fn(u32, usize, &Criterion) -> u32,
) {
    let product = data.product(code).expect("product");
    let mut rows = Vec::new();
    for &seat in seats {
        for (i, (_, c)) in product.rubric.criteria().enumerate() {
            rows.push(ChoiceRow {
                line: rows.len() + 2,
                product: code.to_string(),
                seat,
                criterion: c.id.to_string(),
                option: pick(seat, i, c),
            });
        }
    }
    // Each import is a distinct "file" (the store refuses the same file twice).
    let label = format!("{code}-r{}-{seats:?}.csv", product.round);
    let bytes = format!("{label}{}", rows.len());
    store
        .import_choices(data, &label, bytes.as_bytes(), &rows)
        .expect("import");
}

pub fn reload(store: &Store, data: &SessionData) -> SessionData {
    store.load_session(data.info.id).expect("reload")
}

/// The demo session after a morning of work (see the module doc). Seats 1–8 present, 9 absent.
pub fn demo_meeting(store: &mut Store) -> SessionData {
    // This council's secretary scores too: the figures below were worked out on nine sheets.
    let demo = DEMO.replace(
        "role = \"secretary\"",
        "role = \"secretary\"\nscores = true",
    );
    let mut data = load(store, &demo);
    for seat in 1..=9 {
        store
            .set_attendance(&data, seat, seat != 9)
            .expect("attendance");
    }
    data = reload(store, &data);
    let present: Vec<u32> = (1..=8).collect();

    // LD-2026-01: near-perfect sheets → 5 stars, proposed to the central council.
    fill(store, &data, "LD-2026-01", &present, &|seat, i, c| {
        if seat == 3 && i == 0 {
            worst(c).max(best(c) - 1)
        } else {
            best(c)
        }
    });
    data = reload(store, &data);
    store
        .close_product(&data, data.product("LD-2026-01").unwrap(), None)
        .expect("close 01");

    // LD-2026-02: knocked out before scoring.
    data = reload(store, &data);
    store
        .knock_out(
            &data,
            data.product("LD-2026-02").unwrap(),
            1,
            KNOCKOUT_REASON,
            Some(1),
        )
        .expect("knock out");

    // LD-2026-03: round 1 splits the council (spread breach), round 2 agrees.
    data = reload(store, &data);
    fill(store, &data, "LD-2026-03", &present, &|seat, _, c| {
        if seat <= 4 { best(c) } else { worst(c) }
    });
    data = reload(store, &data);
    store
        .close_product(&data, data.product("LD-2026-03").unwrap(), None)
        .expect("close 03");
    data = reload(store, &data);
    store
        .new_round(&data, data.product("LD-2026-03").unwrap(), ROUND_REASON)
        .expect("new round");
    data = reload(store, &data);
    fill(store, &data, "LD-2026-03", &present, &|seat, i, c| {
        if (i + seat as usize).is_multiple_of(3) {
            worst(c)
        } else {
            best(c)
        }
    });
    data = reload(store, &data);
    store
        .close_product(&data, data.product("LD-2026-03").unwrap(), None)
        .expect("close 03 round 2");

    // LD-2026-04: seat 2 recused; the others score low.
    data = reload(store, &data);
    store
        .recuse(
            &data,
            data.product("LD-2026-04").unwrap(),
            2,
            RECUSAL_REASON,
        )
        .expect("recuse");
    let others: Vec<u32> = present.iter().copied().filter(|&s| s != 2).collect();
    fill(store, &data, "LD-2026-04", &others, &|seat, i, c| {
        if (i + seat as usize).is_multiple_of(2) {
            best(c)
        } else {
            worst(c)
        }
    });
    data = reload(store, &data);
    store
        .close_product(&data, data.product("LD-2026-04").unwrap(), None)
        .expect("close 04");

    // LD-2026-05: still being scored (two sheets in).
    data = reload(store, &data);
    fill(store, &data, "LD-2026-05", &[1, 2], &|_, _, c| best(c));
    reload(store, &data)
}

/// A small session with every product settled, finalised: exports are not drafts.
pub const SMALL_FINAL: &str = r#"
[session]
id = "thu-nghiem-2026"
title = "Đánh giá, phân hạng sản phẩm OCOP cấp tỉnh năm 2026"
council = "Hội đồng đánh giá, phân hạng sản phẩm OCOP tỉnh Thử Nghiệm"
level = "province"
date = "2026-03-09"
time = "14:00"
venue = "Phòng họp số 2"
province = "Thử Nghiệm"

[[members]]
seat = 1
name = "Nguyễn Thị Ánh Tuyết"
organisation = "Sở Nông nghiệp và Môi trường"
role = "chair"

[[members]]
seat = 2
name = "Trương Văn Đạt"
organisation = "Sở Công Thương"
role = "member"

[[members]]
seat = 3
name = "Lưu Ngọc Hiển"
organisation = "Chi cục Phát triển nông thôn"
role = "secretary"
scores = true

[[products]]
code = "TN-01"
name = "Trà xanh <đặc biệt> & thơm"
producer = "HTX Chè Ổn Định"
commune = "Xã Đồi Chè"
rubric = "ocop-2026-07"

[[products]]
code = "TN-02"
name = "Mật ong hoa cà phê"
producer = "Hộ kinh doanh Ê Đê"
commune = "Xã Ea Kao"
rubric = "ocop-2026-07"
"#;

pub fn small_final(store: &mut Store) -> SessionData {
    let mut data = load(store, SMALL_FINAL);
    for seat in 1..=3 {
        store.set_attendance(&data, seat, true).expect("attendance");
    }
    data = reload(store, &data);
    fill(store, &data, "TN-01", &[1, 2, 3], &|seat, i, c| {
        if i < seat as usize * 2 {
            worst(c)
        } else {
            best(c)
        }
    });
    data = reload(store, &data);
    store
        .close_product(&data, data.product("TN-01").unwrap(), None)
        .expect("close");
    data = reload(store, &data);
    store
        .knock_out(
            &data,
            data.product("TN-02").unwrap(),
            1,
            KNOCKOUT_REASON,
            Some(1),
        )
        .expect("knock out");
    data = reload(store, &data);
    let chair = data.members[0].name.clone();
    store.finalise(&data, &chair).expect("finalise");
    reload(store, &data)
}

/// The text of a DOCX part (`word/document.xml`, `word/header1.xml`, …): the `<w:t>` runs,
/// one paragraph per line.
pub fn docx_text(path: &Path, part: &str) -> String {
    let xml = zip_entry(path, part);
    let mut out = String::new();
    let mut rest = xml.as_str();
    while let Some(start) = rest.find('<') {
        out.push_str(&unescape(&rest[..start]).replace(['\n', '\r'], ""));
        let end = rest[start..]
            .find('>')
            .map_or(rest.len(), |e| start + e + 1);
        let tag = &rest[start..end];
        if tag.starts_with("</w:p>") || tag.starts_with("<w:tab") || tag.starts_with("</w:tc>") {
            out.push(if tag.starts_with("</w:p>") {
                '\n'
            } else {
                '\t'
            });
        }
        rest = &rest[end..];
    }
    out
}

fn unescape(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&amp;", "&")
}

/// The names of the parts in a zip file.
pub fn zip_names(path: &Path) -> Vec<String> {
    let file = std::fs::File::open(path).expect("open zip");
    let archive = zip::ZipArchive::new(file).expect("valid zip");
    archive
        .file_names()
        .map(|n| n.expect("entry name").into_owned())
        .collect()
}

pub fn zip_entry(path: &Path, name: &str) -> String {
    use std::io::Read;
    let file = std::fs::File::open(path).expect("open zip");
    let mut archive = zip::ZipArchive::new(file).expect("valid zip");
    let mut entry = archive
        .by_name(name)
        .unwrap_or_else(|_| panic!("{name} in {}", path.display()));
    let mut text = String::new();
    entry.read_to_string(&mut text).expect("utf-8 part");
    text
}

pub fn out_file(dir: &Path, name: &str) -> PathBuf {
    let p = dir.join(name);
    assert!(p.exists(), "{} was not written", p.display());
    p
}

/// The best option worth less than the option marked as the `stars` minimum, if the criterion
/// has such a marker: choosing it costs a few points and fails that minimum.
pub fn below_marker(c: &Criterion, stars: u8) -> Option<u32> {
    let marker = c.options.iter().find(|o| o.min_stars == Some(stars))?;
    c.options
        .iter()
        .enumerate()
        .filter(|(_, o)| o.points < marker.points)
        .max_by_key(|(_, o)| o.points)
        .map(|(i, _)| i as u32 + 1)
}

/// `SMALL_FINAL` at `level`: TN-01 scored near-perfect but below the 5-star marker on the first
/// criterion that has one (≥ 90 points, a 5-star minimum failing), TN-02 scored perfect; both
/// closed, the session finalised.
pub fn top_band(store: &mut Store, level: &str) -> SessionData {
    let text = SMALL_FINAL.replace("level = \"province\"", &format!("level = \"{level}\""));
    let mut data = load(store, &text);
    for seat in 1..=3 {
        store.set_attendance(&data, seat, true).expect("attendance");
    }
    data = reload(store, &data);
    let rubric = data.product("TN-01").unwrap().rubric.clone();
    let spoiled = rubric
        .criteria()
        .position(|(_, c)| below_marker(c, 5).is_some())
        .expect("a criterion with a 5-star marker");
    fill(store, &data, "TN-01", &[1, 2, 3], &|_, i, c| {
        if i == spoiled {
            below_marker(c, 5).unwrap()
        } else {
            best(c)
        }
    });
    // One product open at a time: TN-01 closes before TN-02 is scored.
    data = reload(store, &data);
    store
        .close_product(&data, data.product("TN-01").unwrap(), None)
        .expect("close");
    data = reload(store, &data);
    fill(store, &data, "TN-02", &[1, 2, 3], &|_, _, c| best(c));
    data = reload(store, &data);
    store
        .close_product(&data, data.product("TN-02").unwrap(), None)
        .expect("close");
    data = reload(store, &data);
    let chair = data.members[0].name.clone();
    store.finalise(&data, &chair).expect("finalise");
    reload(store, &data)
}
