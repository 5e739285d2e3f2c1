//! Where council keeps its files: the database, the config folder (keymap, settings, user
//! rubrics). Environment variables override the platform defaults so tests and portable
//! installs can point elsewhere.

use std::path::PathBuf;

use directories::ProjectDirs;

fn project() -> Option<ProjectDirs> {
    ProjectDirs::from("vn", "ocop", "council")
}

/// `COUNCIL_DB`, else [`platform_db`], else `council.db` here.
pub fn default_db() -> PathBuf {
    if let Some(p) = std::env::var_os("COUNCIL_DB") {
        return PathBuf::from(p);
    }
    platform_db().unwrap_or_else(|| PathBuf::from("council.db"))
}

/// `<the user's data dir>/council.db`: the one database whose folder council may create.
pub fn platform_db() -> Option<PathBuf> {
    project().map(|p| p.data_dir().join("council.db"))
}

/// `COUNCIL_CONFIG_DIR`, else the platform config folder.
pub fn config_dir() -> PathBuf {
    if let Some(p) = std::env::var_os("COUNCIL_CONFIG_DIR") {
        return PathBuf::from(p);
    }
    project()
        .map(|p| p.config_dir().to_path_buf())
        .unwrap_or_else(|| PathBuf::from(".council"))
}

/// User rubrics live in `<config dir>/rubrics`.
pub fn user_rubric_dir() -> PathBuf {
    config_dir().join("rubrics")
}
