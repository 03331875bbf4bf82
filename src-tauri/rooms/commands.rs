//! The rooms' Tauri commands: each checks its input, hands it to the rooms service and maps
//! errors at the edge.

use super::host::{self, HostAction};
use super::view::RoomView;
use super::{Rooms, link, shared};
use crate::error::ApiError;
use crate::state::AppState;
use serde::Serialize;
use tauri::{AppHandle, Manager, Runtime};
use uuid::Uuid;
use worktogether_core::app::{Action, Answer};
use worktogether_core::{RoomLink, SessionView};
use worktogether_sync::VaultKind;
use worktogether_sync::protocol::{CreateRoom, SessionAction, UpdateRoom};

type Result<T> = std::result::Result<T, ApiError>;

fn services<R: Runtime>(app: &AppHandle<R>) -> Result<(tauri::State<'_, AppState>, tauri::State<'_, Rooms>)> {
    match (app.try_state::<AppState>(), app.try_state::<Rooms>()) {
        (Some(state), Some(rooms)) => Ok((state, rooms)),
        _ => Err(ApiError::unavailable(app)),
    }
}

/// Text a person typed in an optional field: blank means none.
fn optional(text: Option<String>) -> Option<String> {
    text.map(|t| t.trim().to_owned()).filter(|t| !t.is_empty())
}

/// Every room this person is in, as last seen.
#[tauri::command]
#[specta::specta]
pub fn rooms<R: Runtime>(app: AppHandle<R>) -> Result<Vec<RoomView>> {
    let (_, rooms) = services(&app)?;
    Ok(rooms.views())
}

/// Joins with a server address and a room code, or with an invite link (then `server` is
/// ignored and `code` holds the link).
#[tauri::command]
#[specta::specta]
pub async fn join_room<R: Runtime>(
    app: AppHandle<R>,
    server: String,
    code: String,
    display_name: String,
) -> Result<RoomView> {
    let (state, rooms) = services(&app)?;
    let (server, code) = if code.trim_start().starts_with(link::SCHEME) {
        let invite = link::parse(&code).map_err(|bad| ApiError::invalid(&state.catalog(), bad.message_key(), &[]))?;
        (invite.server, invite.code)
    } else {
        (server, code)
    };
    super::join(&app, &state, &rooms, &server, &code, &display_name).await
}

#[derive(Debug, Clone, serde::Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct NewRoom {
    pub server: String,
    pub name: String,
    pub description: Option<String>,
    pub video_link: Option<String>,
    pub display_name: String,
}

/// Creates a room; this person is its host.
#[tauri::command]
#[specta::specta]
pub async fn create_room<R: Runtime>(app: AppHandle<R>, room: NewRoom) -> Result<RoomView> {
    let (state, rooms) = services(&app)?;
    let request = CreateRoom {
        name: room.name.trim().to_owned(),
        description: optional(room.description),
        link: optional(room.video_link),
        host_name: room.display_name.trim().to_owned(),
    };
    if request.name.is_empty() {
        return Err(ApiError::invalid(&state.catalog(), "rooms.error.noRoomName", &[]));
    }
    super::create(&app, &state, &rooms, &room.server, request).await
}

#[tauri::command]
#[specta::specta]
pub async fn leave_room<R: Runtime>(app: AppHandle<R>, membership_id: Uuid) -> Result<()> {
    let (state, rooms) = services(&app)?;
    super::leave(&app, &state, &rooms, membership_id).await
}

/// The host changes the room's name, description or video-call link (blank removes the last two).
#[tauri::command]
#[specta::specta]
pub async fn update_room<R: Runtime>(
    app: AppHandle<R>,
    membership_id: Uuid,
    name: String,
    description: String,
    video_link: String,
) -> Result<RoomView> {
    let (state, rooms) = services(&app)?;
    let name = name.trim().to_owned();
    if name.is_empty() {
        return Err(ApiError::invalid(&state.catalog(), "rooms.error.noRoomName", &[]));
    }
    let update = UpdateRoom {
        name: Some(name),
        description: Some(description.trim().to_owned()),
        link: Some(video_link.trim().to_owned()),
    };
    host::act(&app, &state, &rooms, membership_id, HostAction::Update(update)).await
}

