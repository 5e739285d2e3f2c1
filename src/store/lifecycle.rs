//! The secretary's actions on a session: attendance, the product's way from waiting through
//! scoring to closed (or knocked out), new rounds, recusals, alternative cases and finalising.
//! Each one reads the facts inside its write transaction and asks `crate::meeting` first.

use rusqlite::{TransactionBehavior, params};
use unicode_normalization::UnicodeNormalization;

use super::audit::{append, sha256_hex, target};
use super::facts::{
    has_presence, other_open_product, product_state, seat_facts, sheet_facts, take_presence,
};
use super::load::{ProductRow, SessionData, ensure_open};
use super::{Actor, Result, Store, backup_path, classify, now, rule};
use crate::meeting::{
    self, Checkpoint, Move, ProductStatus, Quorum, ReasonFor, Refusal, SeatFacts, SettledFacts,
};
use crate::session::Role;

impl SessionData {
    /// The room's attendance now against the quorum rule (before a product opens).
    pub fn quorum(&self) -> Quorum {
        let seats: Vec<SeatFacts> = self
            .members
            .iter()
            .map(|m| SeatFacts {
                seat: m.seat,
                role: m.role,
                scores: m.scores,
                present: m.present == Some(true),
                recused: false,
            })
            .collect();
        meeting::quorum(&self.info.policy, &seats)
    }
}

fn show_presence(p: Option<bool>) -> &'static str {
    match p {
        Some(true) => "present",
        Some(false) => "absent",
        None => "unmarked",
    }
}

impl Store {
    /// Marks a member present or absent in the room. A product being scored follows (the
    /// arrival or departure is recorded with its time); a settled product never changes.
    pub fn set_attendance(&mut self, data: &SessionData, seat: u32, present: bool) -> Result<()> {
        let member = data.seat(seat)?;
        let session_id = data.info.id;
        let actor = self.actor_secretary();
        self.write(|tx| {
            ensure_open(tx, session_id)?;
            mark_attendance(tx, session_id, member.id, seat, present, &actor)
        })
    }

    /// Marks every member of the council present (or absent) in one change.
    pub fn set_attendance_all(&mut self, data: &SessionData, present: bool) -> Result<u32> {
        let session_id = data.info.id;
        let actor = self.actor_secretary();
        self.write(|tx| {
            ensure_open(tx, session_id)?;
            let mut changed = 0;
            for m in &data.members {
                let now_present: Option<bool> =
                    tx.query_row("SELECT present FROM members WHERE id = ?1", [m.id], |r| {
                        r.get(0)
                    })?;
                if now_present != Some(present) {
                    mark_attendance(tx, session_id, m.id, m.seat, present, &actor)?;
                    changed += 1;
                }
            }
            Ok(changed)
        })
    }

    /// The quorum of a product's own attendance (the room's, while it is waiting).
    pub fn product_quorum(&self, data: &SessionData, product: &ProductRow) -> Result<Quorum> {
        let state = product_state(&self.conn, product.id)?;
        let seats = seat_facts(&self.conn, data.info.id, product.id, state.round)?;
        let seats: Vec<SeatFacts> = seats.into_iter().map(|(_, s)| s).collect();
        Ok(meeting::quorum(&data.info.policy, &seats))
    }

    /// Opens a waiting product for scoring: quorum in the room, no other product open (under
    /// `one_open_product`); the product's attendance is taken from the room.
    pub fn open_product(&mut self, data: &SessionData, product: &ProductRow) -> Result<()> {
        let policy = data.info.policy.clone();
        let actor = self.actor_secretary();
        self.write(|tx| {
            ensure_open(tx, data.info.id)?;
            let state = product_state(tx, product.id)?;
            meeting::check_move(&product.code, state.status, Move::Open)?;
            open_round(tx, data, &policy, product, state.round)?;
            set_status(
                tx,
                data,
                product,
                state.round,
                state.status,
                ProductStatus::Scoring,
                None,
                &actor,
            )
        })
    }

