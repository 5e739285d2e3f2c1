//! Word documents: the minutes (biên bản) and the members' score sheets (phiếu đánh giá), A4,
//! Times New Roman 13 pt, margins of administrative documents; "DỰ THẢO" in the page header of
//! every page while the session is a draft.

use std::io::{Cursor, Seek, Write};

use color_eyre::eyre::{Result, eyre};
use docx_rs::{
    AlignmentType, BorderType, BuildXML, Docx, Footer, Header, LineSpacing, PageMargin, PageNum,
    Paragraph, ParagraphBorder, ParagraphBorderPosition, ParagraphBorders, Run, RunFonts, Shading,
    Table, TableCell, TableCellMargins, TableLayoutType, TableRow, WidthType,
};

use super::Document;
use super::model::{Minutes, ProductView, SheetView};
use super::numbers::localized;
use super::words::{Words, words};
use crate::text::xml_safe;

/// A4 in twentieths of a point, and the text width inside 30 mm / 15 mm side margins.
const PAGE_WIDTH: u32 = 11_906;
const PAGE_HEIGHT: u32 = 16_838;
const TEXT_WIDTH: usize = 9_355;
const FONT: &str = "Times New Roman";
/// Sizes are in half-points.
const BODY_SIZE: usize = 26;
const TABLE_SIZE: usize = 22;

fn document_base(m: &Minutes) -> Docx {
    let w = words(m.lang);
    let fonts = RunFonts::new()
        .ascii(FONT)
        .hi_ansi(FONT)
        .cs(FONT)
        .east_asia(FONT);
    let mut doc = Docx::new()
        .default_fonts(fonts)
        .default_size(BODY_SIZE)
        .page_size(PAGE_WIDTH, PAGE_HEIGHT)
        .page_margin(
            PageMargin::new()
                .top(1134)
                .bottom(1134)
                .left(1701)
                .right(850)
                .header(567)
                .footer(567),
        )
        .footer(
            Footer::new().add_paragraph(
                Paragraph::new()
                    .align(AlignmentType::Center)
                    .add_run(Run::new().add_text(format!("{} ", w.page)).size(20))
                    .add_page_num(PageNum::new())
                    // The chain head on every page: a signed copy anchors the database.
                    .add_run(
                        Run::new()
                            .add_text(if m.audit_head.is_empty() {
                                String::new()
                            } else {
                                format!(" · {}: {}", w.audit_head, m.audit_head)
                            })
                            .size(16),
                    )
                    .size(20),
            ),
        );
    if m.draft {
        doc = doc.header(
            Header::new().add_paragraph(
                Paragraph::new()
                    .align(AlignmentType::Right)
                    .add_run(Run::new().add_text(w.draft).bold().size(28).color("C00000")),
            ),
        );
    }
    doc
}

fn pack<W: Write + Seek>(doc: Docx, out: &mut W) -> Result<()> {
    pack_paged(doc, None, out)
}

/// The pages of a long document (a score sheet, a form, a notice each), built one at a time:
/// `build(i, out)` appends the body XML of page `i`. docx-rs holds a whole document tree in
/// memory (1,050 score sheets took 1.2 GB), so each page is built on its own and written
/// straight into the compressed file; the forms' tables are written as XML directly
/// ([`form_xml`]), as docx-rs spent most of an export building and serialising them.
struct Pages<'a> {
    count: usize,
    build: &'a (dyn Fn(usize, &mut Vec<u8>) + Sync),
}

/// Stands where the pages go in the shell document.
const PAGES_MARKER: &str = "\u{E000}council-pages\u{E000}";

fn pack_paged<W: Write + Seek>(mut doc: Docx, pages: Option<Pages>, out: &mut W) -> Result<()> {
    if pages.is_some() {
        doc = doc.add_paragraph(Paragraph::new().add_run(Run::new().add_text(PAGES_MARKER)));
    }
    let mut buf = std::io::Cursor::new(Vec::new());
    let mut xml = doc.build();
    xml.document = finish_xml(&xml.document);
    for part in xml.headers.iter_mut().chain(xml.footers.iter_mut()) {
        *part = finish_xml(part);
    }
    xml.pack(&mut buf)
        .map_err(|e| eyre!("cannot write the Word document: {e}"))?;
    deflate(buf.into_inner(), pages.as_ref(), out)
        .map_err(|e| eyre!("cannot compress the Word document: {e}"))
}

/// The body of a one-page document's XML (between `<w:body>` and its section properties),
/// finished like every part.
fn page_body(doc: Docx, out: &mut Vec<u8>) {
    // Only the document part: a whole package build would serialise styles, fonts and settings
    // again for every page.
    let xml = BuildXML::build(&doc.document);
    let text = String::from_utf8_lossy(&xml);
    let start = text.find("<w:body>").map_or(0, |i| i + "<w:body>".len());
    let end = text.rfind("<w:sectPr").unwrap_or(text.len());
    out.extend_from_slice(&finish_xml(text[start..end].as_bytes()));
}

/// Writes `document` with the pages in place of the marker paragraph: pages are built in
/// batches, each batch split over two threads (the machine has two cores), and written in order.
fn write_pages(out: &mut impl Write, document: &[u8], pages: &Pages) -> std::io::Result<()> {
    let text = String::from_utf8_lossy(document);
    let (before, after) = match text.find(PAGES_MARKER) {
        Some(at) => {
            let start = text[..at].rfind("<w:p ").unwrap_or(at);
            let end = text[at..]
                .find("</w:p>")
                .map_or(at, |e| at + e + "</w:p>".len());
            (&text[..start], &text[end..])
        }
        None => (&text[..], ""),
    };
    out.write_all(before.as_bytes())?;
    const BATCH: usize = 32;
    // The two halves' page buffers, reused from batch to batch (a fresh 64 KB buffer a page
    // kept the allocator busy merging freed blocks).
    let mut halves: [Vec<Vec<u8>>; 2] = Default::default();
    let build = |range: std::ops::Range<usize>, bodies: &mut Vec<Vec<u8>>| {
        // About the size of one score sheet's body.
        bodies.resize_with(range.len(), || Vec::with_capacity(1 << 16));
        for (i, body) in range.zip(bodies.iter_mut()) {
            body.clear();
            (pages.build)(i, body);
        }
    };
    for batch in (0..pages.count).step_by(BATCH) {
        let upto = (batch + BATCH).min(pages.count);
        let middle = batch + (upto - batch) / 2;
        let [first, second] = &mut halves;
        std::thread::scope(|scope| {
            let other = scope.spawn(|| build(middle..upto, second));
            build(batch..middle, first);
            other.join()
        })
        .map_err(|_| std::io::Error::other("building a page failed"))?;
        for body in first.iter().chain(second.iter()) {
            out.write_all(body)?;
        }
    }
    out.write_all(after.as_bytes())
}

