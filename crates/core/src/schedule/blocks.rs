//! Work blocks: the times of the week a person keeps for work ("Mon–Fri 9:00–13:00"), fixed or
//! as a flexible window ("weekdays 13:00–15:00, about 60 minutes": the nap), and their
//! occurrences, computed from the rule whenever they are read, in the zone the shell passes in.

use super::rule::{Recurrence, Start};
use crate::Timestamp;
use crate::error::{CoreError, Result};
use crate::model::{PhaseKind, PlannedPhase};
use crate::validate::shows_nothing;
use chrono::{Duration, NaiveDate};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// Longest block title, in characters.
pub const TITLE_MAX_CHARS: usize = 80;
/// A block or window lasts at most twelve hours.
pub const LENGTH_MAX_MINUTES: u32 = 12 * 60;
/// Most blocks a person keeps.
pub const BLOCKS_MAX: usize = 50;
/// A minute of the day: 0 (00:00) to 1439 (23:59).
pub const MINUTES_PER_DAY: u16 = 24 * 60;
/// The reminder's default: ten minutes to plan the commitments.
pub const REMIND_DEFAULT_MINUTES: u32 = 10;

/// What the block form sends.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct BlockDraft {
    pub title: String,
    /// The template its session starts from; `None`: the default template at that time.
    pub template_id: Option<Uuid>,
    pub recurrence: Recurrence,
    /// The minute of the day it starts, in the person's zone.
    pub start_minute: u16,
    /// How long it lasts; for a flexible window, how long the window stays open.
    pub length_minutes: u32,
    /// Set for a flexible window: about how long the work inside it takes.
    pub expected_minutes: Option<u32>,
    /// How many minutes before the start the reminder comes (0: at the start; `None`: none).
    pub remind_minutes: Option<u32>,
}

/// A stored block.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct Block {
    pub id: Uuid,
    #[serde(flatten)]
    pub draft: BlockDraft,
}

impl Block {
    /// A flexible window rather than a fixed block.
    pub fn is_flexible(&self) -> bool {
        self.draft.expected_minutes.is_some()
    }
}

/// Why a block is refused; each has its own message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BlockProblem {
    TitleEmpty,
    TitleTooLong,
    StartOutOfRange,
    LengthOutOfRange,
    /// A flexible window shorter than the work it is for.
    WindowShorterThanExpected,
    ExpectedOutOfRange,
    TooMany,
    /// The occurrence named is not one of the block's.
    NotAnOccurrence,
}

fn problem<T>(p: BlockProblem) -> Result<T> {
    Err(CoreError::Block(p))
}

impl BlockDraft {
    /// Checks every field and returns the draft as it is stored (title trimmed, days in order).
    pub fn checked(mut self) -> Result<Self> {
        self.title = self.title.trim().to_owned();
        if shows_nothing(&self.title) {
            return problem(BlockProblem::TitleEmpty);
        }
        if self.title.chars().count() > TITLE_MAX_CHARS {
            return problem(BlockProblem::TitleTooLong);
        }
        if self.start_minute >= MINUTES_PER_DAY {
            return problem(BlockProblem::StartOutOfRange);
        }
        if self.length_minutes == 0 || self.length_minutes > LENGTH_MAX_MINUTES {
            return problem(BlockProblem::LengthOutOfRange);
        }
        if let Some(expected) = self.expected_minutes {
            if expected == 0 {
                return problem(BlockProblem::ExpectedOutOfRange);
            }
            if expected > self.length_minutes {
                return problem(BlockProblem::WindowShorterThanExpected);
            }
        }
        if self.remind_minutes.is_some_and(|m| m > crate::limits::REMINDER_MAX_MINUTES) {
            return Err(CoreError::ReminderOutOfRange { max: crate::limits::REMINDER_MAX_MINUTES });
        }
        if let super::rule::Repeat::Weeks { days, .. } = &mut self.recurrence.repeat {
            days.sort();
            days.dedup();
        }
        self.recurrence.check()?;
        Ok(self)
    }
}

/// A change to one occurrence: left out, or held at another time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(tag = "change", rename_all = "camelCase", rename_all_fields = "camelCase", deny_unknown_fields)]
pub enum Exception {
    Skip,
    /// Held at `to` for `lengthMinutes` instead.
    Move {
        to: Timestamp,
        length_minutes: u32,
    },
}

/// A block with its changed days: what the calendar export writes.
pub type BlockWithExceptions = (Block, Vec<(NaiveDate, Exception)>);

/// One occurrence of a block, with what became of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct Occurrence {
    pub block_id: Uuid,
    /// The day the rule puts it on, in the person's zone: with the block, its name.
    pub day: NaiveDate,
    pub title: String,
    pub template_id: Option<Uuid>,
    pub starts_at: Timestamp,
    pub ends_at: Timestamp,
    /// A flexible window: about this long, any time before `ends_at`.
    pub expected_minutes: Option<u32>,
    pub remind_minutes: Option<u32>,
    /// Moved from the time the rule gives.
    pub moved: bool,
    /// Skipped: it shows, crossed out, and reminds of nothing.
    pub skipped: bool,
}

