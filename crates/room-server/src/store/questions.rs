//! Questions to the host: a member asks about one of their own shared commitments while the
//! session runs; the host sees them in the order they came and marks each answered.

use super::{Idempotency, Store, parse_ts, parse_uuid, ts};
use crate::error::{AppError, Result};
use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, params};
use uuid::Uuid;
use worktogether_room_protocol::{Question, RoomChange, SharedPhase};

/// Most unanswered questions of one member in one session: enough for a session, few
/// enough that one member cannot bury everyone else's.
pub const OPEN_PER_MEMBER: u32 = 20;
/// Most unanswered questions in one session: more than a host answers in one.
pub const OPEN_PER_SESSION: u32 = 200;
/// Most questions in one session, answered ones included: the session's detail lists them
/// all, so answering cannot make it grow without bound.
pub const PER_SESSION: u32 = 1000;

impl Store {
    /// A member asks the host about one of their own commitments (text validated), while
    /// its session is not over.
    pub fn ask_question(
        &self,
        code: &str,
        token: &str,
        commitment_id: Uuid,
        text: String,
        idem: Option<&Idempotency>,
        now: DateTime<Utc>,
    ) -> Result<Question> {
        self.write(Some((code, token)), idem, now, |tx, actor| {
            let actor = actor.expect("authenticated");
            let (commitment, session) = super::sessions::commitment_in_room(tx, actor.room_id, commitment_id)?;
            if commitment.member_id != actor.member_id {
                return Err(AppError::Forbidden("a member asks questions about their own commitments only"));
            }
            // Asked of the host during the session; afterwards nobody is there to answer.
            if matches!(session.phase_at(tx.now), SharedPhase::Over { .. }) {
                return Err(AppError::WrongState("the session is over; questions are asked while it runs"));
            }
            let (all, open, mine): (u32, u32, u32) = tx.query_row(
                "SELECT COUNT(*), COUNT(*) FILTER (WHERE answered_at IS NULL),
                        COUNT(*) FILTER (WHERE answered_at IS NULL AND member_id = ?2)
                 FROM questions WHERE session_id = ?1",
                params![session.id.to_string(), actor.member_id.to_string()],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )?;
            if mine >= OPEN_PER_MEMBER {
                return Err(AppError::WrongState(
                    "a member has at most 20 open questions in a session; ask again once the host answered one",
                ));
            }
            if open >= OPEN_PER_SESSION {
                return Err(AppError::WrongState(
                    "the session has 200 open questions, the most it holds; ask again once the host answered some",
                ));
            }
            if all >= PER_SESSION {
                return Err(AppError::WrongState("a session holds at most 1000 questions"));
            }
            let question = Question {
                id: Uuid::now_v7(),
                session_id: session.id,
                member_id: actor.member_id,
                commitment_id,
                text,
                asked_at: tx.now,
                answered_at: None,
            };
            tx.execute(
                "INSERT INTO questions (id, session_id, commitment_id, member_id, text, asked_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![
                    question.id.to_string(),
                    question.session_id.to_string(),
                    commitment_id.to_string(),
                    actor.member_id.to_string(),
                    question.text,
                    ts(tx.now)
                ],
            )?;
            tx.emit(actor.room_id, RoomChange::QuestionAsked { question: question.clone() })?;
            Ok(question)
        })
    }

    /// The host marks a question answered, also after the session. Marking it again changes
    /// nothing and emits nothing: the answer keeps the first `answeredAt`.
    pub fn mark_answered(
        &self,
        code: &str,
        token: &str,
        question_id: Uuid,
        idem: Option<&Idempotency>,
        now: DateTime<Utc>,
    ) -> Result<Question> {
        self.write(Some((code, token)), idem, now, |tx, actor| {
            let actor = actor.expect("authenticated");
            actor.require_host()?;
            question_in_room(tx, actor.room_id, question_id)?;
            let marked = tx.execute(
                "UPDATE questions SET answered_at = ?1 WHERE id = ?2 AND answered_at IS NULL",
                params![ts(tx.now), question_id.to_string()],
            )?;
            let question = question_in_room(tx, actor.room_id, question_id)?;
            if marked > 0 {
                tx.emit(actor.room_id, RoomChange::QuestionAnswered { question: question.clone() })?;
            }
            Ok(question)
        })
    }
}

const QUESTION_COLUMNS: &str = "q.id, q.session_id, q.member_id, q.commitment_id, q.text, q.asked_at, q.answered_at";

fn question_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Question> {
    Ok(Question {
        id: parse_uuid(&r.get::<_, String>(0)?)?,
        session_id: parse_uuid(&r.get::<_, String>(1)?)?,
        member_id: parse_uuid(&r.get::<_, String>(2)?)?,
        commitment_id: parse_uuid(&r.get::<_, String>(3)?)?,
        text: r.get(4)?,
        asked_at: parse_ts(&r.get::<_, String>(5)?)?,
        answered_at: r.get::<_, Option<String>>(6)?.as_deref().map(parse_ts).transpose()?,
    })
}

/// A question of a session of this room; not found otherwise.
fn question_in_room(conn: &Connection, room_id: i64, id: Uuid) -> Result<Question> {
    let sql = format!(
        "SELECT {QUESTION_COLUMNS} FROM questions q JOIN sessions s ON s.id = q.session_id WHERE q.id = ?1 AND s.room_id = ?2"
    );
    conn.query_row(&sql, params![id.to_string(), room_id], question_row)
        .optional()?
        .ok_or(AppError::NotFound("question"))
}

/// The session's questions in the order they came (rowids grow with each insert, and
/// inserts are serialized by the write lock; `asked_at` could tie or, with a clock set
/// back, run backwards).
pub(super) fn of_session(conn: &Connection, session_id: Uuid) -> Result<Vec<Question>> {
    let sql = format!("SELECT {QUESTION_COLUMNS} FROM questions q WHERE q.session_id = ?1 ORDER BY q.rowid");
    Ok(conn
        .prepare_cached(&sql)?
        .query_map([session_id.to_string()], question_row)?
        .collect::<rusqlite::Result<_>>()?)
}
