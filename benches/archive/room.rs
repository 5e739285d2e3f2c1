//! (6) A whole room on one laptop: the 15 members' seats and the secretary's dashboard, each
//! an `App` on its own connection, score today's 10-product session (added to a copy of the
//! 40-session archive) at human pace: each member presses a key every one to three seconds,
//! with bursts of quick keys, and every screen polls for changes every 300 ms and redraws
//! when something changed, as `run_loop` does.
//!
//! The meeting's clock is simulated (nobody waits between keys), so a minute of meeting runs
//! in a few seconds; the work done per key and per poll is the real one: every key is a
//! durable commit (synchronous=FULL) on the member's writer connection, every poll a
//! `PRAGMA data_version` and, when something changed, a reload of the product that changed.

use std::time::{Duration, Instant};

use ratatui::Terminal;
use ratatui::backend::TestBackend;

use council::generate::{ArchiveSpec, add_session};
use council::i18n::Lang;
use council::store::Store;
use council::tui::app::Notice;
use council::tui::{Action, App, Keymap, Role, ScreenKind, view};

use crate::fixtures::Fixtures;
use crate::startup::{HEIGHT, WIDTH};

const POLL_MS: f64 = 300.0;

/// Scoring members in the room, each on a seat of their own.
const MEMBER_SEATS: u32 = 15;

/// What one run of the room measured.
pub struct RoomReport {
    pub seats: usize,
    pub meeting: Duration,
    pub keystrokes: usize,
    /// Wall time of each key press on a member's seat: the commit, durable, and the sheet
    /// read back (ms).
    pub commit_ms: Vec<f64>,
    /// From a commit until a screen's poll has taken it in and redrawn: the simulated wait
    /// for that screen's next poll plus the poll's own wall time (ms), every screen that had
    /// something to show for it.
    pub shown_ms: Vec<f64>,
    /// CPU of one poll that took a change in, with its redraw (ms), every screen.
    pub show_cpu_ms: Vec<f64>,
    /// CPU the secretary's dashboard used for its polls and redraws only (s).
    pub watcher_cpu: f64,
    /// CPU the whole process used for the room (s): every seat, every writer thread.
    pub room_cpu: f64,
}

fn thread_cpu() -> f64 {
    cpu(libc::CLOCK_THREAD_CPUTIME_ID)
}

fn process_cpu() -> f64 {
    cpu(libc::CLOCK_PROCESS_CPUTIME_ID)
}

fn cpu(clock: libc::clockid_t) -> f64 {
    let mut t = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: clock_gettime writes into the timespec it is given and nothing else.
    unsafe { libc::clock_gettime(clock, &mut t) };
    t.tv_sec as f64 + t.tv_nsec as f64 / 1e9
}

/// A small deterministic generator (the same room every run).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> f64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 >> 11) as f64 / (1u64 << 53) as f64
    }
}

struct Seat {
    app: App,
    terminal: Terminal<TestBackend>,
    next_poll: f64,
    /// Member seats: when the next key falls, keys left in a burst, keys pressed so far.
    next_key: Option<f64>,
    burst: u32,
    presses: usize,
    /// The earliest commit by another seat that this screen has not shown yet.
    unseen_since: Option<f64>,
}

