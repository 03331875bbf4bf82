//! Worktogether's desktop shell: Tauri commands over the core, the ticker, notifications
//! and events. No business rules live here.

mod actions;
mod autostart;
pub mod cli;
mod commands;
mod console;
mod control;
mod error;
mod events;
mod i18n;
#[cfg(test)]
mod ipc_tests;
mod notifier;
mod settings;
mod shortcut;
mod sleep;
mod sound;
mod state;
mod ticker;
mod tray;
mod webview;
mod windows;

use std::time::Instant;
use tauri::Manager;

pub use i18n::Language;
pub use state::AppState;

/// When the process started, for the start-up measurement.
pub struct Started(pub Instant);

/// Wires the app around `state` onto `base`: `tauri::Builder::default()` in the app, the
/// mock runtime's builder in tests.
pub fn builder<R: tauri::Runtime>(base: tauri::Builder<R>, state: AppState) -> tauri::Builder<R> {
    base.plugin(tauri_plugin_opener::init())
        .manage(state)
        .manage(Started(Instant::now()))
        .invoke_handler(tauri::generate_handler![
            commands::app_info,
            commands::first_screen,
            commands::list_templates,
            commands::save_template,
            commands::delete_template,
            commands::start_session,
            commands::current_session,
            commands::add_commitment,
            commands::update_commitment,
            commands::remove_commitment,
            commands::move_commitment,
            commands::tick_commitment,
            commands::draft_outcome,
            commands::draft_closing_notes,
            commands::carry_over_suggestions,
            commands::carry_over,
            commands::pause_session,
            commands::resume_session,
            commands::skip_phase,
            commands::extend_phase,
            commands::end_session_early,
            commands::abandon_session,
            commands::close_session,
            commands::list_sessions,
            commands::open_data_folder,
            settings::settings,
            settings::change_setting,
            commands::ui_ready,
        ])
        .on_window_event(windows::on_window_event)
        .setup(|app| {
            if let Some(window) = app.get_webview_window("main") {
                webview::calm_rendering(&window);
            }
            // Start in the tray: from the autostart entry (`--hidden`), or for the idle-CPU benchmark.
            let hidden = std::env::var_os("WORKTOGETHER_HIDDEN").is_some()
                || std::env::args().any(|a| a == autostart::HIDDEN_ARG);
            if hidden && let Some(window) = app.get_webview_window("main") {
                window.hide()?;
            }
            tray::install(app.handle());
            let state = app.state::<AppState>();
            if state.desktop_integration {
                autostart::install(app.handle());
                let saved = state.read(|s, _| s.settings()).ok().and_then(|s| s.shortcut);
                shortcut::restore(app.handle(), saved.as_deref());
            }
            tauri::async_runtime::spawn(ticker::run(app.handle().clone()));
            Ok(())
        })
}

pub fn run() {
    env_logger::Builder::from_env(env_logger::Env::default().default_filter_or("info")).init();
    let data_dir = state::data_dir();
    let state = match AppState::open(&data_dir, Language::detect()) {
        Ok(state) => state.with_desktop_integration(),
        Err(e) => {
            eprintln!("Worktogether cannot open its database in {}: {e}", data_dir.display());
            std::process::exit(1);
        }
    };
    log::info!("database: {}", state.database_path.display());
    let context = tauri::generate_context!();
    // The single-instance plugin first: a second launch hands over before anything else starts.
    let base = tauri::Builder::default()
        .plugin(control::single_instance(&context.config().identifier, &data_dir))
        .plugin(control::listener());
    builder(base, state).run(context).unwrap_or_else(|e| {
        eprintln!("Worktogether could not start: {e}");
        std::process::exit(1);
    });
}
