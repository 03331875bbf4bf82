//! The room's schedule: the host replaces it as a whole, members read it.

use super::{Idempotency, Store, parse_uuid};
use crate::error::Result;
use chrono::{DateTime, NaiveDateTime, Utc};
use rusqlite::params;
use uuid::Uuid;
use worktogether_room_protocol::{RoomChange, ScheduleEntry, ScheduleEntryDraft};

const LOCAL_FORMAT: &str = "%Y-%m-%dT%H:%M:%S";

impl Store {
    /// The host replaces the schedule with `entries` (validated).
    pub fn put_schedule(
        &self,
        code: &str,
        token: &str,
        entries: Vec<ScheduleEntryDraft>,
        idem: Option<&Idempotency>,
        now: DateTime<Utc>,
    ) -> Result<Vec<ScheduleEntry>> {
        self.write(Some((code, token)), idem, now, |tx, actor| {
            let actor = actor.expect("authenticated");
            actor.require_host()?;
            tx.execute("DELETE FROM schedule_entries WHERE room_id = ?1", [actor.room_id])?;
            let mut stored = Vec::with_capacity(entries.len());
            for (position, e) in entries.into_iter().enumerate() {
                let entry = ScheduleEntry {
                    id: Uuid::now_v7(),
                    title: e.title,
                    starts_at: e.starts_at,
                    time_zone: e.time_zone,
                    duration_minutes: e.duration_minutes,
                    rrule: e.rrule,
                };
                tx.execute(
                    "INSERT INTO schedule_entries (id, room_id, position, title, starts_at, time_zone, duration_minutes, rrule)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                    params![
                        entry.id.to_string(),
                        actor.room_id,
                        position as i64,
                        entry.title,
                        entry.starts_at.format(LOCAL_FORMAT).to_string(),
                        entry.time_zone,
                        entry.duration_minutes,
                        entry.rrule
                    ],
                )?;
                stored.push(entry);
            }
            tx.emit(actor.room_id, RoomChange::ScheduleChanged { entries: stored.clone() })?;
            Ok(stored)
        })
    }

    pub fn schedule(&self, code: &str, token: &str) -> Result<Vec<ScheduleEntry>> {
        self.read(code, token, |conn, actor| {
            let mut stmt = conn.prepare_cached(
                "SELECT id, title, starts_at, time_zone, duration_minutes, rrule FROM schedule_entries
                 WHERE room_id = ?1 ORDER BY position",
            )?;
            let rows = stmt.query_map([actor.room_id], |r| {
                let starts_at: String = r.get(2)?;
                Ok(ScheduleEntry {
                    id: parse_uuid(&r.get::<_, String>(0)?)?,
                    title: r.get(1)?,
                    starts_at: NaiveDateTime::parse_from_str(&starts_at, LOCAL_FORMAT).map_err(|e| {
                        rusqlite::Error::FromSqlConversionFailure(2, rusqlite::types::Type::Text, Box::new(e))
                    })?,
                    time_zone: r.get(3)?,
                    duration_minutes: r.get(4)?,
                    rrule: r.get(5)?,
                })
            })?;
            Ok(rows.collect::<rusqlite::Result<_>>()?)
        })
    }
}
