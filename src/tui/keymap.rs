//! Keys → actions: the embedded default keymap with the user's `keys.toml` on top.
//! This is the one place that looks at raw key codes.

use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;

use color_eyre::eyre::{Result, WrapErr, bail};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use serde::Deserialize;

use super::action::Action;

pub const DEFAULT_KEYS: &str = include_str!("../../assets/default-keys.toml");

/// Which set of bindings applies: one per screen, plus dialogs and text fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Context {
    Global,
    Dashboard,
    Member,
    Sheet,
    Resolve,
    Board,
    Result,
    Summary,
    Projector,
    Distribution,
    Seats,
    Dialog,
    Input,
    Help,
}

/// A key with its modifiers, normalised (a capital letter carries no SHIFT).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Key {
    pub code: KeyCode,
    pub ctrl: bool,
    pub alt: bool,
}

impl Key {
    pub fn from_event(e: &KeyEvent) -> Self {
        let code = match e.code {
            KeyCode::Tab if e.modifiers.contains(KeyModifiers::SHIFT) => KeyCode::BackTab,
            c => c,
        };
        Self {
            code,
            ctrl: e.modifiers.contains(KeyModifiers::CONTROL),
            alt: e.modifiers.contains(KeyModifiers::ALT),
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        let mut ctrl = false;
        let mut alt = false;
        let mut rest = text;
        loop {
            if let Some(r) = rest.strip_prefix("ctrl-").filter(|r| !r.is_empty()) {
                ctrl = true;
                rest = r;
            } else if let Some(r) = rest.strip_prefix("alt-").filter(|r| !r.is_empty()) {
                alt = true;
                rest = r;
            } else {
                break;
            }
        }
        let mut chars = rest.chars();
        let code = match (chars.next(), chars.next()) {
            (Some(c), None) => KeyCode::Char(c),
            _ => match rest {
                "enter" => KeyCode::Enter,
                "esc" => KeyCode::Esc,
                "tab" => KeyCode::Tab,
                "backtab" => KeyCode::BackTab,
                "space" => KeyCode::Char(' '),
                "up" => KeyCode::Up,
                "down" => KeyCode::Down,
                "left" => KeyCode::Left,
                "right" => KeyCode::Right,
                "pageup" => KeyCode::PageUp,
                "pagedown" => KeyCode::PageDown,
                "home" => KeyCode::Home,
                "end" => KeyCode::End,
                "backspace" => KeyCode::Backspace,
                "delete" => KeyCode::Delete,
                f if f.starts_with('f') => {
                    KeyCode::F(f[1..].parse().ok().filter(|n| (1..=12).contains(n))?)
                }
                _ => return None,
            },
        };
        Some(Self { code, ctrl, alt })
    }
}

impl fmt::Display for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.ctrl {
            f.write_str("Ctrl-")?;
        }
        if self.alt {
            f.write_str("Alt-")?;
        }
        match self.code {
            KeyCode::Char(' ') => f.write_str("Space"),
            KeyCode::Char(c) if self.ctrl || self.alt => write!(f, "{}", c.to_ascii_uppercase()),
            KeyCode::Char(c) => write!(f, "{c}"),
            KeyCode::Enter => f.write_str("Enter"),
            KeyCode::Esc => f.write_str("Esc"),
            KeyCode::Tab => f.write_str("Tab"),
            KeyCode::BackTab => f.write_str("Shift-Tab"),
            KeyCode::Up => f.write_str("↑"),
            KeyCode::Down => f.write_str("↓"),
            KeyCode::Left => f.write_str("←"),
            KeyCode::Right => f.write_str("→"),
            KeyCode::PageUp => f.write_str("PgUp"),
            KeyCode::PageDown => f.write_str("PgDn"),
            KeyCode::Home => f.write_str("Home"),
            KeyCode::End => f.write_str("End"),
            KeyCode::Backspace => f.write_str("Backspace"),
            KeyCode::Delete => f.write_str("Del"),
            KeyCode::F(n) => write!(f, "F{n}"),
            other => write!(f, "{other:?}"),
        }
    }
}

