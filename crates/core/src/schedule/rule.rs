//! When something recurs: the choices a person makes in the block and routine forms (weekly on
//! some days, every N weeks, monthly on a day or the n-th weekday or working day, yearly, until
//! a date or N times), checked, and turned into an RFC 5545 RRULE that the `rrule` crate
//! expands. The same RRULE goes into the calendar export, so the app, the export and any
//! calendar program agree on the dates.

use crate::Timestamp;
use crate::error::{CoreError, Result};
use chrono::{Datelike, NaiveDate, NaiveDateTime, Offset, TimeZone};
use rrule::RRuleSet;
use serde::{Deserialize, Serialize};

/// The first and last years a rule may touch: far enough for any plan, near enough that an
/// absurd year is refused before the `rrule` crate steps through centuries.
pub const YEAR_MIN: i32 = 2000;
pub const YEAR_MAX: i32 = 2200;
/// "Every N days / weeks / months / years": at most this N.
pub const INTERVAL_MAX: u16 = 99;
/// "N times": at most this N.
pub const COUNT_MAX: u32 = 1000;

/// A day of the week, Monday first (as ISO 8601 and German calendars count).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "lowercase")]
pub enum Day {
    Mo,
    Tu,
    We,
    Th,
    Fr,
    Sa,
    Su,
}

impl Day {
    pub const ALL: [Day; 7] = [Day::Mo, Day::Tu, Day::We, Day::Th, Day::Fr, Day::Sa, Day::Su];
    pub const WORKDAYS: [Day; 5] = [Day::Mo, Day::Tu, Day::We, Day::Th, Day::Fr];

    /// The RRULE spelling (`MO`…`SU`).
    pub fn code(self) -> &'static str {
        ["MO", "TU", "WE", "TH", "FR", "SA", "SU"][self.index()]
    }

    /// 0 for Monday … 6 for Sunday.
    pub fn index(self) -> usize {
        self as usize
    }

    pub fn of(date: NaiveDate) -> Self {
        Self::ALL[date.weekday().num_days_from_monday() as usize]
    }
}

/// How often it comes back.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(tag = "every", rename_all = "camelCase", deny_unknown_fields)]
pub enum Repeat {
    /// Only on the first date.
    Once,
    /// Every `interval` days.
    Days { interval: u16 },
    /// Every `interval` weeks, on these days.
    Weeks { interval: u16, days: Vec<Day> },
    /// Every `interval` months on this day of the month (1 to 31; -1 is the last day). A month
    /// without that day is left out, as calendars do.
    MonthDay { interval: u16, day: i8 },
    /// Every `interval` months on the `nth` (1 to 4; -1 the last) `weekday`.
    MonthWeekday { interval: u16, nth: i8, weekday: Day },
    /// Every `interval` months on the `nth` (1 to 5; -1 the last) working day, Monday to Friday.
    MonthWorkday { interval: u16, nth: i8 },
    /// Every `interval` years on this month (1 to 12) and day.
    Years { interval: u16, month: u8, day: u8 },
}

/// When it stops.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(tag = "ends", rename_all = "camelCase", deny_unknown_fields)]
pub enum Ends {
    Never,
    /// After this date (the date itself included).
    On {
        date: NaiveDate,
    },
    /// After this many times.
    After {
        count: u32,
    },
}

/// A recurrence: from its first date, how often, until when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Recurrence {
    pub first: NaiveDate,
    pub repeat: Repeat,
    pub ends: Ends,
}

/// Why a rule is refused; each has its own message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RuleProblem {
    /// A date outside [`YEAR_MIN`]..=[`YEAR_MAX`].
    YearOutOfRange,
    IntervalOutOfRange,
    /// Weekly, but on no day.
    NoDays,
    DayOfMonthOutOfRange,
    NthOutOfRange,
    /// A day the month never has (February 30th, April 31st).
    ImpossibleDate {
        month: u8,
        day: u8,
    },
    /// It ends before it begins.
    EndBeforeFirst,
    CountOutOfRange,
    /// No date at all between the first and the end.
    NeverHappens,
}

