//! Worktogether's desktop shell: Tauri commands over the core, the ticker, notifications
//! and events. No business rules live here.

mod alarm;
mod autostart;
mod backups;
pub mod cli;
mod clock;
mod commands;
mod console;
mod control;
mod data_commands;
mod deferred;
mod effects;
mod error;
mod events;
mod exports;
mod fonts;
mod i18n;
mod ipc;
#[cfg(test)]
mod ipc_tests;
mod launch;
mod notifier;
mod review;
mod rooms;
mod schedule;
mod settings;
mod shortcut;
mod sleep;
mod sound;
mod state;
mod ticker;
mod tray;
mod webview;
mod windows;
mod zone;

use std::time::Instant;
use tauri::{Manager, Runtime};

pub use i18n::Language;
pub use state::AppState;

/// When the process started, for the start-up measurement.
pub struct Started(pub Instant);

/// Where the app's state comes from.
pub enum StateSource {
    /// Opened already (tests: their mock runtime never runs the setup hook).
    Ready(Box<AppState>),
    /// Being opened on a thread while the window toolkit starts (the app), so the database
    /// is off the start-up's path; taken at setup. Its error becomes a [`StartupFailure`].
    Opening(Box<dyn FnOnce() -> Result<AppState, String> + Send>),
    /// The database could not be opened; the message says why, in the person's language.
    Unavailable(String),
}

/// Why the database could not be opened. The window shows it (the first screen's answer is
/// this message) instead of the app vanishing with a line on stderr nobody reads; nothing
/// that needs the database starts, and closing the window quits.
pub struct StartupFailure(pub String);

/// Wires the app around its state onto `base`: `tauri::Builder::default()` in the app, the
/// mock runtime's builder in tests.
pub fn builder<R: ipc::IpcRuntime>(base: tauri::Builder<R>, state: StateSource) -> tauri::Builder<R> {
    let (base, opening) = match state {
        StateSource::Ready(state) => (base.manage(*state), None),
        StateSource::Opening(open) => (base, Some(open)),
        StateSource::Unavailable(message) => (base.manage(StartupFailure(message)), None),
    };
    // Rust opens the data folder; the page needs none of the plugin's script.
    base.plugin(tauri_plugin_opener::Builder::new().open_js_links_on_click(false).build())
        .plugin(tauri_plugin_deep_link::init())
        .manage(Started(Instant::now()))
        .manage(rooms::Rooms::default())
        .invoke_handler(R::contract().invoke_handler())
        .on_window_event(windows::on_window_event)
        .setup(|app| {
            log::debug!("start-up: setup begins");
            if let Some(open) = opening {
                match open() {
                    Ok(state) => app.manage(state),
                    Err(message) => {
                        log::error!("{message}");
                        app.manage(StartupFailure(message))
                    }
                };
            }
            if let Some(window) = app.get_webview_window("main") {
                webview::calm_rendering(&window);
            }
            app.manage(fonts::PageFonts(fonts::for_page()));
            if app.try_state::<StartupFailure>().is_some() {
                return Ok(()); // the window shows why; it stays visible even when started hidden
            }
            webview::speak(app.handle(), app.state::<AppState>().catalog().language());
            // Start in the tray: from the autostart entry (`--hidden`), or for the idle-CPU benchmark.
            let hidden = std::env::var_os("WORKTOGETHER_HIDDEN").is_some()
                || std::env::args().any(|a| a == autostart::HIDDEN_ARG);
            if hidden && let Some(window) = app.get_webview_window("main") {
                window.hide()?;
            }
            if app.state::<AppState>().desktop_integration {
                autostart::install(app.handle());
            }
            deferred::schedule(app.handle());
            tauri::async_runtime::spawn(ticker::run(app.handle().clone()));
            tauri::async_runtime::spawn(rooms::resume(app.handle().clone()));
            tauri::async_runtime::spawn(rooms::schedule::remind(app.handle().clone()));
            tauri::async_runtime::spawn(backups::run(app.handle().clone()));
            tauri::async_runtime::spawn(review::remind(app.handle().clone()));
            tauri::async_runtime::spawn(schedule::reminders::run(app.handle().clone()));
            follow_invite_links(app.handle());
            log::debug!("start-up: setup ends");
            Ok(())
        })
}

/// Invite links (`worktogether://join/…`): the one the app was started with, and each one
/// opened while it runs (a second launch with a link hands it over through the single-instance
/// plugin, which passes it to the deep-link plugin).
fn follow_invite_links<R: Runtime>(app: &tauri::AppHandle<R>) {
    use tauri_plugin_deep_link::DeepLinkExt;
    let handle = app.clone();
    app.deep_link().on_open_url(move |event| {
        for url in event.urls() {
            rooms::open_link(&handle, url.as_str());
        }
    });
    if let Ok(Some(urls)) = app.deep_link().get_current() {
        for url in urls {
            rooms::open_link(app, url.as_str());
        }
    }
}

pub fn run() {
    webview::prepare_web_process();
    env_logger::Builder::from_env(env_logger::Env::default().default_filter_or("info")).init();
    let data_dir = state::data_dir();
    let opening = {
        let data_dir = data_dir.clone();
        std::thread::spawn(move || {
            let opened = AppState::open_with_clock(&data_dir, Language::detect(), clock::from_env());
            log::debug!("start-up: database opened");
            opened.map(AppState::with_desktop_integration).map_err(|e| {
                i18n::Catalog::new(Language::detect()).t(
                    "error.databaseUnavailable",
                    &[("dir", data_dir.display().to_string()), ("reason", e.to_string())],
                )
            })
        })
    };
    let state = StateSource::Opening(Box::new(move || {
        let state = opening.join().map_err(|_| "opening the database failed unexpectedly".to_owned())??;
        log::info!("database: {}", state.database_path.display());
        Ok(state)
    }));
    let context = tauri::generate_context!();
    // The single-instance plugin first: a second launch hands over before anything else starts.
    let base = tauri::Builder::default()
        .plugin(control::single_instance(&context.config().identifier, &data_dir))
        .plugin(control::remove_at_exit());
    builder(base, state).run(context).unwrap_or_else(|e| {
        eprintln!("Worktogether could not start: {e}");
        std::process::exit(1);
    });
}
