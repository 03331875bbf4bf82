//! Typed errors of the core. Each one says what is wrong in terms a person understands;
//! the shell turns them into `{ code, message }` in the person's language via
//! [`CoreError::message_key`].

use serde::{Deserialize, Serialize};

pub type Result<T, E = CoreError> = std::result::Result<T, E>;

/// The class of an error, for the UI to react without matching on text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    InvalidInput,
    NotFound,
    WrongState,
    Storage,
    Internal,
    /// A room server could not be reached, or could not answer now (the shell's rooms).
    Unreachable,
}

/// The things that can be looked up by ID.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Entity {
    Session,
    Commitment,
    Template,
    Block,
    Routine,
}

/// Operations refused because of the session's state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WrongState {
    NoSession,
    SessionInProgress,
    SessionOver,
    AlreadyPaused,
    NotPaused,
    InClosingRound,
    NotInClosingRound,
    AlreadyCarried,
    /// Skip or "+5 min" in a session that follows a room's: the host moves it on.
    FollowsRoom,
    /// Sharing with a room, in a session not joined from one.
    NotARoomSession,
    /// Sharing a session of one's own with a room, when it belongs to a room already.
    AlreadyARoomSession,
    /// Committing again to the same routine day in one session.
    AlreadyCommitted,
}

/// Why a file cannot be restored as the database (`Store::check_backup`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BackupRefusal {
    /// Not an SQLite database at all (or not there).
    Unreadable,
    /// An SQLite database that fails its check: truncated, or damaged on disk.
    Damaged,
    /// An SQLite database, but not Worktogether's.
    Foreign,
    /// Worktogether's, from a newer version of the app (a schema this one does not know).
    Newer,
}

