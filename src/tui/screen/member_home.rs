//! A member's home screen (`council score --member SEAT`): the products open for scoring or
//! settled, with the member's own sheet of each, nothing of anyone else's.

use ratatui::Frame;
use ratatui::layout::Rect;

use super::sheet::SheetScreen;
use super::{Nav, Screen, move_cursor};
use crate::tui::action::Action;
use crate::tui::app::{App, Role};

pub struct MemberHome;

impl MemberHome {
    pub fn update(&mut self, app: &mut App, action: Action) -> Nav {
        match action {
            a if a.is_cursor_move() => {
                let len = app.visible_products().len();
                move_cursor(&mut app.product_cursor, len, action);
                Nav::Stay
            }
            Action::Select | Action::EnterSheet => {
                let (Some(p), Role::Member(seat)) = (app.selected_product(), app.role) else {
                    return Nav::Stay;
                };
                if p.status.is_settled() {
                    super::result::open_selected(app)
                } else {
                    let id = p.id;
                    SheetScreen::open(app, id, seat, 1)
                }
            }
            Action::ShowResult => super::result::open_selected(app),
            Action::ShowSummary => Nav::Push(Screen::Summary(super::summary::Summary)),
            Action::Back => Nav::Pop,
            _ => Nav::Stay,
        }
    }
}

pub fn draw(app: &App, frame: &mut Frame, area: Rect) {
    super::dashboard::draw_products(app, frame, area, true);
}

pub fn footer_keys() -> Vec<Action> {
    vec![
        Action::Select,
        Action::ShowSummary,
        Action::Help,
        Action::Quit,
    ]
}
