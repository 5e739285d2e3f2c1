//! Issue 11, observation 1, the case a lock shorter than the screen's patience leaves: a pick
//! whose write fails while further keys are already typed. Those keys were meant for the next
//! criterion on a screen that never came; the loop drops them.

use std::collections::VecDeque;
use std::time::Duration;

use council::cli::{DEMO_SESSION, Global, load_session_text};
use council::i18n::Lang;
use council::store::Store;
use council::tui::{Action, App, Keymap, Role, ScreenKind, run_loop};
use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

fn key(c: char) -> Event {
    Event::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE))
}

#[test]
fn keys_typed_ahead_of_a_failed_write_are_dropped() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("council.db");
    let mut store = Store::open_or_create(&db).unwrap();
    store.set_busy_timeout(Duration::from_millis(300)).unwrap();
    let g = Global {
        db: Some(db.clone()),
        lang: None,
        rubric_dirs: vec![],
    };
    let id = load_session_text(&g, &mut store, "sessions/demo.toml", DEMO_SESSION).unwrap();
    let mut app = App::new(store, id, Role::Secretary, Lang::En, Keymap::defaults()).unwrap();
    // Patience far above the busy timeout: the write fails inside the update itself.
    app.set_write_patience(Duration::from_secs(30));
    for action in [
        Action::MarkAllPresent,
        Action::OpenProduct,
        Action::SwitchFocus,
        Action::Select,
    ] {
        app.update(action);
    }
    assert_eq!(app.screen(), ScreenKind::Sheet, "{:?}", app.notice);

    let other = rusqlite::Connection::open(&db).unwrap();
    other.execute_batch("BEGIN EXCLUSIVE").unwrap();
    // "2" for 1.1, and "3" for 1.2 already typed behind it.
    let mut typed: VecDeque<Event> = [key('2'), key('3')].into();
    let mut terminal = Terminal::new(TestBackend::new(100, 30)).unwrap();
    run_loop(&mut terminal, &mut app, |wait| {
        Ok(match typed.pop_front() {
            Some(e) => Some(e),
            // Nothing more typed: quit once the loop waits for a new key.
            None if wait > Duration::ZERO => Some(Event::Key(KeyEvent::new(
                KeyCode::Char('c'),
                KeyModifiers::CONTROL,
            ))),
            None => None,
        })
    })
    .unwrap();
    other.execute_batch("ROLLBACK").unwrap();

    let view = app.sheet().unwrap();
    assert_eq!(view.cursor, 0, "the cursor stays on 1.1");
    assert!(view.choices().is_empty(), "{:?}", view.choices());
    let screen = terminal.backend().to_string();
    assert!(screen.contains("[✖2] NOT SAVED 1.1"), "{screen}");
    assert!(screen.contains("1.1 = option 2 NOT SAVED"), "{screen}");
    let data = app.store.load_session(id).unwrap();
    let stored = app.store.member_sheet(&data, &data.products[0], 1).unwrap();
    assert!(
        stored.is_none_or(|s| s.choices.is_empty()),
        "the 3 was applied blind"
    );
}
