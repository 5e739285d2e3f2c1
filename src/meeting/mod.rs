//! The rules of a council meeting, pure: no SQL, no terminal, no text.
//!
//! The store asks these functions inside its write transaction, with the facts it has just
//! read, and turns a `Err(Refusal)` into a refused write; every front end (the secretary's
//! screen, a member's seat, the command line, the importers, the developer tools) therefore
//! obeys the same rules and gets the same typed [`Refusal`], which it words in the user's
//! language (`crate::i18n::refusal`).
//!
//! Where a rule comes from Decision 26/2026/QĐ-TTg its article is cited; "council rule (Quy
//! chế)" marks a rule of provincial practice that a session's policy can tune.

pub mod access;
mod attendance;
mod knockout;
mod outcome;
mod product;
mod refusal;
mod sheet;
mod terms;

pub use attendance::{Quorum, SeatFacts, quorum, require_quorum};
pub use knockout::{
    KnockoutCondition, KnockoutSource, case_labels, check_option_in_case, knockout_condition,
    knockout_conditions, options_in_case, rubric_cases,
};
pub use outcome::Outcome;
pub use product::{SettledFacts, check_back_to_waiting, check_finalise, check_move, check_open};
pub use refusal::Refusal;
pub use sheet::{
    CloseCheck, Hold, NotCounted, SheetFacts, Writer, check_close, check_member_may_score,
    check_recuse, check_reopen_sheet, check_withdraw_recusal, check_write, counted_seats,
    min_sheets, not_counted_reason,
};
pub use terms::{Checkpoint, Holder, Move, ProductStatus, ReasonFor, TextField};

/// A reason the council must give (a new round, an override, a knock-out, a correction)
/// is refused when it is blank, or holds a control character.
pub fn require_reason(reason: &str, what: ReasonFor) -> Result<(), Refusal> {
    if reason.trim().is_empty() {
        return Err(Refusal::ReasonRequired { what });
    }
    check_text(reason, TextField::Reason)
}

/// A text a person typed or pasted: no control character other than tab and line break.
pub fn check_text(value: &str, field: TextField) -> Result<(), Refusal> {
    crate::text::check_text(value).map_err(|p| Refusal::BadText {
        field,
        character: crate::text::char_name(p.ch()),
        at: match p {
            crate::text::TextProblem::Control { at, .. }
            | crate::text::TextProblem::Invisible { at, .. } => at,
        },
    })
}
