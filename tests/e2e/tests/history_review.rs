//! History's three screens on a generated database (`worktogether_core::sample`: a year and a
//! half of heavy use, up to a few hours ago): the timeline narrowed by tag and by a search with
//! its marks, the statistics, and the weekly review, which carries last week's open commitments
//! into the next session's commitment round with one click. Then the review's weekly notice,
//! given at its minute on a clock the test moves, opens the review. Screenshots in English and
//! the light theme, then German and the dark theme.

use std::path::Path;

use anyhow::{Context, Result, ensure};
use chrono::{Datelike, Timelike, Utc};
use chrono_tz::Europe::Berlin;
use serde_json::{Value, json};
use worktogether_core::{Store, sample};
use worktogether_e2e::app::{STARTUP_TIMEOUT, UI_TIMEOUT};
use worktogether_e2e::{App, TestCtx, control, notify, open_db, wait_for, wait_for_control};

/// About a year and a half: enough for a year's statistics and many pages of timeline.
const SESSIONS: u32 = 1_500;
/// The zone the app counts days in (and the reminder's minute is set in).
const ZONE: &str = "Europe/Berlin";

/// The sample history in `data_dir`'s database, its last session ending a few hours ago.
fn generate(data_dir: &Path) -> Result<()> {
    let first = Utc::now() - sample::SPACING * SESSIONS as i32 - chrono::Duration::hours(3);
    let mut store = Store::open_in_memory()?;
    sample::heavy_history(&mut store, SESSIONS, first, &sample::TEXTS)?;
    store.copy_to(&data_dir.join(worktogether_core::store::DATABASE_FILE))?;
    Ok(())
}

fn js(app: &App, script: &str) -> Result<Value> {
    app.session.execute(script, vec![])
}

#[test]
#[ignore = "needs the display, bus and notification server of `make e2e`"]
fn history_statistics_and_review_on_a_generated_database() -> Result<()> {
    let ctx = TestCtx::new("history_review")?;
    let data_dir = ctx.data_dir()?;
    generate(&data_dir)?;
    let exports = ctx.dir.join("exports");
    std::fs::create_dir_all(&exports)?;
    let exports_env = exports.display().to_string();
    let env = [("WORKTOGETHER_TEST_CLOCK", "1"), ("TZ", ZONE), ("WORKTOGETHER_EXPORT_DIR", exports_env.as_str())];
    let app = App::launch_with_env(&ctx, &data_dir, "app", &env)?;
    let result = screens(&ctx, &app, &data_dir, &exports);
    if result.is_err() {
        app.dump(&ctx, "failure");
    }
    result
}

fn screens(ctx: &TestCtx, app: &App, data_dir: &Path, exports: &Path) -> Result<()> {
    app.wait_testid("home", STARTUP_TIMEOUT)?;
    wait_for_control(data_dir)?;
    timeline(ctx, app, exports)?;
    statistics(ctx, app, "en-light")?;
    let planned = review(ctx, app, data_dir)?;
    carried_into_the_next_session(app, data_dir, planned)?;
    reminder(ctx, app, data_dir)?;

    // German, dark: the same screens.
    app.invoke("change_setting", json!({ "change": { "language": "de" } }))?;
    app.invoke("change_setting", json!({ "change": { "theme": "dark" } }))?;
    app.click("nav-history")?;
    app.click("history-tab-timeline")?;
    app.wait_testid("history-session", UI_TIMEOUT)?;
    wait_for(UI_TIMEOUT, "the page in German", || {
        Ok((js(app, "return document.documentElement.lang")? == "de").then_some(()))
    })?;
    ctx.screenshot("timeline-de-dark")?;
    statistics(ctx, app, "de-dark")?;
    app.click("history-tab-review")?;
    app.wait_testid("review-plan", UI_TIMEOUT)?;
    wait_for(UI_TIMEOUT, "the review in German", || {
        Ok(app.text_of("review-week")?.filter(|t| t.starts_with("KW")).map(|_| ()))
    })?;
    ctx.screenshot("review-de-dark")?;
    app.session.execute(
        "document.querySelector('[data-testid=review-reminder]').scrollIntoView({ block: 'center' }); return null;",
        vec![],
    )?;
    ctx.screenshot("review-reminder-de-dark")?;
    Ok(())
}

