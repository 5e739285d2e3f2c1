//! Restoring the database from a backup: the file is checked first (an SQLite file with
//! council's tables, a schema this version knows, sound pages, an intact audit chain that
//! agrees with its choices), the current database is kept, and only then are its pages
//! replaced. A damaged current database is never read to be copied: it is moved aside.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use rusqlite::backup::StepResult;
use rusqlite::{Connection, OpenFlags};

use super::{
    FileProblem, Result, SCHEMA_VERSION, Store, StoreError, backup_path, busy_timeout, classify,
    create_empty, missing_council_table, read_header, wal_guard,
};

/// What a restore did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RestoreReport {
    /// Where the database as it was before the restore was saved (None when there was none).
    pub previous: Option<PathBuf>,
    /// Whether that database was damaged (then it was moved aside with its -wal and -shm,
    /// not copied).
    pub previous_damaged: bool,
    /// Sessions in the restored database.
    pub sessions: usize,
    /// Audit rows in the restored database (all verified).
    pub audit_rows: u64,
}

/// Opens `from` read-only and refuses it unless it is a sound council database.
fn checked_source(from: &Path) -> Result<Store> {
    let name = from.display().to_string();
    if !from.is_file() {
        return Err(FileProblem::NoSuchFile(name).into());
    }
    if read_header(from)?.is_none() {
        return Err(FileProblem::EmptyFile(name).into());
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
    let missing = match missing_council_table(&conn)? {
        None if version == 0 => Some("sessions"),
        other => other,
    };
    if let Some(table) = missing {
        return Err(FileProblem::NoCouncilTable { path: name, table }.into());
    }
    let integrity: Result<String, _> = conn.query_row("PRAGMA integrity_check", [], |r| r.get(0));
    if integrity.as_deref() != Ok("ok") {
        return Err(FileProblem::FailsIntegrityCheck(name).into());
    }
    let source = Store {
        operator: None,
        conn,
        path: from.to_path_buf(),
        rubrics: Default::default(),
        wal_watch: None,
        stray_wal: None,
    };
    if let Some(seq) = source.audit_verify()?.first_broken {
        return Err(FileProblem::BrokenChain { path: name, seq }.into());
    }
    let problems = source.audit_cross_check()?;
    if let Some(first) = problems.first() {
        return Err(FileProblem::DisagreesWithLog {
            path: name,
            count: problems.len(),
            first: first.clone(),
        }
        .into());
    }
    Ok(source)
}

/// Whether the current database opens and passes SQLite's integrity check. Errors that say
/// nothing about the file itself (locked, read-only, unreadable) are passed on.
fn current_is_sound(db: &Path) -> Result<bool> {
    match Store::open(db) {
        Ok(store) => Ok(store.integrity_check().is_ok_and(|r| r == "ok")),
        Err(
            StoreError::Damaged(_)
            | StoreError::NotADatabase(_)
            | StoreError::Sqlite(_)
            | StoreError::Migration(_)
            | StoreError::File(FileProblem::Foreign(_) | FileProblem::ForeignApplication(..)),
        ) => Ok(false),
        Err(e) => Err(e),
    }
}

/// Renames the damaged database and its companions (-wal, -shm, -walid) to
/// `council.damaged-TIME.bak[-wal…]`, together, so the pair stays readable as it was.
fn move_aside(db: &Path) -> Result<PathBuf> {
    let aside = backup_path(db, "damaged");
    std::fs::rename(db, &aside)?;
    for suffix in ["-wal", "-shm", "-walid"] {
        let companion = wal_guard::companion(db, suffix);
        if companion.exists() {
            std::fs::rename(&companion, wal_guard::companion(&aside, suffix))?;
        }
    }
    Ok(aside)
}

impl Store {
    /// Replaces the database at `db` with the backup `from`, after checking `from` and saving
    /// the current database beside `db`. Pages are copied with SQLite's backup API under the
    /// database's own locks, so another process with the file open never sees a half copy.
    /// A damaged database is moved aside instead (only when no other process has it open).
    pub fn restore(db: &Path, from: &Path) -> Result<RestoreReport> {
        let source = checked_source(from)?;
        let name = db.display().to_string();
        if db.exists()
            && let (Ok(a), Ok(b)) = (db.canonicalize(), from.canonicalize())
            && a == b
        {
            return Err(FileProblem::IsTheDatabase(from.display().to_string()).into());
        }
        let (previous, previous_damaged) = if db.is_dir() {
            return Err(FileProblem::IsAFolder(name).into());
        } else if !db.exists() {
            create_empty(db)?;
            (None, false)
        } else if current_is_sound(db)? {
            let current = Store::open(db)?;
            let target = backup_path(db, "before-restore");
            current.backup_to(&target)?;
            (Some(target), false)
        } else if wal_guard::open_elsewhere(db) {
            return Err(FileProblem::DamagedInUse(name).into());
        } else {
            let aside = move_aside(db)?;
            create_empty(db)?;
            (Some(aside), true)
        };
        let mut target = Connection::open_with_flags(
            db,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(|e| classify(e, &name))?;
        let watch = wal_guard::watch(&target, db);
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
        // The backup API commits without SQLite's WAL hook: record the generation here.
        watch.record()?;
        drop(target);
        drop(watch);
        // Reopen the normal way: WAL, and migrations if the backup is from an older council.
        let restored = Store::open(db)?;
        let audit_rows = restored.audit_verify()?.rows;
        Ok(RestoreReport {
            previous,
            previous_damaged,
            sessions: restored.sessions()?.len(),
            audit_rows,
        })
    }
}
