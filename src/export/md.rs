//! The minutes as Markdown (`assets/templates/minutes.md`).

use std::io::Write;

use color_eyre::eyre::Result;
use minijinja::Value;

use super::model::Minutes;
use super::templates::Templates;

pub fn minutes(m: &Minutes, out: &mut dyn Write) -> Result<()> {
    Templates::new(m)?.render("minutes.md", Value::UNDEFINED, out)
}
