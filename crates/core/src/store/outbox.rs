//! Rooms, locally: the memberships this person holds, the room state last seen (so the app
//! shows rooms offline) and the outbox. Every write to a room is first stored here with its
//! idempotency key, then sent in order by the sync crate; a write leaves the outbox only
//! when the server acknowledged it (or refused it for good), so nothing is lost offline.

use super::{Store, parse_ts, parse_uuid, ts};
use crate::Timestamp;
use crate::error::Result;
pub use crate::room_write::RoomWrite;
use rusqlite::{OptionalExtension, params};
use uuid::Uuid;

/// A membership in a room on a server. Its token is not here: it lives in the system's
/// secret store (the shell's business), never in this file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoomMembership {
    /// The member id the server gave.
    pub id: Uuid,
    pub server: String,
    pub room_code: String,
    pub display_name: String,
    pub joined_at: Timestamp,
}

/// The room state last seen, as the server sent it (JSON), and the last event applied to it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CachedRoom {
    pub state: String,
    pub last_event_id: u64,
    pub seen_at: Timestamp,
}

/// A write waiting in the outbox.
#[derive(Debug, Clone, PartialEq)]
pub struct PendingWrite {
    pub seq: i64,
    pub membership_id: Uuid,
    pub write: RoomWrite,
    pub idempotency_key: String,
    pub created_at: Timestamp,
    pub attempts: u32,
    pub next_attempt_at: Timestamp,
    pub last_error: Option<String>,
}

const MEMBERSHIP_COLUMNS: &str = "id, server, room_code, display_name, joined_at";
const WRITE_COLUMNS: &str =
    "seq, membership_id, intent, idempotency_key, created_at, attempts, next_attempt_at, last_error";

fn membership_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<RoomMembership> {
    Ok(RoomMembership {
        id: parse_uuid(&r.get::<_, String>(0)?)?,
        server: r.get(1)?,
        room_code: r.get(2)?,
        display_name: r.get(3)?,
        joined_at: parse_ts(&r.get::<_, String>(4)?)?,
    })
}

fn write_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<PendingWrite> {
    let intent: String = r.get(2)?;
    Ok(PendingWrite {
        seq: r.get(0)?,
        membership_id: parse_uuid(&r.get::<_, String>(1)?)?,
        write: serde_json::from_str(&intent).map_err(|_| super::corrupt("room write", &intent))?,
        idempotency_key: r.get(3)?,
        created_at: parse_ts(&r.get::<_, String>(4)?)?,
        attempts: r.get(5)?,
        next_attempt_at: parse_ts(&r.get::<_, String>(6)?)?,
        last_error: r.get(7)?,
    })
}

impl Store {
    /// Saves a membership (after creating or joining a room), or updates it.
    pub fn save_room_membership(&self, m: &RoomMembership) -> Result<()> {
        self.conn.execute(
            "INSERT INTO room_memberships (id, server, room_code, display_name, joined_at)
             VALUES (?1, ?2, ?3, ?4, ?5)
             ON CONFLICT (id) DO UPDATE SET server = excluded.server, room_code = excluded.room_code,
                 display_name = excluded.display_name",
            params![m.id.to_string(), m.server, m.room_code, m.display_name, ts(m.joined_at)],
        )?;
        Ok(())
    }

    /// Whether the room's video-call link opens in the browser when the person joins a session.
    pub fn set_open_link_at_start(&self, membership: Uuid, open: bool) -> Result<()> {
        self.conn.execute(
            "UPDATE room_memberships SET open_link_at_start = ?2 WHERE id = ?1",
            params![membership.to_string(), open],
        )?;
        Ok(())
    }

    pub fn open_link_at_start(&self, membership: Uuid) -> Result<bool> {
        Ok(self
            .conn
            .query_row("SELECT open_link_at_start FROM room_memberships WHERE id = ?1", [membership.to_string()], |r| {
                r.get(0)
            })
            .optional()?
            .unwrap_or(false))
    }

