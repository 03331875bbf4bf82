//! An empty Tauri 2 window with a tray icon (one item in its menu): the floor `make bench`
//! measures the app against, since every desktop app of this kind has a tray. It behaves
//! like the app only where the benchmark looks: the WebView's settings (no GPU compositing
//! on Linux, as the app's `webview::calm_rendering`; JavaScriptCore without its JIT, as the
//! app's `webview::WEB_PROCESS_ENV`), `ui_ready` (printed and quit with
//! `WORKTOGETHER_EXIT_WHEN_READY`) and `WORKTOGETHER_HIDDEN` (the window hidden at setup).

use std::time::Instant;
use tauri::{AppHandle, Manager, Runtime, State, WebviewWindow};

/// When the app was built, as the app's `Started` is.
struct Started(Instant);

/// The page is loaded; a copy of the app's `ui_ready` command.
#[tauri::command]
fn ui_ready(app: AppHandle, started: State<'_, Started>) {
    let elapsed = started.0.elapsed();
    if std::env::var_os("WORKTOGETHER_EXIT_WHEN_READY").is_some() {
        println!("ready_ms {}", elapsed.as_millis());
        app.exit(0);
    }
}

/// A copy of the app's `webview::calm_rendering`: WebKitGTK without accelerated compositing,
/// so the floor draws its page with the same renderer as the app.
fn calm_rendering<R: Runtime>(window: &WebviewWindow<R>) {
    #[cfg(target_os = "linux")]
    {
        let result = window.with_webview(|webview| {
            use webkit2gtk::{HardwareAccelerationPolicy, SettingsExt, WebViewExt};
            if let Some(settings) = webview.inner().settings() {
                settings.set_hardware_acceleration_policy(HardwareAccelerationPolicy::Never);
            }
        });
        if let Err(e) = result {
            eprintln!("could not adjust the WebView's rendering: {e}");
        }
    }
    #[cfg(not(target_os = "linux"))]
    let _ = window;
}

/// A copy of the app's `webview::prepare_web_process`: the environment its web process starts
/// with (`make bench` checks that the two trees' web processes got the same).
#[allow(unsafe_code)]
fn prepare_web_process() {
    #[cfg(target_os = "linux")]
    if std::env::var_os("JSC_useJIT").is_none() {
        // SAFETY: first in `main`, before any other thread exists.
        unsafe { std::env::set_var("JSC_useJIT", "false") };
    }
}

fn main() {
    prepare_web_process();
    tauri::Builder::default()
        .manage(Started(Instant::now()))
        .invoke_handler(tauri::generate_handler![ui_ready])
        .setup(|app| {
            // As the app does in its setup, before the page has loaded.
            if let Some(window) = app.get_webview_window("main") {
                calm_rendering(&window);
            }
            // A plain 32×32 icon and a one-item menu: what any tray app sets up at start.
            let icon = tauri::image::Image::new_owned(vec![0x2e; 32 * 32 * 4], 32, 32);
            let quit = tauri::menu::MenuItem::with_id(app, "quit", "Quit", true, None::<&str>)?;
            let menu = tauri::menu::Menu::with_items(app, &[&quit])?;
            tauri::tray::TrayIconBuilder::new().icon(icon).menu(&menu).build(app)?;
            if std::env::var_os("WORKTOGETHER_HIDDEN").is_some()
                && let Some(window) = app.get_webview_window("main")
            {
                window.hide()?;
            }
            Ok(())
        })
        .run(tauri::generate_context!())
        .expect("the empty window could not start");
}
