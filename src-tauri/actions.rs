//! What a person can do to the session from outside the main window — the tray menu, the
//! command line and the global shortcut — applied exactly like the UI's own commands
//! (same store operations, events, notifications and ticker wake-up).

use crate::error::ApiError;
use crate::state::AppState;
use serde::{Deserialize, Serialize};
use tauri::{AppHandle, Manager, Runtime};
use uuid::Uuid;
use worktogether_core::{SessionStatus, SessionView};

/// Which template a session starts from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TemplateChoice {
    /// The default template from the settings.
    Default,
    Id(Uuid),
    /// By name, ignoring case (the command line's `--template NAME`).
    Name(String),
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum SessionAction {
    Start {
        template: TemplateChoice,
    },
    Pause {
        note: Option<String>,
    },
    Resume,
    /// Pause while running, resume while paused, start the default template when nothing
    /// runs: the one global shortcut.
    Toggle,
    Skip,
    Extend {
        minutes: u32,
    },
    /// End the session early: straight to its closing round.
    Stop,
}

/// Applies `action` to the session; the returned view is the session afterwards.
pub fn apply<R: Runtime>(app: &AppHandle<R>, action: SessionAction) -> Result<SessionView, ApiError> {
    let state = app.state::<AppState>();
    match action {
        SessionAction::Start { template } => {
            let id = state.read(|s, _| {
                Ok(match template {
                    TemplateChoice::Default => s.default_template()?.id,
                    TemplateChoice::Id(id) => s.template(id)?.id,
                    TemplateChoice::Name(name) => s.template_named(&name)?.id,
                })
            })?;
            state.start_session(app, id)
        }
        SessionAction::Pause { note } => state.session_op(app, |s, now| s.pause_session(note, now)),
        SessionAction::Resume => state.session_op(app, |s, now| s.resume_session(now)),
        SessionAction::Toggle => {
            let action = match state.read(|s, now| s.current_session(now))?.map(|v| v.status) {
                Some(SessionStatus::Running) => SessionAction::Pause { note: None },
                Some(SessionStatus::Paused) => SessionAction::Resume,
                _ => SessionAction::Start { template: TemplateChoice::Default },
            };
            apply(app, action)
        }
        SessionAction::Skip => state.session_op(app, |s, now| s.skip_phase(now)),
        SessionAction::Extend { minutes } => state.session_op(app, |s, now| s.extend_phase(minutes, now)),
        SessionAction::Stop => state.session_op(app, |s, now| s.end_session_early(now)),
    }
}
