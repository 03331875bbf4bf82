//! Importing the JSON backup (`crate::export::Backup`): reading a file into it and checking all
//! of it before anything is written. Pure: the store (`store/import.rs`) compares what is left
//! with the database and writes it in one transaction, so a refused file changes nothing.
//!
//! Reading stops at the first sign that the file is not one to read, without taking in the
//! rest: a first byte that does not open a JSON object, a `format` that is not ours, a `version`
//! newer than this app's (checked as soon as it is read, before a newer file's new fields can be
//! mistaken for damage), a file longer than [`IMPORT_MAX_BYTES`]. A UTF-8 byte order mark, as
//! Windows editors save one, is skipped.
//!
//! Then every rule the app keeps for what it stores is checked on every item, with the same
//! functions typed input goes through (`validate`, `templates`), so a backup cannot bring in
//! what the app would refuse to a person: texts over the limits or with nothing to see, plans
//! and templates of the wrong shape, phase runs, pauses and commitments numbered out of order,
//! ends before starts, totals that do not follow from the phases (recomputed by the engine),
//! two sessions in progress, ids twice, settings the settings screen would refuse. Times are
//! cut to whole milliseconds, as the store keeps them, so what is compared is what is stored.
//!
//! A `carriedFrom` must name a commitment of a session that started earlier. One that is not in
//! the file must be in the database; only a partial backup (`selection` set, made for some days
//! or a tag) may name one that is in neither: the link is then left out and the count kept,
//! since the earlier commitment is simply not part of this history.
//!
//! The schedule (version 2 on) goes through the same rules as the block and routine forms
//! (`BlockDraft::checked`, `RoutineDraft::checked`), and must be stored as they store it: a
//! title or step with white space around it, a blank tag or step, a weekly rule's days out of
//! order or twice are refused, not cleaned. A block's days and a routine's kept days must be days
//! its rule falls on, each once; a moved day is checked as a move in the app is; ids are unique;
//! at most `BLOCKS_MAX` blocks and `ROUTINES_MAX` routines (with the database's: the store's
//! check). A commitment's `routine` link names a routine of the file or of the database (as for
//! `carriedFrom`, only a partial backup may name one in neither: the link is left out), on a day
//! within the rules' years; not necessarily one its rule falls on now, since a changed rule keeps
//! the links made before. Errors name the item and the path to the value
//! (`schedule.blocks[2].recurrence.repeat.day`).

use crate::Timestamp;
use crate::engine::{Pause, PhaseRun, SessionClock};
use crate::error::{CoreError, ErrorCode};
use crate::export::{
    BACKUP_FORMAT, BACKUP_VERSION, Backup, BackupBlock, BackupCommitment, BackupPause, BackupPhase, BackupRoutine,
    BackupSchedule, BackupSelection, BackupSession, BackupTemplate, BackupTotals, Translate,
};
use crate::limits::{
    BACKUPS_MAX_KEPT, COMMITMENTS_PER_SESSION, ESTIMATE_MAX_MINUTES, NOTE_MAX_CHARS, PHASE_MAX_SECS, PHASE_MIN_SECS,
    REMINDER_MAX_MINUTES, SHORTCUT_MAX_CHARS, TEMPLATE_MAX_PHASES,
};
use crate::model::{CommitmentDraft, LanguageChoice, Outcome, PhaseKind, PlannedPhase, SleepMode, ThemeChoice};
use crate::schedule::blocks::{BLOCKS_MAX, Block, BlockDraft, BlockProblem, Exception, check_exception};
use crate::schedule::routines::{ROUTINES_MAX, RoutineDraft, RoutineProblem};
use crate::schedule::rule::{Recurrence, RuleProblem, YEAR_MAX, YEAR_MIN};
use crate::store::to_millis;
use crate::templates::{validate_name, validate_phases};
use crate::validate::{check_rating, clean_note, shows_nothing, validate_draft};
use chrono::{Datelike, NaiveDate};
use serde::de::{DeserializeOwned, DeserializeSeed, Error as _, MapAccess, Visitor};
use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::io::{BufRead, BufReader, Read};
use uuid::Uuid;

/// The largest file read. Ten years of heavy use make a backup of about 33 MB
/// (docs/benchmarks.md); 512 MiB is far beyond any real one and still bounds the memory a
/// file can take.
pub const IMPORT_MAX_BYTES: u64 = 512 * 1024 * 1024;

// ---------------------------------------------------------------------------------------------
// What can be wrong

/// Why a backup is refused. Each says what is wrong in terms a person understands; the shell
/// shows it in their language with [`ImportError::message`].
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("cannot read the file: {0}")]
    Read(#[source] std::io::Error),
    #[error("the file is larger than {max_mib} MiB, far larger than any backup")]
    TooLarge { max_mib: u64 },
    #[error("the file is empty")]
    Empty,
    #[error("not a Worktogether backup: it does not start with a JSON object")]
    NotJson,
    #[error("the file ends too early, at line {line}, column {column}: it was cut off")]
    Truncated { line: usize, column: usize },
    #[error("the file is damaged at line {line}, column {column}: {detail}")]
    Damaged { line: usize, column: usize, detail: String },
    #[error("not a Worktogether backup")]
    Foreign,
    #[error(
        "made by a newer Worktogether (backup version {version}, this one reads up to {BACKUP_VERSION}): update first"
    )]
    Newer { version: u64 },
    /// A value of the wrong type, a field this version does not know, a bad id or time.
    #[error("{path} (line {line}, column {column}): {detail}")]
    Malformed { path: String, line: usize, column: usize, detail: String },
    /// A rule of the app broken by one item of the backup (boxed: an error stays small).
    #[error("{place}: {rule}")]
    Invalid { place: Box<Place>, rule: Box<Rule> },
    /// The database could not be read or written.
    #[error(transparent)]
    Core(#[from] CoreError),
}

impl From<rusqlite::Error> for ImportError {
    fn from(e: rusqlite::Error) -> Self {
        Self::Core(CoreError::Storage(e))
    }
}

/// Which item of the backup breaks a rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Place {
    Template {
        name: String,
    },
    Setting {
        key: String,
    },
    Session {
        id: Uuid,
        started_at: Timestamp,
    },
    /// The `number`th (from 1) phase run of a session.
    Phase {
        session: Uuid,
        started_at: Timestamp,
        number: usize,
    },
    /// The `number`th (from 1) pause of a session.
    Pause {
        session: Uuid,
        started_at: Timestamp,
        number: usize,
    },
    Commitment {
        id: Uuid,
        text: String,
        session_started_at: Timestamp,
    },
    /// A work block of the schedule, by (an excerpt of) its title, and the path to the value
    /// (`schedule.blocks[2].recurrence.repeat.day`).
    Block {
        title: String,
        path: String,
    },
    /// A routine of the schedule, as a block.
    Routine {
        title: String,
        path: String,
    },
}

