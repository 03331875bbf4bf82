//! The application layer: every action on the person's data goes through [`apply`], whoever
//! asks — the window, the tray, the global shortcut, the command line (with the app open or
//! closed), the ticker, and later a reminder or a room. It runs the store's operation in one
//! transaction and reports what changed as typed [`Change`]s; the caller releases the store
//! and only then acts on them (events, tray, windows, notifications). No clock is read here:
//! the time and the built-in templates' names come in a [`Context`].

use crate::Timestamp;
use crate::engine::PhaseChange;
use crate::error::Result;
use crate::model::{
    ClosingReport, CommitmentDraft, LanguageChoice, OutcomeEntry, PlannedPhase, RoomLink, RoomPosition, SessionStatus,
    SettingChange, Settings, Template, TemplateDraft,
};
use crate::schedule::{Block, BlockDay, BlockDraft, Exception, Routine, RoutineDraft};
use crate::store::Store;
use crate::templates::Builtin;
use crate::view::{SessionSummary, SessionUpdate, SessionView};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// Which template a session starts from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TemplateChoice {
    /// The default template from the settings.
    Default,
    Id(Uuid),
    /// By name, ignoring case (the command line's `--template NAME`).
    Name(String),
}

/// Everything a person (or the ticker) can do. Serialized as `{"action": "pause", …}` on the
/// command line's control channel.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum Action {
    Start {
        template: TemplateChoice,
    },
    /// Pause while running, resume while paused, start the default template when nothing
    /// runs: the one global shortcut.
    Toggle,
    Commit {
        draft: CommitmentDraft,
    },
    EditCommitment {
        id: Uuid,
        draft: CommitmentDraft,
    },
    RemoveCommitment {
        id: Uuid,
    },
    MoveCommitment {
        id: Uuid,
        position: u32,
    },
    TickCommitment {
        id: Uuid,
        done: bool,
    },
    CarryOver {
        ids: Vec<Uuid>,
    },
    /// The weekly review's plan: carry these unfinished commitments into the first commitment
    /// round from `due_at` on (the next week's start in the person's zone).
    PlanCarries {
        ids: Vec<Uuid>,
        due_at: Timestamp,
    },
    /// Take these commitments off the plan.
    UnplanCarries {
        ids: Vec<Uuid>,
    },
    Pause {
        note: Option<String>,
    },
    Resume,
    Skip,
    Extend {
        minutes: u32,
    },
    /// End the session early: straight to its closing round.
    Stop,
    Abandon,
    /// One outcome as the person fills in the closing round, kept before it is closed.
    DraftOutcome {
        entry: OutcomeEntry,
    },
    DraftClosingNotes {
        overall_note: Option<String>,
        focus_rating: Option<u8>,
    },
    Close {
        report: ClosingReport,
    },
    SaveTemplate {
        draft: TemplateDraft,
    },
    DeleteTemplate {
        id: Uuid,
    },
    ChangeSetting {
        change: SettingChange,
    },
    /// Time moved on: bring the session up to `now`, recording a sleep of the computer
    /// since `slept_from` first.
    Tick {
        slept_from: Option<Timestamp>,
    },
    /// Join a room's shared session: this person's session follows the room's phases.
    JoinRoomSession {
        room: RoomLink,
        template_name: String,
        plan: Vec<PlannedPhase>,
        at: RoomPosition,
    },
    /// The room's shared session moved (the host paused, resumed, skipped or ended it, or
    /// this computer caught up with the room): the session that follows it goes along.
    FollowRoom {
        room_session: Uuid,
        at: RoomPosition,
    },
    /// Leave the room's shared session; the session goes on alone.
    LeaveRoomSession,
    /// Create (`id` `None`) or change a work block.
    SaveBlock {
        id: Option<Uuid>,
        draft: BlockDraft,
    },
    DeleteBlock {
        id: Uuid,
    },
    /// Skip or move one occurrence of a block (the one on `day`), or put it back (`None`).
    ChangeOccurrence {
        block_id: Uuid,
        day: NaiveDate,
        exception: Option<Exception>,
    },
    /// Create (`id` `None`) or change a routine.
    SaveRoutine {
        id: Option<Uuid>,
        draft: RoutineDraft,
    },
    DeleteRoutine {
        id: Uuid,
    },
    /// Mark a routine's day as kept (done outside a session) or not.
    MarkRoutineDay {
        id: Uuid,
        day: NaiveDate,
        done: bool,
    },
    /// Start the session of a block's occurrence (from its reminder, the tray or the week).
    StartBlock {
        at: BlockDay,
    },
    /// Remind of a block's occurrence again in `minutes`.
    SnoozeBlock {
        at: BlockDay,
        minutes: u32,
    },
    /// These reminders were given (or passed unseen during a sleep): not again.
    RemindersGiven {
        items: Vec<BlockDay>,
    },
    /// "Time to stop" was said for `day`'s budget: not again that day.
    BudgetNoticeGiven {
        day: NaiveDate,
    },
    /// Commit the session in progress to a routine's day.
    CommitToRoutine {
        id: Uuid,
        day: NaiveDate,
    },
    /// Share this session's commitments (and later their outcomes) with its room, or stop.
    ShareWithRoom {
        share: bool,
    },
    /// Take part in a room's session with a session of one's own (not following its timer).
    ShareOwnSession {
        room: RoomLink,
    },
}

