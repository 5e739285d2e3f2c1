//! The only code that touches SQLite: opening, migrations, queries and the audit log.
//!
//! Every change is one IMMEDIATE transaction that also appends its audit row, so a choice is
//! either fully saved (and logged) or not at all, and two processes never interleave writes.

mod access;
mod audit;
mod facts;
mod integrity;
mod kept;
mod lifecycle;
mod load;
mod member_view;
mod minutes;
mod replay;
mod restore;
mod sheets;
mod wal_guard;

use std::cell::RefCell;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use crate::meeting::Refusal;
use crate::rubric::Rubric;
use rusqlite::{Connection, OpenFlags, TransactionBehavior};
use rusqlite_migration::{M, Migrations};

pub use crate::meeting::Quorum;
pub use access::{Connection as SeatConnection, SeatCode, SeatServer};
pub use audit::sha256_hex;
pub use audit::{AuditEntry, AuditReport, LoggedChoice};
pub use load::{
    ChangeScope, Changes, MemberRow, ProductRow, ProductStatus, SessionData, SessionSummary,
};
pub use member_view::SheetProgress;
pub use minutes::{ChoiceRecord, PresenceChange, Recusal, Reopening, RoundStart, SheetCorrection};
pub use restore::RestoreReport;
pub use sheets::{ChoiceRow, ImportReport, SheetKey, StoredSheet, result_from_sheets};

/// Append-only list of schemas; the schema version is its length.
const SCHEMAS: &[&str] = &[
    include_str!("schema_v1.sql"),
    include_str!("schema_v2.sql"),
    include_str!("schema_v3.sql"),
    include_str!("schema_v4.sql"),
    include_str!("schema_v5.sql"),
    include_str!("schema_v6.sql"),
    include_str!("schema_v7.sql"),
    include_str!("schema_v8.sql"),
];
pub const SCHEMA_VERSION: i64 = SCHEMAS.len() as i64;

/// Schema 7's data, rewritten in the migration's transaction: kept results packed.
fn schema_7_data(tx: &rusqlite::Transaction) -> rusqlite_migration::HookResult {
    kept::pack_kept_figures(tx)
}

/// Schema 6's data, rewritten in the migration's transaction: kept results as their figures,
/// criteria sets with their parsed model.
fn schema_6_data(tx: &rusqlite::Transaction) -> rusqlite_migration::HookResult {
    kept::keep_figures_only(tx)?;
    load::keep_rubric_models(tx).map_err(|e| rusqlite_migration::HookError::Hook(e.to_string()))
}

/// The migrations to each schema; 6 rewrites data in Rust, in the migration's transaction.
fn migrations() -> Migrations<'static> {
    Migrations::new(
        SCHEMAS
            .iter()
            .enumerate()
            .map(|(i, sql)| match i + 1 {
                6 => M::up_with_hook(sql, schema_6_data),
                7 => M::up_with_hook(sql, schema_7_data),
                _ => M::up(sql),
            })
            .collect(),
    )
}

