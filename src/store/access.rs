//! Remote seats: codes, keys, connections and the running seat server. The sign-in rule is
//! `meeting::access`; this module reads its facts and records its outcome in one transaction,
//! so a wrong code is counted even though the sign-in is refused.

use rusqlite::{OptionalExtension, Transaction, params};

use super::{Actor, Result, Store, StoreError, audit, now};
use crate::meeting::Refusal;
use crate::meeting::access::{self, AccessFacts, Attempt, Place};

/// A place's code as the secretary sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeatCode {
    pub place: Place,
    pub code: String,
    pub failures: u32,
    pub locked: bool,
}

/// A connection to a remote seat, open or ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Connection {
    pub id: i64,
    pub place: Place,
    pub peer: String,
    pub connected_at: String,
    pub server_pid: u32,
}

/// The seat server last started for a session and not stopped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeatServer {
    pub pid: u32,
    pub listen: String,
    pub addresses: Vec<String>,
    pub fingerprint: String,
    pub started_at: String,
}

fn random_code() -> Result<String> {
    let mut random = [0u8; 8];
    getrandom::fill(&mut random)
        .map_err(|e| StoreError::Refused(format!("no random source for seat codes: {e}")))?;
    Ok(access::new_code(random))
}

/// Every place of the session: the members' seats, then the display.
fn places(tx: &Transaction, session_id: i64) -> Result<Vec<Place>> {
    let mut seats: Vec<Place> = tx
        .prepare_cached("SELECT seat FROM members WHERE session_id = ?1 ORDER BY seat")?
        .query_map([session_id], |r| r.get::<_, u32>(0))?
        .map(|seat| seat.map(Place::Seat))
        .collect::<rusqlite::Result<_>>()?;
    seats.push(Place::Display);
    Ok(seats)
}

fn issue(tx: &Transaction, session_id: i64, place: Place) -> Result<()> {
    tx.prepare_cached(
        "INSERT INTO seat_access (session_id, place, code, failures, locked, issued_at)
         VALUES (?1, ?2, ?3, 0, 0, ?4)
         ON CONFLICT (session_id, place) DO UPDATE SET
             code = excluded.code, failures = 0, locked = 0, issued_at = excluded.issued_at",
    )?
    .execute(params![session_id, place.number(), random_code()?, now()])?;
    Ok(())
}

fn target(place: Place) -> String {
    match place {
        Place::Seat(seat) => format!("seat {seat}"),
        Place::Display => "display".into(),
    }
}

fn access_facts(tx: &Transaction, session_id: i64, place: Place) -> Result<AccessFacts> {
    let session_finalised = session_is_final(tx, session_id)?;
    let row = tx
        .prepare_cached(
            "SELECT code, failures, locked FROM seat_access WHERE session_id = ?1 AND place = ?2",
        )?
        .query_row(params![session_id, place.number()], |r| {
            Ok((r.get::<_, String>(0)?, r.get(1)?, r.get(2)?))
        })
        .optional()?;
    let (code, failures, locked) = row.ok_or_else(|| not_a_place(place))?;
    Ok(AccessFacts {
        place,
        code,
        failures,
        locked,
        session_finalised,
    })
}

fn not_a_place(place: Place) -> StoreError {
    StoreError::Rule(match place {
        Place::Seat(seat) => Refusal::UnknownSeat { seat },
        Place::Display => Refusal::NotASeat {
            login: "display".into(),
        },
    })
}

impl Store {
    /// Every place's code, issuing the missing ones first (a member added later gets one).
    pub fn seat_codes(&mut self, session_id: i64) -> Result<Vec<SeatCode>> {
        self.write(|tx| {
            let all = places(tx, session_id)?;
            for &place in &all {
                let known: bool = tx
                    .prepare_cached(
                        "SELECT EXISTS (SELECT 1 FROM seat_access WHERE session_id = ?1 AND place = ?2)",
                    )?
                    .query_row(params![session_id, place.number()], |r| r.get(0))?;
                if !known {
                    issue(tx, session_id, place)?;
                }
            }
            let mut codes = Vec::with_capacity(all.len());
            for place in all {
                let facts = access_facts(tx, session_id, place)?;
                codes.push(SeatCode {
                    place,
                    code: facts.code,
                    failures: facts.failures,
                    locked: facts.locked,
                });
            }
            Ok(codes)
        })
    }

