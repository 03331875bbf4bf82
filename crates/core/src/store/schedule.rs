//! The schedule's storage: work blocks and what became of their occurrences (`block_days`),
//! routines and the days they were kept. Occurrences are computed from the rules on each read.

use super::{Store, parse_opt_ts, parse_uuid, to_millis, ts};
use crate::Timestamp;
use crate::error::{CoreError, Entity, Result, WrongState};
use crate::ids::new_id;
use crate::schedule::blocks::{self, BLOCKS_MAX, Block, BlockDraft, BlockProblem, Exception, Occurrence};
use crate::schedule::reminders::{self, BlockDay};
use crate::schedule::routines::{self, ROUTINES_MAX, Routine, RoutineDraft, RoutineProblem, RoutineStatus};
use chrono::NaiveDate;
use chrono_tz::Tz;
use rusqlite::{Connection, OptionalExtension, Row, TransactionBehavior, params};
use std::collections::HashMap;
use uuid::Uuid;

const BLOCK_COLUMNS: &str =
    "id, title, template_id, recurrence, start_minute, length_minutes, expected_minutes, remind_minutes";
const ROUTINE_COLUMNS: &str = "id, title, tag, recurrence, steps, estimate_minutes";

fn json_err(e: serde_json::Error) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, Box::new(e))
}

fn parse_day(s: &str) -> rusqlite::Result<NaiveDate> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .map_err(|e| rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, Box::new(e)))
}

pub(super) fn day_text(day: NaiveDate) -> String {
    day.format("%Y-%m-%d").to_string()
}

fn block_from(r: &Row) -> rusqlite::Result<Block> {
    Ok(Block {
        id: parse_uuid(&r.get::<_, String>(0)?)?,
        draft: BlockDraft {
            title: r.get(1)?,
            template_id: r.get::<_, Option<String>>(2)?.as_deref().map(parse_uuid).transpose()?,
            recurrence: serde_json::from_str(&r.get::<_, String>(3)?).map_err(json_err)?,
            start_minute: r.get(4)?,
            length_minutes: r.get(5)?,
            expected_minutes: r.get(6)?,
            remind_minutes: r.get(7)?,
        },
    })
}

fn routine_from(r: &Row) -> rusqlite::Result<Routine> {
    Ok(Routine {
        id: parse_uuid(&r.get::<_, String>(0)?)?,
        draft: RoutineDraft {
            title: r.get(1)?,
            tag: r.get(2)?,
            recurrence: serde_json::from_str(&r.get::<_, String>(3)?).map_err(json_err)?,
            steps: serde_json::from_str(&r.get::<_, String>(4)?).map_err(json_err)?,
            estimate_minutes: r.get(5)?,
        },
    })
}

fn block(conn: &Connection, id: Uuid) -> Result<Block> {
    conn.query_row(&format!("SELECT {BLOCK_COLUMNS} FROM blocks WHERE id = ?1"), [id.to_string()], block_from)
        .optional()?
        .ok_or(CoreError::NotFound(Entity::Block))
}

pub(super) fn routine(conn: &Connection, id: Uuid) -> Result<Routine> {
    conn.query_row(&format!("SELECT {ROUTINE_COLUMNS} FROM routines WHERE id = ?1"), [id.to_string()], routine_from)
        .optional()?
        .ok_or(CoreError::NotFound(Entity::Routine))
}

/// The skipped and moved days of every block.
fn exceptions(conn: &Connection) -> Result<HashMap<Uuid, Vec<(NaiveDate, Exception)>>> {
    let mut stmt = conn.prepare_cached(
        "SELECT block_id, day, skipped, moved_to, moved_minutes FROM block_days
         WHERE skipped = 1 OR moved_to IS NOT NULL",
    )?;
    let mut all: HashMap<Uuid, Vec<_>> = HashMap::new();
    let rows = stmt.query_map([], |r| {
        let block = parse_uuid(&r.get::<_, String>(0)?)?;
        let day = parse_day(&r.get::<_, String>(1)?)?;
        let exception = match (r.get::<_, bool>(2)?, parse_opt_ts(r.get(3)?)?) {
            (_, Some(to)) => Exception::Move { to, length_minutes: r.get::<_, Option<u32>>(4)?.unwrap_or(1) },
            _ => Exception::Skip,
        };
        Ok((block, day, exception))
    })?;
    for row in rows {
        let (block, day, exception) = row?;
        all.entry(block).or_default().push((day, exception));
    }
    Ok(all)
}