impl Occurrence {
    /// When its reminder comes (its start, without one).
    pub fn remind_from(&self) -> Timestamp {
        self.starts_at - Duration::minutes(i64::from(self.remind_minutes.unwrap_or(0)))
    }

    /// How long a session started for it should focus: the window's expected length, or the
    /// block's.
    pub fn work_minutes(&self) -> u32 {
        self.expected_minutes.unwrap_or_else(|| (self.ends_at - self.starts_at).num_minutes().max(0) as u32)
    }
}

/// The occurrences of `block` that overlap `[from, to)`, in `zone`, with its `exceptions`
/// (by the day they change) applied; sorted by start. A moved occurrence counts where it
/// went. `None` when the rule cannot be stepped to the range (see [`Recurrence::starts`]).
pub fn occurrences(
    block: &Block,
    exceptions: &[(NaiveDate, Exception)],
    zone: chrono_tz::Tz,
    from: Timestamp,
    to: Timestamp,
) -> Option<Vec<Occurrence>> {
    let d = &block.draft;
    let length = Duration::minutes(i64::from(d.length_minutes));
    let make = |start: Start, ends: Timestamp| Occurrence {
        block_id: block.id,
        day: start.day,
        title: d.title.clone(),
        template_id: d.template_id,
        starts_at: start.at,
        ends_at: ends,
        expected_minutes: d.expected_minutes,
        remind_minutes: d.remind_minutes,
        moved: false,
        skipped: false,
    };
    let exception = |day: NaiveDate| exceptions.iter().find(|(d, _)| *d == day).map(|(_, e)| *e);
    // Starts that end inside the range began up to a block's length before it.
    let mut found = Vec::new();
    for start in d.recurrence.starts(zone, d.start_minute, from - length, to)? {
        if start.at + length <= from {
            continue;
        }
        match exception(start.day) {
            None => found.push(make(start, start.at + length)),
            Some(Exception::Skip) => found.push(Occurrence { skipped: true, ..make(start, start.at + length) }),
            Some(Exception::Move { .. }) => {} // listed where it went, below
        }
    }
    for (day, e) in exceptions {
        let Exception::Move { to: at, length_minutes } = *e else { continue };
        let ends = at + Duration::minutes(i64::from(length_minutes));
        if ends > from && at < to {
            found.push(Occurrence { moved: true, ..make(Start { at, day: *day }, ends) });
        }
    }
    found.sort_by_key(|o| (o.starts_at, o.block_id));
    Some(found)
}

/// Checks a move of `block`'s occurrence on `day` (a day the rule falls on) to `to`.
pub fn check_exception(block: &Block, day: NaiveDate, exception: &Exception) -> Result<()> {
    if !block.draft.recurrence.falls_on(day) {
        return problem(BlockProblem::NotAnOccurrence);
    }
    if let Exception::Move { to, length_minutes } = exception {
        if *length_minutes == 0 || *length_minutes > LENGTH_MAX_MINUTES {
            return problem(BlockProblem::LengthOutOfRange);
        }
        let year = chrono::Datelike::year(to);
        if !(super::rule::YEAR_MIN..=super::rule::YEAR_MAX).contains(&year) {
            return Err(CoreError::Rule(super::rule::RuleProblem::YearOutOfRange));
        }
        if block.draft.expected_minutes.is_some_and(|e| e > *length_minutes) {
            return problem(BlockProblem::WindowShorterThanExpected);
        }
    }
    Ok(())
}

/// `phases` fitted to last `minutes` in all: the rounds and breaks keep their length, the
/// focus blocks share what is left in the proportions they had. Unchanged when the rounds and
/// breaks alone leave less than a minute per focus block.
pub fn fit(phases: &[PlannedPhase], minutes: u32) -> Vec<PlannedPhase> {
    let is_focus = |p: &&PlannedPhase| p.kind == PhaseKind::Focus;
    let focus: u64 = phases.iter().filter(is_focus).map(|p| u64::from(p.duration_secs)).sum();
    let others: u64 = phases.iter().filter(|p| !is_focus(p)).map(|p| u64::from(p.duration_secs)).sum();
    let count = phases.iter().filter(is_focus).count() as u64;
    let total = u64::from(minutes) * 60;
    let Some(left) = total.checked_sub(others).filter(|left| count > 0 && focus > 0 && *left >= 60 * count) else {
        return phases.to_vec();
    };
    let mut given = 0;
    let mut seen = 0;
    phases
        .iter()
        .map(|p| {
            if p.kind != PhaseKind::Focus {
                return *p;
            }
            seen += 1;
            // Whole minutes, the last focus block taking the rest.
            let secs = if seen == count {
                left - given
            } else {
                (left * u64::from(p.duration_secs) / focus / 60 * 60).max(60)
            };
            given += secs;
            let secs = u32::try_from(secs).unwrap_or(u32::MAX).min(crate::limits::PHASE_MAX_SECS);
            PlannedPhase { kind: p.kind, duration_secs: secs }
        })
        .collect()
}
