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
        RoomChange::CommitmentPublished { .. }
        | RoomChange::CommitmentUpdated { .. }
        | RoomChange::ScheduleChanged { .. } => {}
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
