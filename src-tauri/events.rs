//! Typed events from the shell to the UI. The domain reports what changed; this is the
//! one place that names the events the UI listens to.

use crate::settings::SettingsView;
use tauri::{Emitter, Runtime};
use worktogether_core::{PhaseChange, SessionView};

pub enum UiEvent<'a> {
    /// The session in progress changed (or ended: `None`).
    Session(Option<&'a SessionView>),
    PhaseChanged(&'a PhaseChange),
    /// A setting changed: every window follows (language, theme).
    Settings(&'a SettingsView),
}

pub fn emit<R: Runtime>(app: &impl Emitter<R>, event: UiEvent) {
    let result = match event {
        UiEvent::Session(view) => app.emit("session", view),
        UiEvent::PhaseChanged(change) => app.emit("phase-changed", change),
        UiEvent::Settings(view) => app.emit("settings", view),
    };
    if let Err(e) = result {
        log::warn!("could not send an event to the window: {e}");
    }
}
