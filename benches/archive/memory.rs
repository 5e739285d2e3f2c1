//! Peak resident memory of the real `council` binary on the archive: it runs in a
//! pseudo-terminal on its newest session, shows the dashboard, the summary, the progress board
//! and a product's result, and its high-water mark (`VmHWM` in `/proc/PID/status`) is read
//! just before it quits.

use std::io::Write;
use std::num::NonZeroU16;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use crate::startup::{HEIGHT, WIDTH};

/// Peak resident memory in bytes, or why it could not be measured.
pub fn peak_rss(db: &Path) -> Result<u64, String> {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_council"));
    cmd.arg("--db")
        .arg(db)
        .env("COUNCIL_CONFIG_DIR", db.with_extension("config"))
        .env("TERM", "xterm-256color")
        .env("COUNCIL_LANG", "vi");
    let mut session = expectrl::Session::spawn(cmd).map_err(|e| format!("spawn: {e}"))?;
    session
        .get_process_mut()
        .set_window_size(WIDTH, HEIGHT)
        .map_err(|e| format!("window size: {e}"))?;
    let pid = session.get_process().pid().as_raw();
    let mut screen = vt100::Parser::new(
        NonZeroU16::new(HEIGHT).expect("rows"),
        NonZeroU16::new(WIDTH).expect("columns"),
        0,
    );
    let mut wait_for = |session: &mut expectrl::session::OsSession, text: &str| {
        let deadline = Instant::now() + Duration::from_secs(60);
        let mut buf = [0u8; 65536];
        loop {
            while let Ok(n @ 1..) = session.try_read(&mut buf) {
                screen.process(&buf[..n]);
            }
            let contents = screen.screen().contents();
            if contents.contains(text) {
                return Ok(());
            }
            if Instant::now() > deadline {
                return Err(format!(
                    "waited for {text:?}; the screen shows:\n{contents}"
                ));
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    };
    let send = |session: &mut expectrl::session::OsSession, keys: &str| {
        session
            .write_all(keys.as_bytes())
            .and_then(|()| session.flush())
    };
    // The dashboard, then the summary, the progress board and the first product's result.
    const DASHBOARD: &str = "Sản phẩm (";
    wait_for(&mut session, DASHBOARD)?;
    for (keys, shown) in [
        ("s", "Tổng hợp phiên"),
        ("\x1b", DASHBOARD),
        ("b", "Tiến độ chấm"),
        ("\x1b", DASHBOARD),
        ("v", "Chi tiết"),
    ] {
        send(&mut session, keys).map_err(|e| format!("send keys: {e}"))?;
        wait_for(&mut session, shown)?;
    }
    let status = std::fs::read_to_string(format!("/proc/{pid}/status"))
        .map_err(|e| format!("read /proc/{pid}/status: {e}"))?;
    send(&mut session, "\x03").map_err(|e| format!("send Ctrl-C: {e}"))?;
    let peak_kb: u64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .ok_or("no VmHWM line in /proc/PID/status")?;
    let deadline = Instant::now() + Duration::from_secs(10);
    while session.get_process().is_alive().unwrap_or(false) && Instant::now() < deadline {
        let mut buf = [0u8; 65536];
        let _ = session.try_read(&mut buf);
        std::thread::sleep(Duration::from_millis(20));
    }
    Ok(peak_kb * 1024)
}
