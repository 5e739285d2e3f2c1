//! Bad input and a hostile environment, through the real binary: each case gets a clear
//! message naming the file, exit status 1, and leaves the database exactly as it was.
#![cfg(unix)] // permissions, signals and `sh` are Unix things

use crate::common;

use std::path::{Path, PathBuf};
use std::process::Output;

use common::{Workspace, repo_path};
use council::store::{Actor, Store, StoreError};
use rusqlite::Connection;

fn audit_rows(db: &Path) -> i64 {
    Connection::open(db)
        .unwrap()
        .query_row("SELECT COUNT(*) FROM audit", [], |r| r.get(0))
        .unwrap()
}

fn stderr_of(out: &Output) -> String {
    assert_eq!(out.status.code(), Some(1), "should fail: {out:?}");
    String::from_utf8(out.stderr.clone()).unwrap()
}

fn fails(ws: &Workspace, args: &[&str]) -> String {
    stderr_of(&ws.council_en().args(args).output().unwrap())
}

fn sha(path: &Path) -> String {
    council::store::sha256_hex(&std::fs::read(path).unwrap())
}

// ---- the database file ----

#[test]
fn a_database_locked_by_another_program_is_reported_and_left_alone() {
    let ws = Workspace::new();
    ws.open_small_session();
    let rows = audit_rows(&ws.db());
    let csv = ws.write(
        "sheets.csv",
        "product,member,criterion,option\nLD-2026-01,2,1.1,2\n",
    );
    // Another program holds the write lock.
    let other = Connection::open(ws.db()).unwrap();
    other.execute_batch("BEGIN EXCLUSIVE").unwrap();
    let locked = format!(
        "error: {}: the database is locked by another program; close it (or wait) and try again. Nothing was changed.\n",
        ws.db().display()
    );
    for args in [
        vec!["sheets", "import", csv.to_str().unwrap()],
        vec!["session", "reopen", "--reason", "thử"],
        vec![
            "session",
            "new",
            repo_path("sessions/demo.toml").to_str().unwrap(),
        ],
    ] {
        let out = ws
            .council_en()
            .env("COUNCIL_BUSY_TIMEOUT_MS", "200")
            .args(&args)
            .output()
            .unwrap();
        assert_eq!(stderr_of(&out), locked, "{args:?}");
    }
    // Reading is not blocked by the writer.
    assert!(ws.run_ok(&["session", "list"]).contains("thu-nghiem-2026"));
    other.execute_batch("ROLLBACK").unwrap();
    drop(other);
    assert_eq!(audit_rows(&ws.db()), rows);
    // Once the other program lets go, the same import goes through.
    ws.run_ok(&["sheets", "import", csv.to_str().unwrap()]);
}

#[test]
fn a_writer_waits_for_a_short_lock_instead_of_failing() {
    let ws = Workspace::new();
    ws.open_small_session();
    let other = Connection::open(ws.db()).unwrap();
    other.execute_batch("BEGIN IMMEDIATE").unwrap();
    let release = std::thread::spawn(move || {
        std::thread::sleep(std::time::Duration::from_millis(300));
        other.execute_batch("COMMIT").unwrap();
    });
    // The default busy timeout (10 s) covers a lock held for 0.3 s.
    ws.run_ok(&["dev", "fill", "--product", "LD-2026-01", "--member", "1"]);
    release.join().unwrap();
}

/// Runs council without the root privilege of ignoring file permissions, so a read-only
/// file is read-only even when the tests run as root. None when that cannot be arranged.
fn unprivileged(ws: &Workspace, args: &[&str]) -> Option<Output> {
    let root = std::process::Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false);
    let bin = assert_cmd::cargo::cargo_bin("council");
    let mut cmd = if root {
        let mut c = std::process::Command::new("setpriv");
        c.args(["--bounding-set", "-dac_override,-dac_read_search"])
            .arg(bin);
        c
    } else {
        std::process::Command::new(bin)
    };
    cmd.env("COUNCIL_LANG", "en")
        .args(args)
        .env("COUNCIL_DB", ws.db())
        .env("COUNCIL_CONFIG_DIR", ws.path("config"));
    match cmd.output() {
        Ok(out) if root && out.status.code() == Some(127) => None,
        Ok(out) => Some(out),
        Err(_) => None,
    }
}

fn set_mode(path: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
}

