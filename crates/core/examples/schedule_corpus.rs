//! The schedule's reference corpus: rules and a calendar export, with the starts and
//! occurrences the app gives for them, as one JSON object on stdout. `tests/schedule/reference.py`
//! expands the same rules with python-dateutil and the calendar with recurring-ical-events and
//! compares (`make schedule-reference`).
//!
//!     cargo run -p worktogether-core --example schedule_corpus > corpus.json
//!
//! Deterministic: the cases are a fixed enumeration. They span the clock changes of
//! Europe/Berlin and America/New_York (starts inside the gap and inside the fold, UNTIL on a
//! change day), month ends, February 29th, n-th weekdays and working days, weekly rules on
//! several days every few weeks, daily rules, COUNT and UNTIL, and one-offs.

use chrono::{Duration, NaiveDate, TimeZone, Utc};
use chrono_tz::Tz;
use serde_json::{Value, json};
use uuid::Uuid;
use worktogether_core::Timestamp;
use worktogether_core::schedule::blocks::{check_exception, occurrences};
use worktogether_core::schedule::{Block, BlockDraft, Day, Ends, Exception, Recurrence, Repeat, ics};

const BERLIN: Tz = chrono_tz::Europe::Berlin;
const NEW_YORK: Tz = chrono_tz::America::New_York;
/// Fewer cases than this and the corpus is not worth checking.
const RULES_MIN: usize = 240;

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("a real date")
}

fn midnight_utc(d: NaiveDate) -> Timestamp {
    d.and_hms_opt(0, 0, 0).expect("midnight").and_utc()
}

