//! Snapshots the UI renders. They are computed from the stored session and `now`; the UI
//! draws its countdown from `CurrentPhase::deadline` and keeps no timer of its own.

use crate::Timestamp;
use crate::engine::{PhaseChange, SessionClock};
use crate::model::{Commitment, EndReason, HistoryCursor, PauseKind, PhaseKind, PlannedPhase, RoomLink, SessionStatus};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum StepState {
    Done,
    Skipped,
    Current,
    Upcoming,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct PlanStep {
    pub index: u32,
    pub kind: PhaseKind,
    pub duration_secs: u32,
    pub state: StepState,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct CurrentPhase {
    pub index: u32,
    pub kind: PhaseKind,
    pub started_at: Timestamp,
    /// When the phase ends by time. While paused it moves on with the clock.
    pub deadline: Timestamp,
    /// Planned length plus extensions.
    pub duration_secs: u32,
    /// Remaining at `as_of`; negative in the closing round's overtime; frozen while paused.
    pub remaining_secs: i32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct SessionView {
    pub id: Uuid,
    pub template_name: String,
    pub status: SessionStatus,
    pub started_at: Timestamp,
    pub phase: Option<CurrentPhase>,
    pub next: Option<PlannedPhase>,
    pub plan: Vec<PlanStep>,
    pub paused_since: Option<Timestamp>,
    /// "Where I left off", written when pausing.
    pub pause_note: Option<String>,
    pub commitments: Vec<Commitment>,
    pub focus_secs: u32,
    /// The closing round's overall note and focus rating as drafted so far (kept before Save).
    pub overall_note: Option<String>,
    pub focus_rating: Option<u8>,
    /// The room this session was joined from, if any.
    pub room: Option<RoomLink>,
    /// The phases still follow the room's (no skip, no "+5 min": the host moves them on).
    pub follows_room: bool,
    /// The person shares this session's commitments (and then outcomes) with its room.
    pub shares_with_room: bool,
    pub as_of: Timestamp,
}

/// What an operation on the session in progress did: the new snapshot, and the phase change
/// its evaluation found, if time or the operation moved a phase on.
#[derive(Debug, Clone, PartialEq)]
pub struct SessionUpdate {
    pub view: SessionView,
    pub change: Option<PhaseChange>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct SessionSummary {
    pub id: Uuid,
    pub template_name: String,
    pub status: SessionStatus,
    pub started_at: Timestamp,
    pub ended_at: Option<Timestamp>,
    pub focus_secs: u32,
    /// Paused or asleep, in all.
    pub pause_secs: u32,
    /// Of the pause time, how long the computer slept.
    pub sleep_secs: u32,
    pub interruptions: u32,
    pub commitments: Vec<Commitment>,
    pub overall_note: Option<String>,
    pub focus_rating: Option<u8>,
    /// The room's name, for a session joined from a room.
    pub room_name: Option<String>,
}

/// One page of the timeline, and where the next one starts (`None`: this was the last).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct HistoryPage {
    pub sessions: Vec<SessionSummary>,
    pub next: Option<HistoryCursor>,
    /// With a search: the page's texts that match it, whole, with the matches marked.
    pub marks: Vec<crate::search::SearchHit>,
}

/// What the timeline can be filtered by.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct HistoryFacets {
    pub tags: Vec<String>,
    pub rooms: Vec<String>,
}

/// A session's full record, as history opens it: the summary, every phase as it ran, and
/// every interruption and sleep (gaps between phases show as a phase starting later than
/// the one before ended).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct SessionRecord {
    pub summary: SessionSummary,
    pub phases: Vec<PhaseRecord>,
    pub pauses: Vec<PauseRecord>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct PhaseRecord {
    pub kind: PhaseKind,
    pub started_at: Timestamp,
    pub ended_at: Option<Timestamp>,
    /// "+5 min" added, in seconds.
    pub extended_secs: u32,
    pub end_reason: Option<EndReason>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct PauseRecord {
    pub kind: PauseKind,
    pub started_at: Timestamp,
    pub ended_at: Option<Timestamp>,
    pub note: Option<String>,
}

pub fn session_record(clock: &SessionClock, summary: SessionSummary) -> SessionRecord {
    let phases = clock
        .runs
        .iter()
        .map(|r| PhaseRecord {
            kind: r.kind,
            started_at: r.started_at,
            ended_at: r.ended_at,
            extended_secs: r.extended_secs,
            end_reason: r.end_reason,
        })
        .collect();
    let pauses = clock
        .pauses
        .iter()
        .map(|p| PauseRecord { kind: p.kind, started_at: p.started_at, ended_at: p.ended_at, note: p.note.clone() })
        .collect();
    SessionRecord { summary, phases, pauses }
}

/// An unfinished commitment of an earlier session, offered in the commitment round.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct CarryOverSuggestion {
    pub commitment: Commitment,
    pub session_started_at: Timestamp,
}

fn whole_secs(d: chrono::Duration) -> i64 {
    d.num_milliseconds().div_euclid(1000)
}

/// Remaining time in whole seconds, rounded up as a countdown shows it ("0:01" until the
/// very end), so the display does not jump by a second on pause and resume.
fn countdown_secs(d: chrono::Duration) -> i64 {
    (d.num_milliseconds() + 999).div_euclid(1000)
}

fn clamp_u32(v: i64) -> u32 {
    u32::try_from(v.max(0)).unwrap_or(u32::MAX)
}

/// Each step of the plan with how it went: done, skipped, current or still to come.
pub fn plan_steps(clock: &SessionClock) -> Vec<PlanStep> {
    let current = clock.status.in_progress().then(|| clock.current().plan_index);
    clock
        .plan
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let run = clock.runs.iter().rev().find(|r| r.plan_index == i);
            let state = match (current, run.and_then(|r| r.end_reason)) {
                (Some(c), _) if c == i => StepState::Current,
                (_, Some(EndReason::Elapsed | EndReason::Closed)) => StepState::Done,
                (_, Some(_)) => StepState::Skipped,
                (Some(c), None) if i < c => StepState::Skipped,
                (None, None) => StepState::Skipped,
                _ => StepState::Upcoming,
            };
            PlanStep { index: i as u32, kind: p.kind, duration_secs: p.duration_secs, state }
        })
        .collect()
}

