//! Daily backups of the database, in `backups/` in the data folder: one a day while the app
//! runs (the first a minute after start-up, so the first screen never waits for it), made with
//! SQLite's online backup API on a connection of its own — the store stays unlocked — and
//! the oldest dropped beyond the number the settings keep.
//!
//! A backup's name carries when it was made (`worktogether-2026-12-03T151700Z.sqlite3`), so
//! the folder needs no index: the names sort by age.

use crate::state::AppState;
use chrono::{DateTime, NaiveDateTime, Utc};
use std::path::{Path, PathBuf};
use std::time::Duration;
use tauri::{AppHandle, Manager, Runtime};
use worktogether_core::Store;

pub const FOLDER: &str = "backups";
const PREFIX: &str = "worktogether-";
const SUFFIX: &str = ".sqlite3";
const NAME_TIME: &str = "%Y-%m-%dT%H%M%SZ";
/// A backup a day.
const EVERY: chrono::Duration = chrono::Duration::hours(24);
/// The first look after start-up, and how often the task looks again (the computer may have
/// slept through a day).
const FIRST_LOOK: Duration = Duration::from_secs(60);
const LOOK_EVERY: Duration = Duration::from_secs(3600);

/// A backup on disk, and when it was made.
#[derive(Debug, Clone, PartialEq)]
pub struct Backup {
    pub path: PathBuf,
    pub made_at: DateTime<Utc>,
}

/// The backups in `folder`, newest first; files not named like one are left alone.
pub fn list(folder: &Path) -> Vec<Backup> {
    let Ok(entries) = std::fs::read_dir(folder) else { return Vec::new() };
    let mut backups: Vec<Backup> = entries
        .flatten()
        .filter_map(|e| {
            let name = e.file_name().into_string().ok()?;
            let time = name.strip_prefix(PREFIX)?.strip_suffix(SUFFIX)?;
            let made_at = NaiveDateTime::parse_from_str(time, NAME_TIME).ok()?.and_utc();
            Some(Backup { path: e.path(), made_at })
        })
        .collect();
    backups.sort_by_key(|b| std::cmp::Reverse(b.made_at));
    backups
}

/// Whether a backup is due at `now`: none kept yet, or the newest is a day old.
pub fn due(backups: &[Backup], kept: u32, now: DateTime<Utc>) -> bool {
    kept > 0 && backups.first().is_none_or(|newest| now - newest.made_at >= EVERY)
}

/// Makes a backup of `database` in `folder` as of `now`, then keeps the newest `kept`.
pub fn make(database: &Path, folder: &Path, kept: u32, now: DateTime<Utc>) -> Result<Backup, String> {
    std::fs::create_dir_all(folder).map_err(|e| e.to_string())?;
    let path = folder.join(format!("{PREFIX}{}{SUFFIX}", now.format(NAME_TIME)));
    Store::back_up(database, &path).map_err(|e| e.to_string())?;
    for old in list(folder).into_iter().skip(kept.max(1) as usize) {
        if let Err(e) = std::fs::remove_file(&old.path) {
            log::warn!("an old backup could not be removed ({}): {e}", old.path.display());
        }
    }
    Ok(Backup { path, made_at: now })
}

/// Makes the daily backup for as long as the app runs.
pub async fn run<R: Runtime>(app: AppHandle<R>) {
    tokio::time::sleep(FIRST_LOOK).await;
    loop {
        let Some(state) = app.try_state::<AppState>() else { return };
        let kept = state.read(|s, _| s.settings()).map(|s| s.backups_kept).unwrap_or(0);
        let (database, folder, now) = (state.database_path.clone(), state.data_dir.join(FOLDER), state.now());
        let made = tauri::async_runtime::spawn_blocking(move || {
            due(&list(&folder), kept, now).then(|| make(&database, &folder, kept, now))
        })
        .await;
        match made {
            Ok(Some(Ok(backup))) => log::info!("backed up to {}", backup.path.display()),
            Ok(Some(Err(e))) => log::warn!("the daily backup failed: {e}"),
            Ok(None) => {}
            Err(e) => log::warn!("the daily backup stopped: {e}"),
        }
        tokio::time::sleep(LOOK_EVERY).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(day: u32, hour: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 12, day, hour, 0, 0).unwrap()
    }

    #[test]
    fn one_backup_a_day_and_only_the_newest_are_kept() {
        let dir = tempfile::tempdir().unwrap();
        let database = dir.path().join("worktogether.sqlite3");
        Store::open(&database).unwrap();
        let folder = dir.path().join(FOLDER);
        std::fs::create_dir_all(&folder).unwrap();
        std::fs::write(folder.join("notes.txt"), "mine").unwrap();
        assert!(due(&list(&folder), 3, at(1, 9)), "none yet");
        assert!(!due(&list(&folder), 0, at(1, 9)), "0 kept: none made");
        for day in 1..=5 {
            make(&database, &folder, 3, at(day, 9)).unwrap();
            assert!(!due(&list(&folder), 3, at(day, 20)), "not twice a day");
        }
        let kept: Vec<_> = list(&folder).into_iter().map(|b| b.made_at).collect();
        assert_eq!(kept, [at(5, 9), at(4, 9), at(3, 9)]);
        assert!(due(&list(&folder), 3, at(6, 9)));
        assert!(folder.join("notes.txt").exists(), "other files are left alone");
        assert!(Store::open(&list(&folder)[0].path).is_ok(), "a backup opens as a database");
    }
}