/// The rule an item breaks. `Core` is a rule typed input is held to as well, in its words.
#[derive(Debug, thiserror::Error)]
pub enum Rule {
    #[error(transparent)]
    Core(CoreError),
    #[error("its id appears more than once in the file")]
    Duplicate,
    #[error("your history already has it, with different content")]
    Conflict,
    #[error("it is in progress, and so is session {other}")]
    SecondInProgress { other: Uuid },
    #[error("it is in progress, and your history already has a session in progress")]
    InProgressInHistory,
    #[error("numbered {found} where {expected} belongs")]
    Sequence { expected: i64, found: i64 },
    #[error("it has no phase runs")]
    NoRuns,
    #[error("its plan has no phases")]
    PlanEmpty,
    #[error("its plan does not end with a closing round")]
    PlanEnd,
    #[error("it names phase {index} of a plan of {count}")]
    OutsidePlan { index: i64, count: usize },
    #[error("it is a {kind:?} phase where the plan has a {planned:?} phase")]
    KindNotPlanned { kind: PhaseKind, planned: PhaseKind },
    #[error("it ends ({end}) before it starts ({start})")]
    EndsBeforeStart { start: Timestamp, end: Timestamp },
    #[error("it is over but has no end")]
    EndMissing,
    #[error("it is in progress but has an end")]
    EndUnexpected,
    #[error("it ends at {end}, its last phase at {last:?}")]
    EndMismatch { end: Timestamp, last: Option<Timestamp> },
    #[error("it is over but its totals are missing")]
    TotalsMissing,
    #[error("it is in progress but has totals")]
    TotalsUnexpected,
    #[error("its {field} are {stored}, its phases, pauses and commitments give {computed}")]
    TotalsDiffer { field: &'static str, stored: i64, computed: i64 },
    #[error("{field} is {value}, out of range")]
    OutOfRange { field: &'static str, value: i64 },
    #[error("it names a room only in part")]
    RoomPartial,
    #[error("it follows or shares with a room but names none")]
    RoomMissing,
    #[error("{field} has no visible characters")]
    Invisible { field: &'static str },
    #[error("{field} begins or ends with white space")]
    Untrimmed { field: &'static str },
    #[error("{field} lies outside the years 1 to 9999")]
    OutOfCalendar { field: &'static str },
    #[error("it begins before the one before it ends, or outside its session")]
    OutOfOrder,
    #[error("{field} is longer than {max} characters")]
    TooLong { field: &'static str, max: usize },
    #[error("another template of the file has the same name, {other:?}")]
    NameTwice { other: String },
    #[error("another template of the file is the built-in {key:?}")]
    BuiltinTwice { key: String },
    #[error("it continues commitment {id}, which is neither in the file nor in the history")]
    CarriedFromUnknown { id: Uuid },
    #[error("it continues commitment {id}, of a session that did not start before its own")]
    CarriedFromLater { id: Uuid },
    #[error("{value} is not a value Worktogether accepts ({detail})")]
    SettingValue { value: String, detail: String },
    #[error("the day {day} appears more than once")]
    DayTwice { day: NaiveDate },
    #[error("its {field} are not in order, or one is there twice")]
    Unsorted { field: &'static str },
    #[error("movedTo and movedMinutes go together")]
    MovePartial,
    #[error("it is both skipped and moved")]
    SkippedAndMoved,
    #[error("it is for routine {id}, which is neither in the file nor in the schedule")]
    RoutineUnknown { id: Uuid },
    #[error("it names session {id}, which is neither in the file nor in the history")]
    SessionUnknown { id: Uuid },
    #[error("it names commitment {id}, which is neither in the file nor in the history")]
    CommitmentUnknown { id: Uuid },
}

pub(crate) fn invalid(place: &Place, rule: Rule) -> ImportError {
    ImportError::Invalid { place: Box::new(place.clone()), rule: Box::new(rule) }
}

/// Up to 40 characters of a person's text, on one line, for a message.
fn excerpt(text: &str) -> String {
    const MAX: usize = 40;
    let mut out: String = text.chars().map(|c| if c.is_control() { ' ' } else { c }).take(MAX).collect();
    if text.chars().count() > MAX {
        out.push('…');
    }
    out
}

fn when(t: Timestamp) -> String {
    t.format("%Y-%m-%d %H:%M:%S UTC").to_string()
}

impl std::fmt::Display for Place {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Template { name } => write!(f, "template {name:?}"),
            Self::Setting { key } => write!(f, "setting {key:?}"),
            Self::Session { id, started_at } => write!(f, "session {id} of {}", when(*started_at)),
            Self::Phase { session, number, .. } => write!(f, "phase run {number} of session {session}"),
            Self::Pause { session, number, .. } => write!(f, "pause {number} of session {session}"),
            Self::Commitment { id, text, .. } => write!(f, "commitment {id} ({text:?})"),
            Self::Block { title, path } => write!(f, "work block {title:?} ({path})"),
            Self::Routine { title, path } => write!(f, "routine {title:?} ({path})"),
        }
    }
}

type Args = Vec<(&'static str, String)>;

impl Place {
    pub(crate) fn session(s: &BackupSession) -> Self {
        Self::Session { id: s.id, started_at: s.started_at }
    }

    pub(crate) fn commitment(s: &BackupSession, c: &BackupCommitment) -> Self {
        Self::Commitment { id: c.id, text: excerpt(&c.text), session_started_at: s.started_at }
    }

    /// The `index`th (from 0) block of the schedule, at `field` below it (`""`: the block).
    pub(crate) fn block(index: usize, title: &str, field: &str) -> Self {
        Self::Block { title: excerpt(title), path: schedule_path("blocks", index, field) }
    }

    /// The `index`th (from 0) routine of the schedule, at `field` below it (`""`: the routine).
    pub(crate) fn routine(index: usize, title: &str, field: &str) -> Self {
        Self::Routine { title: excerpt(title), path: schedule_path("routines", index, field) }
    }

    /// The catalog key of where, and its placeholders' values.
    pub fn message_key(&self) -> (&'static str, Args) {
        let session = |id: &Uuid, start: &Timestamp| [("id", id.to_string()), ("start", when(*start))];
        match self {
            Self::Template { name } => ("import.place.template", vec![("name", excerpt(name))]),
            Self::Setting { key } => ("import.place.setting", vec![("key", excerpt(key))]),
            Self::Session { id, started_at } => ("import.place.session", session(id, started_at).to_vec()),
            Self::Phase { session: id, started_at, number } => {
                let mut args = session(id, started_at).to_vec();
                args.push(("number", number.to_string()));
                ("import.place.phase", args)
            }
            Self::Pause { session: id, started_at, number } => {
                let mut args = session(id, started_at).to_vec();
                args.push(("number", number.to_string()));
                ("import.place.pause", args)
            }
            Self::Commitment { id, text, session_started_at } => (
                "import.place.commitment",
                vec![("id", id.to_string()), ("text", text.clone()), ("start", when(*session_started_at))],
            ),
            Self::Block { title, path } => {
                ("import.schedule.place.block", vec![("title", title.clone()), ("path", path.clone())])
            }
            Self::Routine { title, path } => {
                ("import.schedule.place.routine", vec![("title", title.clone()), ("path", path.clone())])
            }
        }
    }
}

impl Rule {
    /// The catalog key of the rule, and its placeholders' values.
    pub fn message_key(&self) -> (&'static str, Args) {
        use Rule as R;
        let none = Vec::new;
        match self {
            R::Core(e) => e.message_key(),
            R::Duplicate => ("import.rule.duplicate", none()),
            R::Conflict => ("import.rule.conflict", none()),
            R::SecondInProgress { other } => ("import.rule.second_in_progress", vec![("other", other.to_string())]),
            R::InProgressInHistory => ("import.rule.in_progress_in_history", none()),
            R::Sequence { expected, found } => {
                ("import.rule.sequence", vec![("expected", expected.to_string()), ("found", found.to_string())])
            }
            R::NoRuns => ("import.rule.no_runs", none()),
            R::PlanEmpty => ("import.rule.plan_empty", none()),
            R::PlanEnd => ("import.rule.plan_end", none()),
            R::OutsidePlan { index, count } => {
                ("import.rule.outside_plan", vec![("index", index.to_string()), ("count", count.to_string())])
            }
            R::KindNotPlanned { kind, planned } => (
                "import.rule.kind_not_planned",
                vec![("kind", kind.as_str().to_owned()), ("planned", planned.as_str().to_owned())],
            ),
            R::EndsBeforeStart { start, end } => {
                ("import.rule.ends_before_start", vec![("start", when(*start)), ("end", when(*end))])
            }
            R::EndMissing => ("import.rule.end_missing", none()),
            R::EndUnexpected => ("import.rule.end_unexpected", none()),
            R::EndMismatch { end, last } => (
                "import.rule.end_mismatch",
                vec![("end", when(*end)), ("last", last.map_or_else(|| "–".to_owned(), when))],
            ),
            R::TotalsMissing => ("import.rule.totals_missing", none()),
            R::TotalsUnexpected => ("import.rule.totals_unexpected", none()),
            R::TotalsDiffer { field, stored, computed } => (
                "import.rule.totals_differ",
                vec![
                    ("field", (*field).to_owned()),
                    ("stored", stored.to_string()),
                    ("computed", computed.to_string()),
                ],
            ),
            R::OutOfRange { field, value } => {
                ("import.rule.out_of_range", vec![("field", (*field).to_owned()), ("value", value.to_string())])
            }
            R::RoomPartial => ("import.rule.room_partial", none()),
            R::RoomMissing => ("import.rule.room_missing", none()),
            R::Invisible { field } => ("import.rule.invisible", vec![("field", (*field).to_owned())]),
            R::Untrimmed { field } => ("import.rule.untrimmed", vec![("field", (*field).to_owned())]),
            R::OutOfCalendar { field } => ("import.rule.out_of_calendar", vec![("field", (*field).to_owned())]),
            R::OutOfOrder => ("import.rule.out_of_order", none()),
            R::TooLong { field, max } => {
                ("import.rule.too_long", vec![("field", (*field).to_owned()), ("max", max.to_string())])
            }
            R::NameTwice { other } => ("import.rule.name_twice", vec![("other", excerpt(other))]),
            R::BuiltinTwice { key } => ("import.rule.builtin_twice", vec![("key", excerpt(key))]),
            R::CarriedFromUnknown { id } => ("import.rule.carried_from_unknown", vec![("id", id.to_string())]),
            R::CarriedFromLater { id } => ("import.rule.carried_from_later", vec![("id", id.to_string())]),
            R::SettingValue { value, detail } => {
                ("import.rule.setting_value", vec![("value", excerpt(value)), ("detail", detail.clone())])
            }
            R::DayTwice { day } => ("import.schedule.rule.day_twice", vec![("day", day.to_string())]),
            R::Unsorted { field } => ("import.schedule.rule.unsorted", vec![("field", (*field).to_owned())]),
            R::MovePartial => ("import.schedule.rule.move_partial", none()),
            R::SkippedAndMoved => ("import.schedule.rule.skipped_and_moved", none()),
            R::RoutineUnknown { id } => ("import.schedule.rule.routine_unknown", vec![("id", id.to_string())]),
            R::SessionUnknown { id } => ("import.schedule.rule.session_unknown", vec![("id", id.to_string())]),
            R::CommitmentUnknown { id } => ("import.schedule.rule.commitment_unknown", vec![("id", id.to_string())]),
        }
    }
}

impl ImportError {
    pub fn code(&self) -> ErrorCode {
        match self {
            Self::Core(e) => e.code(),
            Self::Read(_) => ErrorCode::Storage,
            _ => ErrorCode::InvalidInput,
        }
    }

    /// The catalog key of what is wrong and its placeholders' values: for [`ImportError::Invalid`]
    /// the rule's (its place is added by [`ImportError::message`]), for the database's errors the
    /// core's.
    pub fn message_key(&self) -> (&'static str, Args) {
        use ImportError as E;
        let at = |line: &usize, column: &usize| vec![("line", line.to_string()), ("column", column.to_string())];
        match self {
            E::Read(e) => ("import.read", vec![("detail", e.to_string())]),
            E::TooLarge { max_mib } => ("import.too_large", vec![("max", max_mib.to_string())]),
            E::Empty => ("import.empty", Vec::new()),
            E::NotJson => ("import.not_json", Vec::new()),
            E::Truncated { line, column } => ("import.truncated", at(line, column)),
            E::Damaged { line, column, detail } => {
                let mut args = at(line, column);
                args.push(("detail", detail.clone()));
                ("import.damaged", args)
            }
            E::Foreign => ("import.foreign", Vec::new()),
            E::Newer { version } => {
                ("import.newer", vec![("version", version.to_string()), ("supported", BACKUP_VERSION.to_string())])
            }
            E::Malformed { path, line, column, detail } => {
                let mut args = at(line, column);
                args.extend([("path", path.clone()), ("detail", detail.clone())]);
                ("import.malformed", args)
            }
            E::Invalid { rule, .. } => rule.message_key(),
            E::Core(e) => e.message_key(),
        }
    }

    /// The message in the words of `t` (the shell's catalog): what is wrong and, for a broken
    /// rule, where.
    pub fn message(&self, t: Translate) -> String {
        let (key, args) = self.message_key();
        let text = t(key, &args);
        match self {
            Self::Invalid { place, .. } => {
                let (place_key, place_args) = place.message_key();
                t("import.invalid", &[("place", t(place_key, &place_args)), ("rule", text)])
            }
            _ => text,
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Reading

/// What the head of the file said, as soon as it said it (the visitor reports it here, beside
/// serde's own error, so reading can stop at once).
#[derive(Debug, Default)]
struct Head {
    /// `format` was read and is ours.
    ours: bool,
    /// Why reading stopped, when it was for what the head said.
    verdict: Option<Verdict>,
}

#[derive(Debug)]
enum Verdict {
    Foreign,
    Newer(u64),
    /// A field this version does not know, found before the format and version said the file
    /// is one this version reads.
    Unknown(String),
}

/// `Backup`'s fields, as the derived reader would take them, but stopping at the first sign
/// of a foreign or newer file: the standard way to hand-write a struct's `Deserialize` (serde's
/// "Manually implementing Deserialize for a struct"), so the check runs as each field arrives.
struct BackupReader<'a> {
    head: &'a RefCell<Head>,
}

const FIELDS: &[&str] =
    &["format", "version", "exportedAt", "schemaVersion", "selection", "templates", "settings", "schedule", "sessions"];

#[derive(Default)]
struct Fields {
    format: Option<String>,
    version: Option<u64>,
    exported_at: Option<Timestamp>,
    schema_version: Option<i64>,
    selection: Option<Option<BackupSelection>>,
    templates: Option<Vec<BackupTemplate>>,
    settings: Option<BTreeMap<String, serde_json::Value>>,
    schedule: Option<Option<BackupSchedule>>,
    sessions: Option<Vec<BackupSession>>,
}

impl BackupReader<'_> {
    fn stop<E: serde::de::Error>(&self, verdict: Verdict) -> E {
        self.head.borrow_mut().verdict = Some(verdict);
        E::custom("not a backup this version reads")
    }

    fn ours(&self) -> bool {
        self.head.borrow().ours
    }
}

/// Reads the next value into `slot`, refusing a field given twice as the derived reader does.
fn take<'de, A: MapAccess<'de>, T: serde::Deserialize<'de>>(
    map: &mut A,
    slot: &mut Option<T>,
    name: &'static str,
) -> Result<(), A::Error> {
    if slot.is_some() {
        return Err(A::Error::duplicate_field(name));
    }
    *slot = Some(map.next_value()?);
    Ok(())
}

impl<'de> Visitor<'de> for BackupReader<'_> {
    type Value = Backup;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a Worktogether backup")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Backup, A::Error> {
        let newer = |version: Option<u64>| version.filter(|v| *v > u64::from(BACKUP_VERSION));
        let mut got = Fields::default();
        // A field this version does not know, kept until the head says whose file this is.
        let mut unknown: Option<String> = None;
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "format" => {
                    take(&mut map, &mut got.format, "format")?;
                    if got.format.as_deref() != Some(BACKUP_FORMAT) {
                        return Err(self.stop(Verdict::Foreign));
                    }
                    self.head.borrow_mut().ours = true;
                    // A version read before the format waited to be sure the file is ours.
                    if let Some(version) = newer(got.version) {
                        return Err(self.stop(Verdict::Newer(version)));
                    }
                }
                "version" => {
                    take(&mut map, &mut got.version, "version")?;
                    if got.version == Some(0) {
                        return Err(self.stop(Verdict::Foreign)); // never written
                    }
                    if let Some(version) = newer(got.version).filter(|_| self.ours()) {
                        return Err(self.stop(Verdict::Newer(version)));
                    }
                }
                "exportedAt" => take(&mut map, &mut got.exported_at, "exportedAt")?,
                "schemaVersion" => take(&mut map, &mut got.schema_version, "schemaVersion")?,
                "selection" => take(&mut map, &mut got.selection, "selection")?,
                "templates" => take(&mut map, &mut got.templates, "templates")?,
                "settings" => take(&mut map, &mut got.settings, "settings")?,
                "schedule" => take(&mut map, &mut got.schedule, "schedule")?,
                "sessions" => take(&mut map, &mut got.sessions, "sessions")?,
                // Ours and of this version: a field it does not know is damage.
                other if self.ours() && got.version.is_some() => {
                    return Err(A::Error::unknown_field(other, FIELDS));
                }
                // Another program's, or a newer version's (with its keys sorted): skipped
                // without being kept, until the head says which.
                _ => {
                    unknown.get_or_insert(key);
                    map.next_value::<serde::de::IgnoredAny>()?;
                }
            }
        }
        if !self.ours() {
            return Err(self.stop(Verdict::Foreign));
        }
        if let Some(version) = newer(got.version) {
            return Err(self.stop(Verdict::Newer(version)));
        }
        if let Some(key) = unknown {
            return Err(self.stop(Verdict::Unknown(key)));
        }
        let missing = A::Error::missing_field;
        Ok(Backup {
            format: got.format.ok_or_else(|| missing("format"))?,
            version: got.version.ok_or_else(|| missing("version"))? as u32, // at most BACKUP_VERSION
            exported_at: got.exported_at.ok_or_else(|| missing("exportedAt"))?,
            schema_version: got.schema_version.ok_or_else(|| missing("schemaVersion"))?,
            selection: got.selection.flatten(),
            templates: got.templates.ok_or_else(|| missing("templates"))?,
            settings: got.settings.ok_or_else(|| missing("settings"))?,
            // Version 1 had none.
            schedule: got.schedule.flatten(),
            sessions: got.sessions.ok_or_else(|| missing("sessions"))?,
        })
    }
}

impl<'de> DeserializeSeed<'de> for BackupReader<'_> {
    type Value = Backup;

    fn deserialize<D: serde::Deserializer<'de>>(self, deserializer: D) -> Result<Backup, D::Error> {
        deserializer.deserialize_map(self)
    }
}

