//! The meeting rules of issue 10, each observation reproduced through the real binary (the
//! command line the secretary can script) and through the library the screens use.

use crate::common;

use common::{Workspace, repo_path};
use council::i18n::Lang;
use council::meeting::Refusal;
use council::store::{Actor, SessionData, Store, StoreError};

/// The demo session loaded into a fresh workspace.
fn demo() -> Workspace {
    let ws = Workspace::new();
    let file = repo_path("sessions/demo.toml");
    ws.run_ok(&["session", "new", file.to_str().unwrap()]);
    ws
}

fn open(ws: &Workspace) -> (Store, SessionData) {
    let store = Store::open(&ws.db()).unwrap();
    let id = store.sessions().unwrap()[0].id;
    let data = store.load_session(id).unwrap();
    (store, data)
}

/// CSV rows ticking option `pick(criterion index)` for every criterion of `code`, per seat.
fn sheet_csv(
    data: &SessionData,
    code: &str,
    seats: &[u32],
    pick: impl Fn(u32, usize) -> u32,
) -> String {
    let product = data.product(code).unwrap();
    let mut out = String::from("product,member,criterion,option\n");
    for &seat in seats {
        for (i, (_, c)) in product.rubric.criteria().enumerate() {
            let option = pick(seat, i).clamp(1, c.options.len() as u32);
            out.push_str(&format!("{code},{seat},{},{option}\n", c.id));
        }
    }
    out
}

/// Runs council with `args` expecting a refusal; returns its stderr.
fn refused(ws: &Workspace, args: &[&str]) -> String {
    let out = ws.council().args(args).output().unwrap();
    assert!(!out.status.success(), "council {args:?} should be refused");
    String::from_utf8(out.stderr).unwrap()
}

fn refusal(e: StoreError) -> Refusal {
    e.refusal()
        .cloned()
        .unwrap_or_else(|| panic!("not a rule's refusal: {e}"))
}

const SCORING: [u32; 8] = [1, 2, 4, 5, 6, 7, 8, 9]; // seat 3 is the secretary

/// Observation 1: a closed product keeps its own attendance; today's attendance never
/// changes its counted sheets.
#[test]
fn attendance_belongs_to_the_product_and_is_fixed_when_it_closes() {
    let ws = demo();
    ws.run_ok(&["attend", "--all"]);
    ws.run_ok(&["product", "open", "LD-2026-01"]);
    let (_, data) = open(&ws);
    let csv = ws.write("s.csv", &sheet_csv(&data, "LD-2026-01", &SCORING, |_, _| 2));
    ws.run_ok(&["sheets", "import", csv.to_str().unwrap()]);
    ws.run_ok(&["product", "close", "LD-2026-01"]);
    let before = ws.run_ok(&["results", "--product", "LD-2026-01", "--json"]);
    ws.run_ok(&["attend", "7", "8", "9", "--absent"]);
    let after = ws.run_ok(&["results", "--product", "LD-2026-01", "--json"]);
    assert_eq!(before, after, "today's attendance changed a closed product");
    let (store, data) = open(&ws);
    let p = data.product("LD-2026-01").unwrap();
    let q = store.product_quorum(&data, p).unwrap();
    assert_eq!((q.present, q.total), (8, 8), "the product's own attendance");
    assert_eq!(store.product_result(&data, p).unwrap().counted, 8);
    assert_eq!(
        data.quorum().present,
        5,
        "the room now: 8 scoring minus 7, 8, 9"
    );
}

/// Observation 2: the quorum is checked again at close.
#[test]
fn a_product_cannot_close_without_quorum() {
    let ws = demo();
    ws.run_ok(&["attend", "1", "2", "4", "5", "6", "7", "8"]); // 7 of 8 scoring
    ws.run_ok(&["product", "open", "LD-2026-01"]);
    ws.run_ok(&[
        "recuse",
        "LD-2026-01",
        "8",
        "--reason",
        "Người thân của chủ thể",
    ]);
    ws.run_ok(&["attend", "7", "--absent"]); // 5 of 8, 6 needed
    let (_, data) = open(&ws);
    let csv = ws.write(
        "s.csv",
        &sheet_csv(&data, "LD-2026-01", &[1, 2, 4, 5, 6], |_, _| 3),
    );
    let vi = refused(&ws, &["sheets", "import", csv.to_str().unwrap()]);
    assert!(vi.contains("Chưa đủ điều kiện khi nhập phiếu sản phẩm LD-2026-01: 5/8 thành viên chấm điểm có mặt, cần 6 (3/4), chủ tịch có mặt"), "{vi}");
    let vi = refused(&ws, &["product", "close", "LD-2026-01"]);
    assert!(vi.contains("error: Chưa đủ điều kiện khi đóng sản phẩm LD-2026-01: 5/8 thành viên chấm điểm có mặt, cần 6 (3/4), chủ tịch có mặt"), "{vi}");
    let en = refused(&ws, &["--lang", "en", "product", "close", "LD-2026-01"]);
    assert!(en.contains("error: No quorum to close product LD-2026-01: 5 of 8 scoring members present, 6 needed (3/4), the chair present"), "{en}");
    let (store, data) = open(&ws);
    assert_eq!(
        data.product("LD-2026-01").unwrap().status,
        council::meeting::ProductStatus::Scoring
    );
    drop(store);
}

