//! Start-up work the first screen does not need — the tray icon, the command line's control
//! channel, the global shortcut — waits until the first screen is shown, so it does not hold
//! up the main thread while the WebView loads the page. Started hidden (from the login
//! autostart), the page may never report; then it starts after [`AT_THE_LATEST`].

use crate::state::AppState;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;
use tauri::{AppHandle, Manager, Runtime};

/// Long after any first screen on a healthy machine.
const AT_THE_LATEST: Duration = Duration::from_secs(3);

/// Whether the deferred work has started (it runs once).
#[derive(Default)]
pub struct Deferred(AtomicBool);

/// Called at setup: the work starts when the first screen is shown, or after [`AT_THE_LATEST`].
pub fn schedule<R: Runtime>(app: &AppHandle<R>) {
    app.manage(Deferred::default());
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        tokio::time::sleep(AT_THE_LATEST).await;
        start(&app);
    });
}

/// Starts the deferred work on the main thread (the tray and the shortcut are made there), once.
pub fn start<R: Runtime>(app: &AppHandle<R>) {
    let Some(deferred) = app.try_state::<Deferred>() else { return };
    if deferred.0.swap(true, Ordering::AcqRel) {
        return;
    }
    let handle = app.clone();
    let queued = app.run_on_main_thread(move || {
        crate::tray::install(&handle);
        crate::control::listen(handle.clone());
        let state = handle.state::<AppState>();
        if state.desktop_integration {
            let saved = state.read(|s, _| s.settings()).ok().and_then(|s| s.shortcut);
            crate::shortcut::restore(&handle, saved.as_deref());
        }
    });
    if let Err(e) = queued {
        log::warn!("the tray and the command line could not start: {e}");
    }
}
