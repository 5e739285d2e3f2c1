//! The workbench driven by key events on a `TestBackend`: snapshots of the main screens at
//! 80×24 and 120×40 in Vietnamese and English, and the behaviour behind them.

use std::path::Path;

use council::cli::{DEMO_SESSION, Global, load_session_text};
use council::i18n::Lang;
use council::store::{ChangeScope, ProductStatus, Store};
use council::tui::app::Notice;
use council::tui::screen::ScreenKind as Screen;
use council::tui::{Action, App, Keymap, Role, view};
use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

fn global(db: &Path) -> Global {
    Global {
        db: Some(db.to_path_buf()),
        lang: None,
        rubric_dirs: vec![],
    }
}

/// A database in `dir` holding the demo session (optionally with a changed policy line).
fn demo_db(dir: &Path, edit: Option<(&str, &str)>) -> (std::path::PathBuf, i64) {
    let db = dir.join("council.db");
    let mut store = Store::open_or_create(&db).unwrap();
    let text = match edit {
        Some((from, to)) => DEMO_SESSION.replace(from, to),
        None => DEMO_SESSION.to_string(),
    };
    let id = load_session_text(&global(&db), &mut store, "sessions/demo.toml", &text).unwrap();
    (db, id)
}

fn open(db: &Path, id: i64, role: Role, lang: Lang) -> App {
    let mut app = App::new(Store::open(db).unwrap(), id, role, lang, Keymap::defaults()).unwrap();
    // Writes finish well within this on a busy machine; a test never sees "waiting".
    app.set_write_patience(std::time::Duration::from_secs(30));
    app
}

/// Presses keys: plain characters, or names in angle brackets (<tab>, <enter>, <esc>, <up>,
/// <down>, <home>, <ctrl-c>).
fn keys(app: &mut App, spec: &str) {
    let mut rest = spec;
    while let Some(c) = rest.chars().next() {
        let (event, len) = if c == '<' {
            let end = rest.find('>').expect("closing >");
            let name = &rest[1..end];
            let event = match name {
                "tab" => KeyEvent::new(KeyCode::Tab, KeyModifiers::NONE),
                "enter" => KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE),
                "esc" => KeyEvent::new(KeyCode::Esc, KeyModifiers::NONE),
                "up" => KeyEvent::new(KeyCode::Up, KeyModifiers::NONE),
                "down" => KeyEvent::new(KeyCode::Down, KeyModifiers::NONE),
                "home" => KeyEvent::new(KeyCode::Home, KeyModifiers::NONE),
                "end" => KeyEvent::new(KeyCode::End, KeyModifiers::NONE),
                "pgdn" => KeyEvent::new(KeyCode::PageDown, KeyModifiers::NONE),
                "pgup" => KeyEvent::new(KeyCode::PageUp, KeyModifiers::NONE),
                "backspace" => KeyEvent::new(KeyCode::Backspace, KeyModifiers::NONE),
                "ctrl-c" => KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL),
                other => panic!("unknown key <{other}>"),
            };
            (event, end + 1)
        } else {
            let modifiers = if c.is_uppercase() {
                KeyModifiers::SHIFT
            } else {
                KeyModifiers::NONE
            };
            (KeyEvent::new(KeyCode::Char(c), modifiers), c.len_utf8())
        };
        app.handle_event(&Event::Key(event));
        rest = &rest[len..];
    }
}

fn screen(app: &App, width: u16, height: u16) -> Terminal<TestBackend> {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    terminal.draw(|f| view::draw(app, f)).unwrap();
    terminal
}

fn text(app: &App, width: u16, height: u16) -> String {
    screen(app, width, height).backend().to_string()
}

/// Marks everyone present except `absent` (dashboard, members panel), back on the products.
fn attendance(app: &mut App, absent: &[u32]) {
    keys(app, "<tab><home>");
    for m in app.data.members.clone() {
        if absent.contains(&m.seat) {
            keys(app, "aa"); // present, then absent: marked, not just left unmarked
        } else {
            keys(app, "a");
        }
        keys(app, "j");
    }
    keys(app, "<tab>");
}

/// The option a seat picks on the n-th criterion: varied, deterministic, always valid.
fn pattern(seat: u32, index: usize, options: usize) -> u32 {
    let top = options as u32;
    let drop = u32::from((seat as usize * 7 + index * 3).is_multiple_of(5))
        + u32::from((seat + index as u32).is_multiple_of(11));
    top.saturating_sub(drop).max(1)
}

/// Enters a seat's whole sheet for the selected product by keys, and submits it.
fn score_by_keys(app: &mut App, seat: u32) {
    let product = app.selected_product().unwrap().clone();
    keys(app, "<tab><home>");
    for _ in 1..seat {
        keys(app, "j");
    }
    keys(app, "<enter>");
    assert_eq!(app.screen(), Screen::Sheet, "{:?}", app.notice);
    for (i, (_, c)) in product.rubric.criteria().enumerate() {
        let n = pattern(seat, i, c.options.len());
        keys(app, &n.to_string());
    }
    keys(app, "y");
    assert_eq!(app.screen(), Screen::Dashboard, "{:?}", app.notice);
    assert!(
        matches!(app.notice, Some(Notice::Saved(_))),
        "{:?}",
        app.notice
    );
    keys(app, "<tab>");
}

/// Writes a seat's whole sheet straight into the store (faster set-up for snapshots).
fn score_in_store(app: &mut App, code: &str, seat: u32, submit: bool) {
    let data = app.store.load_session(app.data.info.id).unwrap();
    let product = data.product(code).unwrap().clone();
    let actor = council::store::Actor::Member(seat);
    for (i, (_, c)) in product.rubric.criteria().enumerate() {
        let n = pattern(seat, i, c.options.len());
        app.store
            .set_choice(&data, &product, seat, &c.id, n, 1, &actor)
            .unwrap();
    }
    if submit {
        app.store
            .submit_sheet(&data, &product, seat, &actor)
            .unwrap();
    }
    // The member left their seat: the sheet is no longer held for them.
    app.store.release_holds(&actor).unwrap();
    app.reload().unwrap();
}

/// The demo's scoring members when seat 9 is away (seat 3, the secretary, does not score).
const SCORING_PRESENT: [u32; 7] = [1, 2, 4, 5, 6, 7, 8];

/// The meeting half-way: 8 of 9 present, product 1 closed, product 2 being scored.
fn meeting(dir: &Path, lang: Lang) -> App {
    let (db, id) = demo_db(dir, None);
    let mut app = open(&db, id, Role::Secretary, lang);
    attendance(&mut app, &[9]);
    keys(&mut app, "<home>o");
    for seat in SCORING_PRESENT {
        score_in_store(&mut app, "LD-2026-01", seat, true);
    }
    keys(&mut app, "cy");
    assert_eq!(
        app.screen(),
        Screen::Result(app.data.products[0].id),
        "{:?}",
        app.notice
    );
    keys(&mut app, "<esc>j");
    keys(&mut app, "o");
    for seat in [1, 2, 4] {
        score_in_store(&mut app, "LD-2026-02", seat, true);
    }
    score_in_store(&mut app, "LD-2026-02", 5, false);
    app.notice = None;
    app
}

