//! A product's way through the meeting: waiting → open for scoring → closed or knocked out;
//! a new round reopens a closed product; a product opened by mistake goes back to waiting.

use super::attendance::Quorum;
use super::refusal::Refusal;
use super::terms::{Checkpoint, Move, ProductStatus};

/// The state `mv` leads to from `from`, or why it is not allowed.
pub fn check_move(product: &str, from: ProductStatus, mv: Move) -> Result<ProductStatus, Refusal> {
    mv.allowed_from(from).ok_or_else(|| Refusal::WrongStatus {
        product: product.to_string(),
        status: from,
        attempted: mv,
    })
}

/// Opening a product for scoring (or a new round of it): the quorum must be reached in the
/// room (council rule, Quy chế), and under `one_open_product` no other product may be open.
pub fn check_open(quorum: &Quorum, product: &str, other_open: Option<&str>) -> Result<(), Refusal> {
    if let Some(open) = other_open {
        return Err(Refusal::AnotherProductOpen {
            open: open.to_string(),
        });
    }
    quorum.require(Checkpoint::Open, Some(product))
}

/// A product opened by mistake may go back to waiting while nothing is scored on it.
pub fn check_back_to_waiting(product: &str, started_sheets: u32) -> Result<(), Refusal> {
    if started_sheets > 0 {
        return Err(Refusal::AlreadyScored {
            product: product.to_string(),
            sheets: started_sheets,
        });
    }
    Ok(())
}

/// What finalising needs to know about one settled product.
#[derive(Debug, Clone)]
pub struct SettledFacts {
    pub code: String,
    pub status: ProductStatus,
    /// The product's attendance as fixed when it was settled.
    pub quorum: Quorum,
}

/// Finalising the session (the minutes the chair signs, Điều 7.3.d): nothing still being
/// scored, at least one product settled, and every settled product decided with a quorum.
pub fn check_finalise(
    has_chair: bool,
    statuses: &[(String, ProductStatus)],
    settled: &[SettledFacts],
) -> Result<(), Refusal> {
    if !has_chair {
        return Err(Refusal::NoChair);
    }
    if let Some((code, _)) = statuses.iter().find(|(_, s)| *s == ProductStatus::Scoring) {
        return Err(Refusal::StillScoring {
            product: code.clone(),
        });
    }
    if settled.is_empty() {
        return Err(Refusal::NothingSettled);
    }
    for s in settled {
        s.quorum.require(Checkpoint::Finalise, Some(&s.code))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_status_values_round_trip_and_unknown_ones_are_refused() {
        for s in ProductStatus::ALL {
            assert_eq!(ProductStatus::parse(s.as_str()), Some(s));
        }
        assert_eq!(ProductStatus::parse("open"), None);
    }

    #[test]
    fn only_the_listed_moves_are_allowed() {
        use ProductStatus as S;
        assert_eq!(check_move("P", S::Waiting, Move::Open), Ok(S::Scoring));
        assert!(check_move("P", S::Closed, Move::Open).is_err());
        assert!(check_move("P", S::Waiting, Move::Close).is_err());
        assert!(check_move("P", S::KnockedOut, Move::NewRound).is_err());
        assert_eq!(
            check_move("P", S::Scoring, Move::BackToWaiting),
            Ok(S::Waiting)
        );
        assert!(check_move("P", S::KnockedOut, Move::KnockOut).is_err());
    }
}
