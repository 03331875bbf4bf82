//! Shared sessions, the commitments members publish to them (or post ahead of the next
//! one), outcomes and kudos.

use super::{Idempotency, Store, enum_text, parse_enum, parse_ts, parse_uuid, ts};
use crate::error::{AppError, Result};
use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, params};
use uuid::Uuid;
use worktogether_room_protocol::{
    ActionRefused, AheadCommitment, Outcome, PhaseKind, ReportOutcome, RoomChange, RoomCommitment, SessionAction,
    SessionDetail, SharedPhase, SharedSession, StartSession,
};

/// Most commitments one member publishes to one session; also most they have posted ahead of
/// the next one, which move into it and count there.
pub const COMMITMENTS_PER_MEMBER: u32 = 20;
/// The refusals at [`COMMITMENTS_PER_MEMBER`] (a `&'static str` cannot be formatted; a test
/// keeps the number in them right).
const TOO_MANY: &str = "a member shares at most 20 commitments per session";
const TOO_MANY_AHEAD: &str = "a member posts at most 20 commitments ahead of a session";
/// How many sessions a listing returns.
const SESSION_LIST_MAX: u32 = 50;

impl Store {
    /// The host starts a shared session (validated plan) unless one is still running. The
    /// commitments posted ahead move into it: `session_started` first, then one
    /// `commitment_published` each, in the order they came.
    pub fn start_session(
        &self,
        code: &str,
        token: &str,
        req: StartSession,
        idem: Option<&Idempotency>,
        now: DateTime<Utc>,
    ) -> Result<SharedSession> {
        self.write(Some((code, token)), idem, now, |tx, actor| {
            let actor = actor.expect("authenticated");
            actor.require_host()?;
            if let Some(s) = latest_session(tx, actor.room_id)?
                && !matches!(s.phase_at(tx.now), SharedPhase::Over { .. })
            {
                return Err(AppError::WrongState("a shared session is still running; end it first"));
            }
            let session = SharedSession {
                id: Uuid::now_v7(),
                template_name: req.template_name,
                phases: req.phases,
                started_at: tx.now,
                anchor_index: 0,
                anchor_at: tx.now,
                paused_at: None,
                ended_at: None,
            };
            tx.execute(
                "INSERT INTO sessions (id, room_id, template_name, phases, started_at, anchor_index, anchor_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, 0, ?5)",
                params![
                    session.id.to_string(),
                    actor.room_id,
                    session.template_name,
                    serde_json::to_string(&session.phases).expect("phases serialize"),
                    ts(tx.now)
                ],
            )?;
            tx.emit(actor.room_id, RoomChange::SessionStarted { session: session.clone() })?;
            for commitment in move_ahead(tx, actor.room_id, session.id)? {
                tx.emit(actor.room_id, RoomChange::CommitmentPublished { commitment })?;
            }
            Ok(session)
        })
    }

    /// The host pauses, resumes, skips or ends the session for everyone.
    pub fn control_session(
        &self,
        code: &str,
        token: &str,
        session_id: Uuid,
        action: SessionAction,
        idem: Option<&Idempotency>,
        now: DateTime<Utc>,
    ) -> Result<SharedSession> {
        self.write(Some((code, token)), idem, now, |tx, actor| {
            let actor = actor.expect("authenticated");
            let mut session = session(tx, actor.room_id, session_id)?;
            actor.require_host()?;
            session.apply(action, tx.now).map_err(|e| match e {
                ActionRefused::SessionOver => AppError::WrongState("the session is over"),
                ActionRefused::AlreadyPaused => AppError::WrongState("the session is already paused"),
                ActionRefused::NotPaused => AppError::WrongState("the session is not paused"),
            })?;
            tx.execute(
                "UPDATE sessions SET anchor_index = ?1, anchor_at = ?2, paused_at = ?3, ended_at = ?4 WHERE id = ?5",
                params![
                    session.anchor_index,
                    ts(session.anchor_at),
                    session.paused_at.map(ts),
                    session.ended_at.map(ts),
                    session.id.to_string()
                ],
            )?;
            tx.emit(actor.room_id, RoomChange::SessionChanged { session: session.clone(), action })?;
            Ok(session)
        })
    }

