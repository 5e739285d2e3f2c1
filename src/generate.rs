//! A generator of realistic archives: many past sessions of one province, each scored in full
//! on the real criteria sets, for the benchmarks and for trying the tool at archive scale
//! (`council dev generate`).
//!
//! Everything goes through the public paths a real council uses: a session file that passes
//! `parse_session`, `create_session`, attendance, one CSV sheet import per session (one
//! transaction, every row validated) and closing each product. The same seed gives the same
//! archive in an empty database (the sheets also depend on each session's row id).

use std::time::{Duration, Instant};

use color_eyre::eyre::{Result, WrapErr, eyre};
use serde::Serialize;

use crate::rubric::{Catalog, Rubric};
use crate::session::parse_session;
use crate::store::{ChoiceRow, SessionData, Store, sha256_hex};

/// Bumped whenever the generator's output changes, so cached archives are rebuilt (4: the
/// imports that score it log one audit row per sheet, not per choice).
pub const GENERATOR_VERSION: u32 = 4;

/// The size and seed of an archive.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ArchiveSpec {
    pub sessions: u32,
    pub products: u32,
    pub members: u32,
    pub seed: u64,
}

impl ArchiveSpec {
    /// Choices in the finished archive: every scoring member (all but the secretary, the last
    /// seat) answers every criterion of every product.
    pub fn choices(&self, catalog: &Catalog) -> u64 {
        let sets = ocop_sets(catalog);
        (0..self.sessions)
            .map(|s| {
                (0..self.products)
                    .map(|p| sets[rubric_index(s, p, sets.len())].criteria_count() as u64)
                    .sum::<u64>()
            })
            .sum::<u64>()
            * u64::from(self.members - 1)
    }

    /// A file name that changes with anything that changes the archive: the parameters, the
    /// generator, the schema and the text of the shipped criteria sets.
    pub fn cache_name(&self, catalog: &Catalog) -> String {
        let sets: String = ocop_sets(catalog).iter().map(|r| &*r.id).collect();
        let texts: String = catalog
            .files
            .iter()
            .map(|f| f.text.as_str())
            .collect::<Vec<_>>()
            .join("\n");
        let digest = sha256_hex(format!("{sets}\n{texts}").as_bytes());
        format!(
            "archive-s{}-p{}-m{}-seed{}-g{}-schema{}-{}.db",
            self.sessions,
            self.products,
            self.members,
            self.seed,
            GENERATOR_VERSION,
            crate::store::SCHEMA_VERSION,
            &digest[..12]
        )
    }
}

/// What a generation run wrote.
#[derive(Debug, Clone, PartialEq)]
pub struct ArchiveReport {
    pub sessions: usize,
    pub products: usize,
    pub choices: usize,
    pub elapsed: Duration,
}

/// Adds `spec.sessions` complete sessions to `store`; `progress(done, total)` after each one.
pub fn generate_archive(
    store: &mut Store,
    catalog: &Catalog,
    spec: &ArchiveSpec,
    progress: &mut dyn FnMut(u32, u32),
) -> Result<ArchiveReport> {
    check_spec(spec)?;
    let started = Instant::now();
    let mut products = 0;
    let mut choices = 0;
    for index in 0..spec.sessions {
        let data = add_session(store, catalog, spec, index)?;
        choices += score_session(store, &data, spec.seed)?;
        close_all(store, data.info.id, spec.seed)?;
        products += data.products.len();
        progress(index + 1, spec.sessions);
    }
    Ok(ArchiveReport {
        sessions: spec.sessions as usize,
        products,
        choices,
        elapsed: started.elapsed(),
    })
}

fn check_spec(spec: &ArchiveSpec) -> Result<()> {
    if spec.sessions == 0 || spec.products == 0 {
        return Err(eyre!(
            "an archive needs at least one session and one product"
        ));
    }
    if spec.members < 3 {
        return Err(eyre!(
            "a council needs at least 3 members (a chair, a secretary and one more)"
        ));
    }
    if spec.products > 999 || spec.members > 99 || spec.sessions > 9999 {
        return Err(eyre!(
            "at most 9999 sessions of 999 products and 99 members each"
        ));
    }
    Ok(())
}

