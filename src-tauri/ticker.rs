//! The one background task that moves a running session along: about once a second it
//! evaluates the engine against the wall clock; with no session in progress it sleeps
//! until one starts. It never counts time itself — a missed tick changes nothing.

use crate::state::AppState;
use std::time::Duration;
use tauri::{AppHandle, Manager, Runtime};

const TICK: Duration = Duration::from_secs(1);

pub async fn run<R: Runtime>(app: AppHandle<R>) {
    let state = app.state::<AppState>();
    loop {
        let slept_from = state.check_sleep();
        match state.tick(&app, slept_from) {
            Ok(true) => {}
            Ok(false) => {
                // Nothing runs: no work until a session starts.
                state.ticker.notified().await;
                state.reset_sleep();
                continue;
            }
            Err(e) => log::error!("evaluating the session failed: {}", e.message),
        }
        tokio::select! {
            () = tokio::time::sleep(TICK) => {}
            () = state.ticker.notified() => {}
        }
    }
}
