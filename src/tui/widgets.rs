//! Small drawing helpers every screen uses: cutting and padding text by display columns,
//! word wrapping, a centred box, a titled block that shows focus.

use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::widgets::{Block, Borders};
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

/// A box in the middle of `area`, `width` × `height` at most.
pub fn centered(area: Rect, width: u16, height: u16) -> Rect {
    let w = width.min(area.width);
    let h = height.min(area.height);
    Rect::new(
        area.x + (area.width - w) / 2,
        area.y + (area.height - h) / 2,
        w,
        h,
    )
}

/// Cuts `text` to `width` display columns, ending with "…" when cut.
pub fn truncate(text: &str, width: usize) -> String {
    if text.width() <= width {
        return text.to_string();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in text.chars() {
        let w = c.width().unwrap_or(0);
        if used + w + 1 > width {
            break;
        }
        out.push(c);
        used += w;
    }
    out.push('…');
    out
}

/// `text` without its first `columns` display columns.
pub fn skip_columns(text: &str, columns: usize) -> String {
    let mut used = 0;
    text.chars()
        .skip_while(|c| {
            let skip = used < columns;
            used += c.width().unwrap_or(0);
            skip
        })
        .collect()
}

/// Pads or cuts `text` to exactly `width` columns.
pub fn fit(text: &str, width: usize) -> String {
    let cut = truncate(text, width);
    let pad = width.saturating_sub(cut.width());
    format!("{cut}{}", " ".repeat(pad))
}

/// The widest of `texts` in display columns (for columns sized to their words).
pub fn widest<'a>(texts: impl IntoIterator<Item = &'a str>) -> u16 {
    texts
        .into_iter()
        .map(UnicodeWidthStr::width)
        .max()
        .unwrap_or(0) as u16
}

/// Splits `text` into rows of at most `width` display columns, breaking between words (a
/// word longer than a row is cut across rows).
pub fn wrap_words(text: &str, width: usize) -> Vec<String> {
    let width = width.max(1);
    let mut rows = Vec::new();
    let mut row = String::new();
    for word in text.split_whitespace() {
        if !row.is_empty() && row.width() + 1 + word.width() > width {
            rows.push(std::mem::take(&mut row));
        }
        if !row.is_empty() {
            row.push(' ');
        }
        for c in word.chars() {
            if row.width() + c.width().unwrap_or(0) > width {
                rows.push(std::mem::take(&mut row));
            }
            row.push(c);
        }
    }
    rows.push(row);
    rows
}

/// A bordered block with a title. The focused one has a bright double border and a "▶"
/// before its title, so focus never depends on seeing a colour.
pub fn block(title: &str, focused: bool) -> Block<'static> {
    let (style, border, title) = if focused {
        (
            Style::new().fg(Color::Cyan).add_modifier(Modifier::BOLD),
            ratatui::widgets::BorderType::Double,
            format!(" ▶ {title} "),
        )
    } else {
        (
            Style::new().fg(Color::DarkGray),
            ratatui::widgets::BorderType::Plain,
            format!(" {title} "),
        )
    };
    Block::default()
        .borders(Borders::ALL)
        .border_type(border)
        .border_style(style)
        .title(title)
}

/// A block for screens with one panel: plain border, no focus marker.
pub fn panel(title: &str) -> Block<'static> {
    Block::default()
        .borders(Borders::ALL)
        .border_style(Style::new().fg(Color::Cyan))
        .title(format!(" {title} "))
}