#[derive(Debug, thiserror::Error)]
pub enum CoreError {
    #[error("the commitment is empty")]
    CommitmentEmpty,
    #[error("the commitment has {len} characters, at most {max} are allowed")]
    CommitmentTooLong { len: usize, max: usize },
    #[error("the tag is longer than {max} characters")]
    TagTooLong { max: usize },
    #[error("the note is longer than {max} characters")]
    NoteTooLong { max: usize },
    #[error("the estimate must be 1 to {max} minutes")]
    EstimateOutOfRange { max: u32 },
    #[error("a session holds at most {max} commitments")]
    TooManyCommitments { max: usize },
    #[error("at most {max} commitments are planned at once")]
    TooManyPlanned { max: usize },
    #[error("a commitment that was done is not carried over")]
    CarryDone,
    #[error("position {position} is outside the list")]
    PositionOutOfRange { position: u32 },
    #[error("the template needs a name")]
    TemplateNameEmpty,
    #[error("the template name is longer than {max} characters")]
    TemplateNameTooLong { max: usize },
    #[error("a template with this name exists")]
    TemplateNameTaken,
    #[error("a template starts with a commitment round, ends with a closing round and has focus in between")]
    TemplateShape,
    #[error("a template has at most {max} phases")]
    TooManyPhases { max: usize },
    #[error("phase {position} has no duration")]
    PhaseZero { position: u32 },
    #[error("phase {position} would be longer than 8 hours")]
    PhaseTooLong { position: u32 },
    #[error("built-in templates can be edited but not deleted")]
    BuiltinTemplate,
    #[error("extend by 1 to {max} minutes")]
    ExtendOutOfRange { max: u32 },
    #[error("the focus rating is 1 to 5")]
    RatingOutOfRange,
    #[error("every commitment needs an outcome")]
    OutcomeMissing,
    #[error("the report names a commitment that is not in this session")]
    ForeignCommitment,
    #[error("the shortcut is longer than {max} characters")]
    ShortcutTooLong { max: usize },
    #[error("a reminder comes 0 to {max} minutes before")]
    ReminderOutOfRange { max: u32 },
    #[error("0 to {max} backups are kept")]
    BackupsOutOfRange { max: u32 },
    #[error("a day's budget is 0 to {max} hours")]
    BudgetOutOfRange { max: u32 },
    #[error("the review reminder needs a day from Monday to Sunday and a time of day")]
    ReviewReminderInvalid,
    #[error("impossible schedule rule: {0:?}")]
    Rule(crate::schedule::RuleProblem),
    #[error("the block cannot be saved: {0:?}")]
    Block(crate::schedule::BlockProblem),
    #[error("the routine cannot be saved: {0:?}")]
    Routine(crate::schedule::RoutineProblem),
    #[error("the file cannot be restored: {0:?}")]
    Backup(BackupRefusal),
    #[error("no template is named {0:?}")]
    TemplateNameUnknown(String),
    #[error("{0:?} not found")]
    NotFound(Entity),
    #[error("wrong state: {0:?}")]
    WrongState(WrongState),
    #[error("the stored data is inconsistent: {0}")]
    Corrupt(String),
    /// The folder the database lives in cannot be made (a file in the way, no permission).
    #[error("cannot create the data folder: {0}")]
    DataFolder(String),
    #[error("database error: {0}")]
    Storage(#[from] rusqlite::Error),
    #[error("database migration failed: {0}")]
    Migration(#[from] rusqlite_migration::Error),
    #[error(transparent)]
    StatsRange(#[from] crate::stats::RangeError),
}

impl CoreError {
    pub fn code(&self) -> ErrorCode {
        match self {
            Self::NotFound(_) | Self::TemplateNameUnknown(_) => ErrorCode::NotFound,
            Self::WrongState(_) => ErrorCode::WrongState,
            Self::Storage(_) | Self::Migration(_) | Self::DataFolder(_) => ErrorCode::Storage,
            Self::Corrupt(_) => ErrorCode::Internal,
            _ => ErrorCode::InvalidInput,
        }
    }

    /// The catalog key of the message for people, and the values for its placeholders.
    pub fn message_key(&self) -> (&'static str, Vec<(&'static str, String)>) {
        use CoreError as E;
        let none = Vec::new;
        match self {
            E::CommitmentEmpty => ("error.commitment_empty", none()),
            E::CommitmentTooLong { len, max } => {
                ("error.commitment_too_long", vec![("len", len.to_string()), ("max", max.to_string())])
            }
            E::TagTooLong { max } => ("error.tag_too_long", vec![("max", max.to_string())]),
            E::NoteTooLong { max } => ("error.note_too_long", vec![("max", max.to_string())]),
            E::EstimateOutOfRange { max } => ("error.estimate_out_of_range", vec![("max", max.to_string())]),
            E::TooManyCommitments { max } => ("error.too_many_commitments", vec![("max", max.to_string())]),
            E::TooManyPlanned { max } => ("error.too_many_planned", vec![("max", max.to_string())]),
            E::CarryDone => ("error.carry_done", none()),
            E::PositionOutOfRange { .. } => ("error.position_out_of_range", none()),
            E::TemplateNameEmpty => ("error.template_name_empty", none()),
            E::TemplateNameTooLong { max } => ("error.template_name_too_long", vec![("max", max.to_string())]),
            E::TemplateNameTaken => ("error.template_name_taken", none()),
            E::TemplateShape => ("error.template_shape", none()),
            E::TooManyPhases { max } => ("error.too_many_phases", vec![("max", max.to_string())]),
            E::PhaseZero { position } => ("error.phase_zero", vec![("position", position.to_string())]),
            E::PhaseTooLong { position } => ("error.phase_too_long", vec![("position", position.to_string())]),
            E::BuiltinTemplate => ("error.builtin_template", none()),
            E::ExtendOutOfRange { max } => ("error.extend_out_of_range", vec![("max", max.to_string())]),
            E::RatingOutOfRange => ("error.rating_out_of_range", none()),
            E::OutcomeMissing => ("error.outcome_missing", none()),
            E::ForeignCommitment => ("error.foreign_commitment", none()),
            E::ShortcutTooLong { max } => ("error.shortcut_too_long", vec![("max", max.to_string())]),
            E::ReminderOutOfRange { max } => ("error.reminder_out_of_range", vec![("max", max.to_string())]),
            E::BackupsOutOfRange { max } => ("error.backups_out_of_range", vec![("max", max.to_string())]),
            E::ReviewReminderInvalid => ("error.review_reminder_invalid", none()),
            E::BudgetOutOfRange { max } => ("error.budget_out_of_range", vec![("max", max.to_string())]),
            E::Backup(refusal) => (
                match refusal {
                    BackupRefusal::Unreadable => "backups.error.unreadable",
                    BackupRefusal::Damaged => "backups.error.damaged",
                    BackupRefusal::Foreign => "backups.error.foreign",
                    BackupRefusal::Newer => "backups.error.newer",
                },
                none(),
            ),
            E::TemplateNameUnknown(name) => ("error.template_name_unknown", vec![("name", name.clone())]),
            E::NotFound(Entity::Session) => ("error.not_found.session", none()),
            E::NotFound(Entity::Commitment) => ("error.not_found.commitment", none()),
            E::NotFound(Entity::Template) => ("error.not_found.template", none()),
            E::NotFound(Entity::Block) => ("error.not_found.block", none()),
            E::NotFound(Entity::Routine) => ("error.not_found.routine", none()),
            E::Rule(p) => rule_message(*p),
            E::Block(p) => block_message(*p),
            E::Routine(p) => routine_message(*p),
            E::WrongState(w) => (
                match w {
                    WrongState::NoSession => "error.state.no_session",
                    WrongState::SessionInProgress => "error.state.session_in_progress",
                    WrongState::SessionOver => "error.state.session_over",
                    WrongState::AlreadyPaused => "error.state.already_paused",
                    WrongState::NotPaused => "error.state.not_paused",
                    WrongState::InClosingRound => "error.state.in_closing_round",
                    WrongState::NotInClosingRound => "error.state.not_in_closing_round",
                    WrongState::AlreadyCarried => "error.state.already_carried",
                    WrongState::FollowsRoom => "error.state.follows_room",
                    WrongState::NotARoomSession => "error.state.not_a_room_session",
                    WrongState::AlreadyARoomSession => "error.state.already_a_room_session",
                    WrongState::AlreadyCommitted => "error.state.already_committed",
                },
                none(),
            ),
            E::Corrupt(_) => ("error.internal", none()),
            E::Storage(e) => ("error.storage", vec![("detail", e.to_string())]),
            E::DataFolder(_) => ("error.storage", vec![("detail", self.to_string())]),
            E::Migration(e) => ("error.storage", vec![("detail", e.to_string())]),
            E::StatsRange(e) => e.message_key(),
        }
    }
}

fn rule_message(p: crate::schedule::RuleProblem) -> (&'static str, Vec<(&'static str, String)>) {
    use crate::schedule::rule::{COUNT_MAX, INTERVAL_MAX, RuleProblem as P, YEAR_MAX, YEAR_MIN};
    match p {
        P::YearOutOfRange => {
            ("error.rule.year_out_of_range", vec![("min", YEAR_MIN.to_string()), ("max", YEAR_MAX.to_string())])
        }
        P::IntervalOutOfRange => ("error.rule.interval_out_of_range", vec![("max", INTERVAL_MAX.to_string())]),
        P::NoDays => ("error.rule.no_days", Vec::new()),
        P::DayOfMonthOutOfRange => ("error.rule.day_of_month_out_of_range", Vec::new()),
        P::NthOutOfRange => ("error.rule.nth_out_of_range", Vec::new()),
        P::ImpossibleDate { month, day } => {
            ("error.rule.impossible_date", vec![("month", month.to_string()), ("day", day.to_string())])
        }
        P::EndBeforeFirst => ("error.rule.end_before_first", Vec::new()),
        P::CountOutOfRange => ("error.rule.count_out_of_range", vec![("max", COUNT_MAX.to_string())]),
        P::NeverHappens => ("error.rule.never_happens", Vec::new()),
    }
}

fn block_message(p: crate::schedule::BlockProblem) -> (&'static str, Vec<(&'static str, String)>) {
    use crate::schedule::blocks::{BLOCKS_MAX, BlockProblem as P, LENGTH_MAX_MINUTES, TITLE_MAX_CHARS};
    match p {
        P::TitleEmpty => ("error.block.title_empty", Vec::new()),
        P::TitleTooLong => ("error.block.title_too_long", vec![("max", TITLE_MAX_CHARS.to_string())]),
        P::StartOutOfRange => ("error.block.start_out_of_range", Vec::new()),
        P::LengthOutOfRange => {
            ("error.block.length_out_of_range", vec![("max", (LENGTH_MAX_MINUTES / 60).to_string())])
        }
        P::WindowShorterThanExpected => ("error.block.window_shorter_than_expected", Vec::new()),
        P::ExpectedOutOfRange => ("error.block.expected_out_of_range", Vec::new()),
        P::TooMany => ("error.block.too_many", vec![("max", BLOCKS_MAX.to_string())]),
        P::NotAnOccurrence => ("error.block.not_an_occurrence", Vec::new()),
    }
}

fn routine_message(p: crate::schedule::RoutineProblem) -> (&'static str, Vec<(&'static str, String)>) {
    use crate::schedule::routines::{ROUTINES_MAX, RoutineProblem as P, STEP_MAX_CHARS, STEPS_MAX, TITLE_MAX_CHARS};
    match p {
        P::TitleEmpty => ("error.routine.title_empty", Vec::new()),
        P::TitleTooLong => ("error.routine.title_too_long", vec![("max", TITLE_MAX_CHARS.to_string())]),
        P::TooManySteps => ("error.routine.too_many_steps", vec![("max", STEPS_MAX.to_string())]),
        P::StepTooLong => ("error.routine.step_too_long", vec![("max", STEP_MAX_CHARS.to_string())]),
        P::TooMany => ("error.routine.too_many", vec![("max", ROUTINES_MAX.to_string())]),
        P::NotADueDay => ("error.routine.not_a_due_day", Vec::new()),
    }
}