/// Observation 3: an absent member's imported sheet is refused, not counted.
#[test]
fn an_import_obeys_attendance_and_refuses_an_absent_members_sheet() {
    let ws = demo();
    ws.run_ok(&["attend", "--all"]);
    ws.run_ok(&["attend", "9", "--absent"]);
    ws.run_ok(&["product", "open", "LD-2026-01"]);
    let (_, data) = open(&ws);
    let csv = ws.write("s.csv", &sheet_csv(&data, "LD-2026-01", &SCORING, |_, _| 3));
    let vi = refused(&ws, &["sheets", "import", csv.to_str().unwrap()]);
    assert!(
        vi.contains("Ghế 9 vắng mặt khi đánh giá sản phẩm LD-2026-01"),
        "{vi}"
    );
    assert!(vi.contains("không nhập gì"), "{vi}");
    let en = refused(
        &ws,
        &["--lang", "en", "sheets", "import", csv.to_str().unwrap()],
    );
    assert!(
        en.contains("Seat 9 is absent for product LD-2026-01"),
        "{en}"
    );
    let (store, data) = open(&ws);
    let p = data.product("LD-2026-01").unwrap();
    assert!(
        store.sheets(&data, p.id, 1).unwrap().is_empty(),
        "nothing imported"
    );
}

/// Observation 4: finalising needs something settled with a quorum, and a chair.
#[test]
fn finalise_is_refused_with_nothing_decided() {
    let ws = demo();
    let vi = refused(&ws, &["session", "finalise", "--chair", "Nguyễn Văn Hùng"]);
    assert!(
        vi.contains("Chưa có sản phẩm nào được đánh giá xong; không thể hoàn tất phiên"),
        "{vi}"
    );
    let en = refused(
        &ws,
        &[
            "--lang",
            "en",
            "session",
            "finalise",
            "--chair",
            "Nguyễn Văn Hùng",
        ],
    );
    assert!(
        en.contains("No product has been settled yet; the session cannot be finalised"),
        "{en}"
    );
}

/// Observation 5: the secretary does not score by default; every product of the demo closes
/// without an override when every scoring member submits.
#[test]
fn the_demo_closes_every_product_without_an_override() {
    let ws = demo();
    ws.run_ok(&["attend", "--all"]);
    let (_, data) = open(&ws);
    let codes: Vec<String> = data.products.iter().map(|p| p.code.clone()).collect();
    for (i, code) in codes.iter().enumerate() {
        if council::meeting::rubric_cases(&data.product(code).unwrap().rubric) > 0 {
            ws.run_ok(&["product", "case", code, "1"]);
        }
        ws.run_ok(&["product", "open", code]);
        let (_, data) = open(&ws);
        let p = data.product(code).unwrap();
        // In case 1 the case-1 options are the first ones of each criterion.
        let csv = sheet_csv(&data, code, &SCORING, |seat, c| {
            ((seat as usize + c + i) % 2 + 1) as u32
        });
        let _ = p;
        let file = ws.write(&format!("{code}.csv"), &csv);
        ws.run_ok(&["sheets", "import", file.to_str().unwrap()]);
        ws.run_ok(&["product", "close", code]);
    }
    let (store, data) = open(&ws);
    for p in &data.products {
        assert_eq!(
            p.status,
            council::meeting::ProductStatus::Closed,
            "{}",
            p.code
        );
        assert_eq!(p.close_override, None, "{}", p.code);
        assert_eq!(store.product_result(&data, p).unwrap().counted, 8);
    }
    // The secretary's own sheet is refused: seat 3 does not score.
    let e = refusal(
        Store::open(&ws.db())
            .unwrap()
            .recuse(&data, &data.products[0], 3, "x")
            .map(|_| ())
            .err()
            .unwrap_or(StoreError::Rule(Refusal::NoChair)),
    );
    assert!(matches!(e, Refusal::RecusalAfterClose { .. }));
    drop(store);
}

/// Observation 6: an override close never counts an unsubmitted sheet, and a product needs
/// more than half of the scoring members' sheets to be ranked.
#[test]
fn an_override_close_counts_only_submitted_sheets_and_needs_min_sheets() {
    let ws = demo();
    ws.run_ok(&["attend", "--all"]);
    ws.run_ok(&["product", "open", "LD-2026-01"]);
    let (mut store, data) = open(&ws);
    let p = data.product("LD-2026-01").unwrap().clone();
    // Two complete sheets typed on the members' seats, never submitted.
    for seat in [1, 2] {
        for (_, c) in p.rubric.criteria() {
            store
                .set_choice(&data, &p, seat, &c.id, 1, 1, &Actor::Member(seat))
                .unwrap();
        }
    }
    store.release_holds(&Actor::Member(1)).unwrap();
    store.release_holds(&Actor::Member(2)).unwrap();
    drop(store);
    let vi = refused(
        &ws,
        &["product", "close", "LD-2026-01", "--override", "Hết giờ"],
    );
    assert!(
        vi.contains("Sản phẩm LD-2026-01 chỉ có 0 phiếu hợp lệ, cần ít nhất 5 để xếp hạng"),
        "{vi}"
    );
    let en = refused(
        &ws,
        &[
            "--lang",
            "en",
            "product",
            "close",
            "LD-2026-01",
            "--override",
            "Out of time",
        ],
    );
    assert!(
        en.contains("Product LD-2026-01 has 0 counted sheets; at least 5 are needed to rank it"),
        "{en}"
    );
    let vi = refused(&ws, &["product", "close", "LD-2026-01"]);
    assert!(
        vi.contains("Chưa thể đóng sản phẩm LD-2026-01: ghế 1, 2, 4, 5, 6, 7, 8, 9 chưa nộp phiếu"),
        "{vi}"
    );
}

