//! Session files: the council, its members and policy, and the products on the agenda.

use std::collections::HashSet;
use std::fmt;

use serde::{Deserialize, Serialize};
use toml::Spanned;

use crate::diag::{Problem, Problems, Source};
use crate::scoring::{MinimumRule, ScoringPolicy};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    Province,
    Central,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Chair,
    ViceChair,
    Member,
    Secretary,
    /// An expert invited by the provincial chair (Điều 7.3.b).
    Expert,
    /// Attends without a vote (for example staff of the OCOP office); never scores.
    Observer,
}

impl Role {
    pub const ALL: [Self; 6] = [
        Self::Chair,
        Self::ViceChair,
        Self::Member,
        Self::Secretary,
        Self::Expert,
        Self::Observer,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Chair => "chair",
            Self::ViceChair => "vice_chair",
            Self::Member => "member",
            Self::Secretary => "secretary",
            Self::Expert => "expert",
            Self::Observer => "observer",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.as_str() == s)
    }

    /// Whether a member of this role scores unless the session file says otherwise: the
    /// chair, vice chairs and members do; the secretary, invited experts and observers do not.
    pub fn scores_by_default(self) -> bool {
        matches!(self, Self::Chair | Self::ViceChair | Self::Member)
    }
}

/// A fraction of the council, such as the 3/4 quorum.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fraction {
    pub num: u32,
    pub den: u32,
}

impl Fraction {
    /// Whether `part` out of `whole` reaches this fraction (exactly, in integers).
    pub fn reached(self, part: u32, whole: u32) -> bool {
        u64::from(part) * u64::from(self.den) >= u64::from(self.num) * u64::from(whole)
    }

    /// The smallest count out of `whole` that reaches the fraction.
    pub fn needed(self, whole: u32) -> u32 {
        (0..=whole)
            .find(|&n| self.reached(n, whole))
            .unwrap_or(whole)
    }
}

impl fmt::Display for Fraction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.num, self.den)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Policy {
    pub quorum: Fraction,
    pub chair_required: bool,
    pub max_spread: u32,
    pub minimum_rule: MinimumRule,
    /// Paper sheets entered on a member's behalf count only after a matching blind second entry.
    pub blind_reentry: bool,
    /// At most one product open for scoring at a time.
    #[serde(default = "yes")]
    pub one_open_product: bool,
    /// The fewest counted sheets a product can be ranked on; `None`: more than half of the
    /// council's scoring members (see `meeting::min_sheets`).
    #[serde(default)]
    pub min_sheets: Option<u32>,
}

fn yes() -> bool {
    true
}

impl Default for Policy {
    fn default() -> Self {
        Self {
            quorum: Fraction { num: 3, den: 4 },
            chair_required: true,
            max_spread: 10,
            minimum_rule: MinimumRule::Majority,
            blind_reentry: false,
            one_open_product: true,
            min_sheets: None,
        }
    }
}

