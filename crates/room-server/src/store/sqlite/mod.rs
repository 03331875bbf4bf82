//! The embedded store: one SQLite file in WAL mode with `synchronous = FULL`, so a write is on
//! disk before it is acknowledged and `kill -9` loses nothing a client was told is saved. One
//! connection writes (one transaction at a time, which also holds every room: `hold_room` has
//! nothing to add), another reads. SQLite's calls block, so they run in `block_in_place`, off
//! the async workers' other tasks.

mod migrations;
mod questions;
mod rooms;
mod schedule;
mod sessions;

use super::{Credentials, QuestionCounts, Repository, StoredAnswer, Tx, enum_text};
use crate::error::{AppError, Result};
use crate::hub::Hub;
use async_trait::async_trait;
use chrono::{DateTime, SecondsFormat, Utc};
use rusqlite::{Connection, OptionalExtension, params};
use serde::de::DeserializeOwned;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{Mutex, OwnedMutexGuard};
use uuid::Uuid;
use worktogether_room_protocol::{
    AheadCommitment, Member, Presence, Question, Room, RoomChange, RoomCommitment, RoomEvent, ScheduleEntry,
    SharedSession,
};

pub struct SqliteStore {
    writer: Arc<Mutex<Connection>>,
    reader: Arc<Mutex<Connection>>,
    hub: Arc<Hub>,
}

impl SqliteStore {
    pub fn open(path: &Path, hub: Arc<Hub>) -> Result<Self> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)
                .map_err(|e| AppError::StoreBroken(format!("cannot create {}: {e}", dir.display())))?;
        }
        let mut writer = Connection::open(path)?;
        configure(&writer)?;
        migrations::migrations().to_latest(&mut writer).map_err(|e| AppError::StoreBroken(e.to_string()))?;
        let reader = Connection::open(path)?;
        configure(&reader)?;
        Ok(Self { writer: Arc::new(Mutex::new(writer)), reader: Arc::new(Mutex::new(reader)), hub })
    }

    async fn begin(&self, conn: &Arc<Mutex<Connection>>, begin: &str) -> Result<Box<dyn Tx>> {
        let conn = conn.clone().lock_owned().await;
        blocking(|| {
            // A transaction whose rollback failed when it was dropped: ended now.
            if !conn.is_autocommit() {
                conn.execute_batch("ROLLBACK")?;
            }
            conn.execute_batch(begin)
        })?;
        Ok(Box::new(SqliteTx { conn, open: true, hub: self.hub.clone(), events: Vec::new(), deleted: Vec::new() }))
    }
}

#[async_trait]
impl Repository for SqliteStore {
    async fn write(&self) -> Result<Box<dyn Tx>> {
        self.begin(&self.writer, "BEGIN IMMEDIATE").await
    }

    async fn read(&self) -> Result<Box<dyn Tx>> {
        self.begin(&self.reader, "BEGIN").await
    }
}

/// A transaction on one of the store's connections, which it holds until it ends.
struct SqliteTx {
    conn: OwnedMutexGuard<Connection>,
    /// Not yet committed: dropped, it rolls back.
    open: bool,
    hub: Arc<Hub>,
    events: Vec<(i64, RoomEvent)>,
    deleted: Vec<i64>,
}

impl SqliteTx {
    fn run<T>(&mut self, f: impl FnOnce(&Connection) -> rusqlite::Result<T>) -> Result<T> {
        let conn = &*self.conn;
        Ok(blocking(|| f(conn))?)
    }

    fn try_run<T>(&mut self, f: impl FnOnce(&Connection) -> Result<T>) -> Result<T> {
        let conn = &*self.conn;
        blocking(|| f(conn))
    }
}

impl Drop for SqliteTx {
    fn drop(&mut self) {
        if self.open
            // Nothing was written for good: quick, no sync to disk.
            && let Err(e) = self.conn.execute_batch("ROLLBACK")
        {
            tracing::warn!(error = %e, "could not roll back; the next transaction will");
        }
    }
}

#[async_trait]
impl Tx for SqliteTx {
    // One writer at a time holds every room and every answer already.
    async fn hold_room(&mut self, room: i64) -> Result<bool> {
        self.run(|c| c.query_row("SELECT EXISTS (SELECT 1 FROM rooms WHERE id = ?1)", [room], |r| r.get(0)))
    }

    async fn hold_answer(&mut self, _key_hash: &[u8; 32]) -> Result<()> {
        Ok(())
    }

