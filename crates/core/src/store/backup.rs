//! Copies of the database. The daily backup uses SQLite's online backup API on a connection of
//! its own, so the app keeps working (and its store stays unlocked) while the pages are copied;
//! the copy is written beside its name and renamed, so a backup on disk is always whole.
//! `copy_to` (`VACUUM INTO`) keeps an in-memory database, as the benchmark's generator does.

use super::Store;
use crate::error::{CoreError, Result};
use rusqlite::{Connection, OpenFlags};
use std::path::Path;
use std::time::Duration;

/// Pages copied per step of the online backup, and the pause between steps that lets the app
/// write in between (a page is 4 KiB: 1 MiB a step).
const PAGES_PER_STEP: std::ffi::c_int = 256;
const PAUSE: Duration = Duration::from_millis(2);

fn not_there_yet(path: &Path) -> Result<()> {
    if path.exists() {
        return Err(CoreError::DataFolder(format!("{} exists already", path.display())));
    }
    Ok(())
}

impl Store {
    /// Writes a copy of the whole database to `path`, which must not exist yet.
    pub fn copy_to(&self, path: &Path) -> Result<()> {
        not_there_yet(path)?;
        let path = path.to_str().ok_or_else(|| CoreError::DataFolder("the path is not UTF-8".into()))?;
        self.conn.execute("VACUUM INTO ?1", [path])?;
        Ok(())
    }

    /// Backs up the database at `source` (open elsewhere or not) to `dest`, which must not
    /// exist yet, and checks the copy.
    pub fn back_up(source: &Path, dest: &Path) -> Result<()> {
        not_there_yet(dest)?;
        let from = Connection::open_with_flags(source, OpenFlags::SQLITE_OPEN_READ_ONLY)?;
        from.busy_timeout(Duration::from_secs(5))?;
        let part = dest.with_extension("part");
        let _ = std::fs::remove_file(&part);
        {
            let mut to = Connection::open(&part)?;
            rusqlite::backup::Backup::new(&from, &mut to)?.run_to_completion(PAGES_PER_STEP, PAUSE, None)?;
            let check: String = to.query_row("PRAGMA quick_check", [], |r| r.get(0))?;
            if check != "ok" {
                let _ = std::fs::remove_file(&part);
                return Err(CoreError::Corrupt(format!("the backup did not check out: {check}")));
            }
            // The copy is one file: no WAL beside it.
            to.pragma_update(None, "journal_mode", "DELETE")?;
        }
        std::fs::rename(&part, dest).map_err(|e| CoreError::DataFolder(e.to_string()))?;
        Ok(())
    }
}
