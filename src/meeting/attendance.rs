//! Attendance belongs to a product: who was present, who scores and who is recused, taken when
//! the product opens and fixed when it closes. The quorum is judged on those facts.

use serde::Serialize;

use super::refusal::Refusal;
use super::terms::Checkpoint;
use crate::session::{Fraction, Policy, Role};

/// One member as the rules see them for one product.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeatFacts {
    pub seat: u32,
    pub role: Role,
    /// Whether this member scores at all (the session's `scores` flag).
    pub scores: bool,
    pub present: bool,
    pub recused: bool,
}

impl SeatFacts {
    /// A member whose sheet the council expects for this product.
    pub fn expected_to_score(&self) -> bool {
        self.scores && self.present && !self.recused
    }
}

/// Attendance against the quorum rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Quorum {
    /// Scoring members present and not recused.
    pub present: u32,
    /// Scoring members of the council.
    pub total: u32,
    pub needed: u32,
    pub quorum: Fraction,
    pub chair_required: bool,
    pub chair_present: bool,
    pub reached: bool,
}

/// The quorum of a product's attendance. Council rule (Quy chế): at least `policy.quorum` (3/4
/// by default) of the council's scoring members take part — present and not recused — and,
/// when `chair_required`, the chair (or the chair's delegate, Điều 7.3.b) is present.
pub fn quorum(policy: &Policy, seats: &[SeatFacts]) -> Quorum {
    let total = seats.iter().filter(|s| s.scores).count() as u32;
    let present = seats.iter().filter(|s| s.expected_to_score()).count() as u32;
    let chair_present = seats.iter().any(|s| s.role == Role::Chair && s.present);
    Quorum {
        present,
        total,
        needed: policy.quorum.needed(total),
        quorum: policy.quorum,
        chair_required: policy.chair_required,
        chair_present,
        reached: present > 0
            && policy.quorum.reached(present, total)
            && (chair_present || !policy.chair_required),
    }
}

impl Quorum {
    /// `Ok` when reached; else the refusal stating the count, the rule and the chair.
    pub fn require(&self, at: Checkpoint, product: Option<&str>) -> Result<(), Refusal> {
        if self.reached {
            return Ok(());
        }
        Err(Refusal::QuorumNotReached {
            at,
            product: product.map(str::to_string),
            present: self.present,
            total: self.total,
            needed: self.needed,
            quorum: self.quorum,
            chair_required: self.chair_required,
            chair_present: self.chair_present,
        })
    }
}

/// [`quorum`] and [`Quorum::require`] in one step.
pub fn require_quorum(
    policy: &Policy,
    seats: &[SeatFacts],
    at: Checkpoint,
    product: Option<&str>,
) -> Result<Quorum, Refusal> {
    let q = quorum(policy, seats);
    q.require(at, product)?;
    Ok(q)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seats(n: u32, present: u32) -> Vec<SeatFacts> {
        (1..=n)
            .map(|seat| SeatFacts {
                seat,
                role: if seat == 1 { Role::Chair } else { Role::Member },
                scores: true,
                present: seat <= present,
                recused: false,
            })
            .collect()
    }

    #[test]
    fn seven_of_nine_reach_three_quarters_and_six_do_not() {
        let p = Policy::default();
        assert!(quorum(&p, &seats(9, 7)).reached);
        let q = quorum(&p, &seats(9, 6));
        assert!(!q.reached);
        assert_eq!((q.present, q.total, q.needed), (6, 9, 7));
    }

    #[test]
    fn a_recused_member_does_not_count_towards_the_quorum() {
        let mut s = seats(9, 7);
        s[6].recused = true;
        assert!(!quorum(&Policy::default(), &s).reached);
    }

    #[test]
    fn members_who_do_not_score_are_outside_the_quorum() {
        let mut s = seats(9, 7);
        s[8].scores = false; // absent, and not a scoring member: 7 of 8 present
        let q = quorum(&Policy::default(), &s);
        assert_eq!((q.present, q.total), (7, 8));
        assert!(q.reached);
    }

    #[test]
    fn without_the_chair_there_is_no_quorum_unless_the_policy_waives_it() {
        let mut s = seats(9, 9);
        s[0].present = false;
        let q = quorum(&Policy::default(), &s);
        assert!(!q.reached && !q.chair_present);
        let waived = Policy {
            chair_required: false,
            ..Policy::default()
        };
        assert!(quorum(&waived, &s).reached);
    }

    #[test]
    fn nobody_present_is_never_a_quorum() {
        let p = Policy {
            quorum: Fraction { num: 1, den: 4 },
            chair_required: false,
            ..Policy::default()
        };
        assert!(!quorum(&p, &seats(0, 0)).reached);
    }
}
