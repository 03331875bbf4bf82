//! The storage boundary: what the rules in [`crate::domain`] need from a database, as async
//! primitives on a transaction. No rule lives here (who may do what, limits, which events a
//! change makes): only reading and writing rows. SQLite, embedded and the default, is one
//! implementation ([`sqlite`]); a second database is another implementation of [`Repository`]
//! and [`Tx`], and the rules stay as they are (see "Beyond one machine" in ARCHITECTURE.md).
//!
//! Writes to one room are serialized: [`Tx::hold_room`] takes the room for the rest of the
//! transaction, so the rules' checks ("at most 20 members") hold when the write commits, and
//! a room's events are committed in the order of their ids. Events are published to the open
//! streams (in [`crate::hub`]) by the implementation once its transaction commits.

pub mod postgres;
pub mod sqlite;

use crate::error::Result;
use crate::hub::Hub;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use std::sync::Arc;
use uuid::Uuid;
use worktogether_room_protocol::{
    AheadCommitment, Member, Presence, Question, Room, RoomChange, RoomCommitment, RoomEvent, ScheduleEntry,
    SharedSession,
};

/// A database holding rooms.
#[async_trait]
pub trait Repository: Send + Sync {
    /// A transaction that may write. It ends with [`Tx::commit`]; dropped before, it changes nothing.
    async fn write(&self) -> Result<Box<dyn Tx>>;
    /// A transaction that only reads, from one consistent snapshot.
    async fn read(&self) -> Result<Box<dyn Tx>>;
}

/// Opens the database `db` names: a `postgres://` (or `postgresql://`) URL, or else a SQLite
/// file's path. Its schema is brought to the latest version first; the store publishes the
/// events it commits to `hub`.
pub async fn open(db: &str, hub: Arc<Hub>) -> Result<Arc<dyn Repository>> {
    if is_postgres(db) {
        Ok(Arc::new(postgres::PgStore::open(db, hub).await?))
    } else {
        Ok(Arc::new(sqlite::SqliteStore::open(std::path::Path::new(db), hub)?))
    }
}

/// Whether `db` names a PostgreSQL database rather than a file.
pub fn is_postgres(db: &str) -> bool {
    db.starts_with("postgres://") || db.starts_with("postgresql://")
}

/// What authenticating a member needs: their token's hash and their room, while they are in it.
#[derive(Debug, Clone)]
pub struct Credentials {
    pub member_id: Uuid,
    pub token_hash: Vec<u8>,
    pub room_id: i64,
    pub room_code: String,
    pub host_id: Uuid,
}

/// A session's questions, counted for its limits.
#[derive(Debug, Clone, Copy, Default)]
pub struct QuestionCounts {
    pub all: u32,
    pub open: u32,
    pub open_of_member: u32,
}

/// An answer kept for retries of a write made with an idempotency key, sealed (see
/// [`crate::secrets::seal`]); found by the key's hash.
#[derive(Debug, Clone)]
pub struct StoredAnswer {
    pub fingerprint: Vec<u8>,
    pub sealed: Vec<u8>,
}

/// One transaction's primitives. Rooms are named by their id, members, sessions,
/// commitments and questions by theirs; a "room" argument keeps a lookup inside that room.
#[async_trait]
pub trait Tx: Send {
    /// Takes `room` for this transaction: other writes to it wait until this one ends. False
    /// if the room is gone (deleted meanwhile).
    async fn hold_room(&mut self, room: i64) -> Result<bool>;
    /// Takes the answer kept under `key_hash` for this transaction, before it is looked up:
    /// a second first try with the same key waits, then finds the first one's answer.
    async fn hold_answer(&mut self, key_hash: &[u8; 32]) -> Result<()>;
    /// Commits, then publishes the events it appended and ends the streams of rooms it deleted.
    async fn commit(self: Box<Self>) -> Result<()>;

