//! Random sequences of meeting operations, from a member's seat, the secretary's screen and
//! an import, with the invariants of the meeting checked after every step: no counted sheet
//! from an absent, recused or non-scoring member; a closed product's result never changes;
//! a closed product always had its quorum and enough sheets; two writers never interleave;
//! every sheet's stored counts of its answers are its choices, counted afresh.

use crate::common;

use std::collections::HashMap;

use common::repo_path;
use council::meeting::{ProductStatus, min_sheets};
use council::session::parse_session;
use council::store::{Actor, ChoiceRow, SessionData, Store};
use proptest::prelude::*;
use proptest::test_runner::{RngAlgorithm, TestRng, TestRunner};

const SESSION: &str = r#"[session]
id = "props"
title = "Phiên thử"
council = "Hội đồng thử"
level = "province"
date = "2026-11-20"
venue = "Phòng họp"

[policy]
one_open_product = false
blind_reentry = true

[[members]]
seat = 1
name = "Chủ tịch"
role = "chair"
[[members]]
seat = 2
name = "Hai"
role = "member"
[[members]]
seat = 3
name = "Ba"
role = "member"
[[members]]
seat = 4
name = "Bốn"
role = "member"
[[members]]
seat = 5
name = "Thư ký"
role = "secretary"

[[products]]
code = "P1"
name = "Một"
rubric = "mini-10"
[[products]]
code = "P2"
name = "Hai"
rubric = "mini-10"
"#;

#[derive(Debug, Clone)]
enum Op {
    Attend {
        seat: u32,
        present: bool,
    },
    Open {
        product: usize,
    },
    /// A member on their own seat ticks every criterion, and maybe submits.
    MemberScores {
        product: usize,
        seat: u32,
        option: u32,
        submit: bool,
    },
    /// The secretary enters a paper sheet for `seat`, and maybe submits.
    SecretaryEnters {
        product: usize,
        seat: u32,
        option: u32,
        submit: bool,
    },
    /// Every present scoring member scores on their seat and submits (the usual round).
    EveryoneScores {
        product: usize,
        option: u32,
    },
    /// A member opens their sheet on their seat and leaves it open (holds it).
    MemberHolds {
        product: usize,
        seat: u32,
    },
    MemberLeaves {
        seat: u32,
    },
    Recuse {
        product: usize,
        seat: u32,
    },
    Close {
        product: usize,
        override_close: bool,
    },
    NewRound {
        product: usize,
    },
    ReopenSheet {
        product: usize,
        seat: u32,
    },
    /// A paper sheet's first `criteria` rows imported (its blind re-entry if it was entered).
    Import {
        product: usize,
        seat: u32,
        option: u32,
        criteria: usize,
    },
    /// A second operator re-enters the first `criteria` criteria of a paper sheet blind.
    Reenter {
        product: usize,
        seat: u32,
        option: u32,
        criteria: usize,
    },
    BackToWaiting {
        product: usize,
    },
}

fn op() -> impl Strategy<Value = Op> {
    let p = 0..2usize;
    let seat = 1..=5u32;
    let option = 1..=4u32;
    prop_oneof![
        (seat.clone(), any::<bool>()).prop_map(|(seat, present)| Op::Attend { seat, present }),
        p.clone().prop_map(|product| Op::Open { product }),
        (p.clone(), seat.clone(), option.clone(), any::<bool>()).prop_map(
            |(product, seat, option, submit)| Op::MemberScores {
                product,
                seat,
                option,
                submit
            }
        ),
        (p.clone(), seat.clone(), option.clone(), any::<bool>()).prop_map(
            |(product, seat, option, submit)| Op::SecretaryEnters {
                product,
                seat,
                option,
                submit
            }
        ),
        (p.clone(), option.clone())
            .prop_map(|(product, option)| Op::EveryoneScores { product, option }),
        (p.clone(), seat.clone()).prop_map(|(product, seat)| Op::MemberHolds { product, seat }),
        seat.clone().prop_map(|seat| Op::MemberLeaves { seat }),
        (p.clone(), seat.clone()).prop_map(|(product, seat)| Op::Recuse { product, seat }),
        (p.clone(), any::<bool>()).prop_map(|(product, override_close)| Op::Close {
            product,
            override_close
        }),
        p.clone().prop_map(|product| Op::NewRound { product }),
        (p.clone(), seat.clone()).prop_map(|(product, seat)| Op::ReopenSheet { product, seat }),
        (p.clone(), seat.clone(), option.clone(), 1..=10usize).prop_map(
            |(product, seat, option, criteria)| Op::Import {
                product,
                seat,
                option,
                criteria
            }
        ),
        (p.clone(), seat.clone(), option, 1..=10usize).prop_map(
            |(product, seat, option, criteria)| Op::Reenter {
                product,
                seat,
                option,
                criteria
            }
        ),
        p.prop_map(|product| Op::BackToWaiting { product }),
    ]
}

