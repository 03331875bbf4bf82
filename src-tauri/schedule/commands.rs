//! The schedule's commands: the week (blocks' occurrences with what became of them, the
//! sessions held, routines and the day's budget), and every change through the application
//! layer.

use crate::commands::unexpected;
use crate::error::ApiError;
use crate::state::AppState;
use chrono::{Days, NaiveDate};
use serde::Serialize;
use tauri::{AppHandle, Manager, Runtime, State};
use uuid::Uuid;
use worktogether_core::app::{Action, Answer};
use worktogether_core::schedule::blocks::{Occurrence, occurrences};
use worktogether_core::schedule::{Block, BlockDay, BlockDraft, Exception, Routine, RoutineDraft, RoutineStatus};
use worktogether_core::stats::{day_start, local_day};
use worktogether_core::store::schedule::ScheduledOccurrence;
use worktogether_core::{HistoryQuery, SessionSummary, SessionView, Timestamp};

type Result<T> = std::result::Result<T, ApiError>;

/// Most days one read of the schedule covers.
const DAYS_MAX: u32 = 42;

/// The schedule from `from` for `days` days, in the person's zone.
#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct ScheduleView {
    /// The person's today.
    pub today: NaiveDate,
    pub blocks: Vec<Block>,
    pub occurrences: Vec<ScheduledOccurrence>,
    /// The sessions started in the range, ended or in progress.
    pub sessions: Vec<SessionSummary>,
    pub routines: Vec<RoutineStatus>,
    /// The rooms' planned sessions in the range (they remind as the room reminder setting says).
    pub room_sessions: Vec<RoomOccurrence>,
}

/// A room's planned session.
#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct RoomOccurrence {
    pub membership_id: Uuid,
    pub room: String,
    pub title: String,
    pub starts_at: Timestamp,
    pub ends_at: Timestamp,
}

#[tauri::command]
#[specta::specta]
pub async fn schedule<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    from: NaiveDate,
    days: u32,
) -> Result<ScheduleView> {
    let zone = crate::zone::person_zone();
    let days = days.clamp(1, DAYS_MAX);
    let (start, end) = (day_start(zone, from), day_start(zone, from + Days::new(u64::from(days))));
    let mut room_sessions: Vec<_> = app
        .try_state::<crate::rooms::Rooms>()
        .map(|rooms| rooms.upcoming())
        .unwrap_or_default()
        .into_iter()
        .filter(|(_, _, o)| o.ends_at > start && o.starts_at < end)
        .map(|(membership_id, room, o)| RoomOccurrence {
            membership_id,
            room,
            title: o.title,
            starts_at: o.starts_at,
            ends_at: o.ends_at,
        })
        .collect();
    room_sessions.sort_by_key(|o| o.starts_at);
    state.read(|s, now| {
        let query = HistoryQuery {
            from: Some(start),
            to: Some(end),
            limit: worktogether_core::limits::LIST_MAX,
            ..Default::default()
        };
        let mut sessions = s.history_page(&query)?.sessions;
        sessions.reverse(); // oldest first, as the week reads
        let today = local_day(zone, now);
        Ok(ScheduleView {
            today,
            blocks: s.blocks()?,
            occurrences: s.schedule(zone, start, end, now)?,
            sessions,
            routines: s.routine_statuses(today)?,
            room_sessions,
        })
    })
}

/// Checks a block as the form has it and tells its next occurrences (five at most), so the
/// form can show the rule at work before it is saved.
#[tauri::command]
#[specta::specta]
pub async fn preview_block(state: State<'_, AppState>, draft: BlockDraft) -> Result<Vec<Occurrence>> {
    let zone = crate::zone::person_zone();
    let draft = draft.checked().map_err(|e| state.error(&e))?;
    let now = state.now();
    let block = Block { id: Uuid::nil(), draft };
    // From now, or from the first date if it is ahead; a year of them at most is looked at.
    let from = now.max(day_start(zone, block.draft.recurrence.first));
    let found = occurrences(&block, &[], zone, from, from + chrono::Duration::days(366)).unwrap_or_default();
    Ok(found.into_iter().take(5).collect())
}

fn block_answer(state: &AppState, answer: Answer) -> Result<Block> {
    match answer {
        Answer::Block(block) => Ok(*block),
        other => Err(unexpected(state, &other)),
    }
}

fn routine_answer(state: &AppState, answer: Answer) -> Result<Routine> {
    match answer {
        Answer::Routine(routine) => Ok(*routine),
        other => Err(unexpected(state, &other)),
    }
}

#[tauri::command]
#[specta::specta]
pub async fn save_block<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    id: Option<Uuid>,
    draft: BlockDraft,
) -> Result<Block> {
    block_answer(&state, state.apply(&app, Action::SaveBlock { id, draft })?)
}

#[tauri::command]
#[specta::specta]
pub async fn delete_block<R: Runtime>(app: AppHandle<R>, state: State<'_, AppState>, id: Uuid) -> Result<()> {
    state.apply(&app, Action::DeleteBlock { id }).map(drop)
}

/// Skips or moves one occurrence, or (`exception` null) puts it back.
#[tauri::command]
#[specta::specta]
pub async fn change_occurrence<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    at: BlockDay,
    exception: Option<Exception>,
) -> Result<()> {
    state.apply(&app, Action::ChangeOccurrence { block_id: at.block_id, day: at.day, exception }).map(drop)
}

/// Starts the session of an occurrence.
#[tauri::command]
#[specta::specta]
pub async fn start_block<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    at: BlockDay,
) -> Result<SessionView> {
    match state.apply(&app, Action::StartBlock { at })? {
        Answer::Session(view) => Ok(*view),
        other => Err(unexpected(&state, &other)),
    }
}

/// The occurrence's reminder comes again in `minutes`.
#[tauri::command]
#[specta::specta]
pub async fn snooze_block<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    at: BlockDay,
    minutes: u32,
) -> Result<()> {
    state.apply(&app, Action::SnoozeBlock { at, minutes }).map(drop)
}

#[tauri::command]
#[specta::specta]
pub async fn save_routine<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    id: Option<Uuid>,
    draft: RoutineDraft,
) -> Result<Routine> {
    routine_answer(&state, state.apply(&app, Action::SaveRoutine { id, draft })?)
}

#[tauri::command]
#[specta::specta]
pub async fn delete_routine<R: Runtime>(app: AppHandle<R>, state: State<'_, AppState>, id: Uuid) -> Result<()> {
    state.apply(&app, Action::DeleteRoutine { id }).map(drop)
}

/// Marks a routine's day as kept (done outside a session), or not.
#[tauri::command]
#[specta::specta]
pub async fn mark_routine_day<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    id: Uuid,
    day: NaiveDate,
    done: bool,
) -> Result<()> {
    state.apply(&app, Action::MarkRoutineDay { id, day, done }).map(drop)
}

/// Commits the session in progress to a routine's day.
#[tauri::command]
#[specta::specta]
pub async fn commit_to_routine<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    id: Uuid,
    day: NaiveDate,
) -> Result<SessionView> {
    match state.apply(&app, Action::CommitToRoutine { id, day })? {
        Answer::Session(view) => Ok(*view),
        other => Err(unexpected(&state, &other)),
    }
}
