//! Everything as JSON: the minutes model itself (layout documented in README, "Exports").
//! Compact, one line: a large session holds every line of every sheet.

use std::io::Write;

use color_eyre::eyre::Result;

use super::model::Minutes;

pub fn everything(m: &Minutes, out: &mut dyn Write) -> Result<()> {
    serde_json::to_writer(&mut *out, m)?;
    out.write_all(b"\n")?;
    Ok(())
}
