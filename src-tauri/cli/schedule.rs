//! `worktogether schedule [--json]`: today's work blocks with what became of them, the next
//! ones, today's focus against its budget and the routines due; `schedule export [--force]
//! [FILE]`: the blocks as an iCalendar file for the family calendar. Both read the database
//! read-only, so they work while the app runs.

use super::{Cli, OK, REFUSED};
use crate::exports::write_whole;
use crate::state;
use chrono::{Days, Local, NaiveDate};
use serde::Serialize;
use std::io::Write;
use std::path::Path;
use worktogether_core::export::ExportError;
use worktogether_core::schedule::{DayState, ics};
use worktogether_core::stats::{day_start, local_day};
use worktogether_core::store::schedule::{OccurrenceState, ScheduledOccurrence};
use worktogether_core::{CoreError, Store};

/// How many days ahead "next" looks, and how many blocks it lists.
const AHEAD_DAYS: u64 = 14;
const NEXT_MAX: usize = 5;

/// What `schedule --json` prints.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ScheduleJson {
    today: NaiveDate,
    blocks_today: Vec<ScheduledOccurrence>,
    next: Vec<ScheduledOccurrence>,
    /// Today's budget in minutes, if today has one, and the focus so far in seconds.
    budget_minutes: Option<u32>,
    focus_secs: u64,
    routines: Vec<RoutineJson>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct RoutineJson {
    title: String,
    day: NaiveDate,
    state: DayState,
}

impl Cli<'_> {
    fn open_read(&self) -> Result<Store, String> {
        let database = self.database().map_err(|e| e.message)?;
        if database.exists() { Store::open_read_only(&database) } else { Store::open_in_memory() }
            .map_err(|e| self.core(&e).message)
    }

    pub(super) fn schedule(&self, json: bool) -> i32 {
        match self.read_schedule() {
            Ok(read) if json => self.print(&serde_json::to_string_pretty(&read).expect("the schedule serializes")),
            Ok(read) => self.print(&self.schedule_text(&read)),
            Err(message) => self.fail(&message, REFUSED),
        }
    }

    fn read_schedule(&self) -> Result<ScheduleJson, String> {
        let store = self.open_read()?;
        let (zone, now) = (crate::zone::person_zone(), state::now());
        let today = local_day(zone, now);
        let tomorrow = day_start(zone, today + Days::new(1));
        let read = || -> Result<ScheduleJson, CoreError> {
            let blocks_today = store.schedule(zone, day_start(zone, today), tomorrow, now)?;
            let ahead = day_start(zone, today + Days::new(AHEAD_DAYS + 1));
            let mut next = store.schedule(zone, tomorrow, ahead, now)?;
            next.retain(|o| o.state != OccurrenceState::Skipped && o.occurrence.starts_at >= tomorrow);
            next.truncate(NEXT_MAX);
            let routines = store
                .routine_statuses(today)?
                .into_iter()
                .filter_map(|r| match r.current {
                    Some((day, state @ (DayState::Due | DayState::Overdue))) => {
                        Some(RoutineJson { title: r.routine.draft.title, day, state })
                    }
                    _ => None,
                })
                .collect();
            Ok(ScheduleJson {
                today,
                blocks_today,
                next,
                budget_minutes: store.daily_budget()?.of(today),
                focus_secs: store.focus_on(zone, today, now)?,
                routines,
            })
        };
        read().map_err(|e| self.core(&e).message)
    }

    fn schedule_text(&self, read: &ScheduleJson) -> String {
        let t = |key: &str, args: &[(&str, String)]| self.catalog.t(key, args);
        let time = |o: &ScheduledOccurrence| {
            let local = |at: worktogether_core::Timestamp| at.with_timezone(&Local).format("%H:%M").to_string();
            format!("{}–{}", local(o.occurrence.starts_at), local(o.occurrence.ends_at))
        };
        let line = |o: &ScheduledOccurrence, with_day: bool| {
            let mut text = format!(
                "  {}{}  {}",
                if with_day { format!("{}  ", o.occurrence.day) } else { String::new() },
                time(o),
                o.occurrence.title
            );
            if let Some(minutes) = o.occurrence.expected_minutes {
                text.push_str(&format!(" · {}", t("cli.schedule.window", &[("minutes", minutes.to_string())])));
            }
            if o.occurrence.moved {
                text.push_str(&format!(" · {}", t("cli.schedule.moved", &[])));
            }
            if with_day {
                return text;
            }
            let state = match o.state {
                OccurrenceState::Planned => "planned",
                OccurrenceState::Held => "held",
                OccurrenceState::Missed => "missed",
                OccurrenceState::Skipped => "skipped",
            };
            format!("{text} ({})", t(&format!("cli.schedule.state.{state}"), &[]))
        };
        let mut out = vec![t("cli.schedule.today", &[("date", read.today.to_string())])];
        if read.blocks_today.is_empty() {
            out.push(format!("  {}", t("cli.schedule.none_today", &[])));
        }
        out.extend(read.blocks_today.iter().map(|o| line(o, false)));
        if let Some(budget) = read.budget_minutes {
            let focus = (read.focus_secs / 60).to_string();
            out.push(t("cli.schedule.budget", &[("focus", focus), ("budget", budget.to_string())]));
        }
        if !read.next.is_empty() {
            out.push(t("cli.schedule.next", &[]));
            out.extend(read.next.iter().map(|o| line(o, true)));
        }
        if !read.routines.is_empty() {
            out.push(t("cli.schedule.routines", &[]));
            for r in &read.routines {
                let key = if r.state == DayState::Overdue { "cli.schedule.overdue" } else { "cli.schedule.due" };
                out.push(format!("  {} · {}", r.title, t(key, &[("date", r.day.to_string())])));
            }
        }
        out.join("\n")
    }

    pub(super) fn schedule_export(&self, file: Option<&str>, force: bool) -> i32 {
        match self.try_schedule_export(file, force) {
            Ok(Some(message)) => self.print(&message),
            Ok(None) => OK,
            Err(message) => self.fail(&message, REFUSED),
        }
    }

    fn try_schedule_export(&self, file: Option<&str>, force: bool) -> Result<Option<String>, String> {
        let database = self.database().map_err(|e| e.message)?;
        let target = file.map(|f| self.target(Path::new(f), &database, force)).transpose()?;
        let store = self.open_read()?;
        let blocks = store.blocks_with_exceptions().map_err(|e| self.core(&e).message)?;
        let calendar = ics::calendar(&blocks, crate::zone::person_zone(), state::now());
        let Some(target) = target else {
            let _ = std::io::stdout().lock().write_all(calendar.as_bytes());
            return Ok(None);
        };
        let path = target.display().to_string();
        write_whole(&target, |out| out.write_all(calendar.as_bytes()).map_err(ExportError::from)).map_err(|e| {
            self.catalog.t("cli.export.cannot_write", &[("path", path.clone()), ("detail", e.to_string())])
        })?;
        let key = if blocks.len() == 1 { "cli.schedule.written.one" } else { "cli.schedule.written.other" };
        Ok(Some(self.catalog.t(key, &[("path", path), ("count", blocks.len().to_string())])))
    }
}
