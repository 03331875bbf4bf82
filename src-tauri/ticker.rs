//! The one background task that moves a running session along. It sleeps until the phase's
//! deadline, or until an action or a moved clock wakes it; with no session in progress it
//! sleeps until one starts. It never counts time itself — a missed look changes nothing.
//!
//! The deadline is waited for on the wall clock ([`Alarm`]): on Linux that wait also ends
//! right after a resume from sleep and when the clock is set, so the ticker finds a sleep
//! (`sleep.rs`) or a deadline passed meanwhile at once, and otherwise does not wake. Where
//! there is no such alarm, a coarse look every [`COARSE_LOOK`] finds them instead.

use crate::alarm::Alarm;
use crate::state::AppState;
use std::time::Duration;
use tauri::{AppHandle, Manager, Runtime};
use worktogether_core::app::{Action, Answer};
use worktogether_core::{PhaseKind, SessionStatus, SessionView, Timestamp};

/// How long the ticker sleeps at most while a session runs, where no alarm ends its wait at a
/// resume or a change of the clock.
const COARSE_LOOK: Duration = Duration::from_secs(10);
/// Looks a moment after the deadline, so the phase is over when it looks.
const PAST_THE_DEADLINE: chrono::TimeDelta = chrono::TimeDelta::milliseconds(20);

pub async fn run<R: Runtime>(app: AppHandle<R>) {
    let state = app.state::<AppState>();
    let mut alarm = Alarm::new();
    loop {
        let look = match state.apply(&app, Action::Tick { slept_from: None }) {
            Ok(Answer::Session(view)) => next_look(&view).unwrap_or(Timestamp::MAX_UTC),
            Ok(_) => {
                // Nothing runs: no work until a session starts.
                state.ticker.notified().await;
                state.reset_sleep();
                continue;
            }
            Err(e) => {
                log::error!("evaluating the session failed: {}", e.message);
                state.now() + COARSE_LOOK
            }
        };
        tokio::select! {
            () = alarm.until(state.system_time(look), COARSE_LOOK) => {}
            () = state.ticker.notified() => {}
        }
    }
}

/// When something can happen by time: a moment after the end of a running phase that ends by
/// time. `None` when nothing can: the closing round waits for the person, a paused phase for
/// resume; only a sleep, a change of the clock or an action matters then.
pub fn next_look(view: &SessionView) -> Option<Timestamp> {
    view.phase
        .as_ref()
        .filter(|p| view.status == SessionStatus::Running && p.kind != PhaseKind::Closing)
        .map(|p| p.deadline + PAST_THE_DEADLINE)
}
