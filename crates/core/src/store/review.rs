//! The weekly review's reads, and its plan: unfinished commitments to carry into the next
//! week's first commitment round (table `planned_carries`). The first session started once
//! the plan is due takes them in, as the commitment round's "carry over" would.

use super::commitments::{CARRIED, COLUMNS, carry, from_row};
use super::stats::{all_starts, sessions_overlapping, slipping, text};
use super::{Store, parse_ts, parse_uuid, to_millis, ts};
use crate::Timestamp;
use crate::error::{CoreError, Entity, Result, WrongState};
use crate::limits::COMMITMENTS_PER_SESSION;
use crate::model::{Outcome, SessionStatus};
use crate::review::{PLAN_MAX, ReviewCommitment, ReviewNote, WeeklyReview, week_of};
use crate::stats::statistics;
use chrono::{Datelike, Days, NaiveDate};
use chrono_tz::Tz;
use rusqlite::{Connection, OptionalExtension, Transaction, TransactionBehavior, params};
use std::collections::HashSet;
use uuid::Uuid;

/// The commitments of the ended sessions started in `[?1, ?2)`, in the order they were made.
const WEEK_COMMITMENTS: &str = "SELECT c.id, c.session_id, s.started_at, c.text, c.tag, c.outcome, c.note,
        c.carry_count, EXISTS (SELECT 1 FROM commitments d WHERE d.carried_from = c.id)
    FROM sessions s JOIN commitments c ON c.session_id = s.id
    WHERE s.status IN ('finished','abandoned') AND s.started_at >= ?1 AND s.started_at < ?2
    ORDER BY s.started_at, s.id, c.position";

/// The closing notes of the ended sessions started in `[?1, ?2)`.
const WEEK_SESSION_NOTES: &str = "SELECT id, started_at, overall_note FROM sessions
    WHERE status IN ('finished','abandoned') AND started_at >= ?1 AND started_at < ?2
      AND overall_note IS NOT NULL AND overall_note != ''
    ORDER BY started_at, id";

