//! A whole session through the UI, with the phases of a real working morning (50-minute focus
//! blocks) passed in moments on a clock the test moves (`WORKTOGETHER_TEST_CLOCK=1`, moved over
//! the control socket): commitments in the commitment round, every phase in turn, outcomes in
//! the closing round, then the history. Checked against what a person sees (the screen),
//! hears about (the desktop notifications) and what stays (the database). (`crash_resume`
//! runs on the real clock.)
#![allow(
    clippy::disallowed_methods,
    reason = "end-to-end tests measure real time: they read the system clock on purpose"
)]

use std::time::Duration;

use anyhow::{Context, Result, bail, ensure};
use chrono::{DateTime, Utc};
use serde_json::json;
use worktogether_e2e::app::{STARTUP_TIMEOUT, UI_TIMEOUT};
use worktogether_e2e::notify::{self, Notification};
use worktogether_e2e::{App, TestCtx, control, open_db, parse_countdown, parse_time, wait_for, wait_for_control};

const TEMPLATE: &str = "E2E";
/// The plan: a morning's phases. They pass only when the test moves the clock.
const PLAN: [(&str, u64); 5] =
    [("commitment", 600), ("focus", 3000), ("break", 600), ("focus", 3000), ("closing", 600)];
const COMMITMENTS: [&str; 2] = ["Write the release notes", "Review the tray menu"];
/// The summary of the notification at the change into each phase after the first, in
/// English (scripts/e2e.sh sets LANG=en_US.UTF-8 and the app follows the locale).
const EXPECTED_SUMMARIES: [&str; 4] = ["Focus", "Break", "Focus", "Closing round"];

#[test]
#[ignore = "needs the display, bus and notification server of `make e2e`"]
fn whole_session() -> Result<()> {
    let ctx = TestCtx::new("whole_session")?;
    // Notifications from earlier tests are in the same log: count only ours.
    let notify_from = notify::log_len(&ctx.env.notify_log)?;
    let data_dir = ctx.data_dir()?;
    let app = App::launch_with_env(&ctx, &data_dir, "app", &[("WORKTOGETHER_TEST_CLOCK", "1")])?;
    let result = run(&ctx, &app, notify_from);
    if result.is_err() {
        app.dump(&ctx, "failure");
    }
    result
}

