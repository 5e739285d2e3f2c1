//! The facts the meeting rules judge, read inside the write transaction that acts on them, so
//! another process's commit can never slip in between the check and the change.

use std::collections::HashMap;

use rusqlite::{Connection, OptionalExtension, params};

use super::load::unknown_value;
use super::{Result, SheetKey};
use crate::meeting::{Hold, Holder, ProductStatus, SeatFacts, SheetFacts};
use crate::session::Role;

/// A product's current state as stored.
#[derive(Debug, Clone, Copy)]
pub(super) struct ProductState {
    pub status: ProductStatus,
    pub round: u32,
    pub case_number: Option<u32>,
}

pub(super) fn product_state(conn: &Connection, product_id: i64) -> Result<ProductState> {
    let (status, round, case_number): (String, u32, Option<u32>) = conn
        .prepare_cached("SELECT status, round, case_number FROM products WHERE id = ?1")?
        .query_row([product_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
    let status =
        ProductStatus::parse(&status).ok_or_else(|| unknown_value(0, "product status", &status))?;
    Ok(ProductState {
        status,
        round,
        case_number,
    })
}

/// Every member of the session as the rules see them for one product's round: presence from
/// the product's own attendance once it has left waiting, from the room before.
pub(super) fn seat_facts(
    conn: &Connection,
    session_id: i64,
    product_id: i64,
    round: u32,
) -> Result<Vec<(i64, SeatFacts)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT m.id, m.seat, m.role, m.scores,
                COALESCE(pr.present, m.present, 0),
                EXISTS (SELECT 1 FROM recusals r
                        WHERE r.product_id = ?2 AND r.round = ?3 AND r.member_id = m.id)
         FROM members m
         LEFT JOIN presence pr ON pr.member_id = m.id AND pr.product_id = ?2 AND pr.round = ?3
         WHERE m.session_id = ?1 ORDER BY m.seat",
    )?;
    let rows = stmt.query_map(params![session_id, product_id, round], |r| seat_row(r, 0))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// [`seats`] of every product of the session at once, each for its current round as stored:
/// product id → seats in seat order (start-up reads these in one query, not one per product).
pub(super) fn session_seats(
    conn: &Connection,
    session_id: i64,
) -> Result<HashMap<i64, Vec<SeatFacts>>> {
    // The members once, then every product's own attendance and recusals: the same facts as
    // `seat_facts`, without joining the members to each of the products (1,050 joined and
    // sorted rows for 70 products took longer than these three reads).
    let members: Vec<(i64, SeatFacts)> = conn
        .prepare_cached(
            "SELECT id, seat, role, scores, COALESCE(present, 0), 0 FROM members
             WHERE session_id = ?1 ORDER BY seat",
        )?
        .query_map([session_id], |r| seat_row(r, 0))?
        .collect::<rusqlite::Result<_>>()?;
    let index: HashMap<i64, usize> = members
        .iter()
        .enumerate()
        .map(|(i, (id, _))| (*id, i))
        .collect();
    let room: Vec<SeatFacts> = members.into_iter().map(|(_, seat)| seat).collect();
    let mut out: HashMap<i64, Vec<SeatFacts>> = HashMap::new();
    let mut products = conn.prepare_cached("SELECT id FROM products WHERE session_id = ?1")?;
    for id in products.query_map([session_id], |r| r.get::<_, i64>(0))? {
        out.insert(id?, room.clone());
    }
    fn seat_of<'o>(
        out: &'o mut HashMap<i64, Vec<SeatFacts>>,
        index: &HashMap<i64, usize>,
        (product_id, member_id): (i64, i64),
    ) -> Option<&'o mut SeatFacts> {
        out.get_mut(&product_id)?.get_mut(*index.get(&member_id)?)
    }
    let mut presence = conn.prepare_cached(
        "SELECT pr.product_id, pr.member_id, pr.present FROM products p
         JOIN presence pr ON pr.product_id = p.id AND pr.round = p.round
         WHERE p.session_id = ?1",
    )?;
    let mut rows = presence.query([session_id])?;
    while let Some(r) = rows.next()? {
        if let Some(seat) = seat_of(&mut out, &index, (r.get(0)?, r.get(1)?)) {
            seat.present = r.get(2)?;
        }
    }
    let mut recusals = conn.prepare_cached(
        "SELECT r.product_id, r.member_id FROM products p
         JOIN recusals r ON r.product_id = p.id AND r.round = p.round WHERE p.session_id = ?1",
    )?;
    let mut rows = recusals.query([session_id])?;
    while let Some(r) = rows.next()? {
        if let Some(seat) = seat_of(&mut out, &index, (r.get(0)?, r.get(1)?)) {
            seat.recused = true;
        }
    }
    Ok(out)
}

/// One member's columns of a seat-facts query from column `at` on: member id, seat, role,
/// scores, presence, recused.
fn seat_row(r: &rusqlite::Row, at: usize) -> rusqlite::Result<(i64, SeatFacts)> {
    let role: String = r.get(at + 2)?;
    Ok((
        r.get(at)?,
        SeatFacts {
            seat: r.get(at + 1)?,
            role: Role::parse(&role).ok_or_else(|| unknown_value(at + 2, "role", &role))?,
            scores: r.get(at + 3)?,
            present: r.get(at + 4)?,
            recused: r.get(at + 5)?,
        },
    ))
}

/// [`seat_facts`] without the member ids.
pub(super) fn seats(
    conn: &Connection,
    session_id: i64,
    product_id: i64,
    round: u32,
) -> Result<Vec<SeatFacts>> {
    Ok(seat_facts(conn, session_id, product_id, round)?
        .into_iter()
        .map(|(_, s)| s)
        .collect())
}

