//! council: the scoring workbench of OCOP evaluation councils.
//!
//! Data flows one way: files (rubric, session) → validated model → store (SQLite) → scoring
//! (pure) → views (TUI, exports).

pub mod cli;
pub mod devtools;
pub mod diag;
pub mod export;
pub mod files;
pub mod generate;
pub mod i18n;
pub mod meeting;
pub mod paths;
pub mod report;
pub mod rubric;
pub mod scoring;
pub mod serve;
pub mod session;
pub mod store;
pub mod text;
pub mod tui;