impl Action {
    /// Whether a sleep of the computer the shell has not recorded yet must be recorded
    /// before this action, so the action does not land before it.
    pub fn touches_session(&self) -> bool {
        !matches!(
            self,
            Self::SaveTemplate { .. }
                | Self::DeleteTemplate { .. }
                | Self::ChangeSetting { .. }
                | Self::PlanCarries { .. }
                | Self::UnplanCarries { .. }
                | Self::SaveBlock { .. }
                | Self::DeleteBlock { .. }
                | Self::ChangeOccurrence { .. }
                | Self::SaveRoutine { .. }
                | Self::DeleteRoutine { .. }
                | Self::MarkRoutineDay { .. }
                | Self::SnoozeBlock { .. }
                | Self::RemindersGiven { .. }
                | Self::BudgetNoticeGiven { .. }
        )
    }
}

/// The built-in templates' names per language: the catalogs are the shell's.
pub trait BuiltinNames {
    /// `builtin`'s name in the language `choice` stands for.
    fn name(&self, choice: LanguageChoice, builtin: Builtin) -> String;
    /// Whether `name` is `builtin`'s name in one of the languages (the person did not rename it).
    fn is_builtin_name(&self, builtin: Builtin, name: &str) -> bool;
}

/// What an action needs besides the store: the time it happens at, the person's time zone
/// (their schedule's days and times), and the words the core does not own.
pub struct Context<'a> {
    pub now: Timestamp,
    pub zone: chrono_tz::Tz,
    pub names: &'a dyn BuiltinNames,
}

/// What the one who asked gets back.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "value", rename_all = "snake_case")]
pub enum Answer {
    /// The session afterwards (also when the action ended it: closed or abandoned).
    Session(Box<SessionView>),
    /// Nothing is in progress (the ticker's look found no session).
    NoSession,
    /// The closed session, as history shows it.
    Summary(Box<SessionSummary>),
    Template(Box<Template>),
    Settings(Box<Settings>),
    Block(Box<Block>),
    Routine(Box<Routine>),
    Done,
}

/// What changed, in the order it happened. The shell fans each out once the store is free.
#[derive(Debug, Clone, PartialEq)]
pub enum Change {
    /// The session in progress is now this (`None`: no session is in progress any more).
    Session(Option<Box<SessionView>>),
    /// Time or the action moved the session to another phase (`change.missed` counts the
    /// phases that passed unseen, for one catch-up notice).
    Phase {
        change: PhaseChange,
        view: Box<SessionView>,
    },
    /// The session was closed or abandoned.
    SessionOver,
    /// A template was created, changed, renamed or deleted.
    Templates,
    Settings(Box<Settings>),
    /// A block or routine was created, changed or deleted, or an occurrence or a routine's
    /// day changed: reminders and the week look again.
    Schedule,
    /// Writes for this membership's room went into the outbox: time to send them.
    RoomWrites(Uuid),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Applied {
    pub answer: Answer,
    pub changes: Vec<Change>,
}

impl Applied {
    fn quiet(answer: Answer) -> Self {
        Self { answer, changes: Vec::new() }
    }

