//! (4) Exporting every format (DOCX minutes and sheets, XLSX, HTML minutes and sheets,
//! Markdown, CSV, JSON) for one 70-product session of the archive.

use criterion::Criterion;

use council::export::{Format, build_minutes, export_session};
use council::i18n::Lang;
use council::store::Store;

use crate::fixtures::Fixtures;
use crate::results::latest_session;

pub fn bench(c: &mut Criterion, fx: &Fixtures) {
    let store = Store::open(&fx.archive).expect("open the archive");
    let data = latest_session(&store);
    let out = fx.scratch.join("export");
    let export = || {
        export_session(&store, &data, &Format::ALL, &out, Lang::Vi, &mut |_| {}).expect("export")
    };
    let files = export();
    let bytes: u64 = files
        .iter()
        .map(|f| std::fs::metadata(f).map_or(0, |m| m.len()))
        .sum();
    eprintln!(
        "export: {} files, {:.1} MB for {} products",
        files.len(),
        bytes as f64 / 1e6,
        data.products.len()
    );

    let mut group = c.benchmark_group("export");
    group.sample_size(10);
    group.bench_function("session_all_formats", |b| b.iter(export));
    // Where the time goes: the minutes model every format is rendered from, then each format
    // on its own (model included).
    group.bench_function("stage_model", |b| {
        b.iter(|| build_minutes(&store, &data, Lang::Vi).expect("model"))
    });
    for format in Format::ALL {
        let name = format!("stage_{format:?}").to_lowercase();
        group.bench_function(name, |b| {
            b.iter(|| {
                export_session(&store, &data, &[format], &out, Lang::Vi, &mut |_| {})
                    .expect("export")
            })
        });
    }
    group.finish();
}

/// [`peak_export`] `runs` times: the median time and the highest peak.
pub fn peak_export_runs(
    scratch: &std::path::Path,
    products: u32,
    members: u32,
    runs: usize,
) -> Result<(f64, u64), String> {
    let mut times = Vec::new();
    let mut peak = 0;
    for _ in 0..runs.max(1) {
        let (secs, bytes) = peak_export(scratch, products, members)?;
        times.push(secs);
        peak = peak.max(bytes);
    }
    times.sort_by(f64::total_cmp);
    Ok((times[times.len() / 2], peak))
}

/// Time and peak resident memory of the real `council export` (every format) on one session of
/// `products` × `members`, generated into its own database: the targets are under 2 s
/// and under 200 MB for 200 × 15.
pub fn peak_export(
    scratch: &std::path::Path,
    products: u32,
    members: u32,
) -> Result<(f64, u64), String> {
    use council::generate::{ArchiveSpec, generate_archive};
    let db = scratch.join(format!("export-{products}x{members}.db"));
    if !db.exists() {
        let mut store = Store::open_or_create(&db).map_err(|e| e.to_string())?;
        let spec = ArchiveSpec {
            sessions: 1,
            products,
            members,
            seed: 3,
        };
        generate_archive(
            &mut store,
            &council::rubric::Catalog::shipped(),
            &spec,
            &mut |_, _| {},
        )
        .map_err(|e| e.to_string())?;
    }
    let out = scratch.join(format!("export-{products}x{members}"));
    let started = std::time::Instant::now();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_council"))
        .arg("--db")
        .arg(&db)
        .env("COUNCIL_CONFIG_DIR", scratch.join("export-config"))
        .args(["export", "--out"])
        .arg(&out)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .map_err(|e| format!("spawn: {e}"))?;
    // The high-water mark only grows: the last reading before the process ends is its peak.
    let status_file = format!("/proc/{}/status", child.id());
    let mut peak_kb = 0u64;
    loop {
        if let Ok(status) = std::fs::read_to_string(&status_file)
            && let Some(kb) = status
                .lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        {
            peak_kb = peak_kb.max(kb);
        }
        if child.try_wait().map_err(|e| e.to_string())?.is_some() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    Ok((started.elapsed().as_secs_f64(), peak_kb * 1024))
}
