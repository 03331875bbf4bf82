//! A room's schedule, kept in the host's order.

use super::parse_uuid;
use chrono::NaiveDateTime;
use rusqlite::{Connection, Result, params};
use worktogether_room_protocol::ScheduleEntry;

/// Local wall-clock times, in the entry's zone.
const LOCAL_FORMAT: &str = "%Y-%m-%dT%H:%M:%S";

pub(super) fn replace(conn: &Connection, room_id: i64, entries: &[ScheduleEntry]) -> Result<()> {
    conn.execute("DELETE FROM schedule_entries WHERE room_id = ?1", [room_id])?;
    for (position, e) in entries.iter().enumerate() {
        conn.execute(
            "INSERT INTO schedule_entries (id, room_id, position, title, starts_at, time_zone, duration_minutes, rrule)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![
                e.id.to_string(),
                room_id,
                position as i64,
                e.title,
                e.starts_at.format(LOCAL_FORMAT).to_string(),
                e.time_zone,
                e.duration_minutes,
                e.rrule
            ],
        )?;
    }
    Ok(())
}

pub(super) fn entries(conn: &Connection, room_id: i64) -> Result<Vec<ScheduleEntry>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, title, starts_at, time_zone, duration_minutes, rrule FROM schedule_entries
         WHERE room_id = ?1 ORDER BY position",
    )?;
    let rows = stmt.query_map([room_id], |r| {
        Ok(ScheduleEntry {
            id: parse_uuid(&r.get::<_, String>(0)?)?,
            title: r.get(1)?,
            starts_at: NaiveDateTime::parse_from_str(&r.get::<_, String>(2)?, LOCAL_FORMAT)
                .map_err(super::conversion)?,
            time_zone: r.get(3)?,
            duration_minutes: r.get(4)?,
            rrule: r.get(5)?,
        })
    })?;
    rows.collect()
}