/// The demo with everyone present and LD-2026-01 closed on every scoring seat's paper sheet
/// (seat 9 ticking option 1 throughout, the others option 3).
fn closed_on_paper() -> Workspace {
    let ws = demo();
    ws.run_ok(&["attend", "--all"]);
    ws.run_ok(&["product", "open", "LD-2026-01"]);
    let (_, data) = open(&ws);
    let csv = ws.write(
        "s.csv",
        &sheet_csv(
            &data,
            "LD-2026-01",
            &SCORING,
            |seat, _| if seat == 9 { 1 } else { 3 },
        ),
    );
    ws.run_ok(&["sheets", "import", csv.to_str().unwrap()]);
    ws.run_ok(&["product", "close", "LD-2026-01"]);
    ws
}

/// Observation 7: recusals are fixed once the product is closed.
#[test]
fn recusing_after_close_is_refused_and_the_result_stays() {
    let ws = closed_on_paper();
    let before = ws.run_ok(&["results", "--product", "LD-2026-01", "--json"]);
    let vi = refused(
        &ws,
        &[
            "recuse",
            "LD-2026-01",
            "9",
            "--reason",
            "Phát hiện xung đột lợi ích",
        ],
    );
    assert!(
        vi.contains("Sản phẩm LD-2026-01 đã đóng; thành phần đánh giá đã cố định"),
        "{vi}"
    );
    let en = refused(
        &ws,
        &[
            "--lang",
            "en",
            "recuse",
            "LD-2026-01",
            "9",
            "--reason",
            "Conflict",
        ],
    );
    assert!(
        en.contains("Product LD-2026-01 is closed; its attendance is fixed"),
        "{en}"
    );
    assert_eq!(
        before,
        ws.run_ok(&["results", "--product", "LD-2026-01", "--json"])
    );
}

/// A recusal belongs to the round it is made in (schema 8). A member recused in a new round
/// used to be recused, after the fact, in the round already closed: that round's kept result
/// no longer matched what the rules computed from the tables, and `audit verify` called the
/// database edited. Now the closed round stays as it was closed, a recusal made before a round
/// closes carries into the next round, and withdrawing it there leaves the earlier round alone.
#[test]
fn a_recusal_belongs_to_its_round_and_a_new_round_carries_it() {
    let ws = closed_on_paper();
    ws.run_ok(&[
        "product",
        "round",
        "LD-2026-01",
        "--reason",
        "chênh lệch lớn",
    ]);

    // Through the command line: seat 9 is recused in round 2 only.
    ws.run_ok(&[
        "recuse",
        "LD-2026-01",
        "9",
        "--reason",
        "Phát hiện xung đột lợi ích",
    ]);
    assert!(
        ws.run_ok(&["audit", "verify"])
            .starts_with("audit chain intact")
    );
    // The documents agree: round 1's sheet of seat 9 counted and was not recused; the
    // product's recusals are round 2's.
    let out = ws.path("out");
    ws.run_ok(&["export", "--out", out.to_str().unwrap(), "--format", "json"]);
    let json: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(out.join("lam-dong-2026-dot-2.json")).unwrap(),
    )
    .unwrap();
    let product = &json["products"][0];
    let seat_9 = product["rounds"][0]["sheets"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["seat"] == 9)
        .unwrap();
    assert_eq!(
        (&seat_9["counted"], &seat_9["recused"]),
        (&true.into(), &false.into())
    );
    assert_eq!(product["recusals"][0]["seat"], 9);
    let (mut store, data) = open(&ws);
    let p = data.product("LD-2026-01").unwrap().clone();
    let recused = |store: &Store, round: u32| -> Vec<u32> {
        store
            .seat_facts(&data, p.id, round)
            .unwrap()
            .iter()
            .filter(|s| s.recused)
            .map(|s| s.seat)
            .collect()
    };
    assert_eq!(recused(&store, 1), Vec::<u32>::new());
    assert_eq!(recused(&store, 2), [9]);
    assert_eq!(store.recused_seats(&data, p.id).unwrap(), [9]);
    let first = store.round_result(&data, &p, 1).unwrap();
    assert_eq!(
        first.counted as usize,
        SCORING.len(),
        "round 1 still counts seat 9"
    );
    assert_eq!(store.kept_result(&p, 1).unwrap().unwrap(), first);
    assert_eq!(store.audit_cross_check().unwrap(), Vec::<String>::new());

    // Through the store: withdrawn in round 2, and round 1 is untouched again.
    store.withdraw_recusal(&data, &p, 9).unwrap();
    assert_eq!(recused(&store, 2), Vec::<u32>::new());
    store
        .recuse(&data, &p, 4, "Người thân của chủ thể")
        .unwrap();
    assert_eq!(store.audit_state_check().unwrap(), Vec::<String>::new());
    assert_eq!(store.audit_cross_check().unwrap(), Vec::<String>::new());

    // Round 2 closes with seat 4 recused; round 3 starts with that recusal.
    let csv = ws.write(
        "s2.csv",
        &sheet_csv(&data, "LD-2026-01", &[1, 2, 5, 6, 7, 8, 9], |_, _| 3),
    );
    ws.run_ok(&["sheets", "import", csv.to_str().unwrap()]);
    ws.run_ok(&["product", "close", "LD-2026-01"]);
    ws.run_ok(&["product", "round", "LD-2026-01", "--reason", "làm rõ hồ sơ"]);
    let (store, data) = open(&ws);
    let p = data.product("LD-2026-01").unwrap().clone();
    assert_eq!(p.round, 3);
    let recused = |round: u32| -> Vec<u32> {
        store
            .seat_facts(&data, p.id, round)
            .unwrap()
            .iter()
            .filter(|s| s.recused)
            .map(|s| s.seat)
            .collect()
    };
    assert_eq!(
        (recused(1), recused(2), recused(3)),
        (vec![], vec![4], vec![4])
    );
    assert!(
        ws.run_ok(&["audit", "verify"])
            .starts_with("audit chain intact")
    );
    // Round 1 reads as it was closed, through every change of the rounds after it.
    assert_eq!(store.round_result(&data, &p, 1).unwrap(), first);
}

