//! Printable HTML of every document (`assets/templates/*.html`); the score sheets, filled and
//! blank, are written here in Rust (hundreds of thousands of option lines are too many for the
//! template interpreter), with the templates' escaping.

use std::io::Write;

use color_eyre::eyre::Result;
use minijinja::context;
use minijinja::value::Value;

use super::Document;
use super::model::{Minutes, ProductView, SheetView};
use super::templates::Templates;
use super::words::{Words, words};
use crate::text::xml_safe;

pub fn document(doc: Document, m: &Minutes, out: &mut dyn Write) -> Result<()> {
    let t = Templates::new(m)?;
    let template = match doc {
        Document::Minutes => "minutes.html",
        Document::Sheets => return sheets(&t, m, out, true),
        Document::BlankSheets => return sheets(&t, m, out, false),
        Document::Proposal => "proposal.html",
        Document::Central => "central.html",
        Document::Notices => "notices.html",
    };
    t.render(template, Value::UNDEFINED, out)
}

/// The score sheets: every member's sheet of the current round (`filled`), or one blank sheet
/// per product, each a page, written straight out.
fn sheets(t: &Templates, m: &Minutes, out: &mut dyn Write, filled: bool) -> Result<()> {
    let w = words(m.lang);
    t.render("head.html", context! { doc_title => w.sheets_title }, out)?;
    let mut any = false;
    if !filled {
        out.write_all(b"\n")?;
    }
    for p in &m.products {
        if filled {
            out.write_all(b"\n")?;
            for sheet in p.sheets() {
                section(out, m, w, p, Some(sheet))?;
                any = true;
            }
        } else {
            section(out, m, w, p, None)?;
            any = true;
        }
    }
    match (any, filled) {
        (false, true) => write!(out, "<p>{}</p>", E(w.none))?,
        (false, false) => write!(out, "\n<p>{}</p>\n", E(w.none))?,
        _ => {}
    }
    out.write_all(b"\n</body>\n</html>")?;
    Ok(())
}

/// Text as the templates print it: characters XML forbids dropped, then HTML-escaped.
struct E<'a>(&'a str);

impl std::fmt::Display for E<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let text = xml_safe(self.0);
        let mut start = 0;
        for (i, b) in text.bytes().enumerate() {
            let entity = match b {
                b'<' => "&lt;",
                b'>' => "&gt;",
                b'&' => "&amp;",
                b'"' => "&quot;",
                b'\'' => "&#x27;",
                b'/' => "&#x2f;",
                _ => continue,
            };
            f.write_str(&text[start..i])?;
            f.write_str(entity)?;
            start = i + 1;
        }
        f.write_str(&text[start..])
    }
}

/// One page: a member's sheet, or the blank form when `sheet` is none.
fn section(
    out: &mut dyn Write,
    m: &Minutes,
    w: &Words,
    p: &ProductView,
    sheet: Option<&SheetView>,
) -> Result<()> {
    let s = &m.session;
    write!(
        out,
        "\n<section class=\"sheet\">\n  <p class=\"center small\"><b>{}</b></p>\n  <h1>{}</h1>\n  \
         <p class=\"center\"><em>{}</em></p>\n  <p>{}: <strong>{}</strong> ({}) — {}: {}</p>\n  \
         <p>{} {}: {}</p>\n",
        E(&s.council.to_uppercase()),
        E(w.sheets_title),
        E(&s.title),
        E(w.product),
        E(&p.name),
        E(&p.code),
        E(w.producer),
        E(&p.producer),
        E(w.set),
        E(&p.set_label),
        E(&p.rubric_name),
    )?;
    match sheet {
        Some(sheet) => {
            write!(
                out,
                "  <p>{}: <strong>{}</strong> — {} {}, {} · {} {} · {}: {}</p>\n  \
                 <p class=\"small\"><em>{}: {}",
                E(w.member),
                E(&sheet.name),
                E(&w.seat.to_lowercase()),
                sheet.seat,
                E(&sheet.role_text),
                E(&w.round.to_lowercase()),
                p.round,
                E(w.entered_by),
                E(&sheet.entered_by_text),
                E(w.status),
                E(if sheet.submitted {
                    w.submitted
                } else {
                    w.not_submitted
                }),
            )?;
            for (shown, text) in [
                (!sheet.complete, w.incomplete),
                (sheet.recused, w.recused),
                (!sheet.counted, w.not_counted),
            ] {
                if shown {
                    write!(out, ", {}", E(text))?;
                }
            }
            out.write_all(b"</em></p>\n  ")?;
        }
        None => write!(
            out,
            "  <p>{}</p>\n  <p class=\"small\"><em>{}</em></p>\n  ",
            E(w.member_line),
            E(w.blank_sheets_note)
        )?,
    }
    form(out, w, p, sheet)?;
    let comment = match sheet {
        Some(sheet) if !sheet.comment.is_empty() => sheet.comment.as_str(),
        Some(_) => "……………………",
        None => "……………………………………………………………………",
    };
    write!(
        out,
        "\n  <p>{}: {}</p>\n  <p style=\"text-align: right\"><em>{}</em></p>\n  \
         <table class=\"signatures\" width=\"100%\">\n    <tr><td width=\"50%\"></td><td width=\"50%\">\
         <div><b>{}</b></div><div class=\"small\"><em>{}</em></div><div class=\"sign-space\">\
         <br><br><br></div>",
        E(w.comment),
        E(comment),
        E(&m.place_date),
        E(w.member_signature),
        E(w.sign_hint),
    )?;
    if let Some(sheet) = sheet {
        write!(out, "<div><b>{}</b></div>", E(&sheet.name))?;
    }
    out.write_all(b"</td></tr>\n  </table>\n</section>\n")?;
    Ok(())
}

