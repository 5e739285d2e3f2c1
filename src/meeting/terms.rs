//! The meeting's vocabulary: the states, moves and roles that rules and refusals name.

use serde::{Deserialize, Serialize};

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
    pub(super) fn allowed_from(self, from: ProductStatus) -> Option<ProductStatus> {
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

/// Where in the meeting the quorum was checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Checkpoint {
    Open,
    Close,
    Import,
    KnockOut,
    Finalise,
}

/// Who is writing a sheet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Holder {
    /// The member on their own seat (a terminal, or the seat server).
    Member { seat: u32 },
    /// The secretary entering the paper sheet (`operator`: the name given on that terminal).
    Secretary { operator: String },
    /// A bulk import of paper sheets.
    Import,
}

/// What a required reason is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ReasonFor {
    NewRound,
    CloseOverride,
    KnockOut,
    Recusal,
    SheetReopen,
    SessionReopen,
}

/// A text the meeting records from a person (checked for control characters).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TextField {
    Reason,
    Comment,
}
