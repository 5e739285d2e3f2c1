//! Property tests of the rubric and session loaders over arbitrary text and over real files
//! mutated at random: they never panic, every problem they report points inside the file,
//! and whatever they accept still satisfies the rules they check.

use council::diag::Problems;
use council::rubric::{Rubric, parse_rubric};
use council::session::parse_session;
use proptest::prelude::*;

const RUBRIC: &str = include_str!("../rubrics/ocop-2026/ocop-2026-07.toml");
const SMALL_RUBRIC: &str = include_str!("fixtures/rubrics/valid/small.toml");
const SESSION: &str = include_str!("../sessions/demo.toml");

/// Pieces of TOML (and of trouble) that random edits insert.
const FRAGMENTS: &[&str] = &[
    "[",
    "]",
    "{",
    "}",
    "\"",
    "'",
    "'''",
    "\"\"\"",
    "=",
    "\n",
    "#",
    "\\",
    ",",
    ".",
    " ",
    "[[parts]]\n",
    "[[parts.sections]]\n",
    "[[parts.sections.criteria.options]]\n",
    "[[bands]]\n",
    "[[members]]\n",
    "[[products]]\n",
    "[policy]\n",
    "[session]\n",
    "points = 999\n",
    "max_points = 0\n",
    "min_stars = 9\n",
    "stars = 0\n",
    "id = \"\"\n",
    "seat = 0\n",
    "role = \"chair\"\n",
    "quorum = \"0/0\"\n",
    "date = 2026-02-30\n",
    "-1",
    "1e400",
    "inf",
    "nan",
    "0x7f",
    "18446744073709551616",
    "true",
    "ế",
    "ạ",
    "\u{301}",
    "\u{0}",
    "\u{feff}",
    "\r\n",
    "\t",
];

#[derive(Debug, Clone)]
enum Edit {
    Delete { at: usize, len: usize },
    Insert { at: usize, fragment: usize },
    Replace { at: usize, fragment: usize },
    DuplicateLine { line: usize },
    SwapLines { a: usize, b: usize },
}

fn edit() -> impl Strategy<Value = Edit> {
    let at = any::<usize>();
    let fragment = 0..FRAGMENTS.len();
    prop_oneof![
        (at, 1..40usize).prop_map(|(at, len)| Edit::Delete { at, len }),
        (at, fragment.clone()).prop_map(|(at, fragment)| Edit::Insert { at, fragment }),
        (at, fragment).prop_map(|(at, fragment)| Edit::Replace { at, fragment }),
        at.prop_map(|line| Edit::DuplicateLine { line }),
        (at, at).prop_map(|(a, b)| Edit::SwapLines { a, b }),
    ]
}

/// Applies edits on characters (never splitting one), positions taken modulo the length.
fn apply(text: &str, edits: &[Edit]) -> String {
    let mut chars: Vec<char> = text.chars().collect();
    for e in edits {
        let n = chars.len().max(1);
        match *e {
            Edit::Delete { at, len } => {
                let at = at % n;
                let end = (at + len).min(chars.len());
                chars.drain(at.min(chars.len())..end);
            }
            Edit::Insert { at, fragment } => {
                let at = at % (chars.len() + 1);
                chars.splice(at..at, FRAGMENTS[fragment].chars());
            }
            Edit::Replace { at, fragment } => {
                let at = at % n;
                let end = (at + FRAGMENTS[fragment].chars().count()).min(chars.len());
                chars.splice(at.min(chars.len())..end, FRAGMENTS[fragment].chars());
            }
            Edit::DuplicateLine { line } | Edit::SwapLines { a: line, .. } => {
                let text: String = chars.iter().collect();
                let mut lines: Vec<&str> = text.split_inclusive('\n').collect();
                if lines.is_empty() {
                    continue;
                }
                let i = line % lines.len();
                if let Edit::SwapLines { b, .. } = e {
                    let j = b % lines.len();
                    lines.swap(i, j);
                } else {
                    lines.insert(i, lines[i]);
                }
                chars = lines.concat().chars().collect();
            }
        }
    }
    chars.into_iter().collect()
}