/// Skips a UTF-8 byte order mark and makes sure the first character opens a JSON object,
/// looking at no more of the input than that.
fn check_start(input: &mut impl BufRead) -> Result<(), ImportError> {
    const BOM: &[u8] = "\u{feff}".as_bytes();
    if input.fill_buf().map_err(ImportError::Read)?.starts_with(BOM) {
        input.consume(BOM.len());
    }
    loop {
        let buffer = input.fill_buf().map_err(ImportError::Read)?;
        if buffer.is_empty() {
            return Err(ImportError::Empty);
        }
        match buffer.iter().position(|b| !b.is_ascii_whitespace()) {
            Some(at) if buffer[at] == b'{' => return Ok(()),
            Some(_) => return Err(ImportError::NotJson),
            // Only white space so far: on to the next buffer (the parser would skip it too).
            None => {
                let all = buffer.len();
                input.consume(all);
            }
        }
    }
}

/// serde_json's message without the position it appends (the messages give it themselves).
fn detail(e: &serde_json::Error) -> String {
    let text = e.to_string();
    let position = format!(" at line {} column {}", e.line(), e.column());
    text.strip_suffix(&position).unwrap_or(&text).to_owned()
}

fn json_error(e: serde_json::Error, path: &serde_path_to_error::Path, head: Head) -> ImportError {
    use serde_json::error::Category;
    let (line, column) = (e.line(), e.column());
    match (head.verdict, e.classify()) {
        (Some(Verdict::Foreign), _) => ImportError::Foreign,
        (Some(Verdict::Newer(version)), _) => ImportError::Newer { version },
        (Some(Verdict::Unknown(key)), _) => {
            ImportError::Malformed { detail: format!("unknown field `{key}`"), path: key, line, column }
        }
        (None, Category::Io) => ImportError::Read(e.into()),
        (None, Category::Eof) => ImportError::Truncated { line, column },
        (None, Category::Syntax) => ImportError::Damaged { line, column, detail: detail(&e) },
        // A value of the wrong type before the file said it is a backup: not ours.
        (None, Category::Data) if !head.ours => ImportError::Foreign,
        (None, Category::Data) => ImportError::Malformed { path: path.to_string(), line, column, detail: detail(&e) },
    }
}

