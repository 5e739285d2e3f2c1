//! The only code that touches SQLite: opening, migrations, queries and the audit log.
//!
//! Every change is one IMMEDIATE transaction that also appends its audit row, so a choice is
//! either fully saved (and logged) or not at all, and two processes never interleave writes.

mod audit;
mod lifecycle;
mod load;
mod sheets;

use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{Connection, OpenFlags, TransactionBehavior};
use rusqlite_migration::{M, Migrations};

pub use audit::{AuditEntry, AuditReport};
pub use lifecycle::Quorum;
pub use load::{MemberRow, ProductRow, ProductStatus, SessionData, SessionSummary};
pub use sheets::{ChoiceRow, ImportReport, SheetKey, StoredSheet, result_from_sheets};
pub use audit::sha256_hex;

/// Append-only list of migrations; the schema version is its length.
const MIGRATIONS_SLICE: &[M<'static>] = &[M::up(include_str!("schema_v1.sql"))];
const MIGRATIONS: Migrations<'static> = Migrations::from_slice(MIGRATIONS_SLICE);
pub const SCHEMA_VERSION: i64 = MIGRATIONS_SLICE.len() as i64;

/// How long a writer waits for another process's transaction before giving up.
pub const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error(
        "{path}: this database was written by a newer version of council (schema {found}; this version knows up to {known}). Update council; the file was not changed."
    )]
    NewerDatabase {
        path: String,
        found: i64,
        known: i64,
    },
    #[error("{0}: not a council database (it is not an SQLite file); nothing was changed")]
    NotADatabase(String),
    #[error(
        "{0}: the database is locked by another program; close it (or wait) and try again. Nothing was changed."
    )]
    Locked(String),
    #[error("{0}")]
    Refused(String),
    #[error("not found: {0}")]
    NotFound(String),
    #[error("database error: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("database migration failed: {0}")]
    Migration(#[from] rusqlite_migration::Error),
    #[error("{0}")]
    Io(#[from] std::io::Error),
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

fn refused<T>(message: impl Into<String>) -> Result<T> {
    Err(StoreError::Refused(message.into()))
}

/// Who made a change, as written in the audit log and on each choice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Actor {
    Secretary,
    Member(u32),
    Import(String),
    Cli,
}

impl Actor {
    pub fn label(&self) -> String {
        match self {
            Self::Secretary => "secretary".into(),
            Self::Member(seat) => format!("member:{seat}"),
            Self::Import(file) => format!("import:{file}"),
            Self::Cli => "cli".into(),
        }
    }

    /// How a sheet's choices were entered: by the member, or on the member's behalf.
    fn entered_by(&self) -> &'static str {
        match self {
            Self::Member(_) => "member",
            Self::Secretary | Self::Cli => "secretary",
            Self::Import(_) => "import",
        }
    }
}

pub struct Store {
    conn: Connection,
    path: PathBuf,
}

fn now() -> String {
    jiff::Timestamp::now().to_string()
}

fn is_locked(e: &rusqlite::Error) -> bool {
    matches!(
        e.sqlite_error_code(),
        Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked)
    )
}

