//! The minutes as Markdown (`assets/templates/minutes.md`).

use color_eyre::eyre::Result;

use super::model::Minutes;
use super::templates::render;

pub fn minutes(m: &Minutes) -> Result<String> {
    render("minutes.md", m)
}
