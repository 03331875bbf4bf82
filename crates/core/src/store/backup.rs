//! Copies of the database. The daily backup uses SQLite's online backup API on a connection of
//! its own, so the app keeps working (and its store stays unlocked) while the pages are copied;
//! the copy is written beside its name and renamed, so a backup on disk is always whole.
//! `copy_to` (`VACUUM INTO`) keeps an in-memory database, as the benchmark's generator does.
//!
//! A restore goes the other way, in two steps. [`Store::check_backup`] reads the file (read-only)
//! and refuses what is not a Worktogether database this app can read — not SQLite, damaged, some
//! other program's, or from a newer version — then copies it into memory and brings that copy to
//! this app's schema with the same migrations `Store::open` runs. Only then [`Store::restore`]
//! replaces the live database's pages with the copy's, with the online backup API in one step:
//! one write transaction, so the live database is either all the old data or all the backup's.
//! Nothing of the person's is replaced while a session is in progress.

use super::Store;
use crate::error::{BackupRefusal, CoreError, Result, WrongState};
use rusqlite::backup::Backup;
use rusqlite::{Connection, OpenFlags};
use std::path::Path;
use std::time::Duration;

/// The tables every Worktogether database has had since its first schema.
const TABLES: [&str; 6] = ["templates", "sessions", "phase_runs", "pauses", "commitments", "settings"];

/// A backup that passed every check, copied into memory and brought to this app's schema, ready
/// to replace the live database ([`Store::restore`]).
pub struct CheckedBackup {
    copy: Store,
    schema_version: i64,
}

impl CheckedBackup {
    /// The schema version the backup was written with, before it was brought up to date.
    pub fn schema_version(&self) -> i64 {
        self.schema_version
    }
}

/// A read of the backup file that failed: SQLite's "not a database" and "malformed" are the
/// file's fault, and said so; anything else is the storage's.
fn unreadable(e: rusqlite::Error) -> CoreError {
    use rusqlite::ErrorCode as C;
    match e.sqlite_error_code() {
        Some(C::NotADatabase | C::CannotOpen) => CoreError::Backup(BackupRefusal::Unreadable),
        Some(C::DatabaseCorrupt) => CoreError::Backup(BackupRefusal::Damaged),
        _ => CoreError::Storage(e),
    }
}

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

    /// Checks that the file at `path` is a Worktogether database this app can read, and copies it
    /// into memory at this app's schema (see the module's comment). Nothing is written anywhere.
    pub fn check_backup(path: &Path) -> Result<CheckedBackup> {
        let file = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY).map_err(unreadable)?;
        file.busy_timeout(Duration::from_secs(5))?;
        let schema_version: i64 = file.query_row("PRAGMA user_version", [], |r| r.get(0)).map_err(unreadable)?;
        let tables: i64 = file
            .query_row(
                &format!(
                    "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name IN ({})",
                    TABLES.map(|t| format!("'{t}'")).join(",")
                ),
                [],
                |r| r.get(0),
            )
            .map_err(unreadable)?;
        if schema_version < 1 || tables < TABLES.len() as i64 {
            return Err(CoreError::Backup(BackupRefusal::Foreign));
        }
        if super::migrations::migrations().pending_migrations(&file)? < 0 {
            return Err(CoreError::Backup(BackupRefusal::Newer));
        }
        let check: Vec<String> = {
            let mut stmt = file.prepare("PRAGMA quick_check").map_err(unreadable)?;
            stmt.query_map([], |r| r.get(0))
                .map_err(unreadable)?
                .collect::<rusqlite::Result<_>>()
                .map_err(unreadable)?
        };
        if check != ["ok"] {
            return Err(CoreError::Backup(BackupRefusal::Damaged));
        }
        // An in-memory database takes pages of the source's size only, set before it holds any.
        let page_size: i64 = file.query_row("PRAGMA page_size", [], |r| r.get(0)).map_err(unreadable)?;
        let mut memory = Connection::open_in_memory()?;
        memory.pragma_update(None, "page_size", page_size)?;
        Backup::new(&file, &mut memory)?.run_to_completion(std::ffi::c_int::MAX, PAUSE, None).map_err(unreadable)?;
        drop(file);
        // As `Store::open` does: the search's functions, then every migration this app has.
        let copy = Store::init(memory, None)?;
        Ok(CheckedBackup { copy, schema_version })
    }

    /// Refuses while a session is in progress (running or paused): a restore would pull the
    /// session from under the person's hands.
    pub fn may_restore(&self) -> Result<()> {
        let in_progress: bool = self.conn.query_row(
            "SELECT EXISTS (SELECT 1 FROM sessions WHERE status IN ('running','paused'))",
            [],
            |r| r.get(0),
        )?;
        if in_progress {
            return Err(CoreError::WrongState(WrongState::SessionInProgress));
        }
        Ok(())
    }

    /// Replaces everything in this database with `backup`'s content, in one write transaction
    /// (SQLite's online backup API, in one step). Refused while a session is in progress.
    pub fn restore(&mut self, backup: CheckedBackup) -> Result<()> {
        self.may_restore()?;
        let copy = backup.copy.conn;
        // A database in WAL mode takes pages of its own size only; one written by another SQLite
        // build may have others. Out of WAL mode for the copy, the live database takes theirs.
        let page_size = |c: &Connection| c.query_row("PRAGMA page_size", [], |r| r.get::<_, i64>(0));
        let other_pages = page_size(&copy)? != page_size(&self.conn)?;
        if other_pages {
            self.conn.pragma_update(None, "journal_mode", "DELETE")?;
        }
        let copied = Backup::new(&copy, &mut self.conn)
            .and_then(|backup| backup.run_to_completion(std::ffi::c_int::MAX, PAUSE, None));
        copied?;
        // The data is replaced: a failure to go back to WAL (another connection open) is no
        // failure of the restore, and the next start sets WAL again.
        if other_pages {
            let _ = self.conn.pragma_update(None, "journal_mode", "WAL");
        }
        // Statements prepared for the old schema are prepared again on first use anyway.
        self.conn.flush_prepared_statement_cache();
        Ok(())
    }

    /// Checks the backup at `path` and restores it (see [`Store::check_backup`] and
    /// [`Store::restore`]); refused before anything is read while a session is in progress.
    pub fn restore_from(&mut self, path: &Path) -> Result<()> {
        self.may_restore()?;
        let backup = Self::check_backup(path)?;
        self.restore(backup)
    }
}
