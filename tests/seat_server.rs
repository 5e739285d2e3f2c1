//! `council serve` with the real OpenSSH client: members sign in by seat code from their own
//! "laptops" (an `ssh` in a pseudo-terminal each, the host key pinned in a temporary
//! known_hosts), score over the connection, and reach nothing else.
//!
//! Screens are read through a terminal emulator (vt100) and every step waits for text rather
//! than sleeping; COUNCIL_TEST_WAIT_SECS raises the limit on slow machines. Without an `ssh`
//! client on the machine the tests say so and pass (`.ci/run` installs one).

use crate::common;

use std::io::{BufRead, BufReader, Write};
use std::num::NonZeroU16;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::Workspace;

const COLS: u16 = 110;
const ROWS: u16 = 34;

fn wait_limit() -> Duration {
    let secs = std::env::var("COUNCIL_TEST_WAIT_SECS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(30);
    Duration::from_secs(secs)
}

fn have_ssh() -> bool {
    let found = Command::new("ssh").arg("-V").output().is_ok();
    if !found {
        eprintln!("skipped: no OpenSSH client (`ssh`) on this machine");
    }
    found
}

/// A running `council serve` on a free loopback port.
struct Server {
    child: Child,
    port: u16,
    known_hosts: PathBuf,
    fingerprint: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The demo session with everyone present and the first product open, served.
fn meeting(ws: &Workspace) -> Server {
    ws.run_ok(&[
        "session",
        "new",
        common::repo_path("sessions/demo.toml").to_str().unwrap(),
    ]);
    ws.run_ok(&["attend", "--all"]);
    ws.run_ok(&["product", "open", "LD-2026-01"]);
    serve(ws)
}

fn serve(ws: &Workspace) -> Server {
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_council"))
        .args(["serve", "--listen", "127.0.0.1:0", "--headless"])
        .env("COUNCIL_DB", ws.db())
        .env("COUNCIL_CONFIG_DIR", ws.dir.path().join("config"))
        .env_remove("COUNCIL_LANG")
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("start council serve");
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut port = None;
    let mut fingerprint = String::new();
    for line in lines.by_ref() {
        let line = line.expect("serve output");
        if let Some(rest) = line.split("đang nghe tại 127.0.0.1:").nth(1) {
            port = rest.trim_end_matches('.').parse().ok();
        }
        if let Some(f) = line.split(": SHA256:").nth(1) {
            fingerprint = format!("SHA256:{f}");
        }
        if line.contains("Ctrl-C") {
            break;
        }
    }
    // Keep reading so the server never blocks on a full pipe.
    std::thread::spawn(move || for _ in lines {});
    let port = port.expect("serve printed its port");
    // Pin the host key the server created beside the database, as a member who compared the
    // fingerprint would.
    let key_path = ws.dir.path().join("council.db.host_key");
    let key = russh::keys::PrivateKey::from_openssh(std::fs::read(&key_path).unwrap()).unwrap();
    assert_eq!(
        key.public_key()
            .fingerprint(russh::keys::HashAlg::Sha256)
            .to_string(),
        fingerprint,
        "the fingerprint printed is the host key's"
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&key_path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "the host key is private");
    }
    let known_hosts = ws.dir.path().join("known_hosts");
    std::fs::write(
        &known_hosts,
        format!(
            "[127.0.0.1]:{port} {}\n",
            key.public_key().to_openssh().unwrap()
        ),
    )
    .unwrap();
    Server {
        child,
        port,
        known_hosts,
        fingerprint,
    }
}

/// The code of a seat (`ghe4`) as `council seat codes` prints it.
fn code_of(ws: &Workspace, login: &str) -> String {
    let table = ws.run_ok(&["seat", "codes"]);
    table
        .lines()
        .find(|l| l.split_whitespace().any(|w| w == login))
        .and_then(|l| {
            l.split_whitespace()
                .find(|w| w.len() == 6 && w.bytes().all(|b| b.is_ascii_digit()))
        })
        .unwrap_or_else(|| panic!("no code for {login} in\n{table}"))
        .to_string()
}

/// One member's `ssh` in a pseudo-terminal; everything the channel sent is kept.
struct Ssh {
    session: expectrl::session::OsSession,
    parser: vt100::Parser,
    /// Every screen state seen, one per chunk read (what a member could have seen).
    screens: Vec<String>,
    raw: Vec<u8>,
}

impl Ssh {
    /// An interactive `ssh` (a pseudo-terminal of COLS × ROWS), as a member starts it.
    fn spawn(server: &Server, login: &str, extra: &[&str]) -> Self {
        Self::spawn_command(server, login, extra, &[])
    }

    /// `ssh [extra] login@127.0.0.1 [command]` with the pinned host key and code sign-in only.
    fn spawn_command(server: &Server, login: &str, extra: &[&str], command: &[&str]) -> Self {
        let mut cmd = Command::new("ssh");
        // ssh keeps the first value given for an option: the test's own come first.
        cmd.args(extra)
            .args([
                "-F",
                "/dev/null",
                "-p",
                &server.port.to_string(),
                "-o",
                &format!("UserKnownHostsFile={}", server.known_hosts.display()),
                "-o",
                "StrictHostKeyChecking=yes",
                "-o",
                "PubkeyAuthentication=no",
                "-o",
                "PreferredAuthentications=keyboard-interactive",
                "-o",
                "NumberOfPasswordPrompts=1",
                "-o",
                "LogLevel=ERROR",
            ])
            .arg(format!("{login}@127.0.0.1"))
            .args(command)
            .env("TERM", "xterm-256color");
        let mut session = expectrl::Session::spawn(cmd).expect("spawn ssh");
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
            screens: Vec::new(),
            raw: Vec::new(),
        }
    }

    fn pump(&mut self) {
        let mut buf = [0u8; 65536];
        loop {
            match self.session.try_read(&mut buf) {
                Ok(0) => break,
                Ok(n) => {
                    self.raw.extend_from_slice(&buf[..n]);
                    self.parser.process(&buf[..n]);
                    self.screens.push(self.parser.screen().contents());
                }
                Err(_) => break,
            }
        }
    }

    fn screen(&self) -> String {
        self.parser.screen().contents()
    }

    /// Everything printed so far, as text (prompts and messages outside the screen too).
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.raw).into_owned()
    }

    fn wait_for(&mut self, texts: &[&str]) -> String {
        let deadline = Instant::now() + wait_limit();
        loop {
            self.pump();
            let screen = self.screen();
            let text = self.text();
            if texts.iter().all(|t| screen.contains(t) || text.contains(t)) {
                return screen;
            }
            if Instant::now() > deadline {
                panic!("waited for {texts:?}; the screen shows:\n{screen}\n--- raw:\n{text}");
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    fn send(&mut self, keys: &str) {
        self.session.write_all(keys.as_bytes()).expect("send keys");
        self.session.flush().expect("flush");
        self.pump();
    }

    /// Signs in with `code` at the prompt.
    fn sign_in(&mut self, code: &str) {
        self.wait_for(&["Mã của"]);
        self.send(&format!("{code}\r"));
    }

    /// Waits for `ssh` to end; its exit status.
    fn ended(&mut self) -> i32 {
        use expectrl::process::unix::WaitStatus;
        let deadline = Instant::now() + wait_limit();
        loop {
            self.pump();
            match self.session.get_process().status() {
                Ok(WaitStatus::Exited(_, code)) => {
                    self.pump();
                    return code;
                }
                Ok(WaitStatus::Signaled(..)) => return -1,
                _ => {}
            }
            assert!(
                Instant::now() < deadline,
                "ssh did not end:\n{}",
                self.text()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

/// The keys of one valid sheet for the first product: option 1 everywhere when `low`, else
/// each criterion's top option.
fn sheet_keys(low: bool) -> String {
    let catalog = council::rubric::Catalog::shipped();
    let (_, rubric) = catalog.find("ocop-2026-07").unwrap();
    rubric
        .criteria()
        .map(|(_, c)| {
            if low {
                "1".to_string()
            } else {
                c.options.len().to_string()
            }
        })
        .collect()
}

fn query(db: &Path, sql: &str) -> i64 {
    let conn = rusqlite::Connection::open(db).unwrap();
    conn.query_row(sql, [], |r| r.get(0)).unwrap()
}

fn choices_of(db: &Path, seat: u32) -> i64 {
    query(
        db,
        &format!(
            "SELECT count(*) FROM choices c JOIN members m ON m.id = c.member_id WHERE m.seat = {seat}"
        ),
    )
}

/// What a refused request may change: nothing but sign-in bookkeeping.
fn meeting_rows(db: &Path) -> (i64, i64, i64) {
    (
        query(db, "SELECT count(*) FROM choices"),
        query(db, "SELECT count(*) FROM sheets"),
        query(
            db,
            "SELECT count(*) FROM audit WHERE action NOT LIKE 'seat.%'",
        ),
    )
}

#[test]
fn two_members_score_a_whole_product_at_once_over_ssh() {
    if !have_ssh() {
        return;
    }
    let ws = Workspace::new();
    let server = meeting(&ws);
    let mut four = Ssh::spawn(&server, "ghe4", &[]);
    let mut five = Ssh::spawn(&server, "ghe5", &[]);
    four.sign_in(&code_of(&ws, "ghe4"));
    five.sign_in(&code_of(&ws, "ghe5"));
    // Each lands on the open product's sheet, at its first criterion.
    four.wait_for(&["ĐANG CHẤM CHO: GHẾ 4", "0/32 tiêu chí"]);
    five.wait_for(&["ĐANG CHẤM CHO: GHẾ 5", "0/32 tiêu chí"]);
    let (low, high) = (sheet_keys(true), sheet_keys(false));
    // Interleaved, as members type around a table.
    for (a, b) in low.chars().zip(high.chars()) {
        four.send(&a.to_string());
        five.send(&b.to_string());
    }
    four.wait_for(&["Nộp phiếu này?"]);
    five.wait_for(&["Nộp phiếu này?"]);
    four.send("y");
    five.send("y");
    four.wait_for(&["Đã lưu: ghế 4 nộp phiếu LD-2026-01"]);
    five.wait_for(&["Đã lưu: ghế 5 nộp phiếu LD-2026-01"]);

    let db = ws.db();
    assert_eq!(choices_of(&db, 4), 32);
    assert_eq!(choices_of(&db, 5), 32);
    assert_eq!(
        query(
            &db,
            "SELECT count(*) FROM sheets s JOIN members m ON m.id = s.member_id
             WHERE m.seat IN (4, 5) AND s.status = 'submitted' AND s.entered_by = 'member'"
        ),
        2
    );
    // Every choice was the one typed, on the criterion shown.
    let catalog = council::rubric::Catalog::shipped();
    let (_, rubric) = catalog.find("ocop-2026-07").unwrap();
    let top: i64 = rubric.criteria().map(|(_, c)| c.options.len() as i64).sum();
    let sum = |seat: u32| {
        query(
            &db,
            &format!(
                "SELECT sum(option) FROM choices c JOIN members m ON m.id = c.member_id WHERE m.seat = {seat}"
            ),
        )
    };
    assert_eq!(sum(4), 32);
    assert_eq!(sum(5), top);
    // The audit names the seats and their connections.
    assert_eq!(
        query(
            &db,
            "SELECT count(*) FROM audit WHERE action = 'seat.connect' AND new LIKE '#% 127.0.0.1:%'"
        ),
        2
    );
    assert!(query(&db, "SELECT count(*) FROM audit WHERE actor = 'member:5'") >= 33);

    // Confidentiality: nothing of seat 5's sheet ever reached seat 4's channel while the
    // product was open — not its member, not its total, not one of its ticks.
    let five_total: i64 = query(
        &db,
        "SELECT sum(points) FROM choices c JOIN members m ON m.id = c.member_id WHERE m.seat = 5",
    );
    let four_total: i64 = query(
        &db,
        "SELECT sum(points) FROM choices c JOIN members m ON m.id = c.member_id WHERE m.seat = 4",
    );
    assert_ne!(five_total, four_total);
    four.pump();
    let seen = four.screens.join("\n");
    for secret in [
        "GHẾ 5".to_string(),
        "Ghế 5".to_string(),
        "Hoàng Văn Lợi".to_string(),
        format!("{five_total}/100"),
    ] {
        assert!(!seen.contains(&secret), "seat 4 saw {secret:?}");
    }
    assert!(seen.contains(&format!("{four_total}/100")));
    let raw = four.text();
    assert!(!raw.contains("Hoàng Văn Lợi"));
    assert!(
        !seen.contains("[4] ") && !seen.contains("[5] "),
        "only option 1 was ticked at seat 4"
    );
}

#[test]
fn wrong_codes_are_counted_and_lock_the_seat_until_the_secretary_frees_it() {
    if !have_ssh() {
        return;
    }
    let ws = Workspace::new();
    let server = meeting(&ws);
    let db = ws.db();
    let before = meeting_rows(&db);
    let right = code_of(&ws, "ghe4");
    let wrong = if right == "000000" {
        "111111"
    } else {
        "000000"
    };
    for tries_left in (1..=4).rev() {
        let mut ssh = Ssh::spawn(&server, "ghe4", &[]);
        ssh.sign_in(wrong);
        assert_ne!(ssh.ended(), 0);
        // The next prompt would say how many tries are left; the database counts them.
        assert_eq!(
            query(&db, "SELECT failures FROM seat_access WHERE place = 4"),
            5 - tries_left
        );
    }
    let mut fifth = Ssh::spawn(&server, "ghe4", &[]);
    fifth.sign_in(wrong);
    assert_ne!(fifth.ended(), 0);
    assert_eq!(
        query(&db, "SELECT locked FROM seat_access WHERE place = 4"),
        1
    );

    // Locked: even the right code is refused, and the prompt says why.
    let mut locked = Ssh::spawn(&server, "ghe4", &[]);
    locked.wait_for(&["Ghế 4 đã bị khoá sau 5 lần nhập sai mã; xin thư ký mở khoá"]);
    locked.send(&format!("{right}\r"));
    assert_ne!(locked.ended(), 0);
    assert_eq!(query(&db, "SELECT count(*) FROM seat_connections"), 0);
    assert_eq!(
        meeting_rows(&db),
        before,
        "refused sign-ins change nothing of the meeting"
    );
    assert_eq!(
        query(&db, "SELECT count(*) FROM audit WHERE action = 'seat.lock'"),
        1
    );

    // Another seat is not affected; the secretary frees seat 4 and it signs in.
    ws.run_ok(&["seat", "unlock", "ghe4"]);
    let mut again = Ssh::spawn(&server, "ghe4", &[]);
    again.sign_in(&right);
    again.wait_for(&["ĐANG CHẤM CHO: GHẾ 4"]);
}

#[test]
fn a_wrong_code_says_how_many_tries_are_left_in_english_too() {
    if !have_ssh() {
        return;
    }
    let ws = Workspace::new();
    let server = meeting(&ws);
    let mut ssh = Ssh::spawn(&server, "ghe4.en", &["-o", "NumberOfPasswordPrompts=2"]);
    ssh.wait_for(&["Code for seat 4"]);
    ssh.send("999999x\r");
    ssh.wait_for(&["Wrong code for seat 4; 4 tries left before it is locked"]);
    let mut nobody = Ssh::spawn(&server, "root", &[]);
    nobody.wait_for(&["\"root\" không phải là ghế của phiên này"]);
    nobody.send("\r");
    assert_ne!(nobody.ended(), 0);
}

#[test]
fn commands_forwarding_and_sftp_are_refused_and_change_nothing() {
    if !have_ssh() {
        return;
    }
    let ws = Workspace::new();
    let server = meeting(&ws);
    let db = ws.db();
    let before = meeting_rows(&db);
    let code = code_of(&ws, "ghe4");

    // A command (here the one that printed every member's scores in a shared shell).
    let mut command = Ssh::spawn_command(
        &server,
        "ghe4",
        &[],
        &["council", "results", "--product", "LD-2026-02"],
    );
    command.sign_in(&code);
    command.wait_for(&["máy chủ ghế chỉ mở màn hình chấm điểm"]);
    assert_ne!(command.ended(), 0);

    // Stdio forwarding (a direct-tcpip channel) to the server's own port.
    let target = format!("127.0.0.1:{}", server.port);
    let mut forward = Ssh::spawn(&server, "ghe4", &["-W", &target]);
    forward.sign_in(&code);
    forward.wait_for(&["forwarding failed"]);
    assert_ne!(forward.ended(), 0);

    // Remote forwarding.
    let mut remote = Ssh::spawn(
        &server,
        "ghe4",
        &[
            "-N",
            "-o",
            "ExitOnForwardFailure=yes",
            "-R",
            "0:127.0.0.1:9",
        ],
    );
    remote.sign_in(&code);
    remote.wait_for(&["forwarding failed"]);
    assert_ne!(remote.ended(), 0);

    // A subsystem (sftp).
    let mut sftp = Ssh::spawn_command(&server, "ghe4", &["-s"], &["sftp"]);
    sftp.sign_in(&code);
    assert_ne!(sftp.ended(), 0);
    assert!(!sftp.text().contains("ĐANG CHẤM"));

    assert_eq!(meeting_rows(&db), before);
    assert_eq!(
        query(&db, "SELECT count(*) FROM seat_connections"),
        0,
        "no screen was opened"
    );
}

#[test]
fn a_dropped_connection_resumes_where_it_stopped_and_the_newer_connection_wins() {
    if !have_ssh() {
        return;
    }
    let ws = Workspace::new();
    let server = meeting(&ws);
    let db = ws.db();
    let code = code_of(&ws, "ghe4");
    let keys = sheet_keys(false);

    let mut first = Ssh::spawn(&server, "ghe4", &[]);
    first.sign_in(&code);
    first.wait_for(&["0/32 tiêu chí"]);
    first.send(&keys[..5]);
    first.wait_for(&["5/32 tiêu chí"]);
    // The Wi-Fi drops: the client is gone without a goodbye.
    let pid = first.session.get_process().pid().as_raw();
    Command::new("kill")
        .args(["-9", &pid.to_string()])
        .status()
        .unwrap();
    assert_eq!(
        choices_of(&db, 4),
        5,
        "every choice was saved when it was made"
    );

    let mut second = Ssh::spawn(&server, "ghe4", &[]);
    second.sign_in(&code);
    // Back on the sheet at its first unanswered criterion (the sixth).
    second.wait_for(&["5/32 tiêu chí", "tiêu chí 6/32"]);

    // The same seat from a third machine takes over; the second is told and closed.
    let mut third = Ssh::spawn(&server, "ghe4", &[]);
    third.sign_in(&code);
    second.wait_for(&["Ghế này vừa được mở từ một kết nối mới hơn"]);
    second.ended();
    third.wait_for(&["5/32 tiêu chí", "tiêu chí 6/32"]);
    third.send(&keys[5..]);
    third.wait_for(&["Nộp phiếu này?"]);
    third.send("y");
    third.wait_for(&["Đã lưu: ghế 4 nộp phiếu LD-2026-01"]);
    assert_eq!(choices_of(&db, 4), 32);
    assert_eq!(
        query(
            &db,
            "SELECT count(*) FROM seat_connections WHERE ended_at IS NULL"
        ),
        1,
        "only the newest connection is open"
    );
}

#[test]
fn the_room_display_shows_how_many_sheets_are_in_and_the_secretary_can_disconnect_a_seat() {
    if !have_ssh() {
        return;
    }
    let ws = Workspace::new();
    let server = meeting(&ws);
    let mut display = Ssh::spawn(&server, "phong", &[]);
    display.wait_for(&["Mã của màn hình chiếu"]);
    display.send(&format!("{}\r", code_of(&ws, "phong")));
    display.wait_for(&["LD-2026-01", "0/8 phiếu đã nộp"]);

    let mut four = Ssh::spawn(&server, "ghe4", &[]);
    four.sign_in(&code_of(&ws, "ghe4"));
    four.wait_for(&["0/32 tiêu chí"]);
    four.send(&sheet_keys(true));
    four.wait_for(&["Nộp phiếu này?"]);
    four.send("y");
    four.wait_for(&["Đã lưu: ghế 4 nộp phiếu LD-2026-01"]);
    // The projector follows without a key pressed, and never says whose sheet.
    display.wait_for(&["1/8 phiếu đã nộp"]);
    assert!(!display.screens.join("\n").contains("Phạm Thị Ngọc Ánh"));

    // The codes table shows who is connected from where; the secretary disconnects seat 4.
    let table = ws.run_ok(&["seat", "codes"]);
    let row = table.lines().find(|l| l.contains(" ghe4 ")).unwrap();
    assert!(row.contains("đang kết nối từ 127.0.0.1:"), "{table}");
    ws.run_ok(&["seat", "disconnect", "ghe4"]);
    four.wait_for(&["Thư ký đã ngắt kết nối ghế này"]);
    four.ended();
    let _ = server.fingerprint.len();
}
