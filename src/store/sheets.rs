//! Members' sheets: single choices, bulk imports of paper sheets, reading sheets back and the
//! product results computed from them.

use std::collections::hash_map::Entry;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt::Write as _;
use std::sync::OnceLock;

use rusqlite::{OptionalExtension, Transaction, params};
use serde::Serialize;

use super::audit::{
    AuditChain, CHOICE_REENTRY, CHOICE_SET, SHEET_IMPORT, SHEET_IMPORT_REENTRY, append, sha256_hex,
    sheet_choices_json, target,
};
use super::facts::{product_state, seat_facts, sheet_facts, sheet_hold, take_hold};
use super::load::{ProductRow, ProductStatus, SessionData, ensure_open};
use super::{Actor, IMPORTED, Result, Store, StoreError, now, rule};
use crate::meeting::{self, Checkpoint, Hold, Holder, Refusal, SeatFacts, SheetFacts, Writer};
use crate::rubric::Criterion;
use crate::scoring::{ProductResult, Ticks, score_product};

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

impl Ticks for StoredSheet {
    fn seat(&self) -> u32 {
        self.seat
    }
    fn choices(&self) -> &BTreeMap<String, u32> {
        &self.choices
    }
}

impl StoredSheet {
    /// Entered on the member's behalf (by the secretary or an import) rather than by the member.
    pub fn is_proxy(&self) -> bool {
        self.entered_by != "member"
    }

    /// The sheet as the meeting rules see it.
    pub fn facts(&self) -> SheetFacts {
        SheetFacts {
            seat: self.seat,
            started: !self.choices.is_empty() || !self.reentry.is_empty(),
            submitted: self.submitted,
            proxy: self.is_proxy(),
            verified: self.verified,
            by_member: !self.is_proxy(),
        }
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

/// The rules' view of one member's sheet of a product's current round, read inside `tx`.
struct SheetContext {
    key: SheetKey,
    status: ProductStatus,
    case_number: Option<u32>,
    seat: SeatFacts,
    sheet: Option<SheetFacts>,
}

fn sheet_context(
    tx: &Transaction,
    data: &SessionData,
    product: &ProductRow,
    member_id: i64,
) -> Result<SheetContext> {
    sheet_contexts(tx, data, product)?
        .remove(&member_id)
        .ok_or_else(|| StoreError::NotFound(format!("member {member_id}")))
}

/// [`sheet_context`] of every member of the session for one product, by member id, from the
/// same three reads (an import reads them once per product, not once per sheet).
fn sheet_contexts(
    tx: &Transaction,
    data: &SessionData,
    product: &ProductRow,
) -> Result<HashMap<i64, SheetContext>> {
    let state = product_state(tx, product.id)?;
    let mut sheets: HashMap<i64, SheetFacts> = sheet_facts(tx, product.id, state.round)?
        .into_iter()
        .collect();
    Ok(seat_facts(tx, data.info.id, product.id, state.round)?
        .into_iter()
        .map(|(member_id, seat)| {
            let context = SheetContext {
                key: SheetKey {
                    product_id: product.id,
                    round: state.round,
                    member_id,
                },
                status: state.status,
                case_number: state.case_number,
                seat,
                sheet: sheets.remove(&member_id),
            };
            (member_id, context)
        })
        .collect())
}

/// Applies `meeting::check_write` for `writer` and takes the sheet's hold for it.
fn check_and_hold(
    tx: &Transaction,
    product: &ProductRow,
    ctx: &SheetContext,
    writer: &Writer,
) -> Result<()> {
    let hold: Option<Hold> = sheet_hold(tx, ctx.key, &writer.holder)?;
    meeting::check_write(
        &product.code,
        ctx.status,
        &ctx.seat,
        ctx.sheet.as_ref(),
        hold.as_ref(),
        writer,
    )?;
    if !matches!(writer.holder, Holder::Import) && !hold.is_some_and(|h| h.ours) {
        take_hold(tx, ctx.key, &writer.holder)?;
    }
    Ok(())
}

/// The option stored for one criterion of one entry of a sheet, if any.
fn stored_option(
    tx: &Transaction,
    key: SheetKey,
    entry: u8,
    criterion: &str,
) -> Result<Option<u32>> {
    Ok(tx
        .prepare_cached(
            "SELECT option FROM choices WHERE product_id = ?1 AND round = ?2 AND member_id = ?3
             AND entry = ?4 AND criterion = ?5",
        )?
        .query_row(
            params![key.product_id, key.round, key.member_id, entry, criterion],
            |r| r.get(0),
        )
        .optional()?)
}

/// One ticked option to write into a sheet.
#[derive(Clone, Copy)]
struct NewChoice<'a> {
    key: SheetKey,
    entry: u8,
    criterion: &'a str,
    option: u32,
    points: u32,
}

/// The page cache an import writes with, in KiB (`PRAGMA cache_size` takes it negated).
const IMPORT_CACHE_KIB: i64 = 64 * 1024;

/// Choices with none stored before them, inserted together by one or more multi-row INSERTs
/// (an import's 30 000 one-row statements cost more than the rows they wrote), all entered
/// by one actor at one time. Flushed before anything reads the choices back.
struct NewChoices<'a> {
    entered_by: &'static str,
    at: &'a str,
    rows: Vec<NewChoice<'a>>,
}

impl<'a> NewChoices<'a> {
    /// Rows per INSERT: 7 parameters each, far below SQLite's limit of parameters.
    const BATCH: usize = 64;

