//! Command-line interface: argument parsing and dispatch. Each command is a thin shell over
//! the library: load, validate, call the store or scoring, print.

use std::path::{Path, PathBuf};

use clap::{Args, Parser, Subcommand};
use color_eyre::eyre::{Result, WrapErr, bail, eyre};

mod dev;
mod export;
mod meeting;
mod serve;

use crate::i18n::Lang;
use crate::rubric::{Catalog, RubricFile, rubric_files};
use crate::session::parse_session;
use crate::store::{ChoiceRow, Store};
use crate::{paths, report};

/// The demo session, shipped in the binary so a first run needs no files.
pub const DEMO_SESSION: &str = include_str!("../sessions/demo.toml");

#[derive(Parser, Debug)]
#[command(
    name = "council",
    version,
    about = "Scoring workbench for OCOP evaluation councils (Decision 26/2026/QĐ-TTg)"
)]
pub struct Cli {
    #[command(flatten)]
    pub global: Global,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Args, Debug, Clone)]
pub struct Global {
    /// Database file [default: COUNCIL_DB, else the user's data directory]
    #[arg(long, global = true, value_name = "PATH")]
    pub db: Option<PathBuf>,
    /// Interface language, vi or en [default: COUNCIL_LANG, else vi]
    #[arg(long, global = true, value_parser = parse_lang, value_name = "vi|en")]
    pub lang: Option<Lang>,
    /// Extra rubric folder (repeatable); `<config dir>/rubrics` is always read
    #[arg(long = "rubrics", global = true, value_name = "DIR")]
    pub rubric_dirs: Vec<PathBuf>,
}

fn parse_lang(text: &str) -> Result<Lang, String> {
    Lang::parse(text).ok_or_else(|| format!("\"{text}\" is not a language: use vi or en"))
}

impl Global {
    pub fn db_path(&self) -> PathBuf {
        self.db.clone().unwrap_or_else(paths::default_db)
    }

    pub fn lang(&self) -> Lang {
        self.lang.or_else(Lang::from_env).unwrap_or_default()
    }

    pub fn catalog(&self) -> Result<Catalog> {
        let mut dirs = vec![paths::user_rubric_dir()];
        dirs.extend(self.rubric_dirs.iter().cloned());
        Catalog::load(&dirs).wrap_err("reading rubric folders")
    }

    /// The existing database (every command that only reads or changes one).
    pub fn open_store(&self) -> Result<Store> {
        Ok(warn_about_stray_wal(Store::open(&self.db_path())?))
    }

    /// The database, created if missing: only commands that create one (`session new`, the
    /// workbench's first run, `dev generate`). Of the folders, only the default data folder
    /// is ever created (owner-only); a missing folder in a given path is refused.
    pub fn create_store(&self) -> Result<Store> {
        let path = self.db_path();
        if let Some(folder) = paths::platform_db()
            .filter(|default| *default == path)
            .and_then(|default| default.parent().map(Path::to_path_buf))
        {
            crate::files::private_dir_all(&folder)
                .wrap_err_with(|| format!("cannot create {}", folder.display()))?;
        }
        Ok(warn_about_stray_wal(Store::open_or_create(&path)?))
    }
}

fn warn_about_stray_wal(store: Store) -> Store {
    if let Some(aside) = store.stray_wal_set_aside() {
        eprintln!(
            "warning: the -wal file beside {} did not belong to this database (another database's or program's); it was moved to {} unread, and the database was not changed by it",
            store.path().display(),
            aside.display()
        );
    }
    store
}

