//! Crash safety: real `council` processes are killed with SIGKILL at random points while they
//! score (one choice per transaction), import paper sheets (one transaction) and export.
//! After every kill the database must reopen cleanly (`PRAGMA integrity_check` = ok, the
//! audit chain verifies), every choice a writer reported committed must be there with its
//! value, and an import must be all there or not there at all.
//!
//! The seed is printed; set `CRASH_SEED` to replay a run.
#![cfg(unix)] // permissions, signals and `sh` are Unix things

use crate::common;

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read};
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use common::Workspace;
use council::store::Store;

/// Kill points required (each one a process that was still running when killed).
const KILLS: usize = 200;
/// The loop stops here even if fewer kills were made (and then fails).
const BUDGET: Duration = Duration::from_secs(240);

/// Members scoring on screen; the others' sheets come on paper (imports).
const SCREEN_SEAT_COUNT: u32 = 5;
const SCREEN_SEATS: [&str; 10] = [
    "--member", "1", "--member", "2", "--member", "3", "--member", "4", "--member", "5",
];
const IMPORT_SEATS: std::ops::RangeInclusive<u32> = 6..=9;

/// xorshift64*: enough randomness for kill points, no extra dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// (product code, seat, criterion)
type Key = (String, u32, String);
/// The option each choice must hold: the last one reported committed.
type Committed = HashMap<Key, u32>;

/// What `council dev fill` writes, in order: the screen seats' sheets of one product, one
/// choice per criterion (the same formula as `devtools::fill`).
fn fill_sequence(criteria: &[(String, Vec<u32>)], code: &str, pass: u32) -> Vec<(Key, u32)> {
    let mut out = Vec::new();
    for seat in 1..=SCREEN_SEAT_COUNT {
        for (index, (criterion, allowed)) in criteria.iter().enumerate() {
            let option = allowed[(seat + pass + index as u32) as usize % allowed.len()];
            out.push(((code.to_string(), seat, criterion.clone()), option));
        }
    }
    out
}

/// A killed writer's printed lines must be the start of its sequence; each is committed. The
/// choice after the last printed one may also be committed (killed between commit and print).
fn absorb_writer(
    expected: &mut Committed,
    sequence: &[(Key, u32)],
    stdout: &str,
    context: &str,
) -> Option<(Key, u32)> {
    let printed: Vec<&str> = stdout.lines().collect();
    for (line, (key, option)) in printed.iter().zip(sequence) {
        let (code, seat, criterion) = key;
        assert_eq!(
            *line,
            format!("committed {code} {seat} {criterion} {option}"),
            "{context}: the writer reported something other than its sequence"
        );
        expected.insert(key.clone(), *option);
    }
    assert!(printed.len() <= sequence.len(), "{context}: extra lines");
    sequence.get(printed.len()).cloned()
}

/// Where a writer is killed: after it reported `lines` commits and then `pause` more (with
/// 0 lines, the pause alone: while it starts, opens the database or recovers the WAL).
struct KillPoint {
    lines: usize,
    pause: Duration,
}

impl KillPoint {
    fn random(rng: &mut Rng) -> Self {
        if rng.below(5) == 0 {
            Self {
                lines: 0,
                pause: Duration::from_millis(rng.below(150)),
            }
        } else {
            Self {
                lines: 1 + rng.below(25) as usize,
                pause: Duration::from_micros(rng.below(6000)),
            }
        }
    }
}

/// Waits for the kill point, kills `child` with SIGKILL (if it is still running) and
/// returns whether it was, with every whole line it printed.
fn kill_at(mut child: Child, at: &KillPoint) -> (bool, String) {
    let mut out = BufReader::new(child.stdout.take().expect("stdout is piped"));
    let mut stdout = String::new();
    for _ in 0..at.lines {
        if out.read_line(&mut stdout).unwrap_or(0) == 0 {
            break;
        }
    }
    std::thread::sleep(at.pause);
    let running = child.try_wait().unwrap().is_none();
    if running {
        child.kill().unwrap(); // SIGKILL on Unix
    }
    child.wait().unwrap();
    let _ = out.read_to_string(&mut stdout);
    // A line without its newline was being written when the kill came.
    match stdout.rfind('\n') {
        Some(end) => stdout.truncate(end + 1),
        None => stdout.clear(),
    }
    (running, stdout)
}

