//! The summary table (bảng tổng hợp): one sheet with every product × every member's part totals
//! and total, the means and the rank; then one sheet per product with every criterion × member
//! option and points. Numbers are number cells, header rows are frozen and repeated on every
//! printed page, A4 landscape, one page wide; "DỰ THẢO" in the page header of a draft.

use std::collections::HashSet;

use color_eyre::eyre::{Result, eyre};
use rust_xlsxwriter::{Color, Format, FormatAlign, FormatBorder, Workbook, Worksheet, XlsxError};

use super::model::{Minutes, ProductView};
use super::words::{Words, words};
use crate::text::xml_safe;

/// Excel's paper size code for A4.
const A4: u8 = 9;
/// Sheet names: at most 31 characters, none of these.
const FORBIDDEN: [char; 7] = ['[', ']', ':', '*', '?', '/', '\\'];

struct Styles {
    title: Format,
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
            .set_font_name("Times New Roman")
            .set_font_size(11)
            .set_border(FormatBorder::Thin)
            .set_align(FormatAlign::VerticalCenter);
        let shaded = base
            .clone()
            .set_background_color(Color::RGB(0xF2F2F2))
            .set_bold();
        Self {
            title: Format::new()
                .set_font_name("Times New Roman")
                .set_font_size(13)
                .set_bold(),
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
        hf(&m.session.code),
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
    let mut taken = HashSet::new();
    taken.insert(w.summary_sheet.to_lowercase());
    summary_sheet(book.add_worksheet(), m, w, &st)?;
    for p in &m.products {
        let name = sheet_name(&p.code, &mut taken);
        product_sheet(book.add_worksheet(), m, w, &st, p, &name)?;
    }
    book.save_to_buffer().map_err(xlsx_err)
}

/// Rows 0–2: title lines; row 3: header; from row 4 one row per product and counted member.
pub const SUMMARY_FIRST_ROW: u32 = 4;

/// The summary: one row per product × member whose sheet counts (part totals and total), the
/// product's own cells (code, name, means, stars, rank) merged down its rows. A product with no
/// counted sheet has one row with the member cells left empty.
fn summary_sheet(ws: &mut Worksheet, m: &Minutes, w: &Words, st: &Styles) -> Result<()> {
    ws.set_name(w.summary_sheet).map_err(xlsx_err)?;
    let s = &m.session;
    let parts = &m.part_ids;
    ws.write_string_with_format(0, 0, w.summary_title, &st.title)
        .map_err(xlsx_err)?;
    ws.write_string(
        1,
        0,
        format!("{} — {} — {}", s.council, s.title, m.place_date),
    )
    .map_err(xlsx_err)?;
    if m.draft {
        ws.write_string_with_format(2, 0, format!("{} — {}", w.draft, w.draft_note), &st.title)
            .map_err(xlsx_err)?;
    }

    let mut columns: Vec<(String, f64)> = vec![
        (w.no.into(), 5.0),
        (w.code.into(), 13.0),
        (w.product.into(), 34.0),
        (w.set.into(), 5.0),
        (w.seat.into(), 5.0),
        (w.member.into(), 24.0),
    ];
    columns.extend(parts.iter().map(|id| (id.clone(), 6.0)));
    columns.push((w.total.into(), 7.0));
    columns.extend(parts.iter().map(|id| (format!("{} {id}", w.mean), 9.0)));
    columns.push((w.mean_total.into(), 9.0));
    columns.push((w.stars_count.into(), 6.0));
    columns.push((w.rank.into(), 22.0));
    columns.push((w.central_short.into(), 12.0));
    let header_row = SUMMARY_FIRST_ROW - 1;
    for (c, (label, width)) in columns.iter().enumerate() {
        ws.write_string_with_format(header_row, c as u16, label, &st.header)
            .map_err(xlsx_err)?;
        ws.set_column_width(c as u16, *width).map_err(xlsx_err)?;
    }
    ws.set_row_height(header_row, 45).map_err(xlsx_err)?;
    let n_parts = parts.len() as u16;
    let member_first = 6u16;
    let mean_first = member_first + n_parts + 1;
    let stars_col = mean_first + n_parts + 1;

    let mut row = SUMMARY_FIRST_ROW;
    for p in &m.products {
        let counted: Vec<_> = p.scores.iter().filter(|s| s.complete).collect();
        let last = row + counted.len().max(1) as u32 - 1;
        if last == row {
            // Name and producer on two lines.
            ws.set_row_height(row, 30).map_err(xlsx_err)?;
        }
        // The product's cells: text merged down its rows, numbers in the first row.
        let text_cells: [(u16, String); 4] = [
            (1, p.code.clone()),
            (2, format!("{}\n{}", p.name, p.producer)),
            (3, p.set_label.clone()),
            (
                stars_col + 1,
                format!(
                    "{}{}",
                    p.rank_text,
                    if p.settled {
                        String::new()
                    } else {
                        format!(" ({})", p.status_text)
                    }
                ),
            ),
        ];
        for (c, text) in text_cells {
            if last > row {
                ws.merge_range(row, c, last, c, &text, &st.wrap)
                    .map_err(xlsx_err)?;
            } else {
                ws.write_string_with_format(row, c, &text, &st.wrap)
                    .map_err(xlsx_err)?;
            }
        }
        let central = if p.to_central { "✓" } else { "" };
        if last > row {
            ws.merge_range(row, stars_col + 2, last, stars_col + 2, central, &st.text)
                .map_err(xlsx_err)?;
        } else {
            ws.write_string_with_format(row, stars_col + 2, central, &st.text)
                .map_err(xlsx_err)?;
        }
        let mut numbers: Vec<(u16, Option<f64>, &Format)> = vec![(0, Some(p.no as f64), &st.int)];
        for (k, id) in parts.iter().enumerate() {
            let mean = p
                .parts
                .iter()
                .find(|x| &x.id == id)
                .and_then(|x| x.mean_value);
            numbers.push((mean_first + k as u16, mean, &st.mean));
        }
        numbers.push((mean_first + n_parts, p.mean_value, &st.strong_mean));
        numbers.push((stars_col, p.stars.map(f64::from), &st.int));
        for (c, value, format) in numbers {
            if last > row {
                ws.merge_range(row, c, last, c, "", format)
                    .map_err(xlsx_err)?;
            }
            match value {
                Some(v) => ws
                    .write_number_with_format(row, c, v, format)
                    .map_err(xlsx_err)?,
                None => ws.write_blank(row, c, format).map_err(xlsx_err)?,
            };
        }
        for (i, score) in counted.iter().enumerate() {
            let r = row + i as u32;
            ws.write_number_with_format(r, 4, f64::from(score.seat), &st.int)
                .map_err(xlsx_err)?;
            ws.write_string_with_format(r, 5, &score.name, &st.text)
                .map_err(xlsx_err)?;
            for (k, id) in parts.iter().enumerate() {
                let c = member_first + k as u16;
                match p.parts.iter().position(|x| &x.id == id) {
                    Some(pi) => ws
                        .write_number_with_format(r, c, f64::from(score.parts[pi]), &st.int)
                        .map_err(xlsx_err)?,
                    None => ws.write_blank(r, c, &st.text).map_err(xlsx_err)?,
                };
            }
            ws.write_number_with_format(r, member_first + n_parts, f64::from(score.total), &st.int)
                .map_err(xlsx_err)?;
        }
        if counted.is_empty() {
            for c in 4..mean_first {
                ws.write_blank(row, c, &st.text).map_err(xlsx_err)?;
            }
        }
        row = last + 1;
    }
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
    ws.write_string(
        1,
        0,
        format!(
            "{}: {} — {} {}: {} — {} {}",
            w.producer, p.producer, w.set, p.set_label, p.rubric_name, w.round, p.round
        ),
    )
    .map_err(xlsx_err)?;
    ws.write_string(
        2,
        0,
        format!(
            "{}: {} — {}: {}{}",
            w.mean_total,
            p.mean_display,
            w.rank,
            p.rank_text,
            if m.draft {
                format!(" — {}", w.draft)
            } else {
                String::new()
            }
        ),
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
        ws.write_string_with_format(row, 0, &criterion.id, &st.text)
            .map_err(xlsx_err)?;
        ws.write_string_with_format(row, 1, &criterion.title, &st.wrap)
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
        ws.write_string_with_format(row, 0, &part.id, &st.part_label)
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
