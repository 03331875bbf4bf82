//! The app's windows: the main window, and the two compact ritual windows — the commitment
//! round (opened when a session starts from the tray or the command line, closed when focus
//! starts) and the closing round (brought up when a session reaches it while the main window
//! is not in view). The compact windows load the same UI with `?view=…`.

use crate::state::AppState;
use crate::tray::TrayPresence;
use tauri::{AppHandle, Manager, Runtime, WebviewUrl, WebviewWindow, WebviewWindowBuilder, WindowEvent};
use worktogether_core::{PhaseChange, PhaseKind};

pub const MAIN: &str = "main";
/// How long a compact window waits for its page before it shows itself regardless.
const PAGE_READY_GRACE: std::time::Duration = std::time::Duration::from_secs(5);

/// A compact ritual window: its label, the UI view it shows, and its size.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Compact {
    Commitment,
    Closing,
}

impl Compact {
    pub const ALL: [Self; 2] = [Self::Commitment, Self::Closing];

    pub fn label(self) -> &'static str {
        match self {
            Self::Commitment => "commitment",
            Self::Closing => "closing",
        }
    }

    fn title_key(self) -> &'static str {
        match self {
            Self::Commitment => "phase.commitment",
            Self::Closing => "phase.closing",
        }
    }

    fn size(self) -> (f64, f64) {
        match self {
            Self::Commitment => (440.0, 600.0),
            Self::Closing => (480.0, 620.0),
        }
    }
}

fn bring_up<R: Runtime>(window: &WebviewWindow<R>) {
    let shown = window.show().and_then(|()| window.unminimize()).and_then(|()| window.set_focus());
    if let Err(e) = shown {
        log::warn!("could not bring up the {} window: {e}", window.label());
    }
}

pub fn show_main<R: Runtime>(app: &AppHandle<R>) {
    if let Some(window) = app.get_webview_window(MAIN) {
        bring_up(&window);
    }
}

fn main_in_view<R: Runtime>(app: &AppHandle<R>) -> bool {
    app.get_webview_window(MAIN).is_some_and(|w| w.is_visible().unwrap_or(false) && !w.is_minimized().unwrap_or(false))
}

/// Opens (or brings up) a compact ritual window.
pub fn show_compact<R: Runtime>(app: &AppHandle<R>, compact: Compact) {
    if let Some(window) = app.get_webview_window(compact.label()) {
        return bring_up(&window);
    }
    let title = format!("{} · Worktogether", app.state::<AppState>().catalog().t(compact.title_key(), &[]));
    let (width, height) = compact.size();
    let url = WebviewUrl::App(format!("index.html?view={}", compact.label()).into());
    // Hidden until its page is ready (the page shows it): keys typed the moment it appears
    // land in its first field instead of being lost while it loads.
    let built = WebviewWindowBuilder::new(app, compact.label(), url)
        .title(title)
        .inner_size(width, height)
        .min_inner_size(360.0, 420.0)
        .center()
        .visible(false)
        .build();
    match built {
        Ok(window) => {
            crate::webview::calm_rendering(&window);
            crate::webview::speak(app, app.state::<AppState>().catalog().language());
            // Should the page never say so, the window comes up anyway.
            tauri::async_runtime::spawn(async move {
                tokio::time::sleep(PAGE_READY_GRACE).await;
                if !window.is_visible().unwrap_or(true) {
                    log::warn!("the {} window's page did not show it; showing it now", window.label());
                    bring_up(&window);
                }
            });
        }
        Err(e) => log::warn!("could not open the {} window: {e}", compact.label()),
    }
}

/// Destroyed rather than closed: nothing in it is unsaved (every change is stored as it is
/// made), and no close request has to travel through the event loop first.
pub fn close_compact<R: Runtime>(app: &AppHandle<R>, compact: Compact) {
    if let Some(window) = app.get_webview_window(compact.label())
        && let Err(e) = window.destroy()
    {
        log::warn!("could not close the {} window: {e}", compact.label());
    }
}

/// A session started outside the main window: its commitment round comes up compact.
pub fn show_commitment_round<R: Runtime>(app: &AppHandle<R>) {
    show_compact(app, Compact::Commitment);
}

/// Keeps the compact windows in step with the ritual: the commitment window gets out of
/// the way once the round is over, and the closing round comes up where the person is.
pub fn follow_phase<R: Runtime>(app: &AppHandle<R>, change: &PhaseChange) {
    if change.to != PhaseKind::Commitment {
        close_compact(app, Compact::Commitment);
    }
    if change.to == PhaseKind::Closing && !main_in_view(app) {
        show_compact(app, Compact::Closing);
    }
}

/// The session is over (closed or abandoned): no ritual window stays open.
pub fn session_over<R: Runtime>(app: &AppHandle<R>) {
    for compact in Compact::ALL {
        close_compact(app, compact);
    }
}

/// Closing the main window keeps the app in the tray while a session runs or when the
/// person wants it there; without a tray icon it quits as a window would.
pub fn on_window_event<R: Runtime>(window: &tauri::Window<R>, event: &WindowEvent) {
    let WindowEvent::CloseRequested { api, .. } = event else { return };
    if window.label() != MAIN {
        return;
    }
    let app = window.app_handle();
    let has_tray = app.try_state::<TrayPresence>().is_some_and(|p| p.0);
    let Some(state) = app.try_state::<AppState>() else { return }; // no database: closing quits
    let keep = state
        .read(
            |s, now| Ok(s.settings()?.keep_in_tray || s.current_session(now)?.is_some_and(|v| v.status.in_progress())),
        )
        .unwrap_or(true);
    if has_tray && keep {
        api.prevent_close();
        if let Err(e) = window.hide() {
            log::warn!("could not hide the main window: {e}");
        }
    } else {
        app.exit(0);
    }
}
