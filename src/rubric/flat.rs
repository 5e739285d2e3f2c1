//! A rubric's criteria flattened into arrays by sheet position, built once per loaded rubric:
//! scoring works on these dense indices instead of walking parts, sections and options (or
//! looking criteria up by id) for every product it scores.

use std::sync::{Arc, OnceLock};

use super::Rubric;

/// The criteria of a rubric in sheet order, index `i` being the `i`-th criterion on the sheet.
#[derive(Debug)]
pub struct Flat {
    pub ids: Vec<Arc<str>>,
    /// Index of each criterion's section, counted across parts.
    pub section_of: Vec<usize>,
    /// Index of each section's part.
    pub part_of_section: Vec<usize>,
    pub parts: usize,
    /// Every criterion's id with its index, in the order of the ids, so a sheet's sorted
    /// choices are matched to criteria in one merge.
    pub by_id: Vec<(Arc<str>, usize)>,
    /// Every option's points and star minimum, criterion after criterion; criterion `i`'s
    /// options are `first_option[i]..first_option[i + 1]`.
    pub option_points: Vec<u32>,
    pub option_stars: Vec<Option<u8>>,
    pub first_option: Vec<usize>,
    /// How many options carry a star minimum.
    pub marked: usize,
}

impl Flat {
    fn of(rubric: &Rubric) -> Self {
        let n = rubric.criteria_count();
        let mut flat = Flat {
            ids: Vec::with_capacity(n),
            section_of: Vec::with_capacity(n),
            part_of_section: Vec::new(),
            parts: rubric.parts.len(),
            by_id: Vec::with_capacity(n),
            option_points: Vec::new(),
            option_stars: Vec::new(),
            first_option: Vec::with_capacity(n + 1),
            marked: 0,
        };
        for (p, part) in rubric.parts.iter().enumerate() {
            for section in &part.sections {
                for criterion in &section.criteria {
                    flat.by_id.push((criterion.id.clone(), flat.ids.len()));
                    flat.ids.push(criterion.id.clone());
                    flat.section_of.push(flat.part_of_section.len());
                    flat.first_option.push(flat.option_points.len());
                    for option in &criterion.options {
                        flat.option_points.push(option.points);
                        flat.option_stars.push(option.min_stars);
                    }
                }
                flat.part_of_section.push(p);
            }
        }
        flat.first_option.push(flat.option_points.len());
        flat.by_id.sort_unstable();
        flat.marked = flat.option_stars.iter().flatten().count();
        flat
    }

    pub fn criteria(&self) -> usize {
        self.ids.len()
    }

    /// Criterion `i`'s options as indices into `option_points` and `option_stars`.
    #[inline]
    pub fn options(&self, i: usize) -> std::ops::Range<usize> {
        self.first_option[i]..self.first_option[i + 1]
    }

    /// The points of criterion `i`'s option at 1-based `position`, if it has one.
    #[inline]
    pub fn points_at(&self, i: usize, position: u32) -> Option<u32> {
        let options = &self.option_points[self.options(i)];
        (position as usize)
            .checked_sub(1)
            .and_then(|at| options.get(at))
            .copied()
    }
}

/// A rubric's [`Flat`], made the first time it is asked for. A loaded rubric is never changed,
/// so the cache is never stale; a clone starts empty, and two rubrics compare equal whatever
/// their caches hold.
#[derive(Default)]
pub struct FlatCache(OnceLock<Flat>);

impl FlatCache {
    pub(super) fn get(&self, rubric: &Rubric) -> &Flat {
        self.0.get_or_init(|| Flat::of(rubric))
    }
}

impl Clone for FlatCache {
    fn clone(&self) -> Self {
        Self::default()
    }
}

impl PartialEq for FlatCache {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl std::fmt::Debug for FlatCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("FlatCache")
    }
}