/// Ticks `option` (or the criterion's last) on the first `criteria` criteria of the sheet of
/// `(seat, entry, actor)`, stopping at the first refusal; says whether any tick was written.
fn tick_each(
    store: &mut Store,
    data: &SessionData,
    product: &council::store::ProductRow,
    (seat, entry, actor): (u32, u8, &Actor),
    option: u32,
    criteria: usize,
) -> (council::store::Result<()>, bool) {
    let mut wrote = false;
    for (_, c) in product.rubric.criteria().take(criteria) {
        let o = option.min(c.options.len() as u32);
        if let Err(e) = store.set_choice(data, product, seat, &c.id, o, entry, actor) {
            return (Err(e), wrote);
        }
        wrote = true;
    }
    (Ok(()), wrote)
}

struct Meeting {
    _dir: tempfile::TempDir,
    /// The secretary's process and the members' seats: two connections to one file.
    secretary: Store,
    seats: Store,
    /// A second operator's terminal, for blind re-entries.
    second: Store,
    session_id: i64,
    imports: u32,
    /// Seats whose member holds a sheet open on their seat: (product index, seat).
    held: Vec<(usize, u32)>,
}

impl Meeting {
    /// A meeting of SESSION, with blind re-entry of paper sheets or without.
    fn new(blind: bool) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("council.db");
        let rubric = std::fs::read_to_string(repo_path("tests/fixtures/worked/mini.toml")).unwrap();
        let text = SESSION.replace("blind_reentry = true", &format!("blind_reentry = {blind}"));
        let session = parse_session("props.toml", &text, &|id| id == "mini-10").unwrap();
        let mut secretary = Store::open_or_create(&db).unwrap();
        let session_id = secretary
            .create_session(&session, &text, &|_| Some(rubric.clone()))
            .unwrap();
        secretary.set_operator(Some("Thư ký".into()));
        // The meeting starts with everyone in the room, so products can open and close.
        let data = secretary.load_session(session_id).unwrap();
        secretary.set_attendance_all(&data, true).unwrap();
        let seats = Store::open(&db).unwrap();
        let mut second = Store::open(&db).unwrap();
        second.set_operator(Some("Người nhập lại".into()));
        Self {
            _dir: dir,
            secretary,
            seats,
            second,
            session_id,
            imports: 0,
            held: Vec::new(),
        }
    }

    fn data(&self) -> SessionData {
        self.secretary.load_session(self.session_id).unwrap()
    }

    /// Applies one operation; a refusal is an allowed outcome (and changes nothing).
    fn apply(&mut self, op: &Op) {
        let data = self.data();
        let product = |i: usize| data.products[i].clone();
        let _ = match *op {
            Op::Attend { seat, present } => self.secretary.set_attendance(&data, seat, present),
            Op::Open { product: i } => self.secretary.open_product(&data, &product(i)),
            Op::MemberScores {
                product: i,
                seat,
                option,
                submit,
            } => {
                let p = product(i);
                let (mut result, wrote) = tick_each(
                    &mut self.seats,
                    &data,
                    &p,
                    (seat, 1, &Actor::Member(seat)),
                    option,
                    usize::MAX,
                );
                let mut submitted = false;
                if result.is_ok() && submit {
                    result = self
                        .seats
                        .submit_sheet(&data, &p, seat, &Actor::Member(seat));
                    submitted = result.is_ok();
                }
                // A member's seat holds one sheet at a time: writing moves the hold to this
                // sheet, submitting ends it; a member who was not at their seat leaves again.
                let was_holding = self.held.iter().position(|h| h.1 == seat);
                match was_holding {
                    Some(at) if wrote => {
                        self.held.remove(at);
                        if !submitted {
                            self.held.push((i, seat));
                        }
                    }
                    Some(_) => {}
                    None => {
                        let _ = self.seats.release_holds(&Actor::Member(seat));
                    }
                }
                result
            }
            Op::EveryoneScores { product: i, option } => {
                for seat in 1..=5 {
                    self.apply(&Op::MemberScores {
                        product: i,
                        seat,
                        option,
                        submit: true,
                    });
                }
                Ok(())
            }
            Op::SecretaryEnters {
                product: i,
                seat,
                option,
                submit,
            } => {
                let p = product(i);
                let held = self.held.iter().any(|&(hp, hs)| hp == i && hs == seat);
                let before = self.secretary.member_sheet(&data, &p, seat).unwrap();
                let (mut result, _) = tick_each(
                    &mut self.secretary,
                    &data,
                    &p,
                    (seat, 1, &Actor::Secretary),
                    option,
                    usize::MAX,
                );
                if held {
                    // Invariant: two writers never interleave on one sheet.
                    assert!(
                        result.is_err(),
                        "the secretary wrote into a sheet held on seat {seat}"
                    );
                    assert_eq!(
                        before,
                        self.secretary.member_sheet(&data, &p, seat).unwrap()
                    );
                }
                if result.is_ok() && submit {
                    result = self
                        .secretary
                        .submit_sheet(&data, &p, seat, &Actor::Secretary);
                }
                let _ = self.secretary.release_holds(&Actor::Secretary);
                result
            }
            Op::MemberHolds { product: i, seat } => {
                let r = self
                    .seats
                    .hold_sheet(&data, &product(i), seat, &Actor::Member(seat));
                let state = self.secretary.member_sheet(&data, &product(i), seat);
                if r.is_ok() && data.products[i].status == ProductStatus::Scoring && state.is_ok() {
                    self.held.retain(|h| h.1 != seat);
                    self.held.push((i, seat));
                }
                r
            }
            Op::MemberLeaves { seat } => {
                self.held.retain(|h| h.1 != seat);
                self.seats.release_holds(&Actor::Member(seat))
            }
            Op::Recuse { product: i, seat } => {
                self.secretary
                    .recuse(&data, &product(i), seat, "xung đột lợi ích")
            }
            Op::Close {
                product: i,
                override_close,
            } => self.secretary.close_product(
                &data,
                &product(i),
                override_close.then_some("Hội đồng quyết định"),
            ),
            Op::NewRound { product: i } => self
                .secretary
                .new_round(&data, &product(i), "chênh lệch")
                .map(|_| ()),
            Op::ReopenSheet { product: i, seat } => {
                self.secretary
                    .reopen_sheet(&data, &product(i), seat, "sửa nhầm")
            }
            Op::Import {
                product: i,
                seat,
                option,
                criteria,
            } => {
                let p = product(i);
                let rows: Vec<ChoiceRow> = p
                    .rubric
                    .criteria()
                    .take(criteria)
                    .enumerate()
                    .map(|(n, (_, c))| ChoiceRow {
                        line: n + 2,
                        product: p.code.clone(),
                        seat,
                        criterion: c.id.to_string(),
                        option: option.min(c.options.len() as u32),
                    })
                    .collect();
                self.imports += 1;
                let label = format!("import-{}.csv", self.imports);
                self.secretary
                    .import_choices(&data, &label, label.as_bytes(), &rows)
                    .map(|_| ())
            }
            Op::Reenter {
                product: i,
                seat,
                option,
                criteria,
            } => {
                let p = product(i);
                let (result, _) = tick_each(
                    &mut self.second,
                    &data,
                    &p,
                    (seat, 2, &Actor::Secretary),
                    option,
                    criteria,
                );
                let _ = self.second.release_holds(&Actor::Secretary);
                result
            }
            Op::BackToWaiting { product: i } => self.secretary.back_to_waiting(&data, &product(i)),
        };
        // A hold ends with its product's scoring.
        let data = self.data();
        self.held
            .retain(|&(i, _)| data.products[i].status == ProductStatus::Scoring);
    }
}