/// Loads session number `index` of the archive (members, products, no choices yet) and marks
/// every member present; returns it as stored.
pub fn add_session(
    store: &mut Store,
    catalog: &Catalog,
    spec: &ArchiveSpec,
    index: u32,
) -> Result<SessionData> {
    let text = session_file(catalog, spec, index);
    let name = format!("(generated) session {}", index + 1);
    let session = parse_session(&name, &text, &|id| catalog.find(id).is_some())
        .map_err(|p| eyre!("generated session does not validate:\n{p}"))?;
    let id = store.create_session(&session, &text, &|id| {
        catalog.find(id).map(|(f, _)| f.text.clone())
    })?;
    let data = store.load_session(id)?;
    store.set_attendance_all(&data, true)?;
    // The secretary chose case 1 for every set 26 product before it was scored.
    for product in &data.products {
        if crate::meeting::rubric_cases(&product.rubric) > 0 {
            store.choose_case(&data, product, 1)?;
        }
    }
    Ok(store.load_session(id)?)
}

/// Imports a complete sheet for every member and product of `data`, as one CSV import (one
/// transaction); every complete sheet counts as submitted. Returns the number of choices.
pub fn score_session(store: &mut Store, data: &SessionData, seed: u64) -> Result<usize> {
    let (csv, rows) = sheets_csv(data, seed)?;
    let label = format!("{}-sheets.csv", data.info.code);
    let report = store
        .import_choices(data, &label, &csv, &rows)
        .wrap_err_with(|| format!("importing the generated sheets of {}", data.info.code))?;
    Ok(report.rows)
}

/// Closes every product being scored; about one in thirty is knocked out instead, with the
/// first knock-out condition of its criteria set.
fn close_all(store: &mut Store, session_id: i64, seed: u64) -> Result<()> {
    let data = store.load_session(session_id)?;
    let mut rng = Rng::new(seed ^ 0xC105E ^ session_id as u64);
    for product in &data.products {
        let knock_out = rng.below(30) == 0;
        match product.rubric.knockouts.first() {
            Some(reason) if knock_out => store.knock_out(&data, product, 1, reason, None)?,
            _ => store.close_product(&data, product, None)?,
        }
    }
    Ok(())
}

/// One member's ticks, as a paper sheet import row, in sheet order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
struct CsvRow<'a> {
    product: &'a str,
    member: u32,
    criterion: &'a str,
    option: u32,
}

/// The `product,member,criterion,option` CSV of a complete sheet from every member for every
/// product of `data`, and the same rows parsed. Members of one council agree roughly: each
/// product has a quality, each member a leaning, each tick some noise, so totals, bands,
/// minimums and spreads all vary.
pub fn sheets_csv(data: &SessionData, seed: u64) -> Result<(Vec<u8>, Vec<ChoiceRow>)> {
    let mut rng = Rng::new(seed ^ (data.info.id as u64).wrapping_mul(0x5EED));
    let mut writer = csv::Writer::from_writer(Vec::new());
    let mut rows = Vec::new();
    let leanings: Vec<f64> = data
        .members
        .iter()
        .map(|_| (rng.unit() - 0.5) * 0.12)
        .collect();
    for product in &data.products {
        let quality = 0.2 + 0.8 * rng.unit().sqrt();
        for (member, leaning) in data.members.iter().zip(&leanings) {
            for (_, criterion) in product.rubric.criteria() {
                let target = (quality + leaning + (rng.unit() - 0.5) * 0.3).clamp(0.0, 1.0)
                    * f64::from(criterion.max_points);
                let allowed = crate::meeting::options_in_case(criterion, product.case_number);
                let option = closest_option(criterion, &allowed, target, &mut rng);
                if !member.scores {
                    continue; // drawn all the same, so the other members' sheets stay as they were
                }
                writer.serialize(CsvRow {
                    product: &product.code,
                    member: member.seat,
                    criterion: &criterion.id,
                    option,
                })?;
                rows.push(ChoiceRow {
                    line: rows.len() + 2,
                    product: product.code.clone(),
                    seat: member.seat,
                    criterion: criterion.id.to_string(),
                    option,
                });
            }
        }
    }
    let bytes = writer.into_inner().map_err(|e| eyre!("writing CSV: {e}"))?;
    Ok((bytes, rows))
}