/// The host removes a member. Removal is not a ban: a new code keeps them out.
#[tauri::command]
#[specta::specta]
pub async fn remove_member<R: Runtime>(app: AppHandle<R>, membership_id: Uuid, member_id: Uuid) -> Result<RoomView> {
    let (state, rooms) = services(&app)?;
    host::act(&app, &state, &rooms, membership_id, HostAction::Remove(member_id)).await
}

/// The host hands the host role to another member.
#[tauri::command]
#[specta::specta]
pub async fn hand_over_host<R: Runtime>(app: AppHandle<R>, membership_id: Uuid, member_id: Uuid) -> Result<RoomView> {
    let (state, rooms) = services(&app)?;
    host::act(&app, &state, &rooms, membership_id, HostAction::HandOver(member_id)).await
}

/// The host gives the room a new code: the old code and links admit nobody new.
#[tauri::command]
#[specta::specta]
pub async fn change_room_code<R: Runtime>(app: AppHandle<R>, membership_id: Uuid) -> Result<RoomView> {
    let (state, rooms) = services(&app)?;
    host::act(&app, &state, &rooms, membership_id, HostAction::NewCode).await
}

/// Joins the room's running session: the person's session follows it.
#[tauri::command]
#[specta::specta]
pub async fn join_room_session<R: Runtime>(app: AppHandle<R>, membership_id: Uuid) -> Result<SessionView> {
    let (state, rooms) = services(&app)?;
    shared::join(&app, &state, &rooms, membership_id)
}

/// Leaves the room's session; the person's session goes on alone.
#[tauri::command]
#[specta::specta]
pub async fn leave_room_session<R: Runtime>(app: AppHandle<R>) -> Result<SessionView> {
    let (state, _) = services(&app)?;
    match state.apply(&app, Action::LeaveRoomSession)? {
        Answer::Session(view) => Ok(*view),
        other => Err(crate::commands::unexpected(&state, &other)),
    }
}

/// The host starts a session for the room from one of their templates, now or with its
/// second phase at the next quarter hour, and joins it.
#[tauri::command]
#[specta::specta]
pub async fn start_shared_session<R: Runtime>(
    app: AppHandle<R>,
    membership_id: Uuid,
    template_id: Uuid,
    at_quarter_hour: bool,
) -> Result<SessionView> {
    let (state, rooms) = services(&app)?;
    let template = state.read(|s, _| s.template(template_id))?;
    shared::start(&app, &state, &rooms, membership_id, template, at_quarter_hour).await
}

/// Asks the room's host a question on one of this person's shared commitments.
#[tauri::command]
#[specta::specta]
pub async fn ask_host<R: Runtime>(
    app: AppHandle<R>,
    membership_id: Uuid,
    commitment_id: Uuid,
    text: String,
) -> Result<()> {
    super::ask_host(&app, membership_id, commitment_id, &text)
}

/// Posts a commitment for the room's next session (the person cannot come).
#[tauri::command]
#[specta::specta]
pub async fn post_ahead<R: Runtime>(app: AppHandle<R>, membership_id: Uuid, text: String) -> Result<()> {
    super::post_ahead(&app, membership_id, &text)
}

/// The host marks a question answered.
#[tauri::command]
#[specta::specta]
pub async fn mark_answered<R: Runtime>(app: AppHandle<R>, membership_id: Uuid, question_id: Uuid) -> Result<RoomView> {
    let (state, rooms) = services(&app)?;
    host::act(&app, &state, &rooms, membership_id, HostAction::Answered(question_id)).await
}

/// The host deletes the room for everybody.
#[tauri::command]
#[specta::specta]
pub async fn delete_room<R: Runtime>(app: AppHandle<R>, membership_id: Uuid) -> Result<()> {
    let (state, rooms) = services(&app)?;
    super::delete(&app, &state, &rooms, membership_id).await
}

/// Opens the room's video-call link in the browser (only http and https links).
#[tauri::command]
#[specta::specta]
pub async fn open_video_link<R: Runtime>(app: AppHandle<R>, membership_id: Uuid) -> Result<()> {
    let (state, rooms) = services(&app)?;
    super::open_video_link(&state, &rooms, membership_id)
}

