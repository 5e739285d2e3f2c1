//! The secretary's dashboard: the product queue and the attendance, with every action that
//! runs the session (attendance, open, close, knock out, recuse, new round, export).

use std::path::PathBuf;
use std::sync::mpsc;

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style, Stylize};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, HighlightSpacing, Paragraph, Row, Table, TableState};

use super::result::{ResultScreen, stars_text};
use super::sheet::SheetScreen;
use super::{AfterWrite, Nav, Screen, move_cursor};
use crate::i18n::fill;
use crate::session::Role as SeatRole;
use crate::store::{ProductRow, ProductStatus, Store};
use crate::tui::action::Action;
use crate::tui::app::{App, ExportJob, ExportMessage, Notice, Role, seats_text, status_word};
use crate::tui::overlay::{Answer, Confirm, InputKind, Overlay, default_export_folder};
use crate::tui::widgets::{block, widest};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Focus {
    Products,
    Members,
}

pub struct Dashboard {
    pub focus: Focus,
    pub member_cursor: usize,
    /// The result the product being asked about would close with (for the close question).
    closing: Option<crate::scoring::ProductResult>,
    /// The product and round the member cursor was last placed for: a new round (started
    /// from the result screen, say) places it again on the first seat still to submit.
    placed_for: Option<(i64, u32)>,
}

impl Dashboard {
    pub fn new(app: &App) -> Self {
        let mut dashboard = Self {
            focus: Focus::Products,
            member_cursor: 0,
            closing: None,
            placed_for: None,
        };
        dashboard.select_first_waiting_seat(app);
        dashboard
    }

    /// Puts the member cursor on the selected product's first seat still to submit, so the
    /// next sheet never goes to the seat left selected for another product.
    fn select_first_waiting_seat(&mut self, app: &App) {
        let Some(p) = app.selected_product() else {
            return;
        };
        self.placed_for = Some((p.id, p.round));
        if p.status != ProductStatus::Scoring {
            return;
        }
        if let Some(&seat) = app.waiting_seats(p).first()
            && let Some(i) = app.data.members.iter().position(|m| m.seat == seat)
        {
            self.member_cursor = i;
        }
    }

    fn selected_seat(&self, app: &App) -> Option<u32> {
        app.data.members.get(self.member_cursor).map(|m| m.seat)
    }