/// The first page, then narrowed by a tag (any spelling), exported as the filter shows it, and
/// narrowed by a search whose hits are marked.
fn timeline(ctx: &TestCtx, app: &App, exports: &Path) -> Result<()> {
    app.click("nav-history")?;
    wait_for(UI_TIMEOUT, "the first page of the timeline", || Ok((app.count("history-session")? >= 12).then_some(())))?;
    // Scrolling to its end brings the next page (30 more).
    let first = app.count("history-session")?;
    app.session
        .execute("document.querySelector('[data-testid=history-more]').scrollIntoView(); return null;", vec![])?;
    wait_for(UI_TIMEOUT, "the next page as the end comes into view", || {
        Ok((app.count("history-session")? >= first + 30).then_some(()))
    })?;
    ctx.screenshot("timeline-en-light")?;

    // The tag filter offers "Kunde A" once, whichever way it was spelt, and finds it in any case.
    let offered = js(
        app,
        "return [...document.querySelector('[data-testid=history-tag]').list.options].map((o) => o.value) \
         .filter((v) => v.toLowerCase() === 'kunde a').length;",
    )?;
    ensure!(offered == 1, "one 'Kunde A' offered, not {offered}");
    app.type_into("history-tag", "kunde a")?;
    wait_for(UI_TIMEOUT, "only sessions with a commitment for Kunde A", || {
        let all_tagged = js(
            app,
            "const cards = [...document.querySelectorAll('[data-testid=history-session]')]; \
             return cards.length > 0 && cards.every((c) => /kunde a/i.test(c.textContent));",
        )?;
        Ok((all_tagged == true).then_some(()))
    })?;
    // The export takes the filter's tag: every session of the year and a half with Kunde A.
    app.click("history-export-toggle")?;
    // The export's form is drawn a moment after the click (its code loads on first use).
    wait_for(UI_TIMEOUT, "the export to take the filter's tag", || {
        Ok((app.value_of("export-tag")?.as_deref() == Some("kunde a")).then_some(()))
    })?;
    app.select("export-format", "sessions")?;
    app.click("export-start")?;
    app.wait_testid("export-result", UI_TIMEOUT)?;
    let file = std::fs::read_dir(exports)?.flatten().map(|e| e.path()).next().context("the exported file")?;
    let rows = std::fs::read_to_string(&file)?.lines().count();
    // Kunde A is the tag of two commitments in eight sessions' worth of turns: hundreds of sessions.
    ensure!((300..SESSIONS as usize).contains(&rows), "{rows} rows in {}", file.display());
    ctx.screenshot("timeline-export-en-light")?;
    app.click("history-export-toggle")?;
    app.click("history-clear")?;

    // "strasse" finds "Straßenbahn", and the mark shows it as written.
    app.type_into("history-search", "strasse")?;
    let marks = wait_for(UI_TIMEOUT, "the search's marks", || {
        let marks = js(
            app,
            "return [...document.querySelectorAll('[data-testid=history-session] mark')].map((m) => m.textContent);",
        )?;
        Ok(marks.as_array().filter(|m| !m.is_empty()).cloned())
    })?;
    ensure!(
        marks.iter().all(|m| m.as_str().is_some_and(|m| m.to_lowercase().starts_with("straß"))),
        "every mark is the word as written: {marks:?}"
    );
    ctx.screenshot("timeline-search-en-light")?;
    app.click("history-clear")?;
    Ok(())
}

/// The statistics of this year: figures, the heatmap's days, the weekly chart.
fn statistics(ctx: &TestCtx, app: &App, label: &str) -> Result<()> {
    app.click("history-tab-statistics")?;
    app.wait_testid("stats-heatmap", UI_TIMEOUT)?;
    let focus = app.text_of("stats-focus")?.unwrap_or_default();
    ensure!(focus.chars().any(|c| c.is_ascii_digit() && c != '0'), "a year of focus time: {focus:?}");
    wait_for(UI_TIMEOUT, "a heatmap cell per day", || {
        Ok((app.attrs_of("stats-day", "aria-label")?.len() >= 28).then_some(()))
    })?;
    ctx.screenshot(&format!("statistics-{label}"))?;
    Ok(())
}

/// Last week's review: its lists, then one click plans every open commitment. Returns how many.
fn review(ctx: &TestCtx, app: &App, data_dir: &Path) -> Result<usize> {
    app.click("history-tab-review")?;
    app.wait_testid("review-plan", UI_TIMEOUT)?;
    app.click("review-previous")?;
    // This week's lists stay on screen until last week's answer: wait for the week to change
    // (its "this week" button appears) before reading anything.
    wait_for(UI_TIMEOUT, "last week's commitments", || {
        Ok((app.has("review-this-week")?
            && app.has("review-not-done")?
            && app.has("review-done")?
            && app.has("review-notes")?)
        .then_some(()))
    })?;
    ensure!(!app.has("review-next")? || app.attr_of("review-next", "disabled")?.is_none(), "last week has a next week");
    // The week's own open commitments (older slipping ones are offered one by one).
    let pressed = || -> Result<Vec<String>> {
        let v = js(
            app,
            "return [...document.querySelectorAll('[data-testid=review-partly] [data-testid=review-plan-one], \
             [data-testid=review-not-done] [data-testid=review-plan-one]')].map((b) => b.getAttribute('aria-pressed'));",
        )?;
        Ok(v.as_array().into_iter().flatten().filter_map(|p| p.as_str().map(str::to_owned)).collect())
    };
    let open = pressed()?;
    ensure!(!open.is_empty() && open.iter().all(|p| p == "false"), "open commitments, none planned yet: {open:?}");
    ctx.screenshot("review-en-light")?;
    for (part, testid) in [("lists", "review-partly"), ("notes", "review-notes"), ("reminder", "review-reminder")] {
        app.session.execute(
            "document.querySelector(arguments[0]).scrollIntoView({ block: 'center' }); return null;",
            vec![json!(format!("[data-testid=\"{testid}\"]"))],
        )?;
        ctx.screenshot(&format!("review-{part}-en-light"))?;
    }

    app.click("review-plan-all")?;
    app.wait_testid("review-planned", UI_TIMEOUT)?;
    let now = pressed()?;
    ensure!(now.len() == open.len() && now.iter().all(|p| p == "true"), "all planned: {now:?}");
    let db = open_db(data_dir)?;
    let stored: i64 = db.query_row("SELECT COUNT(*) FROM planned_carries", [], |r| r.get(0))?;
    ensure!(stored as usize == open.len(), "{stored} planned in the database, {} shown", open.len());
    ctx.screenshot("review-planned-en-light")?;
    Ok(open.len())
}

