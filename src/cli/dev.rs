//! `council dev …`: the developer tools' command line (see `crate::devtools`).

use clap::{Args, Subcommand};
use color_eyre::eyre::Result;

use super::Global;
use crate::devtools;

#[derive(Subcommand, Debug)]
pub enum DevCmd {
    /// Fills the database with a generated archive of complete sessions (see src/generate.rs)
    Generate(GenerateArgs),
    /// Marks every member present and opens every waiting product for scoring
    OpenAll {
        #[arg(long)]
        session: Option<String>,
    },
    /// Closes every product being scored (with an override reason when sheets are missing);
    /// one with nothing scored goes back to waiting
    CloseAll {
        #[arg(long)]
        session: Option<String>,
        #[arg(long = "override", value_name = "REASON")]
        override_reason: Option<String>,
    },
    /// Scores sheets one choice per transaction, printing `committed PRODUCT SEAT CRITERION
    /// OPTION` after each commit; a locked database is retried, any other error stops
    Fill {
        #[arg(long)]
        session: Option<String>,
        /// Only this product (repeatable) [default: every product being scored]
        #[arg(long)]
        product: Vec<String>,
        /// Only this seat (repeatable) [default: every member present]
        #[arg(long, value_name = "SEAT")]
        member: Vec<u32>,
        /// Shifts the options chosen, so a second pass changes every choice
        #[arg(long, default_value_t = 0)]
        pass: u32,
        /// Submit each sheet once it is complete
        #[arg(long)]
        submit: bool,
    },
}

pub fn run(g: &Global, cmd: DevCmd) -> Result<()> {
    let db = g.db_path();
    match cmd {
        DevCmd::Generate(args) => generate(g, &args),
        DevCmd::OpenAll { session } => devtools::open_all(&db, session.as_deref()),
        DevCmd::CloseAll {
            session,
            override_reason,
        } => devtools::close_all(&db, session.as_deref(), override_reason.as_deref()),
        DevCmd::Fill {
            session,
            product,
            member,
            pass,
            submit,
        } => devtools::fill(&db, session.as_deref(), &product, &member, pass, submit),
    }
}

/// `council dev generate`: fills the database with a generated archive.
#[derive(Args, Debug)]
pub struct GenerateArgs {
    /// Sessions to add (one province, about four a year, oldest first)
    #[arg(long, default_value_t = 40)]
    pub sessions: u32,
    /// Products per session
    #[arg(long, default_value_t = 70)]
    pub products: u32,
    /// Council members per session (seat 1 chairs)
    #[arg(long, default_value_t = 15)]
    pub members: u32,
    /// Seed: the same seed gives the same archive
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
}

fn generate(g: &Global, args: &GenerateArgs) -> Result<()> {
    let spec = crate::generate::ArchiveSpec {
        sessions: args.sessions,
        products: args.products,
        members: args.members,
        seed: args.seed,
    };
    let catalog = crate::rubric::Catalog::shipped();
    let mut store = g.create_store()?;
    let report =
        crate::generate::generate_archive(&mut store, &catalog, &spec, &mut |done, total| {
            eprintln!("[{done}/{total}] sessions generated");
        })?;
    println!(
        "generated {} sessions, {} products, {} choices into {} in {:.1} s",
        report.sessions,
        report.products,
        report.choices,
        store.path().display(),
        report.elapsed.as_secs_f64()
    );
    Ok(())
}
