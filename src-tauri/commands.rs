//! Tauri commands: each takes the state, hands an action to the application layer (or reads),
//! and maps errors at the edge.
//! They are `async` so that they run on the async runtime's threads, never blocking the
//! main thread, which draws the window and carries every IPC answer.

use crate::error::ApiError;
use crate::i18n::Language;
use crate::state::AppState;
use serde::Serialize;
use tauri::{AppHandle, Manager, Runtime, State};
use uuid::Uuid;
use worktogether_core::app::{Action, Answer, TemplateChoice};
use worktogether_core::{
    CarryOverSuggestion, ClosingReport, CommitmentDraft, HistoryFacets, HistoryPage, HistoryQuery, SessionRecord,
    SessionSummary, SessionView, Template, TemplateDraft, Timestamp,
};

type Result<T> = std::result::Result<T, ApiError>;

/// Applies a session action; the answer is the session afterwards.
/// (The state is asked for by each command, so a missing database is a refusal, not a panic.)
fn session<R: Runtime>(app: &AppHandle<R>, state: &AppState, action: Action) -> Result<SessionView> {
    match state.apply(app, action)? {
        Answer::Session(view) => Ok(*view),
        other => Err(unexpected(state, &other)),
    }
}

/// An answer of another kind than the action gives: a bug, said as one.
pub fn unexpected(state: &AppState, answer: &Answer) -> ApiError {
    log::error!("unexpected answer from the application layer: {answer:?}");
    ApiError::internal(&state.catalog())
}

#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct AppInfo {
    pub version: String,
    pub data_dir: String,
    pub database_path: String,
    pub language: Language,
}

#[tauri::command]
#[specta::specta]
pub fn app_info(state: State<'_, AppState>) -> AppInfo {
    AppInfo {
        version: env!("CARGO_PKG_VERSION").to_owned(),
        data_dir: state.data_dir.display().to_string(),
        database_path: state.database_path.display().to_string(),
        language: state.catalog().language(),
    }
}

/// Everything the first screen shows, in one answer: each IPC answer waits for WebKit's
/// next turn, so one call starts the app sooner than five.
#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct FirstScreen {
    pub info: AppInfo,
    pub session: Option<SessionView>,
    pub settings: crate::settings::SettingsView,
    pub templates: Vec<Template>,
    /// Sessions since `since` (the start of the person's day), newest first.
    pub today: Vec<SessionSummary>,
    /// The messages in `settings.language` (the UI bundles no catalog; see `catalog`).
    #[specta(type = std::collections::HashMap<String, String>)]
    pub catalog: Box<serde_json::value::RawValue>,
    /// The page's font stacks where the stylesheet's own would be slow (Linux; see `fonts.rs`).
    pub fonts: Option<crate::fonts::FontStacks>,
    /// A screen to open on instead of home (see [`OpenView`]).
    pub open_view: Option<OpenView>,
}

/// A screen the window opens on instead of home: `WORKTOGETHER_OPEN_VIEW=history|schedule`. The
/// benchmark times history's first render this way (`bench/run.py`): the window reports ready
/// once the timeline's first page is shown; tests and screenshots open the week.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "lowercase")]
pub enum OpenView {
    History,
    Schedule,
}

fn open_view() -> Option<OpenView> {
    match std::env::var("WORKTOGETHER_OPEN_VIEW").as_deref() {
        Ok("history") => Some(OpenView::History),
        Ok("schedule") => Some(OpenView::Schedule),
        _ => None,
    }
}

#[tauri::command]
#[specta::specta]
pub async fn first_screen<R: Runtime>(app: AppHandle<R>, since: Timestamp) -> Result<FirstScreen> {
    log::debug!("start-up: first_screen asked");
    let Some(state) = app.try_state::<AppState>() else { return Err(ApiError::unavailable(&app)) };
    let (session, settings, templates, today) = state.read(|s, now| {
        Ok((s.current_session(now)?, s.settings()?, s.list_templates()?, s.list_sessions(Some(since), 50)?))
    })?;
    let settings = crate::settings::view(&app, &state, settings);
    let catalog = crate::i18n::catalog_for_ui(settings.language);
    let fonts = app.try_state::<crate::fonts::PageFonts>().and_then(|f| f.0.clone());
    let open_view = open_view();
    log::debug!("start-up: first_screen answered");
    Ok(FirstScreen { info: app_info(state.clone()), session, settings, templates, today, catalog, fonts, open_view })
}

