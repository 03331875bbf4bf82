//! When a room's planned sessions happen: RFC 5545 rules evaluated by the `rrule` crate in
//! the entry's own time zone, so "every Tuesday at 9" stays at 9 across DST changes.

use crate::error::{AppError, Result};
use chrono::{DateTime, Duration, Utc};
use rrule::{RRuleSet, Tz};
use worktogether_room_protocol::{Occurrence, ScheduleEntry, ScheduleEntryDraft};

/// Most entries in a room's schedule.
pub const ENTRIES_MAX: usize = 50;
/// A planned session lasts at most a day.
pub const DURATION_MAX_MINUTES: u32 = 24 * 60;
/// How far ahead `upcoming` looks, and how many occurrences it lists at most.
const LOOKAHEAD_DAYS: i64 = 62;
const UPCOMING_MAX: usize = 100;

/// The entry's rule set: its RRULE, or a single occurrence for a one-off entry.
fn rule_set(starts_at: &chrono::NaiveDateTime, time_zone: &str, rrule: Option<&str>) -> Result<RRuleSet> {
    let tz: chrono_tz::Tz = time_zone.parse().map_err(|_| {
        AppError::invalid(format!("unknown time zone {time_zone:?}; use an IANA name such as Europe/Berlin"))
    })?;
    let rule = rrule.unwrap_or("FREQ=DAILY;COUNT=1");
    if rule.contains(['\n', '\r', ':']) || rule.to_ascii_uppercase().contains("DTSTART") {
        return Err(AppError::invalid("the rule is the RRULE value only, e.g. FREQ=WEEKLY;BYDAY=TU"));
    }
    let text = format!("DTSTART;TZID={}:{}\nRRULE:{rule}", tz.name(), starts_at.format("%Y%m%dT%H%M%S"));
    text.parse::<RRuleSet>().map_err(|e| AppError::invalid(format!("impossible schedule rule: {e}")))
}

/// Checks a draft: the time zone exists, the rule parses and yields at least one date.
pub fn validate(draft: &ScheduleEntryDraft) -> Result<()> {
    if draft.duration_minutes == 0 || draft.duration_minutes > DURATION_MAX_MINUTES {
        return Err(AppError::invalid(format!("a planned session lasts 1 to {DURATION_MAX_MINUTES} minutes")));
    }
    let set = rule_set(&draft.starts_at, &draft.time_zone, draft.rrule.as_deref())?;
    if set.all(1).dates.is_empty() {
        return Err(AppError::invalid("the rule never happens"));
    }
    Ok(())
}

/// The occurrences of `entries` from `now` on, soonest first.
pub fn upcoming(entries: &[ScheduleEntry], now: DateTime<Utc>) -> Vec<Occurrence> {
    let until = now + Duration::days(LOOKAHEAD_DAYS);
    let mut all = Vec::new();
    for e in entries {
        let Ok(set) = rule_set(&e.starts_at, &e.time_zone, e.rrule.as_deref()) else {
            continue; // validated when stored; a time zone database change could still drop one
        };
        let length = Duration::minutes(i64::from(e.duration_minutes));
        // Sessions already running count as upcoming until they end.
        let from = (now - length).with_timezone(&Tz::UTC);
        let result = set.after(from).before(until.with_timezone(&Tz::UTC)).all(UPCOMING_MAX as u16);
        all.extend(result.dates.into_iter().map(|start| {
            let starts_at = start.with_timezone(&Utc);
            Occurrence { entry_id: e.id, title: e.title.clone(), starts_at, ends_at: starts_at + length }
        }));
    }
    all.sort_by_key(|o| o.starts_at);
    all.truncate(UPCOMING_MAX);
    all
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{NaiveDate, TimeZone};

    fn draft(rrule: Option<&str>) -> ScheduleEntryDraft {
        ScheduleEntryDraft {
            title: "Worktogether".into(),
            starts_at: NaiveDate::from_ymd_opt(2026, 3, 3).unwrap().and_hms_opt(9, 0, 0).unwrap(),
            time_zone: "Europe/Berlin".into(),
            duration_minutes: 130,
            rrule: rrule.map(str::to_owned),
        }
    }

    fn entry(d: ScheduleEntryDraft) -> ScheduleEntry {
        ScheduleEntry {
            id: uuid::Uuid::nil(),
            title: d.title,
            starts_at: d.starts_at,
            time_zone: d.time_zone,
            duration_minutes: d.duration_minutes,
            rrule: d.rrule,
        }
    }

    #[test]
    fn weekly_sessions_keep_their_local_time_across_dst() {
        let e = entry(draft(Some("FREQ=WEEKLY;BYDAY=TU")));
        let now = Utc.with_ymd_and_hms(2026, 3, 20, 0, 0, 0).unwrap();
        let next = upcoming(&[e], now);
        // Berlin changes to summer time on 29 March 2026: 9:00 is 08:00 UTC before, 07:00 after.
        assert_eq!(next[0].starts_at, Utc.with_ymd_and_hms(2026, 3, 24, 8, 0, 0).unwrap());
        assert_eq!(next[1].starts_at, Utc.with_ymd_and_hms(2026, 3, 31, 7, 0, 0).unwrap());
        assert_eq!(next[1].ends_at - next[1].starts_at, Duration::minutes(130));
    }

    #[test]
    fn a_one_off_entry_happens_once_and_is_gone_afterwards() {
        let e = entry(draft(None));
        let before = Utc.with_ymd_and_hms(2026, 3, 1, 0, 0, 0).unwrap();
        assert_eq!(upcoming(std::slice::from_ref(&e), before).len(), 1);
        let after = Utc.with_ymd_and_hms(2026, 3, 4, 0, 0, 0).unwrap();
        assert!(upcoming(&[e], after).is_empty());
    }

    #[test]
    fn impossible_rules_and_zones_are_refused() {
        assert!(validate(&draft(Some("FREQ=MONTHLY;BYDAY=1TU"))).is_ok());
        assert!(validate(&draft(Some("FREQ=SOMETIMES"))).is_err());
        assert!(validate(&draft(Some("FREQ=WEEKLY\nRRULE:FREQ=DAILY"))).is_err());
        assert!(validate(&draft(Some("FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30"))).is_err(), "30 February never happens");
        let mut d = draft(None);
        d.time_zone = "Mars/Olympus".into();
        assert!(validate(&d).is_err());
        d = draft(None);
        d.duration_minutes = 0;
        assert!(validate(&d).is_err());
    }
}