pub fn run(fx: &Fixtures, meeting: Duration) -> RoomReport {
    let db = fx.writable_copy("room");
    // The room: 15 member seats and the secretary's dashboard, as in the SSH room
    // (`benches/seats`); the archive's councils have 14 scoring members and the secretary.
    let spec = ArchiveSpec {
        products: 10,
        members: MEMBER_SEATS + 1,
        ..fx.spec
    };
    let mut store = Store::open(&db).expect("open the copy");
    let today = add_session(&mut store, &fx.catalog, &spec, fx.spec.sessions).expect("today");
    let product = today.products[0].clone();
    store
        .open_product(&today, &product)
        .expect("open product 1");
    drop(store);
    let open = |role: Role| {
        let store = Store::open(&db).expect("open a seat's connection");
        let mut app = App::new(store, today.info.id, role, Lang::Vi, Keymap::defaults())
            .expect("a screen starts");
        app.set_write_patience(Duration::from_secs(30));
        app
    };
    let mut rng = Rng(0x5EA7_0015);
    let mut seats: Vec<Seat> = Vec::new();
    let secretary = open(Role::Secretary);
    seats.push(Seat {
        app: secretary,
        terminal: Terminal::new(TestBackend::new(WIDTH, HEIGHT)).expect("terminal"),
        next_poll: rng.next() * POLL_MS,
        next_key: None,
        burst: 0,
        presses: 0,
        unseen_since: None,
    });
    for m in today.members.iter().filter(|m| m.scores) {
        let mut app = open(Role::Member(m.seat));
        app.open_sheet(product.id, m.seat, 1);
        assert_eq!(app.screen(), ScreenKind::Sheet, "{:?}", app.notice);
        seats.push(Seat {
            app,
            terminal: Terminal::new(TestBackend::new(WIDTH, HEIGHT)).expect("terminal"),
            next_poll: rng.next() * POLL_MS,
            next_key: Some(1000.0 + rng.next() * 2000.0),
            burst: 0,
            presses: 0,
            unseen_since: None,
        });
    }
    for s in &mut seats {
        s.terminal
            .draw(|f| view::draw(&s.app, f))
            .expect("first frame");
    }
    // Never the last criterion, so no sheet completes and no dialog interrupts a member.
    let criteria = product.rubric.criteria_count() - 1;
    let end = meeting.as_secs_f64() * 1000.0;
    let mut report = RoomReport {
        seats: seats.len(),
        meeting,
        keystrokes: 0,
        commit_ms: Vec::new(),
        shown_ms: Vec::new(),
        show_cpu_ms: Vec::new(),
        watcher_cpu: 0.0,
        room_cpu: 0.0,
    };
    let cpu_start = process_cpu();
    loop {
        // The next event: a key on some seat, or some screen's poll.
        let (i, now, is_key) = seats
            .iter()
            .enumerate()
            .flat_map(|(i, s)| {
                let key = s.next_key.map(|t| (i, t, true));
                [Some((i, s.next_poll, false)), key]
            })
            .flatten()
            .min_by(|a, b| a.1.total_cmp(&b.1))
            .expect("seats");
        if now > end {
            break;
        }
        if is_key {
            let seat = &mut seats[i];
            let criterion = seat.presses % criteria;
            let pick = if (seat.presses / criteria).is_multiple_of(2) {
                Action::Pick1
            } else {
                Action::Pick2
            };
            seat.presses += 1;
            if let Some(sheet) = seat.app.sheet_mut() {
                sheet.cursor = criterion;
            }
            let started = Instant::now();
            seat.app.update(pick);
            report
                .commit_ms
                .push(started.elapsed().as_secs_f64() * 1000.0);
            assert!(
                matches!(seat.app.notice, Some(Notice::Saved(_))),
                "every key is saved: {:?}",
                seat.app.notice
            );
            seat.terminal
                .draw(|f| view::draw(&seat.app, f))
                .expect("draw");
            report.keystrokes += 1;
            // One key in six starts a burst of three quick ones (0.2-0.5 s apart).
            if seat.burst == 0 && rng.next() < 1.0 / 6.0 {
                seat.burst = 3;
            }
            let gap = if seat.burst > 0 {
                seat.burst -= 1;
                200.0 + rng.next() * 300.0
            } else {
                1000.0 + rng.next() * 2000.0
            };
            seat.next_key = Some(now + gap);
            for (j, other) in seats.iter_mut().enumerate() {
                if j != i {
                    other.unseen_since.get_or_insert(now);
                }
            }
        } else {
            let seat = &mut seats[i];
            let cpu = thread_cpu();
            let started = Instant::now();
            // As `tui::run_inputs` does: redraw when the tick or the commit changed what the
            // screen shows.
            let version = seat.app.version;
            let before = (seat.app.notice.clone(), seat.app.waiting_for_database());
            seat.app.update(Action::Tick);
            let shown = seat.app.refresh();
            let took_in = seat.app.version != version;
            let changed =
                shown || before != (seat.app.notice.clone(), seat.app.waiting_for_database());
            if changed {
                seat.terminal
                    .draw(|f| view::draw(&seat.app, f))
                    .expect("draw");
            }
            let wall = started.elapsed().as_secs_f64() * 1000.0;
            let spent = thread_cpu() - cpu;
            if i == 0 {
                report.watcher_cpu += spent;
            }
            if took_in {
                report.show_cpu_ms.push(spent * 1000.0);
                // A screen with nothing to show for the change has nothing to wait for.
                if let Some(since) = seat.unseen_since.take()
                    && changed
                {
                    report.shown_ms.push(now - since + wall);
                }
            }
            seat.next_poll = now + POLL_MS;
        }
    }
    report.room_cpu = process_cpu() - cpu_start;
    // Every screen shows what the store holds: the secretary sees every seat's progress.
    let secretary = &mut seats[0].app;
    secretary.update(Action::Refresh);
    let row = secretary
        .product(product.id)
        .expect("the open product")
        .clone();
    let fresh = secretary
        .store
        .sheet_progress(&secretary.data, &row)
        .expect("progress");
    assert_eq!(
        secretary.progress.get(&product.id),
        Some(&fresh),
        "the dashboard shows every seat's progress"
    );
    drop(seats);
    let _ = std::fs::remove_file(db);
    report
}