/// Random meetings: a case of up to 40 steps, in either entry mode.
fn meetings() -> impl Strategy<Value = (bool, Vec<Op>)> {
    (any::<bool>(), proptest::collection::vec(op(), 1..40))
}

/// Plays `ops` and checks the rules after every step; returns how many steps saw a closed
/// product.
fn rules_hold(blind: bool, ops: &[Op]) -> Result<u32, TestCaseError> {
    let mut m = Meeting::new(blind);
    let mut closes = 0;
    // A closed product's result, remembered per (product, round) while it stays closed.
    let mut closed: HashMap<(i64, u32), String> = HashMap::new();
    for op in ops {
        m.apply(op);
        let data = m.data();
        prop_assert_eq!(
            m.secretary.audit_count_check().unwrap(),
            Vec::<String>::new(),
            "after {:?}",
            op
        );
        for p in &data.products {
            // What the screens show of each sheet is what it holds.
            let progress = m.seats.sheet_progress(&data, p).unwrap();
            let held: Vec<(u32, u32, u32)> = m
                .secretary
                .sheets(&data, p.id, p.round)
                .unwrap()
                .iter()
                .map(|s| (s.seat, s.choices.len() as u32, s.reentry.len() as u32))
                .collect();
            let shown: Vec<(u32, u32, u32)> = progress
                .iter()
                .map(|s| (s.seat, s.answered, s.reentered))
                .collect();
            prop_assert_eq!(shown, held, "{} after {:?}", &p.code, op);
            let result = m.secretary.product_result(&data, p).unwrap();
            let seats = m.secretary.seat_facts(&data, p.id, p.round).unwrap();
            let sheets = m.secretary.sheets(&data, p.id, p.round).unwrap();
            for counted in result.members.iter().filter(|s| s.complete) {
                let seat = seats.iter().find(|s| s.seat == counted.seat).unwrap();
                prop_assert!(
                    seat.scores && seat.present && !seat.recused,
                    "{}: counted seat {} is {:?}",
                    p.code,
                    counted.seat,
                    seat
                );
                let sheet = sheets.iter().find(|s| s.seat == counted.seat).unwrap();
                prop_assert!(
                    sheet.submitted,
                    "{}: seat {} counted unsubmitted",
                    p.code,
                    counted.seat
                );
            }
            let key = (p.id, p.round);
            if p.status == ProductStatus::Closed {
                closes += 1;
                let json = serde_json::to_string(&result).unwrap();
                let kept = closed.entry(key).or_insert_with(|| json.clone());
                prop_assert_eq!(&*kept, &json, "{} changed while closed", p.code);
                let q = m.secretary.product_quorum(&data, p).unwrap();
                prop_assert!(q.reached, "{} closed without its quorum: {:?}", p.code, q);
                prop_assert!(result.counted >= min_sheets(&data.info.policy, q.total));
            } else {
                closed.remove(&key);
            }
        }
    }
    // Whatever was typed, re-entered or imported (a row per sheet), the log and the tables
    // agree at the end: an intact chain, every choice the last value the log recorded.
    prop_assert_eq!(m.secretary.audit_verify().unwrap().first_broken, None);
    prop_assert_eq!(
        m.secretary.audit_cross_check().unwrap(),
        Vec::<String>::new(),
        "after {:?}",
        ops
    );
    // And the log replayed (attendance, statuses and rounds, recusals, sheets) is the tables.
    prop_assert_eq!(
        m.secretary.audit_state_check().unwrap(),
        Vec::<String>::new(),
        "after {:?}",
        ops
    );
    Ok(closes)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 40, ..ProptestConfig::default() })]

    #[test]
    fn the_meeting_rules_hold_after_every_step((blind, ops) in meetings()) {
        rules_hold(blind, &ops)?;
    }
}

/// The sequences must reach closing, or the property checks little. On a fixed seed: whether
/// they do must not itself be chance (a random run of 40 cases once closed nothing).
#[test]
fn random_meetings_reach_closed_products() {
    let config = ProptestConfig {
        cases: 40,
        failure_persistence: None,
        ..ProptestConfig::default()
    };
    let mut runner =
        TestRunner::new_with_rng(config, TestRng::deterministic_rng(RngAlgorithm::ChaCha));
    let closes = std::cell::Cell::new(0);
    runner
        .run(&meetings(), |(blind, ops)| {
            closes.set(closes.get() + rules_hold(blind, &ops)?);
            Ok(())
        })
        .unwrap();
    assert!(
        closes.get() > 0,
        "no sequence closed a product: the property would check nothing"
    );
}
