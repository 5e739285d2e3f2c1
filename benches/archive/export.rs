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
