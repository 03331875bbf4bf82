//! The work blocks as an iCalendar file (RFC 5545) for calendar programs: one VEVENT per block
//! with the rule the app expands ([`Recurrence::rrule`]), its start in the person's zone, a
//! skipped day as an EXDATE and a moved one as a VEVENT of its own (same UID, RECURRENCE-ID of
//! the start it replaces), so a calendar program shows the occurrences the app shows. Lines,
//! escaping and folding are the `icalendar` crate's; it writes no VTIMEZONE, so the zone's
//! offsets are read from chrono-tz here (see [`vtimezone`]).

use super::blocks::{Block, Exception};
use super::rule::{Recurrence, Repeat, local};
use crate::Timestamp;
use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime, Offset, TimeZone};
use chrono_tz::{OffsetComponents, OffsetName, Tz};
use icalendar::{CalendarDateTime, Component, Event, EventLike, Property};

/// The calendar's product identifier (RFC 5545, 3.7.3).
pub const PRODID: &str = "-//Worktogether//Work blocks//EN";
/// How many years past the last date the export names its zone's offsets are written out.
pub const ZONE_YEARS_AHEAD: i32 = 10;

/// The calendar file for `blocks` (each with its skipped and moved days, as
/// [`crate::Store::blocks_with_exceptions`] gives them), in `zone`, stamped `stamp`. CRLF line
/// ends, lines folded at 75 octets.
pub fn calendar(blocks: &[(Block, Vec<(NaiveDate, Exception)>)], zone: Tz, stamp: Timestamp) -> String {
    let mut events = Vec::new();
    let mut first_day = stamp.with_timezone(&zone).date_naive();
    let mut last_day = first_day;
    for (block, exceptions) in blocks {
        let mut exceptions = exceptions.clone();
        exceptions.sort_by_key(|(day, _)| *day);
        for day in dates_named(&block.draft.recurrence, &exceptions, zone) {
            first_day = first_day.min(day);
            last_day = last_day.max(day);
        }
        events.extend(block_events(block, &exceptions, zone, stamp));
    }
    let mut out = String::from("BEGIN:VCALENDAR\r\n");
    for (key, value) in [
        ("VERSION", "2.0"),
        ("PRODID", PRODID),
        ("CALSCALE", "GREGORIAN"),
        ("METHOD", "PUBLISH"),
        ("X-WR-CALNAME", "Worktogether"),
    ] {
        out.push_str(&line(key, value));
    }
    let to = NaiveDate::from_ymd_opt(last_day.year() + ZONE_YEARS_AHEAD + 1, 1, 1).expect("1 January exists");
    let from = NaiveDate::from_ymd_opt(first_day.year(), 1, 1).expect("1 January exists");
    out.push_str(&vtimezone(zone, from, to));
    for event in events {
        out.push_str(&event.try_into_string().expect("writing to a String cannot fail"));
    }
    out.push_str("END:VCALENDAR\r\n");
    out
}

/// The dates a block's entry names: its first start, its end date, where its moves go.
fn dates_named(recurrence: &Recurrence, exceptions: &[(NaiveDate, Exception)], zone: Tz) -> Vec<NaiveDate> {
    let mut days = vec![recurrence.first];
    if let super::rule::Ends::On { date } = recurrence.ends {
        days.push(date);
    }
    for (day, e) in exceptions {
        days.push(*day);
        if let Exception::Move { to, .. } = e {
            days.push(to.with_timezone(&zone).date_naive());
        }
    }
    days
}