impl Global {}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Criteria sets: check, list, show
    #[command(subcommand)]
    Rubric(RubricCmd),
    /// Sessions: load a session file, list sessions
    #[command(subcommand)]
    Session(SessionCmd),
    /// Members' sheets: bulk import of paper sheets
    #[command(subcommand)]
    Sheets(SheetsCmd),
    /// Mark members present (or absent) in the room: `council attend --all`, `council attend 4 7`
    Attend(meeting::AttendArgs),
    /// A product's way through the meeting: open, close, waiting, round, knockout, case
    #[command(subcommand)]
    Product(meeting::ProductCmd),
    /// A member steps aside from a product (conflict of interest), or the recusal is withdrawn
    Recuse(meeting::RecuseArgs),
    /// One member's sheet: reopen a submitted sheet for a correction
    #[command(subcommand)]
    Sheet(meeting::SheetCmd),
    /// The council's results with the full breakdown
    Results(ResultsArgs),
    /// The audit log: verify the hash chain, show history
    #[command(subcommand)]
    Audit(AuditCmd),
    /// Write a consistent copy of the database to FILE
    Backup { file: PathBuf },
    /// Open the full-screen workbench on a session file (loaded on first use) or the newest session
    Open {
        /// A session TOML; loaded into the database unless a session with its id is already there
        file: Option<PathBuf>,
        #[arg(long)]
        session: Option<String>,
    },
    /// A member's own scoring screen (run in another terminal on the same database)
    Score {
        #[arg(long, value_name = "SEAT")]
        member: u32,
        #[arg(long)]
        session: Option<String>,
    },
    /// The room's projector: the product being scored and settled results, read-only
    Display {
        #[arg(long)]
        session: Option<String>,
    },
    /// Serve the members' seats over SSH: each member types `ssh -p 2222 ghe4@THIS-LAPTOP`
    Serve(serve::ServeArgs),
    /// Remote seats: codes, unlocking, members' public keys, disconnecting
    #[command(subcommand)]
    Seat(serve::SeatCmd),
    /// Replace the database with a backup FILE (checked first; the current one is kept)
    Restore { file: PathBuf },
    /// Export minutes (DOCX/HTML/MD), summary table (XLSX), score sheets, CSV and JSON
    Export(export::ExportArgs),
    /// Products: import into a session from CSV or XLSX
    #[command(subcommand)]
    Products(export::ProductsCmd),
    /// Developer tools for the crash and concurrency tests
    #[command(subcommand, hide = true)]
    Dev(dev::DevCmd),
}

#[derive(Subcommand, Debug)]
pub enum RubricCmd {
    /// Validate rubric files or folders; one line per rubric, non-zero exit on any error
    Check {
        #[arg(required = true)]
        paths: Vec<PathBuf>,
    },
    /// Every rubric found: id, name, group, criteria, maximum points
    List,
    /// One rubric, as readable text or canonical JSON
    Show {
        id: String,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand, Debug)]