/// Observation 8: one writer per sheet — the member's seat holds it; the secretary is told.
#[test]
fn a_sheet_open_on_a_members_seat_is_refused_to_the_secretary() {
    let ws = demo();
    ws.run_ok(&["attend", "--all"]);
    ws.run_ok(&["product", "open", "LD-2026-01"]);
    let (mut member, data) = open(&ws);
    let p = data.product("LD-2026-01").unwrap().clone();
    member.hold_sheet(&data, &p, 4, &Actor::Member(4)).unwrap();
    member
        .set_choice(&data, &p, 4, "2.4", 2, 1, &Actor::Member(4))
        .unwrap();
    let (mut secretary, _) = open(&ws);
    secretary.set_operator(Some("Lê Minh Đức".into()));
    let e = secretary
        .set_choice(&data, &p, 4, "2.4", 1, 1, &Actor::Secretary)
        .unwrap_err();
    assert_eq!(
        e.text(Lang::Vi),
        "Phiếu của ghế 4 cho sản phẩm LD-2026-01 đang có người ghi: ghế 4 đang tự chấm trên máy của mình"
    );
    assert_eq!(
        e.text(Lang::En),
        "The sheet of seat 4 for LD-2026-01 is being written: seat 4 is scoring on their own terminal"
    );
    let sheet = secretary.member_sheet(&data, &p, 4).unwrap().unwrap();
    assert_eq!(
        sheet.choices.get("2.4"),
        Some(&2),
        "the member's choice stands"
    );
    // Released on leaving the seat: the secretary may then enter it.
    member.release_holds(&Actor::Member(4)).unwrap();
    secretary
        .set_choice(&data, &p, 4, "2.4", 1, 1, &Actor::Secretary)
        .unwrap();
    // And then the member cannot write into the secretary's entry.
    let e = member
        .set_choice(&data, &p, 4, "2.4", 2, 1, &Actor::Member(4))
        .unwrap_err();
    assert_eq!(
        e.text(Lang::Vi),
        "Phiếu của ghế 4 cho sản phẩm LD-2026-01 đang có người ghi: Lê Minh Đức (thư ký) đang nhập phiếu giấy"
    );
}

/// Observation 9: one submitted sheet is corrected on its own, with its reason.
#[test]
fn one_submitted_sheet_is_reopened_with_a_reason() {
    let ws = demo();
    ws.run_ok(&["attend", "--all"]);
    ws.run_ok(&["product", "open", "LD-2026-01"]);
    let (_, data) = open(&ws);
    let csv = ws.write("s.csv", &sheet_csv(&data, "LD-2026-01", &[9], |_, _| 1));
    ws.run_ok(&["sheets", "import", csv.to_str().unwrap()]);
    let vi = refused(
        &ws,
        &["sheet", "reopen", "LD-2026-01", "9", "--reason", " "],
    );
    assert!(vi.contains("Mở lại phiếu để sửa cần nêu lý do"), "{vi}");
    let out = ws.run_ok(&[
        "sheet",
        "reopen",
        "LD-2026-01",
        "9",
        "--reason",
        "Nhập nhầm phiếu của ghế 4",
    ]);
    assert!(
        out.contains("Đã mở lại phiếu của ghế 9 cho sản phẩm LD-2026-01 để sửa"),
        "{out}"
    );
    let (mut store, data) = open(&ws);
    let p = data.product("LD-2026-01").unwrap().clone();
    let sheet = store.member_sheet(&data, &p, 9).unwrap().unwrap();
    assert!(!sheet.submitted);
    store
        .set_choice(&data, &p, 9, "1.1", 3, 1, &Actor::Secretary)
        .unwrap();
    store.submit_sheet(&data, &p, 9, &Actor::Secretary).unwrap();
    let history = ws.run_ok(&["audit", "show", "--product", "LD-2026-01", "--member", "9"]);
    assert!(history.contains("sheet.reopen"), "{history}");
    assert!(history.contains("Nhập nhầm phiếu của ghế 4"), "{history}");
    // The minutes print the correction with the old and the new choice.
    let out = ws.path("out");
    ws.run_ok(&["export", "--out", out.to_str().unwrap(), "--format", "md"]);
    let md = std::fs::read_to_string(out.join(format!("bien-ban-{}.md", data.info.code))).unwrap();
    assert!(
        md.contains("LD-2026-01 (vòng 1), ghế 9: Nhập nhầm phiếu của ghế 4 — 1.1: 1 → 3"),
        "{md}"
    );
}