/// What docx-rs 0.4 cannot say, added to its XML in this one place: the first row of every table
/// repeats at the top of each page (`w:tblHeader`) and no row splits across a page break
/// (`w:cantSplit`). Characters XML forbids are removed first, so a name that slipped past the
/// input checks can never make the document unopenable.
pub(super) fn finish_xml(part: &[u8]) -> Vec<u8> {
    let text = String::from_utf8_lossy(part);
    let text = xml_safe(&text);
    const TABLE: &str = "<w:tbl>";
    const EMPTY_ROW_PROPS: &str = "<w:trPr />";
    const ROW_PROPS: &str = "<w:trPr>";
    let mut out = String::with_capacity(text.len() + text.len() / 16);
    let mut rest: &str = &text;
    let mut first_row = false;
    // One pass: every tag of interest starts with "<w:t" (so do <w:t>, <w:tc>, … which are
    // copied as they are).
    while let Some(at) = rest.find("<w:t") {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        let Some(tag) = [TABLE, EMPTY_ROW_PROPS, ROW_PROPS]
            .into_iter()
            .find(|tag| rest.starts_with(tag))
        else {
            out.push_str("<w:t");
            rest = &rest[4..];
            continue;
        };
        rest = &rest[tag.len()..];
        if tag == TABLE {
            out.push_str(TABLE);
            first_row = true;
            continue;
        }
        out.push_str(ROW_PROPS);
        out.push_str("<w:cantSplit />");
        if std::mem::take(&mut first_row) {
            out.push_str("<w:tblHeader />");
        }
        if tag == EMPTY_ROW_PROPS {
            out.push_str("</w:trPr>");
        }
    }
    out.push_str(rest);
    out.into_bytes()
}

/// docx-rs stores its parts uncompressed (1,000 score sheets make a 57 MB file); the same parts
/// deflated are a twentieth of that.
fn deflate<W: Write + Seek>(
    stored: Vec<u8>,
    pages: Option<&Pages>,
    out: &mut W,
) -> zip::result::ZipResult<()> {
    use zip::write::SimpleFileOptions;
    let mut input = zip::ZipArchive::new(Cursor::new(stored))?;
    let mut out = zip::ZipWriter::new(out);
    // The fastest level: the parts are repetitive XML, so it still shrinks them tenfold, at a
    // third of the default level's time.
    let options = SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .compression_level(Some(1));
    for i in 0..input.len() {
        let mut part = input.by_index(i)?;
        let name = part.name()?.into_owned();
        if part.is_dir() {
            out.add_directory(name, options)?;
            continue;
        }
        out.start_file(name.as_str(), options)?;
        match pages {
            Some(pages) if name == "word/document.xml" => {
                let mut document = Vec::new();
                std::io::Read::read_to_end(&mut part, &mut document)?;
                write_pages(&mut out, &document, pages)?;
            }
            _ => {
                std::io::copy(&mut part, &mut out)?;
            }
        }
    }
    out.finish()?;
    Ok(())
}

fn spacing(before: u32, after: u32) -> LineSpacing {
    LineSpacing::new().before(before).after(after)
}

fn text(s: impl Into<String>) -> Paragraph {
    Paragraph::new()
        .add_run(Run::new().add_text(s))
        .line_spacing(spacing(0, 80))
        .align(AlignmentType::Both)
}

fn note(s: impl Into<String>) -> Paragraph {
    Paragraph::new()
        .add_run(Run::new().add_text(s).italic())
        .line_spacing(spacing(0, 80))
}

fn bold(s: impl Into<String>) -> Paragraph {
    Paragraph::new()
        .add_run(Run::new().add_text(s).bold())
        .line_spacing(spacing(120, 80))
}

fn centered(run: Run) -> Paragraph {
    Paragraph::new()
        .align(AlignmentType::Center)
        .add_run(run)
        .line_spacing(spacing(0, 0))
}

/// A table cell holding one or more lines of text.
fn cell<S: AsRef<str>>(lines: &[S], width: usize, strong: bool, align: AlignmentType) -> TableCell {
    let mut c = TableCell::new().width(width, WidthType::Dxa);
    for line in lines {
        let mut run = Run::new().add_text(line.as_ref()).size(TABLE_SIZE);
        if strong {
            run = run.bold();
        }
        c = c.add_paragraph(
            Paragraph::new()
                .align(align)
                .add_run(run)
                .line_spacing(spacing(20, 20)),
        );
    }
    c
}

fn header_cell(label: &str, width: usize) -> TableCell {
    cell(&[label.to_string()], width, true, AlignmentType::Center)
        .shading(Shading::new().fill("E7E6E6"))
}

fn grid_table(widths: &[usize], header: &[&str], rows: Vec<TableRow>) -> Table {
    let head = TableRow::new(
        header
            .iter()
            .zip(widths)
            .map(|(h, &w)| header_cell(h, w))
            .collect(),
    );
    let mut all = vec![head];
    all.extend(rows);
    Table::new(all)
        .set_grid(widths.to_vec())
        .width(widths.iter().sum(), WidthType::Dxa)
        .layout(TableLayoutType::Fixed)
}

/// Cell margins of 1 mm, for tables of figures.
fn narrow_margins() -> TableCellMargins {
    TableCellMargins::new()
        .margin_left(57, WidthType::Dxa)
        .margin_right(57, WidthType::Dxa)
}

/// A short horizontal rule centred in a cell `cell_width` wide: a paragraph's bottom border,
/// indented to `line_width` (Nghị định 30/2020/NĐ-CP rules the council's name and the motto).
fn rule(cell_width: i32, line_width: i32) -> Paragraph {
    let side = (cell_width - line_width).max(0) / 2;
    let mut p = Paragraph::new()
        .add_run(Run::new().size(4))
        .line_spacing(spacing(0, 60))
        .indent(Some(side), None, Some(side), None);
    // Only the bottom side: `set_border` would keep docx-rs's default box on the other three.
    p.property = p.property.set_borders(
        ParagraphBorders::with_empty().set(
            ParagraphBorder::new(ParagraphBorderPosition::Bottom)
                .val(BorderType::Single)
                .size(6),
        ),
    );
    p
}

