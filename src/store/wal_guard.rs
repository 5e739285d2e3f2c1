//! A `-wal` file beside the database is replayed into it by the first connection that opens
//! it, whatever database wrote it: a stray WAL (another council database's, copied with the
//! wrong file) would overwrite pages of ours. Nothing in SQLite's WAL format names its
//! database, so council keeps the link itself.
//!
//! **The rule.** After every commit (SQLite's WAL hook), council records the salts of the WAL
//! it just wrote to in a sidecar, `council.db-walid`. SQLite draws new random salts whenever
//! it starts the WAL over, and starts over only after every frame of the old WAL is in the
//! database file; so each WAL "generation" has its own salts, and once a commit has returned,
//! the sidecar names that commit's generation or a later one (sidecar writes are serialised by
//! a lock and re-read the WAL header under it, so they never go back in time). Before SQLite
//! opens the database, when a non-empty WAL is beside it and no other process has it open, the
//! WAL is replayed only if
//! - it holds no committed frame SQLite would replay (bad magic, version or header checksum,
//!   no frame whose salts and cumulative checksum are valid up to a commit): harmless, SQLite
//!   discards it, so it is left alone;
//! - or its page size is the database's and its salts are the ones in the sidecar.
//!
//! Otherwise it is renamed `council.db-wal.stray-TIME` before SQLite sees it. A genuine WAL
//! left by a killed council process passes: its generation is in the sidecar, except when the
//! process was killed between starting a new generation and recording it, and then the WAL
//! holds only that process's last commit, which had not returned (was never reported saved).
//!
//! "No other process has it open" is SQLite's own test: each connection holds a shared lock
//! on the dead-man-switch byte of the `-shm` file (`UNIX_SHM_DMS` in os_unix.c); connections
//! of this process (which those locks do not show it) are counted separately. A WAL in use
//! is never touched.
//!
//! Limits: databases from council versions before this check (no application id) have no
//! sidecar and their WAL is trusted as before; a stray WAL copied together with its own
//! sidecar is not recognised; the locks are advisory and Unix-only (on other systems the WAL
//! is trusted).

use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use rusqlite::Connection;
use rusqlite::ffi;

use super::{APPLICATION_ID, DbHeader, Result};
use crate::files;

const WAL_HEADER: usize = 32;
const FRAME_HEADER: usize = 24;
const WAL_MAGIC_LE: u32 = 0x377f_0682;
const WAL_MAGIC_BE: u32 = 0x377f_0683;
const WAL_VERSION: u32 = 3_007_000;
/// Frames after which a commit checkpoints, as SQLite's default WAL hook does (a hook of our
/// own replaces that one).
const AUTOCHECKPOINT_FRAMES: i32 = 1000;

/// `PATH-wal`, `PATH-shm`, `PATH-walid`.
pub(super) fn companion(db: &Path, suffix: &str) -> PathBuf {
    let mut name = db.as_os_str().to_os_string();
    name.push(suffix);
    PathBuf::from(name)
}

/// The parts of a WAL header the rule needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct WalHeader {
    page_size: u32,
    salts: [u8; 8],
}

/// SQLite's WAL checksum over `data` (whole 8-byte units), continuing from `sum`.
fn checksum(big_endian: bool, data: &[u8], mut sum: (u32, u32)) -> (u32, u32) {
    for pair in data.chunks_exact(8) {
        let word = |b: &[u8]| {
            let b = [b[0], b[1], b[2], b[3]];
            if big_endian {
                u32::from_be_bytes(b)
            } else {
                u32::from_le_bytes(b)
            }
        };
        sum.0 = sum.0.wrapping_add(word(&pair[..4])).wrapping_add(sum.1);
        sum.1 = sum.1.wrapping_add(word(&pair[4..])).wrapping_add(sum.0);
    }
    sum
}

fn be32(b: &[u8]) -> u32 {
    u32::from_be_bytes([b[0], b[1], b[2], b[3]])
}