/// Observation 10: one product open at a time; one opened by mistake goes back to waiting.
#[test]
fn one_product_open_at_a_time_and_back_to_waiting() {
    let ws = demo();
    ws.run_ok(&["attend", "--all"]);
    ws.run_ok(&["product", "open", "LD-2026-01"]);
    let vi = refused(&ws, &["product", "open", "LD-2026-02"]);
    assert!(
        vi.contains(
            "Sản phẩm LD-2026-01 đang được chấm; đóng sản phẩm đó trước khi mở sản phẩm khác"
        ),
        "{vi}"
    );
    let en = refused(&ws, &["--lang", "en", "product", "open", "LD-2026-02"]);
    assert!(
        en.contains("Product LD-2026-01 is being scored; close it before opening another"),
        "{en}"
    );
    ws.run_ok(&["product", "waiting", "LD-2026-01"]);
    ws.run_ok(&["product", "open", "LD-2026-02"]);
    let (_, data) = open(&ws);
    let csv = ws.write("s.csv", &sheet_csv(&data, "LD-2026-02", &[1], |_, _| 1));
    ws.run_ok(&["sheets", "import", csv.to_str().unwrap()]);
    let vi = refused(&ws, &["product", "waiting", "LD-2026-02"]);
    assert!(
        vi.contains("Sản phẩm LD-2026-02 đã có 1 phiếu được chấm; không thể trả về hàng chờ"),
        "{vi}"
    );
    let history = ws.run_ok(&["audit", "show", "--product", "LD-2026-01"]);
    assert!(history.contains("waiting"), "{history}");
}

/// Observation 11: blind re-entry records who made each entry, and the second is someone else.
#[test]
fn blind_reentry_is_made_by_another_person_and_resolutions_say_which_entry_was_kept() {
    let ws = Workspace::new();
    let text = std::fs::read_to_string(repo_path("sessions/demo.toml"))
        .unwrap()
        .replace("blind_reentry = false", "blind_reentry = true");
    let file = ws.write("blind.toml", &text);
    ws.run_ok(&["session", "new", file.to_str().unwrap()]);
    ws.run_ok(&["attend", "--all"]);
    ws.run_ok(&["product", "open", "LD-2026-01"]);
    let (mut first, data) = open(&ws);
    let p = data.product("LD-2026-01").unwrap().clone();
    first.set_operator(Some("Lê Minh Đức".into()));
    for (_, c) in p.rubric.criteria() {
        first
            .set_choice(&data, &p, 4, &c.id, 1, 1, &Actor::Secretary)
            .unwrap();
    }
    first.release_holds(&Actor::Secretary).unwrap();
    let e = first
        .set_choice(&data, &p, 4, "1.1", 1, 2, &Actor::Secretary)
        .unwrap_err();
    assert_eq!(
        e.text(Lang::Vi),
        "Lê Minh Đức đã nhập lần 1 phiếu của ghế 4 cho sản phẩm LD-2026-01; lần nhập thứ hai phải do người khác thực hiện"
    );
    let (mut second, _) = open(&ws);
    second.set_operator(Some("Võ Thị Mỹ Linh".into()));
    let e = second
        .set_choice(&data, &p, 4, "1.1", 2, 1, &Actor::Secretary)
        .unwrap_err();
    assert!(matches!(
        refusal(e),
        Refusal::FirstEntryDone { seat: 4, .. }
    ));
    for (i, (_, c)) in p.rubric.criteria().enumerate() {
        let option = if i == 0 { 2 } else { 1 };
        second
            .set_choice(&data, &p, 4, &c.id, option, 2, &Actor::Secretary)
            .unwrap();
    }
    second
        .resolve_reentry(&data, &p, 4, "1.1", 1, &Actor::Secretary)
        .unwrap();
    let sheet = second.member_sheet(&data, &p, 4).unwrap().unwrap();
    assert!(sheet.verified);
    let history = ws.run_ok(&[
        "audit",
        "show",
        "--product",
        "LD-2026-01",
        "--criterion",
        "1.1",
    ]);
    assert!(history.contains("kept entry 1: 1"), "{history}");
}

