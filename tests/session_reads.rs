//! Start-up reads what the screens show of every product of a session at once
//! (`Store::session_seat_facts`, `session_recusals`, `session_progress`); a refresh of one
//! changed product reads that product alone. On a session with products in every state —
//! closed, knocked out, a second round being scored, waiting — and sheets in every state
//! (proxy, a member's own, submitted, a blind re-entry, drafts), both reads give the same for
//! every product, for the secretary's view and for each member's, and a member's workbench
//! holds the progress of its own sheets only.

use std::collections::HashMap;

use council::i18n::Lang;
use council::meeting::rubric_cases;
use council::rubric::Catalog;
use council::session::parse_session;
use council::store::{Actor, SessionData, SheetProgress, Store};
use council::tui::{App, Keymap, Role};

const SECRETARY: Actor = Actor::Secretary;

/// Seats of the demo council that score (seat 3 is the secretary).
const SCORING: [u32; 8] = [1, 2, 4, 5, 6, 7, 8, 9];

struct Meeting {
    _dir: tempfile::TempDir,
    store: Store,
    session: i64,
}

impl Meeting {
    fn data(&self) -> SessionData {
        self.store.load_session(self.session).unwrap()
    }

    /// Ticks the first `count` criteria of `seat`'s sheet of `code` (entry 1 or the blind
    /// re-entry 2); `shift` moves every option, so two entries can differ.
    fn tick(&mut self, code: &str, seat: u32, actor: &Actor, entry: u8, count: usize, shift: u32) {
        let data = self.data();
        let p = data.product(code).unwrap();
        for (i, (_, c)) in p.rubric.criteria().enumerate().take(count) {
            let option = (i as u32 + shift) % c.options.len() as u32 + 1;
            self.store
                .set_choice(&data, p, seat, &c.id, option, entry, actor)
                .unwrap();
        }
    }

    fn submit(&mut self, code: &str, seat: u32, actor: &Actor) {
        let data = self.data();
        self.store
            .submit_sheet(&data, data.product(code).unwrap(), seat, actor)
            .unwrap();
    }

    /// A complete paper sheet from every scoring seat present, submitted.
    fn score_all(&mut self, code: &str, seats: &[u32]) {
        for &seat in seats {
            self.tick(code, seat, &SECRETARY, 1, usize::MAX, seat);
            self.submit(code, seat, &SECRETARY);
        }
    }

    fn open(&mut self, code: &str) {
        let data = self.data();
        self.store
            .open_product(&data, data.product(code).unwrap())
            .unwrap();
    }

    fn close(&mut self, code: &str) {
        let data = self.data();
        self.store
            .close_product(&data, data.product(code).unwrap(), None)
            .unwrap();
    }

    fn attend(&mut self, seat: u32, present: bool) {
        let data = self.data();
        self.store.set_attendance(&data, seat, present).unwrap();
    }

    fn recuse(&mut self, code: &str, seat: u32) {
        let data = self.data();
        self.store
            .recuse(
                &data,
                data.product(code).unwrap(),
                seat,
                "họ hàng với chủ thể",
            )
            .unwrap();
    }
}

