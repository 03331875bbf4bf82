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
        // The server deletes a departing member's commitments posted ahead with them.
        RoomChange::MemberLeft { member_id, .. } => {
            state.members.retain(|m| m.id != *member_id);
            state.ahead.retain(|c| c.member_id != *member_id);
        }
        RoomChange::HostChanged { host_id } => state.room.host_id = *host_id,
        RoomChange::RoomUpdated { room } => state.room = room.clone(),
        RoomChange::PresenceChanged { member_id, presence } => {
            if let Some(m) = state.members.iter_mut().find(|m| m.id == *member_id) {
                m.presence = *presence;
            }
        }
        // The commitments posted ahead moved into the session that started (each follows as
        // `commitment_published`).
        RoomChange::SessionStarted { session } => {
            state.session = Some(session.clone());
            state.ahead.clear();
        }
        RoomChange::SessionChanged { session, .. } => state.session = Some(session.clone()),
        RoomChange::CommitmentPostedAhead { commitment } => {
            if !state.ahead.iter().any(|c| c.id == commitment.id) {
                state.ahead.push(commitment.clone());
            }
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
    use worktogether_room_protocol::{
        AheadCommitment, Member, PhaseKind, PlannedPhase, Presence, Question, Room, SharedSession,
    };

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
        RoomState { room, members: Vec::new(), session: None, ahead: Vec::new(), last_event_id: 1 }
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

    #[test]
    fn commitments_ahead_gather_until_the_session_starts_and_go_with_their_member() {
        let at = DateTime::from_timestamp(1_800_000_060, 0).unwrap();
        let member = |name: &str| Member {
            id: Uuid::now_v7(),
            display_name: name.into(),
            presence: Presence::Planning,
            joined_at: at,
        };
        let (ada, bea) = (member("Ada"), member("Bea"));
        let ahead = |member: &Member, text: &str| AheadCommitment {
            id: Uuid::now_v7(),
            member_id: member.id,
            text: text.into(),
            created_at: at,
        };
        let (invoices, taxes, posts) = (ahead(&ada, "Invoices"), ahead(&ada, "Taxes"), ahead(&bea, "Posts"));
        let mut seen = RoomState { members: vec![ada.clone(), bea.clone()], ..state() };
        let mut id = seen.last_event_id;
        let mut apply_next = |seen: &mut RoomState, change: RoomChange| {
            id += 1;
            apply(seen, &RoomEvent { id, at, change });
        };
        for c in [&invoices, &posts, &taxes, &invoices] {
            apply_next(&mut seen, RoomChange::CommitmentPostedAhead { commitment: c.clone() });
        }
        assert_eq!(seen.ahead, [invoices.clone(), posts.clone(), taxes.clone()], "in the order they came, once each");

        apply_next(&mut seen, RoomChange::MemberLeft { member_id: bea.id, removed: false });
        assert_eq!(seen.ahead, [invoices, taxes], "Bea's went with her");
        assert_eq!(seen.members, [ada]);

        let session = SharedSession {
            id: Uuid::now_v7(),
            template_name: "Kitchen".into(),
            phases: vec![PlannedPhase { kind: PhaseKind::Focus, duration_secs: 3600 }],
            started_at: at,
            anchor_index: 0,
            anchor_at: at,
            paused_at: None,
            ended_at: None,
        };
        apply_next(&mut seen, RoomChange::SessionStarted { session: session.clone() });
        assert!(seen.ahead.is_empty(), "they moved into the session");
        assert_eq!(seen.session, Some(session));
    }
}
