//! The schedule: work blocks and routines, their recurrence rules, and their occurrences,
//! always computed from the rules when read (never generated ahead by a job), in the person's
//! zone, which the shell passes in as it passes `now`.

pub mod blocks;
pub mod ics;
pub mod reminders;
pub mod routines;
pub mod rule;

pub use blocks::{Block, BlockDraft, BlockProblem, Exception, Occurrence};
pub use reminders::{BlockDay, Reminder};
pub use routines::{DayState, Routine, RoutineDraft, RoutineProblem, RoutineStatus};
pub use rule::{Day, Ends, Recurrence, Repeat, RuleProblem};
