//! Sessions: starting one, every operation on the session in progress, the ticker's
//! evaluation, and loading/saving the phase engine's state.

use super::{
    Store, commitments, corrupt, parse_opt_ts, parse_ts, parse_uuid, review, templates, to_millis, totals, ts,
};
use crate::Timestamp;
use crate::engine::{Pause, PhaseRun, SessionClock};
use crate::error::{CoreError, Entity, Result, WrongState};
use crate::ids::new_id;
use crate::model::{ClosingReport, EndReason, PauseKind, PhaseKind, RoomLink, SessionStatus, SleepMode};
use crate::validate::{check_rating, clean_note};
use crate::view::{
    SessionNotes, SessionRecord, SessionSummary, SessionUpdate, SessionView, session_record, session_summary,
    session_view,
};
use rusqlite::{Connection, OptionalExtension, Transaction, TransactionBehavior, params};
use uuid::Uuid;

pub(crate) struct SessionRow {
    pub clock: SessionClock,
    pub template_name: String,
    pub notes: SessionNotes,
}

/// The closing round's overall note and rating of a session.
fn notes_of(conn: &Connection, id: Uuid) -> Result<SessionNotes> {
    Ok(load(conn, id)?.notes)
}

pub(crate) fn load(conn: &Connection, id: Uuid) -> Result<SessionRow> {
    let row = conn
        .query_row(
            "SELECT template_name, plan, status, overall_note, focus_rating,
                    room_membership_id, room_session_id, room_name, follows_room, shares_with_room
             FROM sessions WHERE id = ?1",
            [id.to_string()],
            |r| {
                let room = match (r.get::<_, Option<String>>(5)?, r.get::<_, Option<String>>(6)?, r.get(7)?) {
                    (Some(m), Some(s), Some(room_name)) => {
                        Some(RoomLink { membership_id: parse_uuid(&m)?, session_id: parse_uuid(&s)?, room_name })
                    }
                    _ => None,
                };
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, Option<String>>(3)?,
                    r.get::<_, Option<u8>>(4)?,
                    room,
                    r.get::<_, bool>(8)?,
                    r.get::<_, bool>(9)?,
                ))
            },
        )
        .optional()?
        .ok_or(CoreError::NotFound(Entity::Session))?;
    let (template_name, plan, status, overall_note, focus_rating, room, follows_room, shares_with_room) = row;
    let plan = serde_json::from_str(&plan).map_err(|e| CoreError::Corrupt(format!("session plan: {e}")))?;
    let status = SessionStatus::parse(&status).ok_or_else(|| corrupt("status", &status))?;

    let mut stmt = conn.prepare_cached(
        "SELECT plan_index, kind, started_at, ended_at, extended_secs, end_reason, room_deadline
         FROM phase_runs WHERE session_id = ?1 ORDER BY seq",
    )?;
    let runs = stmt
        .query_map([id.to_string()], |r| {
            let kind: String = r.get(1)?;
            let reason: Option<String> = r.get(5)?;
            Ok(PhaseRun {
                plan_index: r.get::<_, i64>(0)? as usize,
                kind: PhaseKind::parse(&kind).ok_or_else(|| corrupt("phase kind", &kind))?,
                started_at: parse_ts(&r.get::<_, String>(2)?)?,
                ended_at: parse_opt_ts(r.get(3)?)?,
                extended_secs: r.get(4)?,
                end_reason: match reason {
                    Some(s) => Some(EndReason::parse(&s).ok_or_else(|| corrupt("end reason", &s))?),
                    None => None,
                },
                room_deadline: parse_opt_ts(r.get(6)?)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let mut stmt = conn.prepare_cached(
        "SELECT started_at, ended_at, kind, shifts_deadline, note FROM pauses WHERE session_id = ?1 ORDER BY seq",
    )?;
    let pauses = stmt
        .query_map([id.to_string()], |r| {
            let kind: String = r.get(2)?;
            Ok(Pause {
                started_at: parse_ts(&r.get::<_, String>(0)?)?,
                ended_at: parse_opt_ts(r.get(1)?)?,
                kind: PauseKind::parse(&kind).ok_or_else(|| corrupt("pause kind", &kind))?,
                shifts_deadline: r.get(3)?,
                note: r.get(4)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let clock = SessionClock { session_id: id, plan, status, runs, pauses, follows_room };
    if clock.runs.is_empty() || clock.runs.iter().any(|r| r.plan_index >= clock.plan.len()) {
        return Err(CoreError::Corrupt(format!("session {id} has no valid phase runs")));
    }
    Ok(SessionRow { clock, template_name, notes: SessionNotes { overall_note, focus_rating, room, shares_with_room } })
}

/// Writes the clock's status, runs and pauses (all small; replaced as a whole).
pub(super) fn save_clock(tx: &Transaction, clock: &SessionClock) -> Result<()> {
    let id = clock.session_id.to_string();
    tx.execute(
        "UPDATE sessions SET status = ?2, ended_at = ?3, follows_room = ?4 WHERE id = ?1",
        params![id, clock.status.as_str(), clock.ended_at().map(ts), clock.follows_room],
    )?;
    tx.execute("DELETE FROM phase_runs WHERE session_id = ?1", [&id])?;
    let mut insert = tx.prepare_cached(
        "INSERT INTO phase_runs (session_id, seq, plan_index, kind, started_at, ended_at, extended_secs, end_reason,
                                 room_deadline)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    )?;
    for (seq, run) in clock.runs.iter().enumerate() {
        insert.execute(params![
            id,
            seq as i64,
            run.plan_index as i64,
            run.kind.as_str(),
            ts(run.started_at),
            run.ended_at.map(ts),
            run.extended_secs,
            run.end_reason.map(EndReason::as_str),
            run.room_deadline.map(ts),
        ])?;
    }
    tx.execute("DELETE FROM pauses WHERE session_id = ?1", [&id])?;
    let mut insert = tx.prepare_cached(
        "INSERT INTO pauses (session_id, seq, started_at, ended_at, kind, shifts_deadline, note)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?;
    for (seq, pause) in clock.pauses.iter().enumerate() {
        insert.execute(params![
            id,
            seq as i64,
            ts(pause.started_at),
            pause.ended_at.map(ts),
            pause.kind.as_str(),
            pause.shifts_deadline,
            pause.note,
        ])?;
    }
    Ok(())
}

pub(crate) fn in_progress_id(conn: &Connection) -> Result<Option<Uuid>> {
    let id: Option<String> =
        conn.query_row("SELECT id FROM sessions WHERE status IN ('running','paused')", [], |r| r.get(0)).optional()?;
    Ok(id.as_deref().map(parse_uuid).transpose()?)
}

impl Store {
    /// Starts a session from a template, in its commitment round.
    pub fn start_session(&mut self, template_id: Uuid, now: Timestamp) -> Result<SessionView> {
        self.start_planned(template_id, None, now, |_, _| Ok(()))
    }

    /// Starts a session from template `template_id` (its phases fitted to `minutes` when
    /// given), and runs `then` on the new session in the same transaction.
    pub(super) fn start_planned(
        &mut self,
        template_id: Uuid,
        minutes: Option<u32>,
        now: Timestamp,
        then: impl FnOnce(&Transaction, Uuid) -> Result<()>,
    ) -> Result<SessionView> {
        let now = to_millis(now);
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        if in_progress_id(&tx)?.is_some() {
            return Err(CoreError::WrongState(WrongState::SessionInProgress));
        }
        let template = templates::get(&tx, template_id)?;
        let phases = match minutes {
            Some(minutes) => crate::schedule::blocks::fit(&template.phases, minutes),
            None => template.phases,
        };
        let id = new_id(now);
        tx.execute(
            "INSERT INTO sessions (id, template_name, plan, status, started_at) VALUES (?1, ?2, ?3, 'running', ?4)",
            params![
                id.to_string(),
                template.name,
                serde_json::to_string(&phases).expect("phases always serialize"),
                ts(now)
            ],
        )?;
        let clock = SessionClock::start(id, phases, now);
        save_clock(&tx, &clock)?;
        review::take_planned(&tx, id, now)?;
        then(&tx, id)?;
        let commitments = commitments::of_session(&tx, id)?;
        tx.commit()?;
        Ok(session_view(&clock, template.name, commitments, SessionNotes::default(), now))
    }

    /// The session in progress as of `now`, without changing anything.
    pub fn current_session(&self, now: Timestamp) -> Result<Option<SessionView>> {
        let now = to_millis(now);
        let Some(id) = in_progress_id(&self.conn)? else { return Ok(None) };
        let mut row = load(&self.conn, id)?;
        row.clock.advance(now);
        let commitments = commitments::of_session(&self.conn, id)?;
        Ok(Some(session_view(&row.clock, row.template_name, commitments, row.notes, now)))
    }

    /// Runs `op` on the session in progress in one transaction. Time is brought up to
    /// `now` first; a phase change, by time or by the operation, is returned with the snapshot.
    pub(super) fn with_session(
        &mut self,
        now: Timestamp,
        op: impl FnOnce(&Transaction, &mut SessionClock, Timestamp) -> Result<()>,
    ) -> Result<SessionUpdate> {
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let id = in_progress_id(&tx)?.ok_or(CoreError::WrongState(WrongState::NoSession))?;
        let mut row = load(&tx, id)?;
        let now = to_millis(now).max(row.clock.latest_instant());
        let before = row.clock.clone();
        row.clock.advance(now);
        op(&tx, &mut row.clock, now)?;
        let change = row.clock.change_since(&before);
        if row.clock != before {
            save_clock(&tx, &row.clock)?;
            // Ended by this operation (closed or abandoned): history's totals, once.
            totals::record(&tx, &row.clock)?;
        }
        let commitments = commitments::of_session(&tx, id)?;
        // Read again: the operation may have drafted the closing round's notes.
        let notes = notes_of(&tx, id)?;
        tx.commit()?;
        Ok(SessionUpdate { view: session_view(&row.clock, row.template_name, commitments, notes, now), change })
    }

    /// The ticker's evaluation: brings the session in progress up to `now` and saves
    /// what changed. `slept_from` is set when the ticker saw wall-clock time jump (the
    /// computer slept); `None` when nothing runs.
    pub fn tick(
        &mut self,
        now: Timestamp,
        slept_from: Option<Timestamp>,
        mode: SleepMode,
    ) -> Result<Option<SessionUpdate>> {
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let Some(id) = in_progress_id(&tx)? else { return Ok(None) };
        let mut row = load(&tx, id)?;
        let now = to_millis(now).max(row.clock.latest_instant());
        let before = row.clock.clone();
        // A sleep is recorded before time moves on, so that in "pause while asleep" mode
        // the phase resumes where it was instead of having run out in the dark.
        match slept_from {
            Some(from) => row.clock.record_sleep(to_millis(from), now, mode),
            None => row.clock.advance(now),
        };
        let change = row.clock.change_since(&before);
        if row.clock != before {
            save_clock(&tx, &row.clock)?;
        }
        let commitments = commitments::of_session(&tx, id)?;
        tx.commit()?;
        Ok(Some(SessionUpdate {
            view: session_view(&row.clock, row.template_name, commitments, row.notes, now),
            change,
        }))
    }

    /// Keeps the closing round's overall note and focus rating as the person fills them in,
    /// before Save (as `draft_outcome` keeps each commitment's).
    pub fn draft_closing_notes(
        &mut self,
        overall_note: Option<String>,
        focus_rating: Option<u8>,
        now: Timestamp,
    ) -> Result<SessionUpdate> {
        check_rating(focus_rating)?;
        let overall_note = clean_note(overall_note)?;
        self.with_session(now, |tx, clock, _| {
            if clock.current().kind != PhaseKind::Closing {
                return Err(CoreError::WrongState(WrongState::NotInClosingRound));
            }
            tx.execute(
                "UPDATE sessions SET overall_note = ?2, focus_rating = ?3 WHERE id = ?1",
                params![clock.session_id.to_string(), overall_note, focus_rating],
            )?;
            Ok(())
        })
    }

    pub fn pause_session(&mut self, note: Option<String>, now: Timestamp) -> Result<SessionUpdate> {
        let note = clean_note(note)?;
        self.with_session(now, |_, clock, now| clock.pause(now, note))
    }

    pub fn resume_session(&mut self, now: Timestamp) -> Result<SessionUpdate> {
        self.with_session(now, |_, clock, now| clock.resume(now))
    }

    pub fn skip_phase(&mut self, now: Timestamp) -> Result<SessionUpdate> {
        self.with_session(now, |_, clock, now| clock.skip(now))
    }

    pub fn extend_phase(&mut self, minutes: u32, now: Timestamp) -> Result<SessionUpdate> {
        self.with_session(now, |_, clock, now| clock.extend(now, minutes))
    }

    pub fn end_session_early(&mut self, now: Timestamp) -> Result<SessionUpdate> {
        self.with_session(now, |_, clock, now| clock.end_early(now))
    }

    pub fn abandon_session(&mut self, now: Timestamp) -> Result<SessionUpdate> {
        self.with_session(now, |_, clock, now| clock.abandon(now))
    }

    /// Saves the closing round's report and finishes the session.
    pub fn close_session(&mut self, report: ClosingReport, now: Timestamp) -> Result<SessionSummary> {
        check_rating(report.focus_rating)?;
        let overall_note = clean_note(report.overall_note.clone())?;
        let applied = self.with_session(now, |tx, clock, now| {
            // The state is checked before the report, so "not yet" wins over "incomplete".
            if clock.current().kind != PhaseKind::Closing {
                return Err(CoreError::WrongState(WrongState::NotInClosingRound));
            }
            commitments::record_outcomes(tx, clock.session_id, &report.outcomes)?;
            super::schedule::keep_routine_days(tx, clock.session_id, now)?;
            tx.execute(
                "UPDATE sessions SET overall_note = ?2, focus_rating = ?3 WHERE id = ?1",
                params![clock.session_id.to_string(), overall_note, report.focus_rating],
            )?;
            clock.close(now)
        })?;
        self.session_summary(applied.view.id, applied.view.as_of)
    }

    /// One session for history.
    pub fn session_summary(&self, id: Uuid, now: Timestamp) -> Result<SessionSummary> {
        Ok(self.session_record(id, now)?.summary)
    }

    /// One session's full record: its summary, phases and pauses.
    pub fn session_record(&self, id: Uuid, now: Timestamp) -> Result<SessionRecord> {
        let row = load(&self.conn, id)?;
        let commitments = commitments::of_session(&self.conn, id)?;
        let summary = session_summary(&row.clock, row.template_name, commitments, row.notes, to_millis(now));
        Ok(session_record(&row.clock, summary))
    }
}