/// The VEVENTs of one block: the rule's, and one for each moved day. A one-off is written at
/// its time (or where it was moved), and not at all when skipped.
fn block_events(block: &Block, exceptions: &[(NaiveDate, Exception)], zone: Tz, stamp: Timestamp) -> Vec<Event> {
    let d = &block.draft;
    let Some(first) = d.recurrence.first_start(zone, d.start_minute) else { return Vec::new() };
    let uid = format!("{}@worktogether", block.id);
    let new_event = || {
        let mut event = Event::new();
        event.uid(&uid).timestamp(stamp).summary(&text(&d.title));
        if let Some(expected) = d.expected_minutes {
            // A flexible window: the event is the window, the work inside it about this long.
            event.description(&format!("~{expected} min"));
        }
        event
    };
    let nominal = |day: NaiveDate| at_minute(day, d.start_minute);
    let length = Duration::minutes(i64::from(d.length_minutes));
    let moved = |e: Exception| match e {
        Exception::Move { to, length_minutes } => Some((to, to + Duration::minutes(i64::from(length_minutes)))),
        Exception::Skip => None,
    };

    if d.recurrence.repeat == Repeat::Once {
        let (start, end) = match exceptions.iter().find(|(day, _)| *day == first.day) {
            Some((_, Exception::Skip)) => return Vec::new(),
            Some((_, e)) => moved(*e).expect("a move"),
            None => (first.at, first.at + length),
        };
        let mut event = new_event();
        event.starts(zoned(zone, start)).ends(zoned(zone, end));
        return vec![event.done()];
    }

    let mut events = Vec::new();
    let mut main = new_event();
    // The first start as the rule names it: a time the clocks skip stays as written, and every
    // calendar program moves it on by the gap as the app does (RFC 5545, 3.3.5).
    main.starts(in_zone(zone, nominal(first.day))).ends(zoned(zone, first.at + length));
    if let Some(rule) = d.recurrence.rrule(Some(zone), d.start_minute) {
        main.add_property("RRULE", rule);
    }
    for (day, e) in exceptions {
        match moved(*e) {
            // A moved day is not excluded as well: the VEVENT below replaces it, and programs
            // that apply EXDATE first would drop the replacement with it.
            Some((start, end)) => {
                let mut event = new_event();
                event.recurrence_id(in_zone(zone, nominal(*day))).starts(zoned(zone, start)).ends(zoned(zone, end));
                events.push(event.done());
            }
            None => {
                main.exdate(in_zone(zone, nominal(*day)));
            }
        }
    }
    events.insert(0, main.done());
    events
}

/// `minute` minutes into `day`.
fn at_minute(day: NaiveDate, minute: u16) -> NaiveDateTime {
    day.and_time(chrono::NaiveTime::MIN) + Duration::minutes(i64::from(minute))
}

/// A local date and time in `zone`, written with its TZID.
fn in_zone(zone: Tz, local: NaiveDateTime) -> CalendarDateTime {
    CalendarDateTime::WithTimezone { date_time: local, tzid: zone.name().to_owned() }
}

/// An instant in `zone`'s local time, or in UTC when that local time is the second of two (a
/// reader would take the first).
fn zoned(zone: Tz, at: Timestamp) -> CalendarDateTime {
    let naive = at.with_timezone(&zone).naive_local();
    if local(zone, naive) == at { in_zone(zone, naive) } else { CalendarDateTime::Utc(at) }
}

/// A person's text as a TEXT value: line breaks as `\n` (the crate escapes them), no other
/// control characters (RFC 5545, 3.3.11 allows none but tab).
fn text(s: &str) -> String {
    s.replace("\r\n", "\n")
        .replace('\r', "\n")
        .chars()
        .filter(|c| !c.is_control() || matches!(c, '\n' | '\t'))
        .collect()
}

/// One content line, folded, with its CRLF.
fn line(key: &str, value: &str) -> String {
    Property::new(key, value).try_into().expect("writing to a String cannot fail")
}

/// The offset in effect at a UTC instant: its seconds east of UTC, whether it is summer time,
/// its abbreviation.
#[derive(Debug, Clone, PartialEq, Eq)]
struct ZoneState {
    offset: i32,
    daylight: bool,
    name: Option<String>,
}