#[test]
fn a_read_only_database_file_can_be_read_but_refuses_changes() {
    let ws = Workspace::new();
    ws.open_small_session();
    let rows = audit_rows(&ws.db());
    set_mode(&ws.db(), 0o400);
    let Some(out) = unprivileged(&ws, &["session", "list"]) else {
        eprintln!("skipped: cannot drop root's permission override (no setpriv)");
        return;
    };
    assert!(out.status.success(), "{out:?}");
    let out = unprivileged(
        &ws,
        &["dev", "fill", "--product", "LD-2026-01", "--member", "1"],
    )
    .unwrap();
    assert_eq!(
        stderr_of(&out),
        format!(
            "error: {}: the database file is read-only (check its permissions, or the disk); nothing was changed\n",
            ws.db().display()
        )
    );
    assert!(out.stdout.is_empty());
    set_mode(&ws.db(), 0o600);
    assert_eq!(audit_rows(&ws.db()), rows);
}

#[test]
fn a_database_in_a_read_only_folder_cannot_be_created() {
    let ws = Workspace::new();
    let dir = ws.path("locked-folder");
    std::fs::create_dir(&dir).unwrap();
    set_mode(&dir, 0o500);
    let db = dir.join("council.db");
    let session = repo_path("tests/fixtures/sessions/valid/small.toml");
    let new = ["--db", db.to_str().unwrap(), "session", "new"];
    let Some(out) = unprivileged(&ws, &[&new[..], &[session.to_str().unwrap()]].concat()) else {
        eprintln!("skipped: cannot drop root's permission override (no setpriv)");
        return;
    };
    assert_eq!(
        stderr_of(&out),
        format!(
            "error: {}: cannot open or create the database file (does its folder exist, and may you write in it?)\n",
            db.display()
        )
    );
    set_mode(&dir, 0o700);
    assert!(!db.exists());
}

/// Runs council with the size of any file it writes limited (`ulimit -f`), the way a full
/// disk refuses writes; SIGXFSZ is ignored so the write fails instead of killing it.
fn with_full_disk(ws: &Workspace, blocks: u32, args: &[&str]) -> Output {
    std::process::Command::new("sh")
        .arg("-c")
        .arg(format!(
            "ulimit -f {blocks} && trap '' XFSZ && exec \"$0\" \"$@\""
        ))
        .arg(assert_cmd::cargo::cargo_bin("council"))
        .args(args)
        .env("COUNCIL_DB", ws.db())
        .env("COUNCIL_CONFIG_DIR", ws.path("config"))
        .env("COUNCIL_LANG", "en")
        .output()
        .unwrap()
}

#[test]
fn a_full_disk_stops_the_writer_and_loses_nothing_saved_before() {
    let ws = Workspace::new();
    ws.open_small_session();
    // The WAL may grow to 64 KiB (or 128 KiB, depending on the shell's block size): a few
    // choices fit, then a write fails half way through a transaction.
    let out = with_full_disk(
        &ws,
        128,
        &["dev", "fill", "--product", "LD-2026-01", "--member", "1"],
    );
    assert_eq!(
        stderr_of(&out),
        format!(
            "error: {}: could not write to the disk (it may be full, or failing); this change was not saved, everything saved before it is intact\n",
            ws.db().display()
        )
    );
    let stdout = String::from_utf8(out.stdout).unwrap();
    let committed: Vec<&str> = stdout.lines().collect();
    assert!(
        !committed.is_empty(),
        "some choices fit before the disk filled"
    );
    let store = Store::open(&ws.db()).unwrap();
    assert_eq!(store.integrity_check().unwrap(), "ok");
    assert_eq!(store.audit_verify().unwrap().first_broken, None);
    assert!(store.audit_cross_check().unwrap().is_empty());
    let stored: i64 = store
        .connection()
        .query_row("SELECT COUNT(*) FROM choices", [], |r| r.get(0))
        .unwrap();
    assert_eq!(
        stored as usize,
        committed.len(),
        "every reported choice, and no other"
    );

    // A bulk import that does not fit is not imported at all.
    let mut csv = String::from("product,member,criterion,option\n");
    let data = store.load_session(1).unwrap();
    for p in &data.products {
        for seat in 2..=3 {
            for (_, c) in p.rubric.criteria() {
                csv.push_str(&format!("{},{seat},{},1\n", p.code, c.id));
            }
        }
    }
    drop(store);
    let file = ws.write("big.csv", &csv);
    let rows = audit_rows(&ws.db());
    let out = with_full_disk(&ws, 64, &["sheets", "import", file.to_str().unwrap()]);
    assert!(stderr_of(&out).contains("could not write to the disk"));
    assert_eq!(audit_rows(&ws.db()), rows);
    ws.run_ok(&["sheets", "import", file.to_str().unwrap()]);
}