/// One binding as written in a keymap file: an action name, or "none" to unbind.
#[derive(Deserialize)]
#[serde(untagged)]
enum Binding {
    Action(Action),
    Name(String),
}

#[derive(Debug, Clone, Default)]
pub struct Keymap {
    /// Bindings per context, in the order they were written (defaults first).
    bindings: BTreeMap<Context, Vec<(Key, Action)>>,
}

impl Keymap {
    /// The defaults with `<config dir>/keys.toml` on top when it exists.
    pub fn load(config_dir: &Path) -> Result<Self> {
        let mut map = Self::defaults();
        let path = config_dir.join("keys.toml");
        if path.exists() {
            let text = std::fs::read_to_string(&path)
                .wrap_err_with(|| format!("cannot read {}", path.display()))?;
            map.apply(&path.display().to_string(), &text)?;
        }
        Ok(map)
    }

    pub fn defaults() -> Self {
        let mut map = Self::default();
        map.apply("assets/default-keys.toml", DEFAULT_KEYS)
            .expect("the embedded keymap is valid");
        map
    }

    /// Adds or replaces bindings from a keymap file's text; a bad file changes nothing.
    pub fn apply(&mut self, name: &str, text: &str) -> Result<()> {
        let table: toml::Table =
            toml::from_str(text).map_err(|e| color_eyre::eyre::eyre!("{name}: {e}"))?;
        let mut next = self.clone();
        // Keep the file's order: toml::Table is sorted, so find each key's place in the text.
        for (section, value) in &table {
            let context: Context = toml::Value::String(section.clone())
                .try_into()
                .map_err(|_| {
                    color_eyre::eyre::eyre!(
                        "{name}: unknown section [{section}]; sections are global, dashboard, member, sheet, resolve, board, result, summary, projector, distribution, seats, dialog, input, help"
                    )
                })?;
            let Some(entries) = value.as_table() else {
                bail!("{name}: [{section}] must be a table of key = \"action\"");
            };
            let mut ordered: Vec<(&String, &toml::Value)> = entries.iter().collect();
            let section_at = text.find(&format!("[{section}]")).unwrap_or(0);
            // Searched within the section only, once per key (start-up reads the whole
            // default keymap this way).
            let rest = &text[section_at..];
            let section_text = rest
                .find('\n')
                .and_then(|nl| rest[nl..].find("\n[").map(|end| &rest[..nl + end]))
                .unwrap_or(rest);
            let place = |k: &str| {
                section_text
                    .find(&format!("\n\"{k}\" "))
                    .or_else(|| section_text.find(&format!("\n{k} ")))
                    .unwrap_or(usize::MAX)
            };
            ordered.sort_by_cached_key(|(k, _)| place(k));
            let list = next.bindings.entry(context).or_default();
            for (key_text, action) in ordered {
                let Some(key) = Key::parse(key_text) else {
                    bail!(
                        "{name}: [{section}] \"{key_text}\" is not a key (see the comments in assets/default-keys.toml)"
                    );
                };
                let binding: Binding = action.clone().try_into().map_err(|_| {
                    color_eyre::eyre::eyre!(
                        "{name}: [{section}] {key_text}: the action must be a string"
                    )
                })?;
                list.retain(|(k, _)| *k != key);
                match binding {
                    Binding::Action(Action::Insert(_)) => {}
                    Binding::Action(a) => list.push((key, a)),
                    Binding::Name(n) if n == "none" => {}
                    Binding::Name(n) => bail!(
                        "{name}: [{section}] {key_text} = \"{n}\": unknown action (the actions are listed in the help screen, `?`)"
                    ),
                }
            }
        }
        *self = next;
        Ok(())
    }

    /// What a key does in `context`: the context's own binding, else the global one.
    pub fn action(&self, context: Context, event: &KeyEvent) -> Option<Action> {
        let key = Key::from_event(event);
        let find = |c: Context| {
            self.bindings
                .get(&c)
                .and_then(|list| list.iter().find(|(k, _)| *k == key))
                .map(|(_, a)| *a)
        };
        if context == Context::Input {
            if let Some(a) = find(Context::Input) {
                return Some(a);
            }
            return match key.code {
                KeyCode::Char(c) if !key.ctrl && !key.alt => Some(Action::Insert(c)),
                _ => find(Context::Global).filter(|a| *a == Action::Quit),
            };
        }
        find(context).or_else(|| find(Context::Global))
    }

