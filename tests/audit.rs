//! The audit chain and finalisation, through the real binary: every change is logged on a
//! hash chain; an edit made with plain SQL behind council's back is reported (`audit verify`
//! names the first broken row, or the choice that no longer matches the log); a finalised
//! session refuses every change until it is reopened with a reason.

use crate::common;

use common::Workspace;
use council::scoring::Figures;
use council::store::{Store, sha256_hex};
use rusqlite::Connection;

const CHAIR: &str = "Nguyễn Văn Hùng";

/// The small session, everyone present, both products open, seat 1 submitted on the first
/// product and seat 2 part way through it.
fn scored_session() -> Workspace {
    let ws = Workspace::new();
    ws.open_small_session();
    ws.run_ok(&[
        "dev",
        "fill",
        "--product",
        "LD-2026-01",
        "--member",
        "1",
        "--submit",
    ]);
    ws.run_ok(&["dev", "fill", "--product", "LD-2026-01", "--member", "2"]);
    ws
}

fn raw(ws: &Workspace) -> Connection {
    Connection::open(ws.db()).unwrap()
}

fn audit_rows(ws: &Workspace) -> i64 {
    raw(ws)
        .query_row("SELECT COUNT(*) FROM audit", [], |r| r.get(0))
        .unwrap()
}

/// Runs `council ARGS`, expecting failure, and returns stderr.
fn fails(ws: &Workspace, args: &[&str]) -> String {
    let out = ws.council().args(args).output().unwrap();
    assert_eq!(out.status.code(), Some(1), "council {args:?} should fail");
    String::from_utf8(out.stderr).unwrap()
}

fn seq_of(ws: &Workspace, target: &str) -> i64 {
    raw(ws)
        .query_row(
            "SELECT seq FROM audit WHERE target = ?1 ORDER BY seq DESC LIMIT 1",
            [target],
            |r| r.get(0),
        )
        .unwrap()
}

/// Schema 8 taken back out of a database (a recusal per product, the latest round's), to
/// build databases of older schemas from a generated one.
const SCHEMA_8_UNDONE: &str = "
    CREATE TABLE recusals_by_product (
        product_id INTEGER NOT NULL REFERENCES products(id),
        member_id  INTEGER NOT NULL REFERENCES members(id),
        reason     TEXT NOT NULL,
        at         TEXT,
        PRIMARY KEY (product_id, member_id)
    );
    INSERT OR IGNORE INTO recusals_by_product SELECT product_id, member_id, reason, at
        FROM recusals ORDER BY round DESC;
    DROP TABLE recusals;
    ALTER TABLE recusals_by_product RENAME TO recusals;
    CREATE TRIGGER recusals_insert_counted AFTER INSERT ON recusals BEGIN
        UPDATE product_changes SET n = n + 1 WHERE product_id = NEW.product_id;
    END;
    CREATE TRIGGER recusals_update_counted AFTER UPDATE ON recusals BEGIN
        UPDATE product_changes SET n = n + 1 WHERE product_id = NEW.product_id;
    END;
    CREATE TRIGGER recusals_delete_counted AFTER DELETE ON recusals BEGIN
        UPDATE product_changes SET n = n + 1 WHERE product_id = OLD.product_id;
    END;";

/// Schema 7 taken back out of a database after schema 8 (its triggers as schema 6 had them,
/// no counts on the sheets).
const SCHEMA_7_UNDONE: &str = "
    DROP TRIGGER choices_insert_counted;
    DROP TRIGGER choices_delete_counted;
    DROP TRIGGER choices_moved_counted;
    DROP TRIGGER sheets_update_counted;
    CREATE TRIGGER choices_insert_counted AFTER INSERT ON choices BEGIN
        UPDATE product_changes SET n = n + 1, member_ticks = member_ticks + (NEW.entered_by = 'member')
        WHERE product_id = NEW.product_id;
    END;
    CREATE TRIGGER choices_delete_counted AFTER DELETE ON choices BEGIN
        UPDATE product_changes SET n = n + 1, member_ticks = member_ticks + (OLD.entered_by = 'member')
        WHERE product_id = OLD.product_id;
    END;
    CREATE TRIGGER sheets_update_counted AFTER UPDATE ON sheets BEGIN
        UPDATE product_changes SET n = n + 1 WHERE product_id = NEW.product_id;
    END;
    ALTER TABLE sheets DROP COLUMN answered;
    ALTER TABLE sheets DROP COLUMN reentered;";

#[test]
fn an_untouched_database_verifies() {
    let ws = scored_session();
    let rows = audit_rows(&ws);
    let out = ws.run_ok(&["audit", "verify"]);
    assert_eq!(
        out,
        format!(
            "audit chain intact: {rows} rows verified; every choice, attendance, status, recusal, sheet, the session file and the criteria sets match the log\n"
        )
    );
}

#[test]
fn editing_an_audit_row_with_sql_is_reported_at_that_row() {
    let ws = scored_session();
    let seq = seq_of(&ws, "LD-2026-01 round 1 seat 2 criterion 1.1");
    raw(&ws)
        .execute("UPDATE audit SET new = '1' WHERE seq = ?1", [seq])
        .unwrap();
    let err = fails(&ws, &["audit", "verify"]);
    assert_eq!(
        err,
        format!(
            "error: audit chain broken at row {seq}: the log was changed outside council from that row on\n"
        )
    );
}