/// The national header (Nghị định 30/2020/NĐ-CP, Phụ lục I): on the left the superior agency,
/// the council's name in bold with a short rule under it and the number line; on the right the
/// country's name, the motto with a rule under it (not underlined), then the place and date.
pub(super) fn national_header(m: &Minutes, w: &Words, number_line: &str) -> Table {
    const LEFT: usize = 3_900;
    const RIGHT: usize = 5_455;
    let mut left = TableCell::new().width(LEFT, WidthType::Dxa);
    if !m.agency.is_empty() {
        left = left.add_paragraph(centered(Run::new().add_text(m.agency.as_str()).size(24)));
    }
    left = left
        .add_paragraph(centered(
            Run::new()
                .add_text(m.session.council.to_uppercase())
                .bold()
                .size(24),
        ))
        .add_paragraph(rule(LEFT as i32, 1_300))
        .add_paragraph(centered(Run::new().add_text(number_line).size(24)));
    let right = TableCell::new()
        .width(RIGHT, WidthType::Dxa)
        .add_paragraph(centered(Run::new().add_text(w.nation).bold().size(24)))
        .add_paragraph(centered(Run::new().add_text(w.motto).bold().size(26)))
        .add_paragraph(rule(RIGHT as i32, 3_500))
        .add_paragraph(centered(Run::new().add_text("")))
        .add_paragraph(centered(
            Run::new().add_text(m.place_date.as_str()).italic(),
        ));
    Table::without_borders(vec![TableRow::new(vec![left, right])])
        .set_grid(vec![LEFT, RIGHT])
        .width(TEXT_WIDTH, WidthType::Dxa)
        .layout(TableLayoutType::Fixed)
}

fn signature_table(left: (&str, Option<&str>), right: (&str, Option<&str>), w: &Words) -> Table {
    let block = |title: &str, name: Option<&str>| {
        let hint = if title.is_empty() { "" } else { w.sign_hint };
        let mut c = TableCell::new()
            .width(TEXT_WIDTH / 2, WidthType::Dxa)
            .add_paragraph(centered(Run::new().add_text(title).bold()))
            .add_paragraph(centered(Run::new().add_text(hint).italic().size(22)));
        for _ in 0..4 {
            c = c.add_paragraph(centered(Run::new().add_text("")));
        }
        c.add_paragraph(centered(Run::new().add_text(name.unwrap_or("")).bold()))
    };
    Table::without_borders(vec![TableRow::new(vec![
        block(left.0, left.1),
        block(right.0, right.1),
    ])])
    .set_grid(vec![TEXT_WIDTH / 2, TEXT_WIDTH / 2])
    .width(TEXT_WIDTH, WidthType::Dxa)
    .layout(TableLayoutType::Fixed)
}

/// The cells of a product's part means (one per summary column) and its mean total, in bold.
fn mean_cells(m: &Minutes, p: &ProductView, widths: &[usize]) -> Vec<TableCell> {
    let mut cells: Vec<TableCell> = m
        .part_ids
        .iter()
        .zip(widths)
        .map(|(id, &width)| cell(&[part_mean(m, p, id)], width, false, AlignmentType::Right))
        .collect();
    cells.push(cell(
        &[localized(m.lang, &p.mean_display)],
        widths[m.part_ids.len()],
        true,
        AlignmentType::Right,
    ));
    cells
}

fn part_mean(m: &Minutes, p: &ProductView, id: &str) -> String {
    p.parts
        .iter()
        .find(|part| &*part.id == id)
        .map_or_else(String::new, |part| localized(m.lang, &part.mean_display))
}

fn minutes<W: Write + Seek>(m: &Minutes, out: &mut W) -> Result<()> {
    let w = words(m.lang);
    let s = &m.session;
    let mut doc = document_base(m).add_table(national_header(m, w, w.number_line));
    doc = doc
        .add_paragraph(centered(Run::new().add_text("")))
        .add_paragraph(centered(
            Run::new().add_text(w.minutes_title).bold().size(28),
        ))
        .add_paragraph(centered(Run::new().add_text(s.council.as_str()).bold()))
        .add_paragraph(
            centered(Run::new().add_text(s.title.as_str()).bold()).line_spacing(spacing(0, 160)),
        );
    if m.draft {
        doc = doc.add_paragraph(note(w.draft_note));
    }

    doc = doc
        .add_paragraph(bold(format!("I. {}", w.time_venue)))
        .add_paragraph(text(format!(
            "- {}: {}{}.",
            w.time,
            s.time
                .as_deref()
                .map(|t| format!("{t}, "))
                .unwrap_or_default(),
            m.date_text
        )))
        .add_paragraph(text(format!("- {}: {}.", w.venue, s.venue)));

    doc = doc.add_paragraph(bold(format!("II. {}", w.attendance)));
    let widths = [600, 2_800, 3_055, 1_500, 1_400];
    let rows = m
        .members
        .iter()
        .enumerate()
        .map(|(i, member)| {
            TableRow::new(vec![
                cell(
                    &[(i + 1).to_string()],
                    widths[0],
                    false,
                    AlignmentType::Center,
                ),
                cell(
                    &[member.name.as_str()],
                    widths[1],
                    false,
                    AlignmentType::Left,
                ),
                cell(
                    &[member.organisation.as_str()],
                    widths[2],
                    false,
                    AlignmentType::Left,
                ),
                cell(
                    &[member.role_text.as_str()],
                    widths[3],
                    false,
                    AlignmentType::Left,
                ),
                cell(
                    &[member.presence_text.as_str()],
                    widths[4],
                    false,
                    AlignmentType::Center,
                ),
            ])
        })
        .collect();
    doc = doc
        .add_table(grid_table(
            &widths,
            &[w.no, w.name, w.organisation, w.role, w.presence],
            rows,
        ))
        .add_paragraph(
            text(format!("{}: {}.", w.quorum, m.quorum.text)).line_spacing(spacing(80, 80)),
        );

    doc = doc.add_paragraph(bold(w.per_product_attendance));
    if m.attendance_lines.is_empty() {
        doc = doc.add_paragraph(text(w.none));
    }
    for line in &m.attendance_lines {
        doc = doc.add_paragraph(text(format!("- {line}")));
    }

    doc = doc.add_paragraph(bold(format!("III. {}", w.results)));
    let parts = &m.part_ids;
    // TT, code, product (the rest), set, one column per part, mean, rank.
    let part_width = 750;
    let fixed = 450 + 1_300 + 450 + part_width * parts.len() + 850 + 1_450;
    let mut widths = vec![450, 1_300, TEXT_WIDTH.saturating_sub(fixed).max(1_500), 450];
    widths.extend(parts.iter().map(|_| part_width));
    widths.push(850);
    widths.push(1_450);
    let mut header: Vec<String> = vec![w.no.into(), w.code.into(), w.product.into(), w.set.into()];
    header.extend(parts.iter().map(|id| format!("{} {id}", w.part)));
    header.push(w.mean_total.into());
    header.push(w.rank.into());
    let header_refs: Vec<&str> = header.iter().map(String::as_str).collect();
    let rows = m
        .products
        .iter()
        .map(|p| {
            let mut cells = vec![
                cell(&[p.no.to_string()], widths[0], false, AlignmentType::Center),
                cell(&[p.code.as_str()], widths[1], false, AlignmentType::Left),
                cell(
                    &[p.name.clone(), p.producer.clone()],
                    widths[2],
                    false,
                    AlignmentType::Left,
                ),
                cell(
                    &[p.set_label.as_str()],
                    widths[3],
                    false,
                    AlignmentType::Center,
                ),
            ];
            cells.extend(mean_cells(m, p, &widths[4..]));
            let n = 4 + parts.len();
            let mut rank = vec![p.rank_text.clone()];
            if !p.settled {
                rank.push(format!("({})", p.status_text));
            }
            cells.push(cell(&rank, widths[n + 1], false, AlignmentType::Left));
            TableRow::new(cells)
        })
        .collect();
    doc = doc
        .add_table(grid_table(&widths, &header_refs, rows).margins(narrow_margins()))
        .add_paragraph(
            text(format!(
                "{}: {}. {}: {}.",
                w.minimum_rule, m.minimum_rule_text, w.max_spread, s.policy.max_spread
            ))
            .line_spacing(spacing(80, 80)),
        );

    doc = doc.add_paragraph(bold(format!("1. {}", w.knockouts)));
    let knocked: Vec<&ProductView> = m
        .products
        .iter()
        .filter(|p| p.knockout_reason.is_some())
        .collect();
    if knocked.is_empty() {
        doc = doc.add_paragraph(text(w.none));
    }
    for p in knocked {
        doc = doc.add_paragraph(text(format!(
            "- {} {}: {}",
            p.code,
            p.name,
            p.knockout_reason.as_deref().unwrap_or("")
        )));
    }

    doc = doc.add_paragraph(bold(format!("2. {}", w.central)));
    let central: Vec<&ProductView> = m.products.iter().filter(|p| p.to_central).collect();
    if central.is_empty() {
        doc = doc.add_paragraph(text(w.none));
    } else {
        doc = doc.add_paragraph(text(w.central_intro));
    }
    for p in central {
        doc = doc.add_paragraph(text(format!(
            "- {} {} — {} ({}: {})",
            p.code,
            p.name,
            p.producer,
            w.mean_total,
            localized(m.lang, &p.mean_display)
        )));
    }

    doc = doc.add_paragraph(bold(format!("3. {}", w.spread_rounds)));
    for line in &m.spread_lines {
        doc = doc.add_paragraph(text(line.as_str()));
    }

    doc = doc.add_paragraph(bold(format!("4. {}", w.recusals)));
    let recusals: Vec<String> = m
        .products
        .iter()
        .flat_map(|p| {
            p.recusals.iter().map(move |r| {
                format!(
                    "- {}: {} {} {} — {}",
                    p.code, w.seat, r.seat, r.name, r.reason
                )
            })
        })
        .collect();
    if recusals.is_empty() {
        doc = doc.add_paragraph(text(w.none));
    }
    for line in recusals {
        doc = doc.add_paragraph(text(line));
    }

    doc = doc.add_paragraph(bold(format!("5. {}", w.corrections)));
    if m.correction_lines.is_empty() {
        doc = doc.add_paragraph(text(w.none));
    }
    for line in &m.correction_lines {
        doc = doc.add_paragraph(text(format!("- {line}")));
    }

    doc = doc
        .add_paragraph(bold(format!("IV. {}", w.conclusions)))
        .add_paragraph(text(w.conclusion_intro));
    for line in &m.conclusions {
        doc = doc.add_paragraph(text(format!("- {line}.")));
    }
    for r in &m.reopenings {
        doc = doc.add_paragraph(text(format!("{} ({}): {}", w.reopened, r.at, r.reason)));
    }
    if let Some(hash) = &s.final_hash {
        doc = doc.add_paragraph(
            Paragraph::new()
                .add_run(Run::new().add_text(format!("{}: ", w.final_hash)).size(20))
                .add_run(
                    Run::new()
                        .add_text(hash.as_str())
                        .size(20)
                        .fonts(RunFonts::new().ascii("Courier New")),
                )
                .line_spacing(spacing(120, 120)),
        );
    }
    doc = doc
        .add_paragraph(centered(Run::new().add_text("")))
        .add_table(signature_table(
            (w.secretary, m.secretary.as_ref().map(|x| x.name.as_str())),
            (w.chair, m.chair.as_ref().map(|x| x.name.as_str())),
            w,
        ));
    pack(doc, out)
}