/// A catalog as the UI receives it: the bundled JSON of key → message, sent as it is.
#[derive(Debug, Serialize, specta::Type)]
#[specta(type = std::collections::HashMap<String, String>)]
pub struct Messages(Box<serde_json::value::RawValue>);

/// The messages of `language`, for a switch of language in the UI.
#[tauri::command]
#[specta::specta]
pub async fn catalog(language: Language) -> Messages {
    Messages(crate::i18n::catalog_for_ui(language))
}

#[tauri::command]
#[specta::specta]
pub async fn list_templates(state: State<'_, AppState>) -> Result<Vec<Template>> {
    state.read(|s, _| s.list_templates())
}

#[tauri::command]
#[specta::specta]
pub async fn save_template<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    draft: TemplateDraft,
) -> Result<Template> {
    match state.apply(&app, Action::SaveTemplate { draft })? {
        Answer::Template(template) => Ok(*template),
        other => Err(unexpected(&state, &other)),
    }
}

#[tauri::command]
#[specta::specta]
pub async fn delete_template<R: Runtime>(app: AppHandle<R>, state: State<'_, AppState>, id: Uuid) -> Result<()> {
    state.apply(&app, Action::DeleteTemplate { id }).map(drop)
}

#[tauri::command]
#[specta::specta]
pub async fn start_session<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    template_id: Uuid,
) -> Result<SessionView> {
    session(&app, &state, Action::Start { template: TemplateChoice::Id(template_id) })
}

#[tauri::command]
#[specta::specta]
pub async fn current_session(state: State<'_, AppState>) -> Result<Option<SessionView>> {
    state.read(|s, now| s.current_session(now))
}

#[tauri::command]
#[specta::specta]
pub async fn add_commitment<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    draft: CommitmentDraft,
) -> Result<SessionView> {
    session(&app, &state, Action::Commit { draft })
}

#[tauri::command]
#[specta::specta]
pub async fn update_commitment<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    id: Uuid,
    draft: CommitmentDraft,
) -> Result<SessionView> {
    session(&app, &state, Action::EditCommitment { id, draft })
}

#[tauri::command]
#[specta::specta]
pub async fn remove_commitment<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    id: Uuid,
) -> Result<SessionView> {
    session(&app, &state, Action::RemoveCommitment { id })
}

#[tauri::command]
#[specta::specta]
pub async fn move_commitment<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    id: Uuid,
    position: u32,
) -> Result<SessionView> {
    session(&app, &state, Action::MoveCommitment { id, position })
}

#[tauri::command]
#[specta::specta]
pub async fn tick_commitment<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    id: Uuid,
    done: bool,
) -> Result<SessionView> {
    session(&app, &state, Action::TickCommitment { id, done })
}

/// One commitment's outcome as the person fills in the closing round, kept before Save.
#[tauri::command]
#[specta::specta]
pub async fn draft_outcome<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    entry: worktogether_core::OutcomeEntry,
) -> Result<SessionView> {
    session(&app, &state, Action::DraftOutcome { entry })
}

/// The closing round's overall note and focus rating as the person fills them in, kept before Save.
#[tauri::command]
#[specta::specta]
pub async fn draft_closing_notes<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    overall_note: Option<String>,
    focus_rating: Option<u8>,
) -> Result<SessionView> {
    session(&app, &state, Action::DraftClosingNotes { overall_note, focus_rating })
}

#[tauri::command]
#[specta::specta]
pub async fn carry_over_suggestions(state: State<'_, AppState>) -> Result<Vec<CarryOverSuggestion>> {
    state.read(|s, _| s.carry_over_suggestions())
}

#[tauri::command]
#[specta::specta]
pub async fn carry_over<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    ids: Vec<Uuid>,
) -> Result<SessionView> {
    session(&app, &state, Action::CarryOver { ids })
}

#[tauri::command]
#[specta::specta]
pub async fn pause_session<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    note: Option<String>,
) -> Result<SessionView> {
    session(&app, &state, Action::Pause { note })
}

#[tauri::command]
#[specta::specta]
pub async fn resume_session<R: Runtime>(app: AppHandle<R>, state: State<'_, AppState>) -> Result<SessionView> {
    session(&app, &state, Action::Resume)
}

