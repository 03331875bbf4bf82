//! Commitments of the session in progress: add, edit, reorder, remove, tick, carry over,
//! and the outcomes of the closing round.

use super::{Store, parse_uuid, ts};
use crate::Timestamp;
use crate::error::{CoreError, Entity, Result, WrongState};
use crate::ids::new_id;
use crate::limits::COMMITMENTS_PER_SESSION;
use crate::model::{Commitment, CommitmentDraft, Outcome, OutcomeEntry, PhaseKind};
use crate::validate::{clean_note, validate_draft};
use crate::view::SessionUpdate;
use rusqlite::{Connection, OptionalExtension, Row, Transaction, params};
use std::collections::HashSet;
use uuid::Uuid;

pub(crate) const COLUMNS: &str = "c.id, c.session_id, c.position, c.text, c.tag, c.estimate_minutes, c.outcome, \
     c.note, c.feedback_wanted, c.carried_from, c.carry_count";

/// Whether commitment `c` has been taken into a later session. (If that session was
/// abandoned, its copy is the one offered again: it carries the link and the count.)
pub(crate) const CARRIED: &str = "EXISTS (SELECT 1 FROM commitments d WHERE d.carried_from = c.id)";

pub(crate) fn from_row(row: &Row) -> rusqlite::Result<Commitment> {
    let outcome: String = row.get(6)?;
    Ok(Commitment {
        id: parse_uuid(&row.get::<_, String>(0)?)?,
        session_id: parse_uuid(&row.get::<_, String>(1)?)?,
        position: row.get(2)?,
        text: row.get(3)?,
        tag: row.get(4)?,
        estimate_minutes: row.get(5)?,
        outcome: Outcome::parse(&outcome).ok_or_else(|| super::corrupt("outcome", &outcome))?,
        note: row.get(7)?,
        feedback_wanted: row.get(8)?,
        carried_from: row.get::<_, Option<String>>(9)?.as_deref().map(parse_uuid).transpose()?,
        carry_count: row.get(10)?,
    })
}

pub(crate) fn of_session(conn: &Connection, session_id: Uuid) -> Result<Vec<Commitment>> {
    let mut stmt = conn
        .prepare_cached(&format!("SELECT {COLUMNS} FROM commitments c WHERE c.session_id = ?1 ORDER BY c.position"))?;
    let rows = stmt.query_map([session_id.to_string()], from_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

fn count(tx: &Transaction, session_id: Uuid) -> Result<usize> {
    let n: i64 =
        tx.query_row("SELECT COUNT(*) FROM commitments WHERE session_id = ?1", [session_id.to_string()], |r| r.get(0))?;
    Ok(n as usize)
}

/// The position of a commitment of this session, or `NotFound`.
fn position_in(tx: &Transaction, session_id: Uuid, id: Uuid) -> Result<u32> {
    tx.query_row(
        "SELECT position FROM commitments WHERE id = ?1 AND session_id = ?2",
        [id.to_string(), session_id.to_string()],
        |r| r.get(0),
    )
    .optional()?
    .ok_or(CoreError::NotFound(Entity::Commitment))
}

struct NewCommitment<'a> {
    draft: &'a CommitmentDraft,
    carried_from: Option<Uuid>,
    carry_count: u32,
}

fn insert(tx: &Transaction, session_id: Uuid, new: NewCommitment, now: Timestamp) -> Result<()> {
    insert_returning(tx, session_id, new, now).map(|_| ())
}

/// Adds `draft` as the session's next commitment; its id.
pub(super) fn insert_new(tx: &Transaction, session_id: Uuid, draft: &CommitmentDraft, now: Timestamp) -> Result<Uuid> {
    insert_returning(tx, session_id, NewCommitment { draft, carried_from: None, carry_count: 0 }, now)
}

fn insert_returning(tx: &Transaction, session_id: Uuid, new: NewCommitment, now: Timestamp) -> Result<Uuid> {
    let id = new_id(now);
    let position = count(tx, session_id)?;
    if position >= COMMITMENTS_PER_SESSION {
        return Err(CoreError::TooManyCommitments { max: COMMITMENTS_PER_SESSION });
    }
    tx.execute(
        "INSERT INTO commitments (id, session_id, position, text, tag, estimate_minutes, carried_from, carry_count, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        params![
            id.to_string(),
            session_id.to_string(),
            position as i64,
            new.draft.text,
            new.draft.tag,
            new.draft.estimate_minutes,
            new.carried_from.map(|id| id.to_string()),
            new.carry_count,
            ts(now)
        ],
    )?;
    Ok(id)
}

/// Takes `original` into session `session_id` as its next commitment, linked to it and counted
/// as carried once more.
pub(super) fn carry(tx: &Transaction, session_id: Uuid, original: Commitment, now: Timestamp) -> Result<()> {
    let draft = CommitmentDraft { text: original.text, tag: original.tag, estimate_minutes: original.estimate_minutes };
    let new = NewCommitment { draft: &draft, carried_from: Some(original.id), carry_count: original.carry_count + 1 };
    insert(tx, session_id, new, now)
}

/// Outcomes for every commitment of the session, all decided; nothing else.
pub(crate) fn record_outcomes(tx: &Transaction, session_id: Uuid, outcomes: &[OutcomeEntry]) -> Result<()> {
    let ids: HashSet<Uuid> = of_session(tx, session_id)?.into_iter().map(|c| c.id).collect();
    let reported: HashSet<Uuid> = outcomes.iter().map(|o| o.commitment_id).collect();
    if outcomes.iter().any(|o| !ids.contains(&o.commitment_id)) {
        return Err(CoreError::ForeignCommitment);
    }
    if reported != ids || outcomes.len() != ids.len() || outcomes.iter().any(|o| o.outcome == Outcome::Pending) {
        return Err(CoreError::OutcomeMissing);
    }
    for entry in outcomes {
        let note = clean_note(entry.note.clone())?;
        tx.execute(
            "UPDATE commitments SET outcome = ?2, note = ?3, feedback_wanted = ?4 WHERE id = ?1",
            params![entry.commitment_id.to_string(), entry.outcome.as_str(), note, entry.feedback_wanted],
        )?;
    }
    Ok(())
}