    /// Closes a product: quorum still held, every expected sheet in (or an override reason),
    /// enough counted sheets to rank. Its attendance is fixed from then on.
    pub fn close_product(
        &mut self,
        data: &SessionData,
        product: &ProductRow,
        override_reason: Option<&str>,
    ) -> Result<()> {
        let policy = data.info.policy.clone();
        let actor = self.actor_secretary();
        self.write(|tx| {
            ensure_open(tx, data.info.id)?;
            let state = product_state(tx, product.id)?;
            meeting::check_move(&product.code, state.status, Move::Close)?;
            let seats: Vec<SeatFacts> =
                super::facts::seats(tx, data.info.id, product.id, state.round)?;
            let sheets: Vec<_> = sheet_facts(tx, product.id, state.round)?
                .into_iter()
                .map(|(_, s)| s)
                .collect();
            let q = meeting::quorum(&policy, &seats);
            let check =
                meeting::check_close(&policy, &product.code, &q, &seats, &sheets, override_reason)?;
            let reason = override_reason
                .filter(|_| !check.missing.is_empty())
                .map(|r| r.trim().to_string());
            tx.execute(
                "UPDATE products SET close_override = ?2 WHERE id = ?1",
                params![product.id, reason],
            )?;
            tx.execute(
                "DELETE FROM sheet_holds WHERE product_id = ?1",
                [product.id],
            )?;
            let note = reason.map(|r| format!("override: {r}"));
            set_status(
                tx,
                data,
                product,
                state.round,
                state.status,
                ProductStatus::Closed,
                note.as_deref(),
                &actor,
            )
        })
    }

    /// Puts a product opened by mistake back to waiting; refused once anything is scored.
    pub fn back_to_waiting(&mut self, data: &SessionData, product: &ProductRow) -> Result<()> {
        let actor = self.actor_secretary();
        self.write(|tx| {
            ensure_open(tx, data.info.id)?;
            let state = product_state(tx, product.id)?;
            meeting::check_move(&product.code, state.status, Move::BackToWaiting)?;
            let started = sheet_facts(tx, product.id, state.round)?
                .iter()
                .filter(|(_, s)| s.started)
                .count() as u32;
            meeting::check_back_to_waiting(&product.code, started)?;
            for table in ["sheet_holds", "sheets", "presence", "presence_changes"] {
                tx.execute(
                    &format!("DELETE FROM {table} WHERE product_id = ?1 AND round = ?2"),
                    params![product.id, state.round],
                )?;
            }
            set_status(
                tx,
                data,
                product,
                state.round,
                state.status,
                ProductStatus::Waiting,
                None,
                &actor,
            )
        })
    }

    /// Reopens a closed product as a new round (for example after a spread breach): the same
    /// checks as opening, and the new round takes its attendance from the room.
    pub fn new_round(
        &mut self,
        data: &SessionData,
        product: &ProductRow,
        reason: &str,
    ) -> Result<u32> {
        meeting::require_reason(reason, ReasonFor::NewRound)?;
        let policy = data.info.policy.clone();
        let actor = self.actor_secretary();
        self.write(|tx| {
            ensure_open(tx, data.info.id)?;
            let state = product_state(tx, product.id)?;
            meeting::check_move(&product.code, state.status, Move::NewRound)?;
            let round = state.round + 1;
            // A conflict of interest outlasts the round: the new round starts with the last
            // one's recusals (withdrawn there if made by mistake), counted in its quorum.
            tx.execute(
                "INSERT INTO recusals (product_id, round, member_id, reason, at)
                 SELECT product_id, ?3, member_id, reason, at FROM recusals
                 WHERE product_id = ?1 AND round = ?2",
                params![product.id, state.round, round],
            )?;
            open_round(tx, data, &policy, product, round)?;
            tx.execute(
                "UPDATE products SET round = ?2, close_override = NULL WHERE id = ?1",
                params![product.id, round],
            )?;
            let note = format!("new round: {}", reason.trim());
            set_status(
                tx,
                data,
                product,
                state.round,
                state.status,
                ProductStatus::Scoring,
                Some(&note),
                &actor,
            )?;
            Ok(round)
        })
    }