/// The WAL's header, if SQLite would replay at least one committed frame of it (the same
/// validity rules as SQLite's recovery: magic, version, header checksum, then frames whose
/// salts match and whose cumulative checksum holds, up to a commit frame). Reads only up to
/// the first commit frame, however large the WAL.
fn replayable(mut wal: impl Read) -> Option<WalHeader> {
    let mut header = [0u8; WAL_HEADER];
    wal.read_exact(&mut header).ok()?;
    let big_endian = match be32(&header) {
        WAL_MAGIC_LE => false,
        WAL_MAGIC_BE => true,
        _ => return None,
    };
    let page_size = be32(&header[8..]);
    if be32(&header[4..]) != WAL_VERSION
        || !(512..=65536).contains(&page_size)
        || !page_size.is_power_of_two()
    {
        return None;
    }
    let mut sum = checksum(big_endian, &header[..24], (0, 0));
    if sum != (be32(&header[24..]), be32(&header[28..])) {
        return None;
    }
    let salts: [u8; 8] = header[16..24].try_into().ok()?;
    let mut frame = vec![0u8; FRAME_HEADER + page_size as usize];
    loop {
        wal.read_exact(&mut frame).ok()?;
        if frame[8..16] != salts || be32(&frame) == 0 {
            return None;
        }
        sum = checksum(big_endian, &frame[..8], sum);
        sum = checksum(big_endian, &frame[FRAME_HEADER..], sum);
        if sum != (be32(&frame[16..]), be32(&frame[20..])) {
            return None;
        }
        if be32(&frame[4..]) != 0 {
            return Some(WalHeader { page_size, salts });
        }
    }
}

/// Whether some other process has the database open (holds SQLite's dead-man-switch lock on
/// the `-shm` file). Locks held by this process are not seen, which is right: its own
/// connections keep the sidecar current.
#[cfg(unix)]
pub(super) fn open_elsewhere(db: &Path) -> bool {
    use std::os::fd::AsRawFd;
    /// `UNIX_SHM_DMS` in SQLite's os_unix.c: `(22 + SQLITE_SHM_NLOCK) * 4 + SQLITE_SHM_NLOCK`.
    const DEAD_MAN_SWITCH: libc::off_t = 128;
    let Ok(shm) = std::fs::File::open(companion(db, "-shm")) else {
        return false;
    };
    // SAFETY: a plain fcntl(F_GETLK) on an open descriptor with a zeroed, filled-in flock.
    unsafe {
        let mut lock: libc::flock = std::mem::zeroed();
        lock.l_type = libc::F_WRLCK as _;
        lock.l_whence = libc::SEEK_SET as _;
        lock.l_start = DEAD_MAN_SWITCH;
        lock.l_len = 1;
        libc::fcntl(shm.as_raw_fd(), libc::F_GETLK, &mut lock) == 0
            && lock.l_type != libc::F_UNLCK as libc::c_short
    }
}

#[cfg(not(unix))]
pub(super) fn open_elsewhere(_db: &Path) -> bool {
    true // no way to tell: trust the WAL, as SQLite does
}

/// Databases this process has open (one entry per connection): SQLite's locks do not show a
/// process its own connections, and a WAL one of them is writing must not be moved either.
static OPEN_HERE: std::sync::Mutex<Vec<PathBuf>> = std::sync::Mutex::new(Vec::new());

fn open_here(db: &Path) -> bool {
    let Ok(db) = db.canonicalize() else {
        return false;
    };
    OPEN_HERE.lock().is_ok_and(|open| open.contains(&db))
}

fn read_sidecar(db: &Path) -> Option<[u8; 8]> {
    let text = std::fs::read_to_string(companion(db, "-walid")).ok()?;
    let hex = text.trim();
    if hex.len() != 16 {
        return None;
    }
    let mut salts = [0u8; 8];
    for (i, byte) in salts.iter_mut().enumerate() {
        *byte = u8::from_str_radix(hex.get(2 * i..2 * i + 2)?, 16).ok()?;
    }
    Some(salts)
}

fn sidecar_text(salts: &[u8; 8]) -> String {
    let mut text: String = salts.iter().map(|b| format!("{b:02x}")).collect();
    text.push('\n');
    text
}

