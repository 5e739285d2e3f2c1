//! Store writes on their own connection and thread, so a write held up by another program's
//! lock never freezes the screen: the update waits a moment (most writes finish in a few
//! milliseconds), and past that the screen says it is waiting and takes no other key until
//! the write is saved or refused.

use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Duration;

use super::screen::AfterWrite;
use crate::store::{SessionData, Store};

pub type StoreResult<T> = crate::store::Result<T>;

/// One write: what it does with the store, given the session as the screen saw it.
pub type Job = Box<dyn FnOnce(&mut Store, &SessionData) -> StoreResult<()> + Send>;

/// A write started and not yet reported, with what to do once it is.
pub struct Pending {
    pub saved: String,
    pub then: AfterWrite,
    pub reload: bool,
}

/// How long an update waits for a write before going on without it: longer than any
/// ordinary write on a slow disk, far shorter than the busy timeout a held lock runs into.
pub const PATIENCE: Duration = Duration::from_millis(800);

/// [`PATIENCE`], or `COUNCIL_WRITE_PATIENCE_MS` when set (very slow test machines).
fn patience() -> Duration {
    std::env::var("COUNCIL_WRITE_PATIENCE_MS")
        .ok()
        .and_then(|ms| ms.trim().parse().ok())
        .map_or(PATIENCE, Duration::from_millis)
}

pub struct Writer {
    jobs: Option<mpsc::Sender<(SessionData, Job)>>,
    outcomes: mpsc::Receiver<StoreResult<()>>,
    /// A write was started and its outcome not yet taken.
    in_flight: bool,
    /// The write the screen is waiting for, once `wait` gave up.
    pub pending: Option<Pending>,
    pub patience: Duration,
}

impl Writer {
    /// A writer thread with its own connection to the database at `path`, opened at once
    /// (and again on the next job if that failed, so opening errors are reported like any
    /// failed write).
    pub fn new(path: &Path) -> Self {
        let (jobs, inbox) = mpsc::channel::<(SessionData, Job)>();
        let (report, outcomes) = mpsc::channel();
        let path: PathBuf = path.to_path_buf();
        std::thread::spawn(move || {
            // Opened up front: opening sets pragmas, which would itself wait on a held lock.
            let mut store: Option<Store> = open(&path).ok();
            for (data, job) in inbox {
                let outcome = match &mut store {
                    Some(store) => job(store, &data),
                    None => match open(&path) {
                        Ok(opened) => job(store.insert(opened), &data),
                        Err(e) => Err(e),
                    },
                };
                if report.send(outcome).is_err() {
                    return;
                }
            }
        });
        Self {
            jobs: Some(jobs),
            outcomes,
            in_flight: false,
            pending: None,
            patience: patience(),
        }
    }

    pub fn is_waiting(&self) -> bool {
        self.pending.is_some()
    }

    /// Hands a job to the writer thread.
    pub fn start(&mut self, data: SessionData, job: Job) {
        self.in_flight = true;
        let sent = self
            .jobs
            .as_ref()
            .is_some_and(|j| j.send((data, job)).is_ok());
        if !sent {
            self.jobs = None;
        }
    }

    /// The started job's outcome if it arrives within the patience, else `None` (it is still
    /// running; [`Writer::poll`] takes it later).
    pub fn wait(&mut self) -> Option<StoreResult<()>> {
        if self.jobs.is_none() {
            self.in_flight = false;
            return Some(Err(crate::store::StoreError::Refused(
                "the database writer stopped; restart council".into(),
            )));
        }
        match self.outcomes.recv_timeout(self.patience) {
            Ok(outcome) => {
                self.in_flight = false;
                Some(outcome)
            }
            Err(_) => None,
        }
    }

    /// The waited-for write, once it is done.
    pub fn poll(&mut self) -> Option<(Pending, StoreResult<()>)> {
        if !self.in_flight || self.pending.is_none() {
            return None;
        }
        let outcome = self.outcomes.try_recv().ok()?;
        self.in_flight = false;
        Some((self.pending.take()?, outcome))
    }
}

fn open(path: &Path) -> StoreResult<Store> {
    if path == Path::new(":memory:") {
        return Err(crate::store::StoreError::Refused(
            "an in-memory database cannot be written from a second connection".into(),
        ));
    }
    Store::open(path)
}