/// How long a writer waits for another process's transaction before giving up.
pub const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// [`BUSY_TIMEOUT`], or `COUNCIL_BUSY_TIMEOUT_MS` when set (slow shared disks; tests that
/// hold a lock on purpose and should not wait ten seconds).
pub fn busy_timeout() -> Duration {
    std::env::var("COUNCIL_BUSY_TIMEOUT_MS")
        .ok()
        .and_then(|ms| ms.trim().parse().ok())
        .map_or(BUSY_TIMEOUT, Duration::from_millis)
}

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
    #[error(
        "{0}: the database file is read-only (check its permissions, or the disk); nothing was changed"
    )]
    ReadOnly(String),
    #[error(
        "{0}: could not write to the disk (it may be full, or failing); this change was not saved, everything saved before it is intact"
    )]
    DiskFull(String),
    #[error("{0}: the database file is damaged; restore a backup with `council restore FILE`")]
    Damaged(String),
    #[error(
        "{0}: cannot open or create the database file (does its folder exist, and may you write in it?)"
    )]
    CannotOpen(String),
    /// A meeting rule refused the change (worded per language by `StoreError::text`).
    #[error("{}", crate::i18n::refusal(crate::i18n::Lang::En, .0))]
    Rule(Refusal),
    #[error("{0}")]
    Refused(String),
    #[error(transparent)]
    File(#[from] FileProblem),
    #[error("not found: {0}")]
    NotFound(String),
    #[error("database error: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("database migration failed: {0}")]
    Migration(#[from] rusqlite_migration::Error),
    #[error("{0}")]
    Io(#[from] std::io::Error),
}

pub use crate::i18n::FileProblem;

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

fn refused<T>(message: impl Into<String>) -> Result<T> {
    Err(StoreError::Refused(message.into()))
}

/// A meeting rule's refusal as a store error.
fn rule<T>(refusal: Refusal) -> Result<T> {
    Err(StoreError::Rule(refusal))
}

impl From<Refusal> for StoreError {
    fn from(r: Refusal) -> Self {
        Self::Rule(r)
    }
}

impl StoreError {
    /// The message in the user's language: rules' refusals are fully worded in both; the
    /// file-level errors name the file in the words of [`crate::i18n::file_error`].
    pub fn text(&self, lang: crate::i18n::Lang) -> String {
        use crate::i18n::{DatabaseProblem as F, file_error};
        match self {
            Self::Rule(r) => crate::i18n::refusal(lang, r),
            Self::Locked(p) => file_error(lang, F::Locked, p),
            Self::ReadOnly(p) => file_error(lang, F::ReadOnly, p),
            Self::DiskFull(p) => file_error(lang, F::DiskFull, p),
            Self::Damaged(p) => file_error(lang, F::Damaged, p),
            Self::NotADatabase(p) => file_error(lang, F::NotADatabase, p),
            Self::CannotOpen(p) => file_error(lang, F::CannotOpen, p),
            Self::File(problem) => crate::i18n::file_problem(lang, problem),
            other => other.to_string(),
        }
    }

    /// The meeting rule's refusal, if that is what this is.
    pub fn refusal(&self) -> Option<&Refusal> {
        match self {
            Self::Rule(r) => Some(r),
            _ => None,
        }
    }
}

/// Who made a change, as written in the audit log and on each choice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Actor {
    Secretary,
    /// The secretary's terminal with the operator's name (asked once per terminal session).
    Operator(String),
    Member(u32),
    Import(String),
    Cli,
}

impl Actor {
    pub fn label(&self) -> String {
        match self {
            Self::Secretary => "secretary".into(),
            Self::Operator(name) => format!("secretary:{name}"),
            Self::Member(seat) => format!("member:{seat}"),
            Self::Import(file) => format!("import:{file}"),
            Self::Cli => "cli".into(),
        }
    }

    /// How a sheet's choices were entered: by the member, or on the member's behalf.
    fn entered_by(&self) -> &'static str {
        match self {
            Self::Member(_) => "member",
            Self::Secretary | Self::Operator(_) | Self::Cli => "secretary",
            Self::Import(_) => IMPORTED,
        }
    }
}

/// `entered_by` of the choices a sheet import writes; schema 7's triggers leave those rows'
/// sheet counts and product changes to their writer (`sheets::keep_imported_counts`).
const IMPORTED: &str = "import";

pub struct Store {
    conn: Connection,
    path: PathBuf,
    /// Parsed rubrics by the SHA-256 of their stored text: that text never changes, so a
    /// rubric is parsed once per process however often the session is reloaded.
    rubrics: RefCell<HashMap<String, Arc<Rubric>>>,
    /// The name of the person at this terminal, for the audit log and blind re-entry.
    operator: Option<String>,
    /// The WAL hook's state; declared after `conn` so it is dropped after the connection.
    wal_watch: Option<Box<wal_guard::WalWatch>>,
    stray_wal: Option<PathBuf>,
}

fn now() -> String {
    jiff::Timestamp::now().to_string()
}

/// SQLite failures a user can act on, as clear messages naming the file.
fn classify(e: rusqlite::Error, name: &str) -> StoreError {
    use rusqlite::ErrorCode as C;
    let name = name.to_string();
    match e.sqlite_error_code() {
        Some(C::DatabaseBusy | C::DatabaseLocked) => StoreError::Locked(name),
        Some(C::ReadOnly) => StoreError::ReadOnly(name),
        Some(C::DiskFull | C::SystemIoFailure) => StoreError::DiskFull(name),
        Some(C::DatabaseCorrupt) => StoreError::Damaged(name),
        Some(C::NotADatabase) => StoreError::NotADatabase(name),
        Some(C::CannotOpen) => StoreError::CannotOpen(name),
        _ => StoreError::Sqlite(e),
    }
}

