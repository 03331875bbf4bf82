//! The settings screen's commands: every change is checked and stored by the core, and
//! takes effect at once in the running app — language, sound, start at login, the global
//! shortcut; the theme is applied by the UI.

use crate::error::ApiError;
use crate::i18n::Language;
use crate::state::AppState;
use crate::{autostart, shortcut};
use serde::Serialize;
use tauri::{AppHandle, Runtime, State};
use worktogether_core::app::{Action, Answer};
use worktogether_core::{SettingChange, Settings};

/// The settings and what follows from them for the UI.
#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct SettingsView {
    pub settings: Settings,
    /// The language in effect (the system's when the choice is "system").
    pub language: Language,
    /// Whether this desktop lets the app start at login / grab a global shortcut.
    pub start_at_login_supported: bool,
    pub shortcut_supported: bool,
}

pub fn view<R: Runtime>(app: &AppHandle<R>, state: &AppState, settings: Settings) -> SettingsView {
    SettingsView {
        settings,
        language: state.catalog().language(),
        start_at_login_supported: autostart::supported(app),
        shortcut_supported: shortcut::supported(app),
    }
}

#[tauri::command]
#[specta::specta]
pub async fn settings<R: Runtime>(app: AppHandle<R>, state: State<'_, AppState>) -> Result<SettingsView, ApiError> {
    let settings = state.read(|s, _| s.settings())?;
    Ok(view(&app, &state, settings))
}

#[tauri::command]
#[specta::specta]
pub async fn change_setting<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    change: SettingChange,
) -> Result<SettingsView, ApiError> {
    let before = state.read(|s, _| s.settings())?;
    take_effect(&app, &state, &before, &change)?;
    let stored = state.apply(&app, Action::ChangeSetting { change: change.clone() }).inspect_err(|_| {
        // Not stored: undo what took effect, so the app does what the settings say.
        let _ = undo(&app, &before, &change);
    })?;
    match stored {
        // Every window hears of it from the effects (`effects.rs`); the catalog has followed.
        Answer::Settings(settings) => Ok(view(&app, &state, *settings)),
        other => Err(crate::commands::unexpected(&state, &other)),
    }
}

/// The part of a change that lives outside the store; a refusal here stores nothing.
fn take_effect<R: Runtime>(
    app: &AppHandle<R>,
    state: &AppState,
    before: &Settings,
    change: &SettingChange,
) -> Result<(), ApiError> {
    let catalog = state.catalog();
    match change {
        SettingChange::StartAtLogin(on) => {
            if !autostart::supported(app) {
                return Err(ApiError::invalid(&catalog, "error.autostart_unsupported", &[]));
            }
            autostart::set(app, *on)
                .map_err(|detail| ApiError::invalid(&catalog, "error.autostart", &[("detail", detail)]))
        }
        SettingChange::Shortcut(new) => {
            let new = new.as_deref().map(str::trim).filter(|s| !s.is_empty());
            shortcut::replace(app, before.shortcut.as_deref(), new).map_err(|refusal| {
                ApiError::invalid(&catalog, refusal.message_key(), &[("shortcut", new.unwrap_or_default().to_owned())])
            })
        }
        _ => Ok(()),
    }
}

fn undo<R: Runtime>(app: &AppHandle<R>, before: &Settings, change: &SettingChange) -> Result<(), String> {
    match change {
        SettingChange::StartAtLogin(_) => autostart::set(app, before.start_at_login),
        SettingChange::Shortcut(new) => {
            shortcut::replace(app, new.as_deref(), before.shortcut.as_deref()).map_err(|r| format!("{r:?}"))
        }
        _ => Ok(()),
    }
}