    /// The room's sessions, newest first.
    pub fn list_sessions(&self, code: &str, token: &str) -> Result<Vec<SharedSession>> {
        self.read(code, token, |conn, actor| {
            let sql =
                format!("SELECT {SESSION_COLUMNS} FROM sessions WHERE room_id = ?1 ORDER BY started_at DESC LIMIT ?2");
            Ok(conn
                .prepare_cached(&sql)?
                .query_map(params![actor.room_id, SESSION_LIST_MAX], session_row)?
                .collect::<rusqlite::Result<_>>()?)
        })
    }

    pub fn session_detail(&self, code: &str, token: &str, session_id: Uuid) -> Result<SessionDetail> {
        self.read(code, token, |conn, actor| {
            let session = session(conn, actor.room_id, session_id)?;
            let sql =
                format!("SELECT {COMMITMENT_COLUMNS} FROM commitments WHERE session_id = ?1 ORDER BY created_at, id");
            let mut commitments: Vec<RoomCommitment> = conn
                .prepare_cached(&sql)?
                .query_map([session_id.to_string()], commitment_row)?
                .collect::<rusqlite::Result<_>>()?;
            for c in &mut commitments {
                c.kudos = kudos(conn, c.id)?;
            }
            let questions = super::questions::of_session(conn, session_id)?;
            Ok(SessionDetail { session, commitments, questions })
        })
    }

    /// A member shares a commitment, live or (after the session) asynchronously.
    pub fn publish_commitment(
        &self,
        code: &str,
        token: &str,
        session_id: Uuid,
        text: String,
        idem: Option<&Idempotency>,
        now: DateTime<Utc>,
    ) -> Result<RoomCommitment> {
        self.write(Some((code, token)), idem, now, |tx, actor| {
            let actor = actor.expect("authenticated");
            let session = session(tx, actor.room_id, session_id)?;
            let mine: u32 = tx.query_row(
                "SELECT COUNT(*) FROM commitments WHERE session_id = ?1 AND member_id = ?2",
                params![session_id.to_string(), actor.member_id.to_string()],
                |r| r.get(0),
            )?;
            if mine >= COMMITMENTS_PER_MEMBER {
                return Err(AppError::WrongState(TOO_MANY));
            }
            let afterwards = matches!(session.phase_at(tx.now), SharedPhase::Over { .. });
            let id = Uuid::now_v7();
            tx.execute(
                "INSERT INTO commitments (id, session_id, member_id, text, afterwards, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![id.to_string(), session_id.to_string(), actor.member_id.to_string(), text, afterwards, ts(tx.now)],
            )?;
            let commitment = commitment(tx, id)?;
            tx.emit(actor.room_id, RoomChange::CommitmentPublished { commitment: commitment.clone() })?;
            Ok(commitment)
        })
    }

