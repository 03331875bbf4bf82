//! Daily backups of the database, in `backups/` in the data folder: one a day while the app
//! runs (the first five minutes after start-up, once WebKit and the rooms have settled, so
//! start-up never waits or competes for it), made with
//! SQLite's online backup API on a connection of its own — the store stays unlocked — and
//! the oldest dropped beyond the number the settings keep.
//!
//! A backup's name carries when it was made (`worktogether-2026-12-03T151700Z.sqlite3`), so
//! the folder needs no index: the names sort by age.
//!
//! A restore (from the settings) names a backup by its file name, never by a path, and keeps the
//! data it replaces as one more backup first, which no pruning of that restore removes.

use crate::state::AppState;
use chrono::{DateTime, NaiveDateTime, Timelike, Utc};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::Duration;
use tauri::{AppHandle, Manager, Runtime};
use worktogether_core::{CoreError, Store};

pub const FOLDER: &str = "backups";
const PREFIX: &str = "worktogether-";
const SUFFIX: &str = ".sqlite3";
const NAME_TIME: &str = "%Y-%m-%dT%H%M%SZ";
/// A backup a day.
const EVERY: chrono::Duration = chrono::Duration::hours(24);
/// The first look after start-up, and how often the task looks again (the computer may have
/// slept through a day).
const FIRST_LOOK: Duration = Duration::from_secs(5 * 60);
const LOOK_EVERY: Duration = Duration::from_secs(3600);

/// A backup on disk, and when it was made.
#[derive(Debug, Clone, PartialEq)]
pub struct Backup {
    pub path: PathBuf,
    pub made_at: DateTime<Utc>,
}

impl Backup {
    /// Its file name, which is how the UI names it.
    pub fn name(&self) -> String {
        self.path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default()
    }
}

/// The name of the backup made at `at`.
fn name_at(at: DateTime<Utc>) -> String {
    format!("{PREFIX}{}{SUFFIX}", at.format(NAME_TIME))
}

/// When the backup named `name` was made, if `name` is exactly a backup's name (a file name
/// of the pattern, nothing before or after it: no folder, no `..`).
pub fn parse_name(name: &str) -> Option<DateTime<Utc>> {
    let time = name.strip_prefix(PREFIX)?.strip_suffix(SUFFIX)?;
    let made_at = NaiveDateTime::parse_from_str(time, NAME_TIME).ok()?.and_utc();
    (name_at(made_at) == name).then_some(made_at)
}

/// The backups in `folder`, newest first; files not named like one are left alone.
pub fn list(folder: &Path) -> Vec<Backup> {
    let Ok(entries) = std::fs::read_dir(folder) else { return Vec::new() };
    let mut backups: Vec<Backup> = entries
        .flatten()
        .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
        .filter_map(|e| {
            let made_at = parse_name(e.file_name().to_str()?)?;
            Some(Backup { path: e.path(), made_at })
        })
        .collect();
    backups.sort_by_key(|b| std::cmp::Reverse(b.made_at));
    backups
}

/// The backup in `folder` named `name`; nothing for a name that is not a backup's.
pub fn find(folder: &Path, name: &str) -> Option<Backup> {
    let made_at = parse_name(name)?;
    let path = folder.join(name);
    path.is_file().then_some(Backup { path, made_at })
}

/// Whether a backup is due at `now`: none kept yet, or the newest is a day old.
pub fn due(backups: &[Backup], kept: u32, now: DateTime<Utc>) -> bool {
    kept > 0 && backups.first().is_none_or(|newest| now - newest.made_at >= EVERY)
}

/// Makes a backup of `database` in `folder` as of `now`, then keeps the newest `kept`.
pub fn make(database: &Path, folder: &Path, kept: u32, now: DateTime<Utc>) -> Result<Backup, String> {
    let backup = make_one(database, folder, now)?;
    prune(folder, kept);
    Ok(backup)
}

/// Makes a backup of `database` in `folder` as of `now` and removes none: named for `now`, or
/// the next free second after it (two backups in one second, the second made by a restore).
pub fn make_one(database: &Path, folder: &Path, now: DateTime<Utc>) -> Result<Backup, String> {
    std::fs::create_dir_all(folder).map_err(|e| e.to_string())?;
    let mut made_at = now.with_nanosecond(0).unwrap_or(now);
    while folder.join(name_at(made_at)).exists() {
        made_at += chrono::Duration::seconds(1);
    }
    let path = folder.join(name_at(made_at));
    Store::back_up(database, &path).map_err(|e| e.to_string())?;
    Ok(Backup { path, made_at })
}

/// Keeps the newest `kept` backups in `folder` (at least one).
fn prune(folder: &Path, kept: u32) {
    for old in list(folder).into_iter().skip(kept.max(1) as usize) {
        if let Err(e) = std::fs::remove_file(&old.path) {
            log::warn!("an old backup could not be removed ({}): {e}", old.path.display());
        }
    }
}

/// Why a restore did not happen.
#[derive(Debug)]
pub enum RestoreError {
    /// No backup of that name (never a path: see [`parse_name`]).
    Unknown,
    /// The data it would replace could not be backed up first.
    KeepCurrent(String),
    /// The backup or the store refused (a file this app cannot read, a session in progress).
    Core(CoreError),
}

/// What a restore did: the backup restored, and the one that keeps the data it replaced.
#[derive(Debug, Clone, PartialEq)]
pub struct Restored {
    pub restored: Backup,
    pub kept: Backup,
}

