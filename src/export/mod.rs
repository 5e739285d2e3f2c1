//! Exports of a session for staff: the minutes (DOCX, printable HTML, Markdown), the summary
//! table (XLSX), the members' score sheets (HTML, DOCX), every choice (CSV) and everything (JSON).
//!
//! One [`Minutes`] model is built from the store, then rendered by one file per format, so every
//! figure in every file is the figure the screen shows. Products can also be imported
//! ([`import`]).

pub mod command;
mod csv_out;
mod docx;
mod html;
pub mod import;
mod json;
mod md;
pub mod model;
pub mod numbers;
mod templates;
pub mod words;
mod xlsx;

use std::collections::HashSet;
use std::io::Write;
use std::path::{Path, PathBuf};

use color_eyre::eyre::{Result, WrapErr};

use crate::i18n::Lang;
use crate::store::{SessionData, Store};
pub use model::{Minutes, build_minutes, date_text};

/// An export format; several can be written at once.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, clap::ValueEnum)]
pub enum Format {
    /// Minutes and score sheets as Word documents
    Docx,
    /// Summary table: one sheet for all products, one per product
    Xlsx,
    /// Printable minutes and score sheets
    Html,
    /// Minutes as Markdown
    Md,
    /// Every choice in long format
    Csv,
    /// Everything, machine-readable
    Json,
}

impl Format {
    pub const ALL: [Format; 6] = [
        Format::Docx,
        Format::Xlsx,
        Format::Html,
        Format::Md,
        Format::Csv,
        Format::Json,
    ];

    /// The files this format writes for session `code`, relative to the output folder.
    pub fn file_names(self, code: &str) -> Vec<String> {
        match self {
            Format::Docx => vec![
                format!("bien-ban-{code}.docx"),
                format!("phieu-danh-gia-{code}.docx"),
            ],
            Format::Xlsx => vec![format!("bang-tong-hop-{code}.xlsx")],
            Format::Html => vec![
                format!("bien-ban-{code}.html"),
                format!("phieu-danh-gia-{code}.html"),
            ],
            Format::Md => vec![format!("bien-ban-{code}.md")],
            Format::Csv => vec![format!("{code}-choices.csv")],
            Format::Json => vec![format!("{code}.json")],
        }
    }
}

/// Where an export stands, reported after the model is built and after each file is written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Progress {
    pub done: usize,
    pub total: usize,
    /// The file just written; none for the first report (the model was built).
    pub file: Option<PathBuf>,
}

/// Writes the chosen formats of one session into `out_dir` (created if needed) and returns the
/// files written. Each file is written to a temporary name and renamed, so an interrupted
/// export never leaves a half-written file under the final name.
pub fn export_session(
    store: &Store,
    data: &SessionData,
    formats: &[Format],
    out_dir: &Path,
    lang: Lang,
    progress: &mut dyn FnMut(Progress),
) -> Result<Vec<PathBuf>> {
    let mut seen = HashSet::new();
    let formats: Vec<Format> = formats
        .iter()
        .copied()
        .filter(|f| seen.insert(*f))
        .collect();
    let minutes = build_minutes(store, data, lang)?;
    std::fs::create_dir_all(out_dir)
        .wrap_err_with(|| format!("cannot create {}", out_dir.display()))?;
    let code = &data.info.code;
    let total: usize = formats.iter().map(|f| f.file_names(code).len()).sum();
    progress(Progress {
        done: 0,
        total,
        file: None,
    });
    let mut written = Vec::new();
    for format in formats {
        for name in format.file_names(code) {
            let bytes = render(format, &name, &minutes)?;
            let path = out_dir.join(&name);
            write_atomically(&path, &bytes)?;
            written.push(path.clone());
            progress(Progress {
                done: written.len(),
                total,
                file: Some(path),
            });
        }
    }
    Ok(written)
}

fn render(format: Format, name: &str, m: &Minutes) -> Result<Vec<u8>> {
    let sheets = name.starts_with("phieu-danh-gia-");
    Ok(match format {
        Format::Docx if sheets => docx::sheets(m)?,
        Format::Docx => docx::minutes(m)?,
        Format::Xlsx => xlsx::summary(m)?,
        Format::Html if sheets => html::sheets(m)?.into_bytes(),
        Format::Html => html::minutes(m)?.into_bytes(),
        Format::Md => md::minutes(m)?.into_bytes(),
        Format::Csv => csv_out::choices(m)?,
        Format::Json => json::everything(m)?.into_bytes(),
    })
}

fn write_atomically(path: &Path, bytes: &[u8]) -> Result<()> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = path.with_file_name(format!("{name}.partial"));
    let mut file =
        std::fs::File::create(&tmp).wrap_err_with(|| format!("cannot write {}", tmp.display()))?;
    file.write_all(bytes)
        .and_then(|()| file.sync_all())
        .wrap_err_with(|| format!("cannot write {}", tmp.display()))?;
    std::fs::rename(&tmp, path).wrap_err_with(|| format!("cannot write {}", path.display()))?;
    Ok(())
}
