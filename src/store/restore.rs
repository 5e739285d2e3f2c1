//! Restoring the database from a backup: the file is checked first (an SQLite file with
//! council's tables, a schema this version knows, sound pages, an intact audit chain), the
//! current database is backed up, and only then are its pages replaced.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use rusqlite::backup::StepResult;
use rusqlite::{Connection, OpenFlags};

use super::{
    Result, SCHEMA_VERSION, Store, StoreError, backup_path, busy_timeout, check_header, classify,
    refused, restrict_permissions,
};

/// What a restore did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RestoreReport {
    /// Where the database as it was before the restore was saved (None when there was none).
    pub previous: Option<PathBuf>,
    /// Sessions in the restored database.
    pub sessions: usize,
    /// Audit rows in the restored database (all verified).
    pub audit_rows: u64,
}

/// Tables every council database has, whatever its schema version.
const COUNCIL_TABLES: [&str; 4] = ["sessions", "members", "products", "audit"];

/// Opens `from` read-only and refuses it unless it is a sound council database.
fn checked_source(from: &Path) -> Result<Store> {
    let name = from.display().to_string();
    if !from.is_file() {
        return refused(format!("{name}: no such file; nothing was changed"));
    }
    check_header(from)?;
    if std::fs::metadata(from)?.len() == 0 {
        return refused(format!(
            "{name}: the file is empty, not a council database; nothing was changed"
        ));
    }
    let conn = Connection::open_with_flags(
        from,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    conn.busy_timeout(busy_timeout())?;
    let version: i64 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .map_err(|_| StoreError::NotADatabase(name.clone()))?;
    if version > SCHEMA_VERSION {
        return Err(StoreError::NewerDatabase {
            path: name,
            found: version,
            known: SCHEMA_VERSION,
        });
    }
    for table in COUNCIL_TABLES {
        let found: i64 = conn.query_row(
            "SELECT COUNT(*) FROM sqlite_schema WHERE type = 'table' AND name = ?1",
            [table],
            |r| r.get(0),
        )?;
        if version == 0 || found == 0 {
            return refused(format!(
                "{name}: an SQLite file, but not a council database (it has no \"{table}\" table); nothing was changed"
            ));
        }
    }
    let integrity: Result<String, _> = conn.query_row("PRAGMA integrity_check", [], |r| r.get(0));
    if integrity.as_deref() != Ok("ok") {
        return refused(format!(
            "{name}: the file is damaged (SQLite's integrity check fails); nothing was changed"
        ));
    }
    let source = Store {
        operator: None,
        conn,
        path: from.to_path_buf(),
        rubrics: Default::default(),
    };
    if let Some(seq) = source.audit_verify()?.first_broken {
        return refused(format!(
            "{name}: its audit chain is broken at row {seq} (the file was changed outside council); nothing was changed"
        ));
    }
    Ok(source)
}

impl Store {
    /// Replaces the database at `db` with the backup `from`, after checking `from` and saving
    /// the current database beside `db`. Pages are copied with SQLite's backup API under the
    /// database's own locks, so another process with the file open never sees a half copy.
    pub fn restore(db: &Path, from: &Path) -> Result<RestoreReport> {
        let source = checked_source(from)?;
        if db.exists()
            && let (Ok(a), Ok(b)) = (db.canonicalize(), from.canonicalize())
            && a == b
        {
            return refused(format!(
                "{} is the database itself; nothing was changed",
                from.display()
            ));
        }
        let previous = if db.exists() {
            let current = Store::open(db)?;
            let target = backup_path(db, "before-restore");
            current.backup_to(&target)?;
            Some(target)
        } else {
            None
        };
        let name = db.display().to_string();
        if let Some(dir) = db.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|_| StoreError::CannotOpen(name.clone()))?;
        }
        let mut target = Connection::open(db).map_err(|e| classify(e, &name))?;
        restrict_permissions(db)?;
        {
            let backup = rusqlite::backup::Backup::new(&source.conn, &mut target)
                .map_err(|e| classify(e, &name))?;
            // All pages in one step: the destination is locked once and never half written.
            // Another process in a transaction makes the step busy; wait as a writer would.
            let deadline = Instant::now() + busy_timeout();
            loop {
                match backup.step(-1).map_err(|e| classify(e, &name))? {
                    StepResult::Done => break,
                    _ if Instant::now() < deadline => std::thread::sleep(Duration::from_millis(20)),
                    _ => return Err(StoreError::Locked(name)),
                }
            }
        }
        drop(target);
        // Reopen the normal way: WAL, and migrations if the backup is from an older council.
        let restored = Store::open(db)?;
        let audit_rows = restored.audit_verify()?.rows;
        Ok(RestoreReport {
            previous,
            sessions: restored.sessions()?.len(),
            audit_rows,
        })
    }
}