    /// A member who cannot come posts a commitment (text validated) for the room's next
    /// session, while none runs (a paused one runs too: they share it there).
    pub fn post_ahead(
        &self,
        code: &str,
        token: &str,
        text: String,
        idem: Option<&Idempotency>,
        now: DateTime<Utc>,
    ) -> Result<AheadCommitment> {
        self.write(Some((code, token)), idem, now, |tx, actor| {
            let actor = actor.expect("authenticated");
            if let Some(s) = latest_session(tx, actor.room_id)?
                && !matches!(s.phase_at(tx.now), SharedPhase::Over { .. })
            {
                return Err(AppError::WrongState("a session is running or paused: share the commitment in it"));
            }
            let pending: u32 = tx.query_row(
                "SELECT COUNT(*) FROM ahead_commitments WHERE member_id = ?1",
                [actor.member_id.to_string()],
                |r| r.get(0),
            )?;
            if pending >= COMMITMENTS_PER_MEMBER {
                return Err(AppError::WrongState(TOO_MANY_AHEAD));
            }
            let commitment =
                AheadCommitment { id: Uuid::now_v7(), member_id: actor.member_id, text, created_at: tx.now };
            tx.execute(
                "INSERT INTO ahead_commitments (id, room_id, member_id, text, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![
                    commitment.id.to_string(),
                    actor.room_id,
                    actor.member_id.to_string(),
                    commitment.text,
                    ts(tx.now)
                ],
            )?;
            tx.emit(actor.room_id, RoomChange::CommitmentPostedAhead { commitment: commitment.clone() })?;
            Ok(commitment)
        })
    }

    /// A member reports the outcome of their own commitment, in the closing round or afterwards.
    pub fn report_outcome(
        &self,
        code: &str,
        token: &str,
        commitment_id: Uuid,
        report: ReportOutcome,
        idem: Option<&Idempotency>,
        now: DateTime<Utc>,
    ) -> Result<RoomCommitment> {
        self.write(Some((code, token)), idem, now, |tx, actor| {
            let actor = actor.expect("authenticated");
            let (c, session) = commitment_in_room(tx, actor.room_id, commitment_id)?;
            if c.member_id != actor.member_id {
                return Err(AppError::Forbidden("only the member who made a commitment reports its outcome"));
            }
            match session.phase_at(tx.now) {
                SharedPhase::Over { .. } => {}
                SharedPhase::Running { kind: PhaseKind::Closing, .. }
                | SharedPhase::Paused { kind: PhaseKind::Closing, .. } => {}
                _ => return Err(AppError::WrongState("outcomes are reported in the closing round or afterwards")),
            }
            tx.execute(
                "UPDATE commitments SET outcome = ?1, note = ?2, feedback_wanted = ?3 WHERE id = ?4",
                params![enum_text(&report.outcome), report.note, report.feedback_wanted, commitment_id.to_string()],
            )?;
            let commitment = commitment(tx, commitment_id)?;
            tx.emit(actor.room_id, RoomChange::CommitmentUpdated { commitment: commitment.clone() })?;
            Ok(commitment)
        })
    }

    /// A member gives kudos to someone else's commitment; giving them again changes nothing.
    pub fn give_kudos(
        &self,
        code: &str,
        token: &str,
        commitment_id: Uuid,
        idem: Option<&Idempotency>,
        now: DateTime<Utc>,
    ) -> Result<RoomCommitment> {
        self.write(Some((code, token)), idem, now, |tx, actor| {
            let actor = actor.expect("authenticated");
            let (c, _) = commitment_in_room(tx, actor.room_id, commitment_id)?;
            if c.member_id == actor.member_id {
                return Err(AppError::invalid("kudos are for other members' commitments"));
            }
            let added = tx.execute(
                "INSERT OR IGNORE INTO kudos (commitment_id, member_id, given_at) VALUES (?1, ?2, ?3)",
                params![commitment_id.to_string(), actor.member_id.to_string(), ts(tx.now)],
            )?;
            let commitment = commitment(tx, commitment_id)?;
            if added > 0 {
                tx.emit(actor.room_id, RoomChange::CommitmentUpdated { commitment: commitment.clone() })?;
            }
            Ok(commitment)
        })
    }
}

const SESSION_COLUMNS: &str = "id, template_name, phases, started_at, anchor_index, anchor_at, paused_at, ended_at";

fn session_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<SharedSession> {
    let opt_ts = |s: Option<String>| s.as_deref().map(parse_ts).transpose();
    Ok(SharedSession {
        id: parse_uuid(&r.get::<_, String>(0)?)?,
        template_name: r.get(1)?,
        phases: serde_json::from_str(&r.get::<_, String>(2)?)
            .map_err(|e| rusqlite::Error::FromSqlConversionFailure(2, rusqlite::types::Type::Text, Box::new(e)))?,
        started_at: parse_ts(&r.get::<_, String>(3)?)?,
        anchor_index: r.get(4)?,
        anchor_at: parse_ts(&r.get::<_, String>(5)?)?,
        paused_at: opt_ts(r.get(6)?)?,
        ended_at: opt_ts(r.get(7)?)?,
    })
}

pub(super) fn latest_session(conn: &Connection, room_id: i64) -> Result<Option<SharedSession>> {
    let sql =
        format!("SELECT {SESSION_COLUMNS} FROM sessions WHERE room_id = ?1 ORDER BY started_at DESC, id DESC LIMIT 1");
    Ok(conn.query_row(&sql, [room_id], session_row).optional()?)
}

pub(super) fn session(conn: &Connection, room_id: i64, id: Uuid) -> Result<SharedSession> {
    let sql = format!("SELECT {SESSION_COLUMNS} FROM sessions WHERE id = ?1 AND room_id = ?2");
    conn.query_row(&sql, params![id.to_string(), room_id], session_row).optional()?.ok_or(AppError::NotFound("session"))
}

