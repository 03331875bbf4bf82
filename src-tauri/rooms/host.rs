//! What the host of a room does: change its name, description and video-call link, remove
//! a member, hand the host role over, give the room a new code. These need the server's
//! answer (they change the room for everybody), so they are sent at once, not queued: offline,
//! the person hears that the server cannot be reached and nothing changes.

use super::view::RoomView;
use super::{Rooms, sync_error};
use crate::error::ApiError;
use crate::state::AppState;
use tauri::{AppHandle, Runtime};
use uuid::Uuid;
use worktogether_sync::RoomMember;
use worktogether_sync::protocol::{Room, UpdateRoom};

/// What the host can do, as one request to the server.
pub enum HostAction {
    Update(UpdateRoom),
    Remove(Uuid),
    HandOver(Uuid),
    NewCode,
    /// Marks a question to the host answered.
    Answered(Uuid),
}

/// Sends `action` as the host of the room `id`; the room's view afterwards.
pub async fn act<R: Runtime>(
    app: &AppHandle<R>,
    state: &AppState,
    rooms: &Rooms,
    id: Uuid,
    action: HostAction,
) -> Result<RoomView, ApiError> {
    let member: Option<RoomMember> = rooms.live().get(&id).map(|live| live.member.clone());
    let Some(member) = member else {
        return Err(ApiError::invalid(&state.catalog(), "rooms.error.notAMember", &[]));
    };
    let key = Uuid::now_v7().to_string();
    let room: Option<Room> = match action {
        HostAction::Update(update) => Some(member.update_room(&update, &key).await),
        HostAction::HandOver(to) => Some(member.hand_over(to, &key).await),
        HostAction::NewCode => Some(member.change_code(&key).await),
        HostAction::Answered(question) => {
            let answered = member.mark_answered(question, &key).await.map_err(|e| sync_error(state, &e))?;
            rooms.change(id, |live| {
                if let Some(q) = live.questions.iter_mut().find(|q| q.id == answered.id) {
                    *q = answered;
                }
            });
            None
        }
        HostAction::Remove(who) => {
            member.remove_member(who, &key).await.map_err(|e| sync_error(state, &e))?;
            rooms.change(id, |live| live.state.members.retain(|m| m.id != who));
            None
        }
    }
    .transpose()
    .map_err(|e| sync_error(state, &e))?;
    if let Some(room) = room {
        // The event with the same change follows; showing the answer now saves the wait.
        let code = room.code.clone();
        rooms.change(id, |live| {
            live.member.code = code.clone();
            live.state.room = room;
        });
        // A new code is the one to use from now on (the old one admits nobody new).
        let membership = state.with_store(|s| s.room_memberships())?.into_iter().find(|m| m.id == id);
        if let Some(mut membership) = membership.filter(|m| m.room_code != code) {
            membership.room_code = code;
            state.with_store(|s| s.save_room_membership(&membership))?;
        }
    }
    rooms.publish(app);
    rooms.view(id).ok_or_else(|| ApiError::internal(&state.catalog()))
}