pub fn session_view(
    clock: &SessionClock,
    template_name: String,
    commitments: Vec<Commitment>,
    notes: SessionNotes,
    now: Timestamp,
) -> SessionView {
    let run = clock.current();
    let phase = clock.status.in_progress().then(|| {
        let deadline = clock.deadline(run, now);
        CurrentPhase {
            index: run.plan_index as u32,
            kind: run.kind,
            started_at: run.started_at,
            deadline,
            duration_secs: clamp_u32(whole_secs(clock.run_duration(run))),
            remaining_secs: i32::try_from(countdown_secs(deadline - now)).unwrap_or(i32::MIN),
        }
    });
    let next = clock.status.in_progress().then(|| clock.plan.get(run.plan_index + 1).copied()).flatten();
    SessionView {
        id: clock.session_id,
        template_name,
        status: clock.status,
        started_at: clock.started_at(),
        phase,
        next,
        plan: plan_steps(clock),
        paused_since: clock.open_pause().map(|p| p.started_at),
        pause_note: clock.open_pause().and_then(|p| p.note.clone()),
        commitments,
        focus_secs: clamp_u32(whole_secs(clock.focus_time(now))),
        overall_note: notes.overall_note,
        focus_rating: notes.focus_rating,
        room: notes.room,
        follows_room: clock.follows_room && clock.status.in_progress(),
        shares_with_room: notes.shares_with_room,
        as_of: now,
    }
}

/// What a session's row holds besides its timing: the closing round's note and rating, and
/// the room it was joined from.
#[derive(Debug, Clone, Default)]
pub struct SessionNotes {
    pub overall_note: Option<String>,
    pub focus_rating: Option<u8>,
    pub room: Option<RoomLink>,
    pub shares_with_room: bool,
}

pub fn session_summary(
    clock: &SessionClock,
    template_name: String,
    commitments: Vec<Commitment>,
    notes: SessionNotes,
    now: Timestamp,
) -> SessionSummary {
    let end = clock.ended_at().unwrap_or(now);
    SessionSummary {
        id: clock.session_id,
        template_name,
        status: clock.status,
        started_at: clock.started_at(),
        ended_at: clock.ended_at(),
        focus_secs: clamp_u32(whole_secs(clock.focus_time(end))),
        pause_secs: clamp_u32(whole_secs(clock.pause_time(end))),
        sleep_secs: clamp_u32(whole_secs(clock.sleep_time(end))),
        interruptions: clock.interruptions() as u32,
        commitments,
        overall_note: notes.overall_note,
        focus_rating: notes.focus_rating,
        room_name: notes.room.map(|r| r.room_name),
    }
}