/// Observation 12: knock-outs name a condition of the criteria set; set 26's case is fixed
/// once per product.
#[test]
fn knockouts_name_their_condition_and_cases_are_fixed_per_product() {
    let ws = demo();
    ws.run_ok(&["attend", "--all"]);
    let conditions = ws.run_ok(&["product", "conditions", "LD-2026-02"]);
    assert!(conditions.trim_start().starts_with("1  "), "{conditions}");
    let vi = refused(
        &ws,
        &[
            "product",
            "knockout",
            "LD-2026-02",
            "--condition",
            "99",
            "--reason",
            "x",
        ],
    );
    assert!(
        vi.contains("Bộ tiêu chí của sản phẩm LD-2026-02 có"),
        "{vi}"
    );
    assert!(vi.contains("không có điều kiện 99"), "{vi}");
    ws.run_ok(&[
        "product",
        "knockout",
        "LD-2026-02",
        "--condition",
        "1",
        "--reason",
        "Hồ sơ thiếu",
        "--proposed-by",
        "4",
    ]);
    let (store, data) = open(&ws);
    let p = data.product("LD-2026-02").unwrap();
    let first = council::meeting::knockout_conditions(&p.rubric).remove(0);
    assert_eq!(p.knockout_condition.as_deref(), Some(first.text.as_str()));
    assert_eq!(p.knockout_proposed_by, Some(4));
    let r = store.product_result(&data, p).unwrap();
    assert!(r.knocked_out.is_some() && r.stars.is_none());
    drop(store);
    // Set 26: members score only the chosen case.
    ws.run_ok(&["product", "open", "LD-2026-10"]);
    let (mut store, data) = open(&ws);
    let p = data.product("LD-2026-10").unwrap().clone();
    let e = store
        .set_choice(&data, &p, 1, "8", 1, 1, &Actor::Member(1))
        .unwrap_err();
    assert_eq!(
        e.text(Lang::Vi),
        "Chưa chọn trường hợp áp dụng cho sản phẩm LD-2026-10; thư ký chọn trước khi chấm"
    );
    store.release_holds(&Actor::Member(1)).unwrap();
    drop(store);
    ws.run_ok(&["product", "case", "LD-2026-10", "2"]);
    let (mut store, data) = open(&ws);
    let p = data.product("LD-2026-10").unwrap().clone();
    let e = store
        .set_choice(&data, &p, 1, "8", 1, 1, &Actor::Member(1))
        .unwrap_err();
    assert_eq!(
        e.text(Lang::En),
        "Option 1 of criterion 8 is not in case 2, the one chosen for the product"
    );
    store
        .set_choice(&data, &p, 1, "8", 3, 1, &Actor::Member(1))
        .unwrap();
    store.release_holds(&Actor::Member(1)).unwrap();
    drop(store);
    let vi = refused(&ws, &["product", "case", "LD-2026-10", "1"]);
    assert!(
        vi.contains("Sản phẩm LD-2026-10 đã có phiếu chấm; không thể đổi trường hợp"),
        "{vi}"
    );
}

/// Observation 13: the command line answers in the user's language.
#[test]
fn the_command_line_answers_in_vietnamese_by_default_and_english_on_request() {
    let ws = demo();
    let vi = refused(&ws, &["product", "open", "LD-2026-01"]);
    assert!(vi.contains("Chưa đủ điều kiện khi mở chấm sản phẩm LD-2026-01: 0/8 thành viên chấm điểm có mặt, cần 6 (3/4), và chủ tịch Hội đồng phải có mặt"), "{vi}");
    let en = refused(&ws, &["--lang", "en", "product", "open", "LD-2026-01"]);
    assert!(en.contains("No quorum to open product LD-2026-01: 0 of 8 scoring members present, 6 needed (3/4), and the chair must be present"), "{en}");
    let out = ws.run_ok(&["attend", "--all"]);
    assert_eq!(
        out.trim(),
        "Có mặt 8/8 thành viên chấm điểm (cần 6) — đủ điều kiện"
    );
}

/// Issue 11, observation 5: an import never overwrites (or submits) a sheet the member started
/// on their own seat.
#[test]
fn an_import_never_overwrites_a_members_own_draft() {
    let ws = demo();
    ws.run_ok(&["attend", "--all"]);
    ws.run_ok(&["product", "open", "LD-2026-01"]);
    let (mut seat, data) = open(&ws);
    let p = data.product("LD-2026-01").unwrap().clone();
    for id in ["1.1", "1.2", "1.3", "1.4", "1.5"] {
        seat.set_choice(&data, &p, 4, id, 1, 1, &Actor::Member(4))
            .unwrap();
    }
    seat.release_holds(&Actor::Member(4)).unwrap();
    let csv = ws.write("s.csv", &sheet_csv(&data, "LD-2026-01", &[4], |_, _| 3));
    let vi = refused(&ws, &["sheets", "import", csv.to_str().unwrap()]);
    assert!(vi.contains("Ghế 4 đã tự chấm sản phẩm LD-2026-01 trên máy của mình; tệp nhập không được ghi đè phiếu đó"), "{vi}");
    let sheet = seat.member_sheet(&data, &p, 4).unwrap().unwrap();
    assert!(!sheet.submitted);
    assert_eq!(sheet.entered_by, "member");
    assert_eq!(
        sheet.choices.get("1.1"),
        Some(&1),
        "the member's draft stands"
    );
}

