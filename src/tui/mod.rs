//! The live-session workbench: a full-screen, keyboard-driven interface for the secretary
//! (`council`, `council open FILE`) and for members (`council score --member SEAT`).
//!
//! A key press becomes an [`Action`] in one place, [`keymap`] (per screen section, user
//! overrides on top); [`App::update`] is the one entry for actions: it handles what every
//! screen shares (quit, help, the loop's refresh and background reports), gives the action
//! to the open overlay (`overlay`: help, a question, a text field) or else to the screen on
//! top (`screen/`, one module per screen owning its state, its keys and its drawing), which
//! answers with where to go next (`screen::Nav`); store writes go through `App::write`
//! (`writer`, on their own connection) and their outcome comes back to the screen that asked;
//! then [`view::draw`] draws the frame from `&App`, the screen on top drawing its body. The
//! loop below polls `PRAGMA data_version` so other processes' commits show up within half a
//! second without a keypress.

pub mod action;
pub mod app;
pub mod editor;
pub mod keymap;
pub mod labels;
pub mod overlay;
pub mod screen;
pub mod view;
pub mod widgets;
mod writer;

use std::path::Path;
use std::time::{Duration, Instant};

use color_eyre::eyre::{Result, WrapErr, eyre};
use crossterm::event::{self, Event};
use ratatui::Terminal;
use ratatui::backend::Backend;
use serde::Deserialize;

pub use action::Action;
pub use app::{App, Role};
pub use keymap::Keymap;
pub use screen::ScreenKind;

use crate::i18n::Lang;
use crate::store::Store;

/// How often the loop looks for other processes' commits.
pub const POLL_EVERY: Duration = Duration::from_millis(300);

/// `<config dir>/config.toml`: settings that are not keys.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    pub lang: Option<Lang>,
}

impl Settings {
    /// Reads `config.toml` in `config_dir` if it exists; a bad file is an error naming it.
    pub fn load(config_dir: &Path) -> Result<Self> {
        let path = config_dir.join("config.toml");
        if !path.exists() {
            return Ok(Self::default());
        }
        let text = std::fs::read_to_string(&path)
            .wrap_err_with(|| format!("cannot read {}", path.display()))?;
        toml::from_str(&text).map_err(|e| eyre!("{}: {e}", path.display()))
    }
}

/// Restores the terminal when dropped, also on early returns; ratatui's panic hook (installed
/// by `ratatui::init` after color-eyre's) restores it before a panic report is printed.
struct TerminalGuard;

impl Drop for TerminalGuard {
    fn drop(&mut self) {
        let _ = crossterm::execute!(std::io::stdout(), crossterm::event::DisableBracketedPaste);
        ratatui::restore();
    }
}

/// The workbench needs a terminal on both sides: with stdout redirected nobody sees the
/// screen, with stdin redirected nobody types the keys, and either way keys would be
/// recorded blind.
pub fn check_terminal(lang: Lang) -> Result<()> {
    use std::io::IsTerminal;
    let which = if !std::io::stdin().is_terminal() {
        "stdin"
    } else if !std::io::stdout().is_terminal() {
        "stdout"
    } else {
        return Ok(());
    };
    Err(eyre!(crate::i18n::fill(
        lang.strings().tui.not_a_terminal,
        &[("which", which)]
    )))
}

/// Runs the workbench on the real terminal until the user quits.
pub fn run(store: Store, session_id: i64, role: Role, lang: Lang, keymap: Keymap) -> Result<()> {
    check_terminal(lang)?;
    let mut app = App::new(store, session_id, role, lang, keymap)?;
    let mut terminal = ratatui::try_init().wrap_err("cannot start the full-screen interface")?;
    let _guard = TerminalGuard;
    // Pasted text arrives as one event for the text field, never as keys.
    crossterm::execute!(std::io::stdout(), crossterm::event::EnableBracketedPaste)
        .wrap_err("cannot enable bracketed paste")?;
    run_loop(&mut terminal, &mut app, |timeout| {
        if event::poll(timeout)? {
            Ok(Some(event::read()?))
        } else {
            Ok(None)
        }
    })
}

