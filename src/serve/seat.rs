//! One remote seat: a workbench (`tui::App`) on its own thread, drawn into the SSH channel
//! and fed by the bytes the member's terminal sends.

use std::path::PathBuf;
use std::sync::mpsc::{Receiver, RecvTimeoutError};

use color_eyre::eyre::Result;
use std::sync::{Arc, Mutex};

use ratatui::Terminal;
use ratatui::backend::{Backend, ClearType, CrosstermBackend, WindowSize};
use ratatui::layout::{Position, Size};

use super::words::words;
use crate::i18n::Lang;
use crate::meeting::access::Place;
use crate::store::{ProductStatus, Store};
use crate::tui::{App, Input, Keymap, Role};

/// What a seat sends towards its SSH channel.
#[derive(Debug)]
pub enum Out {
    Data(Vec<u8>),
    /// The seat ended: close the channel (the message was written before).
    End,
}

/// The terminal's output, handed to the channel on every flush (ratatui flushes once per
/// frame, so a frame is one SSH packet).
pub struct ChannelWriter {
    sink: Vec<u8>,
    out: tokio::sync::mpsc::UnboundedSender<Out>,
}

impl ChannelWriter {
    pub fn new(out: tokio::sync::mpsc::UnboundedSender<Out>) -> Self {
        Self {
            sink: Vec::new(),
            out,
        }
    }
}

impl std::io::Write for ChannelWriter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.sink.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        // Once the connection is gone there is nobody to draw for: the output is dropped
        // (the seat's loop learns of the end from its inputs).
        if !self.sink.is_empty() {
            let _ = self.out.send(Out::Data(std::mem::take(&mut self.sink)));
        }
        Ok(())
    }
}

/// The crossterm backend writing into the channel, except for what crossterm would ask the
/// server's own terminal: the size is the member's (from the pty request and window changes)
/// and the cursor position is the one last set.
pub struct RemoteBackend {
    inner: CrosstermBackend<ChannelWriter>,
    size: Arc<Mutex<(u16, u16)>>,
    cursor: Position,
}

impl Backend for RemoteBackend {
    type Error = std::io::Error;

    fn draw<'a, I>(&mut self, content: I) -> std::io::Result<()>
    where
        I: Iterator<Item = (u16, u16, &'a ratatui::buffer::Cell)>,
    {
        self.inner.draw(content)
    }

    fn hide_cursor(&mut self) -> std::io::Result<()> {
        self.inner.hide_cursor()
    }

    fn show_cursor(&mut self) -> std::io::Result<()> {
        self.inner.show_cursor()
    }

    fn get_cursor_position(&mut self) -> std::io::Result<Position> {
        Ok(self.cursor)
    }

    fn set_cursor_position<P: Into<Position>>(&mut self, position: P) -> std::io::Result<()> {
        self.cursor = position.into();
        self.inner.set_cursor_position(self.cursor)
    }

    fn clear(&mut self) -> std::io::Result<()> {
        self.inner.clear()
    }

    fn clear_region(&mut self, clear_type: ClearType) -> std::io::Result<()> {
        self.inner.clear_region(clear_type)
    }

    fn size(&self) -> std::io::Result<Size> {
        let (width, height) = *self.size.lock().expect("size");
        Ok(Size { width, height })
    }

    fn window_size(&mut self) -> std::io::Result<WindowSize> {
        Ok(WindowSize {
            columns_rows: self.size()?,
            pixels: Size::default(),
        })
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Backend::flush(&mut self.inner)
    }
}

pub struct SeatStart {
    pub db: PathBuf,
    pub session_id: i64,
    pub place: Place,
    pub lang: Lang,
    pub keymap: Keymap,
    pub size: (u16, u16),
    pub connection: i64,
    pub inputs: Receiver<Input>,
    pub out: tokio::sync::mpsc::UnboundedSender<Out>,
}

/// Runs the seat until the member quits, the connection drops, or the seat is taken over or
/// disconnected; then records the connection's end.
pub fn run(start: SeatStart) {
    let lang = start.lang;
    let mut writer = ChannelWriter::new(start.out.clone());
    let (reason, message) = match serve_seat(&start) {
        Ok(Some(why)) => (why.clone(), why),
        Ok(None) => ("quit".to_string(), String::new()),
        Err(e) => {
            let message =
                crate::i18n::fill(words(lang).not_a_member_screen, &[("why", &e.to_string())]);
            (format!("error: {e}"), message)
        }
    };
    {
        use std::io::Write;
        let _ = crossterm::execute!(
            writer,
            crossterm::event::DisableBracketedPaste,
            crossterm::terminal::LeaveAlternateScreen,
            crossterm::cursor::Show
        );
        if !message.is_empty() {
            let _ = write!(writer, "{}\r\n", message.replace('\n', "\r\n"));
            let _ = writer.flush();
        }
    }
    let _ = start.out.send(Out::End);
    if let Ok(mut store) = Store::open(&start.db) {
        let _ = store.connection_ended(start.connection, &reason);
    }
}

fn serve_seat(start: &SeatStart) -> Result<Option<String>> {
    let store = Store::open(&start.db)?;
    let role = match start.place {
        Place::Seat(seat) => Role::Member(seat),
        Place::Display => Role::Display,
    };
    let mut app = App::new(
        store,
        start.session_id,
        role,
        start.lang,
        start.keymap.clone(),
    )?;
    if let Role::Member(seat) = role {
        resume(&mut app, seat);
    }
    let size = Arc::new(Mutex::new(start.size));
    let backend = RemoteBackend {
        inner: CrosstermBackend::new(ChannelWriter::new(start.out.clone())),
        size: size.clone(),
        cursor: Position::ORIGIN,
    };
    let mut terminal = Terminal::new(backend)?;
    crossterm::execute!(
        terminal.backend_mut().inner,
        crossterm::terminal::EnterAlternateScreen,
        crossterm::cursor::Hide,
        crossterm::event::EnableBracketedPaste
    )?;
    terminal.clear()?;
    let ending = crate::tui::run_inputs(&mut terminal, &mut app, |timeout| {
        Ok(match start.inputs.recv_timeout(timeout) {
            Ok(input) => {
                if let Input::Event(crossterm::event::Event::Resize(width, height)) = input {
                    *size.lock().expect("size") = (width, height);
                }
                Some(input)
            }
            Err(RecvTimeoutError::Timeout) => None,
            Err(RecvTimeoutError::Disconnected) => Some(Input::End("connection lost".into())),
        })
    });
    // The sheet this seat held is free again for the secretary (and for the member's next
    // connection).
    let _ = app.store.release_holds(&app.actor());
    ending
}

/// A member who reconnects (or connects late) lands on the sheet being scored, at its first
/// unanswered criterion, unless it is already submitted.
fn resume(app: &mut App, seat: u32) {
    let open = app
        .data
        .products
        .iter()
        .find(|p| p.status == ProductStatus::Scoring)
        .map(|p| p.id);
    if let Some(product) = open
        && !app.progress_of(product, seat).is_some_and(|p| p.submitted)
        && app
            .expected_seats(app.product(product).expect("listed"))
            .contains(&seat)
    {
        app.open_sheet(product, seat, 1);
    }
}
