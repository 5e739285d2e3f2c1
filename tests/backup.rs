//! Backups and restores through the real binary: `council backup FILE` is a consistent online
//! copy (even while a member is scoring), owner-only like the database; `council restore FILE`
//! refuses anything that is not a sound council database and changes nothing then, and
//! otherwise keeps the current database beside it before replacing it.
#![cfg(unix)] // permissions, signals and `sh` are Unix things

use crate::common;

use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::Stdio;

use common::Workspace;
use council::store::Store;
use rusqlite::Connection;

fn count(db: &Path, sql: &str) -> i64 {
    Connection::open(db)
        .unwrap()
        .query_row(sql, [], |r| r.get(0))
        .unwrap()
}

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

fn fails(ws: &Workspace, args: &[&str]) -> String {
    let out = ws.council_en().args(args).output().unwrap();
    assert_eq!(out.status.code(), Some(1), "council {args:?} should fail");
    String::from_utf8(out.stderr).unwrap()
}

/// Files in the workspace whose names contain `part`.
fn files_named(ws: &Workspace, part: &str) -> Vec<String> {
    std::fs::read_dir(ws.dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(part))
        .collect()
}

#[test]
fn the_database_and_its_backups_are_owner_only() {
    let ws = Workspace::new();
    ws.open_small_session();
    assert_eq!(mode(&ws.db()), 0o600);
    // SQLite gives the WAL the database's permissions; check while a connection has it open.
    let store = Store::open(&ws.db()).unwrap();
    let wal = ws.path("council.db-wal");
    assert!(wal.exists());
    assert_eq!(mode(&wal), 0o600);
    drop(store);
    let backup = ws.path("copy.db");
    let out = ws.run_ok(&["backup", backup.to_str().unwrap()]);
    assert_eq!(out, format!("backup written to {}\n", backup.display()));
    assert_eq!(mode(&backup), 0o600);
}

