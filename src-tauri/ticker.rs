//! The one background task that moves a running session along: about once a second it
//! evaluates the engine against the wall clock; with no session in progress it sleeps
//! until one starts. It never counts time itself — a missed tick changes nothing.

use crate::state::{AppState, now};
use chrono::Duration as TimeDelta;
use std::time::Duration;
use tauri::{AppHandle, Manager, Runtime};

const TICK: Duration = Duration::from_secs(1);
/// A jump of wall-clock time this far beyond the tick means the computer slept.
const SLEEP_GAP_SECS: i64 = 30;

pub async fn run<R: Runtime>(app: AppHandle<R>) {
    let state = app.state::<AppState>();
    let mut last_tick = None;
    loop {
        let at = now();
        let slept_from = last_tick.filter(|t| at - *t > TimeDelta::seconds(SLEEP_GAP_SECS));
        let mode = state.sleep_mode();
        match state.write(|store, now| store.tick(now, slept_from, mode)) {
            Ok(Some(applied)) => {
                if applied.change.is_some() || slept_from.is_some() {
                    state.publish(&app, &applied);
                }
                last_tick = Some(at);
            }
            Ok(None) => {
                // Nothing runs: no work until a session starts.
                last_tick = None;
                state.ticker.notified().await;
                continue;
            }
            Err(e) => {
                log::error!("evaluating the session failed: {}", e.message);
                last_tick = Some(at);
            }
        }
        tokio::select! {
            () = tokio::time::sleep(TICK) => {}
            () = state.ticker.notified() => {}
        }
    }
}
