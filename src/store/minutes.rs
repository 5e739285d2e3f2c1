//! Read-only queries the minutes and exports need beyond the results: every stored choice with
//! who entered it and when, recusals with their reasons, and why rounds were started or a
//! finalised session reopened (from the audit log).

use rusqlite::params;
use serde::Serialize;

use super::load::SessionData;
use super::{Result, Store};

/// One ticked option as stored (entry 1: the sheet itself, not a blind re-entry).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChoiceRecord {
    pub product_id: i64,
    pub round: u32,
    pub seat: u32,
    pub criterion: String,
    pub option: u32,
    pub points: u32,
    pub entered_by: String,
    /// RFC 3339 UTC time of the last change.
    pub at: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Recusal {
    pub product_id: i64,
    pub seat: u32,
    pub reason: String,
}

/// A re-scoring round: `round` started at `at` because of `reason`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RoundStart {
    pub product_code: String,
    pub round: u32,
    pub reason: String,
    pub at: String,
}

/// A finalised session reopened, with the reason given.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Reopening {
    pub at: String,
    pub reason: String,
}

/// How `set_status` words a new round in the audit log: "scoring (new round: REASON)".
const NEW_ROUND_PREFIX: &str = "scoring (new round: ";

impl Store {
    /// Every stored choice of the session (all rounds), in no particular order.
    pub fn choice_records(&self, data: &SessionData) -> Result<Vec<ChoiceRecord>> {
        let mut stmt = self.conn.prepare(
            "SELECT c.product_id, c.round, c.member_id, c.criterion, c.option, c.points,
                    c.entered_by, c.at
             FROM choices c JOIN products p ON p.id = c.product_id
             WHERE p.session_id = ?1 AND c.entry = 1",
        )?;
        let rows = stmt.query_map([data.info.id], |r| {
            let member: i64 = r.get(2)?;
            Ok(ChoiceRecord {
                product_id: r.get(0)?,
                round: r.get(1)?,
                seat: data.member_by_id(member).map_or(0, |m| m.seat),
                criterion: r.get(3)?,
                option: r.get(4)?,
                points: r.get(5)?,
                entered_by: r.get(6)?,
                at: r.get(7)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Recusals of each product's current round (the round its result comes from) with their
    /// reasons, by product then seat.
    pub fn recusals(&self, data: &SessionData) -> Result<Vec<Recusal>> {
        let mut stmt = self.conn.prepare(
            "SELECT r.product_id, r.member_id, r.reason
             FROM recusals r JOIN products p ON p.id = r.product_id AND r.round = p.round
             WHERE p.session_id = ?1",
        )?;
        let mut rows: Vec<Recusal> = stmt
            .query_map([data.info.id], |r| {
                let member: i64 = r.get(1)?;
                Ok(Recusal {
                    product_id: r.get(0)?,
                    seat: data.member_by_id(member).map_or(0, |m| m.seat),
                    reason: r.get(2)?,
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        rows.sort_by_key(|r| (r.product_id, r.seat));
        Ok(rows)
    }

    /// Every new round started in the session, oldest first.
    pub fn round_starts(&self, session_id: i64) -> Result<Vec<RoundStart>> {
        let mut stmt = self.conn.prepare(
            "SELECT target, new, at FROM audit
             WHERE session_id = ?1 AND action = 'product.status' AND new LIKE 'scoring (new round: %'
             ORDER BY seq",
        )?;
        let rows = stmt.query_map([session_id], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (target, new, at) = row?;
            // The target names the round that ended: "CODE round N".
            let Some((code, round)) = target.rsplit_once(" round ") else {
                continue;
            };
            let Ok(ended) = round.parse::<u32>() else {
                continue;
            };
            let reason = new
                .strip_prefix(NEW_ROUND_PREFIX)
                .and_then(|r| r.strip_suffix(')'))
                .unwrap_or(&new);
            out.push(RoundStart {
                product_code: code.to_string(),
                round: ended + 1,
                reason: reason.to_string(),
                at,
            });
        }
        Ok(out)
    }

    /// Times a finalised session was reopened, with the reasons, oldest first.
    pub fn reopenings(&self, session_id: i64) -> Result<Vec<Reopening>> {
        let mut stmt = self.conn.prepare(
            "SELECT at, new FROM audit WHERE session_id = ?1 AND action = 'session.reopen'
             ORDER BY seq",
        )?;
        let rows = stmt.query_map(params![session_id], |r| {
            Ok(Reopening {
                at: r.get(0)?,
                reason: r.get::<_, Option<String>>(1)?.unwrap_or_default(),
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}

/// An arrival or a departure while a product was being scored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PresenceChange {
    pub product_id: i64,
    pub round: u32,
    pub seat: u32,
    pub present: bool,
    pub at: String,
}

/// One submitted sheet reopened for a correction: its choices before, and the reason.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SheetCorrection {
    pub product_id: i64,
    pub round: u32,
    pub seat: u32,
    pub reason: String,
    /// criterion → option, as the sheet held them when reopened.
    pub old: std::collections::BTreeMap<String, u32>,
    pub actor: String,
    pub at: String,
}

impl Store {
    /// Arrivals and departures during the session's products, oldest first.
    pub fn presence_changes(&self, data: &SessionData) -> Result<Vec<PresenceChange>> {
        let mut stmt = self.conn.prepare(
            "SELECT c.product_id, c.round, c.member_id, c.present, c.at
             FROM presence_changes c JOIN products p ON p.id = c.product_id
             WHERE p.session_id = ?1 ORDER BY c.id",
        )?;
        let rows = stmt.query_map([data.info.id], |r| {
            let member: i64 = r.get(2)?;
            Ok(PresenceChange {
                product_id: r.get(0)?,
                round: r.get(1)?,
                seat: data.member_by_id(member).map_or(0, |m| m.seat),
                present: r.get(3)?,
                at: r.get(4)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Every sheet reopened for a correction in the session, oldest first.
    pub fn sheet_corrections(&self, data: &SessionData) -> Result<Vec<SheetCorrection>> {
        let mut stmt = self.conn.prepare(
            "SELECT s.product_id, s.round, s.member_id, s.reason, s.old, s.actor, s.at
             FROM sheet_reopenings s JOIN products p ON p.id = s.product_id
             WHERE p.session_id = ?1 ORDER BY s.id",
        )?;
        let rows = stmt.query_map([data.info.id], |r| {
            let member: i64 = r.get(2)?;
            let old: String = r.get(4)?;
            Ok(SheetCorrection {
                product_id: r.get(0)?,
                round: r.get(1)?,
                seat: data.member_by_id(member).map_or(0, |m| m.seat),
                reason: r.get(3)?,
                old: serde_json::from_str(&old).unwrap_or_default(),
                actor: r.get(5)?,
                at: r.get(6)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}
