//! The storage boundary. Handlers call the methods of [`Store`] with protocol types and
//! get protocol types back; no SQL leaves this module, so a PostgreSQL backend is a second
//! implementation of these methods, not a rewrite (see "Beyond one machine" in ARCHITECTURE.md).
//!
//! SQLite in WAL mode with `synchronous = FULL`: a write is on disk before it is
//! acknowledged, so `kill -9` loses nothing a client was told is saved. One connection
//! writes (behind a mutex, transactions are short), another reads.

mod migrations;
mod questions;
mod rooms;
mod schedule;
mod sessions;

use crate::error::{AppError, Result};
use crate::hub::Hub;
use crate::secrets;
use chrono::{DateTime, SecondsFormat, Utc};
use rusqlite::{Connection, OptionalExtension, Transaction, TransactionBehavior, params};
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::path::Path;
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;
use uuid::Uuid;
use worktogether_room_protocol::{RoomChange, RoomEvent};

pub struct Store {
    writer: Mutex<Connection>,
    reader: Mutex<Connection>,
    hub: Arc<Hub>,
    admission: RwLock<Option<Arc<Admission>>>,
}

/// Decides, after a token is found valid and before any work, whether its member's request
/// goes ahead (the per-member request limit: keyed on the member as authenticated, so no
/// spelling of the id and no wrong secret counts against anyone else).
pub type Admission = dyn Fn(&Actor) -> Result<()> + Send + Sync;

/// Who makes a request: a member of one room.
#[derive(Debug, Clone)]
pub struct Actor {
    pub room_id: i64,
    pub member_id: Uuid,
    pub is_host: bool,
}

impl Actor {
    pub fn require_host(&self) -> Result<()> {
        if self.is_host { Ok(()) } else { Err(AppError::Forbidden("only the room's host may do this")) }
    }
}

/// A retried write is recognised by its key; the fingerprint tells a retry from a
/// different request that reuses the key.
#[derive(Debug, Clone)]
pub struct Idempotency {
    pub key: String,
    pub fingerprint: [u8; 32],
}

/// One write: a transaction, the instant it happens at, the events it emits and the rooms
/// it deletes.
pub struct Tx<'c> {
    tx: Transaction<'c>,
    pub now: DateTime<Utc>,
    events: Vec<(i64, RoomEvent)>,
    deleted_rooms: Vec<i64>,
}

impl Tx<'_> {
    /// Stores an event of `room`; it is published once the transaction commits.
    pub fn emit(&mut self, room: i64, change: RoomChange) -> Result<()> {
        self.tx.execute("INSERT INTO events (room_id, body) VALUES (?1, '')", [room])?;
        let id = self.tx.last_insert_rowid();
        let event = RoomEvent { id: id as u64, at: self.now, change };
        let body = serde_json::to_string(&event).expect("events serialize");
        self.tx.execute("UPDATE events SET body = ?1 WHERE id = ?2", params![body, id])?;
        self.tx.execute("UPDATE rooms SET last_activity_at = ?1 WHERE id = ?2", params![ts(self.now), room])?;
        self.events.push((room, event));
        Ok(())
    }

    /// Deletes `room` and everything in it. Its codes are retired, never handed out again;
    /// its open streams end once the transaction commits (after any event it emitted).
    pub fn delete_room(&mut self, room: i64) -> Result<()> {
        retire_codes(&self.tx, "r.id = ?1", room, self.now)?;
        self.tx.execute("DELETE FROM rooms WHERE id = ?1", [room])?;
        self.deleted_rooms.push(room);
        Ok(())
    }
}

impl std::ops::Deref for Tx<'_> {
    type Target = Connection;
    fn deref(&self) -> &Connection {
        &self.tx
    }
}

