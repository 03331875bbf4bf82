//! The settings screen in the real app: every change takes effect at once (the page, the
//! Rust side's messages, the desktop: the autostart entry, a global shortcut pressed on the
//! X server), bad input is refused next to its field, and everything survives a restart.

use std::path::Path;
use std::time::Duration;

use anyhow::{Context, Result, ensure};
use serde_json::{Value, json};
use worktogether_e2e::app::{STARTUP_TIMEOUT, UI_TIMEOUT};
use worktogether_e2e::desktop::{self, keys, wait_for_window};
use worktogether_e2e::{App, TestCtx, open_db, wait_for};

/// The shortcut the test sets, and how xdotool presses it.
const SHORTCUT: &str = "Strg+Alt+W";
const SHORTCUT_KEYS: &str = "ctrl+alt+w";

fn js(app: &App, script: &str) -> Result<Value> {
    app.session.execute(script, vec![])
}

/// Chooses an option of a <select> as the page's own change handler sees it.
fn choose(app: &App, testid: &str, value: &str) -> Result<()> {
    app.session.execute(
        "const [sel, value] = arguments; const el = document.querySelector(sel); el.value = value; \
         el.dispatchEvent(new Event('change', { bubbles: true })); return null;",
        vec![json!(format!("[data-testid=\"{testid}\"]")), json!(value)],
    )?;
    Ok(())
}

fn wait_js(app: &App, what: &str, script: &str, want: Value) -> Result<()> {
    wait_for(UI_TIMEOUT, what, || Ok((js(app, script)? == want).then_some(())))
}

fn session_status(data_dir: &Path) -> Result<Option<String>> {
    let db = open_db(data_dir)?;
    match db.query_row("SELECT status FROM sessions WHERE status IN ('running','paused')", [], |r| r.get(0)) {
        Ok(status) => Ok(Some(status)),
        Err(rusqlite::Error::QueryReturnedNoRows) => Ok(None),
        Err(e) => Err(e.into()),
    }
}

#[test]
#[ignore = "needs the display, bus, tray and notification server of `make e2e`"]
fn settings_take_effect_at_once_and_survive_a_restart() -> Result<()> {
    let ctx = TestCtx::new("settings")?;
    let data_dir = ctx.data_dir()?;
    let home = ctx.home()?;
    let app = App::launch_with_env(&ctx, &data_dir, "app", &[("HOME", home.as_str())])?;
    let result = change_everything(&ctx, &app, &data_dir, Path::new(&home));
    if result.is_err() {
        app.dump(&ctx, "failure");
    }
    result?;
    app.close();

    let again = App::launch_with_env(&ctx, &data_dir, "restarted", &[("HOME", home.as_str())])?;
    let result = still_there(&ctx, &again, &data_dir);
    if result.is_err() {
        again.dump(&ctx, "failure-restarted");
    }
    result
}