#[tauri::command]
#[specta::specta]
pub async fn skip_phase<R: Runtime>(app: AppHandle<R>, state: State<'_, AppState>) -> Result<SessionView> {
    session(&app, &state, Action::Skip)
}

#[tauri::command]
#[specta::specta]
pub async fn extend_phase<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    minutes: u32,
) -> Result<SessionView> {
    session(&app, &state, Action::Extend { minutes })
}

#[tauri::command]
#[specta::specta]
pub async fn end_session_early<R: Runtime>(app: AppHandle<R>, state: State<'_, AppState>) -> Result<SessionView> {
    session(&app, &state, Action::Stop)
}

#[tauri::command]
#[specta::specta]
pub async fn abandon_session<R: Runtime>(app: AppHandle<R>, state: State<'_, AppState>) -> Result<()> {
    session(&app, &state, Action::Abandon).map(drop)
}

#[tauri::command]
#[specta::specta]
pub async fn close_session<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    report: ClosingReport,
) -> Result<SessionSummary> {
    match state.apply(&app, Action::Close { report })? {
        Answer::Summary(summary) => Ok(*summary),
        other => Err(unexpected(&state, &other)),
    }
}

#[tauri::command]
#[specta::specta]
pub async fn list_sessions(
    state: State<'_, AppState>,
    since: Option<Timestamp>,
    limit: u32,
) -> Result<Vec<SessionSummary>> {
    state.read(|s, _| s.list_sessions(since, limit))
}

/// One page of the timeline (see `HistoryQuery`); its `next` asks for the following one.
#[tauri::command]
#[specta::specta]
pub async fn history_page(state: State<'_, AppState>, query: HistoryQuery) -> Result<HistoryPage> {
    state.read(|s, _| s.history_page(&query))
}

/// The statistics of the days `first` to `last` (inclusive), in the person's time zone.
#[tauri::command]
#[specta::specta]
pub async fn statistics(
    state: State<'_, AppState>,
    first: chrono::NaiveDate,
    last: chrono::NaiveDate,
) -> Result<worktogether_core::stats::Statistics> {
    let zone = crate::zone::person_zone();
    state.read(|s, now| {
        let range = worktogether_core::stats::StatsRange::new(first, last)?;
        s.statistics(range, zone, worktogether_core::stats::local_day(zone, now))
    })
}

/// The tags and rooms the timeline can be filtered by.
#[tauri::command]
#[specta::specta]
pub async fn history_facets(state: State<'_, AppState>) -> Result<HistoryFacets> {
    state.read(|s, _| s.history_facets())
}

/// One session's full record (history opens it).
#[tauri::command]
#[specta::specta]
pub async fn session_record(state: State<'_, AppState>, id: Uuid) -> Result<SessionRecord> {
    state.read(|s, now| s.session_record(id, now))
}

/// Shows the data folder in the file manager.
#[tauri::command]
#[specta::specta]
pub async fn open_data_folder(state: State<'_, AppState>) -> Result<()> {
    let folder = state.data_dir.display().to_string();
    let opened = tauri::async_runtime::spawn_blocking(move || crate::launch::open(&folder)).await;
    let detail = match opened {
        Ok(Ok(())) => return Ok(()),
        Ok(Err(e)) => e.to_string(),
        Err(e) => e.to_string(),
    };
    Err(ApiError::invalid(&state.catalog(), "error.open_folder", &[("detail", detail)]))
}

/// The UI's first screen is interactive. With `WORKTOGETHER_EXIT_WHEN_READY` set (the
/// start-up benchmark), the app prints the time since launch and quits.
#[tauri::command]
#[specta::specta]
pub fn ui_ready<R: Runtime>(app: AppHandle<R>, window: tauri::Window<R>, started: State<'_, crate::Started>) {
    if window.label() != crate::windows::MAIN {
        return; // a compact ritual window, opened long after the start
    }
    crate::deferred::start(&app);
    let elapsed = started.0.elapsed();
    log::info!("first screen ready after {elapsed:?}");
    if std::env::var_os("WORKTOGETHER_EXIT_WHEN_READY").is_some() {
        println!("ready_ms {}", elapsed.as_millis());
        app.exit(0);
    }
}
