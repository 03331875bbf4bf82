//! Statistics of the history: focused time per day, week and month, sessions, how commitments
//! went, streaks, totals per tag and commitments that keep slipping — for a range of the
//! person's days.
//!
//! Pure: the store loads what happened (`store/stats.rs`) and this module counts, so the UI
//! never does. The time zone and "today" are passed in, like `now` everywhere in the core.
//! Days are the person's days: focus is split at their local midnights (a block from 23:30 to
//! 00:30 gives 30 minutes to each day) and a DST day lasts 23 or 25 hours. Only ended sessions
//! (finished or abandoned) count: the one in progress has no final record yet.

use crate::Timestamp;
use crate::error::ErrorCode;
use crate::model::{Outcome, SessionStatus};
use chrono::offset::LocalResult;
use chrono::{Datelike, Duration, NaiveDate, NaiveTime, TimeZone};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use uuid::Uuid;

/// A range spans at most three years (of 366 days): enough for any chart, and it bounds the
/// work one request can ask for.
pub const RANGE_MAX_DAYS: u32 = 3 * 366;
/// Carried over this often and still not done: the commitment is slipping.
pub const SLIPPING_MIN_CARRIES: u32 = 3;
/// At most this many slipping commitments are listed (the newest).
pub const SLIPPING_MAX: u32 = 100;

/// The person's days from `first` to `last`, both included. Only made through
/// [`StatsRange::new`], so a range in hand is valid (the shell builds it from the UI's dates).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct StatsRange {
    first: NaiveDate,
    last: NaiveDate,
}

/// Why a range is refused (`CoreError::StatsRange` carries it to the shell).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum RangeError {
    #[error("the range ends before it begins")]
    Reversed,
    #[error("a range spans at most {max} days")]
    TooLong { max: u32 },
    /// Beyond what the calendar arithmetic supports (years 1 to 9999 are accepted).
    #[error("the dates lie outside the years 1 to 9999")]
    OutOfCalendar,
}

impl RangeError {
    pub fn code(&self) -> ErrorCode {
        ErrorCode::InvalidInput
    }

    /// The catalog key of the message for people, and the values for its placeholders.
    pub fn message_key(&self) -> (&'static str, Vec<(&'static str, String)>) {
        match self {
            Self::Reversed => ("error.stats_range_reversed", Vec::new()),
            Self::TooLong { max } => ("error.stats_range_too_long", vec![("max", max.to_string())]),
            Self::OutOfCalendar => ("error.stats_range_out_of_calendar", Vec::new()),
        }
    }
}

impl StatsRange {
    pub fn new(first: NaiveDate, last: NaiveDate) -> Result<Self, RangeError> {
        let in_calendar = |d: NaiveDate| (1..=9999).contains(&d.year());
        if !in_calendar(first) || !in_calendar(last) {
            return Err(RangeError::OutOfCalendar);
        }
        if last < first {
            return Err(RangeError::Reversed);
        }
        if (last - first).num_days() >= i64::from(RANGE_MAX_DAYS) {
            return Err(RangeError::TooLong { max: RANGE_MAX_DAYS });
        }
        Ok(Self { first, last })
    }

    pub fn first(&self) -> NaiveDate {
        self.first
    }

    pub fn last(&self) -> NaiveDate {
        self.last
    }

    /// How many days the range holds.
    pub fn days(&self) -> u32 {
        (self.last - self.first).num_days() as u32 + 1
    }

    /// `[first 00:00, last + 1 00:00)` in `zone`, as instants: what the store selects.
    pub fn bounds(&self, zone: Tz) -> (Timestamp, Timestamp) {
        (day_start(zone, self.first), day_start(zone, self.after_last()))
    }

    fn after_last(&self) -> NaiveDate {
        self.last + Duration::days(1)
    }

    fn dates(&self) -> impl Iterator<Item = NaiveDate> {
        self.first.iter_days().take(self.days() as usize)
    }
}

/// When `date` begins in `zone`: its midnight, the earlier one if midnight happens twice, or
/// the first minute after a gap where a zone skips midnight (a DST change at 00:00).
pub fn day_start(zone: Tz, date: NaiveDate) -> Timestamp {
    let midnight = date.and_time(NaiveTime::MIN);
    for minute in 0..24 * 60 {
        match zone.from_local_datetime(&(midnight + Duration::minutes(minute))) {
            LocalResult::Single(t) | LocalResult::Ambiguous(t, _) => return t.to_utc(),
            LocalResult::None => continue,
        }
    }
    midnight.and_utc() // no zone skips a whole day's minutes; unreachable
}

