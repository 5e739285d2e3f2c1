//! Why the rules refused something: facts only, worded by the front end.

use serde::Serialize;

use super::access::Place;
use super::terms::{Checkpoint, Holder, Move, ProductStatus, ReasonFor, TextField};
use crate::session::{Fraction, Role};

/// A refused action of the meeting, with the facts a user needs to understand it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Refusal {
    /// The session is finalised; nothing changes unless it is reopened with a reason.
    SessionFinalised,
    SessionNotFinalised,
    /// Quorum (council rule, Quy chế: default 3/4 of the scoring members, the chair present).
    QuorumNotReached {
        at: Checkpoint,
        product: Option<String>,
        present: u32,
        total: u32,
        needed: u32,
        quorum: Fraction,
        chair_required: bool,
        chair_present: bool,
    },
    /// `one_open_product`: another product is already open for scoring.
    AnotherProductOpen {
        open: String,
    },
    /// The product's state does not allow this move.
    WrongStatus {
        product: String,
        status: ProductStatus,
        attempted: Move,
    },
    /// Sheets are written only while the product is open for scoring.
    NotOpenForScoring {
        product: String,
        status: ProductStatus,
    },
    /// Closing needs every present scoring member's submitted sheet (or an override reason).
    SheetsNotSubmitted {
        product: String,
        seats: Vec<u32>,
    },
    /// Fewer counted sheets than `min_sheets`: the product cannot be ranked.
    TooFewSheets {
        product: String,
        counted: u32,
        needed: u32,
    },
    /// Back to waiting is only for a product opened by mistake, with nothing scored.
    AlreadyScored {
        product: String,
        sheets: u32,
    },
    ReasonRequired {
        what: ReasonFor,
    },
    /// A reason or comment holding a control character (other than tab and line break).
    BadText {
        field: TextField,
        /// "U+000B"
        character: String,
        /// 1-based position in characters.
        at: usize,
    },
    MemberAbsent {
        product: String,
        seat: u32,
    },
    MemberDoesNotScore {
        seat: u32,
        role: Role,
    },
    MemberRecused {
        product: String,
        seat: u32,
    },
    /// Recusals are fixed once the product is closed.
    RecusalAfterClose {
        product: String,
        status: ProductStatus,
    },
    /// A recusal can be withdrawn only before the member scores.
    RecusalWithdrawAfterScoring {
        product: String,
        seat: u32,
    },
    NotRecused {
        product: String,
        seat: u32,
    },
    SheetSubmitted {
        product: String,
        seat: u32,
    },
    SheetNotSubmitted {
        product: String,
        seat: u32,
    },
    SheetIncomplete {
        product: String,
        seat: u32,
        missing: Vec<String>,
    },
    /// One writer per sheet: someone else holds it.
    SheetHeld {
        product: String,
        seat: u32,
        holder: Holder,
    },
    /// An import never overwrites a sheet the member started on their own seat.
    MemberStartedSheet {
        product: String,
        seat: u32,
    },
    /// Blind re-entry: the second entry is made by another person.
    SameOperator {
        product: String,
        seat: u32,
        operator: String,
    },
    /// Blind re-entry: the first entry is complete; the second entry is entered next.
    FirstEntryDone {
        product: String,
        seat: u32,
    },
    NoReentryToResolve {
        product: String,
        seat: u32,
    },
    UnknownSeat {
        seat: u32,
    },
    /// A remote sign-in with a wrong seat code (counted).
    WrongSeatCode {
        place: Place,
        tries_left: u32,
    },
    /// Too many wrong codes: the secretary frees the seat (`council seat unlock`).
    SeatLocked {
        place: Place,
    },
    /// The session is finalised: its seat codes have expired.
    SeatCodesExpired,
    /// A sign-in name that is no seat of the session ("ghe4", "4" or "phong" are).
    NotASeat {
        login: String,
    },
    UnknownProduct {
        code: String,
    },
    UnknownCriterion {
        rubric: String,
        criterion: String,
    },
    OptionOutOfRange {
        criterion: String,
        options: u32,
        given: u32,
    },
    /// Set 26: the alternative case ("Trường hợp") is chosen once per product first.
    CaseNotChosen {
        product: String,
    },
    UnknownCase {
        product: String,
        given: u32,
        cases: u32,
    },
    NoCases {
        product: String,
    },
    OptionNotInCase {
        criterion: String,
        option: u32,
        case: u32,
    },
    /// The case can no longer change once a member has scored.
    CaseAfterScoring {
        product: String,
    },
    UnknownKnockoutCondition {
        product: String,
        given: u32,
        count: u32,
    },
    ChairNameMismatch {
        chair: String,
    },
    NoChair,
    NothingSettled,
    StillScoring {
        product: String,
    },
    ImportAlreadyDone {
        file: String,
        at: String,
    },
    ProductExists {
        code: String,
    },
    SessionExists {
        code: String,
    },
    /// An imported file names one sheet's criterion twice.
    RepeatedRow {
        product: String,
        seat: u32,
        criterion: String,
        first_line: usize,
    },
    /// A bad row of an imported file, with the refusal it met.
    Row {
        line: usize,
        refusal: Box<Refusal>,
    },
    /// Several bad rows; nothing was imported.
    Rows {
        file: String,
        rows: Vec<Refusal>,
    },
}