/// One sheet per product and member (current round), each starting on a new page.
fn sheets<W: Write + Seek>(m: &Minutes, out: &mut W) -> Result<()> {
    let w = words(m.lang);
    let all: Vec<(&ProductView, &SheetView)> = m
        .products
        .iter()
        .flat_map(|p| p.sheets().iter().map(move |sheet| (p, sheet)))
        .collect();
    if all.is_empty() {
        return pack(document_base(m).add_paragraph(text(w.none)), out);
    }
    let page = SheetStencils::filled(m, w);
    let build = |i: usize, out: &mut Vec<u8>| {
        let (p, sheet) = all[i];
        page.filled_page(w, p, sheet, i, out);
    };
    pack_paged(
        document_base(m),
        Some(Pages {
            count: all.len(),
            build: &build,
        }),
        out,
    )
}

/// The heading of a form, filled or blank: the council, the title, the product and its set
/// (the lines of [`product_line`] and [`set_line`]).
fn form_heading(
    m: &Minutes,
    w: &Words,
    product_line: &str,
    set_line: &str,
    page_break: bool,
) -> Docx {
    Docx::new()
        .add_paragraph(
            centered(
                Run::new()
                    .add_text(m.session.council.to_uppercase())
                    .bold()
                    .size(22),
            )
            .page_break_before(page_break),
        )
        .add_paragraph(centered(
            Run::new().add_text(w.sheets_title).bold().size(28),
        ))
        .add_paragraph(
            centered(Run::new().add_text(m.session.title.as_str()).italic())
                .line_spacing(spacing(0, 120)),
        )
        .add_paragraph(text(product_line))
        .add_paragraph(text(set_line))
}

fn product_line(w: &Words, p: &ProductView) -> String {
    format!(
        "{}: {} ({}) — {}: {}",
        w.product, p.name, p.code, w.producer, p.producer
    )
}

fn set_line(w: &Words, p: &ProductView) -> String {
    format!("{} {}: {}", w.set, p.set_label, p.rubric_name)
}

/// The docx-rs parts of a score-sheet page (the heading with the member's line, and the
/// comment with the signature block), or of a blank form's, as [`Stencil`]s: built once per
/// document, filled for every page.
struct SheetStencils {
    /// The heading of the first page and of every later one (which starts a new page).
    first: Stencil,
    later: Stencil,
    foot: Stencil,
}

impl SheetStencils {
    /// A member's sheet. Texts: the product line, the set line, the member's line, the status;
    /// then the comment line and the member's name.
    fn filled(m: &Minutes, w: &Words) -> Self {
        let head = |page_break: bool| {
            Stencil::new(
                form_heading(m, w, &slot(0), &slot(1), page_break)
                    .add_paragraph(text(slot(2)))
                    .add_paragraph(note(slot(3))),
            )
        };
        let foot = Docx::new()
            .add_paragraph(note(w.markers_note))
            .add_paragraph(text(slot(0)).line_spacing(spacing(160, 160)))
            .add_paragraph(
                Paragraph::new()
                    .align(AlignmentType::Right)
                    .add_run(Run::new().add_text(m.place_date.as_str()).italic()),
            )
            .add_table(signature_table(
                ("", None),
                (w.member_signature, Some(slot(1).as_str())),
                w,
            ));
        Self {
            first: head(false),
            later: head(true),
            foot: Stencil::new(foot),
        }
    }

