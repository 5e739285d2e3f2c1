//! The server's host key: created once beside the database, owner-only from its first byte,
//! so members' SSH clients recognise the laptop at every meeting.

use std::path::{Path, PathBuf};

use color_eyre::eyre::{Result, WrapErr, eyre};
use russh::keys::ssh_key::LineEnding;
use russh::keys::ssh_key::private::Ed25519Keypair;
use russh::keys::{HashAlg, PrivateKey};

/// `<database>.host_key`.
pub fn path_for(db: &Path) -> PathBuf {
    let mut name = db.file_name().unwrap_or_default().to_os_string();
    name.push(".host_key");
    db.with_file_name(name)
}

/// Reads the host key, or creates it when there is none yet.
pub fn load_or_create(path: &Path) -> Result<PrivateKey> {
    if path.exists() {
        let text = std::fs::read_to_string(path)
            .wrap_err_with(|| format!("cannot read the host key {}", path.display()))?;
        return PrivateKey::from_openssh(text.as_bytes())
            .map_err(|e| eyre!("{}: not a usable host key ({e})", path.display()));
    }
    let mut seed = [0u8; 32];
    getrandom::fill(&mut seed).map_err(|e| eyre!("no random source for the host key: {e}"))?;
    let mut key = PrivateKey::from(Ed25519Keypair::from_seed(&seed));
    key.set_comment("council seat server");
    let text = key
        .to_openssh(LineEnding::LF)
        .map_err(|e| eyre!("cannot encode the host key: {e}"))?;
    crate::files::write_private_atomic(path, |file| {
        use std::io::Write;
        file.write_all(text.as_bytes())
    })
    .wrap_err_with(|| format!("cannot write the host key {}", path.display()))?;
    Ok(key)
}

/// `SHA256:…`, as `ssh` prints it on first connect.
pub fn fingerprint(key: &PrivateKey) -> String {
    key.public_key().fingerprint(HashAlg::Sha256).to_string()
}
