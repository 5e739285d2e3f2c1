//! (3) The full result breakdown of one product and of a whole session, against the same
//! aggregation (per-member totals, the mean and the band) written as one SQL query that SQLite
//! runs on the same database.

use criterion::Criterion;
use rusqlite::Connection;

use council::store::{ProductStatus, SessionData, Store, result_from_sheets};

use crate::fixtures::Fixtures;

/// Per-member totals, the council's mean and its band for one product, as SQLite computes them.
/// Only the totals: no parts, sections, minimums, criterion statistics or spread, and the
/// OCOP bands written in (the Rust side reads them from the stored rubric).
const PRODUCT_SQL: &str = "
WITH totals AS (
    SELECT s.member_id, SUM(c.points) AS total
    FROM sheets s
    JOIN products p ON p.id = s.product_id AND p.round = s.round
    JOIN choices c ON c.product_id = s.product_id AND c.round = s.round
                  AND c.member_id = s.member_id AND c.entry = 1
    WHERE s.product_id = ?1 AND s.status = 'submitted'
      AND NOT EXISTS (SELECT 1 FROM recusals r
                      WHERE r.product_id = s.product_id AND r.member_id = s.member_id)
    GROUP BY s.member_id
)
SELECT member_id, total, AVG(total) OVER () AS mean,
       CASE WHEN SUM(total) OVER () >= 90 * COUNT(*) OVER () THEN 5
            WHEN SUM(total) OVER () >= 70 * COUNT(*) OVER () THEN 4
            WHEN SUM(total) OVER () >= 50 * COUNT(*) OVER () THEN 3
            WHEN SUM(total) OVER () >= 30 * COUNT(*) OVER () THEN 2
            ELSE 1 END AS band
FROM totals ORDER BY member_id";

/// The same for every product of a session, in one query.
const SESSION_SQL: &str = "
WITH totals AS (
    SELECT s.product_id, s.member_id, SUM(c.points) AS total
    FROM products p
    JOIN sheets s ON s.product_id = p.id AND s.round = p.round
    JOIN choices c ON c.product_id = s.product_id AND c.round = s.round
                  AND c.member_id = s.member_id AND c.entry = 1
    WHERE p.session_id = ?1 AND s.status = 'submitted'
      AND NOT EXISTS (SELECT 1 FROM recusals r
                      WHERE r.product_id = s.product_id AND r.member_id = s.member_id)
    GROUP BY s.product_id, s.member_id
)
SELECT product_id, member_id, total,
       AVG(total) OVER w AS mean,
       CASE WHEN SUM(total) OVER w >= 90 * COUNT(*) OVER w THEN 5
            WHEN SUM(total) OVER w >= 70 * COUNT(*) OVER w THEN 4
            WHEN SUM(total) OVER w >= 50 * COUNT(*) OVER w THEN 3
            WHEN SUM(total) OVER w >= 30 * COUNT(*) OVER w THEN 2
            ELSE 1 END AS band
FROM totals WINDOW w AS (PARTITION BY product_id)
ORDER BY product_id, member_id";

/// One member's total with the product's mean and band, as the SQL returns them.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SqlRow {
    pub product_id: i64,
    pub member_id: i64,
    pub total: i64,
    pub mean: f64,
    pub band: u8,
}

pub fn sql_product(conn: &Connection, product_id: i64) -> Vec<SqlRow> {
    let mut stmt = conn
        .prepare_cached(PRODUCT_SQL)
        .expect("product SQL prepares");
    stmt.query_map([product_id], |r| {
        Ok(SqlRow {
            product_id,
            member_id: r.get(0)?,
            total: r.get(1)?,
            mean: r.get(2)?,
            band: r.get(3)?,
        })
    })
    .expect("product SQL runs")
    .collect::<rusqlite::Result<_>>()
    .expect("product SQL rows")
}

