// No console window behind the app on Windows release builds.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() {
    calm_rendering();
    worktogether_app::run();
}

/// Draws the page without GPU compositing on Linux (unless the person set this variable
/// themselves). The UI is a calm page with one countdown; WebKitGTK's accelerated
/// compositing (software GL on many machines) roughly doubles the web process's memory and
/// slows the first screen, for no visible gain here. It must be set before WebKit starts.
fn calm_rendering() {
    #[cfg(target_os = "linux")]
    if std::env::var_os("WEBKIT_DISABLE_COMPOSITING_MODE").is_none() {
        // SAFETY: this is the first thing `main` does: no other thread exists yet that
        // could read the environment while it changes.
        #[allow(unsafe_code)]
        unsafe {
            std::env::set_var("WEBKIT_DISABLE_COMPOSITING_MODE", "1");
        }
    }
}