    fn new(actor: &Actor, at: &'a str) -> Self {
        Self {
            entered_by: actor.entered_by(),
            at,
            rows: Vec::new(),
        }
    }

    /// The INSERT of `rows` rows: the actor and time are ?1 and ?2, then 7 per row.
    fn insert_sql(rows: usize) -> String {
        let mut sql = String::from(
            "INSERT INTO choices (entered_by, at, product_id, round, member_id, entry, criterion, option, points) VALUES ",
        );
        for i in 0..rows {
            let p = 3 + 7 * i;
            let sep = if i == 0 { "" } else { ", " };
            let _ = write!(
                sql,
                "{sep}(?1, ?2, ?{}, ?{}, ?{}, ?{}, ?{}, ?{}, ?{})",
                p,
                p + 1,
                p + 2,
                p + 3,
                p + 4,
                p + 5,
                p + 6
            );
        }
        sql
    }

    fn push(&mut self, tx: &Transaction, choice: &NewChoice<'a>) -> Result<()> {
        self.rows.push(*choice);
        if self.rows.len() == Self::BATCH {
            self.flush(tx)?;
        }
        Ok(())
    }

    fn flush(&mut self, tx: &Transaction) -> Result<()> {
        if self.rows.is_empty() {
            return Ok(());
        }
        // The INSERT of a full batch, written once per process.
        static FULL_BATCH: OnceLock<String> = OnceLock::new();
        let mut stmt = if self.rows.len() == Self::BATCH {
            tx.prepare_cached(FULL_BATCH.get_or_init(|| Self::insert_sql(Self::BATCH)))?
        } else {
            tx.prepare_cached(&Self::insert_sql(self.rows.len()))?
        };
        stmt.raw_bind_parameter(1, self.entered_by)?;
        stmt.raw_bind_parameter(2, self.at)?;
        for (i, c) in self.rows.iter().enumerate() {
            let p = 3 + 7 * i;
            stmt.raw_bind_parameter(p, c.key.product_id)?;
            stmt.raw_bind_parameter(p + 1, c.key.round)?;
            stmt.raw_bind_parameter(p + 2, c.key.member_id)?;
            stmt.raw_bind_parameter(p + 3, c.entry)?;
            stmt.raw_bind_parameter(p + 4, c.criterion)?;
            stmt.raw_bind_parameter(p + 5, c.option)?;
            stmt.raw_bind_parameter(p + 6, c.points)?;
        }
        stmt.raw_execute()?;
        self.rows.clear();
        Ok(())
    }
}

/// Writes one choice (entry 1 or 2) over the `old` option stored for it, at `new.at`;
/// returns whether it changed. A choice with nothing stored before it waits in `new` to be
/// inserted. The caller logs it: a row per typed choice, a row per imported sheet.
fn write_choice<'a>(
    tx: &Transaction,
    new: &mut NewChoices<'a>,
    choice: &NewChoice<'a>,
    old: Option<u32>,
) -> Result<bool> {
    let NewChoice {
        key,
        entry,
        criterion,
        option,
        points,
    } = *choice;
    if old == Some(option) {
        return Ok(false);
    }
    if old.is_none() {
        new.push(tx, choice)?;
    } else {
        tx.prepare_cached(
            "UPDATE choices SET option = ?6, points = ?7, entered_by = ?8, at = ?9
             WHERE product_id = ?1 AND round = ?2 AND member_id = ?3 AND entry = ?4 AND criterion = ?5",
        )?
        .execute(params![
            key.product_id,
            key.round,
            key.member_id,
            entry,
            criterion,
            option,
            points,
            new.entered_by,
            new.at
        ])?;
    }
    Ok(true)
}

/// The choices one import changed on one sheet: criterion, the option stored before (if
/// any) and the new one, in the file's order.
type SheetChanges<'a> = Vec<(&'a str, Option<u32>, u32)>;

