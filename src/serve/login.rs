//! The name a member types before the `@`: which place they sit down at, and in which
//! language their screen speaks.

use crate::i18n::Lang;
use crate::meeting::access::Place;

/// `ghe4`, `ghế4`, `seat4`, `4`; `phong`, `phòng`, `display` for the room display; an optional
/// `.en` or `.vi` after it chooses the language (`ghe4.en`).
pub fn parse(login: &str) -> Option<(Place, Option<Lang>)> {
    let login = login.trim().to_lowercase();
    let (name, lang) = match login.rsplit_once('.') {
        Some((name, "en")) => (name.to_string(), Some(Lang::En)),
        Some((name, "vi")) => (name.to_string(), Some(Lang::Vi)),
        _ => (login, None),
    };
    let place = match name.as_str() {
        "phong" | "phòng" | "display" | "room" => Place::Display,
        _ => {
            let digits = ["ghế", "ghe", "seat", ""]
                .iter()
                .find_map(|prefix| name.strip_prefix(prefix))
                .filter(|d| !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit()))?;
            match digits.parse::<u32>().ok()? {
                0 => return None,
                seat => Place::Seat(seat),
            }
        }
    };
    Some((place, lang))
}

/// The name to give a place's member: `ghe4`, or `phong` for the display.
pub fn login_of(place: Place) -> String {
    match place {
        Place::Seat(seat) => format!("ghe{seat}"),
        Place::Display => "phong".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seats_display_and_language() {
        assert_eq!(parse("ghe4"), Some((Place::Seat(4), None)));
        assert_eq!(parse("Ghế12"), Some((Place::Seat(12), None)));
        assert_eq!(parse("7"), Some((Place::Seat(7), None)));
        assert_eq!(parse("seat3.en"), Some((Place::Seat(3), Some(Lang::En))));
        assert_eq!(parse("phong"), Some((Place::Display, None)));
        assert_eq!(parse("phòng.vi"), Some((Place::Display, Some(Lang::Vi))));
        assert_eq!(parse("root"), None);
        assert_eq!(parse("ghe0"), None);
        assert_eq!(parse("ghe"), None);
        assert_eq!(parse("ghe4x"), None);
    }
}