    // Rooms.
    /// Whether `code` is or was any room's code, deleted rooms' included.
    async fn code_taken(&mut self, code: &str) -> Result<bool>;
    /// Stores a new room (active since its `created_at`); returns its id.
    async fn insert_room(&mut self, room: &Room) -> Result<i64>;
    async fn room(&mut self, room: i64) -> Result<Room>;
    /// The room whose current code is `code`.
    async fn room_by_code(&mut self, code: &str) -> Result<Option<i64>>;
    /// Whether `code` was `room`'s code before it was changed.
    async fn is_former_code(&mut self, room: i64, code: &str) -> Result<bool>;
    /// Stores name, link, description, host and code; the previous code is kept as a former one.
    async fn update_room(&mut self, room: i64, value: &Room) -> Result<()>;
    /// Deletes `room` and everything in it; its current and former codes are retired at `now`.
    async fn delete_room(&mut self, room: i64, now: DateTime<Utc>) -> Result<()>;
    /// Deletes the rooms without activity since `before` as [`Tx::delete_room`] does; their ids.
    async fn delete_inactive_rooms(&mut self, before: DateTime<Utc>, now: DateTime<Utc>) -> Result<Vec<i64>>;

    // Members.
    /// The member `member` while in a room, with their room.
    async fn credentials(&mut self, member: Uuid) -> Result<Option<Credentials>>;
    async fn insert_member(&mut self, room: i64, member: &Member, token_hash: &[u8]) -> Result<()>;
    /// A member, also after leaving.
    async fn member(&mut self, member: Uuid) -> Result<Option<Member>>;
    /// The room `member` is in or was in (until that room is deleted).
    async fn room_of_member(&mut self, member: Uuid) -> Result<Option<i64>>;
    /// Whether `member` is in `room` now.
    async fn is_member_of(&mut self, room: i64, member: Uuid) -> Result<bool>;
    /// The room's members, oldest first.
    async fn members(&mut self, room: i64) -> Result<Vec<Member>>;
    async fn set_presence(&mut self, member: Uuid, presence: Presence) -> Result<()>;
    async fn end_membership(&mut self, member: Uuid, at: DateTime<Utc>) -> Result<()>;

    // Sessions.
    async fn latest_session(&mut self, room: i64) -> Result<Option<SharedSession>>;
    async fn session(&mut self, room: i64, session: Uuid) -> Result<Option<SharedSession>>;
    /// The room's sessions, newest first, at most `limit`.
    async fn sessions(&mut self, room: i64, limit: u32) -> Result<Vec<SharedSession>>;
    /// Stores a new session or a session's new state.
    async fn save_session(&mut self, room: i64, session: &SharedSession) -> Result<()>;

    // Commitments.
    /// A commitment of one of the room's sessions, with its kudos.
    async fn commitment(&mut self, room: i64, commitment: Uuid) -> Result<Option<RoomCommitment>>;
    /// The session's commitments in the order they came, with their kudos.
    async fn commitments(&mut self, session: Uuid) -> Result<Vec<RoomCommitment>>;
    async fn count_commitments(&mut self, session: Uuid, member: Uuid) -> Result<u32>;
    /// Stores a new commitment or a commitment's outcome (not its kudos).
    async fn save_commitment(&mut self, commitment: &RoomCommitment) -> Result<()>;
    /// Adds `member`'s kudos; false if they had given them already.
    async fn add_kudos(&mut self, commitment: Uuid, member: Uuid, at: DateTime<Utc>) -> Result<bool>;

    // Commitments posted ahead of a room's next session.
    /// The room's, in the order they came.
    async fn ahead(&mut self, room: i64) -> Result<Vec<AheadCommitment>>;
    async fn count_ahead(&mut self, member: Uuid) -> Result<u32>;
    async fn insert_ahead(&mut self, room: i64, commitment: &AheadCommitment) -> Result<()>;
    async fn delete_ahead_of_member(&mut self, member: Uuid) -> Result<()>;
    async fn delete_ahead_of_room(&mut self, room: i64) -> Result<()>;

