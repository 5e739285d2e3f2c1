//! `council serve`: the secretary's laptop as an SSH server, so members score from their own
//! laptops with the SSH client their system already has (Windows 10/11, macOS, Linux).
//!
//! Each connection signs in as a place of the session (`ghe4`, `phong`) with that place's
//! one-time code (`meeting::access`, recorded by the store); its session channel gets a
//! pseudo-terminal running the member's own workbench (`seat`), which writes through the same
//! store and meeting rules as every other front end. Nothing else is served: no shell, no
//! command, no forwarding, no subsystem (sftp), no agent, no X11, no environment.
//!
//! One watcher polls the database's change counter for the whole server and tells every seat
//! when something was committed (by a seat, the secretary or any other process), so the seats
//! never poll on their own. A place has one connection at a time: a newer one takes over and
//! the older is closed with a message.

pub mod hostkey;
pub mod input;
pub mod login;
mod seat;
mod words;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc as std_mpsc;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use color_eyre::eyre::{Result, WrapErr, eyre};
use russh::server::{Auth, Msg, Server as _, Session};
use russh::{Channel, ChannelId, MethodKind, MethodSet};

use crate::i18n::Lang;
use crate::meeting::access::Place;
use crate::store::{Store, StoreError};
use crate::tui::{Input, Keymap};
use input::InputDecoder;
use seat::{Out, SeatStart};
pub use words::words;

/// Default port: above 1024 so no administrator rights are needed.
pub const DEFAULT_PORT: u16 = 2222;

/// How often the one watcher looks at the database's change counter.
const WATCH_EVERY: Duration = Duration::from_millis(40);

pub struct ServeOptions {
    pub db: PathBuf,
    pub session_id: i64,
    pub listen: SocketAddr,
    /// The language of a seat whose sign-in name does not choose one.
    pub lang: Lang,
    pub keymap: Keymap,
}

/// What a started server tells whoever started it.
pub struct Ready {
    pub listen: SocketAddr,
    pub addresses: Vec<String>,
    pub fingerprint: String,
    pub host_key: PathBuf,
}

/// A live seat's way in: its inputs and the thread that runs it.
struct Live {
    connection: i64,
    place: Place,
    inputs: std_mpsc::Sender<Input>,
    lang: Lang,
    thread: Option<std::thread::JoinHandle<()>>,
}

struct Shared {
    options: ServeOptions,
    /// Sign-ins and connection records (brief writes, one at a time).
    store: Mutex<Store>,
    live: Mutex<Vec<Live>>,
    stopping: AtomicBool,
}

impl Shared {
    /// Ends the seat's other connection (newer wins), waiting until its screen is gone so the
    /// sheet it held is released before the new one takes it.
    fn take_over(&self, place: Place, by: &str) {
        let old: Vec<Live> = {
            let mut live = self.live.lock().expect("live seats");
            let (old, keep) = live.drain(..).partition(|l| l.place == place);
            *live = keep;
            old
        };
        for mut l in old {
            let message = crate::i18n::fill(words(l.lang).replaced, &[("peer", by)]);
            let _ = l.inputs.send(Input::End(message));
            if let Some(thread) = l.thread.take() {
                let _ = thread.join();
            }
        }
    }

    fn end(&self, connection: i64, why: impl Fn(Lang) -> String) {
        let live = self.live.lock().expect("live seats");
        for l in live.iter().filter(|l| l.connection == connection) {
            let _ = l.inputs.send(Input::End(why(l.lang)));
        }
    }

    fn broadcast_change(&self, seen: Option<Arc<crate::store::Changes>>) {
        let mut live = self.live.lock().expect("live seats");
        // A seat whose thread ended has dropped its receiver: forget it.
        live.retain(|l| l.inputs.send(Input::Changed(seen.clone())).is_ok());
    }
}

/// The watcher: one connection's `PRAGMA data_version` for the whole server, and the
/// secretary's disconnect requests.
fn watch(shared: Arc<Shared>) {
    let Ok(store) = Store::open(&shared.options.db) else {
        return;
    };
    let mut version = store.data_version().unwrap_or(0);
    while !shared.stopping.load(Ordering::Relaxed) {
        std::thread::sleep(WATCH_EVERY);
        let Ok(now) = store.data_version() else {
            continue;
        };
        if now == version {
            continue;
        }
        version = now;
        // Read once here for every seat; a seat whose counters did not move reads nothing.
        let seen = store.changes(shared.options.session_id).ok().map(Arc::new);
        shared.broadcast_change(seen);
        for connection in store.disconnect_requests().unwrap_or_default() {
            shared.end(connection, |lang| words(lang).disconnected.to_string());
        }
    }
}

