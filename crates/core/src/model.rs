//! The domain: sessions run a template's phases; commitments are what a person sets out to
//! do in a session and, in the closing round, what became of it.

use crate::Timestamp;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// The four kinds of phase of the ritual.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum PhaseKind {
    /// Commitment-Runde: say what you will work on.
    Commitment,
    /// A focus block of the Arbeitsphase.
    Focus,
    Break,
    /// Abschlussrunde: report what became of each commitment.
    Closing,
}

impl PhaseKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Commitment => "commitment",
            Self::Focus => "focus",
            Self::Break => "break",
            Self::Closing => "closing",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [Self::Commitment, Self::Focus, Self::Break, Self::Closing].into_iter().find(|k| k.as_str() == s)
    }
}

/// What became of a commitment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Pending,
    Done,
    Partly,
    NotDone,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Done => "done",
            Self::Partly => "partly",
            Self::NotDone => "not_done",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [Self::Pending, Self::Done, Self::Partly, Self::NotDone].into_iter().find(|o| o.as_str() == s)
    }

    /// Partly and not done commitments are offered again in the next commitment round.
    pub fn is_unfinished(self) -> bool {
        matches!(self, Self::Partly | Self::NotDone)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum SessionStatus {
    Running,
    Paused,
    Finished,
    Abandoned,
}

impl SessionStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Running => "running",
            Self::Paused => "paused",
            Self::Finished => "finished",
            Self::Abandoned => "abandoned",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [Self::Running, Self::Paused, Self::Finished, Self::Abandoned].into_iter().find(|o| o.as_str() == s)
    }

    /// A session in progress is running or paused; at most one exists at a time.
    pub fn in_progress(self) -> bool {
        matches!(self, Self::Running | Self::Paused)
    }
}

/// One step of a template's plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PlannedPhase {
    pub kind: PhaseKind,
    pub duration_secs: u32,
}

impl PlannedPhase {
    pub const fn new(kind: PhaseKind, minutes: u32) -> Self {
        Self { kind, duration_secs: minutes * 60 }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct Template {
    pub id: Uuid,
    pub name: String,
    pub builtin: bool,
    pub phases: Vec<PlannedPhase>,
}

/// A template as the person entered it; `id` is `None` for a new one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct TemplateDraft {
    pub id: Option<Uuid>,
    pub name: String,
    pub phases: Vec<PlannedPhase>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct Commitment {
    pub id: Uuid,
    pub session_id: Uuid,
    pub position: u32,
    pub text: String,
    /// A client or an area ("Buchhaltung", "Website").
    pub tag: Option<String>,
    pub estimate_minutes: Option<u32>,
    pub outcome: Outcome,
    /// What was actually done.
    pub note: Option<String>,
    pub feedback_wanted: bool,
    /// The unfinished commitment of an earlier session this one continues.
    pub carried_from: Option<Uuid>,
    /// How many times this commitment has been carried over.
    pub carry_count: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct CommitmentDraft {
    pub text: String,
    pub tag: Option<String>,
    pub estimate_minutes: Option<u32>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct OutcomeEntry {
    pub commitment_id: Uuid,
    pub outcome: Outcome,
    pub note: Option<String>,
    pub feedback_wanted: bool,
}

/// What the person reports in the closing round.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct ClosingReport {
    pub outcomes: Vec<OutcomeEntry>,
    pub overall_note: Option<String>,
    /// How focused the session felt, 1 to 5.
    pub focus_rating: Option<u8>,
}

/// The room a session belongs to: it was joined from a room's shared session.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct RoomLink {
    /// This person's membership (their member id in the room).
    pub membership_id: uuid::Uuid,
    /// The room's shared session.
    pub session_id: uuid::Uuid,
    pub room_name: String,
}

/// Where a room's shared session stands, on this computer's clock (the shell computes it from
/// the server's timestamps and the clock offset): phase `index` of the plan began at
/// `started_at` and ends at `ends_at`, none while the host has paused it; `over` once every
/// phase ran or the host ended it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct RoomPosition {
    pub index: u32,
    pub started_at: crate::Timestamp,
    pub ends_at: Option<crate::Timestamp>,
    pub over: bool,
}

/// Why a phase run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum EndReason {
    Elapsed,
    Skipped,
    EndedEarly,
    Abandoned,
    Closed,
}

impl EndReason {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Elapsed => "elapsed",
            Self::Skipped => "skipped",
            Self::EndedEarly => "ended_early",
            Self::Abandoned => "abandoned",
            Self::Closed => "closed",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [Self::Elapsed, Self::Skipped, Self::EndedEarly, Self::Abandoned, Self::Closed]
            .into_iter()
            .find(|r| r.as_str() == s)
    }
}

/// A stretch of time inside a session that is not focus: an interruption the person
/// reported, or a sleep of the computer the ticker noticed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum PauseKind {
    Interruption,
    Sleep,
}

