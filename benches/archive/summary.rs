//! The closing table: each figure criterion measured in this run (its median), the issue's
//! target, and the ratios the issue asks for.

use std::path::Path;
use std::time::SystemTime;

use crate::fixtures::Fixtures;

/// A benchmark and its target, in nanoseconds.
struct Target {
    id: &'static str,
    what: &'static str,
    limit_ns: Option<f64>,
}

const MS: f64 = 1e6;

const TARGETS: &[Target] = &[
    Target {
        id: "startup/dashboard_40_sessions",
        what: "(1) start-up to the first dashboard frame, 40-session archive",
        limit_ns: Some(15.0 * MS),
    },
    Target {
        id: "startup/dashboard_1_session",
        what: "(1) the same, 1-session archive",
        limit_ns: Some(15.0 * MS),
    },
    Target {
        id: "startup/dashboard_40_sessions_latest",
        what: "(1) the same, the newest session of the 40",
        limit_ns: Some(15.0 * MS),
    },
    Target {
        id: "startup/stage_open",
        what: "(1)   stage: open the database and find the session",
        limit_ns: None,
    },
    Target {
        id: "startup/stage_load_session",
        what: "(1)   stage: load the session (its criteria sets read)",
        limit_ns: None,
    },
    Target {
        id: "startup/stage_session_results",
        what: "(1)   stage: results of the 70 closed products (kept)",
        limit_ns: None,
    },
    Target {
        id: "startup/stage_sheet_progress",
        what: "(1)   stage: sheet progress of the 70 products",
        limit_ns: None,
    },
    Target {
        id: "startup/stage_app_state",
        what: "(1)   stage: open + the whole App::new",
        limit_ns: None,
    },
    Target {
        id: "startup/stage_draw",
        what: "(1)   stage: draw one frame",
        limit_ns: None,
    },
    Target {
        id: "keystroke/commit_and_render",
        what: "(2) one option keystroke: durable commit + re-render",
        limit_ns: Some(5.0 * MS),
    },
    Target {
        id: "results/product_rust",
        what: "(3) full breakdown of one product, kept, with its reads",
        limit_ns: Some(0.05 * MS),
    },
    Target {
        id: "results/product_fresh",
        what: "(3) the same computed afresh from its sheets",
        limit_ns: None,
    },
    Target {
        id: "results/product_sql",
        what: "(3) the same totals/mean/band as one SQL query",
        limit_ns: None,
    },
    Target {
        id: "results/product_read_sheets",
        what: "(3)   of which: reading the product's sheets",
        limit_ns: None,
    },
    Target {
        id: "results/product_score_only",
        what: "(3)   of which: the pure scoring",
        limit_ns: Some(0.02 * MS),
    },
    Target {
        id: "results/session_rust",
        what: "(3) full breakdown of a 70-product session, kept",
        limit_ns: Some(5.0 * MS),
    },
    Target {
        id: "results/session_fresh",
        what: "(3) the same computed afresh from the sheets",
        limit_ns: None,
    },
    Target {
        id: "results/session_sql",
        what: "(3) the same totals/means/bands as one SQL query",
        limit_ns: None,
    },
    Target {
        id: "export/session_all_formats",
        what: "(4) export every format of a 70-product session",
        limit_ns: Some(2000.0 * MS),
    },
    Target {
        id: "export/stage_model",
        what: "(4)   stage: building the minutes model",
        limit_ns: None,
    },
    Target {
        id: "export/stage_docx",
        what: "(4)   stage: DOCX, the six documents",
        limit_ns: None,
    },
    Target {
        id: "export/stage_xlsx",
        what: "(4)   stage: XLSX summary",
        limit_ns: None,
    },
    Target {
        id: "export/stage_html",
        what: "(4)   stage: HTML, the six documents",
        limit_ns: None,
    },
    Target {
        id: "export/stage_md",
        what: "(4)   stage: Markdown minutes",
        limit_ns: None,
    },
    Target {
        id: "export/stage_csv",
        what: "(4)   stage: CSV of every choice",
        limit_ns: None,
    },
    Target {
        id: "export/stage_json",
        what: "(4)   stage: JSON of everything",
        limit_ns: None,
    },
    Target {
        id: "import/session_csv",
        what: "(5) import one session's sheets CSV",
        limit_ns: Some(250.0 * MS),
    },
];

/// (numerator, denominator, what, upper limit); a negative limit is a lower one.
const RATIOS: &[(&str, &str, &str, Option<f64>)] = &[
    (
        "startup/dashboard_40_sessions",
        "startup/dashboard_1_session",
        "start-up, 40 sessions ÷ 1 session",
        Some(1.5),
    ),
    (
        "results/product_rust",
        "results/product_sql",
        "one product, full breakdown ÷ SQL totals",
        None,
    ),
    (
        "results/session_rust",
        "results/session_sql",
        "a session, full breakdown ÷ SQL totals",
        None,
    ),
    (
        "results/session_sql",
        "results/session_rust",
        "a session: how many times faster than SQL's aggregate",
        Some(-3.0),
    ),
];