fn run(ctx: &TestCtx, app: &App, notify_from: u64) -> Result<()> {
    app.wait_testid("home", STARTUP_TIMEOUT)?;
    wait_for_control(&app.data_dir)?;
    app.save_template(TEMPLATE, &PLAN)?;
    // The home screen lists the templates it loaded at start: reload to see the new one.
    app.reload()?;
    app.wait_testid("template-list", UI_TIMEOUT)?;
    ctx.screenshot("0-home")?;

    app.click(&format!("start-template-{TEMPLATE}"))?;
    app.wait_testid("commitment-input", UI_TIMEOUT)
        .context("the commitment round should open when a template is started")?;
    for (i, text) in COMMITMENTS.iter().enumerate() {
        app.type_into("commitment-input", text)?;
        app.click("commitment-add")?;
        wait_for(UI_TIMEOUT, &format!("{} commitment-item(s)", i + 1), || {
            Ok((app.count("commitment-item")? == i + 1).then_some(()))
        })?;
    }
    let items = app.texts_of("commitment-item")?;
    for text in COMMITMENTS {
        ensure!(
            items.iter().any(|item| item.contains(text)),
            "the commitment round should list {text:?} after adding it; it lists {items:?}"
        );
    }

    // Each phase on screen, photographed; then the clock moves on by exactly its length and
    // the next one must follow on its own (the ticker), with its notification.
    let mut moved_at = Vec::new();
    for (i, (kind, secs)) in PLAN.iter().enumerate() {
        wait_for(UI_TIMEOUT, &format!("the {kind} phase (step {i}) on screen"), || {
            Ok((app.shown_phase()?.as_deref() == Some(*kind)).then_some(()))
        })?;
        if *kind == "focus" {
            // Drawn against the app's clock, not the page's: a fresh 50-minute block.
            let shown = app.text_of("remaining")?.as_deref().and_then(parse_countdown);
            ensure!(
                shown.is_some_and(|left| left + 5 >= *secs && left <= *secs),
                "a fresh {secs} s focus block should count down from {secs} s on the moved clock; \
                 the screen shows {shown:?} s"
            );
        }
        ctx.screenshot(&format!("{}-{kind}", i + 1))?;
        if *kind == "closing" {
            break;
        }
        moved_at.push(Utc::now());
        let moved = control(&app.data_dir, &json!({ "advanceClockMs": secs * 1000 }))?;
        ensure!(moved == json!({ "kind": "done" }), "the test clock moves: {moved}");
    }

    // The notifications: one per phase change, in order, none at start. Give the last one a
    // moment to arrive, then a short quiet time so that a duplicate would show up too.
    let wanted = EXPECTED_SUMMARIES.len();
    wait_for(Duration::from_secs(10), &format!("{wanted} Notify calls"), || {
        let n = notify::notifications_since(&ctx.env.notify_log, notify_from)?;
        Ok((n.len() >= wanted).then_some(()))
    })
    .or_else(|e| {
        let got = notify::notifications_since(&ctx.env.notify_log, notify_from)?;
        Err(e.context(format!("Notify calls so far: {got:#?}")))
    })?;
    std::thread::sleep(Duration::from_secs(2));
    let notifications = notify::notifications_since(&ctx.env.notify_log, notify_from)?;
    check_notifications(&notifications, &moved_at)?;

    // The closing round, through the UI.
    app.wait_testid("closing-round", UI_TIMEOUT)?;
    app.click("outcome-0-done")?;
    app.click("outcome-1-partly")?;
    app.type_into("outcome-note-1", "Half of the items")?;
    app.type_into("overall-note", "A good session")?;
    app.click("rating-4")?;
    ctx.screenshot("6-closing-filled")?;
    app.click("closing-save")?;
    // Saving ends on the home screen (with the session's summary) once close_session has
    // answered; the closing round disappears a moment earlier, when the session event comes.
    wait_for(UI_TIMEOUT, "the home screen after saving the closing round", || {
        Ok((app.has("home")? && !app.has("closing-round")?).then_some(()))
    })?;
    ctx.screenshot("7-home-after-save")?;

    // The history lists the session with both commitments and their outcomes.
    app.click("nav-history")?;
    app.wait_testid("history-list", UI_TIMEOUT)?;
    let sessions = wait_for(UI_TIMEOUT, "a history-session", || {
        let texts = app.texts_of("history-session")?;
        Ok((!texts.is_empty()).then_some(texts))
    })?;
    ctx.screenshot("8-history")?;
    ensure!(app.has("history-list")?, "the history should stay on screen once opened");
    ensure!(sessions.len() == 1, "the history should list exactly the one session just closed; it lists {sessions:#?}");
    for text in COMMITMENTS {
        ensure!(sessions[0].contains(text), "the history entry should show the commitment {text:?}: {:?}", sessions[0]);
    }
    // The outcomes in the UI's English words (locales/en.json: outcome.done, outcome.partly),
    // and in list_sessions, where the history gets them from.
    for word in ["Done", "Partly"] {
        ensure!(
            sessions[0].contains(word),
            "the history entry should show the outcome {word:?} chosen in the closing round: {:?}",
            sessions[0]
        );
    }
    let listed = app.invoke("list_sessions", json!({ "since": null, "limit": 10 }))?;
    let outcomes: Vec<_> = listed[0]["commitments"]
        .as_array()
        .map(|a| a.iter().map(|c| c["outcome"].clone()).collect())
        .unwrap_or_default();
    ensure!(
        outcomes == vec![json!("done"), json!("partly")],
        "list_sessions should report the outcomes chosen in the closing round, done and partly: {listed}"
    );

    // A search narrows the history and marks what it found, in the text as written.
    app.type_into("history-search", "RELEASE")?;
    let marked = wait_for(UI_TIMEOUT, "the search's mark", || {
        let marks = app.session.execute(
            "return [...document.querySelectorAll('[data-testid=history-session] mark')].map((m) => m.textContent);",
            vec![],
        )?;
        Ok(marks.as_array().filter(|m| !m.is_empty()).cloned())
    })?;
    ensure!(marked == vec![json!("release")], "the word found, marked as written: {marked:?}");
    app.type_into("history-search", "nothing like it")?;
    app.wait_testid("history-empty", UI_TIMEOUT)?;
    app.click("history-clear")?;
    // The session's full record: every phase as it ran.
    app.click("history-record-toggle")?;
    let phases = wait_for(UI_TIMEOUT, "the session's record", || {
        let kinds = app.attrs_of("history-record-phase", "data-kind")?;
        Ok((!kinds.is_empty()).then_some(kinds))
    })?;
    ensure!(phases.first().map(String::as_str) == Some("commitment"), "{phases:?}");
    ensure!(phases.last().map(String::as_str) == Some("closing"), "{phases:?}");
    ctx.screenshot("9-history-record")?;

    check_database(app)
}

/// One notification per phase change, in order, each sent right after the clock moved past
/// its phase's start (`moved_at`, real time).
fn check_notifications(notifications: &[Notification], moved_at: &[DateTime<Utc>]) -> Result<()> {
    let summaries: Vec<&str> = notifications.iter().map(|n| n.summary.as_str()).collect();
    ensure!(
        notifications.len() == EXPECTED_SUMMARIES.len(),
        "exactly one Notify per phase change (focus, break, focus, closing; none when the \
         session starts) was expected, {} in all; dbus-monitor saw {}: {summaries:?}",
        EXPECTED_SUMMARIES.len(),
        notifications.len()
    );
    for (i, (got, want)) in summaries.iter().zip(EXPECTED_SUMMARIES).enumerate() {
        ensure!(
            got.contains(want),
            "Notify #{} should announce {want:?} in English (LANG=en_US.UTF-8); its summary is \
             {got:?} (all: {summaries:?})",
            i + 1
        );
    }
    for (n, moved) in notifications.iter().zip(moved_at) {
        let moved = moved.timestamp_millis() as f64 / 1000.0;
        ensure!(
            (-0.5..=5.0).contains(&(n.time - moved)),
            "the {:?} notification should go out as soon as the clock passed its phase's start \
             ({moved:.1}), not {:.1} s off",
            n.summary,
            n.time - moved
        );
    }
    Ok(())
}

