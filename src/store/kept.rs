//! Settled results kept in the database: a round's full result is computed once, in the
//! transaction that settles it, stored with the SHA-256 of the inputs it came from and served
//! from there; `audit verify` recomputes every stored one and names any that differ.
//!
//! The rules already forbid every change to a settled round's inputs (sheets, attendance,
//! recusals), so a kept result goes stale only when the round or the status changes, and both
//! go through `lifecycle::set_status`, which keeps the new one.
//!
//! What is stored is the result's [`Figures`] (its numbers without the rubric's texts, which
//! reading it back shares from the product's rubric), packed as bytes since schema 7
//! (`scoring::packed`): as JSON (schema 6) reading them cost more than computing them.

use std::collections::HashMap;
use std::fmt::Write as _;

use rusqlite::types::ValueRef;
use rusqlite::{Connection, OptionalExtension, params};

use super::audit::sha256_hex;
use super::facts::seats;
use super::load::{ProductRow, ProductStatus, SessionData, unknown_value};
use super::sheets::{counted_sheets, knockout_of, read_sheets};
use super::{Result, Store};
use crate::scoring::{Figures, ProductResult, Ticks, figures};

/// SHA-256 of everything a result is computed from: the rubric's stored text (by its hash),
/// the scoring policy, the knock-out and every counted choice.
fn inputs_hash(
    data: &SessionData,
    product: &ProductRow,
    counted: &[impl Ticks],
    knockout: Option<&str>,
) -> String {
    let mut text = format!(
        "rubric {}\npolicy {}\nknockout {}\n",
        product.rubric_sha256,
        serde_json::to_string(&data.info.policy.scoring()).expect("policy serialises"),
        serde_json::to_string(&knockout).expect("text serialises"),
    );
    for sheet in counted {
        let _ = write!(text, "seat {}:", sheet.seat());
        for (criterion, option) in sheet.choices() {
            let _ = write!(text, " {criterion}={option}");
        }
        text.push('\n');
    }
    sha256_hex(text.as_bytes())
}

/// The figures of the round's result computed afresh from the stored sheets, with its
/// inputs' hash; `product` carries the status the result is for.
fn compute(
    conn: &Connection,
    data: &SessionData,
    product: &ProductRow,
    round: u32,
) -> Result<(Figures, String)> {
    let sheets = read_sheets(conn, data, product.id, round)?;
    let seats = seats(conn, data.info.id, product.id, round)?;
    let counted = counted_sheets(data, &sheets, &seats);
    let knockout = knockout_of(product);
    let result = figures(
        &product.rubric,
        &counted,
        &data.info.policy.scoring(),
        knockout,
    );
    Ok((result, inputs_hash(data, product, &counted, knockout)))
}