    /// Records the council's knock-out of a product on condition `condition` of its criteria
    /// set (numbered as `meeting::knockout_conditions` offers them), with who proposed it and
    /// why. The product is then "không đạt" with no stars and no mean.
    pub fn knock_out(
        &mut self,
        data: &SessionData,
        product: &ProductRow,
        condition: u32,
        reason: &str,
        proposed_by: Option<u32>,
    ) -> Result<()> {
        meeting::require_reason(reason, ReasonFor::KnockOut)?;
        let chosen = meeting::knockout_condition(&product.rubric, &product.code, condition)?;
        if let Some(seat) = proposed_by {
            data.seat(seat)?;
        }
        let policy = data.info.policy.clone();
        let actor = self.actor_secretary();
        self.write(|tx| {
            ensure_open(tx, data.info.id)?;
            let state = product_state(tx, product.id)?;
            meeting::check_move(&product.code, state.status, Move::KnockOut)?;
            if !has_presence(tx, product.id, state.round)? {
                take_presence(tx, data.info.id, product.id, state.round)?;
            }
            let seats: Vec<SeatFacts> =
                super::facts::seats(tx, data.info.id, product.id, state.round)?;
            meeting::require_quorum(&policy, &seats, Checkpoint::KnockOut, Some(&product.code))?;
            tx.execute(
                "UPDATE products SET knockout_reason = ?2, knockout_condition = ?3,
                        knockout_proposed_by = ?4 WHERE id = ?1",
                params![product.id, reason.trim(), chosen.text, proposed_by],
            )?;
            tx.execute(
                "DELETE FROM sheet_holds WHERE product_id = ?1",
                [product.id],
            )?;
            let note = format!(
                "condition {}: {}; reason: {}",
                chosen.number,
                chosen.text,
                reason.trim()
            );
            set_status(
                tx,
                data,
                product,
                state.round,
                state.status,
                ProductStatus::KnockedOut,
                Some(&note),
                &actor,
            )
        })
    }

