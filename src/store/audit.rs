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

pub(super) fn entry_from_row(r: &rusqlite::Row) -> rusqlite::Result<AuditEntry> {
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

pub(super) const COLUMNS: &str = "seq, session_id, at, actor, action, target, old, new";

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

/// A choice typed on a screen (or entered by the secretary from paper): one row each, its
/// target naming the criterion, its old and new the options.
pub(super) const CHOICE_SET: &str = "choice.set";
/// The same for a paper sheet's blind re-entry (entry 2).
pub(super) const CHOICE_REENTRY: &str = "choice.reentry";

/// An imported paper sheet's choices are logged as one row per sheet, not one per choice: an
/// import writes some 30,000 choices, and a row each was over half of its time and most of
/// the bytes it wrote. The row's `new` holds every choice the import changed on the sheet,
/// its `old` the options those criteria held before (absent when none held one), each a JSON
/// object criterion → option in the file's order: the log still records every value.
pub(super) const SHEET_IMPORT: &str = "sheet.import";
/// The same for a paper sheet's blind re-entry (entry 2).
pub(super) const SHEET_IMPORT_REENTRY: &str = "sheet.import.reentry";

/// The `old` or `new` of an import's sheet row: `{"1.1":2,"1.2":1}`, or `None` when empty.
pub(super) fn sheet_choices_json<'a>(
    choices: impl IntoIterator<Item = (&'a str, u32)>,
) -> Option<String> {
    let mut json = String::from("{");
    for (criterion, option) in choices {
        if json.len() > 1 {
            json.push(',');
        }
        // A criterion id is a string; serde_json escapes whatever it holds.
        json.push_str(&serde_json::to_string(criterion).unwrap_or_default());
        let _ = write!(json, ":{option}");
    }
    (json.len() > 1).then(|| json + "}")
}

/// The options of an import's sheet row's `old` or `new`, by criterion.
fn parse_sheet_choices(json: Option<&str>) -> serde_json::Map<String, serde_json::Value> {
    json.and_then(|j| serde_json::from_str(j).ok())
        .unwrap_or_default()
}

/// One choice as a row of the log records it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoggedChoice {
    /// The choice as a row of its own names it (`LD-01 round 1 seat 2 criterion 1.1`).
    pub target: String,
    pub criterion: String,
    /// 1: the sheet; 2: a paper sheet's blind re-entry.
    pub entry: u8,
    pub old: Option<String>,
    pub new: Option<String>,
}

impl AuditEntry {
    fn is_sheet_import(&self) -> bool {
        self.action == SHEET_IMPORT || self.action == SHEET_IMPORT_REENTRY
    }

    /// The choices this row records: one for a `choice.set` or `choice.reentry` row, each
    /// changed one of the sheet for an import's sheet row, none for any other row.
    pub fn logged_choices(&self) -> Vec<LoggedChoice> {
        let entry = |reentry: bool| if reentry { 2 } else { 1 };
        match self.action.as_str() {
            CHOICE_SET | CHOICE_REENTRY => self
                .target
                .rsplit_once(" criterion ")
                .map(|(_, criterion)| LoggedChoice {
                    target: self.target.clone(),
                    criterion: criterion.to_string(),
                    entry: entry(self.action == CHOICE_REENTRY),
                    old: self.old.clone(),
                    new: self.new.clone(),
                })
                .into_iter()
                .collect(),
            _ if self.is_sheet_import() => {
                let old = parse_sheet_choices(self.old.as_deref());
                let option = |v: &serde_json::Value| v.as_u64().map(|o| o.to_string());
                parse_sheet_choices(self.new.as_deref())
                    .iter()
                    .map(|(criterion, new)| LoggedChoice {
                        target: format!("{} criterion {criterion}", self.target),
                        criterion: criterion.clone(),
                        entry: entry(self.action == SHEET_IMPORT_REENTRY),
                        old: old.get(criterion).and_then(option),
                        new: option(new),
                    })
                    .collect()
            }
            _ => Vec::new(),
        }
    }

    /// This row as far as it concerns one criterion: itself when its target names the
    /// criterion, an import's sheet row narrowed to that criterion's choice, else `None`.
    pub fn for_criterion(&self, criterion: &str) -> Option<AuditEntry> {
        if self.is_sheet_import() {
            let choice = self
                .logged_choices()
                .into_iter()
                .find(|c| c.criterion == criterion)?;
            return Some(AuditEntry {
                target: choice.target,
                old: choice.old,
                new: choice.new,
                ..self.clone()
            });
        }
        let words: Vec<&str> = self.target.split(' ').collect();
        words
            .windows(2)
            .any(|w| w == ["criterion", criterion])
            .then(|| self.clone())
    }
}

/// A target's product code, round and seat (`CODE round R seat S ...`), as [`target`] wrote it.
pub(super) fn parse_target(target: &str) -> Option<(&str, u32, Option<u32>)> {
    let (code, rest) = target.split_once(" round ")?;
    let mut words = rest.split(' ');
    let round = words.next()?.parse().ok()?;
    let seat = match (words.next(), words.next()) {
        (Some("seat"), Some(seat)) => Some(seat.parse().ok()?),
        _ => None,
    };
    Some((code, round, seat))
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

#[cfg(test)]
mod tests {
    use super::*;

    fn sheet_row(old: Option<String>, new: Option<String>) -> AuditEntry {
        AuditEntry {
            seq: 7,
            session_id: Some(1),
            at: "2026-12-02T03:00:00Z".into(),
            actor: "import:s.csv".into(),
            action: SHEET_IMPORT_REENTRY.into(),
            target: "LD-01 round 2 seat 4".into(),
            old,
            new,
        }
    }

    /// A criterion id is whatever its set names it: quotes and spaces survive the round trip.
    #[test]
    fn an_import_sheet_row_reads_back_as_the_choices_it_logged() {
        let new = sheet_choices_json([("1.1", 2), ("say \"x\" = 1", 3)]);
        assert_eq!(new.as_deref(), Some(r#"{"1.1":2,"say \"x\" = 1":3}"#));
        let old = sheet_choices_json([("1.1", 1)]);
        let row = sheet_row(old, new);
        let mut choices = row.logged_choices();
        choices.sort_by(|a, b| a.criterion.cmp(&b.criterion));
        assert_eq!(
            choices,
            [
                LoggedChoice {
                    target: "LD-01 round 2 seat 4 criterion 1.1".into(),
                    criterion: "1.1".into(),
                    entry: 2,
                    old: Some("1".into()),
                    new: Some("2".into()),
                },
                LoggedChoice {
                    target: "LD-01 round 2 seat 4 criterion say \"x\" = 1".into(),
                    criterion: "say \"x\" = 1".into(),
                    entry: 2,
                    old: None,
                    new: Some("3".into()),
                },
            ]
        );
        let narrowed = row.for_criterion("1.1").unwrap();
        assert_eq!(narrowed.target, "LD-01 round 2 seat 4 criterion 1.1");
        assert_eq!(
            (narrowed.old.as_deref(), narrowed.new.as_deref()),
            (Some("1"), Some("2"))
        );
        assert_eq!(row.for_criterion("9.9"), None);
        assert_eq!(sheet_choices_json([]), None);
    }
}
