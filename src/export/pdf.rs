//! PDF of a document, rendered from its DOCX by LibreOffice in headless mode: what an office
//! prints is what Word would print. Without LibreOffice the export stops with the package to
//! install.

use std::path::{Path, PathBuf};
use std::process::Command;

use color_eyre::eyre::{Result, WrapErr, bail};

/// The LibreOffice program on PATH, if any.
pub fn office() -> Option<PathBuf> {
    let paths = std::env::var_os("PATH")?;
    std::env::split_paths(&paths)
        .flat_map(|dir| ["soffice", "libreoffice"].map(|p| dir.join(p)))
        .find(|p| p.is_file())
}

/// Renders `docx` (the bytes of a Word document) to PDF.
pub fn from_docx(docx: &[u8]) -> Result<Vec<u8>> {
    let Some(office) = office() else {
        bail!(
            "PDF export needs LibreOffice, which is not installed: install the package \
             libreoffice-writer (for example `apt-get install libreoffice-writer`), or export \
             --format docx and print from Word"
        );
    };
    let work = scratch_dir()?;
    let result = convert(&office, docx, &work);
    let _ = std::fs::remove_dir_all(&work);
    result
}

/// A private folder for one conversion: the input, the output and LibreOffice's own profile
/// (a shared profile makes concurrent conversions fail).
fn scratch_dir() -> Result<PathBuf> {
    let unique = format!(
        "council-pdf-{}-{}",
        std::process::id(),
        jiff::Timestamp::now().as_nanosecond()
    );
    let dir = std::env::temp_dir().join(unique);
    std::fs::create_dir_all(&dir).wrap_err_with(|| format!("cannot create {}", dir.display()))?;
    Ok(dir)
}

fn convert(office: &Path, docx: &[u8], work: &Path) -> Result<Vec<u8>> {
    let input = work.join("document.docx");
    std::fs::write(&input, docx).wrap_err_with(|| format!("cannot write {}", input.display()))?;
    let output = Command::new(office)
        .arg(format!(
            "-env:UserInstallation=file://{}",
            work.join("profile").display()
        ))
        .args(["--headless", "--convert-to", "pdf", "--outdir"])
        .arg(work)
        .arg(&input)
        .output()
        .wrap_err("cannot run LibreOffice")?;
    let pdf = work.join("document.pdf");
    if !pdf.exists() {
        bail!(
            "LibreOffice could not render the PDF: {}",
            String::from_utf8_lossy(&output.stderr).trim()
        );
    }
    std::fs::read(&pdf).wrap_err_with(|| format!("cannot read {}", pdf.display()))
}
