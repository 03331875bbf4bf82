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
    /// `local`: the person's own commitment it shares, so the room's id for it is kept
    /// (`None` in writes from before that was recorded).
    PublishCommitment {
        session: Uuid,
        text: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        local: Option<Uuid>,
    },
    ReportOutcome {
        commitment: Uuid,
        report: ReportOutcome,
    },
    /// The outcome of one of the person's own shared commitments: sent for the room's id of
    /// it, which its `PublishCommitment` (earlier in the same outbox) brought back.
    ReportOwnOutcome {
        local: Uuid,
        report: ReportOutcome,
    },
    Kudos {
        commitment: Uuid,
    },
    /// A question to the host on one of the person's own shared commitments (the room's id).
    AskQuestion {
        commitment: Uuid,
        text: String,
    },
    /// A commitment for the room's next session, posted before it starts by a person who
    /// cannot come; it moves into that session when the host starts it.
    PostAhead {
        text: String,
    },
    /// Stored by a version that wrote something this one does not know; never sent.
    #[serde(other)]
    Unknown,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_commitment_posted_ahead_is_kept_as_its_own_intent() {
        let write = RoomWrite::PostAhead { text: "Invoices".into() };
        let json = serde_json::to_string(&write).unwrap();
        assert_eq!(json, r#"{"write":"post_ahead","text":"Invoices"}"#);
        assert_eq!(serde_json::from_str::<RoomWrite>(&json).unwrap(), write);
    }
}