/// Sessions that ran in `[from, to)`: their start and end (`now` for one in progress).
fn sessions_between(
    conn: &Connection,
    from: Timestamp,
    to: Timestamp,
    now: Timestamp,
) -> Result<Vec<(Timestamp, Timestamp)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT started_at, ended_at FROM sessions
         WHERE status != 'abandoned' AND started_at < ?2 AND (ended_at IS NULL OR ended_at > ?1)",
    )?;
    let rows = stmt.query_map([ts(from), ts(to)], |r| {
        let start = super::parse_ts(&r.get::<_, String>(0)?)?;
        Ok((start, parse_opt_ts(r.get(1)?)?.unwrap_or(now)))
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// What an occurrence looks like on the week view.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub enum OccurrenceState {
    /// Still ahead, or under way without a session yet.
    Planned,
    /// A session ran during it.
    Held,
    /// It passed without a session.
    Missed,
    Skipped,
}

/// An occurrence with what became of it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct ScheduledOccurrence {
    #[serde(flatten)]
    pub occurrence: Occurrence,
    pub state: OccurrenceState,
}

impl Store {
    /// Every block, in the order they were made.
    pub fn blocks(&self) -> Result<Vec<Block>> {
        let mut stmt =
            self.conn.prepare_cached(&format!("SELECT {BLOCK_COLUMNS} FROM blocks ORDER BY created_at, id"))?;
        let rows = stmt.query_map([], block_from)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Every block with its skipped and moved days (the calendar export).
    pub fn blocks_with_exceptions(&self) -> Result<Vec<blocks::BlockWithExceptions>> {
        let mut exceptions = exceptions(&self.conn)?;
        Ok(self
            .blocks()?
            .into_iter()
            .map(|b| {
                let mine = exceptions.remove(&b.id).unwrap_or_default();
                (b, mine)
            })
            .collect())
    }

    pub fn block(&self, id: Uuid) -> Result<Block> {
        block(&self.conn, id)
    }

    /// Creates a block (`id` `None`) or changes one. A changed rule or start drops the skipped
    /// and moved days, which were chosen against the old one.
    pub fn save_block(&mut self, id: Option<Uuid>, draft: BlockDraft, now: Timestamp) -> Result<Block> {
        let draft = draft.checked()?;
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        if let Some(template) = draft.template_id {
            super::templates::get(&tx, template)?;
        }
        let recurrence = serde_json::to_string(&draft.recurrence).expect("a rule serializes");
        let id = match id {
            Some(id) => {
                let old = block(&tx, id)?;
                if old.draft.recurrence != draft.recurrence || old.draft.start_minute != draft.start_minute {
                    tx.execute(
                        "UPDATE block_days SET skipped = 0, moved_to = NULL, moved_minutes = NULL WHERE block_id = ?1",
                        [id.to_string()],
                    )?;
                }
                tx.execute(
                    "UPDATE blocks SET title = ?2, template_id = ?3, recurrence = ?4, start_minute = ?5,
                        length_minutes = ?6, expected_minutes = ?7, remind_minutes = ?8 WHERE id = ?1",
                    params![
                        id.to_string(),
                        draft.title,
                        draft.template_id.map(|t| t.to_string()),
                        recurrence,
                        draft.start_minute,
                        draft.length_minutes,
                        draft.expected_minutes,
                        draft.remind_minutes
                    ],
                )?;
                id
            }
            None => {
                let count: i64 = tx.query_row("SELECT COUNT(*) FROM blocks", [], |r| r.get(0))?;
                if count >= BLOCKS_MAX as i64 {
                    return Err(CoreError::Block(BlockProblem::TooMany));
                }
                let id = new_id(now);
                tx.execute(
                    &format!(
                        "INSERT INTO blocks ({BLOCK_COLUMNS}, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)"
                    ),
                    params![
                        id.to_string(),
                        draft.title,
                        draft.template_id.map(|t| t.to_string()),
                        recurrence,
                        draft.start_minute,
                        draft.length_minutes,
                        draft.expected_minutes,
                        draft.remind_minutes,
                        ts(to_millis(now))
                    ],
                )?;
                id
            }
        };
        tx.commit()?;
        Ok(Block { id, draft })
    }

    pub fn delete_block(&mut self, id: Uuid) -> Result<()> {
        if self.conn.execute("DELETE FROM blocks WHERE id = ?1", [id.to_string()])? == 0 {
            return Err(CoreError::NotFound(Entity::Block));
        }
        Ok(())
    }

    /// Skips or moves the occurrence of `block_id` on `day`, or (`None`) puts it back.
    pub fn change_occurrence(&mut self, block_id: Uuid, day: NaiveDate, exception: Option<Exception>) -> Result<()> {
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let block = block(&tx, block_id)?;
        let (skipped, moved_to, moved_minutes) = match exception {
            None => (false, None, None),
            Some(e) => {
                blocks::check_exception(&block, day, &e)?;
                match e {
                    Exception::Skip => (true, None, None),
                    Exception::Move { to, length_minutes } => (false, Some(ts(to_millis(to))), Some(length_minutes)),
                }
            }
        };
        tx.execute(
            "INSERT INTO block_days (block_id, day, skipped, moved_to, moved_minutes) VALUES (?1, ?2, ?3, ?4, ?5)
             ON CONFLICT (block_id, day) DO UPDATE SET skipped = excluded.skipped, moved_to = excluded.moved_to,
                moved_minutes = excluded.moved_minutes",
            params![block_id.to_string(), day_text(day), skipped, moved_to, moved_minutes],
        )?;
        tx.commit()?;
        Ok(())
    }

    /// Every block's occurrences overlapping `[from, to)` in `zone`, soonest first. A block
    /// whose rule cannot be stepped that far is left out (none can, within the years allowed).
    pub fn occurrences(&self, zone: Tz, from: Timestamp, to: Timestamp) -> Result<Vec<Occurrence>> {
        let exceptions = exceptions(&self.conn)?;
        let mut all = Vec::new();
        for block in self.blocks()? {
            let mine = exceptions.get(&block.id).map(Vec::as_slice).unwrap_or_default();
            all.extend(blocks::occurrences(&block, mine, zone, from, to).unwrap_or_default());
        }
        all.sort_by_key(|o| (o.starts_at, o.block_id));
        Ok(all)
    }

    /// The occurrences in `[from, to)` with what became of them as of `now`: held when a
    /// session (not abandoned) ran during it, missed when it ended without one.
    pub fn schedule(
        &self,
        zone: Tz,
        from: Timestamp,
        to: Timestamp,
        now: Timestamp,
    ) -> Result<Vec<ScheduledOccurrence>> {
        let occurrences = self.occurrences(zone, from, to)?;
        let Some(earliest) = occurrences.iter().map(|o| o.starts_at).min() else { return Ok(Vec::new()) };
        let latest = occurrences.iter().map(|o| o.ends_at).max().unwrap_or(to);
        let sessions = sessions_between(&self.conn, earliest, latest, now)?;
        Ok(occurrences
            .into_iter()
            .map(|occurrence| {
                let held = sessions.iter().any(|(s, e)| *s < occurrence.ends_at && *e > occurrence.starts_at);
                let state = if occurrence.skipped {
                    OccurrenceState::Skipped
                } else if held {
                    OccurrenceState::Held
                } else if occurrence.ends_at <= now {
                    OccurrenceState::Missed
                } else {
                    OccurrenceState::Planned
                };
                ScheduledOccurrence { occurrence, state }
            })
            .collect())
    }

    /// Every routine, in the order they were made.
    pub fn routines(&self) -> Result<Vec<Routine>> {
        let mut stmt =
            self.conn.prepare_cached(&format!("SELECT {ROUTINE_COLUMNS} FROM routines ORDER BY created_at, id"))?;
        let rows = stmt.query_map([], routine_from)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Creates a routine (`id` `None`) or changes one.
    pub fn save_routine(&mut self, id: Option<Uuid>, draft: RoutineDraft, now: Timestamp) -> Result<Routine> {
        let draft = draft.checked()?;
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let recurrence = serde_json::to_string(&draft.recurrence).expect("a rule serializes");
        let steps = serde_json::to_string(&draft.steps).expect("texts serialize");
        let id = match id {
            Some(id) => {
                routine(&tx, id)?;
                tx.execute(
                    "UPDATE routines SET title = ?2, tag = ?3, recurrence = ?4, steps = ?5, estimate_minutes = ?6
                     WHERE id = ?1",
                    params![id.to_string(), draft.title, draft.tag, recurrence, steps, draft.estimate_minutes],
                )?;
                id
            }
            None => {
                let count: i64 = tx.query_row("SELECT COUNT(*) FROM routines", [], |r| r.get(0))?;
                if count >= ROUTINES_MAX as i64 {
                    return Err(CoreError::Routine(RoutineProblem::TooMany));
                }
                let id = new_id(now);
                tx.execute(
                    &format!(
                        "INSERT INTO routines ({ROUTINE_COLUMNS}, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"
                    ),
                    params![
                        id.to_string(),
                        draft.title,
                        draft.tag,
                        recurrence,
                        steps,
                        draft.estimate_minutes,
                        ts(to_millis(now))
                    ],
                )?;
                id
            }
        };
        tx.commit()?;
        Ok(Routine { id, draft })
    }

    pub fn delete_routine(&mut self, id: Uuid) -> Result<()> {
        if self.conn.execute("DELETE FROM routines WHERE id = ?1", [id.to_string()])? == 0 {
            return Err(CoreError::NotFound(Entity::Routine));
        }
        Ok(())
    }

    /// Marks the routine's `day` as kept, or not (by hand: done outside a session).
    pub fn mark_routine_day(&mut self, id: Uuid, day: NaiveDate, done: bool, now: Timestamp) -> Result<()> {
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let routine = routine(&tx, id)?;
        if !routine.draft.recurrence.falls_on(day) {
            return Err(CoreError::Routine(RoutineProblem::NotADueDay));
        }
        if done {
            tx.execute(
                "INSERT OR IGNORE INTO routine_days (routine_id, day, done_at) VALUES (?1, ?2, ?3)",
                params![id.to_string(), day_text(day), ts(to_millis(now))],
            )?;
        } else {
            tx.execute(
                "DELETE FROM routine_days WHERE routine_id = ?1 AND day = ?2",
                params![id.to_string(), day_text(day)],
            )?;
        }
        tx.commit()?;
        Ok(())
    }

    /// Where each routine stands on `today`.
    pub fn routine_statuses(&self, today: NaiveDate) -> Result<Vec<RoutineStatus>> {
        let mut stmt = self.conn.prepare_cached("SELECT day FROM routine_days WHERE routine_id = ?1")?;
        let mut all = Vec::new();
        for routine in self.routines()? {
            let done = stmt
                .query_map([routine.id.to_string()], |r| parse_day(&r.get::<_, String>(0)?))?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            all.push(routines::status(routine, &done, today));
        }
        Ok(all)
    }

    /// Commits the session in progress to the routine's `day`: its title, tag and estimate
    /// become a commitment linked to that day, which a "done" in the closing round keeps.
    pub fn commit_to_routine(
        &mut self,
        id: Uuid,
        day: NaiveDate,
        now: Timestamp,
    ) -> Result<crate::view::SessionUpdate> {
        let routine = routine(&self.conn, id)?;
        if !routine.draft.recurrence.falls_on(day) {
            return Err(CoreError::Routine(RoutineProblem::NotADueDay));
        }
        let draft = crate::model::CommitmentDraft {
            text: routine.draft.title.clone(),
            tag: routine.draft.tag.clone(),
            estimate_minutes: routine.draft.estimate_minutes,
        };
        self.with_session(now, |tx, clock, now| {
            let linked: bool = tx.query_row(
                "SELECT EXISTS (SELECT 1 FROM commitments c JOIN commitment_routines r ON r.commitment_id = c.id
                    WHERE c.session_id = ?1 AND r.routine_id = ?2 AND r.day = ?3)",
                params![clock.session_id.to_string(), id.to_string(), day_text(day)],
                |r| r.get(0),
            )?;
            if linked {
                return Err(CoreError::WrongState(WrongState::AlreadyCommitted));
            }
            let commitment = super::commitments::insert_new(tx, clock.session_id, &draft, now)?;
            tx.execute(
                "INSERT INTO commitment_routines (commitment_id, routine_id, day) VALUES (?1, ?2, ?3)",
                params![commitment.to_string(), id.to_string(), day_text(day)],
            )?;
            Ok(())
        })
    }
}

/// How far back and ahead the reminders look: a block reminds at most two hours before it
/// starts, and lasts at most twelve.
const REMIND_BEHIND: chrono::Duration = chrono::Duration::hours(13);
const REMIND_AHEAD: chrono::Duration = chrono::Duration::hours(26);

impl Store {
    /// The occurrences the reminders look at around `now`, with what is stored of each.
    fn reminder_candidates(&self, zone: Tz, now: Timestamp) -> Result<Vec<reminders::Candidate>> {
        let occurrences = self.occurrences(zone, now - REMIND_BEHIND, now + REMIND_AHEAD)?;
        let sessions = sessions_between(&self.conn, now - REMIND_BEHIND - REMIND_BEHIND, now + REMIND_AHEAD, now)?;
        let mut states = self.conn.prepare_cached(
            "SELECT reminded_at, snoozed_until, session_id IS NOT NULL FROM block_days WHERE block_id = ?1 AND day = ?2",
        )?;
        let mut candidates = Vec::new();
        for occurrence in occurrences {
            let stored = states
                .query_row(params![occurrence.block_id.to_string(), day_text(occurrence.day)], |r| {
                    let state = reminders::ReminderState {
                        reminded_at: parse_opt_ts(r.get(0)?)?,
                        snoozed_until: parse_opt_ts(r.get(1)?)?,
                    };
                    Ok((state, r.get::<_, bool>(2)?))
                })
                .optional()?;
            let (state, started) = stored.unwrap_or_default();
            // A session that ran from the reminder on counts: it was started for the block.
            let from = occurrence.remind_from();
            let held = started || sessions.iter().any(|(s, e)| *s < occurrence.ends_at && *e > from);
            candidates.push(reminders::Candidate { occurrence, state, held });
        }
        Ok(candidates)
    }