const SIZES: [(u16, u16); 2] = [(80, 24), (120, 40)];
const LANGS: [(Lang, &str); 2] = [(Lang::Vi, "vi"), (Lang::En, "en")];

fn snap(name: &str, app: &App) {
    for (w, h) in SIZES {
        let lang = if app.lang == Lang::Vi { "vi" } else { "en" };
        insta::assert_snapshot!(
            format!("{name}_{lang}_{w}x{h}"),
            screen(app, w, h).backend()
        );
    }
}

#[test]
fn main_screens() {
    for (lang, _) in LANGS {
        let dir = tempfile::tempdir().unwrap();
        let mut app = meeting(dir.path(), lang);
        snap("dashboard", &app);

        keys(&mut app, "?");
        snap("help", &app);
        keys(&mut app, "<esc>");

        keys(&mut app, "<tab><home>jjjj<enter>");
        assert_eq!(app.screen(), Screen::Sheet);
        keys(&mut app, "3213");
        app.notice = None;
        snap("sheet", &app);
        keys(&mut app, "s");
        snap("submit", &app);
        keys(&mut app, "n<esc><tab>");

        keys(&mut app, "b");
        snap("board", &app);
        keys(&mut app, "<esc>s");
        snap("summary", &app);
        keys(&mut app, "<esc><up>v");
        assert!(
            matches!(app.screen(), Screen::Result(_)),
            "{:?}",
            app.notice
        );
        snap("result", &app);

        let member = open(
            &dir.path().join("council.db"),
            app.data.info.id,
            Role::Member(5),
            lang,
        );
        snap("member", &member);
    }
}

#[test]
fn scoring_by_keys_closes_with_stars_on_screen() {
    let dir = tempfile::tempdir().unwrap();
    let (db, id) = demo_db(dir.path(), None);
    let mut app = open(&db, id, Role::Secretary, Lang::Vi);
    attendance(&mut app, &[8, 9]);
    keys(&mut app, "<home>o");
    assert_eq!(
        app.data.products[0].status,
        ProductStatus::Scoring,
        "{:?}",
        app.notice
    );
    for seat in [1, 2, 4, 5, 6, 7] {
        score_by_keys(&mut app, seat);
    }
    keys(&mut app, "c");
    assert!(text(&app, 80, 24).contains("Đóng và tính kết quả?"));
    keys(&mut app, "y");
    let result = app
        .store
        .product_result(&app.data, &app.data.products[0])
        .unwrap();
    let stars = result.stars.expect("ranked");
    let screen = text(&app, 120, 40);
    assert!(screen.contains(&format!("{stars} sao")), "{screen}");
    assert!(screen.contains(&"★".repeat(stars as usize)), "{screen}");
    assert!(screen.contains(&result.mean_display()), "{screen}");
    // Back on the dashboard the queue shows the mean and the stars too.
    keys(&mut app, "<esc>");
    let screen = text(&app, 80, 24);
    assert!(
        screen.contains(&result.mean_display()) && screen.contains("đã đóng"),
        "{screen}"
    );
}

#[test]
fn quorum_is_enforced_before_scoring() {
    let dir = tempfile::tempdir().unwrap();
    let (db, id) = demo_db(dir.path(), None);
    let mut app = open(&db, id, Role::Secretary, Lang::En);
    attendance(&mut app, &[4, 5, 6, 7, 8, 9]);
    keys(&mut app, "<home>o");
    assert_eq!(app.data.products[0].status, ProductStatus::Waiting);
    // The store's refusal, as the screen words it: seat 3 (the secretary) does not score.
    assert_eq!(
        app.notice,
        Some(Notice::Error(
            "No quorum to open product LD-2026-01: 2 of 8 scoring members present, 6 needed (3/4), the chair present".into()
        ))
    );
    // The chair counts: six scoring members present without the chair is still not a quorum.
    let dir = tempfile::tempdir().unwrap();
    let (db, id) = demo_db(dir.path(), None);
    let mut app = open(&db, id, Role::Secretary, Lang::En);
    attendance(&mut app, &[1, 9]);
    keys(&mut app, "<home>o");
    assert_eq!(
        app.notice,
        Some(Notice::Error(
            "No quorum to open product LD-2026-01: 6 of 8 scoring members present, 6 needed (3/4), and the chair must be present".into()
        ))
    );
    let screen = text(&app, 80, 24);
    assert!(
        screen.contains("6/8 present, 6 needed (3/4, chair required) ✖"),
        "{screen}"
    );
}

#[test]
fn closing_needs_every_sheet_or_a_logged_override() {
    let dir = tempfile::tempdir().unwrap();
    let (db, id) = demo_db(dir.path(), None);
    let mut app = open(&db, id, Role::Secretary, Lang::En);
    attendance(&mut app, &[9]);
    keys(&mut app, "<home>o");
    for seat in [1, 2, 4, 5, 6] {
        score_in_store(&mut app, "LD-2026-01", seat, true);
    }
    keys(&mut app, "c");
    assert_eq!(
        app.notice,
        Some(Notice::Error(
            "LD-2026-01: seats 7, 8 have not submitted. Close with an override using C (needs a reason).".into()
        ))
    );
    assert_eq!(app.data.products[0].status, ProductStatus::Scoring);
    // An empty reason is refused; a real one closes and is stored.
    keys(&mut app, "C<enter>");
    assert_eq!(
        app.notice,
        Some(Notice::Error("A reason is required.".into()))
    );
    keys(&mut app, "Seats 7 and 8 left early<enter>");
    assert_eq!(
        app.data.products[0].status,
        ProductStatus::Closed,
        "{:?}",
        app.notice
    );
    assert_eq!(
        app.data.products[0].close_override.as_deref(),
        Some("Seats 7 and 8 left early")
    );
    let screen = text(&app, 120, 40);
    assert!(
        screen.contains("Closed without every sheet, reason: Seats 7 and 8 left"),
        "{screen}"
    );
}

#[test]
fn knock_out_recusal_and_new_round() {
    let dir = tempfile::tempdir().unwrap();
    let (db, id) = demo_db(dir.path(), None);
    let mut app = open(&db, id, Role::Secretary, Lang::Vi);
    attendance(&mut app, &[]);
    // Recuse seat 2 from product 1: the members panel shows it, and the sheet is refused.
    keys(&mut app, "<home>o<tab><home>j");
    keys(&mut app, "rCó quan hệ với chủ thể<enter>");
    assert!(text(&app, 80, 24).contains("miễn"));
    keys(&mut app, "<enter>");
    assert_eq!(app.screen(), Screen::Dashboard);
    assert_eq!(
        app.notice,
        Some(Notice::Error(
            "Ghế 2 đã rút khỏi đánh giá sản phẩm LD-2026-01".into()
        ))
    );
    // Knock out product 2 on the first condition of its criteria set, proposed by seat 4,
    // with the council's reason.
    keys(&mut app, "<tab>jx");
    assert!(
        text(&app, 120, 40).contains("1. "),
        "the conditions are listed"
    );
    keys(&mut app, "1 4<enter>Không có giấy chứng nhận ATTP<enter>");
    let p2 = &app.data.products[1];
    assert_eq!(p2.status, ProductStatus::KnockedOut, "{:?}", app.notice);
    assert_eq!(p2.knockout_proposed_by, Some(4));
    let first = council::meeting::knockout_conditions(&p2.rubric).remove(0);
    assert_eq!(p2.knockout_condition.as_deref(), Some(first.text.as_str()));
    assert_eq!(
        p2.knockout_reason.as_deref(),
        Some("Không có giấy chứng nhận ATTP")
    );
    keys(&mut app, "v");
    assert!(text(&app, 80, 24).contains("không đạt (bị loại)"));
    keys(&mut app, "<esc>");
    // A closed product reopened as round 2 from its result screen.
    keys(&mut app, "<up>");
    for seat in [1, 4, 5, 6, 7, 8, 9] {
        score_in_store(&mut app, "LD-2026-01", seat, true);
    }
    keys(&mut app, "cy");
    keys(&mut app, "nChênh lệch quá 10 điểm<enter>");
    assert_eq!(app.screen(), Screen::Dashboard, "{:?}", app.notice);
    assert_eq!(app.data.products[0].round, 2);
    assert_eq!(app.data.products[0].status, ProductStatus::Scoring);
    assert!(text(&app, 80, 24).contains("đang chấm (v2)"));
}