/// Last week's plan is due this week: the next session starts with the planned commitments.
fn carried_into_the_next_session(app: &App, data_dir: &Path, planned: usize) -> Result<()> {
    let started = control(data_dir, &json!({ "action": "start", "template": "default" }))?;
    let commitments = started["value"]["commitments"].as_array().cloned().unwrap_or_default();
    ensure!(commitments.len() == planned.min(20), "{} of {planned} planned commitments taken in", commitments.len());
    ensure!(commitments.iter().all(|c| c["carriedFrom"].is_string()), "each linked to the one it continues");
    app.click("nav-home")?;
    wait_for(UI_TIMEOUT, "the commitment round on screen", || Ok(app.shown_phase()?.filter(|p| p == "commitment")))?;
    control(data_dir, &json!({ "action": "abandon" }))?;
    let db = open_db(data_dir)?;
    let left: i64 = db.query_row("SELECT COUNT(*) FROM planned_carries", [], |r| r.get(0))?;
    ensure!(left as usize == planned.saturating_sub(20), "the plan is used up: {left} left");
    Ok(())
}

/// The weekly notice: asked for on the review, set to a minute ahead; the clock moves past it,
/// the notice comes once, and its action opens the review.
fn reminder(ctx: &TestCtx, app: &App, data_dir: &Path) -> Result<()> {
    app.click("nav-history")?;
    app.click("history-tab-review")?;
    app.wait_testid("review-reminder-on", UI_TIMEOUT)?;
    app.click("review-reminder-on")?;
    app.wait_testid("review-reminder-saved", UI_TIMEOUT)?;
    let db = open_db(data_dir)?;
    let stored: String = db.query_row("SELECT value FROM settings WHERE key = 'review_reminder'", [], |r| r.get(0))?;
    ensure!(stored.contains("\"weekday\":7"), "Sunday evening is offered first: {stored}");

    // Two minutes ahead on the app's clock, in its zone.
    // The app's clock has not been moved yet: it is the system's.
    let at = (Utc::now() + chrono::Duration::minutes(2)).with_timezone(&Berlin);
    let reminder = json!({ "weekday": at.weekday().number_from_monday(), "minute": at.hour() * 60 + at.minute() });
    app.invoke("change_setting", json!({ "change": { "reviewReminder": reminder } }))?;
    app.click("nav-home")?;
    notify::dunstctl(&["close-all"])?;
    let notices_from = notify::log_len(&ctx.env.notify_log)?;
    control(data_dir, &json!({ "advanceClockMs": 150_000 }))?;
    wait_for(UI_TIMEOUT, "the review's notice", || {
        let notices = notify::notifications_since(&ctx.env.notify_log, notices_from)?;
        Ok(notices.iter().any(|n| n.summary.contains("weekly review")).then_some(()))
    })?;
    wait_for(UI_TIMEOUT, "dunst to show the notice", || {
        Ok((notify::dunstctl(&["count", "displayed"])?.trim() == "1").then_some(()))
    })?;
    ctx.screenshot("review-notice")?;
    notify::dunstctl(&["action", "0"])?;
    wait_for(UI_TIMEOUT, "the review, opened by the notice", || {
        Ok((app.attr_of("history-tab-review", "aria-selected")?.as_deref() == Some("true")).then_some(()))
    })?;
    // Once: a minute later there is no second one.
    control(data_dir, &json!({ "advanceClockMs": 60_000 }))?;
    std::thread::sleep(std::time::Duration::from_secs(2));
    let notices = notify::notifications_since(&ctx.env.notify_log, notices_from)?;
    let count = notices.iter().filter(|n| n.summary.contains("weekly review")).count();
    ensure!(count == 1, "one notice, not {count}");
    Ok(())
}
