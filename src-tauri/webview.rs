//! Settings of the system WebView.

use tauri::{Runtime, WebviewWindow};

/// Draws the page without GPU compositing on Linux. The UI is a calm page with one
/// countdown; WebKitGTK's accelerated compositing (software GL under Xvfb and on many
/// desktops) roughly doubles the web process's memory and slows the first paint, for no
/// visible gain here. Elsewhere the platform's defaults are kept.
pub fn calm_rendering<R: Runtime>(window: &WebviewWindow<R>) {
    #[cfg(target_os = "linux")]
    {
        let result = window.with_webview(|webview| {
            use webkit2gtk::{HardwareAccelerationPolicy, SettingsExt, WebViewExt};
            if let Some(settings) = webview.inner().settings() {
                settings.set_hardware_acceleration_policy(HardwareAccelerationPolicy::Never);
            }
        });
        if let Err(e) = result {
            log::warn!("could not adjust the WebView's rendering: {e}");
        }
    }
    #[cfg(not(target_os = "linux"))]
    let _ = window;
}