#[test]
fn deleting_an_audit_row_is_reported_where_the_gap_is() {
    let ws = scored_session();
    let seq = seq_of(&ws, "LD-2026-01 round 1 seat 1 criterion 1.2");
    raw(&ws)
        .execute("DELETE FROM audit WHERE seq = ?1", [seq])
        .unwrap();
    let err = fails(&ws, &["audit", "verify"]);
    assert!(
        err.starts_with(&format!("error: audit chain broken at row {seq}:")),
        "{err}"
    );
}

#[test]
fn a_forged_row_appended_to_the_log_is_reported() {
    let ws = scored_session();
    let last = audit_rows(&ws);
    let conn = raw(&ws);
    let prev: String = conn
        .query_row("SELECT hash FROM audit WHERE seq = ?1", [last], |r| {
            r.get(0)
        })
        .unwrap();
    conn.execute(
        "INSERT INTO audit (seq, session_id, at, actor, action, target, old, new, prev_hash, hash)
         VALUES (?1, 1, '2026-11-20T10:00:00Z', 'secretary', 'choice.set', 'x', NULL, '1', ?2, ?3)",
        rusqlite::params![last + 1, prev, "f".repeat(64)],
    )
    .unwrap();
    let err = fails(&ws, &["audit", "verify"]);
    assert!(
        err.starts_with(&format!("error: audit chain broken at row {}:", last + 1)),
        "{err}"
    );
}

