//! Who may sit down at a remote seat: sign-in by the seat's one-time code (council rule, Quy
//! chế: a member scores only on their own sheet, so only the member may open their seat).
//!
//! The codes are read aloud or handed out on a slip by the secretary; guessing one is made
//! hopeless by locking the seat after a few wrong codes until the secretary frees it.

use serde::Serialize;

use super::Refusal;

/// Wrong codes in a row after which a seat is locked until the secretary unlocks it.
pub const MAX_FAILURES: u32 = 5;

/// Digits in a seat code: short enough to read aloud, a million possibilities against five
/// tries.
pub const CODE_DIGITS: usize = 6;

/// A place in the room a connection can take: a member's seat or the room display.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(tag = "kind", content = "seat", rename_all = "snake_case")]
pub enum Place {
    Seat(u32),
    /// The projector: read-only, never whose scores.
    Display,
}

impl Place {
    /// The number the database keeps it under (the display is 0; seats start at 1).
    pub fn number(self) -> u32 {
        match self {
            Self::Seat(seat) => seat,
            Self::Display => 0,
        }
    }

    pub fn from_number(n: u32) -> Self {
        if n == 0 { Self::Display } else { Self::Seat(n) }
    }
}

/// What the store knows of a place's code when someone signs in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccessFacts {
    pub place: Place,
    pub code: String,
    pub failures: u32,
    pub locked: bool,
    /// Finalised sessions take no more sign-ins: their codes have expired.
    pub session_finalised: bool,
}

/// How a sign-in attempt ended, for the store to record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Attempt {
    Accepted,
    /// Counted; `locks` when this failure reaches [`MAX_FAILURES`].
    Wrong {
        failures: u32,
        locks: bool,
    },
}

/// Checks an offered code. A wrong code is a refusal *and* a counted failure: the store
/// records `Attempt::Wrong` in the same transaction that reports the refusal.
pub fn check_code(facts: &AccessFacts, offered: &str) -> (Attempt, Result<(), Refusal>) {
    if facts.session_finalised {
        return (
            Attempt::Wrong {
                failures: facts.failures,
                locks: false,
            },
            Err(Refusal::SeatCodesExpired),
        );
    }
    if facts.locked {
        return (
            Attempt::Wrong {
                failures: facts.failures,
                locks: false,
            },
            Err(Refusal::SeatLocked { place: facts.place }),
        );
    }
    if codes_match(&facts.code, offered.trim()) {
        return (Attempt::Accepted, Ok(()));
    }
    let failures = facts.failures + 1;
    let locks = failures >= MAX_FAILURES;
    let refusal = if locks {
        Refusal::SeatLocked { place: facts.place }
    } else {
        Refusal::WrongSeatCode {
            place: facts.place,
            tries_left: MAX_FAILURES - failures,
        }
    };
    (Attempt::Wrong { failures, locks }, Err(refusal))
}

/// Whether a place takes sign-ins at all: not once locked, nor after the session is
/// finalised. A registered public key signs in on this check alone (no code).
pub fn check_open(facts: &AccessFacts) -> Result<(), Refusal> {
    if facts.session_finalised {
        Err(Refusal::SeatCodesExpired)
    } else if facts.locked {
        Err(Refusal::SeatLocked { place: facts.place })
    } else {
        Ok(())
    }
}

/// Compares in time independent of where the codes differ (no timing hint to a guesser).
fn codes_match(expected: &str, offered: &str) -> bool {
    let (a, b) = (expected.as_bytes(), offered.as_bytes());
    let mut differ = a.len() ^ b.len();
    for i in 0..a.len().max(b.len()) {
        let x = a.get(i).copied().unwrap_or(0);
        let y = b.get(i).copied().unwrap_or(0);
        differ |= usize::from(x ^ y);
    }
    differ == 0
}

/// A fresh code of [`CODE_DIGITS`] digits from the operating system's random source.
pub fn new_code(random: [u8; 8]) -> String {
    let n = u64::from_le_bytes(random) % 10u64.pow(CODE_DIGITS as u32);
    format!("{n:0width$}", width = CODE_DIGITS)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts(failures: u32, locked: bool) -> AccessFacts {
        AccessFacts {
            place: Place::Seat(4),
            code: "042917".into(),
            failures,
            locked,
            session_finalised: false,
        }
    }

    #[test]
    fn the_right_code_signs_in_and_spaces_around_it_do_not_matter() {
        assert_eq!(check_code(&facts(2, false), " 042917 ").1, Ok(()));
    }

    #[test]
    fn the_fifth_wrong_code_locks_the_seat() {
        let (attempt, refusal) = check_code(&facts(3, false), "111111");
        assert_eq!(
            attempt,
            Attempt::Wrong {
                failures: 4,
                locks: false
            }
        );
        assert_eq!(
            refusal,
            Err(Refusal::WrongSeatCode {
                place: Place::Seat(4),
                tries_left: 1
            })
        );
        let (attempt, refusal) = check_code(&facts(4, false), "111111");
        assert_eq!(
            attempt,
            Attempt::Wrong {
                failures: 5,
                locks: true
            }
        );
        assert_eq!(
            refusal,
            Err(Refusal::SeatLocked {
                place: Place::Seat(4)
            })
        );
    }

    #[test]
    fn a_locked_seat_refuses_even_the_right_code() {
        assert_eq!(
            check_code(&facts(5, true), "042917").1,
            Err(Refusal::SeatLocked {
                place: Place::Seat(4)
            })
        );
    }

    #[test]
    fn codes_expire_when_the_session_is_finalised_and_nothing_is_counted() {
        let finalised = AccessFacts {
            session_finalised: true,
            ..facts(1, false)
        };
        assert_eq!(
            check_code(&finalised, "042917"),
            (
                Attempt::Wrong {
                    failures: 1,
                    locks: false
                },
                Err(Refusal::SeatCodesExpired)
            )
        );
        assert_eq!(check_open(&finalised), Err(Refusal::SeatCodesExpired));
    }

    #[test]
    fn codes_are_six_digits() {
        assert_eq!(new_code([0; 8]), "000000");
        assert_eq!(new_code(u64::MAX.to_le_bytes()).len(), 6);
    }
}