/// Reads a backup from `input` (at most [`IMPORT_MAX_BYTES`]), checking only that it is one:
/// [`validate`] checks what is in it.
pub fn read_backup(input: impl Read) -> Result<Backup, ImportError> {
    read_at_most(input, IMPORT_MAX_BYTES)
}

fn read_at_most(input: impl Read, max: u64) -> Result<Backup, ImportError> {
    let mut input = BufReader::with_capacity(1 << 16, input.take(max + 1));
    let head = RefCell::new(Head::default());
    let mut track = serde_path_to_error::Track::new();
    let read = check_start(&mut input).and_then(|()| {
        let mut json = serde_json::Deserializer::from_reader(&mut input);
        BackupReader { head: &head }
            .deserialize(serde_path_to_error::Deserializer::new(&mut json, &mut track))
            .and_then(|backup| json.end().map(|()| backup))
            .map_err(|e| json_error(e, &track.path(), head.take()))
    });
    // Whatever went wrong at the limit, the file was too long (it reads as cut off there).
    if input.get_ref().limit() == 0 {
        return Err(ImportError::TooLarge { max_mib: max >> 20 });
    }
    read
}

// ---------------------------------------------------------------------------------------------
// Checking

/// A backup every rule was checked on, ready for `Store::import_backup`. Only made by
/// [`validate`]; its times are cut to whole milliseconds, as the store keeps them.
#[derive(Debug, Clone, PartialEq)]
pub struct ValidatedBackup {
    backup: Backup,
    /// The commitments named by a `carriedFrom` that are not in the file.
    outside: HashSet<Uuid>,
}

impl ValidatedBackup {
    pub fn backup(&self) -> &Backup {
        &self.backup
    }

    /// Made for some days or a tag, not of the whole history.
    pub fn is_partial(&self) -> bool {
        self.backup.selection.is_some()
    }

    /// Whether `id` is one of the commitments named by a `carriedFrom` that are not in the file
    /// (the store looks for them in the database).
    pub fn is_outside(&self, id: Uuid) -> bool {
        self.outside.contains(&id)
    }
}

/// What an import did, for the person to read.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportSummary {
    pub sessions: Counted,
    pub commitments: Counted,
    /// `present`: kept as the database has them (the same id, the same built-in, or the same
    /// name and phases).
    pub templates: Counted,
    /// `present`: keys the database has, kept as they are.
    pub settings: Counted,
    /// Of the settings kept, those the file has another value for.
    pub settings_differing: u64,
    /// Templates added under another name, since the database has a different one of theirs:
    /// the name in the file, the name given.
    pub renamed_templates: Vec<(String, String)>,
    /// Links to earlier commitments in neither a partial backup nor the database, left out.
    pub links_left_out: u64,
    /// Work blocks and routines of the schedule; `present`: the database has one of that id,
    /// kept as it is (the person's own wins).
    pub blocks: Counted,
    pub routines: Counted,
    /// Links from commitments to routines in neither a partial backup nor the database, left
    /// out (the commitments are imported).
    pub routine_links_left_out: u64,
}

/// How many items were added, and how many were there already.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counted {
    pub added: u64,
    pub present: u64,
}

/// Checks every item of `backup` against the app's rules and against the others in the file.
/// The database is the store's to compare with.
pub fn validate(mut backup: Backup) -> Result<ValidatedBackup, ImportError> {
    cut_to_millis(&mut backup);
    check_calendar(&backup)?;
    check_templates(&backup.templates)?;
    for (key, value) in &backup.settings {
        check_setting(key, value).map_err(|rule| invalid(&Place::Setting { key: key.clone() }, rule))?;
    }
    for session in &backup.sessions {
        check_session(session)?;
    }
    check_ids(&backup.sessions)?;
    check_in_progress(&backup.sessions)?;
    let outside = check_carries(&backup.sessions)?;
    if let Some(schedule) = &backup.schedule {
        check_schedule(schedule)?;
    }
    check_routine_links(&backup.sessions)?;
    Ok(ValidatedBackup { backup, outside })
}

