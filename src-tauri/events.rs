//! Typed events from the shell to the UI. The domain reports what changed; this is the
//! one place that names the events the UI listens to. Each has a type for the generated
//! contract (`ipc.rs`, `ui/src/bindings/ipc.ts`); its payload is the value it wraps.

use crate::rooms::view::RoomView;
use crate::settings::SettingsView;
use serde::Serialize;
use tauri::{Emitter, Runtime};
use tauri_specta::Event;
use worktogether_core::{PhaseChange, SessionView};

/// The session in progress after every change, from any source (`null`: none any more).
#[derive(Debug, Clone, Serialize, specta::Type, Event)]
#[tauri_specta(event_name = "session")]
pub struct SessionEvent(pub Option<SessionView>);

/// At every phase change, once (a catch-up over several phases is one).
#[derive(Debug, Clone, Serialize, specta::Type, Event)]
#[tauri_specta(event_name = "phase-changed")]
pub struct PhaseChangedEvent(pub PhaseChange);

/// After every settings change, to every window (language and theme follow at once).
#[derive(Debug, Clone, Serialize, specta::Type, Event)]
#[tauri_specta(event_name = "settings")]
pub struct SettingsEvent(pub SettingsView);

/// Every room after any change in one of them: joined, left, an event from its server, the
/// connection coming and going.
#[derive(Debug, Clone, Serialize, specta::Type, Event)]
#[tauri_specta(event_name = "rooms")]
pub struct RoomsEvent(pub Vec<RoomView>);

/// An invite link was opened while the app runs: show the join form with it.
#[derive(Debug, Clone, Serialize, specta::Type, Event)]
#[tauri_specta(event_name = "join-link")]
pub struct JoinLinkEvent(pub String);

/// The person joined a room's session from outside the window (its notice, the tray): the
/// window shows the session.
#[derive(Debug, Clone, Serialize, specta::Type, Event)]
#[tauri_specta(event_name = "show-session")]
pub struct ShowSessionEvent;

/// The weekly review's notice was clicked: the main window shows the review.
#[derive(Debug, Clone, Serialize, specta::Type, Event)]
#[tauri_specta(event_name = "show-review")]
pub struct ShowReviewEvent;

/// A work block or routine changed, or what became of one of their days: the schedule's
/// views read it again.
#[derive(Debug, Clone, Serialize, specta::Type, Event)]
#[tauri_specta(event_name = "schedule-changed")]
pub struct ScheduleChangedEvent;

pub enum UiEvent<'a> {
    /// The session in progress changed (or ended: `None`).
    Session(Option<&'a SessionView>),
    PhaseChanged(&'a PhaseChange),
    /// A setting changed: every window follows (language, theme).
    Settings(&'a SettingsView),
    Rooms(&'a [RoomView]),
    JoinLink(&'a str),
    ShowSession,
    ShowReview,
    ScheduleChanged,
}

pub fn emit<R: Runtime>(app: &impl Emitter<R>, event: UiEvent) {
    // Sent by name with the payload borrowed: the same JSON as the typed event's.
    let result = match event {
        UiEvent::Session(view) => app.emit(SessionEvent::NAME, view),
        UiEvent::PhaseChanged(change) => app.emit(PhaseChangedEvent::NAME, change),
        UiEvent::Settings(view) => app.emit(SettingsEvent::NAME, view),
        UiEvent::Rooms(views) => app.emit(RoomsEvent::NAME, views),
        UiEvent::JoinLink(link) => app.emit(JoinLinkEvent::NAME, link),
        UiEvent::ShowSession => app.emit(ShowSessionEvent::NAME, ShowSessionEvent),
        UiEvent::ShowReview => app.emit(ShowReviewEvent::NAME, ShowReviewEvent),
        UiEvent::ScheduleChanged => app.emit(ScheduleChangedEvent::NAME, ScheduleChangedEvent),
    };
    if let Err(e) = result {
        log::warn!("could not send an event to the window: {e}");
    }
}
