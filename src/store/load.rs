//! Creating a session from its file, and reading sessions, members and products back.

use std::collections::HashMap;
use std::sync::Arc;

use rusqlite::{OptionalExtension, params};
use serde::Serialize;

use super::audit::{append, sha256_hex};
use super::{Actor, Result, Store, StoreError, now, refused, rule};
use crate::meeting::Refusal;
use crate::rubric::{Rubric, parse_rubric};
use crate::session::{Level, Policy, Role, Session};

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SessionSummary {
    pub id: i64,
    pub code: String,
    pub title: String,
    pub council: String,
    pub level: Level,
    pub date: String,
    pub time: Option<String>,
    pub venue: String,
    pub province: Option<String>,
    pub policy: Policy,
    pub final_hash: Option<String>,
    pub finalised: bool,
    pub sha256: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MemberRow {
    pub id: i64,
    pub seat: u32,
    pub name: String,
    pub organisation: String,
    pub role: Role,
    /// Whether the member scores (the session's `scores` flag).
    pub scores: bool,
    /// The chair's delegation by the provincial chair (Điều 7.3.b), when there is one.
    pub delegated_by: Option<String>,
    /// In the room now (None: not marked yet). A product's own attendance is in `presence`.
    pub present: Option<bool>,
}

pub use crate::meeting::ProductStatus;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ProductRow {
    pub id: i64,
    pub position: u32,
    pub code: String,
    pub name: String,
    pub producer: String,
    pub commune: String,
    pub province: Option<String>,
    pub rubric_id: String,
    pub rubric_sha256: String,
    pub status: ProductStatus,
    pub round: u32,
    pub knockout_reason: Option<String>,
    /// The criteria set's condition the council knocked the product out on (its exact text).
    pub knockout_condition: Option<String>,
    pub knockout_proposed_by: Option<u32>,
    pub close_override: Option<String>,
    /// Set 26: the alternative case ("Trường hợp N") chosen for this product.
    pub case_number: Option<u32>,
    #[serde(skip)]
    pub rubric: Arc<Rubric>,
}

/// A session with its members and products, rubrics parsed from the stored text.
#[derive(Debug, Clone)]
pub struct SessionData {
    pub info: SessionSummary,
    pub members: Vec<MemberRow>,
    pub products: Vec<ProductRow>,
}

impl SessionData {
    pub fn product(&self, code: &str) -> Option<&ProductRow> {
        self.products.iter().find(|p| p.code == code)
    }

    pub fn member(&self, seat: u32) -> Option<&MemberRow> {
        self.members.iter().find(|m| m.seat == seat)
    }

    /// The member at `seat`, or a clear error naming the seat.
    pub fn seat(&self, seat: u32) -> super::Result<&MemberRow> {
        self.member(seat)
            .ok_or_else(|| StoreError::NotFound(format!("member at seat {seat}")))
    }

    pub fn member_by_id(&self, id: i64) -> Option<&MemberRow> {
        self.members.iter().find(|m| m.id == id)
    }

    /// What a session-wide read found per product id, as one entry for each of this
    /// session's products (`shown` of the default for a product with no rows; rows of a
    /// product not loaded here are left out), like reading each product on its own.
    pub(super) fn per_product<F: Default, V>(
        &self,
        mut found: HashMap<i64, F>,
        shown: impl Fn(F) -> V,
    ) -> HashMap<i64, V> {
        self.products
            .iter()
            .map(|p| (p.id, shown(found.remove(&p.id).unwrap_or_default())))
            .collect()
    }
}

const SESSION_COLUMNS: &str = "id, code, title, council, level, date, time, venue, province, policy, final_hash, status, sha256";

fn summary_from_row(r: &rusqlite::Row) -> rusqlite::Result<SessionSummary> {
    let level: String = r.get(4)?;
    let policy: String = r.get(9)?;
    let status: String = r.get(11)?;
    Ok(SessionSummary {
        id: r.get(0)?,
        code: r.get(1)?,
        title: r.get(2)?,
        council: r.get(3)?,
        level: if level == "central" {
            Level::Central
        } else {
            Level::Province
        },
        date: r.get(5)?,
        time: r.get(6)?,
        venue: r.get(7)?,
        province: r.get(8)?,
        policy: serde_json::from_str(&policy).unwrap_or_default(),
        final_hash: r.get(10)?,
        finalised: status == "final",
        sha256: r.get(12)?,
    })
}

impl Store {
    /// Stores a validated session, its members and products, and the exact text of every
    /// rubric it uses (`rubric_source` gives the TOML for a set id). Refuses a duplicate id.
    pub fn create_session(
        &mut self,
        session: &Session,
        source: &str,
        rubric_source: &dyn Fn(&str) -> Option<String>,
    ) -> Result<i64> {
        self.write(|tx| {
            let exists: Option<i64> = tx
                .query_row(
                    "SELECT id FROM sessions WHERE code = ?1",
                    [&session.id],
                    |r| r.get(0),
                )
                .optional()?;
            if exists.is_some() {
                return rule(Refusal::SessionExists {
                    code: session.id.clone(),
                });
            }
            let level = match session.level {
                Level::Province => "province",
                Level::Central => "central",
            };
            tx.execute(
                "INSERT INTO sessions (code, title, council, level, date, time, venue, province,
                                       policy, source, sha256, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
                params![
                    session.id,
                    session.title,
                    session.council,
                    level,
                    session.date.to_string(),
                    session.time,
                    session.venue,
                    session.province,
                    serde_json::to_string(&session.policy).expect("policy serialises"),
                    source,
                    sha256_hex(source.as_bytes()),
                    now(),
                ],
            )?;
            let session_id = tx.last_insert_rowid();
            for m in &session.members {
                tx.execute(
                    "INSERT INTO members (session_id, seat, name, organisation, role, scores, delegated_by)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                    params![
                        session_id,
                        m.seat,
                        m.name,
                        m.organisation,
                        m.role.as_str(),
                        m.scores,
                        m.delegated_by
                    ],
                )?;
            }
            insert_products(tx, session_id, &session.products, rubric_source, 0)?;
            append(
                tx,
                Some(session_id),
                &Actor::Cli,
                "session.create",
                &session.id,
                None,
                Some(&sha256_hex(source.as_bytes())),
            )?;
            Ok(session_id)
        })
    }

    /// Adds products to an existing session (an import); all or nothing.
    pub fn add_products(
        &mut self,
        session_id: i64,
        products: &[crate::session::Product],
        rubric_source: &dyn Fn(&str) -> Option<String>,
        actor: &Actor,
    ) -> Result<usize> {
        self.write(|tx| {
            ensure_open(tx, session_id)?;
            for p in products {
                let taken: Option<i64> = tx
                    .query_row(
                        "SELECT id FROM products WHERE session_id = ?1 AND code = ?2",
                        params![session_id, p.code],
                        |r| r.get(0),
                    )
                    .optional()?;
                if taken.is_some() {
                    return rule(Refusal::ProductExists {
                        code: p.code.clone(),
                    });
                }
            }
            let start: u32 = tx.query_row(
                "SELECT COALESCE(MAX(position), 0) FROM products WHERE session_id = ?1",
                [session_id],
                |r| r.get(0),
            )?;
            insert_products(tx, session_id, products, rubric_source, start)?;
            for p in products {
                append(
                    tx,
                    Some(session_id),
                    actor,
                    "product.add",
                    &p.code,
                    None,
                    Some(&p.rubric),
                )?;
            }
            Ok(products.len())
        })
    }

    pub fn sessions(&self) -> Result<Vec<SessionSummary>> {
        let mut stmt = self.conn.prepare(&format!(
            "SELECT {SESSION_COLUMNS} FROM sessions ORDER BY date, id"
        ))?;
        let rows = stmt.query_map([], summary_from_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The session named `code`, or the only one when `code` is None.
    pub fn find_session(&self, code: Option<&str>) -> Result<SessionSummary> {
        let all = self.sessions()?;
        match code {
            Some(code) => all.into_iter().find(|s| s.code == code).ok_or_else(|| {
                StoreError::NotFound(format!("session \"{code}\" (see `council session list`)"))
            }),
            None => match all.len() {
                0 => Err(StoreError::NotFound(
                    "no session in the database yet: load one with `council session new FILE`"
                        .into(),
                )),
                1 => Ok(all.into_iter().next().expect("one")),
                n => refused(format!(
                    "the database holds {n} sessions ({}); choose one with --session ID",
                    all.iter()
                        .map(|s| s.code.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                )),
            },
        }
    }

    /// The rubric stored in row `row` (whose text hashes to `sha`), parsed once per process.
    fn stored_rubric(&self, row: i64, sha: &str) -> Result<Arc<Rubric>> {
        if let Some(rubric) = self.rubrics.borrow().get(sha) {
            return Ok(rubric.clone());
        }
        // The kept model, parsed straight from SQLite's bytes, checked as UTF-8 in one pass
        // (serde_json checking each string apart took longer than the parse); the text (as
        // large again) is read only when there is no model that reads.
        let model: Option<Rubric> =
            self.conn
                .query_row("SELECT model FROM rubrics WHERE id = ?1", [row], |r| {
                    Ok(r.get_ref(0)?
                        .as_bytes_or_null()?
                        .and_then(|m| std::str::from_utf8(m).ok())
                        .and_then(|m| serde_json::from_str(m).ok()))
                })?;
        let parsed = Arc::new(match model {
            Some(rubric) => rubric,
            None => {
                let (rubric_id, source): (String, String) = self.conn.query_row(
                    "SELECT rubric_id, source FROM rubrics WHERE id = ?1",
                    [row],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )?;
                parse_stored(&rubric_id, &source)?
            }
        });
        self.rubrics
            .borrow_mut()
            .insert(sha.to_string(), parsed.clone());
        Ok(parsed)
    }

    /// Everything about a session needed to score and show it.
    pub fn load_session(&self, session_id: i64) -> Result<SessionData> {
        let info = self.conn.query_row(
            &format!("SELECT {SESSION_COLUMNS} FROM sessions WHERE id = ?1"),
            [session_id],
            summary_from_row,
        )?;
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, seat, name, organisation, role, present, scores, delegated_by FROM members
             WHERE session_id = ?1 ORDER BY seat",
        )?;
        let members = stmt
            .query_map([session_id], |r| {
                let role: String = r.get(4)?;
                Ok(MemberRow {
                    id: r.get(0)?,
                    seat: r.get(1)?,
                    name: r.get(2)?,
                    organisation: r.get(3)?,
                    role: Role::parse(&role).ok_or_else(|| unknown_value(4, "role", &role))?,
                    present: r.get(5)?,
                    scores: r.get(6)?,
                    delegated_by: r.get(7)?,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;

        let mut stmt = self.conn.prepare_cached(&format!(
            "{PRODUCT_SELECT} WHERE p.session_id = ?1 ORDER BY p.position"
        ))?;
        let mut rows = stmt.query([session_id])?;
        let mut products = Vec::new();
        while let Some(r) = rows.next()? {
            products.push(self.product_from_row(r)?);
        }
        Ok(SessionData {
            info,
            members,
            products,
        })
    }
}

/// A criteria set's stored text, parsed (it was checked when it was stored).
pub(super) fn parse_stored(rubric_id: &str, source: &str) -> Result<Rubric> {
    parse_rubric(&format!("(stored) {rubric_id}"), source)
        .map_err(|e| StoreError::Refused(format!("stored rubric is invalid: {e}")))
}

/// A parsed criteria set as it is kept beside its text.
fn model_json(rubric: &Rubric) -> String {
    serde_json::to_string(rubric).expect("a criteria set serialises")
}

/// The hook of the migration to schema 6: every stored criteria set that parses gets its model.
pub(super) fn keep_rubric_models(tx: &rusqlite::Transaction) -> Result<()> {
    let rows: Vec<(i64, String, String)> = tx
        .prepare("SELECT id, rubric_id, source FROM rubrics WHERE model IS NULL")?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let mut update = tx.prepare("UPDATE rubrics SET model = ?2 WHERE id = ?1")?;
    for (row, rubric_id, source) in rows {
        // A text that no longer parses keeps no model: loading it still says why, and one bad
        // set must not make the whole database unopenable.
        if let Ok(rubric) = parse_stored(&rubric_id, &source) {
            update.execute(params![row, model_json(&rubric)])?;
        }
    }
    Ok(())
}

const PRODUCT_SELECT: &str =
    "SELECT p.id, p.position, p.code, p.name, p.producer, p.commune, p.province,
        p.status, p.round, p.knockout_reason, p.close_override,
        r.id, r.rubric_id, r.sha256,
        p.knockout_condition, p.knockout_proposed_by, p.case_number
 FROM products p JOIN rubrics r ON r.id = p.rubric";

impl Store {
    /// One product's row as stored now (a screen reloads just the product that changed).
    pub fn load_product(&self, product_id: i64) -> Result<ProductRow> {
        let mut stmt = self
            .conn
            .prepare_cached(&format!("{PRODUCT_SELECT} WHERE p.id = ?1"))?;
        let mut rows = stmt.query([product_id])?;
        match rows.next()? {
            Some(r) => self.product_from_row(r),
            None => Err(StoreError::NotFound(format!("product {product_id}"))),
        }
    }

    fn product_from_row(&self, r: &rusqlite::Row) -> Result<ProductRow> {
        let sha: String = r.get(13)?;
        let rubric = self.stored_rubric(r.get(11)?, &sha)?;
        let status: String = r.get(7)?;
        Ok(ProductRow {
            id: r.get(0)?,
            position: r.get(1)?,
            code: r.get(2)?,
            name: r.get(3)?,
            producer: r.get(4)?,
            commune: r.get(5)?,
            province: r.get(6)?,
            status: ProductStatus::parse(&status)
                .ok_or_else(|| unknown_value(7, "product status", &status))?,
            round: r.get(8)?,
            knockout_reason: r.get(9)?,
            close_override: r.get(10)?,
            knockout_condition: r.get(14)?,
            knockout_proposed_by: r.get(15)?,
            case_number: r.get(16)?,
            rubric_id: r.get(12)?,
            rubric_sha256: sha,
            rubric,
        })
    }

    /// The session's change counters: bumped by triggers (schema 3) on every change to the
    /// session, its members and each of its products, so a screen can tell what to reload.
    pub fn changes(&self, session_id: i64) -> Result<Changes> {
        let session: i64 = self
            .conn
            .prepare_cached("SELECT n FROM session_changes WHERE session_id = ?1")?
            .query_row([session_id], |r| r.get(0))
            .optional()?
            .unwrap_or(0);
        let mut stmt = self.conn.prepare_cached(
            "SELECT product_id, n, member_ticks FROM product_changes WHERE session_id = ?1
             ORDER BY product_id",
        )?;
        let products = stmt
            .query_map([session_id], |r| {
                Ok(ProductChanges {
                    id: r.get(0)?,
                    all: r.get(1)?,
                    member_ticks: r.get(2)?,
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        Ok(Changes { session, products })
    }
}

/// Change counters of a session ([`Store::changes`]).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Changes {
    /// The session row, its members and its list of products.
    pub session: i64,
    /// Each product's counters, by product id.
    pub products: Vec<ProductChanges>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProductChanges {
    pub id: i64,
    /// Every change to the product, its sheets, attendance, recusals and holds.
    pub all: i64,
    /// Of which choices members ticked on their own seats (schema 5).
    pub member_ticks: i64,
}

/// What a screen needs to hear of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChangeScope {
    /// Everything (the secretary's board shows every sheet's progress).
    All,
    /// Everything but members' own ticks: a member's screen shows only that member's sheet
    /// (its own ticks it wrote itself), the room display only how many sheets are in.
    AllButMemberTicks,
}

impl ProductChanges {
    fn counter(&self, scope: ChangeScope) -> i64 {
        match scope {
            ChangeScope::All => self.all,
            ChangeScope::AllButMemberTicks => self.all - self.member_ticks,
        }
    }
}

impl Changes {
    /// Products whose counter for `scope` moved since `before`; None when the session itself
    /// changed (or its list of products), which needs a full reload.
    pub fn changed_since(&self, before: &Self, scope: ChangeScope) -> Option<Vec<i64>> {
        if self.session != before.session || self.products.len() != before.products.len() {
            return None;
        }
        let mut changed = Vec::new();
        for (now, was) in self.products.iter().zip(&before.products) {
            if now.id != was.id {
                return None;
            }
            if now.counter(scope) != was.counter(scope) {
                changed.push(now.id);
            }
        }
        Some(changed)
    }
}

/// A stored value this version does not know: an error, never a silent default.
pub(super) fn unknown_value(column: usize, what: &str, value: &str) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(
        column,
        rusqlite::types::Type::Text,
        format!("unknown {what} \"{value}\" in the database").into(),
    )
}

pub(super) fn ensure_open(tx: &rusqlite::Transaction, session_id: i64) -> Result<()> {
    let status: String = tx.query_row(
        "SELECT status FROM sessions WHERE id = ?1",
        [session_id],
        |r| r.get(0),
    )?;
    if status == "final" {
        return rule(Refusal::SessionFinalised);
    }
    Ok(())
}

fn insert_products(
    tx: &rusqlite::Transaction,
    session_id: i64,
    products: &[crate::session::Product],
    rubric_source: &dyn Fn(&str) -> Option<String>,
    start: u32,
) -> Result<()> {
    let mut rubric_rows: HashMap<String, i64> = HashMap::new();
    for (i, p) in products.iter().enumerate() {
        let rubric_row = match rubric_rows.get(&p.rubric) {
            Some(&row) => row,
            None => {
                let source = rubric_source(&p.rubric).ok_or_else(|| {
                    StoreError::NotFound(format!("criteria set \"{}\"", p.rubric))
                })?;
                let parsed = parse_rubric(&p.rubric, &source)
                    .map_err(|e| StoreError::Refused(e.to_string()))?;
                let sha = sha256_hex(source.as_bytes());
                tx.execute(
                    "INSERT INTO rubrics (rubric_id, name, sha256, source, model)
                     VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (sha256) DO NOTHING",
                    params![parsed.id, parsed.name, sha, source, model_json(&parsed)],
                )?;
                // The exact text a session scores with, in the hash chain.
                append(
                    tx,
                    Some(session_id),
                    &Actor::Cli,
                    "rubric.load",
                    &parsed.id,
                    None,
                    Some(&sha),
                )?;
                let row: i64 =
                    tx.query_row("SELECT id FROM rubrics WHERE sha256 = ?1", [&sha], |r| {
                        r.get(0)
                    })?;
                rubric_rows.insert(p.rubric.clone(), row);
                row
            }
        };
        tx.execute(
            "INSERT INTO products (session_id, position, code, name, producer, commune, province, rubric)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![
                session_id,
                start + i as u32 + 1,
                p.code,
                p.name,
                p.producer,
                p.commune,
                p.province,
                rubric_row
            ],
        )?;
    }
    Ok(())
}
