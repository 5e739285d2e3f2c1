//! One invalid fixture per validation rule of rubric and session files, each checked through
//! the real binary: `council rubric check` / `council session check` must print exactly the
//! `file:line:col: message` lines the fixture's `# expect:` header names, and fail.
//!
//! Fixtures: `tests/fixtures/{rubrics,sessions}/invalid/*.toml`. Each starts with
//! `# Invalid …: <rule>.` and one `# expect: LINE:COL: MESSAGE` line per problem, in order.

use crate::common;

use std::path::{Path, PathBuf};

use common::{Workspace, repo_path};

struct Fixture {
    /// As given on the command line and so as named in the messages.
    arg: String,
    expected: Vec<String>,
}

fn fixtures(dir: &str) -> Vec<Fixture> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(repo_path(dir))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|path| {
            let text = std::fs::read_to_string(&path).unwrap();
            let arg = format!("{dir}/{}", path.file_name().unwrap().to_string_lossy());
            let expected: Vec<String> = text
                .lines()
                .filter_map(|l| l.strip_prefix("# expect: "))
                .map(|l| format!("{arg}:{l}"))
                .collect();
            assert!(!expected.is_empty(), "{arg} has no `# expect:` line");
            Fixture { arg, expected }
        })
        .collect()
}

/// Runs `council <check> FILE` from the repository root and compares stderr exactly.
fn check_all(check: &[&str], dir: &str, summary: &str) -> usize {
    let ws = Workspace::new();
    let all = fixtures(dir);
    let run = |f: &Fixture| -> Option<String> {
        let out = ws
            .council()
            .current_dir(repo_path(""))
            .args(check)
            .arg(&f.arg)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        let stdout = String::from_utf8_lossy(&out.stdout);
        let mut expected = f.expected.join("\n");
        expected.push_str(&format!(
            "\nerror: 1 of 1 {summary} file(s) failed the check\n"
        ));
        let ok = out.status.code() == Some(1)
            && stderr == expected
            && stdout == format!("FAIL  {}\n", f.arg);
        (!ok).then(|| {
            format!(
                "{}: exit {:?}\n--- expected stderr\n{expected}--- got\n{stderr}--- stdout\n{stdout}",
                f.arg,
                out.status.code()
            )
        })
    };
    // Four at a time: each run starts the binary and loads the shipped rubrics.
    let failures: Vec<String> = std::thread::scope(|scope| {
        let workers: Vec<_> = all
            .chunks(all.len().div_ceil(4))
            .map(|chunk| scope.spawn(move || chunk.iter().filter_map(run).collect::<Vec<_>>()))
            .collect();
        workers
            .into_iter()
            .flat_map(|w| w.join().unwrap())
            .collect()
    });
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    all.len()
}

#[test]
fn every_invalid_rubric_fixture_fails_with_its_exact_message() {
    let n = check_all(
        &["rubric", "check"],
        "tests/fixtures/rubrics/invalid",
        "rubric",
    );
    // One fixture per rule of rubrics/FORMAT.md and src/rubric/load.rs, plus TOML syntax,
    // unknown key, wrong type, missing key, NFC and nesting.
    assert!(n >= 35, "only {n} rubric fixtures");
}

#[test]
fn every_invalid_session_fixture_fails_with_its_exact_message() {
    let n = check_all(
        &["session", "check"],
        "tests/fixtures/sessions/invalid",
        "session",
    );
    assert!(n >= 26, "only {n} session fixtures");
}

#[test]
fn the_valid_bases_of_the_fixtures_pass() {
    let ws = Workspace::new();
    let out = ws.run_ok(&[
        "rubric",
        "check",
        repo_path("tests/fixtures/rubrics/valid/small.toml")
            .to_str()
            .unwrap(),
    ]);
    assert!(out.starts_with("ok    "), "{out}");
    let out = ws.run_ok(&[
        "session",
        "check",
        repo_path("tests/fixtures/sessions/valid/small.toml")
            .to_str()
            .unwrap(),
    ]);
    assert!(
        out.contains("thu-nghiem-2026  (3 members, 2 products)"),
        "{out}"
    );
}

/// `session new` reports the same problems, as `error: …`, and writes nothing.
#[test]
fn loading_an_invalid_session_changes_nothing() {
    let ws = Workspace::new();
    ws.run_ok(&[
        "session",
        "new",
        repo_path("tests/fixtures/sessions/valid/small.toml")
            .to_str()
            .unwrap(),
    ]);
    let audit_before = ws.run_ok(&["audit", "verify"]);
    for f in fixtures("tests/fixtures/sessions/invalid") {
        let out = ws
            .council()
            .current_dir(repo_path(""))
            .args(["session", "new", &f.arg])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "{}", f.arg);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(
            stderr,
            format!("error: {}\n", f.expected.join("\n")),
            "{}",
            f.arg
        );
    }
    assert_eq!(ws.run_ok(&["audit", "verify"]), audit_before);
    assert_eq!(ws.run_ok(&["session", "list"]).lines().count(), 1);
}

#[test]
fn a_rubric_folder_reports_every_bad_file_and_counts_them() {
    let ws = Workspace::new();
    let dir: &Path = Path::new("tests/fixtures/rubrics/invalid");
    let n = fixtures(dir.to_str().unwrap()).len();
    let out = ws
        .council()
        .current_dir(repo_path(""))
        .args(["rubric", "check", dir.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.ends_with(&format!(
            "error: {n} of {n} rubric file(s) failed the check\n"
        )),
        "{stderr}"
    );
}
