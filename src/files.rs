//! Every file and folder council creates goes through here, so each is private from its first
//! byte (files 0600, folders 0700: created with that mode, never chmod-ed afterwards) and a
//! finished file appears under its final name only when it is complete (written to a
//! temporary name in the same folder, flushed, then renamed or linked into place).

use std::fs::File;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};

/// Mode of every file council creates: read and write for the owner only.
pub const FILE_MODE: u32 = 0o600;
/// Mode of every folder council creates.
pub const DIR_MODE: u32 = 0o700;

/// Creates `path`, which must not exist yet, empty and owner-only.
pub fn create_private(path: &Path) -> io::Result<File> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true).write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(FILE_MODE);
    }
    options.open(path)
}

/// Opens `path` for reading and writing, creating it owner-only if it does not exist.
pub fn open_private(path: &Path) -> io::Result<File> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true).write(true).create(true).truncate(false);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(FILE_MODE);
    }
    options.open(path)
}

/// Creates `path` and any missing parents, each new folder owner-only; existing folders are
/// left as they are.
pub fn private_dir_all(path: &Path) -> io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(DIR_MODE);
    }
    builder.create(path)
}

/// A private temporary file beside its final name (`NAME.PID-N.partial`, in the same folder so
/// the final rename stays on one file system). Removed when dropped unless published, so a
/// failed write leaves nothing; a killed process may leave the `.partial` file, never a file
/// under the final name.
pub struct PrivateTemp {
    path: PathBuf,
    target: PathBuf,
    file: File,
    published: bool,
}

impl PrivateTemp {
    /// Creates an empty owner-only temporary file for `target`. Fails (NotFound) when the
    /// target's folder does not exist: nothing here creates folders.
    pub fn beside(target: &Path) -> io::Result<Self> {
        static COUNTER: AtomicU32 = AtomicU32::new(0);
        let name = target
            .file_name()
            .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "no file name"))?
            .to_string_lossy()
            .into_owned();
        loop {
            let n = COUNTER.fetch_add(1, Ordering::Relaxed);
            let path = target.with_file_name(format!("{name}.{}-{n}.partial", std::process::id()));
            match create_private(&path) {
                Ok(file) => {
                    return Ok(Self {
                        path,
                        target: target.to_path_buf(),
                        file,
                        published: false,
                    });
                }
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
                Err(e) => return Err(e),
            }
        }
    }

    /// The temporary file's path (for writers such as SQLite that open it themselves).
    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn file(&mut self) -> &mut File {
        &mut self.file
    }

    /// Flushes the file and renames it over the target (replacing an existing one).
    pub fn publish(mut self) -> io::Result<()> {
        self.file.sync_all()?;
        std::fs::rename(&self.path, &self.target)?;
        self.published = true;
        sync_folder(&self.target);
        Ok(())
    }

    /// Flushes the file and puts it under the target's name only if that name is free
    /// (AlreadyExists otherwise): a hard link cannot replace a file, so two writers racing
    /// for one name never overwrite each other. Where links are not supported (FAT, some
    /// network shares) a plain rename after a check is the fallback.
    pub fn publish_new(mut self) -> io::Result<()> {
        self.file.sync_all()?;
        match std::fs::hard_link(&self.path, &self.target) {
            Ok(()) => {}
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => return Err(e),
            Err(_) if self.target.exists() => {
                return Err(io::Error::from(io::ErrorKind::AlreadyExists));
            }
            Err(_) => {
                std::fs::rename(&self.path, &self.target)?;
                self.published = true;
                sync_folder(&self.target);
                return Ok(());
            }
        }
        self.published = true;
        let _ = std::fs::remove_file(&self.path);
        sync_folder(&self.target);
        Ok(())
    }
}

impl Drop for PrivateTemp {
    fn drop(&mut self) {
        if !self.published {
            let _ = std::fs::remove_file(&self.path);
        }
    }
}

/// Writes `path` privately and atomically: `write` fills a temporary file, which replaces
/// `path` only once it is complete and on disk.
pub fn write_private_atomic(
    path: &Path,
    write: impl FnOnce(&mut File) -> io::Result<()>,
) -> io::Result<()> {
    let mut temp = PrivateTemp::beside(path)?;
    write(temp.file())?;
    temp.publish()
}

/// Makes a rename durable (the folder entry is on disk too); best effort, as some file
/// systems cannot sync a folder.
fn sync_folder(file: &Path) {
    if let Some(dir) = file.parent().filter(|d| !d.as_os_str().is_empty())
        && let Ok(dir) = File::open(dir)
    {
        let _ = dir.sync_all();
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::io::Write;
    use std::os::unix::fs::PermissionsExt;

    fn mode(path: &Path) -> u32 {
        std::fs::metadata(path).unwrap().permissions().mode() & 0o777
    }

    fn names(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn a_file_is_owner_only_while_it_is_written_and_appears_only_when_complete() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("minutes.html");
        write_private_atomic(&target, |file| {
            // Mid-write: only the temporary file exists, and it is already 0600.
            let names = names(dir.path());
            assert_eq!(names.len(), 1, "{names:?}");
            assert!(names[0].starts_with("minutes.html.") && names[0].ends_with(".partial"));
            assert_eq!(mode(&dir.path().join(&names[0])), 0o600);
            file.write_all(b"<p>ok</p>")
        })
        .unwrap();
        assert_eq!(names(dir.path()), ["minutes.html"]);
        assert_eq!(mode(&target), 0o600);
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "<p>ok</p>");
    }

    #[test]
    fn a_failed_write_leaves_no_file_at_all() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("table.xlsx");
        let err = write_private_atomic(&target, |_| Err(io::Error::other("disk full")));
        assert!(err.is_err());
        assert!(names(dir.path()).is_empty());
    }

    #[test]
    fn publish_new_never_replaces_an_existing_file() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("copy.db");
        std::fs::write(&target, "keep me").unwrap();
        let mut temp = PrivateTemp::beside(&target).unwrap();
        temp.file().write_all(b"new").unwrap();
        let err = temp.publish_new().unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::AlreadyExists);
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "keep me");
        assert_eq!(names(dir.path()), ["copy.db"], "the temporary file is gone");
    }

    #[test]
    fn new_folders_are_owner_only_and_existing_ones_are_left_alone() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
        let deep = dir.path().join("a/b");
        private_dir_all(&deep).unwrap();
        assert_eq!(mode(&dir.path().join("a")), 0o700);
        assert_eq!(mode(&deep), 0o700);
        assert_eq!(mode(dir.path()), 0o755);
        assert!(PrivateTemp::beside(&dir.path().join("missing/x.db")).is_err());
    }
}
