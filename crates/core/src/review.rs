//! The weekly review: what a week of the person's days held — done, partly, not done, what
//! keeps slipping, time per tag, the notes worth keeping — and which unfinished commitments they
//! plan to carry into the next week's first commitment round. Read by `Store::weekly_review`;
//! the plan is kept by `Store::plan_carries`.

use crate::Timestamp;
use crate::model::Outcome;
use crate::stats::{Statistics, StatsRange};
use chrono::{Datelike, Days, NaiveDate};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// The most commitments planned at once (a week holds far fewer unfinished ones; the bound keeps
/// a request cheap).
pub const PLAN_MAX: usize = 200;

/// The week (Monday to Sunday) that holds `day`.
pub fn week_of(day: NaiveDate) -> StatsRange {
    let monday = day - Days::new(u64::from(day.weekday().num_days_from_monday()));
    StatsRange::new(monday, monday + Days::new(6)).expect("a week is a valid range")
}

/// A commitment as the review shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct ReviewCommitment {
    pub id: Uuid,
    pub session_id: Uuid,
    pub session_started_at: Timestamp,
    pub text: String,
    pub tag: Option<String>,
    /// `Pending` for one left open in an abandoned session.
    pub outcome: Outcome,
    /// What was actually done.
    pub note: Option<String>,
    /// How many times it had been carried over.
    pub carry_count: u32,
    /// Taken into a later session already.
    pub carried_on: bool,
    /// Planned for the next week's first commitment round (and not taken in yet).
    pub planned: bool,
}

impl ReviewCommitment {
    /// Whether it can still be carried: unfinished and not carried on.
    pub fn open(&self) -> bool {
        !self.carried_on && self.outcome != Outcome::Done
    }
}

/// A note written in the week: a session's closing note, or what was done on a commitment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct ReviewNote {
    pub session_id: Uuid,
    pub session_started_at: Timestamp,
    /// The commitment the note is on; `None` for the session's closing note.
    pub commitment: Option<String>,
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct WeeklyReview {
    /// Monday to Sunday, the person's days.
    pub week: StatsRange,
    /// Its ISO 8601 week number (the calendar's "KW").
    pub iso_week: u32,
    /// The Monday after: when the plan's commitments become due.
    pub next_monday: NaiveDate,
    /// The Monday of the person's current week (the review may be of another).
    pub this_monday: NaiveDate,
    /// The week's statistics: totals, completion, the seven days, time per tag, streaks.
    pub statistics: Statistics,
    /// Commitments of the ended sessions started in the week, in the order they were made.
    pub done: Vec<ReviewCommitment>,
    pub partly: Vec<ReviewCommitment>,
    /// Not done, or left open in an abandoned session.
    pub not_done: Vec<ReviewCommitment>,
    /// Carried over 3+ times and still not done, now (not bound to the week, as in the
    /// statistics), without those already listed above.
    pub slipping: Vec<ReviewCommitment>,
    /// Oldest first.
    pub notes: Vec<ReviewNote>,
}

impl WeeklyReview {
    /// Sorts the week's commitments into done, partly and not done.
    pub fn sort_outcomes(&mut self, commitments: Vec<ReviewCommitment>) {
        for c in commitments {
            match c.outcome {
                Outcome::Done => self.done.push(c),
                Outcome::Partly => self.partly.push(c),
                Outcome::NotDone | Outcome::Pending => self.not_done.push(c),
            }
        }
    }

    /// What the review's one click carries into the next week: the week's commitments still
    /// open, in the order shown (partly first: half-done work is the easiest to finish). Older
    /// slipping ones are carried one by one, by choice.
    pub fn carryable(&self) -> impl Iterator<Item = &ReviewCommitment> {
        self.partly.iter().chain(&self.not_done).filter(|c| c.open())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn a_week_runs_monday_to_sunday_across_a_year_boundary() {
        let week = week_of(date(2027, 1, 1)); // a Friday
        assert_eq!((week.first(), week.last()), (date(2026, 12, 28), date(2027, 1, 3)));
        assert_eq!(week_of(date(2026, 12, 28)), week);
        assert_eq!(week_of(date(2027, 1, 3)), week);
        assert_eq!(week_of(date(2027, 1, 4)).first(), date(2027, 1, 4));
    }
}
