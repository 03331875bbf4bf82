//! Where member tokens are kept: the system's secret store (Secret Service on Linux,
//! Keychain, Credential Manager) through `keyring`; where none answers, a file in the data
//! folder that only this user can read. Never in the SQLite file.
//!
//! Every call may talk to D-Bus and block: call it off async threads, and never while the
//! app's store is locked.

use crate::error::SyncError;
use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use uuid::Uuid;

/// The service name the entries are filed under in the secret store.
const SERVICE: &str = "worktogether-room";
/// The fallback file, in the data folder.
pub const TOKENS_FILE: &str = "room-tokens.json";
/// Set to `file` to use the fallback file even where a secret store runs (tests).
pub const FORCE_FILE_ENV: &str = "WORKTOGETHER_TOKENS_IN_FILE";

/// Where the tokens are, for the settings to say.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum VaultKind {
    SecretStore,
    File,
}

pub struct TokenVault {
    file: PathBuf,
    kind: VaultKind,
    /// The file is read, changed and written whole: one change at a time.
    file_lock: std::sync::Mutex<()>,
}

fn local(detail: impl std::fmt::Display) -> SyncError {
    SyncError::LocalStore { detail: format!("room tokens: {detail}") }
}

impl TokenVault {
    /// The secret store if it answers, otherwise the file in `data_dir`.
    pub fn open(data_dir: &Path) -> Self {
        let file = data_dir.join(TOKENS_FILE);
        let forced = std::env::var_os(FORCE_FILE_ENV).is_some_and(|v| v == "1");
        let kind = if !forced && secret_store_answers() { VaultKind::SecretStore } else { VaultKind::File };
        log::info!("room tokens are kept in {}", if kind == VaultKind::File { "a file" } else { "the secret store" });
        Self { file, kind, file_lock: Default::default() }
    }

    pub fn kind(&self) -> VaultKind {
        self.kind
    }

    /// The fallback file (used when [`Self::kind`] is [`VaultKind::File`]).
    pub fn file(&self) -> &Path {
        &self.file
    }

    pub fn save(&self, member: Uuid, token: &str) -> Result<(), SyncError> {
        match self.kind {
            VaultKind::SecretStore => entry(member)?.set_password(token).map_err(local),
            VaultKind::File => {
                let _one_at_a_time = self.file_lock.lock().unwrap_or_else(|p| p.into_inner());
                let mut tokens = self.read_file()?;
                tokens.insert(member, token.to_owned());
                self.write_file(&tokens)
            }
        }
    }

    pub fn load(&self, member: Uuid) -> Result<Option<String>, SyncError> {
        match self.kind {
            VaultKind::SecretStore => match entry(member)?.get_password() {
                Ok(token) => Ok(Some(token)),
                Err(keyring::Error::NoEntry) => Ok(None),
                Err(e) => Err(local(e)),
            },
            VaultKind::File => Ok(self.read_file()?.remove(&member)),
        }
    }

    pub fn forget(&self, member: Uuid) -> Result<(), SyncError> {
        match self.kind {
            VaultKind::SecretStore => match entry(member)?.delete_credential() {
                Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
                Err(e) => Err(local(e)),
            },
            VaultKind::File => {
                let _one_at_a_time = self.file_lock.lock().unwrap_or_else(|p| p.into_inner());
                let mut tokens = self.read_file()?;
                if tokens.remove(&member).is_some() {
                    self.write_file(&tokens)?;
                }
                Ok(())
            }
        }
    }

    fn read_file(&self) -> Result<BTreeMap<Uuid, String>, SyncError> {
        match std::fs::read(&self.file) {
            Ok(bytes) => serde_json::from_slice(&bytes).map_err(local),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(BTreeMap::new()),
            Err(e) => Err(local(e)),
        }
    }

    /// Written beside and renamed over, so a crash leaves the old file or the new one; the
    /// file is created readable by this user only before a byte goes in.
    fn write_file(&self, tokens: &BTreeMap<Uuid, String>) -> Result<(), SyncError> {
        let dir = self.file.parent().expect("the file is in the data folder");
        std::fs::create_dir_all(dir).map_err(local)?;
        let next = self.file.with_extension("json.new");
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create(true).truncate(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let mut out = options.open(&next).map_err(local)?;
        out.write_all(&serde_json::to_vec(tokens).expect("tokens serialize")).map_err(local)?;
        out.sync_all().map_err(local)?;
        std::fs::rename(&next, &self.file).map_err(local)
    }
}

fn entry(member: Uuid) -> Result<keyring::Entry, SyncError> {
    keyring::Entry::new(SERVICE, &member.to_string()).map_err(local)
}

/// A read of an entry that is not there answers "no entry" from a working store.
fn secret_store_answers() -> bool {
    match keyring::Entry::new(SERVICE, "probe").and_then(|e| e.get_password()) {
        Ok(_) | Err(keyring::Error::NoEntry) => true,
        Err(e) => {
            log::info!("no secret store: {e}");
            false
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_file_keeps_tokens_for_this_user_only() {
        let dir = tempfile::tempdir().unwrap();
        let vault =
            TokenVault { file: dir.path().join(TOKENS_FILE), kind: VaultKind::File, file_lock: Default::default() };
        let (a, b) = (Uuid::now_v7(), Uuid::now_v7());
        assert_eq!(vault.load(a).unwrap(), None);
        vault.save(a, "a.secret").unwrap();
        vault.save(b, "b.secret").unwrap();
        assert_eq!(vault.load(a).unwrap().as_deref(), Some("a.secret"));
        vault.forget(a).unwrap();
        vault.forget(a).unwrap();
        assert_eq!((vault.load(a).unwrap(), vault.load(b).unwrap().as_deref()), (None, Some("b.secret")));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(dir.path().join(TOKENS_FILE)).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }
}
