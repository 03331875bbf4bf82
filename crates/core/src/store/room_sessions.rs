//! Sessions joined from a room: joining the room's shared session, following it, leaving
//! it, sharing one's commitments with the room, and queueing what the room should hear of
//! them (each commitment once, each outcome once) in the outbox.

use super::sessions::{in_progress_id, save_clock};
use super::{Store, parse_uuid, to_millis, ts};
use crate::Timestamp;
use crate::engine::SessionClock;
use crate::error::{CoreError, Result, WrongState};
use crate::ids::new_id;
use crate::model::{Outcome, PhaseKind, PlannedPhase, RoomLink, RoomPosition, SessionStatus};
use crate::room_write::RoomWrite;
use crate::view::{SessionNotes, SessionUpdate, SessionView, session_view};
use rusqlite::{OptionalExtension, TransactionBehavior, params};
use uuid::Uuid;
use worktogether_room_protocol as protocol;

impl Store {
    /// Joins a room's shared session: a session of this person's that follows the room's
    /// phases on `plan`, beginning in the room's phase `at`. Like a start, refused while
    /// another session is in progress.
    pub fn join_room_session(
        &mut self,
        room: RoomLink,
        template_name: &str,
        plan: Vec<PlannedPhase>,
        at: RoomPosition,
        now: Timestamp,
    ) -> Result<SessionView> {
        let now = to_millis(now);
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        if in_progress_id(&tx)?.is_some() {
            return Err(CoreError::WrongState(WrongState::SessionInProgress));
        }
        if plan.is_empty() || plan.last().map(|p| p.kind) != Some(PhaseKind::Closing) {
            return Err(CoreError::Corrupt("a room's plan ends with its closing round".into()));
        }
        let id = new_id(now);
        tx.execute(
            "INSERT INTO sessions (id, template_name, plan, status, started_at, room_membership_id, room_session_id,
                                   room_name, follows_room)
             VALUES (?1, ?2, ?3, 'running', ?4, ?5, ?6, ?7, 1)",
            params![
                id.to_string(),
                template_name,
                serde_json::to_string(&plan).expect("phases always serialize"),
                ts(now),
                room.membership_id.to_string(),
                room.session_id.to_string(),
                room.room_name,
            ],
        )?;
        let at = RoomPosition { started_at: to_millis(at.started_at), ends_at: at.ends_at.map(to_millis), ..at };
        let clock = SessionClock::join_room(id, plan, &at, now);
        save_clock(&tx, &clock)?;
        // The plan waits for a session that begins with a commitment round: joined late, in the
        // room's focus, there is no round to take it into.
        if clock.current().kind == PhaseKind::Commitment {
            super::review::take_planned(&tx, id, now)?;
        }
        let commitments = super::commitments::of_session(&tx, id)?;
        tx.commit()?;
        let notes = SessionNotes { room: Some(room), ..SessionNotes::default() };
        Ok(session_view(&clock, template_name.to_owned(), commitments, notes, now))
    }

    /// Brings the session in progress to where its room's session `room_session` stands. A
    /// session that does not follow that room is left as it is.
    pub fn follow_room(&mut self, room_session: Uuid, at: RoomPosition, now: Timestamp) -> Result<SessionUpdate> {
        let at = RoomPosition { started_at: to_millis(at.started_at), ends_at: at.ends_at.map(to_millis), ..at };
        self.with_session(now, |tx, clock, now| {
            let follows: Option<String> = tx
                .query_row(
                    "SELECT room_session_id FROM sessions WHERE id = ?1 AND follows_room = 1",
                    [clock.session_id.to_string()],
                    |r| r.get(0),
                )
                .optional()?
                .flatten();
            if follows.as_deref() == Some(room_session.to_string().as_str()) {
                clock.follow(&at, now)?;
            }
            Ok(())
        })
    }

    /// Leaves the room's shared session and keeps going alone (the record stays the room's).
    pub fn leave_room_session(&mut self, now: Timestamp) -> Result<SessionUpdate> {
        self.with_session(now, |_, clock, _| {
            clock.leave_room();
            Ok(())
        })
    }

    /// Shares the commitments of the session in progress with its room, or stops (what the
    /// room already has stays there). Off until the person chooses.
    pub fn share_with_room(&mut self, share: bool, now: Timestamp) -> Result<SessionUpdate> {
        self.with_session(now, |tx, clock, _| {
            let changed = tx.execute(
                "UPDATE sessions SET shares_with_room = ?2 WHERE id = ?1 AND room_session_id IS NOT NULL",
                params![clock.session_id.to_string(), share],
            )?;
            if changed == 0 {
                return Err(CoreError::WrongState(WrongState::NotARoomSession));
            }
            Ok(())
        })
    }

    /// Takes part in a room's session from a session of one's own, without following its
    /// timer (the person could not come, or comes late and keeps their own rhythm): the
    /// session becomes the room's in history, and its commitments, then outcomes, go to the
    /// room — marked by the server as shared afterwards once the room's session is over.
    pub fn share_own_session(&mut self, room: RoomLink, now: Timestamp) -> Result<SessionUpdate> {
        self.with_session(now, |tx, clock, _| {
            let linked = tx.execute(
                "UPDATE sessions SET room_membership_id = ?2, room_session_id = ?3, room_name = ?4, shares_with_room = 1
                 WHERE id = ?1 AND room_session_id IS NULL",
                params![
                    clock.session_id.to_string(),
                    room.membership_id.to_string(),
                    room.session_id.to_string(),
                    room.room_name
                ],
            )?;
            if linked == 0 {
                return Err(CoreError::WrongState(WrongState::AlreadyARoomSession));
            }
            Ok(())
        })
    }

    /// Puts what the room should hear into the outbox, each once: the commitments of the
    /// latest session shared with a room, and their outcomes once it is closed. Returns the
    /// membership whose outbox got something. Catches up after a crash between an action
    /// and this call, as it looks at what was queued, not at what just happened.
    pub fn queue_room_writes(&mut self, now: Timestamp) -> Result<Option<Uuid>> {
        let now = to_millis(now);
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let latest: Option<(String, String, String, String)> = tx
            .query_row(
                "SELECT s.id, s.room_membership_id, s.room_session_id, s.status FROM sessions s
                 JOIN room_memberships m ON m.id = s.room_membership_id
                 WHERE s.shares_with_room = 1 ORDER BY s.started_at DESC LIMIT 1",
                [],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
            )
            .optional()?;
        let Some((session, membership, room_session, status)) = latest else { return Ok(None) };
        let (membership_id, room_session) = (parse_uuid(&membership)?, parse_uuid(&room_session)?);
        let mut queued = 0;
        let to_publish: Vec<(String, String)> = {
            let mut stmt = tx.prepare(
                "SELECT id, text FROM commitments WHERE session_id = ?1 AND room_queued_at IS NULL ORDER BY position",
            )?;
            stmt.query_map([&session], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<rusqlite::Result<_>>()?
        };
        for (id, text) in to_publish {
            let write = RoomWrite::PublishCommitment { session: room_session, text, local: Some(parse_uuid(&id)?) };
            enqueue(&tx, membership_id, &write, now)?;
            tx.execute("UPDATE commitments SET room_queued_at = ?2 WHERE id = ?1", params![id, ts(now)])?;
            queued += 1;
        }
        if status == SessionStatus::Finished.as_str() {
            let to_report: Vec<(String, String, Option<String>, bool)> = {
                let mut stmt = tx.prepare(
                    "SELECT id, outcome, note, feedback_wanted FROM commitments
                     WHERE session_id = ?1 AND room_queued_at IS NOT NULL AND room_outcome_queued = 0 ORDER BY position",
                )?;
                stmt.query_map([&session], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
                    .collect::<rusqlite::Result<_>>()?
            };
            for (id, outcome, note, feedback_wanted) in to_report {
                let outcome = Outcome::parse(&outcome).ok_or_else(|| super::corrupt("outcome", &outcome))?;
                let report = protocol::ReportOutcome { outcome: wire_outcome(outcome), note, feedback_wanted };
                enqueue(&tx, membership_id, &RoomWrite::ReportOwnOutcome { local: parse_uuid(&id)?, report }, now)?;
                tx.execute("UPDATE commitments SET room_outcome_queued = 1 WHERE id = ?1", [&id])?;
                queued += 1;
            }
        }
        tx.commit()?;
        Ok((queued > 0).then_some(membership_id))
    }

    /// The room's id for the person's own commitment `local`, once the room has it.
    pub fn room_commitment_id(&self, local: Uuid) -> Result<Option<Uuid>> {
        let id: Option<String> = self
            .conn
            .query_row("SELECT room_commitment_id FROM commitments WHERE id = ?1", [local.to_string()], |r| r.get(0))
            .optional()?
            .flatten();
        Ok(id.as_deref().map(parse_uuid).transpose()?)
    }

    /// The room took the commitment `local` and gave it `room_id`.
    pub fn room_commitment_published(&self, local: Uuid, room_id: Uuid) -> Result<()> {
        self.conn.execute(
            "UPDATE commitments SET room_commitment_id = ?2 WHERE id = ?1",
            params![local.to_string(), room_id.to_string()],
        )?;
        Ok(())
    }
}

/// Queues `write` in the same transaction as what caused it, with a key of its own.
fn enqueue(tx: &rusqlite::Transaction, membership: Uuid, write: &RoomWrite, now: Timestamp) -> Result<()> {
    let intent = serde_json::to_string(write).expect("room writes serialize");
    tx.execute(
        "INSERT INTO room_outbox (membership_id, intent, idempotency_key, created_at, next_attempt_at)
         VALUES (?1, ?2, ?3, ?4, ?4)",
        params![membership.to_string(), intent, new_id(now).to_string(), ts(now)],
    )?;
    Ok(())
}

fn wire_outcome(outcome: Outcome) -> protocol::Outcome {
    match outcome {
        Outcome::Pending => protocol::Outcome::Pending,
        Outcome::Done => protocol::Outcome::Done,
        Outcome::Partly => protocol::Outcome::Partly,
        Outcome::NotDone => protocol::Outcome::NotDone,
    }
}
