//! Files that are not the database's own never change it: a `-wal` left beside it by another
//! database is set aside before SQLite can replay it (while a genuine one, of a killed council
//! process or of one still running, is replayed), another program's SQLite file is refused
//! before anything is written to it, and a database is created only by the commands that
//! create one, never in a folder that does not exist.
#![cfg(unix)] // permissions and signals

use crate::common;

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::Stdio;

use common::{Workspace, repo_path};
use council::store::Store;
use rusqlite::Connection;

fn sha(path: &Path) -> String {
    council::store::sha256_hex(&std::fs::read(path).unwrap())
}

fn fails(ws: &Workspace, args: &[&str]) -> String {
    let out = ws.council_en().args(args).output().unwrap();
    assert_eq!(out.status.code(), Some(1), "council {args:?} should fail");
    String::from_utf8(out.stderr).unwrap()
}

fn files_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

fn small_session() -> PathBuf {
    repo_path("tests/fixtures/sessions/valid/small.toml")
}

fn with_suffix(db: &Path, suffix: &str) -> PathBuf {
    PathBuf::from(format!("{}{suffix}", db.display()))
}

/// `council dev fill` on `db` (all products open, every seat), waiting for it to finish.
fn fill(ws: &Workspace, db: &Path, pass: &str) {
    let out = ws
        .council()
        .args(["--db", db.to_str().unwrap(), "dev", "fill", "--pass", pass])
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
}

/// `session list` succeeds without a warning and sets no WAL aside.
fn session_list_keeps_the_wal(ws: &Workspace) {
    let out = ws.council().args(["session", "list"]).output().unwrap();
    assert!(out.status.success());
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        !files_in(ws.dir.path()).iter().any(|n| n.contains("stray")),
        "a genuine WAL is never set aside"
    );
}

/// The `-wal` of another council database in the workspace (`other.db`: the demo session,
/// every product scored), copied while that database is open so it is full of frames.
fn wal_of_another_database(ws: &Workspace) -> Vec<u8> {
    let other = ws.path("other.db");
    let demo = ws.write("demo-bulk.toml", &common::demo_for_bulk_scoring());
    let other_arg = other.to_str().unwrap();
    ws.run_ok(&["--db", other_arg, "session", "new", demo.to_str().unwrap()]);
    let holder = Connection::open(&other).unwrap();
    holder
        .query_row("SELECT COUNT(*) FROM sessions", [], |r| r.get::<_, i64>(0))
        .unwrap();
    ws.run_ok(&["--db", other_arg, "dev", "open-all"]);
    fill(ws, &other, "2");
    let wal = std::fs::read(with_suffix(&other, "-wal")).unwrap();
    assert!(wal.len() > 100_000, "the other WAL holds many frames");
    wal
}

/// The scenario: another council database's `-wal` (a live one, full of committed
/// frames) is copied beside ours; a read-only command must leave our file as it was.
#[test]
fn another_databases_wal_beside_ours_is_set_aside_unread() {
    let ws = Workspace::new();
    ws.open_small_session();
    fill(&ws, &ws.db(), "1");
    let ours_before = sha(&ws.db());
    let list_before = ws.run_ok(&["session", "list"]);
    let choices_before = ws.run_ok(&["results", "--json"]);

    let stray = wal_of_another_database(&ws);

    let wal = with_suffix(&ws.db(), "-wal");
    std::fs::write(&wal, &stray).unwrap();
    let out = ws.council().args(["session", "list"]).output().unwrap();
    assert!(out.status.success(), "{out:?}");
    assert_eq!(String::from_utf8(out.stdout).unwrap(), list_before);
    assert_eq!(sha(&ws.db()), ours_before, "our file is unchanged");
    assert_eq!(ws.run_ok(&["results", "--json"]), choices_before);
    assert!(
        ws.run_ok(&["audit", "verify"])
            .starts_with("audit chain intact")
    );
    let aside: Vec<String> = files_in(ws.dir.path())
        .into_iter()
        .filter(|n| n.starts_with("council.db-wal.stray-"))
        .collect();
    assert_eq!(aside.len(), 1, "{:?}", files_in(ws.dir.path()));
    let aside = ws.path(&aside[0]);
    assert_eq!(
        String::from_utf8(out.stderr).unwrap(),
        format!(
            "warning: the -wal file beside {} did not belong to this database (another database's or program's); it was moved to {} unread, and the database was not changed by it\n",
            ws.db().display(),
            aside.display()
        )
    );
    assert_eq!(std::fs::read(&aside).unwrap(), stray, "kept byte for byte");
}