#[test]
fn a_backup_taken_while_a_member_scores_is_consistent() {
    let ws = Workspace::new();
    ws.open_small_session();
    let mut writer = std::process::Command::new(assert_cmd::cargo::cargo_bin("council"))
        .args(["dev", "fill", "--pass", "3"])
        .env("COUNCIL_DB", ws.db())
        .env("COUNCIL_CONFIG_DIR", ws.path("config"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut backups = Vec::new();
    for i in 0..5 {
        let file = ws.path(&format!("during-{i}.db"));
        ws.run_ok(&["backup", file.to_str().unwrap()]);
        backups.push(file);
    }
    assert!(writer.wait().unwrap().success());
    let mut seen = Vec::new();
    for file in &backups {
        let store = Store::open(file).unwrap();
        assert_eq!(store.integrity_check().unwrap(), "ok");
        let report = store.audit_verify().unwrap();
        assert_eq!(report.first_broken, None, "{}", file.display());
        assert!(
            store.audit_cross_check().unwrap().is_empty(),
            "{}",
            file.display()
        );
        seen.push(report.rows);
    }
    // Each backup is a snapshot at one moment: later ones hold at least as much.
    assert!(seen.windows(2).all(|w| w[0] <= w[1]), "{seen:?}");
}

#[test]
fn backup_refuses_to_overwrite_a_file() {
    let ws = Workspace::new();
    ws.open_small_session();
    let existing = ws.write("taken.db", "keep me");
    let err = fails(&ws, &["backup", existing.to_str().unwrap()]);
    assert_eq!(
        err,
        format!(
            "error: {} already exists; choose a new file name\n",
            existing.display()
        )
    );
    assert_eq!(std::fs::read_to_string(&existing).unwrap(), "keep me");
    let err = fails(&ws, &["backup", "/nonexistent-folder/copy.db"]);
    assert_eq!(
        err,
        "error: /nonexistent-folder/copy.db: cannot open or create the database file (does its folder exist, and may you write in it?)\n"
    );
}

#[test]
fn restore_brings_back_the_backup_and_keeps_the_current_database() {
    let ws = Workspace::new();
    ws.open_small_session();
    let backup = ws.path("before-scoring.db");
    ws.run_ok(&["backup", backup.to_str().unwrap()]);
    let rows_at_backup = count(&backup, "SELECT COUNT(*) FROM audit");
    ws.run_ok(&["dev", "fill", "--product", "LD-2026-01", "--member", "2"]);
    let rows_now = count(&ws.db(), "SELECT COUNT(*) FROM audit");
    assert!(rows_now > rows_at_backup);

    // Another process has the database open while it is restored.
    let reader = Store::open(&ws.db()).unwrap();
    let out = ws.run_ok(&["restore", backup.to_str().unwrap()]);
    let saved = files_named(&ws, "council.before-restore-");
    assert_eq!(saved.len(), 1, "{saved:?}");
    assert_eq!(
        out,
        format!(
            "the database as it was is saved in {}\nrestored {} from {} (1 sessions, audit chain of {rows_at_backup} rows intact)\n",
            ws.path(&saved[0]).display(),
            ws.db().display(),
            backup.display()
        )
    );
    // The open connection sees the restored content, not a mix.
    let rows: i64 = reader
        .connection()
        .query_row("SELECT COUNT(*) FROM audit", [], |r| r.get(0))
        .unwrap();
    assert_eq!(rows, rows_at_backup);
    drop(reader);
    assert_eq!(count(&ws.db(), "SELECT COUNT(*) FROM choices"), 0);
    assert_eq!(mode(&ws.db()), 0o600);
    assert!(
        ws.run_ok(&["audit", "verify"])
            .starts_with("audit chain intact")
    );
    // The database as it was before the restore is complete and sound.
    let kept = ws.path(&saved[0]);
    assert_eq!(count(&kept, "SELECT COUNT(*) FROM audit"), rows_now);
    assert_eq!(mode(&kept), 0o600);
    let store = Store::open(&kept).unwrap();
    assert_eq!(store.audit_verify().unwrap().first_broken, None);
}

/// Every refused restore: the message names the file, and the database is untouched.
#[test]
fn restore_refuses_anything_but_a_sound_council_database() {
    let ws = Workspace::new();
    ws.open_small_session();
    ws.run_ok(&["dev", "fill", "--product", "LD-2026-01", "--member", "1"]);
    let rows = count(&ws.db(), "SELECT COUNT(*) FROM audit");
    let good = ws.path("good.db");
    ws.run_ok(&["backup", good.to_str().unwrap()]);

    let text = ws.write("notes.txt", "biên bản họp hội đồng\n");
    let empty = ws.write("empty.db", "");
    let foreign = ws.path("foreign.db");
    Connection::open(&foreign)
        .unwrap()
        .execute_batch("CREATE TABLE contacts (name TEXT); INSERT INTO contacts VALUES ('Hà');")
        .unwrap();
    let newer = ws.path("newer.db");
    std::fs::copy(&good, &newer).unwrap();
    Connection::open(&newer)
        .unwrap()
        .execute_batch("PRAGMA user_version = 99")
        .unwrap();
    let tampered = ws.path("tampered.db");
    std::fs::copy(&good, &tampered).unwrap();
    Connection::open(&tampered)
        .unwrap()
        .execute("UPDATE audit SET actor = 'member:9' WHERE seq = 5", [])
        .unwrap();
    let damaged = ws.path("damaged.db");
    let mut bytes = std::fs::read(&good).unwrap();
    for b in bytes.iter_mut().skip(4096).take(8192) {
        *b = 0xA5;
    }
    std::fs::write(&damaged, bytes).unwrap();

    let db = ws.db();
    let cases: Vec<(&Path, String)> = vec![
        (
            &text,
            format!(
                "{}: not a council database (it is not an SQLite file); nothing was changed",
                text.display()
            ),
        ),
        (
            &empty,
            format!(
                "{}: the file is empty, not a council database; nothing was changed",
                empty.display()
            ),
        ),
        (
            &foreign,
            format!(
                "{}: an SQLite file, but not a council database (it has no \"sessions\" table); nothing was changed",
                foreign.display()
            ),
        ),
        (
            &newer,
            format!(
                "{}: this database was written by a newer version of council (schema 99; this version knows up to {}). Update council; the file was not changed.",
                newer.display(),
                council::store::SCHEMA_VERSION
            ),
        ),
        (
            &tampered,
            format!(
                "{}: its audit chain is broken at row 5 (the file was changed outside council); nothing was changed",
                tampered.display()
            ),
        ),
        (
            Path::new("/nonexistent/backup.db"),
            "/nonexistent/backup.db: no such file; nothing was changed".to_string(),
        ),
        (
            &db,
            format!(
                "{} is the database itself; nothing was changed",
                db.display()
            ),
        ),
    ];
    for (file, message) in &cases {
        let err = fails(&ws, &["restore", file.to_str().unwrap()]);
        assert_eq!(err, format!("error: {message}\n"));
    }
    // Pages overwritten in the middle of the file.
    let err = fails(&ws, &["restore", damaged.to_str().unwrap()]);
    assert_eq!(
        err,
        format!(
            "error: {}: the file is damaged (SQLite's integrity check fails); nothing was changed\n",
            damaged.display()
        )
    );

    assert!(
        files_named(&ws, "before-restore").is_empty(),
        "no backup for a refused restore"
    );
    assert_eq!(count(&ws.db(), "SELECT COUNT(*) FROM audit"), rows);
    assert!(
        ws.run_ok(&["audit", "verify"])
            .starts_with("audit chain intact")
    );
    // The refused files were not touched either (the foreign one was not migrated).
    assert_eq!(
        count(
            &foreign,
            "SELECT COUNT(*) FROM sqlite_schema WHERE type = 'table'"
        ),
        1
    );
    assert_eq!(count(&newer, "PRAGMA user_version"), 99);
}

/// Restoring onto a new machine creates the database, but only in a folder that exists.
#[test]
fn restoring_into_a_missing_database_creates_it() {
    let ws = Workspace::new();
    ws.open_small_session();
    let backup = ws.path("copy.db");
    ws.run_ok(&["backup", backup.to_str().unwrap()]);
    let mistyped = ws.path("elsewhere/new.db");
    let err = fails(
        &ws,
        &[
            "--db",
            mistyped.to_str().unwrap(),
            "restore",
            backup.to_str().unwrap(),
        ],
    );
    assert_eq!(
        err,
        format!(
            "error: {}: cannot create the database: the folder {} does not exist (check the path given with --db or COUNCIL_DB)\n",
            mistyped.display(),
            ws.path("elsewhere").display()
        )
    );
    assert!(!ws.path("elsewhere").exists(), "no folder was created");
    std::fs::create_dir(ws.path("elsewhere")).unwrap();
    let fresh = mistyped;
    let out = ws
        .council_en()
        .args([
            "--db",
            fresh.to_str().unwrap(),
            "restore",
            backup.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(!stdout.contains("saved in"), "{stdout}");
    assert_eq!(mode(&fresh), 0o600);
    let store = Store::open(&fresh).unwrap();
    assert_eq!(store.sessions().unwrap().len(), 1);
}

fn sha(path: &Path) -> String {
    council::store::sha256_hex(&std::fs::read(path).unwrap())
}

/// Pages in the middle of the file overwritten, the way a failing disk does.
fn damage(file: &Path) {
    let mut bytes = std::fs::read(file).unwrap();
    for b in bytes.iter_mut().skip(4096).take(8192) {
        *b = 0xA5;
    }
    std::fs::write(file, bytes).unwrap();
}

/// Every error on a damaged database says to restore a backup; restoring works: the damaged
/// file is moved aside as it was (never read to be copied) and the backup takes its place.
#[test]
fn restore_repairs_a_damaged_database_and_keeps_it_aside() {
    let ws = Workspace::new();
    ws.open_small_session();
    ws.run_ok(&["dev", "fill", "--product", "LD-2026-01", "--member", "1"]);
    let backup = ws.path("good.db");
    ws.run_ok(&["backup", backup.to_str().unwrap()]);
    damage(&ws.db());
    let damaged = sha(&ws.db());
    let err = fails(&ws, &["audit", "verify"]);
    assert!(err.contains("damaged"), "{err}");

    let out = ws.run_ok(&["restore", backup.to_str().unwrap()]);
    let aside: Vec<String> = files_named(&ws, "council.damaged-")
        .into_iter()
        .filter(|n| n.ends_with(".bak"))
        .collect();
    assert_eq!(aside.len(), 1, "{aside:?}");
    let aside = ws.path(&aside[0]);
    let rows = count(&backup, "SELECT COUNT(*) FROM audit");
    assert_eq!(
        out,
        format!(
            "the damaged database was moved aside as it was, not copied, to {} (with its -wal and -shm files, if any)\nrestored {} from {} (1 sessions, audit chain of {rows} rows intact)\n",
            aside.display(),
            ws.db().display(),
            backup.display()
        )
    );
    assert_eq!(
        sha(&aside),
        damaged,
        "the damaged file is kept byte for byte"
    );
    assert_eq!(mode(&ws.db()), 0o600);
    assert!(
        ws.run_ok(&["audit", "verify"])
            .starts_with("audit chain intact")
    );
    assert_eq!(count(&ws.db(), "SELECT COUNT(*) FROM audit"), rows);
}

/// A damaged database that another process still has open is not moved from under it.
#[test]
fn a_damaged_database_in_use_is_not_moved() {
    let ws = Workspace::new();
    ws.open_small_session();
    let backup = ws.path("good.db");
    ws.run_ok(&["backup", backup.to_str().unwrap()]);
    damage(&ws.db());
    let damaged = sha(&ws.db());
    let holder = Connection::open(ws.db()).unwrap();
    let _: i64 = holder
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    let err = fails(&ws, &["restore", backup.to_str().unwrap()]);
    assert_eq!(
        err,
        format!(
            "error: {}: the database is damaged and another program has it open; close council everywhere, then restore again. Nothing was changed.\n",
            ws.db().display()
        )
    );
    drop(holder);
    assert!(files_named(&ws, "council.damaged-").is_empty());
    assert_eq!(sha(&ws.db()), damaged);
}

/// A backup whose chain is intact but whose choices were edited behind council's back is
/// refused: the same cross-check as `audit verify`.
#[test]
fn restore_refuses_a_backup_whose_choices_disagree_with_its_log() {
    let ws = Workspace::new();
    ws.open_small_session();
    ws.run_ok(&["dev", "fill", "--product", "LD-2026-01", "--member", "1"]);
    let rows = count(&ws.db(), "SELECT COUNT(*) FROM audit");
    let forged = ws.path("forged.db");
    ws.run_ok(&["backup", forged.to_str().unwrap()]);
    let option: i64 = count(
        &forged,
        "SELECT option FROM choices WHERE criterion = '1.1'
         AND member_id = (SELECT id FROM members WHERE seat = 1)
         AND product_id = (SELECT id FROM products WHERE code = 'LD-2026-01')",
    );
    let changed = if option == 1 { 2 } else { 1 };
    Connection::open(&forged)
        .unwrap()
        .execute(
            "UPDATE choices SET option = ?1 WHERE criterion = '1.1'
             AND member_id = (SELECT id FROM members WHERE seat = 1)
             AND product_id = (SELECT id FROM products WHERE code = 'LD-2026-01')",
            [changed],
        )
        .unwrap();
    let err = fails(&ws, &["restore", forged.to_str().unwrap()]);
    assert!(
        err.starts_with(&format!(
            "error: {}: its choices disagree with its own audit log (1 difference(s); first: LD-2026-01 round 1 seat 1 criterion 1.1: the database holds option {changed}, but the audit log (row ",
            forged.display()
        )),
        "{err}"
    );
    assert!(files_named(&ws, "before-restore").is_empty());
    assert_eq!(count(&ws.db(), "SELECT COUNT(*) FROM audit"), rows);
}
