//! Requests, responses and events of the room API, `/v1`.

use chrono::{DateTime, NaiveDateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[cfg(feature = "openapi")]
use utoipa::ToSchema;

/// A member's state as the room sees it. `away` is also set by the server when a member's
/// event stream has been gone longer than the grace period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Presence {
    Planning,
    Focusing,
    Break,
    Closing,
    Done,
    Away,
}

/// The four kinds of phase of the ritual, as in the app.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum PhaseKind {
    Commitment,
    Focus,
    Break,
    Closing,
}

/// One step of a shared session's plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PlannedPhase {
    pub kind: PhaseKind,
    #[cfg_attr(feature = "openapi", schema(minimum = 1))]
    pub duration_secs: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CreateRoom {
    pub name: String,
    /// The creator's display name; the creator becomes the room's first member and host.
    pub host_name: String,
    /// A video-call link (Zoom, Jitsi…), `http` or `https`.
    #[serde(default)]
    pub link: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct JoinRoom {
    pub display_name: String,
}

/// What the host may change; a field left out stays, an empty `link` or `description`
/// removes it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct UpdateRoom {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub link: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct HandOver {
    pub member_id: Uuid,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SetPresence {
    pub presence: Presence,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Room {
    pub code: String,
    pub name: String,
    pub link: Option<String>,
    pub description: Option<String>,
    pub host_id: Uuid,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Member {
    pub id: Uuid,
    pub display_name: String,
    pub presence: Presence,
    pub joined_at: DateTime<Utc>,
}

/// Everything a member needs to show a room, read at one instant: the events after
/// `lastEventId` are what changed since.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct RoomState {
    pub room: Room,
    pub members: Vec<Member>,
    /// The latest shared session, running or over.
    pub session: Option<SharedSession>,
    /// The commitments posted for the next session, in the order they came. Absent from
    /// servers (and states cached) before commitments ahead, hence the default.
    #[serde(default)]
    pub ahead: Vec<AheadCommitment>,
    pub last_event_id: u64,
}

/// The answer to creating or joining a room. Keep `token`: it is the only key to the room
/// as this member, and the server stores only its hash.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Membership {
    pub member_id: Uuid,
    pub token: String,
    pub state: RoomState,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct StartSession {
    pub template_name: String,
    pub phases: Vec<PlannedPhase>,
}

/// A session the host runs for the whole room. The phase at any instant follows from these
/// server timestamps alone ([`SharedSession::phase_at`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct SharedSession {
    pub id: Uuid,
    pub template_name: String,
    pub phases: Vec<PlannedPhase>,
    pub started_at: DateTime<Utc>,
    /// Phase `anchorIndex` started (or, after a pause, counts as started) at `anchorAt`;
    /// later phases follow back to back.
    pub anchor_index: u32,
    pub anchor_at: DateTime<Utc>,
    pub paused_at: Option<DateTime<Utc>>,
    pub ended_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum SessionAction {
    Pause,
    Resume,
    Skip,
    End,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ControlSession {
    pub action: SessionAction,
}

/// What became of a commitment, as in the app.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Pending,
    Done,
    Partly,
    NotDone,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PublishCommitment {
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ReportOutcome {
    pub outcome: Outcome,
    #[serde(default)]
    pub note: Option<String>,
    #[serde(default)]
    pub feedback_wanted: bool,
}

/// A commitment a member shared with the room, and in the closing round (or afterwards)
/// what became of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct RoomCommitment {
    pub id: Uuid,
    pub session_id: Uuid,
    pub member_id: Uuid,
    pub text: String,
    pub outcome: Outcome,
    pub note: Option<String>,
    pub feedback_wanted: bool,
    /// The members who gave kudos, in the order they did.
    pub kudos: Vec<Uuid>,
    pub created_at: DateTime<Utc>,
    /// Posted after the session was over: the member took part asynchronously.
    pub afterwards: bool,
    /// Posted before its session started: the member took part asynchronously.
    #[serde(default)]
    pub ahead: bool,
}

/// A commitment a member posted for the room's next session, before it started (they
/// cannot come). When the host starts the session it moves into it, with this id and
/// `createdAt`, as a `RoomCommitment` with `ahead` set.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct AheadCommitment {
    pub id: Uuid,
    pub member_id: Uuid,
    pub text: String,
    pub created_at: DateTime<Utc>,
}

/// A question to the host about one of the asker's own shared commitments. The commitment
/// is named in the path (`POST /v1/rooms/{code}/commitments/{commitment_id}/questions`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AskQuestion {
    pub text: String,
}

/// A question a member asked the host during a shared session, about one of their own
/// shared commitments; `answeredAt` is set once the host marked it answered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Question {
    pub id: Uuid,
    pub session_id: Uuid,
    /// Who asked: the member whose commitment it is.
    pub member_id: Uuid,
    pub commitment_id: Uuid,
    pub text: String,
    pub asked_at: DateTime<Utc>,
    pub answered_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct SessionDetail {
    pub session: SharedSession,
    pub commitments: Vec<RoomCommitment>,
    /// The questions asked in the session, in the order they came, answered or not.
    /// Absent from servers older than questions, hence the default.
    #[serde(default)]
    pub questions: Vec<Question>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct SessionList {
    /// The room's sessions, newest first.
    pub sessions: Vec<SharedSession>,
}

/// A planned session: once, or recurring by an RFC 5545 rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ScheduleEntryDraft {
    pub title: String,
    /// Local wall-clock time of the (first) session in `timeZone`, e.g. `2026-12-01T09:00:00`;
    /// at most 366 days before now (a series that has run longer starts again at a recent session).
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub starts_at: NaiveDateTime,
    /// An IANA time zone such as `Europe/Berlin`.
    pub time_zone: String,
    #[cfg_attr(feature = "openapi", schema(minimum = 1))]
    pub duration_minutes: u32,
    /// The RRULE value, e.g. `FREQ=MONTHLY;BYDAY=1TU`; absent for a one-off session. Rooms meet
    /// at most a few times a day: `FREQ` is `DAILY`, `WEEKLY`, `MONTHLY` or `YEARLY`, with at
    /// most 4 sessions on one day (`BYHOUR` × `BYMINUTE` × `BYSECOND`).
    #[serde(default)]
    pub rrule: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PutSchedule {
    pub entries: Vec<ScheduleEntryDraft>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ScheduleEntry {
    pub id: Uuid,
    pub title: String,
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub starts_at: NaiveDateTime,
    pub time_zone: String,
    pub duration_minutes: u32,
    pub rrule: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Occurrence {
    pub entry_id: Uuid,
    pub title: String,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Schedule {
    pub entries: Vec<ScheduleEntry>,
    /// The next occurrences from now, soonest first (at most a few weeks' worth).
    pub upcoming: Vec<Occurrence>,
}

/// One stored change of a room. Ids increase; a stream resumed with `Last-Event-ID: n`
/// continues with the first event after `n`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct RoomEvent {
    pub id: u64,
    pub at: DateTime<Utc>,
    pub change: RoomChange,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(tag = "type", rename_all = "snake_case", rename_all_fields = "camelCase")]
pub enum RoomChange {
    MemberJoined {
        member: Member,
    },
    /// `removed` when the host removed the member rather than the member leaving.
    MemberLeft {
        member_id: Uuid,
        removed: bool,
    },
    HostChanged {
        host_id: Uuid,
    },
    RoomUpdated {
        room: Room,
    },
    PresenceChanged {
        member_id: Uuid,
        presence: Presence,
    },
    SessionStarted {
        session: SharedSession,
    },
    /// Paused, resumed, skipped or ended by the host.
    SessionChanged {
        session: SharedSession,
        action: SessionAction,
    },
    /// Also once per commitment posted ahead, right after the `session_started` that moved it
    /// into the session (in the order they came).
    CommitmentPublished {
        commitment: RoomCommitment,
    },
    /// A member posted a commitment for the next session. It leaves the room's `ahead` when
    /// that session starts (it moves into it) or when its member leaves.
    CommitmentPostedAhead {
        commitment: AheadCommitment,
    },
    /// An outcome reported or kudos given.
    CommitmentUpdated {
        commitment: RoomCommitment,
    },
    ScheduleChanged {
        entries: Vec<ScheduleEntry>,
    },
    QuestionAsked {
        question: Question,
    },
    /// The host marked a question answered (once: marking it again emits nothing).
    QuestionAnswered {
        question: Question,
    },
    /// The host deleted the room: the last event of every stream, which then ends; every
    /// token of the room stops working.
    RoomDeleted,
}

impl RoomChange {
    /// The SSE `event:` name of this change.
    pub fn name(&self) -> &'static str {
        match self {
            Self::MemberJoined { .. } => "member_joined",
            Self::MemberLeft { .. } => "member_left",
            Self::HostChanged { .. } => "host_changed",
            Self::RoomUpdated { .. } => "room_updated",
            Self::PresenceChanged { .. } => "presence_changed",
            Self::SessionStarted { .. } => "session_started",
            Self::SessionChanged { .. } => "session_changed",
            Self::CommitmentPublished { .. } => "commitment_published",
            Self::CommitmentPostedAhead { .. } => "commitment_posted_ahead",
            Self::CommitmentUpdated { .. } => "commitment_updated",
            Self::ScheduleChanged { .. } => "schedule_changed",
            Self::QuestionAsked { .. } => "question_asked",
            Self::QuestionAnswered { .. } => "question_answered",
            Self::RoomDeleted => "room_deleted",
        }
    }
}

/// The class of a refusal, for clients to react without matching on text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// Malformed request: not JSON, a missing field, a wrong type, a bad header.
    BadRequest,
    /// Well-formed but not acceptable: an empty name, a too-long text, an impossible rule.
    InvalidInput,
    /// No token, or a token that is not (or no longer) a member's of this room.
    Unauthorized,
    /// A host-only action by a member, or someone else's entry.
    Forbidden,
    NotFound,
    /// Refused because of the current state (no session running, already paused…).
    WrongState,
    /// An idempotency key used again for a different request.
    IdempotencyKeyReused,
    RoomFull,
    PayloadTooLarge,
    RateLimited,
    /// The server could not store the change; safe to retry.
    Unavailable,
}

/// Every refusal's body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ErrorBody {
    pub code: ErrorCode,
    /// What went wrong, in English, for logs and developers; clients show their own text.
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Health {
    pub status: String,
    pub version: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn states_and_commitments_from_before_commitments_ahead_still_read() {
        // The app caches room states as JSON; servers before this change send no `ahead`.
        let state = r#"{"room":{"code":"ABCDE-FGHJK","name":"Kitchen","link":null,"description":null,
            "hostId":"0190a000-0000-7000-8000-000000000001","createdAt":"2026-01-01T09:00:00Z"},
            "members":[],"session":null,"lastEventId":7}"#;
        let state: RoomState = serde_json::from_str(state).unwrap();
        assert!(state.ahead.is_empty());
        let commitment = r#"{"id":"0190a000-0000-7000-8000-000000000002","sessionId":"0190a000-0000-7000-8000-000000000003",
            "memberId":"0190a000-0000-7000-8000-000000000001","text":"Invoices","outcome":"pending","note":null,
            "feedbackWanted":false,"kudos":[],"createdAt":"2026-01-01T09:00:00Z","afterwards":true}"#;
        let commitment: RoomCommitment = serde_json::from_str(commitment).unwrap();
        assert!(commitment.afterwards && !commitment.ahead);
    }

    #[test]
    fn a_commitment_posted_ahead_is_its_own_event() {
        let commitment = AheadCommitment {
            id: Uuid::nil(),
            member_id: Uuid::nil(),
            text: "Invoices".into(),
            created_at: DateTime::from_timestamp(1_800_000_000, 0).unwrap(),
        };
        let change = RoomChange::CommitmentPostedAhead { commitment };
        let json = serde_json::to_value(&change).unwrap();
        assert_eq!(json["type"], change.name());
        assert_eq!(json["commitment"]["memberId"], Uuid::nil().to_string());
        assert_eq!(serde_json::from_value::<RoomChange>(json).unwrap(), change);
    }
}
