//! Sheets (one member, one product, one round): who may write one, and which ones count.

use serde::Serialize;

use super::attendance::{Quorum, SeatFacts};
use super::refusal::Refusal;
use super::terms::{Checkpoint, Holder, ProductStatus, ReasonFor};
use crate::session::Policy;

/// What the rules need to know about one stored sheet.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SheetFacts {
    pub seat: u32,
    /// Any choice on it (either entry).
    pub started: bool,
    pub submitted: bool,
    /// Entered on the member's behalf (by the secretary or an import), not by the member.
    pub proxy: bool,
    /// Blind re-entry matched (or its mismatches were resolved).
    pub verified: bool,
    /// The member typed on it from their own seat.
    pub by_member: bool,
}

/// A sheet held open for writing by one process.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hold {
    pub holder: Holder,
    /// The holding process is still running (the store checks; a dead holder's hold is void).
    pub alive: bool,
    /// The hold belongs to the process asking.
    pub ours: bool,
}

/// A write to a sheet: whose hand, and which entry (2: the blind re-entry of a paper sheet).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Writer {
    pub holder: Holder,
    pub entry: u8,
}

/// Why a sheet does not count in a product's result.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum NotCounted {
    NotSubmitted,
    Absent,
    Recused,
    DoesNotScore,
    /// A paper sheet under blind re-entry whose second entry has not matched yet.
    NotVerified,
}

/// Which sheets count (Điều 3.3 takes the mean of the council's members; council rule: only
/// sheets submitted by a scoring member present for the product and not recused, and, under
/// blind re-entry, paper sheets only once verified).
pub fn not_counted_reason(
    policy: &Policy,
    seat: &SeatFacts,
    sheet: &SheetFacts,
) -> Option<NotCounted> {
    if !seat.scores {
        Some(NotCounted::DoesNotScore)
    } else if seat.recused {
        Some(NotCounted::Recused)
    } else if !seat.present {
        Some(NotCounted::Absent)
    } else if !sheet.submitted {
        Some(NotCounted::NotSubmitted)
    } else if policy.blind_reentry && sheet.proxy && !sheet.verified {
        Some(NotCounted::NotVerified)
    } else {
        None
    }
}

/// Seats whose sheet counts, in seat order.
pub fn counted_seats(policy: &Policy, seats: &[SeatFacts], sheets: &[SheetFacts]) -> Vec<u32> {
    let mut out: Vec<u32> = sheets
        .iter()
        .filter(|sheet| {
            seats
                .iter()
                .find(|s| s.seat == sheet.seat)
                .is_some_and(|seat| not_counted_reason(policy, seat, sheet).is_none())
        })
        .map(|s| s.seat)
        .collect();
    out.sort_unstable();
    out
}

/// The fewest counted sheets a product can be ranked on: `policy.min_sheets`, else more than
/// half of the council's scoring members (council rule: a mean of a minority is no council's).
pub fn min_sheets(policy: &Policy, scoring_members: u32) -> u32 {
    policy.min_sheets.unwrap_or(scoring_members / 2 + 1).max(1)
}

/// Outcome of a permitted close.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CloseCheck {
    pub counted: Vec<u32>,
    /// Expected sheets still missing (closed anyway on an override reason).
    pub missing: Vec<u32>,
}

/// Closing a product: the quorum still holds (council rule), every present scoring member has
/// a counted sheet unless the secretary gives an override reason, and at least
/// [`min_sheets`] sheets count. An override never makes an unsubmitted sheet count.
pub fn check_close(
    policy: &Policy,
    product: &str,
    quorum: &Quorum,
    seats: &[SeatFacts],
    sheets: &[SheetFacts],
    override_reason: Option<&str>,
) -> Result<CloseCheck, Refusal> {
    quorum.require(Checkpoint::Close, Some(product))?;
    let counted = counted_seats(policy, seats, sheets);
    let missing: Vec<u32> = seats
        .iter()
        .filter(|s| s.expected_to_score() && !counted.contains(&s.seat))
        .map(|s| s.seat)
        .collect();
    if !missing.is_empty() {
        match override_reason {
            None => {
                return Err(Refusal::SheetsNotSubmitted {
                    product: product.to_string(),
                    seats: missing,
                });
            }
            Some(reason) => super::require_reason(reason, ReasonFor::CloseOverride)?,
        }
    }
    let needed = min_sheets(policy, quorum.total);
    if (counted.len() as u32) < needed {
        return Err(Refusal::TooFewSheets {
            product: product.to_string(),
            counted: counted.len() as u32,
            needed,
        });
    }
    Ok(CloseCheck { counted, missing })
}

