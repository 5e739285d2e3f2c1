//! The bytes a member's SSH client sends, as the terminal events the workbench takes.
//!
//! A local terminal's keys arrive through crossterm, which reads the process's own terminal;
//! over SSH they arrive as the raw bytes the member's terminal emulator writes (xterm's
//! encoding, which Windows Terminal, macOS Terminal and every Linux terminal share), so they
//! are decoded here. A sequence cut between two packets is kept until the rest arrives.

use crossterm::event::{Event, KeyCode, KeyEvent, KeyEventKind, KeyEventState, KeyModifiers};

const ESC: u8 = 0x1b;
const PASTE_START: &[u8] = b"\x1b[200~";
const PASTE_END: &[u8] = b"\x1b[201~";

/// Decodes a stream of terminal input into events.
#[derive(Debug, Default)]
pub struct InputDecoder {
    pending: Vec<u8>,
    /// Inside a bracketed paste: the text so far.
    paste: Option<Vec<u8>>,
}

fn key(code: KeyCode, modifiers: KeyModifiers) -> Event {
    Event::Key(KeyEvent {
        code,
        modifiers,
        kind: KeyEventKind::Press,
        state: KeyEventState::NONE,
    })
}

/// What the start of `bytes` decodes to.
enum Step {
    /// An event and the bytes it used.
    Event(Event, usize),
    /// Bytes that mean nothing to the workbench (an unknown sequence), skipped.
    Skip(usize),
    /// The start of a sequence whose end has not arrived yet.
    Incomplete,
}

