//! Every file council creates is owner-only from its first byte, whatever the umask: run with
//! `umask 000` (where a plainly created file would be 0666 and a folder 0777), the database,
//! its companions, backups, the finalise backup and every export come out 0600, a folder made
//! for an export 0700, and nothing is left under a temporary name.
#![cfg(unix)]

use crate::common;

use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::Output;

use common::{Workspace, repo_path};

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

/// `council ARGS` under `umask 000`.
fn with_open_umask(ws: &Workspace, args: &[&str]) -> Output {
    let out = std::process::Command::new("sh")
        .arg("-c")
        .arg("umask 000 && exec \"$0\" \"$@\"")
        .arg(assert_cmd::cargo::cargo_bin("council"))
        .args(args)
        .env("COUNCIL_DB", ws.db())
        .env("COUNCIL_CONFIG_DIR", ws.path("config"))
        .output()
        .unwrap();
    assert!(out.status.success(), "council {args:?}: {out:?}");
    out
}

fn all_files(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(all_files(&path));
        }
        out.push(path);
    }
    out
}

#[test]
fn every_file_council_creates_is_owner_only_even_with_an_open_umask() {
    let ws = Workspace::new();
    let session = repo_path("tests/fixtures/sessions/valid/small.toml");
    with_open_umask(&ws, &["session", "new", session.to_str().unwrap()]);
    with_open_umask(&ws, &["dev", "open-all"]);
    with_open_umask(
        &ws,
        &[
            "dev",
            "fill",
            "--product",
            "LD-2026-01",
            "--member",
            "1",
            "--submit",
        ],
    );
    let backup = ws.path("copy.db");
    with_open_umask(&ws, &["backup", backup.to_str().unwrap()]);
    let out = ws.path("exports/2026");
    with_open_umask(&ws, &["export", "--out", out.to_str().unwrap()]);
    with_open_umask(&ws, &["dev", "close-all", "--override", "thử nghiệm"]);
    with_open_umask(&ws, &["session", "finalise", "--chair", "Nguyễn Văn Hùng"]);

    let files = all_files(ws.dir.path());
    let names: Vec<String> = files
        .iter()
        .map(|p| p.strip_prefix(ws.dir.path()).unwrap().display().to_string())
        .collect();
    assert!(
        names.iter().any(|n| n.starts_with("council.final-")),
        "{names:?}"
    );
    assert!(names.iter().any(|n| n.ends_with(".docx")), "{names:?}");
    assert!(
        !names.iter().any(|n| n.ends_with(".partial")),
        "nothing left under a temporary name: {names:?}"
    );
    for (path, name) in files.iter().zip(&names) {
        let expected = if path.is_dir() { 0o700 } else { 0o600 };
        assert_eq!(mode(path), expected, "{name}");
    }
}