    /// What the reminders do at `now`, in `zone` (see [`reminders::look`]).
    pub fn reminders(&self, zone: Tz, now: Timestamp) -> Result<reminders::Look> {
        Ok(reminders::look(&self.reminder_candidates(zone, now)?, now))
    }

    /// The occurrence whose reminder time has come and that is not over, skipped or held: what
    /// the tray offers to start, snooze or skip (the earliest, if several).
    pub fn pending_block(&self, zone: Tz, now: Timestamp) -> Result<Option<Occurrence>> {
        Ok(self.reminder_candidates(zone, now)?.into_iter().find(|c| c.pending(now)).map(|c| c.occurrence))
    }

    /// The reminders of `given` were given (with a notice or, for passed ones, without).
    pub fn mark_reminded(&mut self, given: &[BlockDay], now: Timestamp) -> Result<()> {
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        for g in given {
            tx.execute(
                "INSERT INTO block_days (block_id, day, reminded_at) VALUES (?1, ?2, ?3)
                 ON CONFLICT (block_id, day) DO UPDATE SET reminded_at = excluded.reminded_at",
                params![g.block_id.to_string(), day_text(g.day), ts(to_millis(now))],
            )?;
        }
        tx.commit()?;
        Ok(())
    }

    /// The reminder of `block_id` on `day` comes again `minutes` from `now`.
    pub fn snooze(&mut self, at: BlockDay, minutes: u32, now: Timestamp) -> Result<()> {
        if minutes == 0 || minutes > crate::limits::REMINDER_MAX_MINUTES {
            return Err(CoreError::ReminderOutOfRange { max: crate::limits::REMINDER_MAX_MINUTES });
        }
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        if !block(&tx, at.block_id)?.draft.recurrence.falls_on(at.day) {
            return Err(CoreError::Block(BlockProblem::NotAnOccurrence));
        }
        let until = to_millis(now) + chrono::Duration::minutes(i64::from(minutes));
        tx.execute(
            "INSERT INTO block_days (block_id, day, snoozed_until) VALUES (?1, ?2, ?3)
             ON CONFLICT (block_id, day) DO UPDATE SET snoozed_until = excluded.snoozed_until",
            params![at.block_id.to_string(), day_text(at.day), ts(until)],
        )?;
        tx.commit()?;
        Ok(())
    }

