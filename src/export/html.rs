//! Printable HTML of every document (`assets/templates/*.html`).

use std::io::Write;

use color_eyre::eyre::Result;
use minijinja::context;
use minijinja::value::{Serde, Value};

use super::Document;
use super::model::Minutes;
use super::templates::Templates;

pub fn document(doc: Document, m: &Minutes, out: &mut dyn Write) -> Result<()> {
    let t = Templates::new(m)?;
    let template = match doc {
        Document::Minutes => "minutes.html",
        Document::Sheets => return sheets(&t, m, out),
        Document::BlankSheets => "blank.html",
        Document::Proposal => "proposal.html",
        Document::Central => "central.html",
        Document::Notices => "notices.html",
    };
    t.render(template, Value::UNDEFINED, out)
}

/// The score sheets, one product at a time: only that product's sheets become template values,
/// and each is written out before the next.
fn sheets(t: &Templates, m: &Minutes, out: &mut dyn Write) -> Result<()> {
    let w = super::words::words(m.lang);
    t.render("head.html", context! { doc_title => w.sheets_title }, out)?;
    for p in &m.products {
        t.render("sheets.html", context! { p => Value::from(Serde(p)) }, out)?;
    }
    let any = m.products.iter().any(|p| !p.sheets().is_empty());
    t.render("sheets_end.html", context! { any }, out)
}
