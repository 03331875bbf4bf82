//! When a room's planned sessions happen: RFC 5545 rules evaluated by the `rrule` crate in
//! the entry's own time zone, so "every Tuesday at 9" stays at 9 across DST changes.

use crate::error::{AppError, Result};
use chrono::{DateTime, Duration, Utc};
use rrule::{Frequency, RRuleSet, Tz};
use std::time::Instant;
use worktogether_room_protocol::{Occurrence, ScheduleEntry, ScheduleEntryDraft};

/// Most entries in a room's schedule.
pub const ENTRIES_MAX: usize = 50;
/// A planned session lasts at most a day.
pub const DURATION_MAX_MINUTES: u32 = 24 * 60;
/// How far before now a new entry may start. Occurrences are stepped through from the
/// start, so an old start makes every read slower; a long-running series is saved again
/// starting at a recent session.
pub const START_PAST_MAX_DAYS: i64 = 366;
/// Rooms meet at most a few times a day: rules repeat daily or less often (no HOURLY,
/// MINUTELY or SECONDLY), with at most this many sessions on one day.
pub const PER_DAY_MAX: usize = 4;
/// How far ahead `upcoming` looks, and how many occurrences it lists at most.
const LOOKAHEAD_DAYS: i64 = 62;
const UPCOMING_MAX: usize = 100;
/// Most occurrences stepped through for one entry on a read: a new entry needs at most
/// `PER_DAY_MAX × (START_PAST_MAX_DAYS + LOOKAHEAD_DAYS)` ≈ 1,700; this leaves room for
/// entries that have run for years (about 7 at four a day, 27 at one). An entry that needs
/// more, such as one stored before these limits, is left out of `upcoming`.
const STEPS_MAX: usize = 10_000;
/// Time one schedule's occurrences may take to compute; entries not reached by then are
/// left out of `upcoming`. It runs on a blocking thread, never on the async workers.
const BUDGET: std::time::Duration = std::time::Duration::from_millis(250);

/// The entry's rule set: its RRULE, or a single occurrence for a one-off entry. Limited:
/// `rrule` stops a search that finds nothing after its own step limit.
fn rule_set(starts_at: &chrono::NaiveDateTime, time_zone: &str, rrule: Option<&str>) -> Result<RRuleSet> {
    let tz: chrono_tz::Tz = time_zone
        .parse()
        .map_err(|_| AppError::invalid("unknown time zone; use an IANA name such as Europe/Berlin"))?;
    let rule = rrule.unwrap_or("FREQ=DAILY;COUNT=1");
    if rule.contains(['\n', '\r', ':']) || rule.to_ascii_uppercase().contains("DTSTART") {
        return Err(AppError::invalid("the rule is the RRULE value only, e.g. FREQ=WEEKLY;BYDAY=TU"));
    }
    let text = format!("DTSTART;TZID={}:{}\nRRULE:{rule}", tz.name(), starts_at.format("%Y%m%dT%H%M%S"));
    let set = text.parse::<RRuleSet>().map_err(|_| {
        AppError::invalid("impossible schedule rule; write an RRULE value such as FREQ=WEEKLY;BYDAY=TU")
    })?;
    Ok(set.limit())
}

/// Whether every rule of `set` repeats daily or less often, at most [`PER_DAY_MAX`] times a day.
fn bounded(set: &RRuleSet) -> bool {
    set.get_rrule().iter().all(|r| {
        let daily_or_less =
            matches!(r.get_freq(), Frequency::Daily | Frequency::Weekly | Frequency::Monthly | Frequency::Yearly);
        let per_day = [r.get_by_hour().len(), r.get_by_minute().len(), r.get_by_second().len()]
            .into_iter()
            .map(|n| n.max(1))
            .try_fold(1usize, usize::checked_mul);
        daily_or_less && per_day.is_some_and(|n| n <= PER_DAY_MAX)
    })
}