fn planned_ids(conn: &Connection) -> Result<HashSet<Uuid>> {
    let mut stmt = conn.prepare_cached("SELECT commitment_id FROM planned_carries")?;
    let rows = stmt.query_map([], |r| parse_uuid(text(r, 0)?))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

fn week_commitments(conn: &Connection, from: Timestamp, to: Timestamp) -> Result<Vec<ReviewCommitment>> {
    let mut stmt = conn.prepare_cached(WEEK_COMMITMENTS)?;
    let rows = stmt.query_map([ts(from), ts(to)], |r| {
        let outcome = text(r, 5)?;
        Ok(ReviewCommitment {
            id: parse_uuid(text(r, 0)?)?,
            session_id: parse_uuid(text(r, 1)?)?,
            session_started_at: parse_ts(text(r, 2)?)?,
            text: r.get(3)?,
            tag: r.get(4)?,
            outcome: Outcome::parse(outcome).ok_or_else(|| super::corrupt("outcome", outcome))?,
            note: r.get(6)?,
            carry_count: r.get(7)?,
            carried_on: r.get(8)?,
            planned: false,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

fn session_notes(conn: &Connection, from: Timestamp, to: Timestamp) -> Result<Vec<ReviewNote>> {
    let mut stmt = conn.prepare_cached(WEEK_SESSION_NOTES)?;
    let rows = stmt.query_map([ts(from), ts(to)], |r| {
        Ok(ReviewNote {
            session_id: parse_uuid(text(r, 0)?)?,
            session_started_at: parse_ts(text(r, 1)?)?,
            commitment: None,
            text: r.get(2)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The notes worth keeping, oldest first: each session's closing note, then what was written on
/// its commitments.
fn notes(sessions: Vec<ReviewNote>, commitments: &[ReviewCommitment]) -> Vec<ReviewNote> {
    let on_commitments = commitments.iter().filter_map(|c| {
        let note = c.note.as_deref().filter(|n| !n.trim().is_empty())?;
        Some(ReviewNote {
            session_id: c.session_id,
            session_started_at: c.session_started_at,
            commitment: Some(c.text.clone()),
            text: note.to_owned(),
        })
    });
    let mut all: Vec<ReviewNote> = sessions.into_iter().chain(on_commitments).collect();
    // Stable: a session's note stays ahead of its commitments' notes.
    all.sort_by_key(|n| (n.session_started_at, n.session_id));
    all
}

/// Takes the planned commitments that are due at `now` into session `session_id` (just
/// started), in the order they were planned (the rowid counts up as they are inserted), as
/// many as it holds; the rest wait for the next session. Plans whose commitment
/// was carried over by hand meanwhile are dropped.
pub(super) fn take_planned(tx: &Transaction, session_id: Uuid, now: Timestamp) -> Result<()> {
    tx.execute(
        "DELETE FROM planned_carries WHERE commitment_id IN (SELECT carried_from FROM commitments WHERE carried_from IS NOT NULL)",
        [],
    )?;
    let due = {
        let mut stmt = tx.prepare_cached(&format!(
            "SELECT {COLUMNS} FROM planned_carries p JOIN commitments c ON c.id = p.commitment_id
             WHERE p.due_at <= ?1 ORDER BY p.planned_at, p.rowid LIMIT ?2"
        ))?;
        let rows = stmt.query_map(params![ts(now), COMMITMENTS_PER_SESSION as i64], from_row)?;
        rows.collect::<rusqlite::Result<Vec<_>>>()?
    };
    for original in due {
        let id = original.id;
        carry(tx, session_id, original, now)?;
        tx.execute("DELETE FROM planned_carries WHERE commitment_id = ?1", [id.to_string()])?;
    }
    Ok(())
}

/// Whether commitment `id` can be planned: it exists, in an ended session, unfinished and not
/// carried on.
fn check_carryable(tx: &Transaction, id: Uuid) -> Result<()> {
    let found: Option<(String, String, bool)> = tx
        .query_row(
            &format!(
                "SELECT s.status, c.outcome, {CARRIED} FROM commitments c JOIN sessions s ON s.id = c.session_id
                 WHERE c.id = ?1"
            ),
            [id.to_string()],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .optional()?;
    let (status, outcome, carried) = found.ok_or(CoreError::NotFound(Entity::Commitment))?;
    if SessionStatus::parse(&status).is_some_and(SessionStatus::in_progress) {
        return Err(CoreError::WrongState(WrongState::SessionInProgress));
    }
    if outcome == Outcome::Done.as_str() {
        return Err(CoreError::CarryDone);
    }
    if carried {
        return Err(CoreError::WrongState(WrongState::AlreadyCarried));
    }
    Ok(())
}

impl Store {
    /// The review of the week (Monday to Sunday, in the person's zone `zone`) that holds `day`,
    /// as of their day `today`, read in one snapshot.
    pub fn weekly_review(&self, day: NaiveDate, zone: Tz, today: NaiveDate) -> Result<WeeklyReview> {
        let week = week_of(day);
        let (from, to) = week.bounds(zone);
        let tx = self.conn.unchecked_transaction()?;
        let sessions = sessions_overlapping(&tx, from, to)?;
        let starts = all_starts(&tx)?;
        let slipping_now = slipping(&tx)?;
        let mut commitments = week_commitments(&tx, from, to)?;
        let session_notes = session_notes(&tx, from, to)?;
        let planned = planned_ids(&tx)?;
        drop(tx);

        let listed: HashSet<Uuid> = commitments.iter().map(|c| c.id).collect();
        let slipping_elsewhere: Vec<ReviewCommitment> = slipping_now
            .iter()
            .filter(|s| !listed.contains(&s.id))
            .map(|s| ReviewCommitment {
                id: s.id,
                session_id: s.session_id,
                session_started_at: s.session_started_at,
                text: s.text.clone(),
                tag: s.tag.clone(),
                outcome: s.outcome,
                note: None,
                carry_count: s.carry_count,
                carried_on: false,
                planned: false,
            })
            .collect();
        for c in &mut commitments {
            c.planned = planned.contains(&c.id) && !c.carried_on;
        }
        let notes = notes(session_notes, &commitments);
        let mut review = WeeklyReview {
            week,
            iso_week: week.first().iso_week().week(),
            next_monday: week.last() + Days::new(1),
            this_monday: week_of(today).first(),
            done: Vec::new(),
            partly: Vec::new(),
            not_done: Vec::new(),
            statistics: statistics(week, zone, today, &sessions, &starts, slipping_now),
            slipping: slipping_elsewhere
                .into_iter()
                .map(|c| ReviewCommitment { planned: planned.contains(&c.id), ..c })
                .collect(),
            notes,
        };
        review.sort_outcomes(commitments);
        Ok(review)
    }

    /// Plans commitments `ids` for the first commitment round from `due_at` on (the start of
    /// the next week, in the person's zone). All or none: each must be unfinished, in an ended
    /// session, and not carried on. Planning one again moves it to the new time.
    pub fn plan_carries(&mut self, ids: &[Uuid], due_at: Timestamp, now: Timestamp) -> Result<()> {
        if ids.len() > PLAN_MAX {
            return Err(CoreError::TooManyPlanned { max: PLAN_MAX });
        }
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        for &id in ids {
            check_carryable(&tx, id)?;
            tx.execute(
                "INSERT INTO planned_carries (commitment_id, due_at, planned_at) VALUES (?1, ?2, ?3)
                 ON CONFLICT (commitment_id) DO UPDATE SET due_at = excluded.due_at",
                params![id.to_string(), ts(to_millis(due_at)), ts(to_millis(now))],
            )?;
        }
        tx.commit()?;
        Ok(())
    }

    /// Takes commitments `ids` off the plan (those not on it are left alone).
    pub fn unplan_carries(&mut self, ids: &[Uuid]) -> Result<()> {
        if ids.len() > PLAN_MAX {
            return Err(CoreError::TooManyPlanned { max: PLAN_MAX });
        }
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        for id in ids {
            tx.execute("DELETE FROM planned_carries WHERE commitment_id = ?1", [id.to_string()])?;
        }
        tx.commit()?;
        Ok(())
    }
}