#[test]
fn a_database_from_a_newer_council_is_refused_untouched() {
    let ws = Workspace::new();
    ws.open_small_session();
    let newer = council::store::SCHEMA_VERSION + 1;
    Connection::open(ws.db())
        .unwrap()
        .execute_batch(&format!("PRAGMA user_version = {newer}"))
        .unwrap();
    let before = sha(&ws.db());
    let message = format!(
        "error: {}: this database was written by a newer version of council (schema {newer}; this version knows up to {}). Update council; the file was not changed.\n",
        ws.db().display(),
        council::store::SCHEMA_VERSION
    );
    for args in [
        vec!["session", "list"],
        vec!["dev", "open-all"],
        vec!["audit", "verify"],
        vec!["results"],
    ] {
        assert_eq!(fails(&ws, &args), message, "{args:?}");
    }
    assert_eq!(sha(&ws.db()), before);
}

#[test]
fn a_file_that_is_not_a_council_database_is_refused_untouched() {
    let ws = Workspace::new();
    let text = ws.write("minutes.txt", "Biên bản họp hội đồng OCOP\n");
    let foreign = ws.path("contacts.db");
    Connection::open(&foreign)
        .unwrap()
        .execute_batch("CREATE TABLE contacts (name TEXT); INSERT INTO contacts VALUES ('Hà');")
        .unwrap();
    let mut garbage = b"SQLite format 3\0".to_vec();
    garbage.extend(std::iter::repeat_n(0x5A, 8192));
    let fake = ws.path("fake.db");
    std::fs::write(&fake, &garbage).unwrap();
    let cases: [(&PathBuf, String); 3] = [
        (
            &text,
            "not a council database (it is not an SQLite file); nothing was changed".into(),
        ),
        (
            &foreign,
            "an SQLite file, but not a council database (it holds another program's tables); nothing was changed".into(),
        ),
        (
            &fake,
            "not a council database (it is not an SQLite file); nothing was changed".into(),
        ),
    ];
    for (file, message) in cases {
        let before = sha(file);
        let err = fails(&ws, &["--db", file.to_str().unwrap(), "session", "list"]);
        assert_eq!(err, format!("error: {}: {message}\n", file.display()));
        let err = fails(&ws, &["--db", file.to_str().unwrap(), "dev", "open-all"]);
        assert_eq!(err, format!("error: {}: {message}\n", file.display()));
        assert_eq!(sha(file), before, "{} was changed", file.display());
    }
}

// ---- sheet imports ----

fn import_fails(ws: &Workspace, name: &str, csv: &str) -> String {
    let file = ws.write(name, csv);
    let rows = audit_rows(&ws.db());
    let err = fails(ws, &["sheets", "import", file.to_str().unwrap()]);
    assert_eq!(audit_rows(&ws.db()), rows, "{name} changed the database");
    err
}

#[test]
fn a_csv_with_wrong_columns_is_refused() {
    let ws = Workspace::new();
    ws.open_small_session();
    let err = import_fails(
        &ws,
        "cols.csv",
        "product,seat,criterion,option\nLD-2026-01,1,1.1,1\n",
    );
    assert_eq!(
        err,
        format!(
            "error: {}:1: the header must be exactly `product,member,criterion,option`, found `product,seat,criterion,option`; nothing was imported\n",
            ws.path("cols.csv").display()
        )
    );
    let err = import_fails(
        &ws,
        "ragged.csv",
        "product,member,criterion,option\nLD-2026-01,1,1.1\n",
    );
    assert!(
        err.starts_with(&format!(
            "error: {}: malformed CSV: ",
            ws.path("ragged.csv").display()
        )),
        "{err}"
    );
    let err = import_fails(
        &ws,
        "words.csv",
        "product,member,criterion,option\nLD-2026-01,một,1.1,ba\n",
    );
    assert_eq!(
        err,
        format!(
            "error: {}: 1 bad row(s); nothing was imported:\n  line 2: member must be a seat number, not \"một\"\n",
            ws.path("words.csv").display()
        )
    );
}