/// The person's day an instant falls on.
pub fn local_day(zone: Tz, at: Timestamp) -> NaiveDate {
    at.with_timezone(&zone).date_naive()
}

/// An ended session as the statistics need it (loaded in bulk by the store).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionFacts {
    pub started_at: Timestamp,
    pub status: SessionStatus,
    /// The focus phase runs as `(started, ended)`.
    pub focus_runs: Vec<(Timestamp, Timestamp)>,
    /// Interruptions and sleeps as `(started, ended)`, whatever phase they fell in.
    pub pauses: Vec<(Timestamp, Timestamp)>,
    /// In the session's order.
    pub commitments: Vec<CommitmentFacts>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommitmentFacts {
    pub tag: Option<String>,
    pub outcome: Outcome,
}

/// One day of the range. A session counts on the day it started; its focus on the days it
/// happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct DayStats {
    pub date: NaiveDate,
    pub focus_secs: u32,
    pub finished: u32,
    pub abandoned: u32,
}

/// An ISO week (Monday to Sunday; its year is the ISO year, so 2027-01-01 is in 2026-W53).
/// At the edges of the range only its days in the range are summed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct WeekStats {
    pub iso_year: i32,
    pub week: u32,
    pub monday: NaiveDate,
    pub focus_secs: u32,
    pub finished: u32,
    pub abandoned: u32,
}

/// A calendar month; at the edges of the range only its days in the range are summed.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct MonthStats {
    pub year: i32,
    /// 1 to 12.
    pub month: u32,
    pub focus_secs: u32,
    pub finished: u32,
    pub abandoned: u32,
    /// The month's share of the range's completion (its finished sessions' commitments).
    pub completion: Completion,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct Totals {
    pub focus_secs: u32,
    pub finished: u32,
    pub abandoned: u32,
}

/// How the commitments of the finished sessions that started in the range went. Abandoned
/// sessions are left out: they had no closing round, so their outcomes were never decided.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct Completion {
    pub done: u32,
    pub partly: u32,
    pub not_done: u32,
    /// `(done + partly / 2) / all`, 0 to 1: partly done is half done, so a habit of finishing
    /// most of something still shows. `None` without commitments.
    pub rate: Option<f64>,
}

impl Completion {
    fn count(&mut self, outcome: Outcome) {
        match outcome {
            Outcome::Done => self.done += 1,
            Outcome::Partly => self.partly += 1,
            Outcome::NotDone => self.not_done += 1,
            Outcome::Pending => {}
        }
    }

    /// With its rate computed from the counts.
    fn rated(self) -> Self {
        let decided = self.done + self.partly + self.not_done;
        let rate = (decided > 0).then(|| (f64::from(self.done) + f64::from(self.partly) / 2.0) / f64::from(decided));
        Self { rate, ..self }
    }
}

/// Consecutive days on each of which an ended session started.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct Streak {
    pub first: NaiveDate,
    pub last: NaiveDate,
    pub days: u32,
}

/// Streaks are about the person, not the range: `current` and `longest` look at all of
/// history; `longest_in_range` only at the range's days.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct Streaks {
    /// The streak that ends today, or yesterday when today has no session yet (today is not
    /// over, so it does not break the streak). `None`: neither day had one.
    pub current: Option<Streak>,
    /// The longest ever (the latest of equally long ones).
    pub longest: Option<Streak>,
    /// The longest within the range, cut at its edges.
    pub longest_in_range: Option<Streak>,
}

/// A tag (client or area), case-insensitive, spelled as it was first written in the range;
/// `tag: None` gathers untagged commitments and sessions without any.
///
/// Focus is attributed, not measured: each session's focus in the range is shared equally among
/// its commitments (a session without commitments gives all of it to `None`), so the tags' focus
/// adds up to the range's. Commitments are counted in finished sessions started in the range,
/// like [`Completion`]; abandoned sessions still share out their focus.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct TagStats {
    pub tag: Option<String>,
    pub commitments: u32,
    pub done: u32,
    pub focus_secs: u32,
}