/// Every time within the years 1 to 9999: the database writes and reads times as RFC 3339 with
/// a four-digit year, and the exports' widest range is those years.
fn check_calendar(backup: &Backup) -> Result<(), ImportError> {
    let in_calendar = |t: Timestamp| (1..=9999).contains(&t.year());
    let check = |place: &Place, times: &[(Option<Timestamp>, &'static str)]| {
        times.iter().try_for_each(|&(t, field)| match t {
            Some(t) if !in_calendar(t) => Err(invalid(place, Rule::OutOfCalendar { field })),
            _ => Ok(()),
        })
    };
    for t in &backup.templates {
        check(&Place::Template { name: t.name.clone() }, &[(Some(t.created_at), "createdAt")])?;
    }
    for s in &backup.sessions {
        // The session's own place names its start, which must be readable first.
        let place = if in_calendar(s.started_at) {
            Place::session(s)
        } else {
            Place::Session { id: s.id, started_at: Timestamp::UNIX_EPOCH }
        };
        check(&place, &[(Some(s.started_at), "startedAt"), (s.ended_at, "endedAt")])?;
        for p in &s.phases {
            check(
                &place,
                &[(Some(p.started_at), "startedAt"), (p.ended_at, "endedAt"), (p.room_deadline, "roomDeadline")],
            )?;
        }
        for p in &s.pauses {
            check(&place, &[(Some(p.started_at), "startedAt"), (p.ended_at, "endedAt")])?;
        }
        for c in &s.commitments {
            check(&place, &[(Some(c.created_at), "createdAt"), (c.room_queued_at, "roomQueuedAt")])?;
        }
    }
    let Some(schedule) = &backup.schedule else { return Ok(()) };
    for (i, b) in schedule.blocks.iter().enumerate() {
        check(&Place::block(i, &b.title, "createdAt"), &[(Some(b.created_at), "createdAt")])?;
        for (j, d) in b.days.iter().enumerate() {
            check(
                &Place::block(i, &b.title, &format!("days[{j}]")),
                &[(d.moved_to, "movedTo"), (d.reminded_at, "remindedAt"), (d.snoozed_until, "snoozedUntil")],
            )?;
        }
    }
    for (i, r) in schedule.routines.iter().enumerate() {
        check(&Place::routine(i, &r.title, "createdAt"), &[(Some(r.created_at), "createdAt")])?;
        for (j, d) in r.kept_days.iter().enumerate() {
            check(&Place::routine(i, &r.title, &format!("keptDays[{j}].doneAt")), &[(Some(d.done_at), "doneAt")])?;
        }
    }
    Ok(())
}

fn cut_to_millis(backup: &mut Backup) {
    let cut = |t: &mut Timestamp| *t = to_millis(*t);
    let cut_opt = |t: &mut Option<Timestamp>| *t = t.map(to_millis);
    backup.templates.iter_mut().for_each(|t| cut(&mut t.created_at));
    for s in &mut backup.sessions {
        cut(&mut s.started_at);
        cut_opt(&mut s.ended_at);
        for p in &mut s.phases {
            cut(&mut p.started_at);
            cut_opt(&mut p.ended_at);
            cut_opt(&mut p.room_deadline);
        }
        for p in &mut s.pauses {
            cut(&mut p.started_at);
            cut_opt(&mut p.ended_at);
        }
        for c in &mut s.commitments {
            cut(&mut c.created_at);
            cut_opt(&mut c.room_queued_at);
        }
    }
    let Some(schedule) = &mut backup.schedule else { return };
    for b in &mut schedule.blocks {
        cut(&mut b.created_at);
        for d in &mut b.days {
            cut_opt(&mut d.moved_to);
            cut_opt(&mut d.reminded_at);
            cut_opt(&mut d.snoozed_until);
        }
    }
    for r in &mut schedule.routines {
        cut(&mut r.created_at);
        for d in &mut r.kept_days {
            cut(&mut d.done_at);
        }
    }
}

/// Something to see, and as a person's input is stored: trimmed (a tag " ACME" would be a tag
/// of its own beside "ACME", which typed input can never make).
fn visible(text: &str, field: &'static str) -> Result<(), Rule> {
    if shows_nothing(text) {
        Err(Rule::Invisible { field })
    } else if text.trim() != text {
        Err(Rule::Untrimmed { field })
    } else {
        Ok(())
    }
}

/// A note (on a commitment, a pause or a session) as `clean_note` takes it from a person, and
/// with something to see (a blank one is stored as none, never as blank).
fn check_note(note: Option<&str>, field: &'static str) -> Result<(), Rule> {
    let Some(note) = note else { return Ok(()) };
    match clean_note(Some(note.to_owned())) {
        Err(e) => Err(Rule::Core(e)),
        Ok(None) => Err(Rule::Invisible { field }),
        Ok(Some(_)) => visible(note, field),
    }
}

/// A name the core takes from a template or a room server rather than from a person: visible,
/// and no longer than the longest text the core keeps.
fn check_name(name: &str, field: &'static str) -> Result<(), Rule> {
    visible(name, field)?;
    if name.chars().count() > NOTE_MAX_CHARS {
        return Err(Rule::TooLong { field, max: NOTE_MAX_CHARS });
    }
    Ok(())
}

fn in_range<T: TryFrom<i64>>(value: i64, field: &'static str) -> Result<T, Rule> {
    T::try_from(value).map_err(|_| Rule::OutOfRange { field, value })
}

fn check_templates(templates: &[BackupTemplate]) -> Result<(), ImportError> {
    let mut ids = HashSet::new();
    // SQLite's NOCASE, as the database's unique index compares names: ASCII letters only.
    let mut names: HashMap<String, &str> = HashMap::new();
    let mut keys = HashSet::new();
    for t in templates {
        let place = Place::Template { name: t.name.clone() };
        let fail = |rule| invalid(&place, rule);
        if !ids.insert(t.id) {
            return Err(fail(Rule::Duplicate));
        }
        validate_name(&t.name).map_err(|e| fail(Rule::Core(e)))?;
        visible(&t.name, "name").map_err(fail)?;
        validate_phases(&t.phases).map_err(|e| fail(Rule::Core(e)))?;
        // Places in the list: a new template goes after the largest, which must stay a number.
        in_range::<u32>(t.position, "position").map_err(fail)?;
        if let Some(other) = names.insert(t.name.to_ascii_lowercase(), &t.name) {
            return Err(fail(Rule::NameTwice { other: other.to_owned() }));
        }
        if let Some(key) = &t.builtin_key {
            visible(key, "builtinKey").map_err(fail)?;
            if !keys.insert(key.as_str()) {
                return Err(fail(Rule::BuiltinTwice { key: key.clone() }));
            }
        }
    }
    Ok(())
}

/// A known setting's value as the settings screen would take it (`Store::change_setting`);
/// keys this version does not know (a newer app's) are kept as they are, as the export keeps
/// them.
fn check_setting(key: &str, value: &serde_json::Value) -> Result<(), Rule> {
    fn read<T: DeserializeOwned>(value: &serde_json::Value) -> Result<T, Rule> {
        serde_json::from_value(value.clone())
            .map_err(|e| Rule::SettingValue { value: value.to_string(), detail: e.to_string() })
    }
    match key {
        "language" => read::<LanguageChoice>(value).map(drop),
        "theme" => read::<ThemeChoice>(value).map(drop),
        "default_template" => read::<Uuid>(value).map(drop),
        "sound" | "start_at_login" | "keep_in_tray" => read::<bool>(value).map(drop),
        "sleep_mode" => read::<SleepMode>(value).map(drop),
        "shortcut" => match read::<Option<String>>(value)? {
            Some(s) if s.trim().chars().count() > SHORTCUT_MAX_CHARS => {
                Err(Rule::Core(CoreError::ShortcutTooLong { max: SHORTCUT_MAX_CHARS }))
            }
            _ => Ok(()),
        },
        "room_reminder_minutes" => match read::<Option<u32>>(value)? {
            Some(m) if m > REMINDER_MAX_MINUTES => {
                Err(Rule::Core(CoreError::ReminderOutOfRange { max: REMINDER_MAX_MINUTES }))
            }
            _ => Ok(()),
        },
        "daily_budget" => match read::<crate::model::DailyBudget>(value)? {
            b if !b.is_valid() => {
                Err(Rule::Core(CoreError::BudgetOutOfRange { max: crate::model::DailyBudget::MAX_MINUTES / 60 }))
            }
            _ => Ok(()),
        },
        "backups_kept" => match read::<u32>(value)? {
            n if n > BACKUPS_MAX_KEPT => Err(Rule::Core(CoreError::BackupsOutOfRange { max: BACKUPS_MAX_KEPT })),
            _ => Ok(()),
        },
        _ => Ok(()),
    }
}

fn check_session(s: &BackupSession) -> Result<(), ImportError> {
    let place = Place::session(s);
    let fail = |rule| invalid(&place, rule);
    check_name(&s.template_name, "templateName").map_err(fail)?;
    check_plan(&s.plan).map_err(fail)?;
    check_room(s).map_err(fail)?;
    check_note(s.overall_note.as_deref(), "overallNote").map_err(fail)?;
    check_rating(s.focus_rating).map_err(|e| fail(Rule::Core(e)))?;
    if s.commitments.len() > COMMITMENTS_PER_SESSION {
        return Err(fail(Rule::Core(CoreError::TooManyCommitments { max: COMMITMENTS_PER_SESSION })));
    }
    if s.phases.is_empty() {
        return Err(fail(Rule::NoRuns));
    }
    for (i, phase) in s.phases.iter().enumerate() {
        let place = Place::Phase { session: s.id, started_at: s.started_at, number: i + 1 };
        check_phase(s, i, phase).map_err(|rule| invalid(&place, rule))?;
    }
    for (i, pause) in s.pauses.iter().enumerate() {
        let place = Place::Pause { session: s.id, started_at: s.started_at, number: i + 1 };
        check_pause(s, i, pause).map_err(|rule| invalid(&place, rule))?;
    }
    for (i, c) in s.commitments.iter().enumerate() {
        check_commitment(i, c).map_err(|rule| invalid(&Place::commitment(s, c), rule))?;
    }
    check_end(s).map_err(fail)?;
    check_totals(s).map_err(fail)
}

/// A session's plan is its template's (or its room's) phases: at least one, each as long as a
/// template's may be, the closing round last. (A room's plan need not start with a commitment
/// round, so not all of `validate_phases`.)
fn check_plan(plan: &[PlannedPhase]) -> Result<(), Rule> {
    let Some(last) = plan.last() else { return Err(Rule::PlanEmpty) };
    if plan.len() > TEMPLATE_MAX_PHASES {
        return Err(Rule::Core(CoreError::TooManyPhases { max: TEMPLATE_MAX_PHASES }));
    }
    for (i, phase) in plan.iter().enumerate() {
        let position = i as u32 + 1;
        if phase.duration_secs < PHASE_MIN_SECS {
            return Err(Rule::Core(CoreError::PhaseZero { position }));
        }
        if phase.duration_secs > PHASE_MAX_SECS {
            return Err(Rule::Core(CoreError::PhaseTooLong { position }));
        }
    }
    if last.kind != PhaseKind::Closing {
        return Err(Rule::PlanEnd);
    }
    Ok(())
}

/// The room's three ids go together; following or sharing needs them.
fn check_room(s: &BackupSession) -> Result<(), Rule> {
    match (s.room_membership_id, s.room_session_id, &s.room_name) {
        (Some(_), Some(_), Some(name)) => check_name(name, "roomName"),
        (None, None, None) if s.follows_room || s.shares_with_room => Err(Rule::RoomMissing),
        (None, None, None) => Ok(()),
        _ => Err(Rule::RoomPartial),
    }
}

fn check_interval(start: Timestamp, end: Option<Timestamp>) -> Result<(), Rule> {
    match end {
        Some(end) if end < start => Err(Rule::EndsBeforeStart { start, end }),
        _ => Ok(()),
    }
}

fn check_phase(s: &BackupSession, i: usize, p: &BackupPhase) -> Result<(), Rule> {
    if p.seq != i as i64 {
        return Err(Rule::Sequence { expected: i as i64, found: p.seq });
    }
    let planned = usize::try_from(p.plan_index).ok().and_then(|index| s.plan.get(index));
    let Some(planned) = planned else {
        return Err(Rule::OutsidePlan { index: p.plan_index, count: s.plan.len() });
    };
    if p.kind != planned.kind {
        return Err(Rule::KindNotPlanned { kind: p.kind, planned: planned.kind });
    }
    let extended = in_range::<u32>(p.extended_secs, "extendedSecs")?;
    // "+5 min" holds a phase to the longest a planned one may be, as typed input is held.
    if u64::from(planned.duration_secs) + u64::from(extended) > u64::from(PHASE_MAX_SECS) {
        return Err(Rule::Core(CoreError::PhaseTooLong { position: p.plan_index as u32 + 1 }));
    }
    check_interval(p.started_at, p.ended_at)?;
    // One after the other, as the engine runs them, within the session.
    let previous_end = if i == 0 { Some(s.started_at) } else { s.phases[i - 1].ended_at };
    if previous_end.is_none_or(|end| p.started_at < end) {
        return Err(Rule::OutOfOrder);
    }
    // Only the current phase of a session in progress is still running.
    let current = i + 1 == s.phases.len() && s.status.in_progress();
    if p.ended_at.is_none() && !current {
        return Err(Rule::EndMissing);
    }
    Ok(())
}

fn check_pause(s: &BackupSession, i: usize, p: &BackupPause) -> Result<(), Rule> {
    if p.seq != i as i64 {
        return Err(Rule::Sequence { expected: i as i64, found: p.seq });
    }
    check_interval(p.started_at, p.ended_at)?;
    // Never overlapping (a sleep is recorded only after the last pause ended), within the session.
    let previous_end = if i == 0 { Some(s.started_at) } else { s.pauses[i - 1].ended_at };
    if previous_end.is_none_or(|end| p.started_at < end) {
        return Err(Rule::OutOfOrder);
    }
    check_note(p.note.as_deref(), "note")
}

/// A commitment as `validate_draft` takes it from a person, its note as `clean_note` does.
fn check_commitment(i: usize, c: &BackupCommitment) -> Result<(), Rule> {
    if c.position != i as i64 {
        return Err(Rule::Sequence { expected: i as i64, found: c.position });
    }
    let estimate_minutes = c
        .estimate_minutes
        .map(|m| u32::try_from(m).map_err(|_| Rule::Core(CoreError::EstimateOutOfRange { max: ESTIMATE_MAX_MINUTES })))
        .transpose()?;
    let draft = CommitmentDraft { text: c.text.clone(), tag: c.tag.clone(), estimate_minutes };
    validate_draft(draft).map_err(Rule::Core)?;
    visible(&c.text, "text")?;
    if let Some(tag) = &c.tag {
        visible(tag, "tag")?;
    }
    check_note(c.note.as_deref(), "note")?;
    in_range::<u32>(c.carry_count, "carryCount")?;
    Ok(())
}

/// Over (finished or abandoned) exactly when it has an end, which is its last phase's.
fn check_end(s: &BackupSession) -> Result<(), Rule> {
    check_interval(s.started_at, s.ended_at)?;
    match (s.status.in_progress(), s.ended_at) {
        (true, Some(_)) => Err(Rule::EndUnexpected),
        (false, None) => Err(Rule::EndMissing),
        (false, Some(end)) => {
            let last = s.phases.last().and_then(|p| p.ended_at);
            if last == Some(end) { Ok(()) } else { Err(Rule::EndMismatch { end, last }) }
        }
        (true, None) => Ok(()),
    }
}

/// The session's timing as the engine keeps it (its ranges checked before).
fn clock_of(s: &BackupSession) -> SessionClock {
    let runs = s
        .phases
        .iter()
        .map(|p| PhaseRun {
            plan_index: p.plan_index as usize,
            kind: p.kind,
            started_at: p.started_at,
            ended_at: p.ended_at,
            extended_secs: p.extended_secs as u32,
            end_reason: p.end_reason,
            room_deadline: p.room_deadline,
        })
        .collect();
    let pauses = s
        .pauses
        .iter()
        .map(|p| Pause {
            started_at: p.started_at,
            ended_at: p.ended_at,
            kind: p.kind,
            shifts_deadline: p.shifts_deadline,
            note: p.note.clone(),
        })
        .collect();
    SessionClock {
        session_id: s.id,
        plan: s.plan.clone(),
        status: s.status,
        runs,
        pauses,
        follows_room: s.follows_room,
    }
}

/// Whole seconds, as `store/totals.rs` stores them.
fn secs(d: chrono::Duration) -> i64 {
    d.num_milliseconds().div_euclid(1000).max(0)
}

/// The totals the store writes when the session ends (`store/totals.rs`), from the engine.
fn expected_totals(s: &BackupSession) -> Option<BackupTotals> {
    let clock = clock_of(s);
    let end = clock.ended_at()?;
    let count = |o: Outcome| s.commitments.iter().filter(|c| c.outcome == o).count() as i64;
    Some(BackupTotals {
        focus_secs: secs(clock.focus_time(end)),
        pause_secs: secs(clock.pause_time(end)),
        sleep_secs: secs(clock.sleep_time(end)),
        interruptions: clock.interruptions() as i64,
        commitments: s.commitments.len() as i64,
        done: count(Outcome::Done),
        partly: count(Outcome::Partly),
        not_done: count(Outcome::NotDone),
    })
}

fn check_totals(s: &BackupSession) -> Result<(), Rule> {
    match (s.totals, expected_totals(s)) {
        (None, None) => Ok(()),
        (None, Some(_)) => Err(Rule::TotalsMissing),
        (Some(_), None) => Err(Rule::TotalsUnexpected),
        (Some(stored), Some(computed)) => {
            let pairs = [
                ("focusSecs", stored.focus_secs, computed.focus_secs),
                ("pauseSecs", stored.pause_secs, computed.pause_secs),
                ("sleepSecs", stored.sleep_secs, computed.sleep_secs),
                ("interruptions", stored.interruptions, computed.interruptions),
                ("commitments", stored.commitments, computed.commitments),
                ("done", stored.done, computed.done),
                ("partly", stored.partly, computed.partly),
                ("notDone", stored.not_done, computed.not_done),
            ];
            match pairs.into_iter().find(|(_, a, b)| a != b) {
                Some((field, stored, computed)) => Err(Rule::TotalsDiffer { field, stored, computed }),
                None => Ok(()),
            }
        }
    }
}

/// Every session and every commitment once.
fn check_ids(sessions: &[BackupSession]) -> Result<(), ImportError> {
    let mut session_ids = HashSet::new();
    let mut commitment_ids = HashSet::new();
    for s in sessions {
        if !session_ids.insert(s.id) {
            return Err(invalid(&Place::session(s), Rule::Duplicate));
        }
        for c in &s.commitments {
            if !commitment_ids.insert(c.id) {
                return Err(invalid(&Place::commitment(s, c), Rule::Duplicate));
            }
        }
    }
    Ok(())
}

/// At most one session in progress, as the database allows.
fn check_in_progress(sessions: &[BackupSession]) -> Result<(), ImportError> {
    let mut in_progress = sessions.iter().filter(|s| s.status.in_progress());
    match (in_progress.next(), in_progress.next()) {
        (Some(first), Some(second)) => {
            Err(invalid(&Place::session(second), Rule::SecondInProgress { other: first.id }))
        }
        _ => Ok(()),
    }
}

/// A commitment carried on continues one of an earlier session. Returns those named that are
/// not in the file.
fn check_carries(sessions: &[BackupSession]) -> Result<HashSet<Uuid>, ImportError> {
    let started: HashMap<Uuid, Timestamp> =
        sessions.iter().flat_map(|s| s.commitments.iter().map(|c| (c.id, s.started_at))).collect();
    let mut outside = HashSet::new();
    for s in sessions {
        for c in &s.commitments {
            let Some(original) = c.carried_from else { continue };
            match started.get(&original) {
                Some(start) if *start < s.started_at => {}
                Some(_) => return Err(invalid(&Place::commitment(s, c), Rule::CarriedFromLater { id: original })),
                None => {
                    outside.insert(original);
                }
            }
        }
    }
    Ok(outside)
}

// ---------------------------------------------------------------------------------------------
// The schedule

/// `schedule.<list>[<index>]`, and `.<field>` below it unless `field` is empty.
fn schedule_path(list: &str, index: usize, field: &str) -> String {
    if field.is_empty() { format!("schedule.{list}[{index}]") } else { format!("schedule.{list}[{index}].{field}") }
}

/// Where in a rule the value `problem` is about lies.
fn rule_field(problem: RuleProblem, rule: &Recurrence) -> &'static str {
    use RuleProblem as P;
    match problem {
        P::YearOutOfRange if !(YEAR_MIN..=YEAR_MAX).contains(&rule.first.year()) => "recurrence.first",
        P::YearOutOfRange | P::EndBeforeFirst => "recurrence.ends.date",
        P::IntervalOutOfRange => "recurrence.repeat.interval",
        P::NoDays => "recurrence.repeat.days",
        P::ImpossibleDate { month, .. } if !(1..=12).contains(&month) => "recurrence.repeat.month",
        P::DayOfMonthOutOfRange | P::ImpossibleDate { .. } => "recurrence.repeat.day",
        P::NthOutOfRange => "recurrence.repeat.nth",
        P::CountOutOfRange => "recurrence.ends.count",
        P::NeverHappens => "recurrence",
    }
}