#[test]
fn unknown_products_members_criteria_and_options_out_of_range_are_listed() {
    let ws = Workspace::new();
    ws.open_small_session();
    let csv = "product,member,criterion,option
LD-2026-01,1,1.1,1
LD-2099-01,1,1.1,1
LD-2026-01,12,1.1,1
LD-2026-01,1,9.9,1
LD-2026-01,1,1.2,0
LD-2026-01,1,1.3,99
LD-2026-01,1,1.1,2
";
    let err = import_fails(&ws, "bad.csv", csv);
    assert_eq!(
        err,
        "error: bad.csv: 6 bad row(s); nothing was imported:
  line 3: Unknown product \"LD-2099-01\"
  line 4: There is no seat 12 on the council
  line 5: Criteria set ocop-2026-07 has no criterion \"9.9\"
  line 6: Criterion 1.2 has options 1 to 3, not 0
  line 7: Criterion 1.3 has options 1 to 3, not 99
  line 8: repeats product LD-2026-01 seat 1 criterion 1.1 (first on line 2)
"
    );
}

#[test]
fn the_store_refuses_bad_choices_without_writing() {
    let ws = Workspace::new();
    ws.open_small_session();
    let mut store = Store::open(&ws.db()).unwrap();
    let data = store.load_session(1).unwrap();
    let product = data.product("LD-2026-01").unwrap();
    let rows = store.audit_verify().unwrap().rows;
    let member = Actor::Member(1);
    let e = store
        .set_choice(&data, product, 1, "1.1", 4, 1, &member)
        .unwrap_err();
    assert_eq!(e.to_string(), "Criterion 1.1 has options 1 to 3, not 4");
    assert_eq!(
        e.text(council::i18n::Lang::Vi),
        "Tiêu chí 1.1 có các mức từ 1 đến 3, không có mức 4"
    );
    let e = store
        .set_choice(&data, product, 1, "1.1", 0, 1, &member)
        .unwrap_err();
    assert_eq!(e.to_string(), "Criterion 1.1 has options 1 to 3, not 0");
    let e = store
        .set_choice(&data, product, 1, "7.7", 1, 1, &member)
        .unwrap_err();
    assert_eq!(
        e.to_string(),
        "Criteria set ocop-2026-07 has no criterion \"7.7\""
    );
    let e = store
        .set_choice(&data, product, 42, "1.1", 1, 1, &member)
        .unwrap_err();
    assert!(matches!(e, StoreError::NotFound(_)));
    assert_eq!(e.to_string(), "not found: member at seat 42");
    assert_eq!(store.audit_verify().unwrap().rows, rows);
}

// ---- hostile rubric and session files ----

/// `council rubric check` and `council session check` on the same text: both must fail with
/// `expected` (after the file name) and exit 1.
fn both_checks_fail(ws: &Workspace, name: &str, text: &[u8], expected: &str) {
    let file = ws.path(name);
    std::fs::write(&file, text).unwrap();
    for (kind, what) in [("rubric", "rubric"), ("session", "session")] {
        let started = std::time::Instant::now();
        let err = fails(ws, &[kind, "check", file.to_str().unwrap()]);
        assert_eq!(
            err,
            format!(
                "{}:{expected}\nerror: 1 of 1 {what} file(s) failed the check\n",
                file.display()
            ),
            "{kind} check of {name}"
        );
        // Hostile input is refused up front, not after a long parse.
        assert!(
            started.elapsed().as_secs() < 20,
            "{kind} check of {name} took {:?}",
            started.elapsed()
        );
    }
}

#[test]
fn hundred_thousand_deep_nesting_is_refused_without_a_stack_overflow() {
    let ws = Workspace::new();
    // One bracket per line, so no line is too long and nesting is the only problem.
    let deep = format!("x = {}{}\n", "[\n".repeat(100_000), "]\n".repeat(100_000));
    both_checks_fail(
        &ws,
        "deep.toml",
        deep.as_bytes(),
        "33:1: nesting deeper than 32 levels",
    );
    let tables = format!(
        "x = {}1{}\n",
        "{a = \n".repeat(100_000),
        "}\n".repeat(100_000)
    );
    both_checks_fail(
        &ws,
        "tables.toml",
        tables.as_bytes(),
        "33:1: nesting deeper than 32 levels",
    );
}

#[test]
fn a_ten_megabyte_string_is_refused_by_size() {
    let ws = Workspace::new();
    let huge = format!("[rubric]\nname = \"{}\"\n", "ạ".repeat(5_000_000));
    both_checks_fail(
        &ws,
        "huge.toml",
        huge.as_bytes(),
        "1:1: file is larger than 1048576 bytes",
    );
    let long = format!("[rubric]\nname = \"{}\"\n", "a".repeat(200_000));
    both_checks_fail(
        &ws,
        "long.toml",
        long.as_bytes(),
        "2:1: line is longer than 10000 characters",
    );
}