/// The 1-based position, among `allowed`, of the option whose points are nearest `target`
/// (ties at random).
fn closest_option(
    criterion: &crate::rubric::Criterion,
    allowed: &[u32],
    target: f64,
    rng: &mut Rng,
) -> u32 {
    let points = |o: u32| criterion.option_at(o as usize).map_or(0, |c| c.points);
    let distance = |o: u32| (f64::from(points(o)) - target).abs();
    let best = allowed
        .iter()
        .map(|&o| distance(o))
        .fold(f64::INFINITY, f64::min);
    let nearest: Vec<u32> = allowed
        .iter()
        .copied()
        .filter(|&o| distance(o) <= best + 1e-9)
        .collect();
    nearest[rng.below(nearest.len())]
}

/// The 26 criteria sets of Decision 26/2026, in order.
fn ocop_sets(catalog: &Catalog) -> Vec<&Rubric> {
    let mut sets: Vec<&Rubric> = catalog
        .rubrics()
        .map(|(_, r)| r)
        .filter(|r| r.scheme.as_deref() == Some("ocop-2026"))
        .collect();
    sets.sort_by_key(|r| r.set_number);
    sets.dedup_by(|a, b| a.id == b.id);
    sets
}

/// Which set product `p` of session `s` uses: every set appears, in a different order each
/// session.
fn rubric_index(session: u32, product: u32, sets: usize) -> usize {
    (product as usize * 7 + session as usize * 5) % sets
}

/// The session file of session number `index`: it passes `council session check`.
pub fn session_file(catalog: &Catalog, spec: &ArchiveSpec, index: u32) -> String {
    let mut rng = Rng::new(spec.seed.wrapping_mul(1_000_003) ^ u64::from(index));
    let year = 2016 + index / 4;
    let round = index % 4 + 1;
    let sets = ocop_sets(catalog);
    let file = SessionFile {
        session: SessionHeader {
            id: format!("lam-dong-{year}-dot-{round}"),
            title: format!("Đánh giá, phân hạng sản phẩm OCOP cấp tỉnh đợt {round} năm {year}"),
            council: "Hội đồng đánh giá, phân hạng sản phẩm OCOP tỉnh Lâm Đồng".into(),
            level: "province",
            date: format!("{year}-{:02}-{:02}", 3 * round, 5 + rng.below(20)),
            time: "08:00",
            venue: rng.pick(VENUES).to_string(),
            province: "Lâm Đồng",
        },
        policy: PolicyFile {
            quorum: "3/4",
            chair_required: true,
            max_spread: 10,
            minimum_rule: "majority",
            blind_reentry: false,
            one_open_product: false,
        },
        members: (1..=spec.members)
            .map(|seat| MemberFile {
                seat,
                name: person_name(&mut rng),
                organisation: rng.pick(ORGANISATIONS).to_string(),
                role: match seat {
                    1 => "chair",
                    2 => "vice_chair",
                    s if s == spec.members => "secretary",
                    _ => "member",
                },
            })
            .collect(),
        products: (0..spec.products)
            .map(|p| {
                let rubric = sets[rubric_index(index, p, sets.len())];
                let place = rng.pick(PLACES);
                let set = rubric.set_number.unwrap_or(1) as usize;
                ProductFile {
                    // Unique within the session, as on the province's own lists.
                    code: format!("LD-{year}-{:02}", p + 1),
                    name: format!("{} {place}", PRODUCT_NAMES[(set - 1) % PRODUCT_NAMES.len()]),
                    producer: format!("{} {place}", rng.pick(PRODUCERS)),
                    commune: format!("Xã {place}"),
                    rubric: rubric.id.to_string(),
                }
            })
            .collect(),
    };
    let body = toml::to_string(&file).expect("a session file serialises");
    format!(
        "# Generated by `council dev generate` (seed {}).\n\n{body}",
        spec.seed
    )
}

#[derive(Serialize)]
struct SessionFile {
    session: SessionHeader,
    policy: PolicyFile,
    members: Vec<MemberFile>,
    products: Vec<ProductFile>,
}

#[derive(Serialize)]
struct SessionHeader {
    id: String,
    title: String,
    council: String,
    level: &'static str,
    date: String,
    time: &'static str,
    venue: String,
    province: &'static str,
}

