//! Crash and resume: the app is killed (SIGKILL) in the middle of a focus block and started
//! again on the same data. The session must come back in the same phase with the time the
//! wall clock says is left, with its commitments, and without a second session.
#![allow(
    clippy::disallowed_methods,
    reason = "end-to-end tests measure real time: they read the system clock on purpose"
)]

use std::time::Duration;

use anyhow::{Context, Result, bail, ensure};
use chrono::Utc;
use serde_json::{Value, json};
use worktogether_e2e::app::{STARTUP_TIMEOUT, UI_TIMEOUT};
use worktogether_e2e::{App, TestCtx, open_db, parse_countdown, parse_time, wait_for};

const TEMPLATE: &str = "E2E-crash";
/// Long enough to type one commitment, then a focus block that outlasts the crash and the
/// restart by far.
const PLAN: [(&str, u64); 3] = [("commitment", 10), ("focus", 120), ("closing", 600)];
const FOCUS_SECS: i64 = 120;
const COMMITMENT: &str = "Survive a crash";
/// How long the app stays dead: long enough that a countdown which restarted, or froze while
/// the app was gone, is clearly off.
const DOWNTIME: Duration = Duration::from_secs(5);
/// How far the countdown on screen may be from the wall clock's answer: it is drawn in whole
/// seconds and read over WebDriver, which takes a moment.
const TOLERANCE_SECS: i64 = 3;

#[test]
#[ignore = "needs the display, bus and notification server of `make e2e`"]
fn crash_and_resume() -> Result<()> {
    let ctx = TestCtx::new("crash_resume")?;
    let data_dir = ctx.data_dir()?;

    // Before the crash: a session in its focus block, with one commitment.
    let app = App::launch(&ctx, &data_dir, "before-crash")?;
    if let Err(e) = start_and_focus(&ctx, &app) {
        app.dump(&ctx, "failure-before-crash");
        return Err(e);
    }
    let killed = app.crash()?;
    eprintln!("killed the app (pid {killed}) during focus");

    // While the app is dead: one running session whose focus run is open.
    let deadline = {
        let db = open_db(&data_dir)?;
        let (started_at, extended): (String, i64) = db
            .query_row(
                "SELECT r.started_at, r.extended_secs FROM phase_runs r \
                 JOIN sessions s ON s.id = r.session_id \
                 WHERE s.status = 'running' AND r.kind = 'focus' AND r.ended_at IS NULL",
                [],
                |row| Ok((row.get(0)?, row.get(1)?)),
            )
            .context(
                "after the crash the database should hold a running session with an open focus \
                 phase run (the phase change to focus must have been stored when it happened)",
            )?;
        parse_time(&started_at)? + chrono::Duration::seconds(FOCUS_SECS + extended)
    };
    std::thread::sleep(DOWNTIME);

    // After the restart.
    let app = App::launch(&ctx, &data_dir, "after-restart")?;
    let result = check_resumed(&ctx, &app, deadline);
    if result.is_err() {
        app.dump(&ctx, "failure-after-restart");
    }
    result
}

fn start_and_focus(ctx: &TestCtx, app: &App) -> Result<()> {
    app.wait_testid("home", STARTUP_TIMEOUT)?;
    app.save_template(TEMPLATE, &PLAN)?;
    app.reload()?;
    app.click(&format!("start-template-{TEMPLATE}"))?;
    app.type_into("commitment-input", COMMITMENT)?;
    app.click("commitment-add")?;
    wait_for(UI_TIMEOUT, "the commitment-item", || Ok((app.count("commitment-item")? == 1).then_some(())))?;
    wait_for(Duration::from_secs(PLAN[0].1 + 20), "the focus phase after the commitment round elapses", || {
        Ok((app.shown_phase()?.as_deref() == Some("focus")).then_some(()))
    })?;
    ctx.screenshot("1-focus-before-crash")?;
    Ok(())
}

fn check_resumed(ctx: &TestCtx, app: &App, deadline: chrono::DateTime<Utc>) -> Result<()> {
    wait_for(STARTUP_TIMEOUT, "the running session to be shown again after the restart", || {
        Ok(app.has("running-session")?.then_some(()))
    })?;
    let phase = app.shown_phase()?;
    ensure!(
        phase.as_deref() == Some("focus"),
        "after the restart the app should show the focus phase it was killed in (its deadline \
         {deadline} is still ahead), not {phase:?}"
    );

    // The countdown, compared with what the wall clock says is left.
    let (shown, expected) = wait_for(UI_TIMEOUT, "a countdown in [data-testid=remaining]", || {
        let Some(text) = app.text_of("remaining")? else {
            return Ok(None);
        };
        let expected = (deadline - Utc::now()).num_milliseconds() as f64 / 1000.0;
        Ok(parse_countdown(&text).map(|secs| (secs, expected)))
    })?;
    ctx.screenshot("2-focus-after-restart")?;
    let shown = i64::try_from(shown)?;
    ensure!(
        (shown as f64 - expected).abs() <= TOLERANCE_SECS as f64,
        "after the restart the countdown should show the time left until the stored deadline \
         {deadline}, about {expected:.0} s by the wall clock; it shows {shown} s (a countdown \
         that restarted would show about {FOCUS_SECS} s)"
    );

    // The commitment is still there, on screen and in the session.
    let mut on_screen = app.texts_of("commitment-item")?;
    if on_screen.is_empty() {
        on_screen.extend(app.text_of("running-session")?);
    }
    ensure!(
        on_screen.iter().any(|t| t.contains(COMMITMENT)),
        "the running session should still show the commitment {COMMITMENT:?}: {on_screen:?}"
    );
    let view = app.invoke("current_session", Value::Null)?;
    ensure!(
        view["phase"]["kind"] == json!("focus") && view["phase"]["index"] == json!(1),
        "current_session should report the focus phase at plan index 1: {view}"
    );
    let texts: Vec<&str> = view["commitments"]
        .as_array()
        .map(|a| a.iter().filter_map(|c| c["text"].as_str()).collect())
        .unwrap_or_default();
    ensure!(texts == [COMMITMENT], "current_session should hold the one commitment typed before the crash: {view}");

    // One session, still in progress; the focus run was resumed, not started again.
    let db = open_db(&app.data_dir)?;
    let sessions: Vec<String> =
        db.prepare("SELECT status FROM sessions")?.query_map([], |r| r.get(0))?.collect::<Result<_, _>>()?;
    ensure!(
        sessions == ["running"],
        "the database should hold exactly one session, in progress (running), after the \
         restart: {sessions:?}"
    );
    let runs: Vec<(String, Option<String>)> = db
        .prepare("SELECT kind, ended_at FROM phase_runs ORDER BY seq")?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<Result<_, _>>()?;
    match runs.as_slice() {
        [(c, Some(_)), (f, None)] if c == "commitment" && f == "focus" => Ok(()),
        _ => bail!(
            "phase_runs should be the ended commitment round and the one focus run, still open \
             (a restart resumes it rather than starting another): {runs:?}"
        ),
    }
}
