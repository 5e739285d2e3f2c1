//! (2) One option keystroke on the scoring sheet: `App::update` with the pick action — the
//! durable commit (`Store::set_choice`, one IMMEDIATE transaction with its audit row,
//! synchronous=FULL) and the sheet's reload — then the re-render of the frame, exactly what the
//! event loop does for a key press.
//!
//! It runs on a private copy of the 40-session archive with today's session added: every
//! member present, the first product open, the secretary entering seat 1's paper sheet.

use criterion::Criterion;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

use council::generate::add_session;
use council::i18n::Lang;
use council::store::Store;
use council::tui::app::Notice;
use council::tui::{Action, App, Keymap, Role, ScreenKind, view};

use crate::fixtures::Fixtures;
use crate::startup::{HEIGHT, WIDTH};

pub fn bench(c: &mut Criterion, fx: &Fixtures) {
    let db = fx.writable_copy("keystroke");
    let mut store = Store::open(&db).expect("open the copy");
    let today =
        add_session(&mut store, &fx.catalog, &fx.spec, fx.spec.sessions).expect("today's session");
    let product = &today.products[0];
    store
        .open_product(&today, product)
        .expect("open the first product");
    let mut app = App::new(
        store,
        today.info.id,
        Role::Secretary,
        Lang::Vi,
        Keymap::defaults(),
    )
    .expect("the workbench starts");
    // On a loaded machine an fsync can outlast the screen's patience; the figure is the
    // commit's time, so the key waits for it instead of being refused.
    app.set_write_patience(std::time::Duration::from_secs(30));
    app.open_sheet(product.id, 1, 1);
    assert_eq!(app.screen(), ScreenKind::Sheet, "{:?}", app.notice);
    let mut terminal = Terminal::new(TestBackend::new(WIDTH, HEIGHT)).expect("test terminal");
    terminal.draw(|f| view::draw(&app, f)).expect("draw");

    // Every key press changes a choice: criteria in turn, options 1 and 2 alternately, never
    // the last criterion, so the sheet never completes and no dialog interrupts the run.
    let criteria = product.rubric.criteria_count() - 1;
    let mut presses = 0usize;
    let mut press = |app: &mut App, terminal: &mut Terminal<TestBackend>| {
        let criterion = presses % criteria;
        let pick = if (presses / criteria).is_multiple_of(2) {
            Action::Pick1
        } else {
            Action::Pick2
        };
        presses += 1;
        if let Some(sheet) = app.sheet_mut() {
            sheet.cursor = criterion;
        }
        app.update(pick);
        terminal.draw(|f| view::draw(app, f)).expect("draw");
    };
    press(&mut app, &mut terminal);
    assert!(
        matches!(app.notice, Some(Notice::Saved(_))),
        "the keystroke was saved: {:?}",
        app.notice
    );

    let mut group = c.benchmark_group("keystroke");
    group.bench_function("commit_and_render", |b| {
        b.iter(|| press(&mut app, &mut terminal))
    });
    group.finish();
    assert!(
        matches!(app.notice, Some(Notice::Saved(_))),
        "every keystroke was saved: {:?}",
        app.notice
    );
    drop(app);
    let _ = std::fs::remove_file(db);
}
