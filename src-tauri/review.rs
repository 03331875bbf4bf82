//! The weekly review in the shell: its commands (the review of a week, and the plan of what to
//! carry into the next one, through the application layer), and the weekly notice that
//! invites to it when the person asked for one (setting `reviewReminder`).
//!
//! The notice runs on a task of its own. It sleeps until the reminder's next moment in the
//! person's zone, or a minute at most (tokio's timers stop while the computer sleeps, so the
//! coarse look is what notices a wake-up). A moment that passed while the computer slept is
//! given once, late, up to [`LATE_AT_MOST`] after it; one that passed while the app was closed
//! is not given (the app does not know whether it was seen).

use crate::error::ApiError;
use crate::events::{UiEvent, emit};
use crate::notifier::Notice;
use crate::state::AppState;
use chrono::{Datelike, Days, LocalResult, NaiveDate, NaiveTime, TimeDelta, TimeZone};
use chrono_tz::Tz;
use tauri::{AppHandle, Manager, Runtime, State};
use tokio::sync::Notify;
use uuid::Uuid;
use worktogether_core::app::Action;
use worktogether_core::review::{WeeklyReview, week_of};
use worktogether_core::stats::{day_start, local_day};
use worktogether_core::{ReviewReminder, Timestamp};

type Result<T> = std::result::Result<T, ApiError>;

/// The longest the reminder task sleeps without looking at the clock, where no alarm ends its
/// wait at a resume or a change of the clock.
const COARSE_LOOK: std::time::Duration = std::time::Duration::from_secs(60);
/// A notice more than this late (the computer slept through the evening) is not worth giving.
const LATE_AT_MOST: TimeDelta = TimeDelta::hours(12);

/// Wakes the reminder task: the setting changed, or a test moved the clock.
#[derive(Default)]
pub struct ReviewReminders {
    wake: Notify,
}

/// The review of the week that holds `day` (today when `None`), in the person's zone.
#[tauri::command]
#[specta::specta]
pub async fn weekly_review(state: State<'_, AppState>, day: Option<NaiveDate>) -> Result<WeeklyReview> {
    let zone = crate::zone::person_zone();
    state.read(|s, now| {
        let today = local_day(zone, now);
        s.weekly_review(day.unwrap_or(today), zone, today)
    })
}

/// Carries commitments `ids` into the first commitment round of the week after the one that
/// holds `week` (from that Monday's start in the person's zone).
#[tauri::command]
#[specta::specta]
pub async fn plan_carries<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    ids: Vec<Uuid>,
    week: NaiveDate,
) -> Result<()> {
    let next_monday = week_of(week).last() + Days::new(1);
    let due_at = day_start(crate::zone::person_zone(), next_monday);
    state.apply(&app, Action::PlanCarries { ids, due_at }).map(|_| ())
}

/// Takes commitments `ids` off the plan.
#[tauri::command]
#[specta::specta]
pub async fn unplan_carries<R: Runtime>(app: AppHandle<R>, state: State<'_, AppState>, ids: Vec<Uuid>) -> Result<()> {
    state.apply(&app, Action::UnplanCarries { ids }).map(|_| ())
}

/// The instant `day` at `minute` in `zone`. A time the clocks skip (spring forward) moves on
/// by the hour they skip; a time they pass twice (fall back) is its first passing.
fn local_instant(zone: Tz, day: NaiveDate, minute: u16) -> Timestamp {
    let time = NaiveTime::from_num_seconds_from_midnight_opt(u32::from(minute) * 60, 0).unwrap_or(NaiveTime::MIN);
    let local = day.and_time(time);
    match zone.from_local_datetime(&local) {
        LocalResult::Single(t) | LocalResult::Ambiguous(t, _) => t.to_utc(),
        LocalResult::None => zone
            .from_local_datetime(&(local + TimeDelta::hours(1)))
            .earliest()
            .map_or_else(|| day_start(zone, day + Days::new(1)), |t| t.to_utc()),
    }
}

/// The reminder's first moment after `after`.
pub fn next_after(reminder: ReviewReminder, zone: Tz, after: Timestamp) -> Timestamp {
    let today = local_day(zone, after);
    let ahead = (u32::from(reminder.weekday) + 7 - today.weekday().number_from_monday()) % 7;
    let day = today + Days::new(u64::from(ahead));
    let at = local_instant(zone, day, reminder.minute);
    if at > after { at } else { local_instant(zone, day + Days::new(7), reminder.minute) }
}

/// What the task does at `now`, having given every moment up to `given`: the moment to give
/// now (if one passed, not too long ago), the new `given`, and when to look next.
pub fn look(
    reminder: ReviewReminder,
    zone: Tz,
    given: Timestamp,
    now: Timestamp,
) -> (Option<Timestamp>, Timestamp, Timestamp) {
    let mut at = next_after(reminder, zone, given);
    let mut due = None;
    // After a long sleep several moments may have passed: the latest counts, once.
    while at <= now {
        due = Some(at);
        at = next_after(reminder, zone, at);
    }
    (due.filter(|&d| now - d <= LATE_AT_MOST), now.max(given), at)
}