/// Where in a block the value a refusal of `BlockDraft::checked` is about lies.
fn block_field(e: &CoreError, draft: &BlockDraft) -> &'static str {
    use BlockProblem as P;
    match e {
        CoreError::Block(P::TitleEmpty | P::TitleTooLong) => "title",
        CoreError::Block(P::StartOutOfRange) => "startMinute",
        CoreError::Block(P::LengthOutOfRange) => "lengthMinutes",
        CoreError::Block(P::WindowShorterThanExpected | P::ExpectedOutOfRange) => "expectedMinutes",
        CoreError::ReminderOutOfRange { .. } => "remindMinutes",
        CoreError::Rule(p) => rule_field(*p, &draft.recurrence),
        _ => "",
    }
}

/// Where in a routine the value a refusal of `RoutineDraft::checked` is about lies.
fn routine_field(e: &CoreError, draft: &RoutineDraft) -> String {
    use crate::schedule::routines::STEP_MAX_CHARS;
    match e {
        CoreError::Routine(RoutineProblem::TitleEmpty | RoutineProblem::TitleTooLong) => "title".to_owned(),
        CoreError::TagTooLong { .. } => "tag".to_owned(),
        CoreError::Routine(RoutineProblem::TooManySteps) => "steps".to_owned(),
        CoreError::Routine(RoutineProblem::StepTooLong) => {
            match draft.steps.iter().position(|s| s.trim().chars().count() > STEP_MAX_CHARS) {
                Some(j) => format!("steps[{j}]"),
                None => "steps".to_owned(),
            }
        }
        CoreError::EstimateOutOfRange { .. } => "estimateMinutes".to_owned(),
        CoreError::Rule(p) => rule_field(*p, &draft.recurrence).to_owned(),
        _ => String::new(),
    }
}

