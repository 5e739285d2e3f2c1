//! Printable HTML: the minutes and the members' score sheets (`assets/templates/*.html`).

use color_eyre::eyre::Result;

use super::model::Minutes;
use super::templates::render;

pub fn minutes(m: &Minutes) -> Result<String> {
    render("minutes.html", m)
}

pub fn sheets(m: &Minutes) -> Result<String> {
    render("sheets.html", m)
}