    // Questions.
    async fn count_questions(&mut self, session: Uuid, member: Uuid) -> Result<QuestionCounts>;
    /// A question of one of the room's sessions.
    async fn question(&mut self, room: i64, question: Uuid) -> Result<Option<Question>>;
    /// The session's questions in the order they came.
    async fn questions(&mut self, session: Uuid) -> Result<Vec<Question>>;
    async fn insert_question(&mut self, question: &Question) -> Result<()>;
    /// Marks the question answered at `at` unless it is; whether it was marked now.
    async fn mark_answered(&mut self, question: Uuid, at: DateTime<Utc>) -> Result<bool>;

    // The schedule.
    async fn schedule(&mut self, room: i64) -> Result<Vec<ScheduleEntry>>;
    async fn replace_schedule(&mut self, room: i64, entries: &[ScheduleEntry]) -> Result<()>;

    // Events.
    /// Stores the room's next event (its id the next of the room's) and marks the room active.
    async fn append_event(&mut self, room: i64, at: DateTime<Utc>, change: RoomChange) -> Result<RoomEvent>;
    /// The id of the room's latest event, 0 if none.
    async fn latest_event_id(&mut self, room: i64) -> Result<u64>;
    /// The room's events after `after`, oldest first, at most `limit`.
    async fn events_after(&mut self, room: i64, after: u64, limit: u32) -> Result<Vec<RoomEvent>>;

    // Answers kept for retries.
    async fn answer(&mut self, key_hash: &[u8; 32]) -> Result<Option<StoredAnswer>>;
    async fn keep_answer(&mut self, key_hash: &[u8; 32], answer: &StoredAnswer, at: DateTime<Utc>) -> Result<()>;
    async fn forget_answer(&mut self, key_hash: &[u8; 32]) -> Result<()>;
    /// Forgets the answers kept before `before`.
    async fn forget_answers_before(&mut self, before: DateTime<Utc>) -> Result<()>;
}

/// A stored enum value in its serde form (`"focusing"`).
fn enum_text<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_value(v).ok().and_then(|j| j.as_str().map(str::to_owned)).expect("a unit enum")
}

/// An enum value from its stored serde form.
fn parse_enum<T: serde::de::DeserializeOwned>(s: &str) -> serde_json::Result<T> {
    serde_json::from_value(serde_json::Value::String(s.to_owned()))
}

/// Times are stored with milliseconds; cutting `now` to them keeps answers and storage equal.
pub fn to_millis(t: DateTime<Utc>) -> DateTime<Utc> {
    DateTime::from_timestamp_millis(t.timestamp_millis()).unwrap_or(t)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A `--db` that names no database the server can use stops it at start with a message a
    /// person can act on (logged, exit status 1), before it listens.
    #[tokio::test]
    async fn a_database_that_cannot_be_used_is_refused_with_a_clear_message() {
        let refused = |db: &'static str| async move {
            match open(db, Arc::new(Hub::default())).await {
                Err(crate::error::AppError::StoreBroken(message)) => message,
                Err(e) => panic!("{db}: {e}"),
                Ok(_) => panic!("{db}: opened"),
            }
        };
        assert!(refused("postgres://rooms@db:notaport/rooms").await.contains("not a PostgreSQL URL"));
        // Port 9 (discard) on loopback: nothing listens there.
        let closed = refused("postgres://rooms@127.0.0.1:9/rooms").await;
        assert!(closed.contains("PostgreSQL"), "{closed}");
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("file"), "").unwrap();
        let inside_a_file = format!("{}/file/rooms.sqlite3", dir.path().display());
        let message = match open(&inside_a_file, Arc::new(Hub::default())).await {
            Err(e) => e.to_string(),
            Ok(_) => panic!("a database inside a file opened"),
        };
        assert!(message.contains("cannot create"), "{message}");
    }
}