fn state(zone: Tz, utc: NaiveDateTime) -> ZoneState {
    let o = zone.offset_from_utc_datetime(&utc);
    ZoneState {
        offset: o.fix().local_minus_utc(),
        daylight: !o.dst_offset().is_zero(),
        name: o.abbreviation().map(str::to_owned),
    }
}

/// The changes of `zone`'s offset in `[from, to)` (UTC), each with the state before and after.
/// Found by stepping a day at a time and halving the step to the second where a day changes.
fn transitions(zone: Tz, from: NaiveDateTime, to: NaiveDateTime) -> Vec<(NaiveDateTime, ZoneState, ZoneState)> {
    let mut found = Vec::new();
    let (mut at, mut before) = (from, state(zone, from));
    while at < to {
        let next = (at + Duration::days(1)).min(to);
        if state(zone, next) == before {
            at = next;
            continue;
        }
        let (mut lo, mut hi) = (at, next); // `lo` in the old state, `hi` past the change
        while hi - lo > Duration::seconds(1) {
            let mid = lo + (hi - lo) / 2;
            if state(zone, mid) == before { lo = mid } else { hi = mid }
        }
        let after = state(zone, hi);
        found.push((hi, before, after.clone()));
        (at, before) = (hi, after);
    }
    found
}

/// How far before the first day the change that set its offset is looked for.
const LOOK_BACK_DAYS: i64 = 2 * 366;

/// The zone's definition for the days `[from, to)`: the change that set the offset in effect
/// on `from`, then one STANDARD or DAYLIGHT observance for each change (its DTSTART the local
/// time it happens at, read in the offset before it, as RFC 5545 3.6.5 says). A zone that has
/// not changed for years (UTC) gets a single observance of its offset from `from` on.
/// Calendar programs that know the TZID use their own rules; strict ones need this.
pub fn vtimezone(zone: Tz, from: NaiveDate, to: NaiveDate) -> String {
    let midnight = |day| local(zone, at_minute(day, 0)).naive_utc();
    let (from, to) = (midnight(from), midnight(to));
    // A real change first rather than an observance from the offset to itself: after such a
    // one, python-dateutil's VTIMEZONE reader (which icalendar uses) puts a change that sets
    // the clocks back an hour early (Australia/Sydney, April).
    let before = transitions(zone, from - Duration::days(LOOK_BACK_DAYS), from).pop().unwrap_or_else(|| {
        let now = state(zone, from);
        (from, now.clone(), now)
    });
    let observances = std::iter::once(before)
        .chain(transitions(zone, from, to))
        .map(|(at, before, after)| (at + Duration::seconds(i64::from(before.offset)), before, after));
    let mut out = line("BEGIN", "VTIMEZONE") + &line("TZID", zone.name());
    for (start, before, after) in observances {
        let kind = if after.daylight { "DAYLIGHT" } else { "STANDARD" };
        out += &line("BEGIN", kind);
        out += &line("DTSTART", &start.format("%Y%m%dT%H%M%S").to_string());
        out += &line("TZOFFSETFROM", &utc_offset(before.offset));
        out += &line("TZOFFSETTO", &utc_offset(after.offset));
        if let Some(name) = &after.name {
            out += &line("TZNAME", name);
        }
        out += &line("END", kind);
    }
    out + &line("END", "VTIMEZONE")
}