/// Whether the product's round has its own attendance yet (it has, once it left waiting).
pub(super) fn has_presence(conn: &Connection, product_id: i64, round: u32) -> Result<bool> {
    Ok(conn
        .prepare_cached("SELECT 1 FROM presence WHERE product_id = ?1 AND round = ?2 LIMIT 1")?
        .query_row(params![product_id, round], |_| Ok(()))
        .optional()?
        .is_some())
}

/// Takes the product's attendance for `round` from the room, as it is now.
pub(super) fn take_presence(
    conn: &Connection,
    session_id: i64,
    product_id: i64,
    round: u32,
) -> Result<()> {
    conn.execute(
        "INSERT OR REPLACE INTO presence (product_id, round, member_id, present)
         SELECT ?2, ?3, id, COALESCE(present, 0) FROM members WHERE session_id = ?1",
        params![session_id, product_id, round],
    )?;
    Ok(())
}

/// Every stored sheet of a product's round, as the rules see it.
pub(super) fn sheet_facts(
    conn: &Connection,
    product_id: i64,
    round: u32,
) -> Result<Vec<(i64, SheetFacts)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT s.member_id, m.seat, s.status, s.entered_by, s.verified,
                EXISTS (SELECT 1 FROM choices c WHERE c.product_id = s.product_id
                        AND c.round = s.round AND c.member_id = s.member_id),
                EXISTS (SELECT 1 FROM choices c WHERE c.product_id = s.product_id
                        AND c.round = s.round AND c.member_id = s.member_id
                        AND c.entered_by = 'member')
         FROM sheets s JOIN members m ON m.id = s.member_id
         WHERE s.product_id = ?1 AND s.round = ?2",
    )?;
    let rows = stmt.query_map(params![product_id, round], |r| {
        let status: String = r.get(2)?;
        let entered_by: String = r.get(3)?;
        Ok((
            r.get::<_, i64>(0)?,
            SheetFacts {
                seat: r.get(1)?,
                submitted: status == "submitted",
                proxy: entered_by != "member",
                verified: r.get(4)?,
                started: r.get(5)?,
                by_member: r.get(6)?,
            },
        ))
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The process that asks: its id and host, to tell its own holds from others'.
pub(super) fn this_process() -> (u32, String) {
    (std::process::id(), host_name())
}

fn host_name() -> String {
    std::fs::read_to_string("/etc/hostname")
        .ok()
        .map(|h| h.trim().to_string())
        .filter(|h| !h.is_empty())
        .or_else(|| std::env::var("COMPUTERNAME").ok())
        .unwrap_or_else(|| "localhost".into())
}

/// Whether process `pid` on this machine is still running. A hold of a process that died is
/// void: its sheet is recovered by the next writer.
#[cfg(unix)]
fn process_alive(pid: u32) -> bool {
    // Signal 0 checks existence and permission without delivering anything.
    let rc = unsafe { libc::kill(pid as libc::pid_t, 0) };
    rc == 0 || std::io::Error::last_os_error().raw_os_error() == Some(libc::EPERM)
}

#[cfg(not(unix))]
fn process_alive(_pid: u32) -> bool {
    true // cannot tell: keep the hold (the secretary can still use another seat's process)
}

/// Who holds a sheet open, if anyone, judged from the asking process and `holder`.
pub(super) fn sheet_hold(
    conn: &Connection,
    key: SheetKey,
    asking: &Holder,
) -> Result<Option<Hold>> {
    let row: Option<(String, u32, String)> = conn
        .prepare_cached(
            "SELECT holder, pid, host FROM sheet_holds
             WHERE product_id = ?1 AND round = ?2 AND member_id = ?3",
        )?
        .query_row(params![key.product_id, key.round, key.member_id], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })
        .optional()?;
    let Some((holder, pid, host)) = row else {
        return Ok(None);
    };
    let holder: Holder =
        serde_json::from_str(&holder).map_err(|_| unknown_value(0, "sheet holder", &holder))?;
    let (our_pid, our_host) = this_process();
    let same_process = pid == our_pid && host == our_host;
    let alive = same_process || host != our_host || process_alive(pid);
    Ok(Some(Hold {
        ours: same_process && holder == *asking,
        holder,
        alive,
    }))
}

/// Takes the hold of a sheet for `holder` in this process; a holder holds one sheet at a time.
pub(super) fn take_hold(conn: &Connection, key: SheetKey, holder: &Holder) -> Result<()> {
    let (pid, host) = this_process();
    let json = serde_json::to_string(holder).expect("holder serialises");
    conn.prepare_cached("DELETE FROM sheet_holds WHERE pid = ?1 AND host = ?2 AND holder = ?3")?
        .execute(params![pid, host, json])?;
    conn.prepare_cached(
        "INSERT OR REPLACE INTO sheet_holds (product_id, round, member_id, holder, pid, host, since)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?
    .execute(params![
        key.product_id,
        key.round,
        key.member_id,
        json,
        pid,
        host,
        super::now()
    ])?;
    Ok(())
}

/// Another product of the session open for scoring, if any.
pub(super) fn other_open_product(
    conn: &Connection,
    session_id: i64,
    product_id: i64,
) -> Result<Option<String>> {
    Ok(conn
        .prepare_cached(
            "SELECT code FROM products WHERE session_id = ?1 AND status = 'scoring' AND id <> ?2
             ORDER BY position LIMIT 1",
        )?
        .query_row(params![session_id, product_id], |r| r.get(0))
        .optional()?)
}
