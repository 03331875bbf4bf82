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
//!
//! A JSON backup is imported from a path: one of the exports' folder the settings list
//! (`worktogether-*.json`), or one the person typed or pasted (a full path, `~/…` or a
//! `file://` address; it must be a regular `.json` file). A path and not the file's bytes: ten
//! years are about 33 MB, too much for the IPC. The file is read and checked with the store
//! unlocked (seconds for ten years), then written in one transaction under the lock, and the
//! app follows as after a restore (settings the database did not have may come from the file).
//! Allowed while a session is in progress: the core refuses a second session in progress, and
//! ended sessions only go into the history. The refusals and the summary are worded here for
//! the app and the command line alike (`cli/import.rs`).

use crate::backups::{self, Backup, RestoreError};
use crate::error::ApiError;
use crate::events::{UiEvent, emit};
use crate::exports::{self, Format, Style};
use crate::i18n::{Catalog, Language};
use crate::state::AppState;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::fs::File;
use std::path::{Path, PathBuf};
use tauri::{AppHandle, Manager, Runtime, State};
use worktogether_core::app::Action;
use worktogether_core::export::{CsvKind, ExportError};
use worktogether_core::import::{ImportError, ImportSummary, read_backup, validate};
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
    // The store is unlocked again: now the app follows, and so do the rooms (the restored data
    // has the memberships it had then).
    follow_new_data(&app, &state, &before);
    crate::rooms::follow_restored_data(app.clone()).await;
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

/// Makes the running app follow data restored or imported, after the store's lock (the effects
/// of a change of language are what every window, the tray and the shell's catalog need: the
/// same language is stored again, which changes nothing but tells everyone).
fn follow_new_data<R: Runtime>(app: &AppHandle<R>, state: &AppState, before: &Settings) {
    let restored = match state.read(|s, now| Ok((s.settings()?, s.current_session(now)?))) {
        Ok(restored) => restored,
        Err(e) => return log::error!("the new data could not be read: {}", e.message),
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

fn cannot_write(catalog: &Catalog, folder: &Path, e: &ExportError) -> ApiError {
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
            .or_else(|_| crate::launch::open(&folder.display().to_string()))
            .map_err(|e| ApiError::invalid(&catalog, "error.open_folder", &[("detail", e.to_string())]))
    });
    joined(&state, shown.await)
}

// ---------------------------------------------------------------------------------------------
// Importing a JSON backup

/// How many JSON backups of the exports' folder the settings list, the newest: older ones can
/// still be named by their path.
const IMPORTABLE_LISTED: usize = 20;

/// A JSON backup in the exports' folder, as the settings offer it to import.
#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct ImportableFile {
    pub name: String,
    /// The whole path: what the page gives back to import it.
    pub path: String,
    /// Bytes (see [`BackupEntry::size`]).
    #[specta(type = u32)]
    pub size: u64,
    /// When the file was last written, where the system says.
    pub modified: Option<Timestamp>,
}

/// How many of a kind the import added, and how many were already there.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct ImportCount {
    pub added: u32,
    pub present: u32,
}

impl From<worktogether_core::import::Counted> for ImportCount {
    fn from(c: worktogether_core::import::Counted) -> Self {
        let small = |n: u64| u32::try_from(n).unwrap_or(u32::MAX);
        Self { added: small(c.added), present: small(c.present) }
    }
}

/// What an import did: the counts, and the same in the person's words.
#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct ImportReport {
    pub sessions: ImportCount,
    pub commitments: ImportCount,
    pub templates: ImportCount,
    /// Settings the database did not have, taken from the file (`added`), and those it had
    /// (`present`: kept as they are).
    pub settings: ImportCount,
    /// Of the settings kept, those the file has another value for.
    pub settings_differing: u32,
    /// Templates added under another name: the database has a different one of theirs.
    pub templates_renamed: u32,
    /// What was imported, a sentence a line: the counts first, then what was done differently
    /// from the file.
    pub lines: Vec<String>,
}