#[derive(Serialize)]
struct PolicyFile {
    quorum: &'static str,
    chair_required: bool,
    max_spread: u32,
    minimum_rule: &'static str,
    blind_reentry: bool,
    /// Archived sessions were entered as one import of every paper sheet.
    one_open_product: bool,
}

#[derive(Serialize)]
struct MemberFile {
    seat: u32,
    name: String,
    organisation: String,
    role: &'static str,
}

#[derive(Serialize)]
struct ProductFile {
    code: String,
    name: String,
    producer: String,
    commune: String,
    rubric: String,
}

fn person_name(rng: &mut Rng) -> String {
    format!(
        "{} {} {}",
        rng.pick(FAMILY_NAMES),
        rng.pick(MIDDLE_NAMES),
        rng.pick(GIVEN_NAMES)
    )
}

/// One typical product per criteria set, by set number.
const PRODUCT_NAMES: &[&str] = &[
    "Bơ sáp",
    "Thịt bò một nắng",
    "Gạo thơm",
    "Mật ong hoa cà phê",
    "Bánh tráng cuốn",
    "Bánh gạo lứt",
    "Mứt dâu tây",
    "Khô cá",
    "Nước mắm cốt",
    "Muối tiêu",
    "Trà Ô long",
    "Trà hoa atiso",
    "Cà phê Robusta rang xay",
    "Rượu cần",
    "Rượu vang dâu",
    "Nước khoáng",
    "Nước ép chanh dây",
    "Cao atiso",
    "Xà phòng thảo dược",
    "Tinh dầu sả chanh",
    "Giỏ mây tre đan",
    "Thổ cẩm dệt tay",
    "Hoa cẩm tú cầu",
    "Bonsai tùng la hán",
    "Cá Koi",
    "Du lịch cộng đồng làng",
];

const PLACES: &[&str] = &[
    "Cầu Đất",
    "Đơn Dương",
    "Bảo Lộc",
    "Di Linh",
    "Lạc Dương",
    "Đức Trọng",
    "Lâm Hà",
    "Đam Rông",
    "Cát Tiên",
    "Đạ Huoai",
    "Xuân Thọ",
    "Tà Nung",
    "Lộc Thắng",
    "Gia Hiệp",
    "Hiệp Thạnh",
    "Ka Đô",
];

const PRODUCERS: &[&str] = &[
    "Hợp tác xã Nông nghiệp",
    "Hợp tác xã Dịch vụ",
    "Công ty TNHH Nông sản",
    "Công ty Cổ phần Thực phẩm",
    "Tổ hợp tác Sản xuất",
    "Hộ kinh doanh",
];

const VENUES: &[&str] = &[
    "Hội trường Sở Nông nghiệp và Môi trường, số 14 Trần Hưng Đạo, Đà Lạt",
    "Phòng họp Văn phòng Điều phối nông thôn mới tỉnh",
    "Hội trường Ủy ban nhân dân tỉnh Lâm Đồng",
];

const ORGANISATIONS: &[&str] = &[
    "Sở Nông nghiệp và Môi trường",
    "Sở Công Thương",
    "Sở Khoa học và Công nghệ",
    "Sở Văn hóa, Thể thao và Du lịch",
    "Sở Y tế",
    "Sở Tài chính",
    "Liên minh Hợp tác xã tỉnh",
    "Hội Nông dân tỉnh",
    "Hội Liên hiệp Phụ nữ tỉnh",
    "Trường Đại học Đà Lạt",
    "Chi cục Phát triển nông thôn",
];

const FAMILY_NAMES: &[&str] = &[
    "Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô",
    "Dương", "Lý",
];

const MIDDLE_NAMES: &[&str] = &[
    "Văn", "Thị", "Minh", "Quốc", "Thanh", "Ngọc", "Đức", "Thu", "Hữu", "Xuân", "Mỹ",
];

const GIVEN_NAMES: &[&str] = &[
    "Hùng", "Hà", "Đức", "Ánh", "Lợi", "Linh", "Bảo", "Tâm", "Phương", "Thảo", "Dũng", "Nguyệt",
    "Khoa", "Trí", "Hạnh", "Quý", "Sương", "Tuấn", "Yến", "Lộc",
];

/// SplitMix64: tiny, seedable and stable across releases, so a seed always names the same
/// archive (a general-purpose RNG crate may change its streams between versions).
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Self {
        Self(seed)
    }

    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `[0, 1)`.
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}