impl Recurrence {
    /// Checks the choices, then that the rule happens at least once.
    pub fn check(&self) -> Result<()> {
        let problem = |p| Err(CoreError::Rule(p));
        let in_years = |d: NaiveDate| (YEAR_MIN..=YEAR_MAX).contains(&d.year());
        if !in_years(self.first) {
            return problem(RuleProblem::YearOutOfRange);
        }
        match self.ends {
            Ends::On { date } if !in_years(date) => return problem(RuleProblem::YearOutOfRange),
            Ends::On { date } if date < self.first => return problem(RuleProblem::EndBeforeFirst),
            Ends::After { count } if count == 0 || count > COUNT_MAX => {
                return problem(RuleProblem::CountOutOfRange);
            }
            _ => {}
        }
        let interval = match &self.repeat {
            Repeat::Once => 1,
            Repeat::Days { interval }
            | Repeat::Weeks { interval, .. }
            | Repeat::MonthDay { interval, .. }
            | Repeat::MonthWeekday { interval, .. }
            | Repeat::MonthWorkday { interval, .. }
            | Repeat::Years { interval, .. } => *interval,
        };
        if !(1..=INTERVAL_MAX).contains(&interval) {
            return problem(RuleProblem::IntervalOutOfRange);
        }
        match &self.repeat {
            Repeat::Weeks { days, .. } if days.is_empty() => return problem(RuleProblem::NoDays),
            Repeat::MonthDay { day, .. } if !(*day == -1 || (1..=31).contains(day)) => {
                return problem(RuleProblem::DayOfMonthOutOfRange);
            }
            Repeat::MonthWeekday { nth, .. } if !(*nth == -1 || (1..=4).contains(nth)) => {
                return problem(RuleProblem::NthOutOfRange);
            }
            Repeat::MonthWorkday { nth, .. } if !(*nth == -1 || (1..=5).contains(nth)) => {
                return problem(RuleProblem::NthOutOfRange);
            }
            // 2000 is a leap year: February 29th is a day the month can have.
            Repeat::Years { month, day, .. }
                if NaiveDate::from_ymd_opt(2000, u32::from(*month), u32::from(*day)).is_none() =>
            {
                return problem(RuleProblem::ImpossibleDate { month: *month, day: *day });
            }
            _ => {}
        }
        if self.set(0).is_none() || self.first_start(chrono_tz::UTC, 0).is_none() {
            return problem(RuleProblem::NeverHappens);
        }
        Ok(())
    }

    /// The RRULE value (without `RRULE:`); `None` for a one-off. An end date becomes UNTIL: the
    /// last start it allows, in UTC for a start in `zone` (RFC 5545 asks for UTC with a zoned
    /// start), or as floating local time with `zone` `None`.
    pub fn rrule(&self, zone: Option<chrono_tz::Tz>, start_minute: u16) -> Option<String> {
        let every = |freq: &str, interval: u16| {
            if interval > 1 { format!("FREQ={freq};INTERVAL={interval}") } else { format!("FREQ={freq}") }
        };
        let mut rule = match &self.repeat {
            Repeat::Once => return None,
            Repeat::Days { interval } => every("DAILY", *interval),
            Repeat::Weeks { interval, days } => {
                let mut days = days.clone();
                days.sort();
                days.dedup();
                let days: Vec<_> = days.iter().map(|d| d.code()).collect();
                format!("{};BYDAY={};WKST=MO", every("WEEKLY", *interval), days.join(","))
            }
            Repeat::MonthDay { interval, day } => format!("{};BYMONTHDAY={day}", every("MONTHLY", *interval)),
            Repeat::MonthWeekday { interval, nth, weekday } => {
                format!("{};BYDAY={nth}{}", every("MONTHLY", *interval), weekday.code())
            }
            Repeat::MonthWorkday { interval, nth } => {
                format!("{};BYDAY=MO,TU,WE,TH,FR;BYSETPOS={nth}", every("MONTHLY", *interval))
            }
            Repeat::Years { interval, month, day } => {
                format!("{};BYMONTH={month};BYMONTHDAY={day}", every("YEARLY", *interval))
            }
        };
        match self.ends {
            Ends::Never => {}
            Ends::After { count } => rule.push_str(&format!(";COUNT={count}")),
            Ends::On { date } => {
                let last = at_minute(date, start_minute);
                let until = match zone {
                    Some(zone) => local(zone, last).with_timezone(&chrono::Utc).naive_utc(),
                    None => last,
                };
                rule.push_str(&format!(";UNTIL={}", until.format("%Y%m%dT%H%M%SZ")));
            }
        }
        Some(rule)
    }

    /// The rule expanded in floating local time: the crate steps through local dates and
    /// times as if in UTC (no gaps, no folds), and [`local`] places each in the zone after.
    fn set(&self, start_minute: u16) -> Option<RRuleSet> {
        let start = at_minute(self.first, start_minute).format("%Y%m%dT%H%M%SZ");
        let rule = self.rrule(None, start_minute).unwrap_or_else(|| "FREQ=DAILY;COUNT=1".to_owned());
        format!("DTSTART:{start}\nRRULE:{rule}").parse::<RRuleSet>().ok().map(RRuleSet::limit)
    }

    /// The local date-times the rule gives, in order, from its first.
    fn local_starts(&self, start_minute: u16) -> impl Iterator<Item = NaiveDateTime> {
        let set = self.set(start_minute);
        let all: Box<dyn Iterator<Item = NaiveDateTime>> = match set {
            Some(set) => Box::new(OwnedDates::new(set)),
            None => Box::new(std::iter::empty()),
        };
        all.take(STEPS_MAX)
    }