    /// A member steps aside from a product's current round (conflict of interest), and so
    /// from the rounds after it, which carry it; refused once the round is settled.
    pub fn recuse(
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
            let state = product_state(tx, product.id)?;
            meeting::check_recuse(&product.code, state.status, reason)?;
            tx.execute(
                "INSERT INTO recusals (product_id, round, member_id, reason, at)
                 VALUES (?1, ?2, ?3, ?4, ?5)
                 ON CONFLICT DO UPDATE SET reason = excluded.reason, at = excluded.at",
                params![product.id, state.round, member.id, reason.trim(), now()],
            )?;
            append(
                tx,
                Some(data.info.id),
                &actor,
                "member.recuse",
                &target(&product.code, state.round, Some(seat), None),
                None,
                Some(reason.trim()),
            )
        })
    }

    /// Withdraws a recusal made by mistake, before the member has scored the product.
    pub fn withdraw_recusal(
        &mut self,
        data: &SessionData,
        product: &ProductRow,
        seat: u32,
    ) -> Result<()> {
        let member = data.seat(seat)?;
        let actor = self.actor_secretary();
        self.write(|tx| {
            ensure_open(tx, data.info.id)?;
            let state = product_state(tx, product.id)?;
            let old: Option<String> = tx
                .query_row(
                    "SELECT reason FROM recusals WHERE product_id = ?1 AND round = ?2 AND member_id = ?3",
                    params![product.id, state.round, member.id],
                    |r| r.get(0),
                )
                .ok();
            let started = sheet_facts(tx, product.id, state.round)?
                .iter()
                .any(|(id, s)| *id == member.id && s.started);
            meeting::check_withdraw_recusal(
                &product.code,
                state.status,
                seat,
                old.is_some(),
                started,
            )?;
            tx.execute(
                "DELETE FROM recusals WHERE product_id = ?1 AND round = ?2 AND member_id = ?3",
                params![product.id, state.round, member.id],
            )?;
            append(
                tx,
                Some(data.info.id),
                &actor,
                "member.recuse.withdraw",
                &target(&product.code, state.round, Some(seat), None),
                old.as_deref(),
                None,
            )
        })
    }

    /// Chooses the alternative case ("Trường hợp N", set 26) a product is scored in; it can
    /// change only while nobody has scored the product's current round.
    pub fn choose_case(
        &mut self,
        data: &SessionData,
        product: &ProductRow,
        case: u32,
    ) -> Result<()> {
        let cases = meeting::rubric_cases(&product.rubric);
        if cases == 0 {
            return rule(Refusal::NoCases {
                product: product.code.clone(),
            });
        }
        if case == 0 || case > cases {
            return rule(Refusal::UnknownCase {
                product: product.code.clone(),
                given: case,
                cases,
            });
        }
        let actor = self.actor_secretary();
        self.write(|tx| {
            ensure_open(tx, data.info.id)?;
            let state = product_state(tx, product.id)?;
            if state.status.is_settled() {
                return rule(Refusal::WrongStatus {
                    product: product.code.clone(),
                    status: state.status,
                    attempted: Move::Open,
                });
            }
            if sheet_facts(tx, product.id, state.round)?
                .iter()
                .any(|(_, s)| s.started)
            {
                return rule(Refusal::CaseAfterScoring {
                    product: product.code.clone(),
                });
            }
            tx.execute(
                "UPDATE products SET case_number = ?2 WHERE id = ?1",
                params![product.id, case],
            )?;
            append(
                tx,
                Some(data.info.id),
                &actor,
                "product.case",
                &target(&product.code, state.round, None, None),
                state.case_number.map(|c| c.to_string()).as_deref(),
                Some(&case.to_string()),
            )
        })
    }

    /// Finalises the session: the chair's name confirms it; nothing is still being scored,
    /// something was settled, and every settled product was decided with a quorum. The hash
    /// of the results is stored. A backup is written first.
    pub fn finalise(&mut self, data: &SessionData, chair_name: &str) -> Result<String> {
        let chair = data
            .members
            .iter()
            .find(|m| m.role == Role::Chair)
            .ok_or(Refusal::NoChair)?;
        // Names typed on some terminals arrive decomposed (NFD); compare the NFC forms.
        let nfc = |s: &str| s.trim().nfc().collect::<String>();
        if nfc(&chair.name) != nfc(chair_name) {
            return rule(Refusal::ChairNameMismatch {
                chair: chair.name.clone(),
            });
        }
        self.check_finalise(data)?;
        if self.path.exists() {
            self.backup_to(&backup_path(&self.path, "final"))?;
        }
        let session_id = data.info.id;
        let code = data.info.code.clone();
        let actor = self.actor_secretary();
        // The results are read and hashed inside the write transaction, so nothing another
        // process commits can slip in between the hash and the final mark.
        let name = self.path.display().to_string();
        let tx = rusqlite::Transaction::new_unchecked(&self.conn, TransactionBehavior::Immediate)
            .map_err(|e| classify(e, &name))?;
        ensure_open(&tx, session_id)?;
        let fresh = self.load_session(session_id)?;
        self.check_finalise(&fresh)?;
        let digest = self.results_digest(&fresh)?;
        tx.execute(
            "UPDATE sessions SET status = 'final', final_hash = ?2 WHERE id = ?1",
            params![session_id, digest],
        )?;
        append(
            &tx,
            Some(session_id),
            &actor,
            "session.finalise",
            &code,
            Some("open"),
            Some(&format!("final {digest} (chair {chair_name}, {})", now())),
        )?;
        tx.commit().map_err(|e| classify(e, &name))?;
        Ok(digest)
    }

    fn check_finalise(&self, data: &SessionData) -> Result<()> {
        let statuses: Vec<(String, ProductStatus)> = data
            .products
            .iter()
            .map(|p| (p.code.clone(), p.status))
            .collect();
        let mut settled = Vec::new();
        for p in data.products.iter().filter(|p| p.status.is_settled()) {
            settled.push(SettledFacts {
                code: p.code.clone(),
                status: p.status,
                quorum: self.product_quorum(data, p)?,
            });
        }
        let has_chair = data.members.iter().any(|m| m.role == Role::Chair);
        Ok(meeting::check_finalise(has_chair, &statuses, &settled)?)
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
        meeting::require_reason(reason, ReasonFor::SessionReopen)?;
        let session_id = data.info.id;
        let code = data.info.code.clone();
        let actor = self.actor_secretary();
        self.write(|tx| {
            let status: String = tx.query_row(
                "SELECT status FROM sessions WHERE id = ?1",
                [session_id],
                |r| r.get(0),
            )?;
            if status != "final" {
                return rule(Refusal::SessionNotFinalised);
            }
            tx.execute(
                "UPDATE sessions SET status = 'open', final_hash = NULL WHERE id = ?1",
                [session_id],
            )?;
            append(
                tx,
                Some(session_id),
                &actor,
                "session.reopen",
                &code,
                Some("final"),
                Some(reason.trim()),
            )
        })
    }
}