/// A commitment carried over [`SLIPPING_MIN_CARRIES`] times or more, not done and not carried
/// on yet (its latest copy, in an ended session). Not bound to the range: it is slipping now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct SlippingCommitment {
    pub id: Uuid,
    pub session_id: Uuid,
    pub text: String,
    pub tag: Option<String>,
    pub carry_count: u32,
    pub outcome: Outcome,
    pub session_started_at: Timestamp,
}

#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct Statistics {
    pub range: StatsRange,
    pub totals: Totals,
    /// Every day of the range, in order, days without sessions too.
    pub days: Vec<DayStats>,
    pub weeks: Vec<WeekStats>,
    pub months: Vec<MonthStats>,
    pub completion: Completion,
    pub streaks: Streaks,
    /// Most focus first.
    pub tags: Vec<TagStats>,
    /// Newest first.
    pub slipping: Vec<SlippingCommitment>,
}

/// Where each day of the range begins (milliseconds since the epoch), and the day after it.
struct DayGrid {
    starts: Vec<i64>,
}

impl DayGrid {
    fn new(range: StatsRange, zone: Tz) -> Self {
        Self::spanning(range.first, range.days() as usize, zone)
    }

    /// `days` days from `first` (no limit: exports span all of history).
    fn spanning(first: NaiveDate, days: usize, zone: Tz) -> Self {
        let starts = first.iter_days().take(days + 1);
        Self { starts: starts.map(|d| day_start(zone, d).timestamp_millis()).collect() }
    }

    /// The bucket of instant `t`: 0 before the range, `i + 1` for its day `i`, `days + 1` after.
    fn bucket(&self, t: i64) -> usize {
        self.starts.partition_point(|&s| s <= t)
    }

    /// Where bucket `b` ends.
    fn end_of(&self, b: usize) -> i64 {
        self.starts.get(b).copied().unwrap_or(i64::MAX)
    }
}

/// Time of `[from, to)` covered by `pauses`, each counted as the engine counts it.
fn paused_within(pauses: &[(i64, i64)], from: i64, to: i64) -> i64 {
    pauses.iter().map(|&(s, e)| (e.min(to) - s.max(from)).max(0)).sum()
}

/// A session's focus in whole seconds per bucket (ascending), as `SessionClock::focus_time`
/// counts it — each focus run less the pauses inside it — cut at the local midnights. Seconds
/// are floored on the running total, so the buckets add up to exactly the session's stored
/// `focus_secs`: a block split at midnight loses no second to rounding.
fn focus_by_bucket(grid: &DayGrid, session: &SessionFacts, out: &mut Vec<(usize, i64)>) {
    out.clear();
    let millis = |(s, e): &(Timestamp, Timestamp)| (s.timestamp_millis(), e.timestamp_millis());
    let pauses: Vec<(i64, i64)> = session.pauses.iter().map(millis).collect();
    let mut pieces: Vec<(usize, i64)> = Vec::new();
    for run in &session.focus_runs {
        let (start, end) = millis(run);
        let mut from = start;
        while from < end {
            let bucket = grid.bucket(from);
            let to = end.min(grid.end_of(bucket));
            pieces.push((bucket, (to - from) - paused_within(&pauses, from, to)));
            from = to;
        }
    }
    pieces.sort_by_key(|&(bucket, _)| bucket);
    let (mut total, mut floored) = (0i64, 0i64);
    for (bucket, ms) in pieces {
        total += ms;
        let now_floored = total.max(0).div_euclid(1000);
        let secs = now_floored - floored;
        floored = now_floored;
        match out.last_mut() {
            Some((b, s)) if *b == bucket => *s += secs,
            _ => out.push((bucket, secs)),
        }
    }
}

/// A session's focus per day of the person's, in whole seconds, counted as the statistics count
/// it: split at the local midnights, pauses left out; the days add up to the session's stored
/// focus. Days without focus are left out. (The invoices of `crate::export` use it.)
pub fn focus_per_day(zone: Tz, session: &SessionFacts) -> Vec<(NaiveDate, u32)> {
    let (Some(first), Some(last)) =
        (session.focus_runs.iter().map(|r| r.0).min(), session.focus_runs.iter().map(|r| r.1).max())
    else {
        return Vec::new();
    };
    let first = local_day(zone, first);
    let days = (local_day(zone, last) - first).num_days().max(0) as usize + 1;
    let mut buckets = Vec::new();
    focus_by_bucket(&DayGrid::spanning(first, days, zone), session, &mut buckets);
    buckets
        .into_iter()
        .filter(|&(bucket, secs)| (1..=days).contains(&bucket) && secs > 0)
        .map(|(bucket, secs)| (first + Duration::days(bucket as i64 - 1), to_u32(secs)))
        .collect()
}