impl Policy {
    pub fn scoring(&self) -> ScoringPolicy {
        ScoringPolicy {
            max_spread: self.max_spread,
            minimum_rule: self.minimum_rule,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Member {
    pub seat: u32,
    pub name: String,
    pub organisation: String,
    pub role: Role,
    /// Whether this member scores (default by role, see [`Role::scores_by_default`]).
    pub scores: bool,
    /// For a chair delegated by the provincial chair (Điều 7.3.b): who delegated, and how
    /// (for example "Chủ tịch UBND tỉnh, Quyết định số 12/QĐ-UBND").
    pub delegated_by: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Product {
    pub code: String,
    pub name: String,
    pub producer: String,
    pub commune: String,
    pub province: Option<String>,
    pub rubric: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Session {
    pub id: String,
    pub title: String,
    pub council: String,
    pub level: Level,
    pub date: jiff::civil::Date,
    pub time: Option<String>,
    pub venue: String,
    pub province: Option<String>,
    pub policy: Policy,
    pub members: Vec<Member>,
    pub products: Vec<Product>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    session: RawSession,
    #[serde(default)]
    policy: RawPolicy,
    #[serde(default)]
    members: Vec<RawMember>,
    #[serde(default)]
    products: Vec<RawProduct>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSession {
    id: Spanned<String>,
    title: String,
    council: String,
    level: Level,
    date: Spanned<DateValue>,
    time: Option<Spanned<String>>,
    venue: String,
    province: Option<String>,
}

/// A date written as a string ("2026-11-20") or as a TOML date (2026-11-20).
#[derive(Deserialize)]
#[serde(untagged)]
enum DateValue {
    Text(String),
    Toml(toml::value::Datetime),
}

impl DateValue {
    fn text(&self) -> String {
        match self {
            Self::Text(s) => s.clone(),
            Self::Toml(d) => d.to_string(),
        }
    }
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawPolicy {
    quorum: Option<Spanned<String>>,
    chair_required: Option<bool>,
    max_spread: Option<u32>,
    minimum_rule: Option<MinimumRule>,
    blind_reentry: Option<bool>,
    one_open_product: Option<bool>,
    min_sheets: Option<Spanned<u32>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMember {
    seat: Spanned<u32>,
    name: Spanned<String>,
    #[serde(default)]
    organisation: String,
    role: Spanned<Role>,
    scores: Option<Spanned<bool>>,
    delegated_by: Option<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawProduct {
    pub(crate) code: Spanned<String>,
    pub(crate) name: Spanned<String>,
    #[serde(default)]
    pub(crate) producer: String,
    #[serde(default)]
    pub(crate) commune: String,
    pub(crate) province: Option<String>,
    pub(crate) rubric: Spanned<String>,
}

/// Parses a quorum such as "3/4".
pub fn parse_fraction(text: &str) -> Option<Fraction> {
    let (num, den) = text.split_once('/')?;
    let num: u32 = num.trim().parse().ok()?;
    let den: u32 = den.trim().parse().ok()?;
    (num > 0 && den > 0 && num <= den).then_some(Fraction { num, den })
}

/// Parses and validates a session file. `known_rubric` says whether a criteria set id exists.
pub fn parse_session(
    name: &str,
    text: &str,
    known_rubric: &dyn Fn(&str) -> bool,
) -> Result<Session, Problems> {
    let src = Source::new(name, text);
    src.precheck()?;
    let raw: RawFile = toml::from_str(text).map_err(|e| src.toml_error(&e))?;
    let mut problems: Vec<Problem> = Vec::new();
    let mut fail = |span: std::ops::Range<usize>, msg: String| problems.push(src.at(&span, msg));

    let s = raw.session;
    let id = s.id.get_ref().trim().to_string();
    if id.is_empty()
        || !id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
    {
        fail(
            s.id.span(),
            format!("session id \"{id}\" must be non-empty and use only a-z, 0-9 and '-'"),
        );
    }
    let date_text = s.date.get_ref().text();
    let date = match date_text.parse::<jiff::civil::Date>() {
        Ok(d) => d,
        Err(_) => {
            fail(
                s.date.span(),
                format!("date \"{date_text}\" is not a date in the form YYYY-MM-DD"),
            );
            jiff::civil::date(2000, 1, 1)
        }
    };
    if let Some(t) = &s.time
        && t.get_ref().parse::<jiff::civil::Time>().is_err()
    {
        fail(
            t.span(),
            format!("time \"{}\" is not a time in the form HH:MM", t.get_ref()),
        );
    }

    let defaults = Policy::default();
    let quorum = match &raw.policy.quorum {
        None => defaults.quorum,
        Some(q) => parse_fraction(q.get_ref()).unwrap_or_else(|| {
            fail(
                q.span(),
                format!(
                    "quorum \"{}\" must be a fraction such as \"3/4\" (between 0 and 1)",
                    q.get_ref()
                ),
            );
            defaults.quorum
        }),
    };
    let policy = Policy {
        quorum,
        chair_required: raw.policy.chair_required.unwrap_or(defaults.chair_required),
        max_spread: raw.policy.max_spread.unwrap_or(defaults.max_spread),
        minimum_rule: raw.policy.minimum_rule.unwrap_or(defaults.minimum_rule),
        blind_reentry: raw.policy.blind_reentry.unwrap_or(defaults.blind_reentry),
        one_open_product: raw
            .policy
            .one_open_product
            .unwrap_or(defaults.one_open_product),
        min_sheets: raw.policy.min_sheets.as_ref().map(|m| *m.get_ref()),
    };
    if let Some(m) = &raw.policy.min_sheets
        && *m.get_ref() == 0
    {
        fail(m.span(), "min_sheets must be at least 1".to_string());
    }

    let mut seats = HashSet::new();
    let mut members = Vec::new();
    for m in &raw.members {
        let seat = *m.seat.get_ref();
        if seat == 0 {
            fail(m.seat.span(), "seat numbers start at 1".to_string());
        } else if !seats.insert(seat) {
            fail(m.seat.span(), format!("duplicate seat {seat}"));
        }
        if m.name.get_ref().trim().is_empty() {
            fail(m.name.span(), format!("member at seat {seat} has no name"));
        }
        for (label, value) in [
            ("name", m.name.get_ref().as_str()),
            ("organisation", &m.organisation),
        ] {
            if let Err(e) = crate::text::check_text(value) {
                fail(
                    m.name.span(),
                    format!("member at seat {seat}: {label}: {e}"),
                );
            }
        }
        let role = *m.role.get_ref();
        let scores = m
            .scores
            .as_ref()
            .map_or(role.scores_by_default(), |s| *s.get_ref());
        if let Some(s) = &m.scores
            && *s.get_ref()
            && role == Role::Observer
        {
            fail(
                s.span(),
                format!("member at seat {seat} is an observer; observers do not score"),
            );
        }
        if let Some(d) = &m.delegated_by
            && let Err(e) = crate::text::check_text(d.get_ref())
        {
            fail(
                d.span(),
                format!("member at seat {seat}: delegated_by: {e}"),
            );
        }
        if let Some(d) = &m.delegated_by
            && role != Role::Chair
        {
            fail(
                d.span(),
                format!(
                    "member at seat {seat} is not the chair; only the chair can be delegated (delegated_by)"
                ),
            );
        }
        members.push(Member {
            seat,
            name: m.name.get_ref().trim().to_string(),
            organisation: m.organisation.trim().to_string(),
            role,
            scores,
            delegated_by: m
                .delegated_by
                .as_ref()
                .map(|d| d.get_ref().trim().to_string())
                .filter(|d| !d.is_empty()),
        });
    }
    let chairs: Vec<&RawMember> = raw
        .members
        .iter()
        .filter(|m| *m.role.get_ref() == Role::Chair)
        .collect();
    if raw.members.is_empty() {
        fail(s.id.span(), "session has no members".to_string());
    } else if chairs.is_empty() {
        fail(
            raw.members[0].role.span(),
            "no member has the role \"chair\"".to_string(),
        );
    } else if chairs.len() > 1 {
        fail(
            chairs[1].role.span(),
            "more than one member has the role \"chair\"".to_string(),
        );
    }

    for (label, value) in [
        ("title", s.title.as_str()),
        ("council", &s.council),
        ("venue", &s.venue),
        ("province", s.province.as_deref().unwrap_or("")),
    ] {
        if let Err(e) = crate::text::check_text(value) {
            fail(s.id.span(), format!("session {label}: {e}"));
        }
    }
    let products = check_products(&raw.products, known_rubric, &mut fail);
    if !problems.is_empty() {
        return Err(Problems(problems));
    }
    Ok(Session {
        id,
        title: s.title,
        council: s.council,
        level: s.level,
        date,
        time: s.time.map(Spanned::into_inner),
        venue: s.venue,
        province: s.province,
        policy,
        members,
        products,
    })
}

/// Validates product rows (from a session file or an import) and returns them.
pub(crate) fn check_products(
    raw: &[RawProduct],
    known_rubric: &dyn Fn(&str) -> bool,
    fail: &mut dyn FnMut(std::ops::Range<usize>, String),
) -> Vec<Product> {
    let mut codes = HashSet::new();
    let mut products = Vec::new();
    for p in raw {
        let code = p.code.get_ref().trim().to_string();
        if code.is_empty() {
            fail(p.code.span(), "product code is empty".to_string());
        } else if let Err(e) = crate::text::check_code(&code) {
            fail(p.code.span(), format!("product code \"{code}\": {e}"));
        } else if !codes.insert(crate::text::code_key(&code)) {
            // Compared case- and width-insensitively: "ld-01" and "LD-01" are one product.
            fail(p.code.span(), format!("duplicate product code \"{code}\""));
        }
        let texts = [
            ("name", p.name.get_ref().as_str()),
            ("producer", &p.producer),
            ("commune", &p.commune),
            ("province", p.province.as_deref().unwrap_or("")),
        ];
        for (label, value) in texts {
            if let Err(e) = crate::text::check_text(value) {
                fail(p.name.span(), format!("product \"{code}\": {label}: {e}"));
            }
        }
        if p.name.get_ref().trim().is_empty() {
            fail(p.name.span(), format!("product \"{code}\" has no name"));
        }
        let rubric = p.rubric.get_ref().trim().to_string();
        if !known_rubric(&rubric) {
            fail(
                p.rubric.span(),
                format!(
                    "product \"{code}\" uses criteria set \"{rubric}\", which is not a known rubric (see `council rubric list`)"
                ),
            );
        }
        products.push(Product {
            code,
            name: p.name.get_ref().trim().to_string(),
            producer: p.producer.trim().to_string(),
            commune: p.commune.trim().to_string(),
            province: p.province.clone(),
            rubric,
        });
    }
    products
}

#[cfg(test)]
mod tests {
    use super::*;

    const MINIMAL: &str = "[session]\nid = \"s\"\ntitle = \"T\"\ncouncil = \"C\"\nlevel = \"province\"\n\
        date = DATE\nvenue = \"V\"\n[[members]]\nseat = 1\nname = \"Chủ tịch\"\nrole = \"chair\"\n";

    #[test]
    fn a_toml_date_and_a_quoted_date_mean_the_same_day() {
        let known = |_: &str| true;
        let bare = parse_session("s.toml", &MINIMAL.replace("DATE", "2026-11-20"), &known).unwrap();
        let quoted =
            parse_session("s.toml", &MINIMAL.replace("DATE", "\"2026-11-20\""), &known).unwrap();
        assert_eq!(bare.date, jiff::civil::date(2026, 11, 20));
        assert_eq!(bare.date, quoted.date);
    }

    #[test]
    fn policy_defaults_follow_the_usual_provincial_rules() {
        let s = parse_session("s.toml", &MINIMAL.replace("DATE", "2026-11-20"), &|_| true).unwrap();
        assert_eq!(s.policy.quorum, Fraction { num: 3, den: 4 });
        assert!(s.policy.chair_required);
        assert_eq!(s.policy.max_spread, 10);
        assert_eq!(s.policy.minimum_rule, MinimumRule::Majority);
        // 7 of 9 reach 3/4 (6.75), 6 do not.
        assert_eq!(s.policy.quorum.needed(9), 7);
    }
}