/// Applies the rule above before SQLite opens `db`; returns where a stray WAL was moved.
pub(super) fn set_aside_stray_wal(db: &Path, header: Option<&DbHeader>) -> Result<Option<PathBuf>> {
    // A database from before this check has no sidecar to compare with. An empty one (not
    // yet initialised: council writes the first header before the first WAL) has no WAL of
    // its own; SQLite would delete one unread, so it is set aside like any other.
    if header.is_some_and(|h| h.application_id != APPLICATION_ID) {
        return Ok(None);
    }
    let wal_path = companion(db, "-wal");
    if std::fs::metadata(&wal_path).map_or(true, |m| m.len() == 0)
        || open_here(db)
        || open_elsewhere(db)
    {
        return Ok(None);
    }
    let Ok(wal) = std::fs::File::open(&wal_path) else {
        return Ok(None);
    };
    let Some(found) = replayable(std::io::BufReader::new(wal)) else {
        return Ok(None);
    };
    if header.is_some_and(|h| h.page_size == found.page_size)
        && read_sidecar(db) == Some(found.salts)
    {
        return Ok(None);
    }
    let stamp = jiff::Timestamp::now().strftime("%Y%m%dT%H%M%S");
    let aside = (1..)
        .map(|n| match n {
            1 => companion(db, &format!("-wal.stray-{stamp}")),
            n => companion(db, &format!("-wal.stray-{stamp}-{n}")),
        })
        .find(|p| !p.exists())
        .expect("some name is free");
    match std::fs::rename(&wal_path, &aside) {
        Ok(()) => Ok(Some(aside)),
        // Another council process set it aside first.
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e.into()),
    }
}

/// The state of one connection's WAL hook; must outlive the connection.
pub(super) struct WalWatch {
    wal: PathBuf,
    sidecar: PathBuf,
    /// The salts this connection last saw recorded (the sidecar is only read and written
    /// when the WAL's salts differ: a new generation).
    recorded: std::cell::Cell<Option<[u8; 8]>>,
    /// This connection's entry in [`OPEN_HERE`].
    registered: Option<PathBuf>,
}

impl Drop for WalWatch {
    fn drop(&mut self) {
        if let Some(db) = &self.registered
            && let Ok(mut open) = OPEN_HERE.lock()
            && let Some(at) = open.iter().position(|p| p == db)
        {
            open.swap_remove(at);
        }
    }
}

impl WalWatch {
    /// Records the salts of the WAL as it is now in the sidecar, if they are new.
    pub(super) fn record(&self) -> std::io::Result<()> {
        let current = |wal: &Path| -> std::io::Result<Option<[u8; 8]>> {
            let mut header = [0u8; 24];
            match std::fs::File::open(wal).and_then(|mut f| f.read_exact(&mut header)) {
                Ok(()) => Ok(Some(header[16..24].try_into().expect("8 bytes"))),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
                Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => Ok(None),
                Err(e) => Err(e),
            }
        };
        let Some(salts) = current(&self.wal)? else {
            return Ok(());
        };
        if self.recorded.get() == Some(salts) {
            return Ok(());
        }
        let mut sidecar = files::open_private(&self.sidecar)?;
        sidecar.lock()?;
        // Re-read under the lock: what is written is the newest generation, never an older one
        // that another process already replaced.
        let Some(salts) = current(&self.wal)? else {
            return Ok(());
        };
        let text = sidecar_text(&salts);
        let mut old = String::new();
        sidecar.read_to_string(&mut old)?;
        if old != text {
            // Always 17 bytes at offset 0: one write inside one sector.
            sidecar.seek(SeekFrom::Start(0))?;
            sidecar.write_all(text.as_bytes())?;
            sidecar.sync_data()?;
        }
        self.recorded.set(Some(salts));
        Ok(())
    }
}

unsafe extern "C" fn after_commit(
    watch: *mut std::ffi::c_void,
    db: *mut ffi::sqlite3,
    name: *const std::ffi::c_char,
    frames: std::ffi::c_int,
) -> std::ffi::c_int {
    // SAFETY: `watch` is the WalWatch registered with this connection, which outlives it.
    let watch = unsafe { &*(watch as *const WalWatch) };
    // The commit is already durable; failing here would only make SQLite report an error for
    // a saved change. A failed record makes a later open set this WAL aside (recoverably).
    let _ = watch.record();
    if frames >= AUTOCHECKPOINT_FRAMES {
        // SAFETY: called on the connection and database name SQLite handed to the hook.
        unsafe { ffi::sqlite3_wal_checkpoint(db, name) };
    }
    ffi::SQLITE_OK
}

