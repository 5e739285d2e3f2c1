//! Exports of a session for staff: the documents an office signs and files ([`Document`]: the
//! minutes, the score sheets filled and blank, the proposal for recognition, the report to the
//! central council, the result notices) in DOCX, printable HTML and PDF; the minutes in Markdown;
//! the summary table (XLSX), every choice (CSV) and everything (JSON).
//!
//! One [`Minutes`] model is built from the store, then rendered by one file per format, so every
//! figure in every file is the figure the screen shows. Products can also be imported
//! ([`import`]).

mod csv_out;
mod docx;
mod html;
pub mod import;
mod json;
mod md;
pub mod model;
pub mod numbers;
mod pdf;
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
    /// Every document as PDF, rendered from its DOCX by LibreOffice (when installed)
    Pdf,
}

/// A document staff print and file; each is written in DOCX and HTML (and PDF from the DOCX).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Document {
    /// Biên bản họp Hội đồng.
    Minutes,
    /// The members' score sheets as the Phụ lục II form, ticks marked.
    Sheets,
    /// The same form, blank, one per product, to print before the meeting.
    BlankSheets,
    /// Tờ trình đề nghị công nhận: the recognised products grouped by star (Điều 7.3.đ).
    Proposal,
    /// The council's report on the products proposed to the central council (Điều 6.3.a).
    Central,
    /// Thông báo kết quả: one notice per settled product for its commune and producer (7.3.g).
    Notices,
}

impl Document {
    pub const ALL: [Document; 6] = [
        Document::Minutes,
        Document::Sheets,
        Document::BlankSheets,
        Document::Proposal,
        Document::Central,
        Document::Notices,
    ];

    /// The file name's stem: `bien-ban` for `bien-ban-<session>.docx`.
    pub fn stem(self) -> &'static str {
        match self {
            Document::Minutes => "bien-ban",
            Document::Sheets => "phieu-danh-gia",
            Document::BlankSheets => "phieu-trang",
            Document::Proposal => "to-trinh-cong-nhan",
            Document::Central => "bao-cao-trung-uong",
            Document::Notices => "thong-bao-ket-qua",
        }
    }
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

    /// The files this format writes for session `code`, relative to the output folder, each
    /// with the document it holds (none for the data files).
    pub fn files(self, code: &str) -> Vec<(String, Option<Document>)> {
        let documents = |ext: &str| {
            Document::ALL
                .iter()
                .map(|d| (format!("{}-{code}.{ext}", d.stem()), Some(*d)))
                .collect()
        };
        match self {
            Format::Docx => documents("docx"),
            Format::Html => documents("html"),
            Format::Pdf => documents("pdf"),
            Format::Xlsx => vec![(format!("bang-tong-hop-{code}.xlsx"), None)],
            Format::Md => vec![(format!("bien-ban-{code}.md"), Some(Document::Minutes))],
            Format::Csv => vec![(format!("{code}-choices.csv"), None)],
            Format::Json => vec![(format!("{code}.json"), None)],
        }
    }

    /// The names of [`Format::files`].
    pub fn file_names(self, code: &str) -> Vec<String> {
        self.files(code).into_iter().map(|(name, _)| name).collect()
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

/// Writes the chosen formats of one session into `out_dir` (created owner-only if needed) and
/// returns the files written. Each file is created owner-only under a temporary name and
/// renamed, so an interrupted export never leaves a half-written file under the final name.
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
    crate::files::private_dir_all(out_dir)
        .wrap_err_with(|| format!("cannot create {}", out_dir.display()))?;
    let code = &data.info.code;
    let total: usize = formats.iter().map(|f| f.file_names(code).len()).sum();
    progress(Progress {
        done: 0,
        total,
        file: None,
    });
    // Every file is independent: two workers (the machine has two cores) take them largest
    // first, and the main thread reports each one as it lands.
    let mut jobs: Vec<(Format, String, Option<Document>)> = formats
        .iter()
        .flat_map(|&f| f.files(code).into_iter().map(move |(n, d)| (f, n, d)))
        .collect();
    jobs.sort_by_key(|(format, _, document)| std::cmp::Reverse(cost(*format, *document)));
    let next = std::sync::atomic::AtomicUsize::new(0);
    let (sent, landed) = std::sync::mpsc::channel::<(usize, Result<PathBuf>)>();
    let mut paths: Vec<Option<PathBuf>> = vec![None; jobs.len()];
    let mut failure = None;
    std::thread::scope(|scope| {
        for _ in 0..WORKERS {
            let sent = sent.clone();
            let (jobs, next, minutes) = (&jobs, &next, &minutes);
            scope.spawn(move || {
                loop {
                    let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    let Some((format, name, document)) = jobs.get(i) else {
                        break;
                    };
                    let path = out_dir.join(name);
                    let done = write_file(&path, *format, *document, minutes).map(|()| path);
                    let failed = done.is_err();
                    if sent.send((i, done)).is_err() || failed {
                        // Stop taking files after an error: the export fails as a whole.
                        next.store(jobs.len(), std::sync::atomic::Ordering::Relaxed);
                        break;
                    }
                }
            });
        }
        drop(sent);
        let mut done = 0;
        for (i, result) in landed {
            match result {
                Ok(path) => {
                    done += 1;
                    progress(Progress {
                        done,
                        total,
                        file: Some(path.clone()),
                    });
                    paths[i] = Some(path);
                }
                Err(e) => {
                    failure.get_or_insert(e);
                }
            }
        }
    });
    // Freeing the model (hundreds of thousands of small strings, a tenth of a second at
    // 200 × 15) is left to a thread of its own, off the caller's path.
    let _ = std::thread::Builder::new().spawn(move || drop(minutes));
    if let Some(e) = failure {
        return Err(e);
    }
    // In the order of the formats asked for, as before.
    let mut written: Vec<(usize, PathBuf)> = Vec::new();
    for (i, path) in paths.into_iter().enumerate() {
        if let Some(path) = path {
            let (format, name, _) = &jobs[i];
            let order = formats.iter().position(|f| f == format).unwrap_or(0) * 100
                + format
                    .file_names(code)
                    .iter()
                    .position(|n| n == name)
                    .unwrap_or(0);
            written.push((order, path));
        }
    }
    written.sort_by_key(|(order, _)| *order);
    Ok(written.into_iter().map(|(_, path)| path).collect())
}

