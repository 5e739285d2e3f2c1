//! The real binary in a pseudo-terminal: a whole product scored and closed by keys, a process
//! killed mid-sheet losing nothing, and a member's seat beside the secretary's board.
//!
//! The screen is read through a terminal emulator (vt100) and every step waits for text to
//! appear rather than sleeping. COUNCIL_TEST_WAIT_SECS raises the limit on slow machines.

use std::io::Write;
use std::num::NonZeroU16;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use council::rubric::Catalog;

const COLS: u16 = 120;
const ROWS: u16 = 40;

fn wait_limit() -> Duration {
    let secs = std::env::var("COUNCIL_TEST_WAIT_SECS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(30);
    Duration::from_secs(secs)
}

struct Tui {
    session: expectrl::session::OsSession,
    parser: vt100::Parser,
}

impl Tui {
    fn spawn(args: &[&str], dir: &Path) -> Self {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_council"));
        cmd.args(args)
            .env("COUNCIL_DB", dir.join("council.db"))
            .env("COUNCIL_CONFIG_DIR", dir.join("config"))
            .env("TERM", "xterm-256color")
            .env_remove("COUNCIL_LANG");
        let mut session = expectrl::Session::spawn(cmd).expect("spawn council");
        session
            .get_process_mut()
            .set_window_size(COLS, ROWS)
            .expect("window size");
        Self {
            session,
            parser: vt100::Parser::new(
                NonZeroU16::new(ROWS).unwrap(),
                NonZeroU16::new(COLS).unwrap(),
                0,
            ),
        }
    }

    /// Reads whatever the program has written so far (it must never block on a full pty).
    fn pump(&mut self) {
        let mut buf = [0u8; 65536];
        loop {
            match self.session.try_read(&mut buf) {
                Ok(0) => break,
                Ok(n) => self.parser.process(&buf[..n]),
                Err(_) => break,
            }
        }
    }

    fn screen(&self) -> String {
        self.parser.screen().contents()
    }

    /// Waits until every one of `texts` is on screen; returns the screen.
    fn wait_for(&mut self, texts: &[&str]) -> String {
        self.wait_for_within(texts, wait_limit())
    }

    fn wait_for_within(&mut self, texts: &[&str], limit: Duration) -> String {
        let deadline = Instant::now() + limit;
        loop {
            self.pump();
            let screen = self.screen();
            if texts.iter().all(|t| screen.contains(t)) {
                return screen;
            }
            if Instant::now() > deadline {
                panic!("waited for {texts:?}; the screen shows:\n{screen}");
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Waits until `check` holds for the screen.
    fn wait_until(&mut self, what: &str, check: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + wait_limit();
        loop {
            self.pump();
            let screen = self.screen();
            if check(&screen) {
                return screen;
            }
            if Instant::now() > deadline {
                panic!("waited for {what}; the screen shows:\n{screen}");
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    fn send(&mut self, keys: &str) {
        self.session.write_all(keys.as_bytes()).expect("send keys");
        self.session.flush().expect("flush");
        self.pump();
    }

    /// Quits with Ctrl-C (from any screen) and waits for the process to end.
    fn quit(mut self) {
        self.send("\x03");
        let deadline = Instant::now() + wait_limit();
        while self.session.get_process().is_alive().unwrap_or(false) {
            self.pump();
            assert!(
                Instant::now() < deadline,
                "council did not quit:\n{}",
                self.screen()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    fn kill(self) {
        let pid = self.session.get_process().pid().as_raw();
        let status = Command::new("kill")
            .args(["-9", &pid.to_string()])
            .status()
            .unwrap();
        assert!(status.success());
        let _ = self.session.get_process().wait();
    }
}

const HOME: &str = "\x1b[H";
const TAB: &str = "\t";
const ENTER: &str = "\r";

/// The keys of a varied, always valid sheet for the first product of the demo session.
fn sheet_keys(seat: u32) -> String {
    let catalog = Catalog::shipped();
    let (_, rubric) = catalog.find("ocop-2026-07").unwrap();
    rubric
        .criteria()
        .enumerate()
        .map(|(i, (_, c))| {
            let top = c.options.len() as u32;
            let drop = u32::from((seat as usize * 7 + i * 3).is_multiple_of(5));
            top.saturating_sub(drop).max(1).to_string()
        })
        .collect()
}

/// Marks seats 1..=present present and the rest absent, opens the first product.
fn attendance_and_open(tui: &mut Tui, present: u32) {
    tui.send(TAB);
    tui.send(HOME);
    for seat in 1..=9 {
        tui.send(if seat <= present { "a" } else { "aa" });
        tui.send("j");
    }
    // The quorum counts the scoring members: seat 3, the secretary, does not score.
    let scoring = (1..=present).filter(|&seat| seat != 3).count();
    tui.wait_for(&[&format!("có mặt {scoring}/8")]);
    tui.send(TAB);
    tui.send(HOME);
    tui.send("o");
    tui.wait_for(&["Đã lưu: mở chấm LD-2026-01"]);
}

/// Enters a seat's whole sheet from the dashboard (members focused) and submits it.
fn enter_sheet(tui: &mut Tui, seat: u32) {
    tui.send(HOME);
    tui.send(&"j".repeat(seat as usize - 1));
    tui.send(ENTER);
    tui.wait_for(&[&format!("GHẾ {seat} · "), "/32 tiêu chí"]);
    tui.send(&sheet_keys(seat));
    tui.wait_for(&["Nộp phiếu này?"]);
    tui.send("y");
    tui.wait_for(&[&format!("Đã lưu: ghế {seat} nộp phiếu LD-2026-01")]);
}

#[test]
fn a_product_is_scored_closed_and_its_stars_shown() {
    let dir = tempfile::tempdir().unwrap();
    // First run on a new machine: the demo session opens.
    let mut tui = Tui::spawn(&[], dir.path());
    tui.wait_for(&[
        "Đánh giá, phân hạng sản phẩm OCOP",
        "LD-2026-01",
        "Mứt dâu tây Đà Lạt",
    ]);
    tui.wait_for(&["Thành viên: có mặt 0/8"]);
    attendance_and_open(&mut tui, 7);
    tui.send(TAB);
    for seat in [1, 2, 4, 5, 6, 7] {
        enter_sheet(&mut tui, seat);
    }
    tui.send(TAB);
    tui.send(HOME);
    tui.send("c");
    tui.wait_for(&["Đóng và tính kết quả?"]);
    tui.send("y");
    let screen = tui.wait_for(&["Điểm trung bình:", " sao"]);
    tui.quit();

    // The stars on screen are the stored result's.
    let out = Command::new(env!("CARGO_BIN_EXE_council"))
        .args(["results", "--json", "--product", "LD-2026-01"])
        .env("COUNCIL_DB", dir.path().join("council.db"))
        .env("COUNCIL_CONFIG_DIR", dir.path().join("config"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let product = &json["products"][0];
    let stars = product["stars"].as_u64().expect("ranked");
    let mean = product["mean_display"].as_str().unwrap();
    assert_eq!(
        product["counted"], 6,
        "six scoring members present (seat 3 does not score)"
    );
    let headline = screen
        .lines()
        .find(|l| l.contains("Điểm trung bình:"))
        .unwrap();
    assert!(
        headline.contains(&format!("{mean}/100"))
            && headline.contains(&format!(
                "{}{}",
                "★".repeat(stars as usize),
                "☆".repeat(5 - stars as usize)
            ))
            && shows_rank(headline, &screen, stars),
        "{headline}"
    );
}

/// The result screen's rank: "N sao" after the stars, or, for the top rank of a provincial
/// session, the proposal to the central council on the line below (Điều 7.3.e).
fn shows_rank(headline: &str, screen: &str, stars: u64) -> bool {
    if stars == 5 {
        !headline.contains("5 sao")
            && screen.contains("→ đề nghị Hội đồng cấp trung ương đánh giá 5 sao")
    } else {
        headline.contains(&format!("{stars} sao"))
    }
}

#[test]
fn a_killed_process_loses_no_saved_choice() {
    let dir = tempfile::tempdir().unwrap();
    let mut tui = Tui::spawn(&[], dir.path());
    tui.wait_for(&["LD-2026-01"]);
    attendance_and_open(&mut tui, 9);
    tui.send(TAB);
    tui.send(HOME);
    tui.send(ENTER);
    tui.wait_for(&["GHẾ 1 · ", "0/32 tiêu chí"]);
    let keys = sheet_keys(1);
    tui.send(&keys[..10]);
    // The tenth choice is on screen as saved, and then the process dies without warning.
    tui.wait_for(&["10/32 tiêu chí", "Đã lưu 2.3 = mức"]);
    tui.kill();

    let mut tui = Tui::spawn(&[], dir.path());
    tui.wait_for(&["LD-2026-01", "đang chấm"]);
    tui.send(TAB);
    tui.send(HOME);
    tui.send(ENTER);
    // Every saved choice is back, and the sheet resumes at the first unanswered criterion.
    let screen = tui.wait_for(&["10/32 tiêu chí", "tiêu chí 11/32"]);
    for (i, option) in keys[..10].chars().enumerate() {
        let id = [
            "1.1", "1.2", "1.3", "1.4", "1.5", "1.6", "1.7", "2.1", "2.2", "2.3",
        ][i];
        assert!(
            screen.contains(&format!("[{option}] {id} ")),
            "{id} lost:\n{screen}"
        );
    }
    tui.quit();
}

#[test]
fn a_member_seat_and_the_secretary_board_run_side_by_side() {
    let dir = tempfile::tempdir().unwrap();
    let mut secretary = Tui::spawn(&[], dir.path());
    secretary.wait_for(&["LD-2026-01"]);
    let mut member = Tui::spawn(&["score", "--member", "4"], dir.path());
    member.wait_for(&["Ghế 4 · Phạm Thị Ngọc Ánh", "Chưa có sản phẩm nào được mở"]);

    attendance_and_open(&mut secretary, 9);
    secretary.send("b");
    secretary.wait_for(&["Tiến độ chấm"]);
    // The member's screen shows the opened product without a key being pressed.
    member.wait_for(&["LD-2026-01", "Mứt dâu tây Đà Lạt"]);
    let board_row = |s: &str| {
        s.lines()
            .find(|l| l.contains("LD-2026-01"))
            .unwrap_or("")
            .to_string()
    };
    let seat_cell = |s: &str| {
        let row = board_row(s);
        // Columns: code (11), status (10), then 4 per seat.
        row.chars()
            .skip(1 + 11 + 10 + 3 * 4)
            .take(4)
            .collect::<String>()
    };

    member.send(ENTER);
    member.wait_for(&["0/32 tiêu chí"]);
    let keys = sheet_keys(4);
    member.send(&keys[..16]);
    member.wait_for(&["16/32 tiêu chí"]);
    secretary.wait_until("seat 4 at 50% on the board", |s| {
        seat_cell(s).contains("50%")
    });
    member.send(&keys[16..]);
    member.wait_for(&["Nộp phiếu này?"]);
    member.send("y");
    member.wait_for(&["Đã lưu: ghế 4 nộp phiếu LD-2026-01"]);
    let screen = secretary.wait_until("seat 4 submitted on the board", |s| {
        seat_cell(s).contains('✓')
    });
    // Nobody else has a sheet yet.
    assert_eq!(board_row(&screen).matches('✓').count(), 1, "{screen}");
    member.quit();
    secretary.send("\x1b");
    secretary.wait_for(&["Thành viên: có mặt 8/8"]);
    secretary.quit();
}

// ----- issue 11: locks, paste and a missing terminal ----------------------------------------

impl Tui {
    fn spawn_with(args: &[&str], dir: &Path, env: &[(&str, &str)]) -> Self {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_council"));
        cmd.args(args)
            .env("COUNCIL_DB", dir.join("council.db"))
            .env("COUNCIL_CONFIG_DIR", dir.join("config"))
            .env("TERM", "xterm-256color")
            .env_remove("COUNCIL_LANG");
        for (k, v) in env {
            cmd.env(k, v);
        }
        let mut session = expectrl::Session::spawn(cmd).expect("spawn council");
        session
            .get_process_mut()
            .set_window_size(COLS, ROWS)
            .expect("window size");
        Self {
            session,
            parser: vt100::Parser::new(
                NonZeroU16::new(ROWS).unwrap(),
                NonZeroU16::new(COLS).unwrap(),
                0,
            ),
        }
    }
}

/// Everyone present with `A`, the first product opened, seat 1's sheet on screen.
fn seat_one_sheet(tui: &mut Tui) {
    tui.wait_for(&["LD-2026-01"]);
    tui.send("A");
    tui.wait_for(&["có mặt 8/8"]);
    tui.send(HOME);
    tui.send("o");
    tui.wait_for(&["Đã lưu: mở chấm LD-2026-01"]);
    tui.send(TAB);
    tui.send(HOME);
    tui.send(ENTER);
    tui.wait_for(&["GHẾ 1 · ", "0/32 tiêu chí"]);
}

/// The choices stored for seat 1 of the first product.
fn stored_choices(dir: &Path) -> std::collections::BTreeMap<String, u32> {
    let store = council::store::Store::open(&dir.join("council.db")).unwrap();
    let id = store.find_session(None).unwrap().id;
    let data = store.load_session(id).unwrap();
    let product = &data.products[0];
    store
        .member_sheet(&data, product, 1)
        .unwrap()
        .map(|s| s.choices)
        .unwrap_or_default()
}

#[test]
fn a_key_pressed_during_a_lock_never_lands_on_another_criterion() {
    let dir = tempfile::tempdir().unwrap();
    let mut tui = Tui::spawn_with(&[], dir.path(), &[("COUNCIL_BUSY_TIMEOUT_MS", "1500")]);
    seat_one_sheet(&mut tui);
    // Another program holds the write lock.
    let other = rusqlite::Connection::open(dir.path().join("council.db")).unwrap();
    other.execute_batch("BEGIN EXCLUSIVE").unwrap();
    // The member types 2 for 1.1, then 3 meant for 1.2.
    tui.send("2");
    tui.wait_for(&["Đang chờ cơ sở dữ liệu…"]);
    tui.send("3");
    tui.wait_for(&["phím vừa nhấn không được nhận"]);
    // The lock outlives the wait: 1.1 is marked not saved, and the cursor stays on it.
    let screen = tui.wait_for(&["CHƯA LƯU", "1.1 = mức 2 CHƯA LƯU"]);
    assert!(screen.contains("[✖2] CHƯA LƯU 1.1"), "{screen}");
    assert!(screen.contains("tiêu chí 1/32"), "{screen}");
    assert!(screen.contains("0/32 tiêu chí"), "{screen}");
    other.execute_batch("ROLLBACK").unwrap();
    drop(other);
    assert!(
        stored_choices(dir.path()).is_empty(),
        "nothing was saved blind"
    );
    // Once the lock is gone the same keys do what the screen says.
    tui.send("2");
    tui.wait_for(&["Đã lưu 1.1 = mức 2", "tiêu chí 2/32"]);
    tui.send("3");
    tui.wait_for(&["Đã lưu 1.2 = mức 3"]);
    let stored = stored_choices(dir.path());
    assert_eq!(
        stored.into_iter().collect::<Vec<_>>(),
        [("1.1".to_string(), 2), ("1.2".to_string(), 3)]
    );
    tui.quit();
}

#[test]
fn a_paste_is_text_for_the_field_and_never_keys() {
    let dir = tempfile::tempdir().unwrap();
    let mut tui = Tui::spawn(&[], dir.path());
    seat_one_sheet(&mut tui);
    // Pasted onto the sheet itself: not a choice.
    tui.send("\x1b[200~3\n2\n\x1b[201~");
    tui.wait_for(&["Văn bản dán chỉ vào ô nhập"]);
    // Into the comment: every character, on one line, however long.
    tui.send("m");
    tui.wait_for(&["Ý kiến của thành viên"]);
    let long = format!("Mứt ngon\n3\n{}hết", "rất ".repeat(400));
    tui.send(&format!("\x1b[200~{long}\x1b[201~"));
    tui.send(ENTER);
    tui.wait_for(&["Đã lưu ý kiến"]);
    let screen = tui.wait_for(&["Ý kiến: Mứt ngon 3 rất"]);
    assert!(screen.contains("0/32 tiêu chí"), "{screen}");
    assert!(stored_choices(dir.path()).is_empty());
    tui.quit();
    let store = council::store::Store::open(&dir.path().join("council.db")).unwrap();
    let id = store.find_session(None).unwrap().id;
    let data = store.load_session(id).unwrap();
    let sheet = store
        .member_sheet(&data, &data.products[0], 1)
        .unwrap()
        .unwrap();
    assert_eq!(sheet.comment, long.replace('\n', " "));
}

#[test]
fn without_a_terminal_the_workbench_refuses_to_start() {
    let dir = tempfile::tempdir().unwrap();
    // Keys from a pipe, screen to a pipe.
    let out = Command::new(env!("CARGO_BIN_EXE_council"))
        .env("COUNCIL_DB", dir.path().join("council.db"))
        .env("COUNCIL_CONFIG_DIR", dir.path().join("config"))
        .env_remove("COUNCIL_LANG")
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("stdin không phải terminal"), "{stderr}");
    // Keys from a terminal, the screen redirected to a file.
    let file = dir.path().join("screen.txt");
    let mut cmd = Command::new("sh");
    cmd.args(["-c", &format!("\"$0\" > '{}'", file.display())])
        .arg(env!("CARGO_BIN_EXE_council"))
        .env("COUNCIL_DB", dir.path().join("council.db"))
        .env("COUNCIL_CONFIG_DIR", dir.path().join("config"))
        .env("COUNCIL_LANG", "en")
        .env("TERM", "xterm-256color");
    let mut session = expectrl::Session::spawn(cmd).expect("spawn");
    let mut parser = vt100::Parser::new(
        NonZeroU16::new(ROWS).unwrap(),
        NonZeroU16::new(COLS).unwrap(),
        0,
    );
    let deadline = Instant::now() + wait_limit();
    loop {
        let mut buf = [0u8; 4096];
        if let Ok(n) = session.try_read(&mut buf) {
            parser.process(&buf[..n]);
        }
        let screen = parser.screen().contents();
        if screen.contains("stdout is not a terminal") {
            break;
        }
        assert!(Instant::now() < deadline, "no refusal:\n{screen}");
        std::thread::sleep(Duration::from_millis(20));
    }
    // Nothing was drawn into the file.
    let drawn = std::fs::read(&file).unwrap_or_default();
    assert!(drawn.is_empty(), "{} bytes drawn", drawn.len());
}

// ----- issue 13: the whole meeting of the demo session, as a secretary plays it ------------

/// The keys of one member's sheet for `rubric`: varied and valid; `low` picks option 1
/// everywhere (a sheet far below the others, for a spread breach).
/// Options are those of case 1 where the set has alternative cases (set 26).
fn sheet_keys_for(rubric: &council::rubric::Rubric, seat: u32, low: bool) -> String {
    let case = (council::meeting::rubric_cases(rubric) > 0).then_some(1);
    rubric
        .criteria()
        .enumerate()
        .map(|(i, (_, c))| {
            let allowed = council::meeting::options_in_case(c, case);
            if low {
                return allowed[0].to_string();
            }
            let drop = usize::from((seat as usize * 7 + i * 3).is_multiple_of(5));
            allowed[allowed.len().saturating_sub(1 + drop)].to_string()
        })
        .collect()
}

/// The council's eight scoring members (seat 3, the secretary, does not score) enter their
/// sheets one after the other: after each submit the cursor is already on the next seat.
fn score_every_sheet(tui: &mut Tui, product: &council::store::ProductRow, low_seat: Option<u32>) {
    let code = &product.code;
    for seat in [1, 2, 4, 5, 6, 7, 8, 9] {
        tui.send(ENTER);
        tui.wait_for(&[&format!("GHẾ {seat} · "), "tiêu chí ·"]);
        tui.send(&sheet_keys_for(
            &product.rubric,
            seat,
            low_seat == Some(seat),
        ));
        tui.wait_for(&["Nộp phiếu này?"]);
        tui.send("y");
        tui.wait_for(&[&format!("Đã lưu: ghế {seat} nộp phiếu {code}")]);
    }
}

#[test]
fn the_whole_meeting_of_the_demo_session() {
    let dir = tempfile::tempdir().unwrap();
    let mut tui = Tui::spawn_in(&[], dir.path());
    tui.wait_for(&["LD-2026-01", "Thành viên: có mặt 0/8"]);
    let products = {
        let store = council::store::Store::open(&dir.path().join("council.db")).unwrap();
        let id = store.find_session(None).unwrap().id;
        store.load_session(id).unwrap().products
    };
    // Attendance for nine in one key.
    tui.send("A");
    tui.wait_for(&["Thành viên: có mặt 8/8", "Đã lưu: 9 thành viên có mặt"]);
    let mut headlines = Vec::new();
    for (n, product) in products.iter().enumerate() {
        let code = &product.code;
        tui.send(HOME);
        tui.send(&"j".repeat(n));
        if code == "LD-2026-03" {
            // A knock-out on the first condition of the criteria set, with its reason.
            tui.send("x");
            tui.wait_for(&["Loại sản phẩm", "1. "]);
            tui.send("1");
            tui.send(ENTER);
            tui.wait_for(&["Lý do Hội đồng quyết định loại:"]);
            tui.send("Không có giấy chứng nhận an toàn thực phẩm");
            tui.send(ENTER);
            tui.wait_for(&["Đã lưu: loại LD-2026-03"]);
            continue;
        }
        tui.send("o");
        if crate_has_cases(product) {
            // Set 26: the case is chosen once for the product, before anyone scores.
            tui.wait_for(&["Trường hợp áp dụng — số"]);
            tui.send("1");
            tui.send(ENTER);
            tui.wait_for(&[&format!("Sản phẩm {code} chấm theo trường hợp 1")]);
            tui.send("o");
        }
        tui.wait_for(&[&format!("Đã lưu: mở chấm {code}")]);
        tui.send(TAB);
        let low = (code == "LD-2026-02").then_some(9);
        score_every_sheet(&mut tui, product, low);
        tui.send(TAB);
        tui.send("c");
        if code == "LD-2026-02" {
            // The spread breach is in the close question, and the result sends it to a
            // new round, which the council scores again (one product open at a time).
            tui.wait_for(&["VƯỢT mức 10", "Vẫn đóng và tính kết quả?"]);
            tui.send("y");
            tui.wait_for(&["Điểm trung bình:", "VƯỢT mức 10"]);
            tui.send("n");
            tui.wait_for(&["Chấm lại vòng mới — lý do"]);
            tui.send("Chênh lệch vượt mức cho phép");
            tui.send(ENTER);
            tui.wait_for(&["Đã lưu: LD-2026-02 mở vòng chấm mới", "đang chấm (v2)"]);
            tui.send(TAB);
            score_every_sheet(&mut tui, product, None);
            tui.send(TAB);
            tui.send("c");
        }
        tui.wait_for(&["Đóng và tính kết quả?"]);
        tui.send("y");
        let screen = tui.wait_for(&["Điểm trung bình:", " sao"]);
        let headline = screen
            .lines()
            .find(|l| l.contains("Điểm trung bình:"))
            .unwrap()
            .to_string();
        headlines.push((code.clone(), headline, screen));
        tui.send("\x1b");
        tui.wait_for(&["Sản phẩm (10)"]);
    }
    // The projector on the first product: its stars and mean in large type, nobody's name.
    tui.send(HOME);
    tui.send("p");
    let screen = tui.wait_for(&["KẾT QUẢ", "Điểm trung bình / 100"]);
    assert!(!screen.contains("Nguyễn Văn Hùng"), "{screen}");
    tui.send("\x1b");
    tui.wait_for(&["Sản phẩm (10)"]);
    // The export, into the folder offered (beside where council runs).
    tui.send("E");
    tui.wait_for(&["Xuất biên bản"]);
    tui.send(ENTER);
    // Every format, PDF included, on a machine busy with other tests: allow it time.
    tui.wait_for_within(&["Đã xuất "], wait_limit() * 6);
    tui.quit();

    // Every result read off the screen is the stored one.
    let out = Command::new(env!("CARGO_BIN_EXE_council"))
        .args(["results", "--json"])
        .env("COUNCIL_DB", dir.path().join("council.db"))
        .env("COUNCIL_CONFIG_DIR", dir.path().join("config"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(headlines.len(), 9);
    for (code, headline, screen) in &headlines {
        let p = json["products"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["code"] == code.as_str())
            .unwrap();
        let mean = p["mean_display"].as_str().unwrap();
        let stars = p["stars"].as_u64().unwrap_or(0);
        assert!(
            headline.contains(&format!("{mean}/100")) && shows_rank(headline, screen, stars),
            "{code}: {headline} vs {p}"
        );
    }
    let knocked = json["products"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["code"] == "LD-2026-03")
        .unwrap();
    assert!(knocked.to_string().contains("giấy chứng nhận"), "{knocked}");
    let folder = std::fs::read_dir(dir.path())
        .unwrap()
        .filter_map(Result::ok)
        .find(|e| e.file_name().to_string_lossy().starts_with("council-"))
        .expect("export folder");
    assert!(std::fs::read_dir(folder.path()).unwrap().count() >= 6);
}

fn crate_has_cases(product: &council::store::ProductRow) -> bool {
    council::meeting::rubric_cases(&product.rubric) > 0
}

impl Tui {
    /// Like `spawn`, running in `dir` (so the export's default folder lands there).
    fn spawn_in(args: &[&str], dir: &Path) -> Self {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_council"));
        cmd.args(args)
            .current_dir(dir)
            // 72 sheets typed at full speed on a shared machine: a slow fsync must never
            // look like a held lock (which refuses keys).
            .env("COUNCIL_WRITE_PATIENCE_MS", "20000")
            .env("COUNCIL_DB", dir.join("council.db"))
            .env("COUNCIL_CONFIG_DIR", dir.join("config"))
            .env("TERM", "xterm-256color")
            .env_remove("COUNCIL_LANG");
        let mut session = expectrl::Session::spawn(cmd).expect("spawn council");
        session
            .get_process_mut()
            .set_window_size(COLS, ROWS)
            .expect("window size");
        Self {
            session,
            parser: vt100::Parser::new(
                NonZeroU16::new(ROWS).unwrap(),
                NonZeroU16::new(COLS).unwrap(),
                0,
            ),
        }
    }
}
