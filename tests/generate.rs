//! The archive generator makes a valid, complete archive: every member's sheet of every product
//! is complete and submitted, the results compute, and the CLI command fills a real database.

use crate::common;

use std::collections::{BTreeSet, HashSet};

use council::generate::{ArchiveSpec, generate_archive, session_file};
use council::rubric::Catalog;
use council::session::parse_session;
use council::store::{ProductStatus, Store};

const SMALL: ArchiveSpec = ArchiveSpec {
    sessions: 2,
    products: 3,
    members: 7,
    seed: 7,
};

#[test]
fn small_archive_is_complete_and_scores() {
    let catalog = Catalog::shipped();
    let mut store = Store::open_in_memory().unwrap();
    let mut reported = Vec::new();
    let report = generate_archive(&mut store, &catalog, &SMALL, &mut |done, total| {
        reported.push((done, total))
    })
    .unwrap();
    assert_eq!(reported, vec![(1, 2), (2, 2)]);
    assert_eq!(report.sessions, 2);
    assert_eq!(report.products, 6);
    assert_eq!(report.choices as u64, SMALL.choices(&catalog));

    let sessions = store.sessions().unwrap();
    assert_eq!(sessions.len(), 2);
    let mut choices = 0;
    let mut rubrics = HashSet::new();
    for summary in &sessions {
        let data = store.load_session(summary.id).unwrap();
        assert_eq!(data.members.len(), 7);
        assert_eq!(data.products.len(), 3);
        assert!(data.quorum().reached, "every member is marked present");
        for product in &data.products {
            assert!(
                product.status.is_settled(),
                "{} is {:?}",
                product.code,
                product.status
            );
            rubrics.insert(product.rubric_id.clone());
            let sheets = store.sheets(&data, product.id, product.round).unwrap();
            assert_eq!(
                sheets.len(),
                6,
                "one sheet per scoring member (all but the secretary) of {}",
                product.code
            );
            for sheet in &sheets {
                assert!(sheet.submitted, "{} seat {}", product.code, sheet.seat);
                let answered: BTreeSet<&str> = sheet.choices.keys().map(String::as_str).collect();
                let criteria: BTreeSet<&str> =
                    product.rubric.criteria().map(|(_, c)| &*c.id).collect();
                assert_eq!(answered, criteria, "{} seat {}", product.code, sheet.seat);
                choices += sheet.choices.len();
            }
            let result = store.product_result(&data, product).unwrap();
            assert_eq!(result.counted, 6);
            assert!(result.incomplete.is_empty());
            let mean = result.mean_total.expect("a mean");
            assert!((0.0..=100.0).contains(&mean), "{mean}");
            match product.status {
                ProductStatus::KnockedOut => assert!(result.stars.is_none()),
                _ => assert!(result.stars.is_some(), "{} has stars", product.code),
            }
        }
    }
    assert_eq!(choices, report.choices);
    assert_eq!(rubrics.len(), 6, "products use different criteria sets");
    assert_eq!(store.audit_verify().unwrap().first_broken, None);
}

#[test]
fn same_seed_same_archive_other_seed_other_choices() {
    let catalog = Catalog::shipped();
    let totals = |seed| {
        let mut store = Store::open_in_memory().unwrap();
        let spec = ArchiveSpec { seed, ..SMALL };
        generate_archive(&mut store, &catalog, &spec, &mut |_, _| {}).unwrap();
        let mut out = Vec::new();
        for summary in store.sessions().unwrap() {
            let data = store.load_session(summary.id).unwrap();
            for result in store.session_results(&data).unwrap() {
                out.push(result.members.iter().map(|m| m.total).collect::<Vec<_>>());
            }
        }
        out
    };
    let first = totals(7);
    assert_eq!(first, totals(7));
    assert_ne!(first, totals(8));
    // Members of one council do not all agree.
    assert!(
        first
            .iter()
            .any(|t| t.iter().collect::<HashSet<_>>().len() > 1)
    );
}

#[test]
fn generated_session_files_validate_with_vietnamese_text() {
    let catalog = Catalog::shipped();
    let spec = ArchiveSpec {
        sessions: 40,
        products: 70,
        members: 15,
        seed: 1,
    };
    let mut ids = HashSet::new();
    let mut sets = HashSet::new();
    for index in [0, 17, 39] {
        let text = session_file(&catalog, &spec, index);
        let session = parse_session("generated", &text, &|id| catalog.find(id).is_some())
            .unwrap_or_else(|p| panic!("{p}\n{text}"));
        assert!(ids.insert(session.id.clone()));
        assert_eq!(session.members.len(), 15);
        assert_eq!(session.products.len(), 70);
        assert!(session.title.contains("phân hạng sản phẩm"));
        sets.extend(session.products.iter().map(|p| p.rubric.clone()));
    }
    assert_eq!(sets.len(), 26, "all 26 criteria sets are used");
}

#[test]
fn too_small_a_council_is_refused() {
    let catalog = Catalog::shipped();
    let mut store = Store::open_in_memory().unwrap();
    let spec = ArchiveSpec {
        members: 2,
        ..SMALL
    };
    let err = generate_archive(&mut store, &catalog, &spec, &mut |_, _| {}).unwrap_err();
    assert_eq!(
        err.to_string(),
        "a council needs at least 3 members (a chair, a secretary and one more)"
    );
    assert!(store.sessions().unwrap().is_empty());
}

#[test]
fn dev_generate_command_fills_the_database() {
    let ws = common::Workspace::new();
    let out = ws.run_ok(&[
        "dev",
        "generate",
        "--sessions",
        "2",
        "--products",
        "2",
        "--members",
        "5",
        "--seed",
        "3",
    ]);
    assert!(
        out.starts_with("generated 2 sessions, 4 products, "),
        "{out}"
    );
    let list = ws.run_ok(&["session", "list"]);
    assert_eq!(list.lines().count(), 2, "{list}");
    let results = ws.run_ok(&["results", "--session", "lam-dong-2016-dot-2", "--json"]);
    let json: serde_json::Value = serde_json::from_str(&results).unwrap();
    assert_eq!(json["products"].as_array().unwrap().len(), 2);
    // A second run would repeat the session ids: refused, nothing added.
    ws.council()
        .args([
            "dev",
            "generate",
            "--sessions",
            "1",
            "--products",
            "2",
            "--members",
            "5",
        ])
        .assert()
        .failure();
    assert_eq!(ws.run_ok(&["session", "list"]).lines().count(), 2);
}
