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
/// How long the stream's answer may take to begin, as for any other request: a server that
/// takes the connection and never answers is tried again, not waited on forever.
const ANSWER_TIMEOUT: Duration = crate::client::REQUEST_TIMEOUT;
/// Silence after which an open stream counts as broken. The server sends a keep-alive comment
/// every 15 s by default; a connection that died without closing (a sleep, another network)
/// would otherwise look open until TCP gives up, hours later.
const STREAM_SILENCE: Duration = Duration::from_secs(60);

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
    let request = server
        .http()
        .get(url)
        .bearer_auth(&member.token)
        .header("last-event-id", last.to_string())
        .header("accept", "text/event-stream")
        .send();
    let res =
        tokio::time::timeout(ANSWER_TIMEOUT, request).await.map_err(|_| unreachable())?.map_err(|_| unreachable())?;
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
    let mut events = Box::pin(silence_ends(Box::pin(res.bytes_stream()))).eventsource();
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

/// The body's bytes, ended by an error once nothing (not even a keep-alive) came for
/// [`STREAM_SILENCE`].
fn silence_ends<B, T, E>(body: B) -> impl futures_util::Stream<Item = Result<T, std::io::Error>>
where
    B: futures_util::Stream<Item = Result<T, E>> + Unpin,
    E: std::error::Error + Send + Sync + 'static,
{
    futures_util::stream::unfold(body, |mut body| async move {
        let chunk = match tokio::time::timeout(STREAM_SILENCE, body.next()).await {
            Ok(None) => return None,
            Ok(Some(chunk)) => chunk.map_err(std::io::Error::other),
            Err(_) => Err(std::io::Error::new(std::io::ErrorKind::TimedOut, "the event stream fell silent")),
        };
        Some((chunk, body))
    })
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

    use crate::client::RoomServer;
    use uuid::Uuid;

    #[tokio::test(start_paused = true)]
    async fn a_server_that_takes_the_connection_and_never_answers_is_tried_again() {
        // Bound and listening, never accepting: the kernel completes the connection and
        // holds the request; no answer ever comes.
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let server = RoomServer::new(&format!("http://{}", listener.local_addr().unwrap())).unwrap();
        let member = RoomMember::restore(server, "ABCDE-FGHJK", Uuid::now_v7(), "token".into()).unwrap();
        let mut follower = Follower::start(member, 0);
        let started = tokio::time::Instant::now();
        // Paused time runs ahead to the next timer at once: an hour without a word fails fast.
        let feed = tokio::time::timeout(Duration::from_secs(3600), follower.feed.recv())
            .await
            .expect("the follower gave up on the silent server")
            .unwrap();
        assert!(matches!(feed, Feed::Disconnected(SyncError::Unreachable { .. })), "{feed:?}");
        assert_eq!(started.elapsed(), ANSWER_TIMEOUT);
        drop(listener);
    }

    #[tokio::test(start_paused = true)]
    async fn a_stream_that_falls_silent_ends_and_one_that_speaks_goes_on() {
        let silent = futures_util::stream::pending::<Result<Vec<u8>, std::io::Error>>();
        let started = tokio::time::Instant::now();
        let item = Box::pin(silence_ends(silent)).next().await.unwrap();
        assert_eq!(item.unwrap_err().kind(), std::io::ErrorKind::TimedOut);
        assert_eq!(started.elapsed(), STREAM_SILENCE);

        // A keep-alive a second before the limit starts the wait anew.
        let (tx, rx) = mpsc::unbounded_channel::<Result<Vec<u8>, std::io::Error>>();
        let mut body = Box::pin(silence_ends(tokio_stream_of(rx)));
        let just_in_time = STREAM_SILENCE - Duration::from_secs(1);
        tokio::spawn(async move {
            tokio::time::sleep(just_in_time).await;
            tx.send(Ok(b": keep-alive\n\n".to_vec())).unwrap();
            std::future::pending::<()>().await; // the sender stays: the stream is open
        });
        let waiting = tokio::time::Instant::now();
        assert!(body.next().await.unwrap().is_ok());
        assert_eq!(waiting.elapsed(), just_in_time);
        let again = tokio::time::Instant::now();
        assert!(body.next().await.unwrap().is_err());
        assert_eq!(again.elapsed(), STREAM_SILENCE);
    }

    /// The receiver as a stream (tokio-stream's wrapper, written out: one function).
    fn tokio_stream_of<T>(rx: mpsc::UnboundedReceiver<T>) -> impl futures_util::Stream<Item = T> + Unpin {
        Box::pin(futures_util::stream::unfold(rx, |mut rx| async move { rx.recv().await.map(|item| (item, rx)) }))
    }

    #[test]
    fn a_change_of_an_unknown_kind_is_skipped_by_its_id() {
        let newer = r#"{"id":42,"at":"2026-12-03T09:00:00Z","change":{"type":"poll_opened","poll":{}}}"#;
        assert!(serde_json::from_str::<RoomEvent>(newer).is_err(), "this client does not know it");
        assert_eq!(unknown_change_id(newer), Some(42));
        assert_eq!(unknown_change_id("not json"), None);
        assert_eq!(unknown_change_id(r#"{"id":1}"#), None, "no change at all is a broken event, not a newer one");
    }
}
