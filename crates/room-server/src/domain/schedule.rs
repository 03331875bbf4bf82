//! The room's schedule: the host replaces it as a whole, members read it.

use super::{Idempotency, Rooms, begin};
use crate::error::Result;
use chrono::{DateTime, Timelike, Utc};
use uuid::Uuid;
use worktogether_room_protocol::{RoomChange, ScheduleEntry, ScheduleEntryDraft};

impl Rooms {
    /// The host replaces the schedule with `entries` (validated).
    pub async fn put_schedule(
        &self,
        code: &str,
        token: &str,
        entries: Vec<ScheduleEntryDraft>,
        idem: Option<&Idempotency>,
        now: DateTime<Utc>,
    ) -> Result<Vec<ScheduleEntry>> {
        let mut w = begin!(self, Some((code, token)), idem, now);
        let actor = w.actor();
        actor.require_host()?;
        let entries: Vec<ScheduleEntry> = entries
            .into_iter()
            .map(|e| ScheduleEntry {
                id: Uuid::now_v7(),
                title: e.title,
                // Stored to the second, as the rule's times are.
                starts_at: e.starts_at.with_nanosecond(0).unwrap_or(e.starts_at),
                time_zone: e.time_zone,
                duration_minutes: e.duration_minutes,
                rrule: e.rrule,
            })
            .collect();
        w.replace_schedule(actor.room_id, &entries).await?;
        w.emit(actor.room_id, RoomChange::ScheduleChanged { entries: entries.clone() }).await?;
        w.finish(entries).await
    }

    pub async fn schedule(&self, code: &str, token: &str) -> Result<Vec<ScheduleEntry>> {
        let (mut tx, actor) = self.read_as(code, token).await?;
        tx.schedule(actor.room_id).await
    }
}