/// The demo session with a closed product, a knocked-out one, one in its second round with
/// sheets in every state, a waiting one with a recusal, and attendance that differs between
/// them.
fn meeting() -> Meeting {
    let dir = tempfile::tempdir().unwrap();
    let catalog = Catalog::shipped();
    let text = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("sessions/demo.toml"),
    )
    .unwrap();
    let session = parse_session("demo.toml", &text, &|id| catalog.find(id).is_some()).unwrap();
    let mut store = Store::open_or_create(&dir.path().join("council.db")).unwrap();
    let id = store
        .create_session(&session, &text, &|id| {
            catalog.find(id).map(|(f, _)| f.text.clone())
        })
        .unwrap();
    let mut m = Meeting {
        _dir: dir,
        store,
        session: id,
    };
    let data = m.data();
    m.store.set_attendance_all(&data, true).unwrap();
    // Products without alternative cases, so that any option may be ticked.
    let plain: Vec<&council::store::ProductRow> = data
        .products
        .iter()
        .filter(|p| rubric_cases(&p.rubric) == 0)
        .collect();
    let closed = plain[0].code.clone();
    let knocked = plain[1..]
        .iter()
        .find(|p| !p.rubric.knockouts.is_empty())
        .unwrap()
        .code
        .clone();
    let rest: Vec<String> = plain[1..]
        .iter()
        .map(|p| p.code.clone())
        .filter(|c| *c != knocked)
        .collect();
    let (second, waiting) = (rest[0].clone(), rest[1].clone());

    // Closed with seat 9 absent; the room has it back afterwards.
    m.attend(9, false);
    m.open(&closed);
    m.score_all(&closed, &SCORING[..7]);
    m.close(&closed);
    m.attend(9, true);

    m.open(&knocked);
    m.tick(&knocked, 1, &SECRETARY, 1, 3, 0);
    let data = m.data();
    m.store
        .knock_out(
            &data,
            data.product(&knocked).unwrap(),
            1,
            "hồ sơ không hợp lệ",
            Some(1),
        )
        .unwrap();

    // Round 1 complete (seat 2's paper sheet entered twice), closed, then a second round.
    m.open(&second);
    m.score_all(&second, &SCORING);
    m.tick(&second, 2, &SECRETARY, 2, usize::MAX, 2);
    m.close(&second);
    let data = m.data();
    m.store
        .new_round(
            &data,
            data.product(&second).unwrap(),
            "chênh lệch quá 10 điểm",
        )
        .unwrap();
    m.recuse(&second, 6);
    // Seat 1: a paper sheet, submitted. Seat 2: entered twice alike (verified), submitted.
    m.score_all(&second, &[1]);
    m.tick(&second, 2, &SECRETARY, 1, usize::MAX, 5);
    m.tick(&second, 2, &SECRETARY, 2, usize::MAX, 5);
    m.submit(&second, 2, &SECRETARY);
    // Seat 4 scores on its own seat, half-way; seat 8 finished its own.
    m.tick(&second, 4, &Actor::Member(4), 1, 5, 0);
    m.tick(&second, 8, &Actor::Member(8), 1, usize::MAX, 1);
    m.submit(&second, 8, &Actor::Member(8));
    for seat in [4, 8] {
        m.store.release_holds(&Actor::Member(seat)).unwrap();
    }
    // Seat 5: a paper sheet part-entered, its re-entry started and differing.
    m.tick(&second, 5, &SECRETARY, 1, 10, 0);
    m.tick(&second, 5, &SECRETARY, 2, 4, 1);
    m.store.release_holds(&SECRETARY).unwrap();
    // Seat 7 leaves while the second round is scored (the open product follows the room).
    m.attend(7, false);

    m.recuse(&waiting, 5);
    m
}

/// Each product's progress as a member's seat reads it one product at a time: its own sheet
/// (`member_sheet`), which counts what the secretary's read of every sheet counts for it.
fn member_progress(
    store: &Store,
    data: &SessionData,
    seat: u32,
) -> HashMap<i64, Vec<SheetProgress>> {
    data.products
        .iter()
        .map(|p| {
            let own = store.member_sheet(data, p, seat).unwrap();
            let mut all = store.sheet_progress(data, p).unwrap();
            all.retain(|g| g.seat == seat);
            assert_eq!(
                own.as_ref()
                    .map(|s| (s.choices.len(), s.reentry.len(), s.submitted, s.verified)),
                all.first().map(|g| (
                    g.answered as usize,
                    g.reentered as usize,
                    g.submitted,
                    g.verified
                )),
                "{} seat {seat}",
                p.code
            );
            (p.id, all)
        })
        .collect()
}

