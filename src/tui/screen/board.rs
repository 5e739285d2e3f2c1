//! Progress board: products × members, who has submitted and who is still scoring.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::Line;
use ratatui::widgets::{Cell, Paragraph, Row, Table, TableState};

use super::Nav;
use crate::store::ProductStatus;
use crate::tui::action::Action;
use crate::tui::app::{App, status_word};
use crate::tui::widgets::block;

pub struct Board;

impl Board {
    pub fn update(&mut self, app: &mut App, action: Action) -> Nav {
        super::list_update(app, action)
    }
}

pub fn draw(app: &App, frame: &mut Frame, area: Rect) {
    let t = app.t();
    let [table_area, legend] =
        Layout::vertical([Constraint::Min(3), Constraint::Length(1)]).areas(area);
    let members = &app.data.members;
    let mut header = vec![Cell::from(t.col_code), Cell::from(t.col_status)];
    header.extend(members.iter().map(|m| Cell::from(format!("{:>3}", m.seat))));
    let rows = app.visible_products().into_iter().map(|p| {
        let total = p.rubric.criteria_count();
        let mut cells = vec![
            Cell::from(p.code.clone()),
            Cell::from(status_word(app.lang, p.status)),
        ];
        for m in members {
            let (text, style) = if app.is_recused(p.id, m.seat) {
                ("R".to_string(), Style::new().fg(Color::DarkGray))
            } else if m.present != Some(true) {
                ("–".to_string(), Style::new().fg(Color::DarkGray))
            } else if p.status == ProductStatus::Waiting {
                (String::new(), Style::new())
            } else {
                match app.progress_of(p.id, m.seat) {
                    Some(g) if g.submitted => ("✓".to_string(), Style::new().fg(Color::Green)),
                    Some(g) if g.answered as usize >= total => {
                        ("○".to_string(), Style::new().fg(Color::Cyan))
                    }
                    Some(g) => {
                        // Capped below 100 so a cell never runs into the next one.
                        let pct = (g.answered as usize * 100 / total.max(1)).min(99);
                        (format!("{pct}%"), Style::new().fg(Color::Yellow))
                    }
                    None if p.status == ProductStatus::Scoring => {
                        ("·".to_string(), Style::new().fg(Color::Red))
                    }
                    None => (String::new(), Style::new()),
                }
            };
            cells.push(Cell::from(format!("{text:>3}")).style(style));
        }
        Row::new(cells)
    });
    let mut widths = vec![Constraint::Length(11), Constraint::Length(10)];
    widths.extend(members.iter().map(|_| Constraint::Length(4)));
    let table = Table::new(rows, widths)
        .header(Row::new(header).style(Style::new().add_modifier(Modifier::BOLD)))
        .block(block(t.board_title, true))
        .row_highlight_style(Style::new().add_modifier(Modifier::REVERSED))
        .column_spacing(0);
    let mut state = TableState::default().with_selected(Some(app.product_cursor));
    frame.render_stateful_widget(table, table_area, &mut state);
    frame.render_widget(
        Paragraph::new(Line::from(t.board_legend)).style(Style::new().fg(Color::DarkGray)),
        legend,
    );
}
