//! Local-first writes: every change to a room is first stored in the app's SQLite outbox
//! with its idempotency key, then sent in order. A write leaves the outbox only when the
//! server acknowledged it, or refused it for good; a passing failure (offline, server busy)
//! is retried with growing pauses. Sending again with the same key never applies twice, so
//! a write whose acknowledgement was lost is simply acknowledged on the next try.

use crate::client::{RoomMember, json};
use crate::error::SyncError;
use chrono::{DateTime, Duration, Utc};
use reqwest::Method;
use std::sync::{Arc, Mutex};
use uuid::Uuid;
use worktogether_core::Store;
pub use worktogether_core::room_write::RoomWrite;
use worktogether_core::store::outbox::PendingWrite;
use worktogether_room_protocol::*;

/// The pause after the first failure; it doubles up to [`RETRY_MAX`].
const RETRY_FIRST: Duration = Duration::seconds(1);
const RETRY_MAX: Duration = Duration::minutes(5);

/// What one flush did.
#[derive(Debug, Default, PartialEq)]
pub struct Flushed {
    pub sent: u32,
    /// Refused for good (kept in the store with the reason, for the app to show).
    pub refused: Vec<(i64, SyncError)>,
    /// The outbox is not empty: the next attempt is due then (after this error, if it failed).
    pub waiting: Option<(DateTime<Utc>, Option<SyncError>)>,
}

#[derive(Clone)]
pub struct Outbox {
    store: Arc<Mutex<Store>>,
}

/// A storage failure of the local database, in the sync crate's terms.
fn local(e: worktogether_core::CoreError) -> SyncError {
    SyncError::LocalStore { detail: e.to_string() }
}

impl Outbox {
    pub fn new(store: Arc<Mutex<Store>>) -> Self {
        Self { store }
    }

    fn store(&self) -> std::sync::MutexGuard<'_, Store> {
        self.store.lock().expect("store lock")
    }

    /// Stores `write` for the membership `member_id`, due at once; returns its idempotency key.
    pub fn enqueue(&self, member_id: Uuid, write: &RoomWrite, now: DateTime<Utc>) -> Result<String, SyncError> {
        let key = Uuid::now_v7().to_string();
        self.store().enqueue_room_write(member_id, write, &key, now).map_err(local)?;
        Ok(key)
    }

    /// Sends the member's due writes in order, stopping at the first that must wait.
    pub async fn flush(&self, member: &RoomMember, now: DateTime<Utc>) -> Result<Flushed, SyncError> {
        let mut flushed = Flushed::default();
        loop {
            let Some(write) = self.store().next_room_write(member.member_id).map_err(local)? else {
                return Ok(flushed);
            };
            if write.next_attempt_at > now {
                flushed.waiting = Some((write.next_attempt_at, None));
                return Ok(flushed);
            }
            match self.send_resolved(member, &write).await {
                Ok(()) => {
                    self.store().room_write_sent(write.seq).map_err(local)?;
                    flushed.sent += 1;
                }
                Err(e) if e.is_transient() => {
                    let next = now + retry_after(write.attempts);
                    self.store().room_write_retry(write.seq, &e.to_string(), next).map_err(local)?;
                    flushed.waiting = Some((next, Some(e)));
                    return Ok(flushed);
                }
                Err(e) => {
                    self.store().room_write_refused(write.seq, &e.to_string(), now).map_err(local)?;
                    flushed.refused.push((write.seq, e));
                }
            }
        }
    }

    /// Sends `write`: one of the person's own outcomes goes to the room's id of its
    /// commitment, and a commitment shared keeps the id the room gave it.
    async fn send_resolved(&self, member: &RoomMember, pending: &PendingWrite) -> Result<(), SyncError> {
        let mut pending = pending.clone();
        if let RoomWrite::ReportOwnOutcome { local: own, report } = &pending.write {
            let Some(commitment) = self.store().room_commitment_id(*own).map_err(local)? else {
                return Err(SyncError::Protocol { detail: "the commitment never reached the room".into() });
            };
            pending.write = RoomWrite::ReportOutcome { commitment, report: report.clone() };
        }
        let answer = send(member, &pending).await?;
        if let RoomWrite::PublishCommitment { local: Some(own), .. } = &pending.write {
            let published: RoomCommitment =
                serde_json::from_value(answer).map_err(|e| SyncError::Protocol { detail: e.to_string() })?;
            self.store().room_commitment_published(*own, published.id).map_err(local)?;
        }
        Ok(())
    }

    /// Keeps flushing the member's outbox: at once, when `wake` is notified (a new write,
    /// the network came back), and when the next retry is due. Runs until dropped.
    pub async fn run(self, member: RoomMember, wake: Arc<tokio::sync::Notify>) {
        loop {
            let pause = match self.flush(&member, Utc::now()).await {
                Ok(Flushed { waiting: Some((at, _)), .. }) => (at - Utc::now()).to_std().unwrap_or_default(),
                Ok(_) => std::time::Duration::MAX,
                Err(e) => {
                    log::warn!("room outbox: {e}");
                    RETRY_MAX.to_std().expect("positive")
                }
            };
            tokio::select! {
                _ = wake.notified() => {}
                _ = tokio::time::sleep(pause.min(RETRY_MAX.to_std().expect("positive"))) => {}
            }
        }
    }
}