fn rfc3339(t: Timestamp) -> String {
    t.format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// One rule to expand between `from` and `to`.
struct Case {
    label: String,
    zone: Tz,
    recurrence: Recurrence,
    start_minute: u16,
    from: Timestamp,
    to: Timestamp,
}

impl Case {
    fn json(&self) -> Option<Value> {
        if let Err(e) = self.recurrence.check() {
            eprintln!("schedule corpus: left out ({e:?}): {}", self.label);
            return None;
        }
        let starts = self.recurrence.starts(self.zone, self.start_minute, self.from, self.to)?;
        let dtstart = self.recurrence.first.and_hms_opt(0, 0, 0).expect("midnight")
            + Duration::minutes(i64::from(self.start_minute));
        Some(json!({
            "label": self.label,
            "zone": self.zone.name(),
            "dtstart": dtstart.format("%Y%m%dT%H%M%S").to_string(),
            "rrule": self.recurrence.rrule(Some(self.zone), self.start_minute),
            "from": rfc3339(self.from),
            "to": rfc3339(self.to),
            "starts": starts.iter().map(|s| rfc3339(s.at)).collect::<Vec<_>>(),
        }))
    }
}

/// The patterns every zone and start time is tried with.
fn patterns() -> Vec<(&'static str, Repeat)> {
    use Day::*;
    let weeks = |interval, days: &[Day]| Repeat::Weeks { interval, days: days.to_vec() };
    vec![
        ("daily", Repeat::Days { interval: 1 }),
        ("every 2 days", Repeat::Days { interval: 2 }),
        ("every 3 days", Repeat::Days { interval: 3 }),
        ("every 10 days", Repeat::Days { interval: 10 }),
        ("weekdays", weeks(1, &Day::WORKDAYS)),
        ("Sundays", weeks(1, &[Su])),
        ("weekends", weeks(1, &[Sa, Su])),
        ("every 2 weeks Mo We Fr", weeks(2, &[Mo, We, Fr])),
        ("every 3 weeks Tu Sa Su", weeks(3, &[Tu, Sa, Su])),
        ("every 2 weeks Su", weeks(2, &[Su])),
        ("every 4 weeks Th", weeks(4, &[Th])),
        ("monthly on the 31st", Repeat::MonthDay { interval: 1, day: 31 }),
        ("monthly on the 30th", Repeat::MonthDay { interval: 1, day: 30 }),
        ("monthly on the 29th", Repeat::MonthDay { interval: 1, day: 29 }),
        ("monthly on the last day", Repeat::MonthDay { interval: 1, day: -1 }),
        ("every 2 months on the 31st", Repeat::MonthDay { interval: 2, day: 31 }),
        ("every 3 months on the last day", Repeat::MonthDay { interval: 3, day: -1 }),
        ("monthly on the 1st", Repeat::MonthDay { interval: 1, day: 1 }),
        ("last Sunday", Repeat::MonthWeekday { interval: 1, nth: -1, weekday: Su }),
        ("second Sunday", Repeat::MonthWeekday { interval: 1, nth: 2, weekday: Su }),
        ("first Sunday", Repeat::MonthWeekday { interval: 1, nth: 1, weekday: Su }),
        ("fourth Friday", Repeat::MonthWeekday { interval: 1, nth: 4, weekday: Fr }),
        ("every 2 months third Wednesday", Repeat::MonthWeekday { interval: 2, nth: 3, weekday: We }),
        ("last Monday", Repeat::MonthWeekday { interval: 1, nth: -1, weekday: Mo }),
        ("first working day", Repeat::MonthWorkday { interval: 1, nth: 1 }),
        ("last working day", Repeat::MonthWorkday { interval: 1, nth: -1 }),
        ("every 2 months first working day", Repeat::MonthWorkday { interval: 2, nth: 1 }),
        ("third working day", Repeat::MonthWorkday { interval: 1, nth: 3 }),
        ("fifth working day", Repeat::MonthWorkday { interval: 1, nth: 5 }),
        ("every 3 months last working day", Repeat::MonthWorkday { interval: 3, nth: -1 }),
        ("yearly on 29 February", Repeat::Years { interval: 1, month: 2, day: 29 }),
        ("yearly on 31 March", Repeat::Years { interval: 1, month: 3, day: 31 }),
        ("every 2 years on 31 October", Repeat::Years { interval: 2, month: 10, day: 31 }),
        ("yearly on 1 November", Repeat::Years { interval: 1, month: 11, day: 1 }),
    ]
}

/// Every pattern in both zones at four start times (inside each zone's gap and fold, and
/// ordinary ones), with first dates, ends and ranges taken in turn from fixed lists.
fn enumerated() -> Vec<Case> {
    let firsts = [
        day(2026, 1, 31),
        day(2026, 3, 8),
        day(2027, 2, 28),
        day(2027, 10, 31),
        day(2028, 1, 29),
        day(2031, 11, 2),
        day(2032, 2, 29),
        day(2026, 12, 31),
        day(2027, 3, 14),
    ];
    let zones: [(Tz, [u16; 4]); 2] = [
        // 02:30 is skipped in March and repeated in October; 23:30 and midnight are near the
        // day's edges.
        (BERLIN, [150, 540, 1410, 0]),
        // 02:30 is skipped in March; 01:30 is repeated in November.
        (NEW_YORK, [150, 90, 540, 1425]),
    ];
    let mut cases = Vec::new();
    let mut i = 0usize;
    for (name, repeat) in patterns() {
        for (zone, minutes) in zones {
            for minute in minutes {
                let first = firsts[i % firsts.len()];
                let ends = match i % 3 {
                    0 => Ends::Never,
                    1 => Ends::After { count: 3 + (i % 37) as u32 },
                    _ => Ends::On { date: first + Duration::days(200 + 37 * (i % 13) as i64) },
                };
                // The range starts before the first date or well after it, and lasts 1 to 3 years.
                let from =
                    if (i / 3).is_multiple_of(2) { first - Duration::days(20) } else { first + Duration::days(100) };
                let years = 1 + (i % 3) as i64;
                let yearly = matches!(repeat, Repeat::Years { .. });
                let to = from + Duration::days(365 * if yearly { 3 } else { years });
                cases.push(Case {
                    label: format!("{name}, {}, {:02}:{:02}, {ends:?}", zone.name(), minute / 60, minute % 60),
                    zone,
                    recurrence: Recurrence { first, repeat: repeat.clone(), ends },
                    start_minute: minute,
                    from: midnight_utc(from),
                    to: midnight_utc(to),
                });
                i += 1;
            }
        }
    }
    cases
}

/// Cases the enumeration might not reach: UNTIL on a clock-change day at a time in its gap or
/// fold, leap days over 2028 and 2032, COUNT across the changes, one-offs in a gap and a fold.
fn chosen() -> Vec<Case> {
    let mut cases = Vec::new();
    let mut add = |label: &str, zone: Tz, first, repeat: Repeat, ends, minute, from, to| {
        cases.push(Case {
            label: label.to_owned(),
            zone,
            recurrence: Recurrence { first, repeat, ends },
            start_minute: minute,
            from: midnight_utc(from),
            to: midnight_utc(to),
        });
    };
    let (range_from, range_to) = (day(2026, 12, 1), day(2028, 12, 1));
    // Berlin: 28 March and 31 October 2027; New York: 14 March and 7 November 2027.
    let change_days = [
        (BERLIN, day(2027, 3, 28), [150, 120, 180, 540]),
        (BERLIN, day(2027, 10, 31), [150, 120, 180, 540]),
        (NEW_YORK, day(2027, 3, 14), [150, 120, 180, 540]),
        (NEW_YORK, day(2027, 11, 7), [90, 60, 120, 540]),
    ];
    for (zone, change, minutes) in change_days {
        for minute in minutes {
            let until = Ends::On { date: change };
            let label = |what: &str| format!("{what} until the change day {change}, {}, minute {minute}", zone.name());
            add(
                &label("daily"),
                zone,
                day(2027, 1, 3),
                Repeat::Days { interval: 1 },
                until,
                minute,
                range_from,
                range_to,
            );
            let sundays = Repeat::Weeks { interval: 1, days: vec![Day::Su] };
            add(&label("Sundays"), zone, day(2027, 1, 3), sundays, until, minute, range_from, range_to);
            let once = Repeat::Once;
            add(&label("one-off on"), zone, change, once, Ends::Never, minute, range_from, range_to);
        }
        // COUNT across the change: 40 days from three weeks before it.
        let first = change - Duration::days(21);
        for minute in [minutes[0], 540] {
            let label = format!("daily 40 times across {change}, {}, minute {minute}", zone.name());
            let count = Ends::After { count: 40 };
            add(&label, zone, first, Repeat::Days { interval: 1 }, count, minute, range_from, range_to);
        }
    }
    for zone in [BERLIN, NEW_YORK] {
        let leap = |interval| Repeat::Years { interval, month: 2, day: 29 };
        let name = zone.name();
        let (from, to) = (day(2027, 6, 1), day(2033, 6, 1));
        add(&format!("29 February yearly, {name}"), zone, day(2026, 3, 1), leap(1), Ends::Never, 540, from, to);
        add(&format!("29 February every 4 years, {name}"), zone, day(2028, 2, 29), leap(4), Ends::Never, 150, from, to);
        let count = Ends::After { count: 2 };
        add(&format!("29 February twice, {name}"), zone, day(2026, 1, 1), leap(1), count, 1410, from, to);
        let last = Repeat::MonthDay { interval: 1, day: -1 };
        add(&format!("last day over February 2032, {name}"), zone, day(2031, 11, 30), last, Ends::Never, 0, from, to);
        let once = Repeat::Once;
        add(&format!("one-off on 29 February 2032, {name}"), zone, day(2032, 2, 29), once, Ends::Never, 60, from, to);
        let once = Repeat::Once;
        add(&format!("one-off before the range, {name}"), zone, day(2027, 5, 1), once, Ends::Never, 60, from, to);
    }
    cases
}

/// A dozen blocks as a person might keep them, with skipped and moved days.
fn blocks() -> Vec<(Block, Vec<(NaiveDate, Exception)>)> {
    let berlin = |y, m, d, h, min| BERLIN.with_ymd_and_hms(y, m, d, h, min, 0).unwrap().with_timezone(&Utc);
    let weekly = |days: &[Day], interval| Repeat::Weeks { interval, days: days.to_vec() };
    let block = |n: u128, title: &str, first, repeat, ends, start: u16, length, expected| Block {
        id: Uuid::from_u128(0x5c4e_d0e0_0000_4000_8000_0000_0000_0000 + n),
        draft: BlockDraft {
            title: title.to_owned(),
            template_id: None,
            recurrence: Recurrence { first, repeat, ends },
            start_minute: start,
            length_minutes: length,
            expected_minutes: expected,
            remind_minutes: Some(10),
        }
        .checked()
        .expect("a valid block"),
    };
    let move_to = |to, length_minutes| Exception::Move { to, length_minutes };
    let all = vec![
        (
            block(1, "Morgens", day(2025, 11, 3), weekly(&Day::WORKDAYS, 1), Ends::Never, 540, 240, None),
            vec![
                (day(2026, 3, 4), Exception::Skip),
                (day(2026, 3, 27), move_to(berlin(2026, 3, 28, 10, 30), 90)),
                (day(2026, 12, 24), Exception::Skip),
            ],
        ),
        (
            block(2, "Mittagsschlaf", day(2026, 1, 5), weekly(&Day::WORKDAYS, 1), Ends::Never, 780, 120, Some(60)),
            vec![(day(2026, 7, 15), move_to(berlin(2026, 7, 15, 16, 0), 90))],
        ),
        (block(3, "Steuererklärung", day(2026, 5, 4), Repeat::Once, Ends::Never, 840, 180, None), vec![]),
        (
            block(4, "Arzt (abgesagt)", day(2026, 6, 10), Repeat::Once, Ends::Never, 600, 60, None),
            vec![(day(2026, 6, 10), Exception::Skip)],
        ),
        (
            block(5, "Umzug", day(2026, 8, 1), Repeat::Once, Ends::Never, 480, 300, None),
            vec![(day(2026, 8, 1), move_to(berlin(2026, 8, 8, 9, 0), 360))],
        ),
        (
            block(
                6,
                "Plan, write; review \\ send\nthen follow up — Überstunden, Ärger; Öl \\ fertig",
                day(2026, 1, 6),
                weekly(&[Day::Tu, Day::Th], 2),
                Ends::Never,
                960,
                90,
                None,
            ),
            vec![(day(2026, 2, 5), Exception::Skip)],
        ),
        (
            block(
                7,
                "Buchhaltung",
                day(2026, 1, 1),
                Repeat::MonthWorkday { interval: 1, nth: 1 },
                Ends::After { count: 10 },
                480,
                120,
                None,
            ),
            vec![(day(2026, 6, 1), move_to(berlin(2026, 6, 2, 8, 0), 120))],
        ),
        (
            block(
                8,
                "Monatsrückblick",
                day(2026, 1, 1),
                Repeat::MonthWeekday { interval: 1, nth: -1, weekday: Day::Fr },
                Ends::On { date: day(2026, 10, 31) },
                900,
                60,
                None,
            ),
            vec![],
        ),
        (
            // Sundays at 02:30: on 29 March that time is skipped (03:30 summer time), on
            // 25 October it comes twice (the first).
            block(9, "Nachtschicht", day(2026, 1, 4), weekly(&[Day::Su], 1), Ends::Never, 150, 60, None),
            vec![],
        ),
        (block(10, "Laufen", day(2025, 12, 30), Repeat::Days { interval: 3 }, Ends::Never, 420, 30, None), vec![]),
        (
            block(
                11,
                "Jahresrückblick",
                day(2020, 12, 31),
                Repeat::Years { interval: 1, month: 12, day: 31 },
                Ends::Never,
                600,
                120,
                None,
            ),
            vec![],
        ),
        (
            block(
                12,
                "Monatsabschluss",
                day(2026, 1, 31),
                Repeat::MonthDay { interval: 1, day: 31 },
                Ends::Never,
                1080,
                45,
                None,
            ),
            vec![(day(2026, 5, 31), Exception::Skip), (day(2026, 8, 31), move_to(berlin(2026, 9, 1, 18, 0), 45))],
        ),
    ];
    for (b, exceptions) in &all {
        for (d, e) in exceptions {
            check_exception(b, *d, e).expect("an exception the app accepts");
        }
    }
    all
}

fn calendar() -> Value {
    let blocks = blocks();
    let stamp = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
    let from = BERLIN.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap().with_timezone(&Utc);
    let to = BERLIN.with_ymd_and_hms(2027, 1, 1, 0, 0, 0).unwrap().with_timezone(&Utc);
    let mut found = Vec::new();
    for (block, exceptions) in &blocks {
        for o in occurrences(block, exceptions, BERLIN, from, to).expect("the rule reaches 2026") {
            if !o.skipped {
                found.push(json!({
                    "uid": format!("{}@worktogether", block.id),
                    "start": rfc3339(o.starts_at),
                    "end": rfc3339(o.ends_at),
                }));
            }
        }
    }
    json!({
        "zone": BERLIN.name(),
        "blocks": blocks.len(),
        "from": rfc3339(from),
        "to": rfc3339(to),
        "ics": ics::calendar(&blocks, BERLIN, stamp),
        "occurrences": found,
    })
}

/// The calendar in a few more zones, for their VTIMEZONEs: New York, one without changes, one
/// half an hour off, one whose summer time spans the new year (Sydney).
fn zone_calendars() -> Vec<Value> {
    let stamp = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
    let zones = [NEW_YORK, chrono_tz::UTC, chrono_tz::Asia::Kolkata, chrono_tz::Australia::Sydney];
    let blocks = blocks();
    zones.iter().map(|zone| json!({ "zone": zone.name(), "ics": ics::calendar(&blocks[..1], *zone, stamp) })).collect()
}

fn main() {
    let cases: Vec<Case> = enumerated().into_iter().chain(chosen()).collect();
    let rules: Vec<Value> = cases.iter().filter_map(Case::json).collect();
    // A rule that ends before its first date comes is refused by the app; it is left out.
    eprintln!("schedule corpus: {} rules ({} left out as never happening)", rules.len(), cases.len() - rules.len());
    assert!(rules.len() >= RULES_MIN, "only {} rules", rules.len());
    let corpus = json!({ "rules": rules, "calendar": calendar(), "zones": zone_calendars() });
    println!("{}", serde_json::to_string_pretty(&corpus).expect("JSON"));
}
