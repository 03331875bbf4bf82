//! A room as the UI shows it: the server's state, seen from this membership, with how current
//! it is. Typed for the IPC contract; the wire types stay in the protocol crate.

use serde::Serialize;
use uuid::Uuid;
use worktogether_core::Timestamp;
use worktogether_sync::protocol::{
    AheadCommitment, Occurrence, Outcome, PhaseKind, Presence, Question, RoomCommitment, RoomState, SharedPhase,
};

#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct RoomView {
    /// This person's member id in the room: what the app calls the room by.
    pub membership_id: Uuid,
    pub server: String,
    pub code: String,
    /// `worktogether://join/…`, to pass on (none where the server address cannot make one).
    pub invite_link: Option<String>,
    pub name: String,
    pub description: Option<String>,
    pub video_link: Option<String>,
    pub i_am_host: bool,
    /// The host first, then in the order they joined.
    pub members: Vec<MemberView>,
    pub session: Option<SharedSessionView>,
    /// What members shared in the room's latest session, in the order they shared it.
    pub commitments: Vec<SharedCommitmentView>,
    pub connection: Connection,
    /// The person chose to have the video-call link open when they join a session.
    pub open_link_at_start: bool,
    /// The room's next sessions from its schedule, soonest first (a reminder comes before each).
    pub upcoming: Vec<UpcomingView>,
    /// Questions to the host in the latest session, in the order they came.
    pub questions: Vec<QuestionView>,
    /// Commitments posted for the next session by members who cannot come, in the order
    /// they came; they move into the session when it starts.
    pub ahead: Vec<AheadView>,
}

#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct AheadView {
    pub id: Uuid,
    pub member_id: Uuid,
    pub text: String,
    pub posted_at: Timestamp,
    pub mine: bool,
}

fn ahead(c: &AheadCommitment, me: Uuid) -> AheadView {
    AheadView {
        id: c.id,
        member_id: c.member_id,
        text: c.text.clone(),
        posted_at: c.created_at,
        mine: c.member_id == me,
    }
}

#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct QuestionView {
    pub id: Uuid,
    pub member_id: Uuid,
    pub commitment_id: Uuid,
    pub text: String,
    pub asked_at: Timestamp,
    pub answered: bool,
    pub mine: bool,
}

pub fn question(q: &Question, me: Uuid) -> QuestionView {
    QuestionView {
        id: q.id,
        member_id: q.member_id,
        commitment_id: q.commitment_id,
        text: q.text.clone(),
        asked_at: q.asked_at,
        answered: q.answered_at.is_some(),
        mine: q.member_id == me,
    }
}

#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct UpcomingView {
    pub title: String,
    pub starts_at: Timestamp,
    pub ends_at: Timestamp,
}

pub fn upcoming(o: &Occurrence) -> UpcomingView {
    UpcomingView { title: o.title.clone(), starts_at: o.starts_at, ends_at: o.ends_at }
}

/// A commitment a member shared with the room, and later its outcome.
#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct SharedCommitmentView {
    pub id: Uuid,
    pub member_id: Uuid,
    pub text: String,
    pub outcome: SharedOutcome,
    pub note: Option<String>,
    pub feedback_wanted: bool,
    pub kudos: u32,
    /// This person gave kudos to it already.
    pub kudos_from_me: bool,
    pub mine: bool,
    /// Shared after the session was over: the member took part asynchronously.
    pub afterwards: bool,
    /// Posted before the session started, by a member who could not come.
    pub ahead: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum SharedOutcome {
    Pending,
    Done,
    Partly,
    NotDone,
}

pub fn shared_commitment(c: &RoomCommitment, me: Uuid) -> SharedCommitmentView {
    SharedCommitmentView {
        id: c.id,
        member_id: c.member_id,
        text: c.text.clone(),
        outcome: match c.outcome {
            Outcome::Pending => SharedOutcome::Pending,
            Outcome::Done => SharedOutcome::Done,
            Outcome::Partly => SharedOutcome::Partly,
            Outcome::NotDone => SharedOutcome::NotDone,
        },
        note: c.note.clone(),
        feedback_wanted: c.feedback_wanted,
        kudos: u32::try_from(c.kudos.len()).unwrap_or(u32::MAX),
        kudos_from_me: c.kudos.contains(&me),
        mine: c.member_id == me,
        afterwards: c.afterwards,
        ahead: c.ahead,
    }
}

