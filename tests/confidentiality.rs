//! Confidentiality of open products at the store level: the reads a member's screen uses
//! (`member_sheet`, `sheet_progress`) return only that member's own choices and, for the
//! others, how far they have got; and the database file is readable by its owner only.
#![cfg(unix)] // permissions, signals and `sh` are Unix things

use crate::common;

use std::os::unix::fs::PermissionsExt;

use common::Workspace;
use council::store::Store;

#[test]
fn a_members_reads_hold_only_their_own_choices_of_an_open_product() {
    let ws = Workspace::new();
    ws.open_small_session();
    // Seats 1 and 3 score (differently); seat 2 has not started.
    ws.run_ok(&[
        "dev",
        "fill",
        "--product",
        "LD-2026-01",
        "--member",
        "1",
        "--submit",
    ]);
    ws.run_ok(&[
        "dev",
        "fill",
        "--product",
        "LD-2026-01",
        "--member",
        "3",
        "--pass",
        "1",
    ]);

    let store = Store::open(&ws.db()).unwrap();
    let data = store.load_session(1).unwrap();
    let product = data.product("LD-2026-01").unwrap();
    let all = store.sheets(&data, product.id, product.round).unwrap();

    for seat in [1, 3] {
        let own = store.member_sheet(&data, product, seat).unwrap().unwrap();
        let stored = all.iter().find(|s| s.seat == seat).unwrap();
        assert_eq!(own.seat, seat);
        assert_eq!(
            own.choices, stored.choices,
            "seat {seat} sees its own sheet"
        );
        for other in all.iter().filter(|s| s.seat != seat) {
            assert_ne!(
                own.choices, other.choices,
                "seat {seat} holds seat {}'s choices",
                other.seat
            );
        }
    }
    assert_eq!(store.member_sheet(&data, product, 2).unwrap(), None);

    // Progress of every sheet, without a single choice (the type has no field for them).
    let progress = store.sheet_progress(&data, product).unwrap();
    let count = product.rubric.criteria_count() as u32;
    let summary: Vec<(u32, u32, bool)> = progress
        .iter()
        .map(|p| (p.seat, p.answered, p.submitted))
        .collect();
    assert_eq!(summary, vec![(1, count, true), (3, count, false)]);
}

#[test]
fn the_database_file_is_created_owner_only() {
    let ws = Workspace::new();
    // `session new` creates the database (read-only commands refuse a missing one).
    let session = common::repo_path("tests/fixtures/sessions/valid/small.toml");
    ws.run_ok(&["session", "new", session.to_str().unwrap()]);
    let mode = std::fs::metadata(ws.db()).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
}
