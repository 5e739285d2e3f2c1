//! Narrow reads for the live screens: one member's own sheet, and how far every sheet has got
//! without any of its choices. A member's screen uses only these for products still being
//! scored, so it never holds another member's choices before the product is closed.

use std::collections::BTreeMap;

use rusqlite::{OptionalExtension, params};

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
        let mut stmt = self.conn.prepare_cached(
            "SELECT s.member_id, s.entered_by, s.status, s.verified,
                    (SELECT COUNT(*) FROM choices c WHERE c.product_id = s.product_id
                        AND c.round = s.round AND c.member_id = s.member_id AND c.entry = 1),
                    (SELECT COUNT(*) FROM choices c WHERE c.product_id = s.product_id
                        AND c.round = s.round AND c.member_id = s.member_id AND c.entry = 2)
             FROM sheets s JOIN products p ON p.id = s.product_id AND p.round = s.round
             WHERE s.product_id = ?1",
        )?;
        let rows = stmt.query_map([product.id], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                SheetProgress {
                    seat: 0,
                    entered_by: r.get(1)?,
                    submitted: r.get::<_, String>(2)? == "submitted",
                    verified: r.get(3)?,
                    answered: r.get(4)?,
                    reentered: r.get(5)?,
                },
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (member_id, mut progress) = row?;
            if let Some(m) = data.member_by_id(member_id) {
                progress.seat = m.seat;
                out.push(progress);
            }
        }
        out.sort_by_key(|p| p.seat);
        Ok(out)
    }
}