/// The JSON backups in `folder`, named as the app names its JSON exports (`worktogether-*.json`),
/// the newest first.
fn importable(folder: &Path) -> Vec<ImportableFile> {
    let Ok(entries) = std::fs::read_dir(folder) else { return Vec::new() };
    let mut found: Vec<ImportableFile> = entries
        .flatten()
        .filter_map(|entry| {
            let name = entry.file_name().into_string().ok()?;
            let meta = std::fs::metadata(entry.path()).ok()?; // a link: what it points to
            (name.starts_with("worktogether-") && is_json_name(&name) && meta.is_file()).then(|| ImportableFile {
                path: entry.path().display().to_string(),
                size: meta.len(),
                modified: meta.modified().ok().map(Timestamp::from),
                name,
            })
        })
        .collect();
    found.sort_by(|a, b| b.modified.cmp(&a.modified).then_with(|| a.name.cmp(&b.name)));
    found.truncate(IMPORTABLE_LISTED);
    found
}

fn is_json_name(name: &str) -> bool {
    Path::new(name).extension().is_some_and(|e| e.eq_ignore_ascii_case("json"))
}

/// The JSON backups of the exports' folder (where History's "Complete backup (JSON)" goes): the
/// newest 20, newest first.
#[tauri::command]
#[specta::specta]
pub async fn list_importable<R: Runtime>(app: AppHandle<R>, state: State<'_, AppState>) -> Result<Vec<ImportableFile>> {
    let folder = export_folder(&app, &state);
    let listed = tauri::async_runtime::spawn_blocking(move || Ok(importable(&folder)));
    joined(&state, listed.await)
}

/// The file a person named, opened: a full path, `~/…` (`home`), or a `file://` address as a
/// file manager copies one; surrounding blanks and quotes are left out. Refused with a message
/// in their words unless it is a regular file ending in `.json`.
fn open_named(text: &str, home: Option<&Path>, catalog: &Catalog) -> Result<File> {
    let text = text.trim();
    let text = ['"', '\'']
        .into_iter()
        .find_map(|q| text.strip_prefix(q).and_then(|t| t.strip_suffix(q)))
        .unwrap_or(text)
        .trim();
    if text.is_empty() {
        return Err(ApiError::invalid(catalog, "importUi.error.empty", &[]));
    }
    let shown = || [("path", text.to_owned())];
    let path = if text.starts_with("file:") {
        url::Url::parse(text).ok().and_then(|u| u.to_file_path().ok())
    } else if let Some(rest) = text.strip_prefix("~/").or_else(|| text.strip_prefix("~\\")) {
        home.map(|h| h.join(rest))
    } else {
        Some(PathBuf::from(text))
    };
    let Some(path) = path.filter(|p| p.is_absolute()) else {
        return Err(ApiError::invalid(catalog, "importUi.error.relative", &shown()));
    };
    let meta = match std::fs::metadata(&path) {
        Ok(meta) => meta,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let message = catalog.t("importUi.error.missing", &shown());
            return Err(ApiError { code: ErrorCode::NotFound, message });
        }
        Err(e) => return Err(cannot_open(catalog, text, &e)),
    };
    if meta.is_dir() {
        return Err(ApiError::invalid(catalog, "importUi.error.folder", &shown()));
    }
    if !meta.is_file() {
        return Err(ApiError::invalid(catalog, "importUi.error.notFile", &shown()));
    }
    if !path.file_name().and_then(|n| n.to_str()).is_some_and(is_json_name) {
        return Err(ApiError::invalid(catalog, "importUi.error.notJson", &shown()));
    }
    File::open(&path).map_err(|e| cannot_open(catalog, text, &e))
}

fn cannot_open(catalog: &Catalog, path: &str, e: &std::io::Error) -> ApiError {
    log::warn!("a backup to import could not be opened: {e}");
    let args = [("path", path.to_owned()), ("detail", e.to_string())];
    ApiError { code: ErrorCode::Storage, message: catalog.t("importUi.error.open", &args) }
}