    /// Tokens an older version kept in this file, to be moved into the secret store.
    pub fn room_tokens_to_move(&self) -> Result<Vec<(Uuid, String)>> {
        let mut stmt =
            self.conn.prepare("SELECT id, token_to_move FROM room_memberships WHERE token_to_move IS NOT NULL")?;
        let rows = stmt.query_map([], |r| Ok((parse_uuid(&r.get::<_, String>(0)?)?, r.get(1)?)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The token is safe in the secret store: it leaves this file, and its bytes are
    /// overwritten on disk rather than left in a free page.
    pub fn room_token_moved(&self, membership: Uuid) -> Result<()> {
        self.conn.pragma_update(None, "secure_delete", "ON")?;
        let cleared = self
            .conn
            .execute("UPDATE room_memberships SET token_to_move = NULL WHERE id = ?1", [membership.to_string()]);
        self.conn.pragma_update(None, "secure_delete", "OFF")?;
        cleared?;
        // The page that held it may also be in the write-ahead log: fold that into the file.
        self.conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
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
        write: &RoomWrite,
        idempotency_key: &str,
        now: Timestamp,
    ) -> Result<i64> {
        let intent = serde_json::to_string(write).expect("room writes serialize");
        self.conn.execute(
            "INSERT INTO room_outbox (membership_id, intent, idempotency_key, created_at, next_attempt_at)
             VALUES (?1, ?2, ?3, ?4, ?4)",
            params![membership.to_string(), intent, idempotency_key, ts(now)],
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
    use worktogether_room_protocol::{Outcome, Presence, ReportOutcome};

    fn t(secs: i64) -> Timestamp {
        Utc.with_ymd_and_hms(2026, 11, 25, 9, 0, 0).unwrap() + Duration::seconds(secs)
    }

    fn membership() -> RoomMembership {
        RoomMembership {
            id: Uuid::now_v7(),
            server: "https://rooms.example.org/".into(),
            room_code: "ABCDE-FGHJK".into(),
            display_name: "Ada".into(),
            joined_at: t(0),
        }
    }

    fn kudos() -> RoomWrite {
        RoomWrite::Kudos { commitment: Uuid::now_v7() }
    }

    #[test]
    fn writes_leave_the_outbox_in_order_and_only_when_acknowledged() {
        let store = Store::open_in_memory().unwrap();
        let m = membership();
        store.save_room_membership(&m).unwrap();
        assert_eq!(store.room_memberships().unwrap(), vec![m.clone()]);
        let first = RoomWrite::Presence { presence: Presence::Focusing };
        let a = store.enqueue_room_write(m.id, &first, "k1", t(1)).unwrap();
        let b = store.enqueue_room_write(m.id, &kudos(), "k2", t(2)).unwrap();
        let head = store.next_room_write(m.id).unwrap().unwrap();
        assert_eq!((head.seq, &head.write), (a, &first), "the intent comes back as it went in");
        store.room_write_retry(a, "offline", t(60)).unwrap();
        let head = store.next_room_write(m.id).unwrap().unwrap();
        assert_eq!((head.seq, head.attempts, head.next_attempt_at), (a, 1, t(60)), "a retried write stays first");
        store.room_write_sent(a).unwrap();
        assert_eq!(store.next_room_write(m.id).unwrap().unwrap().seq, b);
        store.room_write_refused(b, "forbidden", t(3)).unwrap();
        assert_eq!(store.next_room_write(m.id).unwrap(), None);
        assert_eq!(store.pending_room_writes(m.id).unwrap(), 0);
        assert_eq!(store.refused_room_writes(m.id).unwrap()[0].last_error.as_deref(), Some("forbidden"));
        assert!(store.enqueue_room_write(m.id, &kudos(), "k2", t(4)).is_err(), "an idempotency key is used once");
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
        store.enqueue_room_write(m.id, &kudos(), "k", t(7)).unwrap();
        store.forget_room_membership(m.id).unwrap();
        assert!(store.room_memberships().unwrap().is_empty());
        assert_eq!(store.next_room_write(m.id).unwrap(), None, "unsent writes go with the membership");
    }

    /// A database from before the secret store and typed intents: the token waits to be
    /// moved, each write the old sync crate made becomes its intent, and anything else is
    /// kept as refused rather than sent or lost.
    #[test]
    fn version_2_rooms_move_to_intents_and_tokens_to_move() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("old.sqlite3");
        let mut conn = rusqlite::Connection::open(&path).unwrap();
        conn.pragma_update(None, "foreign_keys", "ON").unwrap();
        super::super::migrations::migrations().to_version(&mut conn, 2).unwrap();
        let (member, session, commitment) = (Uuid::now_v7(), Uuid::now_v7(), Uuid::now_v7());
        conn.execute(
            "INSERT INTO room_memberships (id, server, room_code, display_name, token, joined_at, state, last_event_id,
                 state_seen_at) VALUES (?1, 'http://r/', 'ABCDE-FGHJK', 'Ada', 'id.secret', ?2, '{}', 7, ?2)",
            params![member.to_string(), ts(t(0))],
        )
        .unwrap();
        let writes = [
            ("PUT", "/presence".to_owned(), Some(r#"{"presence":"break"}"#)),
            ("POST", format!("/sessions/{session}/commitments"), Some(r#"{"text":"Steuer"}"#)),
            ("PUT", format!("/commitments/{commitment}/outcome"), Some(r#"{"outcome":"partly","note":"x"}"#)),
            ("POST", format!("/commitments/{commitment}/kudos"), None),
            ("PATCH", String::new(), Some(r#"{"name":"?"}"#)),
        ];
        for (i, (method, path, body)) in writes.iter().enumerate() {
            conn.execute(
                "INSERT INTO room_outbox (membership_id, method, path, body, idempotency_key, created_at, next_attempt_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6)",
                params![member.to_string(), method, path, body, format!("k{i}"), ts(t(i as i64))],
            )
            .unwrap();
        }
        drop(conn);

        let store = Store::open(&path).unwrap();
        assert_eq!(store.room_tokens_to_move().unwrap(), vec![(member, "id.secret".to_owned())]);
        assert_eq!(store.cached_room_state(member).unwrap().unwrap().last_event_id, 7, "the cached room stays");
        let mut sent = Vec::new();
        while let Some(w) = store.next_room_write(member).unwrap() {
            sent.push(w.write);
            store.room_write_sent(w.seq).unwrap();
        }
        let report = ReportOutcome { outcome: Outcome::Partly, note: Some("x".into()), feedback_wanted: false };
        assert_eq!(
            sent,
            vec![
                RoomWrite::Presence { presence: Presence::Break },
                RoomWrite::PublishCommitment { session, text: "Steuer".into(), local: None },
                RoomWrite::ReportOutcome { commitment, report },
                RoomWrite::Kudos { commitment },
            ]
        );
        let refused = store.refused_room_writes(member).unwrap();
        assert_eq!((refused.len(), &refused[0].write), (1, &RoomWrite::Unknown));

        store.room_token_moved(member).unwrap();
        assert!(store.room_tokens_to_move().unwrap().is_empty());
        drop(store);
        let bytes = std::fs::read(&path).unwrap();
        assert!(!bytes.windows(9).any(|w| w == b"id.secret"), "the token's bytes are gone from the file");
    }
}
