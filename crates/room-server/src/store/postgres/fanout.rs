//! Hands the events any instance commits to this instance's open streams. Each write's
//! transaction sends a notice at commit ("room R has events first..=last", with the events
//! when they fit in a notice), and PostgreSQL delivers notices in commit order to every
//! listening instance, this one included. One task listens and publishes each room's events
//! to the [`Hub`] in id order, whichever instance wrote them; it reads them from the table
//! only when they did not fit, or to fill a gap.
//!
//! Notices may be lost while the listening connection is down: after a reconnect, every
//! stream here is told to read the store for what it missed.

use super::CHANNEL;
use crate::hub::Hub;
use deadpool_postgres::Pool;
use futures_util::StreamExt;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::mpsc::UnboundedReceiver;
use tokio_postgres::AsyncMessage;
use worktogether_room_protocol::RoomEvent;

/// NOTIFY refuses payloads of 8,000 bytes or more.
const PAYLOAD_MAX: usize = 7900;
/// How long to wait before listening again after the connection failed.
const RECONNECT_AFTER: Duration = Duration::from_millis(500);

/// What a write's transaction announces.
#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub(super) enum Notice {
    /// The room has new events, ids `first..=last`: these (empty if they would not fit).
    Added { room: i64, first: u64, last: u64, events: Vec<RoomEvent> },
    /// The room was deleted, its events with it: the last ones it got travel in the notice
    /// (left out if they would not fit, as `expire` deletes rooms with none).
    Deleted { room: i64, events: Vec<RoomEvent> },
}

impl Notice {
    pub(super) fn payload(&self) -> String {
        let payload = serde_json::to_string(self).expect("notices serialize");
        if payload.len() <= PAYLOAD_MAX {
            return payload;
        }
        match self {
            Self::Added { room, first, last, .. } => {
                Self::Added { room: *room, first: *first, last: *last, events: Vec::new() }.payload()
            }
            Self::Deleted { room, .. } => Self::Deleted { room: *room, events: Vec::new() }.payload(),
        }
    }
}

/// Listens for notices for as long as the server runs.
pub(super) async fn run(config: tokio_postgres::Config, pool: Pool, hub: Arc<Hub>) {
    let mut published: HashMap<i64, u64> = HashMap::new();
    loop {
        // The client lives while its connection listens.
        let (_client, mut notices) = match listen(&config).await {
            Ok(listening) => listening,
            Err(e) => {
                tracing::warn!(error = %e, "cannot listen for other instances' events; trying again");
                tokio::time::sleep(RECONNECT_AFTER).await;
                continue;
            }
        };
        // Notices sent while nobody listened are lost: the streams read what they missed.
        published.clear();
        for room in hub.followed() {
            hub.resync(room);
        }
        // Until the connection ends: then listen again, and catch up.
        while let Some(payload) = notices.recv().await {
            match serde_json::from_str(&payload) {
                Ok(notice) => handle(&pool, &hub, &mut published, notice).await,
                Err(e) => tracing::warn!(error = %e, "an unreadable notice on {CHANNEL}"),
            }
        }
        tracing::warn!("the connection listening for other instances' events ended; listening again");
    }
}

/// A connection of its own that listens on [`CHANNEL`]: its client, and the channel its
/// notices' payloads arrive on, which closes when the connection ends.
async fn listen(
    config: &tokio_postgres::Config,
) -> Result<(tokio_postgres::Client, UnboundedReceiver<String>), tokio_postgres::Error> {
    let (client, mut connection) = config.connect(tokio_postgres::NoTls).await?;
    let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
    tokio::spawn(async move {
        // Polling the connection also carries the client's LISTEN below.
        let mut messages = futures_util::stream::poll_fn(move |cx| connection.poll_message(cx));
        while let Some(message) = messages.next().await {
            match message {
                Ok(AsyncMessage::Notification(n)) => {
                    if tx.send(n.payload().to_owned()).is_err() {
                        return;
                    }
                }
                Ok(_) => {}
                Err(e) => return tracing::warn!(error = %e, "the listening connection failed"),
            }
        }
    });
    client.batch_execute(&format!("LISTEN {CHANNEL}")).await?;
    Ok((client, rx))
}

