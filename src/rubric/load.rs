//! Rubric TOML → validated [`Rubric`], reporting every broken rule with its position.

use std::collections::HashSet;

use serde::Deserialize;
use toml::Spanned;

use super::model::{Band, Choice, Criterion, Group, Part, Rubric, Section};
use crate::diag::{Problem, Problems, Source};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    rubric: RawMeta,
    #[serde(default)]
    bands: Vec<RawBand>,
    #[serde(default)]
    parts: Vec<RawPart>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMeta {
    id: Spanned<String>,
    name: String,
    set_number: Option<u32>,
    product_type: Option<String>,
    group: String,
    subgroup: Option<String>,
    legal_basis: String,
    scheme: Option<Spanned<String>>,
    max_points: Spanned<u32>,
    #[serde(default)]
    knockouts: Vec<String>,
    #[serde(default)]
    notes: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawBand {
    stars: Spanned<u8>,
    min_points: Spanned<u32>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPart {
    id: Spanned<String>,
    title: String,
    max_points: Spanned<u32>,
    printed_points: Option<u32>,
    note: Option<String>,
    #[serde(default)]
    sections: Vec<RawSection>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSection {
    id: Spanned<String>,
    title: String,
    max_points: Spanned<u32>,
    #[serde(default)]
    groups: Vec<RawGroup>,
    #[serde(default)]
    criteria: Vec<RawCriterion>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawGroup {
    id: Spanned<String>,
    title: String,
    max_points: Spanned<u32>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCriterion {
    id: Spanned<String>,
    title: String,
    max_points: Spanned<u32>,
    group: Option<Spanned<String>>,
    description: Option<String>,
    #[serde(default)]
    notes: Vec<String>,
    condition: Option<String>,
    knockout: Option<String>,
    #[serde(default)]
    options: Vec<RawOption>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawOption {
    text: Spanned<String>,
    points: Spanned<u32>,
    min_stars: Option<Spanned<u8>>,
    case: Option<String>,
    printed_points: Option<String>,
    note: Option<String>,
}

/// The scheme whose parts and total are fixed by Decision 26/2026/QĐ-TTg (Điều 3.1).
const OCOP_2026: &str = "ocop-2026";
const OCOP_PARTS: [(&str, u32); 3] = [("A", 40), ("B", 25), ("C", 35)];

/// Parses and validates one rubric file. `name` is how the file is named in messages.
pub fn parse_rubric(name: &str, text: &str) -> Result<Rubric, Problems> {
    let src = Source::new(name, text);
    src.precheck()?;
    let raw: RawFile = toml::from_str(text).map_err(|e| src.toml_error(&e))?;
    let mut check = Checker {
        src: &src,
        problems: Vec::new(),
    };
    let rubric = check.rubric(raw);
    if check.problems.is_empty() {
        Ok(rubric)
    } else {
        Err(Problems(check.problems))
    }
}

struct Checker<'a> {
    src: &'a Source<'a>,
    problems: Vec<Problem>,
}

impl Checker<'_> {
    fn fail<T>(&mut self, at: &Spanned<T>, message: String) {
        self.problems.push(self.src.at(&at.span(), message));
    }

    fn id(&mut self, id: &Spanned<String>, what: &str, seen: &mut HashSet<String>) -> String {
        let value = id.get_ref().trim().to_string();
        if value.is_empty() {
            self.fail(id, format!("{what} id is empty"));
        } else if !seen.insert(value.clone()) {
            self.fail(id, format!("duplicate {what} id \"{value}\""));
        }
        value
    }

    fn rubric(&mut self, raw: RawFile) -> Rubric {
        let meta = raw.rubric;
        let mut ids = HashSet::new();
        let id = self.id(&meta.id, "rubric", &mut ids);
        if !id.is_empty()
            && !id
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        {
            self.fail(
                &meta.id,
                format!("rubric id \"{id}\" may only use a-z, 0-9 and '-'"),
            );
        }
        let bands = self.bands(&raw.bands, &meta.max_points);
        let top_stars = bands.first().map_or(0, |b| b.stars);

        let mut part_ids = HashSet::new();
        let mut section_ids = HashSet::new();
        let mut criterion_ids = HashSet::new();
        let mut parts = Vec::new();
        for raw_part in raw.parts {
            let part_id = self.id(&raw_part.id, "part", &mut part_ids);
            let mut sections = Vec::new();
            for raw_section in raw_part.sections {
                sections.push(self.section(
                    raw_section,
                    &mut section_ids,
                    &mut criterion_ids,
                    top_stars,
                ));
            }
            let sum: u32 = sections.iter().map(|s| s.max_points).sum();
            if sum != *raw_part.max_points.get_ref() {
                self.fail(
                    &raw_part.max_points,
                    format!(
                        "part {part_id} maximum is {} but its sections add up to {sum}",
                        raw_part.max_points.get_ref()
                    ),
                );
            }
            parts.push(Part {
                id: part_id.into(),
                title: raw_part.title.into(),
                max_points: *raw_part.max_points.get_ref(),
                printed_points: raw_part.printed_points,
                note: raw_part.note,
                sections,
            });
        }
        if parts.is_empty() {
            self.fail(&meta.id, "rubric has no parts".to_string());
        }
        let total: u32 = parts.iter().map(|p| p.max_points).sum();
        let max_points = *meta.max_points.get_ref();
        if total != max_points {
            self.fail(
                &meta.max_points,
                format!("rubric maximum is {max_points} but its parts add up to {total}"),
            );
        }
        if let Some(scheme) = &meta.scheme {
            self.scheme(scheme, max_points, &meta.max_points, &parts);
        }
        Rubric {
            id: id.into(),
            name: meta.name,
            set_number: meta.set_number,
            product_type: meta.product_type,
            group: meta.group,
            subgroup: meta.subgroup,
            legal_basis: meta.legal_basis,
            scheme: meta.scheme.map(Spanned::into_inner),
            max_points,
            knockouts: meta.knockouts,
            notes: meta.notes,
            bands,
            parts,
            flat: Default::default(),
        }
    }

    fn scheme(
        &mut self,
        scheme: &Spanned<String>,
        max_points: u32,
        max_at: &Spanned<u32>,
        parts: &[Part],
    ) {
        if scheme.get_ref() != OCOP_2026 {
            self.fail(
                scheme,
                format!(
                    "unknown scheme \"{}\" (known: {OCOP_2026})",
                    scheme.get_ref()
                ),
            );
            return;
        }
        if max_points != 100 {
            self.fail(
                max_at,
                format!("{OCOP_2026} rubrics total 100 points, not {max_points}"),
            );
        }
        let found: Vec<(&str, u32)> = parts.iter().map(|p| (&*p.id, p.max_points)).collect();
        if found != OCOP_PARTS {
            let show = |ps: &[(&str, u32)]| {
                ps.iter()
                    .map(|(id, pts)| format!("{id} {pts}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            self.fail(
                scheme,
                format!(
                    "{OCOP_2026} rubrics have parts {} (found {})",
                    show(&OCOP_PARTS),
                    show(&found)
                ),
            );
        }
    }

    fn bands(&mut self, raw: &[RawBand], max_at: &Spanned<u32>) -> Vec<Band> {
        let mut bands: Vec<Band> = Vec::new();
        for b in raw {
            let stars = *b.stars.get_ref();
            if !(1..=5).contains(&stars) {
                self.fail(&b.stars, format!("band stars must be 1 to 5, not {stars}"));
            } else if bands.iter().any(|x| x.stars == stars) {
                self.fail(&b.stars, format!("duplicate band for {stars} stars"));
            }
            if b.min_points.get_ref() > max_at.get_ref() {
                self.fail(
                    &b.min_points,
                    format!(
                        "band threshold {} is above the rubric maximum {}",
                        b.min_points.get_ref(),
                        max_at.get_ref()
                    ),
                );
            }
            bands.push(Band {
                stars,
                min_points: *b.min_points.get_ref(),
            });
        }
        if raw.is_empty() {
            self.fail(max_at, "rubric has no star bands".to_string());
            return bands;
        }
        bands.sort_by_key(|b| std::cmp::Reverse(b.stars));
        for pair in bands.windows(2) {
            if pair[0].min_points < pair[1].min_points {
                let at = raw
                    .iter()
                    .find(|b| *b.stars.get_ref() == pair[0].stars)
                    .map(|b| &b.min_points)
                    .expect("band came from raw");
                self.fail(
                    at,
                    format!(
                        "band {} stars starts at {}, below the {} stars band ({})",
                        pair[0].stars, pair[0].min_points, pair[1].stars, pair[1].min_points
                    ),
                );
            }
        }
        if let Some(lowest) = bands.last()
            && lowest.min_points != 0
        {
            let at = raw
                .iter()
                .find(|b| *b.stars.get_ref() == lowest.stars)
                .map(|b| &b.min_points)
                .expect("band came from raw");
            self.fail(
                at,
                format!(
                    "the lowest band ({} stars) must start at 0, not {}",
                    lowest.stars, lowest.min_points
                ),
            );
        }
        bands
    }

    fn section(
        &mut self,
        raw: RawSection,
        section_ids: &mut HashSet<String>,
        criterion_ids: &mut HashSet<String>,
        top_stars: u8,
    ) -> Section {
        let id = self.id(&raw.id, "section", section_ids);
        let mut groups = Vec::new();
        for g in &raw.groups {
            let group_id = self.id(&g.id, "group", section_ids);
            groups.push(Group {
                id: group_id,
                title: g.title.clone(),
                max_points: *g.max_points.get_ref(),
            });
        }
        let mut criteria = Vec::new();
        for rc in raw.criteria {
            if let Some(g) = &rc.group
                && !groups.iter().any(|x| x.id == *g.get_ref())
            {
                self.fail(
                    g,
                    format!(
                        "criterion group \"{}\" is not a group of section {id}",
                        g.get_ref()
                    ),
                );
            }
            criteria.push(self.criterion(rc, criterion_ids, top_stars));
        }
        for (g, raw_g) in groups.iter().zip(&raw.groups) {
            let sum: u32 = criteria
                .iter()
                .filter(|c| c.group.as_deref() == Some(g.id.as_str()))
                .map(|c| c.max_points)
                .sum();
            if sum != g.max_points {
                self.fail(
                    &raw_g.max_points,
                    format!(
                        "group {} maximum is {} but its criteria add up to {sum}",
                        g.id, g.max_points
                    ),
                );
            }
        }
        let sum: u32 = criteria.iter().map(|c| c.max_points).sum();
        if sum != *raw.max_points.get_ref() {
            self.fail(
                &raw.max_points,
                format!(
                    "section {id} maximum is {} but its criteria add up to {sum}",
                    raw.max_points.get_ref()
                ),
            );
        }
        Section {
            id: id.into(),
            title: raw.title.into(),
            max_points: *raw.max_points.get_ref(),
            groups,
            criteria,
        }
    }

    fn criterion(
        &mut self,
        raw: RawCriterion,
        criterion_ids: &mut HashSet<String>,
        top_stars: u8,
    ) -> Criterion {
        let id = self.id(&raw.id, "criterion", criterion_ids);
        let max = *raw.max_points.get_ref();
        if raw.options.is_empty() {
            self.fail(&raw.id, format!("criterion {id} has no options"));
        }
        let mut options = Vec::new();
        for (i, o) in raw.options.iter().enumerate() {
            let position = i + 1;
            let points = *o.points.get_ref();
            if o.text.get_ref().trim().is_empty() {
                self.fail(
                    &o.text,
                    format!("option {position} of criterion {id} has no text"),
                );
            }
            if points > max {
                self.fail(
                    &o.points,
                    format!(
                        "option {position} of criterion {id} scores {points} points, above the criterion maximum {max}"
                    ),
                );
            }
            let min_stars = o.min_stars.as_ref().map(|m| *m.get_ref());
            // Without bands (already reported) there is no scale to check markers against.
            if let Some(m) = o.min_stars.as_ref().filter(|_| top_stars > 0) {
                let stars = *m.get_ref();
                if !(2..=top_stars).contains(&stars) {
                    self.fail(
                        m,
                        format!(
                            "option {position} of criterion {id} has star marker {stars}; markers are 2 to {}",
                            top_stars
                        ),
                    );
                }
            }
            options.push(Choice {
                text: o.text.get_ref().trim().into(),
                points,
                min_stars,
                case: o.case.clone(),
                printed_points: o.printed_points.clone(),
                note: o.note.clone(),
            });
        }
        if !options.is_empty() && options.iter().all(|o| o.points < max) {
            self.fail(
                &raw.max_points,
                format!("no option of criterion {id} reaches its maximum {max}"),
            );
        }
        // A higher star minimum must never be satisfied by fewer points than a lower one.
        for (i, a) in options.iter().enumerate() {
            for (j, b) in options.iter().enumerate() {
                if let (Some(sa), Some(sb)) = (a.min_stars, b.min_stars)
                    && sa < sb
                    && a.points > b.points
                {
                    let at = raw.options[j].min_stars.as_ref().expect("marker present");
                    self.fail(
                        at,
                        format!(
                            "criterion {id}: option {} marks {sb} stars at {} points, below option {} marking {sa} stars at {} points",
                            j + 1,
                            b.points,
                            i + 1,
                            a.points
                        ),
                    );
                }
            }
        }
        Criterion {
            id: id.into(),
            title: raw.title.into(),
            max_points: max,
            group: raw.group.map(Spanned::into_inner),
            description: raw.description,
            notes: raw.notes,
            condition: raw.condition,
            knockout: raw.knockout,
            options,
        }
    }
}