/// The event loop, generic over the backend: draw, wait for an event or the poll interval,
/// update, and reload when another process committed.
pub fn run_loop<B: Backend>(
    terminal: &mut Terminal<B>,
    app: &mut App,
    mut next_event: impl FnMut(Duration) -> std::io::Result<Option<Event>>,
) -> Result<()>
where
    B::Error: Send + Sync + 'static,
{
    let mut last_poll = Instant::now();
    run_inputs(terminal, app, |timeout| {
        let wait = timeout.min(POLL_EVERY.saturating_sub(last_poll.elapsed()));
        let input = next_event(wait)?.map(Input::Event);
        if input.is_none() && last_poll.elapsed() >= POLL_EVERY {
            last_poll = Instant::now();
            return Ok(Some(Input::Changed(None)));
        }
        Ok(input)
    })
    .map(|_| ())
}

/// What drives a workbench: a terminal event, or news that the database changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    Event(Event),
    /// Something was committed: reload what changed (`Action::Refresh`). The seat server's
    /// watcher sends the change counters it read, so a screen none of whose counters moved
    /// need not read them again (15 seats reading them for every keystroke).
    Changed(Option<std::sync::Arc<crate::store::Changes>>),
    /// The workbench must end (a remote seat taken over or disconnected), with why.
    End(String),
}

/// How long the loop sleeps when nothing happens: background work (a write waiting for a
/// lock, an export) is looked at this often.
const TICK_EVERY: Duration = Duration::from_millis(250);

/// The loop every workbench runs, whatever feeds it: draw when something changed, take the
/// next input (or a tick), update. Returns the reason given by `Input::End`, if any.
pub fn run_inputs<B: Backend>(
    terminal: &mut Terminal<B>,
    app: &mut App,
    mut next_input: impl FnMut(Duration) -> std::io::Result<Option<Input>>,
) -> Result<Option<String>>
where
    B::Error: Send + Sync + 'static,
{
    let mut dirty = true;
    loop {
        if dirty {
            terminal.draw(|f| view::draw(app, f))?;
            dirty = false;
        }
        if app.quit {
            return Ok(None);
        }
        if std::mem::take(&mut app.drop_typed_ahead) {
            // Keys pressed while a failed write ran: none is applied blind.
            while let Some(input) = next_input(Duration::ZERO)? {
                match input {
                    Input::Event(Event::Key(_)) => {}
                    Input::Event(event) => app.handle_event(&event),
                    Input::Changed(_) => app.update(Action::Refresh),
                    Input::End(why) => return Ok(Some(why)),
                }
            }
            dirty = true;
        }
        match next_input(TICK_EVERY)? {
            Some(Input::Event(event)) => {
                if let Event::Resize(width, height) = event {
                    // The event's size, not the local terminal's: a remote seat's terminal is
                    // the member's, far away.
                    terminal.resize(ratatui::layout::Rect::new(0, 0, width, height))?;
                }
                app.handle_event(&event);
                dirty = true;
            }
            // Another commit: only what changed is reloaded, and drawn if anything was.
            Some(Input::Changed(seen)) => {
                dirty |= app.refresh_after(seen.as_deref());
            }
            Some(Input::End(why)) => return Ok(Some(why)),
            None => {}
        }
        let exporting = app.export.is_some();
        // A watching screen redraws only when something changed: drawing an unchanged frame
        // writes nothing but still costs a full render. A write that was waiting for the lock
        // may finish now and its notice must show.
        let before = (app.notice.clone(), app.waiting_for_database());
        app.update(Action::Tick);
        dirty |= exporting || before != (app.notice.clone(), app.waiting_for_database());
    }
}