/// Worker threads of an export: the machine it is sized for has two cores.
const WORKERS: usize = 2;

/// A rough rank of how long a file takes, so the longest start first and the two workers end
/// together: the score sheets dominate (one page per member and product).
fn cost(format: Format, document: Option<Document>) -> u8 {
    match (format, document) {
        (Format::Pdf, _) => 9,
        (Format::Docx, Some(Document::Sheets)) => 8,
        (Format::Html, Some(Document::Sheets)) => 7,
        (Format::Json, _) => 6,
        (Format::Csv, _) => 5,
        (Format::Xlsx, _) => 4,
        (_, Some(Document::BlankSheets)) => 3,
        (_, Some(Document::Notices)) => 2,
        (_, Some(Document::Minutes)) => 1,
        _ => 0,
    }
}

/// Renders one file straight into its temporary file (a 200-product session's score sheets are
/// hundreds of megabytes of text; none of it is held in memory).
fn write_file(path: &Path, format: Format, document: Option<Document>, m: &Minutes) -> Result<()> {
    let mut failure = None;
    let written = crate::files::write_private_atomic(path, |file| {
        render(format, document, m, file).map_err(|e| {
            let io = std::io::Error::other(e.to_string());
            failure = Some(e);
            io
        })
    });
    match (written, failure) {
        (Ok(()), _) => Ok(()),
        (Err(_), Some(e)) => Err(e),
        (Err(e), None) => Err(e).wrap_err_with(|| format!("cannot write {}", path.display())),
    }
}

fn render(
    format: Format,
    document: Option<Document>,
    m: &Minutes,
    file: &mut std::fs::File,
) -> Result<()> {
    let document = document.unwrap_or(Document::Minutes);
    let mut out = std::io::BufWriter::with_capacity(1 << 16, file);
    match format {
        Format::Docx => docx::document(document, m, &mut out)?,
        Format::Html => html::document(document, m, &mut out)?,
        Format::Pdf => {
            let mut docx = std::io::Cursor::new(Vec::new());
            docx::document(document, m, &mut docx)?;
            out.write_all(&pdf::from_docx(docx.get_ref())?)?;
        }
        Format::Xlsx => out.write_all(&xlsx::summary(m)?)?,
        Format::Md => md::minutes(m, &mut out)?,
        Format::Csv => csv_out::choices(m, &mut out)?,
        Format::Json => json::everything(m, &mut out)?,
    }
    out.flush()?;
    Ok(())
}
