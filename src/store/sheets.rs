//! Members' sheets: single choices, bulk imports of paper sheets, reading sheets back and the
//! product results computed from them.

use std::collections::{BTreeMap, HashMap, HashSet};

use rusqlite::{OptionalExtension, Transaction, params};
use serde::Serialize;

use super::audit::{append, sha256_hex};
use super::load::{ProductRow, ProductStatus, SessionData, ensure_open};
use super::{Actor, Result, Store, StoreError, now, refused};
use crate::scoring::{ProductResult, Sheet, score_product};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct SheetKey {
    pub product_id: i64,
    pub round: u32,
    pub member_id: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StoredSheet {
    pub member_id: i64,
    pub seat: u32,
    pub entered_by: String,
    pub submitted: bool,
    pub verified: bool,
    pub comment: String,
    /// criterion id → 1-based option.
    pub choices: BTreeMap<String, u32>,
    /// The blind re-entry of a paper sheet (entry 2), when there is one.
    pub reentry: BTreeMap<String, u32>,
}

impl StoredSheet {
    /// Entered on the member's behalf (by the secretary or an import) rather than by the member.
    pub fn is_proxy(&self) -> bool {
        self.entered_by != "member"
    }
}

/// One line of a sheet import: which option a member ticked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChoiceRow {
    /// 1-based line in the source file, for messages.
    pub line: usize,
    pub product: String,
    pub seat: u32,
    pub criterion: String,
    pub option: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ImportReport {
    pub rows: usize,
    pub changed: usize,
    pub sheets: usize,
    pub submitted: usize,
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

fn sheet_row(tx: &Transaction, key: SheetKey) -> Result<Option<(String, String)>> {
    Ok(tx
        .prepare_cached(
            "SELECT status, entered_by FROM sheets WHERE product_id = ?1 AND round = ?2 AND member_id = ?3",
        )?
        .query_row(
            params![key.product_id, key.round, key.member_id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?)
}

/// Current status and round of a product, read inside the transaction (never from a stale view).
fn product_state(tx: &Transaction, product_id: i64) -> Result<(ProductStatus, u32, i64)> {
    let (status, round, session): (String, u32, i64) = tx.query_row(
        "SELECT status, round, session_id FROM products WHERE id = ?1",
        [product_id],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
    )?;
    let status = match status.as_str() {
        "scoring" => ProductStatus::Scoring,
        "closed" => ProductStatus::Closed,
        "knocked_out" => ProductStatus::KnockedOut,
        _ => ProductStatus::Waiting,
    };
    Ok((status, round, session))
}

/// The round an import writes into: a waiting product starts scoring, a settled one refuses.
fn import_round(
    tx: &Transaction,
    session_id: i64,
    actor: &Actor,
    row: &ChoiceRow,
    product: &ProductRow,
) -> Result<u32> {
    let (status, round, _) = product_state(tx, product.id)?;
    match status {
        ProductStatus::Closed | ProductStatus::KnockedOut => refused(format!(
            "line {}: product {} is {}; reopen it as a new round first. Nothing was imported.",
            row.line,
            product.code,
            status.as_str()
        )),
        ProductStatus::Waiting => {
            tx.execute(
                "UPDATE products SET status = 'scoring' WHERE id = ?1",
                [product.id],
            )?;
            append(
                tx,
                Some(session_id),
                actor,
                "product.status",
                &target(&product.code, round, None, None),
                Some("waiting"),
                Some("scoring"),
            )?;
            Ok(round)
        }
        ProductStatus::Scoring => Ok(round),
    }
}

/// The current round of a product that is open for scoring; refuses any other status.
fn scoring_round(tx: &Transaction, product: &ProductRow) -> Result<u32> {
    let (status, round, _) = product_state(tx, product.id)?;
    if status != ProductStatus::Scoring {
        return refused(format!(
            "product {} is not open for scoring ({})",
            product.code,
            status.as_str()
        ));
    }
    Ok(round)
}

fn is_recused(tx: &Transaction, product_id: i64, member_id: i64) -> Result<bool> {
    Ok(tx
        .prepare_cached("SELECT 1 FROM recusals WHERE product_id = ?1 AND member_id = ?2")?
        .query_row(params![product_id, member_id], |_| Ok(()))
        .optional()?
        .is_some())
}

/// Writes one choice (entry 1 or 2) and its audit row if it changed; returns whether it did.
#[allow(clippy::too_many_arguments)]
fn upsert_choice(
    tx: &Transaction,
    session_id: i64,
    product: &ProductRow,
    key: SheetKey,
    seat: u32,
    entry: u8,
    criterion: &str,
    option: u32,
    points: u32,
    actor: &Actor,
) -> Result<bool> {
    let old: Option<u32> = tx
        .prepare_cached(
            "SELECT option FROM choices WHERE product_id = ?1 AND round = ?2 AND member_id = ?3
             AND entry = ?4 AND criterion = ?5",
        )?
        .query_row(
            params![key.product_id, key.round, key.member_id, entry, criterion],
            |r| r.get(0),
        )
        .optional()?;
    if old == Some(option) {
        return Ok(false);
    }
    tx.prepare_cached(
        "INSERT INTO choices (product_id, round, member_id, entry, criterion, option, points, entered_by, at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
         ON CONFLICT (product_id, round, member_id, entry, criterion)
         DO UPDATE SET option = excluded.option, points = excluded.points,
                       entered_by = excluded.entered_by, at = excluded.at",
    )?
    .execute(params![
        key.product_id,
        key.round,
        key.member_id,
        entry,
        criterion,
        option,
        points,
        actor.entered_by(),
        now()
    ])?;
    let action = if entry == 2 {
        "choice.reentry"
    } else {
        "choice.set"
    };
    append(
        tx,
        Some(session_id),
        actor,
        action,
        &target(&product.code, key.round, Some(seat), Some(criterion)),
        old.map(|o| o.to_string()).as_deref(),
        Some(&option.to_string()),
    )?;
    Ok(true)
}

fn ensure_sheet(tx: &Transaction, key: SheetKey, actor: &Actor) -> Result<()> {
    tx.prepare_cached(
        "INSERT INTO sheets (product_id, round, member_id, entered_by) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT DO NOTHING",
    )?
    .execute(params![
        key.product_id,
        key.round,
        key.member_id,
        actor.entered_by()
    ])?;
    Ok(())
}

impl Store {
    /// Records one ticked option on a member's sheet of an open product, durably.
    /// `entry` 2 is the blind re-entry of a paper sheet.
    #[allow(clippy::too_many_arguments)] // each is a distinct coordinate of one choice
    pub fn set_choice(
        &mut self,
        data: &SessionData,
        product: &ProductRow,
        seat: u32,
        criterion: &str,
        option: u32,
        entry: u8,
        actor: &Actor,
    ) -> Result<bool> {
        let member = data.seat(seat)?;
        let c = product.rubric.criterion(criterion).ok_or_else(|| {
            StoreError::NotFound(format!(
                "criterion \"{criterion}\" in criteria set {}",
                product.rubric_id
            ))
        })?;
        let points = c
            .option_at(option as usize)
            .ok_or_else(|| {
                StoreError::Refused(format!(
                    "criterion {criterion} has options 1 to {}, not {option}",
                    c.options.len()
                ))
            })?
            .points;
        let session_id = data.info.id;
        self.write(|tx| {
            ensure_open(tx, session_id)?;
            let round = scoring_round(tx, product)?;
            if is_recused(tx, product.id, member.id)? {
                return refused(format!(
                    "member at seat {seat} is recused from product {}",
                    product.code
                ));
            }
            let key = SheetKey {
                product_id: product.id,
                round,
                member_id: member.id,
            };
            if let Some((status, _)) = sheet_row(tx, key)?
                && status == "submitted"
                && entry == 1
            {
                return refused(format!(
                    "the sheet of seat {seat} for {} is already submitted",
                    product.code
                ));
            }
            ensure_sheet(tx, key, actor)?;
            let changed = upsert_choice(
                tx, session_id, product, key, seat, entry, criterion, option, points, actor,
            )?;
            if entry == 2 {
                refresh_verified(tx, key)?;
            }
            Ok(changed)
        })
    }

    /// Sets a member's comment on their sheet.
    pub fn set_comment(
        &mut self,
        data: &SessionData,
        product: &ProductRow,
        seat: u32,
        comment: &str,
        actor: &Actor,
    ) -> Result<()> {
        let member = data.seat(seat)?;
        let session_id = data.info.id;
        self.write(|tx| {
            ensure_open(tx, session_id)?;
            let (_, round, _) = product_state(tx, product.id)?;
            let key = SheetKey {
                product_id: product.id,
                round,
                member_id: member.id,
            };
            ensure_sheet(tx, key, actor)?;
            let old: String = tx.query_row(
                "SELECT comment FROM sheets WHERE product_id = ?1 AND round = ?2 AND member_id = ?3",
                params![key.product_id, key.round, key.member_id],
                |r| r.get(0),
            )?;
            tx.execute(
                "UPDATE sheets SET comment = ?4 WHERE product_id = ?1 AND round = ?2 AND member_id = ?3",
                params![key.product_id, key.round, key.member_id, comment],
            )?;
            append(
                tx,
                Some(session_id),
                actor,
                "sheet.comment",
                &target(&product.code, round, Some(seat), None),
                Some(&old),
                Some(comment),
            )
        })
    }

    /// Submits a complete sheet; refuses one with unanswered criteria.
    pub fn submit_sheet(
        &mut self,
        data: &SessionData,
        product: &ProductRow,
        seat: u32,
        actor: &Actor,
    ) -> Result<()> {
        let member = data.seat(seat)?;
        let session_id = data.info.id;
        self.write(|tx| {
            ensure_open(tx, session_id)?;
            let round = scoring_round(tx, product)?;
            let key = SheetKey {
                product_id: product.id,
                round,
                member_id: member.id,
            };
            let answered: HashSet<String> = tx
                .prepare_cached(
                    "SELECT criterion FROM choices WHERE product_id = ?1 AND round = ?2
                     AND member_id = ?3 AND entry = 1",
                )?
                .query_map(params![key.product_id, round, key.member_id], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?;
            let missing: Vec<&str> = product
                .rubric
                .criteria()
                .map(|(_, c)| c.id.as_str())
                .filter(|id| !answered.contains(*id))
                .collect();
            if !missing.is_empty() {
                return refused(format!(
                    "the sheet of seat {seat} for {} is incomplete: {} unanswered ({})",
                    product.code,
                    missing.len(),
                    missing.join(", ")
                ));
            }
            tx.execute(
                "UPDATE sheets SET status = 'submitted', submitted_at = ?4
                 WHERE product_id = ?1 AND round = ?2 AND member_id = ?3",
                params![key.product_id, round, key.member_id, now()],
            )?;
            append(
                tx,
                Some(session_id),
                actor,
                "sheet.submit",
                &target(&product.code, round, Some(seat), None),
                Some("draft"),
                Some("submitted"),
            )
        })
    }

    /// Imports paper sheets in bulk, all or nothing. Every row is checked first and every bad
    /// row is reported with its line; a file already imported (same SHA-256) is refused.
    pub fn import_choices(
        &mut self,
        data: &SessionData,
        file_label: &str,
        file_bytes: &[u8],
        rows: &[ChoiceRow],
    ) -> Result<ImportReport> {
        let mut problems = Vec::new();
        let mut first_seen: HashMap<(&str, u32, &str), usize> = HashMap::new();
        let mut resolved = Vec::with_capacity(rows.len());
        for row in rows {
            let Some(product) = data.product(&row.product) else {
                problems.push(format!(
                    "line {}: unknown product \"{}\"",
                    row.line, row.product
                ));
                continue;
            };
            let Some(member) = data.member(row.seat) else {
                problems.push(format!(
                    "line {}: unknown member seat {}",
                    row.line, row.seat
                ));
                continue;
            };
            let Some(criterion) = product.rubric.criterion(&row.criterion) else {
                problems.push(format!(
                    "line {}: criterion \"{}\" is not in criteria set {} of product {}",
                    row.line, row.criterion, product.rubric_id, product.code
                ));
                continue;
            };
            let Some(option) = criterion.option_at(row.option as usize) else {
                problems.push(format!(
                    "line {}: criterion {} has options 1 to {}, not {}",
                    row.line,
                    row.criterion,
                    criterion.options.len(),
                    row.option
                ));
                continue;
            };
            if let Some(first) =
                first_seen.insert((&row.product, row.seat, &row.criterion), row.line)
            {
                problems.push(format!(
                    "line {}: repeats product {} seat {} criterion {} (first on line {first})",
                    row.line, row.product, row.seat, row.criterion
                ));
                continue;
            }
            resolved.push((row, product, member, option.points));
        }
        if !problems.is_empty() {
            let shown = problems.len().min(20);
            let mut msg = format!(
                "{file_label}: {} bad row(s); nothing was imported:\n  {}",
                problems.len(),
                problems[..shown].join("\n  ")
            );
            if problems.len() > shown {
                msg.push_str(&format!("\n  … and {} more", problems.len() - shown));
            }
            return refused(msg);
        }
        let sha = sha256_hex(file_bytes);
        let actor = Actor::Import(file_label.to_string());
        let session_id = data.info.id;
        let blind = data.info.policy.blind_reentry;
        self.write(|tx| {
            ensure_open(tx, session_id)?;
            let before: Option<String> = tx
                .query_row(
                    "SELECT at FROM imports WHERE session_id = ?1 AND sha256 = ?2",
                    params![session_id, sha],
                    |r| r.get(0),
                )
                .optional()?;
            if let Some(at) = before {
                return refused(format!(
                    "{file_label}: this exact file was already imported at {at}; nothing was imported again"
                ));
            }
            let mut changed = 0;
            let mut keys: Vec<(SheetKey, &ProductRow, u32)> = Vec::new();
            let mut entries: HashMap<SheetKey, u8> = HashMap::new();
            // Checked once per product and once per sheet, not per row.
            let mut rounds: HashMap<i64, u32> = HashMap::new();
            for (row, product, member, points) in &resolved {
                let round = match rounds.get(&product.id) {
                    Some(&round) => round,
                    None => {
                        let round = import_round(tx, session_id, &actor, row, product)?;
                        rounds.insert(product.id, round);
                        round
                    }
                };
                let key = SheetKey {
                    product_id: product.id,
                    round,
                    member_id: member.id,
                };
                let entry = match entries.get(&key) {
                    Some(&e) => e,
                    None => {
                        if is_recused(tx, product.id, member.id)? {
                            return refused(format!(
                                "line {}: member at seat {} is recused from product {}. Nothing was imported.",
                                row.line, row.seat, product.code
                            ));
                        }
                        let existing = sheet_row(tx, key)?;
                        let entry = match &existing {
                            // A paper sheet already entered once: this file is its blind re-entry.
                            Some((_, by)) if blind && by != "member" => 2,
                            Some((status, _)) if status == "submitted" => {
                                return refused(format!(
                                    "line {}: the sheet of seat {} for {} is already submitted. Nothing was imported.",
                                    row.line, row.seat, product.code
                                ));
                            }
                            _ => 1,
                        };
                        ensure_sheet(tx, key, &actor)?;
                        keys.push((key, product, row.seat));
                        entries.insert(key, entry);
                        entry
                    }
                };
                if upsert_choice(
                    tx,
                    session_id,
                    product,
                    key,
                    row.seat,
                    entry,
                    &row.criterion,
                    row.option,
                    *points,
                    &actor,
                )? {
                    changed += 1;
                }
            }
            // Paper sheets are signed when handed in: a complete one counts as submitted.
            let mut submitted = 0;
            for (key, product, seat) in &keys {
                if entries[key] == 2 {
                    refresh_verified(tx, *key)?;
                    continue;
                }
                let answered: i64 = tx.query_row(
                    "SELECT COUNT(*) FROM choices WHERE product_id = ?1 AND round = ?2
                     AND member_id = ?3 AND entry = 1",
                    params![key.product_id, key.round, key.member_id],
                    |r| r.get(0),
                )?;
                if answered as usize == product.rubric.criteria_count() {
                    tx.execute(
                        "UPDATE sheets SET status = 'submitted', submitted_at = ?4
                         WHERE product_id = ?1 AND round = ?2 AND member_id = ?3 AND status = 'draft'",
                        params![key.product_id, key.round, key.member_id, now()],
                    )?;
                    append(
                        tx,
                        Some(session_id),
                        &actor,
                        "sheet.submit",
                        &target(&product.code, key.round, Some(*seat), None),
                        Some("draft"),
                        Some("submitted"),
                    )?;
                    submitted += 1;
                }
            }
            tx.execute(
                "INSERT INTO imports (session_id, sha256, file, rows, at) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![session_id, sha, file_label, rows.len() as i64, now()],
            )?;
            append(
                tx,
                Some(session_id),
                &actor,
                "sheets.import",
                file_label,
                None,
                Some(&format!("{} rows, sha256 {sha}", rows.len())),
            )?;
            Ok(ImportReport {
                rows: rows.len(),
                changed,
                sheets: keys.len(),
                submitted,
            })
        })
    }

    /// Every sheet of a product in one round (both entries of paper sheets).
    pub fn sheets(
        &self,
        data: &SessionData,
        product_id: i64,
        round: u32,
    ) -> Result<Vec<StoredSheet>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT member_id, entered_by, status, verified, comment FROM sheets
             WHERE product_id = ?1 AND round = ?2",
        )?;
        let mut sheets: Vec<StoredSheet> = stmt
            .query_map(params![product_id, round], |r| {
                Ok(StoredSheet {
                    member_id: r.get(0)?,
                    seat: 0,
                    entered_by: r.get(1)?,
                    submitted: r.get::<_, String>(2)? == "submitted",
                    verified: r.get(3)?,
                    comment: r.get(4)?,
                    choices: BTreeMap::new(),
                    reentry: BTreeMap::new(),
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        let mut stmt = self.conn.prepare_cached(
            "SELECT member_id, entry, criterion, option FROM choices WHERE product_id = ?1 AND round = ?2",
        )?;
        let mut rows = stmt.query(params![product_id, round])?;
        let mut index: HashMap<i64, usize> = HashMap::new();
        for (i, s) in sheets.iter_mut().enumerate() {
            s.seat = data.member_by_id(s.member_id).map_or(0, |m| m.seat);
            index.insert(s.member_id, i);
        }
        while let Some(r) = rows.next()? {
            let member: i64 = r.get(0)?;
            let entry: u8 = r.get(1)?;
            let Some(&i) = index.get(&member) else {
                continue;
            };
            let map = if entry == 2 {
                &mut sheets[i].reentry
            } else {
                &mut sheets[i].choices
            };
            map.insert(r.get(2)?, r.get(3)?);
        }
        sheets.sort_by_key(|s| s.seat);
        Ok(sheets)
    }

    /// Seats recused from a product.
    pub fn recused_seats(&self, data: &SessionData, product_id: i64) -> Result<Vec<u32>> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT member_id FROM recusals WHERE product_id = ?1")?;
        let ids: Vec<i64> = stmt
            .query_map([product_id], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        let mut seats: Vec<u32> = ids
            .iter()
            .filter_map(|id| data.member_by_id(*id).map(|m| m.seat))
            .collect();
        seats.sort_unstable();
        Ok(seats)
    }

    /// The council's result for a product's current round: counted sheets are those of members
    /// not recused, and for paper sheets under blind re-entry only verified ones.
    pub fn product_result(
        &self,
        data: &SessionData,
        product: &ProductRow,
    ) -> Result<ProductResult> {
        let sheets = self.sheets(data, product.id, product.round)?;
        let recused = self.recused_seats(data, product.id)?;
        Ok(result_from_sheets(data, product, &sheets, &recused))
    }

    /// Results of every product of the session, in agenda order.
    pub fn session_results(&self, data: &SessionData) -> Result<Vec<ProductResult>> {
        data.products
            .iter()
            .map(|p| self.product_result(data, p))
            .collect()
    }
}

/// Which stored sheets count, then the pure scoring.
pub fn result_from_sheets(
    data: &SessionData,
    product: &ProductRow,
    sheets: &[StoredSheet],
    recused: &[u32],
) -> ProductResult {
    let blind = data.info.policy.blind_reentry;
    let counted: Vec<Sheet> = sheets
        .iter()
        .filter(|s| !recused.contains(&s.seat))
        .filter(|s| !(blind && s.is_proxy() && !s.verified))
        .map(|s| Sheet {
            seat: s.seat,
            choices: s.choices.clone(),
        })
        .collect();
    let knockout = (product.status == ProductStatus::KnockedOut)
        .then(|| product.knockout_reason.as_deref().unwrap_or(""));
    score_product(
        &product.rubric,
        &counted,
        &data.info.policy.scoring(),
        knockout,
    )
}

/// A blind re-entry verifies its sheet when both entries hold the same choices.
fn refresh_verified(tx: &Transaction, key: SheetKey) -> Result<()> {
    let mismatches: i64 = tx.query_row(
        "SELECT COUNT(*) FROM (
            SELECT criterion, option FROM choices WHERE product_id = ?1 AND round = ?2 AND member_id = ?3 AND entry = 1
            EXCEPT
            SELECT criterion, option FROM choices WHERE product_id = ?1 AND round = ?2 AND member_id = ?3 AND entry = 2
         ) ",
        params![key.product_id, key.round, key.member_id],
        |r| r.get(0),
    )?;
    let first: i64 = tx.query_row(
        "SELECT COUNT(*) FROM choices WHERE product_id = ?1 AND round = ?2 AND member_id = ?3 AND entry = 1",
        params![key.product_id, key.round, key.member_id],
        |r| r.get(0),
    )?;
    let second: i64 = tx.query_row(
        "SELECT COUNT(*) FROM choices WHERE product_id = ?1 AND round = ?2 AND member_id = ?3 AND entry = 2",
        params![key.product_id, key.round, key.member_id],
        |r| r.get(0),
    )?;
    let verified = mismatches == 0 && first == second && first > 0;
    tx.execute(
        "UPDATE sheets SET verified = ?4 WHERE product_id = ?1 AND round = ?2 AND member_id = ?3",
        params![key.product_id, key.round, key.member_id, verified],
    )?;
    Ok(())
}