/// The days of `days` that `rule` falls on (one pass over the rule, not one per day).
fn falling(rule: &Recurrence, days: impl Iterator<Item = NaiveDate> + Clone) -> HashSet<NaiveDate> {
    let (Some(first), Some(last)) = (days.clone().min(), days.max()) else { return HashSet::new() };
    rule.days(first, last).unwrap_or_default().into_iter().collect()
}

/// At most as many blocks and routines as a person keeps, each id once, each item as the forms
/// store it.
fn check_schedule(schedule: &BackupSchedule) -> Result<(), ImportError> {
    if let Some(b) = schedule.blocks.get(BLOCKS_MAX) {
        return Err(invalid(
            &Place::block(BLOCKS_MAX, &b.title, ""),
            Rule::Core(CoreError::Block(BlockProblem::TooMany)),
        ));
    }
    if let Some(r) = schedule.routines.get(ROUTINES_MAX) {
        let too_many = Rule::Core(CoreError::Routine(RoutineProblem::TooMany));
        return Err(invalid(&Place::routine(ROUTINES_MAX, &r.title, ""), too_many));
    }
    let mut ids = HashSet::new();
    for (i, b) in schedule.blocks.iter().enumerate() {
        if !ids.insert(b.id) {
            return Err(invalid(&Place::block(i, &b.title, "id"), Rule::Duplicate));
        }
    }
    let mut ids = HashSet::new();
    for (i, r) in schedule.routines.iter().enumerate() {
        if !ids.insert(r.id) {
            return Err(invalid(&Place::routine(i, &r.title, "id"), Rule::Duplicate));
        }
    }
    for (i, b) in schedule.blocks.iter().enumerate() {
        check_block(i, b)?;
    }
    for (i, r) in schedule.routines.iter().enumerate() {
        check_routine(i, r)?;
    }
    Ok(())
}

