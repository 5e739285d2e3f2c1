//! Every stored choice in long format, one row per session × product × round × member ×
//! criterion. UTF-8 with a byte-order mark so spreadsheet programs show the diacritics; a cell
//! that a spreadsheet would run as a formula is prefixed with `'`.

use std::io::Write;

use color_eyre::eyre::Result;

use super::model::Minutes;

pub const HEADER: [&str; 11] = [
    "session",
    "product",
    "round",
    "member",
    "member_name",
    "criterion",
    "option",
    "option_text",
    "points",
    "entered_by",
    "time",
];

/// Text a spreadsheet would run as a formula (`=`, `+`, `-`, `@`, tab, carriage return) gets a
/// leading `'` so it stays text.
pub fn guard(cell: &str) -> String {
    match cell.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{cell}"),
        _ => cell.to_string(),
    }
}

pub fn choices(m: &Minutes, out: &mut dyn Write) -> Result<()> {
    out.write_all("\u{feff}".as_bytes())?;
    {
        let mut writer = csv::Writer::from_writer(out);
        writer.write_record(HEADER)?;
        for p in &m.products {
            for round in &p.rounds {
                for sheet in round.sheets.iter() {
                    for line in &sheet.lines {
                        let (Some(option), Some(points)) = (line.option, line.points) else {
                            continue;
                        };
                        let entered_by = line.entered_by.as_deref().unwrap_or(&sheet.entered_by);
                        writer.write_record([
                            guard(&m.session.code),
                            guard(&p.code),
                            round.round.to_string(),
                            sheet.seat.to_string(),
                            guard(&sheet.name),
                            guard(&line.criterion),
                            option.to_string(),
                            guard(line.option_text.as_deref().unwrap_or("")),
                            points.to_string(),
                            guard(entered_by),
                            guard(line.at.as_deref().unwrap_or("")),
                        ])?;
                    }
                }
            }
        }
        writer.flush()?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_like_cells_are_kept_as_text() {
        assert_eq!(guard("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(guard("+84 912"), "'+84 912");
        assert_eq!(guard("-1"), "'-1");
        assert_eq!(guard("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(guard("Mứt dâu"), "Mứt dâu");
    }
}
