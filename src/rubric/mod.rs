//! Criteria sets: the model, TOML loading with validation, and finding rubric files.

mod catalog;
mod flat;
mod load;
mod model;

pub use catalog::{Catalog, RubricFile, rubric_files};
pub use flat::Flat;
pub(crate) use flat::FlatCache;
pub use load::parse_rubric;
pub use model::{Band, Choice, Criterion, CriterionPos, Group, Part, Rubric, Section};
