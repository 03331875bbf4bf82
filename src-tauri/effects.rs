//! What follows from a change, done after the store is released: the UI's events, the tray,
//! the compact windows, the notification and the chime. This is the one place that fans
//! changes out.
//!
//! Architecture Invariant: no window, tray or D-Bus call runs while the store is locked.
//! Window calls off the main thread wait for the main thread, and the main thread takes the
//! store's lock (tray clicks, closing the window); holding the lock across such a call can
//! freeze the app. So changes are queued while the lock is held — that keeps their order —
//! and a thread of their own carries them out after.

use crate::events::{UiEvent, emit};
use crate::notifier::phase_notice;
use crate::state::AppState;
use std::sync::atomic::Ordering;
use std::sync::mpsc::{Sender, channel};
use tauri::{AppHandle, Manager, Runtime};
use worktogether_core::app::Change;

type Job = Box<dyn FnOnce() + Send>;

/// The queue of effects, carried out in order on the `effects` thread.
pub struct Effects {
    queue: Sender<Job>,
}

impl Effects {
    pub fn start() -> Self {
        let (queue, jobs) = channel::<Job>();
        let spawned = std::thread::Builder::new().name("effects".into()).spawn(move || {
            for job in jobs {
                job();
            }
        });
        if let Err(e) = spawned {
            log::error!("no thread for the app's effects: {e}");
        }
        Self { queue }
    }

    /// Queues the effects of `changes`. Called with the store locked, so effects leave in
    /// the order of the changes; they run once it is released.
    pub fn queue<R: Runtime>(&self, app: &AppHandle<R>, changes: Vec<Change>) {
        if changes.is_empty() {
            return;
        }
        let app = app.clone();
        self.send(Box::new(move || fan_out(&app, changes)));
    }

    /// Waits until everything queued so far has been carried out (tests; at most `timeout`).
    #[cfg(test)]
    pub fn settle(&self, timeout: std::time::Duration) -> bool {
        let (done, finished) = channel();
        self.send(Box::new(move || {
            let _ = done.send(());
        }));
        finished.recv_timeout(timeout).is_ok()
    }

    fn send(&self, job: Job) {
        if self.queue.send(job).is_err() {
            log::warn!("the effects thread is gone; a change was not shown");
        }
    }
}

/// Carries out the effects of `changes`, in order.
fn fan_out<R: Runtime>(app: &AppHandle<R>, changes: Vec<Change>) {
    let Some(state) = app.try_state::<AppState>() else { return };
    for change in changes {
        match change {
            Change::Session(view) => {
                emit(app, UiEvent::Session(view.as_deref()));
                state.tray_wake.notify_one();
                // A session under way holds a block and counts towards the budget.
                crate::schedule::reminders::wake(app);
                // A session's change to none is its end (closed or abandoned).
                crate::rooms::follow_session(app, view.as_deref(), view.is_none());
            }
            Change::SessionOver => crate::windows::session_over(app),
            Change::Phase { change, view } => {
                emit(app, UiEvent::PhaseChanged(&change));
                crate::windows::follow_phase(app, &change);
                state.notifier.send(phase_notice(&state.catalog(), &change, &view));
                // Unit tests (no desktop integration) stay silent.
                if state.desktop_integration && state.sound.load(Ordering::Relaxed) {
                    state.chime.play();
                }
            }
            Change::Templates => state.tray_wake.notify_one(),
            Change::Schedule => {
                emit(app, UiEvent::ScheduleChanged);
                state.tray_wake.notify_one();
                crate::schedule::reminders::wake(app);
            }
            Change::RoomWrites(membership) => crate::rooms::send_now(app, membership),
            Change::Settings(settings) => {
                crate::webview::speak_if_changed(app, state.catalog().language());
                let view = crate::settings::view(app, &state, *settings);
                emit(app, UiEvent::Settings(&view));
                state.tray_wake.notify_one();
                crate::rooms::schedule::setting_changed(app);
                crate::review::wake(app);
                crate::schedule::reminders::wake(app);
            }
        }
    }
}