#[test]
fn a_choice_changed_with_sql_no_longer_matches_the_log() {
    let ws = scored_session();
    let conn = raw(&ws);
    let (option, seq): (u32, i64) = conn
        .query_row(
            "SELECT CAST(new AS INTEGER), seq FROM audit
             WHERE target = 'LD-2026-01 round 1 seat 2 criterion 1.1' ORDER BY seq DESC LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    let forged = if option == 1 { 2 } else { 1 };
    conn.execute(
        "UPDATE choices SET option = ?1 WHERE criterion = '1.1'
         AND member_id = (SELECT id FROM members WHERE seat = 2)
         AND product_id = (SELECT id FROM products WHERE code = 'LD-2026-01')",
        [forged],
    )
    .unwrap();
    let err = fails(&ws, &["audit", "verify"]);
    assert_eq!(
        err,
        format!(
            "error: the database was changed outside council; 1 difference(s) from the audit log:\n  \
             LD-2026-01 round 1 seat 2 criterion 1.1: the database holds option {forged}, but the audit log (row {seq}) recorded {option}\n"
        )
    );
}

/// Issue 15: an import logs one row per sheet, not per choice; a choice it wrote and SQL
/// changed afterwards is named against that sheet's row, as a typed choice is against its own,
/// by `audit verify` and by the store's cross-check alike.
#[test]
fn a_choice_an_import_wrote_changed_with_sql_no_longer_matches_its_sheets_row() {
    let ws = Workspace::new();
    ws.open_small_session();
    let criteria: Vec<String> = {
        let store = Store::open(&ws.db()).unwrap();
        let session = store.find_session(None).unwrap();
        let data = store.load_session(session.id).unwrap();
        let product = data.product("LD-2026-02").unwrap();
        product
            .rubric
            .criteria()
            .map(|(_, c)| c.id.to_string())
            .collect()
    };
    let mut csv = String::from("product,member,criterion,option\n");
    for c in &criteria {
        csv.push_str(&format!("LD-2026-02,2,{c},1\n"));
    }
    let file = ws.path("paper.csv");
    std::fs::write(&file, csv).unwrap();
    ws.run_ok(&["sheets", "import", file.to_str().unwrap()]);
    assert!(
        ws.run_ok(&["audit", "verify"])
            .starts_with("audit chain intact")
    );

    // The sheet's rows: the import's choices, then its submission.
    let rows: Vec<(i64, String, String)> = raw(&ws)
        .prepare(
            "SELECT seq, action, new FROM audit WHERE target = 'LD-2026-02 round 1 seat 2' ORDER BY seq",
        )
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let actions: Vec<&str> = rows.iter().map(|(_, a, _)| a.as_str()).collect();
    assert_eq!(actions, ["sheet.import", "sheet.submit"]);
    let (sheet_row, new) = (rows[0].0, &rows[0].2);
    assert!(new.contains(&format!("\"{}\":1", criteria[0])), "{new}");
    raw(&ws)
        .execute(
            "UPDATE choices SET option = 2 WHERE criterion = ?1
             AND member_id = (SELECT id FROM members WHERE seat = 2)
             AND product_id = (SELECT id FROM products WHERE code = 'LD-2026-02')",
            [&criteria[0]],
        )
        .unwrap();
    let line = format!(
        "LD-2026-02 round 1 seat 2 criterion {}: the database holds option 2, but the audit log (row {sheet_row}) recorded 1",
        criteria[0]
    );
    assert_eq!(
        fails(&ws, &["audit", "verify"]),
        format!(
            "error: the database was changed outside council; 1 difference(s) from the audit log:\n  {line}\n"
        )
    );
    let store = Store::open(&ws.db()).unwrap();
    assert_eq!(store.audit_cross_check().unwrap(), vec![line]);
}

#[test]
fn audit_show_lists_the_history_of_a_product_member_or_criterion() {
    let ws = scored_session();
    // Change one choice so the criterion has a history with an old value.
    ws.run_ok(&[
        "dev",
        "fill",
        "--product",
        "LD-2026-01",
        "--member",
        "2",
        "--pass",
        "1",
    ]);
    let lines = |args: &[&str]| -> Vec<String> {
        let mut all = vec!["audit", "show"];
        all.extend(args);
        ws.run_ok(&all).lines().map(str::to_string).collect()
    };
    let criterion = lines(&[
        "--product",
        "LD-2026-01",
        "--member",
        "2",
        "--criterion",
        "1.1",
    ]);
    assert_eq!(criterion.len(), 2, "{criterion:?}");
    assert!(criterion.iter().all(|l| l.contains("member:2")
        && l.contains("choice.set")
        && l.contains("LD-2026-01 round 1 seat 2 criterion 1.1")));
    assert!(criterion[0].ends_with("∅ → 3"), "{}", criterion[0]);
    assert!(criterion[1].ends_with("3 → 1"), "{}", criterion[1]);

    let member = lines(&["--member", "1"]);
    assert!(member.iter().all(|l| l.contains(" seat 1")), "{member:?}");
    assert!(member.last().unwrap().contains("sheet.submit"));
    let across_members = lines(&["--criterion", "1.1"]);
    assert_eq!(across_members.len(), 3, "{across_members:?}");
    let product = lines(&["--product", "LD-2026-02"]);
    assert_eq!(product.len(), 1, "{product:?}"); // opened, nothing scored yet
    assert!(product[0].contains("product.status") && product[0].ends_with("waiting → scoring"));
}

#[test]
fn a_finalised_session_refuses_every_change_until_reopened_with_a_reason() {
    let ws = scored_session();
    // Not while a product is being scored; not with another name than the chair's.
    let err = fails(&ws, &["session", "finalise", "--chair", CHAIR]);
    assert_eq!(
        err,
        "error: Sản phẩm LD-2026-01 đang được chấm; đóng sản phẩm trước\n"
    );
    ws.run_ok(&["dev", "close-all", "--override", "thử nghiệm"]);
    let err = fails(&ws, &["session", "finalise", "--chair", "Trần Thị Thu Hà"]);
    assert_eq!(
        err,
        format!("error: Tên nhập vào không khớp với chủ tịch Hội đồng ({CHAIR})\n")
    );

    // A decomposed (NFD) spelling of the chair's name is the same name.
    let nfd = "Nguye\u{302}\u{303}n Va\u{306}n Hu\u{300}ng";
    let out = ws.run_ok(&["session", "finalise", "--chair", nfd]);
    let hash = out.trim().rsplit(' ').next().unwrap().to_string();
    assert_eq!(
        out,
        format!("Phiên thu-nghiem-2026 đã hoàn tất; mã kết quả (SHA-256): {hash}\n")
    );
    assert_eq!(hash.len(), 64);
    let store = Store::open(&ws.db()).unwrap();
    let data = store.load_session(1).unwrap();
    assert_eq!(data.info.final_hash.as_deref(), Some(hash.as_str()));
    assert_eq!(store.results_digest(&data).unwrap(), hash);
    drop(store);
    // A backup was written before finalising.
    let backups: Vec<_> = std::fs::read_dir(ws.dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("council.final-") && n.ends_with(".bak"))
        .collect();
    assert_eq!(backups.len(), 1, "{backups:?}");
    assert!(ws.run_ok(&["session", "list"]).contains("[final]"));

    let rows = audit_rows(&ws);
    let finalised = "error: Phiên đã hoàn tất; không thể thay đổi gì trừ khi mở lại phiên kèm lý do (`council session reopen`)\n";
    assert_eq!(fails(&ws, &["dev", "open-all"]), finalised);
    let csv = ws.write(
        "late.csv",
        "product,member,criterion,option\nLD-2026-02,3,1.1,1\n",
    );
    assert_eq!(
        fails(&ws, &["sheets", "import", csv.to_str().unwrap()]),
        finalised
    );
    assert_eq!(
        fails(&ws, &["session", "finalise", "--chair", CHAIR]),
        finalised
    );
    assert_eq!(audit_rows(&ws), rows, "refused changes logged nothing");

    // Reopening needs a reason, which is logged.
    let err = fails(&ws, &["session", "reopen", "--reason", "  "]);
    assert_eq!(err, "error: Mở lại phiên đã hoàn tất cần nêu lý do\n");
    let reason = "Sửa sai sót khi nhập phiếu của thành viên số 2";
    ws.run_ok(&["session", "reopen", "--reason", reason]);
    let history = ws.run_ok(&["audit", "show"]);
    let last = history.lines().last().unwrap();
    assert!(
        last.contains("session.reopen") && last.ends_with(&format!("final → {reason}")),
        "{last}"
    );
    assert!(!ws.run_ok(&["session", "list"]).contains("[final]"));
    let err = fails(&ws, &["session", "reopen", "--reason", reason]);
    assert_eq!(err, "error: Phiên chưa hoàn tất\n");
    // Open again: changes are accepted (and logged).
    ws.run_ok(&["dev", "open-all"]);
    assert!(audit_rows(&ws) > rows + 1);
}

/// An audit row as the hash covers it: seq, session, at, actor, action, target, old, new.
type AuditRow = (
    i64,
    Option<i64>,
    String,
    String,
    String,
    String,
    Option<String>,
    Option<String>,
);

/// Rewrites row `from` on and every later hash, as someone who knows the hash recipe would.
fn rehash_chain(conn: &Connection, from: i64) {
    let mut prev: String = conn
        .query_row("SELECT hash FROM audit WHERE seq = ?1", [from - 1], |r| {
            r.get(0)
        })
        .unwrap();
    let rows: Vec<AuditRow> = conn
        .prepare("SELECT seq, session_id, at, actor, action, target, old, new FROM audit WHERE seq >= ?1 ORDER BY seq")
        .unwrap()
        .query_map([from], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?, r.get(7)?))
        })
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    for (seq, session, at, actor, action, target, old, new) in rows {
        let text = format!(
            "{prev}\n{seq}\n{}\n{at}\n{actor}\n{action}\n{target}\n{}\n{}",
            session.map(|s| s.to_string()).unwrap_or_default(),
            old.as_deref().unwrap_or("\u{0}"),
            new.as_deref().unwrap_or("\u{0}"),
        );
        let hash = sha256_hex(text.as_bytes());
        conn.execute(
            "UPDATE audit SET prev_hash = ?2, hash = ?3 WHERE seq = ?1",
            rusqlite::params![seq, prev, hash],
        )
        .unwrap();
        prev = hash;
    }
}