/// The median criterion stored for `id`, if it was measured in this run.
fn median_ns(dir: &Path, id: &str, since: SystemTime) -> Option<f64> {
    let file = dir.join(id).join("new").join("estimates.json");
    let fresh = std::fs::metadata(&file).ok()?.modified().ok()? >= since;
    if !fresh {
        return None;
    }
    let json: serde_json::Value = serde_json::from_slice(&std::fs::read(&file).ok()?).ok()?;
    json["median"]["point_estimate"].as_f64()
}

fn show(ns: f64) -> String {
    if ns >= 1e9 {
        format!("{:.2} s", ns / 1e9)
    } else if ns >= 1e6 {
        format!("{:.2} ms", ns / 1e6)
    } else {
        format!("{:.1} µs", ns / 1e3)
    }
}

/// The load average now (other work on the machine slows every figure).
pub fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|l| l.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "unknown".into())
}

/// A whole `council export` of one generated session: (median seconds, peak bytes).
pub struct Export {
    pub products: u32,
    pub members: u32,
    pub measured: Result<(f64, u64), String>,
}

/// The targets for a whole export of a 200 × 15 session, held for 70 × 15 too.
const EXPORT_SECONDS: f64 = 2.0;
const EXPORT_MB: f64 = 200.0;

pub fn print(
    dir: &Path,
    since: SystemTime,
    fx: &Fixtures,
    peak_rss: Result<u64, String>,
    room: &crate::room::RoomReport,
    exports: &[Export],
) {
    println!();
    println!(
        "Summary (medians) on {} sessions × {} products × {} members:",
        fx.spec.sessions, fx.spec.products, fx.spec.members
    );
    println!("  load average at the end of the run: {}", load_average());
    for t in TARGETS {
        let Some(ns) = median_ns(dir, t.id, since) else {
            continue;
        };
        let verdict = match t.limit_ns {
            Some(limit) if ns <= limit => {
                format!("target {} ({:.2} of it) — met", show(limit), ns / limit)
            }
            Some(limit) => format!("target {} ({:.2} of it) — MISSED", show(limit), ns / limit),
            None => "reference".to_string(),
        };
        println!("  {:<62} {:>10}   {verdict}", t.what, show(ns));
    }
    let memory = "memory: peak resident memory of the TUI";
    match peak_rss {
        Ok(bytes) => {
            let mb = bytes as f64 / 1e6;
            let verdict = if mb <= 100.0 { "met" } else { "MISSED" };
            println!("  {memory:<62} {mb:>7.1} MB   target 100 MB — {verdict}");
        }
        Err(e) => println!("  {memory:<62} not measured: {e}"),
    }
    for e in exports {
        let what = format!(
            "(4) `council export`, every format, {} × {} session",
            e.products, e.members
        );
        match &e.measured {
            Ok((secs, bytes)) => {
                let mb = *bytes as f64 / 1e6;
                let met = |ok: bool| if ok { "met" } else { "MISSED" };
                println!(
                    "  {:<62} {:>8.2} s   target {EXPORT_SECONDS} s — {} ({:.2} of it)",
                    format!("{what}: time"),
                    secs,
                    met(*secs <= EXPORT_SECONDS),
                    secs / EXPORT_SECONDS
                );
                println!(
                    "  {:<62} {:>7.1} MB   target {EXPORT_MB} MB — {} ({:.2} of it)",
                    format!("{what}: peak memory"),
                    mb,
                    met(mb <= EXPORT_MB),
                    mb / EXPORT_MB
                );
            }
            Err(err) => println!("  {what:<62} not measured: {err}"),
        }
    }
    for (num, den, what, limit) in RATIOS {
        let (Some(a), Some(b)) = (median_ns(dir, num, since), median_ns(dir, den, since)) else {
            continue;
        };
        let ratio = a / b;
        let verdict = match limit {
            Some(l) if *l < 0.0 && ratio >= -l => format!("target at least {} — met", -l),
            Some(l) if *l < 0.0 => format!("target at least {} — MISSED", -l),
            Some(l) if ratio <= *l => format!("target under {l} — met"),
            Some(l) => format!("target under {l} — MISSED"),
            None => String::new(),
        };
        println!("  {:<62} {:>10.2}×  {verdict}", what, ratio);
    }
    for line in room.lines() {
        println!("  {line}");
    }
}
