//! The room as the client shows it: the state from the server, kept current by applying
//! events, and saved in the local store so the app shows the room offline.

use crate::error::SyncError;
use chrono::{DateTime, Utc};
use uuid::Uuid;
use worktogether_core::Store;
use worktogether_room_protocol::{RoomChange, RoomEvent, RoomState};

/// Applies one event to the state. Events at or before `state.last_event_id` are already in it.
pub fn apply(state: &mut RoomState, event: &RoomEvent) {
    if event.id <= state.last_event_id {
        return;
    }
    state.last_event_id = event.id;
    match &event.change {
        RoomChange::MemberJoined { member } => {
            if !state.members.iter().any(|m| m.id == member.id) {
                state.members.push(member.clone());
            }
        }
        RoomChange::MemberLeft { member_id, .. } => state.members.retain(|m| m.id != *member_id),
        RoomChange::HostChanged { host_id } => state.room.host_id = *host_id,
        RoomChange::RoomUpdated { room } => state.room = room.clone(),
        RoomChange::PresenceChanged { member_id, presence } => {
            if let Some(m) = state.members.iter_mut().find(|m| m.id == *member_id) {
                m.presence = *presence;
            }
        }
        RoomChange::SessionStarted { session } | RoomChange::SessionChanged { session, .. } => {
            state.session = Some(session.clone());
        }
        // Not part of the room's state: a session's commitments and questions are read with
        // its detail, the schedule on its own.
        RoomChange::CommitmentPublished { .. }
        | RoomChange::CommitmentUpdated { .. }
        | RoomChange::QuestionAsked { .. }
        | RoomChange::QuestionAnswered { .. }
        | RoomChange::ScheduleChanged { .. } => {}
        // The last event of the room: its stream ends, and reconnecting is refused as for a
        // membership that ended (`SyncError::TokenExpired`). The state stays as last seen.
        RoomChange::RoomDeleted => {}
    }
}

/// Saves the state as the one last seen for `membership`.
pub fn remember(store: &Store, membership: Uuid, state: &RoomState, now: DateTime<Utc>) -> Result<(), SyncError> {
    let json = serde_json::to_string(state).expect("states serialize");
    store
        .cache_room_state(membership, &json, state.last_event_id, now)
        .map_err(|e| SyncError::LocalStore { detail: e.to_string() })
}

/// The state last seen for `membership`, if any.
pub fn last_seen(store: &Store, membership: Uuid) -> Result<Option<RoomState>, SyncError> {
    let cached = store.cached_room_state(membership).map_err(|e| SyncError::LocalStore { detail: e.to_string() })?;
    Ok(cached.and_then(|c| serde_json::from_str(&c.state).ok()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use worktogether_room_protocol::{Question, Room};

    fn state() -> RoomState {
        let at = DateTime::from_timestamp(1_800_000_000, 0).unwrap();
        let room = Room {
            code: "ABCDE-FGHJK".into(),
            name: "Kitchen".into(),
            link: None,
            description: None,
            host_id: Uuid::now_v7(),
            created_at: at,
        };
        RoomState { room, members: Vec::new(), session: None, last_event_id: 1 }
    }

    #[test]
    fn questions_and_the_rooms_deletion_move_only_the_last_event_id() {
        let at = DateTime::from_timestamp(1_800_000_060, 0).unwrap();
        let question = Question {
            id: Uuid::now_v7(),
            session_id: Uuid::now_v7(),
            member_id: Uuid::now_v7(),
            commitment_id: Uuid::now_v7(),
            text: "How do I schedule posts?".into(),
            asked_at: at,
            answered_at: None,
        };
        let before = state();
        let mut seen = before.clone();
        let changes = [
            RoomChange::QuestionAsked { question: question.clone() },
            RoomChange::QuestionAnswered { question: Question { answered_at: Some(at), ..question } },
            RoomChange::RoomDeleted,
        ];
        for (id, change) in (2..).zip(changes) {
            apply(&mut seen, &RoomEvent { id, at, change });
            assert_eq!(seen, RoomState { last_event_id: id, ..before.clone() });
        }
    }
}