    /// A blank form. Texts: the product line and the set line.
    fn blank(m: &Minutes, w: &Words) -> Self {
        let head = |page_break: bool| {
            Stencil::new(
                form_heading(m, w, &slot(0), &slot(1), page_break)
                    .add_paragraph(text(w.member_line))
                    .add_paragraph(note(w.blank_sheets_note)),
            )
        };
        let foot = Docx::new()
            .add_paragraph(note(w.markers_note))
            .add_paragraph(
                text(format!("{}: ……………………………………………………", w.comment))
                    .line_spacing(spacing(160, 160)),
            )
            .add_table(signature_table(("", None), (w.member_signature, None), w));
        Self {
            first: head(false),
            later: head(true),
            foot: Stencil::new(foot),
        }
    }

    fn head(&self, page: usize) -> &Stencil {
        if page == 0 { &self.first } else { &self.later }
    }

    /// The paragraph ids of page `page`: its own run of numbers, so every paragraph of the
    /// document has its own id whichever thread builds the page.
    fn ids(&self, page: usize) -> (u32, u32) {
        let per_page = self.later.ids.max(self.first.ids) + self.foot.ids;
        let first = PAGE_IDS + page as u32 * per_page;
        (first, first + self.head(page).ids)
    }

    /// Page `page`: `sheet` of product `p`.
    fn filled_page(
        &self,
        w: &Words,
        p: &ProductView,
        sheet: &SheetView,
        page: usize,
        out: &mut Vec<u8>,
    ) {
        let member = format!(
            "{}: {} — {} {}, {} · {} {} · {}: {}",
            w.member,
            sheet.name,
            w.seat.to_lowercase(),
            sheet.seat,
            sheet.role_text,
            w.round.to_lowercase(),
            p.round,
            w.entered_by,
            sheet.entered_by_text
        );
        let mut flags = Vec::new();
        flags.push(if sheet.submitted {
            w.submitted
        } else {
            w.not_submitted
        });
        if !sheet.complete {
            flags.push(w.incomplete);
        }
        if sheet.recused {
            flags.push(w.recused);
        }
        if !sheet.counted {
            flags.push(w.not_counted);
        }
        let status = format!("{}: {}", w.status, flags.join(", "));
        let (head_ids, foot_ids) = self.ids(page);
        self.head(page).fill(
            &[&product_line(w, p), &set_line(w, p), &member, &status],
            head_ids,
            out,
        );
        form_xml(w, p, Some(sheet), out);
        let comment = format!(
            "{}: {}",
            w.comment,
            if sheet.comment.is_empty() {
                "……………………"
            } else {
                sheet.comment.as_str()
            }
        );
        self.foot.fill(&[&comment, &sheet.name], foot_ids, out);
    }

    /// Page `page`: the blank form of product `p`.
    fn blank_page(&self, w: &Words, p: &ProductView, page: usize, out: &mut Vec<u8>) {
        let (head_ids, foot_ids) = self.ids(page);
        self.head(page)
            .fill(&[&product_line(w, p), &set_line(w, p)], head_ids, out);
        form_xml(w, p, None, out);
        self.foot.fill(&[], foot_ids, out);
    }
}

/// Where the paragraph ids of stencilled pages start: above the few the shell document's own
/// paragraphs take (docx-rs numbers those from 1).
const PAGE_IDS: u32 = 0x0001_0000;

/// The first of the private-use characters that stand for a stencil's texts.
const SLOT: u32 = 0xE100;

/// The character standing for text `i` of a stencil.
fn slot(i: usize) -> String {
    char::from_u32(SLOT + i as u32)
        .map(String::from)
        .unwrap_or_default()
}

/// A part of a page whose texts change from page to page, built through docx-rs once with a
/// [`slot`] character in place of each such text, then filled for every page: the same XML
/// docx-rs writes for those texts (escaped as it escapes them, finished by [`finish_xml`]),
/// without building and serialising a document tree for every page.
struct Stencil {
    pieces: Vec<Piece>,
    /// How many paragraph ids (`w14:paraId`) it holds.
    ids: u32,
}

enum Piece {
    Raw(String),
    Text(usize),
    ParaId,
}

impl Stencil {
    fn new(doc: Docx) -> Self {
        const ID: &str = "w14:paraId=\"";
        let mut xml = Vec::new();
        page_body(doc, &mut xml);
        let xml = String::from_utf8_lossy(&xml);
        let mut pieces = Vec::new();
        let mut ids = 0;
        let mut raw = String::new();
        let mut rest: &str = &xml;
        while let Some(c) = rest.chars().next() {
            if let Some(after) = rest.strip_prefix(ID) {
                raw.push_str(ID);
                pieces.push(Piece::Raw(std::mem::take(&mut raw)));
                pieces.push(Piece::ParaId);
                ids += 1;
                rest = &after[after.find('"').unwrap_or(after.len())..];
                continue;
            }
            match (c as u32).checked_sub(SLOT) {
                Some(i) if i < 0x100 => {
                    pieces.push(Piece::Raw(std::mem::take(&mut raw)));
                    pieces.push(Piece::Text(i as usize));
                }
                _ => raw.push(c),
            }
            rest = &rest[c.len_utf8()..];
        }
        pieces.push(Piece::Raw(raw));
        Self { pieces, ids }
    }

    /// Appends the part with `texts` in its slots and paragraph ids from `first_id` on.
    fn fill(&self, texts: &[&str], first_id: u32, out: &mut Vec<u8>) {
        let mut id = first_id;
        for piece in &self.pieces {
            match piece {
                Piece::Raw(raw) => out.extend_from_slice(raw.as_bytes()),
                Piece::Text(i) => docx_text(texts.get(*i).copied().unwrap_or(""), out),
                Piece::ParaId => {
                    out.extend_from_slice(format!("{id:08x}").as_bytes());
                    id += 1;
                }
            }
        }
    }
}

/// Text as docx-rs's `add_text` writes it (line breaks dropped, markup escaped), without the
/// characters XML forbids, as [`finish_xml`] leaves it: what [`Xml::text`] writes.
fn docx_text(s: &str, out: &mut Vec<u8>) {
    Xml(out).text(s);
}