    async fn commit(mut self: Box<Self>) -> Result<()> {
        self.run(|c| c.execute_batch("COMMIT"))?;
        self.open = false;
        // Still holding the writer: streams receive events in id order.
        let mut by_room: Vec<(i64, Vec<RoomEvent>)> = Vec::new();
        for (room, e) in std::mem::take(&mut self.events) {
            match by_room.iter_mut().find(|(r, _)| *r == room) {
                Some((_, list)) => list.push(e),
                None => by_room.push((room, vec![e])),
            }
        }
        for (room, list) in by_room {
            self.hub.publish(room, list);
        }
        for &room in &self.deleted {
            self.hub.close(room);
        }
        Ok(())
    }

    async fn code_taken(&mut self, code: &str) -> Result<bool> {
        self.run(|c| rooms::code_taken(c, code))
    }

    async fn insert_room(&mut self, room: &Room) -> Result<i64> {
        self.run(|c| rooms::insert(c, room))
    }

    async fn room(&mut self, room: i64) -> Result<Room> {
        self.run(|c| rooms::room(c, room))
    }

    async fn room_by_code(&mut self, code: &str) -> Result<Option<i64>> {
        self.run(|c| c.query_row("SELECT id FROM rooms WHERE code = ?1", [code], |r| r.get(0)).optional())
    }

    async fn is_former_code(&mut self, room: i64, code: &str) -> Result<bool> {
        self.run(|c| {
            c.query_row(
                "SELECT EXISTS (SELECT 1 FROM former_codes WHERE code = ?1 AND room_id = ?2)",
                params![code, room],
                |r| r.get(0),
            )
        })
    }

    async fn update_room(&mut self, room: i64, value: &Room) -> Result<()> {
        self.run(|c| rooms::update(c, room, value))
    }

    async fn delete_room(&mut self, room: i64, now: DateTime<Utc>) -> Result<()> {
        self.run(|c| rooms::delete_where(c, "r.id = ?1", room, now))?;
        self.deleted.push(room);
        Ok(())
    }

    async fn delete_inactive_rooms(&mut self, before: DateTime<Utc>, now: DateTime<Utc>) -> Result<Vec<i64>> {
        let rooms = self.run(|c| rooms::delete_where(c, "r.last_activity_at < ?1", ts(before), now))?;
        self.deleted.extend(&rooms);
        Ok(rooms)
    }

    async fn credentials(&mut self, member: Uuid) -> Result<Option<Credentials>> {
        self.run(|c| rooms::credentials(c, member))
    }

    async fn insert_member(&mut self, room: i64, member: &Member, token_hash: &[u8]) -> Result<()> {
        self.run(|c| rooms::insert_member(c, room, member, token_hash))
    }

    async fn member(&mut self, member: Uuid) -> Result<Option<Member>> {
        self.run(|c| rooms::member(c, member))
    }

    async fn room_of_member(&mut self, member: Uuid) -> Result<Option<i64>> {
        self.run(|c| {
            c.query_row("SELECT room_id FROM members WHERE id = ?1", [member.to_string()], |r| r.get(0)).optional()
        })
    }

    async fn is_member_of(&mut self, room: i64, member: Uuid) -> Result<bool> {
        self.run(|c| {
            c.query_row(
                "SELECT EXISTS (SELECT 1 FROM members WHERE id = ?1 AND room_id = ?2 AND left_at IS NULL)",
                params![member.to_string(), room],
                |r| r.get(0),
            )
        })
    }

    async fn members(&mut self, room: i64) -> Result<Vec<Member>> {
        self.run(|c| rooms::members(c, room))
    }

    async fn set_presence(&mut self, member: Uuid, presence: Presence) -> Result<()> {
        self.run(|c| {
            c.execute(
                "UPDATE members SET presence = ?1 WHERE id = ?2",
                params![enum_text(&presence), member.to_string()],
            )
            .map(drop)
        })
    }

    async fn end_membership(&mut self, member: Uuid, at: DateTime<Utc>) -> Result<()> {
        self.run(|c| {
            c.execute("UPDATE members SET left_at = ?1 WHERE id = ?2", params![ts(at), member.to_string()]).map(drop)
        })
    }

    async fn latest_session(&mut self, room: i64) -> Result<Option<SharedSession>> {
        self.run(|c| sessions::latest(c, room))
    }

    async fn session(&mut self, room: i64, session: Uuid) -> Result<Option<SharedSession>> {
        self.run(|c| sessions::session(c, room, session))
    }

