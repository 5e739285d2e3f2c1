//! Helpers shared by the integration tests: a temporary database and the real binary.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use assert_cmd::Command;

/// A temporary folder with its own database and config dir, removed when dropped.
pub struct Workspace {
    pub dir: tempfile::TempDir,
}

impl Workspace {
    pub fn new() -> Self {
        Self {
            dir: tempfile::tempdir().expect("temp dir"),
        }
    }

    pub fn db(&self) -> PathBuf {
        self.dir.path().join("council.db")
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    pub fn write(&self, name: &str, text: &str) -> PathBuf {
        let p = self.path(name);
        std::fs::write(&p, text).expect("write file");
        p
    }

    /// The real `council` binary, pointed at this workspace.
    pub fn council(&self) -> Command {
        let mut cmd = Command::cargo_bin("council").expect("binary built");
        cmd.env("COUNCIL_DB", self.db())
            .env("COUNCIL_CONFIG_DIR", self.dir.path().join("config"))
            .env_remove("COUNCIL_LANG")
            .env("NO_COLOR", "1");
        cmd
    }

    /// Runs `council` with `args`, asserting success, and returns stdout.
    pub fn run_ok(&self, args: &[&str]) -> String {
        let out = self.council().args(args).output().expect("run council");
        assert!(
            out.status.success(),
            "council {args:?} failed:\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).expect("utf-8 output")
    }
}

pub fn repo_path(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)
}

/// One option row of the points table derived from the decision's text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableRow {
    pub set: u32,
    pub criterion: String,
    pub position: u32,
    pub points: u32,
}

/// `tests/data/ocop-2026-points.tsv`, read independently of the TOML rubrics.
pub fn points_table() -> Vec<TableRow> {
    let text = std::fs::read_to_string(repo_path("tests/data/ocop-2026-points.tsv")).unwrap();
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| {
            let f: Vec<&str> = l.split('\t').collect();
            TableRow {
                set: f[0].parse().unwrap(),
                criterion: f[1].to_string(),
                position: f[2].parse().unwrap(),
                points: f[3].parse().unwrap(),
            }
        })
        .collect()
}

/// The demo session as the older tests score it: several products open at once, the
/// secretary scoring and set 26's case fixed, so nine sheets per product can be filled in any
/// order. (The demo itself keeps the meeting defaults; see tests/meeting_rules.rs.)
pub fn demo_for_bulk_scoring() -> String {
    std::fs::read_to_string(repo_path("sessions/demo.toml"))
        .unwrap()
        .replace(
            "blind_reentry = false",
            "blind_reentry = false\none_open_product = false",
        )
        .replace(
            "role = \"secretary\"",
            "role = \"secretary\"\nscores = true",
        )
}

impl Workspace {
    /// Loads [`demo_for_bulk_scoring`].
    pub fn load_bulk_demo(&self) {
        let file = self.write("demo-bulk.toml", &demo_for_bulk_scoring());
        self.run_ok(&["session", "new", file.to_str().unwrap()]);
    }

    /// The real binary answering in English (tests that check English messages).
    pub fn council_en(&self) -> Command {
        let mut cmd = self.council();
        cmd.env("COUNCIL_LANG", "en");
        cmd
    }

    /// Loads `tests/fixtures/sessions/valid/small.toml`, marks everyone present and opens every
    /// product for scoring.
    pub fn open_small_session(&self) {
        let file = repo_path("tests/fixtures/sessions/valid/small.toml");
        self.run_ok(&["session", "new", file.to_str().unwrap()]);
        self.run_ok(&["dev", "open-all"]);
    }
}
