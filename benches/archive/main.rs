//! Speed at archive scale: every benchmark of issue 7 on a generated archive of 40 sessions ×
//! 70 products × 15 members on the 26 real criteria sets (about 1.5 million choices).
//!
//! `cargo bench` runs them all and ends with a summary of each figure against its target;
//! `cargo bench -- results` runs one group. Under `cargo test --benches` (criterion's test
//! mode) every benchmark runs once on a toy archive, so the code paths stay checked without the
//! full archive. `COUNCIL_BENCH_GROUPS_ONLY=1` skips what no criterion filter can select (the
//! two-minute room, the memory run and the export sizes), to time one group quickly. See
//! BENCHMARKS.md.

mod export;
mod fixtures;
mod import;
mod keystroke;
mod memory;
mod results;
mod room;
mod startup;
mod summary;

use std::path::PathBuf;
use std::time::{Duration, SystemTime};

use criterion::Criterion;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let has = |flag: &str| args.iter().any(|a| a == flag);
    // Criterion measures only under `--bench` (what `cargo bench` passes) without `--test`.
    let measuring = has("--bench") && !has("--test") && !has("--list");
    let started = SystemTime::now();
    let target = target_dir();
    let criterion_dir = target.join("criterion");
    let fx = fixtures::Fixtures::prepare(&target, measuring);
    eprintln!("load average before the run: {}", summary::load_average());

    let mut c = Criterion::default()
        .output_directory(&criterion_dir)
        .sample_size(20)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
        .without_plots()
        .configure_from_args();
    startup::bench(&mut c, &fx);
    keystroke::bench(&mut c, &fx);
    results::bench(&mut c, &fx);
    // Two minutes of a meeting (a few seconds under `cargo test --benches`).
    let groups_only = std::env::var_os("COUNCIL_BENCH_GROUPS_ONLY").is_some();
    let meeting = Duration::from_secs(if measuring { 120 } else { 10 });
    let room = (!groups_only).then(|| room::run(&fx, meeting));
    for line in room.iter().flat_map(|r| r.lines()) {
        eprintln!("{line}");
    }
    export::bench(&mut c, &fx);
    import::bench(&mut c, &fx);
    c.final_summary();
    let Some(room) = room else {
        return;
    };

    let copy = fx.writable_copy("memory");
    let peak = memory::peak_rss(&copy);
    let _ = std::fs::remove_file(&copy);
    match &peak {
        Ok(bytes) => eprintln!("memory: peak resident {:.1} MB", *bytes as f64 / 1e6),
        Err(e) => eprintln!("memory: not measured: {e}"),
    }
    // Export at the sizes of the issue: time and peak memory against 2 s and 200 MB, the median
    // time and the highest peak of three runs of the real binary.
    let sizes: &[(u32, u32)] = if measuring {
        &[(70, 15), (200, 15)]
    } else {
        &[(3, 7)]
    };
    let runs = if measuring { 3 } else { 1 };
    let mut exports = Vec::new();
    for &(products, members) in sizes {
        let measured = export::peak_export_runs(&fx.scratch, products, members, runs);
        match &measured {
            Ok((secs, bytes)) => eprintln!(
                "export {products}x{members}: {secs:.2} s ({:.2} of the 2 s target), peak {:.1} MB ({:.2} of the 200 MB target)",
                secs / 2.0,
                *bytes as f64 / 1e6,
                *bytes as f64 / 200e6
            ),
            Err(e) => eprintln!("export {products}x{members}: not measured: {e}"),
        }
        exports.push(summary::Export {
            products,
            members,
            measured,
        });
    }
    if measuring {
        summary::print(&criterion_dir, started, &fx, peak, &room, &exports);
    }
}

/// The cargo target folder: the benchmark runs as `<target>/release/deps/archive-HASH`.
fn target_dir() -> PathBuf {
    let exe = std::env::current_exe().expect("the benchmark's own path");
    exe.ancestors()
        .nth(3)
        .expect("the benchmark runs inside the target folder")
        .to_path_buf()
}