    pub fn update(&mut self, app: &mut App, action: Action) -> Nav {
        if let Some(p) = app.selected_product()
            && p.status == ProductStatus::Scoring
            && self.placed_for != Some((p.id, p.round))
        {
            self.select_first_waiting_seat(app);
        }
        match action {
            a if a.is_cursor_move() => match self.focus {
                Focus::Products => {
                    let len = app.visible_products().len();
                    move_cursor(&mut app.product_cursor, len, action);
                    self.select_first_waiting_seat(app);
                }
                Focus::Members => {
                    let len = app.data.members.len();
                    move_cursor(&mut self.member_cursor, len, action);
                }
            },
            Action::SwitchFocus => {
                self.focus = match self.focus {
                    Focus::Products => Focus::Members,
                    Focus::Members => Focus::Products,
                };
            }
            Action::Select => match self.focus {
                Focus::Members => return self.enter_selected_sheet(app, 1),
                Focus::Products => {
                    let Some(p) = app.selected_product() else {
                        return Nav::Stay;
                    };
                    match p.status {
                        s if s.is_settled() => {
                            return Nav::Push(Screen::Result(ResultScreen::new(p.id)));
                        }
                        ProductStatus::Scoring => {
                            self.focus = Focus::Members;
                            app.notice = Some(Notice::Info(app.t().pick_member_hint.to_string()));
                        }
                        _ => {
                            let key = app.key_label(Action::OpenProduct);
                            app.notice =
                                Some(Notice::Info(fill(app.t().open_hint, &[("key", &key)])));
                        }
                    }
                }
            },
            Action::ToggleAttendance => self.toggle_attendance(app),
            Action::MarkAllPresent => mark_all_present(app),
            Action::FindProduct => app.overlay = Some(Overlay::input(InputKind::FindProduct, "")),
            Action::ShowProjector => {
                return Nav::Push(Screen::Projector(super::projector::Projector));
            }
            Action::OpenProduct => open_product(app),
            Action::CloseProduct => self.closing = ask_close(app),
            Action::CloseOverride => ask_reason(app, InputKind::CloseOverride, |p| {
                p.status == ProductStatus::Scoring
            }),
            Action::NewRound => ask_reason(app, InputKind::NewRound, |p| {
                p.status == ProductStatus::Closed
            }),
            Action::KnockOut => ask_reason(app, InputKind::KnockOutCondition, |p| {
                p.status != ProductStatus::KnockedOut
            }),
            Action::ChooseCase => ask_reason(app, InputKind::Case, |p| {
                crate::meeting::rubric_cases(&p.rubric) > 0 && !p.status.is_settled()
            }),
            Action::BackToWaiting => back_to_waiting(app),
            Action::ReopenSheet => {
                let (Some(p), Some(seat)) = (app.selected_product(), self.selected_seat(app))
                else {
                    return Nav::Stay;
                };
                app.overlay = Some(Overlay::input(InputKind::ReopenSheet(p.id, seat), ""));
            }
            Action::Recuse => {
                let (Some(p), Some(seat)) = (app.selected_product(), self.selected_seat(app))
                else {
                    return Nav::Stay;
                };
                if app.is_recused(p.id, seat) {
                    withdraw_recusal(app, p.id, seat);
                } else {
                    app.overlay = Some(Overlay::input(InputKind::Recuse(p.id, seat), ""));
                }
            }
            Action::EnterSheet => return self.enter_selected_sheet(app, 1),
            Action::BlindReentry => return self.enter_selected_sheet(app, 2),
            Action::ShowResult => return super::result::open_selected(app),
            Action::ShowBoard => return Nav::Push(Screen::Board(super::board::Board)),
            Action::ShowSummary => return Nav::Push(Screen::Summary(super::summary::Summary)),
            Action::ShowSeats => return super::seats::SeatsScreen::open(app),
            Action::Export => ask_export_folder(app),
            Action::Back => return Nav::Pop,
            _ => {}
        }
        Nav::Stay
    }

    fn enter_selected_sheet(&mut self, app: &mut App, entry: u8) -> Nav {
        let (Some(p), Some(seat)) = (app.selected_product(), self.selected_seat(app)) else {
            return Nav::Stay;
        };
        let id = p.id;
        // Blind re-entry tells its two entries apart by who made them: ask the name once.
        if app.role == Role::Secretary
            && app.data.info.policy.blind_reentry
            && app.store.operator().is_none()
        {
            app.overlay = Some(Overlay::input(InputKind::OperatorName(id, seat, entry), ""));
            return Nav::Stay;
        }
        SheetScreen::open(app, id, seat, entry)
    }