    async fn sessions(&mut self, room: i64, limit: u32) -> Result<Vec<SharedSession>> {
        self.run(|c| sessions::list(c, room, limit))
    }

    async fn save_session(&mut self, room: i64, session: &SharedSession) -> Result<()> {
        self.run(|c| sessions::save(c, room, session))
    }

    async fn commitment(&mut self, room: i64, commitment: Uuid) -> Result<Option<RoomCommitment>> {
        self.run(|c| sessions::commitment_in_room(c, room, commitment))
    }

    async fn commitments(&mut self, session: Uuid) -> Result<Vec<RoomCommitment>> {
        self.run(|c| sessions::commitments(c, session))
    }

    async fn count_commitments(&mut self, session: Uuid, member: Uuid) -> Result<u32> {
        self.run(|c| {
            c.query_row(
                "SELECT COUNT(*) FROM commitments WHERE session_id = ?1 AND member_id = ?2",
                params![session.to_string(), member.to_string()],
                |r| r.get(0),
            )
        })
    }

    async fn save_commitment(&mut self, commitment: &RoomCommitment) -> Result<()> {
        self.run(|c| sessions::save_commitment(c, commitment))
    }

    async fn add_kudos(&mut self, commitment: Uuid, member: Uuid, at: DateTime<Utc>) -> Result<bool> {
        self.run(|c| {
            c.execute(
                "INSERT OR IGNORE INTO kudos (commitment_id, member_id, given_at) VALUES (?1, ?2, ?3)",
                params![commitment.to_string(), member.to_string(), ts(at)],
            )
            .map(|added| added > 0)
        })
    }

    async fn ahead(&mut self, room: i64) -> Result<Vec<AheadCommitment>> {
        self.run(|c| sessions::ahead_of_room(c, room))
    }

    async fn count_ahead(&mut self, member: Uuid) -> Result<u32> {
        self.run(|c| {
            c.query_row("SELECT COUNT(*) FROM ahead_commitments WHERE member_id = ?1", [member.to_string()], |r| {
                r.get(0)
            })
        })
    }

