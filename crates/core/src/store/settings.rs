//! Settings as key/value rows.

use super::Store;
use crate::engine::SleepMode;
use crate::error::Result;
use rusqlite::OptionalExtension;

const SLEEP_MODE: &str = "sleep_mode";

impl Store {
    pub fn setting(&self, key: &str) -> Result<Option<String>> {
        Ok(self.conn.query_row("SELECT value FROM settings WHERE key = ?1", [key], |r| r.get(0)).optional()?)
    }

    pub fn set_setting(&self, key: &str, value: &str) -> Result<()> {
        self.conn.execute(
            "INSERT INTO settings (key, value) VALUES (?1, ?2)
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            [key, value],
        )?;
        Ok(())
    }

    /// What a sleep of the computer does to a running session.
    pub fn sleep_mode(&self) -> Result<SleepMode> {
        Ok(match self.setting(SLEEP_MODE)?.as_deref() {
            Some("pause_while_asleep") => SleepMode::PauseWhileAsleep,
            _ => SleepMode::KeepWallClock,
        })
    }

    pub fn set_sleep_mode(&self, mode: SleepMode) -> Result<()> {
        let value = match mode {
            SleepMode::KeepWallClock => "keep_wall_clock",
            SleepMode::PauseWhileAsleep => "pause_while_asleep",
        };
        self.set_setting(SLEEP_MODE, value)
    }
}