/// [`classify`] for errors already wrapped as [`StoreError::Sqlite`].
fn classify_store(e: StoreError, name: &str) -> StoreError {
    match e {
        StoreError::Sqlite(s) => classify(s, name),
        other => other,
    }
}

/// `PRAGMA application_id` of every council database ("OCOP" in ASCII): another program's
/// SQLite file is recognised from its header, before anything is written to it.
pub const APPLICATION_ID: u32 = 0x4F43_4F50;

/// Tables every council database has, whatever its schema version.
const COUNCIL_TABLES: [&str; 4] = ["sessions", "members", "products", "audit"];

/// What the first 100 bytes of a database file say, read without SQLite.
struct DbHeader {
    page_size: u32,
    application_id: u32,
}

/// The header of the SQLite file at `path`; None for an empty file (a database not yet
/// initialised). Anything else that is not an SQLite header is refused.
fn read_header(path: &Path) -> Result<Option<DbHeader>> {
    use std::io::Read;
    let mut bytes = Vec::with_capacity(100);
    std::fs::File::open(path)?
        .take(100)
        .read_to_end(&mut bytes)?;
    if bytes.is_empty() {
        return Ok(None);
    }
    let not_sqlite = || StoreError::NotADatabase(path.display().to_string());
    if bytes.len() < 100 || &bytes[..16] != SQLITE_HEADER {
        return Err(not_sqlite());
    }
    let page_size = match u16::from_be_bytes([bytes[16], bytes[17]]) {
        1 => 65536,
        n => u32::from(n),
    };
    if page_size < 512 || !page_size.is_power_of_two() {
        return Err(not_sqlite());
    }
    let application_id = u32::from_be_bytes([bytes[68], bytes[69], bytes[70], bytes[71]]);
    Ok(Some(DbHeader {
        page_size,
        application_id,
    }))
}

/// The first of council's tables missing from the database, if any.
fn missing_council_table(conn: &Connection) -> rusqlite::Result<Option<&'static str>> {
    for table in COUNCIL_TABLES {
        let found: i64 = conn.query_row(
            "SELECT COUNT(*) FROM sqlite_schema WHERE type = 'table' AND name = ?1",
            [table],
            |r| r.get(0),
        )?;
        if found == 0 {
            return Ok(Some(table));
        }
    }
    Ok(None)
}

/// Refuses an SQLite file without council's application id unless it is blank or has
/// council's tables (a database of a council version from before the id), looking read-only.
fn refuse_foreign(path: &Path) -> Result<()> {
    let name = path.display().to_string();
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(|e| classify(e, &name))?;
    conn.busy_timeout(busy_timeout())?;
    let check = || -> rusqlite::Result<bool> {
        let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
        let tables: i64 = conn.query_row("SELECT COUNT(*) FROM sqlite_schema", [], |r| r.get(0))?;
        Ok((version == 0 && tables == 0) || missing_council_table(&conn)?.is_none())
    };
    match check() {
        Ok(true) => Ok(()),
        Ok(false) => Err(FileProblem::Foreign(name).into()),
        Err(e) => Err(classify(e, &name)),
    }
}

/// Creates the empty, owner-only file a new database starts as; its folder must exist.
fn create_empty(path: &Path) -> Result<()> {
    let name = path.display().to_string();
    let folder = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    if !folder.is_dir() {
        return Err(FileProblem::FolderMissing {
            path: name,
            folder: folder.display().to_string(),
        }
        .into());
    }
    match crate::files::create_private(path) {
        // Another process creating it at the same moment is as good.
        Ok(_) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Err(_) => Err(StoreError::CannotOpen(name)),
    }
}

impl Store {
    /// Opens the existing database at `path`: WAL, foreign keys, busy timeout, migrations.
    /// A missing file is refused (only commands that create a database call
    /// [`Store::open_or_create`]), and so are files that are not SQLite, SQLite files of
    /// another program and databases of a newer council, before anything is written to them.
    pub fn open(path: &Path) -> Result<Self> {
        Self::open_file(path, false)
    }

    /// [`Store::open`], creating the database (owner-only) if the file does not exist. Its
    /// folder must exist: a mistyped path is refused, never created.
    pub fn open_or_create(path: &Path) -> Result<Self> {
        Self::open_file(path, true)
    }

