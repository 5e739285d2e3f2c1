//! The archives the benchmarks run on: generated once, cached under `target/bench-archive/`
//! by their parameters, and reused by later runs.

use std::path::{Path, PathBuf};
use std::time::Instant;

use council::generate::{ArchiveSpec, generate_archive};
use council::rubric::Catalog;
use council::store::Store;

/// The archive: 40 sessions × 70 products × 15 members on the 26 real sets.
pub const FULL: ArchiveSpec = ArchiveSpec {
    sessions: 40,
    products: 70,
    members: 15,
    seed: 1,
};

/// What `cargo test --benches` runs on: the same code paths on a toy archive.
pub const TOY: ArchiveSpec = ArchiveSpec {
    sessions: 2,
    products: 3,
    members: 7,
    seed: 1,
};

pub struct Fixtures {
    pub catalog: Catalog,
    /// The archive the issue names (40 sessions, or the toy one under test).
    pub spec: ArchiveSpec,
    pub archive: PathBuf,
    /// The same council and session size with only one session, to show start-up does not grow.
    pub one_session: PathBuf,
    /// Where benchmarks that write get their own copies of the archive.
    pub scratch: PathBuf,
}

impl Fixtures {
    pub fn prepare(target: &Path, full: bool) -> Self {
        let catalog = Catalog::shipped();
        let spec = if full { FULL } else { TOY };
        let dir = target.join("bench-archive");
        let archive = cached(&dir, &catalog, &spec);
        let one_session = cached(
            &dir,
            &catalog,
            &ArchiveSpec {
                sessions: 1,
                ..spec
            },
        );
        let scratch = dir.join("scratch");
        std::fs::create_dir_all(&scratch).expect("create the scratch folder");
        Self {
            catalog,
            spec,
            archive,
            one_session,
            scratch,
        }
    }

    /// A private copy of the archive for a benchmark that writes (a keystroke, an import).
    pub fn writable_copy(&self, name: &str) -> PathBuf {
        let copy = self.scratch.join(format!("{name}.db"));
        remove_database(&copy);
        std::fs::copy(&self.archive, &copy).expect("copy the archive");
        copy
    }
}

/// The archive for `spec`, generated into `dir` unless a previous run already did.
fn cached(dir: &Path, catalog: &Catalog, spec: &ArchiveSpec) -> PathBuf {
    let path = dir.join(spec.cache_name(catalog));
    if path.exists() {
        eprintln!("archive: reusing {}", path.display());
        return path;
    }
    std::fs::create_dir_all(dir).expect("create target/bench-archive");
    let partial = path.with_extension("partial");
    remove_database(&partial);
    eprintln!(
        "archive: generating {} sessions × {} products × {} members ({} choices) into {}",
        spec.sessions,
        spec.products,
        spec.members,
        spec.choices(catalog),
        path.display()
    );
    let started = Instant::now();
    {
        let mut store = Store::open_or_create(&partial).expect("open the new archive");
        generate_archive(&mut store, catalog, spec, &mut |done, total| {
            if done.is_multiple_of(5) || done == total {
                eprintln!(
                    "archive: {done}/{total} sessions ({:.0} s)",
                    started.elapsed().as_secs_f64()
                );
            }
        })
        .expect("generate the archive");
    } // closing the last connection checkpoints the WAL into the file
    std::fs::rename(&partial, &path).expect("move the finished archive into place");
    // The WAL's sidecar stayed under the old name; with no WAL left it says nothing.
    remove_database(&partial);
    eprintln!(
        "archive: generated in {:.1} s ({:.0} MB)",
        started.elapsed().as_secs_f64(),
        std::fs::metadata(&path).map_or(0.0, |m| m.len() as f64 / 1e6)
    );
    path
}

fn remove_database(path: &Path) {
    for suffix in ["", "-wal", "-shm", "-walid"] {
        let mut name = path.as_os_str().to_owned();
        name.push(suffix);
        let _ = std::fs::remove_file(PathBuf::from(name));
    }
}