/// A `-wal` left without its database is not ours to replay, nor SQLite's to delete when a
/// new database is created there: it is set aside too.
#[test]
fn a_wal_without_its_database_is_kept_aside_when_one_is_created() {
    let ws = Workspace::new();
    let stray = wal_of_another_database(&ws);
    std::fs::write(with_suffix(&ws.db(), "-wal"), &stray).unwrap();
    let out = ws
        .council()
        .args(["session", "new", small_session().to_str().unwrap()])
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    assert!(
        String::from_utf8(out.stderr)
            .unwrap()
            .contains("did not belong to this database")
    );
    let aside: Vec<String> = files_in(ws.dir.path())
        .into_iter()
        .filter(|n| n.starts_with("council.db-wal.stray-"))
        .collect();
    assert_eq!(aside.len(), 1);
    assert_eq!(std::fs::read(ws.path(&aside[0])).unwrap(), stray);
    let list = ws.run_ok(&["session", "list"]);
    assert_eq!(list.lines().count(), 1, "only the new session: {list}");
}

/// A council writer killed with SIGKILL leaves its WAL; the next command replays it, so every
/// choice it reported saved is there.
#[test]
fn the_wal_of_a_killed_council_process_is_replayed() {
    let ws = Workspace::new();
    ws.open_small_session();
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("council"))
        .args(["dev", "fill", "--pass", "1"])
        .env("COUNCIL_DB", ws.db())
        .env("COUNCIL_CONFIG_DIR", ws.path("config"))
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let reported: Vec<String> = (0..12).map(|_| lines.next().unwrap().unwrap()).collect();
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(
        std::fs::metadata(with_suffix(&ws.db(), "-wal"))
            .unwrap()
            .len()
            > 0,
        "the killed writer left its WAL"
    );

    session_list_keeps_the_wal(&ws);
    let store = Store::open(&ws.db()).unwrap();
    for line in reported {
        // committed PRODUCT SEAT CRITERION OPTION
        let f: Vec<&str> = line.split(' ').collect();
        let option: u32 = store
            .connection()
            .query_row(
                "SELECT c.option FROM choices c JOIN products p ON p.id = c.product_id
                 JOIN members m ON m.id = c.member_id
                 WHERE p.code = ?1 AND m.seat = ?2 AND c.criterion = ?3",
                rusqlite::params![f[1], f[2], f[3]],
                |r| r.get(0),
            )
            .unwrap_or_else(|e| panic!("{line}: {e}"));
        assert_eq!(option.to_string(), f[4], "{line}");
    }
}

/// While another process has the database open its WAL is live, whatever the sidecar says:
/// it is never moved from under that process.
#[test]
fn a_wal_in_use_by_another_process_is_left_alone() {
    let ws = Workspace::new();
    ws.open_small_session();
    let holder = Store::open(&ws.db()).unwrap();
    fill(&ws, &ws.db(), "1");
    std::fs::write(with_suffix(&ws.db(), "-walid"), "0000000000000000\n").unwrap();
    session_list_keeps_the_wal(&ws);
    let choices: i64 = holder
        .connection()
        .query_row("SELECT COUNT(*) FROM choices", [], |r| r.get(0))
        .unwrap();
    assert!(choices > 0);
    drop(holder);
    assert!(
        ws.run_ok(&["audit", "verify"])
            .starts_with("audit chain intact")
    );
}