    /// Starts the session of `block_id`'s occurrence on `day`, from its template (the default
    /// one when it has none), linked to it. A flexible window's session lasts its expected
    /// length.
    pub fn start_block(&mut self, at: BlockDay, zone: Tz, now: Timestamp) -> Result<crate::view::SessionView> {
        let block = self.block(at.block_id)?;
        let from = crate::stats::day_start(zone, at.day) - chrono::Duration::days(1);
        let occurrence = self
            .occurrences(zone, from, from + chrono::Duration::days(3))?
            .into_iter()
            .find(|o| o.block_id == at.block_id && o.day == at.day && !o.skipped)
            .ok_or(CoreError::Block(BlockProblem::NotAnOccurrence))?;
        let template = match block.draft.template_id {
            Some(id) => id,
            None => self.default_template()?.id,
        };
        let minutes = occurrence.expected_minutes;
        self.start_planned(template, minutes, now, |tx, session| {
            tx.execute(
                "INSERT INTO block_days (block_id, day, session_id) VALUES (?1, ?2, ?3)
                 ON CONFLICT (block_id, day) DO UPDATE SET session_id = excluded.session_id",
                params![at.block_id.to_string(), day_text(at.day), session.to_string()],
            )?;
            Ok(())
        })
    }
}

impl Store {
    /// The focus on `day` in `zone` as of `now`, in seconds: the ended sessions' share of that
    /// day, and the session in progress if it began that day.
    pub fn focus_on(&self, zone: Tz, day: NaiveDate, now: Timestamp) -> Result<u64> {
        let (from, to) =
            (crate::stats::day_start(zone, day), crate::stats::day_start(zone, day + chrono::Days::new(1)));
        let ended: u64 = super::stats::sessions_overlapping(&self.conn, from, to)?
            .iter()
            .flat_map(|s| crate::stats::focus_per_day(zone, s))
            .filter(|(d, _)| *d == day)
            .map(|(_, secs)| u64::from(secs))
            .sum();
        let current = self
            .current_session(now)?
            .filter(|v| crate::stats::local_day(zone, v.started_at) == day)
            .map_or(0, |v| v.focus_secs);
        Ok(ended + u64::from(current))
    }
}

/// At the close of session `session`: the routine days its commitments done were for are kept.
pub(super) fn keep_routine_days(tx: &Connection, session: Uuid, now: Timestamp) -> Result<()> {
    tx.execute(
        "INSERT OR IGNORE INTO routine_days (routine_id, day, done_at, commitment_id)
         SELECT r.routine_id, r.day, ?2, c.id FROM commitments c JOIN commitment_routines r ON r.commitment_id = c.id
         WHERE c.session_id = ?1 AND c.outcome = 'done'",
        params![session.to_string(), ts(to_millis(now))],
    )?;
    Ok(())
}
