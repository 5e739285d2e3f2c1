//! One module per screen, each owning its state, what its keys do and how it is drawn (an
//! enum of per-screen structs, after serie's `view/views.rs`). A screen's `update` gets the
//! shared [`App`] and says where to go next with a [`Nav`]; the App never looks inside.

pub mod board;
pub mod dashboard;
pub mod distribution;
pub mod member_home;
pub mod projector;
pub mod result;
pub mod seats;
pub mod sheet;
pub mod summary;

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;

use super::action::Action;
use super::app::{App, Role};
use super::keymap::Context;
use super::overlay::{Answer, Confirm, Overlay};
use sheet::SheetView;

/// The screens, with their own state.
pub enum Screen {
    Dashboard(dashboard::Dashboard),
    MemberHome(member_home::MemberHome),
    Sheet(sheet::SheetScreen),
    Resolve(sheet::ResolveScreen),
    Board(board::Board),
    Result(result::ResultScreen),
    Summary(summary::Summary),
    Projector(projector::Projector),
    Distribution(distribution::Distribution),
    Seats(seats::SeatsScreen),
}

/// Which screen is on top (for tests and for the keymap).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScreenKind {
    Dashboard,
    MemberHome,
    Sheet,
    Resolve,
    Board,
    Result(i64),
    Summary,
    Projector,
    Distribution(i64),
    Seats,
}

/// Where a screen goes after handling a key.
pub enum Nav {
    Stay,
    /// Opens a screen over this one (the notice line is cleared).
    Push(Screen),
    /// Opens a screen over this one keeping the notice (it says what led there).
    PushKeepNotice(Screen),
    /// Replaces this screen.
    Replace(Screen),
    Pop,
    /// Back to the dashboard or the member's home.
    Root,
}

/// What the screen that asked for a write does once it is saved (or refused).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AfterWrite {
    Nothing,
    /// A product was opened: the member cursor goes to its first seat still to submit.
    Opened,
    /// A product was closed: its result opens.
    Closed(i64),
    /// A new round was opened from the result: back to the list.
    NewRound,
    /// A choice was saved for this criterion (by id) of the sheet on screen.
    Picked {
        criterion: String,
        option: u32,
    },
    /// One mismatch of a blind re-entry was settled.
    Resolved,
    /// The sheet was submitted: back to the list, cursor on the next seat to submit.
    Submitted,
    /// The comment was saved.
    Commented,
}

impl Screen {
    /// The first screen of a role.
    pub fn root(app: &App) -> Self {
        match app.role {
            Role::Secretary => Self::Dashboard(dashboard::Dashboard::new(app)),
            Role::Member(_) => Self::MemberHome(member_home::MemberHome),
            Role::Display => Self::Projector(projector::Projector),
        }
    }

    pub fn kind(&self) -> ScreenKind {
        match self {
            Self::Dashboard(_) => ScreenKind::Dashboard,
            Self::MemberHome(_) => ScreenKind::MemberHome,
            Self::Sheet(_) => ScreenKind::Sheet,
            Self::Resolve(_) => ScreenKind::Resolve,
            Self::Board(_) => ScreenKind::Board,
            Self::Result(r) => ScreenKind::Result(r.product_id),
            Self::Summary(_) => ScreenKind::Summary,
            Self::Projector(_) => ScreenKind::Projector,
            Self::Distribution(d) => ScreenKind::Distribution(d.product_id),
            Self::Seats(_) => ScreenKind::Seats,
        }
    }

    pub fn context(&self) -> Context {
        match self {
            Self::Dashboard(_) => Context::Dashboard,
            Self::MemberHome(_) => Context::Member,
            Self::Sheet(_) => Context::Sheet,
            Self::Resolve(_) => Context::Resolve,
            Self::Board(_) => Context::Board,
            Self::Result(_) => Context::Result,
            Self::Summary(_) => Context::Summary,
            Self::Projector(_) => Context::Projector,
            Self::Distribution(_) => Context::Distribution,
            Self::Seats(_) => Context::Seats,
        }
    }

    pub fn sheet(&self) -> Option<&SheetView> {
        match self {
            Self::Sheet(s) => Some(&s.view),
            Self::Resolve(s) => Some(&s.view),
            _ => None,
        }
    }

    pub fn sheet_mut(&mut self) -> Option<&mut SheetView> {
        match self {
            Self::Sheet(s) => Some(&mut s.view),
            Self::Resolve(s) => Some(&mut s.view),
            _ => None,
        }
    }

    pub fn update(&mut self, app: &mut App, action: Action) -> Nav {
        match self {
            Self::Dashboard(s) => s.update(app, action),
            Self::MemberHome(s) => s.update(app, action),
            Self::Sheet(s) => s.update(app, action),
            Self::Resolve(s) => s.update(app, action),
            Self::Board(s) => s.update(app, action),
            Self::Result(s) => s.update(app, action),
            Self::Summary(s) => s.update(app, action),
            Self::Projector(s) => s.update(app, action),
            Self::Distribution(s) => s.update(app, action),
            Self::Seats(s) => s.update(app, action),
        }
    }