    pub fn answer(&mut self, app: &mut App, answer: Answer) -> Nav {
        let Answer::Text(kind, text) = answer else {
            if let Answer::Yes(Confirm::Close(id)) = answer {
                close(app, id, None);
            }
            return Nav::Stay;
        };
        let t = app.t();
        let code = |id: i64| app.product(id).map(|p| p.code.clone()).unwrap_or_default();
        match kind {
            InputKind::KnockOutCondition(id) => {
                let mut numbers = text.split_whitespace().map(str::parse::<u32>);
                match (numbers.next(), numbers.next(), numbers.next()) {
                    (Some(Ok(condition)), proposer, None)
                        if proposer.as_ref().is_none_or(|p| p.is_ok()) =>
                    {
                        let proposer = proposer.and_then(Result::ok);
                        app.overlay = Some(Overlay::input(
                            InputKind::KnockOut(id, condition, proposer),
                            "",
                        ));
                    }
                    _ => {
                        app.notice = Some(Notice::Error(t.not_a_number.to_string()));
                        app.overlay = Some(Overlay::input(InputKind::KnockOutCondition(id), &text));
                    }
                }
            }
            InputKind::KnockOut(id, condition, proposer) => {
                let saved = fill(t.saved_knocked_out, &[("code", &code(id))]);
                app.write(
                    saved,
                    AfterWrite::Nothing,
                    true,
                    Box::new(move |store, data| {
                        store.knock_out(data, product(data, id), condition, &text, proposer)
                    }),
                );
            }
            InputKind::Case(id) => match text.trim().parse::<u32>() {
                Ok(case) => {
                    let saved = fill(
                        t.saved_case,
                        &[("code", &code(id)), ("case", &case.to_string())],
                    );
                    app.write(
                        saved,
                        AfterWrite::Nothing,
                        true,
                        Box::new(move |store, data| {
                            store.choose_case(data, product(data, id), case)
                        }),
                    );
                }
                Err(_) => {
                    app.notice = Some(Notice::Error(t.not_a_number.to_string()));
                    app.overlay = Some(Overlay::input(InputKind::Case(id), &text));
                }
            },
            InputKind::ReopenSheet(id, seat) => {
                let saved = fill(
                    t.saved_sheet_reopened,
                    &[("seat", &seat.to_string()), ("code", &code(id))],
                );
                app.write(
                    saved,
                    AfterWrite::Nothing,
                    true,
                    Box::new(move |store, data| {
                        store.reopen_sheet(data, product(data, id), seat, &text)
                    }),
                );
            }
            InputKind::NewRound(id) => new_round(app, id, text),
            InputKind::CloseOverride(id) => close(app, id, Some(text)),
            InputKind::Recuse(id, seat) => {
                let saved = fill(
                    t.saved_recused,
                    &[("seat", &seat.to_string()), ("code", &code(id))],
                );
                app.write(
                    saved,
                    AfterWrite::Nothing,
                    true,
                    Box::new(move |store, data| store.recuse(data, product(data, id), seat, &text)),
                );
            }
            InputKind::OperatorName(id, seat, entry) => {
                app.store.set_operator(Some(text));
                return SheetScreen::open(app, id, seat, entry);
            }
            InputKind::ExportFolder => start_export(app, PathBuf::from(text)),
            InputKind::FindProduct => {
                find_product(app, &text);
                self.select_first_waiting_seat(app);
            }
            InputKind::Comment => {}
        }
        Nav::Stay
    }

    pub fn after_write(&mut self, app: &mut App, then: AfterWrite, ok: bool) -> Nav {
        match then {
            AfterWrite::Closed(id) if ok => {
                Nav::PushKeepNotice(Screen::Result(ResultScreen::new(id)))
            }
            AfterWrite::Opened | AfterWrite::Submitted if ok => {
                self.select_first_waiting_seat(app);
                Nav::Stay
            }
            _ => Nav::Stay,
        }
    }

    pub fn after_reload(&mut self, app: &mut App) -> Nav {
        self.member_cursor = self
            .member_cursor
            .min(app.data.members.len().saturating_sub(1));
        Nav::Stay
    }

    pub fn close_summary(&self, app: &App, id: i64) -> (String, Vec<Line<'static>>) {
        close_summary(app, id, self.closing.as_ref())
    }

    fn toggle_attendance(&mut self, app: &mut App) {
        let Some(m) = app.data.members.get(self.member_cursor) else {
            return;
        };
        let present = m.present != Some(true);
        let seat = m.seat;
        let t = app.t();
        let word = if present { t.present } else { t.absent };
        let saved = fill(
            t.saved_attendance,
            &[("seat", &seat.to_string()), ("state", word)],
        );
        app.write(
            saved,
            AfterWrite::Nothing,
            true,
            Box::new(move |store, data| store.set_attendance(data, seat, present)),
        );
    }

