//! Everything as JSON: the minutes model itself (layout documented in README, "Exports").
//! Compact, one line: a large session holds every line of every sheet.

use color_eyre::eyre::Result;

use super::model::Minutes;

pub fn everything(m: &Minutes) -> Result<String> {
    let mut text = serde_json::to_string(m)?;
    text.push('\n');
    Ok(text)
}