/// Starts the server and blocks until `stop` is set (Ctrl-C in `council serve`).
pub fn run(
    options: ServeOptions,
    stop: Arc<AtomicBool>,
    on_ready: impl FnOnce(&Ready),
) -> Result<()> {
    let key_path = hostkey::path_for(&options.db);
    let key = hostkey::load_or_create(&key_path)?;
    let fingerprint = hostkey::fingerprint(&key);
    let mut store = Store::open(&options.db)?;
    store.seat_codes(options.session_id)?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .wrap_err("cannot start the network runtime")?;
    let listener = runtime
        .block_on(tokio::net::TcpListener::bind(options.listen))
        .wrap_err_with(|| format!("cannot listen on {}", options.listen))?;
    let listen = listener.local_addr()?;
    let addresses = addresses_to_give(listen);
    store.server_started(
        options.session_id,
        &listen.to_string(),
        &addresses,
        &fingerprint,
    )?;
    let shared = Arc::new(Shared {
        options,
        store: Mutex::new(store),
        live: Mutex::new(Vec::new()),
        stopping: AtomicBool::new(false),
    });
    on_ready(&Ready {
        listen,
        addresses,
        fingerprint,
        host_key: key_path,
    });
    let watcher = {
        let shared = shared.clone();
        std::thread::spawn(move || watch(shared))
    };
    let config = Arc::new(russh::server::Config {
        server_id: russh::SshId::Standard("SSH-2.0-council".into()),
        methods: MethodSet::from(
            &[
                MethodKind::KeyboardInteractive,
                MethodKind::Password,
                MethodKind::PublicKey,
            ][..],
        ),
        auth_rejection_time: Duration::from_millis(300),
        auth_rejection_time_initial: Some(Duration::ZERO),
        keys: vec![key],
        // A member whose laptop sleeps is let go after a while; their choices are all saved.
        inactivity_timeout: Some(Duration::from_secs(3 * 3600)),
        keepalive_interval: Some(Duration::from_secs(30)),
        nodelay: true,
        ..Default::default()
    });
    let result: Result<()> = runtime.block_on(async {
        let mut server = SeatServer {
            shared: shared.clone(),
        };
        let running = server.run_on_socket(config, &listener);
        let handle = running.handle();
        let stopper = tokio::spawn(async move {
            let asked = async {
                while !stop.load(Ordering::Relaxed) {
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
            };
            // Ctrl-C or a service manager's SIGTERM stop the server cleanly: every seat says
            // so and the connections are recorded as ended.
            tokio::select! {
                () = asked => {}
                _ = tokio::signal::ctrl_c() => {}
                () = terminated() => {}
            }
            handle.shutdown("council serve stopped".into());
        });
        let outcome = running.await;
        stopper.abort();
        outcome.map_err(|e| eyre!("the seat server stopped: {e}"))
    });
    shared.stopping.store(true, Ordering::Relaxed);
    let live: Vec<Live> = shared.live.lock().expect("live seats").drain(..).collect();
    for mut l in live {
        let _ = l
            .inputs
            .send(Input::End(words(l.lang).server_stopping.to_string()));
        if let Some(thread) = l.thread.take() {
            let _ = thread.join();
        }
    }
    let _ = watcher.join();
    let _ = shared.store.lock().expect("store").server_stopped();
    runtime.shutdown_timeout(Duration::from_secs(1));
    result
}

#[cfg(unix)]
async fn terminated() {
    match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
        Ok(mut signal) => {
            signal.recv().await;
        }
        Err(_) => std::future::pending().await,
    }
}

#[cfg(not(unix))]
async fn terminated() {
    std::future::pending().await
}

