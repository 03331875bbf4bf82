//! Fans a room's new events out to its open event streams, in this process. Events are
//! published in id order while the store's write lock is held, so every stream sees them in
//! order; a stream that falls behind reads the rest from the store.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use tokio::sync::broadcast;
use worktogether_room_protocol::RoomEvent;

/// Events a slow stream may lag behind before it re-reads from the store.
const CHANNEL_CAPACITY: usize = 256;

#[derive(Default)]
pub struct Hub {
    rooms: Mutex<HashMap<i64, broadcast::Sender<Arc<RoomEvent>>>>,
}

impl Hub {
    pub fn subscribe(&self, room: i64) -> broadcast::Receiver<Arc<RoomEvent>> {
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
        let mut rooms = self.rooms.lock().expect("hub lock");
        if let Some(tx) = rooms.get(&room) {
            for e in events {
                if tx.send(Arc::new(e)).is_err() {
                    // Nobody listens any more: forget the room until someone subscribes.
                    rooms.remove(&room);
                    break;
                }
            }
        }
    }
}