async fn handle(pool: &Pool, hub: &Hub, published: &mut HashMap<i64, u64>, notice: Notice) {
    match notice {
        Notice::Added { room, first, last, events } => {
            if !hub.is_followed(room) {
                // A stream that comes reads the store first: nothing to keep for it.
                published.remove(&room);
                return;
            }
            let after = published.get(&room).copied().unwrap_or(first.saturating_sub(1));
            if after >= last {
                return;
            }
            if events.is_empty() || after + 1 < first {
                // Too many to travel in the notice, or a gap before them: read from the table.
                return publish(pool, hub, published, room, after, last).await;
            }
            published.insert(room, last);
            hub.publish(room, events.into_iter().filter(|e| e.id > after).collect());
        }
        Notice::Deleted { room, events } => {
            let after = published.remove(&room).unwrap_or(0);
            hub.publish(room, events.into_iter().filter(|e| e.id > after).collect());
            hub.close(room);
        }
    }
}

/// Reads the room's events `after + 1..=until` and publishes them.
async fn publish(pool: &Pool, hub: &Hub, published: &mut HashMap<i64, u64>, room: i64, after: u64, until: u64) {
    match read(pool, room, after, until).await {
        Ok(events) => {
            if let Some(last) = events.last() {
                published.insert(room, last.id);
            }
            hub.publish(room, events);
        }
        Err(e) => {
            tracing::warn!(error = %e, room, "cannot read a room's new events; its streams read them later");
            published.remove(&room);
            hub.resync(room);
        }
    }
}

async fn read(pool: &Pool, room: i64, after: u64, until: u64) -> crate::error::Result<Vec<RoomEvent>> {
    let client = pool.get().await.map_err(super::pool_error)?;
    let statement = client
        .prepare_cached("SELECT body FROM events WHERE room_id = $1 AND id > $2 AND id <= $3 ORDER BY id")
        .await?;
    let rows = client.query(&statement, &[&room, &super::big(after), &super::big(until)]).await?;
    rows.iter().map(super::event_row).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Utc;
    use worktogether_room_protocol::RoomChange;

    #[test]
    fn a_notice_carries_its_events_when_they_fit_and_only_their_ids_otherwise() {
        let event = |id, text: &str| RoomEvent {
            id,
            at: Utc::now(),
            change: RoomChange::RoomUpdated {
                room: worktogether_room_protocol::Room {
                    code: "AAAAA-AAAAA".into(),
                    name: text.into(),
                    link: None,
                    description: None,
                    host_id: uuid::Uuid::nil(),
                    created_at: Utc::now(),
                },
            },
        };
        let small = Notice::Added { room: 3, first: 5, last: 6, events: vec![event(5, "a"), event(6, "b")] }.payload();
        let Ok(Notice::Added { room: 3, first: 5, last: 6, events }) = serde_json::from_str(&small) else {
            panic!("{small}")
        };
        assert_eq!(events.len(), 2);
        let big =
            Notice::Added { room: 3, first: 5, last: 6, events: vec![event(5, &"x".repeat(9000)), event(6, "b")] };
        let big = big.payload();
        assert!(big.len() <= PAYLOAD_MAX, "{} bytes", big.len());
        let Ok(Notice::Added { first: 5, last: 6, events, .. }) = serde_json::from_str(&big) else { panic!("{big}") };
        assert!(events.is_empty(), "read from the table instead");
    }

    #[test]
    fn a_deleted_rooms_notice_fits_or_goes_without_its_events() {
        let event = |id| RoomEvent { id, at: Utc::now(), change: RoomChange::RoomDeleted };
        let small = Notice::Deleted { room: 7, events: vec![event(1)] }.payload();
        assert!(small.contains("room_deleted"), "{small}");
        let big = Notice::Deleted { room: 7, events: (1..=500).map(event).collect() }.payload();
        assert!(big.len() <= PAYLOAD_MAX, "{} bytes", big.len());
        let Ok(Notice::Deleted { room: 7, events }) = serde_json::from_str(&big) else { panic!("{big}") };
        assert!(events.is_empty());
    }
}
