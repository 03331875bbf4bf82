//! Rooms, locally: the memberships this person holds, the room state last seen (so the app
//! shows rooms offline) and the outbox. Every write to a room is first stored here with its
//! idempotency key, then sent in order by the sync crate; a write leaves the outbox only
//! when the server acknowledged it (or refused it for good), so nothing is lost offline.

use super::{Store, parse_ts, parse_uuid, ts};
use crate::Timestamp;
use crate::error::Result;
use rusqlite::{OptionalExtension, params};
use uuid::Uuid;

/// A membership in a room on a server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoomMembership {
    /// The member id the server gave.
    pub id: Uuid,
    pub server: String,
    pub room_code: String,
    pub display_name: String,
    pub token: String,
    pub joined_at: Timestamp,
}

/// The room state last seen, as the server sent it (JSON), and the last event applied to it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CachedRoom {
    pub state: String,
    pub last_event_id: u64,
    pub seen_at: Timestamp,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WriteMethod {
    Post,
    Put,
    Patch,
    Delete,
}

impl WriteMethod {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Post => "POST",
            Self::Put => "PUT",
            Self::Patch => "PATCH",
            Self::Delete => "DELETE",
        }
    }

    fn parse(s: &str) -> rusqlite::Result<Self> {
        [Self::Post, Self::Put, Self::Patch, Self::Delete]
            .into_iter()
            .find(|m| m.as_str() == s)
            .ok_or_else(|| super::corrupt("write method", s))
    }
}

/// A write waiting in the outbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingWrite {
    pub seq: i64,
    pub membership_id: Uuid,
    pub method: WriteMethod,
    /// Below the room's path, e.g. `/sessions/{id}/commitments`.
    pub path: String,
    pub body: Option<String>,
    pub idempotency_key: String,
    pub created_at: Timestamp,
    pub attempts: u32,
    pub next_attempt_at: Timestamp,
    pub last_error: Option<String>,
}

const MEMBERSHIP_COLUMNS: &str = "id, server, room_code, display_name, token, joined_at";
const WRITE_COLUMNS: &str =
    "seq, membership_id, method, path, body, idempotency_key, created_at, attempts, next_attempt_at, last_error";

fn membership_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<RoomMembership> {
    Ok(RoomMembership {
        id: parse_uuid(&r.get::<_, String>(0)?)?,
        server: r.get(1)?,
        room_code: r.get(2)?,
        display_name: r.get(3)?,
        token: r.get(4)?,
        joined_at: parse_ts(&r.get::<_, String>(5)?)?,
    })
}

fn write_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<PendingWrite> {
    Ok(PendingWrite {
        seq: r.get(0)?,
        membership_id: parse_uuid(&r.get::<_, String>(1)?)?,
        method: WriteMethod::parse(&r.get::<_, String>(2)?)?,
        path: r.get(3)?,
        body: r.get(4)?,
        idempotency_key: r.get(5)?,
        created_at: parse_ts(&r.get::<_, String>(6)?)?,
        attempts: r.get(7)?,
        next_attempt_at: parse_ts(&r.get::<_, String>(8)?)?,
        last_error: r.get(9)?,
    })
}

impl Store {
    /// Saves a membership (after creating or joining a room), or updates it.
    pub fn save_room_membership(&self, m: &RoomMembership) -> Result<()> {
        self.conn.execute(
            "INSERT INTO room_memberships (id, server, room_code, display_name, token, joined_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)
             ON CONFLICT (id) DO UPDATE SET server = excluded.server, room_code = excluded.room_code,
                 display_name = excluded.display_name, token = excluded.token",
            params![m.id.to_string(), m.server, m.room_code, m.display_name, m.token, ts(m.joined_at)],
        )?;
        Ok(())
    }

    pub fn room_memberships(&self) -> Result<Vec<RoomMembership>> {
        let sql = format!("SELECT {MEMBERSHIP_COLUMNS} FROM room_memberships ORDER BY joined_at, id");
        let mut stmt = self.conn.prepare(&sql)?;
        Ok(stmt.query_map([], membership_row)?.collect::<rusqlite::Result<_>>()?)
    }

