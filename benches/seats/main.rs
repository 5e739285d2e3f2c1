//! A room over SSH: `council serve` on loopback with 15 member seats and the room display
//! connected, members scoring at human pace (a key every one to three seconds, with bursts of
//! quick keys), on one laptop.
//!
//! Reports each keystroke's latency from the key leaving the member's client to the member's
//! screen showing it counted (the seat redraws only after the choice's durable commit, so this
//! bounds keystroke-to-commit from above), as median, 99th percentile and maximum; the time
//! for the room display to show a submitted sheet; and the server's CPU use per minute of
//! meeting.
//!
//! `cargo bench --bench seats` plays one product's whole sheets (about a minute and a half);
//! without `--bench` (as under `cargo test --benches`) it plays three keys on two seats
//! without pauses, to check that it runs.

use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use council::generate::{ArchiveSpec, add_session};
use council::rubric::Catalog;
use council::store::Store;
use russh::client;
use russh::keys::PublicKey;

const COLS: u16 = 110;
const ROWS: u16 = 34;

struct Pinned(PublicKey);

impl client::Handler for Pinned {
    type Error = russh::Error;

    async fn check_server_key(
        &mut self,
        key: &russh::keys::PublicKeyOrCertificate,
    ) -> Result<bool, Self::Error> {
        // The key itself, not its comment (the file's key carries one, the wire's does not).
        Ok(
            matches!(key, russh::keys::PublicKeyOrCertificate::PublicKey { key, .. } if key.key_data() == self.0.key_data()),
        )
    }
}

/// A tiny deterministic generator for the pacing (no dependency for it).
struct Pace(u64);

impl Pace {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    /// Milliseconds before the next key: 1–3 s, or a burst of quick keys now and then.
    fn gap(&mut self) -> u64 {
        if self.next().is_multiple_of(6) {
            150
        } else {
            1000 + self.next() % 2000
        }
    }
}

struct Seat {
    channel: russh::Channel<client::Msg>,
    parser: vt100::Parser,
    _handle: client::Handle<Pinned>,
}

impl Seat {
    async fn connect(port: u16, key: &PublicKey, login: &str, code: &str) -> Seat {
        let config = Arc::new(client::Config {
            nodelay: true,
            ..Default::default()
        });
        let mut handle = client::connect(config, ("127.0.0.1", port), Pinned(key.clone()))
            .await
            .expect("connect");
        let auth = handle
            .authenticate_password(login, code)
            .await
            .expect("sign in");
        assert!(auth.success(), "{login} signed in");
        let channel = handle
            .channel_open_session()
            .await
            .expect("session channel");
        channel
            .request_pty(false, "xterm-256color", COLS.into(), ROWS.into(), 0, 0, &[])
            .await
            .expect("pty");
        channel.request_shell(false).await.expect("shell");
        Seat {
            channel,
            parser: vt100::Parser::new(
                std::num::NonZeroU16::new(ROWS).unwrap(),
                std::num::NonZeroU16::new(COLS).unwrap(),
                0,
            ),
            _handle: handle,
        }
    }

    fn screen(&self) -> String {
        self.parser.screen().contents()
    }

    /// Reads until `check` holds for the screen.
    async fn until(&mut self, what: &str, check: impl Fn(&str) -> bool) {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
        while !check(&self.screen()) {
            match tokio::time::timeout_at(deadline, self.channel.wait()).await {
                Ok(Some(russh::ChannelMsg::Data { data })) => self.parser.process(&data),
                Ok(Some(_)) => {}
                Ok(None) | Err(_) => panic!("waited for {what}; screen:\n{}", self.screen()),
            }
        }
    }
}

fn cpu_ticks(pid: u32) -> u64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    // Fields after the command name (which may hold spaces): utime is 14th, stime 15th.
    let after = stat.rsplit_once(')').map_or("", |(_, rest)| rest);
    let fields: Vec<&str> = after.split_whitespace().collect();
    let get = |i: usize| {
        fields
            .get(i)
            .and_then(|f| f.parse::<u64>().ok())
            .unwrap_or(0)
    };
    get(11) + get(12)
}

