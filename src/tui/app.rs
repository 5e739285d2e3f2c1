//! The workbench's state and `update`, its only mutator. Every store write happens here, and
//! the screen says "saved" only after the store returned Ok (it commits with synchronous=FULL).

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;
use std::sync::mpsc;

use crossterm::event::{Event, KeyEventKind};

use super::action::Action;
use super::editor::LineEditor;
use super::keymap::{Context, Keymap};
use crate::i18n::{Lang, TuiStrings, fill};
use crate::rubric::Criterion;
use crate::scoring::ProductResult;
use crate::store::{
    Actor, MemberRow, ProductRow, ProductStatus, SessionData, SheetProgress, Store, StoredSheet,
};

/// Whose workbench this is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// The secretary's dashboard: runs the session, enters paper sheets.
    Secretary,
    /// A member's seat: their own sheet only.
    Member(u32),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Screen {
    Dashboard,
    MemberHome,
    Sheet,
    Resolve,
    Board,
    Result(i64),
    Summary,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Focus {
    Products,
    Members,
}

/// The sheet being filled in: one member, one product, entry 1 (the sheet) or 2 (blind re-entry).
#[derive(Debug, Clone)]
pub struct SheetView {
    pub product_id: i64,
    pub seat: u32,
    pub entry: u8,
    /// Entered by the secretary on the member's behalf.
    pub proxy: bool,
    /// Index of the current criterion in sheet order.
    pub cursor: usize,
    /// As stored: this member's sheet only.
    pub stored: Option<StoredSheet>,
}

impl SheetView {
    /// The choices of the entry being made.
    pub fn choices(&self) -> BTreeMap<String, u32> {
        match (&self.stored, self.entry) {
            (Some(s), 2) => s.reentry.clone(),
            (Some(s), _) => s.choices.clone(),
            (None, _) => BTreeMap::new(),
        }
    }

    pub fn submitted(&self) -> bool {
        self.stored.as_ref().is_some_and(|s| s.submitted)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Confirm {
    Submit,
    Close(i64),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputKind {
    KnockOut(i64),
    NewRound(i64),
    CloseOverride(i64),
    Recuse(i64, u32),
    Comment,
    ExportFolder,
}

#[derive(Debug, Clone)]
pub enum Overlay {
    Help { scroll: u16 },
    Confirm(Confirm),
    Input { kind: InputKind, editor: LineEditor },
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
    screens: Vec<Screen>,
    pub focus: Focus,
    pub product_cursor: usize,
    pub member_cursor: usize,
    pub sheet: Option<SheetView>,
    pub resolve_cursor: usize,
    pub scroll: u16,
    pub overlay: Option<Overlay>,
    pub notice: Option<Notice>,
    /// Results of settled (closed or knocked-out) products only.
    pub results: HashMap<i64, ProductResult>,
    /// Sheet progress per product: every seat for the secretary, only the member's own seat
    /// in member mode.
    pub progress: HashMap<i64, Vec<SheetProgress>>,
    pub recusals: HashMap<i64, Vec<u32>>,
    pub quit: bool,
    /// An export running in the background, reporting its progress.
    pub export: Option<ExportJob>,
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

type StoreResult<T> = crate::store::Result<T>;

impl App {
    pub fn new(
        store: Store,
        session_id: i64,
        role: Role,
        lang: Lang,
        keymap: Keymap,
    ) -> StoreResult<Self> {
        // Read the version first: a commit landing during the load is then seen next poll.
        let version = store.data_version()?;
        let data = store.load_session(session_id)?;
        if let Role::Member(seat) = role
            && data.member(seat).is_none()
        {
            return Err(crate::store::StoreError::NotFound(format!(
                "member at seat {seat} in session {}",
                data.info.code
            )));
        }
        let root = match role {
            Role::Secretary => Screen::Dashboard,
            Role::Member(_) => Screen::MemberHome,
        };
        let mut app = Self {
            store,
            lang,
            keymap,
            role,
            data,
            version,
            screens: vec![root],
            focus: Focus::Products,
            product_cursor: 0,
            member_cursor: 0,
            sheet: None,
            resolve_cursor: 0,
            scroll: 0,
            overlay: None,
            notice: None,
            results: HashMap::new(),
            progress: HashMap::new(),
            recusals: HashMap::new(),
            quit: false,
            export: None,
        };
        app.refresh_views()?;
        Ok(app)
    }

    pub fn t(&self) -> &'static TuiStrings {
        self.lang.strings().tui
    }

    pub fn screen(&self) -> Screen {
        *self
            .screens
            .last()
            .expect("the root screen is never popped")
    }

    /// The keymap section that applies now.
    pub fn context(&self) -> Context {
        match &self.overlay {
            Some(Overlay::Help { .. }) => Context::Help,
            Some(Overlay::Confirm(_)) => Context::Dialog,
            Some(Overlay::Input { .. }) => Context::Input,
            None => self.screen_context(),
        }
    }

    /// The keymap section of the screen under any overlay.
    pub fn screen_context(&self) -> Context {
        match self.screen() {
            Screen::Dashboard => Context::Dashboard,
            Screen::MemberHome => Context::Member,
            Screen::Sheet => Context::Sheet,
            Screen::Resolve => Context::Resolve,
            Screen::Board => Context::Board,
            Screen::Result(_) => Context::Result,
            Screen::Summary => Context::Summary,
        }
    }

    // ----- reading -------------------------------------------------------------------------

    /// Reloads the session and everything shown from the store.
    pub fn reload(&mut self) -> StoreResult<()> {
        self.version = self.store.data_version()?;
        self.data = self.store.load_session(self.data.info.id)?;
        self.refresh_views()
    }

    /// Recomputes everything shown (results, progress, recusals) from the loaded session.
    fn refresh_views(&mut self) -> StoreResult<()> {
        self.results.clear();
        self.progress.clear();
        self.recusals.clear();
        for p in &self.data.products {
            if p.status.is_settled() {
                self.results
                    .insert(p.id, self.store.product_result(&self.data, p)?);
            }
            self.recusals
                .insert(p.id, self.store.recused_seats(&self.data, p.id)?);
            let progress = match self.role {
                Role::Secretary => self.store.sheet_progress(&self.data, p)?,
                Role::Member(seat) => self
                    .store
                    .member_sheet(&self.data, p, seat)?
                    .map(|s| progress_of(&s))
                    .into_iter()
                    .collect(),
            };
            self.progress.insert(p.id, progress);
        }
        self.product_cursor = self
            .product_cursor
            .min(self.visible_products().len().saturating_sub(1));
        self.member_cursor = self
            .member_cursor
            .min(self.data.members.len().saturating_sub(1));
        self.reload_sheet()?;
        self.leave_sheet_if_closed();
        if let Screen::Result(id) = self.screen()
            && !self.results.contains_key(&id)
        {
            // The product was reopened as a new round elsewhere: its old result is gone.
            self.screens.pop();
        }
        Ok(())
    }

    fn reload_sheet(&mut self) -> StoreResult<()> {
        let Some(view) = &self.sheet else {
            return Ok(());
        };
        let Some(product) = self.data.products.iter().find(|p| p.id == view.product_id) else {
            return Ok(());
        };
        let stored = self.store.member_sheet(&self.data, product, view.seat)?;
        let progress = stored.as_ref().map(progress_of);
        if let Some(progress) = progress {
            let list = self.progress.entry(product.id).or_default();
            list.retain(|p| p.seat != progress.seat);
            list.push(progress);
            list.sort_by_key(|p| p.seat);
        }
        if let Some(view) = &mut self.sheet {
            view.stored = stored;
        }
        Ok(())
    }

    /// A sheet whose product stopped being scored (closed, knocked out, reopened as a new
    /// round elsewhere) cannot take more choices: go back and say why.
    fn leave_sheet_if_closed(&mut self) {
        if !matches!(self.screen(), Screen::Sheet | Screen::Resolve) {
            return;
        }
        let Some(view) = &self.sheet else { return };
        let Some(p) = self.product(view.product_id) else {
            return;
        };
        if p.status != ProductStatus::Scoring {
            let message = fill(
                self.t().not_open_for_scoring,
                &[
                    ("code", &p.code),
                    ("status", status_word(self.lang, p.status)),
                ],
            );
            self.back_to_root_list();
            self.notice = Some(Notice::Info(message));
        }
    }

    /// Reloads when another process committed since the last load (`Action::Refresh`).
    fn poll_changes(&mut self) {
        match self.store.data_version() {
            Ok(v) if v != self.version => {
                if let Err(e) = self.reload() {
                    self.notice = Some(Notice::Error(e.to_string()));
                }
            }
            Ok(_) => {}
            Err(e) => self.notice = Some(Notice::Error(e.to_string())),
        }
    }

    /// Products this workbench lists: all for the secretary; for a member only those open for
    /// scoring or settled.
    pub fn visible_products(&self) -> Vec<&ProductRow> {
        self.data
            .products
            .iter()
            .filter(|p| match self.role {
                Role::Secretary => true,
                Role::Member(_) => p.status != ProductStatus::Waiting,
            })
            .collect()
    }

    pub fn selected_product(&self) -> Option<&ProductRow> {
        self.visible_products().get(self.product_cursor).copied()
    }

    pub fn selected_member(&self) -> Option<&MemberRow> {
        self.data.members.get(self.member_cursor)
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

    pub fn is_recused(&self, product_id: i64, seat: u32) -> bool {
        self.recusals
            .get(&product_id)
            .is_some_and(|r| r.contains(&seat))
    }

    /// Present, non-recused members who have not submitted the product's current round.
    pub fn waiting_seats(&self, product: &ProductRow) -> Vec<u32> {
        self.data
            .members
            .iter()
            .filter(|m| m.present == Some(true) && !self.is_recused(product.id, m.seat))
            .filter(|m| {
                !self
                    .progress_of(product.id, m.seat)
                    .is_some_and(|p| p.submitted)
            })
            .map(|m| m.seat)
            .collect()
    }

    /// The criteria of the open sheet's product, in sheet order.
    pub fn sheet_criteria(&self) -> Vec<&Criterion> {
        self.sheet
            .as_ref()
            .and_then(|v| self.product(v.product_id))
            .map(|p| p.rubric.criteria().map(|(_, c)| c).collect())
            .unwrap_or_default()
    }

    /// Criteria where the sheet and its blind re-entry differ.
    pub fn mismatches(&self) -> Vec<&Criterion> {
        let Some(stored) = self.sheet.as_ref().and_then(|v| v.stored.as_ref()) else {
            return Vec::new();
        };
        self.sheet_criteria()
            .into_iter()
            .filter(|c| stored.choices.get(&c.id) != stored.reentry.get(&c.id))
            .collect()
    }

    // ----- events --------------------------------------------------------------------------

    /// A terminal event: key presses go through the keymap; resizes need only a redraw.
    pub fn handle_event(&mut self, event: &Event) {
        if let Event::Key(key) = event
            && key.kind == KeyEventKind::Press
            && let Some(action) = self.keymap.action(self.context(), key)
        {
            self.update(action);
        }
    }

    /// The only mutator.
    pub fn update(&mut self, action: Action) {
        match action {
            Action::Refresh => return self.poll_changes(),
            Action::Tick => return self.tick(),
            _ => {}
        }
        if action == Action::Quit {
            self.quit = true;
            return;
        }
        // Help opens over screens, never over a question or a text field (they would be lost).
        if action == Action::Help && self.overlay.is_none() {
            self.overlay = Some(Overlay::Help { scroll: 0 });
            return;
        }
        match self.overlay.take() {
            Some(Overlay::Help { scroll }) => self.update_help(action, scroll),
            Some(Overlay::Confirm(c)) => self.update_confirm(action, c),
            Some(Overlay::Input { kind, editor }) => self.update_input(action, kind, editor),
            None => match self.screen() {
                Screen::Dashboard => self.update_dashboard(action),
                Screen::MemberHome => self.update_member_home(action),
                Screen::Sheet => self.update_sheet(action),
                Screen::Resolve => self.update_resolve(action),
                Screen::Board | Screen::Summary => self.update_list_screen(action),
                Screen::Result(id) => self.update_result(action, id),
            },
        }
    }

    fn update_help(&mut self, action: Action, scroll: u16) {
        let scroll = match action {
            Action::Back | Action::Cancel => return,
            Action::Up => scroll.saturating_sub(1),
            Action::Down => scroll.saturating_add(1),
            _ => scroll,
        };
        self.overlay = Some(Overlay::Help { scroll });
    }

    fn back(&mut self) {
        if self.screens.len() > 1 {
            if self.screen() == Screen::Sheet && self.sheet.as_ref().is_some_and(|v| !v.submitted())
            {
                self.notice = Some(Notice::Info(self.t().draft_kept.to_string()));
            }
            self.screens.pop();
            if !matches!(self.screen(), Screen::Sheet | Screen::Resolve) {
                self.sheet = None;
            }
            self.scroll = 0;
        } else {
            let key = self.keymap.key_for(self.screen_context(), Action::Quit);
            self.notice = Some(Notice::Info(fill(
                self.t().quit_hint,
                &[("key", &key.map_or_else(String::new, |k| k.to_string()))],
            )));
        }
    }

    fn push(&mut self, screen: Screen) {
        self.scroll = 0;
        self.notice = None;
        self.screens.push(screen);
    }

    fn move_cursor(cursor: &mut usize, len: usize, action: Action) {
        let last = len.saturating_sub(1);
        *cursor = match action {
            Action::Up => cursor.saturating_sub(1),
            Action::Down => (*cursor + 1).min(last),
            Action::PageUp => cursor.saturating_sub(10),
            Action::PageDown => (*cursor + 10).min(last),
            Action::Home => 0,
            Action::End => last,
            _ => *cursor,
        };
    }

    fn update_dashboard(&mut self, action: Action) {
        match action {
            a if a.is_cursor_move() => match self.focus {
                Focus::Products => {
                    let len = self.visible_products().len();
                    Self::move_cursor(&mut self.product_cursor, len, action);
                }
                Focus::Members => {
                    let len = self.data.members.len();
                    Self::move_cursor(&mut self.member_cursor, len, action);
                }
            },
            Action::SwitchFocus => {
                self.focus = match self.focus {
                    Focus::Products => Focus::Members,
                    Focus::Members => Focus::Products,
                }
            }
            Action::Select => match self.focus {
                Focus::Members => self.enter_selected_sheet(1),
                Focus::Products => {
                    let Some(p) = self.selected_product() else {
                        return;
                    };
                    match p.status {
                        s if s.is_settled() => {
                            let id = p.id;
                            self.push(Screen::Result(id));
                        }
                        ProductStatus::Scoring => {
                            self.focus = Focus::Members;
                            self.notice = Some(Notice::Info(self.t().pick_member_hint.to_string()));
                        }
                        _ => {
                            let key = self.key_label(Action::OpenProduct);
                            self.notice =
                                Some(Notice::Info(fill(self.t().open_hint, &[("key", &key)])));
                        }
                    }
                }
            },
            Action::ToggleAttendance => self.toggle_attendance(),
            Action::OpenProduct => self.open_product(),
            Action::CloseProduct => self.ask_close(),
            Action::CloseOverride => self.ask_reason(InputKind::CloseOverride, |p| {
                p.status == ProductStatus::Scoring
            }),
            Action::NewRound => {
                self.ask_reason(InputKind::NewRound, |p| p.status == ProductStatus::Closed)
            }
            Action::KnockOut => self.ask_reason(InputKind::KnockOut, |p| {
                p.status != ProductStatus::KnockedOut
            }),
            Action::Recuse => {
                let (Some(p), Some(m)) = (self.selected_product(), self.selected_member()) else {
                    return;
                };
                let kind = InputKind::Recuse(p.id, m.seat);
                self.overlay = Some(Overlay::Input {
                    kind,
                    editor: LineEditor::default(),
                });
            }
            Action::EnterSheet => self.enter_selected_sheet(1),
            Action::BlindReentry => self.enter_selected_sheet(2),
            Action::ShowResult => self.show_selected_result(),
            Action::ShowBoard => self.push(Screen::Board),
            Action::ShowSummary => self.push(Screen::Summary),
            Action::Export => self.ask_export_folder(),
            Action::Back => self.back(),
            _ => {}
        }
    }

    fn ask_export_folder(&mut self) {
        if self.export.is_some() {
            self.notice = Some(Notice::Info(self.t().export_running.to_string()));
            return;
        }
        let folder = std::env::current_dir()
            .unwrap_or_default()
            .join(format!("council-{}", self.data.info.code));
        self.overlay = Some(Overlay::Input {
            kind: InputKind::ExportFolder,
            editor: LineEditor::with_text(&folder.display().to_string()),
        });
    }

    /// Starts the export of every format on its own connection, so the screen stays live.
    fn start_export(&mut self, folder: PathBuf) {
        let (sender, receiver) = mpsc::channel();
        let db = self.store.path().to_path_buf();
        let session_id = self.data.info.id;
        let lang = self.lang;
        let out = folder.clone();
        std::thread::spawn(move || {
            let run = || -> color_eyre::Result<Vec<PathBuf>> {
                let store = Store::open(&db)?;
                let data = store.load_session(session_id)?;
                let progress = sender.clone();
                crate::export::export_session(
                    &store,
                    &data,
                    &crate::export::Format::ALL,
                    &out,
                    lang,
                    &mut |p| {
                        let _ = progress.send(ExportMessage::Progress(p));
                    },
                )
            };
            let _ = sender.send(ExportMessage::Done(run().map_err(|e| format!("{e:#}"))));
        });
        self.export = Some(ExportJob { folder, receiver });
        self.notice = Some(Notice::Info(self.t().export_started.to_string()));
    }

    /// Takes in what background work reported (`Action::Tick`).
    fn tick(&mut self) {
        let Some(job) = &self.export else {
            return;
        };
        let t = self.t();
        let mut finished = false;
        while let Ok(message) = job.receiver.try_recv() {
            match message {
                ExportMessage::Progress(p) => {
                    let width = 20;
                    let filled = (p.done * width).checked_div(p.total).unwrap_or(width);
                    let file = p
                        .file
                        .as_ref()
                        .and_then(|f| f.file_name())
                        .map(|n| n.to_string_lossy().into_owned())
                        .unwrap_or_default();
                    self.notice = Some(Notice::Info(fill(
                        t.export_progress,
                        &[
                            (
                                "bar",
                                &format!("{}{}", "█".repeat(filled), "░".repeat(width - filled)),
                            ),
                            ("done", &p.done.to_string()),
                            ("total", &p.total.to_string()),
                            ("file", &file),
                        ],
                    )));
                }
                ExportMessage::Done(Ok(files)) => {
                    self.notice = Some(Notice::Saved(fill(
                        t.export_done,
                        &[
                            ("count", &files.len().to_string()),
                            ("folder", &job.folder.display().to_string()),
                        ],
                    )));
                    finished = true;
                }
                ExportMessage::Done(Err(e)) => {
                    self.notice = Some(Notice::Error(fill(t.export_failed, &[("error", &e)])));
                    finished = true;
                }
            }
        }
        if finished {
            self.export = None;
        }
    }

    fn update_member_home(&mut self, action: Action) {
        match action {
            a if a.is_cursor_move() => {
                let len = self.visible_products().len();
                Self::move_cursor(&mut self.product_cursor, len, action);
            }
            Action::Select | Action::EnterSheet => {
                let Some(p) = self.selected_product() else {
                    return;
                };
                if p.status.is_settled() {
                    self.show_selected_result();
                } else {
                    self.enter_selected_sheet(1);
                }
            }
            Action::ShowResult => self.show_selected_result(),
            Action::ShowSummary => self.push(Screen::Summary),
            Action::Back => self.back(),
            _ => {}
        }
    }

    fn update_list_screen(&mut self, action: Action) {
        match action {
            a if a.is_cursor_move() => {
                let len = self.visible_products().len();
                Self::move_cursor(&mut self.product_cursor, len, action);
            }
            Action::ShowResult | Action::Select => self.show_selected_result(),
            Action::Back => self.back(),
            _ => {}
        }
    }

    fn update_result(&mut self, action: Action, product_id: i64) {
        match action {
            Action::Up => self.scroll = self.scroll.saturating_sub(1),
            Action::Down => self.scroll = self.scroll.saturating_add(1),
            Action::PageUp => self.scroll = self.scroll.saturating_sub(10),
            Action::PageDown => self.scroll = self.scroll.saturating_add(10),
            Action::Home => self.scroll = 0,
            Action::End => self.scroll = u16::MAX / 2,
            Action::NewRound
                if self.role == Role::Secretary
                    && self
                        .product(product_id)
                        .is_some_and(|p| p.status == ProductStatus::Closed) =>
            {
                self.overlay = Some(Overlay::Input {
                    kind: InputKind::NewRound(product_id),
                    editor: LineEditor::default(),
                });
            }
            Action::Back => self.back(),
            _ => {}
        }
    }

    fn key_label(&self, action: Action) -> String {
        self.keymap
            .key_for(self.screen_context(), action)
            .map_or_else(|| action.name(), |k| k.to_string())
    }

    fn show_selected_result(&mut self) {
        let Some(p) = self.selected_product() else {
            return;
        };
        if p.status.is_settled() {
            let id = p.id;
            self.push(Screen::Result(id));
        } else {
            self.notice = Some(Notice::Info(self.t().result_after_close.to_string()));
        }
    }

    // ----- the secretary's actions ---------------------------------------------------------

    /// Runs a store write; on success reloads and shows `saved`, on failure shows the error.
    fn write(
        &mut self,
        saved: String,
        f: impl FnOnce(&mut Store, &SessionData) -> StoreResult<()>,
    ) -> bool {
        let data = self.data.clone();
        let outcome = f(&mut self.store, &data);
        let reloaded = self.reload();
        match (outcome, reloaded) {
            (Ok(()), Ok(())) => {
                self.notice = Some(Notice::Saved(saved));
                true
            }
            (Err(e), _) | (_, Err(e)) => {
                self.notice = Some(Notice::Error(e.to_string()));
                false
            }
        }
    }

    fn toggle_attendance(&mut self) {
        let Some(m) = self.selected_member() else {
            return;
        };
        let present = m.present != Some(true);
        let seat = m.seat;
        let t = self.t();
        let word = if present { t.present } else { t.absent };
        let saved = fill(
            t.saved_attendance,
            &[("seat", &seat.to_string()), ("state", word)],
        );
        self.write(saved, |store, data| {
            store.set_attendance(data, seat, present)
        });
    }

    fn open_product(&mut self) {
        let Some(p) = self.selected_product() else {
            return;
        };
        let (id, code) = (p.id, p.code.clone());
        let status = p.status;
        let t = self.t();
        if status != ProductStatus::Waiting {
            self.notice = Some(Notice::Error(fill(
                t.cannot_open,
                &[("code", &code), ("status", status_word(self.lang, status))],
            )));
            return;
        }
        let q = self.data.quorum();
        if !q.reached {
            let chair = if self.data.info.policy.chair_required && !q.chair_present {
                t.chair_missing
            } else {
                ""
            };
            self.notice = Some(Notice::Error(fill(
                t.quorum_not_reached,
                &[
                    ("present", &q.present.to_string()),
                    ("total", &q.total.to_string()),
                    ("needed", &q.needed.to_string()),
                    ("chair", chair),
                ],
            )));
            return;
        }
        let saved = fill(t.saved_opened, &[("code", &code)]);
        self.write(saved, |store, data| {
            let p = data.products.iter().find(|p| p.id == id).expect("listed");
            store.open_product(data, p)
        });
    }

    fn ask_close(&mut self) {
        let Some(p) = self.selected_product() else {
            return;
        };
        let t = self.t();
        if p.status != ProductStatus::Scoring {
            self.notice = Some(Notice::Error(fill(
                t.cannot_close,
                &[
                    ("code", &p.code),
                    ("status", status_word(self.lang, p.status)),
                ],
            )));
            return;
        }
        let waiting = self.waiting_seats(p);
        if waiting.is_empty() {
            self.overlay = Some(Overlay::Confirm(Confirm::Close(p.id)));
        } else {
            let key = self.key_label(Action::CloseOverride);
            self.notice = Some(Notice::Error(fill(
                t.not_all_submitted,
                &[
                    ("code", &p.code),
                    ("seats", &seats_text(&waiting)),
                    ("key", &key),
                ],
            )));
        }
    }

    fn ask_reason(
        &mut self,
        kind: impl Fn(i64) -> InputKind,
        allowed: impl Fn(&ProductRow) -> bool,
    ) {
        let Some(p) = self.selected_product() else {
            return;
        };
        if allowed(p) {
            self.overlay = Some(Overlay::Input {
                kind: kind(p.id),
                editor: LineEditor::default(),
            });
        } else {
            let t = self.t();
            self.notice = Some(Notice::Error(fill(
                t.not_now,
                &[
                    ("code", &p.code),
                    ("status", status_word(self.lang, p.status)),
                ],
            )));
        }
    }

    fn update_confirm(&mut self, action: Action, confirm: Confirm) {
        match action {
            Action::Confirm => match confirm {
                Confirm::Close(id) => self.close(id, None),
                Confirm::Submit => self.submit(),
            },
            Action::Cancel | Action::Back => {}
            _ => self.overlay = Some(Overlay::Confirm(confirm)),
        }
    }

    fn close(&mut self, id: i64, reason: Option<String>) {
        let Some(p) = self.product(id) else { return };
        let code = p.code.clone();
        let saved = fill(self.t().saved_closed, &[("code", &code)]);
        let closed = self.write(saved, |store, data| {
            let p = data.products.iter().find(|p| p.id == id).expect("listed");
            store.close_product(data, p, reason.as_deref())
        });
        if closed {
            let saved = self.notice.take();
            self.push(Screen::Result(id));
            self.notice = saved;
        }
    }

    fn update_input(&mut self, action: Action, kind: InputKind, mut editor: LineEditor) {
        match action {
            Action::Insert(c) => editor.insert(c),
            Action::Backspace => editor.backspace(),
            Action::Delete => editor.delete(),
            Action::Left => editor.left(),
            Action::Right => editor.right(),
            Action::Home => editor.home(),
            Action::End => editor.end(),
            Action::Cancel | Action::Back => return,
            Action::Confirm => {
                let text = editor.text();
                if kind == InputKind::ExportFolder {
                    if !text.is_empty() {
                        self.start_export(PathBuf::from(text));
                        return;
                    }
                } else if text.is_empty() && kind != InputKind::Comment {
                    self.notice = Some(Notice::Error(self.t().reason_required.to_string()));
                } else {
                    self.apply_input(kind, text);
                    return;
                }
            }
            _ => {}
        }
        self.overlay = Some(Overlay::Input { kind, editor });
    }

    fn apply_input(&mut self, kind: InputKind, text: String) {
        let t = self.t();
        let code_of =
            |app: &Self, id: i64| app.product(id).map(|p| p.code.clone()).unwrap_or_default();
        match kind {
            InputKind::KnockOut(id) => {
                let saved = fill(t.saved_knocked_out, &[("code", &code_of(self, id))]);
                self.write(saved, |store, data| {
                    let p = data.products.iter().find(|p| p.id == id).expect("listed");
                    store.knock_out(data, p, 1, &text, None)
                });
            }
            InputKind::NewRound(id) => {
                let saved = fill(t.saved_new_round, &[("code", &code_of(self, id))]);
                if self.write(saved, |store, data| {
                    let p = data.products.iter().find(|p| p.id == id).expect("listed");
                    store.new_round(data, p, &text).map(|_| ())
                }) && matches!(self.screen(), Screen::Result(_))
                {
                    self.screens.pop();
                }
            }
            InputKind::CloseOverride(id) => self.close(id, Some(text)),
            InputKind::Recuse(id, seat) => {
                let saved = fill(
                    t.saved_recused,
                    &[("seat", &seat.to_string()), ("code", &code_of(self, id))],
                );
                self.write(saved, |store, data| {
                    let p = data.products.iter().find(|p| p.id == id).expect("listed");
                    store.recuse(data, p, seat, &text)
                });
            }
            InputKind::ExportFolder => self.start_export(PathBuf::from(text)),
            InputKind::Comment => {
                let Some(view) = &self.sheet else { return };
                let (id, seat) = (view.product_id, view.seat);
                let actor = self.actor();
                self.write(t.saved_comment.to_string(), |store, data| {
                    let p = data.products.iter().find(|p| p.id == id).expect("listed");
                    store.set_comment(data, p, seat, &text, &actor)
                });
            }
        }
    }

    // ----- sheets ----------------------------------------------------------------------------

    fn actor(&self) -> Actor {
        match self.role {
            Role::Secretary => Actor::Secretary,
            Role::Member(seat) => Actor::Member(seat),
        }
    }

    fn enter_selected_sheet(&mut self, entry: u8) {
        let Some(p) = self.selected_product() else {
            return;
        };
        let seat = match self.role {
            Role::Member(seat) => seat,
            Role::Secretary => match self.selected_member() {
                Some(m) => m.seat,
                None => return,
            },
        };
        let id = p.id;
        self.enter_sheet(id, seat, entry);
    }

    /// Opens a sheet, refusing (with the reason) what the store would refuse anyway.
    pub fn enter_sheet(&mut self, product_id: i64, seat: u32, entry: u8) {
        let t = self.t();
        let Some(p) = self.product(product_id) else {
            return;
        };
        let Some(m) = self.data.member(seat) else {
            return;
        };
        let error = if p.status != ProductStatus::Scoring {
            Some(fill(
                t.not_open_for_scoring,
                &[
                    ("code", &p.code),
                    ("status", status_word(self.lang, p.status)),
                ],
            ))
        } else if self.is_recused(p.id, seat) {
            Some(fill(
                t.member_recused,
                &[("seat", &seat.to_string()), ("code", &p.code)],
            ))
        } else if m.present != Some(true) {
            Some(fill(t.member_not_present, &[("seat", &seat.to_string())]))
        } else {
            None
        };
        if let Some(e) = error {
            self.notice = Some(Notice::Error(e));
            return;
        }
        let stored = match self.store.member_sheet(&self.data, p, seat) {
            Ok(s) => s,
            Err(e) => {
                self.notice = Some(Notice::Error(e.to_string()));
                return;
            }
        };
        let proxy = self.role == Role::Secretary;
        if entry == 2 {
            let total = p.rubric.criteria_count();
            let problem = if !self.data.info.policy.blind_reentry {
                Some(t.blind_off)
            } else {
                match &stored {
                    Some(s) if s.submitted => Some(t.blind_already_submitted),
                    Some(s) if !s.is_proxy() => Some(t.blind_member_sheet),
                    Some(s) if s.choices.len() == total => None,
                    _ => Some(t.blind_first_incomplete),
                }
            };
            if let Some(problem) = problem {
                self.notice = Some(Notice::Error(problem.to_string()));
                return;
            }
        }
        let mut view = SheetView {
            product_id,
            seat,
            entry,
            proxy,
            cursor: 0,
            stored,
        };
        let choices = view.choices();
        view.cursor = p
            .rubric
            .criteria()
            .position(|(_, c)| !choices.contains_key(&c.id))
            .unwrap_or(0);
        self.sheet = Some(view);
        self.notice = None;
        self.push(Screen::Sheet);
    }

    fn update_sheet(&mut self, action: Action) {
        let Some(view) = &mut self.sheet else { return };
        let count = self
            .data
            .products
            .iter()
            .find(|p| p.id == view.product_id)
            .map_or(0, |p| p.rubric.criteria_count());
        if let Some(option) = action.pick() {
            self.pick(option);
            return;
        }
        match action {
            a if a.is_cursor_move() => {
                Self::move_cursor(&mut view.cursor, count, action);
            }
            Action::NextUnanswered => {
                let choices = view.choices();
                let criteria = self.sheet_criteria();
                let start = self.sheet.as_ref().map_or(0, |v| v.cursor);
                let next = (1..=criteria.len())
                    .map(|i| (start + i) % criteria.len())
                    .find(|&i| !choices.contains_key(&criteria[i].id));
                match next {
                    Some(i) => {
                        if let Some(v) = &mut self.sheet {
                            v.cursor = i;
                        }
                    }
                    None => self.notice = Some(Notice::Info(self.t().all_answered.to_string())),
                }
            }
            Action::Comment => {
                if view.entry == 2 || view.submitted() {
                    return;
                }
                let current = view
                    .stored
                    .as_ref()
                    .map(|s| s.comment.clone())
                    .unwrap_or_default();
                self.overlay = Some(Overlay::Input {
                    kind: InputKind::Comment,
                    editor: LineEditor::with_text(&current),
                });
            }
            Action::Submit => {
                if view.submitted() {
                    self.notice = Some(Notice::Info(self.t().already_submitted.to_string()));
                } else {
                    self.overlay = Some(Overlay::Confirm(Confirm::Submit));
                }
            }
            Action::Back => self.back(),
            _ => {}
        }
    }

    fn pick(&mut self, option: u32) {
        let Some(view) = &self.sheet else { return };
        let t = self.t();
        if view.submitted() && view.entry == 1 {
            self.notice = Some(Notice::Error(t.already_submitted.to_string()));
            return;
        }
        let criteria = self.sheet_criteria();
        let Some(criterion) = criteria.get(view.cursor) else {
            return;
        };
        let Some(choice) = criterion.option_at(option as usize) else {
            self.notice = Some(Notice::Error(fill(
                t.no_such_option,
                &[
                    ("option", &option.to_string()),
                    ("count", &criterion.options.len().to_string()),
                ],
            )));
            return;
        };
        let (id, seat, entry) = (view.product_id, view.seat, view.entry);
        let criterion_id = criterion.id.clone();
        let count = criteria.len();
        let was_complete = view.choices().len() == count;
        let saved = fill(
            t.saved_choice,
            &[
                ("criterion", &criterion_id),
                ("option", &option.to_string()),
                ("points", &choice.points.to_string()),
            ],
        );
        let actor = self.actor();
        let data = self.data.clone();
        let Some(product) = data.products.iter().find(|p| p.id == id) else {
            return;
        };
        match self
            .store
            .set_choice(&data, product, seat, &criterion_id, option, entry, &actor)
        {
            Ok(_) => {
                self.notice = Some(Notice::Saved(saved));
                if let Err(e) = self.reload_sheet() {
                    self.notice = Some(Notice::Error(e.to_string()));
                    return;
                }
                self.version = self.store.data_version().unwrap_or(self.version);
                let Some(view) = &mut self.sheet else { return };
                let choices = view.choices();
                let was_last = view.cursor + 1 >= count;
                if choices.len() == count {
                    if !was_last {
                        view.cursor += 1;
                    }
                    if !was_complete {
                        self.overlay = Some(Overlay::Confirm(Confirm::Submit));
                    }
                } else if was_last {
                    // The end of the sheet with gaps left: go to the first of them.
                    view.cursor = product
                        .rubric
                        .criteria()
                        .position(|(_, c)| !choices.contains_key(&c.id))
                        .unwrap_or(view.cursor);
                } else {
                    view.cursor += 1;
                }
            }
            Err(e) => {
                self.notice = Some(Notice::Error(e.to_string()));
                let _ = self.reload();
            }
        }
    }

    /// The confirmed submit of the open sheet (or of its blind re-entry).
    fn submit(&mut self) {
        let Some(view) = self.sheet.clone() else {
            return;
        };
        let t = self.t();
        let criteria = self.sheet_criteria();
        let choices = view.choices();
        if let Some(first) = criteria.iter().position(|c| !choices.contains_key(&c.id)) {
            // The dialog listed what is missing; confirming goes there.
            if let Some(v) = &mut self.sheet {
                v.cursor = first;
            }
            return;
        }
        let blind = self.data.info.policy.blind_reentry && view.proxy;
        if view.entry == 1 && blind {
            self.notice = Some(Notice::Saved(t.first_entry_done.to_string()));
            self.back_to_root_list();
            return;
        }
        if view.entry == 2 && !view.stored.as_ref().is_some_and(|s| s.verified) {
            self.resolve_cursor = 0;
            if let Some(top) = self.screens.last_mut() {
                *top = Screen::Resolve;
            }
            self.notice = Some(Notice::Error(fill(
                t.reentry_mismatch,
                &[("count", &self.mismatches().len().to_string())],
            )));
            return;
        }
        self.submit_first_entry(view.product_id, view.seat);
    }

    fn submit_first_entry(&mut self, product_id: i64, seat: u32) {
        let t = self.t();
        let code = self
            .product(product_id)
            .map(|p| p.code.clone())
            .unwrap_or_default();
        let verified = self.sheet.as_ref().is_some_and(|v| v.entry == 2);
        let template = if verified {
            t.saved_verified
        } else {
            t.saved_submitted
        };
        let saved = fill(template, &[("code", &code), ("seat", &seat.to_string())]);
        let actor = self.actor();
        if self.write(saved, |store, data| {
            let p = data
                .products
                .iter()
                .find(|p| p.id == product_id)
                .expect("listed");
            store.submit_sheet(data, p, seat, &actor)
        }) {
            self.back_to_root_list();
        }
    }

    fn back_to_root_list(&mut self) {
        while matches!(self.screen(), Screen::Sheet | Screen::Resolve) && self.screens.len() > 1 {
            self.screens.pop();
        }
        self.sheet = None;
    }

    fn update_resolve(&mut self, action: Action) {
        let count = self.mismatches().len();
        match action {
            Action::Up | Action::Down => Self::move_cursor(&mut self.resolve_cursor, count, action),
            Action::TakeFirst | Action::TakeSecond => self.resolve(action == Action::TakeFirst),
            Action::Back => self.back(),
            _ => {}
        }
    }

    /// Settles one mismatch by writing the chosen value into both entries (entry 2 last, so
    /// the store re-checks the match).
    fn resolve(&mut self, take_first: bool) {
        let mismatches = self.mismatches();
        let Some(c) = mismatches.get(self.resolve_cursor) else {
            return;
        };
        let Some(view) = self.sheet.clone() else {
            return;
        };
        let Some(stored) = &view.stored else { return };
        let value = if take_first {
            stored.choices.get(&c.id)
        } else {
            stored.reentry.get(&c.id)
        };
        let Some(&value) = value else {
            self.notice = Some(Notice::Error(self.t().resolve_missing.to_string()));
            return;
        };
        let criterion = c.id.clone();
        let actor = self.actor();
        let saved = fill(
            self.t().saved_choice_plain,
            &[("criterion", &criterion), ("option", &value.to_string())],
        );
        let data = self.data.clone();
        let Some(product) = data.products.iter().find(|p| p.id == view.product_id) else {
            return;
        };
        let outcome = self
            .store
            .set_choice(&data, product, view.seat, &criterion, value, 1, &actor)
            .and_then(|_| {
                self.store
                    .set_choice(&data, product, view.seat, &criterion, value, 2, &actor)
            });
        match outcome.and_then(|_| self.reload_sheet()) {
            Ok(()) => {
                self.notice = Some(Notice::Saved(saved));
                let left = self.mismatches().len();
                self.resolve_cursor = self.resolve_cursor.min(left.saturating_sub(1));
                if left == 0
                    && self
                        .sheet
                        .as_ref()
                        .and_then(|v| v.stored.as_ref())
                        .is_some_and(|s| s.verified)
                {
                    self.submit_first_entry(view.product_id, view.seat);
                }
            }
            Err(e) => self.notice = Some(Notice::Error(e.to_string())),
        }
    }
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