/// Updates the room's attendance and the attendance of any product being scored.
fn mark_attendance(
    tx: &rusqlite::Transaction,
    session_id: i64,
    member_id: i64,
    seat: u32,
    present: bool,
    actor: &Actor,
) -> Result<()> {
    let old: Option<bool> = tx.query_row(
        "SELECT present FROM members WHERE id = ?1",
        [member_id],
        |r| r.get(0),
    )?;
    tx.execute(
        "UPDATE members SET present = ?2 WHERE id = ?1",
        params![member_id, present],
    )?;
    let open: Vec<(i64, u32)> = tx
        .prepare_cached(
            "SELECT id, round FROM products WHERE session_id = ?1 AND status = 'scoring'",
        )?
        .query_map([session_id], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let at = now();
    for (product_id, round) in open {
        let changed = tx.execute(
            "INSERT INTO presence (product_id, round, member_id, present) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT DO UPDATE SET present = excluded.present WHERE present <> excluded.present",
            params![product_id, round, member_id, present],
        )?;
        if changed > 0 {
            tx.execute(
                "INSERT INTO presence_changes (product_id, round, member_id, present, at)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
                params![product_id, round, member_id, present, at],
            )?;
        }
    }
    append(
        tx,
        Some(session_id),
        actor,
        "member.attendance",
        &format!("seat {seat}"),
        Some(show_presence(old)),
        Some(show_presence(Some(present))),
    )
}

/// A waiting product opened by an import of its sheets (the checks of [`open_round`] first).
pub(super) fn mark_scoring(
    tx: &rusqlite::Transaction,
    data: &SessionData,
    product: &ProductRow,
    round: u32,
    actor: &Actor,
) -> Result<()> {
    set_status(
        tx,
        data,
        product,
        round,
        ProductStatus::Waiting,
        ProductStatus::Scoring,
        None,
        actor,
    )
}

/// The checks of opening a round (no other product open, quorum in the room) and its
/// attendance, taken from the room.
pub(super) fn open_round(
    tx: &rusqlite::Transaction,
    data: &SessionData,
    policy: &crate::session::Policy,
    product: &ProductRow,
    round: u32,
) -> Result<()> {
    let other = if policy.one_open_product {
        other_open_product(tx, data.info.id, product.id)?
    } else {
        None
    };
    take_presence(tx, data.info.id, product.id, round)?;
    let seats: Vec<SeatFacts> = super::facts::seats(tx, data.info.id, product.id, round)?;
    let q = meeting::quorum(policy, &seats);
    meeting::check_open(&q, &product.code, other.as_deref())?;
    Ok(())
}

#[allow(clippy::too_many_arguments)] // one status change: product, round, from, to, note, who
fn set_status(
    tx: &rusqlite::Transaction,
    data: &SessionData,
    product: &ProductRow,
    round: u32,
    from: ProductStatus,
    to: ProductStatus,
    note: Option<&str>,
    actor: &Actor,
) -> Result<()> {
    tx.execute(
        "UPDATE products SET status = ?2 WHERE id = ?1",
        params![product.id, to.as_str()],
    )?;
    if to.is_settled() {
        super::kept::keep_result(tx, data, product, round)?;
    }
    let new = match note {
        Some(n) => format!("{} ({n})", to.as_str()),
        None => to.as_str().to_string(),
    };
    append(
        tx,
        Some(data.info.id),
        actor,
        "product.status",
        &target(&product.code, round, None, None),
        Some(from.as_str()),
        Some(&new),
    )
}