/// Every reported problem names the file and a position inside it.
fn problems_point_inside(name: &str, text: &str, problems: &Problems) -> Result<(), TestCaseError> {
    prop_assert!(!problems.0.is_empty());
    let lines = text.split('\n').count();
    for p in &problems.0 {
        prop_assert_eq!(&p.file, name);
        prop_assert!(
            p.line >= 1 && p.line <= lines,
            "line {} of {}: {}",
            p.line,
            lines,
            p
        );
        let width = text
            .split('\n')
            .nth(p.line - 1)
            .map_or(0, |l| l.chars().count());
        prop_assert!(
            p.col >= 1 && p.col <= width + 1,
            "col {} of {}: {}",
            p.col,
            width,
            p
        );
        prop_assert!(!p.message.trim().is_empty());
        prop_assert!(!p.to_string().contains('\n') || p.message.contains('\n'));
    }
    Ok(())
}

/// What the loader promises about a rubric it accepts.
fn rubric_is_consistent(r: &Rubric) -> Result<(), TestCaseError> {
    prop_assert!(!r.parts.is_empty());
    prop_assert_eq!(
        r.parts.iter().map(|p| p.max_points).sum::<u32>(),
        r.max_points
    );
    for part in &r.parts {
        prop_assert_eq!(
            part.sections.iter().map(|s| s.max_points).sum::<u32>(),
            part.max_points
        );
        for section in &part.sections {
            prop_assert_eq!(
                section.criteria.iter().map(|c| c.max_points).sum::<u32>(),
                section.max_points
            );
            for c in &section.criteria {
                prop_assert!(!c.options.is_empty());
                prop_assert!(c.options.iter().all(|o| o.points <= c.max_points));
                prop_assert!(c.options.iter().any(|o| o.points == c.max_points));
            }
        }
    }
    prop_assert!(r.bands.iter().any(|b| b.min_points == 0));
    Ok(())
}

fn check_rubric(text: &str) -> Result<(), TestCaseError> {
    match parse_rubric("fuzz.toml", text) {
        Ok(r) => rubric_is_consistent(&r),
        Err(problems) => problems_point_inside("fuzz.toml", text, &problems),
    }
}

fn check_session(text: &str) -> Result<(), TestCaseError> {
    let known = |id: &str| id.starts_with("ocop-2026-");
    match parse_session("fuzz.toml", text, &known) {
        Ok(s) => {
            prop_assert!(!s.members.is_empty());
            prop_assert_eq!(
                s.members
                    .iter()
                    .filter(|m| m.role.as_str() == "chair")
                    .count(),
                1
            );
            let mut seats: Vec<u32> = s.members.iter().map(|m| m.seat).collect();
            seats.sort_unstable();
            seats.dedup();
            prop_assert_eq!(seats.len(), s.members.len());
            prop_assert!(seats.iter().all(|&s| s >= 1));
            Ok(())
        }
        Err(problems) => problems_point_inside("fuzz.toml", text, &problems),
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_text_never_panics(text in any::<String>()) {
        check_rubric(&text)?;
        check_session(&text)?;
    }

    #[test]
    fn toml_shaped_text_never_panics(text in "[\\[\\]{}=\"'a-z0-9 ._,#\\n-]{0,300}") {
        check_rubric(&text)?;
        check_session(&text)?;
    }

    #[test]
    fn a_mutated_ocop_rubric_is_refused_with_positions_or_still_consistent(
        edits in prop::collection::vec(edit(), 1..6)
    ) {
        check_rubric(&apply(RUBRIC, &edits))?;
    }

    #[test]
    fn a_mutated_small_rubric_is_refused_with_positions_or_still_consistent(
        edits in prop::collection::vec(edit(), 1..6)
    ) {
        check_rubric(&apply(SMALL_RUBRIC, &edits))?;
    }

    #[test]
    fn a_mutated_session_is_refused_with_positions_or_still_consistent(
        edits in prop::collection::vec(edit(), 1..6)
    ) {
        check_session(&apply(SESSION, &edits))?;
    }
}

#[test]
fn the_unmutated_files_load() {
    assert!(parse_rubric("r.toml", RUBRIC).is_ok());
    assert!(parse_rubric("r.toml", SMALL_RUBRIC).is_ok());
    assert!(parse_session("s.toml", SESSION, &|id| id.starts_with("ocop-2026-")).is_ok());
}