    /// The starts in `[from, to)`, in order, in `zone`, at `start_minute` of each day the rule
    /// falls on (a time the clocks skip is moved on by the gap; one they repeat is the first of
    /// the two, as RFC 5545 says). `None` when the rule needs more than [`STEPS_MAX`] steps
    /// to get there (it cannot, within the years allowed, at once a day).
    pub fn starts(&self, zone: chrono_tz::Tz, start_minute: u16, from: Timestamp, to: Timestamp) -> Option<Vec<Start>> {
        self.set(start_minute)?;
        let mut found = Vec::new();
        for naive in self.local_starts(start_minute) {
            let at = local(zone, naive).with_timezone(&chrono::Utc);
            if at >= to {
                break;
            }
            if at >= from {
                found.push(Start { at, day: naive.date() });
            }
        }
        Some(found)
    }

    /// The first start at or after `at`, if the rule has one (within [`STEPS_MAX`] steps).
    pub fn next_start(&self, zone: chrono_tz::Tz, start_minute: u16, at: Timestamp) -> Option<Start> {
        self.local_starts(start_minute)
            .map(|naive| Start { at: local(zone, naive).with_timezone(&chrono::Utc), day: naive.date() })
            .find(|s| s.at >= at)
    }

    /// The first start, if the rule happens at all.
    pub fn first_start(&self, zone: chrono_tz::Tz, start_minute: u16) -> Option<Start> {
        let naive = self.local_starts(start_minute).next()?;
        Some(Start { at: local(zone, naive).with_timezone(&chrono::Utc), day: naive.date() })
    }

    /// Whether the rule falls on `day`.
    pub fn falls_on(&self, day: NaiveDate) -> bool {
        let midnight = |d: NaiveDate| d.and_hms_opt(0, 0, 0).expect("midnight exists").and_utc();
        let Some(next) = day.succ_opt() else { return false };
        self.starts(chrono_tz::UTC, 0, midnight(day), midnight(next)).is_some_and(|s| !s.is_empty())
    }
}

/// Most starts stepped through for one read: a daily rule over all the years allowed.
pub const STEPS_MAX: usize = 366 * (YEAR_MAX - YEAR_MIN + 1) as usize;

/// One start the rule gives: its instant, and the local day it falls on (each rule falls on a
/// day at most once, so the day names the occurrence).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Start {
    pub at: Timestamp,
    pub day: NaiveDate,
}

/// `minute` minutes into `day`.
fn at_minute(day: NaiveDate, minute: u16) -> NaiveDateTime {
    day.and_hms_opt(0, 0, 0).expect("midnight exists") + chrono::Duration::minutes(i64::from(minute))
}

/// An RRULE set's dates, owning the set (the crate's iterator borrows it).
struct OwnedDates {
    dates: std::vec::IntoIter<NaiveDateTime>,
    set: Option<RRuleSet>,
    /// The last date handed out, where the next batch starts after.
    after: Option<NaiveDateTime>,
}

impl OwnedDates {
    /// Dates are taken from the crate a batch at a time.
    const BATCH: usize = 4096;

    fn new(set: RRuleSet) -> Self {
        Self { dates: Vec::new().into_iter(), set: Some(set), after: None }
    }
}

impl Iterator for OwnedDates {
    type Item = NaiveDateTime;

    fn next(&mut self) -> Option<NaiveDateTime> {
        if let Some(d) = self.dates.next() {
            self.after = Some(d);
            return Some(d);
        }
        let set = self.set.as_ref()?;
        let after = self.after;
        let batch: Vec<_> = set
            .into_iter()
            .map(|d| d.naive_utc())
            .skip_while(|d| after.is_some_and(|a| *d <= a))
            .take(Self::BATCH)
            .collect();
        if batch.len() < Self::BATCH {
            self.set = None; // the rule ends within this batch
        }
        self.dates = batch.into_iter();
        let d = self.dates.next()?;
        self.after = Some(d);
        Some(d)
    }
}

/// `naive` in `zone`: the first of two, or moved on by the gap (RFC 5545, 3.3.5).
pub fn local(zone: chrono_tz::Tz, naive: NaiveDateTime) -> chrono::DateTime<chrono_tz::Tz> {
    match zone.from_local_datetime(&naive) {
        chrono::LocalResult::Single(t) | chrono::LocalResult::Ambiguous(t, _) => t,
        chrono::LocalResult::None => {
            // In a gap: read with the offset before it, which lands as far past the gap.
            let before = zone.offset_from_utc_datetime(&(naive - chrono::Duration::days(1)));
            let utc = naive - chrono::Duration::seconds(i64::from(before.fix().local_minus_utc()));
            zone.from_utc_datetime(&utc)
        }
    }
}