impl InputDecoder {
    /// Takes in one packet's bytes and returns the events they complete. `end_of_packet` lets a
    /// lone ESC at the end of a packet be the Esc key (terminals send a sequence in one write).
    pub fn feed(&mut self, bytes: &[u8]) -> Vec<Event> {
        self.pending.extend_from_slice(bytes);
        let mut events = Vec::new();
        let mut at = 0;
        while at < self.pending.len() {
            let rest = &self.pending[at..];
            if let Some(text) = &mut self.paste {
                match find(rest, PASTE_END) {
                    Some(end) => {
                        text.extend_from_slice(&rest[..end]);
                        let text = self.paste.take().unwrap_or_default();
                        events.push(Event::Paste(
                            String::from_utf8_lossy(&text)
                                .replace("\r\n", "\n")
                                .replace('\r', "\n"),
                        ));
                        at += end + PASTE_END.len();
                    }
                    None => {
                        // Keep a possible partial end marker for the next packet.
                        let keep = partial_suffix(rest, PASTE_END);
                        text.extend_from_slice(&rest[..rest.len() - keep]);
                        at = self.pending.len() - keep;
                        break;
                    }
                }
                continue;
            }
            if rest.starts_with(PASTE_START) {
                self.paste = Some(Vec::new());
                at += PASTE_START.len();
                continue;
            }
            match decode(rest) {
                Step::Event(event, used) => {
                    events.push(event);
                    at += used;
                }
                Step::Skip(used) => at += used,
                Step::Incomplete if rest == [ESC] => {
                    // A lone ESC at the end of what arrived is the Esc key.
                    events.push(key(KeyCode::Esc, KeyModifiers::NONE));
                    at += 1;
                }
                Step::Incomplete => break,
            }
        }
        self.pending.drain(..at);
        events
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// How many bytes at the end of `bytes` could be the start of `marker`.
fn partial_suffix(bytes: &[u8], marker: &[u8]) -> usize {
    (1..marker.len())
        .rev()
        .find(|&n| bytes.len() >= n && bytes.ends_with(&marker[..n]))
        .unwrap_or(0)
}

fn decode(bytes: &[u8]) -> Step {
    let none = KeyModifiers::NONE;
    match bytes[0] {
        ESC => decode_escape(bytes),
        b'\r' | b'\n' => Step::Event(key(KeyCode::Enter, none), 1),
        b'\t' => Step::Event(key(KeyCode::Tab, none), 1),
        0x7f | 0x08 => Step::Event(key(KeyCode::Backspace, none), 1),
        0 => Step::Event(key(KeyCode::Char(' '), KeyModifiers::CONTROL), 1),
        c @ 0x01..=0x1a => Step::Event(
            key(KeyCode::Char((c - 1 + b'a') as char), KeyModifiers::CONTROL),
            1,
        ),
        0x1c..=0x1f => Step::Skip(1),
        _ => match utf8_char(bytes) {
            Some(Ok((c, used))) => {
                let modifiers = if c.is_uppercase() {
                    KeyModifiers::SHIFT
                } else {
                    none
                };
                Step::Event(key(KeyCode::Char(c), modifiers), used)
            }
            Some(Err(used)) => Step::Skip(used),
            None => Step::Incomplete,
        },
    }
}

/// One UTF-8 character at the start, `Err(n)` for n invalid bytes, `None` if cut short.
fn utf8_char(bytes: &[u8]) -> Option<Result<(char, usize), usize>> {
    let len = match bytes[0] {
        0x00..=0x7f => 1,
        0xc2..=0xdf => 2,
        0xe0..=0xef => 3,
        0xf0..=0xf4 => 4,
        _ => return Some(Err(1)),
    };
    if bytes.len() < len {
        return None;
    }
    match std::str::from_utf8(&bytes[..len]) {
        Ok(s) => s.chars().next().map(|c| Ok((c, len))),
        Err(_) => Some(Err(1)),
    }
}

fn decode_escape(bytes: &[u8]) -> Step {
    let Some(&second) = bytes.get(1) else {
        return Step::Incomplete;
    };
    match second {
        b'[' => decode_csi(bytes),
        b'O' => match bytes.get(2) {
            None => Step::Incomplete,
            Some(&c) => match ss3_key(c) {
                Some(code) => Step::Event(key(code, KeyModifiers::NONE), 3),
                None => Step::Skip(3),
            },
        },
        ESC => Step::Event(key(KeyCode::Esc, KeyModifiers::NONE), 1),
        _ => match decode(&bytes[1..]) {
            // ESC then a key: the key with Alt.
            Step::Event(Event::Key(mut k), used) => {
                k.modifiers |= KeyModifiers::ALT;
                Step::Event(Event::Key(k), used + 1)
            }
            Step::Event(_, used) | Step::Skip(used) => Step::Skip(used + 1),
            Step::Incomplete => Step::Incomplete,
        },
    }
}

fn ss3_key(c: u8) -> Option<KeyCode> {
    Some(match c {
        b'A' => KeyCode::Up,
        b'B' => KeyCode::Down,
        b'C' => KeyCode::Right,
        b'D' => KeyCode::Left,
        b'H' => KeyCode::Home,
        b'F' => KeyCode::End,
        b'P' => KeyCode::F(1),
        b'Q' => KeyCode::F(2),
        b'R' => KeyCode::F(3),
        b'S' => KeyCode::F(4),
        b'M' => KeyCode::Enter,
        _ => return None,
    })
}

/// `ESC [ params final`: cursor keys, Home/End, Insert/Delete, Page Up/Down, F5–F12.
fn decode_csi(bytes: &[u8]) -> Step {
    let body = &bytes[2..];
    let Some(end) = body.iter().position(|b| (0x40..=0x7e).contains(b)) else {
        // Parameters are digits and ';' only; anything else means a sequence we do not read.
        return if body.iter().all(|b| b.is_ascii_digit() || *b == b';') && body.len() < 16 {
            Step::Incomplete
        } else {
            Step::Skip(2)
        };
    };
    let used = 2 + end + 1;
    let params: Vec<u32> = std::str::from_utf8(&body[..end])
        .unwrap_or("")
        .split(';')
        .map(|p| p.parse().unwrap_or(0))
        .collect();
    let modifiers = params
        .get(1)
        .map_or(KeyModifiers::NONE, |&m| xterm_modifiers(m));
    let code = match body[end] {
        b'Z' => {
            return Step::Event(key(KeyCode::BackTab, KeyModifiers::SHIFT), used);
        }
        b'~' => match params.first().copied().unwrap_or(0) {
            1 | 7 => KeyCode::Home,
            2 => KeyCode::Insert,
            3 => KeyCode::Delete,
            4 | 8 => KeyCode::End,
            5 => KeyCode::PageUp,
            6 => KeyCode::PageDown,
            n @ 11..=15 => KeyCode::F((n - 10) as u8),
            n @ 17..=21 => KeyCode::F((n - 11) as u8),
            n @ 23..=24 => KeyCode::F((n - 12) as u8),
            _ => return Step::Skip(used),
        },
        c => match ss3_key(c) {
            Some(code) => code,
            None => return Step::Skip(used),
        },
    };
    Step::Event(key(code, modifiers), used)
}

/// xterm's modifier parameter: 1 + (shift 1, alt 2, control 4).
fn xterm_modifiers(m: u32) -> KeyModifiers {
    let bits = m.saturating_sub(1);
    let mut modifiers = KeyModifiers::NONE;
    if bits & 1 != 0 {
        modifiers |= KeyModifiers::SHIFT;
    }
    if bits & 2 != 0 {
        modifiers |= KeyModifiers::ALT;
    }
    if bits & 4 != 0 {
        modifiers |= KeyModifiers::CONTROL;
    }
    modifiers
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(decoder: &mut InputDecoder, bytes: &[u8]) -> Vec<(KeyCode, KeyModifiers)> {
        decoder
            .feed(bytes)
            .into_iter()
            .filter_map(|e| match e {
                Event::Key(k) => Some((k.code, k.modifiers)),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn digits_arrows_enter_and_escape() {
        let mut d = InputDecoder::default();
        let none = KeyModifiers::NONE;
        assert_eq!(
            keys(&mut d, b"3\x1b[A\x1b[B\r\x1bOC\x1b"),
            vec![
                (KeyCode::Char('3'), none),
                (KeyCode::Up, none),
                (KeyCode::Down, none),
                (KeyCode::Enter, none),
                (KeyCode::Right, none),
                (KeyCode::Esc, none),
            ]
        );
    }

    #[test]
    fn a_sequence_cut_between_packets_is_one_key() {
        let mut d = InputDecoder::default();
        assert!(keys(&mut d, b"\x1b[").is_empty());
        assert_eq!(
            keys(&mut d, b"6~"),
            vec![(KeyCode::PageDown, KeyModifiers::NONE)]
        );
        // A Vietnamese letter split across packets.
        let e = "ế".as_bytes();
        assert!(keys(&mut d, &e[..1]).is_empty());
        assert_eq!(
            keys(&mut d, &e[1..]),
            vec![(KeyCode::Char('ế'), KeyModifiers::NONE)]
        );
    }

    #[test]
    fn control_shift_and_alt() {
        let mut d = InputDecoder::default();
        assert_eq!(
            keys(&mut d, b"\x03S\x1b[1;5C\x1bx\x1b[Z"),
            vec![
                (KeyCode::Char('c'), KeyModifiers::CONTROL),
                (KeyCode::Char('S'), KeyModifiers::SHIFT),
                (KeyCode::Right, KeyModifiers::CONTROL),
                (KeyCode::Char('x'), KeyModifiers::ALT),
                (KeyCode::BackTab, KeyModifiers::SHIFT),
            ]
        );
    }

    #[test]
    fn a_bracketed_paste_is_text_never_keys() {
        let mut d = InputDecoder::default();
        assert!(
            d.feed(b"\x1b[200~Ch\xe1\xba\xa5t l\xc6\xb0\xe1\xbb\xa3ng 3\r4\x1b[20")
                .is_empty()
        );
        assert_eq!(
            d.feed(b"1~2"),
            vec![
                Event::Paste("Chất lượng 3\n4".into()),
                key(KeyCode::Char('2'), KeyModifiers::NONE)
            ]
        );
    }

    #[test]
    fn unknown_sequences_are_skipped() {
        let mut d = InputDecoder::default();
        assert_eq!(
            keys(&mut d, b"\x1b[?1;2c1"),
            vec![(KeyCode::Char('1'), KeyModifiers::NONE)]
        );
    }
}