/// Issue 11, observation 10 (input half): a reason or a comment with a control character is
/// refused by the rules, whichever front end it came from, and changes nothing.
#[test]
fn control_characters_in_reasons_and_comments_are_refused() {
    let ws = demo();
    ws.run_ok(&["attend", "--all"]);
    ws.run_ok(&["product", "open", "LD-2026-01"]);
    let vi = refused(
        &ws,
        &[
            "recuse",
            "LD-2026-01",
            "4",
            "--reason",
            "xung đột\u{7}lợi ích",
        ],
    );
    assert!(
        vi.contains(
            "Lý do có ký tự điều khiển U+0007 ở ký tự thứ 9 (chỉ cho phép tab và xuống dòng)"
        ),
        "{vi}"
    );
    let (mut store, data) = open(&ws);
    let p = data.product("LD-2026-01").unwrap().clone();
    let e = store
        .set_comment(&data, &p, 4, "ghi chú\u{1b}[31m", &Actor::Member(4))
        .unwrap_err();
    assert_eq!(
        e.text(Lang::En),
        "The comment holds the control character U+001B at character 8 (only tab and line break are allowed)"
    );
    assert!(store.recused_seats(&data, p.id).unwrap().is_empty());
    assert!(store.member_sheet(&data, &p, 4).unwrap().is_none());
}

/// The demo with everyone present and LD-2026-01 open, seat 1's paper sheet started by the
/// secretary with `ticks` (criterion, option).
fn seat_1_started(ws: &Workspace, ticks: &[(&str, u32)]) -> (Store, SessionData) {
    ws.run_ok(&["attend", "--all"]);
    ws.run_ok(&["product", "open", "LD-2026-01"]);
    let (mut store, data) = open(ws);
    let p = data.product("LD-2026-01").unwrap().clone();
    for &(criterion, option) in ticks {
        store
            .set_choice(&data, &p, 1, criterion, option, 1, &Actor::Secretary)
            .unwrap();
    }
    store.release_holds(&Actor::Secretary).unwrap();
    (store, data)
}

/// Imports paper sheets for LD-2026-01 from every scoring seat, each ticking option 1.
fn import_all_ones(
    store: &mut Store,
    data: &SessionData,
) -> (Vec<council::store::ChoiceRow>, council::store::ImportReport) {
    let text = sheet_csv(data, "LD-2026-01", &SCORING, |_, _| 1);
    let rows = council::cli::read_choice_csv("s.csv".as_ref(), text.as_bytes()).unwrap();
    let report = store
        .import_choices(data, "s.csv", text.as_bytes(), &rows)
        .unwrap();
    (rows, report)
}

