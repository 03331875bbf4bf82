//! The work blocks' reminders (Start / Snooze 15 min / Skip today) and the daily budget's
//! "time to stop", on one task.
//!
//! It sleeps until the next reminder or the moment the budget is reached (on the wall clock:
//! `alarm.rs`; a change of time zone shows within [`crate::alarm::ZONE_LOOK`]), and is woken
//! when the schedule, the settings or the session change. Occurrences are computed from
//! the rules at each look, so midnight, days the app was closed and DST changes need nothing.
//! What was reminded is stored, so a reminder comes once, also across a restart.

use crate::notifier::{Notice, NoticeAction};
use crate::state::AppState;
use chrono::{Local, TimeDelta};
use tauri::{AppHandle, Manager, Runtime};
use tokio::sync::Notify;
use worktogether_core::app::Action;
use worktogether_core::schedule::reminders::SNOOZE_MINUTES;
use worktogether_core::schedule::{BlockDay, Exception, Reminder};
use worktogether_core::stats::local_day;
use worktogether_core::{PhaseKind, SessionStatus, Timestamp};

/// The longest the task sleeps without looking at the clock, where no alarm ends its wait at a
/// resume or a change of the clock.
const COARSE_LOOK: std::time::Duration = std::time::Duration::from_secs(60);

/// Wakes the task: the schedule, the settings or the session changed, or a test moved the clock.
#[derive(Default)]
pub struct Reminders {
    wake: Notify,
}

/// Looks again now.
pub fn wake<R: Runtime>(app: &AppHandle<R>) {
    if let Some(reminders) = app.try_state::<Reminders>() {
        reminders.wake.notify_one();
    }
}

/// Gives the reminders and the budget's notice for as long as the app runs.
pub async fn run<R: Runtime>(app: AppHandle<R>) {
    app.manage(Reminders::default());
    let Some(state) = app.try_state::<AppState>() else { return };
    let mut alarm = crate::alarm::Alarm::new();
    loop {
        let now = state.now();
        let next = [remind(&app, &state, now), budget(&app, &state, now)].into_iter().flatten().min();
        let at = next.unwrap_or(Timestamp::MAX_UTC).min(now + crate::alarm::ZONE_LOOK);
        let Some(reminders) = app.try_state::<Reminders>() else { return };
        tokio::select! {
            () = alarm.until(state.system_time(at), COARSE_LOOK) => {}
            () = reminders.wake.notified() => {}
        }
    }
}

/// Gives the reminders due at `now`; when the next one is due.
fn remind<R: Runtime>(app: &AppHandle<R>, state: &AppState, now: Timestamp) -> Option<Timestamp> {
    let zone = crate::zone::person_zone();
    let look = match state.with_store(|s| s.reminders(zone, now)) {
        Ok(look) => look,
        Err(e) => {
            log::warn!("the work blocks' reminders could not be read: {}", e.message);
            return None;
        }
    };
    let mut items = look.quietly.clone();
    items.extend(look.give.iter().map(|r| BlockDay::from(&r.occurrence)));
    if !items.is_empty() {
        // Stored first: a reminder is given once, even if the app ends right after.
        if let Err(e) = state.apply(app, Action::RemindersGiven { items }) {
            log::warn!("a reminder could not be recorded: {}", e.message);
            return look.next;
        }
    }
    for reminder in &look.give {
        notify(app, state, reminder);
    }
    if !look.give.is_empty() {
        // The tray offers the same choices.
        state.tray_wake.notify_one();
    }
    look.next
}

fn notify<R: Runtime>(app: &AppHandle<R>, state: &AppState, reminder: &Reminder) {
    let catalog = state.catalog();
    let o = &reminder.occurrence;
    let time = o.starts_at.with_timezone(&Local).format("%H:%M").to_string();
    let summary = if reminder.late { "notify.block.late" } else { "notify.block.title" };
    let body = match o.expected_minutes {
        Some(minutes) => catalog.t(
            "notify.block.window",
            &[("end", o.ends_at.with_timezone(&Local).format("%H:%M").to_string()), ("minutes", minutes.to_string())],
        ),
        None => catalog.t("notify.block.body", &[]),
    };
    let notice = Notice { summary: catalog.t(summary, &[("title", o.title.clone()), ("time", time)]), body };
    let at = BlockDay::from(o);
    let act = |action: Action| {
        let app = app.clone();
        Box::new(move || {
            let Some(state) = app.try_state::<AppState>() else { return };
            let starts = matches!(action, Action::StartBlock { .. });
            match state.apply(&app, action) {
                Ok(_) if starts => crate::windows::show_main(&app),
                Ok(_) => {}
                Err(e) => log::warn!("a reminder's choice was refused: {}", e.message),
            }
        }) as Box<dyn FnOnce() + Send>
    };
    let actions = vec![
        NoticeAction {
            ids: &["default", "start"],
            label: catalog.t("notify.block.start", &[]),
            on_click: act(Action::StartBlock { at }),
        },
        NoticeAction {
            ids: &["snooze"],
            label: catalog.t("notify.block.snooze", &[("minutes", SNOOZE_MINUTES.to_string())]),
            on_click: act(Action::SnoozeBlock { at, minutes: SNOOZE_MINUTES }),
        },
        NoticeAction {
            ids: &["skip"],
            label: catalog.t("notify.block.skip", &[]),
            on_click: act(Action::ChangeOccurrence {
                block_id: at.block_id,
                day: at.day,
                exception: Some(Exception::Skip),
            }),
        },
    ];
    state.notifier.send_with_actions(notice, actions);
}

/// Says "time to stop" once a day, when today's focus reaches its budget; when that will be
/// if a focus phase runs now.
fn budget<R: Runtime>(app: &AppHandle<R>, state: &AppState, now: Timestamp) -> Option<Timestamp> {
    let zone = crate::zone::person_zone();
    let today = local_day(zone, now);
    let read = state.with_store(|s| {
        let budget = s.daily_budget()?.of(today);
        let given = s.budget_notice_day()? == Some(today);
        let focus = s.focus_on(zone, today, now)?;
        let focusing = s.current_session(now)?.is_some_and(|v| {
            v.status == SessionStatus::Running && v.phase.as_ref().is_some_and(|p| p.kind == PhaseKind::Focus)
        });
        Ok((budget, given, focus, focusing))
    });
    let (budget, given, focus, focusing) = match read {
        Ok(read) => read,
        Err(e) => {
            log::warn!("the daily budget could not be read: {}", e.message);
            return None;
        }
    };
    let budget_secs = u64::from(budget?) * 60;
    if given {
        return None;
    }
    if focus >= budget_secs {
        if let Err(e) = state.apply(app, Action::BudgetNoticeGiven { day: today }) {
            log::warn!("the budget's notice could not be recorded: {}", e.message);
            return None;
        }
        let catalog = state.catalog();
        let minutes = budget_secs / 60;
        let budget = match minutes % 60 {
            0 => catalog.t("notify.budget.hours", &[("hours", (minutes / 60).to_string())]),
            m => catalog
                .t("notify.budget.hours_minutes", &[("hours", (minutes / 60).to_string()), ("minutes", m.to_string())]),
        };
        state.notifier.send(Notice {
            summary: catalog.t("notify.budget.title", &[]),
            body: catalog.t("notify.budget.body", &[("budget", budget)]),
        });
        return None;
    }
    // Looks again when the budget would be reached, if the focus goes on until then.
    focusing.then(|| now + TimeDelta::seconds((budget_secs - focus) as i64))
}