#[test]
fn escape_does_not_cancel_typing_by_accident_and_keeps_nothing_half_done() {
    let dir = tempfile::tempdir().unwrap();
    let (db, id) = demo_db(dir.path(), None);
    let mut app = open(&db, id, Role::Secretary, Lang::En);
    keys(&mut app, "xq<esc>");
    // 'q' was typed into the reason field, Esc cancelled: nothing was written.
    assert_eq!(app.data.products[0].status, ProductStatus::Waiting);
    assert!(!app.quit);
    keys(&mut app, "q");
    assert!(app.quit);
}

#[test]
fn a_half_done_sheet_is_a_draft_that_resumes_where_it_stopped() {
    let dir = tempfile::tempdir().unwrap();
    let (db, id) = demo_db(dir.path(), None);
    let mut app = open(&db, id, Role::Secretary, Lang::En);
    attendance(&mut app, &[]);
    keys(&mut app, "<home>o<tab><home><enter>");
    keys(&mut app, "1231231");
    keys(&mut app, "<esc>");
    assert_eq!(
        app.notice,
        Some(Notice::Info(
            "Draft kept: every choice is saved; open the sheet again to continue.".into()
        ))
    );
    keys(&mut app, "<ctrl-c>");
    assert!(app.quit);
    drop(app);
    let mut app = open(&db, id, Role::Secretary, Lang::En);
    keys(&mut app, "<tab><home><enter>");
    let view = app.sheet().unwrap();
    assert_eq!(view.cursor, 7, "resumes at the first unanswered criterion");
    assert_eq!(view.choices().len(), 7);
    assert!(text(&app, 80, 24).contains("7/32 criteria"));
}

#[test]
fn submit_shows_product_member_and_unanswered_criteria() {
    let dir = tempfile::tempdir().unwrap();
    let (db, id) = demo_db(dir.path(), None);
    let mut app = open(&db, id, Role::Secretary, Lang::En);
    attendance(&mut app, &[]);
    keys(&mut app, "<home>o<tab><home>jjj<enter>12s");
    let screen = text(&app, 80, 24);
    assert!(
        screen.contains("LD-2026-01 · Mứt dâu tây Đà Lạt"),
        "{screen}"
    );
    assert!(screen.contains("SEAT 4 · Phạm Thị Ngọc Ánh"), "{screen}");
    assert!(
        screen.contains("30 criteria not answered: 1.3, 1.4"),
        "{screen}"
    );
    // Confirming goes to the first unanswered criterion; nothing is submitted.
    keys(&mut app, "y");
    assert_eq!(app.sheet().unwrap().cursor, 2);
    assert!(!app.sheet().unwrap().submitted());
    // An option the criterion does not have is refused with the count.
    keys(&mut app, "9");
    assert_eq!(
        app.notice,
        Some(Notice::Error(
            "There is no option 9: this criterion has 3.".into()
        ))
    );
}

#[test]
fn blind_reentry_hides_the_first_entry_and_resolves_mismatches() {
    let dir = tempfile::tempdir().unwrap();
    let (db, id) = demo_db(
        dir.path(),
        Some(("blind_reentry = false", "blind_reentry = true")),
    );
    let mut first = open(&db, id, Role::Secretary, Lang::En);
    attendance(&mut first, &[]);
    // The operator's name is asked once, before the first paper sheet.
    keys(&mut first, "<home>o<tab><home><enter>");
    assert!(text(&first, 80, 24).contains("Who is entering paper sheets"));
    keys(&mut first, "Lê Minh Đức<enter>");
    let count = first.sheet().unwrap().criteria(&first).len();
    keys(&mut first, &"1".repeat(count));
    assert!(text(&first, 80, 24).contains("First entry done?"));
    keys(&mut first, "y");
    assert_eq!(first.screen(), Screen::Dashboard);
    // Entry 1 alone does not count: the sheet is not submitted.
    let progress = first
        .progress_of(first.data.products[0].id, 1)
        .unwrap()
        .clone();
    assert!(!progress.submitted);
    // The same person cannot make the second entry.
    keys(&mut first, "21");
    assert!(
        matches!(&first.notice, Some(Notice::Error(e)) if e.contains("the second entry must be made by someone else")),
        "{:?}",
        first.notice
    );
    keys(&mut first, "<esc>");
    // Another person, at another terminal: the blind re-entry starts empty and never shows
    // entry 1.
    let mut app = open(&db, id, Role::Secretary, Lang::En);
    keys(&mut app, "<home><tab><home>2");
    keys(&mut app, "Võ Thị Mỹ Linh<enter>");
    assert_eq!(app.screen(), Screen::Sheet, "{:?}", app.notice);
    let screen = text(&app, 120, 40);
    assert!(
        screen.contains("BLIND RE-ENTRY") && screen.contains("0/32 criteria"),
        "{screen}"
    );
    assert!(
        !screen.contains("[1]"),
        "entry 1 leaked into the re-entry:\n{screen}"
    );
    keys(&mut app, "2");
    keys(&mut app, &"1".repeat(count - 1));
    keys(&mut app, "y");
    assert_eq!(app.screen(), Screen::Resolve);
    let screen = text(&app, 120, 40);
    assert!(
        screen.contains("Criteria that do not match (1)"),
        "{screen}"
    );
    assert!(screen.contains("1.1 Nguồn nguyên liệu"), "{screen}");
    // The paper says option 1: keep entry 1; both entries now match and the sheet counts.
    keys(&mut app, "1");
    assert_eq!(app.screen(), Screen::Dashboard, "{:?}", app.notice);
    assert_eq!(
        app.notice,
        Some(Notice::Saved(
            "Both entries match: seat 1's sheet for LD-2026-01 is submitted".into()
        ))
    );
    let sheets = app
        .store
        .sheets(&app.data, app.data.products[0].id, 1)
        .unwrap();
    assert!(sheets[0].submitted && sheets[0].verified && sheets[0].entered_by == "secretary");
    let history = app.store.audit_history(app.data.info.id).unwrap();
    assert!(
        history
            .iter()
            .any(|e| e.action == "reentry.resolve" && e.new.as_deref() == Some("kept entry 1: 1")),
        "the audit log says which entry was kept"
    );
}