/// Registers the hook that records each commit's WAL generation for `db`.
pub(super) fn watch(conn: &Connection, db: &Path) -> Box<WalWatch> {
    let watch = Box::new(WalWatch {
        wal: companion(db, "-wal"),
        sidecar: companion(db, "-walid"),
        recorded: std::cell::Cell::new(None),
        registered: db.canonicalize().ok(),
    });
    if let (Some(db), Ok(mut open)) = (&watch.registered, OPEN_HERE.lock()) {
        open.push(db.clone());
    }
    // SAFETY: the pointer stays valid while the connection lives (the Store drops the
    // connection before the box), and the hook only reads through it.
    unsafe {
        ffi::sqlite3_wal_hook(
            conn.handle(),
            Some(after_commit),
            &*watch as *const WalWatch as *mut std::ffi::c_void,
        );
    }
    watch
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A WAL as SQLite writes it: header and frames with cumulative checksums.
    fn wal(page_size: u32, salts: [u8; 8], frames: &[(u32, u32)]) -> Vec<u8> {
        let mut out = Vec::new();
        out.extend(WAL_MAGIC_LE.to_be_bytes());
        out.extend(WAL_VERSION.to_be_bytes());
        out.extend(page_size.to_be_bytes());
        out.extend(0u32.to_be_bytes());
        out.extend(salts);
        let mut sum = checksum(false, &out, (0, 0));
        out.extend(sum.0.to_be_bytes());
        out.extend(sum.1.to_be_bytes());
        for &(page, commit) in frames {
            let mut head = Vec::new();
            head.extend(page.to_be_bytes());
            head.extend(commit.to_be_bytes());
            let data = vec![page as u8; page_size as usize];
            sum = checksum(false, &head, sum);
            sum = checksum(false, &data, sum);
            out.extend(head);
            out.extend(salts);
            out.extend(sum.0.to_be_bytes());
            out.extend(sum.1.to_be_bytes());
            out.extend(data);
        }
        out
    }

    #[test]
    fn only_committed_valid_frames_make_a_wal_replayable() {
        let salts = [1, 2, 3, 4, 5, 6, 7, 8];
        let good = wal(512, salts, &[(1, 0), (2, 2)]);
        assert_eq!(
            replayable(&good[..]),
            Some(WalHeader {
                page_size: 512,
                salts
            })
        );
        assert_eq!(
            replayable(&wal(512, salts, &[(1, 0), (2, 0)])[..]),
            None,
            "no commit"
        );
        assert_eq!(replayable(&good[..WAL_HEADER]), None, "header only");
        let mut bad_header = good.clone();
        bad_header[27] ^= 1;
        assert_eq!(replayable(&bad_header[..]), None, "header checksum");
        let mut bad_frame = good.clone();
        bad_frame[WAL_HEADER + FRAME_HEADER + 10] ^= 1;
        assert_eq!(replayable(&bad_frame[..]), None, "first frame's checksum");
        let mut other_salts = good.clone();
        other_salts[WAL_HEADER + 8] ^= 1;
        assert_eq!(
            replayable(&other_salts[..]),
            None,
            "frame of an older generation"
        );
    }

    /// SQLite's locks do not show a process its own connections: a WAL that another
    /// connection of this process is writing is still recognised as in use.
    #[test]
    fn a_wal_this_process_is_writing_is_never_set_aside() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("council.db");
        let holder = super::super::Store::open_or_create(&db).unwrap();
        holder
            .connection()
            .execute_batch("CREATE TABLE scratch (x); INSERT INTO scratch VALUES (1);")
            .unwrap();
        std::fs::write(companion(&db, "-walid"), "0000000000000000\n").unwrap();
        let second = super::super::Store::open(&db).unwrap();
        assert_eq!(second.stray_wal_set_aside(), None);
        assert!(companion(&db, "-wal").exists());
        let rows: i64 = second
            .connection()
            .query_row("SELECT COUNT(*) FROM scratch", [], |r| r.get(0))
            .unwrap();
        assert_eq!(rows, 1);
    }

    #[test]
    fn the_sidecar_round_trips() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("council.db");
        let salts = [0xde, 0xad, 0xbe, 0xef, 0, 1, 2, 0xff];
        std::fs::write(companion(&db, "-walid"), sidecar_text(&salts)).unwrap();
        assert_eq!(read_sidecar(&db), Some(salts));
    }
}
