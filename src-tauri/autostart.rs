//! Start at login (off by default): the desktop's autostart entry launches the app hidden,
//! in the tray (`--hidden`).

use tauri::{AppHandle, Manager, Runtime};
use tauri_plugin_autostart::AutoLaunchManager;

/// The argument the autostart entry passes: start without showing the main window.
pub const HIDDEN_ARG: &str = "--hidden";

pub fn install<R: Runtime>(app: &AppHandle<R>) {
    let plugin = tauri_plugin_autostart::Builder::new().app_name("Worktogether").arg(HIDDEN_ARG).build();
    if let Err(e) = app.plugin(plugin) {
        log::warn!("start at login is not available: {e}");
    }
}

pub fn supported<R: Runtime>(app: &AppHandle<R>) -> bool {
    app.try_state::<AutoLaunchManager>().is_some()
}

/// Turns the autostart entry on or off (call only when [`supported`]); the error is the
/// system's own words.
pub fn set<R: Runtime>(app: &AppHandle<R>, on: bool) -> Result<(), String> {
    let Some(manager) = app.try_state::<AutoLaunchManager>() else { return Ok(()) };
    let done = if on { manager.enable() } else { manager.disable() };
    done.map_err(|e| e.to_string())
}
