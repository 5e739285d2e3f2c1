//! What every screen shares, and `update`, the one entry for actions. The App holds the
//! session as loaded, the stack of screens, the overlay (help, a question, a text field), the
//! notice line and the store; each screen's own state, keys and drawing live in `screen/`.
//!
//! Every store write goes through [`App::write`], and the screen says "saved" only after the
//! store returned Ok (it commits with synchronous=FULL).

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;
use std::sync::mpsc;
use std::time::Duration;

use crossterm::event::{Event, KeyEventKind};

use super::action::Action;
use super::keymap::{Context, Keymap};
use super::overlay::Overlay;
use super::screen::sheet::SheetView;
use super::screen::{AfterWrite, Nav, Screen, ScreenKind};
use super::writer::{Job, Writer};
use crate::i18n::{Lang, TuiStrings, fill};
use crate::scoring::ProductResult;
use crate::store::{
    Actor, ChangeScope, Changes, MemberRow, ProductRow, ProductStatus, SessionData, SheetProgress,
    Store, StoredSheet,
};

/// Whose workbench this is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// The secretary's dashboard: runs the session, enters paper sheets.
    Secretary,
    /// A member's seat: their own sheet only.
    Member(u32),
    /// The room's projector: read-only, the open product and settled results, never whose
    /// scores.
    Display,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Notice {
    Saved(String),
    Info(String),
    Error(String),
}

pub struct App {
    pub store: Store,
    pub lang: Lang,
    pub keymap: Keymap,
    pub role: Role,
    pub data: SessionData,
    /// `PRAGMA data_version` when `data` was loaded; another process's commit changes it.
    pub version: i64,
    /// The session's change counters when `data` was loaded: a refresh reloads only the
    /// products whose counter moved.
    changes: Changes,
    screens: Vec<Screen>,
    /// The selected product, shared by every list of products (dashboard, board, summary).
    pub product_cursor: usize,
    pub overlay: Option<Overlay>,
    pub notice: Option<Notice>,
    /// Results of settled (closed or knocked-out) products only.
    pub results: HashMap<i64, ProductResult>,
    /// Sheet progress per product (how far each sheet is, never its choices): every seat for
    /// the secretary and the projector, only the member's own seat in member mode.
    pub progress: HashMap<i64, Vec<SheetProgress>>,
    pub recusals: HashMap<i64, Vec<u32>>,
    /// Each product's own attendance as the meeting rules see it (the room's while waiting).
    pub seats: HashMap<i64, Vec<crate::meeting::SeatFacts>>,
    pub quit: bool,
    /// An export running in the background, reporting its progress.
    pub export: Option<ExportJob>,
    /// A write failed: keys typed ahead while it ran were meant for the screen as it would
    /// have been, so the loop drops them instead of applying them to what is shown now.
    pub drop_typed_ahead: bool,
    /// Comments that were being typed when their product closed, by (product, seat).
    pub comment_drafts: HashMap<(i64, u32), String>,
    /// Writes run on their own connection so a locked database never freezes the screen.
    writer: Writer,
    /// Writes finished during this update, for the screen that asked for them.
    finished: Vec<(AfterWrite, bool)>,
    /// Set by a reload, so the screen on top can check it still makes sense.
    reloaded: bool,
    /// Something a screen shows differs from the last frame: another commit makes the
    /// screen redraw only then (15 seats redrawing for every keystroke of each other was
    /// most of a room's CPU).
    pub(crate) shown_changed: bool,
    /// The kind and keymap section of the screen taken off the stack while it handles an
    /// action (hints it writes then name its own keys).
    acting: Option<(ScreenKind, Context)>,
}

/// Messages from the export thread.
pub enum ExportMessage {
    Progress(crate::export::Progress),
    Done(Result<Vec<PathBuf>, String>),
}

pub struct ExportJob {
    pub folder: PathBuf,
    pub receiver: mpsc::Receiver<ExportMessage>,
}

pub type StoreResult<T> = crate::store::Result<T>;

