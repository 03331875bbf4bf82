//! The page's fonts on Linux: the desktop's own UI font, named so WebKitGTK finds it at once.
//!
//! The stylesheet's default stacks (`system-ui, -apple-system, "Segoe UI", …`) suit macOS and
//! Windows. WebKitGTK looks up every family of a stack with fontconfig until one is installed,
//! once per size and weight, and a family the system lacks costs a full search each time:
//! ~150 ms on the first frame of the home screen. So on Linux Rust names one installed family,
//! GTK's UI font (`gtk-font-name`: Cantarell or Adwaita Sans on GNOME, Ubuntu Sans on Ubuntu,
//! Noto Sans on KDE), followed by fontconfig's generic families.

use serde::Serialize;

/// CSS `font-family` values for the page (`--font` and `--font-mono` in `styles.css`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
pub struct FontStacks {
    pub ui: String,
    pub mono: String,
}

/// Managed state: the stacks read at start-up, `None` where the stylesheet's own are right.
pub struct PageFonts(pub Option<FontStacks>);

/// Names of fontconfig's generic families: listing them before `sans-serif` adds nothing.
#[cfg(target_os = "linux")]
const GENERIC: [&str; 6] = ["sans", "sans-serif", "sans serif", "system-ui", "serif", "monospace"];

/// The stacks for GTK's font setting (`"Cantarell 11"`; `None` when it is not set): its family
/// if it names one, then the generic family.
#[cfg(target_os = "linux")]
pub fn stacks_for(gtk_font_name: Option<&str>) -> FontStacks {
    let family = gtk_font_name.map(family_of).unwrap_or_default();
    let named: Vec<String> = family
        .split(',')
        .map(str::trim)
        .filter(|name| !name.is_empty() && !GENERIC.contains(&name.to_ascii_lowercase().as_str()))
        .filter(|name| name.chars().all(|c| c.is_alphanumeric() || " -_.".contains(c)))
        .map(|name| format!("\"{name}\""))
        .collect();
    let ui = named.into_iter().chain(["sans-serif".to_owned()]).collect::<Vec<_>>().join(", ");
    FontStacks { ui, mono: "monospace".to_owned() }
}

/// The family list of a Pango font description such as `"Noto Sans, Sans Bold 10"`.
#[cfg(target_os = "linux")]
fn family_of(description: &str) -> String {
    gtk::pango::FontDescription::from_string(description).family().map(|f| f.to_string()).unwrap_or_default()
}

/// Read on the main thread once GTK runs (the setup hook). `None` off Linux.
pub fn for_page() -> Option<FontStacks> {
    #[cfg(target_os = "linux")]
    {
        use gtk::prelude::ObjectExt;
        let name = gtk::Settings::default().and_then(|s| s.property::<Option<String>>("gtk-font-name"));
        Some(stacks_for(name.as_deref()))
    }
    #[cfg(not(target_os = "linux"))]
    None
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    use super::*;

    fn check(setting: Option<&str>, ui: &str) {
        let stacks = stacks_for(setting);
        assert_eq!(stacks.ui, ui, "the UI stack for gtk-font-name {setting:?}");
        assert_eq!(stacks.mono, "monospace", "fontconfig's generic monospace is always found at once");
    }

    #[test]
    fn the_desktop_font_comes_first() {
        check(Some("Cantarell 11"), "\"Cantarell\", sans-serif");
        check(Some("Adwaita Sans 11"), "\"Adwaita Sans\", sans-serif");
        check(Some("Ubuntu Sans Bold Italic 10.5"), "\"Ubuntu Sans\", sans-serif");
        check(Some("Noto Sans,DejaVu Sans 10"), "\"Noto Sans\", \"DejaVu Sans\", sans-serif");
    }

    #[test]
    fn generic_or_missing_settings_leave_fontconfig_to_choose() {
        check(None, "sans-serif");
        check(Some(""), "sans-serif");
        check(Some("Sans 10"), "sans-serif");
        check(Some("Sans Serif 9"), "sans-serif");
    }

    #[test]
    fn a_name_that_could_break_out_of_css_is_dropped() {
        check(Some("Evil\"; } body { x: y 10"), "sans-serif");
        check(Some("Fira Sans; x 10"), "sans-serif");
    }
}