/// Whether the room's video-call link opens by itself when the person joins its session.
#[tauri::command]
#[specta::specta]
pub async fn set_open_link_at_start<R: Runtime>(
    app: AppHandle<R>,
    membership_id: Uuid,
    open: bool,
) -> Result<RoomView> {
    let (state, rooms) = services(&app)?;
    state.with_store(|s| s.set_open_link_at_start(membership_id, open))?;
    rooms.change(membership_id, |live| live.open_link_at_start = open);
    rooms.publish(&app);
    rooms.view(membership_id).ok_or_else(|| ApiError::invalid(&state.catalog(), "rooms.error.notAMember", &[]))
}

/// Shares this session's commitments (and later outcomes) with its room, or stops.
#[tauri::command]
#[specta::specta]
pub async fn share_with_room<R: Runtime>(app: AppHandle<R>, share: bool) -> Result<SessionView> {
    let (state, _) = services(&app)?;
    match state.apply(&app, Action::ShareWithRoom { share })? {
        Answer::Session(view) => Ok(*view),
        other => Err(crate::commands::unexpected(&state, &other)),
    }
}

/// Takes part in the room's latest session with the session of one's own in progress, on its
/// own timer: its commitments and outcomes go to the room (shown as shared afterwards when the
/// room's session is over).
#[tauri::command]
#[specta::specta]
pub async fn share_own_session<R: Runtime>(app: AppHandle<R>, membership_id: Uuid) -> Result<SessionView> {
    let (state, rooms) = services(&app)?;
    let room = rooms.live().get(&membership_id).and_then(|live| {
        let session = live.state.session.as_ref()?;
        Some(RoomLink { membership_id, session_id: session.id, room_name: live.state.room.name.clone() })
    });
    let Some(room) = room else {
        return Err(ApiError::invalid(&state.catalog(), "rooms.error.noSharedSession", &[]));
    };
    match state.apply(&app, Action::ShareOwnSession { room })? {
        Answer::Session(view) => Ok(*view),
        other => Err(crate::commands::unexpected(&state, &other)),
    }
}

/// Kudos for another member's shared commitment (once each; never one's own).
#[tauri::command]
#[specta::specta]
pub async fn give_kudos<R: Runtime>(app: AppHandle<R>, membership_id: Uuid, commitment_id: Uuid) -> Result<()> {
    super::give_kudos(&app, membership_id, commitment_id)
}

/// What the host does to the room's session, for everybody.
#[derive(Debug, Clone, Copy, serde::Deserialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum SharedControl {
    Pause,
    Resume,
    Skip,
    End,
}

#[tauri::command]
#[specta::specta]
pub async fn control_shared_session<R: Runtime>(
    app: AppHandle<R>,
    membership_id: Uuid,
    control: SharedControl,
) -> Result<()> {
    let (state, rooms) = services(&app)?;
    let action = match control {
        SharedControl::Pause => SessionAction::Pause,
        SharedControl::Resume => SessionAction::Resume,
        SharedControl::Skip => SessionAction::Skip,
        SharedControl::End => SessionAction::End,
    };
    shared::control(&state, &rooms, membership_id, action).await?;
    // The host's own session follows at once; every member's with the room's event.
    let moved =
        rooms.live().get(&membership_id).and_then(|l| Some((l.state.session.clone()?, l.member.server.clone())));
    if let Some((session, server)) = moved {
        shared::follow(&app, &session, &server);
    }
    Ok(())
}

/// The invite link the app was opened with, once (the page asks when it is ready; later links
/// come as the `join-link` event).
#[tauri::command]
#[specta::specta]
pub fn take_join_link<R: Runtime>(app: AppHandle<R>) -> Result<Option<String>> {
    let (_, rooms) = services(&app)?;
    Ok(rooms.waiting_link.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).take())
}

/// Where the room tokens are kept, for the settings to say.
#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct TokenPlace {
    /// `false`: no secret store answered, and the tokens are in `file`, readable by this user only.
    pub secret_store: bool,
    pub file: String,
}

#[tauri::command]
#[specta::specta]
pub async fn token_place<R: Runtime>(app: AppHandle<R>) -> Result<TokenPlace> {
    let (state, rooms) = services(&app)?;
    let vault = rooms.vault(state.data_dir.clone()).await;
    Ok(TokenPlace { secret_store: vault.kind() == VaultKind::SecretStore, file: vault.file().display().to_string() })
}