impl App {
    pub fn new(
        store: Store,
        session_id: i64,
        role: Role,
        lang: Lang,
        keymap: Keymap,
    ) -> StoreResult<Self> {
        // Read the version and counters first: a commit landing during the load is then seen
        // next poll.
        let version = store.data_version()?;
        let changes = store.changes(session_id)?;
        let data = store.load_session(session_id)?;
        if let Role::Member(seat) = role
            && data.member(seat).is_none()
        {
            return Err(crate::store::StoreError::NotFound(format!(
                "member at seat {seat} in session {}",
                data.info.code
            )));
        }
        let writer = Writer::new(store.path());
        let mut app = Self {
            store,
            lang,
            keymap,
            role,
            data,
            version,
            changes,
            screens: Vec::new(),
            product_cursor: 0,
            overlay: None,
            notice: None,
            results: HashMap::new(),
            progress: HashMap::new(),
            recusals: HashMap::new(),
            seats: HashMap::new(),
            quit: false,
            export: None,
            drop_typed_ahead: false,
            comment_drafts: HashMap::new(),
            writer,
            finished: Vec::new(),
            reloaded: false,
            shown_changed: true,
            acting: None,
        };
        app.refresh_views()?;
        // After a restart the cursor is on the product being scored, not the first one.
        if let Some(i) = app
            .visible_products()
            .iter()
            .position(|p| p.status == ProductStatus::Scoring)
        {
            app.product_cursor = i;
        }
        app.screens.push(Screen::root(&app));
        app.reloaded = false;
        Ok(app)
    }

    /// How long an update waits for a write before showing "waiting for the database…" and
    /// going on without it (tests on slow machines raise it).
    pub fn set_write_patience(&mut self, patience: Duration) {
        self.writer.patience = patience;
    }

