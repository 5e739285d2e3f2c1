//! The summary table (bảng tổng hợp): a first sheet with one row per product (code, name,
//! producer, commune, set, part means, mean, band, minimums, stars, result, spread, counted
//! sheets and every member's total in a column), autofiltered and never merged, so staff can sort
//! and filter; then one sheet per product with every criterion × member option and points, each
//! wrapped row as tall as its text. One font (Times New Roman) throughout. Numbers are number cells, header rows are frozen and repeated on every
//! printed page, A4 landscape, one page wide; "DỰ THẢO" in the page header of a draft.

use std::collections::HashSet;

use color_eyre::eyre::{Result, eyre};
use rust_xlsxwriter::{Color, Format, FormatAlign, FormatBorder, Workbook, Worksheet, XlsxError};

use super::model::{Minutes, ProductView};
use super::numbers::localized;
use super::words::{Words, words};
use crate::text::xml_safe;

const FONT: &str = "Times New Roman";
/// Excel's paper size code for A4.
const A4: u8 = 9;
/// Sheet names: at most 31 characters, none of these.
const FORBIDDEN: [char; 7] = ['[', ']', ':', '*', '?', '/', '\\'];

struct Styles {
    title: Format,
    plain: Format,
    centre: Format,
    header: Format,
    text: Format,
    wrap: Format,
    int: Format,
    mean: Format,
    strong_mean: Format,
    part_label: Format,
    part_int: Format,
    part_mean: Format,
}

impl Styles {
    fn new() -> Self {
        let base = Format::new()
            .set_font_name(FONT)
            .set_font_size(11)
            .set_border(FormatBorder::Thin)
            .set_align(FormatAlign::VerticalCenter);
        let shaded = base
            .clone()
            .set_background_color(Color::RGB(0xF2F2F2))
            .set_bold();
        Self {
            title: Format::new()
                .set_font_name(FONT)
                .set_font_size(13)
                .set_bold(),
            plain: Format::new().set_font_name(FONT).set_font_size(11),
            centre: base.clone().set_align(FormatAlign::Center),
            header: base
                .clone()
                .set_bold()
                .set_text_wrap()
                .set_align(FormatAlign::Center)
                .set_background_color(Color::RGB(0xE7E6E6)),
            text: base.clone(),
            wrap: base.clone().set_text_wrap(),
            int: base.clone().set_num_format("0"),
            mean: base.clone().set_num_format("0.00"),
            strong_mean: base.clone().set_num_format("0.00").set_bold(),
            part_label: shaded.clone(),
            part_int: shaded.clone().set_num_format("0"),
            part_mean: shaded.set_num_format("0.00"),
        }
    }
}

fn xlsx_err(e: XlsxError) -> color_eyre::Report {
    eyre!("cannot write the spreadsheet: {e}")
}

/// Text for an Excel page header or footer: `&` must be doubled.
fn hf(text: &str) -> String {
    xml_safe(text).replace('&', "&&")
}

fn print_setup(ws: &mut Worksheet, m: &Minutes, w: &Words, header_rows: u32) -> Result<()> {
    ws.set_landscape()
        .set_paper_size(A4)
        .set_print_fit_to_pages(1, 0)
        .set_margins(0.5, 0.5, 0.7, 0.7, 0.3, 0.3);
    ws.set_repeat_rows(0, header_rows - 1).map_err(xlsx_err)?;
    if m.draft {
        ws.set_header(format!("&C&\"Times New Roman,Bold\"&16{}", hf(w.draft)));
    }
    ws.set_footer(format!(
        "&L&\"Times New Roman\"{}&R&\"Times New Roman\"{} &P/&N",
        hf(&m.session.title),
        hf(w.page)
    ));
    Ok(())
}

fn sheet_name(code: &str, taken: &mut HashSet<String>) -> String {
    let clean: String = xml_safe(code)
        .chars()
        .filter(|c| !c.is_control())
        .map(|c| if FORBIDDEN.contains(&c) { '-' } else { c })
        .take(28)
        .collect();
    let clean = clean.trim_matches('\'').to_string();
    let mut name = if clean.is_empty() {
        "SP".to_string()
    } else {
        clean
    };
    let base = name.clone();
    let mut n = 2;
    while !taken.insert(name.to_lowercase()) {
        name = format!("{base}~{n}");
        n += 1;
    }
    name
}

