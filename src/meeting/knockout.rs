//! Knock-outs and alternative cases: conditions that the criteria set itself states.

use serde::Serialize;

use super::refusal::Refusal;
use crate::rubric::{Criterion, Rubric};

/// Where a knock-out condition is written in the criteria set.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum KnockoutSource {
    /// The set's header: "Hồ sơ bị loại khi …".
    Header,
    /// An eliminating note of a criterion ("Bị loại nếu …").
    Criterion { id: String },
}

/// One condition the council may knock a product out on, numbered as offered (1-based).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct KnockoutCondition {
    pub number: u32,
    pub source: KnockoutSource,
    pub text: String,
}

/// Every knock-out condition of a criteria set, header first, then criteria in sheet order
/// (Phụ lục II: each set's header and its eliminating criterion notes).
pub fn knockout_conditions(rubric: &Rubric) -> Vec<KnockoutCondition> {
    let header = rubric
        .knockouts
        .iter()
        .map(|text| (KnockoutSource::Header, text.clone()));
    let criteria = rubric.criteria().filter_map(|(_, c)| {
        c.knockout.as_ref().map(|text| {
            (
                KnockoutSource::Criterion {
                    id: c.id.to_string(),
                },
                text.clone(),
            )
        })
    });
    header
        .chain(criteria)
        .enumerate()
        .map(|(i, (source, text))| KnockoutCondition {
            number: i as u32 + 1,
            source,
            text,
        })
        .collect()
}

/// The knock-out condition numbered `number`, or why not.
pub fn knockout_condition(
    rubric: &Rubric,
    product: &str,
    number: u32,
) -> Result<KnockoutCondition, Refusal> {
    let all = knockout_conditions(rubric);
    let count = all.len() as u32;
    all.into_iter()
        .find(|c| c.number == number)
        .ok_or(Refusal::UnknownKnockoutCondition {
            product: product.to_string(),
            given: number,
            count,
        })
}

/// A criterion's alternative cases ("Trường hợp 1", "Trường hợp 2", set 26), in order.
pub fn case_labels(criterion: &Criterion) -> Vec<&str> {
    let mut labels: Vec<&str> = Vec::new();
    for o in &criterion.options {
        if let Some(case) = o.case.as_deref()
            && !labels.contains(&case)
        {
            labels.push(case);
        }
    }
    labels
}

/// How many alternative cases a criteria set offers (0: none). A product of such a set has
/// its case chosen once, by the secretary, and every member scores that case only.
pub fn rubric_cases(rubric: &Rubric) -> u32 {
    rubric
        .criteria()
        .map(|(_, c)| case_labels(c).len() as u32)
        .max()
        .unwrap_or(0)
}

/// An option may be ticked only in the product's chosen case (options without a case always).
pub fn check_option_in_case(
    product: &str,
    criterion: &Criterion,
    option: u32,
    case: Option<u32>,
) -> Result<(), Refusal> {
    let labels = case_labels(criterion);
    if labels.is_empty() {
        return Ok(());
    }
    let Some(case) = case else {
        return Err(Refusal::CaseNotChosen {
            product: product.to_string(),
        });
    };
    let Some(picked) = criterion.option_at(option as usize) else {
        return Ok(()); // out of range is refused elsewhere, with its own message
    };
    match picked.case.as_deref() {
        None => Ok(()),
        Some(label) if labels.iter().position(|l| *l == label) == Some(case as usize - 1) => Ok(()),
        Some(_) => Err(Refusal::OptionNotInCase {
            criterion: criterion.id.to_string(),
            option,
            case,
        }),
    }
}

/// The 1-based options of `criterion` a member may tick in `case` (all of them when the
/// criterion has no cases, or no case is chosen yet).
pub fn options_in_case(criterion: &Criterion, case: Option<u32>) -> Vec<u32> {
    (1..=criterion.options.len() as u32)
        .filter(|&o| case.is_none() || check_option_in_case("", criterion, o, case).is_ok())
        .collect()
}