    pub fn t(&self) -> &'static TuiStrings {
        self.lang.strings().tui
    }

    /// The screen on top, by kind.
    pub fn screen(&self) -> ScreenKind {
        self.acting
            .map_or_else(|| self.top().kind(), |(kind, _)| kind)
    }

    fn top(&self) -> &Screen {
        self.screens
            .last()
            .expect("the root screen is never popped")
    }

    /// The screen on top, for drawing.
    pub fn top_screen(&self) -> &Screen {
        self.top()
    }

    /// The sheet being filled in or resolved, if that is the screen on top.
    pub fn sheet(&self) -> Option<&SheetView> {
        self.top().sheet()
    }

    pub fn sheet_mut(&mut self) -> Option<&mut SheetView> {
        self.screens.last_mut()?.sheet_mut()
    }

    /// Opens a member's sheet as the dashboard's Enter does (benchmarks, tests).
    pub fn open_sheet(&mut self, product_id: i64, seat: u32, entry: u8) {
        self.with_top(|_, app| {
            super::screen::sheet::SheetScreen::open(app, product_id, seat, entry)
        });
        self.settle();
    }

    /// The keymap section that applies now.
    pub fn context(&self) -> Context {
        match &self.overlay {
            Some(o) => o.context(),
            None => self.screen_context(),
        }
    }

    /// The keymap section of the screen under any overlay.
    pub fn screen_context(&self) -> Context {
        self.acting
            .map_or_else(|| self.top().context(), |(_, context)| context)
    }

    /// A write is waiting for the database (another program holds its lock).
    pub fn waiting_for_database(&self) -> bool {
        self.writer.is_waiting()
    }

    // ----- reading -------------------------------------------------------------------------

    /// Reloads the session and everything shown from the store.
    pub fn reload(&mut self) -> StoreResult<()> {
        self.version = self.store.data_version()?;
        self.changes = self.store.changes(self.data.info.id)?;
        self.data = self.store.load_session(self.data.info.id)?;
        self.refresh_views()
    }

    /// Reloads what changed since the last load: only the products whose change counter
    /// moved, or everything when the session, its members or its list of products did.
    pub fn reload_changed(&mut self) -> StoreResult<()> {
        let version = self.store.data_version()?;
        self.reload_changed_at(version)
    }

    /// [`Self::reload_changed`] once the data version is read.
    fn reload_changed_at(&mut self, version: i64) -> StoreResult<()> {
        self.version = version;
        let now = self.store.changes(self.data.info.id)?;
        let Some(changed) = now.changed_since(&self.changes, self.change_scope()) else {
            return self.reload();
        };
        if changed.is_empty() {
            return Ok(());
        }
        for id in changed {
            let row = self.store.load_product(id)?;
            if let Some(slot) = self.data.products.iter_mut().find(|p| p.id == id)
                && *slot != row
            {
                *slot = row.clone();
                self.shown_changed = true;
            }
            self.refresh_product(&row)?;
        }
        self.changes = now;
        self.clamp_cursor();
        Ok(())
    }

    /// Which changes this screen must take in: a member's screen and the room display never
    /// show another member's ticks (`ChangeScope`).
    fn change_scope(&self) -> ChangeScope {
        match self.role {
            Role::Secretary => ChangeScope::All,
            Role::Member(_) | Role::Display => ChangeScope::AllButMemberTicks,
        }
    }

    /// Recomputes everything shown (results, progress, recusals) from the loaded session:
    /// attendance, recusals and progress of every product in one query each (start-up reads
    /// a whole session; [`Self::refresh_product`] reads one product's).
    fn refresh_views(&mut self) -> StoreResult<()> {
        self.results.clear();
        self.progress.clear();
        self.recusals.clear();
        self.seats.clear();
        let mut seats = self.store.session_seat_facts(&self.data)?;
        let mut recusals = self.store.session_recusals(&self.data)?;
        let mut progress = self.store.session_progress(&self.data, self.own_seat())?;
        for p in self.data.products.clone() {
            let view = ProductView {
                seats: seats.remove(&p.id).unwrap_or_default(),
                result: self.settled_result(&p)?,
                recusals: recusals.remove(&p.id).unwrap_or_default(),
                progress: progress.remove(&p.id).unwrap_or_default(),
            };
            self.show(p.id, view);
        }
        self.clamp_cursor();
        self.shown_changed = true;
        Ok(())
    }

    /// What is shown of one product, read again: its attendance, its kept result once
    /// settled, recusals and sheet progress.
    fn refresh_product(&mut self, p: &ProductRow) -> StoreResult<()> {
        let view = ProductView {
            seats: self.store.seat_facts(&self.data, p.id, p.round)?,
            result: self.settled_result(p)?,
            recusals: self.store.recused_seats(&self.data, p.id)?,
            progress: match self.own_seat() {
                None => self.store.sheet_progress(&self.data, p)?,
                Some(seat) => self
                    .store
                    .member_sheet(&self.data, p, seat)?
                    .map(|s| progress_of(&s))
                    .into_iter()
                    .collect(),
            },
        };
        self.show(p.id, view);
        Ok(())
    }

    /// The seat whose sheets alone this workbench may read (a member's); None for the
    /// secretary and the projector, which show every seat's progress.
    fn own_seat(&self) -> Option<u32> {
        match self.role {
            Role::Member(seat) => Some(seat),
            Role::Secretary | Role::Display => None,
        }
    }

    /// The kept result of a settled product; None while it is still waiting or scored.
    fn settled_result(&self, p: &ProductRow) -> StoreResult<Option<ProductResult>> {
        match p.status.is_settled() {
            true => Ok(Some(self.store.shown_result(&self.data, p)?)),
            false => Ok(None),
        }
    }

    /// Takes in what was read of a product, noting whether anything shown changed.
    fn show(&mut self, id: i64, view: ProductView) {
        self.shown_changed |= replace(&mut self.seats, id, Some(view.seats));
        self.shown_changed |= replace(&mut self.results, id, view.result);
        self.shown_changed |= replace(&mut self.recusals, id, Some(view.recusals));
        self.shown_changed |= replace(&mut self.progress, id, Some(view.progress));
        self.reloaded = true;
    }

    fn clamp_cursor(&mut self) {
        let clamped = self
            .product_cursor
            .min(self.visible_products().len().saturating_sub(1));
        self.shown_changed |= clamped != self.product_cursor;
        self.product_cursor = clamped;
        self.reloaded = true;
    }

    /// Takes a freshly read sheet into the progress shown, without reloading everything.
    pub fn note_sheet(&mut self, product_id: i64, sheet: &StoredSheet) {
        let progress = progress_of(sheet);
        let list = self.progress.entry(product_id).or_default();
        if list.contains(&progress) {
            return;
        }
        list.retain(|p| p.seat != progress.seat);
        list.push(progress);
        list.sort_by_key(|p| p.seat);
        self.shown_changed = true;
    }

    /// Takes in another commit (`Action::Refresh`) and says whether anything this screen
    /// shows changed, so that a screen redraws only then: in a room, every keystroke of
    /// every member is a commit, and most change nothing on the other members' screens.
    pub fn refresh(&mut self) -> bool {
        let notice = self.notice.clone();
        self.shown_changed = false;
        self.update(Action::Refresh);
        self.shown_changed || notice != self.notice
    }

    /// [`Self::refresh`] for a commit whose change counters were read elsewhere (by the seat
    /// server's watcher): nothing is read when none of this screen's counters moved.
    pub fn refresh_after(&mut self, seen: Option<&Changes>) -> bool {
        let untouched = seen.is_some_and(|seen| {
            seen.changed_since(&self.changes, self.change_scope())
                .is_some_and(|changed| changed.is_empty())
        });
        !untouched && self.refresh()
    }

    /// Reloads what another process changed since the last load (`Action::Refresh`); costs
    /// one `PRAGMA data_version` when nothing was committed.
    fn poll_changes(&mut self) {
        match self.store.data_version() {
            Ok(v) if v != self.version => {
                if let Err(e) = self.reload_changed_at(v) {
                    self.notice = Some(Notice::Error(e.text(self.lang)));
                }
            }
            Ok(_) => {}
            Err(e) => self.notice = Some(Notice::Error(e.text(self.lang))),
        }
    }

    /// Products this workbench lists: all for the secretary; for a member and the projector
    /// only those open for scoring or settled.
    pub fn visible_products(&self) -> Vec<&ProductRow> {
        self.data
            .products
            .iter()
            .filter(|p| match self.role {
                Role::Secretary => true,
                Role::Member(_) | Role::Display => p.status != ProductStatus::Waiting,
            })
            .collect()
    }

    pub fn selected_product(&self) -> Option<&ProductRow> {
        self.visible_products().get(self.product_cursor).copied()
    }

    pub fn product(&self, id: i64) -> Option<&ProductRow> {
        self.data.products.iter().find(|p| p.id == id)
    }

    pub fn progress_of(&self, product_id: i64, seat: u32) -> Option<&SheetProgress> {
        self.progress
            .get(&product_id)?
            .iter()
            .find(|p| p.seat == seat)
    }

    /// (submitted, expected): the sheets of the present, non-recused members that are in.
    pub fn sheets_in(&self, product: &ProductRow) -> (usize, usize) {
        let expected = self.expected_seats(product);
        let done = expected
            .iter()
            .filter(|&&seat| {
                self.progress_of(product.id, seat)
                    .is_some_and(|g| g.submitted)
            })
            .count();
        (done, expected.len())
    }

    pub fn is_recused(&self, product_id: i64, seat: u32) -> bool {
        self.recusals
            .get(&product_id)
            .is_some_and(|r| r.contains(&seat))
    }

    /// Present, non-recused members: the sheets a product expects.
    /// Seats whose sheet the council expects for the product: scoring members present for
    /// it and not recused (`meeting::SeatFacts::expected_to_score`).
    pub fn expected_seats(&self, product: &ProductRow) -> Vec<u32> {
        self.seats
            .get(&product.id)
            .into_iter()
            .flatten()
            .filter(|s| s.expected_to_score())
            .map(|s| s.seat)
            .collect()
    }

    /// Present, non-recused members who have not submitted the product's current round.
    pub fn waiting_seats(&self, product: &ProductRow) -> Vec<u32> {
        self.expected_seats(product)
            .into_iter()
            .filter(|&seat| {
                !self
                    .progress_of(product.id, seat)
                    .is_some_and(|p| p.submitted)
            })
            .collect()
    }

    pub fn member(&self, seat: u32) -> Option<&MemberRow> {
        self.data.member(seat)
    }

    // ----- events --------------------------------------------------------------------------

    /// A terminal event: key presses go through the keymap; a paste goes into the text field
    /// that has focus and nowhere else; resizes need only a redraw.
    pub fn handle_event(&mut self, event: &Event) {
        match event {
            Event::Key(key) if key.kind == KeyEventKind::Press => {
                if let Some(action) = self.keymap.action(self.context(), key) {
                    self.update(action);
                }
            }
            Event::Paste(text) => self.paste(text),
            _ => {}
        }
    }

    /// Pasted text is typed into the open text field as one piece; with no field open it is
    /// dropped (a pasted "3" must never become a choice).
    pub fn paste(&mut self, text: &str) {
        match &mut self.overlay {
            Some(Overlay::Input { editor, .. }) => editor.insert_text(text),
            _ => self.notice = Some(Notice::Info(self.t().paste_needs_field.to_string())),
        }
    }

    /// The only entry for actions.
    pub fn update(&mut self, action: Action) {
        match action {
            Action::Refresh => self.poll_changes(),
            Action::Tick => self.tick(),
            Action::Quit => self.quit = true,
            _ if self.writer.is_waiting() => {
                // Nothing is queued behind a waiting write: the key would land on whatever
                // is on screen when the lock is released, not what it was pressed for.
                self.notice = Some(Notice::Info(self.t().waiting_key_ignored.to_string()));
            }
            // Help opens over screens, never over a question or a text field (they would be
            // lost).
            Action::Help if self.overlay.is_none() => {
                self.overlay = Some(Overlay::Help { scroll: 0 });
            }
            _ => match self.overlay.take() {
                Some(overlay) => {
                    if let Some(answer) = overlay.update(self, action) {
                        self.with_top(|screen, app| screen.answer(app, answer));
                    }
                }
                None => self.with_top(|screen, app| screen.update(app, action)),
            },
        }
        self.settle();
    }

    /// Runs `f` on the screen on top, taken off the stack meanwhile, then applies where it
    /// says to go.
    fn with_top(&mut self, f: impl FnOnce(&mut Screen, &mut Self) -> Nav) {
        let mut screen = self.screens.pop().expect("the root screen is never popped");
        self.acting = Some((screen.kind(), screen.context()));
        let nav = f(&mut screen, self);
        self.acting = None;
        self.screens.push(screen);
        self.navigate(nav);
    }

    /// Hands finished writes and reloads to the screen on top until nothing is left.
    fn settle(&mut self) {
        for _ in 0..8 {
            if let Some((then, ok)) = (!self.finished.is_empty()).then(|| self.finished.remove(0)) {
                // A screen that closes because of its write (a submitted sheet) hands the
                // outcome on to the screen it returns to (the dashboard moves to the next seat).
                let depth = self.screens.len();
                self.with_top(|screen, app| screen.after_write(app, then.clone(), ok));
                if self.screens.len() < depth {
                    self.with_top(|screen, app| screen.after_write(app, then, ok));
                }
            } else if self.reloaded {
                self.reloaded = false;
                self.with_top(|screen, app| screen.after_reload(app));
            } else {
                return;
            }
        }
    }

    pub fn navigate(&mut self, nav: Nav) {
        let was_on_sheet = self.on_sheet();
        self.shown_changed |= !matches!(nav, Nav::Stay);
        match nav {
            Nav::Stay => {}
            Nav::Push(screen) => {
                self.notice = None;
                self.screens.push(screen);
            }
            Nav::PushKeepNotice(screen) => self.screens.push(screen),
            Nav::Replace(screen) => {
                self.screens.pop();
                self.screens.push(screen);
            }
            Nav::Pop => self.pop(),
            Nav::Root => self.screens.truncate(1),
        }
        // A sheet held open for writing is released as soon as no screen shows it, so the
        // member (or the secretary) can write into it again.
        if was_on_sheet
            && !self.on_sheet()
            && let Err(e) = self.store.release_holds(&self.actor())
        {
            self.notice = Some(Notice::Error(self.error_text(&e)));
        }
    }

    fn on_sheet(&self) -> bool {
        self.screens
            .iter()
            .any(|s| matches!(s, Screen::Sheet(_) | Screen::Resolve(_)))
    }

    fn pop(&mut self) {
        if self.screens.len() > 1 {
            self.screens.pop();
        } else {
            let key = self.keymap.key_for(self.screen_context(), Action::Quit);
            self.notice = Some(Notice::Info(fill(
                self.t().quit_hint,
                &[("key", &key.map_or_else(String::new, |k| k.to_string()))],
            )));
        }
    }

    /// The key bound to `action` on the current screen, for hints in notices.
    pub fn key_label(&self, action: Action) -> String {
        self.keymap
            .key_for(self.screen_context(), action)
            .map_or_else(|| action.name(), |k| k.to_string())
    }

    pub fn actor(&self) -> Actor {
        match self.role {
            Role::Secretary | Role::Display => Actor::Secretary,
            Role::Member(seat) => Actor::Member(seat),
        }
    }

    // ----- writing -------------------------------------------------------------------------

    /// Runs a store write on the writer's connection. When it is done, the session is
    /// reloaded (unless `reload` is false), the notice says `saved` or the error, and the
    /// screen on top gets `then`. A write held up by another program's lock leaves the
    /// screen live, saying it waits; nothing else is written meanwhile.
    pub fn write(&mut self, saved: String, then: AfterWrite, reload: bool, job: Job) {
        let data = self.data.clone();
        // The writer's connection writes as the operator named at this terminal.
        let operator = self.store.operator().map(str::to_string);
        let job: Job = Box::new(move |store, data| {
            store.set_operator(operator);
            job(store, data)
        });
        self.writer.start(data, job);
        let pending = super::writer::Pending {
            saved,
            then,
            reload,
        };
        match self.writer.wait() {
            Some(outcome) => self.finish_write(pending, outcome),
            None => {
                self.writer.pending = Some(pending);
                self.notice = Some(Notice::Info(self.t().waiting_for_database.to_string()));
            }
        }
    }

    fn finish_write(&mut self, pending: super::writer::Pending, outcome: StoreResult<()>) {
        let ok = outcome.is_ok();
        self.drop_typed_ahead |= !ok;
        match outcome {
            Ok(()) => self.notice = Some(Notice::Saved(pending.saved)),
            Err(e) => self.notice = Some(Notice::Error(self.error_text(&e))),
        }
        if pending.reload || !ok {
            if let Err(e) = self.reload_changed() {
                self.notice = Some(Notice::Error(e.text(self.lang)));
            }
        } else {
            self.version = self.store.data_version().unwrap_or(self.version);
        }
        self.finished.push((pending.then, ok));
    }

    /// A store error as the screen says it, in the screen's language: a lock in the screen's
    /// own words, a meeting rule's refusal or a file problem as `StoreError::text` words it.
    pub fn error_text(&self, e: &crate::store::StoreError) -> String {
        match e {
            crate::store::StoreError::Locked(_) => self.t().database_locked.to_string(),
            other => other.text(self.lang),
        }
    }

    /// Takes in what background work reported (`Action::Tick`).
    fn tick(&mut self) {
        if let Some((pending, outcome)) = self.writer.poll() {
            self.finish_write(pending, outcome);
        }
        super::screen::dashboard::take_export_reports(self);
    }
}

