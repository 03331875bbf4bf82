//! The optional global shortcut: one key combination that starts a session when none runs,
//! and pauses or resumes the one that does (`Action::Toggle`). Where the
//! desktop cannot grab keys for the whole system (Wayland, or the plugin could not start),
//! the settings say so and refuse a shortcut.

use crate::state::AppState;
use tauri::{AppHandle, Manager, Runtime};
use tauri_plugin_global_shortcut::{GlobalShortcut, GlobalShortcutExt, Shortcut, ShortcutState};
use worktogether_core::app::Action;

/// Why a shortcut was refused; each has a message in the catalogs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    Invalid,
    Taken,
    Unsupported,
}

impl Refusal {
    pub fn message_key(self) -> &'static str {
        match self {
            Self::Invalid => "error.shortcut_invalid",
            Self::Taken => "error.shortcut_taken",
            Self::Unsupported => "error.shortcut_unsupported",
        }
    }
}

/// Whether this desktop lets the app grab a key combination for the whole system: not in
/// unit tests (no desktop integration) and not under Wayland, which gives no program the keys
/// of others (the X11 grab would only see XWayland windows).
pub fn supported<R: Runtime>(app: &AppHandle<R>) -> bool {
    let wayland = std::env::var("XDG_SESSION_TYPE").is_ok_and(|t| t.eq_ignore_ascii_case("wayland"));
    app.state::<AppState>().desktop_integration && !wayland
}

/// Loads the plugin the first time a shortcut is wanted, not at start: on X11 it watches the
/// keyboard with a thread that wakes 20 times a second, a cost only people who use a shortcut
/// should pay. `false` when it cannot start.
fn ensure_plugin<R: Runtime>(app: &AppHandle<R>) -> bool {
    if app.try_state::<GlobalShortcut<R>>().is_some() {
        return true;
    }
    match app.plugin(tauri_plugin_global_shortcut::Builder::new().build()) {
        Ok(()) => true,
        Err(e) => {
            log::warn!("global shortcuts are not available: {e}");
            false
        }
    }
}

/// Checks a shortcut as the person typed it ("Ctrl+Alt+W", or with German key names as
/// printed on German keyboards: "Strg+Umschalt+W").
pub fn parse(text: &str) -> Result<Shortcut, Refusal> {
    let english: Vec<&str> = text
        .trim()
        .split('+')
        .map(|token| match token.trim().to_lowercase().as_str() {
            "strg" => "Ctrl",
            "umschalt" | "umsch" | "hochstellen" => "Shift",
            _ => token,
        })
        .collect();
    english.join("+").parse().map_err(|_| Refusal::Invalid)
}

/// Swaps the registered shortcut for `new` (`None`: none). On a refusal the old one stays.
pub fn replace<R: Runtime>(app: &AppHandle<R>, old: Option<&str>, new: Option<&str>) -> Result<(), Refusal> {
    let new = new.map(parse).transpose()?;
    let plugin = app.try_state::<GlobalShortcut<R>>().is_some();
    if new.is_none() && !plugin {
        return Ok(()); // nothing registered, nothing wanted
    }
    if !supported(app) || !ensure_plugin(app) {
        return if new.is_some() { Err(Refusal::Unsupported) } else { Ok(()) };
    }
    let old = old.and_then(|o| parse(o).ok());
    if let Some(old) = old {
        let _ = app.global_shortcut().unregister(old);
    }
    if let Some(new) = new
        && register(app, new).is_err()
    {
        if let Some(old) = old {
            let _ = register(app, old);
        }
        return Err(Refusal::Taken);
    }
    Ok(())
}

/// At start: the saved shortcut, if any (a failure is logged; the setting stays).
pub fn restore<R: Runtime>(app: &AppHandle<R>, saved: Option<&str>) {
    if let Some(saved) = saved
        && let Err(e) = replace(app, None, Some(saved))
    {
        log::warn!("the saved shortcut {saved:?} could not be registered: {e:?}");
    }
}

fn register<R: Runtime>(app: &AppHandle<R>, shortcut: Shortcut) -> Result<(), tauri_plugin_global_shortcut::Error> {
    app.global_shortcut().on_shortcut(shortcut, |app, _, event| {
        if event.state != ShortcutState::Pressed {
            return;
        }
        let state = app.state::<AppState>();
        let idle = state.read(|s, now| s.current_session(now)).is_ok_and(|s| s.is_none());
        match state.apply(app, Action::Toggle) {
            // A session started from the shortcut: its commitment round comes up compact.
            Ok(_) if idle => crate::windows::show_commitment_round(app),
            Ok(_) => {}
            Err(e) => log::warn!("shortcut: {}", e.message),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shortcuts_are_read_as_people_write_them() {
        assert!(parse("Ctrl+Alt+W").is_ok());
        assert!(parse(" CommandOrControl+Shift+F12 ").is_ok());
        assert_eq!(parse("Strg+Umschalt+W").unwrap(), parse("Ctrl+Shift+W").unwrap(), "German key names");
        assert_eq!(parse("Ctrl+Alt+").unwrap_err(), Refusal::Invalid);
        assert_eq!(parse("Ctrl+W+Alt").unwrap_err(), Refusal::Invalid, "the key comes last");
        assert_eq!(parse("Hyper+Banana").unwrap_err(), Refusal::Invalid);
    }
}