fn change_everything(ctx: &TestCtx, app: &App, data_dir: &Path, home: &Path) -> Result<()> {
    app.wait_testid("home", STARTUP_TIMEOUT)?;
    app.click("nav-settings")?;
    app.wait_testid("settings-language", UI_TIMEOUT)?;
    ctx.screenshot("1-settings-en")?;

    // Language: the page and the Rust side speak German at once, and so do WebKit's own time
    // and date fields: in English as the desktop's region has them (LANG is en_US.UTF-8), in
    // German as in Germany.
    wait_js(app, "WebKit's fields in English", "return navigator.language;", json!("en-US"))?;
    choose(app, "settings-language", "de")?;
    wait_js(app, "the page in German", "return document.documentElement.lang;", json!("de"))?;
    wait_js(app, "WebKit's fields in German", "return navigator.language;", json!("de-DE"))?;
    let nav = app.text_of("nav-settings")?;
    ensure!(nav.as_deref() == Some("Einstellungen"), "the navigation speaks German: {nav:?}");
    let refusal = app.invoke("extend_phase", json!({ "minutes": 5 })).unwrap_err().to_string();
    ensure!(refusal.contains("Gerade läuft keine Session."), "Rust's messages are German too: {refusal}");

    // Theme: dark at once.
    app.click("theme-dark")?;
    wait_js(app, "the dark theme", "return document.documentElement.dataset.theme;", json!("dark"))?;
    ctx.screenshot("2-settings-de-dark")?;

    // Start at login: an autostart entry that opens the app in the tray, and gone again.
    let entry = home.join(".config/autostart/Worktogether.desktop");
    app.click("settings-start-at-login")?;
    wait_for(UI_TIMEOUT, "the autostart entry", || Ok(entry.exists().then_some(())))?;
    let text = std::fs::read_to_string(&entry)?;
    ensure!(text.contains("--hidden"), "start at login opens the app in the tray: {text}");
    app.click("settings-start-at-login")?;
    wait_for(UI_TIMEOUT, "the autostart entry to go", || Ok((!entry.exists()).then_some(())))?;
    app.click("settings-start-at-login")?;
    wait_for(UI_TIMEOUT, "the autostart entry again", || Ok(entry.exists().then_some(())))?;

    // A shortcut that is no shortcut is refused next to the field, in German.
    app.type_into("settings-shortcut", "Strg+W+Alt")?;
    app.click("settings-shortcut-save")?;
    wait_for(UI_TIMEOUT, "the refusal next to the shortcut", || Ok(app.session.find("#shortcut-error")?.map(|_| ())))?;
    let said = js(app, "return document.querySelector('#shortcut-error').innerText;")?;
    ensure!(said.as_str().is_some_and(|s| s.contains("kein Tastenkürzel")), "a clear message: {said}");
    ctx.screenshot("3-shortcut-refused")?;

    // A real one, pressed on the X server: it starts a session (its round comes up compact),
    // and pressed again it pauses it.
    app.type_into("settings-shortcut", SHORTCUT)?;
    app.click("settings-shortcut-save")?;
    wait_for(UI_TIMEOUT, "the shortcut to be saved", || {
        let stored = app.invoke("settings", json!({}))?["settings"]["shortcut"].clone();
        Ok((stored == json!(SHORTCUT)).then_some(()))
    })?;
    keys(&[SHORTCUT_KEYS])?;
    wait_for(UI_TIMEOUT, "a session started by the shortcut", || {
        Ok((session_status(data_dir)?.as_deref() == Some("running")).then_some(()))
    })?;
    wait_for_window("Commitment-Runde · Worktogether", UI_TIMEOUT)
        .context("the shortcut's session comes up in the compact commitment round, titled in German")?;
    keys(&[SHORTCUT_KEYS])?;
    wait_for(UI_TIMEOUT, "the shortcut to pause", || {
        Ok((session_status(data_dir)?.as_deref() == Some("paused")).then_some(()))
    })?;

    // The tray menu follows the language.
    desktop::open_tray_menu()?;
    ctx.screenshot("4-tray-menu-de")?;
    desktop::close_menu()?;

    // Sound off, keep-in-tray off, sleep: stored at once.
    app.click("settings-sound")?;
    app.click("settings-keep-in-tray")?;
    app.click("sleep-mode-pause_while_asleep")?;
    wait_for(UI_TIMEOUT, "the switches to be stored", || {
        let s = app.invoke("settings", json!({}))?["settings"].clone();
        Ok((s["sound"] == json!(false) && s["keepInTray"] == json!(false) && s["sleepMode"] == "pause_while_asleep")
            .then_some(()))
    })?;
    Ok(())
}

fn still_there(ctx: &TestCtx, app: &App, data_dir: &Path) -> Result<()> {
    app.wait_testid("commitment-round", STARTUP_TIMEOUT).context("the paused session is back")?;
    wait_js(app, "German after the restart", "return document.documentElement.lang;", json!("de"))?;
    wait_js(app, "WebKit's fields German after the restart", "return navigator.language;", json!("de-DE"))?;
    wait_js(app, "dark after the restart", "return document.documentElement.dataset.theme;", json!("dark"))?;
    let s = app.invoke("settings", json!({}))?;
    ensure!(s["language"] == "de" && s["settings"]["shortcut"] == SHORTCUT, "kept: {s}");
    ensure!(s["settings"]["startAtLogin"] == json!(true) && s["settings"]["sound"] == json!(false), "kept: {s}");
    ctx.screenshot("5-restarted")?;
    // The saved shortcut is registered again at start: it resumes the paused session.
    keys(&[SHORTCUT_KEYS])?;
    wait_for(UI_TIMEOUT, "the shortcut after a restart", || {
        Ok((session_status(data_dir)?.as_deref() == Some("running")).then_some(()))
    })?;
    std::thread::sleep(Duration::from_millis(200));
    Ok(())
}
