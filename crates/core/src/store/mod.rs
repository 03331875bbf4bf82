//! The local SQLite store. Every user action is one transaction; the database is in WAL
//! mode with `synchronous = FULL`, so a crash or `kill -9` loses nothing that was saved.

mod backup;
mod commitments;
mod export;
mod history;
mod import;
mod migrations;
pub mod outbox;
mod review;
mod room_sessions;
pub mod schedule;
mod search;
mod sessions;
mod settings;
mod stats;
mod templates;
mod totals;

use crate::Timestamp;
use crate::error::{CoreError, Result};
use chrono::SecondsFormat;
use rusqlite::{Connection, OpenFlags};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// The file name inside the data directory.
pub const DATABASE_FILE: &str = "worktogether.sqlite3";

pub struct Store {
    conn: Connection,
    path: Option<PathBuf>,
}

impl Store {
    /// Opens (creating if needed) the database at `path` and brings its schema up to date.
    pub fn open(path: &Path) -> Result<Self> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| CoreError::DataFolder(e.to_string()))?;
        }
        let conn = Connection::open(path)?;
        Self::init(conn, Some(path.to_path_buf()))
    }

    /// A private in-memory database, for tests.
    pub fn open_in_memory() -> Result<Self> {
        Self::init(Connection::open_in_memory()?, None)
    }

    /// Opens an existing database for reading only (status queries while the app runs).
    pub fn open_read_only(path: &Path) -> Result<Self> {
        let conn = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY)?;
        conn.busy_timeout(Duration::from_secs(5))?;
        search::register_functions(&conn)?;
        Ok(Self { conn, path: Some(path.to_path_buf()) })
    }

    fn init(mut conn: Connection, path: Option<PathBuf>) -> Result<Self> {
        conn.busy_timeout(Duration::from_secs(5))?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "FULL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        // Before migrating: the search index's triggers (and its migration) fold with them.
        search::register_functions(&conn)?;
        migrations::migrations().to_latest(&mut conn)?;
        Ok(Self { conn, path })
    }

    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    /// The schema version (`PRAGMA user_version`).
    pub fn schema_version(&self) -> Result<i64> {
        Ok(self.conn.query_row("PRAGMA user_version", [], |r| r.get(0))?)
    }
}

/// How times are written: RFC 3339, UTC, milliseconds — sortable as text.
pub(crate) fn ts(t: Timestamp) -> String {
    t.to_rfc3339_opts(SecondsFormat::Millis, true)
}

pub(crate) fn parse_ts(s: &str) -> rusqlite::Result<Timestamp> {
    chrono::DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&chrono::Utc))
        .map_err(|e| rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, Box::new(e)))
}

pub(crate) fn parse_opt_ts(s: Option<String>) -> rusqlite::Result<Option<Timestamp>> {
    s.as_deref().map(parse_ts).transpose()
}

pub(crate) fn parse_uuid(s: &str) -> rusqlite::Result<uuid::Uuid> {
    uuid::Uuid::parse_str(s)
        .map_err(|e| rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, Box::new(e)))
}

/// Stored times carry milliseconds; cutting `now` to them keeps memory and disk identical.
pub(crate) fn to_millis(t: Timestamp) -> Timestamp {
    chrono::DateTime::from_timestamp_millis(t.timestamp_millis()).unwrap_or(t)
}

/// An error for a stored value the code does not understand.
pub(crate) fn corrupt(what: &str, value: &str) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(
        0,
        rusqlite::types::Type::Text,
        format!("unknown {what} {value:?} in the database").into(),
    )
}