/// What the screens show of one product besides its row, as read from the store.
struct ProductView {
    seats: Vec<crate::meeting::SeatFacts>,
    result: Option<ProductResult>,
    recusals: Vec<u32>,
    progress: Vec<SheetProgress>,
}

fn progress_of(sheet: &StoredSheet) -> SheetProgress {
    SheetProgress {
        seat: sheet.seat,
        entered_by: sheet.entered_by.clone(),
        answered: sheet.choices.len() as u32,
        reentered: sheet.reentry.len() as u32,
        submitted: sheet.submitted,
        verified: sheet.verified,
    }
}

pub fn status_word(lang: Lang, status: ProductStatus) -> &'static str {
    let s = lang.strings();
    match status {
        ProductStatus::Waiting => s.status_waiting,
        ProductStatus::Scoring => s.status_scoring,
        ProductStatus::Closed => s.status_closed,
        ProductStatus::KnockedOut => s.status_knocked_out,
    }
}

pub fn seats_text(seats: &[u32]) -> String {
    seats
        .iter()
        .map(u32::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

/// The choices of a sheet's entry 1 or 2.
pub fn entry_choices(stored: Option<&StoredSheet>, entry: u8) -> BTreeMap<String, u32> {
    match (stored, entry) {
        (Some(s), 2) => s.reentry.clone(),
        (Some(s), _) => s.choices.clone(),
        (None, _) => BTreeMap::new(),
    }
}

/// Puts `value` (or takes the entry out, for None) and says whether that changed anything.
fn replace<V: PartialEq>(map: &mut HashMap<i64, V>, key: i64, value: Option<V>) -> bool {
    match value {
        Some(value) if map.get(&key) == Some(&value) => false,
        Some(value) => {
            map.insert(key, value);
            true
        }
        None => map.remove(&key).is_some(),
    }
}