    /// The keys that do something for the selected product and panel, most needed first.
    pub fn footer_keys(&self, app: &App) -> Vec<Action> {
        let status = app.selected_product().map(|p| p.status);
        let mut keys = Vec::new();
        match self.focus {
            Focus::Members => {
                if status == Some(ProductStatus::Scoring) {
                    keys.push(Action::EnterSheet);
                }
                keys.extend([Action::ToggleAttendance, Action::MarkAllPresent]);
            }
            Focus::Products => match status {
                Some(ProductStatus::Waiting) => {
                    keys.extend([Action::OpenProduct, Action::MarkAllPresent]);
                }
                Some(ProductStatus::Scoring) => {
                    keys.extend([Action::SwitchFocus, Action::CloseProduct]);
                }
                Some(ProductStatus::Closed | ProductStatus::KnockedOut) => {
                    keys.push(Action::ShowResult);
                }
                None => {}
            },
        }
        keys.extend([
            Action::SwitchFocus,
            Action::FindProduct,
            Action::ShowBoard,
            Action::ShowSummary,
            Action::ShowProjector,
        ]);
        let mut seen = Vec::new();
        keys.retain(|a| {
            let new = !seen.contains(a);
            seen.push(*a);
            new
        });
        keys
    }

    pub fn draw(&self, app: &App, frame: &mut Frame, area: Rect) {
        let [products, members] = {
            // Both lists get room; the products take what the members do not need.
            let products = app.visible_products().len() as u16 + 3;
            let members = app.data.members.len() as u16 + 3;
            let half = area.height / 2;
            let top = if products + members <= area.height {
                products
            } else {
                products.min(area.height.saturating_sub(members).max(half))
            };
            Layout::vertical([Constraint::Length(top), Constraint::Min(5)]).areas(area)
        };
        draw_products(app, frame, products, self.focus == Focus::Products);
        draw_members(
            app,
            frame,
            members,
            self.focus == Focus::Members,
            self.member_cursor,
        );
    }
}

/// The product a write is about, in the session the write was given.
pub fn product(data: &crate::store::SessionData, id: i64) -> &ProductRow {
    data.products.iter().find(|p| p.id == id).expect("listed")
}

/// `A`: every member not yet marked present is marked present, in one step.
fn mark_all_present(app: &mut App) {
    let saved = fill(
        app.t().saved_all_present,
        &[("count", &app.data.members.len().to_string())],
    );
    app.write(
        saved,
        AfterWrite::Nothing,
        true,
        Box::new(move |store, data| store.set_attendance_all(data, true).map(|_| ())),
    );
}

fn back_to_waiting(app: &mut App) {
    let Some(p) = app.selected_product() else {
        return;
    };
    let (id, code) = (p.id, p.code.clone());
    let saved = fill(app.t().saved_back_to_waiting, &[("code", &code)]);
    app.write(
        saved,
        AfterWrite::Nothing,
        true,
        Box::new(move |store, data| store.back_to_waiting(data, product(data, id))),
    );
}

fn withdraw_recusal(app: &mut App, id: i64, seat: u32) {
    let code = app.product(id).map(|p| p.code.clone()).unwrap_or_default();
    let saved = fill(
        app.t().saved_recusal_withdrawn,
        &[("seat", &seat.to_string()), ("code", &code)],
    );
    app.write(
        saved,
        AfterWrite::Nothing,
        true,
        Box::new(move |store, data| store.withdraw_recusal(data, product(data, id), seat)),
    );
}

/// `/`: selects the first product whose code or name contains `text` (case and accents
/// ignored), searching on from the one selected.
fn find_product(app: &mut App, text: &str) {
    let wanted = plain(text);
    let products = app.visible_products();
    let count = products.len();
    let found = (1..=count)
        .map(|i| (app.product_cursor + i) % count)
        .find(|&i| {
            let p = products[i];
            plain(&p.code).contains(&wanted) || plain(&p.name).contains(&wanted)
        });
    match found {
        Some(i) => {
            app.product_cursor = i;
            app.notice = None;
        }
        None => app.notice = Some(Notice::Error(fill(app.t().find_none, &[("text", text)]))),
    }
}

/// Lower case without Vietnamese accents, so "dau tay" finds "Mứt dâu tây".
pub fn plain(text: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    text.nfd()
        .filter(|c| !unicode_normalization::char::is_combining_mark(*c))
        .map(|c| if c == 'đ' || c == 'Đ' { 'd' } else { c })
        .flat_map(char::to_lowercase)
        .collect()
}