/// One Phụ lục II form: every criterion with every option and its box; the ticked one marked ☒.
fn form(out: &mut dyn Write, w: &Words, p: &ProductView, sheet: Option<&SheetView>) -> Result<()> {
    write!(
        out,
        "\n<table class=\"grid form\" border=\"1\" cellspacing=\"0\" cellpadding=\"3\">\n  \
         <thead><tr><th width=\"34%\">{}</th><th width=\"52%\">{}</th><th width=\"7%\">{}</th>\
         <th width=\"7%\">{}</th></tr></thead>\n  <tbody>\n  ",
        E(w.criterion),
        E(w.option),
        E(w.points),
        E(w.max_points),
    )?;
    for (i, line) in p.form.iter().enumerate() {
        out.write_all(b"\n  ")?;
        if i == 0 || p.form[i - 1].part != line.part {
            for part in p.parts.iter().filter(|part| part.id == line.part) {
                write!(
                    out,
                    "\n  <tr class=\"part\"><td colspan=\"2\"><b>{} {}: {}</b></td>\
                     <td class=\"num\"></td><td class=\"num\">{}</td></tr>\n  ",
                    E(w.part),
                    E(&part.id),
                    E(&part.title),
                    part.max_points,
                )?;
            }
        }
        let chosen = sheet.and_then(|s| s.lines[i].option);
        write!(
            out,
            "\n  \n  <tr>\n    <td>{} {}</td>\n    <td>",
            E(&line.criterion),
            E(&line.title)
        )?;
        for o in &line.options {
            let ticked = chosen == Some(o.no);
            write!(
                out,
                "<div class=\"option{}\">{} {}. {} <span class=\"small\">({}",
                if ticked { " ticked" } else { "" },
                if ticked { "☒" } else { "☐" },
                o.no,
                E(&o.text),
                o.points,
            )?;
            if !o.marker.is_empty() {
                write!(out, " {}", E(&o.marker))?;
            }
            out.write_all(b")</span></div>")?;
        }
        out.write_all(b"</td>\n    <td class=\"num\">")?;
        if let Some(points) = sheet.and_then(|s| s.lines[i].points) {
            write!(out, "{points}")?;
        }
        write!(
            out,
            "</td>\n    <td class=\"num\">{}</td>\n  </tr>\n  ",
            line.max_points
        )?;
    }
    out.write_all(b"\n  ")?;
    if let Some(sheet) = sheet {
        for (i, part) in p.parts.iter().enumerate() {
            write!(
                out,
                "<tr class=\"part\"><td colspan=\"2\">{} {}</td><td class=\"num\">{}</td>\
                 <td class=\"num\">{}</td></tr>",
                E(w.part),
                E(&part.id),
                sheet.parts[i],
                part.max_points,
            )?;
        }
    }
    write!(
        out,
        "\n  <tr class=\"part\"><td colspan=\"2\"><b>{}</b></td><td class=\"num\"><b>",
        E(&w.total.to_uppercase())
    )?;
    if let Some(sheet) = sheet {
        write!(out, "{}", sheet.total)?;
    }
    write!(
        out,
        "</b></td><td class=\"num\">{}</td></tr>\n  </tbody>\n</table>\n\
         <p class=\"small\"><em>{}</em></p>",
        p.result.max_points,
        E(w.markers_note),
    )?;
    Ok(())
}