#[test]
fn after_finalisation_even_a_consistent_forgery_breaks_the_final_hash() {
    let ws = scored_session();
    ws.run_ok(&["dev", "close-all", "--override", "thử nghiệm"]);
    ws.run_ok(&["session", "finalise", "--chair", CHAIR]);
    // Change a counted choice, its audit row, and re-hash the whole chain after it: the
    // chain and the log agree again, but the results no longer hash to the final hash.
    let conn = raw(&ws);
    let seq = seq_of(&ws, "LD-2026-01 round 1 seat 1 criterion 1.1");
    let option: u32 = conn
        .query_row(
            "SELECT CAST(new AS INTEGER) FROM audit WHERE seq = ?1",
            [seq],
            |r| r.get(0),
        )
        .unwrap();
    let forged = if option == 1 { 2 } else { 1 };
    conn.execute(
        "UPDATE choices SET option = ?1 WHERE criterion = '1.1'
         AND member_id = (SELECT id FROM members WHERE seat = 1)
         AND product_id = (SELECT id FROM products WHERE code = 'LD-2026-01')",
        [forged],
    )
    .unwrap();
    conn.execute(
        "UPDATE audit SET new = ?2 WHERE seq = ?1",
        rusqlite::params![seq, forged.to_string()],
    )
    .unwrap();
    rehash_chain(&conn, seq);
    let err = fails(&ws, &["audit", "verify"]);
    assert!(
        err.starts_with("error: the database was changed outside council; 2 difference(s) from the audit log:\n  session thu-nghiem-2026: the results no longer match the final hash stored when it was finalised ("),
        "{err}"
    );
    // The product's kept result was computed from the choice as it was.
    assert!(
        err.contains("product LD-2026-01 round 1: the stored result was computed from other inputs than the sheets now counted"),
        "{err}"
    );
}

#[test]
fn the_minutes_print_the_final_hash_and_every_reopening() {
    let ws = scored_session();
    ws.run_ok(&["dev", "close-all", "--override", "thử nghiệm"]);
    ws.run_ok(&["session", "finalise", "--chair", CHAIR]);
    let reason = "Sửa sai sót khi nhập phiếu của thành viên số 2";
    ws.run_ok(&["session", "reopen", "--reason", reason]);
    let out = ws.run_ok(&["session", "finalise", "--chair", CHAIR]);
    let hash = out.trim().rsplit(' ').next().unwrap();
    let dir = ws.path("minutes");
    ws.run_ok(&["export", "--out", dir.to_str().unwrap(), "--format", "md"]);
    let file = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|e| e == "md"))
        .expect("minutes written");
    let minutes = std::fs::read_to_string(file).unwrap();
    assert!(minutes.contains(hash), "final hash missing:\n{minutes}");
    assert!(minutes.contains(reason), "reopening missing:\n{minutes}");
}

/// A flipped byte inside a page (here an index page, which the chain and the cross-check
/// never read) is invisible to the audit log, so `audit verify` runs SQLite's integrity check
/// first and names it.
#[test]
fn a_flipped_byte_in_a_page_fails_audit_verify_naming_the_integrity_check() {
    let ws = scored_session();
    let (page_size, root): (i64, i64) = {
        let conn = raw(&ws);
        (
            conn.query_row("PRAGMA page_size", [], |r| r.get(0))
                .unwrap(),
            conn.query_row(
                "SELECT rootpage FROM sqlite_schema WHERE name = 'audit_by_target'",
                [],
                |r| r.get(0),
            )
            .unwrap(),
        )
    };
    let mut bytes = std::fs::read(ws.db()).unwrap();
    let at = (root * page_size - 3) as usize;
    bytes[at] ^= 0x20;
    std::fs::write(ws.db(), bytes).unwrap();

    // What `audit verify` checked until now still passes…
    let store = Store::open(&ws.db()).unwrap();
    assert_eq!(store.audit_verify().unwrap().first_broken, None);
    assert!(store.audit_cross_check().unwrap().is_empty());
    assert_ne!(store.integrity_check().unwrap(), "ok");
    drop(store);
    // …but the file is damaged, and now it says so.
    let err = fails(&ws, &["audit", "verify"]);
    assert!(
        err.starts_with(&format!(
            "error: {}: the file is damaged: SQLite's integrity check fails:\n  ",
            ws.db().display()
        )),
        "{err}"
    );
    assert!(err.contains("audit_by_target"), "{err}");
    assert!(
        err.ends_with("restore a backup with `council restore FILE`\n"),
        "{err}"
    );
}

