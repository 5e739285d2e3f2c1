//! The secretary's view of the remote seats (`council serve`): where members connect, the host
//! key's fingerprint they compare, each seat's one-time code and who is connected from where;
//! a new code, unlocking a seat and disconnecting one are a key each.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::Line;
use ratatui::widgets::{Cell, Paragraph, Row, Table, TableState, Wrap};

use super::{AfterWrite, Nav, move_cursor};
use crate::i18n::fill;
use crate::meeting::access::Place;
use crate::serve::login::login_of;
use crate::store::{SeatCode, SeatConnection, SeatServer};
use crate::tui::action::Action;
use crate::tui::app::{App, Notice};
use crate::tui::widgets::block;

pub struct SeatsScreen {
    cursor: usize,
    codes: Vec<SeatCode>,
    connections: Vec<SeatConnection>,
    server: Option<SeatServer>,
}

impl SeatsScreen {
    pub fn open(app: &mut App) -> Nav {
        let mut screen = Self {
            cursor: 0,
            codes: Vec::new(),
            connections: Vec::new(),
            server: None,
        };
        screen.read(app);
        Nav::Push(super::Screen::Seats(screen))
    }

    /// Reads the seats again (after a write, or when anything was committed).
    fn read(&mut self, app: &mut App) {
        let id = app.data.info.id;
        let read = (|| {
            Ok::<_, crate::store::StoreError>((
                app.store.issued_seat_codes(id)?,
                app.store.open_connections(id)?,
                app.store.seat_server(id)?,
            ))
        })();
        match read {
            Ok((codes, connections, server)) => {
                self.codes = codes;
                self.connections = connections;
                self.server = server;
                app.shown_changed = true;
                self.cursor = self.cursor.min(self.codes.len().saturating_sub(1));
            }
            Err(e) => app.notice = Some(Notice::Error(app.error_text(&e))),
        }
    }

    fn selected(&self) -> Option<Place> {
        self.codes.get(self.cursor).map(|c| c.place)
    }

    pub fn update(&mut self, app: &mut App, action: Action) -> Nav {
        let id = app.data.info.id;
        let t = app.t();
        match action {
            a if a.is_cursor_move() => {
                move_cursor(&mut self.cursor, self.codes.len(), action);
                Nav::Stay
            }
            Action::NewSeatCode => {
                let place = self.selected();
                let saved = match place {
                    Some(place) => fill(t.seat_code_saved, &[("seat", &login_of(place))]),
                    None => t.seat_codes_saved.to_string(),
                };
                app.write(
                    saved,
                    AfterWrite::Nothing,
                    false,
                    Box::new(move |store, _| store.regenerate_seat_code(id, place)),
                );
                self.read(app);
                Nav::Stay
            }
            Action::UnlockSeat => {
                let Some(place) = self.selected() else {
                    return Nav::Stay;
                };
                app.write(
                    fill(t.seat_unlocked, &[("seat", &login_of(place))]),
                    AfterWrite::Nothing,
                    false,
                    Box::new(move |store, _| store.unlock_seat(id, place)),
                );
                self.read(app);
                Nav::Stay
            }
            Action::DisconnectSeat => {
                let Some(place) = self.selected() else {
                    return Nav::Stay;
                };
                if !self.connections.iter().any(|c| c.place == place) {
                    app.notice = Some(Notice::Info(t.seat_not_connected.to_string()));
                    return Nav::Stay;
                }
                app.write(
                    fill(t.seat_disconnect_asked, &[("seat", &login_of(place))]),
                    AfterWrite::Nothing,
                    false,
                    Box::new(move |store, _| store.request_disconnect(id, place).map(|_| ())),
                );
                Nav::Stay
            }
            Action::Back => Nav::Pop,
            _ => Nav::Stay,
        }
    }

    pub fn after_reload(&mut self, app: &mut App) -> Nav {
        self.read(app);
        Nav::Stay
    }

    pub fn draw(&self, app: &App, frame: &mut Frame, area: Rect) {
        let t = app.t();
        let mut head: Vec<Line> = Vec::new();
        match &self.server {
            Some(server) => {
                head.push(Line::from(fill(
                    t.seats_listening,
                    &[("listen", &server.listen)],
                )));
                for address in &server.addresses {
                    let (host, port) = address.rsplit_once(':').unwrap_or((address, "2222"));
                    head.push(Line::from(format!("  ssh -p {port} ghe4@{host}")));
                }
                head.push(Line::from(t.seats_fingerprint));
                head.push(Line::from(format!("  {}", server.fingerprint)));
            }
            None => head.push(Line::from(t.seats_no_server)),
        }
        let [top, table_area] = Layout::vertical([
            Constraint::Length(head.len() as u16 + 2),
            Constraint::Min(3),
        ])
        .areas(area);
        frame.render_widget(
            Paragraph::new(head)
                .wrap(Wrap { trim: false })
                .block(block(t.seats_title, false)),
            top,
        );
        let rows = self.codes.iter().map(|code| {
            let who = match code.place {
                Place::Seat(seat) => app
                    .member(seat)
                    .map_or_else(String::new, |m| m.name.clone()),
                Place::Display => t.seats_display.to_string(),
            };
            let (state, style) = if code.locked {
                (t.seat_state_locked.to_string(), Style::new().fg(Color::Red))
            } else if let Some(c) = self.connections.iter().find(|c| c.place == code.place) {
                (
                    fill(t.seat_state_connected, &[("peer", &c.peer)]),
                    Style::new().fg(Color::Green),
                )
            } else if code.failures > 0 {
                (
                    fill(t.seat_state_failures, &[("n", &code.failures.to_string())]),
                    Style::new().fg(Color::Yellow),
                )
            } else {
                (String::new(), Style::new())
            };
            Row::new(vec![
                Cell::from(match code.place {
                    Place::Seat(seat) => seat.to_string(),
                    Place::Display => "—".into(),
                }),
                Cell::from(who),
                Cell::from(login_of(code.place)),
                Cell::from(code.code.clone()),
                Cell::from(state).style(style),
            ])
        });
        let header = Row::new(vec![
            Cell::from(t.seats_col_seat),
            Cell::from(t.seats_col_member),
            Cell::from(t.seats_col_login),
            Cell::from(t.seats_col_code),
            Cell::from(t.seats_col_state),
        ])
        .style(Style::new().add_modifier(Modifier::BOLD));
        let table = Table::new(
            rows,
            [
                Constraint::Length(4),
                Constraint::Fill(2),
                Constraint::Length(7),
                Constraint::Length(7),
                Constraint::Fill(3),
            ],
        )
        .header(header)
        .row_highlight_style(Style::new().add_modifier(Modifier::REVERSED))
        .block(block(t.seats_codes_title, true));
        let mut state = TableState::default().with_selected(Some(self.cursor));
        if self.codes.is_empty() {
            frame.render_widget(
                Paragraph::new(t.seats_no_codes).block(block(t.seats_codes_title, true)),
                table_area,
            );
        } else {
            frame.render_stateful_widget(table, table_area, &mut state);
        }
    }
}

pub fn footer_keys() -> Vec<Action> {
    vec![
        Action::NewSeatCode,
        Action::UnlockSeat,
        Action::DisconnectSeat,
        Action::Back,
        Action::Help,
    ]
}