/// Imports the JSON backup at `path` (a whole path, `~/…` or a `file://` address of a regular
/// `.json` file; see `open_named`): everything in it the history lacks,
/// or nothing when anything in it is wrong or conflicts with the history. Then the app follows
/// what came in, as after a restore.
#[tauri::command]
#[specta::specta]
pub async fn import_backup<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    path: String,
) -> Result<ImportReport> {
    let before = state.read(|s, _| s.settings())?;
    let (store, catalog, home) = (state.shared_store(), state.catalog(), app.path().home_dir().ok());
    let imported = tauri::async_runtime::spawn_blocking(move || {
        let file = open_named(&path, home.as_deref(), &catalog)?;
        // Read (buffered by `read_backup`) and checked with the store unlocked: ten years take
        // seconds. Only the writing holds it.
        let backup = read_backup(file).and_then(validate).map_err(|e| import_error(&catalog, &e))?;
        let mut store = store.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let summary = store.import_backup(&backup).map_err(|e| import_error(&catalog, &e))?;
        drop(store);
        log::info!("imported {path}: {summary:?}");
        Ok(summary)
    });
    let summary = joined(&state, imported.await)?;
    if summary.sessions.added + summary.templates.added + summary.settings.added > 0 {
        follow_new_data(&app, &state, &before);
    }
    // In the language the import may have brought.
    Ok(import_report(&state.catalog(), &summary))
}

/// An import's refusal in the person's words (the app's and the command line's).
pub(crate) fn import_error(catalog: &Catalog, e: &ImportError) -> ApiError {
    if let ImportError::Core(e) = e {
        return ApiError::from_core(e, catalog); // logged there, as the database's errors are
    }
    if let ImportError::Read(detail) = e {
        log::warn!("a backup could not be read: {detail}");
    }
    ApiError { code: e.code(), message: e.message(&|key: &str, args: &[(&str, String)]| catalog.t(key, args)) }
}

/// `cli.import.<key>.one|other` with the count.
fn counted(catalog: &Catalog, key: &str, count: u64) -> String {
    let form = if count == 1 { "one" } else { "other" };
    catalog.t(&format!("{key}.{form}"), &[("count", count.to_string())])
}

/// "Imported 12 sessions, 40 commitments and 2 templates; 3 sessions were already there.",
/// then what was done differently from the file: templates renamed, settings kept, links
/// left out (the app's and the command line's).
pub(crate) fn import_summary(catalog: &Catalog, s: &ImportSummary) -> Vec<String> {
    let counted = |key: &str, count: u64| counted(catalog, &format!("cli.import.{key}"), count);
    let mut args = vec![
        ("sessions", counted("sessions", s.sessions.added)),
        ("commitments", counted("commitments", s.commitments.added)),
        ("templates", counted("templates", s.templates.added)),
    ];
    let done = if s.sessions.present == 0 {
        "cli.import.done"
    } else {
        args.push(("present", counted("present", s.sessions.present)));
        "cli.import.done_present"
    };
    let mut lines = vec![catalog.t(done, &args)];
    for (from, to) in &s.renamed_templates {
        lines.push(catalog.t("cli.import.renamed", &[("from", from.clone()), ("to", to.clone())]));
    }
    if s.settings_differing > 0 {
        lines.push(counted("settings_kept", s.settings_differing));
    }
    if s.links_left_out > 0 {
        lines.push(counted("links_left_out", s.links_left_out));
    }
    let schedule = |blocks: u64, routines: u64| {
        [
            ("blocks", self::counted(catalog, "import.schedule.blocks", blocks)),
            ("routines", self::counted(catalog, "import.schedule.routines", routines)),
        ]
    };
    if s.blocks.added + s.routines.added > 0 {
        lines.push(catalog.t("import.schedule.added", &schedule(s.blocks.added, s.routines.added)));
    }
    if s.blocks.present + s.routines.present > 0 {
        lines.push(catalog.t("import.schedule.present", &schedule(s.blocks.present, s.routines.present)));
    }
    if s.routine_links_left_out > 0 {
        lines.push(self::counted(catalog, "import.schedule.routine_links_left_out", s.routine_links_left_out));
    }
    lines
}

