//! The `council export` and `council products import` commands: thin shells over
//! [`crate::export::export_session`] and [`crate::export::import`].

use std::path::{Path, PathBuf};

use clap::{Args, Subcommand};
use color_eyre::eyre::{Result, WrapErr, bail};

use super::Global;
use crate::export::import::{check_product_rows, read_product_rows, rejection_message};
use crate::export::{Format, Progress, export_session};
use crate::store::Actor;

#[derive(Args, Debug)]
pub struct ExportArgs {
    #[arg(long)]
    pub session: Option<String>,
    /// Formats to write (repeatable or comma-separated) [default: all]
    #[arg(long = "format", value_enum, value_delimiter = ',')]
    pub formats: Vec<Format>,
    /// Folder the files are written to (created if needed)
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
}

#[derive(Subcommand, Debug)]
pub enum ProductsCmd {
    /// Add products to a session from CSV or XLSX: code,name,rubric[,producer,commune,province]
    Import {
        file: PathBuf,
        #[arg(long)]
        session: Option<String>,
    },
}

pub fn run_export(g: &Global, args: &ExportArgs) -> Result<()> {
    let store = g.open_store()?;
    let summary = store.find_session(args.session.as_deref())?;
    let data = store.load_session(summary.id)?;
    let formats = if args.formats.is_empty() {
        Format::ALL.to_vec()
    } else {
        args.formats.clone()
    };
    let mut report = |p: Progress| {
        if let Some(file) = &p.file {
            eprintln!("[{}/{}] {}", p.done, p.total, file.display());
        }
    };
    let files = export_session(&store, &data, &formats, &args.out, g.lang(), &mut report)?;
    let draft = !data.info.finalised || data.products.iter().any(|p| !p.status.is_settled());
    println!(
        "exported session {} to {} ({} files){}",
        data.info.code,
        args.out.display(),
        files.len(),
        if draft {
            " — marked DRAFT (DỰ THẢO): the session is not finalised or products are still open"
        } else {
            ""
        }
    );
    Ok(())
}

pub fn run_products(g: &Global, cmd: &ProductsCmd) -> Result<()> {
    match cmd {
        ProductsCmd::Import { file, session } => import_products(g, file, session.as_deref()),
    }
}

fn import_products(g: &Global, file: &Path, session: Option<&str>) -> Result<()> {
    let bytes = std::fs::read(file).wrap_err_with(|| format!("cannot read {}", file.display()))?;
    let rows = read_product_rows(file, &bytes)?;
    let catalog = g.catalog()?;
    let mut store = g.open_store()?;
    let summary = store.find_session(session)?;
    let data = store.load_session(summary.id)?;
    let products = match check_product_rows(&rows, &data, &|id| catalog.find(id).is_some()) {
        Ok(products) => products,
        Err(problems) => bail!(rejection_message(&file.display().to_string(), &problems)),
    };
    let label = file.file_name().map_or_else(
        || file.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    let added = store.add_products(
        data.info.id,
        &products,
        &|id| catalog.find(id).map(|(f, _)| f.text.clone()),
        &Actor::Import(label),
    )?;
    println!(
        "imported {added} product(s) into session {} ({} in all)",
        data.info.code,
        data.products.len() + added
    );
    Ok(())
}