fn quantile(values: &[f64], q: f64) -> f64 {
    let mut v = values.to_vec();
    v.sort_by(f64::total_cmp);
    v.get(((v.len() as f64 - 1.0) * q).round() as usize)
        .copied()
        .unwrap_or(f64::NAN)
}

impl RoomReport {
    /// The room's figures against the targets, each with its ratio to the target.
    pub fn lines(&self) -> Vec<String> {
        let minutes = self.meeting.as_secs_f64() / 60.0;
        let core = |cpu: f64| cpu / self.meeting.as_secs_f64() * 100.0;
        let verdict = |ok: bool| if ok { "met" } else { "MISSED" };
        let p99 = quantile(&self.commit_ms, 0.99);
        let show_cpu = quantile(&self.show_cpu_ms, 0.5);
        let watcher = core(self.watcher_cpu);
        let room = core(self.room_cpu);
        vec![
            format!(
                "(6) room: {} screens, {} keys in {:.1} min of meeting ({:.1} keys/s)",
                self.seats,
                self.keystrokes,
                minutes,
                self.keystrokes as f64 / self.meeting.as_secs_f64()
            ),
            format!(
                "(6) keystroke to durable commit: median {:.2} ms, p99 {:.2} ms, max {:.2} ms — target p99 < 10 ms ({:.2} of it) — {}",
                quantile(&self.commit_ms, 0.5),
                p99,
                quantile(&self.commit_ms, 1.0),
                p99 / 10.0,
                verdict(p99 < 10.0)
            ),
            format!(
                "(6) a change shown on another screen: median {:.0} ms, p99 {:.0} ms, max {:.0} ms (the 300 ms poll plus the reload)",
                quantile(&self.shown_ms, 0.5),
                quantile(&self.shown_ms, 0.99),
                quantile(&self.shown_ms, 1.0)
            ),
            format!(
                "(6) CPU to show a change, per screen: median {:.3} ms, p99 {:.3} ms — target < 5 ms ({:.3} of it) — {}",
                show_cpu,
                quantile(&self.show_cpu_ms, 0.99),
                show_cpu / 5.0,
                verdict(show_cpu < 5.0)
            ),
            format!(
                "(6) the watching dashboard: {:.3} % of a core — target < 1 % ({:.2} of it) — {}",
                watcher,
                watcher / 1.0,
                verdict(watcher < 1.0)
            ),
            format!(
                "(6) the whole room: {:.2} CPU-s per minute of meeting, {:.2} % of one core — target < 5 % ({:.2} of it) — {}",
                self.room_cpu / minutes,
                room,
                room / 5.0,
                verdict(room < 5.0)
            ),
        ]
    }
}
