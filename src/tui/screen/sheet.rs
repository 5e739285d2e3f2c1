//! The scoring sheet (one member, one product, entry 1 or the blind re-entry), its submit
//! summary, and the side-by-side resolution of a blind re-entry that does not match.

use std::collections::BTreeMap;
use std::sync::Arc;

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style, Stylize};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Row, Table, TableState, Wrap};

use super::dashboard::product;
use super::{AfterWrite, Nav, Screen, move_cursor};
use crate::i18n::fill;
use crate::rubric::Criterion;
use crate::store::{ProductRow, ProductStatus, StoredSheet};
use crate::tui::action::Action;
use crate::tui::app::{App, Notice, Role, entry_choices, status_word};
use crate::tui::overlay::{Answer, Confirm, InputKind, Overlay};
use crate::tui::widgets::{block, fit, truncate, wrap_words};

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
        entry_choices(self.stored.as_ref(), self.entry)
    }

    pub fn submitted(&self) -> bool {
        self.stored.as_ref().is_some_and(|s| s.submitted)
    }

    /// The criteria of the sheet's product, in sheet order.
    pub fn criteria<'a>(&self, app: &'a App) -> Vec<&'a Criterion> {
        app.product(self.product_id)
            .map(|p| p.rubric.criteria().map(|(_, c)| c).collect())
            .unwrap_or_default()
    }

    /// Criteria where the sheet and its blind re-entry differ.
    pub fn mismatches<'a>(&self, app: &'a App) -> Vec<&'a Criterion> {
        let Some(stored) = self.stored.as_ref() else {
            return Vec::new();
        };
        self.criteria(app)
            .into_iter()
            .filter(|c| stored.choices.get(&*c.id) != stored.reentry.get(&*c.id))
            .collect()
    }

    /// Reads this member's sheet again (after a write, or another process's commit).
    fn reload(&mut self, app: &mut App) -> crate::store::Result<()> {
        let Some(p) = app.product(self.product_id) else {
            return Ok(());
        };
        let stored = app.store.member_sheet(&app.data, p, self.seat)?;
        if stored != self.stored {
            self.stored = stored;
            app.shown_changed = true;
        }
        if let Some(s) = &self.stored {
            app.note_sheet(self.product_id, s);
        }
        Ok(())
    }

    /// A sheet whose product stopped being scored (closed, knocked out, reopened as a new
    /// round elsewhere) cannot take more choices: go back and say why.
    fn leave_if_closed(&mut self, app: &mut App) -> Nav {
        if let Err(e) = self.reload(app) {
            app.notice = Some(Notice::Error(app.error_text(&e)));
        }
        let Some(p) = app.product(self.product_id) else {
            return Nav::Root;
        };
        if p.status == ProductStatus::Scoring {
            return Nav::Stay;
        }
        let message = fill(
            app.t().not_open_for_scoring,
            &[
                ("code", &p.code),
                ("status", status_word(app.lang, p.status)),
            ],
        );
        app.notice = Some(Notice::Info(message));
        Nav::Root
    }
}

pub struct SheetScreen {
    pub view: SheetView,
    /// The choice being saved (criterion id, option), while its write waits.
    saving: Option<(String, u32)>,
    /// A choice that could not be saved, shown on its own criterion until picked again.
    unsaved: Option<(String, u32)>,
    /// The first option shown when the options do not fit, and the criterion it is for.
    options_from: (usize, usize),
    /// Someone else holds the sheet (why, as shown): nothing is written from this screen.
    read_only: Option<String>,
}

