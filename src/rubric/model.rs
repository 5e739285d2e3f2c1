//! The validated, in-memory rubric: what scoring, the store and the views read. The store
//! keeps it beside each criteria set's text as JSON (schema 6), so loading a session does not
//! parse and check the text again.
//!
//! Nothing here is OCOP-specific: bands, markers and parts all come from the file.

use std::sync::Arc;

use serde::{Deserialize, Serialize};

use super::FlatCache;

/// A criteria set: parts → sections → criteria → options.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Rubric {
    pub id: Arc<str>,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub set_number: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub product_type: Option<String>,
    pub group: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subgroup: Option<String>,
    pub legal_basis: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scheme: Option<String>,
    pub max_points: u32,
    pub knockouts: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
    /// Sorted by stars, highest first.
    pub bands: Vec<Band>,
    pub parts: Vec<Part>,
    /// The criteria flattened for scoring ([`Rubric::flat`]); not part of the model.
    #[serde(skip)]
    pub(crate) flat: FlatCache,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Band {
    pub stars: u8,
    pub min_points: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Part {
    pub id: Arc<str>,
    pub title: Arc<str>,
    pub max_points: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub printed_points: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    pub sections: Vec<Section>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Section {
    pub id: Arc<str>,
    pub title: Arc<str>,
    pub max_points: u32,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub groups: Vec<Group>,
    pub criteria: Vec<Criterion>,
}

/// A third numbering level inside a section (6.1 groups 6.1.1, 6.1.2, …).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Group {
    pub id: String,
    pub title: String,
    pub max_points: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Criterion {
    pub id: Arc<str>,
    pub title: Arc<str>,
    pub max_points: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub condition: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub knockout: Option<String>,
    pub options: Vec<Choice>,
}

/// One tickable option of a criterion.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Choice {
    pub text: Arc<str>,
    pub points: u32,
    /// The star level this option is the minimum for (3, 4, 5), from `***` markers.
    pub min_stars: Option<u8>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub case: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub printed_points: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// Where a criterion sits: indexes into `parts`, `sections` and `criteria`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CriterionPos {
    pub part: usize,
    pub section: usize,
    pub criterion: usize,
}

impl Rubric {
    /// Every criterion in sheet order with its position.
    pub fn criteria(&self) -> impl Iterator<Item = (CriterionPos, &Criterion)> + '_ {
        self.parts.iter().enumerate().flat_map(|(p, part)| {
            part.sections
                .iter()
                .enumerate()
                .flat_map(move |(s, section)| {
                    section
                        .criteria
                        .iter()
                        .enumerate()
                        .map(move |(c, criterion)| {
                            (
                                CriterionPos {
                                    part: p,
                                    section: s,
                                    criterion: c,
                                },
                                criterion,
                            )
                        })
                })
        })
    }

    /// The criteria flattened by sheet position, built on first use. A loaded rubric is not
    /// changed afterwards; this is what lets scoring keep it.
    pub fn flat(&self) -> &super::Flat {
        self.flat.get(self)
    }

    pub fn criteria_count(&self) -> usize {
        self.parts
            .iter()
            .flat_map(|p| &p.sections)
            .map(|s| s.criteria.len())
            .sum()
    }

    pub fn criterion(&self, id: &str) -> Option<&Criterion> {
        self.criteria().map(|(_, c)| c).find(|c| &*c.id == id)
    }

    /// Star rank of a total on the band scale (`sum` over `count` sheets, compared exactly).
    pub fn band_for(&self, sum: u64, count: u64) -> u8 {
        self.bands
            .iter()
            .find(|b| sum >= u64::from(b.min_points) * count)
            .map_or(0, |b| b.stars)
    }

    /// The band just above `stars`, if any.
    pub fn next_band(&self, stars: u8) -> Option<Band> {
        self.bands.iter().rev().find(|b| b.stars > stars).copied()
    }

    pub fn top_stars(&self) -> u8 {
        self.bands.first().map_or(0, |b| b.stars)
    }
}

impl Criterion {
    /// The option a member picked by its 1-based position, as printed on the sheet.
    pub fn option_at(&self, position: usize) -> Option<&Choice> {
        position.checked_sub(1).and_then(|i| self.options.get(i))
    }
}