/// 1 s, 2 s, 4 s … up to 5 min.
fn retry_after(attempts: u32) -> Duration {
    let factor = 1i32.checked_shl(attempts.min(16)).unwrap_or(i32::MAX);
    (RETRY_FIRST * factor).min(RETRY_MAX)
}

/// The request that carries out `write`: the one place intents meet HTTP.
fn request(write: &RoomWrite) -> Result<(Method, String, Option<serde_json::Value>), SyncError> {
    Ok(match write {
        RoomWrite::Presence { presence } => {
            (Method::PUT, "/presence".into(), Some(json(&SetPresence { presence: *presence })))
        }
        RoomWrite::PublishCommitment { session, text, .. } => (
            Method::POST,
            format!("/sessions/{session}/commitments"),
            Some(json(&PublishCommitment { text: text.clone() })),
        ),
        RoomWrite::ReportOutcome { commitment, report } => {
            (Method::PUT, format!("/commitments/{commitment}/outcome"), Some(json(report)))
        }
        RoomWrite::Kudos { commitment } => (Method::POST, format!("/commitments/{commitment}/kudos"), None),
        RoomWrite::AskQuestion { commitment, text } => (
            Method::POST,
            format!("/commitments/{commitment}/questions"),
            Some(json(&AskQuestion { text: text.clone() })),
        ),
        RoomWrite::PostAhead { text } => {
            (Method::POST, "/commitments".into(), Some(json(&PublishCommitment { text: text.clone() })))
        }
        RoomWrite::ReportOwnOutcome { .. } => {
            return Err(SyncError::Protocol { detail: "an outcome not resolved to the room's commitment".into() });
        }
        RoomWrite::Unknown => {
            return Err(SyncError::Protocol { detail: "a write from another version of the app".into() });
        }
    })
}

/// One attempt at `write`, leaving the outbox as it is (the outbox's flush records the
/// result; tests use it to make an answer that got lost). The server's answer.
pub async fn send(member: &RoomMember, write: &PendingWrite) -> Result<serde_json::Value, SyncError> {
    let (method, path, body) = request(&write.write)?;
    member.write::<serde_json::Value>(method, &path, &write.idempotency_key, body.as_ref()).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_back_off_to_five_minutes() {
        assert_eq!(retry_after(0), Duration::seconds(1));
        assert_eq!(retry_after(3), Duration::seconds(8));
        assert_eq!(retry_after(9), Duration::minutes(5));
        assert_eq!(retry_after(u32::MAX), Duration::minutes(5));
    }
}
