//! The append-only audit log. Each row's hash covers its content and the previous row's hash,
//! so an edit made behind the tool's back breaks the chain at that row.

use std::fmt::Write as _;

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

/// One row's content as its hash covers it, borrowed from an [`AuditEntry`] or from the
/// caller of [`AuditChain::append`].
struct RowContent<'a> {
    seq: i64,
    session_id: Option<i64>,
    at: &'a str,
    actor: &'a str,
    action: &'a str,
    target: &'a str,
    old: Option<&'a str>,
    new: Option<&'a str>,
}

impl<'a> From<&'a AuditEntry> for RowContent<'a> {
    fn from(e: &'a AuditEntry) -> Self {
        Self {
            seq: e.seq,
            session_id: e.session_id,
            at: &e.at,
            actor: &e.actor,
            action: &e.action,
            target: &e.target,
            old: e.old.as_deref(),
            new: e.new.as_deref(),
        }
    }
}

/// The row's hash, built in `text` (cleared first; a bulk write reuses one buffer).
fn row_hash(text: &mut String, prev: &str, e: &RowContent) -> String {
    text.clear();
    let _ = write!(text, "{prev}\n{}\n", e.seq);
    if let Some(session) = e.session_id {
        let _ = write!(text, "{session}");
    }
    for field in [
        e.at,
        e.actor,
        e.action,
        e.target,
        e.old.unwrap_or("\u{0}"),
        e.new.unwrap_or("\u{0}"),
    ] {
        text.push('\n');
        text.push_str(field);
    }
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
    /// The last actor's label, computed once for the rows of a bulk write.
    label: Option<(Actor, String)>,
    text: String,
}

impl AuditChain {
    pub(super) fn read(tx: &Transaction) -> Result<Self> {
        let last: Option<(i64, String)> = tx
            .prepare_cached("SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1")?
            .query_row([], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?;
        let (seq, hash) = last.unwrap_or((0, GENESIS.to_string()));
        Ok(Self {
            seq,
            hash,
            label: None,
            text: String::new(),
        })
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
        if self.label.as_ref().is_none_or(|(known, _)| known != actor) {
            self.label = Some((actor.clone(), actor.label()));
        }
        let label = self.label.as_ref().map_or("", |(_, label)| label.as_str());
        let entry = RowContent {
            seq: self.seq + 1,
            session_id,
            at,
            actor: label,
            action,
            target,
            old,
            new,
        };
        let hash = row_hash(&mut self.text, &self.hash, &entry);
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
        let mut text = String::new();
        while let Some(r) = rows.next()? {
            let entry = entry_from_row(r)?;
            let prev: String = r.get(8)?;
            let hash: String = r.get(9)?;
            count += 1;
            let intact = entry.seq == expected_seq
                && prev == expected_prev
                && hash == row_hash(&mut text, &prev, &RowContent::from(&entry));
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
        let _ = write!(t, " seat {s}");
    }
    if let Some(c) = criterion {
        let _ = write!(t, " criterion {c}");
    }
    t
}
