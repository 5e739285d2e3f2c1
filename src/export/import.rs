//! Products imported into a session from CSV or XLSX (`council products import FILE`).
//!
//! The first row names the columns: `code`, `name`, `rubric` (required) and `producer`,
//! `commune`, `province` (optional), in any order. Every row is checked before anything is
//! written; any bad row is reported with its row number and nothing is imported.

use std::collections::{HashMap, HashSet};
use std::io::Cursor;
use std::path::Path;

use calamine::{Data, Reader, Xlsx, open_workbook_from_rs};
use color_eyre::eyre::{Result, bail, eyre};
use unicode_normalization::UnicodeNormalization;

use crate::session::Product;
use crate::store::SessionData;
use crate::text::{check_code, check_text, code_key};

const REQUIRED: [&str; 3] = ["code", "name", "rubric"];
const OPTIONAL: [&str; 3] = ["producer", "commune", "province"];

/// One data row as read: its row number in the file (the header is row 1) and its cells by
/// column name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportRow {
    pub row: usize,
    pub cells: HashMap<String, String>,
}

/// Reads a `.csv` or `.xlsx` file (first sheet) into rows; the header is checked here.
pub fn read_product_rows(file: &Path, bytes: &[u8]) -> Result<Vec<ImportRow>> {
    let name = file.display().to_string();
    let ext = file
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    let table: Vec<(usize, Vec<String>)> = match ext.as_str() {
        "csv" => csv_table(&name, bytes)?,
        "xlsx" => xlsx_table(&name, bytes)?,
        _ => bail!("{name}: products can be imported from .csv or .xlsx files, not \"{ext}\""),
    };
    let mut rows = table.into_iter();
    let Some((_, header)) = rows.next() else {
        bail!("{name}: the file is empty; nothing was imported");
    };
    let header: Vec<String> = header
        .iter()
        .map(|h| h.trim_start_matches('\u{feff}').trim().to_lowercase())
        .collect();
    let unknown: Vec<&str> = header
        .iter()
        .map(String::as_str)
        .filter(|h| !h.is_empty() && !REQUIRED.contains(h) && !OPTIONAL.contains(h))
        .collect();
    let missing: Vec<&str> = REQUIRED
        .iter()
        .copied()
        .filter(|r| !header.iter().any(|h| h == r))
        .collect();
    if !missing.is_empty() || !unknown.is_empty() {
        let mut problems = Vec::new();
        if !missing.is_empty() {
            problems.push(format!("missing column(s) {}", missing.join(", ")));
        }
        if !unknown.is_empty() {
            problems.push(format!("unknown column(s) {}", unknown.join(", ")));
        }
        bail!(
            "{name}:1: {}; the header row names the columns {} and optionally {}. Nothing was imported.",
            problems.join("; "),
            REQUIRED.join(", "),
            OPTIONAL.join(", ")
        );
    }
    let mut out = Vec::new();
    for (row, cells) in rows {
        if cells.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        let cells = header
            .iter()
            .zip(cells.iter().chain(std::iter::repeat(&String::new())))
            .filter(|(h, _)| !h.is_empty())
            .map(|(h, c)| (h.clone(), c.nfc().collect::<String>().trim().to_string()))
            .collect();
        out.push(ImportRow { row, cells });
    }
    if out.is_empty() {
        bail!("{name}: no product rows under the header; nothing was imported");
    }
    Ok(out)
}

fn csv_table(name: &str, bytes: &[u8]) -> Result<Vec<(usize, Vec<String>)>> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(bytes);
    let mut table = Vec::new();
    for record in reader.records() {
        let record =
            record.map_err(|e| eyre!("{name}: malformed CSV ({e}); nothing was imported"))?;
        let line = record.position().map_or(0, |p| p.line() as usize);
        table.push((line, record.iter().map(str::to_string).collect()));
    }
    Ok(table)
}

fn xlsx_table(name: &str, bytes: &[u8]) -> Result<Vec<(usize, Vec<String>)>> {
    let mut book: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes))
        .map_err(|e| eyre!("{name}: not a readable XLSX file ({e}); nothing was imported"))?;
    let range = book
        .worksheet_range_at(0)
        .ok_or_else(|| eyre!("{name}: the workbook has no sheet; nothing was imported"))?
        .map_err(|e| eyre!("{name}: cannot read the first sheet ({e}); nothing was imported"))?;
    let first_row = range.start().map_or(0, |(row, _)| row as usize);
    let first_col = range.start().map_or(0, |(_, col)| col as usize);
    Ok(range
        .rows()
        .enumerate()
        .map(|(i, cells)| {
            // Columns left of the used range are empty; keep positions aligned with the header.
            let mut row = vec![String::new(); first_col];
            row.extend(cells.iter().map(|c| match c {
                Data::Empty => String::new(),
                other => other.to_string(),
            }));
            (first_row + i + 1, row)
        })
        .collect())
}

/// Checks every row against the session and the known criteria sets; returns the products, or
/// every problem with its row number.
pub fn check_product_rows(
    rows: &[ImportRow],
    data: &SessionData,
    known_rubric: &dyn Fn(&str) -> bool,
) -> Result<Vec<Product>, Vec<String>> {
    let mut problems = Vec::new();
    // Codes are compared by their key: "ld-01", "LD-01" and "ＬＤ-01" are one product.
    let mut first_row: HashMap<String, usize> = HashMap::new();
    let existing: HashSet<String> = data.products.iter().map(|p| code_key(&p.code)).collect();
    let mut products = Vec::new();
    for r in rows {
        let cell = |key: &str| r.cells.get(key).cloned().unwrap_or_default();
        let code = cell("code");
        let row = r.row;
        if code.is_empty() {
            problems.push(format!("row {row}: product code is empty"));
        } else if let Err(e) = check_code(&code) {
            problems.push(format!("row {row}: product code \"{code}\": {e}"));
        } else if let Some(&first) = first_row.get(&code_key(&code)) {
            problems.push(format!(
                "row {row}: duplicate product code \"{code}\" (first on row {first})"
            ));
        } else if first_row.insert(code_key(&code), row).is_none()
            && existing.contains(&code_key(&code))
        {
            problems.push(format!(
                "row {row}: product \"{code}\" is already in session {}",
                data.info.code
            ));
        }
        for column in ["name", "producer", "commune", "province"] {
            if let Err(e) = check_text(&cell(column)) {
                problems.push(format!("row {row}: column \"{column}\": {e}"));
            }
        }
        let name = cell("name");
        if name.is_empty() {
            problems.push(format!("row {row}: product \"{code}\" has no name"));
        }
        let rubric = cell("rubric");
        if !known_rubric(&rubric) {
            problems.push(format!(
                "row {row}: product \"{code}\" uses criteria set \"{rubric}\", which is not a known rubric (see `council rubric list`)"
            ));
        }
        let province = cell("province");
        products.push(Product {
            code,
            name,
            producer: cell("producer"),
            commune: cell("commune"),
            province: (!province.is_empty()).then_some(province),
            rubric,
        });
    }
    if problems.is_empty() {
        Ok(products)
    } else {
        Err(problems)
    }
}

/// The message for rejected rows: the file, the count, each row's problem (at most 20 shown).
pub fn rejection_message(file: &str, problems: &[String]) -> String {
    let shown = problems.len().min(20);
    let mut msg = format!(
        "{file}: {} bad row(s); nothing was imported:\n  {}",
        problems.len(),
        problems[..shown].join("\n  ")
    );
    if problems.len() > shown {
        msg.push_str(&format!("\n  … and {} more", problems.len() - shown));
    }
    msg
}
