//! The minutes model: everything every export prints, built once from the store. Each figure
//! comes from the same `ProductResult` the screen shows (`Store::product_result`), and every mean
//! is the screen's text (`mean_text`: two decimals, rounded half up on exact integers).

use std::collections::HashMap;
use std::sync::Arc;

use serde::Serialize;

use super::numbers::{hundredths_text, localized, shown_parts};
use super::words::{Words, words};
use crate::i18n::{Lang, Strings};
use crate::meeting::Outcome;
use crate::report::{rank_text, rule_word, star_glyphs, status_word};
use crate::rubric::Rubric;
use crate::scoring::{ProductResult, mean_text, score_sheet};
use crate::session::{Level, Role};
use crate::store::{
    ChoiceRecord, MemberRow, ProductRow, ProductStatus, SessionData, SessionSummary, Store,
    StoredSheet, result_from_sheets,
};

/// Version of the JSON layout (`<session>.json`); bump on any incompatible change.
pub const JSON_VERSION: u32 = 1;

#[derive(Debug, Clone, Serialize)]
pub struct Minutes {
    pub format: &'static str,
    pub version: u32,
    pub lang: Lang,
    pub session: SessionSummary,
    /// "ngày 20 tháng 11 năm 2026" / "20 November 2026".
    pub date_text: String,
    /// "Lâm Đồng, ngày 20 tháng 11 năm 2026": the place-and-date line under the national header.
    pub place_date: String,
    /// The superior agency line above the council's name: "UBND TỈNH LÂM ĐỒNG" for a provincial
    /// council, the ministry for the central one; empty when the province is not known.
    pub agency: String,
    /// A draft until the session is finalised with every product closed or knocked out.
    pub draft: bool,
    pub quorum: QuorumView,
    pub members: Vec<MemberView>,
    /// Each product's own attendance, as fixed when it closed (or as it stands while open).
    pub attendance_lines: Vec<String>,
    /// Sheets reopened for a correction: who, why, and each changed choice (old → new).
    pub correction_lines: Vec<String>,
    /// The audit chain's head when exported (16 hex characters): `council audit verify
    /// --expect` checks a database against it.
    pub audit_head: String,
    pub products: Vec<ProductView>,
    /// The products proposed for recognition, highest rank first, then by mean: the list of the
    /// proposal (tờ trình) and the annex of the chair's decision.
    pub recognised: Vec<RecognisedView>,
    /// Whose chair the proposal goes to: "tỉnh Lâm Đồng".
    pub chair_of: String,
    /// Codes of the products proposed to the central council: closed, in the top band (5 stars,
    /// 90 points or more), at a provincial session.
    pub central: Vec<String>,
    pub conclusions: Vec<String>,
    /// Part ids in the order they first appear (A, B, C for the OCOP sets): summary columns.
    pub part_ids: Vec<String>,
    /// Per product: members' totals, the spread and its flag, earlier rounds with their reasons.
    pub spread_lines: Vec<String>,
    pub reopenings: Vec<ReopeningView>,
    pub chair: Option<MemberView>,
    pub secretary: Option<MemberView>,
    pub minimum_rule_text: String,
    pub exported_at: String,
    /// This model as the templates receive it ([`Minutes::without_sheets`] as a template
    /// value): made by the first document that needs it, shared by the others.
    #[serde(skip)]
    pub template_value: std::sync::OnceLock<minijinja::Value>,
}