#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct MemberView {
    pub id: Uuid,
    pub display_name: String,
    pub presence: MemberPresence,
    pub is_host: bool,
    pub is_me: bool,
}

/// A member's state as the room shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum MemberPresence {
    Planning,
    Focusing,
    Break,
    Closing,
    Done,
    Away,
}

impl From<Presence> for MemberPresence {
    fn from(p: Presence) -> Self {
        match p {
            Presence::Planning => Self::Planning,
            Presence::Focusing => Self::Focusing,
            Presence::Break => Self::Break,
            Presence::Closing => Self::Closing,
            Presence::Done => Self::Done,
            Presence::Away => Self::Away,
        }
    }
}

/// The room's shared session where it stands now, on this computer's clock.
#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct SharedSessionView {
    pub id: Uuid,
    pub template_name: String,
    pub phase: SharedPhaseKind,
    /// When the phase ends (running), on this computer's clock.
    pub phase_ends_at: Option<Timestamp>,
    pub paused: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum SharedPhaseKind {
    Commitment,
    Focus,
    Break,
    Closing,
    Over,
}

impl From<PhaseKind> for SharedPhaseKind {
    fn from(k: PhaseKind) -> Self {
        match k {
            PhaseKind::Commitment => Self::Commitment,
            PhaseKind::Focus => Self::Focus,
            PhaseKind::Break => Self::Break,
            PhaseKind::Closing => Self::Closing,
        }
    }
}

/// How current the room's view is.
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
#[serde(tag = "state", rename_all = "snake_case", rename_all_fields = "camelCase")]
pub enum Connection {
    Connecting,
    Connected,
    /// The stream broke at `since`; the view is as of then and the app tries again by itself.
    Offline {
        since: Timestamp,
        message: String,
    },
    /// The server will not let this membership in any more (removed, room deleted).
    Ended {
        message: String,
    },
}

/// Builds the view. `server_now` is the server's time; `offset` turns server times into
/// this computer's (local = server − offset).
pub fn room_view(
    membership_id: Uuid,
    server: &str,
    state: &RoomState,
    connection: Connection,
    server_now: Timestamp,
    offset: chrono::Duration,
) -> RoomView {
    let host = state.room.host_id;
    let mut members: Vec<MemberView> = state
        .members
        .iter()
        .map(|m| MemberView {
            id: m.id,
            display_name: m.display_name.clone(),
            presence: m.presence.into(),
            is_host: m.id == host,
            is_me: m.id == membership_id,
        })
        .collect();
    members.sort_by_key(|m| !m.is_host); // stable: the rest keep the server's (joining) order
    let session = state.session.as_ref().map(|s| {
        let (phase, phase_ends_at, paused) = match s.phase_at(server_now) {
            SharedPhase::Running { kind, ends_at, .. } => (kind.into(), Some(ends_at - offset), false),
            SharedPhase::Paused { kind, .. } => (kind.into(), None, true),
            SharedPhase::Over { .. } => (SharedPhaseKind::Over, None, false),
        };
        SharedSessionView { id: s.id, template_name: s.template_name.clone(), phase, phase_ends_at, paused }
    });
    RoomView {
        membership_id,
        server: server.to_owned(),
        code: state.room.code.clone(),
        invite_link: super::link::format(server, &state.room.code),
        name: state.room.name.clone(),
        description: state.room.description.clone(),
        video_link: state.room.link.clone(),
        i_am_host: host == membership_id,
        members,
        session,
        commitments: Vec::new(),
        connection,
        open_link_at_start: false,
        upcoming: Vec::new(),
        questions: Vec::new(),
        ahead: state.ahead.iter().map(|c| ahead(c, membership_id)).collect(),
    }
}