#[test]
fn a_member_sees_only_their_own_sheet() {
    let dir = tempfile::tempdir().unwrap();
    let (db, id) = demo_db(dir.path(), None);
    let mut secretary = open(&db, id, Role::Secretary, Lang::En);
    attendance(&mut secretary, &[]);
    keys(&mut secretary, "<home>o");
    score_in_store(&mut secretary, "LD-2026-01", 1, true);
    score_in_store(&mut secretary, "LD-2026-01", 2, false);
    let mut member = open(&db, id, Role::Member(4), Lang::En);
    // Only products open for scoring (or settled) are listed; waiting ones are not.
    assert_eq!(member.visible_products().len(), 1);
    // Nothing of seats 1 and 2 is held in memory, let alone shown.
    assert!(member.progress.values().flatten().all(|p| p.seat == 4));
    assert!(member.results.is_empty());
    keys(&mut member, "<enter>");
    assert_eq!(member.screen(), Screen::Sheet);
    keys(&mut member, "32");
    let sheet = member.sheet().unwrap();
    assert_eq!(sheet.seat, 4);
    assert_eq!(sheet.stored.as_ref().unwrap().entered_by, "member");
    assert!(member.progress.values().flatten().all(|p| p.seat == 4));
    // The secretary's board sees that seat 4 has started, not what it chose.
    secretary.update(Action::Refresh);
    assert_eq!(
        secretary
            .progress_of(secretary.data.products[0].id, 4)
            .unwrap()
            .answered,
        2
    );
}

#[test]
fn changes_from_another_process_show_without_a_key() {
    let dir = tempfile::tempdir().unwrap();
    let (db, id) = demo_db(dir.path(), None);
    let mut app = open(&db, id, Role::Member(3), Lang::Vi);
    assert!(text(&app, 80, 24).contains("Chưa có sản phẩm nào được mở để chấm"));
    let version = app.version;
    app.update(Action::Refresh);
    assert_eq!(app.version, version, "nothing changed yet");
    let mut other = open(&db, id, Role::Secretary, Lang::Vi);
    attendance(&mut other, &[]);
    keys(&mut other, "<home>o");
    app.update(Action::Refresh);
    assert_ne!(app.version, version);
    assert!(text(&app, 80, 24).contains("LD-2026-01"));
}

/// A commit by another process moves the change counter of the product it touched and of
/// nothing else, and a screen's refresh takes in exactly that product; a change to the room
/// (attendance) asks for a full reload.
#[test]
fn a_refresh_reloads_only_the_product_another_process_changed() {
    let dir = tempfile::tempdir().unwrap();
    let (db, id) = demo_db(dir.path(), None);
    let mut secretary = open(&db, id, Role::Secretary, Lang::En);
    attendance(&mut secretary, &[9]);
    keys(&mut secretary, "<home>o");
    let mut display = open(&db, id, Role::Display, Lang::En);
    let watcher = Store::open(&db).unwrap();
    let before = watcher.changes(id).unwrap();
    let first = secretary.data.products[0].clone();
    score_in_store(&mut secretary, &first.code, 1, false);
    let after = watcher.changes(id).unwrap();
    assert_eq!(
        after.changed_since(&before, ChangeScope::All),
        Some(vec![first.id])
    );
    assert_eq!(display.progress_of(first.id, 1).map(|p| p.answered), None);
    display.update(Action::Refresh);
    assert_eq!(
        display.progress_of(first.id, 1).map(|p| p.answered),
        Some(first.rubric.criteria().count() as u32)
    );
    let version = display.version;
    display.update(Action::Refresh);
    assert_eq!(display.version, version, "nothing changed since");
    keys(&mut secretary, "<tab><home>a<tab>");
    assert_eq!(
        watcher
            .changes(id)
            .unwrap()
            .changed_since(&after, ChangeScope::All),
        None
    );
}

#[test]
fn help_is_generated_from_the_keymap_with_user_overrides() {
    let dir = tempfile::tempdir().unwrap();
    let (db, id) = demo_db(dir.path(), None);
    let mut keymap = Keymap::defaults();
    keymap
        .apply(
            "keys.toml",
            "[dashboard]\nz = \"show_board\"\nb = \"none\"\n",
        )
        .unwrap();
    let mut app = App::new(
        Store::open(&db).unwrap(),
        id,
        Role::Secretary,
        Lang::En,
        keymap,
    )
    .unwrap();
    keys(&mut app, "?");
    let screen = text(&app, 80, 40);
    let line = screen.lines().find(|l| l.contains("progress")).unwrap();
    assert!(line.contains("│  z "), "{screen}");
    assert!(screen.contains("? F1"), "{screen}");
    keys(&mut app, "<esc>b");
    assert_eq!(app.screen(), Screen::Dashboard);
    keys(&mut app, "z");
    assert_eq!(app.screen(), Screen::Board);
}

#[test]
fn every_action_has_words_in_both_languages() {
    let all = toml::from_str::<toml::Table>(council::tui::keymap::DEFAULT_KEYS).unwrap();
    for lang in [Lang::Vi, Lang::En] {
        for section in all.values() {
            for action in section.as_table().unwrap().values() {
                let action: Action = action.clone().try_into().unwrap();
                assert_ne!(
                    council::tui::labels::action_label(lang, action),
                    "?",
                    "{action:?} has no words in {lang:?}"
                );
            }
        }
    }
}

#[test]
fn every_screen_draws_at_any_size_without_panicking() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = meeting(dir.path(), Lang::Vi);
    let sizes = [(1, 1), (12, 4), (30, 8), (50, 12), (79, 23), (200, 60)];
    let draw_all = |app: &App| {
        for (w, h) in sizes {
            screen(app, w, h);
        }
    };
    draw_all(&app);
    for step in [
        "?",
        "<esc>",
        "<tab><home>jjjj<enter>",
        "12",
        "s",
        "n",
        "m",
        "abc",
        "<esc>",
        "<esc>",
        "<tab>b",
        "<esc>s",
        "<esc><up>v",
        "<down><down>",
        "<esc>xabc",
        "<esc>C",
        "<esc>",
        "<up>p",
        "<esc>v",
        "d",
        "<pgdn><end>",
        "<esc><esc>A",
        "/ld<enter>",
        "<down>c",
    ] {
        keys(&mut app, step);
        draw_all(&app);
    }
}