    /// Forgets a membership with its cached state and its unsent writes.
    pub fn forget_room_membership(&self, id: Uuid) -> Result<()> {
        self.conn.execute("DELETE FROM room_memberships WHERE id = ?1", [id.to_string()])?;
        Ok(())
    }

    /// Keeps the room state last seen. An older state (lower event id) never replaces a newer one.
    pub fn cache_room_state(&self, membership: Uuid, state: &str, last_event_id: u64, now: Timestamp) -> Result<()> {
        self.conn.execute(
            "UPDATE room_memberships SET state = ?1, last_event_id = ?2, state_seen_at = ?3
             WHERE id = ?4 AND (state IS NULL OR last_event_id <= ?2)",
            params![state, last_event_id as i64, ts(now), membership.to_string()],
        )?;
        Ok(())
    }

    pub fn cached_room_state(&self, membership: Uuid) -> Result<Option<CachedRoom>> {
        let row: Option<(Option<String>, i64, Option<String>)> = self
            .conn
            .query_row(
                "SELECT state, last_event_id, state_seen_at FROM room_memberships WHERE id = ?1",
                [membership.to_string()],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()?;
        Ok(match row {
            Some((Some(state), last_event_id, Some(seen_at))) => {
                Some(CachedRoom { state, last_event_id: last_event_id as u64, seen_at: parse_ts(&seen_at)? })
            }
            _ => None,
        })
    }

    /// Puts a write in the outbox, due at once. Returns its place in the order.
    pub fn enqueue_room_write(
        &self,
        membership: Uuid,
        method: WriteMethod,
        path: &str,
        body: Option<&str>,
        idempotency_key: &str,
        now: Timestamp,
    ) -> Result<i64> {
        self.conn.execute(
            "INSERT INTO room_outbox (membership_id, method, path, body, idempotency_key, created_at, next_attempt_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6)",
            params![membership.to_string(), method.as_str(), path, body, idempotency_key, ts(now)],
        )?;
        Ok(self.conn.last_insert_rowid())
    }

    /// The oldest write of `membership` still to send (writes go out in order, so a later
    /// one waits for it), whether or not it is due yet.
    pub fn next_room_write(&self, membership: Uuid) -> Result<Option<PendingWrite>> {
        let sql = format!(
            "SELECT {WRITE_COLUMNS} FROM room_outbox WHERE membership_id = ?1 AND refused_at IS NULL ORDER BY seq LIMIT 1"
        );
        Ok(self.conn.query_row(&sql, [membership.to_string()], write_row).optional()?)
    }

    /// How many writes of `membership` wait to be sent.
    pub fn pending_room_writes(&self, membership: Uuid) -> Result<u32> {
        Ok(self.conn.query_row(
            "SELECT COUNT(*) FROM room_outbox WHERE membership_id = ?1 AND refused_at IS NULL",
            [membership.to_string()],
            |r| r.get(0),
        )?)
    }

    /// The server acknowledged the write: it leaves the outbox.
    pub fn room_write_sent(&self, seq: i64) -> Result<()> {
        self.conn.execute("DELETE FROM room_outbox WHERE seq = ?1", [seq])?;
        Ok(())
    }

    /// Sending failed for a passing reason (offline, server busy): try again at `next_attempt_at`.
    pub fn room_write_retry(&self, seq: i64, error: &str, next_attempt_at: Timestamp) -> Result<()> {
        self.conn.execute(
            "UPDATE room_outbox SET attempts = attempts + 1, last_error = ?1, next_attempt_at = ?2 WHERE seq = ?3",
            params![error, ts(next_attempt_at), seq],
        )?;
        Ok(())
    }

    /// The server refused the write for good (its answer would be the same every time); it
    /// is kept, with why, for the app to show, and no longer holds up the writes after it.
    pub fn room_write_refused(&self, seq: i64, error: &str, now: Timestamp) -> Result<()> {
        self.conn.execute(
            "UPDATE room_outbox SET attempts = attempts + 1, last_error = ?1, refused_at = ?2 WHERE seq = ?3",
            params![error, ts(now), seq],
        )?;
        Ok(())
    }

    pub fn refused_room_writes(&self, membership: Uuid) -> Result<Vec<PendingWrite>> {
        let sql = format!(
            "SELECT {WRITE_COLUMNS} FROM room_outbox WHERE membership_id = ?1 AND refused_at IS NOT NULL ORDER BY seq"
        );
        let mut stmt = self.conn.prepare(&sql)?;
        Ok(stmt.query_map([membership.to_string()], write_row)?.collect::<rusqlite::Result<_>>()?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{Duration, TimeZone, Utc};

    fn t(secs: i64) -> Timestamp {
        Utc.with_ymd_and_hms(2026, 11, 25, 9, 0, 0).unwrap() + Duration::seconds(secs)
    }

    fn membership() -> RoomMembership {
        RoomMembership {
            id: Uuid::now_v7(),
            server: "https://rooms.example.org/".into(),
            room_code: "ABCDE-FGHJK".into(),
            display_name: "Ada".into(),
            token: "id.secret".into(),
            joined_at: t(0),
        }
    }

    #[test]
    fn writes_leave_the_outbox_in_order_and_only_when_acknowledged() {
        let store = Store::open_in_memory().unwrap();
        let m = membership();
        store.save_room_membership(&m).unwrap();
        assert_eq!(store.room_memberships().unwrap(), vec![m.clone()]);
        let a = store.enqueue_room_write(m.id, WriteMethod::Post, "/a", Some("{}"), "k1", t(1)).unwrap();
        let b = store.enqueue_room_write(m.id, WriteMethod::Put, "/b", None, "k2", t(2)).unwrap();
        assert_eq!(store.next_room_write(m.id).unwrap().unwrap().seq, a);
        store.room_write_retry(a, "offline", t(60)).unwrap();
        let head = store.next_room_write(m.id).unwrap().unwrap();
        assert_eq!((head.seq, head.attempts, head.next_attempt_at), (a, 1, t(60)), "a retried write stays first");
        store.room_write_sent(a).unwrap();
        assert_eq!(store.next_room_write(m.id).unwrap().unwrap().seq, b);
        store.room_write_refused(b, "forbidden", t(3)).unwrap();
        assert_eq!(store.next_room_write(m.id).unwrap(), None);
        assert_eq!(store.pending_room_writes(m.id).unwrap(), 0);
        assert_eq!(store.refused_room_writes(m.id).unwrap()[0].last_error.as_deref(), Some("forbidden"));
        assert!(
            store.enqueue_room_write(m.id, WriteMethod::Post, "/c", None, "k2", t(4)).is_err(),
            "an idempotency key is used once"
        );
    }

    #[test]
    fn the_cached_state_only_moves_forward_and_goes_with_the_membership() {
        let store = Store::open_in_memory().unwrap();
        let m = membership();
        store.save_room_membership(&m).unwrap();
        assert_eq!(store.cached_room_state(m.id).unwrap(), None);
        store.cache_room_state(m.id, "{\"v\":2}", 20, t(5)).unwrap();
        store.cache_room_state(m.id, "{\"v\":1}", 10, t(6)).unwrap();
        let cached = store.cached_room_state(m.id).unwrap().unwrap();
        assert_eq!((cached.state.as_str(), cached.last_event_id), ("{\"v\":2}", 20));
        store.enqueue_room_write(m.id, WriteMethod::Post, "/a", None, "k", t(7)).unwrap();
        store.forget_room_membership(m.id).unwrap();
        assert!(store.room_memberships().unwrap().is_empty());
        assert_eq!(store.next_room_write(m.id).unwrap(), None, "unsent writes go with the membership");
    }
}