fn open_product(app: &mut App) {
    let Some(p) = app.selected_product() else {
        return;
    };
    let (id, code) = (p.id, p.code.clone());
    let status = p.status;
    let t = app.t();
    if status != ProductStatus::Waiting {
        app.notice = Some(Notice::Error(fill(
            t.cannot_open,
            &[("code", &code), ("status", status_word(app.lang, status))],
        )));
        return;
    }
    // The store applies the rules (quorum, one product open); the screen only asks for the
    // case of a set 26 product first, since nobody can score it without one.
    if let Some(p) = app.product(id)
        && crate::meeting::rubric_cases(&p.rubric) > 0
        && p.case_number.is_none()
    {
        let key = app.key_label(Action::ChooseCase);
        app.notice = Some(Notice::Info(fill(
            t.case_first,
            &[("code", &code), ("key", &key)],
        )));
        app.overlay = Some(Overlay::input(InputKind::Case(id), ""));
        return;
    }
    let saved = fill(t.saved_opened, &[("code", &code)]);
    app.write(
        saved,
        AfterWrite::Opened,
        true,
        Box::new(move |store, data| store.open_product(data, product(data, id))),
    );
}

/// Asks before closing when every sheet is in; returns the result it would close with.
fn ask_close(app: &mut App) -> Option<crate::scoring::ProductResult> {
    let p = app.selected_product()?;
    let t = app.t();
    if p.status != ProductStatus::Scoring {
        app.notice = Some(Notice::Error(fill(
            t.cannot_close,
            &[
                ("code", &p.code),
                ("status", status_word(app.lang, p.status)),
            ],
        )));
        return None;
    }
    let waiting = app.waiting_seats(p);
    if waiting.is_empty() {
        let result = app.store.product_result(&app.data, p);
        app.overlay = Some(Overlay::Confirm(Confirm::Close(p.id)));
        return result.ok();
    } else {
        let key = app.key_label(Action::CloseOverride);
        app.notice = Some(Notice::Error(fill(
            t.not_all_submitted,
            &[
                ("code", &p.code),
                ("seats", &seats_text(&waiting)),
                ("key", &key),
            ],
        )));
    }
    None
}

fn ask_reason(
    app: &mut App,
    kind: impl Fn(i64) -> InputKind,
    allowed: impl Fn(&ProductRow) -> bool,
) {
    let Some(p) = app.selected_product() else {
        return;
    };
    if allowed(p) {
        app.overlay = Some(Overlay::input(kind(p.id), ""));
    } else {
        let t = app.t();
        app.notice = Some(Notice::Error(fill(
            t.not_now,
            &[
                ("code", &p.code),
                ("status", status_word(app.lang, p.status)),
            ],
        )));
    }
}

/// The close question: the product, each member's total and the spread verdict; a breach
/// advises a new round.
pub fn close_summary(
    app: &App,
    id: i64,
    result: Option<&crate::scoring::ProductResult>,
) -> (String, Vec<Line<'static>>) {
    let t = app.t();
    let name = app
        .product(id)
        .map_or(String::new(), |p| format!("{} · {}", p.code, p.name));
    let mut lines = vec![Line::from(name).bold(), Line::from("")];
    let mut breach = false;
    if let Some(r) = result {
        let totals: Vec<String> = r
            .members
            .iter()
            .map(|m| format!("{} {}: {}", app.lang.strings().seat, m.seat, m.total))
            .collect();
        lines.push(Line::from(t.close_totals));
        lines.push(Line::from(totals.join(" · ")));
        if let Some((verdict, is_breach)) = super::result::spread_verdict(app, r) {
            breach = is_breach;
            let style = if breach {
                Style::new().fg(Color::Red).add_modifier(Modifier::BOLD)
            } else {
                Style::new().fg(Color::Green)
            };
            lines.push(Line::styled(verdict, style));
        }
        if breach {
            let key = app
                .keymap
                .key_for(crate::tui::keymap::Context::Result, Action::NewRound)
                .map_or_else(String::new, |k| k.to_string());
            lines.push(Line::from(fill(t.close_breach_advice, &[("key", &key)])).fg(Color::Red));
        }
        lines.push(Line::from(""));
    }
    lines.push(Line::from(if breach {
        t.close_question_breach
    } else {
        t.close_question
    }));
    (t.close_title.to_string(), lines)
}

