//! The one background task that moves a running session along. It sleeps until the phase's
//! deadline, or until an action or a moved clock wakes it; with no session in progress it
//! sleeps until one starts. It never counts time itself — a missed look changes nothing.
//!
//! Tokio's timers stop while the computer sleeps and do not see the clock being set, so a
//! coarse look every [`COARSE_LOOK`] remains while a session runs: it finds a sleep (`sleep.rs`)
//! or a deadline the wall clock has passed although the timer has not.

use crate::state::AppState;
use std::time::Duration;
use tauri::{AppHandle, Manager, Runtime};
use worktogether_core::app::{Action, Answer};
use worktogether_core::{PhaseKind, SessionStatus, SessionView, Timestamp};

/// How long the ticker sleeps at most while a session runs.
const COARSE_LOOK: Duration = Duration::from_secs(10);
/// Looks a moment after the deadline, so the phase is over when it looks.
const PAST_THE_DEADLINE: Duration = Duration::from_millis(20);

pub async fn run<R: Runtime>(app: AppHandle<R>) {
    let state = app.state::<AppState>();
    loop {
        let wait = match state.apply(&app, Action::Tick { slept_from: None }) {
            Ok(Answer::Session(view)) => until_next_look(&view, state.now()),
            Ok(_) => {
                // Nothing runs: no work until a session starts.
                state.ticker.notified().await;
                state.reset_sleep();
                continue;
            }
            Err(e) => {
                log::error!("evaluating the session failed: {}", e.message);
                COARSE_LOOK
            }
        };
        tokio::select! {
            () = tokio::time::sleep(wait) => {}
            () = state.ticker.notified() => {}
        }
    }
}

/// How long until something can happen by time: the end of a running phase that ends by
/// time (the closing round waits for the person; a paused phase waits for resume), capped
/// by the coarse look.
pub fn until_next_look(view: &SessionView, now: Timestamp) -> Duration {
    let deadline = view
        .phase
        .as_ref()
        .filter(|p| view.status == SessionStatus::Running && p.kind != PhaseKind::Closing)
        .map(|p| p.deadline);
    // A deadline already past (the look came late) is due at once.
    deadline
        .map(|d| (d - now).to_std().unwrap_or(Duration::ZERO))
        .map_or(COARSE_LOOK, |left| (left + PAST_THE_DEADLINE).min(COARSE_LOOK))
}
