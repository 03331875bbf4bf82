//! `worktogether rooms` (the rooms as last seen, from the database) and `worktogether join
//! LINK` (the invite link opened in the app, as a click on it would).

use crate::i18n::Catalog;
use crate::rooms::link;
use chrono::{DateTime, Local, Utc};
use serde::Serialize;
use worktogether_core::store::outbox::RoomMembership;
use worktogether_core::{CoreError, Store};
use worktogether_sync::protocol::{RoomState, SharedPhase};

/// One room, for `rooms --json`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RoomLine {
    pub name: String,
    pub code: String,
    pub server: String,
    pub invite_link: Option<String>,
    pub members: usize,
    /// The room's shared session while one runs.
    pub session: Option<SessionLine>,
    /// When this computer last heard from the room.
    pub seen_at: DateTime<Utc>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SessionLine {
    pub template: String,
    /// `commitment`, `focus`, `break` or `closing`.
    pub phase: String,
    pub paused: bool,
    pub phase_ends_at: Option<DateTime<Utc>>,
}

/// The rooms in the order they were joined, as last seen (a room never seen is left out).
pub fn read(store: &Store, now: DateTime<Utc>) -> Result<Vec<RoomLine>, CoreError> {
    let mut lines = Vec::new();
    for RoomMembership { id, server, .. } in store.room_memberships()? {
        let Some(cached) = store.cached_room_state(id)? else { continue };
        let Ok(state) = serde_json::from_str::<RoomState>(&cached.state) else { continue };
        let session = state.session.as_ref().and_then(|s| {
            let (kind, paused, ends) = match s.phase_at(now) {
                SharedPhase::Running { kind, ends_at, .. } => (kind, false, Some(ends_at)),
                SharedPhase::Paused { kind, .. } => (kind, true, None),
                SharedPhase::Over { .. } => return None,
            };
            let phase = serde_json::to_value(kind).ok()?.as_str()?.to_owned();
            Some(SessionLine { template: s.template_name.clone(), phase, paused, phase_ends_at: ends })
        });
        lines.push(RoomLine {
            name: state.room.name.clone(),
            code: state.room.code.clone(),
            invite_link: link::format(&server, &state.room.code),
            server,
            members: state.members.len(),
            session,
            seen_at: cached.seen_at,
        });
    }
    Ok(lines)
}

/// `Name (ABCDE-FGHJK, 3 members): focus until 14:25` and the like, one line a room.
pub fn text(catalog: &Catalog, rooms: &[RoomLine]) -> String {
    if rooms.is_empty() {
        return catalog.t("cli.rooms.none", &[]);
    }
    let lines: Vec<String> = rooms
        .iter()
        .map(|room| {
            let what = match &room.session {
                None => catalog.t("cli.rooms.no_session", &[]),
                Some(s) => {
                    let phase = catalog.t(&format!("phase.{}", s.phase), &[]);
                    match s.phase_ends_at {
                        Some(at) if !s.paused => catalog.t(
                            "cli.rooms.session_until",
                            &[("phase", phase), ("time", at.with_timezone(&Local).format("%H:%M").to_string())],
                        ),
                        _ => catalog.t("cli.rooms.session_paused", &[("phase", phase)]),
                    }
                }
            };
            catalog.t(
                "cli.rooms.line",
                &[
                    ("name", room.name.clone()),
                    ("code", room.code.clone()),
                    ("members", room.members.to_string()),
                    ("session", what),
                ],
            )
        })
        .collect();
    lines.join("\n")
}

/// Checks an invite link before the app is asked to open it.
pub fn check_link(catalog: &Catalog, text: &str) -> Result<String, String> {
    link::parse(text).map(|_| text.trim().to_owned()).map_err(|bad| catalog.t(bad.message_key(), &[]))
}