    fn open_file(path: &Path, may_create: bool) -> Result<Self> {
        let name = path.display().to_string();
        match std::fs::metadata(path) {
            Ok(meta) if meta.is_dir() => return Err(FileProblem::IsAFolder(name).into()),
            Ok(_) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && may_create => {
                create_empty(path)?;
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(FileProblem::Missing(name).into());
            }
            Err(_) => return Err(StoreError::CannotOpen(name)),
        }
        let header = read_header(path).map_err(|e| match e {
            StoreError::Io(_) => StoreError::CannotOpen(name.clone()),
            e => e,
        })?;
        if let Some(h) = &header
            && h.application_id != 0
            && h.application_id != APPLICATION_ID
        {
            return Err(FileProblem::ForeignApplication(name, h.application_id).into());
        }
        // Before any SQLite connection: the first one would replay the WAL.
        let stray_wal = wal_guard::set_aside_stray_wal(path, header.as_ref())?;
        if header.as_ref().is_some_and(|h| h.application_id == 0) {
            refuse_foreign(path)?;
        }
        // No CREATE flag: the file exists (made above, owner-only, when it may be created).
        let conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(|e| classify(e, &name))?;
        let watch = wal_guard::watch(&conn, path);
        let mut store =
            Self::prepare(conn, path.to_path_buf()).map_err(|e| classify_store(e, &name))?;
        store.wal_watch = Some(watch);
        store.stray_wal = stray_wal;
        Ok(store)
    }

    /// How long this connection waits for another's transaction before a write gives up
    /// ([`busy_timeout`] when opened). A test that holds a lock on purpose shortens it here
    /// rather than through the environment, which every test in the process shares.
    pub fn set_busy_timeout(&self, wait: Duration) -> Result<()> {
        Ok(self.conn.busy_timeout(wait)?)
    }

    /// A private in-memory database (tests and benchmarks).
    pub fn open_in_memory() -> Result<Self> {
        Self::prepare(Connection::open_in_memory()?, PathBuf::from(":memory:"))
    }

    fn prepare(mut conn: Connection, path: PathBuf) -> Result<Self> {
        conn.busy_timeout(busy_timeout())?;
        // A sheet import's loop uses some twenty statements; rusqlite's default cache of 16
        // would prepare some of them again on every row.
        conn.set_prepared_statement_cache_capacity(64);
        let found: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
        if found > SCHEMA_VERSION {
            return Err(StoreError::NewerDatabase {
                path: path.display().to_string(),
                found,
                known: SCHEMA_VERSION,
            });
        }
        let application_id: i32 = conn.query_row("PRAGMA application_id", [], |r| r.get(0))?;
        if application_id == 0 {
            // Set before the switch to WAL, so a new database carries it in its file from
            // the start. A read-only old database stays readable without it.
            match conn.pragma_update(None, "application_id", APPLICATION_ID as i32) {
                Err(e) if e.sqlite_error_code() == Some(rusqlite::ErrorCode::ReadOnly) => {}
                other => other?,
            }
        }
        conn.pragma_update(None, "journal_mode", "WAL")?;
        // FULL: a commit is on disk before the screen says "saved", even on power loss.
        conn.pragma_update(None, "synchronous", "FULL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        if found < SCHEMA_VERSION {
            if found > 0 && path.exists() {
                backup_before_migration(&conn, &path, found)?;
            }
            migrations().to_latest(&mut conn)?;
        }
        Ok(Self {
            conn,
            path,
            rubrics: RefCell::default(),
            operator: None,
            wal_watch: None,
            stray_wal: None,
        })
    }

