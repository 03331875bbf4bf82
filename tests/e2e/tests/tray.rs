//! The tray and the compact ritual windows, driven as a person would: the tray icon in a
//! real XEmbed tray (trayer), its menu opened with a click and chosen with the keyboard, the
//! compact commitment window typed into, the closing round closed in its compact window,
//! the main window closed to the tray and the app quit from the menu, which is photographed
//! in English and in German. Checked against the database, the main window's page and the
//! windows on the screen.

use std::path::Path;
use std::time::Duration;

use anyhow::{Context, Result, ensure};
use serde_json::json;
use worktogether_e2e::app::{STARTUP_TIMEOUT, UI_TIMEOUT};
use worktogether_e2e::desktop::{self, choose_tray_item, focus, keys, type_text, wait_for_no_window, wait_for_window};
use worktogether_e2e::{App, TestCtx, open_db, wait_for};

const COMMITMENT_WINDOW: &str = "Commitment round · Worktogether";
const CLOSING_WINDOW: &str = "Closing round · Worktogether";
/// Long phases: the test moves them on itself, through the tray.
const PLAN: [(&str, u64); 3] = [("commitment", 600), ("focus", 600), ("closing", 600)];

/// The session in progress as stored: (status, phase index), or None.
fn stored_session(data_dir: &Path) -> Result<Option<(String, i64)>> {
    let db = open_db(data_dir)?;
    let row = db.query_row(
        "SELECT status, (SELECT max(plan_index) FROM phase_runs r WHERE r.session_id = s.id)
         FROM sessions s WHERE status IN ('running', 'paused')",
        [],
        |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)),
    );
    match row {
        Ok(row) => Ok(Some(row)),
        Err(rusqlite::Error::QueryReturnedNoRows) => Ok(None),
        Err(e) => Err(e.into()),
    }
}

fn wait_stored(data_dir: &Path, what: &str, want: impl Fn(&Option<(String, i64)>) -> bool) -> Result<()> {
    wait_for(UI_TIMEOUT, what, || {
        let now = stored_session(data_dir)?;
        Ok(want(&now).then_some(()))
    })
}

/// How many times the app's tray task has rebuilt the menu so far, by its log.
fn menus_shown(ctx: &TestCtx) -> Result<usize> {
    let log = std::fs::read_to_string(ctx.dir.join("app-driver.log")).context("reading the app's log")?;
    Ok(log.matches("tray: shown").count())
}

/// Photographs the open tray menu in English (`<name>.png`) and in German (`<name>-de.png`):
/// the language setting is switched over IPC, the menu is photographed once the tray task has
/// rebuilt it, and the language is switched back.
fn photograph_menu(ctx: &TestCtx, app: &App, name: &str) -> Result<()> {
    desktop::open_tray_menu()?;
    ctx.screenshot(name)?;
    desktop::close_menu()?;
    for lang in ["de", "en"] {
        let before = menus_shown(ctx)?;
        app.invoke("change_setting", json!({ "change": { "language": lang } }))?;
        wait_for(UI_TIMEOUT, &format!("the tray menu to be rebuilt in {lang}"), || {
            Ok((menus_shown(ctx)? > before).then_some(()))
        })?;
        if lang == "de" {
            desktop::open_tray_menu()?;
            ctx.screenshot(&format!("{name}-de"))?;
            desktop::close_menu()?;
        }
    }
    Ok(())
}

#[test]
#[ignore = "needs the display, bus, tray and notification server of `make e2e`"]
fn the_tray_runs_a_session_in_compact_windows() -> Result<()> {
    let ctx = TestCtx::new("tray")?;
    let data_dir = ctx.data_dir()?;
    let home = ctx.home()?;
    // The tray task says at debug level when it has rebuilt the menu ("tray: shown").
    let env = [("HOME", home.as_str()), ("RUST_LOG", "info,worktogether_app::tray=debug")];
    let app = App::launch_with_env(&ctx, &data_dir, "app", &env)?;
    let result = run(&ctx, &app, &data_dir);
    if result.is_err() {
        app.dump(&ctx, "failure");
    }
    result
}