/// Issue 11, observation 7: each edit behind the tool's back, in its own copy of a finalised
/// session, is named by `audit verify`; a full re-forgery of the log is caught by the chain
/// head printed on the signed copy (`audit verify --expect`).
#[test]
fn every_edit_behind_the_tools_back_is_named() {
    let ws = scored_session();
    ws.run_ok(&[
        "dev",
        "fill",
        "--product",
        "LD-2026-01",
        "--member",
        "2",
        "--submit",
    ]);
    ws.run_ok(&["recuse", "LD-2026-02", "3", "--reason", "Người nhà chủ thể"]);
    ws.run_ok(&["dev", "close-all", "--override", "thử nghiệm"]);
    ws.run_ok(&["session", "finalise", "--chair", CHAIR]);
    ws.run_ok(&["audit", "verify"]);
    let head: String = raw(&ws)
        .query_row(
            "SELECT hash FROM audit ORDER BY seq DESC LIMIT 1",
            [],
            |r| r.get(0),
        )
        .unwrap();
    let signed = &head[..16];
    ws.run_ok(&["audit", "verify", "--expect", signed]);

    let edits: &[(&str, &str, &str)] = &[
        (
            "deleting the last audit row",
            "DELETE FROM audit WHERE seq = (SELECT MAX(seq) FROM audit)",
            "not as the log's last finalisation",
        ),
        (
            "renaming a member",
            "UPDATE members SET name = 'Người Khác' WHERE seat = 2",
            "seat 2: the member in the database (Người Khác",
        ),
        (
            "changing attendance",
            "UPDATE members SET present = 0 WHERE seat = 2",
            "seat 2: attendance is absent in the database, present in the log",
        ),
        (
            "a closed product set back to scoring",
            "UPDATE products SET status = 'scoring' WHERE code = 'LD-2026-01'",
            "product LD-2026-01: the database says scoring round 1",
        ),
        (
            "editing the stored rubric text",
            "UPDATE rubrics SET source = replace(source, 'min_points = 90', 'min_points = 95')",
            "its stored text is not the one logged",
        ),
        (
            "editing a criteria set's kept model",
            "UPDATE rubrics SET model = replace(model, '\"points\":3', '\"points\":30')",
            "its stored model is not its stored text parsed",
        ),
        (
            "changing the policy",
            "UPDATE sessions SET policy = replace(policy, 'majority', 'mean')",
            "the policy in the database",
        ),
        (
            "inserting a recusal",
            "INSERT INTO recusals (product_id, round, member_id, reason) SELECT p.id, 1, m.id, 'x' FROM products p, members m WHERE p.code = 'LD-2026-01' AND m.seat = 1",
            "LD-2026-01 round 1 seat 1: a recusal the log does not record",
        ),
        (
            "knocking out through the status column",
            "UPDATE products SET status = 'knocked_out' WHERE code = 'LD-2026-01'",
            "product LD-2026-01: the database says knocked_out",
        ),
        (
            "editing a kept result",
            // The packed figures' second byte is the number of counted members.
            "UPDATE kept_results SET result = CAST(substr(result, 1, 1) || X'09' || substr(result, 3) AS BLOB)
             WHERE product_id = (SELECT id FROM products WHERE code = 'LD-2026-01')",
            "product LD-2026-01 round 1: the stored result differs from the result computed from its sheets",
        ),
        (
            "a kept result from other inputs",
            "UPDATE kept_results SET inputs_sha256 = 'b0gus'
             WHERE product_id = (SELECT id FROM products WHERE code = 'LD-2026-01')",
            "product LD-2026-01 round 1: the stored result was computed from other inputs",
        ),
        (
            "reopening a sheet behind the log",
            "UPDATE sheets SET status = 'draft' WHERE member_id = (SELECT id FROM members WHERE seat = 1)",
            "seat 1: the sheet is draft in the database",
        ),
    ];
    for (name, sql, expected) in edits {
        let copy = Workspace::new();
        std::fs::copy(ws.db(), copy.db()).unwrap();
        raw(&copy).execute_batch(sql).unwrap();
        let err = fails(&copy, &["audit", "verify"]);
        assert!(err.contains(expected), "{name}: audit verify said\n{err}");
    }

    // A choice changed and its log row forged with the whole chain recomputed: the chain
    // verifies, but the signed copy's head is gone (and the final hash no longer matches).
    let copy = Workspace::new();
    std::fs::copy(ws.db(), copy.db()).unwrap();
    let conn = raw(&copy);
    let target = "LD-2026-01 round 1 seat 1 criterion 1.1";
    let seq: i64 = conn
        .query_row(
            "SELECT MAX(seq) FROM audit WHERE target = ?1",
            [target],
            |r| r.get(0),
        )
        .unwrap();
    let option: String = conn
        .query_row("SELECT new FROM audit WHERE seq = ?1", [seq], |r| r.get(0))
        .unwrap();
    let forged = if option == "1" { "2" } else { "1" };
    conn.execute(
        "UPDATE audit SET new = ?2 WHERE seq = ?1",
        rusqlite::params![seq, forged],
    )
    .unwrap();
    conn.execute(
        "UPDATE choices SET option = ?1 WHERE criterion = '1.1' AND member_id = (SELECT id FROM members WHERE seat = 1)
         AND product_id = (SELECT id FROM products WHERE code = 'LD-2026-01')",
        [forged],
    )
    .unwrap();
    rehash_chain(&conn, seq);
    drop(conn);
    let err = fails(&copy, &["audit", "verify", "--expect", signed]);
    assert!(
        err.contains(&format!(
            "the chain head {signed} of the signed copy is not in this database's log"
        )),
        "{err}"
    );
}

