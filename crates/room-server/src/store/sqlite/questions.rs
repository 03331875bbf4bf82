//! Questions members ask the host about their own commitments.

use super::{QuestionCounts, parse_ts, parse_uuid, ts};
use rusqlite::{Connection, OptionalExtension, Result, params};
use uuid::Uuid;
use worktogether_room_protocol::Question;

pub(super) fn count(conn: &Connection, session_id: Uuid, member_id: Uuid) -> Result<QuestionCounts> {
    conn.query_row(
        "SELECT COUNT(*), COUNT(*) FILTER (WHERE answered_at IS NULL),
                COUNT(*) FILTER (WHERE answered_at IS NULL AND member_id = ?2)
         FROM questions WHERE session_id = ?1",
        params![session_id.to_string(), member_id.to_string()],
        |r| Ok(QuestionCounts { all: r.get(0)?, open: r.get(1)?, open_of_member: r.get(2)? }),
    )
}

pub(super) fn insert(conn: &Connection, q: &Question) -> Result<()> {
    conn.execute(
        "INSERT INTO questions (id, session_id, commitment_id, member_id, text, asked_at, answered_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![
            q.id.to_string(),
            q.session_id.to_string(),
            q.commitment_id.to_string(),
            q.member_id.to_string(),
            q.text,
            ts(q.asked_at),
            q.answered_at.map(ts)
        ],
    )?;
    Ok(())
}

const QUESTION_COLUMNS: &str = "q.id, q.session_id, q.member_id, q.commitment_id, q.text, q.asked_at, q.answered_at";

fn question_row(r: &rusqlite::Row<'_>) -> Result<Question> {
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

/// A question of a session of this room.
pub(super) fn in_room(conn: &Connection, room_id: i64, id: Uuid) -> Result<Option<Question>> {
    let sql = format!(
        "SELECT {QUESTION_COLUMNS} FROM questions q JOIN sessions s ON s.id = q.session_id WHERE q.id = ?1 AND s.room_id = ?2"
    );
    conn.query_row(&sql, params![id.to_string(), room_id], question_row).optional()
}

/// The session's questions in the order they came (rowids grow with each insert, and
/// inserts are serialized by the write lock; `asked_at` could tie or, with a clock set
/// back, run backwards).
pub(super) fn of_session(conn: &Connection, session_id: Uuid) -> Result<Vec<Question>> {
    let sql = format!("SELECT {QUESTION_COLUMNS} FROM questions q WHERE q.session_id = ?1 ORDER BY q.rowid");
    conn.prepare_cached(&sql)?.query_map([session_id.to_string()], question_row)?.collect()
}