impl PauseKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Interruption => "interruption",
            Self::Sleep => "sleep",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [Self::Interruption, Self::Sleep].into_iter().find(|r| r.as_str() == s)
    }
}

/// What a sleep of the computer does to a running session (a setting).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum SleepMode {
    /// Phases go on while the computer sleeps, as a clock on the wall would (default).
    #[default]
    KeepWallClock,
    /// A sleep pauses the session: its phases resume where they were.
    PauseWhileAsleep,
}

/// The language the person chose; `System` follows the computer's locale.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "lowercase")]
pub enum LanguageChoice {
    #[default]
    System,
    De,
    En,
}

/// Light or dark look; `System` follows the desktop.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "lowercase")]
pub enum ThemeChoice {
    #[default]
    System,
    Light,
    Dark,
}

/// Every setting the person can change, as the settings screen shows them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct Settings {
    pub language: LanguageChoice,
    pub theme: ThemeChoice,
    /// The template "Start session" in the tray and on the command line uses.
    pub default_template_id: Uuid,
    /// A short sound with each phase-change notification.
    pub sound: bool,
    pub start_at_login: bool,
    /// Closing the main window keeps the app in the tray (while a session runs it always does).
    pub keep_in_tray: bool,
    /// The global shortcut that starts, pauses and resumes (`None`: off).
    pub shortcut: Option<String>,
    pub sleep_mode: SleepMode,
    /// How many minutes before a room's scheduled session its reminder comes (0: at its
    /// start; `None`: no reminders).
    pub room_reminder_minutes: Option<u32>,
    /// How many daily backups are kept (the oldest goes when a new one is made; 0: none made).
    pub backups_kept: u32,
    /// When a notice invites to the weekly review (`None`: never).
    pub review_reminder: Option<ReviewReminder>,
    /// How many minutes of focus a day is for, Monday first (0: no budget that day). Once
    /// today's is reached, a notice says it is time to stop.
    pub daily_budget: DailyBudget,
}

/// Minutes of focus per weekday, Monday first; 0 is no budget.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(transparent)]
pub struct DailyBudget(pub [u32; 7]);

impl DailyBudget {
    /// A day's budget is at most sixteen hours.
    pub const MAX_MINUTES: u32 = 16 * 60;

    pub fn is_valid(self) -> bool {
        self.0.iter().all(|m| *m <= Self::MAX_MINUTES)
    }

    /// The budget of `day`, if it has one.
    pub fn of(self, day: chrono::NaiveDate) -> Option<u32> {
        use chrono::Datelike;
        Some(self.0[day.weekday().num_days_from_monday() as usize]).filter(|m| *m > 0)
    }
}

/// A weekly moment in the person's zone: the day (1 Monday … 7 Sunday, as ISO 8601 counts) and
/// the minute of that day (0 to 1439).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct ReviewReminder {
    pub weekday: u8,
    pub minute: u16,
}

impl ReviewReminder {
    /// Sunday evening: the week is done, the next one not begun.
    pub const SUNDAY_EVENING: Self = Self { weekday: 7, minute: 18 * 60 };

    pub fn is_valid(self) -> bool {
        (1..=7).contains(&self.weekday) && self.minute < 24 * 60
    }
}

/// One change on the settings screen, e.g. `{ "theme": "dark" }`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub enum SettingChange {
    Language(LanguageChoice),
    Theme(ThemeChoice),
    DefaultTemplate(Uuid),
    Sound(bool),
    StartAtLogin(bool),
    KeepInTray(bool),
    Shortcut(Option<String>),
    SleepMode(SleepMode),
    /// 0 to [`crate::limits::REMINDER_MAX_MINUTES`], or `None` for no reminders.
    RoomReminderMinutes(Option<u32>),
    /// 0 to [`crate::limits::BACKUPS_MAX_KEPT`].
    BackupsKept(u32),
    /// A valid [`ReviewReminder`], or `None` for none.
    ReviewReminder(Option<ReviewReminder>),
    /// Each day 0 to [`DailyBudget::MAX_MINUTES`].
    DailyBudget(DailyBudget),
}

/// Where the next page of the timeline starts: after the session started at `startedAt`
/// with this id (sessions are listed newest first; the id breaks ties).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct HistoryCursor {
    pub started_at: Timestamp,
    pub id: Uuid,
}

/// Which sessions the timeline shows, and from where: ended sessions started in
/// `[from, to)` (instants: the UI turns the person's days into them), with a commitment of
/// this tag (any case) or outcome, from this room, matching this search; newest first, after
/// `after`, at most `limit` (up to [`crate::limits::LIST_MAX`]).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase", default)]
pub struct HistoryQuery {
    pub from: Option<Timestamp>,
    pub to: Option<Timestamp>,
    pub tag: Option<String>,
    pub outcome: Option<Outcome>,
    /// The room's name, as the sessions keep it.
    pub room: Option<String>,
    pub text: Option<String>,
    pub after: Option<HistoryCursor>,
    pub limit: u32,
}