/// Another program's SQLite file, with a schema version of its own and its own tables, or
/// its own application id, is refused by every command before anything is written to it:
/// not switched to WAL, no -wal or -shm created.
#[test]
fn another_programs_sqlite_file_is_refused_before_anything_is_written() {
    let ws = Workspace::new();
    let versioned = ws.path("inventory.db");
    Connection::open(&versioned)
        .unwrap()
        .execute_batch(
            "PRAGMA user_version = 3; CREATE TABLE items (name TEXT); INSERT INTO items VALUES ('mật ong');",
        )
        .unwrap();
    let with_id = ws.path("fossil.db");
    Connection::open(&with_id)
        .unwrap()
        .execute_batch("PRAGMA application_id = 252006673; CREATE TABLE blob (x);")
        .unwrap();
    let cases = [
        (
            &versioned,
            format!(
                "error: {}: an SQLite file, but not a council database (it holds another program's tables); nothing was changed\n",
                versioned.display()
            ),
        ),
        (
            &with_id,
            format!(
                "error: {}: an SQLite file of another program (its application id is 0x0f055111, not council's); nothing was changed\n",
                with_id.display()
            ),
        ),
    ];
    for (file, message) in &cases {
        let before = sha(file);
        for args in [
            &["session", "list"][..],
            &["audit", "verify"],
            &["dev", "open-all"],
            &["session", "new", small_session().to_str().unwrap()],
        ] {
            let err = fails(&ws, &[&["--db", file.to_str().unwrap()][..], args].concat());
            assert_eq!(&err, message, "{args:?}");
        }
        assert_eq!(sha(file), before, "{} was changed", file.display());
        assert!(!with_suffix(file, "-wal").exists());
        assert!(!with_suffix(file, "-shm").exists());
    }
}

/// A mistyped `--db` creates nothing: read-only commands refuse a missing file, creating
/// commands refuse a missing folder, and a folder given as the database is named.
#[test]
fn a_mistyped_database_path_creates_nothing() {
    let ws = Workspace::new();
    let typo = ws.path("counci/council.db");
    let typo_arg = typo.to_str().unwrap();
    for args in [
        &["session", "list"][..],
        &["audit", "verify"],
        &["results"],
        &["backup", ws.path("b.db").to_str().unwrap()],
    ] {
        let err = fails(&ws, &[&["--db", typo_arg][..], args].concat());
        assert_eq!(
            err,
            format!(
                "error: {typo_arg}: no database here; create one with `council session new FILE` (or check the path given with --db or COUNCIL_DB)\n"
            ),
            "{args:?}"
        );
    }
    let err = fails(
        &ws,
        &[
            "--db",
            typo_arg,
            "session",
            "new",
            small_session().to_str().unwrap(),
        ],
    );
    assert_eq!(
        err,
        format!(
            "error: {typo_arg}: cannot create the database: the folder {} does not exist (check the path given with --db or COUNCIL_DB)\n",
            ws.path("counci").display()
        )
    );
    // A missing file in a folder that exists: still not created by a read-only command.
    let err = fails(&ws, &["audit", "verify"]);
    assert!(err.contains("no database here"), "{err}");
    assert_eq!(files_in(ws.dir.path()), Vec::<String>::new());

    let folder = ws.path("meetings");
    std::fs::create_dir(&folder).unwrap();
    let err = fails(&ws, &["--db", folder.to_str().unwrap(), "session", "list"]);
    assert_eq!(
        err,
        format!(
            "error: {0}: is a folder, not a database file; give the path of a file (for example {0}/council.db)\n",
            folder.display()
        )
    );
}

/// The first run without --db or COUNCIL_DB creates the default data folder, owner-only.
#[test]
fn the_default_data_folder_is_created_owner_only_on_the_first_run() {
    use std::os::unix::fs::PermissionsExt;
    let ws = Workspace::new();
    let data_home = ws.path("xdg-data");
    let out = ws
        .council()
        .env_remove("COUNCIL_DB")
        .env("HOME", ws.path("home"))
        .env("XDG_DATA_HOME", &data_home)
        .args(["session", "new", small_session().to_str().unwrap()])
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    let folder = data_home.join("council");
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&folder), 0o700);
    assert_eq!(mode(&data_home), 0o700);
    assert_eq!(mode(&folder.join("council.db")), 0o600);
}