/// Gives the weekly review's notice, for as long as the app runs.
pub async fn remind<R: Runtime>(app: AppHandle<R>) {
    app.manage(ReviewReminders::default());
    let Some(state) = app.try_state::<AppState>() else { return };
    let mut given = state.now();
    let mut setting = None;
    let mut alarm = crate::alarm::Alarm::new();
    loop {
        let reminder = state.with_store(|s| s.settings()).map(|s| s.review_reminder).unwrap_or_else(|e| {
            log::warn!("the review reminder setting could not be read: {}", e.message);
            None
        });
        let now = state.now();
        // A new choice counts from now: a moment earlier this week is not given late.
        if reminder != setting {
            setting = reminder;
            given = now;
        }
        let next = match reminder {
            Some(reminder) => {
                let (due, next_given, next) = look(reminder, crate::zone::person_zone(), given, now);
                given = next_given;
                if let Some(due) = due {
                    notify(&app, now - due > TimeDelta::minutes(1));
                }
                next.min(now + crate::alarm::ZONE_LOOK)
            }
            // Only a new setting (which wakes the task) can bring a reminder.
            None => Timestamp::MAX_UTC,
        };
        let Some(reminders) = app.try_state::<ReviewReminders>() else { return };
        tokio::select! {
            () = alarm.until(state.system_time(next), COARSE_LOOK) => {}
            () = reminders.wake.notified() => {}
        }
    }
}

/// The setting changed or the clock moved: the task looks again.
pub fn wake<R: Runtime>(app: &AppHandle<R>) {
    if let Some(reminders) = app.try_state::<ReviewReminders>() {
        reminders.wake.notify_one();
    }
}

fn notify<R: Runtime>(app: &AppHandle<R>, late: bool) {
    let Some(state) = app.try_state::<AppState>() else { return };
    let catalog = state.catalog();
    let notice = Notice {
        summary: catalog.t(if late { "notify.review.late" } else { "notify.review.title" }, &[]),
        body: catalog.t("notify.review.body", &[]),
    };
    let handle = app.clone();
    state.notifier.send_with_action(
        notice,
        catalog.t("notify.review.open", &[]),
        Box::new(move || {
            crate::windows::show_main(&handle);
            emit(&handle, UiEvent::ShowReview);
        }),
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Utc;
    use chrono_tz::Europe::Berlin;

    fn utc(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> Timestamp {
        Utc.with_ymd_and_hms(y, mo, d, h, mi, 0).unwrap()
    }

    const SUNDAY_18: ReviewReminder = ReviewReminder::SUNDAY_EVENING;

    #[test]
    fn the_next_sunday_evening_in_the_persons_zone() {
        // Thursday 2026-12-03, 10:00 CET → Sunday 2026-12-06, 18:00 CET = 17:00Z.
        assert_eq!(next_after(SUNDAY_18, Berlin, utc(2026, 12, 3, 9, 0)), utc(2026, 12, 6, 17, 0));
        // On the moment itself: the one a week later.
        assert_eq!(next_after(SUNDAY_18, Berlin, utc(2026, 12, 6, 17, 0)), utc(2026, 12, 13, 17, 0));
        // Sunday before 18:00: the same day.
        assert_eq!(next_after(SUNDAY_18, Berlin, utc(2026, 12, 6, 16, 59)), utc(2026, 12, 6, 17, 0));
        // In summer time: 18:00 CEST = 16:00Z.
        assert_eq!(next_after(SUNDAY_18, Berlin, utc(2026, 7, 1, 9, 0)), utc(2026, 7, 5, 16, 0));
        // Monday 00:00 in the zone is still Sunday 23:00Z.
        let monday_9 = ReviewReminder { weekday: 1, minute: 9 * 60 };
        assert_eq!(next_after(monday_9, Berlin, utc(2026, 12, 6, 23, 30)), utc(2026, 12, 7, 8, 0));
    }

    #[test]
    fn a_time_the_clocks_skip_comes_an_hour_later_and_a_doubled_one_once() {
        // 2026-03-29 02:30 does not exist in Berlin: 03:30 CEST = 01:30Z.
        let skipped = ReviewReminder { weekday: 7, minute: 2 * 60 + 30 };
        assert_eq!(next_after(skipped, Berlin, utc(2026, 3, 28, 12, 0)), utc(2026, 3, 29, 1, 30));
        // 2026-10-25 02:30 happens twice: the first, in CEST = 00:30Z.
        assert_eq!(next_after(skipped, Berlin, utc(2026, 10, 24, 12, 0)), utc(2026, 10, 25, 0, 30));
        assert_eq!(next_after(skipped, Berlin, utc(2026, 10, 25, 0, 30)), utc(2026, 11, 1, 1, 30));
    }

    #[test]
    fn a_notice_comes_once_on_time_and_once_late_after_a_sleep() {
        let start = utc(2026, 12, 3, 9, 0);
        // Before the moment: nothing, look again at it.
        let (due, given, next) = look(SUNDAY_18, Berlin, start, utc(2026, 12, 6, 16, 0));
        assert_eq!((due, next), (None, utc(2026, 12, 6, 17, 0)));
        // At it: given.
        let (due, given, next) = look(SUNDAY_18, Berlin, given, utc(2026, 12, 6, 17, 0));
        assert_eq!(due, Some(utc(2026, 12, 6, 17, 0)));
        assert_eq!(next, utc(2026, 12, 13, 17, 0));
        // A minute later: not again.
        let (due, given, _) = look(SUNDAY_18, Berlin, given, utc(2026, 12, 6, 17, 1));
        assert_eq!(due, None);
        // Asleep across the next one, awake three hours later: given once, late.
        let (due, given, _) = look(SUNDAY_18, Berlin, given, utc(2026, 12, 13, 20, 0));
        assert_eq!(due, Some(utc(2026, 12, 13, 17, 0)));
        assert_eq!(look(SUNDAY_18, Berlin, given, utc(2026, 12, 13, 20, 1)).0, None);
        // Asleep for three weeks: the latest, if not too late; here it is a day late, so none.
        let (due, _, next) = look(SUNDAY_18, Berlin, given, utc(2027, 1, 4, 17, 0));
        assert_eq!(due, None);
        assert_eq!(next, utc(2027, 1, 10, 17, 0));
    }
}