pub enum SessionCmd {
    /// Load a session file into the database
    New { file: PathBuf },
    /// Sessions in the database
    List,
    /// Validate session files without loading them; errors as `file:line:col: message`
    Check {
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// Finalise a session: store and print the hash of its results (the chair's name confirms)
    Finalise {
        #[arg(long, value_name = "NAME")]
        chair: String,
        #[arg(long)]
        session: Option<String>,
    },
    /// Reopen a finalised session; the reason is logged and shown in later minutes
    Reopen {
        #[arg(long)]
        reason: String,
        #[arg(long)]
        session: Option<String>,
    },
}

#[derive(Subcommand, Debug)]
pub enum SheetsCmd {
    /// Import choices from CSV: product,member,criterion,option (option = 1-based position)
    Import {
        file: PathBuf,
        #[arg(long)]
        session: Option<String>,
    },
}

#[derive(Args, Debug)]
pub struct ResultsArgs {
    #[arg(long)]
    pub session: Option<String>,
    /// Only this product
    #[arg(long)]
    pub product: Option<String>,
    /// Machine-readable JSON
    #[arg(long)]
    pub json: bool,
}

#[derive(Subcommand, Debug)]
pub enum AuditCmd {
    /// Check the hash chain; report the first broken row
    Verify {
        /// A chain head printed on a signed copy (the minutes' footer, at least 12 hex
        /// characters): the database must still hold that exact row
        #[arg(long, value_name = "HASH")]
        expect: Option<String>,
    },
    /// The history of a session, a product, a member or a criterion
    Show {
        #[arg(long)]
        session: Option<String>,
        #[arg(long)]
        product: Option<String>,
        #[arg(long, value_name = "SEAT")]
        member: Option<u32>,
        #[arg(long)]
        criterion: Option<String>,
    },
}

/// Runs a command; a refusal or a database problem is worded in the user's language.
pub fn run(cli: Cli) -> Result<()> {
    let lang = cli.global.lang();
    dispatch(cli).map_err(|e| match e.downcast_ref::<crate::store::StoreError>() {
        Some(store_error) => eyre!("{}", store_error.text(lang)),
        None => e,
    })
}

fn dispatch(cli: Cli) -> Result<()> {
    let g = cli.global;
    match cli.command {
        Some(Command::Attend(a)) => meeting::attend(&g, &a),
        Some(Command::Product(cmd)) => meeting::product_cmd(&g, &cmd),
        Some(Command::Recuse(a)) => meeting::recuse(&g, &a),
        Some(Command::Sheet(cmd)) => meeting::sheet_cmd(&g, &cmd),
        None => open_workbench(&g, None, None),
        Some(Command::Open { file, session }) => {
            open_workbench(&g, file.as_deref(), session.as_deref())
        }
        Some(Command::Score { member, session }) => score_as_member(&g, member, session.as_deref()),
        Some(Command::Display { session }) => {
            let store = g.open_store()?;
            let id = store.find_session(session.as_deref())?.id;
            let keymap = crate::tui::Keymap::load(&paths::config_dir())?;
            crate::tui::run(
                store,
                id,
                crate::tui::Role::Display,
                workbench_lang(&g)?,
                keymap,
            )
        }
        Some(Command::Rubric(cmd)) => rubric(&g, cmd),
        Some(Command::Session(SessionCmd::New { file })) => session_new(&g, &file).map(|_| ()),
        Some(Command::Session(SessionCmd::List)) => session_list(&g),
        Some(Command::Session(SessionCmd::Check { files })) => session_check(&g, &files),
        Some(Command::Session(SessionCmd::Finalise { chair, session })) => {
            session_finalise(&g, &chair, session.as_deref())
        }
        Some(Command::Session(SessionCmd::Reopen { reason, session })) => {
            session_reopen(&g, &reason, session.as_deref())
        }
        Some(Command::Sheets(SheetsCmd::Import { file, session })) => {
            sheets_import(&g, &file, session.as_deref())
        }
        Some(Command::Results(args)) => results(&g, &args),
        Some(Command::Audit(cmd)) => audit(&g, cmd),
        Some(Command::Backup { file }) => {
            let store = g.open_store()?;
            store.backup_to(&file)?;
            println!("backup written to {}", file.display());
            Ok(())
        }
        Some(Command::Restore { file }) => restore(&g, &file),
        Some(Command::Export(args)) => export::run_export(&g, &args),
        Some(Command::Serve(args)) => serve::serve_cmd(&g, &args),
        Some(Command::Seat(cmd)) => serve::seat_cmd(&g, &cmd),
        Some(Command::Products(cmd)) => export::run_products(&g, &cmd),
        Some(Command::Dev(cmd)) => dev::run(&g, cmd),
    }
}

/// The workbench's language: --lang, else COUNCIL_LANG, else `lang` in config.toml, else vi.
fn workbench_lang(g: &Global) -> Result<crate::i18n::Lang> {
    let settings = crate::tui::Settings::load(&paths::config_dir())?;
    Ok(g.lang
        .or_else(crate::i18n::Lang::from_env)
        .or(settings.lang)
        .unwrap_or_default())
}

/// `council` / `council open [FILE]`: the secretary's workbench. The first run on a new
/// database loads the demo session; without FILE or --session the newest session opens.
fn open_workbench(g: &Global, file: Option<&Path>, session: Option<&str>) -> Result<()> {
    let lang = workbench_lang(g)?;
    let keymap = crate::tui::Keymap::load(&paths::config_dir())?;
    let mut store = match session {
        Some(_) => g.open_store()?,
        None => g.create_store()?,
    };
    let id = match (file, session) {
        (Some(file), _) => {
            let text = std::fs::read_to_string(file)
                .wrap_err_with(|| format!("cannot read {}", file.display()))?;
            let catalog = g.catalog()?;
            let name = file.display().to_string();
            let parsed = parse_session(&name, &text, &|id| catalog.find(id).is_some())?;
            match store.sessions()?.into_iter().find(|s| s.code == parsed.id) {
                Some(existing) => existing.id,
                None => load_session_text(g, &mut store, &name, &text)?,
            }
        }
        (None, Some(code)) => store.find_session(Some(code))?.id,
        (None, None) => match store.sessions()?.last() {
            Some(newest) => newest.id,
            None => load_session_text(g, &mut store, "sessions/demo.toml", DEMO_SESSION)?,
        },
    };
    crate::tui::run(store, id, crate::tui::Role::Secretary, lang, keymap)
}

/// `council score --member SEAT`: one member's own sheets, nothing of anyone else's.
fn score_as_member(g: &Global, seat: u32, session: Option<&str>) -> Result<()> {
    let lang = workbench_lang(g)?;
    let keymap = crate::tui::Keymap::load(&paths::config_dir())?;
    let store = g.open_store()?;
    let id = store.find_session(session)?.id;
    crate::tui::run(store, id, crate::tui::Role::Member(seat), lang, keymap)
}

fn rubric(g: &Global, cmd: RubricCmd) -> Result<()> {
    match cmd {
        RubricCmd::Check { paths } => {
            let mut failed = 0;
            let mut count = 0;
            for path in &paths {
                let files = rubric_files(path)
                    .wrap_err_with(|| format!("cannot read {}", path.display()))?;
                if files.is_empty() {
                    eprintln!("{}: no .toml rubric files found", path.display());
                    failed += 1;
                }
                for file in files {
                    count += 1;
                    let f = RubricFile::read(&file);
                    match &f.loaded {
                        Ok(r) => println!(
                            "ok    {}  {}  ({} criteria, {} points)",
                            f.name,
                            r.id,
                            r.criteria_count(),
                            r.max_points
                        ),
                        Err(problems) => {
                            failed += 1;
                            println!("FAIL  {}", f.name);
                            eprintln!("{problems}");
                        }
                    }
                }
            }
            if failed > 0 {
                bail!("{failed} of {count} rubric file(s) failed the check");
            }
            Ok(())
        }
        RubricCmd::List => {
            let catalog = g.catalog()?;
            println!(
                "{:<16} {:>8} {:>6}  {:<40} group",
                "id", "criteria", "points", "name"
            );
            for (_, r) in catalog.rubrics() {
                println!(
                    "{:<16} {:>8} {:>6}  {:<40} {}",
                    report::printable(&r.id),
                    r.criteria_count(),
                    r.max_points,
                    report::printable(&r.name),
                    report::printable(&r.group)
                );
            }
            for f in catalog.files.iter().filter(|f| f.loaded.is_err()) {
                eprintln!(
                    "skipped invalid rubric {} (run `council rubric check`)",
                    f.name
                );
            }
            Ok(())
        }
        RubricCmd::Show { id, json } => {
            let catalog = g.catalog()?;
            let (_, r) = catalog
                .find(&id)
                .ok_or_else(|| eyre!("no rubric with id \"{id}\" (see `council rubric list`)"))?;
            if json {
                println!("{}", serde_json::to_string_pretty(r)?);
            } else {
                print!("{}", report::rubric_text(r));
            }
            Ok(())
        }
    }
}

pub fn load_session_text(g: &Global, store: &mut Store, name: &str, text: &str) -> Result<i64> {
    let catalog = g.catalog()?;
    let session = parse_session(name, text, &|id| catalog.find(id).is_some())?;
    let id = store.create_session(&session, text, &|id| {
        catalog.find(id).map(|(f, _)| f.text.clone())
    })?;
    Ok(id)
}

fn session_new(g: &Global, file: &Path) -> Result<i64> {
    let text = std::fs::read_to_string(file)
        .wrap_err_with(|| format!("cannot read {}", file.display()))?;
    let mut store = g.create_store()?;
    let id = load_session_text(g, &mut store, &file.display().to_string(), &text)?;
    let data = store.load_session(id)?;
    println!(
        "loaded session {} ({} members, {} products) into {}",
        report::printable(&data.info.code),
        data.members.len(),
        data.products.len(),
        store.path().display()
    );
    Ok(id)
}

fn session_list(g: &Global) -> Result<()> {
    let store = g.open_store()?;
    for s in store.sessions()? {
        println!(
            "{:<28} {}  {}{}",
            report::printable(&s.code),
            report::printable(&s.date),
            report::printable(&s.title),
            if s.finalised { "  [final]" } else { "" }
        );
    }
    Ok(())
}

/// Reads `product,member,criterion,option` rows; a malformed file is refused whole.
pub fn read_choice_csv(file: &Path, bytes: &[u8]) -> Result<Vec<ChoiceRow>> {
    const HEADER: [&str; 4] = ["product", "member", "criterion", "option"];
    let name = file.display();
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_reader(bytes);
    let header: Vec<String> = reader
        .headers()
        .wrap_err_with(|| format!("{name}: cannot read the header row"))?
        .iter()
        .map(|h| h.trim_start_matches('\u{feff}').to_ascii_lowercase())
        .collect();
    if header != HEADER {
        bail!(
            "{name}:1: the header must be exactly `{}`, found `{}`; nothing was imported",
            HEADER.join(","),
            header.join(",")
        );
    }
    let mut rows = Vec::new();
    let mut problems = Vec::new();
    for record in reader.records() {
        let record = record.wrap_err_with(|| format!("{name}: malformed CSV"))?;
        let line = record.position().map_or(0, |p| p.line() as usize);
        let field = |i: usize| record.get(i).unwrap_or("").to_string();
        let seat = field(1).parse::<u32>();
        let option = field(3).parse::<u32>();
        match (seat, option) {
            (Ok(seat), Ok(option)) => rows.push(ChoiceRow {
                line,
                product: field(0),
                seat,
                criterion: field(2),
                option,
            }),
            (Err(_), _) => problems.push(format!(
                "line {line}: member must be a seat number, not \"{}\"",
                field(1)
            )),
            (_, Err(_)) => problems.push(format!(
                "line {line}: option must be a whole number (the option's position, 1 = first), not \"{}\"",
                field(3)
            )),
        }
    }
    if !problems.is_empty() {
        bail!(
            "{name}: {} bad row(s); nothing was imported:\n  {}",
            problems.len(),
            problems.join("\n  ")
        );
    }
    Ok(rows)
}

fn sheets_import(g: &Global, file: &Path, session: Option<&str>) -> Result<()> {
    let bytes = std::fs::read(file).wrap_err_with(|| format!("cannot read {}", file.display()))?;
    let rows = read_choice_csv(file, &bytes)?;
    let mut store = g.open_store()?;
    let summary = store.find_session(session)?;
    let data = store.load_session(summary.id)?;
    let label = file.file_name().map_or_else(
        || file.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    let report = store.import_choices(&data, &label, &bytes, &rows)?;
    let done = crate::i18n::Done::Imported {
        rows: report.rows,
        changed: report.changed,
        sheets: report.sheets,
        session: report::printable(&data.info.code).into_owned(),
        submitted: report.submitted,
    };
    println!("{}", crate::i18n::done(g.lang(), &done));
    Ok(())
}

fn results(g: &Global, args: &ResultsArgs) -> Result<()> {
    let store = g.open_store()?;
    let summary = store.find_session(args.session.as_deref())?;
    let data = store.load_session(summary.id)?;
    let products: Vec<_> = match &args.product {
        Some(code) => vec![
            data.product(code)
                .ok_or_else(|| eyre!("no product \"{code}\" in session {}", data.info.code))?,
        ],
        None => data.products.iter().collect(),
    };
    let mut out = Vec::new();
    for p in products {
        out.push((p, store.product_result(&data, p)?));
    }
    if args.json {
        println!("{}", report::results_json(&data, &out)?);
    } else {
        print!("{}", report::results_text(g.lang(), &data, &out));
    }
    Ok(())
}

fn audit(g: &Global, cmd: AuditCmd) -> Result<()> {
    let store = g.open_store()?;
    match cmd {
        AuditCmd::Verify { expect } => {
            let damage = store.integrity_problems(10)?;
            if !damage.is_empty() {
                bail!(
                    "{}: the file is damaged: SQLite's integrity check fails:\n  {}\nrestore a backup with `council restore FILE`",
                    store.path().display(),
                    damage.join("\n  ")
                );
            }
            let report = store.audit_verify()?;
            if let Some(seq) = report.first_broken {
                bail!(
                    "audit chain broken at row {seq}: the log was changed outside council from that row on"
                );
            }
            if let Some(expected) = &expect {
                match store.audit_row_with_hash(expected)? {
                    Some(seq) => println!(
                        "the signed copy's chain head {expected} is row {seq} of this database's log"
                    ),
                    None => bail!(
                        "the chain head {expected} of the signed copy is not in this database's log: the log was rewritten after that copy was printed"
                    ),
                }
            }
            let mut problems = store.audit_cross_check()?;
            problems.extend(store.audit_state_check()?);
            if !problems.is_empty() {
                bail!(
                    "the database was changed outside council; {} difference(s) from the audit log:\n  {}",
                    problems.len(),
                    problems
                        .iter()
                        .map(|p| report::printable(p))
                        .collect::<Vec<_>>()
                        .join("\n  ")
                );
            }
            println!(
                "audit chain intact: {} rows verified; every choice, attendance, status, recusal, sheet, the session file and the criteria sets match the log",
                report.rows
            );
            Ok(())
        }
        AuditCmd::Show {
            session,
            product,
            member,
            criterion,
        } => {
            let summary = store.find_session(session.as_deref())?;
            let rows = store.audit_history(summary.id)?;
            // An import logs a sheet per row; asked for one criterion, such a row shows only
            // that criterion's choice.
            let of_criterion = rows.into_iter().filter_map(|e| match criterion.as_deref() {
                Some(c) => e.for_criterion(c),
                None => Some(e),
            });
            for e in of_criterion.filter(|e| {
                let words: Vec<&str> = e.target.split(' ').collect();
                let has =
                    |key: &str, value: &str| words.windows(2).any(|w| w[0] == key && w[1] == value);
                product.as_deref().is_none_or(|p| words.first() == Some(&p))
                    && member.is_none_or(|s| has("seat", &s.to_string()))
            }) {
                println!(
                    "{:>6}  {}  {:<12} {:<18} {:<40} {} → {}",
                    e.seq,
                    report::printable(&e.at),
                    report::printable(&e.actor),
                    report::printable(&e.action),
                    report::printable(&e.target),
                    report::printable(e.old.as_deref().unwrap_or("∅")),
                    report::printable(e.new.as_deref().unwrap_or("∅"))
                );
            }
            Ok(())
        }
    }
}

fn session_check(g: &Global, files: &[PathBuf]) -> Result<()> {
    let catalog = g.catalog()?;
    let mut failed = 0;
    for file in files {
        let name = file.display().to_string();
        let text = std::fs::read_to_string(file).wrap_err_with(|| format!("cannot read {name}"))?;
        match parse_session(&name, &text, &|id| catalog.find(id).is_some()) {
            Ok(s) => println!(
                "ok    {name}  {}  ({} members, {} products)",
                s.id,
                s.members.len(),
                s.products.len()
            ),
            Err(problems) => {
                failed += 1;
                println!("FAIL  {name}");
                eprintln!("{problems}");
            }
        }
    }
    if failed > 0 {
        bail!(
            "{failed} of {} session file(s) failed the check",
            files.len()
        );
    }
    Ok(())
}

fn session_finalise(g: &Global, chair: &str, session: Option<&str>) -> Result<()> {
    let mut store = g.open_store()?;
    let data = store.load_session(store.find_session(session)?.id)?;
    let digest = store.finalise(&data, chair)?;
    let done = crate::i18n::Done::Finalised {
        session: report::printable(&data.info.code).into_owned(),
        hash: digest,
    };
    println!("{}", crate::i18n::done(g.lang(), &done));
    Ok(())
}

fn session_reopen(g: &Global, reason: &str, session: Option<&str>) -> Result<()> {
    let mut store = g.open_store()?;
    let data = store.load_session(store.find_session(session)?.id)?;
    store.reopen_session(&data, reason)?;
    let done = crate::i18n::Done::SessionReopened {
        session: report::printable(&data.info.code).into_owned(),
    };
    println!("{}", crate::i18n::done(g.lang(), &done));
    Ok(())
}

fn restore(g: &Global, file: &Path) -> Result<()> {
    let db = g.db_path();
    let report = Store::restore(&db, file)?;
    match &report.previous {
        Some(previous) if report.previous_damaged => println!(
            "the damaged database was moved aside as it was, not copied, to {} (with its -wal and -shm files, if any)",
            previous.display()
        ),
        Some(previous) => println!("the database as it was is saved in {}", previous.display()),
        None => {}
    }
    println!(
        "restored {} from {} ({} sessions, audit chain of {} rows intact)",
        db.display(),
        file.display(),
        report.sessions,
        report.audit_rows
    );
    Ok(())
}