    /// The answer to a question or text field this screen opened.
    pub fn answer(&mut self, app: &mut App, answer: Answer) -> Nav {
        match self {
            Self::Dashboard(s) => s.answer(app, answer),
            Self::Sheet(s) => s.answer(app, answer),
            Self::Result(s) => s.answer(app, answer),
            _ => Nav::Stay,
        }
    }

    pub fn after_write(&mut self, app: &mut App, then: AfterWrite, ok: bool) -> Nav {
        match self {
            Self::Dashboard(s) => s.after_write(app, then, ok),
            Self::Sheet(s) => s.after_write(app, then, ok),
            Self::Resolve(s) => s.after_write(app, then, ok),
            Self::Result(s) if ok && then == AfterWrite::NewRound => Nav::Pop,
            _ => Nav::Stay,
        }
    }

    /// After the session was reloaded: a screen whose subject went away (a sheet whose product
    /// closed, a result reopened as a new round) says so and goes back.
    pub fn after_reload(&mut self, app: &mut App) -> Nav {
        match self {
            Self::Dashboard(s) => s.after_reload(app),
            Self::Sheet(s) => s.after_reload(app),
            Self::Resolve(s) => s.after_reload(app),
            Self::Seats(s) => s.after_reload(app),
            Self::Result(s) if !app.results.contains_key(&s.product_id) => Nav::Pop,
            Self::Distribution(s) if !app.results.contains_key(&s.product_id) => Nav::Pop,
            _ => Nav::Stay,
        }
    }

    pub fn draw(&self, app: &App, frame: &mut Frame, area: Rect) {
        match self {
            Self::Dashboard(s) => s.draw(app, frame, area),
            Self::MemberHome(_) => member_home::draw(app, frame, area),
            Self::Sheet(s) => s.draw(app, frame, area),
            Self::Resolve(s) => s.draw(app, frame, area),
            Self::Board(_) => board::draw(app, frame, area),
            Self::Result(s) => s.draw(app, frame, area),
            Self::Summary(_) => summary::draw(app, frame, area),
            Self::Projector(_) => projector::draw(app, frame, area),
            Self::Distribution(s) => s.draw(app, frame, area),
            Self::Seats(s) => s.draw(app, frame, area),
        }
    }

    /// The title and the lines of a question this screen asks.
    pub fn confirm_text(&self, app: &App, confirm: &Confirm) -> (String, Vec<Line<'static>>) {
        match (self, confirm) {
            (Self::Sheet(s), Confirm::Submit) => sheet::submit_summary(app, &s.view),
            (Self::Dashboard(d), Confirm::Close(id)) => d.close_summary(app, *id),
            _ => (String::new(), Vec::new()),
        }
    }

    /// The keys the footer offers: only those that do something here, now.
    pub fn footer_keys(&self, app: &App) -> Vec<Action> {
        match self {
            Self::Dashboard(s) => s.footer_keys(app),
            Self::MemberHome(_) => member_home::footer_keys(),
            Self::Sheet(s) => s.footer_keys(),
            Self::Resolve(_) => sheet::resolve_footer_keys(),
            Self::Board(_) | Self::Summary(_) => list_footer_keys(),
            Self::Result(s) => s.footer_keys(app),
            Self::Projector(_) => projector::footer_keys(),
            Self::Distribution(_) => distribution::footer_keys(),
            Self::Seats(_) => seats::footer_keys(),
        }
    }
}

/// The footer of an overlay.
pub fn overlay_keys(overlay: &Overlay) -> Vec<Action> {
    match overlay {
        Overlay::Help { .. } => vec![Action::Down, Action::Back],
        Overlay::Confirm(_) | Overlay::Input { .. } => vec![Action::Confirm, Action::Cancel],
    }
}

/// Moves a list cursor by a cursor-moving action.
pub fn move_cursor(cursor: &mut usize, len: usize, action: Action) {
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

/// The keys of a list of products (board, summary): move, open the result, back.
pub fn list_update(app: &mut App, action: Action) -> Nav {
    match action {
        a if a.is_cursor_move() => {
            let len = app.visible_products().len();
            move_cursor(&mut app.product_cursor, len, action);
            Nav::Stay
        }
        Action::ShowResult | Action::Select => result::open_selected(app),
        Action::Back => Nav::Pop,
        _ => Nav::Stay,
    }
}

fn list_footer_keys() -> Vec<Action> {
    vec![
        Action::Up,
        Action::Down,
        Action::ShowResult,
        Action::Back,
        Action::Help,
    ]
}