impl SheetScreen {
    /// Opens a sheet, refusing (with the reason) what the store would refuse anyway.
    pub fn open(app: &mut App, product_id: i64, seat: u32, entry: u8) -> Nav {
        let t = app.t();
        let (Some(p), Some(m)) = (app.product(product_id), app.member(seat)) else {
            return Nav::Stay;
        };
        // The screen asks the meeting rules before showing a sheet it could not write to.
        let refusal = if p.status != ProductStatus::Scoring {
            Some(crate::meeting::Refusal::NotOpenForScoring {
                product: p.code.clone(),
                status: p.status,
            })
        } else {
            app.seats
                .get(&p.id)
                .and_then(|seats| seats.iter().find(|s| s.seat == m.seat))
                .and_then(|facts| crate::meeting::check_member_may_score(&p.code, facts).err())
        };
        if let Some(r) = refusal {
            app.notice = Some(Notice::Error(crate::i18n::refusal(app.lang, &r)));
            return Nav::Stay;
        }
        let stored = match app.store.member_sheet(&app.data, p, seat) {
            Ok(s) => s,
            Err(e) => {
                app.notice = Some(Notice::Error(app.error_text(&e)));
                return Nav::Stay;
            }
        };
        let proxy = app.role == Role::Secretary;
        if entry == 2 {
            let total = p.rubric.criteria_count();
            let problem = if !app.data.info.policy.blind_reentry {
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
                app.notice = Some(Notice::Error(problem.to_string()));
                return Nav::Stay;
            }
        }
        // One writer per sheet: hold it, or show it read-only when someone else holds it.
        let product = p.clone();
        let criteria_order: Vec<String> =
            p.rubric.criteria().map(|(_, c)| c.id.to_string()).collect();
        let actor = app.actor();
        let data = app.data.clone();
        let read_only = match app.store.hold_sheet(&data, &product, seat, &actor) {
            Ok(()) => None,
            Err(e) if matches!(e.refusal(), Some(crate::meeting::Refusal::SheetHeld { .. })) => {
                let reason = app.error_text(&e);
                let text = fill(t.sheet_read_only, &[("reason", &reason)]);
                app.notice = Some(Notice::Error(text.clone()));
                Some(text)
            }
            Err(e) => {
                app.notice = Some(Notice::Error(app.error_text(&e)));
                return Nav::Stay;
            }
        };
        let mut view = SheetView {
            product_id,
            seat,
            entry,
            proxy,
            cursor: 0,
            stored,
        };
        let choices = view.choices();
        view.cursor = criteria_order
            .iter()
            .position(|id| !choices.contains_key(id))
            .unwrap_or(0);
        Nav::Push(Screen::Sheet(SheetScreen {
            view,
            saving: None,
            unsaved: None,
            options_from: (0, 0),
            read_only,
        }))
    }

    /// The first option shown for the criterion on screen (0 when it changed).
    fn option_scroll(&self, _app: &App) -> usize {
        let (cursor, from) = self.options_from;
        if cursor == self.view.cursor { from } else { 0 }
    }

    pub fn update(&mut self, app: &mut App, action: Action) -> Nav {
        if let Some(why) = &self.read_only
            && (action.pick().is_some() || matches!(action, Action::Submit | Action::Comment))
        {
            app.notice = Some(Notice::Error(why.clone()));
            return Nav::Stay;
        }
        if let Some(option) = action.pick() {
            self.pick(app, option);
            return Nav::Stay;
        }
        let options = self
            .view
            .criteria(app)
            .get(self.view.cursor)
            .map_or(0, |c| c.options.len());
        let from = self.option_scroll(app);
        let view = &mut self.view;
        let count = view.criteria(app).len();
        match action {
            // PgDn/PgUp scroll the options of a criterion too long for the panel.
            Action::PageDown => {
                self.options_from = (view.cursor, (from + 1).min(options.saturating_sub(1)));
            }
            Action::PageUp => self.options_from = (view.cursor, from.saturating_sub(1)),
            a if a.is_cursor_move() => move_cursor(&mut view.cursor, count, action),
            Action::NextUnanswered => {
                let choices = view.choices();
                let criteria = view.criteria(app);
                let start = view.cursor;
                let next = (1..=criteria.len())
                    .map(|i| (start + i) % criteria.len())
                    .find(|&i| !choices.contains_key(&*criteria[i].id));
                match next {
                    Some(i) => view.cursor = i,
                    None => app.notice = Some(Notice::Info(app.t().all_answered.to_string())),
                }
            }
            Action::Comment => {
                if view.entry == 2 || view.submitted() {
                    return Nav::Stay;
                }
                let stored = view.stored.as_ref().map_or("", |s| s.comment.as_str());
                let draft = app.comment_drafts.remove(&(view.product_id, view.seat));
                let current = draft.as_deref().unwrap_or(stored).to_string();
                app.overlay = Some(Overlay::input(InputKind::Comment, &current));
            }
            Action::Submit => {
                if view.submitted() {
                    app.notice = Some(Notice::Info(app.t().already_submitted.to_string()));
                } else {
                    app.overlay = Some(Overlay::Confirm(Confirm::Submit));
                }
            }
            Action::Back => {
                if !view.submitted() {
                    app.notice = Some(Notice::Info(app.t().draft_kept.to_string()));
                }
                return Nav::Pop;
            }
            _ => {}
        }
        Nav::Stay
    }