/// The Phụ lục II form of a product: every criterion with every option and its box (☒ on the
/// option ticked on `sheet`, in bold), the part and total rows with `sheet`'s points, or empty
/// cells on a blank sheet. Written as WordprocessingML directly, with the same properties
/// [`grid_table`] and [`cell`] give a table through docx-rs: the forms are nearly every byte of
/// the score sheets, and docx-rs built and serialised them ten times slower.
fn form_xml(w: &Words, p: &ProductView, sheet: Option<&SheetView>, out: &mut Vec<u8>) {
    const WIDTHS: [usize; 4] = [3_000, 4_755, 800, 800];
    const SHADED: Option<&str> = Some("F2F2F2");
    let mut x = Xml(out);
    x.table_start(&WIDTHS);
    x.row_start(true);
    for (label, width) in [w.criterion, w.option, w.points, w.max_points]
        .into_iter()
        .zip(WIDTHS)
    {
        x.cell(label, width, 1, Some("E7E6E6"), true, "center");
    }
    x.raw("</w:tr>");
    let mut current_part = "";
    for (i, line) in p.form.iter().enumerate() {
        if *line.part != *current_part {
            current_part = &line.part;
            let part = p.parts.iter().position(|x| x.id == line.part);
            let title = part.map_or("", |k| &*p.parts[k].title);
            let subtotal = sheet
                .zip(part)
                .and_then(|(s, k)| s.parts.get(k))
                .map_or_else(String::new, u32::to_string);
            let max = part.map_or(0, |k| p.parts[k].max_points);
            x.row_start(false);
            x.cell(
                &format!("{} {}: {title}", w.part, line.part),
                WIDTHS[0] + WIDTHS[1],
                2,
                SHADED,
                true,
                "left",
            );
            x.cell(&subtotal, WIDTHS[2], 1, SHADED, true, "right");
            x.cell(&max.to_string(), WIDTHS[3], 1, SHADED, true, "right");
            x.raw("</w:tr>");
        }
        let answer = sheet.and_then(|s| s.lines.get(i));
        let ticked = answer.and_then(|l| l.option);
        x.row_start(false);
        x.cell(
            &format!("{} {}", line.criterion, line.title),
            WIDTHS[0],
            1,
            None,
            false,
            "left",
        );
        x.cell_start(WIDTHS[1], 1, None);
        if line.options.is_empty() {
            x.raw("<w:p />");
        }
        for o in &line.options {
            // "☒ 2. text (5 ***)", written piece by piece.
            let chosen = ticked == Some(o.no);
            x.paragraph_start(10, None, chosen);
            x.raw(if chosen { "☒ " } else { "☐ " });
            x.number(o.no as usize);
            x.raw(". ");
            x.text(&o.text);
            x.raw(" (");
            x.number(o.points as usize);
            if !o.marker.is_empty() {
                x.raw(" ");
                x.text(&o.marker);
            }
            x.raw(")");
            x.paragraph_end();
        }
        x.raw("</w:tc>");
        let points = answer
            .and_then(|l| l.points)
            .map_or_else(String::new, |v| v.to_string());
        x.cell(&points, WIDTHS[2], 1, None, false, "right");
        x.cell(
            &line.max_points.to_string(),
            WIDTHS[3],
            1,
            None,
            false,
            "right",
        );
        x.raw("</w:tr>");
    }
    x.row_start(false);
    x.cell(
        &w.total.to_uppercase(),
        WIDTHS[0] + WIDTHS[1],
        2,
        None,
        true,
        "left",
    );
    let total = sheet.map_or_else(String::new, |s| s.total.to_string());
    x.cell(&total, WIDTHS[2], 1, None, true, "right");
    x.cell(
        &p.result.max_points.to_string(),
        WIDTHS[3],
        1,
        None,
        true,
        "right",
    );
    x.raw("</w:tr></w:tbl>");
}

/// A writer of the few WordprocessingML elements of [`form_xml`], in table size (11 pt).
struct Xml<'a>(&'a mut Vec<u8>);

