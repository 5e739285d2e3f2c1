//! The audit log replayed against the tables: every change of state the tool makes is logged
//! (attendance, statuses and rounds, recusals, knock-outs, submitted sheets, the session file
//! with its policy and members, the text of every rubric), so a table edited behind the tool's
//! back no longer matches the last value the log recorded for it.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use super::audit::{parse_target, sha256_hex};
use super::load::parse_stored;
use super::{Result, Store};
use crate::rubric::Rubric;
use crate::session::parse_session;

/// How a product's status row that starts a new round begins (`lifecycle::new_round`).
const NEW_ROUND: &str = "scoring (new round: ";

/// One product as the log last left it.
#[derive(Debug, Default)]
struct LoggedProduct {
    status: Option<String>,
    round: u32,
    seq: i64,
}

impl Store {
    /// Every disagreement between the session tables and the audit log, one line each.
    pub fn audit_state_check(&self) -> Result<Vec<String>> {
        let mut problems = Vec::new();
        for summary in self.sessions()? {
            self.check_session_state(summary.id, &summary.code, &mut problems)?;
        }
        Ok(problems)
    }

    fn check_session_state(&self, id: i64, code: &str, problems: &mut Vec<String>) -> Result<()> {
        let log = self.audit_history(id)?;
        let mut say = |what: String| problems.push(format!("session {code}: {what}"));

        // The session file as loaded: its SHA-256 is in the log; policy and members follow it.
        let (source, sha, policy): (String, String, String) = self.conn.query_row(
            "SELECT source, sha256, policy FROM sessions WHERE id = ?1",
            [id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )?;
        let created = log.iter().find(|e| e.action == "session.create");
        match created.and_then(|e| e.new.as_deref()) {
            Some(logged) if logged == sha && sha256_hex(source.as_bytes()) == sha => {}
            Some(logged) => say(format!(
                "the stored session file no longer hashes to {logged}, the SHA-256 the log recorded when it was loaded"
            )),
            None => say("the log has no record of the session being loaded".into()),
        }
        // Finalised exactly when the last finalise/reopen row says so, with the logged hash.
        let (status, final_hash): (String, Option<String>) = self.conn.query_row(
            "SELECT status, final_hash FROM sessions WHERE id = ?1",
            [id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        let last_final = log
            .iter()
            .rev()
            .find(|e| e.action == "session.finalise" || e.action == "session.reopen");
        let logged_final = last_final
            .filter(|e| e.action == "session.finalise")
            .and_then(|e| e.new.as_deref())
            .and_then(|n| n.strip_prefix("final "))
            .and_then(|n| n.split(' ').next());
        match (status.as_str(), logged_final, final_hash.as_deref()) {
            ("open", None, None) => {}
            ("final", Some(logged), Some(stored)) if logged == stored => {}
            _ => say(format!(
                "the session is {status} in the database (final hash {}), not as the log's last finalisation or reopening left it",
                final_hash.as_deref().unwrap_or("none")
            )),
        }
        let parsed = parse_session("(stored session)", &source, &|_| true).ok();
        if let Some(parsed) = &parsed {
            let logged_policy = serde_json::to_string(&parsed.policy).expect("policy serialises");
            let stored: Option<serde_json::Value> = serde_json::from_str(&policy).ok();
            let expected: Option<serde_json::Value> = serde_json::from_str(&logged_policy).ok();
            if stored != expected {
                say(format!(
                    "the policy in the database ({policy}) is not the one of the session file ({logged_policy})"
                ));
            }
        }

        // Members: the file's names and roles; attendance: the last logged mark.
        let mut attendance: HashMap<u32, String> = HashMap::new();
        for e in log.iter().filter(|e| e.action == "member.attendance") {
            if let Some(seat) = e.target.strip_prefix("seat ").and_then(|s| s.parse().ok()) {
                attendance.insert(seat, e.new.clone().unwrap_or_default());
            }
        }
        let data = self.load_session(id)?;
        for m in &data.members {
            if let Some(file) = parsed
                .as_ref()
                .and_then(|p| p.members.iter().find(|f| f.seat == m.seat))
            {
                if file.name != m.name
                    || file.organisation != m.organisation
                    || file.role != m.role
                    || file.scores != m.scores
                    || file.delegated_by != m.delegated_by
                {
                    say(format!(
                        "seat {}: the member in the database ({}, {}) is not the one of the session file ({}, {})",
                        m.seat,
                        m.name,
                        m.role.as_str(),
                        file.name,
                        file.role.as_str()
                    ));
                }
            } else if parsed.is_some() {
                say(format!(
                    "seat {}: a member the session file does not have",
                    m.seat
                ));
            }
            let stored = match m.present {
                Some(true) => "present",
                Some(false) => "absent",
                None => "unmarked",
            };
            let logged = attendance.get(&m.seat).map_or("unmarked", String::as_str);
            if stored != logged {
                say(format!(
                    "seat {}: attendance is {stored} in the database, {logged} in the log",
                    m.seat
                ));
            }
        }

        // Rubrics: the text of every criteria set the session uses, as logged at loading.
        let logged_rubrics: BTreeSet<String> = log
            .iter()
            .filter(|e| e.action == "rubric.load")
            .filter_map(|e| e.new.clone())
            .collect();
        let mut stmt = self.conn.prepare(
            "SELECT DISTINCT r.rubric_id, r.sha256, r.source, r.model FROM rubrics r
             JOIN products p ON p.rubric = r.id WHERE p.session_id = ?1",
        )?;
        let rubrics = stmt.query_map([id], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, Option<String>>(3)?,
            ))
        })?;
        for row in rubrics {
            let (rubric, sha, text, model) = row?;
            if sha256_hex(text.as_bytes()) != sha || !logged_rubrics.contains(&sha) {
                say(format!(
                    "criteria set {rubric}: its stored text is not the one logged when the session was loaded"
                ));
            }
            // What sessions are scored with is the kept model: it must be its text, parsed.
            let kept = model.and_then(|m| serde_json::from_str::<Rubric>(&m).ok());
            if kept.as_ref() != parse_stored(&rubric, &text).ok().as_ref() {
                say(format!(
                    "criteria set {rubric}: its stored model is not its stored text parsed"
                ));
            }
        }

        // Products: status and round as the last logged status change left them.
        let mut products: BTreeMap<String, LoggedProduct> = BTreeMap::new();
        let mut added: BTreeSet<String> = parsed
            .as_ref()
            .map(|p| p.products.iter().map(|p| p.code.clone()).collect())
            .unwrap_or_default();
        for e in &log {
            match e.action.as_str() {
                "product.add" => {
                    added.insert(e.target.clone());
                }
                "product.status" => {
                    let Some((product, round)) = e.target.rsplit_once(" round ") else {
                        continue;
                    };
                    let Ok(round) = round.parse::<u32>() else {
                        continue;
                    };
                    let new = e.new.clone().unwrap_or_default();
                    let status = new.split(' ').next().unwrap_or("").to_string();
                    let round = if new.starts_with(NEW_ROUND) {
                        round + 1
                    } else {
                        round
                    };
                    products.insert(
                        product.to_string(),
                        LoggedProduct {
                            status: Some(status),
                            round,
                            seq: e.seq,
                        },
                    );
                }
                _ => {}
            }
        }
        for p in &data.products {
            if !added.contains(&p.code) {
                say(format!(
                    "product {}: the log never recorded it being added",
                    p.code
                ));
            }
            let logged = products.remove(&p.code).unwrap_or(LoggedProduct {
                status: None,
                round: 1,
                seq: 0,
            });
            let status = logged.status.as_deref().unwrap_or("waiting");
            if status != p.status.as_str() || logged.round != p.round {
                say(format!(
                    "product {}: the database says {} round {}, the log (row {}) {status} round {}",
                    p.code,
                    p.status.as_str(),
                    p.round,
                    logged.seq,
                    logged.round
                ));
            }
        }

        // Recusals of each round: recorded minus withdrawn, and a new round starting with the
        // last one's (schema 8; the status row of a new round names the round it ends).
        let mut recused: BTreeMap<(String, u32, u32), String> = BTreeMap::new();
        for e in &log {
            let Some((code, round, seat)) = parse_target(&e.target) else {
                continue;
            };
            match (e.action.as_str(), seat) {
                ("member.recuse", Some(seat)) => {
                    let reason = e.new.clone().unwrap_or_default();
                    recused.insert((code.to_string(), round, seat), reason);
                }
                ("member.recuse.withdraw", Some(seat)) => {
                    recused.remove(&(code.to_string(), round, seat));
                }
                ("product.status", None)
                    if e.new.as_deref().is_some_and(|n| n.starts_with(NEW_ROUND)) =>
                {
                    let carried: Vec<_> = recused
                        .iter()
                        .filter(|((c, r, _), _)| c == code && *r == round)
                        .map(|((c, _, seat), reason)| {
                            ((c.clone(), round + 1, *seat), reason.clone())
                        })
                        .collect();
                    recused.extend(carried);
                }
                _ => {}
            }
        }
        let mut stmt = self.conn.prepare(
            "SELECT p.code, r.round, m.seat, r.reason FROM recusals r
             JOIN products p ON p.id = r.product_id
             JOIN members m ON m.id = r.member_id WHERE p.session_id = ?1",
        )?;
        let rows = stmt.query_map([id], |r| {
            Ok((
                (
                    r.get::<_, String>(0)?,
                    r.get::<_, u32>(1)?,
                    r.get::<_, u32>(2)?,
                ),
                r.get::<_, String>(3)?,
            ))
        })?;
        let name =
            |(code, round, seat): &(String, u32, u32)| format!("{code} round {round} seat {seat}");
        for row in rows {
            let (key, reason) = row?;
            match recused.remove(&key) {
                Some(logged) if logged == reason => {}
                _ => say(format!("{}: a recusal the log does not record", name(&key))),
            }
        }
        for key in recused.keys() {
            say(format!(
                "{}: the log records a recusal the database does not hold",
                name(key)
            ));
        }

        // Sheets: submitted or draft as the last submit or reopening left them.
        let mut sheets: HashMap<String, bool> = HashMap::new();
        for e in &log {
            match e.action.as_str() {
                "sheet.submit" => {
                    sheets.insert(e.target.clone(), true);
                }
                "sheet.reopen" => {
                    sheets.insert(e.target.clone(), false);
                }
                _ => {}
            }
        }
        let mut stmt = self.conn.prepare(
            "SELECT p.code, s.round, m.seat, s.status FROM sheets s
             JOIN products p ON p.id = s.product_id JOIN members m ON m.id = s.member_id
             WHERE p.session_id = ?1",
        )?;
        let rows = stmt.query_map([id], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, u32>(1)?,
                r.get::<_, u32>(2)?,
                r.get::<_, String>(3)?,
            ))
        })?;
        for row in rows {
            let (product, round, seat, status) = row?;
            let key = super::audit::target(&product, round, Some(seat), None);
            let logged = sheets.get(&key).copied().unwrap_or(false);
            if logged != (status == "submitted") {
                say(format!(
                    "{key}: the sheet is {status} in the database, not as the log left it"
                ));
            }
        }
        Ok(())
    }
}
