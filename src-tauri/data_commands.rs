//! The person's data as files: the backups in the settings (listed, made now, restored) and the
//! history's exports, written into their Downloads folder.
//!
//! A backup is named by its file name only, never by a path from the page (`backups::find`).
//! A restore keeps the replaced data as one more backup, then the whole app follows the restored
//! data once the store is unlocked: the language and sound (the shell's mirror of the settings),
//! every window's settings and session, the tray, the ticker, start at login and the shortcut.
//!
//! An export reads on a read-only connection of its own (the database is in WAL mode), so the
//! store stays unlocked while ten years of history are written (about 0.8 s).

use crate::backups::{self, Backup, RestoreError};
use crate::error::ApiError;
use crate::events::{UiEvent, emit};
use crate::exports::{self, Format, Style};
use crate::i18n::Language;
use crate::state::AppState;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use tauri::{AppHandle, Manager, Runtime, State};
use worktogether_core::app::Action;
use worktogether_core::export::{CsvKind, ExportError};
use worktogether_core::{CoreError, ErrorCode, SettingChange, Settings, Store, Timestamp};

type Result<T> = std::result::Result<T, ApiError>;

/// A folder for the exports that goes before every other: the IPC tests manage one, as tests
/// must not write into the person's Downloads (the end-to-end tests set `WORKTOGETHER_EXPORT_DIR`).
pub struct ExportFolder(pub PathBuf);

/// A backup as the settings list it.
#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct BackupEntry {
    /// Its file name: how the page names it to restore it.
    pub id: String,
    pub made_at: Timestamp,
    /// Bytes. (A plain number in TypeScript, which holds any file size exactly; specta would
    /// refuse a `u64` and make an `f64` nullable.)
    #[specta(type = u32)]
    pub size: u64,
}

impl From<&Backup> for BackupEntry {
    fn from(backup: &Backup) -> Self {
        let size = std::fs::metadata(&backup.path).map(|m| m.len()).unwrap_or(0);
        Self { id: backup.name(), made_at: backup.made_at, size }
    }
}

/// A restore's outcome: what was restored, and the backup that keeps the data it replaced.
#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct RestoredBackup {
    pub restored: BackupEntry,
    pub kept: BackupEntry,
}

fn folder(state: &AppState) -> PathBuf {
    state.data_dir.join(backups::FOLDER)
}

/// A blocking task's panic, said as a bug.
fn joined<T>(state: &AppState, result: std::result::Result<Result<T>, tauri::Error>) -> Result<T> {
    result.unwrap_or_else(|e| {
        log::error!("a data task stopped: {e}");
        Err(ApiError::internal(&state.catalog()))
    })
}

/// The backups in the data folder, newest first.
#[tauri::command]
#[specta::specta]
pub async fn list_backups(state: State<'_, AppState>) -> Result<Vec<BackupEntry>> {
    let folder = folder(&state);
    let listed =
        tauri::async_runtime::spawn_blocking(move || Ok(backups::list(&folder).iter().map(Into::into).collect()));
    joined(&state, listed.await)
}

/// Makes a backup now, beside the daily ones (none is removed for it; the next daily backup
/// keeps as many as the settings say).
#[tauri::command]
#[specta::specta]
pub async fn make_backup(state: State<'_, AppState>) -> Result<BackupEntry> {
    let (database, folder, now, catalog) = (state.database_path.clone(), folder(&state), state.now(), state.catalog());
    let made = tauri::async_runtime::spawn_blocking(move || {
        backups::make_one(&database, &folder, now).map(|b| BackupEntry::from(&b)).map_err(|detail| {
            log::error!("a backup could not be made: {detail}");
            ApiError { code: ErrorCode::Storage, message: catalog.t("backups.error.make", &[("detail", detail)]) }
        })
    });
    joined(&state, made.await)
}

/// Restores the backup named `name` (a file name from `list_backups`), keeping the current data
/// as one more backup first. Refused while a session is in progress.
#[tauri::command]
#[specta::specta]
pub async fn restore_backup<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    name: String,
) -> Result<RestoredBackup> {
    let before = state.read(|s, _| s.settings())?;
    let (store, database, folder, now) =
        (state.shared_store(), state.database_path.clone(), folder(&state), state.now());
    let done = tauri::async_runtime::spawn_blocking(move || backups::restore(&store, &database, &folder, &name, now));
    let done = match done.await {
        Ok(Ok(done)) => done,
        Ok(Err(e)) => return Err(restore_error(&state, e)),
        Err(e) => return joined(&state, Err(e)),
    };
    log::info!("restored {} (the data before it: {})", done.restored.path.display(), done.kept.path.display());
    // The store is unlocked again: now the app follows.
    follow_restored(&app, &state, &before);
    Ok(RestoredBackup { restored: (&done.restored).into(), kept: (&done.kept).into() })
}