/// Every settled product of a generated archive keeps its result when it settles, and the
/// kept result is exactly what a fresh computation from its sheets gives.
#[test]
fn kept_results_equal_a_fresh_computation_for_every_generated_product() {
    use council::generate::{ArchiveSpec, generate_archive};
    use council::rubric::Catalog;
    let spec = ArchiveSpec {
        sessions: 3,
        products: 12,
        members: 9,
        seed: 15,
    };
    let mut store = Store::open_in_memory().unwrap();
    generate_archive(&mut store, &Catalog::shipped(), &spec, &mut |_, _| {}).unwrap();
    let mut settled = 0;
    let mut knocked_out = 0;
    for summary in store.sessions().unwrap() {
        let data = store.load_session(summary.id).unwrap();
        for product in &data.products {
            assert!(product.status.is_settled(), "{}", product.code);
            let kept = store
                .kept_result(product, product.round)
                .unwrap()
                .unwrap_or_else(|| panic!("{} has no kept result", product.code));
            let fresh = store.product_result(&data, product).unwrap();
            assert_eq!(kept, fresh, "{}", product.code);
            assert_eq!(store.shown_result(&data, product).unwrap(), fresh);
            settled += 1;
            knocked_out += usize::from(fresh.knocked_out.is_some());
        }
    }
    assert_eq!(settled, 36);
    assert!(knocked_out < settled);
    assert_eq!(store.audit_kept_check().unwrap(), Vec::<String>::new());
}

/// A generated archive of one session (`products` × 7 members, from `seed`) in `ws`, its store
/// closed again; returns the session's id.
fn generated_session(ws: &Workspace, products: u32, seed: u64) -> i64 {
    use council::generate::{ArchiveSpec, generate_archive};
    use council::rubric::Catalog;
    let spec = ArchiveSpec {
        sessions: 1,
        products,
        members: 7,
        seed,
    };
    let mut store = Store::open_or_create(&ws.db()).unwrap();
    generate_archive(&mut store, &Catalog::shipped(), &spec, &mut |_, _| {}).unwrap();
    store.sessions().unwrap()[0].id
}

/// A generated six-product session whose kept results are rewritten as `as_stored` says an
/// older schema stored them; returns the session and the product ids in order.
fn session_kept_as(
    ws: &Workspace,
    seed: u64,
    as_stored: impl Fn(&council::scoring::ProductResult) -> String,
) -> (council::store::SessionData, Vec<i64>) {
    let session = generated_session(ws, 6, seed);
    let store = Store::open(&ws.db()).unwrap();
    let data = store.load_session(session).unwrap();
    let conn = raw(ws);
    for p in &data.products {
        let text = as_stored(&store.product_result(&data, p).unwrap());
        conn.execute(
            "UPDATE kept_results SET result = ?2 WHERE product_id = ?1",
            rusqlite::params![p.id, text],
        )
        .unwrap();
    }
    let ids = data.products.iter().map(|p| p.id).collect();
    (data, ids)
}