    /// The session after an operation on it: its snapshot, the end of it, and a phase change.
    fn session(update: SessionUpdate) -> Self {
        let in_progress = update.view.status.in_progress();
        let mut changes = vec![Change::Session(in_progress.then(|| Box::new(update.view.clone())))];
        if !in_progress {
            changes.push(Change::SessionOver);
        }
        if let Some(change) = update.change {
            changes.push(Change::Phase { change, view: Box::new(update.view.clone()) });
        }
        Self { answer: Answer::Session(Box::new(update.view)), changes }
    }

    /// The snapshot of the session in progress, if the action left one.
    pub fn session_view(&self) -> Option<&SessionView> {
        match &self.answer {
            Answer::Session(view) => Some(view),
            _ => None,
        }
    }
}

/// Applies `action` to the store as of `cx.now`. A refused action changes nothing and
/// reports no change.
pub fn apply(store: &mut Store, action: Action, cx: &Context) -> Result<Applied> {
    // What the room should hear of a session shared with it is queued from the stored state,
    // so it is queued once whatever the action, and after a crash by the next one.
    let tells_room = matches!(
        action,
        Action::Commit { .. }
            | Action::CarryOver { .. }
            | Action::Close { .. }
            | Action::ShareWithRoom { .. }
            | Action::ShareOwnSession { .. }
    );
    let mut applied = apply_action(store, action, cx)?;
    if tells_room && let Some(membership) = store.queue_room_writes(cx.now)? {
        applied.changes.push(Change::RoomWrites(membership));
    }
    Ok(applied)
}

fn apply_action(store: &mut Store, action: Action, cx: &Context) -> Result<Applied> {
    let now = cx.now;
    let session = |update: Result<SessionUpdate>| update.map(Applied::session);
    match action {
        Action::Start { template } => {
            let id = match template {
                TemplateChoice::Default => store.default_template()?.id,
                TemplateChoice::Id(id) => store.template(id)?.id,
                TemplateChoice::Name(name) => store.template_named(&name)?.id,
            };
            let view = store.start_session(id, now)?;
            Ok(Applied::session(SessionUpdate { view, change: None }))
        }
        Action::Toggle => {
            let next = match store.current_session(now)?.map(|v| v.status) {
                Some(SessionStatus::Running) => Action::Pause { note: None },
                Some(SessionStatus::Paused) => Action::Resume,
                _ => Action::Start { template: TemplateChoice::Default },
            };
            apply_action(store, next, cx)
        }
        Action::Commit { draft } => session(store.add_commitment(draft, now)),
        Action::EditCommitment { id, draft } => session(store.update_commitment(id, draft, now)),
        Action::RemoveCommitment { id } => session(store.remove_commitment(id, now)),
        Action::MoveCommitment { id, position } => session(store.move_commitment(id, position, now)),
        Action::TickCommitment { id, done } => session(store.tick_commitment(id, done, now)),
        Action::CarryOver { ids } => session(store.carry_over(&ids, now)),
        Action::PlanCarries { ids, due_at } => {
            store.plan_carries(&ids, due_at, now)?;
            Ok(Applied::quiet(Answer::Done))
        }
        Action::UnplanCarries { ids } => {
            store.unplan_carries(&ids)?;
            Ok(Applied::quiet(Answer::Done))
        }
        Action::Pause { note } => session(store.pause_session(note, now)),
        Action::Resume => session(store.resume_session(now)),
        Action::Skip => session(store.skip_phase(now)),
        Action::Extend { minutes } => session(store.extend_phase(minutes, now)),
        Action::Stop => session(store.end_session_early(now)),
        Action::Abandon => session(store.abandon_session(now)),
        Action::DraftOutcome { entry } => session(store.draft_outcome(entry, now)),
        Action::DraftClosingNotes { overall_note, focus_rating } => {
            session(store.draft_closing_notes(overall_note, focus_rating, now))
        }
        Action::Close { report } => {
            let summary = store.close_session(report, now)?;
            Ok(Applied {
                answer: Answer::Summary(Box::new(summary)),
                // A commitment to a routine's day, done, keeps that day.
                changes: vec![Change::Session(None), Change::SessionOver, Change::Schedule],
            })
        }
        Action::SaveTemplate { draft } => {
            let template = store.save_template(draft, now)?;
            Ok(Applied { answer: Answer::Template(Box::new(template)), changes: vec![Change::Templates] })
        }
        Action::DeleteTemplate { id } => {
            store.delete_template(id)?;
            Ok(Applied { answer: Answer::Done, changes: vec![Change::Templates] })
        }
        Action::ChangeSetting { change: SettingChange::Language(choice) } => {
            let settings = store.change_language(
                choice,
                |builtin, name| cx.names.is_builtin_name(builtin, name),
                |builtin| cx.names.name(choice, builtin),
            )?;
            Ok(Applied {
                answer: Answer::Settings(Box::new(settings.clone())),
                changes: vec![Change::Settings(Box::new(settings)), Change::Templates],
            })
        }
        Action::ChangeSetting { change } => {
            let settings = store.change_setting(change)?;
            Ok(Applied {
                answer: Answer::Settings(Box::new(settings.clone())),
                changes: vec![Change::Settings(Box::new(settings))],
            })
        }
        Action::JoinRoomSession { room, template_name, plan, at } => {
            let view = store.join_room_session(room, &template_name, plan, at, now)?;
            Ok(Applied::session(SessionUpdate { view, change: None }))
        }
        Action::FollowRoom { room_session, at } => session(store.follow_room(room_session, at, now)),
        Action::LeaveRoomSession => session(store.leave_room_session(now)),
        Action::ShareWithRoom { share } => session(store.share_with_room(share, now)),
        Action::ShareOwnSession { room } => session(store.share_own_session(room, now)),
        Action::SaveBlock { id, draft } => {
            let block = store.save_block(id, draft, now)?;
            Ok(Applied { answer: Answer::Block(Box::new(block)), changes: vec![Change::Schedule] })
        }
        Action::DeleteBlock { id } => {
            store.delete_block(id)?;
            Ok(Applied { answer: Answer::Done, changes: vec![Change::Schedule] })
        }
        Action::ChangeOccurrence { block_id, day, exception } => {
            store.change_occurrence(block_id, day, exception)?;
            Ok(Applied { answer: Answer::Done, changes: vec![Change::Schedule] })
        }
        Action::SaveRoutine { id, draft } => {
            let routine = store.save_routine(id, draft, now)?;
            Ok(Applied { answer: Answer::Routine(Box::new(routine)), changes: vec![Change::Schedule] })
        }
        Action::DeleteRoutine { id } => {
            store.delete_routine(id)?;
            Ok(Applied { answer: Answer::Done, changes: vec![Change::Schedule] })
        }
        Action::MarkRoutineDay { id, day, done } => {
            store.mark_routine_day(id, day, done, now)?;
            Ok(Applied { answer: Answer::Done, changes: vec![Change::Schedule] })
        }
        Action::CommitToRoutine { id, day } => session(store.commit_to_routine(id, day, now)),
        Action::StartBlock { at } => {
            let view = store.start_block(at, cx.zone, now)?;
            let mut applied = Applied::session(SessionUpdate { view, change: None });
            applied.changes.push(Change::Schedule);
            Ok(applied)
        }
        Action::SnoozeBlock { at, minutes } => {
            store.snooze(at, minutes, now)?;
            Ok(Applied { answer: Answer::Done, changes: vec![Change::Schedule] })
        }
        Action::BudgetNoticeGiven { day } => {
            store.set_budget_notice_day(day)?;
            Ok(Applied::quiet(Answer::Done))
        }
        Action::RemindersGiven { items } => {
            store.mark_reminded(&items, now)?;
            Ok(Applied::quiet(Answer::Done))
        }
        Action::Tick { slept_from } => {
            let mode = store.sleep_mode().unwrap_or_default();
            Ok(match store.tick(now, slept_from, mode)? {
                None => Applied::quiet(Answer::NoSession),
                // A sleep is news for the UI even without a phase change: the focus time shown.
                Some(update) if update.change.is_some() || slept_from.is_some() => Applied::session(update),
                Some(update) => Applied::quiet(Answer::Session(Box::new(update.view))),
            })
        }
    }
}