impl Store {
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
        Ok(Self { writer: Mutex::new(writer), reader: Mutex::new(reader), hub, admission: RwLock::default() })
    }

    /// Sets what every authenticated request passes before its work (see [`Admission`]).
    pub fn admit_with(&self, admission: Arc<Admission>) {
        *self.admission.write().expect("admission lock") = Some(admission);
    }

    /// The member behind `token` in room `code`, admitted (see [`Admission`]). A valid token
    /// used with another room's code counts as a request too: guessing codes is not free.
    fn authenticate_in(&self, conn: &Connection, code: &str, token: &str) -> Result<Actor> {
        let (actor, room_code) = authenticate(conn, token)?;
        if let Some(admit) = &*self.admission.read().expect("admission lock") {
            admit(&actor)?;
        }
        if room_code != code && !is_former_code(conn, actor.room_id, code)? {
            return Err(AppError::NotFound("room"));
        }
        Ok(actor)
    }

    pub fn hub(&self) -> &Arc<Hub> {
        &self.hub
    }

    /// Runs `op` as one transaction at `now`, as the member holding `token` in room `code`
    /// (or as nobody, for creating and joining). With an idempotency key, a retry gets the
    /// first answer and changes nothing.
    pub fn write<T, F>(
        &self,
        who: Option<(&str, &str)>,
        idempotency: Option<&Idempotency>,
        now: DateTime<Utc>,
        op: F,
    ) -> Result<T>
    where
        T: Serialize + DeserializeOwned,
        F: FnOnce(&mut Tx<'_>, Option<&Actor>) -> Result<T>,
    {
        let mut conn = self.writer.lock().expect("writer lock");
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let actor = who.map(|(code, token)| self.authenticate_in(&tx, code, token)).transpose()?;
        let scope = actor.as_ref().map(|a| a.member_id.to_string()).unwrap_or_default();
        let key_hash = idempotency.map(|i| secrets::sha256(&[b"idem", scope.as_bytes(), i.key.as_bytes()]));
        if let (Some(i), Some(hash)) = (idempotency, &key_hash) {
            let stored: Option<(Vec<u8>, Vec<u8>)> = tx
                .query_row("SELECT fingerprint, response FROM idempotency WHERE key_hash = ?1", [&hash[..]], |r| {
                    Ok((r.get(0)?, r.get(1)?))
                })
                .optional()?;
            if let Some((fingerprint, response)) = stored {
                if fingerprint != i.fingerprint {
                    return Err(AppError::IdempotencyKeyReused);
                }
                match secrets::open(&i.key, &answer_context(hash, i), &response) {
                    Ok(plain) => {
                        return serde_json::from_slice(&plain)
                            .map_err(|e| AppError::StoreBroken(format!("stored response unreadable: {e}")));
                    }
                    // Sealed by a version before answers were authenticated, so never read: it is
                    // forgotten as an expired answer is (`expire` keeps answers a day), and this
                    // retry runs as a new request. Only during the day after an upgrade, and only
                    // for a retry whose first answer was lost: it applies again, as after expiry
                    // (a second room or member for creating or joining, with a working token).
                    Err(secrets::OpenError::OldScheme) => {
                        tx.execute("DELETE FROM idempotency WHERE key_hash = ?1", [&hash[..]])?;
                    }
                    // Altered, cut short or not ours: refused (503, logged), never read.
                    Err(e) => return Err(AppError::StoreBroken(e.to_string())),
                }
            }
        }
        let mut w = Tx { tx, now, events: Vec::new(), deleted_rooms: Vec::new() };
        let value = op(&mut w, actor.as_ref())?;
        if let (Some(i), Some(hash)) = (idempotency, &key_hash) {
            let plain = serde_json::to_vec(&value).expect("responses serialize");
            let sealed = secrets::seal(&i.key, &answer_context(hash, i), &plain);
            w.tx.execute(
                "INSERT INTO idempotency (key_hash, fingerprint, response, created_at) VALUES (?1, ?2, ?3, ?4)",
                params![&hash[..], &i.fingerprint[..], sealed, ts(now)],
            )?;
        }
        let Tx { tx, events, deleted_rooms, .. } = w;
        tx.commit()?;
        // Still under the write lock: streams receive events in id order.
        let mut by_room: Vec<(i64, Vec<RoomEvent>)> = Vec::new();
        for (room, e) in events {
            match by_room.iter_mut().find(|(r, _)| *r == room) {
                Some((_, list)) => list.push(e),
                None => by_room.push((room, vec![e])),
            }
        }
        for (room, list) in by_room {
            self.hub.publish(room, list);
        }
        for room in deleted_rooms {
            self.hub.close(room);
        }
        Ok(value)
    }

    /// Runs `op` on the read connection, as the member holding `token` in room `code`.
    pub fn read<T>(&self, code: &str, token: &str, op: impl FnOnce(&Connection, &Actor) -> Result<T>) -> Result<T> {
        let conn = self.reader.lock().expect("reader lock");
        let tx = conn.unchecked_transaction()?;
        let actor = self.authenticate_in(&tx, code, token)?;
        op(&tx, &actor)
    }

    /// The member behind `token` in room `code` (a request of theirs, counted): for a check
    /// before costly work that the request's write then checks again.
    pub fn authenticate(&self, code: &str, token: &str) -> Result<Actor> {
        self.read(code, token, |_, actor| Ok(actor.clone()))
    }

    /// The stored events of `room` after `after`, oldest first, at most `limit`, for the
    /// stream of `member`; `None` once the room is deleted. Asked of the member, not the
    /// room: SQLite may give a deleted room's id to a new room, never a member's id to
    /// another member, so a stream of a deleted room never reads a new room's events.
    pub fn events_after(&self, room: i64, member: Uuid, after: u64, limit: u32) -> Result<Option<Vec<RoomEvent>>> {
        let conn = self.reader.lock().expect("reader lock");
        // One snapshot for the check and the read.
        let tx = conn.unchecked_transaction()?;
        let in_room: bool = tx.query_row(
            "SELECT EXISTS (SELECT 1 FROM members WHERE id = ?1 AND room_id = ?2)",
            params![member.to_string(), room],
            |r| r.get(0),
        )?;
        if !in_room {
            return Ok(None);
        }
        // Ids are SQLite rowids (at most i64::MAX); a larger `after` has nothing after it.
        let Ok(after) = i64::try_from(after) else { return Ok(Some(Vec::new())) };
        let mut stmt =
            tx.prepare_cached("SELECT body FROM events WHERE room_id = ?1 AND id > ?2 ORDER BY id LIMIT ?3")?;
        let rows = stmt.query_map(params![room, after, limit], |r| r.get::<_, String>(0))?;
        rows.map(|body| {
            let body = body?;
            serde_json::from_str(&body).map_err(|e| AppError::StoreBroken(format!("event unreadable: {e}")))
        })
        .collect::<Result<_>>()
        .map(Some)
    }

    /// Deletes rooms without activity since `before` (their codes retired, their streams
    /// ended), and idempotency answers older than `answers_before`. Returns the number of
    /// rooms deleted.
    pub fn expire(&self, before: DateTime<Utc>, answers_before: DateTime<Utc>) -> Result<usize> {
        let mut conn = self.writer.lock().expect("writer lock");
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        retire_codes(&tx, "r.last_activity_at < ?1", ts(before), to_millis(Utc::now()))?;
        let rooms: Vec<i64> = tx
            .prepare("DELETE FROM rooms WHERE last_activity_at < ?1 RETURNING id")?
            .query_map([ts(before)], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        tx.execute("DELETE FROM idempotency WHERE created_at < ?1", [ts(answers_before)])?;
        tx.commit()?;
        for &room in &rooms {
            self.hub.close(room);
        }
        Ok(rooms.len())
    }
}

/// What a stored answer is bound to (its associated data): its row, whose key hash names the
/// member (or, for creating and joining, the client address in the key) and the key; and the
/// request, whose fingerprint names the operation and its body. An answer moved to another row
/// or request does not open.
fn answer_context<'a>(key_hash: &'a [u8; 32], idempotency: &'a Idempotency) -> [&'a [u8]; 2] {
    [key_hash, &idempotency.fingerprint]
}