/// Logs the choices an import changed on one sheet as one audit row (`SHEET_IMPORT`).
#[allow(clippy::too_many_arguments)] // the sheet, its changes, and who, when, in which chain
fn log_imported_sheet(
    tx: &Transaction,
    chain: &mut AuditChain,
    at: &str,
    session_id: i64,
    product: &ProductRow,
    (key, seat, entry): (SheetKey, u32, u8),
    changes: &SheetChanges,
    actor: &Actor,
) -> Result<()> {
    let old = sheet_choices_json(
        changes
            .iter()
            .filter_map(|&(criterion, old, _)| Some((criterion, old?))),
    );
    let new = sheet_choices_json(changes.iter().map(|&(criterion, _, new)| (criterion, new)));
    let action = if entry == 2 {
        SHEET_IMPORT_REENTRY
    } else {
        SHEET_IMPORT
    };
    chain.append(
        tx,
        Some(session_id),
        actor,
        at,
        action,
        &target(&product.code, key.round, Some(seat), None),
        old.as_deref(),
        new.as_deref(),
    )
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

/// What schema 7's triggers leave to the writer of imported choices (see `schema_v7.sql`):
/// adds `inserted` new choices of entry `entry` to the sheet's stored count.
fn count_imported_choices(tx: &Transaction, key: SheetKey, entry: u8, inserted: u32) -> Result<()> {
    tx.prepare_cached(
        "UPDATE sheets SET answered = answered + ?4 * (?5 = 1), reentered = reentered + ?4 * (?5 = 2)
         WHERE product_id = ?1 AND round = ?2 AND member_id = ?3",
    )?
    .execute(params![key.product_id, key.round, key.member_id, inserted, entry])?;
    Ok(())
}

/// The other half of what the triggers leave to the writer of imported choices: bumps the
/// product's changes by the `inserted` choices, none of them a member's tick (so every screen,
/// the members' seats included, reloads the product).
fn count_imported_changes(tx: &Transaction, product_id: i64, inserted: u32) -> Result<()> {
    tx.prepare_cached("UPDATE product_changes SET n = n + ?2 WHERE product_id = ?1")?
        .execute(params![product_id, inserted])?;
    Ok(())
}

impl Store {
    /// The holder a write of this process makes for `actor` (the operator's name for the
    /// secretary, so two people entering one paper sheet blind are told apart).
    pub(super) fn holder_for(&self, actor: &Actor) -> Holder {
        match actor {
            Actor::Member(seat) => Holder::Member { seat: *seat },
            Actor::Import(_) => Holder::Import,
            Actor::Secretary | Actor::Operator(_) | Actor::Cli => Holder::Secretary {
                operator: self.operator.clone().unwrap_or_default(),
            },
        }
    }

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
        let c = product
            .rubric
            .criterion(criterion)
            .ok_or_else(|| Refusal::UnknownCriterion {
                rubric: product.rubric_id.clone(),
                criterion: criterion.to_string(),
            })?;
        let points = c
            .option_at(option as usize)
            .ok_or_else(|| Refusal::OptionOutOfRange {
                criterion: criterion.to_string(),
                options: c.options.len() as u32,
                given: option,
            })?
            .points;
        let writer = Writer {
            holder: self.holder_for(actor),
            entry,
        };
        let blind = data.info.policy.blind_reentry;
        self.write(|tx| {
            ensure_open(tx, data.info.id)?;
            let ctx = sheet_context(tx, data, product, member.id)?;
            check_and_hold(tx, product, &ctx, &writer)?;
            meeting::check_option_in_case(&product.code, c, option, ctx.case_number)?;
            if blind {
                check_operator(tx, product, seat, ctx.key, &writer)?;
            }
            ensure_sheet(tx, ctx.key, actor)?;
            let old = stored_option(tx, ctx.key, entry, criterion)?;
            let choice = NewChoice {
                key: ctx.key,
                entry,
                criterion,
                option,
                points,
            };
            let at = now();
            let mut new = NewChoices::new(actor, &at);
            let changed = write_choice(tx, &mut new, &choice, old)?;
            new.flush(tx)?;
            if changed {
                let action = if entry == 2 {
                    CHOICE_REENTRY
                } else {
                    CHOICE_SET
                };
                AuditChain::read(tx)?.append(
                    tx,
                    Some(data.info.id),
                    actor,
                    &at,
                    action,
                    &target(&product.code, ctx.key.round, Some(seat), Some(criterion)),
                    old.map(|o| o.to_string()).as_deref(),
                    Some(&option.to_string()),
                )?;
            }
            if changed && old.is_none() && actor.entered_by() == IMPORTED {
                count_imported_choices(tx, ctx.key, entry, 1)?;
                count_imported_changes(tx, product.id, 1)?;
            }
            if entry == 2 {
                refresh_verified(tx, ctx.key)?;
            }
            Ok(changed)
        })
    }

    /// Sets a member's comment on their sheet (same rules as a choice).
    pub fn set_comment(
        &mut self,
        data: &SessionData,
        product: &ProductRow,
        seat: u32,
        comment: &str,
        actor: &Actor,
    ) -> Result<()> {
        let member = data.seat(seat)?;
        meeting::check_text(comment, meeting::TextField::Comment)?;
        let writer = Writer {
            holder: self.holder_for(actor),
            entry: 1,
        };
        self.write(|tx| {
            ensure_open(tx, data.info.id)?;
            let ctx = sheet_context(tx, data, product, member.id)?;
            check_and_hold(tx, product, &ctx, &writer)?;
            let key = ctx.key;
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
                Some(data.info.id),
                actor,
                "sheet.comment",
                &target(&product.code, key.round, Some(seat), None),
                Some(&old),
                Some(comment),
            )
        })
    }

    /// Submits a complete sheet; refuses one with unanswered criteria. The hold is released.
    pub fn submit_sheet(
        &mut self,
        data: &SessionData,
        product: &ProductRow,
        seat: u32,
        actor: &Actor,
    ) -> Result<()> {
        let member = data.seat(seat)?;
        let writer = Writer {
            holder: self.holder_for(actor),
            entry: 1,
        };
        self.write(|tx| {
            ensure_open(tx, data.info.id)?;
            let ctx = sheet_context(tx, data, product, member.id)?;
            check_and_hold(tx, product, &ctx, &writer)?;
            let mut chain = AuditChain::read(tx)?;
            submit_complete(
                tx,
                &mut chain,
                &now(),
                data.info.id,
                product,
                ctx.key,
                seat,
                actor,
            )?;
            release_hold(tx, ctx.key)
        })
    }

    /// Holds a member's sheet for this process's `actor` (opening it on a screen), so nobody
    /// else writes into it meanwhile. Refused, with who holds it, when someone else does.
    pub fn hold_sheet(
        &mut self,
        data: &SessionData,
        product: &ProductRow,
        seat: u32,
        actor: &Actor,
    ) -> Result<()> {
        let member = data.seat(seat)?;
        let writer = Writer {
            holder: self.holder_for(actor),
            entry: 1,
        };
        self.write(|tx| {
            let ctx = sheet_context(tx, data, product, member.id)?;
            let hold = sheet_hold(tx, ctx.key, &writer.holder)?;
            if let Some(h) = hold
                && h.alive
                && !h.ours
            {
                return rule(Refusal::SheetHeld {
                    product: product.code.clone(),
                    seat,
                    holder: h.holder,
                });
            }
            if ctx.status == ProductStatus::Scoring {
                take_hold(tx, ctx.key, &writer.holder)?;
            }
            Ok(())
        })
    }

    /// Who else holds a member's sheet open now, if anyone (for the secretary's "ghế 4 đang
    /// tự chấm").
    pub fn sheet_holder(
        &self,
        data: &SessionData,
        product: &ProductRow,
        seat: u32,
        actor: &Actor,
    ) -> Result<Option<Holder>> {
        let member = data.seat(seat)?;
        let state = product_state(&self.conn, product.id)?;
        let key = SheetKey {
            product_id: product.id,
            round: state.round,
            member_id: member.id,
        };
        Ok(sheet_hold(&self.conn, key, &self.holder_for(actor))?
            .filter(|h| h.alive && !h.ours)
            .map(|h| h.holder))
    }

    /// Releases every hold this process has for `actor` (leaving a sheet, or exiting).
    pub fn release_holds(&mut self, actor: &Actor) -> Result<()> {
        let holder = serde_json::to_string(&self.holder_for(actor)).expect("holder serialises");
        let (pid, host) = super::facts::this_process();
        self.write(|tx| {
            tx.execute(
                "DELETE FROM sheet_holds WHERE pid = ?1 AND host = ?2 AND holder = ?3",
                params![pid, host, holder],
            )?;
            Ok(())
        })
    }

    /// Reopens one submitted sheet of an open product for a correction, with a reason; the
    /// choices it held are kept so the minutes can print the old and the new.
    pub fn reopen_sheet(
        &mut self,
        data: &SessionData,
        product: &ProductRow,
        seat: u32,
        reason: &str,
    ) -> Result<()> {
        let member = data.seat(seat)?;
        let actor = self.actor_secretary();
        self.write(|tx| {
            ensure_open(tx, data.info.id)?;
            let ctx = sheet_context(tx, data, product, member.id)?;
            meeting::check_reopen_sheet(
                &product.code,
                ctx.status,
                seat,
                ctx.sheet.as_ref(),
                reason,
            )?;
            let old = entry_choices(tx, ctx.key, 1)?;
            let old_json = serde_json::to_string(&old).expect("choices serialise");
            tx.execute(
                "INSERT INTO sheet_reopenings (product_id, round, member_id, reason, old, actor, at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                params![
                    ctx.key.product_id,
                    ctx.key.round,
                    ctx.key.member_id,
                    reason.trim(),
                    old_json,
                    actor.label(),
                    now()
                ],
            )?;
            tx.execute(
                "UPDATE sheets SET status = 'draft', submitted_at = NULL, verified = 0
                 WHERE product_id = ?1 AND round = ?2 AND member_id = ?3",
                params![ctx.key.product_id, ctx.key.round, ctx.key.member_id],
            )?;
            append(
                tx,
                Some(data.info.id),
                &actor,
                "sheet.reopen",
                &target(&product.code, ctx.key.round, Some(seat), None),
                Some(&old_json),
                Some(reason.trim()),
            )
        })
    }

    /// Settles one mismatch of a blind re-entry by keeping entry `keep` (1 or 2) for
    /// `criterion`, after the paper was checked; the audit row says which entry was kept.
    pub fn resolve_reentry(
        &mut self,
        data: &SessionData,
        product: &ProductRow,
        seat: u32,
        criterion: &str,
        keep: u8,
        actor: &Actor,
    ) -> Result<()> {
        let member = data.seat(seat)?;
        let writer = Writer {
            holder: self.holder_for(actor),
            entry: 2,
        };
        self.write(|tx| {
            ensure_open(tx, data.info.id)?;
            let ctx = sheet_context(tx, data, product, member.id)?;
            check_and_hold(tx, product, &ctx, &writer)?;
            let first = entry_choices(tx, ctx.key, 1)?;
            let second = entry_choices(tx, ctx.key, 2)?;
            let (Some(&a), Some(&b)) = (first.get(criterion), second.get(criterion)) else {
                return rule(Refusal::NoReentryToResolve {
                    product: product.code.clone(),
                    seat,
                });
            };
            let value = if keep == 1 { a } else { b };
            let points = product
                .rubric
                .criterion(criterion)
                .and_then(|c| c.option_at(value as usize))
                .map_or(0, |o| o.points);
            for entry in [1u8, 2] {
                tx.execute(
                    "UPDATE choices SET option = ?6, points = ?7 WHERE product_id = ?1 AND round = ?2
                     AND member_id = ?3 AND entry = ?4 AND criterion = ?5",
                    params![ctx.key.product_id, ctx.key.round, ctx.key.member_id, entry, criterion, value, points],
                )?;
            }
            append(
                tx,
                Some(data.info.id),
                actor,
                "reentry.resolve",
                &target(&product.code, ctx.key.round, Some(seat), Some(criterion)),
                Some(&format!("entry 1: {a}; entry 2: {b}")),
                Some(&format!("kept entry {keep}: {value}")),
            )?;
            refresh_verified(tx, ctx.key)
        })
    }

    /// Imports paper sheets in bulk, all or nothing. Every row is checked first and every bad
    /// row is reported with its line; a file already imported (same SHA-256) is refused. The
    /// meeting rules apply as on a screen: the product is open with its quorum, the member
    /// scores, is present and not recused, and a sheet the member started on their own seat
    /// or someone holds open is never overwritten.
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
        let bad = |line: usize, refusal: Refusal| Refusal::Row {
            line,
            refusal: Box::new(refusal),
        };
        // Looked up by code and id for each of some 30 000 rows, not searched for.
        let products: HashMap<&str, &ProductRow> =
            data.products.iter().map(|p| (&*p.code, p)).collect();
        let mut criteria: HashMap<i64, HashMap<&str, &Criterion>> = HashMap::new();
        for row in rows {
            let Some(&product) = products.get(row.product.as_str()) else {
                problems.push(bad(
                    row.line,
                    Refusal::UnknownProduct {
                        code: row.product.clone(),
                    },
                ));
                continue;
            };
            let Some(member) = data.member(row.seat) else {
                problems.push(bad(row.line, Refusal::UnknownSeat { seat: row.seat }));
                continue;
            };
            let of_set = criteria.entry(product.id).or_insert_with(|| {
                product
                    .rubric
                    .criteria()
                    .map(|(_, c)| (&*c.id, c))
                    .collect()
            });
            let Some(&criterion) = of_set.get(row.criterion.as_str()) else {
                problems.push(bad(
                    row.line,
                    Refusal::UnknownCriterion {
                        rubric: product.rubric_id.clone(),
                        criterion: row.criterion.clone(),
                    },
                ));
                continue;
            };
            let Some(option) = criterion.option_at(row.option as usize) else {
                problems.push(bad(
                    row.line,
                    Refusal::OptionOutOfRange {
                        criterion: row.criterion.clone(),
                        options: criterion.options.len() as u32,
                        given: row.option,
                    },
                ));
                continue;
            };
            if let Some(first) =
                first_seen.insert((&row.product, row.seat, &row.criterion), row.line)
            {
                problems.push(bad(
                    row.line,
                    Refusal::RepeatedRow {
                        product: row.product.clone(),
                        seat: row.seat,
                        criterion: row.criterion.clone(),
                        first_line: first,
                    },
                ));
                continue;
            }
            resolved.push((row, product, member, criterion, option.points));
        }
        if !problems.is_empty() {
            return rule(Refusal::Rows {
                file: file_label.to_string(),
                rows: problems,
            });
        }
        let sha = sha256_hex(file_bytes);
        let actor = Actor::Import(file_label.to_string());
        let writer = Writer {
            holder: Holder::Import,
            entry: 1,
        };
        let session_id = data.info.id;
        let policy = data.info.policy.clone();
        // SQLite's default 2 MB page cache fills half-way through an import's ~11 MB of new
        // pages and spills them to the WAL before the commit, some more than once: with room
        // for all of them the import writes about a third fewer bytes. Only for the import;
        // the connection's cache is set back (and its pages freed) afterwards.
        let cache_size: i64 = self.conn.query_row("PRAGMA cache_size", [], |r| r.get(0))?;
        self.conn
            .pragma_update(None, "cache_size", -IMPORT_CACHE_KIB)?;
        let imported = self.write(|tx| {
            ensure_open(tx, session_id)?;
            let before: Option<String> = tx
                .query_row(
                    "SELECT at FROM imports WHERE session_id = ?1 AND sha256 = ?2",
                    params![session_id, sha],
                    |r| r.get(0),
                )
                .optional()?;
            if let Some(at) = before {
                return rule(Refusal::ImportAlreadyDone {
                    file: file_label.to_string(),
                    at,
                });
            }
            // One transaction, one time; the chain's head is carried from row to row.
            let at = now();
            let mut chain = AuditChain::read(tx)?;
            let mut new = NewChoices::new(&actor, &at);
            let mut changed = 0;
            let mut keys: Vec<(SheetKey, &ProductRow, u32)> = Vec::new();
            let mut entries: HashMap<SheetKey, u8> = HashMap::new();
            // Choices this import inserts (not overwrites), per sheet and per product. Schema
            // 7's triggers skip the rows an import inserts: it is the one writer that keeps
            // their sheets' counts and products' changes itself, once per sheet and per
            // product instead of one UPDATE per row (`count_imported_choices`).
            let mut inserted: HashMap<SheetKey, u32> = HashMap::new();
            let mut inserted_of_product: HashMap<i64, u32> = HashMap::new();
            // Each accepted sheet's options stored before the import, read once per sheet.
            let mut stored: HashMap<SheetKey, BTreeMap<String, u32>> = HashMap::new();
            // What the import changed on each sheet, logged once per sheet at the end.
            let mut logs: HashMap<SheetKey, SheetChanges> = HashMap::new();
            // Checked once per product and once per sheet, not per row.
            let mut checked_products: HashSet<i64> = HashSet::new();
            let mut contexts: HashMap<i64, HashMap<i64, SheetContext>> = HashMap::new();
            let mut problems = Vec::new();
            for (row, product, member, criterion, points) in &resolved {
                if checked_products.insert(product.id) {
                    let state = product_state(tx, product.id)?;
                    // A waiting product is opened by its paper sheets, with the checks of
                    // opening; a settled one refuses until reopened as a new round.
                    let opened = match state.status {
                        ProductStatus::Waiting => {
                            match super::lifecycle::open_round(tx, data, &policy, product, state.round) {
                                Ok(()) => {
                                    super::lifecycle::mark_scoring(tx, data, product, state.round, &actor)?;
                                    // Its audit row was appended beside the chain.
                                    chain = AuditChain::read(tx)?;
                                    true
                                }
                                Err(StoreError::Rule(r)) => {
                                    problems.push(bad(row.line, r));
                                    false
                                }
                                Err(e) => return Err(e),
                            }
                        }
                        ProductStatus::Scoring => true,
                        status => {
                            problems.push(bad(
                                row.line,
                                Refusal::NotOpenForScoring {
                                    product: product.code.clone(),
                                    status,
                                },
                            ));
                            false
                        }
                    };
                    if opened {
                        let seats: Vec<SeatFacts> =
                            super::facts::seats(tx, session_id, product.id, state.round)?;
                        if let Err(r) = meeting::require_quorum(
                            &policy,
                            &seats,
                            Checkpoint::Import,
                            Some(&product.code),
                        ) {
                            problems.push(bad(row.line, r));
                        }
                    }
                }
                // Read once per product: the rows of one sheet share its facts, and reading them
                // per row made an import quadratic in its sheets.
                let of_product = match contexts.entry(product.id) {
                    Entry::Occupied(known) => known.into_mut(),
                    Entry::Vacant(slot) => slot.insert(sheet_contexts(tx, data, product)?),
                };
                let ctx = of_product
                    .get(&member.id)
                    .ok_or_else(|| StoreError::NotFound(format!("member {}", member.id)))?;
                if ctx.status != ProductStatus::Scoring {
                    continue; // reported once for the product above
                }
                let entry = match entries.get(&ctx.key) {
                    Some(&e) => e,
                    None => {
                        // A paper sheet already entered once: this file is its blind re-entry.
                        let entry = match &ctx.sheet {
                            Some(s) if policy.blind_reentry && s.proxy && s.started => 2,
                            _ => 1,
                        };
                        let hold = sheet_hold(tx, ctx.key, &writer.holder)?;
                        let outcome = meeting::check_write(
                            &product.code,
                            ctx.status,
                            &ctx.seat,
                            ctx.sheet.as_ref(),
                            hold.as_ref(),
                            &Writer {
                                entry,
                                ..writer.clone()
                            },
                        )
                        .and_then(|()| match &ctx.sheet {
                            Some(s) if s.by_member => Err(Refusal::MemberStartedSheet {
                                product: product.code.clone(),
                                seat: row.seat,
                            }),
                            _ => Ok(()),
                        });
                        if let Err(r) = outcome {
                            problems.push(bad(row.line, r));
                            entries.insert(ctx.key, 0);
                            continue;
                        }
                        // A sheet this import creates has no choices yet.
                        let old = match ctx.sheet {
                            Some(_) => entry_choices(tx, ctx.key, entry)?,
                            None => BTreeMap::new(),
                        };
                        stored.insert(ctx.key, old);
                        ensure_sheet(tx, ctx.key, &actor)?;
                        keys.push((ctx.key, product, row.seat));
                        entries.insert(ctx.key, entry);
                        entry
                    }
                };
                if entry == 0 {
                    continue; // this sheet's refusal is already reported
                }
                if let Err(r) = meeting::check_option_in_case(
                    &product.code,
                    criterion,
                    row.option,
                    ctx.case_number,
                ) {
                    problems.push(bad(row.line, r));
                    continue;
                }
                let choice = NewChoice {
                    key: ctx.key,
                    entry,
                    criterion: &row.criterion,
                    option: row.option,
                    points: *points,
                };
                // A repeated row is refused above, so no row overwrites another of the file.
                let old = stored[&ctx.key].get(&row.criterion).copied();
                if write_choice(tx, &mut new, &choice, old)? {
                    changed += 1;
                    logs.entry(ctx.key)
                        .or_default()
                        .push((&row.criterion, old, row.option));
                    if old.is_none() {
                        *inserted.entry(ctx.key).or_default() += 1;
                        *inserted_of_product.entry(product.id).or_default() += 1;
                    }
                }
            }
            new.flush(tx)?;
            if !problems.is_empty() {
                // Nothing of the file is kept: the transaction is rolled back.
                return rule(Refusal::Rows {
                    file: file_label.to_string(),
                    rows: problems,
                });
            }
            for (&product_id, &n) in &inserted_of_product {
                count_imported_changes(tx, product_id, n)?;
            }
            // Paper sheets are signed when handed in: a complete one counts as submitted.
            let mut submitted = 0;
            for (key, product, seat) in &keys {
                let entry = entries[key];
                if let Some(changes) = logs.get(key) {
                    log_imported_sheet(
                        tx,
                        &mut chain,
                        &at,
                        session_id,
                        product,
                        (*key, *seat, entry),
                        changes,
                        &actor,
                    )?;
                }
                let added = inserted.get(key).copied().unwrap_or(0);
                if added > 0 {
                    count_imported_choices(tx, *key, entry, added)?;
                }
                if entry == 2 {
                    refresh_verified(tx, *key)?;
                    continue;
                }
                // Every stored and imported choice is of a criterion of the set, so a sheet
                // with as many choices as the set has criteria is complete.
                let answered = stored[key].len() + added as usize;
                if answered == product.rubric.criteria_count() {
                    mark_submitted(tx, &mut chain, &at, session_id, product, *key, *seat, &actor)?;
                    submitted += 1;
                }
            }
            tx.execute(
                "INSERT INTO imports (session_id, sha256, file, rows, at) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![session_id, sha, file_label, rows.len() as i64, at],
            )?;
            chain.append(
                tx,
                Some(session_id),
                &actor,
                &at,
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
        });
        // A cache left larger would only hold more memory: the import's outcome stands.
        let _ = self.conn.pragma_update(None, "cache_size", cache_size);
        imported
    }

    /// Every sheet of a product in one round (both entries of paper sheets).
    pub fn sheets(
        &self,
        data: &SessionData,
        product_id: i64,
        round: u32,
    ) -> Result<Vec<StoredSheet>> {
        read_sheets(&self.conn, data, product_id, round)
    }

    /// Seats recused from a product's current round.
    pub fn recused_seats(&self, data: &SessionData, product_id: i64) -> Result<Vec<u32>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT r.member_id FROM recusals r
             JOIN products p ON p.id = r.product_id AND r.round = p.round WHERE p.id = ?1",
        )?;
        let ids: Vec<i64> = stmt
            .query_map([product_id], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        Ok(seats_of(data, ids))
    }

    /// [`Self::recused_seats`] of every product of the session at once (one query).
    pub fn session_recusals(&self, data: &SessionData) -> Result<HashMap<i64, Vec<u32>>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT r.product_id, r.member_id FROM recusals r
             JOIN products p ON p.id = r.product_id AND r.round = p.round
             WHERE p.session_id = ?1",
        )?;
        let mut ids: HashMap<i64, Vec<i64>> = HashMap::new();
        let mut rows = stmt.query([data.info.id])?;
        while let Some(r) = rows.next()? {
            ids.entry(r.get(0)?).or_default().push(r.get(1)?);
        }
        Ok(data.per_product(ids, |ids| seats_of(data, ids)))
    }

    /// Every member as the rules see them for a product's round: the product's own
    /// attendance (the room's while it waits), recusals and who scores.
    pub fn seat_facts(
        &self,
        data: &SessionData,
        product_id: i64,
        round: u32,
    ) -> Result<Vec<SeatFacts>> {
        super::facts::seats(&self.conn, data.info.id, product_id, round)
    }

    /// [`Self::seat_facts`] of every product of the session at once, each for its current
    /// round (three reads for the whole session).
    pub fn session_seat_facts(&self, data: &SessionData) -> Result<HashMap<i64, Vec<SeatFacts>>> {
        let seats = super::facts::session_seats(&self.conn, data.info.id)?;
        Ok(data.per_product(seats, |seats| seats))
    }

    /// The council's result for a product's current round: only the sheets that count under
    /// the meeting rules (`meeting::not_counted_reason`).
    pub fn product_result(
        &self,
        data: &SessionData,
        product: &ProductRow,
    ) -> Result<ProductResult> {
        self.round_result(data, product, product.round)
    }

    /// The result of one round of a product as it stood (an earlier round ended closed).
    pub fn round_result(
        &self,
        data: &SessionData,
        product: &ProductRow,
        round: u32,
    ) -> Result<ProductResult> {
        let sheets = self.sheets(data, product.id, round)?;
        let seats = self.seat_facts(data, product.id, round)?;
        if round == product.round {
            Ok(result_from_sheets(data, product, &sheets, &seats))
        } else {
            let ended = ProductRow {
                status: ProductStatus::Closed,
                ..product.clone()
            };
            Ok(result_from_sheets(data, &ended, &sheets, &seats))
        }
    }

    /// Results of every product of the session, in agenda order.
    pub fn session_results(&self, data: &SessionData) -> Result<Vec<ProductResult>> {
        data.products
            .iter()
            .map(|p| self.product_result(data, p))
            .collect()
    }
}