    /// The keys bound in `context`, grouped by action in first-binding order.
    pub fn help(&self, context: Context) -> Vec<(Action, Vec<Key>)> {
        let mut out: Vec<(Action, Vec<Key>)> = Vec::new();
        for (key, action) in self.bindings.get(&context).into_iter().flatten() {
            match out.iter_mut().find(|(a, _)| a == action) {
                Some((_, keys)) => keys.push(*key),
                None => out.push((*action, vec![*key])),
            }
        }
        out
    }

    /// The first key bound to `action` in `context` (or globally), for hints and footers.
    pub fn key_for(&self, context: Context, action: Action) -> Option<Key> {
        [context, Context::Global].into_iter().find_map(|c| {
            self.bindings
                .get(&c)
                .and_then(|list| list.iter().find(|(_, a)| *a == action))
                .map(|(k, _)| *k)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn press(code: KeyCode) -> KeyEvent {
        KeyEvent::new(code, KeyModifiers::NONE)
    }

    #[test]
    fn defaults_map_digits_to_picks_on_the_sheet() {
        let map = Keymap::defaults();
        assert_eq!(
            map.action(Context::Sheet, &press(KeyCode::Char('3'))),
            Some(Action::Pick3)
        );
        assert_eq!(
            map.action(Context::Dashboard, &press(KeyCode::Char('?'))),
            Some(Action::Help)
        );
        let ctrl_c = KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL);
        assert_eq!(map.action(Context::Sheet, &ctrl_c), Some(Action::Quit));
        assert_eq!(
            map.action(Context::Input, &press(KeyCode::Char('q'))),
            Some(Action::Insert('q'))
        );
    }

    #[test]
    fn capital_letters_ignore_shift() {
        let map = Keymap::defaults();
        let shifted = KeyEvent::new(KeyCode::Char('C'), KeyModifiers::SHIFT);
        assert_eq!(
            map.action(Context::Dashboard, &shifted),
            Some(Action::CloseOverride)
        );
    }

    #[test]
    fn user_overrides_replace_and_unbind() {
        let mut map = Keymap::defaults();
        map.apply("keys.toml", "[sheet]\nz = \"submit\"\ns = \"none\"\n")
            .unwrap();
        assert_eq!(
            map.action(Context::Sheet, &press(KeyCode::Char('z'))),
            Some(Action::Submit)
        );
        assert_eq!(map.action(Context::Sheet, &press(KeyCode::Char('s'))), None);
    }

    #[test]
    fn bad_files_name_the_problem_and_change_nothing() {
        let mut map = Keymap::defaults();
        let err = map
            .apply("keys.toml", "[sheet]\nz = \"fly\"\n")
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "keys.toml: [sheet] z = \"fly\": unknown action (the actions are listed in the help screen, `?`)"
        );
        let err = map
            .apply("keys.toml", "[sheets]\nz = \"submit\"\n")
            .unwrap_err();
        assert!(
            err.to_string()
                .starts_with("keys.toml: unknown section [sheets]"),
            "{err}"
        );
        let err = map
            .apply("keys.toml", "[sheet]\nctrl-zz = \"submit\"\n")
            .unwrap_err();
        assert!(
            err.to_string().contains("\"ctrl-zz\" is not a key"),
            "{err}"
        );
        assert_eq!(map.action(Context::Sheet, &press(KeyCode::Char('z'))), None);
    }

    #[test]
    fn help_groups_keys_by_action_in_file_order() {
        let help = Keymap::defaults().help(Context::Sheet);
        assert_eq!(help[0].0, Action::Pick1);
        let up = help.iter().find(|(a, _)| *a == Action::Up).unwrap();
        assert_eq!(
            up.1.iter().map(ToString::to_string).collect::<Vec<_>>(),
            ["↑", "k"]
        );
    }
}
