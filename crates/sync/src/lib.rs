//! The room client: create and join rooms on a `worktogether-room` server, publish presence,
//! commitments and outcomes, follow a room's events, and compute the shared phase on the
//! server's clock. Writes go through the local outbox first ([`outbox`]), so nothing is lost
//! while offline.

pub mod client;
pub mod clock;
pub mod error;
pub mod follow;
pub mod outbox;
pub mod room_view;
pub mod tokens;

pub use client::{RoomMember, RoomServer};
pub use clock::ServerClock;
pub use error::{Result, SyncError};
pub use follow::{Feed, Follower};
pub use outbox::{Flushed, Outbox, RoomWrite};
pub use tokens::{TokenVault, VaultKind};
pub use worktogether_room_protocol as protocol;