fn restore_error(state: &AppState, e: RestoreError) -> ApiError {
    let catalog = state.catalog();
    match e {
        RestoreError::Unknown => {
            ApiError { code: ErrorCode::NotFound, message: catalog.t("backups.error.unknown", &[]) }
        }
        RestoreError::KeepCurrent(detail) => {
            log::error!("the data to be replaced could not be backed up: {detail}");
            ApiError {
                code: ErrorCode::Storage,
                message: catalog.t("backups.error.keep_current", &[("detail", detail)]),
            }
        }
        RestoreError::Core(e) => state.error(&e),
    }
}

/// Makes the running app follow the restored data, after the store's lock (the effects of a
/// change of language are what every window, the tray and the shell's catalog need: the same
/// language is stored again, which changes nothing but tells everyone).
fn follow_restored<R: Runtime>(app: &AppHandle<R>, state: &AppState, before: &Settings) {
    let restored = match state.read(|s, now| Ok((s.settings()?, s.current_session(now)?))) {
        Ok(restored) => restored,
        Err(e) => return log::error!("the restored data could not be read: {}", e.message),
    };
    let (settings, session) = restored;
    if let Err(e) = state.apply(app, Action::ChangeSetting { change: SettingChange::Language(settings.language) }) {
        log::warn!("the restored settings were not shown: {}", e.message);
    }
    emit(app, UiEvent::Session(session.as_ref()));
    state.tray_wake.notify_one();
    state.ticker.notify_one();
    if state.desktop_integration {
        if before.start_at_login != settings.start_at_login
            && crate::autostart::supported(app)
            && let Err(e) = crate::autostart::set(app, settings.start_at_login)
        {
            log::warn!("start at login does not follow the restored setting: {e}");
        }
        if before.shortcut != settings.shortcut
            && let Err(e) = crate::shortcut::replace(app, before.shortcut.as_deref(), settings.shortcut.as_deref())
        {
            log::warn!("the restored shortcut could not be registered: {e:?}");
        }
    }
}

/// What the page can export.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum ExportFormat {
    /// CSV, a row per commitment.
    Commitments,
    /// CSV, a row per session.
    Sessions,
    /// CSV, focus time per tag and day.
    Invoices,
    /// The complete JSON backup.
    Json,
    /// The Markdown report.
    Markdown,
}

impl From<ExportFormat> for Format {
    fn from(format: ExportFormat) -> Self {
        match format {
            ExportFormat::Commitments => Format::Csv(CsvKind::Commitments),
            ExportFormat::Sessions => Format::Csv(CsvKind::Sessions),
            ExportFormat::Invoices => Format::Csv(CsvKind::Invoices),
            ExportFormat::Json => Format::Json,
            ExportFormat::Markdown => Format::Markdown,
        }
    }
}

/// An export the page asks for: the format, and optionally the person's days (both included)
/// and a tag. A report without days or tag is of this week.
#[derive(Debug, Clone, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct ExportRequest {
    pub format: ExportFormat,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    pub tag: Option<String>,
}

/// Where an export went.
#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct ExportDone {
    /// The whole path, to show and to "Show in folder".
    pub path: String,
    pub file_name: String,
    pub folder: String,
    /// Rows of a table, sessions of the backup; none for a report.
    pub count: Option<u32>,
}

/// The folder exports go to: the tests' (see [`ExportFolder`]), else the person's Downloads
/// folder, else their home folder, else the data folder.
fn export_folder<R: Runtime>(app: &AppHandle<R>, state: &AppState) -> PathBuf {
    if let Some(folder) = app.try_state::<ExportFolder>() {
        return folder.0.clone();
    }
    if let Some(dir) = std::env::var_os("WORKTOGETHER_EXPORT_DIR").filter(|d| !d.is_empty()) {
        return PathBuf::from(dir);
    }
    app.path()
        .download_dir()
        .ok()
        .filter(|d| d.is_dir())
        .or_else(|| app.path().home_dir().ok().filter(|d| d.is_dir()))
        .unwrap_or_else(|| state.data_dir.clone())
}