/// The addresses members type: the listening address itself, or with every interface, each
/// of this machine's IPv4 addresses.
fn addresses_to_give(listen: SocketAddr) -> Vec<String> {
    if !listen.ip().is_unspecified() {
        return vec![listen.to_string()];
    }
    let mut found: Vec<String> = local_ipv4()
        .into_iter()
        .map(|ip| format!("{ip}:{}", listen.port()))
        .collect();
    if found.is_empty() {
        found.push(format!("127.0.0.1:{}", listen.port()));
    }
    found
}

#[cfg(unix)]
fn local_ipv4() -> Vec<std::net::Ipv4Addr> {
    let mut found = Vec::new();
    // SAFETY: getifaddrs fills a list we walk read-only and free once.
    unsafe {
        let mut list: *mut libc::ifaddrs = std::ptr::null_mut();
        if libc::getifaddrs(&mut list) != 0 {
            return found;
        }
        let mut at = list;
        while !at.is_null() {
            let entry = &*at;
            if !entry.ifa_addr.is_null() && i32::from((*entry.ifa_addr).sa_family) == libc::AF_INET
            {
                let addr = &*(entry.ifa_addr as *const libc::sockaddr_in);
                let ip = std::net::Ipv4Addr::from(u32::from_be(addr.sin_addr.s_addr));
                if !ip.is_loopback() && !found.contains(&ip) {
                    found.push(ip);
                }
            }
            at = entry.ifa_next;
        }
        libc::freeifaddrs(list);
    }
    found
}

#[cfg(not(unix))]
fn local_ipv4() -> Vec<std::net::Ipv4Addr> {
    // Without an interface list, the address the system would route from.
    std::net::UdpSocket::bind("0.0.0.0:0")
        .and_then(|s| s.connect("192.0.2.1:9").map(|_| s))
        .and_then(|s| s.local_addr())
        .ok()
        .and_then(|a| match a.ip() {
            std::net::IpAddr::V4(ip) if !ip.is_unspecified() => Some(ip),
            _ => None,
        })
        .into_iter()
        .collect()
}

#[derive(Clone)]
struct SeatServer {
    shared: Arc<Shared>,
}

impl russh::server::Server for SeatServer {
    type Handler = Connection;

    fn new_client(&mut self, peer: Option<SocketAddr>) -> Connection {
        Connection {
            shared: self.shared.clone(),
            peer: peer.map_or_else(|| "?".into(), |p| p.to_string()),
            signed_in: None,
            lang: self.shared.options.lang,
            last_refusal: None,
            channel: None,
            size: (80, 24),
            seat: None,
        }
    }
}

/// A started seat, as the connection's handler sees it.
struct SeatLink {
    inputs: std_mpsc::Sender<Input>,
    decoder: InputDecoder,
}

/// One SSH connection.
pub struct Connection {
    shared: Arc<Shared>,
    peer: String,
    signed_in: Option<Place>,
    lang: Lang,
    /// Why the last sign-in was refused, shown with the next prompt.
    last_refusal: Option<String>,
    channel: Option<ChannelId>,
    size: (u16, u16),
    seat: Option<SeatLink>,
}

#[derive(Debug)]
pub struct ServeError(String);

impl std::fmt::Display for ServeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ServeError {}

impl From<russh::Error> for ServeError {
    fn from(e: russh::Error) -> Self {
        Self(e.to_string())
    }
}

fn reject() -> Auth {
    Auth::Reject {
        proceed_with_methods: None,
        partial_success: false,
    }
}

impl Connection {
    /// Which place a sign-in name asks for (and its language); a name that is no place is
    /// remembered as the refusal to show.
    fn place_for(&mut self, user: &str) -> Option<Place> {
        match login::parse(user) {
            Some((place, lang)) => {
                if let Some(lang) = lang {
                    self.lang = lang;
                }
                Some(place)
            }
            None => {
                self.last_refusal = Some(crate::i18n::refusal(
                    self.lang,
                    &crate::meeting::Refusal::NotASeat {
                        login: user.to_string(),
                    },
                ));
                None
            }
        }
    }

    async fn check_code(&mut self, place: Place, code: String) -> Result<Auth, ServeError> {
        let shared = self.shared.clone();
        let outcome = tokio::task::spawn_blocking(move || {
            let mut store = shared.store.lock().expect("store");
            store.sign_in_with_code(shared.options.session_id, place, &code)
        })
        .await
        .map_err(|e| ServeError(e.to_string()))?;
        Ok(self.auth_outcome(place, outcome))
    }