/// Share `k` (from 0) of `total` shared equally by `count`: floored on the running total, so
/// the `count` shares add up to `total` exactly. How a session's focus goes to its commitments.
pub fn share(total: i64, k: usize, count: usize) -> i64 {
    let (k, count) = (k as i64, count.max(1) as i64);
    total * (k + 1) / count - total * k / count
}

fn to_u32(v: i64) -> u32 {
    u32::try_from(v.max(0)).unwrap_or(u32::MAX)
}

#[derive(Default)]
struct Tally {
    focus_secs: i64,
    finished: u32,
    abandoned: u32,
}

impl Tally {
    fn add(&mut self, other: &Tally) {
        self.focus_secs += other.focus_secs;
        self.finished += other.finished;
        self.abandoned += other.abandoned;
    }
}

#[derive(Default)]
struct TagTally {
    tag: Option<String>,
    commitments: u32,
    done: u32,
    focus_secs: i64,
}

/// Per-tag sums; tags meet case-insensitively and keep their first spelling.
#[derive(Default)]
struct Tags {
    index: HashMap<Option<String>, usize>,
    tallies: Vec<TagTally>,
}

impl Tags {
    fn get(&mut self, tag: Option<&str>) -> &mut TagTally {
        let key = tag.map(str::to_lowercase);
        let next = self.tallies.len();
        let i = *self.index.entry(key).or_insert(next);
        if i == next {
            self.tallies.push(TagTally { tag: tag.map(str::to_owned), ..TagTally::default() });
        }
        &mut self.tallies[i]
    }
}