/// Schema 8 gives each recusal its round: a schema-7 database held one per product, which the
/// migration holds from the round the log recorded it in through the product's current round.
/// A recusal made in a second round is not carried back into the first; one made in the first
/// is held in both; `audit verify` passes on the migrated database.
#[test]
fn the_schema_8_migration_holds_each_recusal_from_the_round_it_was_made_in() {
    let ws = Workspace::new();
    let demo = common::repo_path("sessions/demo.toml");
    ws.run_ok(&["session", "new", demo.to_str().unwrap()]);
    ws.run_ok(&["attend", "--all"]);
    let fill = |product: &str, seats: &[&str]| {
        for seat in seats {
            ws.run_ok(&[
                "dev",
                "fill",
                "--product",
                product,
                "--member",
                seat,
                "--submit",
            ]);
        }
        ws.run_ok(&["product", "close", product]);
    };
    let everyone = ["1", "2", "4", "5", "6", "7", "8", "9"];
    // LD-2026-01: round 1 scored by everyone, seat 9 recused in round 2.
    ws.run_ok(&["product", "open", "LD-2026-01"]);
    fill("LD-2026-01", &everyone);
    ws.run_ok(&["product", "round", "LD-2026-01", "--reason", "chênh lệch"]);
    ws.run_ok(&["recuse", "LD-2026-01", "9", "--reason", "xung đột lợi ích"]);
    fill("LD-2026-01", &everyone[..7]);
    // LD-2026-02: seat 4 recused in round 1, then a second round.
    ws.run_ok(&["product", "open", "LD-2026-02"]);
    ws.run_ok(&["recuse", "LD-2026-02", "4", "--reason", "người thân"]);
    fill("LD-2026-02", &["1", "2", "5", "6", "7", "8", "9"]);
    ws.run_ok(&["product", "round", "LD-2026-02", "--reason", "chênh lệch"]);

    let conn = raw(&ws);
    conn.execute_batch(SCHEMA_8_UNDONE).unwrap();
    conn.execute_batch("PRAGMA user_version = 7").unwrap();
    drop(conn);

    assert!(
        ws.run_ok(&["audit", "verify"])
            .starts_with("audit chain intact")
    );
    let held: Vec<(String, u32, u32)> = raw(&ws)
        .prepare(
            "SELECT p.code, r.round, m.seat FROM recusals r JOIN products p ON p.id = r.product_id
             JOIN members m ON m.id = r.member_id ORDER BY p.code, r.round",
        )
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let row = |code: &str, round, seat| (code.to_string(), round, seat);
    assert_eq!(
        held,
        [
            row("LD-2026-01", 2, 9),
            row("LD-2026-02", 1, 4),
            row("LD-2026-02", 2, 4)
        ]
    );
}

