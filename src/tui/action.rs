//! What a key means. Keys become `Action`s at one boundary (the keymap); `App::update` is the
//! only code that acts on them.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    Quit,
    Back,
    Help,
    Up,
    Down,
    PageUp,
    PageDown,
    Home,
    End,
    Left,
    Right,
    SwitchFocus,
    Select,
    ToggleAttendance,
    MarkAllPresent,
    FindProduct,
    ShowProjector,
    ShowDistribution,
    OpenProduct,
    CloseProduct,
    CloseOverride,
    NewRound,
    KnockOut,
    /// Set 26: the alternative case a product is scored in.
    ChooseCase,
    /// A product opened by mistake, nothing scored: back to waiting.
    BackToWaiting,
    /// Reopens one submitted sheet for a correction, with a reason.
    ReopenSheet,
    Recuse,
    EnterSheet,
    BlindReentry,
    ShowResult,
    ShowBoard,
    ShowSummary,
    /// The remote seats: codes, connections, the server's fingerprint.
    ShowSeats,
    /// A new one-time code for the selected seat (the old one stops working).
    NewSeatCode,
    UnlockSeat,
    DisconnectSeat,
    Export,
    #[serde(rename = "pick_1")]
    Pick1,
    #[serde(rename = "pick_2")]
    Pick2,
    #[serde(rename = "pick_3")]
    Pick3,
    #[serde(rename = "pick_4")]
    Pick4,
    #[serde(rename = "pick_5")]
    Pick5,
    #[serde(rename = "pick_6")]
    Pick6,
    #[serde(rename = "pick_7")]
    Pick7,
    #[serde(rename = "pick_8")]
    Pick8,
    #[serde(rename = "pick_9")]
    Pick9,
    NextUnanswered,
    Comment,
    Submit,
    TakeFirst,
    TakeSecond,
    Confirm,
    Cancel,
    Backspace,
    Delete,
    /// A typed character in a text field (never bound in a keymap).
    #[serde(skip)]
    Insert(char),
    /// The loop's periodic check for other processes' commits (never bound in a keymap).
    #[serde(skip)]
    Refresh,
    /// The loop's turn to take in background work's reports (never bound in a keymap).
    #[serde(skip)]
    Tick,
}

impl Action {
    /// Moves a list cursor (up, down, a page, to either end).
    pub fn is_cursor_move(self) -> bool {
        matches!(
            self,
            Self::Up | Self::Down | Self::PageUp | Self::PageDown | Self::Home | Self::End
        )
    }

    /// The option a `pick_n` action ticks (1-based).
    pub fn pick(self) -> Option<u32> {
        Some(match self {
            Self::Pick1 => 1,
            Self::Pick2 => 2,
            Self::Pick3 => 3,
            Self::Pick4 => 4,
            Self::Pick5 => 5,
            Self::Pick6 => 6,
            Self::Pick7 => 7,
            Self::Pick8 => 8,
            Self::Pick9 => 9,
            _ => return None,
        })
    }

    /// The name used in keymap files.
    pub fn name(self) -> String {
        match toml::Value::try_from(self) {
            Ok(toml::Value::String(s)) => s,
            _ => String::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        assert_eq!(Action::Pick3.name(), "pick_3");
        assert_eq!(Action::ToggleAttendance.name(), "toggle_attendance");
        let parsed: Action = toml::Value::String("close_override".into())
            .try_into()
            .unwrap();
        assert_eq!(parsed, Action::CloseOverride);
    }
}
