//! A room's shared session and this person's session following it. The room's phase is
//! computed from the server's timestamps with the clock offset (`SharedSession::phase_at`),
//! never pushed; the core's session takes the room's phase ends as its deadlines
//! (`Action::JoinRoomSession`, `Action::FollowRoom`), so the ticker, notifications, tray,
//! compact windows and status line work as for a session of one's own.

use super::{Rooms, sync_error};
use crate::error::ApiError;
use crate::notifier::Notice;
use crate::state::AppState;
use chrono::{DurationRound, TimeDelta, Utc};
use tauri::{AppHandle, Manager, Runtime};
use uuid::Uuid;
use worktogether_core::app::{Action, Answer};
use worktogether_core::error::WrongState;
use worktogether_core::{CoreError, PhaseKind, PlannedPhase, RoomLink, RoomPosition, SessionView, Template};
use worktogether_sync::RoomServer;
use worktogether_sync::protocol::{self, SessionAction, SharedPhase, SharedSession, StartSession};

/// Where the room's session stands now, on this computer's clock.
pub fn position(session: &SharedSession, server: &RoomServer) -> RoomPosition {
    let offset = server.clock().offset(); // server time = this computer's + offset
    let last = u32::try_from(session.phases.len().saturating_sub(1)).unwrap_or(0);
    match session.phase_at(server.now()) {
        SharedPhase::Running { index, started_at, ends_at, .. } => {
            RoomPosition { index, started_at: started_at - offset, ends_at: Some(ends_at - offset), over: false }
        }
        SharedPhase::Paused { index, started_at, .. } => {
            RoomPosition { index, started_at: started_at - offset, ends_at: None, over: false }
        }
        SharedPhase::Over { at } => RoomPosition { index: last, started_at: at - offset, ends_at: None, over: true },
    }
}

fn kind(k: protocol::PhaseKind) -> PhaseKind {
    match k {
        protocol::PhaseKind::Commitment => PhaseKind::Commitment,
        protocol::PhaseKind::Focus => PhaseKind::Focus,
        protocol::PhaseKind::Break => PhaseKind::Break,
        protocol::PhaseKind::Closing => PhaseKind::Closing,
    }
}

fn wire_kind(k: PhaseKind) -> protocol::PhaseKind {
    match k {
        PhaseKind::Commitment => protocol::PhaseKind::Commitment,
        PhaseKind::Focus => protocol::PhaseKind::Focus,
        PhaseKind::Break => protocol::PhaseKind::Break,
        PhaseKind::Closing => protocol::PhaseKind::Closing,
    }
}

fn plan(session: &SharedSession) -> Vec<PlannedPhase> {
    session.phases.iter().map(|p| PlannedPhase { kind: kind(p.kind), duration_secs: p.duration_secs }).collect()
}

/// Whether the person's session follows `room_session` now.
fn follows(session: Option<&SessionView>, room_session: Uuid) -> bool {
    session.is_some_and(|s| s.follows_room && s.room.as_ref().is_some_and(|r| r.session_id == room_session))
}

/// The room's session as the person can join it: running (or paused), not over.
pub(super) fn joinable(state: &protocol::RoomState, server: &RoomServer) -> Option<SharedSession> {
    let session = state.session.as_ref()?;
    (!matches!(session.phase_at(server.now()), SharedPhase::Over { .. })).then(|| session.clone())
}

/// Joins the room's running session: the person's session follows it from its current phase.
pub fn join<R: Runtime>(
    app: &AppHandle<R>,
    state: &AppState,
    rooms: &Rooms,
    id: Uuid,
) -> Result<SessionView, ApiError> {
    let found = rooms.live().get(&id).map(|live| {
        (joinable(&live.state, &live.member.server), live.member.server.clone(), live.state.room.name.clone())
    });
    let Some((shared, server, room_name)) = found else {
        return Err(ApiError::invalid(&state.catalog(), "rooms.error.notAMember", &[]));
    };
    let Some(shared) = shared else {
        return Err(ApiError::invalid(&state.catalog(), "rooms.error.noSharedSession", &[]));
    };
    let action = Action::JoinRoomSession {
        room: RoomLink { membership_id: id, session_id: shared.id, room_name },
        template_name: shared.template_name.clone(),
        plan: plan(&shared),
        at: position(&shared, &server),
    };
    let view = match state.apply(app, action)? {
        Answer::Session(view) => *view,
        other => return Err(crate::commands::unexpected(state, &other)),
    };
    let open_link = rooms.live().get(&id).is_some_and(|live| live.open_link_at_start);
    if open_link && let Err(e) = super::open_video_link(state, rooms, id) {
        log::warn!("the room's video link did not open: {}", e.message);
    }
    Ok(view)
}

/// Joins from outside the window (`from`: the notice, the tray): the window comes up on the
/// session.
pub fn join_and_show<R: Runtime>(app: &AppHandle<R>, id: Uuid, from: &str) {
    let (Some(state), Some(rooms)) = (app.try_state::<AppState>(), app.try_state::<Rooms>()) else { return };
    match join(app, &state, &rooms, id) {
        Ok(_) => {
            crate::events::emit(app, crate::events::UiEvent::ShowSession);
            crate::windows::show_main(app);
        }
        Err(e) => log::warn!("joining from {from} failed: {}", e.message),
    }
}