fn close(app: &mut App, id: i64, reason: Option<String>) {
    let Some(p) = app.product(id) else { return };
    let saved = fill(app.t().saved_closed, &[("code", &p.code)]);
    app.write(
        saved,
        AfterWrite::Closed(id),
        true,
        Box::new(move |store, data| {
            store.close_product(data, product(data, id), reason.as_deref())
        }),
    );
}

/// Reopens a closed product as a new round (from the dashboard or its result).
pub fn new_round(app: &mut App, id: i64, reason: String) {
    let code = app.product(id).map(|p| p.code.clone()).unwrap_or_default();
    let saved = fill(app.t().saved_new_round, &[("code", &code)]);
    app.write(
        saved,
        AfterWrite::NewRound,
        true,
        Box::new(move |store, data| {
            store
                .new_round(data, product(data, id), &reason)
                .map(|_| ())
        }),
    );
}

fn ask_export_folder(app: &mut App) {
    if app.export.is_some() {
        app.notice = Some(Notice::Info(app.t().export_running.to_string()));
        return;
    }
    let folder = default_export_folder(app);
    app.overlay = Some(Overlay::input(
        InputKind::ExportFolder,
        &folder.display().to_string(),
    ));
}

/// Starts the export of every format on its own connection, so the screen stays live.
fn start_export(app: &mut App, folder: PathBuf) {
    let (sender, receiver) = mpsc::channel();
    let db = app.store.path().to_path_buf();
    let session_id = app.data.info.id;
    let lang = app.lang;
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
    app.export = Some(ExportJob { folder, receiver });
    app.notice = Some(Notice::Info(app.t().export_started.to_string()));
}

/// Takes in what the export thread reported (`Action::Tick`).
pub fn take_export_reports(app: &mut App) {
    let Some(job) = &app.export else {
        return;
    };
    let t = app.t();
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
                app.notice = Some(Notice::Info(fill(
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
                app.notice = Some(Notice::Saved(fill(
                    t.export_done,
                    &[
                        ("count", &files.len().to_string()),
                        ("folder", &job.folder.display().to_string()),
                    ],
                )));
                finished = true;
            }
            ExportMessage::Done(Err(e)) => {
                app.notice = Some(Notice::Error(fill(t.export_failed, &[("error", &e)])));
                finished = true;
            }
        }
    }
    if finished {
        app.export = None;
    }
}

fn status_style(status: ProductStatus) -> Style {
    match status {
        ProductStatus::Waiting => Style::new().fg(Color::Gray),
        ProductStatus::Scoring => Style::new().fg(Color::Yellow),
        ProductStatus::Closed => Style::new().fg(Color::Green),
        ProductStatus::KnockedOut => Style::new().fg(Color::Red),
    }
}

/// "5/7": submitted sheets of the present, non-recused members.
fn submitted_count(app: &App, p: &ProductRow) -> String {
    let (done, expected) = app.sheets_in(p);
    format!("{done}/{expected}")
}

