//! (5) Importing the CSV of one session's paper sheets (70 products × 15 members × ~35 rows)
//! into a new session of the archive: read the file, parse it, validate every row, write it in
//! one durable transaction (choices, audit rows, submitted sheets).

use std::cell::RefCell;
use std::path::PathBuf;

use criterion::{BatchSize, Criterion};

use council::cli::read_choice_csv;
use council::generate::{add_session, sheets_csv};
use council::store::{SessionData, Store};

use crate::fixtures::Fixtures;

pub fn bench(c: &mut Criterion, fx: &Fixtures) {
    let db = fx.writable_copy("import");
    let mut store = Store::open(&db).expect("open the copy");
    let csv_path = fx.scratch.join("import-sheets.csv");
    // Each import goes into a new session (a session's sheets can be imported only once).
    let mut next_index = fx.spec.sessions;
    let mut fresh_session = |store: &mut Store| -> (SessionData, PathBuf) {
        let data = add_session(store, &fx.catalog, &fx.spec, next_index).expect("new session");
        next_index += 1;
        let (bytes, _) = sheets_csv(&data, fx.spec.seed).expect("sheets CSV");
        std::fs::write(&csv_path, bytes).expect("write the CSV");
        (data, csv_path.clone())
    };
    let (data, path) = fresh_session(&mut store);
    let rows = import_file(&mut store, &data, &path);
    eprintln!("import: {rows} rows per session CSV");

    let store = RefCell::new(store);
    let mut group = c.benchmark_group("import");
    group.sample_size(10);
    group.bench_function("session_csv", |b| {
        b.iter_batched(
            || fresh_session(&mut store.borrow_mut()),
            |(data, path)| import_file(&mut store.borrow_mut(), &data, &path),
            BatchSize::PerIteration,
        )
    });
    group.finish();
    drop(store);
    let _ = std::fs::remove_file(db);
}

/// What `council sheets import FILE` does once the store is open.
fn import_file(store: &mut Store, data: &SessionData, path: &std::path::Path) -> usize {
    let bytes = std::fs::read(path).expect("read the CSV");
    let rows = read_choice_csv(path, &bytes).expect("parse the CSV");
    let report = store
        .import_choices(data, "sheets.csv", &bytes, &rows)
        .expect("import");
    // Every scoring member's sheet of every product (the secretary does not score).
    let scoring = data.members.iter().filter(|m| m.scores).count();
    assert_eq!(report.submitted, data.products.len() * scoring);
    report.rows
}