    /// The codes issued so far, without issuing any (for screens, which only read).
    pub fn issued_seat_codes(&self, session_id: i64) -> Result<Vec<SeatCode>> {
        Ok(self
            .conn
            .prepare_cached(
                "SELECT place, code, failures, locked FROM seat_access
                 WHERE session_id = ?1 ORDER BY place = 0, place",
            )?
            .query_map([session_id], |r| {
                Ok(SeatCode {
                    place: Place::from_number(r.get(0)?),
                    code: r.get(1)?,
                    failures: r.get(2)?,
                    locked: r.get(3)?,
                })
            })?
            .collect::<rusqlite::Result<_>>()?)
    }

    /// A new code for one place (or every place), which also unlocks it; the old code stops
    /// working at once. Refused once the session is finalised.
    pub fn regenerate_seat_code(&mut self, session_id: i64, place: Option<Place>) -> Result<()> {
        let actor = self.actor_secretary();
        self.write(|tx| {
            if session_is_final(tx, session_id)? {
                return Err(StoreError::Rule(Refusal::SeatCodesExpired));
            }
            let chosen = match place {
                Some(place) => {
                    if !places(tx, session_id)?.contains(&place) {
                        return Err(not_a_place(place));
                    }
                    vec![place]
                }
                None => places(tx, session_id)?,
            };
            for place in chosen {
                issue(tx, session_id, place)?;
                audit::append(
                    tx,
                    Some(session_id),
                    &actor,
                    "seat.code",
                    &target(place),
                    None,
                    None,
                )?;
            }
            Ok(())
        })
    }

    /// Frees a seat locked after wrong codes (its code stays the same).
    pub fn unlock_seat(&mut self, session_id: i64, place: Place) -> Result<()> {
        let actor = self.actor_secretary();
        self.write(|tx| {
            access_facts(tx, session_id, place)?;
            tx.prepare_cached(
                "UPDATE seat_access SET failures = 0, locked = 0 WHERE session_id = ?1 AND place = ?2",
            )?
            .execute(params![session_id, place.number()])?;
            audit::append(tx, Some(session_id), &actor, "seat.unlock", &target(place), None, None)
        })
    }

    /// Checks an offered code by the sign-in rule; a wrong one is counted (and may lock the
    /// seat) even though the sign-in is refused.
    pub fn sign_in_with_code(
        &mut self,
        session_id: i64,
        place: Place,
        offered: &str,
    ) -> Result<()> {
        let outcome = self.write(|tx| {
            let facts = access_facts(tx, session_id, place)?;
            let (attempt, outcome) = access::check_code(&facts, offered);
            if let Attempt::Wrong { failures, locks } = attempt
                && (failures != facts.failures || locks)
            {
                tx.prepare_cached(
                    "UPDATE seat_access SET failures = ?3, locked = ?4 WHERE session_id = ?1 AND place = ?2",
                )?
                .execute(params![session_id, place.number(), failures, locks])?;
                if locks {
                    audit::append(tx, Some(session_id), &actor_of(place), "seat.lock", &target(place), None, Some(&failures.to_string()))?;
                }
            } else if facts.failures > 0 && outcome.is_ok() {
                tx.prepare_cached("UPDATE seat_access SET failures = 0 WHERE session_id = ?1 AND place = ?2")?
                    .execute(params![session_id, place.number()])?;
            }
            Ok(outcome)
        })?;
        outcome.map_err(StoreError::Rule)
    }