impl Xml<'_> {
    fn raw(&mut self, s: &str) {
        self.0.extend_from_slice(s.as_bytes());
    }

    fn number(&mut self, n: usize) {
        let mut digits = [0u8; 20];
        let mut at = digits.len();
        let mut n = n;
        loop {
            at -= 1;
            digits[at] = b'0' + (n % 10) as u8;
            n /= 10;
            if n == 0 {
                break;
            }
        }
        self.0.extend_from_slice(&digits[at..]);
    }

    /// `<w:NAME w:val="VALUE" />`.
    fn value(&mut self, name: &str, value: &str) {
        self.raw("<w:");
        self.raw(name);
        self.raw(r#" w:val=""#);
        self.raw(value);
        self.raw(r#"" />"#);
    }

    /// Text as docx-rs's `add_text` writes it (line breaks dropped, markup escaped), without
    /// the characters XML forbids.
    fn text(&mut self, s: &str) {
        // Nearly every text needs nothing done: no markup, no control, nothing from U+F000 up.
        let plain = |b: &u8| *b >= 0x20 && *b != 0xEF && !b"&<>\"'".contains(b);
        if s.as_bytes().iter().all(plain) {
            return self.raw(s);
        }
        for c in s.chars() {
            match c {
                '&' => self.raw("&amp;"),
                '<' => self.raw("&lt;"),
                '>' => self.raw("&gt;"),
                '"' => self.raw("&quot;"),
                '\'' => self.raw("&apos;"),
                '\n' | '\r' => {}
                c if crate::text::xml_forbidden(c) => {}
                c => {
                    let mut buf = [0; 4];
                    self.raw(c.encode_utf8(&mut buf));
                }
            }
        }
    }

    /// A bordered fixed-layout table of the text width, as [`grid_table`] makes it.
    fn table_start(&mut self, widths: &[usize]) {
        self.raw(r#"<w:tbl><w:tblPr><w:tblW w:w=""#);
        self.number(widths.iter().sum());
        self.raw(r#"" w:type="dxa" /><w:jc w:val="left" /><w:tblBorders>"#);
        for side in ["top", "left", "bottom", "right", "insideH", "insideV"] {
            self.raw("<w:");
            self.raw(side);
            self.raw(r#" w:val="single" w:sz="2" w:space="0" w:color="000000" />"#);
        }
        self.raw(r#"</w:tblBorders><w:tblLayout w:type="fixed" /></w:tblPr><w:tblGrid>"#);
        for &width in widths {
            self.raw(r#"<w:gridCol w:w=""#);
            self.number(width);
            self.raw(r#"" />"#);
        }
        self.raw("</w:tblGrid>");
    }

    /// A row that never splits across pages; the header row repeats on every page.
    fn row_start(&mut self, header: bool) {
        self.raw(if header {
            "<w:tr><w:trPr><w:cantSplit /><w:tblHeader /></w:trPr>"
        } else {
            "<w:tr><w:trPr><w:cantSplit /></w:trPr>"
        });
    }

    fn cell_start(&mut self, width: usize, span: usize, fill: Option<&str>) {
        self.raw(r#"<w:tc><w:tcPr><w:tcW w:w=""#);
        self.number(width);
        self.raw(r#"" w:type="dxa" />"#);
        if span > 1 {
            self.raw(r#"<w:gridSpan w:val=""#);
            self.number(span);
            self.raw(r#"" />"#);
        }
        if let Some(fill) = fill {
            self.raw(r#"<w:shd w:val="clear" w:color="auto" w:fill=""#);
            self.raw(fill);
            self.raw(r#"" />"#);
        }
        self.raw("</w:tcPr>");
    }

    /// A cell of one line, as [`cell`] makes it (spacing of 1 pt above and below).
    fn cell(
        &mut self,
        s: &str,
        width: usize,
        span: usize,
        fill: Option<&str>,
        strong: bool,
        align: &str,
    ) {
        self.cell_start(width, span, fill);
        self.paragraph(s, 20, Some(align), strong);
        self.raw("</w:tc>");
    }

    fn paragraph(&mut self, s: &str, space: usize, align: Option<&str>, strong: bool) {
        self.paragraph_start(space, align, strong);
        self.text(s);
        self.paragraph_end();
    }

    /// A paragraph up to its text, which the caller writes (with [`Xml::text`]).
    fn paragraph_start(&mut self, space: usize, align: Option<&str>, strong: bool) {
        self.raw(r#"<w:p><w:pPr><w:spacing w:before=""#);
        self.number(space);
        self.raw(r#"" w:after=""#);
        self.number(space);
        self.raw(r#"" />"#);
        if let Some(align) = align {
            self.value("jc", align);
        }
        self.raw("</w:pPr><w:r><w:rPr>");
        if strong {
            self.raw("<w:b /><w:bCs />");
        }
        self.raw(r#"<w:sz w:val=""#);
        self.number(TABLE_SIZE);
        self.raw(r#"" /><w:szCs w:val=""#);
        self.number(TABLE_SIZE);
        self.raw(r#"" /></w:rPr><w:t xml:space="preserve">"#);
    }

    fn paragraph_end(&mut self) {
        self.raw("</w:t></w:r></w:p>");
    }
}

/// Every document in Word.
pub fn document<W: Write + Seek>(doc: Document, m: &Minutes, out: &mut W) -> Result<()> {
    match doc {
        Document::Minutes => minutes(m, out),
        Document::Sheets => sheets(m, out),
        Document::BlankSheets => blank_sheets(m, out),
        Document::Proposal => proposal(m, out),
        Document::Central => central(m, out),
        Document::Notices => notices(m, out),
    }
}

/// One blank form per product, to print before the meeting: the option numbers are the keys the
/// secretary presses when entering the paper.
fn blank_sheets<W: Write + Seek>(m: &Minutes, out: &mut W) -> Result<()> {
    let w = words(m.lang);
    if m.products.is_empty() {
        return pack(document_base(m).add_paragraph(text(w.none)), out);
    }
    let page = SheetStencils::blank(m, w);
    let build = |i: usize, out: &mut Vec<u8>| page.blank_page(w, &m.products[i], i, out);
    pack_paged(
        document_base(m),
        Some(Pages {
            count: m.products.len(),
            build: &build,
        }),
        out,
    )
}

/// The opening of a letter: national header with its number line, the kind of document, its
/// subject, whom it is addressed to.
fn letter(m: &Minutes, w: &Words, number_line: &str, kind: &str, subject: &str) -> Docx {
    document_base(m)
        .add_table(national_header(m, w, number_line))
        .add_paragraph(centered(Run::new().add_text("")))
        .add_paragraph(centered(Run::new().add_text(kind).bold().size(28)))
        .add_paragraph(centered(Run::new().add_text(subject).bold()).line_spacing(spacing(0, 160)))
}

fn chair_signature(m: &Minutes, w: &Words) -> Table {
    signature_table(
        ("", None),
        (w.chair, m.chair.as_ref().map(|x| x.name.as_str())),
        w,
    )
}

/// Tờ trình đề nghị công nhận: the recognised products grouped by star with producer, commune,
/// points and rank, ready to be the annex of the chair's decision.
fn proposal<W: Write + Seek>(m: &Minutes, out: &mut W) -> Result<()> {
    let w = words(m.lang);
    let mut doc = letter(
        m,
        w,
        w.proposal_number,
        w.proposal_title,
        w.proposal_subject,
    )
    .add_paragraph(centered(
        Run::new().add_text(format!("{} {}", w.to_chair, m.chair_of)),
    ))
    .add_paragraph(text(w.proposal_intro))
    .add_paragraph(centered(Run::new().add_text(w.list_heading).bold()));
    let widths = [500, 1_300, 2_455, 2_100, 1_400, 800, 800];
    let mut levels: Vec<u8> = m.recognised.iter().map(|r| r.stars).collect();
    levels.dedup();
    for stars in levels {
        doc = doc.add_paragraph(bold(format!("{} {stars} {}", w.group_prefix, w.stars_word)));
        let rows = m
            .recognised
            .iter()
            .filter(|r| r.stars == stars)
            .enumerate()
            .map(|(i, r)| {
                TableRow::new(vec![
                    cell(
                        &[(i + 1).to_string()],
                        widths[0],
                        false,
                        AlignmentType::Center,
                    ),
                    cell(&[r.code.as_str()], widths[1], false, AlignmentType::Left),
                    cell(&[r.name.as_str()], widths[2], false, AlignmentType::Left),
                    cell(
                        &[r.producer.as_str()],
                        widths[3],
                        false,
                        AlignmentType::Left,
                    ),
                    cell(&[r.commune.as_str()], widths[4], false, AlignmentType::Left),
                    cell(
                        &[localized(m.lang, &r.mean)],
                        widths[5],
                        false,
                        AlignmentType::Right,
                    ),
                    cell(
                        &[format!("{stars} {}", w.stars_word)],
                        widths[6],
                        false,
                        AlignmentType::Center,
                    ),
                ])
            })
            .collect();
        doc = doc.add_table(
            grid_table(
                &widths,
                &[
                    w.no,
                    w.code,
                    w.product_name,
                    w.producer,
                    w.commune,
                    w.mean_total,
                    w.rank,
                ],
                rows,
            )
            .margins(narrow_margins()),
        );
    }
    if m.recognised.is_empty() {
        doc = doc.add_paragraph(text(w.none));
    }
    doc = doc
        .add_paragraph(centered(Run::new().add_text("")))
        .add_table(chair_signature(m, w));
    pack(doc, out)
}

/// The council's report on the products proposed to the central council (Điều 6.3.a).
fn central<W: Write + Seek>(m: &Minutes, out: &mut W) -> Result<()> {
    let w = words(m.lang);
    let mut doc = letter(m, w, w.central_number, w.central_title, w.central_subject)
        .add_paragraph(centered(Run::new().add_text(w.to_ministry)))
        .add_paragraph(text(w.central_report_intro));
    let parts = &m.part_ids;
    let fixed = 450 + 1_300 + 2_000 + 700 * parts.len() + 800 + 600 + 700;
    let mut widths = vec![
        450,
        1_300,
        TEXT_WIDTH.saturating_sub(fixed).max(1_500),
        2_000,
    ];
    widths.extend(parts.iter().map(|_| 700));
    widths.extend([800, 600, 700]);
    let mut header: Vec<String> = vec![
        w.no.into(),
        w.code.into(),
        w.product_name.into(),
        w.producer.into(),
    ];
    header.extend(parts.iter().map(|id| format!("{} {id}", w.part)));
    header.extend([w.mean_total.into(), w.counted.into(), w.spread.into()]);
    let header: Vec<&str> = header.iter().map(String::as_str).collect();
    let rows: Vec<TableRow> = m
        .products
        .iter()
        .filter(|p| p.to_central)
        .enumerate()
        .map(|(i, p)| {
            let mut cells = vec![
                cell(
                    &[(i + 1).to_string()],
                    widths[0],
                    false,
                    AlignmentType::Center,
                ),
                cell(&[p.code.as_str()], widths[1], false, AlignmentType::Left),
                cell(&[p.name.as_str()], widths[2], false, AlignmentType::Left),
                cell(
                    &[p.producer.clone(), p.commune.clone()],
                    widths[3],
                    false,
                    AlignmentType::Left,
                ),
            ];
            cells.extend(mean_cells(m, p, &widths[4..]));
            let n = 4 + parts.len();
            cells.push(cell(
                &[p.counted.to_string()],
                widths[n + 1],
                false,
                AlignmentType::Right,
            ));
            cells.push(cell(
                &[p.spread.map_or_else(String::new, |s| s.to_string())],
                widths[n + 2],
                false,
                AlignmentType::Right,
            ));
            TableRow::new(cells)
        })
        .collect();
    if rows.is_empty() {
        doc = doc.add_paragraph(text(w.none));
    } else {
        doc = doc.add_table(grid_table(&widths, &header, rows).margins(narrow_margins()));
    }
    doc = doc.add_paragraph(
        text(format!(
            "{}: {}. {}: {}.",
            w.minimum_rule, m.minimum_rule_text, w.max_spread, m.session.policy.max_spread
        ))
        .line_spacing(spacing(80, 80)),
    );
    for line in m
        .conclusions
        .iter()
        .filter(|l| l.starts_with(w.top_minimums_policy))
    {
        doc = doc.add_paragraph(text(format!("{line}.")));
    }
    doc = doc
        .add_paragraph(centered(Run::new().add_text("")))
        .add_table(chair_signature(m, w));
    pack(doc, out)
}

/// One result notice per settled product, for its commune and its producer (Điều 7.3.g).
fn notices<W: Write + Seek>(m: &Minutes, out: &mut W) -> Result<()> {
    let w = words(m.lang);
    let settled: Vec<&ProductView> = m.products.iter().filter(|p| p.settled).collect();
    if settled.is_empty() {
        return pack(document_base(m).add_paragraph(text(w.none)), out);
    }
    let build = |i: usize, out: &mut Vec<u8>| {
        let p = settled[i];
        let mut doc = Docx::new();
        if i > 0 {
            // The header table starts the page: a page break before its first paragraph.
            doc = doc.add_paragraph(Paragraph::new().page_break_before(true));
        }
        let head = national_header(m, w, w.notice_number);
        let to = [p.commune.as_str(), p.producer.as_str()]
            .into_iter()
            .filter(|x| !x.is_empty())
            .collect::<Vec<_>>()
            .join("; ");
        doc = doc
            .add_table(head)
            .add_paragraph(centered(Run::new().add_text("")))
            .add_paragraph(centered(
                Run::new().add_text(w.notice_title).bold().size(28),
            ))
            .add_paragraph(
                centered(Run::new().add_text(w.notice_subject).bold())
                    .line_spacing(spacing(0, 160)),
            )
            .add_paragraph(text(format!("{}: {to}.", w.notice_to)))
            .add_paragraph(text(w.notice_intro))
            .add_paragraph(text(format!(
                "- {}: {} ({}); {} {}: {}.",
                w.product, p.name, p.code, w.set, p.set_label, p.rubric_name
            )));
        if p.counted > 0 {
            let parts: Vec<String> = p
                .parts
                .iter()
                .map(|x| format!("{} {} {}", w.part, x.id, localized(m.lang, &x.mean_display)))
                .collect();
            doc = doc.add_paragraph(text(format!(
                "- {}: {}; {} {} ({} {}).",
                w.mean_total,
                parts.join("; "),
                w.total.to_lowercase(),
                localized(m.lang, &p.mean_display),
                p.counted,
                w.counted.to_lowercase()
            )));
        }
        doc = doc
            .add_paragraph(
                Paragraph::new()
                    .add_run(Run::new().add_text(format!("- {}: ", w.result_word)))
                    .add_run(Run::new().add_text(p.outcome_text.as_str()).bold())
                    .line_spacing(spacing(0, 80)),
            )
            .add_paragraph(centered(Run::new().add_text("")))
            .add_table(chair_signature(m, w));
        page_body(doc, out);
    };
    pack_paged(
        document_base(m),
        Some(Pages {
            count: settled.len(),
            build: &build,
        }),
        out,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Lang;

    /// The paragraph ids blanked: they are numbers docx-rs and the stencils pick differently.
    fn without_ids(xml: &[u8]) -> String {
        let text = String::from_utf8_lossy(xml);
        let mut out = String::new();
        let mut rest: &str = &text;
        while let Some(at) = rest.find("w14:paraId=\"") {
            let value = at + "w14:paraId=\"".len();
            out.push_str(&rest[..value]);
            rest = &rest[value..];
            rest = &rest[rest.find('"').unwrap_or(0)..];
        }
        out.push_str(rest);
        out
    }

    #[test]
    fn a_filled_stencil_is_what_docx_rs_writes() {
        let hostile = "Cà phê <A&B> \"Đà Lạt\" 'x'\nline\r\u{B}\u{FFFF}\ttab";
        let part = |a: &str, b: &str| {
            Docx::new()
                .add_paragraph(text(format!("Sản phẩm: {a} — {b}")).page_break_before(true))
                .add_paragraph(note(b))
                .add_table(signature_table(
                    ("", None),
                    ("KÝ", Some(a)),
                    words(Lang::Vi),
                ))
        };
        let mut expected = Vec::new();
        page_body(part(hostile, "plain"), &mut expected);
        let stencil = Stencil::new(part(&slot(0), &slot(1)));
        assert_eq!(stencil.ids, 16);
        let mut filled = Vec::new();
        stencil.fill(&[hostile, "plain"], PAGE_IDS, &mut filled);
        assert_eq!(without_ids(&filled), without_ids(&expected));
        assert!(String::from_utf8_lossy(&filled).contains("w14:paraId=\"0001000f\""));
    }
}
