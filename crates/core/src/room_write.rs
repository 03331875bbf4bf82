//! What a member does in a room that can wait for the network: the outbox keeps these
//! intents (as JSON), and the sync crate turns each into its request when it sends it.

use serde::{Deserialize, Serialize};
use uuid::Uuid;
use worktogether_room_protocol::{Presence, ReportOutcome};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "write", rename_all = "snake_case")]
pub enum RoomWrite {
    Presence {
        presence: Presence,
    },
    PublishCommitment {
        session: Uuid,
        text: String,
    },
    ReportOutcome {
        commitment: Uuid,
        report: ReportOutcome,
    },
    Kudos {
        commitment: Uuid,
    },
    /// Stored by a version that wrote something this one does not know; never sent.
    #[serde(other)]
    Unknown,
}
