//! `council serve` (the seat server) and `council seat …` (its codes, keys and connections).

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use clap::{Args, Subcommand};
use color_eyre::eyre::{Result, eyre};

use super::{Global, paths};
use crate::i18n::Lang;
use crate::meeting::access::Place;
use crate::serve::{self, ServeOptions, login};
use crate::store::{SessionData, Store};

#[derive(Args, Debug)]
pub struct ServeArgs {
    /// Address and port to listen on [default: every interface of the local network, port 2222]
    #[arg(long, value_name = "ADDR:PORT")]
    pub listen: Option<SocketAddr>,
    #[arg(long)]
    pub session: Option<String>,
    /// Print the addresses and codes and serve until stopped, without opening the
    /// secretary's screen here
    #[arg(long)]
    pub headless: bool,
}

#[derive(Subcommand, Debug)]
pub enum SeatCmd {
    /// Every seat's sign-in name and one-time code, and who is connected
    Codes {
        #[arg(long)]
        session: Option<String>,
    },
    /// A new code for one seat (ghe4, 4, phong), or for every seat with --all; the old code
    /// stops working and the seat is unlocked
    Regenerate {
        #[arg(required_unless_present = "all")]
        seat: Option<String>,
        #[arg(long, conflicts_with = "seat")]
        all: bool,
        #[arg(long)]
        session: Option<String>,
    },
    /// Free a seat locked after wrong codes
    Unlock {
        seat: String,
        #[arg(long)]
        session: Option<String>,
    },
    /// Let a member sign in with their SSH public key (the line of their id_ed25519.pub)
    Key {
        seat: String,
        public_key: String,
        #[arg(long)]
        session: Option<String>,
    },
    /// Close a seat's connection
    Disconnect {
        seat: String,
        #[arg(long)]
        session: Option<String>,
    },
}

fn place_arg(lang: Lang, seat: &str) -> Result<Place> {
    login::parse(seat).map(|(place, _)| place).ok_or_else(|| {
        eyre!(crate::i18n::refusal(
            lang,
            &crate::meeting::Refusal::NotASeat {
                login: seat.to_string()
            }
        ))
    })
}

pub fn seat_cmd(g: &Global, cmd: &SeatCmd) -> Result<()> {
    let lang = g.lang();
    let session = match cmd {
        SeatCmd::Codes { session }
        | SeatCmd::Regenerate { session, .. }
        | SeatCmd::Unlock { session, .. }
        | SeatCmd::Key { session, .. }
        | SeatCmd::Disconnect { session, .. } => session.as_deref(),
    };
    let mut store = g.open_store()?;
    let id = store.find_session(session)?.id;
    let t = serve::words(lang);
    match cmd {
        SeatCmd::Codes { .. } => {}
        SeatCmd::Regenerate { seat, .. } => {
            let place = seat.as_deref().map(|s| place_arg(lang, s)).transpose()?;
            store.regenerate_seat_code(id, place)?;
        }
        SeatCmd::Unlock { seat, .. } => {
            store.unlock_seat(id, place_arg(lang, seat)?)?;
        }
        SeatCmd::Key {
            seat, public_key, ..
        } => {
            let place = place_arg(lang, seat)?;
            let key = russh::keys::PublicKey::from_openssh(public_key.trim())
                .map_err(|e| eyre!("{}: {e}", t.not_a_public_key))?;
            let fingerprint = key.fingerprint(russh::keys::HashAlg::Sha256).to_string();
            store.add_seat_key(id, place, &fingerprint, public_key.trim())?;
            println!("{fingerprint}");
            return Ok(());
        }
        SeatCmd::Disconnect { seat, .. } => {
            let closed = store.request_disconnect(id, place_arg(lang, seat)?)?;
            if closed == 0 {
                println!("{}", t.nobody_connected);
            }
            return Ok(());
        }
    }
    let data = store.load_session(id)?;
    print!("{}", codes_table(&mut store, &data, lang)?);
    Ok(())
}

/// The table the secretary reads out or prints on slips: every place, its sign-in name, its
/// code, and who is connected from where.
pub fn codes_table(store: &mut Store, data: &SessionData, lang: Lang) -> Result<String> {
    let t = serve::words(lang);
    let codes = store.seat_codes(data.info.id)?;
    let connections = store.open_connections(data.info.id)?;
    let mut out = format!("{}\n", t.codes_heading);
    for code in &codes {
        let who = match code.place {
            Place::Seat(seat) => data
                .member(seat)
                .map_or_else(String::new, |m| m.name.clone()),
            Place::Display => t.display_name.to_string(),
        };
        let state = if code.locked {
            t.state_locked.to_string()
        } else if let Some(c) = connections.iter().find(|c| c.place == code.place) {
            crate::i18n::fill(t.state_connected, &[("peer", &c.peer)])
        } else {
            String::new()
        };
        out.push_str(&format!(
            "  {:<3} {} {:<7} {}  {}\n",
            code.place.number(),
            crate::tui::widgets::fit(&who, 28),
            login::login_of(code.place),
            code.code,
            state
        ));
    }
    Ok(out)
}

pub fn serve_cmd(g: &Global, args: &ServeArgs) -> Result<()> {
    let lang = super::workbench_lang(g)?;
    let keymap = crate::tui::Keymap::load(&paths::config_dir())?;
    let mut store = g.open_store()?;
    let session = store.find_session(args.session.as_deref())?;
    let listen = args
        .listen
        .unwrap_or_else(|| SocketAddr::from(([0, 0, 0, 0], serve::DEFAULT_PORT)));
    let data = store.load_session(session.id)?;
    let dashboard = !args.headless && crate::tui::check_terminal(lang).is_ok();
    let options = ServeOptions {
        db: store.path().to_path_buf(),
        session_id: session.id,
        listen,
        lang,
        keymap: keymap.clone(),
    };
    let stop = Arc::new(AtomicBool::new(false));
    let (ready_tx, ready_rx) = std::sync::mpsc::channel();
    let server = {
        let stop = stop.clone();
        std::thread::spawn(move || {
            serve::run(options, stop, |ready| {
                let _ = ready_tx.send((
                    ready.addresses.clone(),
                    ready.fingerprint.clone(),
                    ready.listen,
                ));
            })
        })
    };
    let Ok((addresses, fingerprint, bound)) = ready_rx.recv() else {
        return server.join().map_err(|_| eyre!("the seat server failed"))?;
    };
    let t = serve::words(lang);
    println!(
        "{}",
        crate::i18n::fill(
            t.serving,
            &[("session", &data.info.code), ("listen", &bound.to_string())]
        )
    );
    println!(
        "{}",
        crate::i18n::fill(t.fingerprint_line, &[("fingerprint", &fingerprint)])
    );
    println!("{}", t.addresses_heading);
    for address in &addresses {
        let (host, port) = address.rsplit_once(':').unwrap_or((address, "2222"));
        println!("  ssh -p {port} ghe4@{host}");
    }
    print!("{}", codes_table(&mut store, &data, lang)?);
    if dashboard {
        drop(store);
        let store = g.open_store()?;
        let outcome = crate::tui::run(store, session.id, crate::tui::Role::Secretary, lang, keymap);
        stop.store(true, Ordering::Relaxed);
        let served = server.join().map_err(|_| eyre!("the seat server failed"))?;
        outcome.and(served)
    } else {
        println!("{}", t.stop_hint);
        use std::io::Write;
        let _ = std::io::stdout().flush();
        server.join().map_err(|_| eyre!("the seat server failed"))?
    }
}