/// Computes the statistics of `range` in `zone`, as of `today` (a day in `zone`).
///
/// `sessions`: the ended sessions overlapping the range (the store selects those running into
/// `range.bounds(zone)`); `starts`: when every ended session of all history started (for the
/// streaks); `slipping`: passed through.
pub fn statistics(
    range: StatsRange,
    zone: Tz,
    today: NaiveDate,
    sessions: &[SessionFacts],
    starts: &[Timestamp],
    slipping: Vec<SlippingCommitment>,
) -> Statistics {
    let grid = DayGrid::new(range, zone);
    let n = range.days() as usize;
    let mut days: Vec<Tally> = (0..n).map(|_| Tally::default()).collect();
    let mut completion = Completion::default();
    let mut month_completion: std::collections::HashMap<(i32, u32), Completion> = Default::default();
    let mut tags = Tags::default();
    let mut ordered: Vec<&SessionFacts> = sessions.iter().collect();
    ordered.sort_by_key(|s| s.started_at); // "first written" is the earliest
    let mut buckets = Vec::new();
    for session in ordered {
        focus_by_bucket(&grid, session, &mut buckets);
        let mut in_range = 0i64;
        for &(bucket, secs) in &buckets {
            if (1..=n).contains(&bucket) {
                days[bucket - 1].focus_secs += secs;
                in_range += secs;
            }
        }
        let day = local_day(zone, session.started_at);
        let started_in_range = day >= range.first && day <= range.last;
        let finished = session.status == SessionStatus::Finished;
        if started_in_range {
            let tally = &mut days[(day - range.first).num_days() as usize];
            match session.status {
                SessionStatus::Finished => tally.finished += 1,
                SessionStatus::Abandoned => tally.abandoned += 1,
                SessionStatus::Running | SessionStatus::Paused => {}
            }
        }
        let in_range = in_range.max(0);
        if session.commitments.is_empty() {
            tags.get(None).focus_secs += in_range;
        }
        let count = session.commitments.len();
        for (k, c) in session.commitments.iter().enumerate() {
            let tally = tags.get(c.tag.as_deref());
            // Equal shares, floored on the running total so they add up to the session's focus.
            tally.focus_secs += share(in_range, k, count);
            if started_in_range && finished {
                tally.commitments += 1;
                tally.done += u32::from(c.outcome == Outcome::Done);
                completion.count(c.outcome);
                month_completion.entry((day.year(), day.month())).or_default().count(c.outcome);
            }
        }
    }
    let completion = completion.rated();

    let dates: Vec<NaiveDate> = range.dates().collect();
    let mut weeks: Vec<(WeekStats, Tally)> = Vec::new();
    let mut months: Vec<(MonthStats, Tally)> = Vec::new();
    let mut totals = Tally::default();
    for (date, tally) in dates.iter().zip(&days) {
        let iso = date.iso_week();
        if weeks.last().is_none_or(|(w, _)| (w.iso_year, w.week) != (iso.year(), iso.week())) {
            let monday = *date - Duration::days(i64::from(date.weekday().num_days_from_monday()));
            let week =
                WeekStats { iso_year: iso.year(), week: iso.week(), monday, focus_secs: 0, finished: 0, abandoned: 0 };
            weeks.push((week, Tally::default()));
        }
        weeks.last_mut().expect("just pushed").1.add(tally);
        if months.last().is_none_or(|(m, _)| (m.year, m.month) != (date.year(), date.month())) {
            let completion = month_completion.remove(&(date.year(), date.month())).unwrap_or_default().rated();
            let month = MonthStats {
                year: date.year(),
                month: date.month(),
                focus_secs: 0,
                finished: 0,
                abandoned: 0,
                completion,
            };
            months.push((month, Tally::default()));
        }
        months.last_mut().expect("just pushed").1.add(tally);
        totals.add(tally);
    }

    // A tag seen only on sessions without focus in the range, and no commitment counted, says nothing.
    let mut tags: Vec<TagStats> = tags
        .tallies
        .into_iter()
        .filter(|t| t.commitments > 0 || t.focus_secs > 0)
        .map(|t| TagStats { tag: t.tag, commitments: t.commitments, done: t.done, focus_secs: to_u32(t.focus_secs) })
        .collect();
    tags.sort_by(|a, b| b.focus_secs.cmp(&a.focus_secs).then(b.commitments.cmp(&a.commitments)));

    let mut session_days: Vec<NaiveDate> = starts.iter().map(|&t| local_day(zone, t)).collect();
    session_days.sort_unstable();
    session_days.dedup();

    Statistics {
        range,
        totals: Totals {
            focus_secs: to_u32(totals.focus_secs),
            finished: totals.finished,
            abandoned: totals.abandoned,
        },
        days: dates
            .iter()
            .zip(&days)
            .map(|(&date, t)| DayStats {
                date,
                focus_secs: to_u32(t.focus_secs),
                finished: t.finished,
                abandoned: t.abandoned,
            })
            .collect(),
        weeks: weeks
            .into_iter()
            .map(|(w, t)| WeekStats {
                focus_secs: to_u32(t.focus_secs),
                finished: t.finished,
                abandoned: t.abandoned,
                ..w
            })
            .collect(),
        months: months
            .into_iter()
            .map(|(m, t)| MonthStats {
                focus_secs: to_u32(t.focus_secs),
                finished: t.finished,
                abandoned: t.abandoned,
                ..m
            })
            .collect(),
        completion,
        streaks: streaks(&session_days, range, today),
        tags,
        slipping,
    }
}

