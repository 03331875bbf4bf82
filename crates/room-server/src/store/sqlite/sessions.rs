//! Shared sessions, the commitments members publish to them (or post ahead of the next one)
//! and kudos.

use super::{enum_text, parse_enum, parse_ts, parse_uuid, ts};
use rusqlite::{Connection, OptionalExtension, Result, params};
use uuid::Uuid;
use worktogether_room_protocol::{AheadCommitment, RoomCommitment, SharedSession};

const SESSION_COLUMNS: &str = "id, template_name, phases, started_at, anchor_index, anchor_at, paused_at, ended_at";

fn session_row(r: &rusqlite::Row<'_>) -> Result<SharedSession> {
    let opt_ts = |s: Option<String>| s.as_deref().map(parse_ts).transpose();
    Ok(SharedSession {
        id: parse_uuid(&r.get::<_, String>(0)?)?,
        template_name: r.get(1)?,
        phases: serde_json::from_str(&r.get::<_, String>(2)?).map_err(super::conversion)?,
        started_at: parse_ts(&r.get::<_, String>(3)?)?,
        anchor_index: r.get(4)?,
        anchor_at: parse_ts(&r.get::<_, String>(5)?)?,
        paused_at: opt_ts(r.get(6)?)?,
        ended_at: opt_ts(r.get(7)?)?,
    })
}

pub(super) fn latest(conn: &Connection, room_id: i64) -> Result<Option<SharedSession>> {
    let sql =
        format!("SELECT {SESSION_COLUMNS} FROM sessions WHERE room_id = ?1 ORDER BY started_at DESC, id DESC LIMIT 1");
    conn.query_row(&sql, [room_id], session_row).optional()
}

pub(super) fn session(conn: &Connection, room_id: i64, id: Uuid) -> Result<Option<SharedSession>> {
    let sql = format!("SELECT {SESSION_COLUMNS} FROM sessions WHERE id = ?1 AND room_id = ?2");
    conn.query_row(&sql, params![id.to_string(), room_id], session_row).optional()
}

pub(super) fn list(conn: &Connection, room_id: i64, limit: u32) -> Result<Vec<SharedSession>> {
    let sql = format!("SELECT {SESSION_COLUMNS} FROM sessions WHERE room_id = ?1 ORDER BY started_at DESC LIMIT ?2");
    conn.prepare_cached(&sql)?.query_map(params![room_id, limit], session_row)?.collect()
}

pub(super) fn save(conn: &Connection, room_id: i64, s: &SharedSession) -> Result<()> {
    conn.execute(
        "INSERT INTO sessions (id, room_id, template_name, phases, started_at, anchor_index, anchor_at, paused_at, ended_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
         ON CONFLICT (id) DO UPDATE SET anchor_index = excluded.anchor_index, anchor_at = excluded.anchor_at,
             paused_at = excluded.paused_at, ended_at = excluded.ended_at",
        params![
            s.id.to_string(),
            room_id,
            s.template_name,
            serde_json::to_string(&s.phases).expect("phases serialize"),
            ts(s.started_at),
            s.anchor_index,
            ts(s.anchor_at),
            s.paused_at.map(ts),
            s.ended_at.map(ts)
        ],
    )?;
    Ok(())
}

const COMMITMENT_COLUMNS: &str = "c.id, c.session_id, c.member_id, c.text, c.outcome, c.note, c.feedback_wanted, c.created_at, c.afterwards, c.ahead";

fn commitment_row(r: &rusqlite::Row<'_>) -> Result<RoomCommitment> {
    Ok(RoomCommitment {
        id: parse_uuid(&r.get::<_, String>(0)?)?,
        session_id: parse_uuid(&r.get::<_, String>(1)?)?,
        member_id: parse_uuid(&r.get::<_, String>(2)?)?,
        text: r.get(3)?,
        outcome: parse_enum(&r.get::<_, String>(4)?)?,
        note: r.get(5)?,
        feedback_wanted: r.get(6)?,
        kudos: Vec::new(),
        created_at: parse_ts(&r.get::<_, String>(7)?)?,
        afterwards: r.get(8)?,
        ahead: r.get(9)?,
    })
}

fn with_kudos(conn: &Connection, mut c: RoomCommitment) -> Result<RoomCommitment> {
    let mut stmt =
        conn.prepare_cached("SELECT member_id FROM kudos WHERE commitment_id = ?1 ORDER BY given_at, member_id")?;
    c.kudos = stmt.query_map([c.id.to_string()], |r| parse_uuid(&r.get::<_, String>(0)?))?.collect::<Result<_>>()?;
    Ok(c)
}

pub(super) fn commitments(conn: &Connection, session_id: Uuid) -> Result<Vec<RoomCommitment>> {
    let sql =
        format!("SELECT {COMMITMENT_COLUMNS} FROM commitments c WHERE c.session_id = ?1 ORDER BY c.created_at, c.id");
    let list =
        conn.prepare_cached(&sql)?.query_map([session_id.to_string()], commitment_row)?.collect::<Result<Vec<_>>>()?;
    list.into_iter().map(|c| with_kudos(conn, c)).collect()
}

/// A commitment of a session of this room.
pub(super) fn commitment_in_room(conn: &Connection, room_id: i64, id: Uuid) -> Result<Option<RoomCommitment>> {
    let sql = format!(
        "SELECT {COMMITMENT_COLUMNS} FROM commitments c JOIN sessions s ON s.id = c.session_id
         WHERE c.id = ?1 AND s.room_id = ?2"
    );
    conn.query_row(&sql, params![id.to_string(), room_id], commitment_row)
        .optional()?
        .map(|c| with_kudos(conn, c))
        .transpose()
}

pub(super) fn save_commitment(conn: &Connection, c: &RoomCommitment) -> Result<()> {
    conn.execute(
        "INSERT INTO commitments (id, session_id, member_id, text, outcome, note, feedback_wanted, afterwards, ahead, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)
         ON CONFLICT (id) DO UPDATE SET outcome = excluded.outcome, note = excluded.note,
             feedback_wanted = excluded.feedback_wanted",
        params![
            c.id.to_string(),
            c.session_id.to_string(),
            c.member_id.to_string(),
            c.text,
            enum_text(&c.outcome),
            c.note,
            c.feedback_wanted,
            c.afterwards,
            c.ahead,
            ts(c.created_at)
        ],
    )?;
    Ok(())
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
    rows.collect()
}
