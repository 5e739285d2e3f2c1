//! The secretary's actions on a session: attendance, the product's way from waiting through
//! scoring to closed (or knocked out), new rounds, recusals, and finalising the session.

use rusqlite::{TransactionBehavior, params};
use unicode_normalization::UnicodeNormalization;

use super::audit::{append, sha256_hex};
use super::load::{ProductRow, ProductStatus, SessionData, ensure_open};
use super::sheets::target;
use super::{Actor, Result, Store, StoreError, backup_path, classify, now, refused};
use crate::session::Role;

/// Attendance against the quorum rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Quorum {
    pub present: u32,
    pub total: u32,
    pub needed: u32,
    pub chair_present: bool,
    pub reached: bool,
}

impl SessionData {
    pub fn quorum(&self) -> Quorum {
        let total = self.members.len() as u32;
        let present = self
            .members
            .iter()
            .filter(|m| m.present == Some(true))
            .count() as u32;
        let chair_present = self
            .members
            .iter()
            .any(|m| m.role == Role::Chair && m.present == Some(true));
        let policy = &self.info.policy;
        Quorum {
            present,
            total,
            needed: policy.quorum.needed(total),
            chair_present,
            reached: policy.quorum.reached(present, total)
                && (chair_present || !policy.chair_required),
        }
    }
}

impl Store {
    pub fn set_attendance(&mut self, data: &SessionData, seat: u32, present: bool) -> Result<()> {
        let member = data.seat(seat)?;
        let session_id = data.info.id;
        self.write(|tx| {
            ensure_open(tx, session_id)?;
            let old: Option<bool> = tx.query_row(
                "SELECT present FROM members WHERE id = ?1",
                [member.id],
                |r| r.get(0),
            )?;
            tx.execute(
                "UPDATE members SET present = ?2 WHERE id = ?1",
                params![member.id, present],
            )?;
            let show = |p: Option<bool>| match p {
                Some(true) => "present",
                Some(false) => "absent",
                None => "unmarked",
            };
            append(
                tx,
                Some(session_id),
                &Actor::Secretary,
                "member.attendance",
                &format!("seat {seat}"),
                Some(show(old)),
                Some(show(Some(present))),
            )
        })
    }