fn run(ctx: &TestCtx, app: &App, data_dir: &Path) -> Result<()> {
    app.wait_testid("home", STARTUP_TIMEOUT)?;
    let id = app.save_template("Tray test", &PLAN)?;
    app.invoke("change_setting", json!({ "change": { "defaultTemplate": id } }))?;

    // Tray ▸ "Start session (Tray test)": the first item.
    photograph_menu(ctx, app, "1-tray-menu-idle")?;
    choose_tray_item(1)?;
    wait_stored(data_dir, "a session started from the tray", |s| {
        s.as_ref().is_some_and(|(st, i)| st == "running" && *i == 0)
    })?;
    let compact = wait_for_window(COMMITMENT_WINDOW, UI_TIMEOUT)
        .context("starting from the tray opens the compact commitment round")?;

    // Typed into the compact window: Enter adds, Ctrl+Enter starts focus.
    focus(&compact)?;
    type_text("Answer the tax office")?;
    keys(&["Return"])?;
    wait_for(UI_TIMEOUT, "the commitment from the compact window in the database", || {
        let db = open_db(data_dir)?;
        let n: i64 =
            db.query_row("SELECT count(*) FROM commitments WHERE text = 'Answer the tax office'", [], |r| r.get(0))?;
        Ok((n == 1).then_some(()))
    })?;
    ctx.screenshot("2-compact-commitment")?;
    keys(&["ctrl+Return"])?;
    wait_stored(data_dir, "focus after Ctrl+Enter", |s| s.as_ref().is_some_and(|(_, i)| *i == 1))?;
    wait_for_no_window(COMMITMENT_WINDOW, UI_TIMEOUT).context("the compact round gets out of the way for focus")?;
    wait_for(UI_TIMEOUT, "the main window to show focus", || {
        Ok((app.shown_phase()?.as_deref() == Some("focus")).then_some(()))
    })?;

    // Tray ▸ Pause (the first enabled item: the phase line is disabled), then ▸ Resume.
    photograph_menu(ctx, app, "3-tray-menu-focus")?;
    choose_tray_item(1)?;
    wait_stored(data_dir, "paused from the tray", |s| s.as_ref().is_some_and(|(st, _)| st == "paused"))?;
    choose_tray_item(1)?;
    wait_stored(data_dir, "resumed from the tray", |s| s.as_ref().is_some_and(|(st, _)| st == "running"))?;

    // With the main window out of view, "End session" brings up the compact closing round.
    app.invoke("plugin:window|hide", json!({ "label": "main" }))?;
    choose_tray_item(4)?; // Pause, Skip phase, +5 min, End session
    wait_stored(data_dir, "the closing round", |s| s.as_ref().is_some_and(|(_, i)| *i == 2))?;
    let closing = wait_for_window(CLOSING_WINDOW, UI_TIMEOUT).context("the closing round comes up compact")?;
    std::thread::sleep(Duration::from_millis(500)); // its first frame, for the picture
    ctx.screenshot("4-compact-closing")?;
    // The first field has the keyboard: the first commitment's first outcome ("done").
    focus(&closing)?;
    keys(&["space"])?;
    // The choice is kept as a draft before Save (nothing typed is lost to a crash).
    wait_for(UI_TIMEOUT, "the outcome drafted in the database before Save", || {
        let db = open_db(data_dir)?;
        let outcome: String = db.query_row("SELECT outcome FROM commitments", [], |r| r.get(0))?;
        Ok((outcome == "done").then_some(()))
    })?;
    ensure!(stored_session(data_dir)?.is_some(), "still in the closing round until Save");
    keys(&["ctrl+Return"])?;
    wait_stored(data_dir, "the session closed from the compact window", Option::is_none)?;
    let db = open_db(data_dir)?;
    let (status, outcome): (String, String) = db.query_row(
        "SELECT s.status, c.outcome FROM sessions s JOIN commitments c ON c.session_id = s.id",
        [],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    ensure!(
        status == "finished" && outcome == "done",
        "closed as finished with the outcome done, not {status}/{outcome}"
    );
    wait_for_no_window(CLOSING_WINDOW, UI_TIMEOUT).context("no ritual window stays after the session")?;

    // Closing the main window keeps the app in the tray; Quit quits. (Whether the window is
    // in view is asked of its page: xdotool also finds the tray icon's window by its title.)
    app.invoke("plugin:window|show", json!({ "label": "main" }))?;
    app.wait_visibility("visible")?;
    let pid = app.app_pid()?;
    app.invoke("plugin:window|close", json!({ "label": "main" }))?;
    app.wait_visibility("hidden").context("closing the main window hides it")?;
    ensure!(Path::new(&format!("/proc/{pid}")).exists(), "the app runs on in the tray");
    choose_tray_item(3)?; // Start session, Start from, Open Worktogether
    app.wait_visibility("visible").context("Open Worktogether shows the main window again")?;
    choose_tray_item(4)?; // … Quit
    wait_for(Duration::from_secs(10), "the app to quit from the tray", || {
        Ok((!Path::new(&format!("/proc/{pid}")).exists()).then_some(()))
    })?;
    Ok(())
}