fn check_block(i: usize, b: &BackupBlock) -> Result<(), ImportError> {
    let fail = |field: &str, rule| invalid(&Place::block(i, &b.title, field), rule);
    let draft = b.draft();
    let checked = draft.clone().checked().map_err(|e| fail(block_field(&e, &draft), Rule::Core(e)))?;
    if checked.title != draft.title {
        return Err(fail("title", Rule::Untrimmed { field: "title" }));
    }
    if checked != draft {
        // All that is left: a weekly rule's days, which the form sorts.
        return Err(fail("recurrence.repeat.days", Rule::Unsorted { field: "days" }));
    }
    let block = Block { id: b.id, draft: checked };
    let falls = falling(&block.draft.recurrence, b.days.iter().map(|d| d.day));
    let mut seen = HashSet::new();
    for (j, d) in b.days.iter().enumerate() {
        let field = |name: &str| if name.is_empty() { format!("days[{j}]") } else { format!("days[{j}].{name}") };
        if !seen.insert(d.day) {
            return Err(fail(&field("day"), Rule::DayTwice { day: d.day }));
        }
        if !falls.contains(&d.day) {
            return Err(fail(&field("day"), Rule::Core(CoreError::Block(BlockProblem::NotAnOccurrence))));
        }
        match (d.moved_to, d.moved_minutes) {
            (None, None) => {}
            (Some(_), None) => return Err(fail(&field("movedMinutes"), Rule::MovePartial)),
            (None, Some(_)) => return Err(fail(&field("movedTo"), Rule::MovePartial)),
            (Some(_), Some(_)) if d.skipped => return Err(fail(&field(""), Rule::SkippedAndMoved)),
            (Some(to), Some(length_minutes)) => {
                check_exception(&block, d.day, &Exception::Move { to, length_minutes }).map_err(|e| {
                    let name = match e {
                        CoreError::Rule(_) => "movedTo",
                        CoreError::Block(BlockProblem::NotAnOccurrence) => "day",
                        _ => "movedMinutes",
                    };
                    fail(&field(name), Rule::Core(e))
                })?;
            }
        }
    }
    Ok(())
}

fn check_routine(i: usize, r: &BackupRoutine) -> Result<(), ImportError> {
    let fail = |field: &str, rule| invalid(&Place::routine(i, &r.title, field), rule);
    let draft = r.draft();
    let checked = draft.clone().checked().map_err(|e| fail(&routine_field(&e, &draft), Rule::Core(e)))?;
    if checked.title != draft.title {
        return Err(fail("title", Rule::Untrimmed { field: "title" }));
    }
    if let Some(tag) = draft.tag.as_deref().filter(|_| checked.tag != draft.tag) {
        return Err(fail("tag", visible(tag, "tag").err().unwrap_or(Rule::Untrimmed { field: "tag" })));
    }
    if let Some((j, step)) = draft.steps.iter().enumerate().find(|(_, s)| visible(s, "step").is_err()) {
        return Err(fail(
            &format!("steps[{j}]"),
            visible(step, "step").err().unwrap_or(Rule::Untrimmed { field: "step" }),
        ));
    }
    debug_assert_eq!(checked, draft, "what is left is stored as given");
    let falls = falling(&r.recurrence, r.kept_days.iter().map(|d| d.day));
    let mut seen = HashSet::new();
    for (j, d) in r.kept_days.iter().enumerate() {
        let field = format!("keptDays[{j}].day");
        if !seen.insert(d.day) {
            return Err(fail(&field, Rule::DayTwice { day: d.day }));
        }
        if !falls.contains(&d.day) {
            return Err(fail(&field, Rule::Core(CoreError::Routine(RoutineProblem::NotADueDay))));
        }
    }
    Ok(())
}

/// A commitment's routine day lies within the years a rule may touch (whether its routine is
/// in the file or the database is the store's to check).
fn check_routine_links(sessions: &[BackupSession]) -> Result<(), ImportError> {
    for s in sessions {
        for c in &s.commitments {
            if let Some(link) = &c.routine
                && !(YEAR_MIN..=YEAR_MAX).contains(&link.day.year())
            {
                return Err(invalid(
                    &Place::commitment(s, c),
                    Rule::Core(CoreError::Rule(RuleProblem::YearOutOfRange)),
                ));
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invisible_texts_are_told_from_visible_ones() {
        for text in ["", " ", "\u{200B}\u{2060}", "\u{FEFF}", "\u{2800}", "\u{00AD}\t"] {
            assert!(visible(text, "text").is_err(), "{text:?} shows nothing");
        }
        for text in ["a", "x y", "👩\u{200D}💻", "ß"] {
            assert!(visible(text, "text").is_ok(), "{text:?} shows something");
        }
        // Typed input is stored trimmed: a file's text with white space around it is not the app's.
        assert!(matches!(visible(" x ", "text"), Err(Rule::Untrimmed { .. })));
    }

    const EMPTY: &str = r#"{"format":"worktogether-backup","version":1,"exportedAt":"2026-06-01T12:00:00Z",
        "schemaVersion":6,"selection":null,"templates":[],"settings":{},"sessions":[]}"#;

    #[test]
    fn a_file_beyond_the_limit_is_refused_whatever_it_holds() {
        let max = 3 << 20;
        let big = |prefix: &[u8], fill: u8| -> Vec<u8> {
            prefix.iter().copied().chain(std::iter::repeat_n(fill, 4 << 20)).collect()
        };
        for (what, bytes) in [
            ("white space", big(b"", b' ')),
            ("a long text", big(br#"{"format":"worktogether-backup","version":1,"settings":{"k":""#, b'a')),
            ("white space after a whole backup", big(EMPTY.as_bytes(), b' ')),
        ] {
            let refused = read_at_most(bytes.as_slice(), max).unwrap_err();
            assert!(matches!(refused, ImportError::TooLarge { max_mib: 3 }), "{what}: {refused}");
        }
        assert!(read_at_most(EMPTY.as_bytes(), max).is_ok(), "below the limit it is read");
    }

    #[test]
    fn excerpts_are_short_and_on_one_line() {
        assert_eq!(excerpt("Taxes\nreceipts"), "Taxes receipts");
        assert_eq!(excerpt(&"x".repeat(41)).chars().count(), 41, "40 characters and an ellipsis");
    }
}
