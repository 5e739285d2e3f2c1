//! Positions in source files and the one error type every file loader reports.
//!
//! A problem in a user's file is shown as `file:line:col: what is wrong`, so it can be found
//! and fixed without guessing.

use std::fmt;
use std::ops::Range;

use unicode_normalization::{IsNormalized, is_nfc_quick};

/// Files larger than this are refused before parsing: no real rubric or session comes close.
pub const MAX_FILE_BYTES: usize = 1 << 20;
/// Longest line accepted; longer ones are almost certainly garbage or an attack.
pub const MAX_LINE_CHARS: usize = 10_000;
/// Deepest `[`/`{` nesting accepted, so hostile input cannot exhaust the parser's stack.
pub const MAX_NESTING: usize = 32;

/// One problem found in a file, with its position (1-based line and column).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub file: String,
    pub line: usize,
    pub col: usize,
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}:{}: {}",
            self.file, self.line, self.col, self.message
        )
    }
}

/// Every problem found in one file (never empty).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problems(pub Vec<Problem>);

impl fmt::Display for Problems {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, p) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{p}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Problems {}

/// A file's name and text, able to turn byte offsets into line and column.
pub struct Source<'a> {
    pub name: &'a str,
    pub text: &'a str,
}

impl<'a> Source<'a> {
    pub fn new(name: &'a str, text: &'a str) -> Self {
        Self { name, text }
    }

    pub fn problem(&self, offset: usize, message: impl Into<String>) -> Problem {
        let offset = offset.min(self.text.len());
        let before = &self.text[..offset];
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let col = self.text[line_start..offset].chars().count() + 1;
        Problem {
            file: self.name.to_string(),
            line,
            col,
            message: message.into(),
        }
    }

    pub fn at(&self, span: &Range<usize>, message: impl Into<String>) -> Problem {
        self.problem(span.start, message)
    }

    /// Checks that hold for any of our TOML files before a parser sees them.
    pub fn precheck(&self) -> Result<(), Problems> {
        if self.text.len() > MAX_FILE_BYTES {
            return Err(Problems(vec![self.problem(
                0,
                format!("file is larger than {} bytes", MAX_FILE_BYTES),
            )]));
        }
        let mut offset = 0;
        let mut problems = Vec::new();
        for line in self.text.split_inclusive('\n') {
            if line.chars().count() > MAX_LINE_CHARS {
                problems.push(self.problem(
                    offset,
                    format!("line is longer than {MAX_LINE_CHARS} characters"),
                ));
            } else if is_nfc_quick(line.chars()) != IsNormalized::Yes
                && !unicode_normalization::is_nfc(line)
            {
                let col = first_non_nfc(line);
                problems.push(self.problem(
                    offset + col,
                    "text is not in Unicode NFC form (normalise the file to NFC)",
                ));
            }
            offset += line.len();
        }
        if let Some(at) = too_deep(self.text) {
            problems.push(self.problem(at, format!("nesting deeper than {MAX_NESTING} levels")));
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(Problems(problems))
        }
    }

    /// A TOML syntax or type error as a positioned problem.
    pub fn toml_error(&self, err: &toml::de::Error) -> Problems {
        let offset = err.span().map_or(0, |s| s.start);
        // serde names Rust types; say what a user writes instead.
        let message = err
            .message()
            .trim()
            .replace("expected u32", "expected a whole number (0 or more)")
            .replace("expected u8", "expected a whole number (0 to 255)");
        Problems(vec![self.problem(offset, message)])
    }
}

/// Byte offset of the first character from which the line stops being NFC.
fn first_non_nfc(line: &str) -> usize {
    let mut prefix_end = 0;
    for (i, c) in line.char_indices() {
        let upto = &line[..i + c.len_utf8()];
        if !unicode_normalization::is_nfc(upto) {
            return prefix_end;
        }
        if !unicode_normalization::char::is_combining_mark(c) {
            prefix_end = i;
        }
    }
    0
}

/// Offset of the first bracket that opens deeper than `MAX_NESTING`, outside strings and comments.
fn too_deep(text: &str) -> Option<usize> {
    let mut depth = 0usize;
    let mut in_string: Option<char> = None;
    let mut escaped = false;
    let mut in_comment = false;
    for (i, c) in text.char_indices() {
        if in_comment {
            in_comment = c != '\n';
            continue;
        }
        if let Some(q) = in_string {
            if escaped {
                escaped = false;
            } else if c == '\\' && q == '"' {
                escaped = true;
            } else if c == q {
                in_string = None;
            }
            continue;
        }
        match c {
            '"' | '\'' => in_string = Some(c),
            '#' => in_comment = true,
            '[' | '{' => {
                depth += 1;
                if depth > MAX_NESTING {
                    return Some(i);
                }
            }
            ']' | '}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_count_characters_not_bytes() {
        let src = Source::new("f.toml", "a = 1\ntên = \"ế\"\n");
        let offset = src.text.find('"').unwrap();
        let p = src.problem(offset, "x");
        assert_eq!((p.line, p.col), (2, 7));
        assert_eq!(p.to_string(), "f.toml:2:7: x");
    }

    #[test]
    fn nesting_inside_strings_is_ignored() {
        let deep = "[".repeat(40);
        assert_eq!(too_deep(&format!("a = \"{deep}\"")), None);
        assert!(too_deep(&format!("a = {deep}")).is_some());
    }

    #[test]
    fn decomposed_text_is_found() {
        let src = Source::new("f.toml", "ok = 1\nname = \"Nguye\u{302}\u{303}n\"\n");
        let err = src.precheck().unwrap_err();
        assert_eq!(err.0[0].line, 2);
        assert!(err.0[0].message.contains("NFC"));
    }
}