    /// Where a `-wal` file that did not belong to this database was moved when it was
    /// opened (see `wal_guard`), for the caller to tell the user.
    pub fn stray_wal_set_aside(&self) -> Option<&Path> {
        self.stray_wal.as_deref()
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Names the person at this terminal (blind re-entry tells two operators apart by it).
    pub fn set_operator(&mut self, name: Option<String>) {
        self.operator = name.map(|n| n.trim().to_string()).filter(|n| !n.is_empty());
    }

    pub fn operator(&self) -> Option<&str> {
        self.operator.as_deref()
    }

    /// Who the secretary's actions of this process are logged as.
    fn actor_secretary(&self) -> Actor {
        match &self.operator {
            Some(name) => Actor::Operator(name.clone()),
            None => Actor::Secretary,
        }
    }

    /// Changes whenever another connection commits; screens poll it to refresh.
    pub fn data_version(&self) -> Result<i64> {
        Ok(self
            .conn
            .prepare_cached("PRAGMA data_version")?
            .query_row([], |r| r.get(0))?)
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
            .map_err(|e| classify(e, &name))?;
        let value = f(&tx).map_err(|e| classify_store(e, &name))?;
        tx.commit().map_err(|e| classify(e, &name))?;
        Ok(value)
    }

    /// `PRAGMA integrity_check`: "ok" when the file is sound.
    pub fn integrity_check(&self) -> Result<String> {
        Ok(self
            .conn
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))?)
    }

    /// What `PRAGMA integrity_check` finds wrong with the file's pages (at most `limit`
    /// lines); empty when it is sound.
    pub fn integrity_problems(&self, limit: u32) -> Result<Vec<String>> {
        let name = self.path.display().to_string();
        let mut stmt = self
            .conn
            .prepare(&format!("PRAGMA integrity_check({limit})"))
            .map_err(|e| classify(e, &name))?;
        let lines = stmt
            .query_map([], |r| r.get::<_, String>(0))
            .and_then(|rows| rows.collect::<rusqlite::Result<Vec<_>>>())
            .map_err(|e| classify(e, &name))?;
        Ok(lines.into_iter().filter(|l| l != "ok").collect())
    }

    /// A consistent online copy of the whole database (`VACUUM INTO`); never replaces a file.
    pub fn backup_to(&self, target: &Path) -> Result<()> {
        vacuum_into(&self.conn, target)
    }
}

/// `VACUUM INTO` a new owner-only file at `target`: SQLite writes into an empty temporary file
/// created 0600 beside it (VACUUM INTO accepts an existing empty file), which takes the
/// target's name only when complete, and only if the name is still free. A killed backup
/// leaves at most a `.partial` file, never a file under the chosen name.
fn vacuum_into(conn: &Connection, target: &Path) -> Result<()> {
    let name = target.display().to_string();
    if target.exists() {
        return Err(FileProblem::AlreadyExists(name).into());
    }
    let temp = crate::files::PrivateTemp::beside(target).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => StoreError::CannotOpen(name.clone()),
        _ => StoreError::Io(e),
    })?;
    conn.execute("VACUUM INTO ?1", [temp.path().to_string_lossy().as_ref()])
        .map_err(|e| classify(e, &name))?;
    temp.publish_new().map_err(|e| match e.kind() {
        std::io::ErrorKind::AlreadyExists => FileProblem::AlreadyExists(name).into(),
        _ => StoreError::Io(e),
    })
}

/// SQLite files start with this header; anything else is refused before SQLite touches it.
const SQLITE_HEADER: &[u8; 16] = b"SQLite format 3\0";

/// A free name beside the database for an automatic backup: `council.LABEL-TIME[-N].bak`.
fn backup_path(path: &Path, label: &str) -> PathBuf {
    let stamp = jiff::Timestamp::now().strftime("%Y%m%dT%H%M%S");
    (1..)
        .map(|n| match n {
            1 => path.with_extension(format!("{label}-{stamp}.bak")),
            n => path.with_extension(format!("{label}-{stamp}-{n}.bak")),
        })
        .find(|p| !p.exists())
        .expect("some name is free")
}

fn backup_before_migration(conn: &Connection, path: &Path, version: i64) -> Result<()> {
    vacuum_into(conn, &backup_path(path, &format!("schema{version}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrations_are_valid() {
        migrations().validate().unwrap();
    }

    /// There is only schema 1 so far, so no real migration can run in a test; the backup it
    /// starts with is checked directly: a complete, owner-only copy beside the database.
    #[cfg(unix)]
    #[test]
    fn the_backup_before_a_migration_is_a_complete_private_copy() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("council.db");
        let store = Store::open_or_create(&path).unwrap();
        backup_before_migration(&store.conn, &path, 1).unwrap();
        backup_before_migration(&store.conn, &path, 1).unwrap();
        let mut backups: Vec<PathBuf> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.to_string_lossy().contains("council.schema1-"))
            .collect();
        backups.sort();
        assert_eq!(
            backups.len(),
            2,
            "a second backup in the same second gets its own name"
        );
        for b in &backups {
            assert!(b.extension().is_some_and(|e| e == "bak"));
            let mode = std::fs::metadata(b).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o600);
            let copy = Store::open(b).unwrap();
            assert_eq!(copy.integrity_check().unwrap(), "ok");
            assert_eq!(copy.audit_verify().unwrap().first_broken, None);
        }
    }
}