#[test]
fn text_that_is_not_utf8_is_named_clearly() {
    let ws = Workspace::new();
    let file = ws.path("latin1.toml");
    std::fs::write(&file, b"[session]\nid = \"h\xe0-n\xf4i\"\n").unwrap();
    let err = fails(&ws, &["rubric", "check", file.to_str().unwrap()]);
    assert_eq!(
        err,
        format!(
            "{}:1:1: cannot read file: stream did not contain valid UTF-8\nerror: 1 of 1 rubric file(s) failed the check\n",
            file.display()
        )
    );
    let err = fails(&ws, &["session", "check", file.to_str().unwrap()]);
    assert!(
        err.starts_with(&format!("error: cannot read {}: ", file.display())),
        "{err}"
    );
}

#[test]
fn duplicate_keys_and_tables_are_syntax_errors() {
    let ws = Workspace::new();
    let base =
        std::fs::read_to_string(repo_path("tests/fixtures/sessions/valid/small.toml")).unwrap();
    let twice = base.replacen("title = ", "id = \"lap-lai\"\ntitle = ", 1);
    let file = ws.write("twice.toml", &twice);
    let err = fails(&ws, &["session", "check", file.to_str().unwrap()]);
    assert_eq!(
        err,
        format!(
            "{}:3:1: duplicate key\nerror: 1 of 1 session file(s) failed the check\n",
            file.display()
        )
    );
    let again = format!("{base}\n[session]\nid = \"khac\"\n");
    let file = ws.write("again.toml", &again);
    let err = fails(&ws, &["session", "check", file.to_str().unwrap()]);
    assert!(
        err.contains("invalid table header") || err.contains("duplicate"),
        "{err}"
    );
    assert!(err.starts_with(&format!("{}:", file.display())), "{err}");
}

#[test]
fn wrong_types_anywhere_are_positioned_errors() {
    let ws = Workspace::new();
    let base =
        std::fs::read_to_string(repo_path("tests/fixtures/sessions/valid/small.toml")).unwrap();
    for (from, to, expected) in [
        (
            "seat = 1\n",
            "seat = 1.5\n",
            "invalid type: floating point `1.5`, expected a whole number (0 or more)",
        ),
        (
            "seat = 1\n",
            "seat = -1\n",
            "invalid value: integer `-1`, expected a whole number (0 or more)",
        ),
        (
            "[policy]\n",
            "[policy]\nchair_required = \"có\"\n",
            "invalid type: string \"có\", expected a boolean",
        ),
        (
            "seat = 1\n",
            "seat = 99999999999\n",
            "invalid value: integer `99999999999`, expected a whole number (0 or more)",
        ),
    ] {
        let file = ws.write("typed.toml", &base.replacen(from, to, 1));
        let err = fails(&ws, &["session", "check", file.to_str().unwrap()]);
        assert!(err.starts_with(&format!("{}:", file.display())), "{err}");
        assert!(err.contains(expected), "{to}: {err}");
    }
}

/// Text that reached the database with escape sequences or line breaks in it (a title, a
/// product name) is printed escaped by every CLI printer: it can neither drive the terminal
/// nor fake a line of output.
#[test]
fn control_characters_in_stored_text_are_printed_escaped() {
    let ws = Workspace::new();
    ws.open_small_session();
    let conn = Connection::open(ws.db()).unwrap();
    conn.execute(
        "UPDATE sessions SET title = 'Phiên họp\u{1b}[2J\u{1b}]0;pwned\u{7}\nFAKE LINE'",
        [],
    )
    .unwrap();
    conn.execute(
        "UPDATE products SET name = 'Mứt\rdâu\u{202e}' WHERE code = 'LD-2026-01'",
        [],
    )
    .unwrap();
    drop(conn);
    let list = ws.run_ok(&["session", "list"]);
    assert!(
        list.contains(r"Phiên họp\u{1b}[2J\u{1b}]0;pwned\u{7}\u{a}FAKE LINE"),
        "{list}"
    );
    assert_eq!(list.lines().count(), 1, "{list}");
    let results = ws.run_ok(&["results"]);
    assert!(results.contains(r"Phiên họp\u{1b}[2J"), "{results}");
    assert!(results.contains(r"Mứt\u{d}dâu\u{202e}"), "{results}");
    for out in [&list, &results] {
        assert!(!out.chars().any(|c| c.is_control() && c != '\n'), "{out:?}");
        assert!(!out.contains("\nFAKE LINE"));
    }
}