    fn auth_outcome(&mut self, place: Place, outcome: crate::store::Result<()>) -> Auth {
        match outcome {
            Ok(()) => {
                self.signed_in = Some(place);
                self.last_refusal = None;
                Auth::Accept
            }
            Err(e) => {
                self.last_refusal = Some(match &e {
                    StoreError::Rule(r) => crate::i18n::refusal(self.lang, r),
                    other => other.text(self.lang),
                });
                reject()
            }
        }
    }

    fn prompt(&self, place: Place) -> String {
        let w = words(self.lang);
        match place {
            Place::Seat(seat) => crate::i18n::fill(w.code_prompt, &[("seat", &seat.to_string())]),
            Place::Display => w.display_prompt.to_string(),
        }
    }

    /// Starts the signed-in place's screen on its own thread.
    async fn start_seat(
        &mut self,
        channel: ChannelId,
        session: &mut Session,
    ) -> Result<(), ServeError> {
        let Some(place) = self.signed_in else {
            return Err(ServeError("not signed in".into()));
        };
        let shared = self.shared.clone();
        let peer = self.peer.clone();
        // The older connection of this place ends first (and releases its sheet).
        let opened = tokio::task::spawn_blocking(move || {
            shared.take_over(place, &peer);
            let mut store = shared.store.lock().expect("store");
            store.connection_opened(shared.options.session_id, place, &peer)
        })
        .await
        .map_err(|e| ServeError(e.to_string()))?
        .map_err(|e| ServeError(e.to_string()))?;
        let (inputs, receiver) = std_mpsc::channel();
        let (out, mut outgoing) = tokio::sync::mpsc::unbounded_channel::<Out>();
        let handle = session.handle();
        tokio::spawn(async move {
            while let Some(message) = outgoing.recv().await {
                match message {
                    Out::Data(bytes) => {
                        if handle.data(channel, bytes).await.is_err() {
                            break;
                        }
                    }
                    Out::End => {
                        let _ = handle.exit_status_request(channel, 0).await;
                        let _ = handle.eof(channel).await;
                        let _ = handle.close(channel).await;
                        break;
                    }
                }
            }
        });
        let start = SeatStart {
            db: self.shared.options.db.clone(),
            session_id: self.shared.options.session_id,
            place,
            lang: self.lang,
            keymap: self.shared.options.keymap.clone(),
            size: self.size,
            connection: opened,
            inputs: receiver,
            out,
        };
        let thread = std::thread::Builder::new()
            .name(format!("seat {}", place.number()))
            .spawn(move || seat::run(start))
            .map_err(|e| ServeError(e.to_string()))?;
        self.shared.live.lock().expect("live seats").push(Live {
            connection: opened,
            place,
            inputs: inputs.clone(),
            lang: self.lang,
            thread: Some(thread),
        });
        self.seat = Some(SeatLink {
            inputs,
            decoder: InputDecoder::default(),
        });
        Ok(())
    }

    fn send(&self, input: Input) {
        if let Some(seat) = &self.seat {
            let _ = seat.inputs.send(input);
        }
    }

    /// Refuses a channel request and, unless the seat's screen runs on it, closes the channel.
    fn refuse(&mut self, channel: ChannelId, session: &mut Session) -> Result<(), ServeError> {
        session.channel_failure(channel)?;
        if self.seat.is_none() {
            session.close(channel)?;
        }
        Ok(())
    }
}

impl Drop for Connection {
    fn drop(&mut self) {
        // The connection is gone (dropped Wi-Fi, closed window): its seat ends; every choice
        // was committed when it was made.
        self.send(Input::End("connection lost".into()));
    }
}

impl russh::server::Handler for Connection {
    type Error = ServeError;

    async fn auth_none(&mut self, _user: &str) -> Result<Auth, Self::Error> {
        Ok(Auth::Reject {
            proceed_with_methods: Some(MethodSet::from(
                &[
                    MethodKind::KeyboardInteractive,
                    MethodKind::Password,
                    MethodKind::PublicKey,
                ][..],
            )),
            partial_success: false,
        })
    }

    async fn auth_password(&mut self, user: &str, password: &str) -> Result<Auth, Self::Error> {
        let Some(place) = self.place_for(user) else {
            return Ok(reject());
        };
        self.check_code(place, password.to_string()).await
    }