/// The database must be sound and hold every committed choice. `maybe` was perhaps committed
/// by a killed writer: either its old or its new value is right, and the one found is kept.
fn check_database(
    ws: &Workspace,
    committed: &mut Committed,
    maybe: Option<(Key, u32)>,
    context: &str,
) {
    let store = Store::open(&ws.db()).unwrap_or_else(|e| panic!("{context}: reopen failed: {e}"));
    assert_eq!(store.integrity_check().unwrap(), "ok", "{context}");
    let audit = store.audit_verify().unwrap();
    assert_eq!(audit.first_broken, None, "{context}: audit chain broken");
    let mut stmt = store
        .connection()
        .prepare(
            "SELECT c.option FROM choices c
             JOIN products p ON p.id = c.product_id AND c.round = p.round
             JOIN members m ON m.id = c.member_id
             WHERE p.code = ?1 AND m.seat = ?2 AND c.criterion = ?3 AND c.entry = 1",
        )
        .unwrap();
    let mut stored = |(code, seat, criterion): &Key| -> Option<u32> {
        stmt.query_row(rusqlite::params![code, seat, criterion], |r| r.get(0))
            .ok()
    };
    if let Some((key, option)) = maybe {
        let found = stored(&key);
        if found == Some(option) {
            committed.insert(key, option);
        } else {
            assert_eq!(
                found,
                committed.get(&key).copied(),
                "{context}: {key:?} is neither its old nor its new value"
            );
        }
    }
    for ((code, seat, criterion), option) in committed.iter() {
        let stored = stored(&(code.clone(), *seat, criterion.clone()));
        assert_eq!(
            stored,
            Some(*option),
            "{context}: committed choice {code} seat {seat} criterion {criterion} lost"
        );
    }
}

/// Product code → criterion ids, from the stored session.
/// A product's code and its criteria, each with the options `dev fill` may tick.
type ProductCriteria = (String, Vec<(String, Vec<u32>)>);

/// Each product's criteria with the options `dev fill` may tick (its case's, for set 26).
fn criteria_by_product(ws: &Workspace) -> Vec<ProductCriteria> {
    let store = Store::open(&ws.db()).unwrap();
    let summary = store.find_session(None).unwrap();
    let data = store.load_session(summary.id).unwrap();
    data.products
        .iter()
        .map(|p| {
            let criteria = p
                .rubric
                .criteria()
                .map(|(_, c)| {
                    (
                        c.id.to_string(),
                        council::meeting::options_in_case(c, p.case_number),
                    )
                })
                .collect();
            (p.code.clone(), criteria)
        })
        .collect()
}

/// A paper-sheet CSV for three products and the import seats, leaving the first criterion of
/// each sheet empty so no sheet is ever complete (and submitted, which would end its scoring).
fn import_csv(products: &[ProductCriteria], rng: &mut Rng) -> (String, Committed) {
    let mut csv = String::from("product,member,criterion,option\n");
    let mut rows = HashMap::new();
    let first = rng.below(products.len() as u64) as usize;
    for k in 0..3 {
        let (code, criteria) = &products[(first + k) % products.len()];
        for seat in IMPORT_SEATS {
            for (criterion, allowed) in criteria.iter().skip(1) {
                let option = allowed[rng.below(allowed.len() as u64) as usize];
                csv.push_str(&format!("{code},{seat},{criterion},{option}\n"));
                rows.insert((code.clone(), seat, criterion.clone()), option);
            }
        }
    }
    (csv, rows)
}