    async fn insert_ahead(&mut self, room: i64, commitment: &AheadCommitment) -> Result<()> {
        self.run(|c| {
            c.execute(
                "INSERT INTO ahead_commitments (id, room_id, member_id, text, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![
                    commitment.id.to_string(),
                    room,
                    commitment.member_id.to_string(),
                    commitment.text,
                    ts(commitment.created_at)
                ],
            )
            .map(drop)
        })
    }

    async fn delete_ahead_of_member(&mut self, member: Uuid) -> Result<()> {
        self.run(|c| c.execute("DELETE FROM ahead_commitments WHERE member_id = ?1", [member.to_string()]).map(drop))
    }

    async fn delete_ahead_of_room(&mut self, room: i64) -> Result<()> {
        self.run(|c| c.execute("DELETE FROM ahead_commitments WHERE room_id = ?1", [room]).map(drop))
    }

    async fn count_questions(&mut self, session: Uuid, member: Uuid) -> Result<QuestionCounts> {
        self.run(|c| questions::count(c, session, member))
    }

    async fn question(&mut self, room: i64, question: Uuid) -> Result<Option<Question>> {
        self.run(|c| questions::in_room(c, room, question))
    }

    async fn questions(&mut self, session: Uuid) -> Result<Vec<Question>> {
        self.run(|c| questions::of_session(c, session))
    }

    async fn insert_question(&mut self, question: &Question) -> Result<()> {
        self.run(|c| questions::insert(c, question))
    }

    async fn mark_answered(&mut self, question: Uuid, at: DateTime<Utc>) -> Result<bool> {
        self.run(|c| {
            c.execute(
                "UPDATE questions SET answered_at = ?1 WHERE id = ?2 AND answered_at IS NULL",
                params![ts(at), question.to_string()],
            )
            .map(|marked| marked > 0)
        })
    }

    async fn schedule(&mut self, room: i64) -> Result<Vec<ScheduleEntry>> {
        self.run(|c| schedule::entries(c, room))
    }

    async fn replace_schedule(&mut self, room: i64, entries: &[ScheduleEntry]) -> Result<()> {
        self.run(|c| schedule::replace(c, room, entries))
    }

    async fn append_event(&mut self, room: i64, at: DateTime<Utc>, change: RoomChange) -> Result<RoomEvent> {
        let event = self.try_run(|c| {
            c.execute("INSERT INTO events (room_id, body) VALUES (?1, '')", [room])?;
            let id = c.last_insert_rowid();
            let event = RoomEvent { id: id as u64, at, change };
            let body = serde_json::to_string(&event).expect("events serialize");
            c.execute("UPDATE events SET body = ?1 WHERE id = ?2", params![body, id])?;
            c.execute("UPDATE rooms SET last_activity_at = ?1 WHERE id = ?2", params![ts(at), room])?;
            Ok(event)
        })?;
        self.events.push((room, event.clone()));
        Ok(event)
    }

    async fn latest_event_id(&mut self, room: i64) -> Result<u64> {
        self.run(|c| {
            c.query_row("SELECT COALESCE(MAX(id), 0) FROM events WHERE room_id = ?1", [room], |r| r.get::<_, i64>(0))
                .map(|id| id as u64)
        })
    }

    async fn events_after(&mut self, room: i64, after: u64, limit: u32) -> Result<Vec<RoomEvent>> {
        // Ids are SQLite rowids (at most i64::MAX); a larger `after` has nothing after it.
        let Ok(after) = i64::try_from(after) else { return Ok(Vec::new()) };
        self.try_run(|c| {
            let mut stmt =
                c.prepare_cached("SELECT body FROM events WHERE room_id = ?1 AND id > ?2 ORDER BY id LIMIT ?3")?;
            let rows = stmt.query_map(params![room, after, limit], |r| r.get::<_, String>(0))?;
            rows.map(|body| {
                serde_json::from_str(&body?).map_err(|e| AppError::StoreBroken(format!("event unreadable: {e}")))
            })
            .collect()
        })
    }

    async fn answer(&mut self, key_hash: &[u8; 32]) -> Result<Option<StoredAnswer>> {
        self.run(|c| {
            c.query_row("SELECT fingerprint, response FROM idempotency WHERE key_hash = ?1", [&key_hash[..]], |r| {
                Ok(StoredAnswer { fingerprint: r.get(0)?, sealed: r.get(1)? })
            })
            .optional()
        })
    }

    async fn keep_answer(&mut self, key_hash: &[u8; 32], answer: &StoredAnswer, at: DateTime<Utc>) -> Result<()> {
        self.run(|c| {
            c.execute(
                "INSERT INTO idempotency (key_hash, fingerprint, response, created_at) VALUES (?1, ?2, ?3, ?4)",
                params![&key_hash[..], answer.fingerprint, answer.sealed, ts(at)],
            )
            .map(drop)
        })
    }

    async fn forget_answer(&mut self, key_hash: &[u8; 32]) -> Result<()> {
        self.run(|c| c.execute("DELETE FROM idempotency WHERE key_hash = ?1", [&key_hash[..]]).map(drop))
    }

    async fn forget_answers_before(&mut self, before: DateTime<Utc>) -> Result<()> {
        self.run(|c| c.execute("DELETE FROM idempotency WHERE created_at < ?1", [ts(before)]).map(drop))
    }
}

/// Runs SQLite's blocking call `f` on this thread, while the runtime moves this worker's
/// other tasks to another thread (directly where that cannot be: a current-thread runtime,
/// or outside one).
fn blocking<T>(f: impl FnOnce() -> T) -> T {
    match tokio::runtime::Handle::try_current() {
        Ok(rt) if rt.runtime_flavor() == tokio::runtime::RuntimeFlavor::MultiThread => tokio::task::block_in_place(f),
        _ => f(),
    }
}

fn configure(conn: &Connection) -> Result<()> {
    conn.busy_timeout(Duration::from_secs(5))?;
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "synchronous", "FULL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    Ok(())
}

impl From<rusqlite::Error> for AppError {
    fn from(e: rusqlite::Error) -> Self {
        Self::Storage(Box::new(e))
    }
}

/// How times are written: RFC 3339, UTC, milliseconds — sortable as text.
fn ts(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Millis, true)
}

fn parse_ts(s: &str) -> rusqlite::Result<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s).map(|t| t.with_timezone(&Utc)).map_err(conversion)
}

fn parse_uuid(s: &str) -> rusqlite::Result<Uuid> {
    Uuid::parse_str(s).map_err(conversion)
}

fn conversion(e: impl std::error::Error + Send + Sync + 'static) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, Box::new(e))
}

fn parse_enum<T: DeserializeOwned>(s: &str) -> rusqlite::Result<T> {
    super::parse_enum(s).map_err(conversion)
}
