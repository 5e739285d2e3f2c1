//! Text hygiene at the boundary: every name, reason and comment that enters the program (session
//! file, product import, keyboard, command line) is checked here, and every document writer
//! strips what XML cannot hold as a second line of defence.
//!
//! Pure: no I/O, no knowledge of where the text came from. Callers add the file, row or line.

use std::borrow::Cow;
use std::fmt;

use unicode_normalization::UnicodeNormalization;

/// Why a piece of text was refused, with the offending character and its 1-based position
/// (in characters) inside the value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextProblem {
    /// A control character other than tab and newline (a line break typed in Excel arrives as
    /// `_x000B_`, i.e. U+000B).
    Control { ch: char, at: usize },
    /// A character that cannot be seen (zero-width, bidirectional control, no-break space, …)
    /// inside a code, where two codes would look the same and differ.
    Invisible { ch: char, at: usize },
}

impl TextProblem {
    pub fn ch(self) -> char {
        match self {
            Self::Control { ch, .. } | Self::Invisible { ch, .. } => ch,
        }
    }
}

impl fmt::Display for TextProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Self::Control { ch, at } => write!(
                f,
                "control character {} at character {at} (only tab and line break are allowed)",
                char_name(ch)
            ),
            Self::Invisible { ch, at } => write!(
                f,
                "invisible character {} at character {at} (codes may not hold characters that cannot be seen)",
                char_name(ch)
            ),
        }
    }
}

/// "U+000B": how a character is named in every message.
pub fn char_name(ch: char) -> String {
    format!("U+{:04X}", u32::from(ch))
}

/// A control character refused in names, reasons and comments: every C0 and C1 control except
/// tab and line feed. A carriage return is accepted only as part of a Windows line break (CR LF).
fn refused_control(ch: char, next: Option<char>) -> bool {
    match ch {
        '\t' | '\n' => false,
        '\r' => next != Some('\n'),
        _ => ch.is_control(),
    }
}

/// Characters that render as nothing or as a plain space: zero-width characters, bidirectional
/// controls, no-break and other non-ASCII spaces, the soft hyphen and the byte-order mark.
fn invisible(ch: char) -> bool {
    matches!(
        ch,
        '\u{00A0}'
            | '\u{00AD}'
            | '\u{034F}'
            | '\u{061C}'
            | '\u{115F}'
            | '\u{1160}'
            | '\u{17B4}'
            | '\u{17B5}'
            | '\u{180E}'
            | '\u{200B}'..='\u{200F}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{2064}'
            | '\u{2066}'..='\u{206F}'
            | '\u{3164}'
            | '\u{FE00}'..='\u{FE0F}'
            | '\u{FEFF}'
            | '\u{FFA0}'
    ) || (ch.is_whitespace() && ch != ' ' && !ch.is_ascii())
}

/// Checks a name, reason or comment: refuses control characters other than tab and newline.
pub fn check_text(value: &str) -> Result<(), TextProblem> {
    let mut chars = value.chars().peekable();
    let mut at = 0;
    while let Some(ch) = chars.next() {
        at += 1;
        if refused_control(ch, chars.peek().copied()) {
            return Err(TextProblem::Control { ch, at });
        }
    }
    Ok(())
}

/// Checks a product code: no control character at all (not even tab or newline) and no invisible
/// character.
pub fn check_code(value: &str) -> Result<(), TextProblem> {
    for (i, ch) in value.chars().enumerate() {
        let at = i + 1;
        if ch.is_control() {
            return Err(TextProblem::Control { ch, at });
        }
        if invisible(ch) {
            return Err(TextProblem::Invisible { ch, at });
        }
    }
    Ok(())
}

/// The key two codes are compared by for duplicates: compatibility-normalised (NFKC: full-width
/// "ＬＤ" is "LD") and case-folded ("ld-01" is "LD-01").
pub fn code_key(code: &str) -> String {
    code.trim().nfkc().flat_map(char::to_lowercase).collect()
}

/// A character XML 1.0 cannot hold, even escaped: C0 controls other than tab, LF and CR, and the
/// non-characters U+FFFE and U+FFFF.
pub fn xml_forbidden(ch: char) -> bool {
    matches!(ch, '\u{0}'..='\u{8}' | '\u{B}' | '\u{C}' | '\u{E}'..='\u{1F}' | '\u{FFFE}' | '\u{FFFF}')
}

/// `value` without the characters XML cannot hold: what every document writer does last, so a
/// character that slipped past the checks can never make a file unopenable.
pub fn xml_safe(value: &str) -> Cow<'_, str> {
    // Bytes first (the documents pass hundreds of megabytes through here): a forbidden
    // character is a C0 control byte other than tab, LF and CR, or starts with 0xEF (U+FFFE and
    // U+FFFF are EF BF BE and EF BF BF; U+F000 to U+FFFD start with it too and are checked).
    let suspect = |b: &u8| (*b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r')) || *b == 0xEF;
    if value.as_bytes().iter().any(suspect) && value.chars().any(xml_forbidden) {
        Cow::Owned(value.chars().filter(|&c| !xml_forbidden(c)).collect())
    } else {
        Cow::Borrowed(value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_may_hold_tabs_and_line_breaks_but_no_other_control() {
        assert_eq!(check_text("Mứt dâu\ttây\nĐà Lạt\r\n"), Ok(()));
        assert_eq!(
            check_text("Mứt\u{B}dâu"),
            Err(TextProblem::Control { ch: '\u{B}', at: 4 })
        );
        assert_eq!(
            check_text("a\u{7}"),
            Err(TextProblem::Control { ch: '\u{7}', at: 2 })
        );
        assert!(check_text("a\rb").is_err(), "a lone CR is no line break");
        assert!(
            check_text("a\u{85}b").is_err(),
            "C1 controls are refused too"
        );
    }

    #[test]
    fn messages_name_the_character_by_its_code_point() {
        let e = check_text("Trà\u{B}").unwrap_err();
        assert_eq!(
            e.to_string(),
            "control character U+000B at character 4 (only tab and line break are allowed)"
        );
    }

    #[test]
    fn codes_refuse_invisible_characters_and_any_control() {
        for bad in [
            "LD\u{200B}01",
            "LD\u{00A0}01",
            "\u{FEFF}LD01",
            "LD\u{202E}01",
            "LD\u{2060}01",
        ] {
            assert!(
                matches!(check_code(bad), Err(TextProblem::Invisible { .. })),
                "{bad:?}"
            );
        }
        assert!(matches!(
            check_code("LD\t01"),
            Err(TextProblem::Control { .. })
        ));
        assert_eq!(check_code("LD-2026-01"), Ok(()));
        assert_eq!(check_code("LĐ 01"), Ok(()), "a plain space and Đ are fine");
    }

    #[test]
    fn codes_that_differ_only_by_case_or_width_share_a_key() {
        assert_eq!(code_key("LD-2026-01"), code_key("ld-2026-01"));
        assert_eq!(code_key("LD-2026-01"), code_key("ＬＤ-２０２６-０１"));
        assert_eq!(code_key("LĐ-01"), code_key("lđ-01"));
        assert_ne!(code_key("LD-01"), code_key("LD-02"));
    }

    #[test]
    fn xml_safe_strips_only_what_xml_forbids() {
        assert_eq!(xml_safe("a\u{B}b\u{7}c\u{FFFF}"), "abc");
        assert_eq!(xml_safe("tab\tline\nđ"), "tab\tline\nđ");
        assert!(matches!(xml_safe("plain"), Cow::Borrowed(_)));
    }
}
