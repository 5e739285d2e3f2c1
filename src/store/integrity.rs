//! Checks of the tables against the audit log, for edits made behind the tool's back that
//! leave the hash chain itself intact: a choice changed with plain SQL no longer matches the
//! last value the log recorded for it, a finalised session's results no longer hash to the
//! final hash stored when it was finalised, and a sheet's stored counts no longer count its
//! choices.

use std::collections::HashMap;

use super::audit::{
    CHOICE_REENTRY, CHOICE_SET, COLUMNS, SHEET_IMPORT, SHEET_IMPORT_REENTRY, entry_from_row, target,
};
use super::{Result, Store};

impl Store {
    /// Every disagreement between the stored choices (and final results) and the audit log,
    /// and between the sheets' stored counts and their choices, one readable line each;
    /// empty when the database is as council left it.
    pub fn audit_cross_check(&self) -> Result<Vec<String>> {
        let mut problems = Vec::new();
        // (session, target, entry) → (option, audit row) of the last logged change: a row
        // per typed choice, a row per sheet for an import (`AuditEntry::logged_choices`).
        let mut logged: HashMap<(i64, String, u8), (String, i64)> = HashMap::new();
        let mut stmt = self.conn.prepare(&format!(
            "SELECT {COLUMNS} FROM audit
             WHERE action IN ('{CHOICE_SET}', '{CHOICE_REENTRY}', '{SHEET_IMPORT}', '{SHEET_IMPORT_REENTRY}')
             ORDER BY seq"
        ))?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let row = entry_from_row(r)?;
            for choice in row.logged_choices() {
                logged.insert(
                    (row.session_id.unwrap_or(0), choice.target, choice.entry),
                    (choice.new.unwrap_or_default(), row.seq),
                );
            }
        }
        let mut stmt = self.conn.prepare(
            "SELECT p.session_id, p.code, c.round, m.seat, c.criterion, c.entry, c.option
             FROM choices c JOIN products p ON p.id = c.product_id
             JOIN members m ON m.id = c.member_id
             ORDER BY p.session_id, p.position, c.round, m.seat, c.criterion, c.entry",
        )?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let session: i64 = r.get(0)?;
            let code: String = r.get(1)?;
            let seat: u32 = r.get(3)?;
            let criterion: String = r.get(4)?;
            let entry: u8 = r.get(5)?;
            let option: u32 = r.get(6)?;
            let what = target(&code, r.get(2)?, Some(seat), Some(&criterion));
            let what_entry = if entry == 2 {
                format!("{what} (re-entry)")
            } else {
                what.clone()
            };
            match logged.remove(&(session, what, entry)) {
                Some((value, _)) if value == option.to_string() => {}
                Some((value, seq)) => problems.push(format!(
                    "{what_entry}: the database holds option {option}, but the audit log (row {seq}) recorded {value}"
                )),
                None => problems.push(format!(
                    "{what_entry}: the database holds option {option}, but the audit log never recorded it"
                )),
            }
        }
        let mut missing: Vec<_> = logged.into_iter().collect();
        missing.sort_by_key(|(_, (_, seq))| *seq);
        for ((_, what, entry), (value, seq)) in missing {
            let what = if entry == 2 {
                format!("{what} (re-entry)")
            } else {
                what
            };
            problems.push(format!(
                "{what}: the audit log (row {seq}) recorded option {value}, but the database holds no choice"
            ));
        }
        for summary in self.sessions()? {
            let Some(stored) = &summary.final_hash else {
                continue;
            };
            let data = self.load_session(summary.id)?;
            let now = self.results_digest(&data)?;
            if &now != stored {
                problems.push(format!(
                    "session {}: the results no longer match the final hash stored when it was finalised ({stored}; now {now}): a choice was changed outside council, or this version of council computes results differently",
                    summary.code
                ));
            }
        }
        problems.extend(self.audit_kept_check()?);
        problems.extend(self.audit_count_check()?);
        Ok(problems)
    }
}