pub fn draw_products(app: &App, frame: &mut Frame, area: Rect, focused: bool) {
    let t = app.t();
    let products = app.visible_products();
    let wide = area.width >= 100;
    let member = match app.role {
        Role::Member(seat) => Some(seat),
        Role::Secretary | Role::Display => None,
    };
    let mut header = vec![t.col_code, t.col_name];
    if wide {
        header.push(t.col_producer);
    }
    header.extend([
        t.col_set,
        t.col_status,
        if member.is_some() {
            t.col_my_sheet
        } else {
            t.col_sheets
        },
        t.col_mean,
        t.col_stars,
    ]);
    let rows = products.iter().map(|p| {
        let result = app.results.get(&p.id);
        let mean = result.map_or(String::new(), |r| {
            if p.status == ProductStatus::KnockedOut {
                "—".into()
            } else {
                r.mean_display()
            }
        });
        let stars = result.map_or(String::new(), |r| match (p.status, r.stars) {
            (ProductStatus::KnockedOut, _) => "✖".into(),
            (_, Some(n)) => stars_text(n, 5),
            _ => String::new(),
        });
        // A spread breach is flagged on the row itself, not only on the result screen.
        let breach = result.is_some_and(|r| super::result::spread_breached(p, r));
        let stars = Line::from(vec![
            Span::styled(stars, Style::new().fg(Color::Yellow)),
            Span::styled(
                if breach { " ⚠" } else { "" },
                Style::new().fg(Color::Red).add_modifier(Modifier::BOLD),
            ),
        ]);
        let status = status_text(app, p);
        let sheets = match member {
            Some(seat) => own_sheet_text(app, p, seat),
            None if p.status == ProductStatus::Waiting => String::new(),
            None => submitted_count(app, p),
        };
        let mut cells = vec![Cell::from(p.code.clone()), Cell::from(p.name.clone())];
        if wide {
            cells.push(Cell::from(p.producer.clone()));
        }
        cells.extend([
            Cell::from(
                p.rubric
                    .set_number
                    .map_or_else(|| p.rubric_id.clone(), |n| format!("{n:02}")),
            ),
            Cell::from(status).style(status_style(p.status)),
            Cell::from(sheets),
            Cell::from(mean),
            Cell::from(stars),
        ]);
        Row::new(cells)
    });
    let status_width = widest(
        products
            .iter()
            .map(|p| status_text(app, p))
            .collect::<Vec<_>>()
            .iter()
            .map(String::as_str)
            .chain([t.col_status]),
    );
    // Wide: the names as long as the longest, the producer takes the rest.
    let name = if wide {
        Constraint::Max(widest(products.iter().map(|p| p.name.as_str())))
    } else {
        Constraint::Fill(2)
    };
    let mut widths = vec![Constraint::Length(11), name];
    if wide {
        widths.push(Constraint::Fill(1));
    }
    widths.extend([
        Constraint::Length(3),
        Constraint::Length(status_width),
        Constraint::Length(widest([t.col_sheets, t.col_my_sheet, "10/10"])),
        Constraint::Length(6),
        Constraint::Length(7),
    ]);
    let title = match member {
        Some(_) => t.my_products_title.to_string(),
        None => fill(t.products_title, &[("count", &products.len().to_string())]),
    };
    let table = Table::new(rows, widths)
        .header(Row::new(header).style(Style::new().add_modifier(Modifier::BOLD)))
        .block(block(&title, focused))
        .row_highlight_style(selected_style(focused))
        .highlight_symbol(selected_symbol(focused))
        .highlight_spacing(HighlightSpacing::Always)
        .column_spacing(2);
    if products.is_empty() {
        frame.render_widget(
            Paragraph::new(t.no_products_open).block(block(&title, focused)),
            area,
        );
        return;
    }
    let mut state = TableState::default().with_selected(Some(app.product_cursor));
    frame.render_stateful_widget(table, area, &mut state);
}

/// "đang chấm (v2)": the status, with the round from the second on.
fn status_text(app: &App, p: &ProductRow) -> String {
    let word = status_word(app.lang, p.status);
    if p.round > 1 {
        format!("{word} ({}{})", app.t().round_short, p.round)
    } else {
        word.to_string()
    }
}

/// The selected row: reversed in the panel with focus, only marked in the other one.
fn selected_style(focused: bool) -> Style {
    if focused {
        Style::new().add_modifier(Modifier::REVERSED | Modifier::BOLD)
    } else {
        Style::new().add_modifier(Modifier::BOLD)
    }
}

fn selected_symbol(focused: bool) -> &'static str {
    if focused { "▶ " } else { "› " }
}

/// A member's own sheet of a product: "—", "12/36", "✓", "miễn".
fn own_sheet_text(app: &App, p: &ProductRow, seat: u32) -> String {
    let t = app.t();
    if app.is_recused(p.id, seat) {
        return t.recused_short.into();
    }
    match app.progress_of(p.id, seat) {
        Some(g) if g.submitted => "✓".into(),
        Some(g) => format!("{}/{}", g.answered, p.rubric.criteria_count()),
        None => "·".into(),
    }
}

fn role_word(app: &App, role: SeatRole) -> &'static str {
    let t = app.t();
    match role {
        SeatRole::Chair => t.role_chair,
        SeatRole::ViceChair => t.role_vice_chair,
        SeatRole::Member => t.role_member,
        SeatRole::Secretary => t.role_secretary,
        SeatRole::Expert => t.role_expert,
        SeatRole::Observer => t.role_observer,
    }
}