/// Exports the history as asked into the exports' folder, under a new name
/// (`worktogether-commitments-2026-12-03.csv`, or `… (2).csv`: never over a file). German number
/// formats when the app speaks German.
#[tauri::command]
#[specta::specta]
pub async fn export_history<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    request: ExportRequest,
) -> Result<ExportDone> {
    let format = Format::from(request.format);
    let (zone, now, catalog) = (crate::zone::person_zone(), state.now(), state.catalog());
    let selection = exports::selection(format, request.from, request.to, request.tag, zone, now)
        .map_err(|e| state.error(&CoreError::from(e)))?;
    let folder = export_folder(&app, &state);
    let name = exports::file_name(format, worktogether_core::stats::local_day(zone, now));
    let database = state.database_path.clone();
    let written = tauri::async_runtime::spawn_blocking(move || {
        std::fs::create_dir_all(&folder).map_err(|e| cannot_write(&catalog, &folder, &e.into()))?;
        let store = Store::open_read_only(&database).map_err(|e| ApiError::from_core(&e, &catalog))?;
        let words = |key: &str, args: &[(&str, String)]| catalog.t(key, args);
        let style = Style { zone, now, german_numbers: catalog.language() == Language::De, words: &words };
        let (path, written) =
            exports::write_new(&folder, &name, |out| exports::write(&store, format, &selection, &style, out))
                .map_err(|e| cannot_write(&catalog, &folder, &e))?;
        Ok(ExportDone {
            file_name: path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default(),
            path: path.display().to_string(),
            folder: folder.display().to_string(),
            count: written.count().map(|n| u32::try_from(n).unwrap_or(u32::MAX)),
        })
    });
    joined(&state, written.await)
}

fn cannot_write(catalog: &crate::i18n::Catalog, folder: &Path, e: &ExportError) -> ApiError {
    match e {
        ExportError::Core(e) => ApiError::from_core(e, catalog),
        ExportError::Write(e) => {
            log::warn!("an export could not be written into {}: {e}", folder.display());
            let args = [("folder", folder.display().to_string()), ("detail", e.to_string())];
            ApiError { code: ErrorCode::Storage, message: catalog.t("export.ui.error.write", &args) }
        }
    }
}

/// Whether `path` is an export in `folder`: a file right in it, named as exports are named.
fn is_export(folder: &Path, path: &Path) -> bool {
    let named = path.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.starts_with("worktogether-"));
    let inside = matches!(
        (path.parent().map(Path::canonicalize), folder.canonicalize()),
        (Some(Ok(parent)), Ok(folder)) if parent == folder
    );
    named && inside && path.is_file()
}

/// Shows an export in the file manager (selected where the desktop can, else its folder). Only
/// an export in the exports' folder: the page never opens any path it likes.
#[tauri::command]
#[specta::specta]
pub async fn show_export<R: Runtime>(app: AppHandle<R>, state: State<'_, AppState>, path: String) -> Result<()> {
    use tauri_plugin_opener::OpenerExt;
    let (path, folder, catalog) = (PathBuf::from(path), export_folder(&app, &state), state.catalog());
    if !is_export(&folder, &path) {
        return Err(ApiError::invalid(&catalog, "export.ui.error.not_export", &[]));
    }
    // D-Bus on Linux (the file manager, else the portal): on a thread of its own, never waited on
    // by the window.
    let shown = tauri::async_runtime::spawn_blocking(move || {
        app.opener()
            .reveal_item_in_dir(&path)
            .or_else(|_| app.opener().open_path(folder.display().to_string(), None::<&str>))
            .map_err(|e| ApiError::invalid(&catalog, "error.open_folder", &[("detail", e.to_string())]))
    });
    joined(&state, shown.await)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_an_export_in_the_exports_folder_is_shown() {
        let dir = tempfile::tempdir().unwrap();
        let exports = dir.path().join("Downloads");
        std::fs::create_dir_all(exports.join("sub")).unwrap();
        let export = exports.join("worktogether-report-2026-12-03.md");
        std::fs::write(&export, "# Report").unwrap();
        std::fs::write(exports.join("taxes.pdf"), "mine").unwrap();
        std::fs::write(exports.join("sub/worktogether-report-2026-12-03.md"), "").unwrap();
        std::fs::write(dir.path().join("worktogether-report-2026-12-03.md"), "").unwrap();
        assert!(is_export(&exports, &export));
        assert!(is_export(&exports, &exports.join("sub/../worktogether-report-2026-12-03.md")));
        for other in [
            exports.join("taxes.pdf"),
            exports.join("sub/worktogether-report-2026-12-03.md"),
            exports.join("../worktogether-report-2026-12-03.md"),
            exports.join("worktogether-missing.csv"),
            exports.join("sub"),
            PathBuf::from("/etc/passwd"),
        ] {
            assert!(!is_export(&exports, &other), "{} is not an export to show", other.display());
        }
    }
}
