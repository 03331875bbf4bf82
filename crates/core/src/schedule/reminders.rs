//! When a work block reminds: N minutes before it starts (or at its start), again after a
//! snooze, until the block or window ends, and never once a session ran for it. After a sleep
//! across reminders, one catch-up, marked late — not a burst.

use super::blocks::Occurrence;
use crate::Timestamp;
use chrono::{Duration, NaiveDate};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// A reminder given more than this after its moment (the computer slept, the app was closed)
/// says it is late.
pub const LATE_AFTER: Duration = Duration::minutes(2);
pub use crate::limits::SNOOZE_MINUTES;

/// What is stored about one occurrence's reminder.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ReminderState {
    pub reminded_at: Option<Timestamp>,
    pub snoozed_until: Option<Timestamp>,
}

/// One occurrence as the reminders see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    pub occurrence: Occurrence,
    pub state: ReminderState,
    /// A session ran (or runs) during it, or was started for it.
    pub held: bool,
}

impl Candidate {
    /// Whether its time has come (its reminder, or the snooze's end) and it is not over,
    /// skipped or held: what the tray offers to start, snooze or skip.
    pub fn pending(&self, now: Timestamp) -> bool {
        let o = &self.occurrence;
        !o.skipped && !self.held && now >= self.state.snoozed_until.unwrap_or(o.remind_from()) && now < o.ends_at
    }
}

/// A reminder to give.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct Reminder {
    pub occurrence: Occurrence,
    /// Given well after its moment.
    pub late: bool,
}

/// One occurrence, by its block and the day the rule puts it on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct BlockDay {
    pub block_id: Uuid,
    pub day: NaiveDate,
}

impl From<&Occurrence> for BlockDay {
    fn from(o: &Occurrence) -> Self {
        Self { block_id: o.block_id, day: o.day }
    }
}

/// What the reminders do at `now`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Look {
    /// Reminders to give now.
    pub give: Vec<Reminder>,
    /// Reminders that passed unseen and are not worth a notice of their own (the catch-up
    /// tells of the latest only): marked as given without one.
    pub quietly: Vec<BlockDay>,
    /// When the next reminder is due.
    pub next: Option<Timestamp>,
}

/// The moment `c` reminds at, if it reminds at all.
fn moment(c: &Candidate) -> Option<Timestamp> {
    let o = &c.occurrence;
    if o.remind_minutes.is_none() || o.skipped || c.held {
        return None;
    }
    let at = c.state.snoozed_until.unwrap_or(o.remind_from());
    // Given already since that moment.
    if c.state.reminded_at.is_some_and(|r| r >= at) {
        return None;
    }
    Some(at)
}

/// What to remind of at `now`, of `candidates`.
pub fn look(candidates: &[Candidate], now: Timestamp) -> Look {
    let mut found = Look::default();
    let mut late = Vec::new();
    for c in candidates {
        let Some(at) = moment(c) else { continue };
        if now >= c.occurrence.ends_at {
            continue; // over: the week shows it as missed
        }
        if now < at {
            found.next = Some(found.next.map_or(at, |n| n.min(at)));
        } else if now - at > LATE_AFTER {
            late.push((at, c.occurrence.clone()));
        } else {
            found.give.push(Reminder { occurrence: c.occurrence.clone(), late: false });
        }
    }
    late.sort_by_key(|(at, o)| (*at, o.block_id));
    if let Some((_, latest)) = late.pop() {
        found.quietly = late.iter().map(|(_, o)| BlockDay::from(o)).collect();
        found.give.push(Reminder { occurrence: latest, late: true });
    }
    found
}