#[test]
fn export_runs_in_the_background_with_progress() {
    use council::tui::overlay::Overlay;
    let dir = tempfile::tempdir().unwrap();
    let mut app = meeting(dir.path(), Lang::En);
    keys(&mut app, "E");
    let Some(Overlay::Input { editor, .. }) = &app.overlay else {
        panic!("no folder prompt")
    };
    // The folder is prefilled; replace it with one in the test's folder.
    let erase = "<backspace>".repeat(editor.raw().chars().count());
    keys(&mut app, &erase);
    let out = dir.path().join("minutes out");
    keys(&mut app, &out.display().to_string());
    keys(&mut app, "<enter>");
    assert!(app.export.is_some());
    let mut saw_progress = false;
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(120);
    while app.export.is_some() {
        app.update(Action::Tick);
        if let Some(Notice::Info(text)) = &app.notice {
            saw_progress |= text.starts_with("Exporting █") || text.contains('░');
        }
        assert!(
            std::time::Instant::now() < deadline,
            "export did not finish"
        );
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    let Some(Notice::Saved(done)) = &app.notice else {
        panic!("{:?}", app.notice)
    };
    assert!(
        done.starts_with("Exported ") && done.contains("minutes out"),
        "{done}"
    );
    assert!(saw_progress, "no progress was shown");
    let code = &app.data.info.code;
    assert!(out.join(format!("bien-ban-{code}.md")).exists());
    assert!(out.join(format!("bang-tong-hop-{code}.xlsx")).exists());
}

/// In a room every keystroke is a commit that every screen hears of: a member's screen
/// redraws for what it shows (its own sheet, the product's state), not for another member's
/// ticks, while the secretary's board does show that progress.
#[test]
fn another_members_choice_redraws_the_board_but_not_a_members_sheet() {
    let dir = tempfile::tempdir().unwrap();
    let (db, id) = demo_db(dir.path(), None);
    let mut secretary = open(&db, id, Role::Secretary, Lang::En);
    attendance(&mut secretary, &[]);
    keys(&mut secretary, "<home>o");
    let mut member = open(&db, id, Role::Member(6), Lang::En);
    let mut other = open(&db, id, Role::Member(4), Lang::En);
    keys(&mut member, "<enter>1");
    keys(&mut other, "<enter>");
    assert!(!member.refresh(), "nothing new since its own choice");
    let screen = text(&member, 80, 24);
    keys(&mut other, "2");
    assert!(!member.refresh(), "seat 4's tick changes nothing on seat 6");
    assert_eq!(text(&member, 80, 24), screen);
    // The store tells the two apart: seat 4's own tick moves the board's counter only.
    let watcher = Store::open(&db).unwrap();
    let before = watcher.changes(id).unwrap();
    keys(&mut other, "1");
    let after = watcher.changes(id).unwrap();
    let product = secretary.data.products[0].id;
    assert_eq!(
        after.changed_since(&before, ChangeScope::All),
        Some(vec![product])
    );
    assert_eq!(
        after.changed_since(&before, ChangeScope::AllButMemberTicks),
        Some(vec![])
    );
    // The seat server's watcher hands its reading on: seat 6 then reads nothing at all.
    assert!(!member.refresh_after(Some(&after)));
    assert!(!member.refresh());
    assert!(
        secretary.refresh_after(Some(&after)),
        "the board shows seat 4's progress"
    );
    assert_eq!(secretary.progress_of(product, 4).unwrap().answered, 2);
    assert!(!secretary.refresh(), "and nothing since");
    // What seat 6 shows does change: its own sheet written elsewhere, and the product's state.
    score_in_store(&mut secretary, "LD-2026-01", 6, false);
    assert!(member.refresh());
    assert_ne!(text(&member, 80, 24), screen);
    for seat in [1, 2, 4, 5, 7] {
        score_in_store(&mut secretary, "LD-2026-01", seat, true);
    }
    keys(&mut secretary, "CTime is up<enter>");
    assert!(member.refresh_after(Some(&watcher.changes(id).unwrap())));
    assert_eq!(member.screen(), Screen::MemberHome);
}

#[test]
fn a_member_on_a_sheet_is_told_when_the_product_closes() {
    let dir = tempfile::tempdir().unwrap();
    let (db, id) = demo_db(dir.path(), None);
    let mut secretary = open(&db, id, Role::Secretary, Lang::En);
    attendance(&mut secretary, &[]);
    keys(&mut secretary, "<home>o");
    for seat in [1, 2, 4, 5, 7] {
        score_in_store(&mut secretary, "LD-2026-01", seat, true);
    }
    let mut member = open(&db, id, Role::Member(6), Lang::En);
    keys(&mut member, "<enter>12");
    assert_eq!(member.screen(), Screen::Sheet);
    keys(&mut secretary, "CTime is up<enter>");
    assert_eq!(secretary.data.products[0].status, ProductStatus::Closed);
    member.update(Action::Refresh);
    assert_eq!(member.screen(), Screen::MemberHome);
    assert_eq!(
        member.notice,
        Some(Notice::Info(
            "LD-2026-01 is not open for scoring (closed)".into()
        ))
    );
    // The closed product's result is now visible to the member.
    keys(&mut member, "<enter>");
    assert!(matches!(member.screen(), Screen::Result(_)));
}

#[test]
fn picking_the_last_criterion_with_gaps_goes_back_to_the_first_gap() {
    let dir = tempfile::tempdir().unwrap();
    let (db, id) = demo_db(dir.path(), None);
    let mut app = open(&db, id, Role::Secretary, Lang::En);
    attendance(&mut app, &[]);
    keys(&mut app, "<home>o<tab><home><enter>111");
    assert_eq!(app.sheet().unwrap().cursor, 3);
    app.update(Action::End);
    keys(&mut app, "1");
    assert_eq!(
        app.sheet().unwrap().cursor,
        3,
        "back to the first unanswered"
    );
    // Help never replaces a question: '?' in the submit dialog leaves the dialog open.
    keys(&mut app, "s?");
    assert!(text(&app, 80, 24).contains("Submit sheet"));
    keys(&mut app, "n");
    assert!(app.overlay.is_none());
}

// ----- issue 13: the screens for a real room ----------------------------------------------

/// The row of the members panel that holds the cursor (marked "▶" or "›").
fn member_row_with_cursor(screen: &str) -> String {
    screen
        .lines()
        .skip_while(|l| !l.contains("có mặt") && !l.contains("present"))
        .find(|l| l.contains("│▶") || l.contains("║▶") || l.contains("│›") || l.contains("║›"))
        .unwrap_or("")
        .to_string()
}

#[test]
fn focus_is_marked_and_the_member_cursor_goes_to_the_next_seat_to_submit() {
    for (lang, _) in LANGS {
        let dir = tempfile::tempdir().unwrap();
        let (db, id) = demo_db(dir.path(), None);
        let mut app = open(&db, id, Role::Secretary, lang);
        attendance(&mut app, &[]);
        // The member cursor was left on seat 9 by the attendance; opening the product moves
        // it to seat 1, the first still to submit.
        keys(&mut app, "<tab><end><tab><home>o");
        let screen = text(&app, 80, 24);
        assert!(member_row_with_cursor(&screen).contains(" 1 "), "{screen}");
        score_in_store(&mut app, "LD-2026-01", 1, true);
        score_in_store(&mut app, "LD-2026-01", 2, true);
        // Moving onto the product again finds seat 4 (seat 3, the secretary, does not score);
        // after seat 4 is submitted, seat 5.
        keys(&mut app, "j<home>");
        assert!(member_row_with_cursor(&text(&app, 80, 24)).contains(" 4 "));
        keys(&mut app, "<tab><enter>");
        assert_eq!(app.sheet().unwrap().seat, 4);
        let banner = if lang == Lang::Vi {
            "ĐANG CHẤM CHO: GHẾ 4 · Phạm Thị Ngọc Ánh"
        } else {
            "SCORING FOR: SEAT 4 · Phạm Thị Ngọc Ánh"
        };
        assert!(text(&app, 80, 24).contains(banner));
        let product = app.selected_product().unwrap().clone();
        for (i, (_, c)) in product.rubric.criteria().enumerate() {
            keys(&mut app, &pattern(4, i, c.options.len()).to_string());
        }
        keys(&mut app, "y");
        assert_eq!(app.screen(), Screen::Dashboard);
        let screen = text(&app, 80, 24);
        assert!(member_row_with_cursor(&screen).contains(" 5 "), "{screen}");
        // The panel with focus is unmistakable: a double border and a ▶ in its title.
        assert!(screen.contains("╔ ▶ "), "{screen}");
        app.notice = None;
        snap("focus_members", &app);
    }
}

#[test]
fn long_options_scroll_and_always_show_points_and_markers() {
    for (lang, _) in LANGS {
        let dir = tempfile::tempdir().unwrap();
        let (db, id) = demo_db(dir.path(), None);
        let mut app = open(&db, id, Role::Secretary, lang);
        attendance(&mut app, &[]);
        // Set 15 (LD-2026-05), criterion 3.5: its options are long.
        keys(&mut app, "<home>jjjjo<tab><home><enter>");
        assert_eq!(app.screen(), Screen::Sheet, "{:?}", app.notice);
        let at = app
            .sheet()
            .unwrap()
            .criteria(&app)
            .iter()
            .position(|c| &*c.id == "3.5")
            .unwrap();
        app.sheet_mut().unwrap().cursor = at;
        let criterion = app.sheet().unwrap().criteria(&app)[at].clone();
        let points = |o: &council::rubric::Choice| {
            if lang == Lang::Vi {
                format!("{}đ", o.points)
            } else {
                format!("{} pt", o.points)
            }
        };
        let screen = text(&app, 80, 24);
        let more = if lang == Lang::Vi {
            "▼ còn "
        } else {
            "▼ "
        };
        assert!(screen.contains(more), "{screen}");
        // Scrolling down reaches every option, each shown with its number and points.
        let mut seen = std::collections::BTreeSet::new();
        for _ in 0..criterion.options.len() {
            let screen = text(&app, 80, 24);
            for (i, o) in criterion.options.iter().enumerate() {
                if screen.contains(&format!(" {} {}", i + 1, points(o))) {
                    seen.insert(i);
                }
            }
            keys(&mut app, "<pgdn>");
        }
        assert_eq!(seen.len(), criterion.options.len(), "options never shown");
        keys(&mut app, "<pgup><pgup><pgup><pgup><pgup><pgup>");
        app.notice = None;
        snap("options_scroll", &app);
    }
}

#[test]
fn a_spread_breach_is_seen_before_and_after_closing() {
    for (lang, _) in LANGS {
        let dir = tempfile::tempdir().unwrap();
        let (db, id) = demo_db(dir.path(), Some(("max_spread = 10", "max_spread = 2")));
        let mut app = open(&db, id, Role::Secretary, lang);
        attendance(&mut app, &[9]);
        keys(&mut app, "<home>o");
        for seat in SCORING_PRESENT {
            score_in_store(&mut app, "LD-2026-01", seat, true);
        }
        keys(&mut app, "c");
        let screen = text(&app, 80, 24);
        let (breach, seat) = if lang == Lang::Vi {
            ("VƯỢT mức 2", "ghế 8: ")
        } else {
            ("EXCEEDS the limit of 2", "seat 8: ")
        };
        assert!(screen.contains(breach) && screen.contains(seat), "{screen}");
        app.notice = None;
        snap("close_breach", &app);
        keys(&mut app, "y");
        assert!(matches!(app.screen(), Screen::Result(_)));
        // The verdict is on the result's second line, not below the visible screen.
        let screen = text(&app, 80, 24);
        assert!(screen.lines().nth(3).unwrap().contains(breach), "{screen}");
        keys(&mut app, "<esc>");
        let row = text(&app, 80, 24)
            .lines()
            .find(|l| l.contains("LD-2026-01"))
            .unwrap()
            .to_string();
        assert!(row.contains('⚠'), "{row}");
        keys(&mut app, "s");
        let summary = text(&app, 80, 24);
        assert!(summary.contains(">2"), "{summary}");
    }
}

#[test]
fn enter_never_answers_an_irreversible_question() {
    let dir = tempfile::tempdir().unwrap();
    let (db, id) = demo_db(dir.path(), None);
    let mut app = open(&db, id, Role::Secretary, Lang::Vi);
    attendance(&mut app, &[]);
    keys(&mut app, "<home>o<tab><home><enter>");
    let product = app.selected_product().unwrap().clone();
    for (i, (_, c)) in product.rubric.criteria().enumerate() {
        keys(&mut app, &pattern(1, i, c.options.len()).to_string());
    }
    // As a secretary used to Excel would: Enter after the last value.
    keys(&mut app, "<enter><enter>");
    assert!(app.overlay.is_some(), "the question is still open");
    assert!(!app.sheet().unwrap().submitted());
    keys(&mut app, "y");
    assert!(app.progress_of(product.id, 1).unwrap().submitted);
}

#[test]
fn the_result_scrolls_to_its_last_line_and_back() {
    for (lang, _) in LANGS {
        let dir = tempfile::tempdir().unwrap();
        let mut app = meeting(dir.path(), lang);
        keys(&mut app, "<up>v<end>");
        let screen = text(&app, 80, 24);
        let body: Vec<&str> = screen.lines().skip(2).take(20).collect();
        assert!(
            body.iter()
                .filter(|l| l.trim_matches(['║', ' ', '"']).is_empty())
                .count()
                < 10,
            "End scrolled past the content:\n{screen}"
        );
        keys(&mut app, "<pgup><pgup><pgup><pgup>");
        let mean = app.results[&app.data.products[0].id].mean_display();
        assert!(text(&app, 80, 24).contains(&mean), "PgUp recovers the top");
        keys(&mut app, "<end>");
        app.notice = None;
        snap("result_end", &app);
    }
}

#[test]
fn footers_offer_only_keys_that_work_and_fit_80_columns() {
    for (lang, help) in [(Lang::Vi, "? phím tắt"), (Lang::En, "? keys")] {
        let dir = tempfile::tempdir().unwrap();
        let mut app = meeting(dir.path(), lang);
        let footer = |app: &App| text(app, 80, 24).lines().last().unwrap().to_string();
        for step in [
            "",
            "<tab>",
            "<tab><home>jjjj<enter>",
            "<esc>b",
            "<esc>s",
            "<esc><up>v",
            "d",
        ] {
            keys(&mut app, step);
            assert!(footer(&app).contains(help), "{step}: {}", footer(&app));
        }
        keys(&mut app, "<esc><esc>");
        // A member's result offers no new round; a submitted sheet offers no digits or submit.
        let mut member = open(
            &dir.path().join("council.db"),
            app.data.info.id,
            Role::Member(1),
            lang,
        );
        keys(&mut member, "<home><enter>");
        assert!(
            matches!(member.screen(), Screen::Result(_)),
            "{:?} {}",
            member.notice,
            text(&member, 80, 24)
        );
        assert!(!footer(&member).contains(" n "), "{}", footer(&member));
        keys(&mut member, "<esc>j<enter>");
        assert_eq!(member.screen(), Screen::Sheet);
        assert!(member.sheet().unwrap().submitted());
        let f = footer(&member);
        assert!(!f.contains("1…9") && !f.contains(" s "), "{f}");
    }
    // English words never run into the next column.
    let dir = tempfile::tempdir().unwrap();
    let app = meeting(dir.path(), Lang::En);
    let screen = text(&app, 80, 24);
    let vice = screen.lines().find(|l| l.contains("Vice chair")).unwrap();
    assert!(vice.contains("Vice chair  "), "{vice}");
    let summary_dir = tempfile::tempdir().unwrap();
    let (db, id) = demo_db(summary_dir.path(), None);
    let mut app = open(&db, id, Role::Secretary, Lang::En);
    attendance(&mut app, &[]);
    keys(
        &mut app,
        "<home>x1<enter>No food safety certificate<enter>s",
    );
    assert!(text(&app, 80, 24).contains("knocked out"));
}

#[test]
fn everyone_present_find_a_product_and_restart_on_the_one_being_scored() {
    let dir = tempfile::tempdir().unwrap();
    let (db, id) = demo_db(dir.path(), None);
    let mut app = open(&db, id, Role::Secretary, Lang::Vi);
    keys(&mut app, "A");
    assert!(app.data.members.iter().all(|m| m.present == Some(true)));
    assert_eq!(
        app.notice,
        Some(Notice::Saved("Đã lưu: 9 thành viên có mặt".into()))
    );
    // By code, by name without accents; nothing found says so.
    keys(&mut app, "/06<enter>");
    assert_eq!(app.selected_product().unwrap().code, "LD-2026-06");
    keys(&mut app, "/ruou can<enter>");
    assert_eq!(app.selected_product().unwrap().code, "LD-2026-05");
    keys(&mut app, "/xyz<enter>");
    assert_eq!(
        app.notice,
        Some(Notice::Error("Không có sản phẩm nào khớp «xyz»".into()))
    );
    keys(&mut app, "o");
    drop(app);
    let app = open(&db, id, Role::Secretary, Lang::Vi);
    assert_eq!(app.selected_product().unwrap().code, "LD-2026-05");
}

#[test]
fn the_submit_dialog_shows_the_part_subtotals() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = meeting(dir.path(), Lang::En);
    keys(&mut app, "<tab><home>jjjjj<enter>3213s");
    let screen = text(&app, 80, 24);
    assert!(screen.contains("A 7/40 · B 0/25 · C 0/35"), "{screen}");
}

