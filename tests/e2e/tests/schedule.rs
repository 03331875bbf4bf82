//! Work blocks on a real desktop, on a clock the test moves: a block due in minutes reminds
//! through a real notice (seen by dbus-monitor, shown by dunst); its Start, chosen in the tray
//! menu, and its notice's Start button (the `ActionInvoked` signal sent on the bus, as dunst
//! sends it for a click), each start the block's session from the block's template; the daily
//! budget's "time to stop" comes once.

use std::path::Path;

use anyhow::{Result, ensure};
use chrono::{Timelike, Utc};
use chrono_tz::Europe::Berlin;
use serde_json::{Value, json};
use worktogether_e2e::app::{STARTUP_TIMEOUT, UI_TIMEOUT};
use worktogether_e2e::desktop::choose_tray_item;
use worktogether_e2e::notify::{self, dunstctl};
use worktogether_e2e::{App, TestCtx, control, open_db, wait_for, wait_for_control};

const ZONE: &str = "Europe/Berlin";

/// A one-off block `minutes` (and up to one more) from the app's clock, which the test has
/// moved `moved_ms` ahead, reminding ten minutes before, from `template`.
fn block_in(app: &App, title: &str, minutes: i64, moved_ms: i64, template: &str) -> Result<Value> {
    let app_now = Utc::now() + chrono::Duration::milliseconds(moved_ms);
    let at = (app_now + chrono::Duration::minutes(minutes + 1)).with_timezone(&Berlin);
    let draft = json!({
        "title": title, "templateId": template,
        "recurrence": { "first": at.date_naive(), "repeat": { "every": "once" }, "ends": { "ends": "never" } },
        "startMinute": at.hour() * 60 + at.minute(), "lengthMinutes": 60, "expectedMinutes": null, "remindMinutes": 10
    });
    app.invoke("save_block", json!({ "id": null, "draft": draft }))
}

/// The template name of the session in progress, as stored.
fn running_template(data_dir: &Path) -> Result<Option<String>> {
    let db = open_db(data_dir)?;
    let name = db.query_row("SELECT template_name FROM sessions WHERE status IN ('running','paused')", [], |r| {
        r.get::<_, String>(0)
    });
    match name {
        Ok(name) => Ok(Some(name)),
        Err(rusqlite::Error::QueryReturnedNoRows) => Ok(None),
        Err(e) => Err(e.into()),
    }
}

/// Waits for a notice whose summary contains `text`, after `from`; how many came.
fn wait_notice(ctx: &TestCtx, from: u64, text: &str) -> Result<usize> {
    wait_for(UI_TIMEOUT, &format!("a notice saying {text:?}"), || {
        let count =
            notify::notifications_since(&ctx.env.notify_log, from)?.iter().filter(|n| n.summary.contains(text)).count();
        Ok((count > 0).then_some(count))
    })
}

#[test]
#[ignore = "needs the display, bus, tray and notification server of `make e2e`"]
fn a_block_reminds_and_starts_from_the_tray_and_from_its_notice_and_the_budget_says_stop_once() -> Result<()> {
    let ctx = TestCtx::new("schedule")?;
    let data_dir = ctx.data_dir()?;
    let home = ctx.home()?;
    let env = [("HOME", home.as_str()), ("WORKTOGETHER_TEST_CLOCK", "1"), ("TZ", ZONE)];
    let app = App::launch_with_env(&ctx, &data_dir, "app", &env)?;
    let result = run(&ctx, &app, &data_dir);
    if result.is_err() {
        app.dump(&ctx, "failure");
    }
    result
}

fn run(ctx: &TestCtx, app: &App, data_dir: &Path) -> Result<()> {
    app.wait_testid("home", STARTUP_TIMEOUT)?;
    wait_for_control(data_dir)?;
    let plan = [("commitment", 300), ("focus", 1500), ("closing", 300)];
    let morning = app.save_template("Vormittag", &plan)?;
    let nap = app.save_template("Mittagsschlaf", &plan)?;
    dunstctl(&["close-all"])?;

    // A block twelve minutes ahead reminds in two; the clock moves three.
    block_in(app, "Angebot schreiben", 12, 0, &morning)?;
    let from = notify::log_len(&ctx.env.notify_log)?;
    control(data_dir, &json!({ "advanceClockMs": 180_000 }))?;
    wait_notice(ctx, from, "Angebot schreiben")?;
    ctx.screenshot("schedule-reminder")?;
    // The tray offers the same choice: its first item starts the block's session.
    choose_tray_item(1)?;
    wait_for(UI_TIMEOUT, "the block's session, started from the tray", || {
        Ok(running_template(data_dir)?.filter(|t| t == "Vormittag"))
    })?;
    let linked: i64 = open_db(data_dir)?.query_row(
        "SELECT COUNT(*) FROM block_days WHERE session_id = (SELECT id FROM sessions WHERE status = 'running')",
        [],
        |r| r.get(0),
    )?;
    ensure!(linked == 1, "the session is linked to the block's day");
    // Once: a minute later no second reminder.
    control(data_dir, &json!({ "advanceClockMs": 60_000 }))?;
    std::thread::sleep(std::time::Duration::from_secs(2));
    let count = notify::notifications_since(&ctx.env.notify_log, from)?
        .iter()
        .filter(|n| n.summary.contains("Angebot schreiben"))
        .count();
    ensure!(count == 1, "one reminder, not {count}");
    app.invoke("abandon_session", json!({}))?;

    // The next block reminds; its notice's Start button starts it.
    dunstctl(&["close-all"])?;
    block_in(app, "Mittagsschlaf-Fenster", 12, 240_000, &nap)?;
    let from = notify::log_len(&ctx.env.notify_log)?;
    control(data_dir, &json!({ "advanceClockMs": 180_000 }))?;
    wait_notice(ctx, from, "Mittagsschlaf-Fenster")?;
    // Clicked before it closes: a closed notice's listener has stopped listening.
    let reminder = notify::next_id()? - 1;
    notify::invoke_action(reminder, "start")?;
    wait_for(UI_TIMEOUT, "the block's session, started from its notice", || {
        Ok(running_template(data_dir)?.filter(|t| t == "Mittagsschlaf"))
    })?;

    // A budget of one minute a day: once a minute of focus is done, "time to stop", once.
    app.invoke("change_setting", json!({ "change": { "dailyBudget": [1, 1, 1, 1, 1, 1, 1] } }))?;
    app.invoke("skip_phase", json!({}))?;
    let from = notify::log_len(&ctx.env.notify_log)?;
    control(data_dir, &json!({ "advanceClockMs": 90_000 }))?;
    wait_notice(ctx, from, "Time to stop")?;
    control(data_dir, &json!({ "advanceClockMs": 90_000 }))?;
    std::thread::sleep(std::time::Duration::from_secs(2));
    let stops =
        notify::notifications_since(&ctx.env.notify_log, from)?.iter().filter(|n| n.summary == "Time to stop").count();
    ensure!(stops == 1, "the budget's notice comes once, not {stops} times");
    Ok(())
}