/// Issue 15 (an import's audit rows were over half of its time): the log of an import is one
/// row per changed sheet, holding each changed choice's old and new option, and the chain
/// verifies after it; the log still answers for every choice (the cross-check of `audit
/// verify`, `audit show --criterion`), and an edit of a sheet's row is caught at that row.
#[test]
fn an_import_logs_each_changed_sheet_once_with_every_old_and_new_choice_and_the_chain_verifies() {
    let ws = demo();
    // Seat 1's paper sheet was started by the secretary: 1.1 differs from the file, 1.2 not.
    let (mut store, data) = seat_1_started(&ws, &[("1.1", 2), ("1.2", 1)]);
    let before = store.audit_history(data.info.id).unwrap().len();
    let (rows, report) = import_all_ones(&mut store, &data);
    assert_eq!(
        report.changed,
        rows.len() - 1,
        "1.2 of seat 1 was unchanged"
    );
    assert_eq!(report.submitted, SCORING.len());

    let logged = &store.audit_history(data.info.id).unwrap()[before..];
    assert!(logged.iter().all(|e| e.action != "choice.set"));
    let sheets: Vec<_> = logged
        .iter()
        .filter(|e| e.action == "sheet.import")
        .collect();
    assert_eq!(sheets.len(), SCORING.len(), "one row per sheet");
    let criteria: Vec<&str> = rows
        .iter()
        .filter(|r| r.seat == 1)
        .map(|r| r.criterion.as_str())
        .collect();
    for (&seat, sheet) in SCORING.iter().zip(&sheets) {
        assert_eq!(sheet.target, format!("LD-2026-01 round 1 seat {seat}"));
        assert_eq!(sheet.actor, "import:s.csv");
        // Every changed choice in the file's order, each set to option 1.
        let changed: Vec<&str> = criteria
            .iter()
            .copied()
            .filter(|&c| seat != 1 || c != "1.2")
            .collect();
        let new = changed
            .iter()
            .map(|c| format!("\"{c}\":1"))
            .collect::<Vec<_>>()
            .join(",");
        assert_eq!(sheet.new.as_deref(), Some(format!("{{{new}}}").as_str()));
        let old = (seat == 1).then_some(r#"{"1.1":2}"#);
        assert_eq!(sheet.old.as_deref(), old, "seat {seat}");
        // As choices, the row is what a row per choice would have said.
        let mut choices: Vec<_> = sheet
            .logged_choices()
            .into_iter()
            .map(|c| (c.target, c.entry, c.old, c.new))
            .collect();
        choices.sort();
        let mut expected: Vec<_> = changed
            .iter()
            .map(|c| {
                let old = (seat == 1 && *c == "1.1").then(|| "2".to_string());
                let target = format!("LD-2026-01 round 1 seat {seat} criterion {c}");
                (target, 1, old, Some("1".to_string()))
            })
            .collect();
        expected.sort();
        assert_eq!(choices, expected, "seat {seat}");
    }
    let count = |action: &str| logged.iter().filter(|e| e.action == action).count();
    assert_eq!(count("sheet.submit"), SCORING.len());
    assert_eq!(count("sheets.import"), 1);
    assert_eq!(store.audit_verify().unwrap().first_broken, None);
    assert_eq!(store.audit_cross_check().unwrap(), Vec::<String>::new());
    ws.run_ok(&["audit", "verify"]);

    // Asked for one criterion, `audit show` narrows each sheet's row to that choice.
    let shown = ws.run_ok(&["audit", "show", "--member", "1", "--criterion", "1.1"]);
    let lines: Vec<&str> = shown.lines().collect();
    assert_eq!(lines.len(), 2, "{shown}");
    assert!(
        lines[0].contains("choice.set") && lines[0].ends_with("∅ → 2"),
        "{shown}"
    );
    assert!(
        lines[1].contains("sheet.import")
            && lines[1].contains("LD-2026-01 round 1 seat 1 criterion 1.1")
            && lines[1].ends_with("2 → 1"),
        "{shown}"
    );
    let of_1_2 = ws.run_ok(&["audit", "show", "--member", "1", "--criterion", "1.2"]);
    assert_eq!(
        of_1_2.lines().count(),
        1,
        "the import left 1.2 alone: {of_1_2}"
    );

    let edited = sheets[1].seq;
    store
        .connection()
        .execute(
            "UPDATE audit SET new = replace(new, ':1', ':2') WHERE seq = ?1",
            [edited],
        )
        .unwrap();
    assert_eq!(store.audit_verify().unwrap().first_broken, Some(edited));
}

/// Issue 15: an import keeps its sheets' counts and its product's changes itself (schema 7's
/// triggers leave imported rows to it), so every screen still hears of it, a member's seat
/// too, and each sheet's stored counts are its choices.
#[test]
fn an_import_is_heard_by_every_screen_and_keeps_each_sheets_counts() {
    use council::store::ChangeScope;
    let ws = demo();
    // Seat 1's paper sheet was started by the secretary; the file completes it.
    let (mut store, data) = seat_1_started(&ws, &[("1.1", 2)]);
    let p = data.product("LD-2026-01").unwrap().clone();
    let before = store.changes(data.info.id).unwrap();
    let (_, report) = import_all_ones(&mut store, &data);
    assert_eq!(report.submitted, SCORING.len());
    let after = store.changes(data.info.id).unwrap();
    for scope in [ChangeScope::All, ChangeScope::AllButMemberTicks] {
        assert_eq!(
            after.changed_since(&before, scope),
            Some(vec![p.id]),
            "{scope:?}"
        );
    }
    let ticks = |c: &council::store::Changes| {
        c.products
            .iter()
            .find(|c| c.id == p.id)
            .unwrap()
            .member_ticks
    };
    assert_eq!(
        ticks(&after),
        ticks(&before),
        "imported rows are no member's ticks"
    );

    let criteria = p.rubric.criteria_count() as u32;
    let progress = &store.session_progress(&data, None).unwrap()[&p.id];
    let seats: Vec<(u32, u32, u32, bool)> = progress
        .iter()
        .map(|s| (s.seat, s.answered, s.reentered, s.submitted))
        .collect();
    let expected: Vec<_> = SCORING.iter().map(|&s| (s, criteria, 0, true)).collect();
    assert_eq!(seats, expected);
    assert_eq!(store.audit_count_check().unwrap(), Vec::<String>::new());
    ws.run_ok(&["audit", "verify"]);
}

/// Issue 15 (an import writes with a page cache large enough for all its pages): the
/// connection has its own cache back afterwards, whether the import was accepted or refused.
#[test]
fn an_import_gives_the_connection_its_page_cache_back() {
    let ws = demo();
    let (mut store, data) = seat_1_started(&ws, &[]);
    let cache = |store: &Store| -> i64 {
        store
            .connection()
            .query_row("PRAGMA cache_size", [], |r| r.get(0))
            .unwrap()
    };
    let before = cache(&store);
    let (rows, report) = import_all_ones(&mut store, &data);
    assert_eq!(report.rows, rows.len());
    assert_eq!(cache(&store), before, "after an accepted import");
    let text = sheet_csv(&data, "LD-2026-01", &SCORING, |_, _| 1);
    let refused = store.import_choices(&data, "s.csv", text.as_bytes(), &rows);
    assert!(refused.is_err(), "the same file twice: {refused:?}");
    assert_eq!(cache(&store), before, "after a refused import");
}
