//! Printable HTML of every document (`assets/templates/*.html`).

use color_eyre::eyre::Result;

use super::Document;
use super::model::Minutes;
use super::templates::render;

pub fn document(doc: Document, m: &Minutes) -> Result<String> {
    let template = match doc {
        Document::Minutes => "minutes.html",
        Document::Sheets => "sheets.html",
        Document::BlankSheets => "blank.html",
        Document::Proposal => "proposal.html",
        Document::Central => "central.html",
        Document::Notices => "notices.html",
    };
    render(template, m)
}
