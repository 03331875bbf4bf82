//! A room's schedule in the app: the upcoming sessions the server computes from its RRULE
//! entries, shown in the room's view, and a reminder notice before each one.
//!
//! The reminders run on one task for all rooms. It sleeps until the next reminder is due (on
//! the wall clock, `alarm.rs`, which also wakes it after a sleep of the computer), and is
//! woken when a schedule changes. A reminder whose time passed while
//! the computer slept is given once, late, as long as the session has not begun.

use super::Rooms;
use crate::notifier::Notice;
use crate::state::AppState;
use chrono::{DateTime, Duration, Local, Utc};
use std::collections::HashSet;
use tauri::{AppHandle, Manager, Runtime};
use uuid::Uuid;
use worktogether_sync::protocol::Occurrence;

/// The longest the reminder task sleeps without looking at the clock, where no alarm ends its
/// wait at a resume or a change of the clock.
const COARSE_LOOK: std::time::Duration = std::time::Duration::from_secs(60);

/// One reminder: the room, its name and the occurrence.
#[derive(Debug, Clone, PartialEq)]
pub struct Due {
    pub membership: Uuid,
    pub room: String,
    pub occurrence: Occurrence,
}

/// The reminders due at `now`, `before` each session, that were not given yet, and when the
/// next one is due. A reminder is given until its session begins (one "at the start" until
/// its session ends), so one whose time passed during a sleep comes once, late.
pub fn due(
    upcoming: &[(Uuid, String, Occurrence)],
    reminded: &HashSet<(Uuid, DateTime<Utc>)>,
    before: Duration,
    now: DateTime<Utc>,
) -> (Vec<Due>, Option<DateTime<Utc>>) {
    let mut due = Vec::new();
    let mut next = None::<DateTime<Utc>>;
    for (membership, room, occurrence) in upcoming {
        let too_late = if before.is_zero() { occurrence.ends_at } else { occurrence.starts_at };
        if reminded.contains(&(occurrence.entry_id, occurrence.starts_at)) || too_late <= now {
            continue;
        }
        let at = occurrence.starts_at - before;
        if at <= now {
            due.push(Due { membership: *membership, room: room.clone(), occurrence: occurrence.clone() });
        } else {
            next = Some(next.map_or(at, |n| n.min(at)));
        }
    }
    (due, next)
}

/// Gives the rooms' reminders, as long before as the settings say, for as long as the app
/// runs. Woken when a schedule or the setting changes.
pub async fn remind<R: Runtime>(app: AppHandle<R>) {
    let mut reminded = HashSet::new();
    let mut alarm = crate::alarm::Alarm::new();
    loop {
        let (Some(rooms), Some(state)) = (app.try_state::<Rooms>(), app.try_state::<AppState>()) else { return };
        let minutes = state.with_store(|s| s.settings()).map(|s| s.room_reminder_minutes).unwrap_or_else(|e| {
            log::warn!("the reminder setting could not be read: {}", e.message);
            None
        });
        let next = match minutes {
            Some(minutes) => {
                let (due_now, next) = due(&rooms.upcoming(), &reminded, Duration::minutes(minutes.into()), Utc::now());
                for reminder in due_now {
                    reminded.insert((reminder.occurrence.entry_id, reminder.occurrence.starts_at));
                    notify(&app, &reminder);
                }
                next
            }
            None => None,
        };
        // The occurrences are instants from the server: a change of time zone moves none.
        tokio::select! {
            () = alarm.until(next.unwrap_or(DateTime::<Utc>::MAX_UTC), COARSE_LOOK) => {}
            () = rooms.schedule_changed.notified() => {}
        }
    }
}

/// The reminder setting changed: the reminders look again.
pub fn setting_changed<R: Runtime>(app: &AppHandle<R>) {
    if let Some(rooms) = app.try_state::<Rooms>() {
        rooms.schedule_changed.notify_one();
    }
}

fn notify<R: Runtime>(app: &AppHandle<R>, reminder: &Due) {
    let Some(state) = app.try_state::<AppState>() else { return };
    let catalog = state.catalog();
    let starts = reminder.occurrence.starts_at.with_timezone(&Local).format("%H:%M").to_string();
    let notice = Notice {
        summary: catalog.t(
            "notify.room.reminder",
            &[("room", reminder.room.clone()), ("title", reminder.occurrence.title.clone()), ("time", starts)],
        ),
        body: catalog.t("notify.room.reminder_body", &[]),
    };
    let handle = app.clone();
    state.notifier.send_with_action(
        notice,
        catalog.t("notify.room.open", &[]),
        Box::new(move || crate::windows::show_main(&handle)),
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn occurrence(entry: Uuid, at: DateTime<Utc>) -> Occurrence {
        Occurrence { entry_id: entry, title: "Weekly".into(), starts_at: at, ends_at: at + Duration::hours(1) }
    }

    #[test]
    fn a_reminder_is_due_ten_minutes_before_once_and_never_after_the_start() {
        let nine = Utc.with_ymd_and_hms(2026, 12, 7, 9, 0, 0).unwrap();
        let (room, entry) = (Uuid::nil(), Uuid::now_v7());
        let upcoming = vec![(room, "Office".to_owned(), occurrence(entry, nine))];
        let ten = Duration::minutes(10);
        let mut reminded = HashSet::new();
        let (none, next) = due(&upcoming, &reminded, ten, nine - Duration::minutes(30));
        assert!(none.is_empty());
        assert_eq!(next, Some(nine - ten));
        // Late after a sleep: still given, once.
        let (late, _) = due(&upcoming, &reminded, ten, nine - Duration::minutes(3));
        assert_eq!(late.len(), 1);
        reminded.insert((entry, nine));
        assert!(due(&upcoming, &reminded, ten, nine - Duration::minutes(2)).0.is_empty(), "once");
        assert!(due(&upcoming, &HashSet::new(), ten, nine).0.is_empty(), "not once it began");
    }

    #[test]
    fn a_reminder_at_the_start_comes_at_the_start_and_late_while_the_session_lasts() {
        let nine = Utc.with_ymd_and_hms(2026, 12, 7, 9, 0, 0).unwrap();
        let entry = Uuid::now_v7();
        let upcoming = vec![(Uuid::nil(), "Office".to_owned(), occurrence(entry, nine))];
        let at_start = Duration::zero();
        let (none, next) = due(&upcoming, &HashSet::new(), at_start, nine - Duration::seconds(1));
        assert!(none.is_empty());
        assert_eq!(next, Some(nine));
        assert_eq!(due(&upcoming, &HashSet::new(), at_start, nine).0.len(), 1);
        assert_eq!(due(&upcoming, &HashSet::new(), at_start, nine + Duration::minutes(20)).0.len(), 1, "late");
        assert!(due(&upcoming, &HashSet::new(), at_start, nine + Duration::hours(1)).0.is_empty(), "over");
    }
}