#[test]
fn reading_the_whole_session_at_once_gives_what_each_product_read_alone_gives() {
    let m = meeting();
    let (store, data) = (&m.store, m.data());

    let seats = store.session_seat_facts(&data).unwrap();
    let recusals = store.session_recusals(&data).unwrap();
    let progress = store.session_progress(&data, None).unwrap();
    for map_len in [seats.len(), recusals.len(), progress.len()] {
        assert_eq!(map_len, data.products.len(), "one entry for every product");
    }
    for p in &data.products {
        assert_eq!(
            seats[&p.id],
            store.seat_facts(&data, p.id, p.round).unwrap(),
            "{}",
            p.code
        );
        assert_eq!(
            recusals[&p.id],
            store.recused_seats(&data, p.id).unwrap(),
            "{}",
            p.code
        );
        assert_eq!(
            progress[&p.id],
            store.sheet_progress(&data, p).unwrap(),
            "{}",
            p.code
        );
    }
    for member in &data.members {
        let own = store.session_progress(&data, Some(member.seat)).unwrap();
        assert_eq!(
            own,
            member_progress(store, &data, member.seat),
            "seat {}",
            member.seat
        );
    }

    // The session holds what the comparison is meant to cover.
    let all: Vec<&SheetProgress> = progress.values().flatten().collect();
    assert!(all.iter().any(|g| g.entered_by == "member" && !g.submitted));
    assert!(all.iter().any(|g| g.entered_by == "member" && g.submitted));
    assert!(all.iter().any(|g| g.entered_by != "member" && g.verified));
    assert!(all.iter().any(|g| g.reentered > 0 && !g.verified));
    assert!(
        all.iter()
            .any(|g| g.answered > 0 && !g.submitted && g.entered_by != "member")
    );
    let present = |id: i64, seat: u32| seats[&id].iter().find(|s| s.seat == seat).unwrap().present;
    let closed = data
        .products
        .iter()
        .find(|p| p.round == 1 && p.status.is_settled())
        .unwrap();
    let second = data.products.iter().find(|p| p.round == 2).unwrap();
    assert!(
        !present(closed.id, 9) && present(second.id, 9),
        "attendance per product"
    );
    assert!(present(closed.id, 7) && !present(second.id, 7));
    assert_eq!(recusals.values().filter(|r| !r.is_empty()).count(), 2);
}

#[test]
fn a_workbench_starts_with_what_a_refresh_of_each_product_reads() {
    let m = meeting();
    let data = m.data();
    let path = m.store.path().to_path_buf();
    let open = || Store::open(&path).unwrap();

    let app = App::new(
        open(),
        m.session,
        Role::Secretary,
        Lang::Vi,
        Keymap::defaults(),
    )
    .unwrap();
    let store = &m.store;
    for p in &data.products {
        assert_eq!(
            app.seats[&p.id],
            store.seat_facts(&data, p.id, p.round).unwrap()
        );
        assert_eq!(
            app.recusals[&p.id],
            store.recused_seats(&data, p.id).unwrap()
        );
        assert_eq!(app.progress[&p.id], store.sheet_progress(&data, p).unwrap());
        assert_eq!(
            app.results.get(&p.id),
            p.status
                .is_settled()
                .then(|| store.shown_result(&data, p).unwrap())
                .as_ref(),
        );
    }

    // A member's workbench holds its own sheets' progress and nobody else's.
    for member in data.members.iter().filter(|m| m.scores) {
        let app = App::new(
            open(),
            m.session,
            Role::Member(member.seat),
            Lang::Vi,
            Keymap::defaults(),
        )
        .unwrap();
        assert_eq!(app.progress, member_progress(store, &data, member.seat));
        assert!(
            app.progress
                .values()
                .flatten()
                .all(|g| g.seat == member.seat),
            "seat {} holds another seat's progress",
            member.seat
        );
    }
}
