//! Settings of the system WebView.

use crate::i18n::Language;
use tauri::{AppHandle, Runtime, WebviewWindow};

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

/// Time and date fields in the app's language, in every window. WebKitGTK draws them in its
/// preferred language, not in the page's `lang`: in German on an English desktop, the block
/// form's start showed "09:00 AM". The region is the desktop's where it speaks the app's
/// language ([`Language::field_locale`]). The windows share one web context; a field drawn
/// after a change of language speaks the new one.
pub fn speak<R: Runtime>(app: &AppHandle<R>, language: Language) {
    SPOKEN.store(language as u8, std::sync::atomic::Ordering::Relaxed);
    #[cfg(target_os = "linux")]
    {
        use tauri::Manager;
        let tag = language.field_locale(desktop_time_locale().as_deref());
        for window in app.webview_windows().into_values() {
            let tag = tag.clone();
            let result = window.with_webview(move |webview| {
                use webkit2gtk::{WebContextExt, WebViewExt};
                if let Some(context) = webview.inner().context() {
                    context.set_preferred_languages(&[&tag]);
                }
            });
            if let Err(e) = result {
                log::warn!("could not set the WebView's language: {e}");
            }
        }
    }
    #[cfg(not(target_os = "linux"))]
    let _ = (app, language);
}

/// [`speak`] after a change of settings: only when the language is another than last spoken,
/// since every change of WebKit's languages goes to each web process.
pub fn speak_if_changed<R: Runtime>(app: &AppHandle<R>, language: Language) {
    if SPOKEN.swap(language as u8, std::sync::atomic::Ordering::Relaxed) != language as u8 {
        speak(app, language);
    }
}

/// The language [`speak`] last gave WebKit (`u8::MAX`: none yet).
static SPOKEN: std::sync::atomic::AtomicU8 = std::sync::atomic::AtomicU8::new(u8::MAX);

/// The desktop's locale for times, by POSIX precedence: `LC_ALL`, then `LC_TIME`, then `LANG`.
#[cfg(target_os = "linux")]
fn desktop_time_locale() -> Option<String> {
    ["LC_ALL", "LC_TIME", "LANG"].into_iter().find_map(|name| std::env::var(name).ok().filter(|v| !v.is_empty()))
}

/// The environment WebKitGTK's web processes are given (they inherit the app's): JavaScriptCore
/// without its JIT compilers, as in WebKit's Lockdown Mode. The page is small and mostly waits;
/// the JIT tiers cost the web process ~8 MiB (executable memory, compiler state) and wake a
/// compiler thread while a session runs, for speed this page does not need. Measured in
/// `make bench` (docs/benchmarks.md); `bench/empty-window` runs with the same. Children the app
/// starts for the person (a browser, the file manager) get the environment without these
/// (`launch.rs`): a browser built on WebKit must keep its JIT.
#[cfg(target_os = "linux")]
pub const WEB_PROCESS_ENV: [(&str, &str); 1] = [("JSC_useJIT", "false")];
#[cfg(not(target_os = "linux"))]
pub const WEB_PROCESS_ENV: [(&str, &str); 0] = [];

/// Puts [`WEB_PROCESS_ENV`] into this process's environment, where the web processes started
/// later inherit it; a value set already (a developer's, to compare) is kept. Only while the
/// process has a single thread: `run` calls it first. Later, another thread reading the
/// environment at the same moment would race with the change.
#[allow(unsafe_code)]
pub fn prepare_web_process() {
    for (name, value) in WEB_PROCESS_ENV {
        if std::env::var_os(name).is_none() {
            // SAFETY: `run` calls this before it starts a thread, and `main` before it only
            // parses the arguments: no other thread exists to read the environment meanwhile.
            unsafe { std::env::set_var(name, value) };
        }
    }
}