/// The settings' report: the summary, said as "nothing was added" when nothing was, and the
/// settings taken from the file (the app may look different after it).
fn import_report(catalog: &Catalog, s: &ImportSummary) -> ImportReport {
    let mut lines = import_summary(catalog, s);
    if s.sessions.added + s.templates.added + s.settings.added + s.blocks.added + s.routines.added == 0 {
        lines[0] = if s.sessions.present == 0 {
            catalog.t("importUi.nothingInside", &[])
        } else {
            let present = counted(catalog, "cli.import.present", s.sessions.present);
            catalog.t("importUi.nothingNew", &[("present", present)])
        };
    }
    if s.settings.added > 0 {
        lines.push(counted(catalog, "importUi.settingsTaken", s.settings.added));
    }
    let small = |n: u64| u32::try_from(n).unwrap_or(u32::MAX);
    ImportReport {
        sessions: s.sessions.into(),
        commitments: s.commitments.into(),
        templates: s.templates.into(),
        settings: s.settings.into(),
        settings_differing: small(s.settings_differing),
        templates_renamed: small(s.renamed_templates.len() as u64),
        lines,
    }
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

    #[test]
    fn the_json_backups_of_the_exports_folder_are_listed_newest_first() {
        let dir = tempfile::tempdir().unwrap();
        let at = |name: &str, secs: u64| {
            let path = dir.path().join(name);
            std::fs::write(&path, "{}").unwrap();
            let when = std::time::UNIX_EPOCH + std::time::Duration::from_secs(1_800_000_000 + secs);
            File::options().write(true).open(&path).unwrap().set_modified(when).unwrap();
        };
        at("worktogether-backup-2026-12-01.json", 1);
        at("worktogether-backup-2026-12-03.JSON", 3);
        at("worktogether-backup-2026-12-02 (2).json", 2);
        at("worktogether-commitments-2026-12-03.csv", 4);
        at("backup.json", 5);
        std::fs::create_dir(dir.path().join("worktogether-folder.json")).unwrap();
        let names: Vec<_> = importable(dir.path()).into_iter().map(|f| f.name).collect();
        assert_eq!(
            names,
            [
                "worktogether-backup-2026-12-03.JSON",
                "worktogether-backup-2026-12-02 (2).json",
                "worktogether-backup-2026-12-01.json"
            ]
        );
        assert!(importable(&dir.path().join("missing")).is_empty());
    }

    #[test]
    fn only_a_json_file_named_by_its_whole_path_is_opened() {
        let dir = tempfile::tempdir().unwrap();
        let backup = dir.path().join("my backup.json");
        std::fs::write(&backup, "{}").unwrap();
        std::fs::write(dir.path().join("notes.txt"), "").unwrap();
        std::fs::create_dir(dir.path().join("folder.json")).unwrap();
        let catalog = Catalog::new(Language::En);
        let open = |text: &str| open_named(text, Some(dir.path()), &catalog);
        let shown = backup.display().to_string();
        let address = url::Url::from_file_path(&backup).unwrap().to_string();
        for good in [shown.clone(), format!("  \"{shown}\" "), format!("'{shown}'"), address, "~/my backup.json".into()]
        {
            assert!(open(&good).is_ok(), "{good}");
        }
        let refused = |text: &str| open(text).map(drop).unwrap_err();
        assert_eq!(refused("  ").message, "Enter the path of a backup file first.");
        assert!(refused("my backup.json").message.contains("not a whole path"));
        let missing = refused(&dir.path().join("gone.json").display().to_string());
        assert_eq!(missing.code, ErrorCode::NotFound);
        assert!(missing.message.starts_with("There is no file at "), "{}", missing.message);
        assert!(refused(&dir.path().join("folder.json").display().to_string()).message.contains("is a folder"));
        assert!(refused(&dir.path().join("notes.txt").display().to_string()).message.contains("is not a JSON file"));
        let catalog = Catalog::new(Language::De);
        let refused = open_named(&dir.path().display().to_string(), None, &catalog).map(drop).unwrap_err();
        assert!(refused.message.contains("ist ein Ordner"), "{}", refused.message);
        assert_eq!(refused.code, ErrorCode::InvalidInput);
    }

    #[test]
    fn an_import_that_added_nothing_says_so() {
        use worktogether_core::import::Counted;
        let catalog = Catalog::new(Language::En);
        let present = ImportSummary { sessions: Counted { added: 0, present: 2 }, ..ImportSummary::default() };
        assert_eq!(import_report(&catalog, &present).lines, ["Nothing was added: 2 sessions were already there."]);
        let settings = ImportSummary {
            sessions: Counted { added: 1, present: 0 },
            settings: Counted { added: 3, present: 0 },
            ..ImportSummary::default()
        };
        let report = import_report(&Catalog::new(Language::De), &settings);
        assert_eq!(report.sessions, ImportCount { added: 1, present: 0 });
        assert_eq!(
            report.lines,
            [
                "Importiert: 1 Session, 0 Commitments und 0 Vorlagen.",
                "3 Einstellungen, die du nie geändert hattest, kommen aus der Sicherung.",
            ]
        );
    }
}