fn ticks_per_second() -> f64 {
    // SAFETY: sysconf has no preconditions.
    let n = unsafe { libc::sysconf(libc::_SC_CLK_TCK) };
    if n > 0 { n as f64 } else { 100.0 }
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

fn main() {
    let full = std::env::args().any(|a| a == "--bench");
    let seats: u32 = if full { 15 } else { 2 };
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("room.db");
    let catalog = Catalog::shipped();
    let spec = ArchiveSpec {
        sessions: 1,
        products: 10,
        members: seats + 1,
        seed: 7,
    };
    let (session_code, product_code, criteria) = {
        let mut store = Store::open_or_create(&db).unwrap();
        let data = add_session(&mut store, &catalog, &spec, 0).unwrap();
        let product = data.products[0].clone();
        store.open_product(&data, &product).unwrap();
        let criteria = product.rubric.criteria().count();
        (data.info.code.clone(), product.code.clone(), criteria)
    };
    let mut server = ServerGuard(
        Command::new(env!("CARGO_BIN_EXE_council"))
            .args([
                "serve",
                "--listen",
                "127.0.0.1:0",
                "--headless",
                "--session",
                &session_code,
            ])
            .env("COUNCIL_DB", &db)
            .env("COUNCIL_CONFIG_DIR", dir.path().join("config"))
            .env("COUNCIL_LANG", "en")
            .stdout(Stdio::piped())
            .spawn()
            .expect("start council serve"),
    );
    let port = read_port(&mut server.0);
    let key = russh::keys::PrivateKey::from_openssh(
        std::fs::read(dir.path().join("room.db.host_key")).unwrap(),
    )
    .unwrap()
    .public_key()
    .clone();
    let codes = seat_codes(&db);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let keys_per_seat = if full { criteria } else { 3 };
    let load_before = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    let (latencies, display_lag, wall, cpu) = runtime.block_on(async {
        let mut display = Seat::connect(port, &key, "phong", &codes[&0]).await;
        display
            .until("the display", |s| s.contains(&product_code))
            .await;
        let mut members = Vec::new();
        for seat in 1..=seats {
            let mut m = Seat::connect(port, &key, &format!("ghe{seat}"), &codes[&seat]).await;
            m.until("the sheet", |s| {
                s.contains(&format!("0/{criteria} criteria"))
            })
            .await;
            members.push((seat, m));
        }
        let cpu_start = cpu_ticks(server.0.id());
        let started = Instant::now();
        let mut tasks = Vec::new();
        for (seat, mut m) in members {
            tasks.push(tokio::spawn(async move {
                let mut pace = Pace(0x9e37_79b9_7f4a_7c15 ^ u64::from(seat));
                let mut lat = Vec::new();
                for n in 1..=keys_per_seat {
                    if full {
                        tokio::time::sleep(Duration::from_millis(pace.gap())).await;
                    }
                    let sent = Instant::now();
                    m.channel.data_bytes(&b"1"[..]).await.expect("key");
                    let shown = format!("{n}/{criteria} criteria");
                    m.until("the choice counted", |s| s.contains(&shown)).await;
                    lat.push(sent.elapsed());
                }
                (seat, m, lat)
            }));
        }
        let mut latencies = Vec::new();
        let mut members = Vec::new();
        for t in tasks {
            let (seat, m, lat) = t.await.unwrap();
            latencies.extend(lat);
            members.push((seat, m));
        }
        // Every seat submits; the display must follow on its own.
        let mut display_lag = Vec::new();
        if keys_per_seat == criteria {
            for (done, (_, m)) in members.iter_mut().enumerate() {
                m.until("the submit question", |s| s.contains("Submit this sheet?"))
                    .await;
                let sent = Instant::now();
                m.channel.data_bytes(&b"y"[..]).await.unwrap();
                let shown = format!("{} of {seats} sheets in", done + 1);
                display
                    .until("the display's count", |s| s.contains(&shown))
                    .await;
                display_lag.push(sent.elapsed());
            }
        }
        let wall = started.elapsed();
        let cpu = (cpu_ticks(server.0.id()) - cpu_start) as f64 / ticks_per_second();
        (latencies, display_lag, wall, cpu)
    });
    drop(server);
    let mut sorted = latencies.clone();
    sorted.sort();
    let mut lag = display_lag.clone();
    lag.sort();
    let minutes = wall.as_secs_f64() / 60.0;
    let p99 = percentile(&sorted, 0.99);
    println!(
        "seat server room benchmark: {seats} member seats + the room display over SSH (loopback)"
    );
    println!("  load average before: {}", load_before.trim());
    println!(
        "  {} keystrokes over {:.1} s of meeting",
        sorted.len(),
        wall.as_secs_f64()
    );
    println!(
        "  keystroke → saved screen: median {}, p99 {} (target < 10 ms: {}), max {}",
        ms(percentile(&sorted, 0.5)),
        ms(p99),
        if p99 < Duration::from_millis(10) {
            "met"
        } else {
            "MISSED"
        },
        ms(*sorted.last().unwrap_or(&Duration::ZERO))
    );
    if !lag.is_empty() {
        println!(
            "  submit → room display shows it: median {}, max {}",
            ms(percentile(&lag, 0.5)),
            ms(*lag.last().unwrap())
        );
    }
    println!(
        "  server CPU: {:.2} s in {:.1} s = {:.2} CPU-s per minute of meeting ({:.1} % of one core)",
        cpu,
        wall.as_secs_f64(),
        cpu / minutes.max(1e-9),
        100.0 * cpu / wall.as_secs_f64()
    );
    println!(
        "  load average after: {}",
        std::fs::read_to_string("/proc/loadavg")
            .unwrap_or_default()
            .trim()
    );
}

/// Stops the server however the benchmark ends (a panic included).
struct ServerGuard(std::process::Child);

impl Drop for ServerGuard {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn read_port(server: &mut std::process::Child) -> u16 {
    use std::io::{BufRead, BufReader};
    let mut lines = BufReader::new(server.stdout.take().unwrap()).lines();
    let mut port = None;
    for line in lines.by_ref() {
        let line = line.unwrap();
        if let Some(rest) = line.split("listening on 127.0.0.1:").nth(1) {
            port = rest.trim_end_matches('.').parse().ok();
        }
        if line.contains("Ctrl-C") {
            break;
        }
    }
    std::thread::spawn(move || for _ in lines {});
    port.expect("serve printed its port")
}

/// Every place's code (0 is the display), read as the secretary's table would.
fn seat_codes(db: &Path) -> std::collections::HashMap<u32, String> {
    let conn = rusqlite::Connection::open(db).unwrap();
    let mut stmt = conn.prepare("SELECT place, code FROM seat_access").unwrap();
    stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap()
}
