//! The room server's rules: who may do what, the limits, and which events each change makes.
//! Handlers call the methods of [`Rooms`] with checked protocol types and get protocol types
//! back. Each write is one transaction on the [`Repository`]: the member is authenticated
//! and their room held, a retry with a known idempotency key gets the first answer, and the
//! operation's events are stored with its changes (published once it commits).

mod questions;
mod rooms;
mod schedule;
mod sessions;

pub use questions::{OPEN_PER_MEMBER, OPEN_PER_SESSION, PER_SESSION};
pub use sessions::COMMITMENTS_PER_MEMBER;

use crate::error::{AppError, Result};
use crate::secrets;
use crate::store::{Repository, StoredAnswer, Tx};
use chrono::{DateTime, Utc};
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::ops::{Deref, DerefMut};
use std::sync::{Arc, RwLock};
use uuid::Uuid;
use worktogether_room_protocol::{RoomChange, RoomEvent};

pub struct Rooms {
    repo: Arc<dyn Repository>,
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

/// A write under way: its transaction, the instant it happens at, who makes it, and the
/// answer to keep for retries once it is known.
struct Write {
    tx: Box<dyn Tx>,
    now: DateTime<Utc>,
    actor: Option<Actor>,
    keep: Option<(Idempotency, [u8; 32])>,
}

/// A write begun, or the answer a retry gets.
enum Begun<T> {
    Open(Write),
    Answered(T),
}

/// Begins a write (see [`Rooms::begin`]), or returns the kept answer from the calling function.
macro_rules! begin {
    ($rooms:expr, $who:expr, $idem:expr, $now:expr) => {
        match $rooms.begin($who, $idem, $now).await? {
            $crate::domain::Begun::Open(w) => w,
            $crate::domain::Begun::Answered(answer) => return Ok(answer),
        }
    };
}
use begin;

impl Write {
    /// The member making this write (writes begun with a token have one).
    fn actor(&self) -> Actor {
        self.actor.clone().expect("a write begun with a member's token")
    }

    /// Stores an event of `room` at this write's instant.
    async fn emit(&mut self, room: i64, change: RoomChange) -> Result<RoomEvent> {
        let now = self.now;
        self.tx.append_event(room, now, change).await
    }

    /// Keeps `value` as the answer for retries, if the write has a key, and commits.
    async fn finish<T: Serialize>(mut self, value: T) -> Result<T> {
        if let Some((i, hash)) = &self.keep {
            let plain = serde_json::to_vec(&value).expect("answers serialize");
            let sealed = secrets::seal(&i.key, &answer_context(hash, i), &plain);
            let answer = StoredAnswer { fingerprint: i.fingerprint.to_vec(), sealed };
            let (hash, now) = (*hash, self.now);
            self.tx.keep_answer(&hash, &answer, now).await?;
        }
        self.tx.commit().await?;
        Ok(value)
    }
}

impl Deref for Write {
    type Target = dyn Tx;
    fn deref(&self) -> &Self::Target {
        &*self.tx
    }
}

impl DerefMut for Write {
    fn deref_mut(&mut self) -> &mut Self::Target {
        &mut *self.tx
    }
}

impl Rooms {
    pub fn new(repo: Arc<dyn Repository>) -> Self {
        Self { repo, admission: RwLock::default() }
    }

    /// Sets what every authenticated request passes before its work (see [`Admission`]).
    pub fn admit_with(&self, admission: Arc<Admission>) {
        *self.admission.write().expect("admission lock") = Some(admission);
    }

    /// The member behind `token` in room `code`, admitted (see [`Admission`]). A valid token
    /// used with another room's code counts as a request too: guessing codes is not free.
    async fn authenticate_in(&self, tx: &mut dyn Tx, code: &str, token: &str) -> Result<Actor> {
        let (member_id, secret) = secrets::parse_token(token).ok_or(AppError::Unauthorized)?;
        let found = tx.credentials(member_id).await?.ok_or(AppError::Unauthorized)?;
        if !secrets::secret_matches(secret, &found.token_hash) {
            return Err(AppError::Unauthorized);
        }
        let actor = Actor { room_id: found.room_id, member_id, is_host: found.host_id == member_id };
        let admit = self.admission.read().expect("admission lock").clone();
        if let Some(admit) = admit {
            admit(&actor)?;
        }
        if found.room_code != code && !tx.is_former_code(actor.room_id, code).await? {
            return Err(AppError::NotFound("room"));
        }
        Ok(actor)
    }