fn fill_args<'a>(code: &'a str, pass: &'a str) -> Vec<&'a str> {
    let mut args = vec!["dev", "fill", "--product", code, "--pass", pass];
    args.extend(SCREEN_SEATS);
    args
}

fn spawn(ws: &Workspace, args: &[&str]) -> Child {
    let mut cmd = std::process::Command::new(assert_cmd::cargo::cargo_bin("council"));
    cmd.args(args)
        .env("COUNCIL_DB", ws.db())
        .env("COUNCIL_CONFIG_DIR", ws.path("config"))
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    cmd.spawn().unwrap()
}

#[test]
fn sigkill_at_random_points_never_loses_a_committed_choice() {
    let seed = std::env::var("CRASH_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_nanos() as u64
                | 1
        });
    println!("CRASH_SEED={seed}");
    let mut rng = Rng(seed);

    let ws = Workspace::new();
    ws.load_bulk_demo();
    ws.run_ok(&["dev", "open-all"]);
    let products = criteria_by_product(&ws);
    let export_dir = ws.path("export");
    let export_dir = export_dir.to_str().unwrap();

    let started = Instant::now();
    let (mut kills, mut iterations) = (0, 0);
    let (mut scoring_kills, mut import_kills, mut export_kills) = (0, 0, 0);
    let (mut imports_whole, mut imports_absent) = (0, 0);
    let mut import_window_ms = 200;
    // Every committed choice so far, updated by later writes.
    let mut expected: Committed = HashMap::new();
    while kills < KILLS && started.elapsed() < BUDGET {
        iterations += 1;
        let pass = iterations;
        let pass_arg = pass.to_string();
        let (code, criteria) = &products[rng.below(products.len() as u64) as usize];
        let context = format!("iteration {iterations} (CRASH_SEED={seed})");
        match rng.below(10) {
            // Scoring: one member process ticking options, one transaction each.
            0..=5 => {
                let child = spawn(&ws, &fill_args(code, &pass_arg));
                let (running, stdout) = kill_at(child, &KillPoint::random(&mut rng));
                let sequence = fill_sequence(criteria, code, pass);
                kills += usize::from(running);
                scoring_kills += usize::from(running);
                let maybe = absorb_writer(&mut expected, &sequence, &stdout, &context);
                check_database(&ws, &mut expected, maybe, &context);
            }
            // Import: a large CSV in one transaction, killed anywhere in it.
            6..=8 => {
                let (csv, rows) = import_csv(&products, &mut rng);
                let name = format!("sheets-{iterations}.csv");
                let file = ws.write(&name, &csv);
                let child = spawn(&ws, &["sheets", "import", file.to_str().unwrap()]);
                // Start-up comes first, then the transaction. An import that finished before
                // its kill point narrows the window to that point, so kills keep landing in
                // imports however fast this machine runs them.
                let at = KillPoint {
                    lines: 0,
                    pause: Duration::from_millis(rng.below(import_window_ms)),
                };
                let (running, _) = kill_at(child, &at);
                if !running {
                    import_window_ms = (at.pause.as_millis() as u64).max(5);
                }
                kills += usize::from(running);
                import_kills += usize::from(running);
                let store = Store::open(&ws.db()).unwrap();
                let conn = store.connection();
                let recorded: i64 = conn
                    .query_row(
                        "SELECT COUNT(*) FROM imports WHERE file = ?1",
                        [&name],
                        |r| r.get(0),
                    )
                    .unwrap();
                let logged: i64 = conn
                    .query_row(
                        "SELECT COUNT(*) FROM audit WHERE actor = ?1",
                        [format!("import:{name}")],
                        |r| r.get(0),
                    )
                    .unwrap();
                if recorded == 1 {
                    imports_whole += 1;
                    expected.extend(rows);
                } else {
                    assert_eq!(logged, 0, "{context}: a killed import left part of itself");
                    imports_absent += 1;
                }
                drop(store);
                check_database(&ws, &mut expected, None, &context);
            }
            // Export while a member scores: both killed.
            _ => {
                let writer = spawn(&ws, &fill_args(code, &pass_arg));
                let export = spawn(&ws, &["export", "--out", export_dir]);
                let (writer_running, stdout) = kill_at(writer, &KillPoint::random(&mut rng));
                let sequence = fill_sequence(criteria, code, pass);
                let (export_running, _) = kill_at(
                    export,
                    &KillPoint {
                        lines: 0,
                        pause: Duration::ZERO,
                    },
                );
                kills += usize::from(export_running) + usize::from(writer_running);
                export_kills += usize::from(export_running);
                scoring_kills += usize::from(writer_running);
                let maybe = absorb_writer(&mut expected, &sequence, &stdout, &context);
                check_database(&ws, &mut expected, maybe, &context);
            }
        }
    }
    println!(
        "{kills} kills in {iterations} iterations, {:.1}s: {scoring_kills} while scoring, \
         {import_kills} while importing ({imports_whole} imports whole, {imports_absent} absent), \
         {export_kills} while exporting; {} committed choices checked",
        started.elapsed().as_secs_f64(),
        expected.len()
    );
    // A WAL is set aside only when its writer was killed between starting a new WAL
    // generation and recording it, i.e. with nothing in it that was reported saved (the checks
    // above prove that); count how often that happened.
    let set_aside = std::fs::read_dir(ws.dir.path())
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .is_ok_and(|e| e.file_name().to_string_lossy().contains("-wal.stray-"))
        })
        .count();
    println!("{set_aside} WAL(s) set aside as not this database's");
    assert!(kills >= KILLS, "only {kills} kill points within {BUDGET:?}");
    assert!(
        scoring_kills > 0 && import_kills > 0,
        "every kind of kill happened"
    );
    // The real binary agrees.
    let out = ws.run_ok(&["audit", "verify"]);
    assert!(out.starts_with("audit chain intact"), "{out}");
}