/// The streaks in `days` (sorted, distinct days with a session) as of `today`.
pub fn streaks(days: &[NaiveDate], range: StatsRange, today: NaiveDate) -> Streaks {
    let mut runs: Vec<Streak> = Vec::new();
    for &day in days {
        match runs.last_mut() {
            Some(run) if run.last.succ_opt() == Some(day) => {
                run.last = day;
                run.days += 1;
            }
            _ => runs.push(Streak { first: day, last: day, days: 1 }),
        }
    }
    // Later runs win ties: `max_by_key` keeps the last maximum.
    let longest = runs.iter().copied().max_by_key(|r| r.days);
    let longest_in_range = runs
        .iter()
        .filter(|r| r.last >= range.first && r.first <= range.last)
        .map(|r| {
            let (first, last) = (r.first.max(range.first), r.last.min(range.last));
            Streak { first, last, days: (last - first).num_days() as u32 + 1 }
        })
        .max_by_key(|r| r.days);
    let yesterday = today.pred_opt();
    let current = [Some(today), yesterday].into_iter().flatten().find_map(|end| {
        let run = runs.iter().find(|r| r.first <= end && end <= r.last)?;
        Some(Streak { first: run.first, last: end, days: (end - run.first).num_days() as u32 + 1 })
    });
    Streaks { current, longest, longest_in_range }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{TimeZone, Utc};
    use chrono_tz::Europe::Berlin;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn berlins_dst_days_last_23_and_25_hours() {
        let hours = |d: NaiveDate| (day_start(Berlin, d + Duration::days(1)) - day_start(Berlin, d)).num_hours();
        assert_eq!(hours(date(2026, 3, 29)), 23);
        assert_eq!(hours(date(2026, 10, 25)), 25);
        assert_eq!(hours(date(2026, 6, 1)), 24);
        assert_eq!(day_start(Berlin, date(2026, 3, 29)), Utc.with_ymd_and_hms(2026, 3, 28, 23, 0, 0).unwrap());
    }

    #[test]
    fn a_zone_that_skips_midnight_starts_the_day_after_the_gap() {
        // Santiago de Chile moved its clocks from 00:00 to 01:00 on 2024-09-08.
        let start = day_start(chrono_tz::America::Santiago, date(2024, 9, 8));
        assert_eq!(start, Utc.with_ymd_and_hms(2024, 9, 8, 4, 0, 0).unwrap());
        assert_eq!(local_day(chrono_tz::America::Santiago, start), date(2024, 9, 8));
    }

    #[test]
    fn ranges_are_checked() {
        assert_eq!(StatsRange::new(date(2026, 1, 2), date(2026, 1, 1)), Err(RangeError::Reversed));
        assert!(StatsRange::new(date(2026, 1, 1), date(2026, 1, 1)).is_ok());
        let longest = date(2026, 1, 1) + Duration::days(i64::from(RANGE_MAX_DAYS) - 1);
        assert_eq!(StatsRange::new(date(2026, 1, 1), longest).unwrap().days(), RANGE_MAX_DAYS);
        assert_eq!(
            StatsRange::new(date(2026, 1, 1), longest + Duration::days(1)),
            Err(RangeError::TooLong { max: RANGE_MAX_DAYS })
        );
        assert_eq!(StatsRange::new(NaiveDate::MIN, date(2026, 1, 1)), Err(RangeError::OutOfCalendar));
    }

    #[test]
    fn split_seconds_add_up_to_the_sessions_floored_total() {
        // 0.6 s before midnight and 0.6 s after: 1.2 s in all, stored as 1 s.
        let grid = DayGrid { starts: vec![0, 10_000] };
        let t = |ms: i64| chrono::DateTime::from_timestamp_millis(ms).unwrap();
        let session = SessionFacts {
            started_at: t(-1000),
            status: SessionStatus::Finished,
            focus_runs: vec![(t(-600), t(600))],
            pauses: Vec::new(),
            commitments: Vec::new(),
        };
        let mut out = Vec::new();
        focus_by_bucket(&grid, &session, &mut out);
        assert_eq!(out, vec![(0, 0), (1, 1)]);
    }

    #[test]
    fn streaks_count_back_from_today_or_yesterday() {
        let days = [date(2026, 5, 1), date(2026, 5, 2), date(2026, 5, 3), date(2026, 5, 5), date(2026, 5, 6)];
        let range = StatsRange::new(date(2026, 5, 2), date(2026, 5, 31)).unwrap();
        let s = streaks(&days, range, date(2026, 5, 6));
        assert_eq!(s.current, Some(Streak { first: date(2026, 5, 5), last: date(2026, 5, 6), days: 2 }));
        assert_eq!(s.longest, Some(Streak { first: date(2026, 5, 1), last: date(2026, 5, 3), days: 3 }));
        // Cut at the range's first day, the first run is as long as the second; the later wins.
        assert_eq!(s.longest_in_range, Some(Streak { first: date(2026, 5, 5), last: date(2026, 5, 6), days: 2 }));
        assert_eq!(streaks(&days, range, date(2026, 5, 7)).current.map(|s| s.days), Some(2));
        assert_eq!(streaks(&days, range, date(2026, 5, 8)).current, None);
        assert_eq!(streaks(&days, range, date(2026, 5, 4)).current.map(|s| s.days), Some(3));
        assert_eq!(streaks(&[], range, date(2026, 5, 4)), Streaks::default());
    }
}