/// Restores the backup `name` from `folder` into `store` (the app's, whose file is `database`).
///
/// The backup is checked and brought to this app's schema first, with the store unlocked. Then,
/// with the store locked so nothing is written in between, the data about to be replaced is
/// backed up as one more backup (none is pruned here) and replaced. The caller makes the app
/// follow once the lock is released.
pub fn restore(
    store: &Mutex<Store>,
    database: &Path,
    folder: &Path,
    name: &str,
    now: DateTime<Utc>,
) -> Result<Restored, RestoreError> {
    let lock = || store.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    let restored = find(folder, name).ok_or(RestoreError::Unknown)?;
    // Refused early too: no check and no extra backup for a restore that cannot happen.
    lock().may_restore().map_err(RestoreError::Core)?;
    let checked = Store::check_backup(&restored.path).map_err(RestoreError::Core)?;
    let mut store = lock();
    store.may_restore().map_err(RestoreError::Core)?;
    let kept = make_one(database, folder, now).map_err(RestoreError::KeepCurrent)?;
    store.restore(checked).map_err(RestoreError::Core)?;
    Ok(Restored { restored, kept })
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

    #[test]
    fn only_a_backups_own_file_name_is_found() {
        let dir = tempfile::tempdir().unwrap();
        let database = dir.path().join("worktogether.sqlite3");
        Store::open(&database).unwrap();
        let folder = dir.path().join(FOLDER);
        let made = make(&database, &folder, 3, at(1, 9)).unwrap();
        assert_eq!(made.name(), "worktogether-2026-12-01T090000Z.sqlite3");
        assert_eq!(find(&folder, &made.name()), Some(made.clone()));
        std::fs::write(folder.join("worktogether-2026-12-02T090000Z.sqlite3.part"), "half").unwrap();
        for name in [
            "../worktogether.sqlite3",
            "/etc/passwd",
            "worktogether.sqlite3",
            "../backups/worktogether-2026-12-01T090000Z.sqlite3",
            "./worktogether-2026-12-01T090000Z.sqlite3",
            "worktogether-2026-12-01T090000Z.sqlite3/..",
            "worktogether-2026-12-01T090000Z.sqlite3.part",
            "worktogether-2026-12-02T090000Z.sqlite3.part",
            " worktogether-2026-12-01T090000Z.sqlite3",
            "worktogether-2026-12-1T90000Z.sqlite3",
            "worktogether-2026-12-01T090000Z.sqlite3\0",
            "worktogether-2026-12-31T090000Z.sqlite3",
            "",
        ] {
            assert_eq!(find(&folder, name), None, "{name:?} names no backup");
        }
        assert_eq!(list(&folder), [made], "a half-written file is no backup");
    }

    fn sessions(store: &Mutex<Store>) -> usize {
        store.lock().unwrap().list_sessions(None, 100).unwrap().len()
    }

    fn add_session(store: &Mutex<Store>, now: DateTime<Utc>) {
        let mut store = store.lock().unwrap();
        let template = store.list_templates().unwrap()[0].id;
        store.start_session(template, now).unwrap();
        store.abandon_session(now).unwrap();
    }

    #[test]
    fn a_restore_keeps_the_data_it_replaces_as_one_more_backup() {
        let dir = tempfile::tempdir().unwrap();
        let database = dir.path().join("worktogether.sqlite3");
        let mut store = Store::open(&database).unwrap();
        store.ensure_builtin_templates(|b| b.key().to_owned(), at(1, 8)).unwrap();
        let store = Mutex::new(store);
        let folder = dir.path().join(FOLDER);
        add_session(&store, at(1, 8));
        let first = make(&database, &folder, 2, at(1, 9)).unwrap();
        add_session(&store, at(1, 10));
        make(&database, &folder, 2, at(2, 9)).unwrap();
        add_session(&store, at(2, 10));
        assert_eq!(sessions(&store), 3);

        // In the second the last backup was made, as a person might click: the next second's name.
        let done = restore(&store, &database, &folder, &first.name(), at(2, 9)).unwrap();
        assert_eq!(done.restored, first);
        assert_eq!(done.kept.made_at, at(2, 9) + chrono::Duration::seconds(1));
        assert_eq!(sessions(&store), 1, "the backup's data");
        let kept = Store::open_read_only(&done.kept.path).unwrap();
        assert_eq!(kept.list_sessions(None, 100).unwrap().len(), 3, "the replaced data is in the extra backup");
        let names: Vec<_> = list(&folder).into_iter().map(|b| b.made_at).collect();
        assert_eq!(names.len(), 3, "one more than the 2 kept: the restore prunes none: {names:?}");

        // Refused: a name that is not a backup's, and a restore while a session is in progress.
        assert!(matches!(
            restore(&store, &database, &folder, "../worktogether.sqlite3", at(3, 9)),
            Err(RestoreError::Unknown)
        ));
        {
            let mut s = store.lock().unwrap();
            let template = s.list_templates().unwrap()[0].id;
            s.start_session(template, at(3, 9)).unwrap();
        }
        let refused = restore(&store, &database, &folder, &done.kept.name(), at(3, 10));
        assert!(matches!(refused, Err(RestoreError::Core(CoreError::WrongState(_)))), "{refused:?}");
        assert_eq!(list(&folder).len(), 3, "no extra backup for a restore that cannot happen");
        assert!(store.lock().unwrap().current_session(at(3, 10)).unwrap().is_some(), "the session goes on");
    }
}
