//! (1) Start-up to the first complete frame of the secretary's dashboard: open the database
//! (header check, WAL, migration check), find the session, build the workbench's state (load
//! the session, results of every settled product, sheet progress, recusals) and draw one frame
//! into ratatui's `TestBackend` — everything `council` does before the first frame but switching
//! the real terminal to raw mode.
//!
//! The same session (the archive's first, identical in both files) is opened from a 1-session
//! and from a 40-session archive, so their ratio shows whether start-up grows with the archive;
//! the newest session of the 40 is timed as well.

use std::path::Path;

use criterion::Criterion;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

use council::i18n::Lang;
use council::store::Store;
use council::tui::{App, Keymap, Role, view};

use crate::fixtures::Fixtures;

/// A laptop terminal, full screen.
pub const WIDTH: u16 = 160;
pub const HEIGHT: u16 = 48;

/// Everything up to the first frame; returns the terminal and the workbench, so the frame is
/// not optimised away and their teardown (what quitting costs) is not timed as start-up.
pub fn first_frame(db: &Path, session: &str) -> (Terminal<TestBackend>, App) {
    let store = Store::open(db).expect("open the archive");
    let summary = store.find_session(Some(session)).expect("the session");
    let app = App::new(
        store,
        summary.id,
        Role::Secretary,
        Lang::Vi,
        Keymap::defaults(),
    )
    .expect("the workbench starts");
    let mut terminal = Terminal::new(TestBackend::new(WIDTH, HEIGHT)).expect("test terminal");
    terminal
        .draw(|frame| view::draw(&app, frame))
        .expect("draw the dashboard");
    (terminal, app)
}

pub fn bench(c: &mut Criterion, fx: &Fixtures) {
    let sessions = Store::open(&fx.archive)
        .expect("open the archive")
        .sessions()
        .expect("list sessions");
    let first = sessions.first().expect("a session").code.clone();
    let latest = sessions.last().expect("a session").code.clone();
    check_frame(&first_frame(&fx.archive, &first).0, fx);

    let mut group = c.benchmark_group("startup");
    group.bench_function("dashboard_1_session", |b| {
        b.iter_with_large_drop(|| first_frame(&fx.one_session, &first))
    });
    group.bench_function("dashboard_40_sessions", |b| {
        b.iter_with_large_drop(|| first_frame(&fx.archive, &first))
    });
    group.bench_function("dashboard_40_sessions_latest", |b| {
        b.iter_with_large_drop(|| first_frame(&fx.archive, &latest))
    });

    // Where the time goes, on the 40-session archive.
    group.bench_function("stage_open", |b| {
        b.iter(|| {
            let store = Store::open(&fx.archive).expect("open");
            store.find_session(Some(&first)).expect("the session")
        })
    });
    let store = Store::open(&fx.archive).expect("open");
    let id = store.find_session(Some(&first)).expect("the session").id;
    // As start-up does it: a new store, whose criteria sets are parsed again.
    group.bench_function("stage_open_and_load_session", |b| {
        b.iter(|| {
            let store = Store::open(&fx.archive).expect("open");
            store.load_session(id).expect("load")
        })
    });
    group.bench_function("stage_load_session", |b| {
        b.iter(|| store.load_session(id).expect("load"))
    });
    let data = store.load_session(id).expect("load");
    group.bench_function("stage_session_results", |b| {
        b.iter(|| {
            for product in &data.products {
                store.shown_result(&data, product).expect("result");
            }
        })
    });
    group.bench_function("stage_sheet_progress", |b| {
        b.iter(|| {
            for product in &data.products {
                store.sheet_progress(&data, product).expect("progress");
            }
        })
    });
    // What `App::new` reads besides the kept results: every product's attendance, recusals
    // and sheet progress, one query each for the whole session.
    group.bench_function("stage_batched_reads", |b| {
        b.iter(|| {
            store.session_seat_facts(&data).expect("seats");
            store.session_recusals(&data).expect("recusals");
            store.session_progress(&data, None).expect("progress")
        })
    });
    group.bench_function("stage_app_state", |b| {
        b.iter(|| {
            let store = Store::open(&fx.archive).expect("open");
            App::new(store, id, Role::Secretary, Lang::Vi, Keymap::defaults()).expect("app")
        })
    });
    let app = App::new(store, id, Role::Secretary, Lang::Vi, Keymap::defaults()).expect("app");
    let mut terminal = Terminal::new(TestBackend::new(WIDTH, HEIGHT)).expect("test terminal");
    group.bench_function("stage_draw", |b| {
        b.iter(|| {
            terminal
                .draw(|frame| view::draw(&app, frame))
                .expect("draw")
                .area
        })
    });
    group.finish();
}

/// The frame is the real dashboard: it lists the session's products.
fn check_frame(terminal: &Terminal<TestBackend>, fx: &Fixtures) {
    let buffer = terminal.backend().buffer();
    let text: String = buffer.content().iter().map(|cell| cell.symbol()).collect();
    assert!(
        text.contains("LD-2016-01"),
        "the dashboard shows the first product (archive {:?}):\n{text}",
        fx.spec
    );
}