/// Writing a choice (or a comment) on a sheet: the product is open, the member scores, is
/// present and not recused, the sheet is not submitted (its blind re-entry aside), and nobody
/// else holds it (one writer per sheet, council rule).
pub fn check_write(
    product: &str,
    status: ProductStatus,
    seat: &SeatFacts,
    sheet: Option<&SheetFacts>,
    hold: Option<&Hold>,
    writer: &Writer,
) -> Result<(), Refusal> {
    if status != ProductStatus::Scoring {
        return Err(Refusal::NotOpenForScoring {
            product: product.to_string(),
            status,
        });
    }
    check_member_may_score(product, seat)?;
    if let Some(h) = hold
        && h.alive
        && !h.ours
        && h.holder != writer.holder
    {
        return Err(Refusal::SheetHeld {
            product: product.to_string(),
            seat: seat.seat,
            holder: h.holder.clone(),
        });
    }
    if let Some(sheet) = sheet
        && sheet.submitted
        && writer.entry == 1
    {
        return Err(Refusal::SheetSubmitted {
            product: product.to_string(),
            seat: seat.seat,
        });
    }
    Ok(())
}

/// The member is one who scores, present for the product and not recused from it.
pub fn check_member_may_score(product: &str, seat: &SeatFacts) -> Result<(), Refusal> {
    if !seat.scores {
        return Err(Refusal::MemberDoesNotScore {
            seat: seat.seat,
            role: seat.role,
        });
    }
    if seat.recused {
        return Err(Refusal::MemberRecused {
            product: product.to_string(),
            seat: seat.seat,
        });
    }
    if !seat.present {
        return Err(Refusal::MemberAbsent {
            product: product.to_string(),
            seat: seat.seat,
        });
    }
    Ok(())
}

/// A recusal (conflict of interest) is recorded with a reason, and only before the product's
/// result is settled: a closed product's attendance is fixed.
pub fn check_recuse(product: &str, status: ProductStatus, reason: &str) -> Result<(), Refusal> {
    if status.is_settled() {
        return Err(Refusal::RecusalAfterClose {
            product: product.to_string(),
            status,
        });
    }
    super::require_reason(reason, ReasonFor::Recusal)
}

/// Withdrawing a recusal: only before the product is settled and before the member scored.
pub fn check_withdraw_recusal(
    product: &str,
    status: ProductStatus,
    seat: u32,
    recused: bool,
    started: bool,
) -> Result<(), Refusal> {
    if status.is_settled() {
        return Err(Refusal::RecusalAfterClose {
            product: product.to_string(),
            status,
        });
    }
    if !recused {
        return Err(Refusal::NotRecused {
            product: product.to_string(),
            seat,
        });
    }
    if started {
        return Err(Refusal::RecusalWithdrawAfterScoring {
            product: product.to_string(),
            seat,
        });
    }
    Ok(())
}

/// Correcting one submitted sheet while the product is open, with a reason the minutes print.
pub fn check_reopen_sheet(
    product: &str,
    status: ProductStatus,
    seat: u32,
    sheet: Option<&SheetFacts>,
    reason: &str,
) -> Result<(), Refusal> {
    if status != ProductStatus::Scoring {
        return Err(Refusal::NotOpenForScoring {
            product: product.to_string(),
            status,
        });
    }
    if !sheet.is_some_and(|s| s.submitted) {
        return Err(Refusal::SheetNotSubmitted {
            product: product.to_string(),
            seat,
        });
    }
    super::require_reason(reason, ReasonFor::SheetReopen)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::session::Role;

    fn seat(n: u32) -> SeatFacts {
        SeatFacts {
            seat: n,
            role: Role::Member,
            scores: true,
            present: true,
            recused: false,
        }
    }

    fn submitted(n: u32) -> SheetFacts {
        SheetFacts {
            seat: n,
            started: true,
            submitted: true,
            ..SheetFacts::default()
        }
    }

    #[test]
    fn a_sheet_counts_only_when_submitted_by_a_present_scoring_member_not_recused() {
        let p = Policy::default();
        assert_eq!(not_counted_reason(&p, &seat(1), &submitted(1)), None);
        let absent = SeatFacts {
            present: false,
            ..seat(1)
        };
        assert_eq!(
            not_counted_reason(&p, &absent, &submitted(1)),
            Some(NotCounted::Absent)
        );
        let draft = SheetFacts {
            submitted: false,
            ..submitted(1)
        };
        assert_eq!(
            not_counted_reason(&p, &seat(1), &draft),
            Some(NotCounted::NotSubmitted)
        );
    }

    #[test]
    fn more_than_half_of_the_scoring_members_by_default() {
        let p = Policy::default();
        assert_eq!(min_sheets(&p, 9), 5);
        assert_eq!(min_sheets(&p, 8), 5);
        assert_eq!(min_sheets(&p, 1), 1);
    }

    #[test]
    fn another_live_holder_blocks_a_write_and_a_dead_one_does_not() {
        let writer = Writer {
            holder: Holder::Secretary {
                operator: "Lê".into(),
            },
            entry: 1,
        };
        let mut hold = Hold {
            holder: Holder::Member { seat: 4 },
            alive: true,
            ours: false,
        };
        let refused = check_write(
            "P",
            ProductStatus::Scoring,
            &seat(4),
            None,
            Some(&hold),
            &writer,
        );
        assert!(matches!(refused, Err(Refusal::SheetHeld { seat: 4, .. })));
        hold.alive = false;
        assert!(
            check_write(
                "P",
                ProductStatus::Scoring,
                &seat(4),
                None,
                Some(&hold),
                &writer
            )
            .is_ok()
        );
    }
}