#[derive(Debug, Clone, Serialize)]
pub struct RecognisedView {
    pub stars: u8,
    pub code: String,
    pub name: String,
    pub producer: String,
    pub commune: String,
    /// The mean total as shown ("91.38"; documents localise it).
    pub mean: String,
    pub rank_text: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct QuorumView {
    pub present: u32,
    pub total: u32,
    pub needed: u32,
    pub chair_present: bool,
    pub reached: bool,
    /// "8/9 — đủ điều kiện tiến hành họp (cần tối thiểu 7, 3/4)".
    pub text: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct MemberView {
    pub seat: u32,
    pub name: String,
    pub organisation: String,
    pub role: Role,
    pub role_text: String,
    pub present: Option<bool>,
    pub presence_text: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct ReopeningView {
    pub at: String,
    pub reason: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct PartView {
    pub id: Arc<str>,
    pub title: Arc<str>,
    pub max_points: u32,
    /// The council's mean for the part, as shown: two decimals, or "—" with no counted sheet.
    pub mean_display: String,
    /// The same mean rounded to two decimals as a number (spreadsheets), none without sheets.
    pub mean_value: Option<f64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct MemberTotal {
    pub seat: u32,
    pub name: String,
    pub total: u32,
    pub parts: Vec<u32>,
    pub complete: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct RecusalView {
    pub seat: u32,
    pub name: String,
    pub reason: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct SheetLine {
    pub part: Arc<str>,
    pub section: Arc<str>,
    pub section_title: Arc<str>,
    pub criterion: Arc<str>,
    pub title: Arc<str>,
    pub max_points: u32,
    /// 1-based position of the ticked option, none when not answered.
    pub option: Option<u32>,
    pub option_text: Option<Arc<str>>,
    pub points: Option<u32>,
    pub entered_by: Option<String>,
    pub at: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct SheetView {
    pub seat: u32,
    pub name: String,
    pub role_text: String,
    pub entered_by: String,
    pub entered_by_text: String,
    pub submitted: bool,
    pub verified: bool,
    pub comment: String,
    pub total: u32,
    pub parts: Vec<u32>,
    pub complete: bool,
    /// Counted in the council's result (complete, not recused, verified where required).
    pub counted: bool,
    pub recused: bool,
    pub lines: Vec<SheetLine>,
}

/// One criterion of the printed form, with every option a member can tick.
#[derive(Debug, Clone, Serialize)]
pub struct FormLine {
    pub part: Arc<str>,
    pub criterion: Arc<str>,
    pub title: Arc<str>,
    pub max_points: u32,
    pub options: Vec<FormOption>,
}

#[derive(Debug, Clone, Serialize)]
pub struct FormOption {
    /// 1-based: the number printed on the sheet and the key a secretary presses.
    pub no: u32,
    pub text: Arc<str>,
    pub points: u32,
    /// "***", "****", "*****" for the star minimum this option is, else empty.
    pub marker: String,
}

/// The form of a criteria set: parts, criteria and their options in sheet order.
fn form_of(rubric: &Rubric) -> Vec<FormLine> {
    rubric
        .parts
        .iter()
        .flat_map(|part| part.sections.iter().map(move |s| (part, s)))
        .flat_map(|(part, section)| section.criteria.iter().map(move |c| (part, c)))
        .map(|(part, c)| FormLine {
            part: part.id.clone(),
            criterion: c.id.clone(),
            title: c.title.clone(),
            max_points: c.max_points,
            options: c
                .options
                .iter()
                .enumerate()
                .map(|(i, o)| FormOption {
                    no: i as u32 + 1,
                    text: o.text.clone(),
                    points: o.points,
                    marker: o
                        .min_stars
                        .map(|s| "*".repeat(s as usize))
                        .unwrap_or_default(),
                })
                .collect(),
        })
        .collect()
}

#[derive(Debug, Clone, Serialize)]
pub struct RoundView {
    pub round: u32,
    /// Why this round was started (none for round 1).
    pub reason: Option<String>,
    pub started_at: Option<String>,
    pub counted: u32,
    pub mean_display: String,
    pub spread: Option<u32>,
    pub spread_breach: bool,
    /// Shared, so that [`Minutes::without_sheets`] is cheap.
    #[serde(serialize_with = "shared")]
    pub sheets: Arc<Vec<SheetView>>,
}

fn shared<S: serde::Serializer>(sheets: &Arc<Vec<SheetView>>, s: S) -> Result<S::Ok, S::Error> {
    sheets.as_slice().serialize(s)
}

#[derive(Debug, Clone, Serialize)]
pub struct ProductView {
    pub no: usize,
    pub code: String,
    pub name: String,
    pub producer: String,
    pub commune: String,
    pub province: Option<String>,
    pub rubric_id: String,
    pub rubric_name: String,
    pub rubric_sha256: String,
    /// The set's number in the decision (7 for "bộ 7"), else the rubric id.
    pub set_label: String,
    pub status: ProductStatus,
    pub status_text: String,
    pub settled: bool,
    pub round: u32,
    pub counted: u32,
    pub mean_display: String,
    pub mean_value: Option<f64>,
    pub parts: Vec<PartView>,
    pub stars: Option<u8>,
    /// The stars a document may print: `stars`, except the top rank at a provincial session,
    /// which is proposed to the central council and never awarded.
    pub printed_stars: Option<u8>,
    /// "4 sao ★★★★☆", "không đạt (bị loại)" or "chưa xếp hạng".
    pub rank_text: String,
    pub star_glyphs: String,
    pub knockout_reason: Option<String>,
    /// What the result means in the decision's terms.
    pub outcome: Outcome,
    /// The same as a sentence: "Đề nghị công nhận sản phẩm OCOP 4 sao".
    pub outcome_text: String,
    /// Proposed to the central council (`outcome` is [`Outcome::ProposedToCentral`]).
    pub to_central: bool,
    /// The top level's minimums that fail (criterion ids with what was required), for a product
    /// at 90 points or more that is ranked below the top by its minimums.
    pub failing_top_minimums: Vec<String>,
    pub spread: Option<u32>,
    pub spread_breach: bool,
    pub close_override: Option<String>,
    pub recusals: Vec<RecusalView>,
    pub scores: Vec<MemberTotal>,
    /// Every round, oldest first; the last is the current one.
    pub rounds: Vec<RoundView>,
    /// The criteria set as the Phụ lục II form prints it: every criterion with every option, for
    /// the score sheets (filled and blank).
    pub form: Vec<FormLine>,
    pub result: ProductResult,
}

impl ProductView {
    /// The current round's sheets (what the score-sheet exports print).
    pub fn sheets(&self) -> &[SheetView] {
        self.rounds.last().map_or(&[], |r| r.sheets.as_slice())
    }
}

impl Minutes {
    /// The model without the members' sheets (every line of every sheet is most of it): what
    /// the documents that print no sheet are rendered from.
    pub fn without_sheets(&self) -> Minutes {
        let products = self
            .products
            .iter()
            .map(|p| ProductView {
                rounds: p
                    .rounds
                    .iter()
                    .map(|r| RoundView {
                        sheets: Arc::default(),
                        ..r.clone()
                    })
                    .collect(),
                ..p.clone()
            })
            .collect();
        Minutes {
            products,
            ..self.clone()
        }
    }
}

fn outcome_text(w: &Words, t: &Strings, outcome: Outcome, knockout: Option<&str>) -> String {
    match outcome {
        Outcome::Pending => w.outcome_pending.to_string(),
        Outcome::KnockedOut => format!("{}: {}", t.knocked_out, knockout.unwrap_or_default()),
        Outcome::Unranked => w.not_ranked.to_string(),
        Outcome::NotRecognised { stars } => {
            format!(
                "{} {stars} {}, {}",
                w.reached, t.stars_word, w.outcome_not_recognised
            )
        }
        Outcome::ProposedForRecognition { stars } => {
            format!("{} {stars} {}", w.outcome_recognise, t.stars_word)
        }
        Outcome::ProposedToCentral => w.outcome_central.to_string(),
        Outcome::BelowTopAtCentral { stars } => {
            format!(
                "{} {stars} {}, {}",
                w.reached, t.stars_word, w.outcome_below_top
            )
        }
    }
}

/// For a product in the top band ranked lower by its minimums: each failing top-level minimum as
/// "A1.2 (mức 3)" — the criterion and the marked option required.
fn failing_minimums(w: &Words, result: &ProductResult, top: u8) -> Vec<String> {
    if result.band_stars != Some(top) || result.minimum_stars >= Some(top) {
        return Vec::new();
    }
    result
        .minimums
        .iter()
        .filter(|level| level.stars == top)
        .flat_map(|level| level.markers.iter().filter(|m| !m.holds))
        .map(|m| format!("{} ({} {})", m.criterion, w.option.to_lowercase(), m.option))
        .collect()
}

/// "ngày 05 tháng 01 năm 2026": days under 10 and the months 1 and 2 take a leading zero, as
/// administrative documents write them; English "5 January 2026".
pub fn date_text(lang: Lang, date: jiff::civil::Date) -> String {
    let (d, m, y) = (date.day(), date.month(), date.year());
    match lang {
        Lang::Vi => {
            let month = if m <= 2 {
                format!("{m:02}")
            } else {
                m.to_string()
            };
            format!("ngày {d:02} tháng {month} năm {y}")
        }
        Lang::En => format!("{d} {} {y}", date.strftime("%B")),
    }
}

/// "UBND TỈNH LÂM ĐỒNG", "UBND THÀNH PHỐ HÀ NỘI" (a province named "Thành phố …" keeps its
/// word), or the ministry for a central session.
fn agency_line(w: &Words, level: Level, province: Option<&str>) -> String {
    match (level, province) {
        (Level::Central, _) => w.agency_central.to_string(),
        (Level::Province, None) => String::new(),
        (Level::Province, Some(name)) => {
            let name = name.trim();
            let city = ["thành phố ", "tp. ", "tp "]
                .iter()
                .any(|prefix| name.to_lowercase().starts_with(prefix));
            if city {
                format!("{} {}", w.agency_people_committee, name.to_uppercase())
            } else {
                format!("{} {}", w.agency_province, name.to_uppercase())
            }
        }
    }
}

fn role_text(w: &Words, role: Role) -> &'static str {
    match role {
        Role::Chair => w.role_chair,
        Role::ViceChair => w.role_vice_chair,
        Role::Member => w.role_member,
        Role::Secretary => w.role_secretary,
        Role::Expert => w.role_expert,
        Role::Observer => w.role_observer,
    }
}

fn member_view(w: &Words, m: &MemberRow) -> MemberView {
    MemberView {
        seat: m.seat,
        name: m.name.clone(),
        organisation: m.organisation.clone(),
        role: m.role,
        role_text: match &m.delegated_by {
            Some(by) => format!("{} ({} {by})", role_text(w, m.role), w.delegated),
            None => role_text(w, m.role).to_string(),
        },
        present: m.present,
        // The session's composition: who scores. Presence is each product's own.
        presence_text: if m.scores { w.scores_yes } else { w.scores_no }.to_string(),
    }
}

fn entered_by_text(w: &Words, by: &str) -> &'static str {
    match by {
        "member" => w.entered_member,
        "import" => w.entered_import,
        _ => w.entered_secretary,
    }
}

/// A mean shown as text and the same figure as a number (for spreadsheet cells).
fn mean_pair(sum: u64, count: u64) -> (String, Option<f64>) {
    let text = mean_text(sum, count);
    let value = text.parse::<f64>().ok();
    (text, value)
}

/// Builds the model of one session. Exports are for staff at or after the meeting, so every
/// member's sheet is read.
pub fn build_minutes(
    store: &Store,
    data: &SessionData,
    lang: Lang,
) -> crate::store::Result<Minutes> {
    let w = words(lang);
    let t = lang.strings();
    let info = &data.info;
    let records = store.choice_records(data)?;
    let record_index: HashMap<(i64, u32, u32, &str), &ChoiceRecord> = records
        .iter()
        .map(|r| ((r.product_id, r.round, r.seat, r.criterion.as_str()), r))
        .collect();
    let recusals = store.recusals(data)?;
    let round_starts = store.round_starts(info.id)?;

    let facts = ProductFacts {
        w,
        t,
        data,
        record_index: &record_index,
        recusals: &recusals,
        round_starts: &round_starts,
    };
    let products = product_views(store, &facts)?;

    // The session states the rule; whether it held is each product's own attendance.
    let quorum = data.quorum();
    let quorum_text = w
        .quorum_rule
        .replace("{quorum}", &info.policy.quorum.to_string())
        .replace("{needed}", &quorum.needed.to_string())
        .replace("{total}", &quorum.total.to_string())
        .replace(
            "{chair}",
            if info.policy.chair_required {
                match lang {
                    Lang::Vi => ", có chủ tịch Hội đồng",
                    Lang::En => ", the chair present",
                }
            } else {
                ""
            },
        );
    let attendance_lines = attendance_lines(store, data, w, &products)?;
    let correction_lines = correction_lines(store, data, w, &records)?;
    let audit_head = store
        .audit_head()?
        .map(|(_, hash)| hash[..16].to_string())
        .unwrap_or_default();
    let date = info
        .date
        .parse::<jiff::civil::Date>()
        .map(|d| date_text(lang, d))
        .unwrap_or_else(|_| info.date.clone());
    let place_date = match &info.province {
        Some(province) => format!("{province}, {date}"),
        None => date.clone(),
    };
    let agency = agency_line(w, info.level, info.province.as_deref());
    let chair_of = match (&info.province, lang) {
        (None, _) => String::new(),
        (Some(p), Lang::Vi) if p.to_lowercase().starts_with("thành phố") => p.clone(),
        (Some(p), Lang::Vi) => format!("tỉnh {p}"),
        (Some(p), Lang::En) => format!("{p} province"),
    };
    let mut recognised: Vec<(&ProductView, u8)> = products
        .iter()
        .filter_map(|p| match p.outcome {
            Outcome::ProposedForRecognition { stars } => Some((p, stars)),
            _ => None,
        })
        .collect();
    // Higher rank first; within a rank the higher mean (compared exactly, as fractions).
    recognised.sort_by(|(a, sa), (b, sb)| {
        let mean_a = a.result.sum_total * u64::from(b.counted);
        let mean_b = b.result.sum_total * u64::from(a.counted);
        sb.cmp(sa).then(mean_b.cmp(&mean_a))
    });
    let recognised = recognised
        .into_iter()
        .map(|(p, stars)| RecognisedView {
            stars,
            code: p.code.clone(),
            name: p.name.clone(),
            producer: p.producer.clone(),
            commune: p.commune.clone(),
            mean: p.mean_display.clone(),
            rank_text: p.rank_text.clone(),
        })
        .collect();
    let draft = !info.finalised || products.iter().any(|p| !p.settled);
    let central = products
        .iter()
        .filter(|p| p.to_central)
        .map(|p| p.code.clone())
        .collect();
    let conclusions = conclusions(w, t, lang, info.level, &products);
    let part_ids = part_columns(&products);
    let spread_lines = spread_lines(w, lang, &products, info.policy.max_spread);
    let find_role = |role: Role| {
        data.members
            .iter()
            .find(|m| m.role == role)
            .map(|m| member_view(w, m))
    };
    let reopenings = store
        .reopenings(info.id)?
        .into_iter()
        .map(|r| ReopeningView {
            at: r.at,
            reason: r.reason,
        })
        .collect();
    Ok(Minutes {
        format: "council-export",
        version: JSON_VERSION,
        lang,
        session: info.clone(),
        date_text: date,
        place_date,
        agency,
        draft,
        quorum: QuorumView {
            present: quorum.present,
            total: quorum.total,
            needed: quorum.needed,
            chair_present: quorum.chair_present,
            reached: quorum.reached,
            text: quorum_text,
        },
        members: data.members.iter().map(|m| member_view(w, m)).collect(),
        attendance_lines,
        correction_lines,
        audit_head,
        products,
        recognised,
        chair_of,
        central,
        conclusions,
        part_ids,
        spread_lines,
        reopenings,
        chair: find_role(Role::Chair),
        secretary: find_role(Role::Secretary),
        minimum_rule_text: rule_word(t, info.policy.minimum_rule).to_string(),
        exported_at: jiff::Zoned::now().strftime("%Y-%m-%d %H:%M").to_string(),
        template_value: std::sync::OnceLock::new(),
    })
}

#[allow(clippy::too_many_arguments)]
fn sheet_view(
    w: &Words,
    data: &SessionData,
    product: &ProductRow,
    round: u32,
    stored: &StoredSheet,
    result: &ProductResult,
    recused: bool,
    records: &HashMap<(i64, u32, u32, &str), &ChoiceRecord>,
) -> SheetView {
    let rubric: &Rubric = &product.rubric;
    let score = score_sheet(rubric, stored);
    let counted = result
        .members
        .iter()
        .any(|m| m.seat == stored.seat && m.complete);
    let mut lines = Vec::with_capacity(rubric.criteria_count());
    for part in &rubric.parts {
        for section in &part.sections {
            for c in &section.criteria {
                let option = stored.choices.get(&*c.id).copied();
                let chosen = option.and_then(|o| c.option_at(o as usize));
                let record = records.get(&(product.id, round, stored.seat, &*c.id));
                lines.push(SheetLine {
                    part: part.id.clone(),
                    section: section.id.clone(),
                    section_title: section.title.clone(),
                    criterion: c.id.clone(),
                    title: c.title.clone(),
                    max_points: c.max_points,
                    option,
                    option_text: chosen.map(|o| o.text.clone()),
                    points: chosen.map(|o| o.points),
                    entered_by: record.map(|r| r.entered_by.clone()),
                    at: record.map(|r| r.at.clone()),
                });
            }
        }
    }
    let member = data.member(stored.seat);
    SheetView {
        seat: stored.seat,
        name: member.map(|m| m.name.clone()).unwrap_or_default(),
        role_text: member
            .map(|m| role_text(w, m.role).to_string())
            .unwrap_or_default(),
        entered_by: stored.entered_by.clone(),
        entered_by_text: entered_by_text(w, &stored.entered_by).to_string(),
        submitted: stored.submitted,
        verified: stored.verified,
        comment: stored.comment.clone(),
        total: score.total,
        parts: score.parts,
        complete: score.complete,
        counted,
        recused,
        lines,
    }
}

/// What every product's part of the minutes is built from, besides its own rows.
struct ProductFacts<'a> {
    w: &'a Words,
    t: &'a Strings,
    data: &'a SessionData,
    record_index: &'a HashMap<(i64, u32, u32, &'a str), &'a ChoiceRecord>,
    recusals: &'a [crate::store::Recusal],
    round_starts: &'a [crate::store::RoundStart],
}

/// Every product's part of the minutes, in order. A large session is read and scored on two
/// connections at once (the machine has two cores and every file waits for the model); the
/// second half's connection is opened on the same file.
fn product_views(store: &Store, facts: &ProductFacts) -> crate::store::Result<Vec<ProductView>> {
    let all: Vec<(usize, &ProductRow)> = facts.data.products.iter().enumerate().collect();
    let on_disk = store.path().is_file();
    if all.len() < 16 || !on_disk {
        return all
            .iter()
            .map(|&(i, p)| product_entry(store, facts, i, p))
            .collect();
    }
    let (first, second) = all.split_at(all.len() / 2);
    let path = store.path().to_path_buf();
    std::thread::scope(|scope| {
        let other = scope.spawn(move || {
            let store = Store::open(&path)?;
            second
                .iter()
                .map(|&(i, p)| product_entry(&store, facts, i, p))
                .collect::<crate::store::Result<Vec<_>>>()
        });
        let mut views = first
            .iter()
            .map(|&(i, p)| product_entry(store, facts, i, p))
            .collect::<crate::store::Result<Vec<_>>>()?;
        views.extend(other.join().expect("the second half's thread panicked")?);
        Ok(views)
    })
}

/// One product's part of the minutes: every round's sheets read once and scored.
fn product_entry(
    store: &Store,
    facts: &ProductFacts,
    i: usize,
    p: &ProductRow,
) -> crate::store::Result<ProductView> {
    let (w, t, data, record_index) = (facts.w, facts.t, facts.data, facts.record_index);
    let mut rounds = Vec::new();
    let mut result = None;
    for round in 1..=p.round {
        // Each round's sheets are read once and scored here (`Store::round_result` would
        // read them again).
        let stored = store.sheets(data, p.id, round)?;
        let seats = store.seat_facts(data, p.id, round)?;
        // Who was recused in this round: a recusal belongs to its round.
        let recused: Vec<u32> = seats.iter().filter(|s| s.recused).map(|s| s.seat).collect();
        let round_result = if round == p.round {
            result_from_sheets(data, p, &stored, &seats)
        } else {
            // An earlier round ended closed: score it as it stood, without a knock-out.
            let ended = ProductRow {
                status: ProductStatus::Closed,
                ..p.clone()
            };
            result_from_sheets(data, &ended, &stored, &seats)
        };
        let start = facts
            .round_starts
            .iter()
            .rev()
            .find(|s| s.product_code == p.code && s.round == round);
        rounds.push(RoundView {
            round,
            reason: start.map(|s| s.reason.clone()),
            started_at: start.map(|s| s.at.clone()),
            counted: round_result.counted,
            mean_display: round_result.mean_display(),
            spread: round_result.spread,
            spread_breach: round_result.spread_breach,
            sheets: Arc::new(
                stored
                    .iter()
                    .map(|s| {
                        sheet_view(
                            w,
                            data,
                            p,
                            round,
                            s,
                            &round_result,
                            recused.contains(&s.seat),
                            record_index,
                        )
                    })
                    .collect(),
            ),
        });
        if round == p.round {
            result = Some(round_result);
        }
    }
    let result = match result {
        Some(result) => result,
        None => store.product_result(data, p)?,
    };
    Ok(product_view(
        w,
        t,
        data,
        p,
        i + 1,
        result,
        rounds,
        facts.recusals,
    ))
}

#[allow(clippy::too_many_arguments)]
fn product_view(
    w: &Words,
    t: &Strings,
    data: &SessionData,
    p: &ProductRow,
    no: usize,
    result: ProductResult,
    rounds: Vec<RoundView>,
    recusals: &[crate::store::Recusal],
) -> ProductView {
    let counted_members: Vec<_> = result.members.iter().filter(|m| m.complete).collect();
    let count = counted_members.len() as u64;
    let part_sums: Vec<u64> = (0..p.rubric.parts.len())
        .map(|i| counted_members.iter().map(|m| u64::from(m.parts[i])).sum())
        .collect();
    // Shown by largest remainder, so that A + B + C is the total as printed.
    let shown = shown_parts(&part_sums, count);
    let parts: Vec<PartView> = p
        .rubric
        .parts
        .iter()
        .enumerate()
        .map(|(i, part)| PartView {
            id: part.id.clone(),
            title: part.title.clone(),
            max_points: part.max_points,
            mean_display: shown
                .get(i)
                .map_or_else(|| "—".to_string(), |&h| hundredths_text(h)),
            mean_value: shown.get(i).map(|&h| h as f64 / 100.0),
        })
        .collect();
    let (mean_display, mean_value) = mean_pair(result.sum_total, u64::from(result.counted));
    debug_assert_eq!(mean_display, result.mean_display());
    // A knocked-out product is "không đạt" on its condition: the documents print no mean.
    let knocked_out = p.status == ProductStatus::KnockedOut;
    let (mean_display, mean_value) = if knocked_out {
        ("—".to_string(), None)
    } else {
        (mean_display, mean_value)
    };
    let parts: Vec<PartView> = if knocked_out {
        parts
            .into_iter()
            .map(|part| PartView {
                mean_display: "—".to_string(),
                mean_value: None,
                ..part
            })
            .collect()
    } else {
        parts
    };
    let top = p.rubric.top_stars();
    let outcome = Outcome::of(data.info.level, p.status, &result, top);
    let to_central = outcome == Outcome::ProposedToCentral;
    let failing_top_minimums = failing_minimums(w, &result, top);
    // A province never awards the top rank, not even provisionally on an open product.
    let printed_stars = result
        .stars
        .filter(|&s| data.info.level == Level::Central || s < top);
    let name_of = |seat: u32| {
        data.member(seat)
            .map(|m| m.name.clone())
            .unwrap_or_default()
    };
    ProductView {
        no,
        code: p.code.clone(),
        name: p.name.clone(),
        producer: p.producer.clone(),
        commune: p.commune.clone(),
        province: p.province.clone(),
        rubric_id: p.rubric_id.clone(),
        rubric_name: p.rubric.name.clone(),
        rubric_sha256: p.rubric_sha256.clone(),
        set_label: p
            .rubric
            .set_number
            .map_or_else(|| p.rubric_id.clone(), |n| n.to_string()),
        status: p.status,
        status_text: status_word(t, p.status).to_string(),
        settled: p.status.is_settled(),
        round: p.round,
        counted: result.counted,
        mean_display,
        mean_value,
        parts,
        stars: result.stars,
        rank_text: if printed_stars == result.stars {
            rank_text(t, &result, top)
        } else {
            w.rank_central.to_string()
        },
        printed_stars,
        outcome,
        outcome_text: outcome_text(w, t, outcome, result.knocked_out.as_deref()),
        failing_top_minimums,
        star_glyphs: printed_stars
            .map(|s| star_glyphs(s, top))
            .unwrap_or_default(),
        // The condition of the criteria set the council applied, then its stated reason.
        knockout_reason: result.knocked_out.as_ref().map(|_| {
            let mut text = [
                p.knockout_condition.as_deref(),
                p.knockout_reason.as_deref(),
            ]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" — ");
            if let Some(seat) = p.knockout_proposed_by {
                text.push_str(&format!(" ({} {seat} {})", w.proposed_by, name_of(seat)));
            }
            text
        }),
        to_central,
        spread: result.spread,
        spread_breach: result.spread_breach,
        close_override: p.close_override.clone(),
        recusals: recusals
            .iter()
            .filter(|r| r.product_id == p.id)
            .map(|r| RecusalView {
                seat: r.seat,
                name: name_of(r.seat),
                reason: r.reason.clone(),
            })
            .collect(),
        scores: result
            .members
            .iter()
            .map(|m| MemberTotal {
                seat: m.seat,
                name: name_of(m.seat),
                total: m.total,
                parts: m.parts.clone(),
                complete: m.complete,
            })
            .collect(),
        rounds,
        form: form_of(&p.rubric),
        result,
    }
}

/// Part ids in the order they first appear (A, B, C for the OCOP sets).
fn part_columns(products: &[ProductView]) -> Vec<String> {
    let mut ids: Vec<String> = Vec::new();
    for p in products {
        for part in &p.parts {
            if !ids.iter().any(|id| **id == *part.id) {
                ids.push(part.id.to_string());
            }
        }
    }
    ids
}

/// Per product: members' totals, the spread (flagged when above the maximum), earlier rounds
/// with their reasons, and a close made with sheets missing.
fn spread_lines(w: &Words, lang: Lang, products: &[ProductView], max_spread: u32) -> Vec<String> {
    let mut lines = Vec::new();
    for p in products {
        if p.counted == 0 && p.rounds.len() <= 1 {
            continue;
        }
        let totals: Vec<String> = p
            .scores
            .iter()
            .filter(|s| s.complete)
            .map(|s| format!("{} {}: {}", w.seat.to_lowercase(), s.seat, s.total))
            .collect();
        let mut line = format!("- {}: {}", p.code, totals.join("; "));
        if let Some(spread) = p.spread {
            line.push_str(&format!(
                " — {} {spread}{}",
                w.spread.to_lowercase(),
                if p.spread_breach {
                    format!(" ({} {})", w.spread_breach, max_spread)
                } else {
                    String::new()
                }
            ));
        }
        lines.push(line);
        for r in &p.rounds[..p.rounds.len().saturating_sub(1)] {
            lines.push(format!(
                "  {} {}: {} {}, {} {}{}",
                w.earlier_round,
                r.round,
                w.mean_total,
                localized(lang, &r.mean_display),
                w.spread.to_lowercase(),
                r.spread.map_or_else(|| "—".to_string(), |s| s.to_string()),
                if r.spread_breach {
                    format!(" ({})", w.spread_breach)
                } else {
                    String::new()
                }
            ));
        }
        for r in p.rounds.iter().filter(|r| r.reason.is_some()) {
            lines.push(format!(
                "  {} {}: {}",
                w.round_started,
                r.round,
                r.reason.as_deref().unwrap_or("")
            ));
        }
        if let Some(reason) = &p.close_override {
            lines.push(format!("  {}: {reason}", w.closed_override));
        }
    }
    if lines.is_empty() {
        lines.push(w.none.to_string());
    }
    lines
}

/// One line per outcome in the decision's terms, highest first: "1 sản phẩm đạt từ 90 điểm trở
/// lên, đề nghị Hội đồng cấp trung ương …: LD-2026-01 Mứt dâu tây Đà Lạt (91,25)"; then the
/// stated policy for products at 90 or more ranked lower by their minimums, naming them.
fn conclusions(
    w: &Words,
    t: &Strings,
    lang: Lang,
    level: Level,
    products: &[ProductView],
) -> Vec<String> {
    let listed = |ps: &[&ProductView]| {
        ps.iter()
            .map(|p| {
                format!(
                    "{} {} ({})",
                    p.code,
                    p.name,
                    localized(lang, &p.mean_display)
                )
            })
            .collect::<Vec<_>>()
            .join("; ")
    };
    let named = |ps: &[&ProductView]| {
        ps.iter()
            .map(|p| format!("{} {}", p.code, p.name))
            .collect::<Vec<_>>()
            .join("; ")
    };
    let with = |pred: &dyn Fn(Outcome) -> bool| -> Vec<&ProductView> {
        products.iter().filter(|p| pred(p.outcome)).collect()
    };
    let mut lines = Vec::new();
    let central = with(&|o| o == Outcome::ProposedToCentral);
    if !central.is_empty() {
        lines.push(format!(
            "{} {} {}: {}",
            central.len(),
            w.products_word,
            w.conclusion_central,
            listed(&central)
        ));
    }
    let mut levels: Vec<u8> = products.iter().filter_map(|p| p.stars).collect();
    levels.sort_unstable_by(|a, b| b.cmp(a));
    levels.dedup();
    for stars in &levels {
        let ps = with(&|o| o == Outcome::ProposedForRecognition { stars: *stars });
        if !ps.is_empty() {
            let whom = match level {
                Level::Province => w.conclusion_recognise_province,
                Level::Central => w.conclusion_recognise_central,
            };
            lines.push(format!(
                "{} {} {whom} {stars} {}: {}",
                ps.len(),
                w.products_word,
                t.stars_word,
                listed(&ps)
            ));
        }
    }
    // Ranks reached but not proposed: below 5★ at the central council, 1–2★ at a province.
    type OutcomeAt = fn(u8) -> Outcome;
    let reached: [(OutcomeAt, &str); 2] = [
        (
            |stars| Outcome::BelowTopAtCentral { stars },
            w.conclusion_below_top,
        ),
        (
            |stars| Outcome::NotRecognised { stars },
            w.conclusion_not_recognised,
        ),
    ];
    for (outcome, wording) in reached {
        for stars in &levels {
            let ps = with(&|o| o == outcome(*stars));
            if !ps.is_empty() {
                lines.push(format!(
                    "{} {} {} {stars} {}, {wording}: {}",
                    ps.len(),
                    w.products_word,
                    w.reached,
                    t.stars_word,
                    listed(&ps)
                ));
            }
        }
    }
    let knocked = with(&|o| o == Outcome::KnockedOut);
    if !knocked.is_empty() {
        lines.push(format!(
            "{} {} — {}: {}",
            knocked.len(),
            w.products_word,
            t.knocked_out,
            named(&knocked)
        ));
    }
    let unranked = with(&|o| o == Outcome::Unranked);
    if !unranked.is_empty() {
        lines.push(format!(
            "{} {} — {}: {}",
            unranked.len(),
            w.products_word,
            w.not_ranked,
            listed(&unranked)
        ));
    }
    let open = with(&|o| o == Outcome::Pending);
    if !open.is_empty() {
        lines.push(format!(
            "{} {} — {}: {}",
            open.len(),
            w.products_word,
            w.conclusion_unsettled,
            named(&open)
        ));
    }
    let held_back: Vec<&ProductView> = products
        .iter()
        .filter(|p| p.settled && !p.failing_top_minimums.is_empty())
        .collect();
    if !held_back.is_empty() {
        let each = held_back
            .iter()
            .map(|p| {
                format!(
                    "{} ({}): {} {}",
                    p.code,
                    localized(lang, &p.mean_display),
                    w.minimums_failed,
                    p.failing_top_minimums.join(", ")
                )
            })
            .collect::<Vec<_>>()
            .join("; ");
        lines.push(format!("{} — {each}", w.top_minimums_policy));
    }
    lines
}

/// One line per product that left waiting: its own attendance against the quorum, the sheets
/// that count, who was away or recused, and who came or went while it was scored.
fn attendance_lines(
    store: &Store,
    data: &SessionData,
    w: &Words,
    products: &[ProductView],
) -> crate::store::Result<Vec<String>> {
    let changes = store.presence_changes(data)?;
    let mut lines = Vec::new();
    for p in data
        .products
        .iter()
        .filter(|p| p.status != ProductStatus::Waiting)
    {
        let seats = store.seat_facts(data, p.id, p.round)?;
        let q = crate::meeting::quorum(&data.info.policy, &seats);
        let list = |pick: &dyn Fn(&crate::meeting::SeatFacts) -> bool| {
            seats
                .iter()
                .filter(|s| pick(s))
                .map(|s| s.seat.to_string())
                .collect::<Vec<_>>()
                .join(", ")
        };
        let mut line = format!(
            "{} ({} {}): {}",
            p.code,
            data.info.policy.quorum,
            if q.reached { "✓" } else { "✗" },
            w.scoring_present
                .replace("{present}", &q.present.to_string())
                .replace("{total}", &q.total.to_string())
                .replace("{needed}", &q.needed.to_string())
        );
        // The model's products are the session's, in the same order.
        let counted = products
            .iter()
            .find(|v| v.code == p.code)
            .map_or(0, |v| v.counted);
        line.push_str(&format!("; {}: {counted}", w.counted_sheets));
        let absent = list(&|s| s.scores && !s.present);
        if !absent.is_empty() {
            line.push_str(&format!(
                "; {} {}: {absent}",
                w.absent_seats,
                w.seat.to_lowercase()
            ));
        }
        let recused = list(&|s| s.recused);
        if !recused.is_empty() {
            line.push_str(&format!(
                "; {} {}: {recused}",
                w.recused_seats,
                w.seat.to_lowercase()
            ));
        }
        for c in changes
            .iter()
            .filter(|c| c.product_id == p.id && c.round == p.round)
        {
            let at = c.at.get(11..16).unwrap_or(&c.at);
            let what = if c.present { w.arrived } else { w.left };
            line.push_str(&format!(
                "; {} {} {what} {at}",
                w.seat.to_lowercase(),
                c.seat
            ));
        }
        lines.push(line);
    }
    Ok(lines)
}

/// One line per sheet reopened for a correction: product, seat, reason, and each choice that
/// changed from what the sheet held when it was reopened.
fn correction_lines(
    store: &Store,
    data: &SessionData,
    w: &Words,
    records: &[crate::store::ChoiceRecord],
) -> crate::store::Result<Vec<String>> {
    let mut lines = Vec::new();
    for c in store.sheet_corrections(data)? {
        let Some(p) = data.products.iter().find(|p| p.id == c.product_id) else {
            continue;
        };
        let now: std::collections::BTreeMap<&str, u32> = records
            .iter()
            .filter(|r| r.product_id == c.product_id && r.round == c.round && r.seat == c.seat)
            .map(|r| (r.criterion.as_str(), r.option))
            .collect();
        let changed: Vec<String> = c
            .old
            .iter()
            .filter_map(|(criterion, old)| {
                let new = now.get(criterion.as_str()).copied();
                (new != Some(*old)).then(|| {
                    format!(
                        "{criterion}: {old} → {}",
                        new.map_or("—".to_string(), |n| n.to_string())
                    )
                })
            })
            .collect();
        lines.push(format!(
            "{} ({} {}), {} {}: {}{}",
            p.code,
            w.round.to_lowercase(),
            c.round,
            w.seat.to_lowercase(),
            c.seat,
            c.reason,
            if changed.is_empty() {
                String::new()
            } else {
                format!(" — {}", changed.join("; "))
            }
        ));
    }
    Ok(lines)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vietnamese_dates_pad_days_under_ten_and_the_first_two_months() {
        let d = |y, m, d| jiff::civil::date(y, m, d);
        assert_eq!(
            date_text(Lang::Vi, d(2026, 11, 20)),
            "ngày 20 tháng 11 năm 2026"
        );
        assert_eq!(
            date_text(Lang::Vi, d(2026, 1, 5)),
            "ngày 05 tháng 01 năm 2026"
        );
        assert_eq!(
            date_text(Lang::Vi, d(2026, 3, 9)),
            "ngày 09 tháng 3 năm 2026"
        );
        assert_eq!(date_text(Lang::En, d(2026, 3, 9)), "9 March 2026");
    }
}