/// The room's session changed, or this computer reconnected: a session that follows it
/// goes where the room is. Called without any lock held.
pub fn follow<R: Runtime>(app: &AppHandle<R>, shared: &SharedSession, server: &RoomServer) {
    let Some(state) = app.try_state::<AppState>() else { return };
    let current = state.read(|s, now| s.current_session(now)).ok().flatten();
    if !follows(current.as_ref(), shared.id) {
        return;
    }
    let action = Action::FollowRoom { room_session: shared.id, at: position(shared, server) };
    if let Err(e) = state.apply(app, action) {
        log::warn!("following the room's session failed: {}", e.message);
    }
}

/// A member hears that the host started a session: "<host> started <template> in <room>",
/// with a button to join where the notification server offers actions.
pub fn announce<R: Runtime>(app: &AppHandle<R>, id: Uuid, shared: &SharedSession, state: &protocol::RoomState) {
    let Some(app_state) = app.try_state::<AppState>() else { return };
    let catalog = app_state.catalog();
    let host = state.members.iter().find(|m| m.id == state.room.host_id).map(|m| m.display_name.clone());
    let notice = Notice {
        summary: catalog.t(
            "notify.room.started",
            &[
                ("host", host.unwrap_or_default()),
                ("template", shared.template_name.clone()),
                ("room", state.room.name.clone()),
            ],
        ),
        body: catalog.t("notify.room.join_body", &[]),
    };
    let handle = app.clone();
    let join_label = catalog.t("notify.room.join", &[]);
    app_state.notifier.send_with_action(notice, join_label, Box::new(move || join_and_show(&handle, id, "the notice")));
    app_state.tray_wake.notify_one();
}

/// The host starts a shared session from `template`, now or so that its second phase begins
/// at the next quarter hour (the commitment round takes up the time until then, and breaks
/// line up on the clock), and joins it.
pub async fn start<R: Runtime>(
    app: &AppHandle<R>,
    state: &AppState,
    rooms: &Rooms,
    id: Uuid,
    template: Template,
    at_quarter_hour: bool,
) -> Result<SessionView, ApiError> {
    let member = rooms.live().get(&id).map(|live| live.member.clone());
    let Some(member) = member else {
        return Err(ApiError::invalid(&state.catalog(), "rooms.error.notAMember", &[]));
    };
    // The host's own session follows the room's: refused before the room's starts, not after.
    if state.read(|s, now| s.current_session(now))?.is_some() {
        return Err(state.error(&CoreError::WrongState(WrongState::SessionInProgress)));
    }
    let mut phases: Vec<protocol::PlannedPhase> = template
        .phases
        .iter()
        .map(|p| protocol::PlannedPhase { kind: wire_kind(p.kind), duration_secs: p.duration_secs })
        .collect();
    if at_quarter_hour && let Some(first) = phases.first_mut() {
        first.duration_secs = secs_to_quarter_hour(member.server.now(), first.duration_secs);
    }
    let request = StartSession { template_name: template.name.clone(), phases };
    let shared =
        member.start_session(&request, &Uuid::now_v7().to_string()).await.map_err(|e| sync_error(state, &e))?;
    rooms.change(id, |live| live.state.session = Some(shared.clone()));
    join(app, state, rooms, id)
}

/// The first phase's length so that it ends on the next quarter hour, and lasts at least
/// `at_least` seconds (otherwise the quarter hour after that).
fn secs_to_quarter_hour(now: chrono::DateTime<Utc>, at_least: u32) -> u32 {
    let quarter = TimeDelta::minutes(15);
    let earliest = now + TimeDelta::seconds(i64::from(at_least));
    let next = earliest.duration_trunc(quarter).map_or(earliest, |t| if t < earliest { t + quarter } else { t });
    u32::try_from((next - now).num_seconds()).unwrap_or(at_least)
}

/// The host pauses, resumes, skips or ends the room's session for everybody.
pub async fn control(state: &AppState, rooms: &Rooms, id: Uuid, action: SessionAction) -> Result<(), ApiError> {
    let found = rooms.live().get(&id).map(|live| (live.member.clone(), live.state.session.as_ref().map(|s| s.id)));
    let Some((member, Some(session))) = found else {
        return Err(ApiError::invalid(&state.catalog(), "rooms.error.noSharedSession", &[]));
    };
    let changed = member
        .control_session(session, action, &Uuid::now_v7().to_string())
        .await
        .map_err(|e| sync_error(state, &e))?;
    // The event follows; the host's own session moves at once.
    rooms.change(id, |live| live.state.session = Some(changed));
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn the_commitment_round_runs_to_the_next_quarter_hour() {
        let at = |h, m, s| Utc.with_ymd_and_hms(2026, 12, 3, h, m, s).unwrap();
        assert_eq!(secs_to_quarter_hour(at(9, 7, 30), 300), 450, "9:07:30 → 9:15");
        assert_eq!(secs_to_quarter_hour(at(9, 12, 0), 300), 1080, "too short to 9:15: 9:30");
        assert_eq!(secs_to_quarter_hour(at(9, 10, 0), 300), 300, "exactly 9:15");
    }
}
