//! Several processes writing to one database at once: 15 member processes score their sheets
//! concurrently (one transaction per choice, IMMEDIATE, busy timeout). Every choice must be
//! stored exactly once with the value its writer reported, audited exactly once, and no
//! writer may end with an error (a locked database after the busy timeout is retried).

use crate::common;

use std::collections::HashMap;
use std::process::Stdio;

use common::Workspace;
use council::store::Store;

const WRITERS: usize = 15;

#[test]
fn fifteen_writer_processes_lose_and_duplicate_nothing() {
    let ws = Workspace::new();
    ws.load_bulk_demo();
    ws.run_ok(&["dev", "open-all"]);
    let store = Store::open(&ws.db()).unwrap();
    let data = store
        .load_session(store.find_session(None).unwrap().id)
        .unwrap();
    let audit_before = store.audit_verify().unwrap().rows;
    drop(store);

    // Writer w is seat w % 9 + 1 on two products; no two writers share a sheet.
    let jobs: Vec<(u32, [&str; 2])> = (0..WRITERS)
        .map(|w| {
            let pair = 2 * (w / 9);
            let codes = [
                data.products[pair].code.as_str(),
                data.products[pair + 1].code.as_str(),
            ];
            ((w % 9) as u32 + 1, codes)
        })
        .collect();
    let children: Vec<_> = jobs
        .iter()
        .map(|(seat, codes)| {
            let seat = seat.to_string();
            std::process::Command::new(assert_cmd::cargo::cargo_bin("council"))
                .args(["dev", "fill", "--submit", "--member", &seat])
                .args(["--product", codes[0], "--product", codes[1]])
                .env("COUNCIL_DB", ws.db())
                .env("COUNCIL_CONFIG_DIR", ws.path("config"))
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();

    let mut committed: HashMap<(String, u32, String), u32> = HashMap::new();
    let mut lines = 0;
    let mut submitted = 0;
    let mut retries = 0;
    for (child, (seat, _)) in children.into_iter().zip(&jobs) {
        let out = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            out.status.success(),
            "writer for seat {seat} failed: {stderr}"
        );
        // The only line a writer prints on stderr is its summary: no unretried error.
        let summary = stderr.trim();
        let count: u64 = summary
            .strip_prefix("done; retried ")
            .and_then(|s| s.strip_suffix(" time(s) after the busy timeout"))
            .and_then(|n| n.parse().ok())
            .unwrap_or_else(|| panic!("writer for seat {seat} said: {stderr}"));
        retries += count;
        for line in String::from_utf8(out.stdout).unwrap().lines() {
            let f: Vec<&str> = line.split(' ').collect();
            match f[0] {
                "committed" => {
                    lines += 1;
                    let key = (f[1].to_string(), f[2].parse().unwrap(), f[3].to_string());
                    let previous = committed.insert(key, f[4].parse().unwrap());
                    assert!(previous.is_none(), "two writers wrote one choice: {line}");
                }
                "submitted" => submitted += 1,
                _ => panic!("unexpected line {line}"),
            }
        }
    }
    println!("{lines} choices from {WRITERS} writers, {retries} retries after the busy timeout");
    let expected_choices: usize = jobs
        .iter()
        .flat_map(|(_, codes)| codes.iter())
        .map(|code| data.product(code).unwrap().rubric.criteria_count())
        .sum();
    assert_eq!(lines, expected_choices);
    assert_eq!(submitted, 2 * WRITERS);

    let store = Store::open(&ws.db()).unwrap();
    assert_eq!(store.integrity_check().unwrap(), "ok");
    let conn = store.connection();
    let mut stmt = conn
        .prepare(
            "SELECT p.code, m.seat, c.criterion, c.option FROM choices c
             JOIN products p ON p.id = c.product_id JOIN members m ON m.id = c.member_id",
        )
        .unwrap();
    let stored: Vec<((String, u32, String), u32)> = stmt
        .query_map([], |r| Ok(((r.get(0)?, r.get(1)?, r.get(2)?), r.get(3)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(stored.len(), committed.len(), "every choice exactly once");
    for (key, option) in &stored {
        assert_eq!(committed.get(key), Some(option), "stored {key:?}");
    }
    let submitted_sheets: i64 = conn
        .query_row(
            "SELECT COUNT(*) FROM sheets WHERE status = 'submitted'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(submitted_sheets, 2 * WRITERS as i64);
    // One audit row per choice and per submission, on one unbroken chain.
    let audit = store.audit_verify().unwrap();
    assert_eq!(audit.first_broken, None);
    assert_eq!(
        audit.rows,
        audit_before + committed.len() as u64 + 2 * WRITERS as u64
    );
    let choice_rows: i64 = conn
        .query_row(
            "SELECT COUNT(*) FROM audit WHERE action = 'choice.set'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(choice_rows as usize, committed.len());
}
