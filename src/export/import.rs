//! Products imported into a session from CSV or XLSX (`council products import FILE`).
//!
//! The header row names the columns: `code`, `name`, `rubric` (required) and `producer`,
//! `commune`, `province` (optional), in any order, in English or with the Vietnamese headers the
//! exports print (`Mã`, `Tên sản phẩm`, `Bộ`, `Chủ thể`, `Xã`, `Tỉnh`); a title row may stand
//! above it. CSV files may be UTF-8 (with or without BOM), UTF-16 or Windows-1258, separated by
//! commas or semicolons. Every row is checked before anything is written; any bad row is
//! reported with its row number and nothing is imported.

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

/// The column a header names: the English names and the Vietnamese words the exports print
/// (`Mã`, `Tên sản phẩm`, `Chủ thể`, …), compared without case.
fn column_for(header: &str) -> Option<&'static str> {
    let h: String = header
        .trim_start_matches('\u{feff}')
        .trim()
        .nfc()
        .collect::<String>()
        .to_lowercase();
    let column = match h.as_str() {
        "code" | "mã" | "mã sản phẩm" | "mã sp" => "code",
        "name" | "tên" | "tên sản phẩm" | "sản phẩm" => "name",
        "rubric" | "bộ" | "bộ tiêu chí" | "mã bộ tiêu chí" | "bộ sản phẩm" => {
            "rubric"
        }
        "producer" | "chủ thể" | "chủ thể ocop" => "producer",
        "commune" | "xã" | "xã, phường" | "xã/phường" => "commune",
        "province" | "tỉnh" | "tỉnh, thành phố" | "tỉnh/thành phố" => "province",
        _ => return None,
    };
    Some(column)
}

/// One cell as read; `date` marks an Excel date cell, which is never a code or a name.
#[derive(Debug, Clone, Default)]
struct RawCell {
    text: String,
    date: bool,
}

type Table = Vec<(usize, Vec<RawCell>)>;

/// Reads a `.csv` or `.xlsx` file (first sheet) into rows. The header is the first row naming
/// the required columns (a title row above it is skipped); every problem names its row.
pub fn read_product_rows(file: &Path, bytes: &[u8]) -> Result<Vec<ImportRow>> {
    let name = file.display().to_string();
    let ext = file
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    let table = match ext.as_str() {
        "csv" => csv_table(&name, bytes)?,
        "xlsx" => xlsx_table(&name, bytes)?,
        _ => bail!("{name}: products can be imported from .csv or .xlsx files, not \"{ext}\""),
    };
    let non_empty = |cells: &[RawCell]| cells.iter().filter(|c| !c.text.trim().is_empty()).count();
    // A title row ("Danh sách sản phẩm …") may stand above the header: at most one filled cell.
    let Some(at) = table.iter().position(|(_, cells)| non_empty(cells) > 1) else {
        bail!("{name}: the file is empty; nothing was imported");
    };
    let (header_row, header_cells) = &table[at];
    let header: Vec<Option<&'static str>> =
        header_cells.iter().map(|h| column_for(&h.text)).collect();
    let unknown: Vec<&str> = header_cells
        .iter()
        .zip(&header)
        .filter(|(h, column)| column.is_none() && !h.text.trim().is_empty())
        .map(|(h, _)| h.text.trim())
        .collect();
    let missing: Vec<&str> = REQUIRED
        .iter()
        .copied()
        .filter(|r| !header.contains(&Some(*r)))
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
            "{name}:{header_row}: {}; the header row names the columns {} and optionally {} (or the Vietnamese headers the exports use: Mã, Tên sản phẩm, Bộ, Chủ thể, Xã, Tỉnh). Nothing was imported.",
            problems.join("; "),
            REQUIRED.join(", "),
            OPTIONAL.join(", ")
        );
    }
    let mut out = Vec::new();
    let mut problems = Vec::new();
    for (row, cells) in &table[at + 1..] {
        if non_empty(cells) == 0 {
            continue;
        }
        let mut values = HashMap::new();
        for (i, cell) in cells.iter().enumerate() {
            let text = cell.text.nfc().collect::<String>().trim().to_string();
            match header.get(i).copied().flatten() {
                None if !text.is_empty() => problems.push(format!(
                    "row {row}: a value in column {} (\"{text}\"), which has no header",
                    i + 1
                )),
                None => {}
                Some(column) if cell.date => problems.push(format!(
                    "row {row}: column \"{column}\" holds a date cell ({text}); Excel turned the text into a date: format the column as Text and type it again"
                )),
                Some(column) => {
                    values.insert(column.to_string(), text);
                }
            }
        }
        out.push(ImportRow {
            row: *row,
            cells: values,
        });
    }
    if !problems.is_empty() {
        bail!(rejection_message(&name, &problems));
    }
    if out.is_empty() {
        bail!("{name}: no product rows under the header; nothing was imported");
    }
    Ok(out)
}