/// A UTC-OFFSET value: `+0100`, `-0500`, `+0530`, with seconds only when there are any.
fn utc_offset(seconds: i32) -> String {
    let sign = if seconds < 0 { '-' } else { '+' };
    let s = seconds.unsigned_abs();
    let (h, m, sec) = (s / 3600, s / 60 % 60, s % 60);
    if sec == 0 { format!("{sign}{h:02}{m:02}") } else { format!("{sign}{h:02}{m:02}{sec:02}") }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schedule::{BlockDraft, Day, Ends};
    use chrono::Utc;
    use uuid::Uuid;

    const BERLIN: Tz = chrono_tz::Europe::Berlin;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn block(title: &str, repeat: Repeat, first: NaiveDate) -> Block {
        Block {
            id: Uuid::from_u128(0x1234),
            draft: BlockDraft {
                title: title.into(),
                template_id: None,
                recurrence: Recurrence { first, repeat, ends: Ends::Never },
                start_minute: 9 * 60,
                length_minutes: 240,
                expected_minutes: None,
                remind_minutes: None,
            },
        }
    }

    fn weekdays() -> Repeat {
        Repeat::Weeks { interval: 1, days: Day::WORKDAYS.to_vec() }
    }

    fn stamp() -> Timestamp {
        Utc.with_ymd_and_hms(2026, 3, 1, 12, 0, 0).unwrap()
    }

    /// The content lines, unfolded (RFC 5545, 3.1).
    fn lines(ics: &str) -> Vec<String> {
        ics.replace("\r\n ", "").split("\r\n").filter(|l| !l.is_empty()).map(str::to_owned).collect()
    }

    /// The unfolded lines of each VEVENT.
    fn events(ics: &str) -> Vec<Vec<String>> {
        let mut all = Vec::new();
        let mut current: Option<Vec<String>> = None;
        for l in lines(ics) {
            match l.as_str() {
                "BEGIN:VEVENT" => current = Some(Vec::new()),
                "END:VEVENT" => all.push(current.take().unwrap()),
                _ => {
                    if let Some(c) = current.as_mut() {
                        c.push(l);
                    }
                }
            }
        }
        all
    }

    fn well_formed(ics: &str) {
        assert!(ics.starts_with("BEGIN:VCALENDAR\r\n") && ics.ends_with("END:VCALENDAR\r\n"));
        assert!(!ics.replace("\r\n", "").contains(['\r', '\n']), "every line ends in CRLF");
        for l in ics.split("\r\n") {
            assert!(l.len() <= 75, "{l:?} is longer than 75 octets");
        }
    }

    #[test]
    fn a_title_with_separators_backslashes_and_a_line_break_is_escaped_and_folded() {
        let title = "Plan, write; review \\ send\nthen: a long tail to fold — über 75 Oktette, mit Umlauten äöü";
        let ics = calendar(&[(block(title, weekdays(), day(2026, 3, 2)), vec![])], BERLIN, stamp());
        well_formed(&ics);
        let summary = lines(&ics).into_iter().find(|l| l.starts_with("SUMMARY:")).unwrap();
        assert_eq!(
            summary,
            "SUMMARY:Plan\\, write\\; review \\\\ send\\nthen: a long tail to fold — über 75 Oktette\\, mit Umlauten äöü"
        );
        assert!(ics.contains("\r\n "), "the summary is folded");
        // A carriage return is a line break too; other control characters are left out.
        let ics = calendar(&[(block("a\r\nb\rc\u{7}d", weekdays(), day(2026, 3, 2)), vec![])], BERLIN, stamp());
        assert!(lines(&ics).contains(&"SUMMARY:a\\nb\\ncd".to_owned()));
    }

    #[test]
    fn a_weekly_block_has_its_rule_start_end_and_uid() {
        let b = block("Morgens", weekdays(), day(2026, 3, 1)); // a Sunday: it starts on Monday
        let ics = calendar(&[(b, vec![])], BERLIN, stamp());
        well_formed(&ics);
        let events = events(&ics);
        assert_eq!(events.len(), 1);
        let e = &events[0];
        for expected in [
            "UID:00000000-0000-0000-0000-000000001234@worktogether",
            "DTSTAMP:20260301T120000Z",
            "SUMMARY:Morgens",
            "DTSTART;TZID=Europe/Berlin:20260302T090000",
            "DTEND;TZID=Europe/Berlin:20260302T130000",
            "RRULE:FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR;WKST=MO",
        ] {
            assert!(e.contains(&expected.to_owned()), "{expected} missing from {e:?}");
        }
        assert!(!e.iter().any(|l| l.starts_with("DESCRIPTION")));
    }

    #[test]
    fn a_skipped_day_is_an_exdate_and_a_moved_one_a_vevent_of_its_own() {
        let mut b = block("Morgens", weekdays(), day(2026, 3, 2));
        b.draft.recurrence.ends = Ends::On { date: day(2026, 12, 31) };
        let moved_to = BERLIN.with_ymd_and_hms(2026, 3, 28, 10, 30, 0).unwrap().with_timezone(&Utc);
        let exceptions = vec![
            (day(2026, 3, 27), Exception::Move { to: moved_to, length_minutes: 90 }),
            (day(2026, 3, 4), Exception::Skip),
            (day(2026, 4, 1), Exception::Skip),
        ];
        let ics = calendar(&[(b, exceptions)], BERLIN, stamp());
        well_formed(&ics);
        let events = events(&ics);
        assert_eq!(events.len(), 2);
        let exdates: Vec<_> = events[0].iter().filter(|l| l.starts_with("EXDATE")).cloned().collect();
        // In order; the moved day is not excluded (its own VEVENT replaces it).
        assert_eq!(exdates, ["EXDATE;TZID=Europe/Berlin:20260304T090000", "EXDATE;TZID=Europe/Berlin:20260401T090000"]);
        // UNTIL: nine o'clock in Berlin on the last day, in UTC.
        assert!(
            events[0].contains(&"RRULE:FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR;WKST=MO;UNTIL=20261231T080000Z".to_owned())
        );
        let moved = &events[1];
        for expected in [
            "UID:00000000-0000-0000-0000-000000001234@worktogether",
            "RECURRENCE-ID;TZID=Europe/Berlin:20260327T090000",
            "DTSTART;TZID=Europe/Berlin:20260328T103000",
            "DTEND;TZID=Europe/Berlin:20260328T120000",
            "SUMMARY:Morgens",
        ] {
            assert!(moved.contains(&expected.to_owned()), "{expected} missing from {moved:?}");
        }
        assert!(!moved.iter().any(|l| l.starts_with("RRULE")));
    }

    #[test]
    fn a_one_off_has_no_rule_and_a_skipped_one_is_left_out() {
        let once = block("Steuer", Repeat::Once, day(2026, 5, 4));
        let ics = calendar(&[(once.clone(), vec![])], BERLIN, stamp());
        let e = &events(&ics)[0];
        assert!(e.contains(&"DTSTART;TZID=Europe/Berlin:20260504T090000".to_owned()));
        assert!(e.contains(&"DTEND;TZID=Europe/Berlin:20260504T130000".to_owned()));
        assert!(!e.iter().any(|l| l.starts_with("RRULE") || l.starts_with("EXDATE") || l.starts_with("RECURRENCE-ID")));

        assert!(
            events(&calendar(&[(once.clone(), vec![(day(2026, 5, 4), Exception::Skip)])], BERLIN, stamp())).is_empty()
        );

        let to = Utc.with_ymd_and_hms(2026, 5, 5, 6, 0, 0).unwrap();
        let moved =
            calendar(&[(once, vec![(day(2026, 5, 4), Exception::Move { to, length_minutes: 60 })])], BERLIN, stamp());
        let e = &events(&moved)[0];
        assert!(e.contains(&"DTSTART;TZID=Europe/Berlin:20260505T080000".to_owned()));
        assert!(e.contains(&"DTEND;TZID=Europe/Berlin:20260505T090000".to_owned()));
        assert!(!e.iter().any(|l| l.starts_with("RECURRENCE-ID")));
    }

    #[test]
    fn a_flexible_window_is_the_window_and_says_about_how_long() {
        let mut nap = block("Mittagsschlaf", weekdays(), day(2026, 3, 2));
        nap.draft.start_minute = 13 * 60;
        nap.draft.length_minutes = 120;
        nap.draft.expected_minutes = Some(60);
        let e = &events(&calendar(&[(nap, vec![])], BERLIN, stamp()))[0];
        assert!(e.contains(&"DTSTART;TZID=Europe/Berlin:20260302T130000".to_owned()));
        assert!(e.contains(&"DTEND;TZID=Europe/Berlin:20260302T150000".to_owned()));
        assert!(e.contains(&"DESCRIPTION:~60 min".to_owned()));
    }

    #[test]
    fn utc_has_a_single_standard_observance() {
        let ics = calendar(&[(block("Morgens", weekdays(), day(2026, 3, 2)), vec![])], chrono_tz::UTC, stamp());
        well_formed(&ics);
        let lines = lines(&ics);
        let zone: Vec<_> = lines
            .iter()
            .skip_while(|l| *l != "BEGIN:VTIMEZONE")
            .take_while(|l| *l != "END:VTIMEZONE")
            .skip(1)
            .map(String::as_str)
            .collect();
        assert_eq!(
            zone,
            [
                "TZID:UTC",
                "BEGIN:STANDARD",
                "DTSTART:20260101T000000",
                "TZOFFSETFROM:+0000",
                "TZOFFSETTO:+0000",
                "TZNAME:UTC",
                "END:STANDARD"
            ]
        );
        assert!(lines.contains(&"DTSTART;TZID=UTC:20260302T090000".to_owned()));
    }

    #[test]
    fn berlin_changes_its_clocks_on_the_last_sundays_of_march_and_october() {
        let zone = vtimezone(BERLIN, day(2026, 1, 1), day(2028, 1, 1));
        let lines = lines(&zone);
        let text = lines.join("\n");
        // The change that set January's offset comes first.
        assert!(text.starts_with(
            "BEGIN:VTIMEZONE\nTZID:Europe/Berlin\nBEGIN:STANDARD\nDTSTART:20251026T030000\nTZOFFSETFROM:+0200\n"
        ));
        assert!(text.contains(
            "BEGIN:DAYLIGHT\nDTSTART:20260329T020000\nTZOFFSETFROM:+0100\nTZOFFSETTO:+0200\nTZNAME:CEST\nEND:DAYLIGHT"
        ));
        assert!(text.contains(
            "BEGIN:STANDARD\nDTSTART:20261025T030000\nTZOFFSETFROM:+0200\nTZOFFSETTO:+0100\nTZNAME:CET\nEND:STANDARD"
        ));
        assert!(text.contains("DTSTART:20270328T020000"));
        assert!(text.contains("DTSTART:20271031T030000"));
        assert_eq!(lines.iter().filter(|l| *l == "BEGIN:DAYLIGHT").count(), 2);
        assert_eq!(lines.iter().filter(|l| *l == "BEGIN:STANDARD").count(), 3);
        assert_eq!(utc_offset(-5 * 3600), "-0500");
        assert_eq!(utc_offset(5 * 3600 + 30 * 60), "+0530");
        assert_eq!(utc_offset(-(3600 + 75)), "-010115");
    }

    #[test]
    fn the_zone_is_written_from_the_first_block_to_ten_years_past_the_last_date() {
        let mut b = block("Morgens", weekdays(), day(2024, 6, 3));
        b.draft.recurrence.ends = Ends::On { date: day(2030, 1, 1) };
        let lines = lines(&calendar(&[(b, vec![])], BERLIN, stamp()));
        let starts: Vec<_> = lines.iter().filter(|l| l.starts_with("DTSTART:")).collect();
        assert_eq!(starts.first().unwrap().as_str(), "DTSTART:20231029T030000");
        assert_eq!(starts.last().unwrap().as_str(), "DTSTART:20401028T030000");
    }
}
