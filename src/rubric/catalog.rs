//! Where rubrics come from: the sets shipped in the binary plus any user rubric folders.

use std::fs;
use std::path::{Path, PathBuf};

use super::{Rubric, parse_rubric};
use crate::diag::{Problem, Problems};

mod shipped {
    include!(concat!(env!("OUT_DIR"), "/shipped_rubrics.rs"));
}

/// One rubric file and what loading it gave.
pub struct RubricFile {
    pub name: String,
    pub text: String,
    pub loaded: Result<Rubric, Problems>,
}

/// Every rubric found, shipped first, then user folders in order.
pub struct Catalog {
    pub files: Vec<RubricFile>,
}

/// All `.toml` files under `path` (or `path` itself), sorted, so output is stable.
pub fn rubric_files(path: &Path) -> std::io::Result<Vec<PathBuf>> {
    if path.is_file() {
        return Ok(vec![path.to_path_buf()]);
    }
    let mut out = Vec::new();
    let mut stack = vec![path.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in fs::read_dir(&dir)? {
            let p = entry?.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|e| e == "toml") {
                out.push(p);
            }
        }
    }
    out.sort();
    Ok(out)
}

impl RubricFile {
    pub fn parse(name: String, text: String) -> Self {
        let loaded = parse_rubric(&name, &text);
        Self { name, text, loaded }
    }

    pub fn read(path: &Path) -> Self {
        let name = path.display().to_string();
        match fs::read_to_string(path) {
            Ok(text) => Self::parse(name, text),
            Err(e) => Self {
                name: name.clone(),
                text: String::new(),
                loaded: Err(Problems(vec![Problem {
                    file: name,
                    line: 1,
                    col: 1,
                    message: format!("cannot read file: {e}"),
                }])),
            },
        }
    }
}

impl Catalog {
    /// The shipped sets and every rubric in `user_dirs` (missing folders are skipped).
    pub fn load(user_dirs: &[PathBuf]) -> std::io::Result<Self> {
        let mut files: Vec<RubricFile> = shipped::SHIPPED_RUBRICS
            .iter()
            .map(|(name, text)| RubricFile::parse(name.to_string(), text.to_string()))
            .collect();
        for dir in user_dirs.iter().filter(|d| d.exists()) {
            for path in rubric_files(dir)? {
                files.push(RubricFile::read(&path));
            }
        }
        Ok(Self { files })
    }

    /// Only the rubrics shipped in the binary.
    pub fn shipped() -> Self {
        Self::load(&[]).expect("no folders to read")
    }

    pub fn rubrics(&self) -> impl Iterator<Item = (&RubricFile, &Rubric)> {
        self.files
            .iter()
            .filter_map(|f| f.loaded.as_ref().ok().map(|r| (f, r)))
    }

    /// The first valid rubric with this id, with its source text.
    pub fn find(&self, id: &str) -> Option<(&RubricFile, &Rubric)> {
        self.rubrics().find(|(_, r)| &*r.id == id)
    }
}
