//! Narrow reads for the live screens: one member's own sheet, and how far every sheet has got
//! without any of its choices. A member's screen uses only these for products still being
//! scored, so it never holds another member's choices before the product is closed.

use std::collections::{BTreeMap, HashMap};

use rusqlite::{OptionalExtension, params};

use super::audit::target;
use super::load::{ProductRow, SessionData};
use super::sheets::StoredSheet;
use super::{Result, Store};

/// How far one member's sheet of a product has got, without its choices.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SheetProgress {
    pub seat: u32,
    pub entered_by: String,
    /// Criteria answered on the sheet (entry 1).
    pub answered: u32,
    /// Criteria answered on the blind re-entry (entry 2).
    pub reentered: u32,
    pub submitted: bool,
    pub verified: bool,
}

impl Store {
    /// One member's sheet of the product's current round (both entries), or None if not started.
    pub fn member_sheet(
        &self,
        data: &SessionData,
        product: &ProductRow,
        seat: u32,
    ) -> Result<Option<StoredSheet>> {
        let member = data.seat(seat)?;
        // The round is read from the database, not from a possibly stale `product`.
        let round: u32 = self.conn.query_row(
            "SELECT round FROM products WHERE id = ?1",
            [product.id],
            |r| r.get(0),
        )?;
        let sheet = self
            .conn
            .prepare_cached(
                "SELECT entered_by, status, verified, comment FROM sheets
                 WHERE product_id = ?1 AND round = ?2 AND member_id = ?3",
            )?
            .query_row(params![product.id, round, member.id], |r| {
                Ok(StoredSheet {
                    member_id: member.id,
                    seat,
                    entered_by: r.get(0)?,
                    submitted: r.get::<_, String>(1)? == "submitted",
                    verified: r.get(2)?,
                    comment: r.get(3)?,
                    choices: BTreeMap::new(),
                    reentry: BTreeMap::new(),
                })
            })
            .optional()?;
        let Some(mut sheet) = sheet else {
            return Ok(None);
        };
        let mut stmt = self.conn.prepare_cached(
            "SELECT entry, criterion, option FROM choices
             WHERE product_id = ?1 AND round = ?2 AND member_id = ?3",
        )?;
        let mut rows = stmt.query(params![product.id, round, member.id])?;
        while let Some(r) = rows.next()? {
            let entry: u8 = r.get(0)?;
            let map = if entry == 2 {
                &mut sheet.reentry
            } else {
                &mut sheet.choices
            };
            map.insert(r.get(1)?, r.get(2)?);
        }
        Ok(Some(sheet))
    }

    /// Every started sheet of the product's current round: counts only, never choices.
    pub fn sheet_progress(
        &self,
        data: &SessionData,
        product: &ProductRow,
    ) -> Result<Vec<SheetProgress>> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {PROGRESS_COLUMNS} {PROGRESS_FROM} WHERE s.product_id = ?1"
        ))?;
        let rows = stmt
            .query_map([product.id], |r| progress_row(r, 0))?
            .collect::<rusqlite::Result<_>>()?;
        Ok(with_seats(data, rows))
    }

    /// [`Self::sheet_progress`] of every product of the session at once (one query), or
    /// only the sheets of the member at `seat` (a member's screen reads nothing of anyone
    /// else's sheet, not even how far it is).
    pub fn session_progress(
        &self,
        data: &SessionData,
        seat: Option<u32>,
    ) -> Result<HashMap<i64, Vec<SheetProgress>>> {
        let member = seat.map(|seat| data.seat(seat)).transpose()?.map(|m| m.id);
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT s.product_id, {PROGRESS_COLUMNS} {PROGRESS_FROM}
             WHERE p.session_id = ?1 AND (?2 IS NULL OR s.member_id = ?2)"
        ))?;
        let mut rows = stmt.query(params![data.info.id, member])?;
        let mut found: HashMap<i64, Vec<(i64, SheetProgress)>> = HashMap::new();
        while let Some(r) = rows.next()? {
            found
                .entry(r.get(0)?)
                .or_default()
                .push(progress_row(r, 1)?);
        }
        Ok(data.per_product(found, |rows| with_seats(data, rows)))
    }
}

/// A sheet's progress as [`progress_row`] reads it (member id, entered by, status, verified,
/// then its stored counts of the choices of entries 1 and 2, kept with them since schema 7):
/// no choice leaves the database, and none is read.
const PROGRESS_COLUMNS: &str =
    "s.member_id, s.entered_by, s.status, s.verified, s.answered, s.reentered";

/// The sheets of each product's current round.
const PROGRESS_FROM: &str =
    "FROM sheets s JOIN products p ON p.id = s.product_id AND p.round = s.round";

/// One sheet's [`PROGRESS_COLUMNS`] from column `at` on; the seat is set by [`with_seats`].
fn progress_row(r: &rusqlite::Row, at: usize) -> rusqlite::Result<(i64, SheetProgress)> {
    Ok((
        r.get(at)?,
        SheetProgress {
            seat: 0,
            entered_by: r.get(at + 1)?,
            submitted: r.get::<_, String>(at + 2)? == "submitted",
            verified: r.get(at + 3)?,
            answered: r.get(at + 4)?,
            reentered: r.get(at + 5)?,
        },
    ))
}

/// The progress of the sheets of `data`'s members, by member id, as seats in seat order.
fn with_seats(data: &SessionData, rows: Vec<(i64, SheetProgress)>) -> Vec<SheetProgress> {
    let mut out: Vec<SheetProgress> = rows
        .into_iter()
        .filter_map(|(member_id, mut progress)| {
            progress.seat = data.member_by_id(member_id)?.seat;
            Some(progress)
        })
        .collect();
    out.sort_by_key(|p| p.seat);
    out
}

impl Store {
    /// Every sheet whose stored counts (what the progress screens show) differ from its
    /// choices, one line each naming the sheet; empty when they agree.
    pub fn audit_count_check(&self) -> Result<Vec<String>> {
        let mut stmt = self.conn.prepare(
            "SELECT p.code, s.round, m.seat, s.answered, s.reentered,
                (SELECT COUNT(*) FROM choices c WHERE c.product_id = s.product_id
                    AND c.round = s.round AND c.member_id = s.member_id AND c.entry = 1),
                (SELECT COUNT(*) FROM choices c WHERE c.product_id = s.product_id
                    AND c.round = s.round AND c.member_id = s.member_id AND c.entry = 2)
             FROM sheets s JOIN products p ON p.id = s.product_id
             JOIN members m ON m.id = s.member_id
             ORDER BY p.session_id, p.position, s.round, m.seat",
        )?;
        let mut rows = stmt.query([])?;
        let mut problems = Vec::new();
        while let Some(r) = rows.next()? {
            let sheet = target(&r.get::<_, String>(0)?, r.get(1)?, Some(r.get(2)?), None);
            let (answered, choices): (i64, i64) = (r.get(3)?, r.get(5)?);
            if answered != choices {
                problems.push(format!(
                    "{sheet}: the sheet's stored answered count {answered} is not its {choices} choices"
                ));
            }
            let (reentered, reentries): (i64, i64) = (r.get(4)?, r.get(6)?);
            if reentered != reentries {
                problems.push(format!(
                    "{sheet}: the sheet's stored re-entered count {reentered} is not its {reentries} re-entry choices"
                ));
            }
        }
        Ok(problems)
    }
}