#[test]
fn the_mismatch_view_wraps_both_texts_with_points() {
    for (lang, _) in LANGS {
        let dir = tempfile::tempdir().unwrap();
        let (db, id) = demo_db(
            dir.path(),
            Some(("blind_reentry = false", "blind_reentry = true")),
        );
        let mut first = open(&db, id, Role::Secretary, lang);
        attendance(&mut first, &[]);
        keys(&mut first, "<home>o<tab><home><enter>Lê Minh Đức<enter>");
        let count = first.sheet().unwrap().criteria(&first).len();
        keys(&mut first, &"1".repeat(count));
        keys(&mut first, "y");
        // The second entry, by someone else at another terminal.
        let mut app = open(&db, id, Role::Secretary, lang);
        keys(&mut app, "<home><tab><home>2Võ Thị Mỹ Linh<enter>");
        keys(&mut app, "3");
        keys(&mut app, &"1".repeat(count - 1));
        keys(&mut app, "y");
        assert_eq!(app.screen(), Screen::Resolve, "{:?}", app.notice);
        let screen = text(&app, 80, 24);
        let (first, second) = if lang == Lang::Vi {
            ("1 · 1đ", "3 · 3đ")
        } else {
            ("1 · 1 pt", "3 · 3 pt")
        };
        assert!(
            screen.contains(first) && screen.contains(second),
            "{screen}"
        );
        app.notice = None;
        snap("mismatch", &app);
    }
}

