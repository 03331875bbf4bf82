//! The settings screen's commands: every change is checked and stored by the core, then
//! takes effect at once in the running app (language, and what later parts hook in here).

use crate::error::ApiError;
use crate::events::{UiEvent, emit};
use crate::i18n::Language;
use crate::state::AppState;
use serde::Serialize;
use tauri::{AppHandle, Runtime, State};
use ts_rs::TS;
use worktogether_core::{SettingChange, Settings};

/// The settings and what follows from them for the UI.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct SettingsView {
    pub settings: Settings,
    /// The language in effect (the system's when the choice is "system").
    pub language: Language,
}

fn view(state: &AppState, settings: Settings) -> SettingsView {
    SettingsView { settings, language: state.catalog().language() }
}

#[tauri::command]
pub async fn settings(state: State<'_, AppState>) -> Result<SettingsView, ApiError> {
    let settings = state.read(|s, _| s.settings())?;
    Ok(view(&state, settings))
}

#[tauri::command]
pub async fn change_setting<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    change: SettingChange,
) -> Result<SettingsView, ApiError> {
    let settings = state.write(|s, _| s.change_setting(change.clone()))?;
    if let SettingChange::Language(choice) = change {
        state.choose_language(choice);
    }
    let view = view(&state, settings);
    emit(&app, UiEvent::Settings(&view));
    Ok(view)
}
