//! Routines: recurring chores (monthly bookkeeping on the first working day, social-media
//! posts every Monday) with an optional checklist. They fall on days, not times; a due one is
//! suggested in the commitment round, and a commitment to it that is closed as done keeps that
//! day's occurrence.

use super::rule::Recurrence;
use crate::error::{CoreError, Result};
use crate::limits::{ESTIMATE_MAX_MINUTES, TAG_MAX_CHARS};
use crate::validate::shows_nothing;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// Longest routine title, in characters: it becomes a commitment's text.
pub const TITLE_MAX_CHARS: usize = 200;
/// Most steps in a routine's checklist, and the longest step.
pub const STEPS_MAX: usize = 20;
pub const STEP_MAX_CHARS: usize = 200;
/// Most routines a person keeps.
pub const ROUTINES_MAX: usize = 100;
/// How far back a routine's history is told (kept and missed days, the streak).
pub const HISTORY_DAYS: i64 = 366;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RoutineDraft {
    pub title: String,
    pub tag: Option<String>,
    pub recurrence: Recurrence,
    pub steps: Vec<String>,
    pub estimate_minutes: Option<u32>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct Routine {
    pub id: Uuid,
    #[serde(flatten)]
    pub draft: RoutineDraft,
}

/// Why a routine is refused; each has its own message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RoutineProblem {
    TitleEmpty,
    TitleTooLong,
    TooManySteps,
    StepTooLong,
    TooMany,
    /// The day named is not one the routine falls on.
    NotADueDay,
}

fn problem<T>(p: RoutineProblem) -> Result<T> {
    Err(CoreError::Routine(p))
}

impl RoutineDraft {
    /// Checks every field and returns the draft as it is stored (texts trimmed, empty steps
    /// and a tag that shows nothing dropped).
    pub fn checked(mut self) -> Result<Self> {
        self.title = self.title.trim().to_owned();
        if shows_nothing(&self.title) {
            return problem(RoutineProblem::TitleEmpty);
        }
        if self.title.chars().count() > TITLE_MAX_CHARS {
            return problem(RoutineProblem::TitleTooLong);
        }
        self.tag = self.tag.map(|t| t.trim().to_owned()).filter(|t| !shows_nothing(t));
        if self.tag.as_ref().is_some_and(|t| t.chars().count() > TAG_MAX_CHARS) {
            return Err(CoreError::TagTooLong { max: TAG_MAX_CHARS });
        }
        self.steps = self.steps.iter().map(|s| s.trim().to_owned()).filter(|s| !shows_nothing(s)).collect();
        if self.steps.len() > STEPS_MAX {
            return problem(RoutineProblem::TooManySteps);
        }
        if self.steps.iter().any(|s| s.chars().count() > STEP_MAX_CHARS) {
            return problem(RoutineProblem::StepTooLong);
        }
        if self.estimate_minutes.is_some_and(|m| m == 0 || m > ESTIMATE_MAX_MINUTES) {
            return Err(CoreError::EstimateOutOfRange { max: ESTIMATE_MAX_MINUTES });
        }
        self.recurrence.check()?;
        Ok(self)
    }
}

impl Recurrence {
    /// The days this rule falls on in `[from, to]`, in order (`None`: see [`Recurrence::starts`]).
    pub fn days(&self, from: NaiveDate, to: NaiveDate) -> Option<Vec<NaiveDate>> {
        let midnight = |d: NaiveDate| d.and_hms_opt(0, 0, 0).expect("midnight exists").and_utc();
        let end = to.succ_opt().unwrap_or(to);
        Some(self.starts(chrono_tz::UTC, 0, midnight(from), midnight(end))?.into_iter().map(|s| s.day).collect())
    }

    /// The last day on or before `day` the rule falls on, and the first after it.
    pub fn around(&self, day: NaiveDate) -> (Option<NaiveDate>, Option<NaiveDate>) {
        let midnight = |d: NaiveDate| d.and_hms_opt(0, 0, 0).expect("midnight exists").and_utc();
        let after = day.succ_opt().unwrap_or(day);
        let before =
            self.starts(chrono_tz::UTC, 0, midnight(self.first), midnight(after)).and_then(|s| s.last().map(|s| s.day));
        let next = self.next_start(chrono_tz::UTC, 0, midnight(after)).map(|s| s.day);
        (before, next)
    }
}

/// What became of one day a routine fell on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub enum DayState {
    /// Done (a commitment to it closed as done, or ticked off by hand).
    Kept,
    /// Its next day came, and it was not done.
    Missed,
    /// Today, or since, and not done yet.
    Due,
    /// Due, from a day before today.
    Overdue,
}

/// A routine with where it stands today.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct RoutineStatus {
    pub routine: Routine,
    /// The day it fell on last (today or before), and what became of it.
    pub current: Option<(NaiveDate, DayState)>,
    /// The next day it falls on, after today.
    pub next: Option<NaiveDate>,
    /// The days of the last year, oldest first, with what became of each.
    pub history: Vec<(NaiveDate, DayState)>,
    /// How many of the latest days in a row were kept (a due day not yet done does not break it).
    pub streak: u32,
}

/// Where a routine stands on `today`, given the days that were done.
pub fn status(routine: Routine, done: &[NaiveDate], today: NaiveDate) -> RoutineStatus {
    let r = &routine.draft.recurrence;
    let from = today - chrono::Duration::days(HISTORY_DAYS);
    let days = r.days(from.max(r.first), today).unwrap_or_default();
    let (_, next) = r.around(today);
    let last = days.len().checked_sub(1);
    let history: Vec<_> = days
        .iter()
        .enumerate()
        .map(|(i, day)| {
            let state = if done.contains(day) {
                DayState::Kept
            } else if Some(i) != last {
                DayState::Missed
            } else if *day < today {
                DayState::Overdue
            } else {
                DayState::Due
            };
            (*day, state)
        })
        .collect();
    let streak = history
        .iter()
        .rev()
        .skip_while(|(_, s)| matches!(s, DayState::Due | DayState::Overdue))
        .take_while(|(_, s)| *s == DayState::Kept)
        .count() as u32;
    RoutineStatus { current: history.last().copied(), next, history, streak, routine }
}