/// Checks a draft at `now`: the time zone exists, the rule parses, repeats at most a few
/// times a day, starts not long before now, and yields at least one date.
pub fn validate(draft: &ScheduleEntryDraft, now: DateTime<Utc>) -> Result<()> {
    if draft.duration_minutes == 0 || draft.duration_minutes > DURATION_MAX_MINUTES {
        return Err(AppError::invalid(format!("a planned session lasts 1 to {DURATION_MAX_MINUTES} minutes")));
    }
    let set = rule_set(&draft.starts_at, &draft.time_zone, draft.rrule.as_deref())?;
    if !bounded(&set) {
        return Err(AppError::invalid(format!(
            "rooms meet at most {PER_DAY_MAX} times a day: use FREQ=DAILY, WEEKLY, MONTHLY or YEARLY"
        )));
    }
    if draft.starts_at < (now - Duration::days(START_PAST_MAX_DAYS)).naive_utc() {
        return Err(AppError::invalid(format!(
            "a schedule entry starts at most {START_PAST_MAX_DAYS} days ago; start a long-running series at a recent session"
        )));
    }
    if (&set).into_iter().next().is_none() {
        return Err(AppError::invalid("the rule never happens"));
    }
    Ok(())
}

/// Checks every draft of a schedule at `now`, within [`BUDGET`] (each check is bounded by
/// `rrule`'s own step limit; the budget bounds a schedule full of costly ones).
pub fn validate_all(drafts: &[ScheduleEntryDraft], now: DateTime<Utc>) -> Result<()> {
    let deadline = Instant::now() + BUDGET;
    for d in drafts {
        if Instant::now() >= deadline {
            return Err(AppError::invalid("this schedule takes too long to compute; use simpler rules"));
        }
        validate(d, now)?;
    }
    Ok(())
}

