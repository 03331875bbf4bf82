//! The schedule in the shell: its commands, and the one task that gives the work blocks'
//! reminders and the daily budget's "time to stop".

pub mod commands;
pub mod reminders;