pub fn summary(m: &Minutes) -> Result<Vec<u8>> {
    let w = words(m.lang);
    let st = Styles::new();
    let mut book = Workbook::new();
    // One font: empty cells and anything without a format use it too (Excel's default is
    // Calibri). 20 × 64 pixels are the default row and column of an 11 pt font.
    book.set_default_format(&Format::new().set_font_name(FONT).set_font_size(11), 20, 64)
        .map_err(xlsx_err)?;
    let mut taken = HashSet::new();
    taken.insert(w.summary_sheet.to_lowercase());
    summary_sheet(book.add_worksheet(), m, w, &st)?;
    for p in &m.products {
        let name = sheet_name(&p.code, &mut taken);
        product_sheet(book.add_worksheet(), m, w, &st, p, &name)?;
    }
    book.save_to_buffer().map_err(xlsx_err)
}

/// Rows 0–2: title lines; row 3: header; from row 4 one row per product.
pub const SUMMARY_FIRST_ROW: u32 = 4;

/// Printed height of a row whose longest wrapped cell holds `chars` characters in a column
/// `width` characters wide: Excel and LibreOffice print the stored height, so a wrapped row left
/// at the default height overprints its neighbours.
fn wrapped_height(chars: usize, width: f64) -> f64 {
    let per_line = (width * 1.1).max(1.0) as usize;
    let lines = chars.div_ceil(per_line).max(1);
    15.0 * lines as f64 + 2.0
}

/// The summary staff sort and filter: one row per product (code, name, producer, commune, set,
/// part means, mean, band, minimums, stars, result, proposal, spread, counted sheets, then each
/// member's total in a column of its own), an autofilter on the header, no merged cells.
fn summary_sheet(ws: &mut Worksheet, m: &Minutes, w: &Words, st: &Styles) -> Result<()> {
    ws.set_name(w.summary_sheet).map_err(xlsx_err)?;
    let s = &m.session;
    let parts = &m.part_ids;
    ws.write_string_with_format(0, 0, w.summary_title, &st.title)
        .map_err(xlsx_err)?;
    ws.write_string_with_format(
        1,
        0,
        format!("{} — {} — {}", s.council, s.title, m.place_date),
        &st.plain,
    )
    .map_err(xlsx_err)?;
    if m.draft {
        ws.write_string_with_format(2, 0, format!("{} — {}", w.draft, w.draft_note), &st.title)
            .map_err(xlsx_err)?;
    }

    let scorers: Vec<&super::model::MemberView> = m
        .members
        .iter()
        .filter(|member| {
            m.products
                .iter()
                .any(|p| p.scores.iter().any(|x| x.seat == member.seat))
        })
        .collect();
    let mut columns: Vec<(String, f64)> = vec![
        (w.no.into(), 5.0),
        (w.code.into(), 13.0),
        (w.product_name.into(), 30.0),
        (w.producer.into(), 24.0),
        (w.commune.into(), 16.0),
        (w.set.into(), 5.0),
    ];
    columns.extend(parts.iter().map(|id| (format!("{} {id}", w.mean), 9.0)));
    columns.extend([
        (w.mean_total.into(), 9.0),
        (w.band_stars.into(), 8.0),
        (w.minimum_stars.into(), 9.0),
        (w.stars_count.into(), 6.0),
        (w.rank.into(), 24.0),
        (w.central_short.into(), 11.0),
        (w.spread.into(), 8.0),
        (w.counted.into(), 7.0),
    ]);
    columns.extend(
        scorers
            .iter()
            .map(|member| (format!("{} {}\n{}", w.seat, member.seat, member.name), 11.0)),
    );
    let header_row = SUMMARY_FIRST_ROW - 1;
    for (c, (label, width)) in columns.iter().enumerate() {
        ws.write_string_with_format(header_row, c as u16, label, &st.header)
            .map_err(xlsx_err)?;
        ws.set_column_width(c as u16, *width).map_err(xlsx_err)?;
    }
    ws.set_row_height(header_row, 60).map_err(xlsx_err)?;
    let mean_first = 6u16;
    let after_means = mean_first + parts.len() as u16;

    let mut row = SUMMARY_FIRST_ROW;
    for p in &m.products {
        let texts: [(u16, &str); 5] = [
            (1, &p.code),
            (2, &p.name),
            (3, &p.producer),
            (4, &p.commune),
            (5, &p.set_label),
        ];
        for (c, text) in texts {
            ws.write_string_with_format(row, c, text, &st.wrap)
                .map_err(xlsx_err)?;
        }
        let rank = if p.settled {
            p.rank_text.clone()
        } else {
            format!("{} ({})", p.rank_text, p.status_text)
        };
        let central = if p.to_central { "✓" } else { "" };
        ws.write_string_with_format(row, after_means + 4, &rank, &st.wrap)
            .map_err(xlsx_err)?;
        ws.write_string_with_format(row, after_means + 5, central, &st.centre)
            .map_err(xlsx_err)?;
        let mut numbers: Vec<(u16, Option<f64>, &Format)> = vec![(0, Some(p.no as f64), &st.int)];
        for (k, id) in parts.iter().enumerate() {
            let mean = p
                .parts
                .iter()
                .find(|x| *x.id == **id)
                .and_then(|x| x.mean_value);
            numbers.push((mean_first + k as u16, mean, &st.mean));
        }
        numbers.extend([
            (after_means, p.mean_value, &st.strong_mean),
            (after_means + 1, p.result.band_stars.map(f64::from), &st.int),
            (
                after_means + 2,
                p.result.minimum_stars.map(f64::from),
                &st.int,
            ),
            (after_means + 3, p.printed_stars.map(f64::from), &st.int),
            (after_means + 6, p.spread.map(f64::from), &st.int),
            (after_means + 7, Some(f64::from(p.counted)), &st.int),
        ]);
        for (k, member) in scorers.iter().enumerate() {
            let total = p
                .scores
                .iter()
                .find(|x| x.seat == member.seat && x.complete)
                .map(|x| f64::from(x.total));
            numbers.push((after_means + 8 + k as u16, total, &st.int));
        }
        for (c, value, format) in numbers {
            match value {
                Some(v) => ws.write_number_with_format(row, c, v, format),
                None => ws.write_blank(row, c, format),
            }
            .map_err(xlsx_err)?;
        }
        let longest = [
            (p.name.chars().count(), 30.0),
            (p.producer.chars().count(), 24.0),
            (rank.chars().count(), 24.0),
        ]
        .into_iter()
        .map(|(chars, width)| wrapped_height(chars, width))
        .fold(0.0, f64::max);
        ws.set_row_height(row, longest).map_err(xlsx_err)?;
        row += 1;
    }
    let last_col = columns.len() as u16 - 1;
    ws.autofilter(
        header_row,
        0,
        row.saturating_sub(1).max(header_row),
        last_col,
    )
    .map_err(xlsx_err)?;
    ws.set_freeze_panes(SUMMARY_FIRST_ROW, 3)
        .map_err(xlsx_err)?;
    print_setup(ws, m, w, SUMMARY_FIRST_ROW)?;
    Ok(())
}