/// The product's row as the transaction now holds it (status and knock-out just written).
fn current_row(conn: &Connection, product: &ProductRow) -> Result<ProductRow> {
    let (status, reason, condition): (String, Option<String>, Option<String>) = conn
        .prepare_cached(
            "SELECT status, knockout_reason, knockout_condition FROM products WHERE id = ?1",
        )?
        .query_row([product.id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
    Ok(ProductRow {
        status: ProductStatus::parse(&status)
            .ok_or_else(|| unknown_value(0, "product status", &status))?,
        knockout_reason: reason,
        knockout_condition: condition,
        ..product.clone()
    })
}

/// Computes and stores the result of a round that has just been settled (inside its
/// transaction, so the kept result and the status change commit together).
pub(super) fn keep_result(
    conn: &Connection,
    data: &SessionData,
    product: &ProductRow,
    round: u32,
) -> Result<()> {
    let row = current_row(conn, product)?;
    let (kept, hash) = compute(conn, data, &row, round)?;
    conn.prepare_cached(
        "INSERT OR REPLACE INTO kept_results (product_id, round, status, inputs_sha256, result)
         VALUES (?1, ?2, ?3, ?4, ?5)",
    )?
    .execute(params![
        product.id,
        round,
        row.status.as_str(),
        hash,
        kept.pack(),
    ])?;
    Ok(())
}

/// Every kept result still stored as text rewritten by `convert`; one it cannot read (None)
/// is left as it is, for `audit verify` to name.
fn rewrite_kept_texts<T: rusqlite::ToSql>(
    tx: &rusqlite::Transaction,
    convert: impl Fn(&str) -> Option<T>,
) -> rusqlite_migration::HookResult {
    let rows: Vec<(i64, u32, String, String)> = tx
        .prepare(
            "SELECT product_id, round, status, result FROM kept_results
             WHERE typeof(result) = 'text'",
        )?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let mut update = tx.prepare(
        "UPDATE kept_results SET result = ?4 WHERE product_id = ?1 AND round = ?2 AND status = ?3",
    )?;
    for (product_id, round, status, text) in rows {
        if let Some(kept) = convert(&text) {
            update.execute(params![product_id, round, status, kept])?;
        }
    }
    Ok(())
}

/// The hook of the migration to schema 6: every result kept whole (schemas 3–5) is rewritten
/// as its figures (JSON).
pub(super) fn keep_figures_only(tx: &rusqlite::Transaction) -> rusqlite_migration::HookResult {
    rewrite_kept_texts(tx, |text| {
        let whole = serde_json::from_str::<ProductResult>(text).ok()?;
        Some(serde_json::to_string(&Figures::of(&whole)).expect("figures serialise"))
    })
}

/// The hook of the migration to schema 7: every kept result stored as JSON figures (schema 6)
/// is packed.
pub(super) fn pack_kept_figures(tx: &rusqlite::Transaction) -> rusqlite_migration::HookResult {
    rewrite_kept_texts(tx, |text| {
        Some(serde_json::from_str::<Figures>(text).ok()?.pack())
    })
}

impl Store {
    /// The kept result of a product's round, if one is stored for the status it should have
    /// (its own for the current round; closed for an earlier round, which ended closed).
    pub fn kept_result(&self, product: &ProductRow, round: u32) -> Result<Option<ProductResult>> {
        let status = if round == product.round {
            product.status
        } else {
            ProductStatus::Closed
        };
        if !status.is_settled() {
            return Ok(None);
        }
        // Unpacked straight from SQLite's bytes. An unreadable one is computed afresh by the
        // caller and named by `audit verify`.
        let figures: Option<Option<Figures>> = self
            .conn
            .prepare_cached(
                "SELECT result FROM kept_results WHERE product_id = ?1 AND round = ?2
                 AND status = ?3",
            )?
            .query_row(params![product.id, round, status.as_str()], |r| {
                Ok(Figures::unpack(r.get_ref(0)?.as_bytes()?))
            })
            .optional()?;
        Ok(figures
            .flatten()
            .and_then(|f| f.into_result(&product.rubric)))
    }

    /// A product's current result for showing: the kept one when it is settled and kept
    /// (databases from before schema 3 have none), else computed from its sheets.
    pub fn shown_result(&self, data: &SessionData, product: &ProductRow) -> Result<ProductResult> {
        match self.kept_result(product, product.round)? {
            Some(result) => Ok(result),
            None => self.product_result(data, product),
        }
    }

    /// Every kept result recomputed from the sheets now stored: one line for each that was
    /// computed from other inputs (stale) or differs from a fresh computation (edited).
    pub fn audit_kept_check(&self) -> Result<Vec<String>> {
        let mut problems = Vec::new();
        let mut stmt = self.conn.prepare(
            "SELECT p.session_id, k.product_id, k.round, k.status, k.inputs_sha256, k.result
             FROM kept_results k JOIN products p ON p.id = k.product_id
             ORDER BY p.session_id, p.position, k.round",
        )?;
        let mut rows = stmt.query([])?;
        let mut sessions: HashMap<i64, SessionData> = HashMap::new();
        while let Some(r) = rows.next()? {
            let session_id: i64 = r.get(0)?;
            let product_id: i64 = r.get(1)?;
            let round: u32 = r.get(2)?;
            let status: String = r.get(3)?;
            let stored_hash: String = r.get(4)?;
            let stored = match r.get_ref(5)? {
                ValueRef::Blob(bytes) | ValueRef::Text(bytes) => bytes.to_vec(),
                _ => Vec::new(),
            };
            let data = match sessions.entry(session_id) {
                std::collections::hash_map::Entry::Occupied(e) => e.into_mut(),
                std::collections::hash_map::Entry::Vacant(e) => {
                    e.insert(self.load_session(session_id)?)
                }
            };
            let data = &*data;
            let Some(product) = data.products.iter().find(|p| p.id == product_id) else {
                continue;
            };
            let what = format!("product {} round {round}", product.code);
            let Some(status) = ProductStatus::parse(&status) else {
                problems.push(format!(
                    "{what}: the stored result has an unknown status \"{status}\""
                ));
                continue;
            };
            let as_stored = ProductRow {
                status,
                ..product.clone()
            };
            let (fresh, hash) = compute(&self.conn, data, &as_stored, round)?;
            if hash != stored_hash {
                problems.push(format!(
                    "{what}: the stored result was computed from other inputs than the sheets now counted (inputs {}, now {}): it is stale",
                    short(&stored_hash),
                    short(&hash)
                ));
            } else if fresh.pack() != stored {
                problems.push(format!(
                    "{what}: the stored result differs from the result computed from its sheets: it was edited outside council"
                ));
            }
        }
        Ok(problems)
    }
}

fn short(hash: &str) -> &str {
    &hash[..hash.len().min(12)]
}