    async fn auth_keyboard_interactive<'a>(
        &'a mut self,
        user: &str,
        _submethods: &str,
        response: Option<russh::server::Response<'a>>,
    ) -> Result<Auth, Self::Error> {
        // Why the last try was refused goes into the prompt itself: clients print a prompt as
        // it is, but escape the non-ASCII letters of "instructions" outside a UTF-8 locale.
        let Some(place) = self.place_for(user) else {
            return Ok(match response {
                None => Auth::Partial {
                    name: "".into(),
                    instructions: "".into(),
                    prompts: vec![(
                        format!("{}\r\n> ", self.last_refusal.clone().unwrap_or_default()).into(),
                        true,
                    )]
                    .into(),
                },
                Some(_) => reject(),
            });
        };
        match response {
            None => {
                // A locked seat says so before its code is typed.
                let shared = self.shared.clone();
                let open = tokio::task::spawn_blocking(move || {
                    let store = shared.store.lock().expect("store");
                    store.sign_in_open(shared.options.session_id, place)
                })
                .await
                .map_err(|e| ServeError(e.to_string()))?;
                if let Err(e) = open {
                    let _ = self.auth_outcome(place, Err(e));
                }
                let prompt = match &self.last_refusal {
                    Some(why) => format!("{why}\r\n{}", self.prompt(place)),
                    None => self.prompt(place),
                };
                Ok(Auth::Partial {
                    name: "".into(),
                    instructions: "".into(),
                    prompts: vec![(prompt.into(), false)].into(),
                })
            }
            Some(mut answers) => {
                let code = answers
                    .next()
                    .map(|b| String::from_utf8_lossy(&b).into_owned())
                    .unwrap_or_default();
                self.check_code(place, code).await
            }
        }
    }

    async fn auth_publickey_offered(
        &mut self,
        user: &str,
        offer: russh::server::PublicKeyOffer<'_>,
    ) -> Result<Auth, Self::Error> {
        // Only a key registered for that seat is worth its signature; an unknown key is not a
        // failed sign-in (clients offer every key they have).
        let Some((place, _)) = login::parse(user) else {
            return Ok(reject());
        };
        let fingerprint = offer
            .public_key
            .fingerprint(russh::keys::HashAlg::Sha256)
            .to_string();
        let shared = self.shared.clone();
        let known = tokio::task::spawn_blocking(move || {
            let mut store = shared.store.lock().expect("store");
            store.sign_in_with_key(shared.options.session_id, place, &fingerprint)
        })
        .await
        .map_err(|e| ServeError(e.to_string()))?;
        Ok(if matches!(known, Ok(true)) {
            Auth::Accept
        } else {
            reject()
        })
    }

    async fn auth_publickey(
        &mut self,
        user: &str,
        key: russh::server::VerifiedPublicKey<'_>,
    ) -> Result<Auth, Self::Error> {
        let Some(place) = self.place_for(user) else {
            return Ok(reject());
        };
        let fingerprint = key
            .public_key
            .fingerprint(russh::keys::HashAlg::Sha256)
            .to_string();
        let shared = self.shared.clone();
        let outcome = tokio::task::spawn_blocking(move || {
            let mut store = shared.store.lock().expect("store");
            store.sign_in_with_key(shared.options.session_id, place, &fingerprint)
        })
        .await
        .map_err(|e| ServeError(e.to_string()))?;
        Ok(match outcome {
            Ok(true) => self.auth_outcome(place, Ok(())),
            Ok(false) => reject(),
            Err(e) => self.auth_outcome(place, Err(e)),
        })
    }

    async fn channel_open_session(
        &mut self,
        channel: Channel<Msg>,
        reply: russh::server::ChannelOpenHandle,
        _session: &mut Session,
    ) -> Result<(), Self::Error> {
        // One screen per connection.
        if self.channel.is_some() {
            reply
                .reject(russh::ChannelOpenFailure::AdministrativelyProhibited)
                .await;
            return Ok(());
        }
        self.channel = Some(channel.id());
        reply.accept().await;
        Ok(())
    }

    async fn pty_request(
        &mut self,
        channel: ChannelId,
        _term: &str,
        col_width: u32,
        row_height: u32,
        _pix_width: u32,
        _pix_height: u32,
        _modes: &[(russh::Pty, u32)],
        session: &mut Session,
    ) -> Result<(), Self::Error> {
        self.size = (clamp(col_width), clamp(row_height));
        session.channel_success(channel)?;
        Ok(())
    }

    async fn shell_request(
        &mut self,
        channel: ChannelId,
        session: &mut Session,
    ) -> Result<(), Self::Error> {
        if self.seat.is_some() || self.signed_in.is_none() {
            return self.refuse(channel, session);
        }
        session.channel_success(channel)?;
        self.start_seat(channel, session).await
    }

    async fn exec_request(
        &mut self,
        channel: ChannelId,
        _data: &[u8],
        session: &mut Session,
    ) -> Result<(), Self::Error> {
        // Taken only to say why nothing runs: the command itself is never looked at.
        session.channel_success(channel)?;
        let why = words(self.lang).no_commands;
        session.extended_data(channel, 1, why.as_bytes().to_vec())?;
        session.exit_status_request(channel, 1)?;
        session.eof(channel)?;
        session.close(channel)?;
        Ok(())
    }

    async fn subsystem_request(
        &mut self,
        channel: ChannelId,
        _name: &str,
        session: &mut Session,
    ) -> Result<(), Self::Error> {
        // No sftp or any other subsystem: the client reports the refusal itself.
        self.refuse(channel, session)
    }

    async fn env_request(
        &mut self,
        channel: ChannelId,
        _name: &str,
        _value: &str,
        session: &mut Session,
    ) -> Result<(), Self::Error> {
        // Refused without closing: clients send LANG before asking for the screen.
        session.channel_failure(channel)?;
        Ok(())
    }

    async fn x11_request(
        &mut self,
        channel: ChannelId,
        _single: bool,
        _protocol: &str,
        _cookie: &str,
        _screen: u32,
        session: &mut Session,
    ) -> Result<(), Self::Error> {
        session.channel_failure(channel)?;
        Ok(())
    }

    async fn agent_request(
        &mut self,
        _channel: ChannelId,
        _session: &mut Session,
    ) -> Result<bool, Self::Error> {
        Ok(false)
    }

    async fn tcpip_forward(
        &mut self,
        _address: &str,
        _port: &mut u32,
        _session: &mut Session,
    ) -> Result<bool, Self::Error> {
        Ok(false)
    }

    async fn streamlocal_forward(
        &mut self,
        _path: &str,
        _session: &mut Session,
    ) -> Result<bool, Self::Error> {
        Ok(false)
    }

    async fn channel_open_direct_tcpip(
        &mut self,
        _channel: Channel<Msg>,
        _host: &str,
        _port: u32,
        _originator: &str,
        _originator_port: u32,
        reply: russh::server::ChannelOpenHandle,
        _session: &mut Session,
    ) -> Result<(), Self::Error> {
        reply
            .reject(russh::ChannelOpenFailure::AdministrativelyProhibited)
            .await;
        Ok(())
    }

    async fn data(
        &mut self,
        _channel: ChannelId,
        data: &[u8],
        _session: &mut Session,
    ) -> Result<(), Self::Error> {
        if let Some(seat) = &mut self.seat {
            for event in seat.decoder.feed(data) {
                let _ = seat.inputs.send(Input::Event(event));
            }
        }
        Ok(())
    }

    async fn window_change_request(
        &mut self,
        _channel: ChannelId,
        col_width: u32,
        row_height: u32,
        _pix_width: u32,
        _pix_height: u32,
        _session: &mut Session,
    ) -> Result<(), Self::Error> {
        self.size = (clamp(col_width), clamp(row_height));
        self.send(Input::Event(crossterm::event::Event::Resize(
            self.size.0,
            self.size.1,
        )));
        Ok(())
    }

    async fn channel_eof(
        &mut self,
        _channel: ChannelId,
        _session: &mut Session,
    ) -> Result<(), Self::Error> {
        self.send(Input::End("connection closed".into()));
        Ok(())
    }

    async fn channel_close(
        &mut self,
        _channel: ChannelId,
        _session: &mut Session,
    ) -> Result<(), Self::Error> {
        self.send(Input::End("connection closed".into()));
        Ok(())
    }
}

fn clamp(cells: u32) -> u16 {
    cells.clamp(1, 500) as u16
}
