//! A one-line text field (reasons, comments): insert, delete, move; the cursor counts chars.

use unicode_normalization::UnicodeNormalization;
use unicode_width::UnicodeWidthStr;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LineEditor {
    chars: Vec<char>,
    cursor: usize,
}

impl LineEditor {
    pub fn with_text(text: &str) -> Self {
        let chars: Vec<char> = text.chars().collect();
        Self {
            cursor: chars.len(),
            chars,
        }
    }

    /// The text as stored: NFC, trimmed (terminals may deliver decomposed Vietnamese).
    pub fn text(&self) -> String {
        self.chars
            .iter()
            .collect::<String>()
            .nfc()
            .collect::<String>()
            .trim()
            .to_string()
    }

    pub fn raw(&self) -> String {
        self.chars.iter().collect()
    }

    pub fn insert(&mut self, c: char) {
        if !c.is_control() {
            self.chars.insert(self.cursor, c);
            self.cursor += 1;
        }
    }

    /// Pasted text, typed in as one piece: line breaks and tabs become spaces, other control
    /// characters (escape sequences) are dropped.
    pub fn insert_text(&mut self, text: &str) {
        let clean: Vec<char> = text
            .chars()
            .map(|c| {
                if matches!(c, '\n' | '\r' | '\t') {
                    ' '
                } else {
                    c
                }
            })
            .filter(|c| !c.is_control())
            .collect();
        let n = clean.len();
        self.chars.splice(self.cursor..self.cursor, clean);
        self.cursor += n;
    }

    pub fn backspace(&mut self) {
        if self.cursor > 0 {
            self.cursor -= 1;
            self.chars.remove(self.cursor);
        }
    }

    pub fn delete(&mut self) {
        if self.cursor < self.chars.len() {
            self.chars.remove(self.cursor);
        }
    }

    pub fn left(&mut self) {
        self.cursor = self.cursor.saturating_sub(1);
    }

    pub fn right(&mut self) {
        self.cursor = (self.cursor + 1).min(self.chars.len());
    }

    pub fn home(&mut self) {
        self.cursor = 0;
    }

    pub fn end(&mut self) {
        self.cursor = self.chars.len();
    }

    /// Display columns before the cursor (for placing the terminal cursor).
    pub fn cursor_column(&self) -> usize {
        self.chars[..self.cursor].iter().collect::<String>().width()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edits_in_the_middle_and_normalises() {
        let mut e = LineEditor::default();
        for c in "Thieu".chars() {
            e.insert(c);
        }
        e.left();
        e.backspace();
        e.insert('ế');
        assert_eq!(e.text(), "Thiếu");
        assert_eq!(e.cursor_column(), 4);
        e.home();
        e.delete();
        assert_eq!(e.raw(), "hiếu");
        assert_eq!(e.cursor_column(), 0);
        // "e" + combining circumflex + combining acute is stored as one NFC "ế".
        let decomposed = LineEditor::with_text("e\u{302}\u{301}");
        assert_eq!(decomposed.text(), "ế");
    }

    #[test]
    fn a_paste_is_one_piece_of_text_on_one_line() {
        let mut e = LineEditor::with_text("ab");
        e.left();
        e.insert_text("x\r\n3\t\u{1b}[2~y");
        assert_eq!(e.raw(), "ax  3 [2~yb");
        assert_eq!(e.cursor_column(), 10);
        let long = "Sản phẩm đạt ".repeat(2000);
        let mut e = LineEditor::default();
        e.insert_text(&long);
        assert_eq!(e.raw(), long);
    }
}