/// The seats of the session's members `ids` (ids of no member of `data` left out), in order.
fn seats_of(data: &SessionData, ids: Vec<i64>) -> Vec<u32> {
    let mut seats: Vec<u32> = ids
        .iter()
        .filter_map(|id| data.member_by_id(*id).map(|m| m.seat))
        .collect();
    seats.sort_unstable();
    seats
}

/// [`Store::sheets`] on any connection (a write transaction reads its own sheets).
pub(super) fn read_sheets(
    conn: &rusqlite::Connection,
    data: &SessionData,
    product_id: i64,
    round: u32,
) -> Result<Vec<StoredSheet>> {
    let mut stmt = conn.prepare_cached(
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
    let mut stmt = conn.prepare_cached(
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

/// The sheets that count under the meeting rules, then the pure scoring.
pub fn result_from_sheets(
    data: &SessionData,
    product: &ProductRow,
    sheets: &[StoredSheet],
    seats: &[SeatFacts],
) -> ProductResult {
    let counted = counted_sheets(data, sheets, seats);
    score_product(
        &product.rubric,
        &counted,
        &data.info.policy.scoring(),
        knockout_of(product),
    )
}

/// The sheets that count under the meeting rules (`meeting::not_counted_reason`).
pub(super) fn counted_sheets<'s>(
    data: &SessionData,
    sheets: &'s [StoredSheet],
    seats: &[SeatFacts],
) -> Vec<&'s StoredSheet> {
    let policy = &data.info.policy;
    sheets
        .iter()
        .filter(|s| {
            seats
                .iter()
                .find(|f| f.seat == s.seat)
                .is_some_and(|seat| meeting::not_counted_reason(policy, seat, &s.facts()).is_none())
        })
        .collect()
}

/// What a knocked-out product's result names as the reason.
pub(super) fn knockout_of(product: &ProductRow) -> Option<&str> {
    (product.status == ProductStatus::KnockedOut).then(|| {
        product
            .knockout_condition
            .as_deref()
            .or(product.knockout_reason.as_deref())
            .unwrap_or("")
    })
}

/// Marks a complete sheet submitted at `at` (with its audit row); refuses one with gaps.
#[allow(clippy::too_many_arguments)] // the sheet, who, when, in which chain
fn submit_complete(
    tx: &Transaction,
    chain: &mut AuditChain,
    at: &str,
    session_id: i64,
    product: &ProductRow,
    key: SheetKey,
    seat: u32,
    actor: &Actor,
) -> Result<()> {
    let answered = entry_choices(tx, key, 1)?;
    let missing: Vec<String> = product
        .rubric
        .criteria()
        .filter(|(_, c)| !answered.contains_key(&*c.id))
        .map(|(_, c)| c.id.to_string())
        .collect();
    if !missing.is_empty() {
        return rule(Refusal::SheetIncomplete {
            product: product.code.clone(),
            seat,
            missing,
        });
    }
    mark_submitted(tx, chain, at, session_id, product, key, seat, actor)
}

/// Marks a sheet known to be complete submitted at `at`, with its audit row.
#[allow(clippy::too_many_arguments)] // the sheet, who, when, in which chain
fn mark_submitted(
    tx: &Transaction,
    chain: &mut AuditChain,
    at: &str,
    session_id: i64,
    product: &ProductRow,
    key: SheetKey,
    seat: u32,
    actor: &Actor,
) -> Result<()> {
    tx.prepare_cached(
        "UPDATE sheets SET status = 'submitted', submitted_at = ?4
         WHERE product_id = ?1 AND round = ?2 AND member_id = ?3",
    )?
    .execute(params![key.product_id, key.round, key.member_id, at])?;
    chain.append(
        tx,
        Some(session_id),
        actor,
        at,
        "sheet.submit",
        &target(&product.code, key.round, Some(seat), None),
        Some("draft"),
        Some("submitted"),
    )
}

fn release_hold(tx: &Transaction, key: SheetKey) -> Result<()> {
    tx.execute(
        "DELETE FROM sheet_holds WHERE product_id = ?1 AND round = ?2 AND member_id = ?3",
        params![key.product_id, key.round, key.member_id],
    )?;
    Ok(())
}

/// One entry's choices of a sheet: criterion → option.
fn entry_choices(tx: &Transaction, key: SheetKey, entry: u8) -> Result<BTreeMap<String, u32>> {
    let mut stmt = tx.prepare_cached(
        "SELECT criterion, option FROM choices WHERE product_id = ?1 AND round = ?2
         AND member_id = ?3 AND entry = ?4",
    )?;
    let rows = stmt.query_map(
        params![key.product_id, key.round, key.member_id, entry],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Blind re-entry of a paper sheet: each entry records its operator, and the second entry is
/// made by someone else than the first (who is never shown it). The first entry's operator
/// may still correct it; anyone else is sent to the second entry.
fn check_operator(
    tx: &Transaction,
    product: &ProductRow,
    seat: u32,
    key: SheetKey,
    writer: &Writer,
) -> Result<()> {
    let Holder::Secretary { operator } = &writer.holder else {
        return Ok(());
    };
    let (first, second): (Option<String>, Option<String>) = tx
        .query_row(
            "SELECT first_operator, second_operator FROM sheets
             WHERE product_id = ?1 AND round = ?2 AND member_id = ?3",
            params![key.product_id, key.round, key.member_id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?
        .unwrap_or((None, None));
    let column = if writer.entry == 2 {
        if first.as_deref() == Some(operator.as_str()) && !operator.is_empty() {
            return rule(Refusal::SameOperator {
                product: product.code.clone(),
                seat,
                operator: operator.clone(),
            });
        }
        if second.is_some() {
            return Ok(());
        }
        "second_operator"
    } else {
        match first {
            Some(f) if f != *operator => {
                return rule(Refusal::FirstEntryDone {
                    product: product.code.clone(),
                    seat,
                });
            }
            Some(_) => return Ok(()),
            None => "first_operator",
        }
    };
    tx.execute(
        &format!(
            "INSERT INTO sheets (product_id, round, member_id, entered_by, {column})
             VALUES (?1, ?2, ?3, 'secretary', ?4)
             ON CONFLICT DO UPDATE SET {column} = excluded.{column}"
        ),
        params![key.product_id, key.round, key.member_id, operator],
    )?;
    Ok(())
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
    let (first, second): (i64, i64) = tx.query_row(
        "SELECT answered, reentered FROM sheets WHERE product_id = ?1 AND round = ?2 AND member_id = ?3",
        params![key.product_id, key.round, key.member_id],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    let verified = mismatches == 0 && first == second && first > 0;
    tx.execute(
        "UPDATE sheets SET verified = ?4 WHERE product_id = ?1 AND round = ?2 AND member_id = ?3",
        params![key.product_id, key.round, key.member_id, verified],
    )?;
    Ok(())
}