/// `council backup` killed at random points while `VACUUM INTO` writes a 14 MB copy: the
/// chosen name holds either nothing or a complete, sound, owner-only copy, whatever is left
/// under a temporary name is owner-only too, and a retry under the same name works.
#[test]
fn a_killed_backup_never_leaves_a_file_under_its_name() {
    use std::os::unix::fs::PermissionsExt;
    let seed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos() as u64
        | 1;
    println!("seed {seed}");
    let mut rng = Rng(seed);
    let ws = Workspace::new();
    ws.run_ok(&[
        "dev",
        "generate",
        "--sessions",
        "4",
        "--products",
        "30",
        "--members",
        "9",
    ]);
    let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    let mut killed_while_writing = 0;
    for i in 0..20 {
        let name = format!("backup-{i}.db");
        let target = ws.path(&name);
        let child = spawn(&ws, &["backup", target.to_str().unwrap()]);
        let at = KillPoint {
            lines: 0,
            pause: Duration::from_millis(rng.below(160)),
        };
        let (running, _) = kill_at(child, &at);
        let partials: Vec<_> = std::fs::read_dir(ws.dir.path())
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| {
                let n = p.file_name().unwrap().to_string_lossy();
                n.starts_with(&name) && n.ends_with(".partial")
            })
            .collect();
        for partial in &partials {
            assert_eq!(mode(partial), 0o600, "{}", partial.display());
        }
        killed_while_writing += usize::from(running && !partials.is_empty());
        if target.exists() {
            let copy = rusqlite::Connection::open_with_flags(
                &target,
                rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY,
            )
            .unwrap();
            let check: String = copy
                .query_row("PRAGMA integrity_check", [], |r| r.get(0))
                .unwrap();
            assert_eq!(check, "ok", "{name} is complete when it exists");
        } else {
            ws.run_ok(&["backup", target.to_str().unwrap()]);
        }
        assert_eq!(mode(&target), 0o600);
    }
    assert!(
        killed_while_writing > 0,
        "some kill landed while a backup was being written"
    );
}