/// A database from schema 5 kept whole results (texts and all); opening it migrates each to
/// its figures, and every kept result then reads back equal to a fresh computation, with
/// `audit verify`'s check of kept results clean.
#[test]
fn results_kept_whole_by_schema_5_are_rewritten_as_figures() {
    let ws = Workspace::new();
    // As schema 5 stored them: the whole result, at version 5.
    let (data, _) = session_kept_as(&ws, 4, |fresh| serde_json::to_string(fresh).unwrap());
    let conn = raw(&ws);
    // Nor did it keep criteria sets' models, or sheets' counts.
    conn.execute_batch(SCHEMA_8_UNDONE).unwrap();
    conn.execute_batch(SCHEMA_7_UNDONE).unwrap();
    conn.execute_batch("ALTER TABLE rubrics DROP COLUMN model; PRAGMA user_version = 5")
        .unwrap();
    drop(conn);

    let store = Store::open(&ws.db()).unwrap();
    let data = store.load_session(data.info.id).unwrap();
    for product in &data.products {
        let stored: Vec<u8> = store
            .connection()
            .query_row(
                "SELECT result FROM kept_results WHERE product_id = ?1",
                [product.id],
                |r| r.get(0),
            )
            .unwrap();
        assert!(Figures::unpack(&stored).is_some(), "{}", product.code);
        let kept = store.kept_result(product, product.round).unwrap();
        assert_eq!(
            kept,
            Some(store.product_result(&data, product).unwrap()),
            "{}",
            product.code
        );
    }
    assert_eq!(store.audit_kept_check().unwrap(), Vec::<String>::new());
    let without_model: i64 = store
        .connection()
        .query_row(
            "SELECT COUNT(*) FROM rubrics WHERE model IS NULL",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(without_model, 0, "every criteria set has its model");
}

/// Schema 6 kept each result's figures as JSON; opening such a database packs them (schema 7),
/// each reads back equal to a fresh computation and `audit verify` finds nothing. A row that
/// is neither (damaged outside council) is left for `audit verify` to name, and the product's
/// result is computed afresh meanwhile.
#[test]
fn figures_kept_as_json_by_schema_6_are_packed() {
    let ws = Workspace::new();
    let (data, ids) = session_kept_as(&ws, 5, |fresh| {
        serde_json::to_string(&Figures::of(fresh)).unwrap()
    });
    let conn = raw(&ws);
    let damaged = ids[1];
    conn.execute(
        "UPDATE kept_results SET result = '{\"counted\": 3' WHERE product_id = ?1",
        [damaged],
    )
    .unwrap();
    conn.execute_batch(SCHEMA_8_UNDONE).unwrap();
    conn.execute_batch(SCHEMA_7_UNDONE).unwrap();
    conn.execute_batch("PRAGMA user_version = 6").unwrap();
    drop(conn);

    let store = Store::open(&ws.db()).unwrap();
    let data = store.load_session(data.info.id).unwrap();
    let mut problems = Vec::new();
    for product in &data.products {
        let (kind, stored): (String, Vec<u8>) = store
            .connection()
            .query_row(
                "SELECT typeof(result), CAST(result AS BLOB) FROM kept_results WHERE product_id = ?1",
                [product.id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .unwrap();
        let fresh = store.product_result(&data, product).unwrap();
        if product.id == damaged {
            assert_eq!(kind, "text", "the damaged row is left as it was");
            assert_eq!(store.kept_result(product, product.round).unwrap(), None);
            assert_eq!(store.shown_result(&data, product).unwrap(), fresh);
            problems.push(format!(
                "product {} round 1: the stored result differs from the result computed from its sheets: it was edited outside council",
                product.code
            ));
            continue;
        }
        assert_eq!(kind, "blob", "{}", product.code);
        assert!(Figures::unpack(&stored).is_some(), "{}", product.code);
        assert_eq!(
            store.kept_result(product, product.round).unwrap(),
            Some(fresh),
            "{}",
            product.code
        );
    }
    assert_eq!(store.audit_kept_check().unwrap(), problems);
}

/// A schema-5 database one of whose stored criteria sets no longer parses still opens and
/// migrates (the set keeps no model); loading its session then names the broken set, and the
/// database and its other sets are untouched.
#[test]
fn a_broken_stored_criteria_set_does_not_stop_the_schema_6_migration() {
    let ws = Workspace::new();
    let session = generated_session(&ws, 4, 9);
    let conn = raw(&ws);
    conn.execute_batch(SCHEMA_8_UNDONE).unwrap();
    conn.execute_batch(SCHEMA_7_UNDONE).unwrap();
    conn.execute_batch(
        "ALTER TABLE rubrics DROP COLUMN model;
         UPDATE rubrics SET source = 'not = [a criteria set' WHERE id = (SELECT MIN(id) FROM rubrics);
         PRAGMA user_version = 5",
    )
    .unwrap();
    drop(conn);

    let store = Store::open(&ws.db()).expect("the migration does not fail on one bad set");
    let (_, without): (i64, i64) = store
        .connection()
        .query_row(
            "SELECT COUNT(model), COUNT(*) - COUNT(model) FROM rubrics",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!(without, 1, "only the broken set has no model");
    let err = store.load_session(session).unwrap_err().to_string();
    assert!(err.contains("stored rubric is invalid"), "{err}");
}

/// Schema 7: every sheet keeps its counts of answered criteria (what the progress screens
/// show); `audit verify` names a sheet whose counts are not its choices.
#[test]
fn a_sheet_count_edited_with_sql_is_named_with_its_choices() {
    let ws = scored_session();
    let conn = raw(&ws);
    let sheet = "member_id = (SELECT id FROM members WHERE seat = 1)
         AND product_id = (SELECT id FROM products WHERE code = 'LD-2026-01')";
    let choices: i64 = conn
        .query_row(
            &format!("SELECT COUNT(*) FROM choices WHERE entry = 1 AND {sheet}"),
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(choices > 0);
    conn.execute_batch(&format!(
        "UPDATE sheets SET answered = answered + 3, reentered = 2 WHERE {sheet}"
    ))
    .unwrap();
    drop(conn);
    let err = fails(&ws, &["audit", "verify"]);
    assert!(err.contains("2 difference(s)"), "{err}");
    for line in [
        format!(
            "LD-2026-01 round 1 seat 1: the sheet's stored answered count {} is not its {choices} choices",
            choices + 3
        ),
        "LD-2026-01 round 1 seat 1: the sheet's stored re-entered count 2 is not its 0 re-entry choices".to_string(),
    ] {
        assert!(err.contains(&line), "expected {line:?} in\n{err}");
    }
}

/// A schema-6 database has no counts on its sheets; the migration counts every sheet's
/// choices of each entry, partial sheets and blind re-entries included.
#[test]
fn the_schema_7_migration_counts_every_sheets_choices() {
    let ws = Workspace::new();
    let session = generated_session(&ws, 4, 3);
    // As schema 6 left it: its triggers, no counts; then seat 1's first sheet loses two
    // answers and seat 2's gets a re-entry of three.
    let conn = raw(&ws);
    conn.execute_batch(SCHEMA_8_UNDONE).unwrap();
    conn.execute_batch(SCHEMA_7_UNDONE).unwrap();
    conn.execute_batch(
        "PRAGMA user_version = 6;
         DELETE FROM choices WHERE (product_id, member_id, criterion) IN (
             SELECT c.product_id, c.member_id, c.criterion FROM choices c
             JOIN members m ON m.id = c.member_id WHERE m.seat = 1
             AND c.product_id = (SELECT MIN(id) FROM products) ORDER BY c.criterion LIMIT 2);
         INSERT INTO choices (product_id, round, member_id, entry, criterion, option, points, entered_by, at)
             SELECT c.product_id, c.round, c.member_id, 2, c.criterion, c.option, c.points, c.entered_by, c.at
             FROM choices c JOIN members m ON m.id = c.member_id WHERE m.seat = 2
             AND c.product_id = (SELECT MIN(id) FROM products) ORDER BY c.criterion LIMIT 3;",
    )
    .unwrap();
    drop(conn);

    let store = Store::open(&ws.db()).unwrap();
    assert_eq!(store.audit_count_check().unwrap(), Vec::<String>::new());
    let data = store.load_session(session).unwrap();
    let first = &data.products[0];
    let criteria = first.rubric.criteria_count() as u32;
    let progress = store.sheet_progress(&data, first).unwrap();
    let counts: Vec<(u32, u32, u32)> = progress
        .iter()
        .take(3)
        .map(|s| (s.seat, s.answered, s.reentered))
        .collect();
    assert_eq!(
        counts,
        [(1, criteria - 2, 0), (2, criteria, 3), (3, criteria, 0)]
    );
}