impl Store {
    pub fn add_commitment(&mut self, draft: CommitmentDraft, now: Timestamp) -> Result<SessionUpdate> {
        let draft = validate_draft(draft)?;
        self.with_session(now, |tx, clock, now| {
            insert(tx, clock.session_id, NewCommitment { draft: &draft, carried_from: None, carry_count: 0 }, now)
        })
    }

    pub fn update_commitment(&mut self, id: Uuid, draft: CommitmentDraft, now: Timestamp) -> Result<SessionUpdate> {
        let draft = validate_draft(draft)?;
        self.with_session(now, |tx, clock, _| {
            position_in(tx, clock.session_id, id)?;
            tx.execute(
                "UPDATE commitments SET text = ?2, tag = ?3, estimate_minutes = ?4 WHERE id = ?1",
                params![id.to_string(), draft.text, draft.tag, draft.estimate_minutes],
            )?;
            Ok(())
        })
    }

    pub fn remove_commitment(&mut self, id: Uuid, now: Timestamp) -> Result<SessionUpdate> {
        self.with_session(now, |tx, clock, _| {
            let position = position_in(tx, clock.session_id, id)?;
            tx.execute("DELETE FROM commitments WHERE id = ?1", [id.to_string()])?;
            tx.execute(
                "UPDATE commitments SET position = position - 1 WHERE session_id = ?1 AND position > ?2",
                params![clock.session_id.to_string(), position],
            )?;
            Ok(())
        })
    }

    /// Moves a commitment to `to` (0-based); the others close ranks.
    pub fn move_commitment(&mut self, id: Uuid, to: u32, now: Timestamp) -> Result<SessionUpdate> {
        self.with_session(now, |tx, clock, _| {
            let from = position_in(tx, clock.session_id, id)?;
            let last = count(tx, clock.session_id)?.saturating_sub(1) as u32;
            if to > last {
                return Err(CoreError::PositionOutOfRange { position: to });
            }
            let session = clock.session_id.to_string();
            if to < from {
                tx.execute(
                    "UPDATE commitments SET position = position + 1 WHERE session_id = ?1 AND position >= ?2 AND position < ?3",
                    params![session, to, from],
                )?;
            } else if to > from {
                tx.execute(
                    "UPDATE commitments SET position = position - 1 WHERE session_id = ?1 AND position > ?2 AND position <= ?3",
                    params![session, from, to],
                )?;
            }
            tx.execute("UPDATE commitments SET position = ?2 WHERE id = ?1", params![id.to_string(), to])?;
            Ok(())
        })
    }

    /// Ticked during the session means done; unticked means still open.
    /// Keeps one commitment's outcome, note and feedback wish as the person fills in the
    /// closing round (a draft: `pending` is allowed), so nothing typed is lost before Save —
    /// not to a crash, nor between the main and the compact window.
    pub fn draft_outcome(&mut self, entry: OutcomeEntry, now: Timestamp) -> Result<SessionUpdate> {
        let note = clean_note(entry.note)?;
        self.with_session(now, |tx, clock, _| {
            if clock.current().kind != PhaseKind::Closing {
                return Err(CoreError::WrongState(WrongState::NotInClosingRound));
            }
            position_in(tx, clock.session_id, entry.commitment_id)?;
            tx.execute(
                "UPDATE commitments SET outcome = ?2, note = ?3, feedback_wanted = ?4 WHERE id = ?1",
                params![entry.commitment_id.to_string(), entry.outcome.as_str(), note, entry.feedback_wanted],
            )?;
            Ok(())
        })
    }

    pub fn tick_commitment(&mut self, id: Uuid, done: bool, now: Timestamp) -> Result<SessionUpdate> {
        self.with_session(now, |tx, clock, _| {
            position_in(tx, clock.session_id, id)?;
            let outcome = if done { Outcome::Done } else { Outcome::Pending };
            tx.execute("UPDATE commitments SET outcome = ?2 WHERE id = ?1", params![id.to_string(), outcome.as_str()])?;
            Ok(())
        })
    }

    /// Takes unfinished commitments of earlier sessions into the session in progress,
    /// keeping the link and counting how often each was carried.
    pub fn carry_over(&mut self, ids: &[Uuid], now: Timestamp) -> Result<SessionUpdate> {
        self.with_session(now, |tx, clock, now| {
            for id in ids {
                let original = tx
                    .query_row(
                        &format!("SELECT {COLUMNS} FROM commitments c WHERE c.id = ?1"),
                        [id.to_string()],
                        from_row,
                    )
                    .optional()?
                    .ok_or(CoreError::NotFound(Entity::Commitment))?;
                let already: bool = tx.query_row(
                    &format!("SELECT {CARRIED} FROM commitments c WHERE c.id = ?1"),
                    [id.to_string()],
                    |r| r.get(0),
                )?;
                let offered = original.outcome.is_unfinished() || original.outcome == Outcome::Pending;
                if already || original.session_id == clock.session_id || !offered {
                    return Err(CoreError::WrongState(WrongState::AlreadyCarried));
                }
                carry(tx, clock.session_id, original, now)?;
            }
            Ok(())
        })
    }
}