/// Rows 0–2: product lines; row 3: header; criteria from row 4.
const PRODUCT_FIRST_ROW: u32 = 4;

fn product_sheet(
    ws: &mut Worksheet,
    m: &Minutes,
    w: &Words,
    st: &Styles,
    p: &ProductView,
    name: &str,
) -> Result<()> {
    ws.set_name(name).map_err(xlsx_err)?;
    ws.write_string_with_format(0, 0, format!("{} — {}", p.code, p.name), &st.title)
        .map_err(xlsx_err)?;
    ws.write_string_with_format(
        1,
        0,
        format!(
            "{}: {} — {} {}: {} — {} {}",
            w.producer, p.producer, w.set, p.set_label, p.rubric_name, w.round, p.round
        ),
        &st.plain,
    )
    .map_err(xlsx_err)?;
    ws.write_string_with_format(
        2,
        0,
        format!(
            "{}: {} — {}: {}{}",
            w.mean_total,
            localized(m.lang, &p.mean_display),
            w.rank,
            p.rank_text,
            if m.draft {
                format!(" — {}", w.draft)
            } else {
                String::new()
            }
        ),
        &st.plain,
    )
    .map_err(xlsx_err)?;

    let sheets = p.sheets();
    let header_row = PRODUCT_FIRST_ROW - 1;
    for (c, (label, width)) in [(w.no, 7.0), (w.criterion, 60.0), (w.max_points, 7.0)]
        .iter()
        .enumerate()
    {
        ws.write_string_with_format(header_row, c as u16, *label, &st.header)
            .map_err(xlsx_err)?;
        ws.set_column_width(c as u16, *width).map_err(xlsx_err)?;
    }
    let mut col = 3u16;
    for sheet in sheets {
        let mark = if sheet.counted {
            String::new()
        } else {
            format!(" ({})", w.not_counted)
        };
        ws.write_string_with_format(
            header_row,
            col,
            format!(
                "{} {} {}{mark}",
                w.seat,
                sheet.seat,
                w.option.to_lowercase()
            ),
            &st.header,
        )
        .map_err(xlsx_err)?;
        ws.write_string_with_format(
            header_row,
            col + 1,
            format!("{} {} {}", w.seat, sheet.seat, w.points.to_lowercase()),
            &st.header,
        )
        .map_err(xlsx_err)?;
        ws.set_column_width(col, 7.0).map_err(xlsx_err)?;
        ws.set_column_width(col + 1, 7.0).map_err(xlsx_err)?;
        col += 2;
    }
    let mean_col = col;
    ws.write_string_with_format(header_row, mean_col, w.mean, &st.header)
        .map_err(xlsx_err)?;
    ws.set_column_width(mean_col, 10.0).map_err(xlsx_err)?;
    ws.set_row_height(header_row, 45).map_err(xlsx_err)?;

    let mut row = PRODUCT_FIRST_ROW;
    for (i, criterion) in p.result.criteria.iter().enumerate() {
        ws.write_string_with_format(row, 0, &*criterion.id, &st.text)
            .map_err(xlsx_err)?;
        ws.write_string_with_format(row, 1, &*criterion.title, &st.wrap)
            .map_err(xlsx_err)?;
        ws.set_row_height(row, wrapped_height(criterion.title.chars().count(), 60.0))
            .map_err(xlsx_err)?;
        ws.write_number_with_format(row, 2, f64::from(criterion.max_points), &st.int)
            .map_err(xlsx_err)?;
        let mut col = 3u16;
        for sheet in sheets {
            let line = &sheet.lines[i];
            match (line.option, line.points) {
                (Some(o), Some(pts)) => {
                    ws.write_number_with_format(row, col, f64::from(o), &st.int)
                        .map_err(xlsx_err)?;
                    ws.write_number_with_format(row, col + 1, f64::from(pts), &st.int)
                        .map_err(xlsx_err)?;
                }
                _ => {
                    ws.write_blank(row, col, &st.text).map_err(xlsx_err)?;
                    ws.write_blank(row, col + 1, &st.text).map_err(xlsx_err)?;
                }
            }
            col += 2;
        }
        match criterion.mean {
            Some(v) => ws
                .write_number_with_format(row, mean_col, v, &st.mean)
                .map_err(xlsx_err)?,
            None => ws.write_blank(row, mean_col, &st.text).map_err(xlsx_err)?,
        };
        row += 1;
    }
    // Part subtotals and the total, per member and as the council's mean.
    for (k, part) in p.parts.iter().enumerate() {
        ws.write_string_with_format(row, 0, &*part.id, &st.part_label)
            .map_err(xlsx_err)?;
        ws.write_string_with_format(
            row,
            1,
            format!("{} {}: {}", w.part, part.id, part.title),
            &st.part_label,
        )
        .map_err(xlsx_err)?;
        ws.write_number_with_format(row, 2, f64::from(part.max_points), &st.part_int)
            .map_err(xlsx_err)?;
        let mut col = 3u16;
        for sheet in sheets {
            ws.write_blank(row, col, &st.part_label).map_err(xlsx_err)?;
            ws.write_number_with_format(row, col + 1, f64::from(sheet.parts[k]), &st.part_int)
                .map_err(xlsx_err)?;
            col += 2;
        }
        match part.mean_value {
            Some(v) => ws
                .write_number_with_format(row, mean_col, v, &st.part_mean)
                .map_err(xlsx_err)?,
            None => ws
                .write_blank(row, mean_col, &st.part_label)
                .map_err(xlsx_err)?,
        };
        row += 1;
    }
    ws.write_string_with_format(row, 0, "", &st.part_label)
        .map_err(xlsx_err)?;
    ws.write_string_with_format(row, 1, w.total, &st.part_label)
        .map_err(xlsx_err)?;
    ws.write_number_with_format(row, 2, f64::from(p.result.max_points), &st.part_int)
        .map_err(xlsx_err)?;
    let mut col = 3u16;
    for sheet in sheets {
        ws.write_blank(row, col, &st.part_label).map_err(xlsx_err)?;
        ws.write_number_with_format(row, col + 1, f64::from(sheet.total), &st.part_int)
            .map_err(xlsx_err)?;
        col += 2;
    }
    match p.mean_value {
        Some(v) => ws
            .write_number_with_format(row, mean_col, v, &st.part_mean)
            .map_err(xlsx_err)?,
        None => ws
            .write_blank(row, mean_col, &st.part_label)
            .map_err(xlsx_err)?,
    };

    ws.set_freeze_panes(PRODUCT_FIRST_ROW, 2)
        .map_err(xlsx_err)?;
    print_setup(ws, m, w, PRODUCT_FIRST_ROW)?;
    Ok(())
}
