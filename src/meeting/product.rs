//! A product's way through the meeting: waiting → open for scoring → closed or knocked out;
//! a new round reopens a closed product; a product opened by mistake goes back to waiting.

use serde::{Deserialize, Serialize};

use super::attendance::{Checkpoint, Quorum};
use super::refusal::Refusal;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProductStatus {
    Waiting,
    Scoring,
    Closed,
    KnockedOut,
}

impl ProductStatus {
    pub const ALL: [Self; 4] = [Self::Waiting, Self::Scoring, Self::Closed, Self::KnockedOut];

    /// The value stored in the database.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Waiting => "waiting",
            Self::Scoring => "scoring",
            Self::Closed => "closed",
            Self::KnockedOut => "knocked_out",
        }
    }

    /// The stored value back; `None` for anything else (never a silent default).
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|v| v.as_str() == s)
    }

    /// Closed products (and knock-outs) have a final result anyone may see.
    pub fn is_settled(self) -> bool {
        matches!(self, Self::Closed | Self::KnockedOut)
    }
}

/// A change of a product's state that the secretary asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Move {
    Open,
    Close,
    BackToWaiting,
    NewRound,
    KnockOut,
}

impl Move {
    /// The state a product must be in for this move, and the state it reaches.
    fn allowed_from(self, from: ProductStatus) -> Option<ProductStatus> {
        use ProductStatus as S;
        match (self, from) {
            (Self::Open, S::Waiting) => Some(S::Scoring),
            (Self::Close, S::Scoring) => Some(S::Closed),
            (Self::BackToWaiting, S::Scoring) => Some(S::Waiting),
            (Self::NewRound, S::Closed) => Some(S::Scoring),
            // The council may knock a product out on a stated condition at any point before
            // its result is final: on the dossier (waiting), while scoring, or after closing.
            (Self::KnockOut, S::Waiting | S::Scoring | S::Closed) => Some(S::KnockedOut),
            _ => None,
        }
    }
}

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
