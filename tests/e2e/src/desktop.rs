//! The desktop around the app, driven like a person would: the tray icon in `trayer` (an
//! XEmbed tray that `scripts/e2e.sh` starts), its menu, and the app's other windows, with
//! `xdotool` — WebDriver sees only the main window's page.

use anyhow::{Context, Result, bail};
use std::process::Command;
use std::time::Duration;

use crate::wait_for;

fn xdotool(args: &[&str]) -> Result<String> {
    let out = Command::new("xdotool").args(args).output().context("running xdotool")?;
    if !out.status.success() {
        bail!("xdotool {args:?} failed: {}", String::from_utf8_lossy(&out.stderr).trim());
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// The visible windows whose title is exactly `title`, leaving out the tray icon's own small
/// window (GTK names it after the app too).
pub fn windows_titled(title: &str) -> Result<Vec<String>> {
    // `search` exits 1 when nothing matches: that is an empty answer, not an error.
    let out = Command::new("xdotool")
        .args(["search", "--onlyvisible", "--name", &format!("^{}$", regex_escape(title))])
        .output()
        .context("running xdotool")?;
    let mut windows = Vec::new();
    for id in String::from_utf8_lossy(&out.stdout).split_whitespace() {
        let geometry = xdotool(&["getwindowgeometry", "--shell", id]).unwrap_or_default();
        let width: u32 = geometry.lines().find_map(|l| l.strip_prefix("WIDTH=")?.parse().ok()).unwrap_or(0);
        if width > TRAY_ICON_MAX_WIDTH {
            windows.push(id.to_owned());
        }
    }
    Ok(windows)
}

/// Wider than any tray icon, narrower than any of the app's windows.
const TRAY_ICON_MAX_WIDTH: u32 = 100;

fn regex_escape(text: &str) -> String {
    text.chars().map(|c| if c.is_ascii_alphanumeric() || c == ' ' { c.to_string() } else { format!("\\{c}") }).collect()
}

/// Waits until a visible window with this title is there, and returns its id.
pub fn wait_for_window(title: &str, timeout: Duration) -> Result<String> {
    wait_for(timeout, &format!("a window titled {title:?}"), || Ok(windows_titled(title)?.into_iter().next()))
}

/// Waits until no visible window has this title.
pub fn wait_for_no_window(title: &str, timeout: Duration) -> Result<()> {
    wait_for(timeout, &format!("the window {title:?} to go"), || Ok(windows_titled(title)?.is_empty().then_some(())))
}

/// Gives a window the keyboard (there is no window manager to do it on Xvfb).
pub fn focus(window: &str) -> Result<()> {
    xdotool(&["windowfocus", window])?;
    std::thread::sleep(Duration::from_millis(300));
    Ok(())
}

/// Types text into the window that has the keyboard.
pub fn type_text(text: &str) -> Result<()> {
    xdotool(&["type", "--delay", "30", text]).map(drop)
}

/// Presses keys, e.g. `["ctrl+Return"]`.
pub fn keys(keys: &[&str]) -> Result<()> {
    let mut args = vec!["key", "--delay", "80"];
    args.extend_from_slice(keys);
    xdotool(&args).map(drop)
}

/// Where the tray icon is: the middle of trayer's window (it holds only ours).
fn tray_icon_position() -> Result<(i32, i32)> {
    let id = wait_for(Duration::from_secs(20), "trayer's window", || {
        let out = Command::new("xdotool").args(["search", "--onlyvisible", "--class", "trayer"]).output()?;
        Ok(String::from_utf8_lossy(&out.stdout).split_whitespace().last().map(str::to_owned))
    })?;
    let geometry = xdotool(&["getwindowgeometry", "--shell", &id])?;
    let value = |key: &str| -> Result<i32> {
        geometry
            .lines()
            .find_map(|l| l.strip_prefix(&format!("{key}=")))
            .with_context(|| format!("no {key} in {geometry:?}"))?
            .parse()
            .with_context(|| format!("{key} in {geometry:?}"))
    };
    Ok((value("X")? + value("WIDTH")? / 2, value("Y")? + value("HEIGHT")? / 2))
}

/// Opens the tray icon's menu with a click, as a person would.
pub fn open_tray_menu() -> Result<()> {
    let (x, y) = tray_icon_position()?;
    // No `--sync`: it waits (15 s) for a movement that never comes when the pointer is there.
    xdotool(&["mousemove", &x.to_string(), &y.to_string(), "click", "1"])?;
    // The menu pops up asynchronously; give GTK a moment to map it and grab the keyboard.
    std::thread::sleep(Duration::from_millis(700));
    Ok(())
}

/// Chooses the menu's `n`-th enabled item (1 = the first) with the keyboard: GTK's menus
/// skip disabled items and separators when moving down.
pub fn choose_tray_item(n: usize) -> Result<()> {
    open_tray_menu()?;
    let mut presses = vec!["Down"; n];
    presses.push("Return");
    keys(&presses)
}

/// Closes an open menu without choosing.
pub fn close_menu() -> Result<()> {
    keys(&["Escape"])
}
