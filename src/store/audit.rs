//! The append-only audit log. Each row's hash covers its content and the previous row's hash,
//! so an edit made behind the tool's back breaks the chain at that row.

use rusqlite::{OptionalExtension, Transaction, params};
use serde::Serialize;
use sha2::{Digest, Sha256};

use super::{Actor, Result, Store, now};

/// The hash before the first row.
const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AuditEntry {
    pub seq: i64,
    pub session_id: Option<i64>,
    pub at: String,
    pub actor: String,
    pub action: String,
    pub target: String,
    pub old: Option<String>,
    pub new: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditReport {
    pub rows: u64,
    /// The first row whose hash does not match its content or its predecessor.
    pub first_broken: Option<i64>,
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    // By table, not a `format!` per byte: every audit row and `audit verify` hash one row.
    let mut hex = String::with_capacity(64);
    for b in Sha256::digest(bytes) {
        hex.push(char::from(DIGITS[usize::from(b >> 4)]));
        hex.push(char::from(DIGITS[usize::from(b & 0xf)]));
    }
    hex
}

fn row_hash(prev: &str, e: &AuditEntry) -> String {
    let text = format!(
        "{prev}\n{}\n{}\n{}\n{}\n{}\n{}\n{}\n{}",
        e.seq,
        e.session_id.map(|s| s.to_string()).unwrap_or_default(),
        e.at,
        e.actor,
        e.action,
        e.target,
        e.old.as_deref().unwrap_or("\u{0}"),
        e.new.as_deref().unwrap_or("\u{0}"),
    );
    sha256_hex(text.as_bytes())
}

/// Appends one audit row inside the caller's transaction.
pub(super) fn append(
    tx: &Transaction,
    session_id: Option<i64>,
    actor: &Actor,
    action: &str,
    target: &str,
    old: Option<&str>,
    new: Option<&str>,
) -> Result<()> {
    AuditChain::read(tx)?.append(tx, session_id, actor, &now(), action, target, old, new)
}

/// The chain's head (its last row's seq and hash) inside one write transaction: a bulk write
/// reads it once and advances it with each row it appends instead of looking it up per row.
/// A head left stale by an [`append`] beside it cannot fork the chain: `seq` is the table's
/// primary key, so the next row would be refused and the transaction rolled back.
pub(super) struct AuditChain {
    seq: i64,
    hash: String,
}

impl AuditChain {
    pub(super) fn read(tx: &Transaction) -> Result<Self> {
        let last: Option<(i64, String)> = tx
            .prepare_cached("SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1")?
            .query_row([], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?;
        let (seq, hash) = last.unwrap_or((0, GENESIS.to_string()));
        Ok(Self { seq, hash })
    }

    /// Appends one row after the head, written at `at` (the transaction's time).
    #[allow(clippy::too_many_arguments)] // one row: the head, where, who, when, what, old, new
    pub(super) fn append(
        &mut self,
        tx: &Transaction,
        session_id: Option<i64>,
        actor: &Actor,
        at: &str,
        action: &str,
        target: &str,
        old: Option<&str>,
        new: Option<&str>,
    ) -> Result<()> {
        let entry = AuditEntry {
            seq: self.seq + 1,
            session_id,
            at: at.to_string(),
            actor: actor.label(),
            action: action.to_string(),
            target: target.to_string(),
            old: old.map(str::to_string),
            new: new.map(str::to_string),
        };
        let hash = row_hash(&self.hash, &entry);
        tx.prepare_cached(
            "INSERT INTO audit (seq, session_id, at, actor, action, target, old, new, prev_hash, hash)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        )?
        .execute(params![
            entry.seq,
            entry.session_id,
            entry.at,
            entry.actor,
            entry.action,
            entry.target,
            entry.old,
            entry.new,
            self.hash,
            hash
        ])?;
        self.seq = entry.seq;
        self.hash = hash;
        Ok(())
    }
}

fn entry_from_row(r: &rusqlite::Row) -> rusqlite::Result<AuditEntry> {
    Ok(AuditEntry {
        seq: r.get(0)?,
        session_id: r.get(1)?,
        at: r.get(2)?,
        actor: r.get(3)?,
        action: r.get(4)?,
        target: r.get(5)?,
        old: r.get(6)?,
        new: r.get(7)?,
    })
}

const COLUMNS: &str = "seq, session_id, at, actor, action, target, old, new";

impl Store {
    /// Walks the whole chain and reports the first row that does not verify.
    pub fn audit_verify(&self) -> Result<AuditReport> {
        let mut stmt = self.conn.prepare(&format!(
            "SELECT {COLUMNS}, prev_hash, hash FROM audit ORDER BY seq"
        ))?;
        let mut rows = stmt.query([])?;
        let mut expected_prev = GENESIS.to_string();
        let mut expected_seq = 1;
        let mut count = 0;
        while let Some(r) = rows.next()? {
            let entry = entry_from_row(r)?;
            let prev: String = r.get(8)?;
            let hash: String = r.get(9)?;
            count += 1;
            let intact = entry.seq == expected_seq
                && prev == expected_prev
                && hash == row_hash(&prev, &entry);
            if !intact {
                return Ok(AuditReport {
                    rows: count,
                    first_broken: Some(entry.seq.min(expected_seq)),
                });
            }
            expected_prev = hash;
            expected_seq += 1;
        }
        Ok(AuditReport {
            rows: count,
            first_broken: None,
        })
    }

    /// The log's head: its last row and that row's hash (printed on signed copies, so a
    /// database whose log was rewritten afterwards can be told from the one that was signed).
    pub fn audit_head(&self) -> Result<Option<(i64, String)>> {
        Ok(self
            .conn
            .query_row(
                "SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?)
    }

    /// The row whose hash starts with `prefix` (at least 12 hex characters), if the log has it.
    pub fn audit_row_with_hash(&self, prefix: &str) -> Result<Option<i64>> {
        let prefix = prefix.trim().to_ascii_lowercase();
        if prefix.len() < 12 || !prefix.chars().all(|c| c.is_ascii_hexdigit()) {
            return Ok(None);
        }
        Ok(self
            .conn
            .query_row(
                "SELECT seq FROM audit WHERE substr(hash, 1, ?2) = ?1",
                rusqlite::params![prefix, prefix.len() as i64],
                |r| r.get(0),
            )
            .optional()?)
    }

    /// The audit history of a session, oldest first.
    pub fn audit_history(&self, session_id: i64) -> Result<Vec<AuditEntry>> {
        let mut stmt = self.conn.prepare(&format!(
            "SELECT {COLUMNS} FROM audit WHERE session_id = ?1 ORDER BY seq"
        ))?;
        let rows = stmt.query_map([session_id], entry_from_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}

/// Tags audit targets so `audit show` can filter by product, seat or criterion.
pub(super) fn target(code: &str, round: u32, seat: Option<u32>, criterion: Option<&str>) -> String {
    let mut t = format!("{code} round {round}");
    if let Some(s) = seat {
        t.push_str(&format!(" seat {s}"));
    }
    if let Some(c) = criterion {
        t.push_str(&format!(" criterion {c}"));
    }
    t
}
