//! What a closed product's result means in the decision's terms: recognised by the province,
//! proposed to the central council, or neither. The minutes, the proposal and every screen that
//! names a rank read it from here.

use serde::Serialize;

use super::ProductStatus;
use crate::scoring::ProductResult;
use crate::session::Level;

/// The first rank a province recognises (Điều 4.1.a: 1 and 2 stars get no decision).
const RECOGNISED_FROM: u8 = 3;

/// What a product's result means in the decision's terms (Điều 3.3, 4.1, 7.3.đ–e, 7.4).
///
/// The stated policy for a product at 90 points or more whose top-level (5★) minimums fail: it is
/// ranked by the minimums it holds (the lower of band and minimums, as everywhere), proposed for
/// recognition at that rank when it is 3★ or 4★, and **not** proposed to the central council;
/// the minutes name the failing minimums.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Outcome {
    /// Waiting or being scored: no result yet.
    Pending,
    KnockedOut,
    /// Closed without a counted sheet.
    Unranked,
    /// 1★ or 2★: no recognition decision, no certificate.
    NotRecognised {
        stars: u8,
    },
    /// Proposed to the chair for recognition: 3★ or 4★ at a provincial session, the top rank at
    /// the central council.
    ProposedForRecognition {
        stars: u8,
    },
    /// A provincial session: 90 points or more and every top-level minimum held.
    ProposedToCentral,
    /// The central council found it below the top rank: the province may recognise it at the
    /// rank found (Điều 7.4, last paragraph).
    BelowTopAtCentral {
        stars: u8,
    },
}

impl Outcome {
    pub fn of(level: Level, status: ProductStatus, result: &ProductResult, top: u8) -> Self {
        if result.knocked_out.is_some() || status == ProductStatus::KnockedOut {
            return Self::KnockedOut;
        }
        if status != ProductStatus::Closed {
            return Self::Pending;
        }
        let Some(stars) = result.stars.filter(|_| result.counted > 0) else {
            return Self::Unranked;
        };
        match level {
            Level::Province if stars >= top => Self::ProposedToCentral,
            Level::Central if stars >= top => Self::ProposedForRecognition { stars },
            Level::Central => Self::BelowTopAtCentral { stars },
            Level::Province if stars >= RECOGNISED_FROM => Self::ProposedForRecognition { stars },
            Level::Province => Self::NotRecognised { stars },
        }
    }
}