fn draw_members(app: &App, frame: &mut Frame, area: Rect, focused: bool, cursor: usize) {
    let t = app.t();
    let q = app.data.quorum();
    let policy = &app.data.info.policy;
    let quorum = fill(
        t.quorum_line,
        &[
            ("present", &q.present.to_string()),
            ("total", &q.total.to_string()),
            ("needed", &q.needed.to_string()),
            ("rule", &policy.quorum.to_string()),
            (
                "chair",
                if policy.chair_required {
                    t.with_chair
                } else {
                    ""
                },
            ),
            ("mark", if q.reached { "✓" } else { "✖" }),
        ],
    );
    let product = app.selected_product();
    let sheet_header = product.map_or(String::new(), |p| p.code.clone());
    let wide = area.width >= 100;
    let rows = app.data.members.iter().map(|m| {
        let (mark, style) = match m.present {
            Some(true) => (t.present, Style::new().fg(Color::Green)),
            Some(false) => (t.absent, Style::new().fg(Color::Red)),
            None => (t.unmarked, Style::new().fg(Color::DarkGray)),
        };
        let sheet = product.map_or(String::new(), |p| sheet_cell(app, p, m.seat, m.present));
        let mut cells = vec![
            Cell::from(m.seat.to_string()),
            Cell::from(mark).style(style),
            Cell::from(m.name.clone()),
        ];
        if wide {
            cells.push(Cell::from(m.organisation.clone()));
        }
        cells.extend([Cell::from(role_word(app, m.role)), Cell::from(sheet)]);
        Row::new(cells)
    });
    let mut widths = vec![
        Constraint::Length(2),
        Constraint::Length(7),
        Constraint::Fill(1),
    ];
    let mut header = vec![t.col_seat, t.col_attendance, t.col_person];
    if wide {
        widths.push(Constraint::Fill(1));
        header.push(t.col_organisation);
    }
    let roles = [
        SeatRole::Chair,
        SeatRole::ViceChair,
        SeatRole::Member,
        SeatRole::Secretary,
    ];
    let role_width = widest(roles.iter().map(|r| role_word(app, *r)).chain([t.col_role]));
    widths.extend([Constraint::Length(role_width), Constraint::Length(13)]);
    header.extend([t.col_role, sheet_header.as_str()]);
    let table = Table::new(rows, widths)
        .header(Row::new(header).style(Style::new().add_modifier(Modifier::BOLD)))
        .block(block(&quorum, focused).title_style(if q.reached {
            Style::new().fg(Color::Green)
        } else {
            Style::new().fg(Color::Red)
        }))
        .row_highlight_style(selected_style(focused))
        .highlight_symbol(selected_symbol(focused))
        .highlight_spacing(HighlightSpacing::Always)
        .column_spacing(2);
    let mut state = TableState::default().with_selected(Some(cursor));
    frame.render_stateful_widget(table, area, &mut state);
}

/// One member's sheet of the selected product, as the dashboard shows it (never the choices).
fn sheet_cell(app: &App, p: &ProductRow, seat: u32, present: Option<bool>) -> String {
    let t = app.t();
    if app.is_recused(p.id, seat) {
        return t.recused_short.into();
    }
    if app.member(seat).is_some_and(|m| !m.scores) {
        return t.not_scoring_short.into();
    }
    if p.status == ProductStatus::Waiting {
        return String::new();
    }
    let total = p.rubric.criteria_count();
    let blind = app.data.info.policy.blind_reentry;
    match app.progress_of(p.id, seat) {
        Some(g) if g.submitted && g.entered_by != "member" => format!("✓ {}", t.paper_short),
        Some(g) if g.submitted => "✓".into(),
        Some(g) if blind && g.entered_by != "member" && g.answered as usize == total => {
            format!("{} {}/{total}", t.reentry_short, g.reentered)
        }
        Some(g) => format!("{}/{total}", g.answered),
        None if present == Some(true) => "·".into(),
        None => String::new(),
    }
}