#[test]
fn names_are_whole_when_there_is_room() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = meeting(dir.path(), Lang::Vi);
    keys(&mut app, "<up>v");
    let screen = text(&app, 160, 45);
    assert!(screen.contains("Bùi Thị Hương Giang"), "{screen}");
}

#[test]
fn the_projector_shows_counts_while_scoring_and_the_result_in_large_type() {
    for (lang, _) in LANGS {
        let dir = tempfile::tempdir().unwrap();
        let app = meeting(dir.path(), lang);
        let db = dir.path().join("council.db");
        // `council display`: the product being scored, how many sheets are in, never whose.
        let display = open(&db, app.data.info.id, Role::Display, lang);
        assert_eq!(display.screen(), Screen::Projector);
        let screen = text(&display, 120, 40);
        let sheets = if lang == Lang::Vi {
            "3/7 phiếu đã nộp"
        } else {
            "3 of 7 sheets in"
        };
        assert!(
            screen.contains("LD-2026-02") && screen.contains(sheets),
            "{screen}"
        );
        for m in &app.data.members {
            assert!(!screen.contains(&m.name), "{} shown:\n{screen}", m.name);
        }
        snap("projector_scoring", &display);
        // The secretary's `p` on a closed product: stars, mean, bands, verdict.
        let mut app = app;
        keys(&mut app, "<up>p");
        assert_eq!(app.screen(), Screen::Projector);
        let screen = text(&app, 120, 40);
        assert!(screen.contains("★ ★ ★ ★ ☆"), "{screen}");
        assert!(screen.contains("30") && screen.contains("90"), "{screen}");
        app.notice = None;
        snap("projector_result", &app);
    }
}

#[test]
fn choices_per_criterion_start_from_the_most_disputed() {
    for (lang, _) in LANGS {
        let dir = tempfile::tempdir().unwrap();
        let mut app = meeting(dir.path(), lang);
        keys(&mut app, "<up>vd");
        assert!(matches!(app.screen(), Screen::Distribution(_)));
        let result = app.results.values().next().unwrap().clone();
        let ranked = council::tui::screen::distribution::by_disagreement(&result.criteria);
        let ranges: Vec<usize> = ranked
            .iter()
            .map(|c| council::tui::screen::distribution::option_range(c))
            .collect();
        assert!(ranges.windows(2).all(|w| w[0] >= w[1]), "{ranges:?}");
        let screen = text(&app, 80, 24);
        let first = screen.lines().find(|l| l.contains('↔')).unwrap();
        assert!(first.contains(&format!("│{} ", ranked[0].id)), "{screen}");
        app.notice = None;
        snap("distribution", &app);
    }
}

// ----- issue 11: the terminal side -----------------------------------------------------------

#[test]
fn a_paste_goes_only_into_the_text_field_with_focus() {
    let dir = tempfile::tempdir().unwrap();
    let (db, id) = demo_db(dir.path(), None);
    let mut app = open(&db, id, Role::Secretary, Lang::En);
    attendance(&mut app, &[]);
    keys(&mut app, "<home>o<tab><home><enter>");
    // On the sheet, a pasted "3" is not a choice.
    app.handle_event(&Event::Paste("3\n2\n".into()));
    assert!(app.sheet().unwrap().choices().is_empty());
    // Into the comment field: one line, every character, long or not.
    keys(&mut app, "m");
    let long = format!("Sản phẩm tốt\n3\n{}", "rất ".repeat(600));
    app.handle_event(&Event::Paste(long.clone()));
    keys(&mut app, "<enter>");
    let stored = app.sheet().unwrap().stored.clone().unwrap();
    assert_eq!(stored.comment, long.replace('\n', " ").trim());
    assert!(stored.choices.is_empty(), "{:?}", stored.choices);
}