/// The text of a CSV file as offices save it: UTF-8 with or without a byte-order mark, UTF-16
/// with one (Excel's "Unicode text"), or Windows-1258 (Excel's "CSV" on a Vietnamese Windows).
fn decode_csv(name: &str, bytes: &[u8]) -> Result<String> {
    if let Some((encoding, bom)) = encoding_rs::Encoding::for_bom(bytes) {
        let (text, had_errors) = encoding.decode_without_bom_handling(&bytes[bom..]);
        if had_errors {
            bail!(
                "{name}: the file starts as {} but is not valid {}; save it again as \"CSV UTF-8\". Nothing was imported.",
                encoding.name(),
                encoding.name()
            );
        }
        return Ok(text.into_owned());
    }
    if let Ok(text) = std::str::from_utf8(bytes) {
        return Ok(text.to_string());
    }
    let (text, had_errors) = encoding_rs::WINDOWS_1258.decode_without_bom_handling(bytes);
    // Bytes Windows-1258 leaves undefined decode to C1 controls: then it is not that either.
    if had_errors || text.chars().any(|c| ('\u{80}'..='\u{9f}').contains(&c)) {
        bail!(
            "{name}: the file is neither UTF-8, UTF-16 nor Windows-1258 text; in Excel choose File → Save As → \"CSV UTF-8 (Comma delimited)\". Nothing was imported."
        );
    }
    // Windows-1258 writes most tones as combining marks: compose them as every other file does.
    Ok(text.nfc().collect())
}

/// The separator of a CSV file: a semicolon when the first lines hold more semicolons than
/// commas (Excel's CSV where the decimal separator is a comma), else a comma.
fn delimiter(text: &str) -> u8 {
    let head: String = text.lines().take(3).collect();
    if head.matches(';').count() > head.matches(',').count() {
        b';'
    } else {
        b','
    }
}

fn csv_table(name: &str, bytes: &[u8]) -> Result<Table> {
    let text = decode_csv(name, bytes)?;
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter(&text))
        .from_reader(text.as_bytes());
    let mut table = Vec::new();
    for record in reader.records() {
        let record =
            record.map_err(|e| eyre!("{name}: malformed CSV ({e}); nothing was imported"))?;
        let line = record.position().map_or(0, |p| p.line() as usize);
        let cells = record
            .iter()
            .map(|c| RawCell {
                text: c.to_string(),
                date: false,
            })
            .collect();
        table.push((line, cells));
    }
    Ok(table)
}

fn xlsx_table(name: &str, bytes: &[u8]) -> Result<Table> {
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
            let mut row = vec![RawCell::default(); first_col];
            row.extend(cells.iter().map(|c| match c {
                Data::Empty => RawCell::default(),
                Data::DateTime(_) | Data::DateTimeIso(_) => RawCell {
                    text: c.to_string(),
                    date: true,
                },
                other => RawCell {
                    text: other.to_string(),
                    date: false,
                },
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
        let key = code_key(&code);
        if code.is_empty() {
            problems.push(format!("row {row}: product code is empty"));
        } else if let Err(e) = check_code(&code) {
            problems.push(format!("row {row}: product code \"{code}\": {e}"));
        } else if let Some(&first) = first_row.get(&key) {
            problems.push(format!(
                "row {row}: duplicate product code \"{code}\" (first on row {first})"
            ));
        } else if existing.contains(&key) {
            problems.push(format!(
                "row {row}: product \"{code}\" is already in session {}",
                data.info.code
            ));
        }
        first_row.entry(key).or_insert(row);
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