/// The occurrences of `entries` from `now` on, soonest first. Bounded work: at most
/// [`STEPS_MAX`] occurrences per entry and [`BUDGET`] in all; an entry beyond them (or one
/// that repeats more often than a room meets, stored before that was refused) is left out
/// and logged. Call it off the async threads.
pub fn upcoming(entries: &[ScheduleEntry], now: DateTime<Utc>) -> Vec<Occurrence> {
    let deadline = Instant::now() + BUDGET;
    let until = (now + Duration::days(LOOKAHEAD_DAYS)).with_timezone(&Tz::UTC);
    let mut all = Vec::new();
    for e in entries {
        let Ok(set) = rule_set(&e.starts_at, &e.time_zone, e.rrule.as_deref()) else {
            continue; // validated when stored; a time zone database change could still drop one
        };
        if !bounded(&set) {
            tracing::warn!(entry = %e.id, "schedule entry repeats more often than rooms meet; left out");
            continue;
        }
        let length = Duration::minutes(i64::from(e.duration_minutes));
        // Sessions already running count as upcoming until they end.
        let from = (now - length).with_timezone(&Tz::UTC);
        let mut found = Vec::new();
        let mut dates = (&set).into_iter();
        let mut steps = 0;
        let reached = loop {
            if steps >= STEPS_MAX || (steps % 64 == 0 && Instant::now() >= deadline) {
                break false;
            }
            steps += 1;
            match dates.next() {
                // The rule ends (COUNT, UNTIL, a one-off entry), or `rrule` found nothing more.
                None => break true,
                Some(start) if start < from => {}
                Some(start) if start > until => break true,
                Some(start) => {
                    found.push(start);
                    if found.len() >= UPCOMING_MAX {
                        break true;
                    }
                }
            }
        };
        if !reached {
            tracing::warn!(entry = %e.id, steps, "schedule entry needs too much work to reach today; left out");
            continue;
        }
        all.extend(found.into_iter().map(|start| {
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

    /// Validates as on 1 March 2026, before the drafts' first date.
    fn validate_at(d: &ScheduleEntryDraft) -> Result<()> {
        validate(d, Utc.with_ymd_and_hms(2026, 3, 1, 0, 0, 0).unwrap())
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
        assert!(validate_at(&draft(Some("FREQ=MONTHLY;BYDAY=1TU"))).is_ok());
        assert!(validate_at(&draft(Some("FREQ=SOMETIMES"))).is_err());
        assert!(validate_at(&draft(Some("FREQ=WEEKLY\nRRULE:FREQ=DAILY"))).is_err());
        assert!(validate_at(&draft(Some("FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30"))).is_err(), "30 February never happens");
        let mut d = draft(None);
        d.time_zone = "Mars/Olympus".into();
        assert!(validate_at(&d).is_err());
        d = draft(None);
        d.duration_minutes = 0;
        assert!(validate_at(&d).is_err());
    }

    #[test]
    fn rules_finer_than_a_few_times_a_day_or_starting_long_ago_are_refused() {
        for rule in [
            "FREQ=HOURLY",
            "FREQ=MINUTELY",
            "FREQ=SECONDLY",
            "FREQ=DAILY;BYHOUR=1,2,3,4,5",
            "FREQ=WEEKLY;BYMINUTE=0,10,20;BYHOUR=9,10",
        ] {
            assert!(validate_at(&draft(Some(rule))).is_err(), "{rule}");
        }
        for rule in ["FREQ=DAILY", "FREQ=DAILY;BYHOUR=9,11,14,16", "FREQ=WEEKLY;BYDAY=MO,WE;BYHOUR=9,14;BYMINUTE=0,30"]
        {
            assert!(validate_at(&draft(Some(rule))).is_ok(), "{rule}");
        }
        let mut d = draft(Some("FREQ=WEEKLY"));
        let now = Utc.with_ymd_and_hms(2026, 3, 1, 0, 0, 0).unwrap();
        d.starts_at = (now - Duration::days(START_PAST_MAX_DAYS + 1)).naive_utc();
        assert!(validate(&d, now).is_err(), "more than a year before now");
        d.starts_at = (now - Duration::days(START_PAST_MAX_DAYS - 1)).naive_utc();
        assert!(validate(&d, now).is_ok(), "less than a year before now");
    }

    #[test]
    fn the_work_per_entry_is_bounded() {
        // Generous bounds for a debug build on a busy machine; the point is "not minutes".
        let quick = std::time::Duration::from_secs(2);
        let now = Utc.with_ymd_and_hms(2026, 3, 1, 0, 0, 0).unwrap();
        let started = Instant::now();
        let never = draft(Some("FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30"));
        assert!(validate(&never, now).is_err(), "30 February never happens");
        assert!(started.elapsed() < quick, "a rule that never happens: {:?}", started.elapsed());
        // Stored before the limits: from year 1, every second or every day.
        let mut old = entry(draft(Some("FREQ=SECONDLY")));
        old.starts_at = NaiveDate::from_ymd_opt(1, 1, 1).unwrap().and_hms_opt(0, 0, 0).unwrap();
        let mut daily = old.clone();
        daily.rrule = Some("FREQ=DAILY".into());
        let recent = entry(draft(Some("FREQ=DAILY;BYHOUR=9,11,14,16")));
        let started = Instant::now();
        let next = upcoming(&[old, daily, recent.clone()], now);
        assert!(started.elapsed() < quick, "old entries: {:?}", started.elapsed());
        assert_eq!(next.len(), UPCOMING_MAX, "the recent entry's occurrences, the old ones left out");
        // A full schedule of the most frequent rules, each starting as long ago as allowed.
        let mut oldest = recent;
        oldest.starts_at = (now - Duration::days(START_PAST_MAX_DAYS)).naive_utc();
        let started = Instant::now();
        let next = upcoming(&vec![oldest; ENTRIES_MAX], now);
        assert!(started.elapsed() < quick, "a full schedule: {:?}", started.elapsed());
        assert_eq!(next.len(), UPCOMING_MAX);
    }
}