#[test]
fn a_comment_typed_when_the_product_closes_is_kept_as_a_draft() {
    let dir = tempfile::tempdir().unwrap();
    let (db, id) = demo_db(dir.path(), None);
    let mut secretary = open(&db, id, Role::Secretary, Lang::En);
    attendance(&mut secretary, &[]);
    keys(&mut secretary, "<home>o");
    for seat in [1, 2, 4, 5, 7] {
        score_in_store(&mut secretary, "LD-2026-01", seat, true);
    }
    let mut member = open(&db, id, Role::Member(6), Lang::En);
    keys(&mut member, "<enter>12mGood jam");
    keys(&mut secretary, "CTime is up<enter>");
    member.update(Action::Refresh);
    assert_eq!(member.screen(), Screen::MemberHome);
    assert!(member.overlay.is_none());
    assert_eq!(
        member.notice,
        Some(Notice::Info(
            "The product closed while the comment was typed; it was not saved and is kept as a draft: “Good jam”".into()
        ))
    );
    assert_eq!(
        member.comment_drafts.values().next().map(String::as_str),
        Some("Good jam")
    );
}

/// The secretary's view of the remote seats: where to connect, the fingerprint, each seat's
/// code and state; `g`, `u` and `d` act on the selected seat through the store's rules.
#[test]
fn the_seats_screen_shows_codes_connections_and_acts_on_a_seat() {
    use council::meeting::access::Place;
    for (lang, _) in LANGS {
        let dir = tempfile::tempdir().unwrap();
        let (db, id) = demo_db(dir.path(), None);
        {
            let mut store = Store::open(&db).unwrap();
            store.seat_codes(id).unwrap();
            store
                .server_started(
                    id,
                    "0.0.0.0:2222",
                    &["192.168.1.10:2222".to_string()],
                    "SHA256:TRsuDUEuVcD6jVATRp6tLzOvhDYDviG7o4NYIK3QcCg",
                )
                .unwrap();
            store
                .connection_opened(id, Place::Seat(4), "192.168.1.24:50412")
                .unwrap();
            for _ in 0..2 {
                assert!(store.sign_in_with_code(id, Place::Seat(5), "x").is_err());
            }
            for _ in 0..5 {
                assert!(store.sign_in_with_code(id, Place::Seat(7), "x").is_err());
            }
        }
        let mut app = open(&db, id, Role::Secretary, lang);
        keys(&mut app, "S");
        assert_eq!(app.screen(), Screen::Seats);
        insta::with_settings!({filters => vec![(r"\b\d{6}\b", "[code]")]}, {
            snap("seats", &app);
        });

        // Unlock seat 7, then a new code for it: the old code stops working.
        let store = Store::open(&db).unwrap();
        let old = store.issued_seat_codes(id).unwrap()[6].code.clone();
        keys(&mut app, "jjjjjju");
        assert!(
            matches!(app.notice, Some(Notice::Saved(_))),
            "{:?}",
            app.notice
        );
        keys(&mut app, "g");
        let codes = store.issued_seat_codes(id).unwrap();
        assert_eq!(codes[6].place, Place::Seat(7));
        assert!(!codes[6].locked);
        assert_ne!(codes[6].code, old);
        let mut writer = Store::open(&db).unwrap();
        assert!(writer.sign_in_with_code(id, Place::Seat(7), &old).is_err());
        writer
            .sign_in_with_code(id, Place::Seat(7), &codes[6].code)
            .unwrap();
        // Disconnecting a seat with nobody connected says so and asks nothing of the server.
        keys(&mut app, "d");
        assert!(
            matches!(app.notice, Some(Notice::Info(_))),
            "{:?}",
            app.notice
        );
        keys(&mut app, "<home>jjjd");
        assert!(
            matches!(app.notice, Some(Notice::Saved(_))),
            "{:?}",
            app.notice
        );
        let asked: i64 = store
            .connection()
            .query_row(
                "SELECT disconnect_requested FROM seat_connections WHERE place = 4",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(asked, 1);
        keys(&mut app, "<esc>");
        assert_eq!(app.screen(), Screen::Dashboard);
    }
}

/// A provincial council's top rank is a proposal to the central council, never an award
/// (Điều 7.3.e): the result screen, the projector, the session summary and `council results`
/// all say so, in both languages, where they used to say "5 sao".
#[test]
fn a_provincial_top_rank_is_shown_as_a_proposal_to_the_central_council() {
    let dir = tempfile::tempdir().unwrap();
    let (db, id) = demo_db(dir.path(), None);
    let mut app = open(&db, id, Role::Secretary, Lang::Vi);
    attendance(&mut app, &[]);
    keys(&mut app, "<home>o");
    let data = app.store.load_session(id).unwrap();
    let product = data.products[0].clone();
    // Every scoring member ticks every criterion's best option: 100 points, every minimum held.
    for member in data.members.iter().filter(|m| m.scores) {
        let actor = council::store::Actor::Member(member.seat);
        for (_, c) in product.rubric.criteria() {
            let best = c.options.len() as u32;
            app.store
                .set_choice(&data, &product, member.seat, &c.id, best, 1, &actor)
                .unwrap();
        }
        app.store
            .submit_sheet(&data, &product, member.seat, &actor)
            .unwrap();
        app.store.release_holds(&actor).unwrap();
    }
    app.reload().unwrap();
    keys(&mut app, "cy");
    assert_eq!(app.screen(), Screen::Result(product.id), "{:?}", app.notice);
    let headline = |screen: &str, mean: &str| -> String {
        screen
            .lines()
            .find(|l| l.contains(mean))
            .unwrap_or_else(|| panic!("no line with {mean:?}:\n{screen}"))
            .to_string()
    };
    let vi = "đề nghị Hội đồng cấp trung ương đánh giá 5 sao";
    for (w, h) in [(80, 24), (120, 40)] {
        let screen = text(&app, w, h);
        let line = headline(&screen, "Điểm trung bình");
        assert!(line.contains("★★★★★") && !line.contains("5 sao"), "{line}");
        assert!(screen.contains(&format!("→ {vi}")), "{screen}");
    }
    keys(&mut app, "p");
    let projector = text(&app, 120, 40);
    assert!(projector.contains(vi), "{projector}");
    keys(&mut app, "<esc><esc>s");
    let summary = text(&app, 120, 40);
    assert!(summary.contains("★★★★★ đề nghị TW 5 sao"), "{summary}");

    let mut en = open(&db, id, Role::Secretary, Lang::En);
    keys(&mut en, "<home>v");
    let screen = text(&en, 120, 40);
    let line = headline(&screen, "Mean score");
    assert!(
        line.contains("★★★★★") && !line.contains("5 stars"),
        "{line}"
    );
    assert!(
        screen.contains("→ proposed to the central council for 5 stars"),
        "{screen}"
    );

    let out = std::process::Command::new(env!("CARGO_BIN_EXE_council"))
        .args(["--db", db.to_str().unwrap(), "results"])
        .output()
        .unwrap();
    let printed = String::from_utf8_lossy(&out.stdout);
    assert!(printed.contains(&format!("{vi} ★★★★★")), "{printed}");
}