impl Store {
    /// Opens (creating if needed) the database at `path`: WAL, foreign keys, busy timeout,
    /// migrations. Refuses files that are not SQLite or come from a newer council.
    pub fn open(path: &Path) -> Result<Self> {
        let name = path.display().to_string();
        let existed = path.exists();
        if existed {
            check_header(path)?;
        } else if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)?;
        }
        let conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE
                | OpenFlags::SQLITE_OPEN_CREATE
                | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        if !existed {
            restrict_permissions(path)?;
        }
        Self::prepare(conn, path.to_path_buf()).map_err(|e| match e {
            StoreError::Sqlite(ref s) if is_locked(s) => StoreError::Locked(name.clone()),
            StoreError::Sqlite(ref s)
                if s.sqlite_error_code() == Some(rusqlite::ErrorCode::NotADatabase) =>
            {
                StoreError::NotADatabase(name.clone())
            }
            other => other,
        })
    }

    /// A private in-memory database (tests and benchmarks).
    pub fn open_in_memory() -> Result<Self> {
        Self::prepare(Connection::open_in_memory()?, PathBuf::from(":memory:"))
    }

    fn prepare(mut conn: Connection, path: PathBuf) -> Result<Self> {
        conn.busy_timeout(BUSY_TIMEOUT)?;
        let found: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
        if found > SCHEMA_VERSION {
            return Err(StoreError::NewerDatabase {
                path: path.display().to_string(),
                found,
                known: SCHEMA_VERSION,
            });
        }
        conn.pragma_update(None, "journal_mode", "WAL")?;
        // FULL: a commit is on disk before the screen says "saved", even on power loss.
        conn.pragma_update(None, "synchronous", "FULL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        if found < SCHEMA_VERSION {
            if found > 0 && path.exists() {
                backup_before_migration(&conn, &path, found)?;
            }
            MIGRATIONS.to_latest(&mut conn)?;
        }
        Ok(Self { conn, path })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Changes whenever another connection commits; screens poll it to refresh.
    pub fn data_version(&self) -> Result<i64> {
        Ok(self
            .conn
            .query_row("PRAGMA data_version", [], |r| r.get(0))?)
    }

    /// Read access for benchmarks and diagnostics that compare against plain SQL.
    pub fn connection(&self) -> &Connection {
        &self.conn
    }

    /// Runs `f` in one IMMEDIATE transaction (the write lock is taken up front, so a busy
    /// database waits for the busy timeout instead of failing half-way).
    fn write<T>(&mut self, f: impl FnOnce(&rusqlite::Transaction) -> Result<T>) -> Result<T> {
        let name = self.path.display().to_string();
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(|e| {
                if is_locked(&e) {
                    StoreError::Locked(name.clone())
                } else {
                    e.into()
                }
            })?;
        let value = f(&tx)?;
        tx.commit().map_err(|e| {
            if is_locked(&e) {
                StoreError::Locked(name)
            } else {
                e.into()
            }
        })?;
        Ok(value)
    }

    /// `PRAGMA integrity_check`: "ok" when the file is sound.
    pub fn integrity_check(&self) -> Result<String> {
        Ok(self
            .conn
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))?)
    }

    /// A consistent online copy of the whole database (`VACUUM INTO`).
    pub fn backup_to(&self, target: &Path) -> Result<()> {
        if target.exists() {
            return refused(format!(
                "{} already exists; choose a new file name",
                target.display()
            ));
        }
        self.conn.execute(
            "VACUUM INTO ?1",
            [target.to_string_lossy().as_ref()],
        )?;
        restrict_permissions(target)?;
        Ok(())
    }
}

/// SQLite files start with this header; anything else is refused before SQLite touches it.
const SQLITE_HEADER: &[u8; 16] = b"SQLite format 3\0";

fn check_header(path: &Path) -> Result<()> {
    use std::io::Read;
    let mut header = [0u8; 16];
    let mut file = std::fs::File::open(path)?;
    let read = file.read(&mut header)?;
    if read == 0 {
        return Ok(()); // an empty file is a new database
    }
    if read < 16 || &header != SQLITE_HEADER {
        return Err(StoreError::NotADatabase(path.display().to_string()));
    }
    Ok(())
}

fn backup_before_migration(conn: &Connection, path: &Path, version: i64) -> Result<()> {
    let stamp = jiff::Timestamp::now().strftime("%Y%m%dT%H%M%S");
    let target = path.with_extension(format!("schema{version}-{stamp}.bak"));
    conn.execute("VACUUM INTO ?1", [target.to_string_lossy().as_ref()])?;
    Ok(())
}

#[cfg(unix)]
fn restrict_permissions(path: &Path) -> Result<()> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))?;
    Ok(())
}

#[cfg(not(unix))]
fn restrict_permissions(_path: &Path) -> Result<()> {
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrations_are_valid() {
        MIGRATIONS.validate().unwrap();
    }
}