struct PhaseRun {
    plan_index: i64,
    kind: String,
    started_at: String,
    ended_at: Option<String>,
    end_reason: Option<String>,
}

fn check_database(app: &App) -> Result<()> {
    let db = open_db(&app.data_dir)?;
    let sessions: Vec<(String, String, Option<String>, Option<i64>)> = db
        .prepare("SELECT id, status, ended_at, focus_rating FROM sessions")?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
        .collect::<Result<_, _>>()?;
    let [(session_id, status, ended_at, rating)] = sessions.as_slice() else {
        bail!("the database should hold exactly one session; it holds {sessions:?}");
    };
    ensure!(status == "finished", "the session was closed, so its status should be finished, not {status:?}");
    ensure!(ended_at.is_some(), "a finished session should have ended_at");
    ensure!(*rating == Some(4), "the focus rating chosen (rating-4) should be stored, not {rating:?}");

    let runs: Vec<PhaseRun> = db
        .prepare(
            "SELECT plan_index, kind, started_at, ended_at, end_reason FROM phase_runs \
             WHERE session_id = ?1 ORDER BY seq",
        )?
        .query_map([session_id], |r| {
            Ok(PhaseRun {
                plan_index: r.get(0)?,
                kind: r.get(1)?,
                started_at: r.get(2)?,
                ended_at: r.get(3)?,
                end_reason: r.get(4)?,
            })
        })?
        .collect::<Result<_, _>>()?;
    let kinds: Vec<&str> = runs.iter().map(|r| r.kind.as_str()).collect();
    let expected: Vec<&str> = PLAN.iter().map(|(k, _)| *k).collect();
    ensure!(
        kinds == expected,
        "phase_runs should record the plan's phases once each, in order: {expected:?}, not {kinds:?}"
    );
    for (i, run) in runs.iter().enumerate() {
        let index = i64::try_from(i)?;
        ensure!(run.plan_index == index, "phase run {i} should be plan step {i}, not {}", run.plan_index);
        let start = parse_time(&run.started_at)?;
        let end_text = run
            .ended_at
            .as_deref()
            .with_context(|| format!("phase run {i} ({}) should have ended: the session is finished", run.kind))?;
        let end = parse_time(end_text)?;
        ensure!(
            start < end,
            "phase run {i} ({}) should end after it starts: {} .. {end_text}",
            run.kind,
            run.started_at
        );
        let want_reason = if i + 1 == runs.len() { "closed" } else { "elapsed" };
        ensure!(
            run.end_reason.as_deref() == Some(want_reason),
            "phase run {i} ({}) should have ended as {want_reason:?} (nothing was skipped), not {:?}",
            run.kind,
            run.end_reason
        );
        if want_reason == "elapsed" {
            // The timer of record is the stored deadline: an elapsed phase lasts its plan,
            // whenever the ticker looked.
            let lasted = (end - start).num_milliseconds() as f64 / 1000.0;
            let planned = PLAN[i].1 as f64;
            ensure!(
                (lasted - planned).abs() <= 1.0,
                "phase run {i} ({}) elapsed, so it should have lasted its planned {planned} s, \
                 not {lasted:.3} s",
                run.kind
            );
        }
        if let Some(next) = runs.get(i + 1) {
            ensure!(
                next.started_at == end_text,
                "phase runs should be contiguous, each starting when the one before ended: run \
                 {i} ended {end_text}, run {} started {}",
                i + 1,
                next.started_at
            );
        }
    }
    let commitments: Vec<(i64, String, String, Option<String>)> = db
        .prepare(
            "SELECT position, text, outcome, note FROM commitments WHERE session_id = ?1 \
             ORDER BY position",
        )?
        .query_map([session_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
        .collect::<Result<_, _>>()?;
    let got: Vec<(&str, &str)> =
        commitments.iter().map(|(_, text, outcome, _)| (text.as_str(), outcome.as_str())).collect();
    ensure!(
        got == vec![(COMMITMENTS[0], "done"), (COMMITMENTS[1], "partly")],
        "the two commitments should be stored in order with the outcomes chosen in the closing \
         round (done, partly): {commitments:?}"
    );
    ensure!(
        commitments[1].3.as_deref() == Some("Half of the items"),
        "the note typed for the second commitment should be stored: {commitments:?}"
    );
    Ok(())
}