    fn pick(&mut self, app: &mut App, option: u32) {
        let view = &self.view;
        let t = app.t();
        if view.submitted() && view.entry == 1 {
            app.notice = Some(Notice::Error(t.already_submitted.to_string()));
            return;
        }
        let criteria = view.criteria(app);
        let Some(criterion) = criteria.get(view.cursor) else {
            return;
        };
        let Some(choice) = criterion.option_at(option as usize) else {
            app.notice = Some(Notice::Error(fill(
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
        let saved = fill(
            t.saved_choice,
            &[
                ("criterion", &criterion_id),
                ("option", &option.to_string()),
                ("points", &choice.points.to_string()),
            ],
        );
        let actor = app.actor();
        let then = AfterWrite::Picked {
            criterion: criterion_id.to_string(),
            option,
        };
        self.saving = Some((criterion_id.to_string(), option));
        app.write(
            saved,
            then,
            false,
            Box::new(move |store, data| {
                store
                    .set_choice(
                        data,
                        product(data, id),
                        seat,
                        &criterion_id,
                        option,
                        entry,
                        &actor,
                    )
                    .map(|_| ())
            }),
        );
    }

    pub fn after_write(&mut self, app: &mut App, then: AfterWrite, ok: bool) -> Nav {
        match then {
            AfterWrite::Picked { criterion, option } => {
                self.saving = None;
                let count = self.view.criteria(app).len();
                let was_complete = self.view.choices().len() == count;
                if let Err(e) = self.view.reload(app) {
                    app.notice = Some(Notice::Error(app.error_text(&e)));
                    return Nav::Stay;
                }
                if !ok {
                    // Shown as not saved on its own criterion; the cursor stays there.
                    if let Some(at) = self
                        .view
                        .criteria(app)
                        .iter()
                        .position(|c| *c.id == *criterion)
                    {
                        self.view.cursor = at;
                    }
                    let error = match &app.notice {
                        Some(Notice::Error(e)) => e.clone(),
                        _ => String::new(),
                    };
                    app.notice = Some(Notice::Error(fill(
                        app.t().choice_not_saved,
                        &[
                            ("criterion", &criterion),
                            ("option", &option.to_string()),
                            ("error", &error),
                        ],
                    )));
                    self.unsaved = Some((criterion, option));
                    return self.view.leave_if_closed(app);
                }
                if self
                    .unsaved
                    .as_ref()
                    .is_some_and(|(id, _)| *id == criterion)
                {
                    self.unsaved = None;
                }
                self.advance_after(app, &criterion, was_complete);
                Nav::Stay
            }
            AfterWrite::Submitted if ok => Nav::Root,
            AfterWrite::Commented => {
                let _ = self.view.reload(app);
                Nav::Stay
            }
            _ => Nav::Stay,
        }
    }

    /// After a choice for `criterion` was saved: the next criterion, the first gap when the
    /// end was reached with gaps left, the submit question when the sheet just became complete.
    fn advance_after(&mut self, app: &mut App, criterion: &str, was_complete: bool) {
        let view = &mut self.view;
        let criteria = view.criteria(app);
        let count = criteria.len();
        let Some(at) = criteria.iter().position(|c| *c.id == *criterion) else {
            return;
        };
        let choices = view.choices();
        let was_last = at + 1 >= count;
        if choices.len() == count {
            view.cursor = if was_last { at } else { at + 1 };
            if !was_complete {
                app.overlay = Some(Overlay::Confirm(Confirm::Submit));
            }
        } else if was_last {
            // The end of the sheet with gaps left: go to the first of them.
            view.cursor = criteria
                .iter()
                .position(|c| !choices.contains_key(&*c.id))
                .unwrap_or(at);
        } else {
            view.cursor = at + 1;
        }
    }

    pub fn answer(&mut self, app: &mut App, answer: Answer) -> Nav {
        match answer {
            Answer::Yes(Confirm::Submit) => self.submit(app),
            Answer::Text(InputKind::Comment, text) => {
                let view = &self.view;
                let (id, seat) = (view.product_id, view.seat);
                let actor = app.actor();
                let saved = app.t().saved_comment.to_string();
                app.write(
                    saved,
                    AfterWrite::Commented,
                    false,
                    Box::new(move |store, data| {
                        store.set_comment(data, product(data, id), seat, &text, &actor)
                    }),
                );
                Nav::Stay
            }
            _ => Nav::Stay,
        }
    }

    /// The confirmed submit of the open sheet (or of its blind re-entry).
    fn submit(&mut self, app: &mut App) -> Nav {
        let t = app.t();
        let view = &mut self.view;
        let criteria = view.criteria(app);
        let choices = view.choices();
        if let Some(first) = criteria.iter().position(|c| !choices.contains_key(&*c.id)) {
            // The dialog listed what is missing; confirming goes there.
            view.cursor = first;
            return Nav::Stay;
        }
        let blind = app.data.info.policy.blind_reentry && view.proxy;
        if view.entry == 1 && blind {
            app.notice = Some(Notice::Saved(t.first_entry_done.to_string()));
            return Nav::Root;
        }
        if view.entry == 2 && !view.stored.as_ref().is_some_and(|s| s.verified) {
            app.notice = Some(Notice::Error(fill(
                t.reentry_mismatch,
                &[("count", &view.mismatches(app).len().to_string())],
            )));
            return Nav::Replace(Screen::Resolve(ResolveScreen {
                view: view.clone(),
                cursor: 0,
            }));
        }
        submit_sheet(app, view);
        Nav::Stay
    }

    pub fn after_reload(&mut self, app: &mut App) -> Nav {
        let nav = self.view.leave_if_closed(app);
        if matches!(nav, Nav::Root) {
            self.keep_comment_draft(app);
        }
        nav
    }

    /// A comment being typed when the sheet closes under it is not lost: it is kept as a
    /// draft (offered again if the product reopens) and shown in the notice.
    fn keep_comment_draft(&mut self, app: &mut App) {
        let Some(Overlay::Input {
            kind: InputKind::Comment,
            editor,
        }) = &app.overlay
        else {
            return;
        };
        let text = editor.text();
        app.overlay = None;
        if text.is_empty() {
            return;
        }
        app.notice = Some(Notice::Info(fill(
            app.t().comment_kept_draft,
            &[("text", &text)],
        )));
        app.comment_drafts
            .insert((self.view.product_id, self.view.seat), text);
    }

    /// A submitted sheet offers only moving and going back; a blind re-entry takes no comment.
    pub fn footer_keys(&self) -> Vec<Action> {
        // Read only (someone else holds the sheet) or submitted: nothing to type here.
        if self.read_only.is_some() || (self.view.submitted() && self.view.entry == 1) {
            return vec![Action::Down, Action::Back];
        }
        let mut keys = vec![Action::Pick1, Action::Submit];
        if self.view.entry == 1 {
            keys.push(Action::Comment);
        }
        keys.extend([Action::NextUnanswered, Action::Back]);
        keys
    }

    pub fn draw(&self, app: &App, frame: &mut Frame, area: Rect) {
        draw(app, frame, area, self);
    }
}

/// Submits a sheet whose entries are complete (and, for a blind re-entry, match).
fn submit_sheet(app: &mut App, view: &SheetView) {
    let t = app.t();
    let (product_id, seat) = (view.product_id, view.seat);
    let code = app
        .product(product_id)
        .map(|p| p.code.clone())
        .unwrap_or_default();
    let template = if view.entry == 2 {
        t.saved_verified
    } else {
        t.saved_submitted
    };
    let saved = fill(template, &[("code", &code), ("seat", &seat.to_string())]);
    let actor = app.actor();
    app.write(
        saved,
        AfterWrite::Submitted,
        true,
        Box::new(move |store, data| {
            store.submit_sheet(data, product(data, product_id), seat, &actor)
        }),
    );
}

/// Mismatches between a paper sheet and its blind re-entry, side by side.
pub struct ResolveScreen {
    pub view: SheetView,
    pub cursor: usize,
}

impl ResolveScreen {
    pub fn update(&mut self, app: &mut App, action: Action) -> Nav {
        let count = self.view.mismatches(app).len();
        match action {
            Action::Up | Action::Down => move_cursor(&mut self.cursor, count, action),
            Action::TakeFirst | Action::TakeSecond => {
                self.resolve(app, action == Action::TakeFirst)
            }
            Action::Back => return Nav::Pop,
            _ => {}
        }
        Nav::Stay
    }

    /// Settles one mismatch by writing the chosen value into both entries (entry 2 last, so
    /// the store re-checks the match).
    fn resolve(&mut self, app: &mut App, take_first: bool) {
        let mismatches = self.view.mismatches(app);
        let Some(c) = mismatches.get(self.cursor) else {
            return;
        };
        let Some(stored) = &self.view.stored else {
            return;
        };
        let value = if take_first {
            stored.choices.get(&*c.id)
        } else {
            stored.reentry.get(&*c.id)
        };
        let Some(&value) = value else {
            app.notice = Some(Notice::Error(app.t().resolve_missing.to_string()));
            return;
        };
        let criterion = c.id.clone();
        let actor = app.actor();
        let saved = fill(
            app.t().saved_choice_plain,
            &[("criterion", &criterion), ("option", &value.to_string())],
        );
        let (id, seat) = (self.view.product_id, self.view.seat);
        let keep = if take_first { 1 } else { 2 };
        app.write(
            saved,
            AfterWrite::Resolved,
            false,
            // The store writes the kept value into both entries and logs which entry it was.
            Box::new(move |store, data| {
                store.resolve_reentry(data, product(data, id), seat, &criterion, keep, &actor)
            }),
        );
    }

    pub fn after_write(&mut self, app: &mut App, then: AfterWrite, ok: bool) -> Nav {
        match then {
            AfterWrite::Resolved => {
                if let Err(e) = self.view.reload(app) {
                    app.notice = Some(Notice::Error(app.error_text(&e)));
                    return Nav::Stay;
                }
                let left = self.view.mismatches(app).len();
                self.cursor = self.cursor.min(left.saturating_sub(1));
                if ok && left == 0 && self.view.stored.as_ref().is_some_and(|s| s.verified) {
                    submit_sheet(app, &self.view);
                }
                Nav::Stay
            }
            AfterWrite::Submitted if ok => Nav::Root,
            _ => Nav::Stay,
        }
    }

    pub fn after_reload(&mut self, app: &mut App) -> Nav {
        self.view.leave_if_closed(app)
    }

    pub fn draw(&self, app: &App, frame: &mut Frame, area: Rect) {
        draw_resolve(app, frame, area, &self.view, self.cursor);
    }
}

pub fn resolve_footer_keys() -> Vec<Action> {
    vec![
        Action::TakeFirst,
        Action::TakeSecond,
        Action::Up,
        Action::Down,
        Action::Back,
    ]
}

fn markers(stars: Option<u8>) -> String {
    stars.map_or(String::new(), |n| "*".repeat(n as usize))
}

fn points_of(criterion: &Criterion, choices: &BTreeMap<String, u32>) -> Option<u32> {
    choices
        .get(&*criterion.id)
        .and_then(|&o| criterion.option_at(o as usize))
        .map(|o| o.points)
}

/// Who fills the sheet in, and which entry: the banner under the product, so the seat being
/// entered is never in doubt.
fn whose_line(app: &App, view: &SheetView) -> String {
    let t = app.t();
    let name = app.member(view.seat).map_or("", |m| m.name.as_str());
    let mut line = fill(
        t.seat_banner,
        &[("seat", &view.seat.to_string()), ("name", name)],
    );
    if view.proxy {
        line.push_str(&format!(" · {}", t.entered_for_member));
    }
    if view.entry == 2 {
        line.push_str(&format!(" · {}", t.blind_entry_label));
    }
    if view.submitted() {
        line.push_str(&format!(" · {}", t.submitted_label));
    }
    line
}

fn product_line(p: &ProductRow, round_word: &str) -> String {
    let set = p
        .rubric
        .set_number
        .map_or_else(|| p.rubric_id.clone(), |n| format!("{n:02}"));
    let round = if p.round > 1 {
        format!(" · {round_word} {}", p.round)
    } else {
        String::new()
    };
    format!(
        "{} · {} · {} · {set} {}{round}",
        p.code, p.name, p.producer, p.rubric.name
    )
}

/// "A 20/35 · B 14/25 · C 31/40": the part subtotals, as on the paper sheet.
fn part_subtotals(product: &ProductRow, choices: &BTreeMap<String, u32>) -> String {
    product
        .rubric
        .parts
        .iter()
        .map(|part| {
            let points: u32 = part
                .sections
                .iter()
                .flat_map(|s| &s.criteria)
                .filter_map(|c| points_of(c, choices))
                .sum();
            format!("{} {points}/{}", part.id, part.max_points)
        })
        .collect::<Vec<_>>()
        .join(" · ")
}

fn draw(app: &App, frame: &mut Frame, area: Rect, screen: &SheetScreen) {
    let view = &screen.view;
    let Some(product) = app.product(view.product_id) else {
        return;
    };
    let t = app.t();
    let choices = view.choices();
    let criteria = view.criteria(app);
    let total: u32 = criteria.iter().filter_map(|c| points_of(c, &choices)).sum();
    let [head, body] = Layout::vertical([Constraint::Length(2), Constraint::Min(3)]).areas(area);
    let progress = fill(
        t.sheet_progress,
        &[
            ("done", &choices.len().to_string()),
            ("count", &criteria.len().to_string()),
            ("total", &total.to_string()),
            ("max", &product.rubric.max_points.to_string()),
        ],
    );
    let width = head.width as usize;
    let first = truncate(&product_line(product, app.lang.strings().round), width);
    let whose = whose_line(app, view);
    let room = width.saturating_sub(unicode_width::UnicodeWidthStr::width(progress.as_str()) + 1);
    let banner = Style::new()
        .fg(Color::Black)
        .bg(if view.proxy {
            Color::Magenta
        } else {
            Color::Cyan
        })
        .add_modifier(Modifier::BOLD);
    frame.render_widget(
        Paragraph::new(vec![
            Line::from(first).bold(),
            Line::from(vec![
                Span::styled(fit(&format!(" {whose}"), room), banner),
                Span::raw(" "),
                Span::styled(progress, Style::new().bold()),
            ]),
        ]),
        head,
    );
    let list_width = if body.width >= 120 {
        body.width * 2 / 5
    } else {
        (body.width / 2).max(30).min(body.width)
    };
    let [list, detail] =
        Layout::horizontal([Constraint::Length(list_width), Constraint::Min(10)]).areas(body);
    draw_criteria(app, frame, list, product, &choices, screen);
    draw_detail(app, frame, detail, &choices, screen);
}

/// The criteria grouped by part and section, with running subtotals; a choice being saved
/// shows "…", one that could not be saved "✖" on its own criterion.
fn draw_criteria(
    app: &App,
    frame: &mut Frame,
    area: Rect,
    product: &ProductRow,
    choices: &BTreeMap<String, u32>,
    screen: &SheetScreen,
) {
    let t = app.t();
    let cursor = screen.view.cursor;
    let mut rows = Vec::new();
    let mut selected = 0;
    let mut index = 0;
    let inner = area.width.saturating_sub(2) as usize;
    for part in &product.rubric.parts {
        let part_points: u32 = part
            .sections
            .iter()
            .flat_map(|s| &s.criteria)
            .filter_map(|c| points_of(c, choices))
            .sum();
        rows.push(
            Row::new(vec![
                format!("{} {}", part.id, part.title),
                format!("{part_points}/{}", part.max_points),
            ])
            .style(Style::new().fg(Color::Cyan).bold()),
        );
        for section in &part.sections {
            let section_points: u32 = section
                .criteria
                .iter()
                .filter_map(|c| points_of(c, choices))
                .sum();
            rows.push(
                Row::new(vec![
                    format!(" {} {}", section.id, section.title),
                    format!("{section_points}/{}", section.max_points),
                ])
                .style(Style::new().bold()),
            );
            for c in &section.criteria {
                let (mark, points) = match (choices.get(&*c.id), points_of(c, choices)) {
                    (Some(o), Some(p)) => (format!("[{o}]"), format!("{p}/{}", c.max_points)),
                    _ => ("[ ]".to_string(), format!("·/{}", c.max_points)),
                };
                let mut style = if choices.contains_key(&*c.id) {
                    Style::new()
                } else {
                    Style::new().fg(Color::Yellow)
                };
                let mark = match (&screen.saving, &screen.unsaved) {
                    (Some((id, o)), _) if **id == *c.id => format!("[…{o}]"),
                    (_, Some((id, o))) if **id == *c.id => {
                        style = Style::new().fg(Color::Red).add_modifier(Modifier::BOLD);
                        format!("[✖{o}] {}", t.not_saved_label)
                    }
                    _ => mark,
                };
                if index == cursor {
                    selected = rows.len();
                }
                rows.push(
                    Row::new(vec![format!("  {mark} {} {}", c.id, c.title), points]).style(style),
                );
                index += 1;
            }
        }
    }
    let table = Table::new(
        rows,
        [
            Constraint::Length(inner.saturating_sub(7) as u16),
            Constraint::Length(6),
        ],
    )
    .block(block(t.criteria_title, false))
    .row_highlight_style(Style::new().add_modifier(Modifier::REVERSED))
    .column_spacing(1);
    let mut state = TableState::default().with_selected(Some(selected));
    frame.render_stateful_widget(table, area, &mut state);
}

/// One option as drawn: the number, points and star marker first (always visible), then
/// its text wrapped under itself.
fn option_lines(
    app: &App,
    c: &Criterion,
    index: usize,
    picked: bool,
    width: usize,
) -> Vec<Line<'static>> {
    let t = app.t();
    let o = &c.options[index];
    let style = if picked {
        Style::new().fg(Color::Black).bg(Color::Green)
    } else {
        Style::new()
    };
    let points = fill(t.points_short, &[("points", &o.points.to_string())]);
    let stars = markers(o.min_stars);
    let lead = format!("{} {} ", if picked { "●" } else { " " }, index + 1);
    let mut head = vec![
        Span::styled(lead.clone(), style.bold()),
        Span::styled(points.clone(), style.bold()),
    ];
    if !stars.is_empty() {
        head.push(Span::styled(
            format!(" {stars}"),
            Style::new().fg(Color::Yellow).bold(),
        ));
    }
    head.push(Span::styled(" · ", style));
    let used = lead.chars().count()
        + points.chars().count()
        + if stars.is_empty() { 0 } else { stars.len() + 1 }
        + 3;
    let indent = lead.chars().count();
    let first_width = width.saturating_sub(used).max(8);
    let rest_width = width.saturating_sub(indent).max(8);
    let mut rows = wrap_words(&o.text, first_width);
    // Rows after the first use the full width under the text.
    if rows.len() > 1 {
        let rest = rows[1..].join(" ");
        rows.truncate(1);
        rows.extend(wrap_words(&rest, rest_width));
    }
    let mut lines = Vec::new();
    for (j, row) in rows.into_iter().enumerate() {
        if j == 0 {
            let mut spans = head.clone();
            spans.push(Span::styled(row, style));
            lines.push(Line::from(spans));
        } else {
            lines.push(Line::from(vec![
                Span::styled(" ".repeat(indent), style),
                Span::styled(row, style),
            ]));
        }
    }
    lines
}

/// The current criterion and its options. When the options do not fit, the panel shows
/// whole options from `option_scroll` with "▲/▼ còn N mức" (PgUp/PgDn scroll it); the
/// description and notes come after the options and go first when room is short.
fn draw_detail(
    app: &App,
    frame: &mut Frame,
    area: Rect,
    choices: &BTreeMap<String, u32>,
    screen: &SheetScreen,
) {
    let t = app.t();
    let view = &screen.view;
    let criteria = view.criteria(app);
    let Some(c) = criteria.get(view.cursor) else {
        return;
    };
    let width = (area.width as usize).saturating_sub(2).max(10);
    let height = (area.height as usize).saturating_sub(2);
    let mut lines = vec![
        Line::from(format!("{} {}", c.id, c.title)).bold(),
        Line::from(fill(
            t.max_points,
            &[
                ("max", &c.max_points.to_string()),
                ("n", &(view.cursor + 1).to_string()),
                ("count", &criteria.len().to_string()),
            ],
        ))
        .dim(),
    ];
    if let Some(cond) = &c.condition {
        lines.push(Line::from(cond.clone()).italic());
    }
    let chosen = choices.get(&*c.id).copied();
    let options: Vec<Vec<Line<'static>>> = (0..c.options.len())
        .map(|i| option_lines(app, c, i, chosen == Some(i as u32 + 1), width))
        .collect();
    let rows_of =
        |lines: &[Line]| -> usize { lines.iter().map(|l| l.width().div_ceil(width).max(1)).sum() };
    let head_rows = rows_of(&lines);
    let all_rows: usize = options.iter().map(Vec::len).sum();
    let scroll = screen.option_scroll(app);
    if head_rows + all_rows <= height && scroll == 0 {
        lines.extend(options.into_iter().flatten());
    } else {
        if scroll > 0 {
            lines.push(
                Line::from(fill(t.more_above, &[("count", &scroll.to_string())])).fg(Color::Cyan),
            );
        }
        // Whole options while they fit, keeping a row for "▼ còn N mức"; an option cut at
        // the bottom still shows its first row (number, points, marker) and counts as below.
        let mut room = height.saturating_sub(rows_of(&lines) + 1);
        let mut shown = 0;
        for option in options.iter().skip(scroll) {
            if option.len() > room {
                if room > 0 {
                    lines.extend(option.iter().take(room).cloned());
                } else if shown == 0 {
                    lines.extend(option.iter().cloned());
                    shown += 1;
                }
                break;
            }
            room -= option.len();
            lines.extend(option.iter().cloned());
            shown += 1;
        }
        let below = c.options.len() - scroll - shown;
        if below > 0 {
            let key = app
                .keymap
                .key_for(crate::tui::keymap::Context::Sheet, Action::PageDown)
                .map_or_else(String::new, |k| format!(" ({k})"));
            lines.push(
                Line::from(format!(
                    "{}{key}",
                    fill(t.more_below, &[("count", &below.to_string())])
                ))
                .fg(Color::Cyan)
                .bold(),
            );
        }
    }
    if let Some(d) = &c.description {
        lines.push(Line::from(""));
        lines.push(Line::from(d.clone()).italic());
    }
    if let Some(k) = &c.knockout {
        lines.push(Line::from(""));
        lines.push(Line::from(format!("⚠ {k}")).fg(Color::Red));
    }
    for note in c.notes.iter().filter(|n| {
        Some(*n) != c.knockout.as_ref() && !n.contains(c.knockout.as_deref().unwrap_or("\u{0}"))
    }) {
        lines.push(Line::from(note.clone()).dim());
    }
    if view.entry == 1 {
        let comment = view.stored.as_ref().map_or("", |s| s.comment.as_str());
        lines.push(Line::from(""));
        lines.push(Line::from(vec![
            Span::raw(format!("{}: ", t.comment_label)).bold(),
            Span::raw(comment.to_string()),
        ]));
    }
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .block(block(t.options_title, true)),
        area,
    );
}

/// The submit dialog: product and member again, the part subtotals and total (to check
/// against the paper), anything unanswered.
pub fn submit_summary(app: &App, view: &SheetView) -> (String, Vec<Line<'static>>) {
    let t = app.t();
    let Some(product) = app.product(view.product_id) else {
        return (String::new(), vec![]);
    };
    let choices = view.choices();
    let criteria = view.criteria(app);
    let total: u32 = criteria.iter().filter_map(|c| points_of(c, &choices)).sum();
    let missing: Vec<Arc<str>> = criteria
        .iter()
        .filter(|c| !choices.contains_key(&*c.id))
        .map(|c| c.id.clone())
        .collect();
    let mut lines = vec![
        Line::from(format!("{} · {}", product.code, product.name)).bold(),
        Line::from(whose_line(app, view)).bold(),
        Line::from(""),
        Line::from(part_subtotals(product, &choices)),
        Line::from(fill(
            t.submit_total,
            &[
                ("total", &total.to_string()),
                ("max", &product.rubric.max_points.to_string()),
            ],
        ))
        .bold(),
    ];
    if missing.is_empty() {
        let blind = app.data.info.policy.blind_reentry && view.proxy;
        let question = match (view.entry, blind) {
            (2, _) => t.submit_question_reentry,
            (_, true) => t.submit_question_first_entry,
            _ => t.submit_question,
        };
        lines.push(Line::from(question));
        (
            (if view.entry == 2 {
                t.finish_reentry_title
            } else {
                t.submit_title
            })
            .to_string(),
            lines,
        )
    } else {
        lines.push(
            Line::from(fill(
                t.unanswered,
                &[
                    ("count", &missing.len().to_string()),
                    ("list", &truncate(&missing.join(", "), 120)),
                ],
            ))
            .fg(Color::Red),
        );
        lines.push(Line::from(t.go_to_unanswered));
        (t.submit_title.to_string(), lines)
    }
}

/// Mismatches between a paper sheet and its blind re-entry, side by side, each option with
/// its points and its whole text wrapped.
fn draw_resolve(app: &App, frame: &mut Frame, area: Rect, view: &SheetView, cursor: usize) {
    let t = app.t();
    let Some(product) = app.product(view.product_id) else {
        return;
    };
    let Some(stored) = &view.stored else { return };
    let [head, body] = Layout::vertical([Constraint::Length(3), Constraint::Min(3)]).areas(area);
    frame.render_widget(
        Paragraph::new(vec![
            Line::from(truncate(
                &product_line(product, app.lang.strings().round),
                head.width as usize,
            ))
            .bold(),
            Line::from(whose_line(app, view)),
            Line::from(t.resolve_help).fg(Color::Yellow),
        ]),
        head,
    );
    let option_text = |c: &Criterion, o: Option<&u32>| match o
        .and_then(|&o| c.option_at(o as usize).map(|x| (o, x)))
    {
        Some((n, x)) => format!(
            "{n} · {} · {}",
            fill(t.points_short, &[("points", &x.points.to_string())]),
            x.text
        ),
        None => "—".to_string(),
    };
    let inner = body.width.saturating_sub(2 + 2) as usize;
    let criterion_width = (inner * 3 / 10).max(8);
    let entry_width = ((inner - criterion_width.min(inner)) / 2).max(8);
    let mismatches = view.mismatches(app);
    let rows = mismatches.iter().map(|c| {
        let cells = [
            wrap_words(&format!("{} {}", c.id, c.title), criterion_width),
            wrap_words(&option_text(c, stored.choices.get(&*c.id)), entry_width),
            wrap_words(&option_text(c, stored.reentry.get(&*c.id)), entry_width),
        ];
        let height = cells.iter().map(Vec::len).max().unwrap_or(1) as u16;
        Row::new(cells.map(|rows| ratatui::text::Text::from(rows.join("\n")))).height(height + 1)
    });
    let table = Table::new(
        rows,
        [
            Constraint::Length(criterion_width as u16),
            Constraint::Length(entry_width as u16),
            Constraint::Length(entry_width as u16),
        ],
    )
    .header(Row::new(vec![t.col_criterion, t.first_entry_col, t.second_entry_col]).bold())
    .block(block(
        &fill(
            t.mismatch_title,
            &[("count", &mismatches.len().to_string())],
        ),
        true,
    ))
    .row_highlight_style(Style::new().add_modifier(Modifier::REVERSED))
    .column_spacing(1);
    let mut state = TableState::default().with_selected(Some(cursor));
    frame.render_stateful_widget(table, body, &mut state);
}