fn configure(conn: &Connection) -> Result<()> {
    conn.busy_timeout(Duration::from_secs(5))?;
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "synchronous", "FULL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    Ok(())
}

/// The member behind `token` if the token is valid, and the code of their room.
fn authenticate(conn: &Connection, token: &str) -> Result<(Actor, String)> {
    let (member_id, secret) = secrets::parse_token(token).ok_or(AppError::Unauthorized)?;
    let row: Option<(Vec<u8>, i64, String, String)> = conn
        .query_row(
            "SELECT m.token_hash, r.id, r.code, r.host_id FROM members m JOIN rooms r ON r.id = m.room_id
             WHERE m.id = ?1 AND m.left_at IS NULL",
            [member_id.to_string()],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .optional()?;
    let (hash, room_id, room_code, host_id) = row.ok_or(AppError::Unauthorized)?;
    if !secrets::secret_matches(secret, &hash) {
        return Err(AppError::Unauthorized);
    }
    Ok((Actor { room_id, member_id, is_host: host_id == member_id.to_string() }, room_code))
}

/// Copies the current and former codes of the rooms `r` that `condition` selects (with `?1`
/// bound to `value`) into `retired_codes`, before those rooms are deleted.
fn retire_codes(conn: &Connection, condition: &str, value: impl rusqlite::ToSql, now: DateTime<Utc>) -> Result<()> {
    conn.execute(
        &format!(
            "INSERT OR IGNORE INTO retired_codes (code, retired_at)
             SELECT r.code, ?2 FROM rooms r WHERE {condition}
             UNION ALL SELECT f.code, ?2 FROM former_codes f JOIN rooms r ON r.id = f.room_id WHERE {condition}"
        ),
        params![value, ts(now)],
    )?;
    Ok(())
}

/// Whether `code` was the code of `room` before its host changed it.
fn is_former_code(conn: &Connection, room: i64, code: &str) -> Result<bool> {
    Ok(conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM former_codes WHERE code = ?1 AND room_id = ?2)",
        params![code, room],
        |r| r.get(0),
    )?)
}

/// How times are written: RFC 3339, UTC, milliseconds — sortable as text.
pub(crate) fn ts(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Millis, true)
}

pub(crate) fn parse_ts(s: &str) -> rusqlite::Result<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, Box::new(e)))
}

pub(crate) fn parse_uuid(s: &str) -> rusqlite::Result<Uuid> {
    Uuid::parse_str(s)
        .map_err(|e| rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, Box::new(e)))
}

/// A stored enum value in its serde form (`"focusing"`), and back.
pub(crate) fn enum_text<T: Serialize>(v: &T) -> String {
    serde_json::to_value(v).ok().and_then(|j| j.as_str().map(str::to_owned)).expect("a unit enum")
}

pub(crate) fn parse_enum<T: DeserializeOwned>(s: &str) -> rusqlite::Result<T> {
    serde_json::from_value(serde_json::Value::String(s.to_owned()))
        .map_err(|e| rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, Box::new(e)))
}

/// Times are stored with milliseconds; cutting `now` to them keeps answers and storage equal.
pub fn to_millis(t: DateTime<Utc>) -> DateTime<Utc> {
    DateTime::from_timestamp_millis(t.timestamp_millis()).unwrap_or(t)
}