    /// Whether the place takes sign-ins now (not locked, session not finalised), without
    /// counting anything: said before the code is asked for.
    pub fn sign_in_open(&self, session_id: i64, place: Place) -> Result<()> {
        let tx = self.conn.unchecked_transaction()?;
        let facts = access_facts(&tx, session_id, place)?;
        access::check_open(&facts).map_err(StoreError::Rule)
    }

    /// A member's registered public key signs in without a code (not into a locked seat).
    pub fn sign_in_with_key(
        &mut self,
        session_id: i64,
        place: Place,
        fingerprint: &str,
    ) -> Result<bool> {
        let facts_and_key = self.write(|tx| {
            let facts = access_facts(tx, session_id, place)?;
            let known: bool = tx
                .prepare_cached(
                    "SELECT EXISTS (SELECT 1 FROM seat_keys
                     WHERE session_id = ?1 AND place = ?2 AND fingerprint = ?3)",
                )?
                .query_row(params![session_id, place.number(), fingerprint], |r| {
                    r.get(0)
                })?;
            Ok((facts, known))
        })?;
        let (facts, known) = facts_and_key;
        if !known {
            return Ok(false);
        }
        access::check_open(&facts).map_err(StoreError::Rule)?;
        Ok(true)
    }

    /// Registers a member's public key (`ssh-ed25519 AAAA… comment`) under its fingerprint.
    pub fn add_seat_key(
        &mut self,
        session_id: i64,
        place: Place,
        fingerprint: &str,
        line: &str,
    ) -> Result<()> {
        let actor = self.actor_secretary();
        self.write(|tx| {
            access_facts(tx, session_id, place)?;
            tx.prepare_cached(
                "INSERT OR REPLACE INTO seat_keys (session_id, place, fingerprint, public_key, added_at)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
            )?
            .execute(params![session_id, place.number(), fingerprint, line, now()])?;
            audit::append(tx, Some(session_id), &actor, "seat.key", &target(place), None, Some(fingerprint))
        })
    }

    /// Records a connection that signed in; the audit rows of the seat's actions that follow
    /// belong to it until `connection_ended` (a seat has one connection at a time).
    pub fn connection_opened(&mut self, session_id: i64, place: Place, peer: &str) -> Result<i64> {
        self.write(|tx| {
            tx.prepare_cached(
                "INSERT INTO seat_connections (session_id, place, peer, server_pid, connected_at)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
            )?
            .execute(params![
                session_id,
                place.number(),
                peer,
                std::process::id(),
                now()
            ])?;
            let id = tx.last_insert_rowid();
            audit::append(
                tx,
                Some(session_id),
                &actor_of(place),
                "seat.connect",
                &target(place),
                None,
                Some(&format!("#{id} {peer}")),
            )?;
            Ok(id)
        })
    }

    pub fn connection_ended(&mut self, id: i64, reason: &str) -> Result<()> {
        self.write(|tx| {
            let row = tx
                .prepare_cached("SELECT session_id, place, peer FROM seat_connections WHERE id = ?1 AND ended_at IS NULL")?
                .query_row([id], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, u32>(1)?, r.get::<_, String>(2)?)))
                .optional()?;
            let Some((session_id, place, peer)) = row else { return Ok(()) };
            let place = Place::from_number(place);
            tx.prepare_cached("UPDATE seat_connections SET ended_at = ?2, end_reason = ?3 WHERE id = ?1")?
                .execute(params![id, now(), reason])?;
            audit::append(tx, Some(session_id), &actor_of(place), "seat.disconnect", &target(place), Some(&format!("#{id} {peer}")), Some(reason))
        })
    }

    /// The secretary asks the server to close a seat's connection.
    pub fn request_disconnect(&mut self, session_id: i64, place: Place) -> Result<usize> {
        self.write(|tx| {
            Ok(tx
                .prepare_cached(
                    "UPDATE seat_connections SET disconnect_requested = 1
                     WHERE session_id = ?1 AND place = ?2 AND ended_at IS NULL",
                )?
                .execute(params![session_id, place.number()])?)
        })
    }

    /// Open connections of this process the secretary asked to close.
    pub fn disconnect_requests(&self) -> Result<Vec<i64>> {
        Ok(self
            .conn
            .prepare_cached(
                "SELECT id FROM seat_connections
                 WHERE disconnect_requested = 1 AND ended_at IS NULL AND server_pid = ?1",
            )?
            .query_map([std::process::id()], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?)
    }

    /// Open connections of a session, by place.
    pub fn open_connections(&self, session_id: i64) -> Result<Vec<Connection>> {
        Ok(self
            .conn
            .prepare_cached(
                "SELECT id, place, peer, connected_at, server_pid FROM seat_connections
                 WHERE session_id = ?1 AND ended_at IS NULL ORDER BY place, id",
            )?
            .query_map([session_id], |r| {
                Ok(Connection {
                    id: r.get(0)?,
                    place: Place::from_number(r.get(1)?),
                    peer: r.get(2)?,
                    connected_at: r.get(3)?,
                    server_pid: r.get(4)?,
                })
            })?
            .collect::<rusqlite::Result<_>>()?)
    }

    /// Marks this process's server started, ending what an earlier server (stopped without
    /// saying so, e.g. killed) left open.
    pub fn server_started(
        &mut self,
        session_id: i64,
        listen: &str,
        addresses: &[String],
        fingerprint: &str,
    ) -> Result<()> {
        let addresses = serde_json::to_string(addresses).unwrap_or_else(|_| "[]".into());
        self.write(|tx| {
            let at = now();
            tx.prepare_cached("UPDATE seat_servers SET stopped_at = ?1 WHERE stopped_at IS NULL")?
                .execute([&at])?;
            tx.prepare_cached(
                "UPDATE seat_connections SET ended_at = ?1, end_reason = 'server stopped'
                 WHERE ended_at IS NULL",
            )?
            .execute([&at])?;
            tx.prepare_cached(
                "INSERT INTO seat_servers (session_id, pid, listen, addresses, fingerprint, started_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )?
            .execute(params![session_id, std::process::id(), listen, addresses, fingerprint, at])?;
            Ok(())
        })
    }

    pub fn server_stopped(&mut self) -> Result<()> {
        self.write(|tx| {
            let at = now();
            tx.prepare_cached(
                "UPDATE seat_servers SET stopped_at = ?1 WHERE stopped_at IS NULL AND pid = ?2",
            )?
            .execute(params![at, std::process::id()])?;
            tx.prepare_cached(
                "UPDATE seat_connections SET ended_at = ?1, end_reason = 'server stopped'
                 WHERE ended_at IS NULL AND server_pid = ?2",
            )?
            .execute(params![at, std::process::id()])?;
            Ok(())
        })
    }

    /// The session's running seat server, if one is.
    pub fn seat_server(&self, session_id: i64) -> Result<Option<SeatServer>> {
        Ok(self
            .conn
            .prepare_cached(
                "SELECT pid, listen, addresses, fingerprint, started_at FROM seat_servers
                 WHERE session_id = ?1 AND stopped_at IS NULL ORDER BY id DESC LIMIT 1",
            )?
            .query_row([session_id], |r| {
                let addresses: String = r.get(2)?;
                Ok(SeatServer {
                    pid: r.get(0)?,
                    listen: r.get(1)?,
                    addresses: serde_json::from_str(&addresses).unwrap_or_default(),
                    fingerprint: r.get(3)?,
                    started_at: r.get(4)?,
                })
            })
            .optional()?)
    }
}

fn session_is_final(tx: &Transaction, session_id: i64) -> Result<bool> {
    let status: String = tx
        .prepare_cached("SELECT status FROM sessions WHERE id = ?1")?
        .query_row([session_id], |r| r.get(0))?;
    Ok(status == "final")
}

fn actor_of(place: Place) -> Actor {
    match place {
        Place::Seat(seat) => Actor::Member(seat),
        Place::Display => Actor::Cli,
    }
}
