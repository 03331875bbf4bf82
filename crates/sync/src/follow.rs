//! Following a room's event stream: server-sent events parsed by `eventsource-stream`,
//! reconnected automatically with `Last-Event-ID`, so the follower receives every event
//! once and in order across dropped connections and server restarts.

use crate::client::RoomMember;
use crate::error::SyncError;
use chrono::Utc;
use eventsource_stream::Eventsource;
use futures_util::StreamExt;
use std::time::Duration;
use tokio::sync::mpsc;
use worktogether_room_protocol::{ErrorBody, RoomEvent};

/// What the follower reports, in order.
#[derive(Debug, Clone, PartialEq)]
pub enum Feed {
    /// The stream is (again) open.
    Connected,
    Event(RoomEvent),
    /// The stream broke; with a transient error the follower tries again by itself, with
    /// any other (token no longer valid, room gone) it stops.
    Disconnected(SyncError),
}

/// A running follower; dropping it stops following.
pub struct Follower {
    pub feed: mpsc::UnboundedReceiver<Feed>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for Follower {
    fn drop(&mut self) {
        self.task.abort();
    }
}

const BACKOFF_START: Duration = Duration::from_millis(200);
const BACKOFF_MAX: Duration = Duration::from_secs(15);

impl Follower {
    /// Follows the room of `member`, starting after event `after` (the `lastEventId` of the
    /// room state the caller shows, or of the last event it handled).
    pub fn start(member: RoomMember, after: u64) -> Self {
        let (tx, feed) = mpsc::unbounded_channel();
        let task = tokio::spawn(run(member, after, tx));
        Self { feed, task }
    }
}

async fn run(member: RoomMember, mut last: u64, tx: mpsc::UnboundedSender<Feed>) {
    let mut backoff = BACKOFF_START;
    loop {
        let result = follow_once(&member, &mut last, &tx, &mut backoff).await;
        let error = match result {
            Ok(()) => SyncError::Unreachable { server: member.server.address().to_owned() },
            Err(e) => e,
        };
        let transient = error.is_transient();
        if tx.send(Feed::Disconnected(error)).is_err() || !transient {
            return;
        }
        tokio::time::sleep(jitter(backoff)).await;
        backoff = (backoff * 2).min(BACKOFF_MAX);
    }
}

/// One connection: until the stream ends or breaks. Events at or below `last` (none should
/// come) are dropped, so nothing is handed on twice.
async fn follow_once(
    member: &RoomMember,
    last: &mut u64,
    tx: &mpsc::UnboundedSender<Feed>,
    backoff: &mut Duration,
) -> Result<(), SyncError> {
    let server = &member.server;
    let unreachable = || SyncError::Unreachable { server: server.address().to_owned() };
    let url = server.url(&format!("v1/rooms/{}/events", member.code))?;
    let sent = Utc::now();
    let res = server
        .http()
        .get(url)
        .bearer_auth(&member.token)
        .header("last-event-id", last.to_string())
        .header("accept", "text/event-stream")
        .send()
        .await
        .map_err(|_| unreachable())?;
    server.observe_clock(sent, res.headers());
    if !res.status().is_success() {
        let status = res.status().as_u16();
        let body = res.json::<ErrorBody>().await.ok();
        return Err(SyncError::from_refusal(status, body, server.address()));
    }
    if tx.send(Feed::Connected).is_err() {
        return Ok(());
    }
    *backoff = BACKOFF_START;
    let mut events = res.bytes_stream().eventsource();
    while let Some(item) = events.next().await {
        let Ok(sse) = item else { return Err(unreachable()) };
        let event: RoomEvent = match serde_json::from_str(&sse.data) {
            Ok(event) => event,
            // A change a newer server knows and this client does not: skipped, its place kept,
            // so an older app keeps following its room.
            Err(e) => match unknown_change_id(&sse.data) {
                Some(id) => {
                    *last = (*last).max(id);
                    continue;
                }
                None => return Err(SyncError::Protocol { detail: e.to_string() }),
            },
        };
        if event.id <= *last {
            continue;
        }
        *last = event.id;
        if tx.send(Feed::Event(event)).is_err() {
            return Ok(());
        }
    }
    Err(unreachable())
}

/// The id of an event whose change is of a kind this client does not know.
fn unknown_change_id(data: &str) -> Option<u64> {
    let value: serde_json::Value = serde_json::from_str(data).ok()?;
    value["change"]["type"].as_str()?;
    value["id"].as_u64()
}

/// Spreads reconnects of many clients after a server restart over ±25 %.
fn jitter(d: Duration) -> Duration {
    let nanos = Utc::now().timestamp_subsec_nanos();
    let factor = 0.75 + f64::from(nanos % 1000) / 2000.0;
    d.mul_f64(factor)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_change_of_an_unknown_kind_is_skipped_by_its_id() {
        let newer = r#"{"id":42,"at":"2026-12-03T09:00:00Z","change":{"type":"poll_opened","poll":{}}}"#;
        assert!(serde_json::from_str::<RoomEvent>(newer).is_err(), "this client does not know it");
        assert_eq!(unknown_change_id(newer), Some(42));
        assert_eq!(unknown_change_id("not json"), None);
        assert_eq!(unknown_change_id(r#"{"id":1}"#), None, "no change at all is a broken event, not a newer one");
    }
}