pub fn sql_session(conn: &Connection, session_id: i64) -> Vec<SqlRow> {
    let mut stmt = conn
        .prepare_cached(SESSION_SQL)
        .expect("session SQL prepares");
    stmt.query_map([session_id], |r| {
        Ok(SqlRow {
            product_id: r.get(0)?,
            member_id: r.get(1)?,
            total: r.get(2)?,
            mean: r.get(3)?,
            band: r.get(4)?,
        })
    })
    .expect("session SQL runs")
    .collect::<rusqlite::Result<_>>()
    .expect("session SQL rows")
}

/// The newest session of the archive (the one a meeting would look back at first).
pub fn latest_session(store: &Store) -> SessionData {
    let latest = store
        .sessions()
        .expect("list sessions")
        .into_iter()
        .last()
        .expect("the archive has sessions");
    store.load_session(latest.id).expect("load the session")
}

pub fn bench(c: &mut Criterion, fx: &Fixtures) {
    let store = Store::open(&fx.archive).expect("open the archive");
    let data = latest_session(&store);
    let product = data
        .products
        .iter()
        .find(|p| p.status == ProductStatus::Closed)
        .expect("a closed product");
    check_same_figures(&store, &data);

    let mut group = c.benchmark_group("results");
    // What a screen shows: the kept result, read and parsed.
    group.bench_function("product_rust", |b| {
        b.iter(|| store.shown_result(&data, product).expect("result"))
    });
    group.bench_function("product_fresh", |b| {
        b.iter(|| store.product_result(&data, product).expect("result"))
    });
    group.bench_function("product_sql", |b| {
        b.iter(|| sql_product(store.connection(), product.id))
    });
    // Where the product's time goes: reading its sheets, then the pure scoring.
    group.bench_function("product_read_sheets", |b| {
        b.iter(|| {
            store
                .sheets(&data, product.id, product.round)
                .expect("sheets")
        })
    });
    let sheets = store
        .sheets(&data, product.id, product.round)
        .expect("sheets");
    let seats = store
        .seat_facts(&data, product.id, product.round)
        .expect("attendance");
    group.bench_function("product_score_only", |b| {
        b.iter(|| result_from_sheets(&data, product, &sheets, &seats))
    });
    group.sample_size(20);
    group.bench_function("session_rust", |b| {
        b.iter(|| {
            data.products
                .iter()
                .map(|p| store.shown_result(&data, p).expect("result"))
                .collect::<Vec<_>>()
        })
    });
    group.bench_function("session_fresh", |b| {
        b.iter(|| store.session_results(&data).expect("results"))
    });
    group.bench_function("session_sql", |b| {
        b.iter(|| sql_session(store.connection(), data.info.id))
    });
    group.finish();
}

/// The two ways must agree on the figures they share, or the comparison means nothing.
fn check_same_figures(store: &Store, data: &SessionData) {
    let sql = sql_session(store.connection(), data.info.id);
    let results = store.session_results(data).expect("results");
    for (product, result) in data.products.iter().zip(&results) {
        let kept = store.kept_result(product, product.round).expect("kept");
        assert_eq!(
            kept.as_ref(),
            Some(result),
            "kept result of {}",
            product.code
        );
        if product.status == ProductStatus::KnockedOut {
            continue; // no band: the product is "không đạt"
        }
        let rows: Vec<&SqlRow> = sql.iter().filter(|r| r.product_id == product.id).collect();
        let mut sql_totals: Vec<u32> = rows.iter().map(|r| r.total as u32).collect();
        let mut rust_totals: Vec<u32> = result.members.iter().map(|m| m.total).collect();
        sql_totals.sort_unstable();
        rust_totals.sort_unstable();
        assert_eq!(sql_totals, rust_totals, "member totals of {}", product.code);
        let mean = result.mean_total.expect("a mean");
        assert!(
            (rows[0].mean - mean).abs() < 1e-9,
            "mean of {}",
            product.code
        );
        assert_eq!(
            Some(rows[0].band),
            result.band_stars,
            "band of {}",
            product.code
        );
    }
}
