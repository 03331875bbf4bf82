//! Fans a room's new events out to its open event streams, in this process. The store
//! publishes each room's events in id order (the SQLite store under its write lock, the
//! PostgreSQL store from one listening task), so every stream sees them in order; a stream
//! that falls behind, or is told it may have missed some, reads the rest from the store.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use tokio::sync::broadcast;
use worktogether_room_protocol::RoomEvent;

/// Events a slow stream may lag behind before it re-reads from the store.
const CHANNEL_CAPACITY: usize = 256;

/// What a room's streams receive.
#[derive(Debug, Clone)]
pub enum Live {
    Event(Arc<RoomEvent>),
    /// Events may have been missed here (another instance's notice was lost): read the
    /// store from the last event sent.
    Resync,
}

#[derive(Default)]
pub struct Hub {
    rooms: Mutex<HashMap<i64, broadcast::Sender<Live>>>,
}

impl Hub {
    pub fn subscribe(&self, room: i64) -> broadcast::Receiver<Live> {
        let mut rooms = self.rooms.lock().expect("hub lock");
        rooms.entry(room).or_insert_with(|| broadcast::channel(CHANNEL_CAPACITY).0).subscribe()
    }

    /// The room was deleted: its streams get what was published, then the channel's end
    /// (its sender is dropped here), and end. A stream that subscribes later gets a new
    /// channel and finds its member gone at its first read of the store.
    pub fn close(&self, room: i64) {
        self.rooms.lock().expect("hub lock").remove(&room);
    }

    pub fn publish(&self, room: i64, events: Vec<RoomEvent>) {
        self.send(room, events.into_iter().map(|e| Live::Event(Arc::new(e))));
    }

    /// Tells the room's streams to read the store for what they may have missed.
    pub fn resync(&self, room: i64) {
        self.send(room, [Live::Resync]);
    }

    /// Whether any stream follows the room here.
    pub fn is_followed(&self, room: i64) -> bool {
        self.rooms.lock().expect("hub lock").get(&room).is_some_and(|tx| tx.receiver_count() > 0)
    }

    /// The rooms streams follow here.
    pub fn followed(&self) -> Vec<i64> {
        let rooms = self.rooms.lock().expect("hub lock");
        rooms.iter().filter(|(_, tx)| tx.receiver_count() > 0).map(|(&room, _)| room).collect()
    }

    fn send(&self, room: i64, items: impl IntoIterator<Item = Live>) {
        let mut rooms = self.rooms.lock().expect("hub lock");
        if let Some(tx) = rooms.get(&room) {
            for item in items {
                if tx.send(item).is_err() {
                    // Nobody listens any more: forget the room until someone subscribes.
                    rooms.remove(&room);
                    break;
                }
            }
        }
    }
}