    fn set_status(
        &mut self,
        data: &SessionData,
        product: &ProductRow,
        allowed_from: &[ProductStatus],
        to: ProductStatus,
        extra: impl FnOnce(&rusqlite::Transaction, u32) -> Result<()>,
        note: Option<&str>,
    ) -> Result<()> {
        let session_id = data.info.id;
        self.write(|tx| {
            ensure_open(tx, session_id)?;
            let (status, round): (String, u32) = tx.query_row(
                "SELECT status, round FROM products WHERE id = ?1",
                [product.id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )?;
            if !allowed_from.iter().any(|s| s.as_str() == status) {
                return refused(format!(
                    "product {} is {status}; cannot change it to {}",
                    product.code,
                    to.as_str()
                ));
            }
            tx.execute(
                "UPDATE products SET status = ?2 WHERE id = ?1",
                params![product.id, to.as_str()],
            )?;
            extra(tx, round)?;
            let new = match note {
                Some(n) => format!("{} ({n})", to.as_str()),
                None => to.as_str().to_string(),
            };
            append(
                tx,
                Some(session_id),
                &Actor::Secretary,
                "product.status",
                &target(&product.code, round, None, None),
                Some(&status),
                Some(&new),
            )
        })
    }

    /// Opens a waiting product for scoring; the quorum must be reached first.
    pub fn open_product(&mut self, data: &SessionData, product: &ProductRow) -> Result<()> {
        let q = data.quorum();
        if !q.reached {
            return refused(format!(
                "quorum not reached: {} of {} members present, {} needed{}",
                q.present,
                q.total,
                q.needed,
                if data.info.policy.chair_required && !q.chair_present {
                    ", and the chair must be present"
                } else {
                    ""
                }
            ));
        }
        self.set_status(
            data,
            product,
            &[ProductStatus::Waiting],
            ProductStatus::Scoring,
            |_, _| Ok(()),
            None,
        )
    }

    /// Closes a product once every present, non-recused member has submitted; `override_reason`
    /// closes it anyway and is logged.
    pub fn close_product(
        &mut self,
        data: &SessionData,
        product: &ProductRow,
        override_reason: Option<&str>,
    ) -> Result<()> {
        let sheets = self.sheets(data, product.id, product.round)?;
        let recused = self.recused_seats(data, product.id)?;
        let waiting: Vec<u32> = data
            .members
            .iter()
            .filter(|m| m.present == Some(true) && !recused.contains(&m.seat))
            .filter(|m| !sheets.iter().any(|s| s.seat == m.seat && s.submitted))
            .map(|m| m.seat)
            .collect();
        if !waiting.is_empty() && override_reason.is_none() {
            return refused(format!(
                "product {} cannot close: seats {} have not submitted (close with an override reason to proceed)",
                product.code,
                waiting
                    .iter()
                    .map(u32::to_string)
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
        let reason = override_reason.filter(|_| !waiting.is_empty());
        self.set_status(
            data,
            product,
            &[ProductStatus::Scoring],
            ProductStatus::Closed,
            |tx, _| {
                tx.execute(
                    "UPDATE products SET close_override = ?2 WHERE id = ?1",
                    params![product.id, reason],
                )?;
                Ok(())
            },
            reason.map(|r| format!("override: {r}")).as_deref(),
        )
    }

    /// Reopens a closed product as a new round (for example after a spread breach).
    pub fn new_round(
        &mut self,
        data: &SessionData,
        product: &ProductRow,
        reason: &str,
    ) -> Result<u32> {
        if reason.trim().is_empty() {
            return refused("a new round needs a reason");
        }
        self.set_status(
            data,
            product,
            &[ProductStatus::Closed],
            ProductStatus::Scoring,
            |tx, _| {
                tx.execute(
                    "UPDATE products SET round = round + 1, close_override = NULL WHERE id = ?1",
                    [product.id],
                )?;
                Ok(())
            },
            Some(&format!("new round: {reason}")),
        )?;
        Ok(product.round + 1)
    }

    /// Records a knock-out: the product is "không đạt" with no stars.
    pub fn knock_out(
        &mut self,
        data: &SessionData,
        product: &ProductRow,
        reason: &str,
    ) -> Result<()> {
        if reason.trim().is_empty() {
            return refused("a knock-out needs its reason");
        }
        self.set_status(
            data,
            product,
            &[
                ProductStatus::Waiting,
                ProductStatus::Scoring,
                ProductStatus::Closed,
            ],
            ProductStatus::KnockedOut,
            |tx, _| {
                tx.execute(
                    "UPDATE products SET knockout_reason = ?2 WHERE id = ?1",
                    params![product.id, reason],
                )?;
                Ok(())
            },
            Some(reason),
        )
    }

    /// A member steps aside from a product (conflict of interest); their sheet does not count.
    pub fn recuse(
        &mut self,
        data: &SessionData,
        product: &ProductRow,
        seat: u32,
        reason: &str,
    ) -> Result<()> {
        let member = data.seat(seat)?;
        let session_id = data.info.id;
        self.write(|tx| {
            ensure_open(tx, session_id)?;
            tx.execute(
                "INSERT INTO recusals (product_id, member_id, reason) VALUES (?1, ?2, ?3)
                 ON CONFLICT DO UPDATE SET reason = excluded.reason",
                params![product.id, member.id, reason],
            )?;
            append(
                tx,
                Some(session_id),
                &Actor::Secretary,
                "member.recuse",
                &target(&product.code, product.round, Some(seat), None),
                None,
                Some(reason),
            )
        })
    }

    /// Finalises the session: no product may still be scoring, the chair's name confirms it,
    /// and the hash of the results is stored. A backup is written first.
    pub fn finalise(&mut self, data: &SessionData, chair_name: &str) -> Result<String> {
        let chair = data
            .members
            .iter()
            .find(|m| m.role == Role::Chair)
            .ok_or_else(|| StoreError::NotFound("the chair".into()))?;
        // Names typed on some terminals arrive decomposed (NFD); compare the NFC forms.
        let nfc = |s: &str| s.trim().nfc().collect::<String>();
        if nfc(&chair.name) != nfc(chair_name) {
            return refused(format!(
                "the name given does not match the chair of the council ({})",
                chair.name
            ));
        }
        refuse_if_scoring(data)?;
        if self.path.exists() {
            self.backup_to(&backup_path(&self.path, "final"))?;
        }
        let session_id = data.info.id;
        let code = data.info.code.clone();
        // The results are read and hashed inside the write transaction, so nothing another
        // process commits can slip in between the hash and the final mark.
        let name = self.path.display().to_string();
        let tx = rusqlite::Transaction::new_unchecked(&self.conn, TransactionBehavior::Immediate)
            .map_err(|e| classify(e, &name))?;
        ensure_open(&tx, session_id)?;
        let fresh = self.load_session(session_id)?;
        refuse_if_scoring(&fresh)?;
        let digest = self.results_digest(&fresh)?;
        tx.execute(
            "UPDATE sessions SET status = 'final', final_hash = ?2 WHERE id = ?1",
            params![session_id, digest],
        )?;
        append(
            &tx,
            Some(session_id),
            &Actor::Secretary,
            "session.finalise",
            &code,
            Some("open"),
            Some(&format!("final {digest} (chair {chair_name}, {})", now())),
        )?;
        tx.commit().map_err(|e| classify(e, &name))?;
        Ok(digest)
    }

    /// SHA-256 of every product's code and full result, as stored at finalisation.
    pub fn results_digest(&self, data: &SessionData) -> Result<String> {
        let results = self.session_results(data)?;
        let pairs: Vec<(&str, &crate::scoring::ProductResult)> = data
            .products
            .iter()
            .map(|p| p.code.as_str())
            .zip(&results)
            .collect();
        Ok(sha256_hex(
            serde_json::to_string(&pairs)
                .expect("results serialise")
                .as_bytes(),
        ))
    }

    /// Reopens a finalised session; the reason is logged and shown in later minutes.
    pub fn reopen_session(&mut self, data: &SessionData, reason: &str) -> Result<()> {
        if reason.trim().is_empty() {
            return refused("reopening a finalised session needs a reason");
        }
        let session_id = data.info.id;
        let code = data.info.code.clone();
        self.write(|tx| {
            let status: String = tx.query_row(
                "SELECT status FROM sessions WHERE id = ?1",
                [session_id],
                |r| r.get(0),
            )?;
            if status != "final" {
                return refused("the session is not finalised");
            }
            tx.execute(
                "UPDATE sessions SET status = 'open', final_hash = NULL WHERE id = ?1",
                [session_id],
            )?;
            append(
                tx,
                Some(session_id),
                &Actor::Secretary,
                "session.reopen",
                &code,
                Some("final"),
                Some(reason),
            )
        })
    }
}

/// A session cannot be finalised while a product is still being scored.
fn refuse_if_scoring(data: &SessionData) -> Result<()> {
    match data
        .products
        .iter()
        .find(|p| p.status == ProductStatus::Scoring)
    {
        Some(p) => refused(format!(
            "product {} is still being scored; close it first",
            p.code
        )),
        None => Ok(()),
    }
}