    /// Begins a write at `now`, as the member holding `token` in room `code` (their room held
    /// for the write), or as nobody, for creating and joining. With an idempotency key, a
    /// retry gets the first answer and changes nothing.
    async fn begin<T: DeserializeOwned>(
        &self,
        who: Option<(&str, &str)>,
        idempotency: Option<&Idempotency>,
        now: DateTime<Utc>,
    ) -> Result<Begun<T>> {
        let mut tx = self.repo.write().await?;
        let actor = match who {
            None => None,
            Some((code, token)) => {
                let actor = self.authenticate_in(&mut *tx, code, token).await?;
                tx.hold_room(actor.room_id).await?;
                // Read again now that the room is held: a removal or hand-over that committed
                // in between counts.
                let now_held = tx.credentials(actor.member_id).await?.filter(|c| c.room_id == actor.room_id);
                let held = now_held.ok_or(AppError::Unauthorized)?;
                Some(Actor { is_host: held.host_id == actor.member_id, ..actor })
            }
        };
        let mut keep = None;
        if let Some(i) = idempotency {
            let scope = actor.as_ref().map(|a| a.member_id.to_string()).unwrap_or_default();
            let hash = secrets::sha256(&[b"idem", scope.as_bytes(), i.key.as_bytes()]);
            tx.hold_answer(&hash).await?;
            if let Some(stored) = tx.answer(&hash).await? {
                if stored.fingerprint != i.fingerprint {
                    return Err(AppError::IdempotencyKeyReused);
                }
                match secrets::open(&i.key, &answer_context(&hash, i), &stored.sealed) {
                    Ok(plain) => {
                        return serde_json::from_slice(&plain)
                            .map(Begun::Answered)
                            .map_err(|e| AppError::StoreBroken(format!("stored response unreadable: {e}")));
                    }
                    // Sealed by a version before answers were authenticated, so never read: it is
                    // forgotten as an expired answer is (answers are kept a day), and this retry
                    // runs as a new request. Only during the day after an upgrade, and only for a
                    // retry whose first answer was lost: it applies again, as after expiry (a
                    // second room or member for creating or joining, with a working token).
                    Err(secrets::OpenError::OldScheme) => tx.forget_answer(&hash).await?,
                    // Altered, cut short or not ours: refused (503, logged), never read.
                    Err(e) => return Err(AppError::StoreBroken(e.to_string())),
                }
            }
            keep = Some((i.clone(), hash));
        }
        Ok(Begun::Open(Write { tx, now, actor, keep }))
    }

    /// A snapshot to read, and the member behind `token` in room `code`.
    async fn read_as(&self, code: &str, token: &str) -> Result<(Box<dyn Tx>, Actor)> {
        let mut tx = self.repo.read().await?;
        let actor = self.authenticate_in(&mut *tx, code, token).await?;
        Ok((tx, actor))
    }

    /// The member behind `token` in room `code` (a request of theirs, counted): for a check
    /// before costly work that the request's write then checks again.
    pub async fn authenticate(&self, code: &str, token: &str) -> Result<Actor> {
        Ok(self.read_as(code, token).await?.1)
    }

    /// The stored events of `room` after `after`, oldest first, at most `limit`, for the
    /// stream of `member`; `None` once the room is deleted. Asked of the member, not the room:
    /// a deleted room's id may be given to a new room, a member's id never to another member,
    /// so a stream of a deleted room never reads a new room's events. (A member who left is
    /// still of the room: their stream reads up to their own leaving.)
    pub async fn events_after(
        &self,
        room: i64,
        member: Uuid,
        after: u64,
        limit: u32,
    ) -> Result<Option<Vec<RoomEvent>>> {
        // One snapshot for the check and the read.
        let mut tx = self.repo.read().await?;
        if tx.room_of_member(member).await? != Some(room) {
            return Ok(None);
        }
        Ok(Some(tx.events_after(room, after, limit).await?))
    }

    /// Deletes rooms without activity since `before` (their codes retired, their streams
    /// ended), and idempotency answers older than `answers_before`. Returns the number of
    /// rooms deleted.
    pub async fn expire(
        &self,
        before: DateTime<Utc>,
        answers_before: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<usize> {
        let mut tx = self.repo.write().await?;
        let rooms = tx.delete_inactive_rooms(before, now).await?;
        tx.forget_answers_before(answers_before).await?;
        tx.commit().await?;
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