const COMMITMENT_COLUMNS: &str =
    "id, session_id, member_id, text, outcome, note, feedback_wanted, created_at, afterwards, ahead";

fn commitment_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<RoomCommitment> {
    Ok(RoomCommitment {
        id: parse_uuid(&r.get::<_, String>(0)?)?,
        session_id: parse_uuid(&r.get::<_, String>(1)?)?,
        member_id: parse_uuid(&r.get::<_, String>(2)?)?,
        text: r.get(3)?,
        outcome: parse_enum::<Outcome>(&r.get::<_, String>(4)?)?,
        note: r.get(5)?,
        feedback_wanted: r.get(6)?,
        kudos: Vec::new(),
        created_at: parse_ts(&r.get::<_, String>(7)?)?,
        afterwards: r.get(8)?,
        ahead: r.get(9)?,
    })
}

/// The room's commitments posted ahead of its next session, in the order they came.
pub(super) fn ahead_of_room(conn: &Connection, room_id: i64) -> Result<Vec<AheadCommitment>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, member_id, text, created_at FROM ahead_commitments WHERE room_id = ?1 ORDER BY rowid",
    )?;
    let rows = stmt.query_map([room_id], |r| {
        Ok(AheadCommitment {
            id: parse_uuid(&r.get::<_, String>(0)?)?,
            member_id: parse_uuid(&r.get::<_, String>(1)?)?,
            text: r.get(2)?,
            created_at: parse_ts(&r.get::<_, String>(3)?)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Moves the room's commitments posted ahead into `session_id`: same id and `created_at`,
/// `ahead` set. Returns them as the session now holds them, in the order they came.
fn move_ahead(conn: &Connection, room_id: i64, session_id: Uuid) -> Result<Vec<RoomCommitment>> {
    let ahead = ahead_of_room(conn, room_id)?;
    conn.execute(
        "INSERT INTO commitments (id, session_id, member_id, text, afterwards, ahead, created_at)
         SELECT id, ?2, member_id, text, 0, 1, created_at FROM ahead_commitments WHERE room_id = ?1 ORDER BY rowid",
        params![room_id, session_id.to_string()],
    )?;
    conn.execute("DELETE FROM ahead_commitments WHERE room_id = ?1", [room_id])?;
    ahead.iter().map(|c| commitment(conn, c.id)).collect()
}

fn kudos(conn: &Connection, commitment_id: Uuid) -> Result<Vec<Uuid>> {
    let mut stmt =
        conn.prepare_cached("SELECT member_id FROM kudos WHERE commitment_id = ?1 ORDER BY given_at, member_id")?;
    let ids = stmt.query_map([commitment_id.to_string()], |r| parse_uuid(&r.get::<_, String>(0)?))?;
    Ok(ids.collect::<rusqlite::Result<_>>()?)
}

fn commitment(conn: &Connection, id: Uuid) -> Result<RoomCommitment> {
    let sql = format!("SELECT {COMMITMENT_COLUMNS} FROM commitments WHERE id = ?1");
    let mut c = conn.query_row(&sql, [id.to_string()], commitment_row)?;
    c.kudos = kudos(conn, id)?;
    Ok(c)
}

/// A commitment of a session of this room, with its session; not found otherwise.
pub(super) fn commitment_in_room(conn: &Connection, room_id: i64, id: Uuid) -> Result<(RoomCommitment, SharedSession)> {
    let session_id: Option<String> = conn
        .query_row(
            "SELECT c.session_id FROM commitments c JOIN sessions s ON s.id = c.session_id WHERE c.id = ?1 AND s.room_id = ?2",
            params![id.to_string(), room_id],
            |r| r.get(0),
        )
        .optional()?;
    let session_id = session_id.ok_or(AppError::NotFound("commitment"))?;
    let session = session(conn, room_id, parse_uuid(&session_id)?)?;
    Ok((commitment(conn, id)?, session))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_limits_messages_name_the_limit() {
        for message in [TOO_MANY, TOO_MANY_AHEAD] {
            assert!(message.contains(&format!(" {COMMITMENTS_PER_MEMBER} ")), "{message}");
        }
    }
}
