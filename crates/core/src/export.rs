//! Exports of the history: CSV tables (one row per commitment, one per session, and focus time
//! per tag and day for invoices), the JSON backup and the Markdown report.
//!
//! Pure: the store reads (`store/export.rs`) and this module writes, to any [`Write`], so ten
//! years of history never become one big string. Texts a person reads (the CSV headers, the
//! report) come from the shell's catalog through a [`Translate`], the way every other text
//! does: the core names the keys (`export.*`), the shell's catalogs hold the words. Days and
//! times are the person's, in the zone passed in, like `now` everywhere in the core.
//!
//! What counts, as in the statistics (`crate::stats`): the CSV tables of commitments and
//! sessions and the report list *ended* sessions (finished or abandoned) on the day they
//! started; the invoices count focus on the days it happened, split at the local midnights,
//! each session's focus of a day shared equally among its commitments. The backup holds every
//! session, the one in progress too, and a whole one the schedule (work blocks and routines).

use crate::Timestamp;
use crate::error::CoreError;
use crate::model::{EndReason, Outcome, PauseKind, PhaseKind, PlannedPhase, SessionStatus};
use crate::schedule::{BlockDraft, Recurrence, RoutineDraft};
use crate::stats::{
    RangeError, SLIPPING_MIN_CARRIES, SessionFacts, SlippingCommitment, focus_per_day, local_day, share,
};
use crate::view::SessionSummary;
use chrono::{Datelike, Duration, NaiveDate, TimeZone, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};
use std::io::Write;
use uuid::Uuid;

/// The catalog's lookup, as the shell's `Catalog::t`: a key and its placeholders' values give
/// the text in the person's language.
pub type Translate<'a> = &'a dyn Fn(&str, &[(&str, String)]) -> String;

/// Why an export stopped. Nothing is half-written on purpose: the shell writes to a temporary
/// file and keeps it only when the export succeeded.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error(transparent)]
    Core(#[from] CoreError),
    #[error("cannot write the export: {0}")]
    Write(#[from] std::io::Error),
}

impl From<rusqlite::Error> for ExportError {
    fn from(e: rusqlite::Error) -> Self {
        Self::Core(CoreError::Storage(e))
    }
}

impl From<csv::Error> for ExportError {
    fn from(e: csv::Error) -> Self {
        match e.into_kind() {
            csv::ErrorKind::Io(e) => Self::Write(e),
            other => Self::Write(std::io::Error::other(format!("{other:?}"))),
        }
    }
}

impl From<serde_json::Error> for ExportError {
    fn from(e: serde_json::Error) -> Self {
        match e.io_error_kind() {
            Some(kind) => Self::Write(std::io::Error::new(kind, e.to_string())),
            None => Self::Core(CoreError::Corrupt(format!("backup: {e}"))),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// What is exported

/// Which part of the history an export holds: the person's days `from` to `to` (both included,
/// either open), and with `tag` only what carries that tag (any case, as the statistics and
/// the timeline's filter compare tags). Only made through [`Selection::new`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Selection {
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
    tag: Option<String>,
    /// `tag` in lower case, as tags are compared.
    tag_key: Option<String>,
}

/// The instants the store compares with: before and after any session (text that sorts like
/// the stored RFC 3339 times, which a year beyond 9999 or before 1 would not).
fn earliest() -> Timestamp {
    Utc.with_ymd_and_hms(1, 1, 1, 0, 0, 0).single().expect("a valid instant")
}

fn latest() -> Timestamp {
    Utc.with_ymd_and_hms(9999, 12, 31, 23, 59, 59).single().expect("a valid instant")
}

impl Selection {
    /// Days in the years 1 to 9999, `from` not after `to`; a blank tag selects every tag.
    pub fn new(from: Option<NaiveDate>, to: Option<NaiveDate>, tag: Option<String>) -> Result<Self, RangeError> {
        let in_calendar = |d: &Option<NaiveDate>| d.is_none_or(|d| (1..=9999).contains(&d.year()));
        if !in_calendar(&from) || !in_calendar(&to) {
            return Err(RangeError::OutOfCalendar);
        }
        if let (Some(from), Some(to)) = (from, to)
            && to < from
        {
            return Err(RangeError::Reversed);
        }
        let tag = tag.map(|t| t.trim().to_owned()).filter(|t| !t.is_empty());
        let tag_key = tag.as_deref().map(str::to_lowercase);
        Ok(Self { from, to, tag, tag_key })
    }

    /// All of history, every tag.
    pub fn everything() -> Self {
        Self::default()
    }

    pub fn from(&self) -> Option<NaiveDate> {
        self.from
    }

    pub fn to(&self) -> Option<NaiveDate> {
        self.to
    }

    pub fn tag(&self) -> Option<&str> {
        self.tag.as_deref()
    }

    /// `[from 00:00, to + 1 00:00)` in `zone` as instants, open ends as the earliest and
    /// latest instants the store can hold.
    pub fn bounds(&self, zone: Tz) -> (Timestamp, Timestamp) {
        let from = self.from.map_or_else(earliest, |d| crate::stats::day_start(zone, d));
        let to = self.to.map_or_else(latest, |d| crate::stats::day_start(zone, d + Duration::days(1)).min(latest()));
        (from, to)
    }

    pub fn contains_day(&self, day: NaiveDate) -> bool {
        self.from.is_none_or(|f| f <= day) && self.to.is_none_or(|t| day <= t)
    }

    /// Whether a commitment's tag is selected (everything is, without a tag).
    pub fn matches_tag(&self, tag: Option<&str>) -> bool {
        match &self.tag_key {
            None => true,
            Some(key) => tag.is_some_and(|t| t.to_lowercase() == *key),
        }
    }

    /// Whether a session is selected by its commitments' tags.
    fn matches_session<'a>(&self, mut tags: impl Iterator<Item = Option<&'a str>>) -> bool {
        self.tag_key.is_none() || tags.any(|t| self.matches_tag(t))
    }
}

/// The week (Monday to Sunday) `day` falls in: what the report covers by default.
pub fn week_of(day: NaiveDate) -> (NaiveDate, NaiveDate) {
    let monday = day - Duration::days(i64::from(day.weekday().num_days_from_monday()));
    (monday, monday + Duration::days(6))
}

// ---------------------------------------------------------------------------------------------
// CSV

/// The three tables.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CsvKind {
    /// One row per commitment.
    Commitments,
    /// One row per session.
    Sessions,
    /// Focus time per tag and day, for invoices.
    Invoices,
}

impl CsvKind {
    pub const ALL: [CsvKind; 3] = [CsvKind::Commitments, CsvKind::Sessions, CsvKind::Invoices];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Commitments => "commitments",
            Self::Sessions => "sessions",
            Self::Invoices => "invoices",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// How the file looks. Plain (the default): `,` between fields, `.` in numbers, `\n` line ends,
/// as every CSV reader expects. `german_numbers`: what German Excel opens without asking — `;`
/// between fields, a decimal comma, `\r\n` line ends and a UTF-8 byte order mark (without it,
/// Excel reads umlauts as Windows-1252). Dates stay ISO 8601 either way; values that are codes
/// (outcome, status, `true`/`false`) are not translated, so a program can read them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CsvStyle {
    pub german_numbers: bool,
}

impl CsvStyle {
    fn writer<W: Write>(self, mut out: W) -> Result<csv::Writer<W>, ExportError> {
        let mut builder = csv::WriterBuilder::new();
        if self.german_numbers {
            out.write_all("\u{feff}".as_bytes())?;
            builder.delimiter(b';').terminator(csv::Terminator::CRLF);
        }
        Ok(builder.from_writer(out))
    }

    /// `numerator / denominator` with two decimals, rounded half up (integers: exact).
    fn decimal(self, numerator: u64, denominator: u64) -> String {
        let hundredths = (numerator * 200 + denominator) / (2 * denominator);
        let separator = if self.german_numbers { ',' } else { '.' };
        format!("{}{separator}{:02}", hundredths / 100, hundredths % 100)
    }

    /// Seconds as minutes with two decimals.
    pub fn minutes(self, secs: u32) -> String {
        self.decimal(u64::from(secs), 60)
    }

    /// Seconds as hours with two decimals.
    pub fn hours(self, secs: u32) -> String {
        self.decimal(u64::from(secs), 3600)
    }
}

/// An instant as ISO 8601 with the offset of `zone` (`2026-05-04T09:00:00+02:00`).
fn iso(zone: Tz, t: Timestamp) -> String {
    t.with_timezone(&zone).format("%Y-%m-%dT%H:%M:%S%:z").to_string()
}

fn opt<T: ToString>(value: Option<T>) -> String {
    value.map(|v| v.to_string()).unwrap_or_default()
}

fn header(t: Translate, keys: &[&str]) -> Vec<String> {
    keys.iter().map(|k| t(&format!("export.column.{k}"), &[])).collect()
}

/// A person's text as a CSV cell that a spreadsheet shows as text: one starting with `=`, `+`,
/// `-`, `@`, a tab or a carriage return would be read as a formula (CSV injection), so it gets
/// a leading `'`, which spreadsheets hide.
fn text_cell(text: &str) -> std::borrow::Cow<'_, str> {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        std::borrow::Cow::Owned(format!("'{text}"))
    } else {
        std::borrow::Cow::Borrowed(text)
    }
}

/// One row per commitment of `sessions` (ended sessions, oldest first, as the store reads
/// them) that `selection`'s tag selects: session id, the session's start (ISO 8601 with the
/// offset), its day, template, room, the commitment's text, tag, estimate in minutes, outcome
/// (`pending`, `done`, `partly`, `not_done`), note, feedback wanted (`true`/`false`), and how
/// often it was carried over. Returns the number of rows below the header.
pub fn write_commitments_csv<W: Write>(
    out: W,
    sessions: &[SessionSummary],
    selection: &Selection,
    zone: Tz,
    style: CsvStyle,
    t: Translate,
) -> Result<u64, ExportError> {
    let mut w = style.writer(out)?;
    w.write_record(header(
        t,
        &[
            "session",
            "session_start",
            "day",
            "template",
            "room",
            "commitment",
            "tag",
            "estimate",
            "outcome",
            "note",
            "feedback",
            "carried",
        ],
    ))?;
    let mut rows = 0;
    for s in sessions {
        let (id, start, day) = (s.id.to_string(), iso(zone, s.started_at), local_day(zone, s.started_at).to_string());
        for c in s.commitments.iter().filter(|c| selection.matches_tag(c.tag.as_deref())) {
            w.write_record([
                id.as_str(),
                &start,
                &day,
                &text_cell(&s.template_name),
                &text_cell(s.room_name.as_deref().unwrap_or_default()),
                &text_cell(&c.text),
                &text_cell(c.tag.as_deref().unwrap_or_default()),
                &opt(c.estimate_minutes),
                c.outcome.as_str(),
                &text_cell(c.note.as_deref().unwrap_or_default()),
                if c.feedback_wanted { "true" } else { "false" },
                &c.carry_count.to_string(),
            ])?;
            rows += 1;
        }
    }
    w.flush()?;
    Ok(rows)
}

/// One row per session of `sessions` with a commitment of `selection`'s tag (every session
/// without one): id, start and end (ISO 8601 with the offset), template, room, status
/// (`finished`, `abandoned`), focus, pause and asleep minutes (two decimals), interruptions,
/// commitments, how many done, partly and not done, the focus rating (1 to 5) and the note.
pub fn write_sessions_csv<W: Write>(
    out: W,
    sessions: &[SessionSummary],
    selection: &Selection,
    zone: Tz,
    style: CsvStyle,
    t: Translate,
) -> Result<u64, ExportError> {
    let mut w = style.writer(out)?;
    w.write_record(header(
        t,
        &[
            "session",
            "start",
            "end",
            "template",
            "room",
            "status",
            "focus_minutes",
            "pause_minutes",
            "asleep_minutes",
            "interruptions",
            "commitments",
            "done",
            "partly",
            "not_done",
            "rating",
            "note",
        ],
    ))?;
    let mut rows = 0;
    for s in sessions.iter().filter(|s| selection.matches_session(s.commitments.iter().map(|c| c.tag.as_deref()))) {
        let count = |o: Outcome| s.commitments.iter().filter(|c| c.outcome == o).count().to_string();
        w.write_record([
            s.id.to_string(),
            iso(zone, s.started_at),
            opt(s.ended_at.map(|e| iso(zone, e))),
            text_cell(&s.template_name).into_owned(),
            text_cell(s.room_name.as_deref().unwrap_or_default()).into_owned(),
            s.status.as_str().to_owned(),
            style.minutes(s.focus_secs),
            style.minutes(s.pause_secs),
            style.minutes(s.sleep_secs),
            s.interruptions.to_string(),
            s.commitments.len().to_string(),
            count(Outcome::Done),
            count(Outcome::Partly),
            count(Outcome::NotDone),
            opt(s.focus_rating),
            text_cell(s.overall_note.as_deref().unwrap_or_default()).into_owned(),
        ])?;
        rows += 1;
    }
    w.flush()?;
    Ok(rows)
}

/// Focus on one of the person's days attributed to one tag (`None`: untagged commitments, and
/// sessions without any).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvoiceRow {
    pub day: NaiveDate,
    /// As first written (in the order sessions started); tags meet case-insensitively.
    pub tag: Option<String>,
    /// The sessions whose focus that day went partly to this tag.
    pub sessions: u32,
    pub focus_secs: u32,
}

/// Focus per day and tag for `selection`: each session's focus of a day (split at local
/// midnights as the statistics split it) shared equally among its commitments, floored on the
/// running total so the shares add up (`stats::share`); a session without commitments gives
/// it all to no tag. A session's rows so add up to the focus it stores. Abandoned sessions
/// count their focus too. `sessions`: ended sessions overlapping the selection's days (the
/// statistics' read). Ordered by day, then tag (untagged last).
pub fn invoice_rows(zone: Tz, sessions: &[SessionFacts], selection: &Selection) -> Vec<InvoiceRow> {
    let mut ordered: Vec<&SessionFacts> = sessions.iter().collect();
    ordered.sort_by_key(|s| s.started_at); // "first written" is the earliest
    let mut spelling: HashMap<String, String> = HashMap::new();
    // (day, tag in lower case) → (seconds, sessions, the last session counted)
    let mut sums: BTreeMap<(NaiveDate, Option<String>), (i64, u32, usize)> = BTreeMap::new();
    for (index, session) in ordered.into_iter().enumerate() {
        for c in &session.commitments {
            if let Some(tag) = &c.tag {
                spelling.entry(tag.to_lowercase()).or_insert_with(|| tag.clone());
            }
        }
        for (day, secs) in focus_per_day(zone, session) {
            if !selection.contains_day(day) {
                continue;
            }
            let mut add = |tag: Option<&str>, secs: i64| {
                if !selection.matches_tag(tag) || secs <= 0 {
                    return;
                }
                let sum = sums.entry((day, tag.map(str::to_lowercase))).or_insert((0, 0, usize::MAX));
                sum.0 += secs;
                if sum.2 != index {
                    sum.1 += 1;
                    sum.2 = index;
                }
            };
            let count = session.commitments.len();
            if count == 0 {
                add(None, i64::from(secs));
            }
            for (k, c) in session.commitments.iter().enumerate() {
                add(c.tag.as_deref(), share(i64::from(secs), k, count));
            }
        }
    }
    let mut rows: Vec<InvoiceRow> = sums
        .into_iter()
        .map(|((day, key), (secs, sessions, _))| InvoiceRow {
            day,
            tag: key.map(|k| spelling.get(&k).cloned().unwrap_or(k)),
            sessions,
            focus_secs: u32::try_from(secs).unwrap_or(u32::MAX),
        })
        .collect();
    rows.sort_by(|a, b| {
        let key = |r: &InvoiceRow| (r.day, r.tag.is_none(), r.tag.as_deref().map(str::to_lowercase));
        key(a).cmp(&key(b))
    });
    rows
}

/// The invoices' table: day, tag, sessions, focus in seconds (exact), minutes and hours (two
/// decimals).
pub fn write_invoices_csv<W: Write>(
    out: W,
    rows: &[InvoiceRow],
    style: CsvStyle,
    t: Translate,
) -> Result<u64, ExportError> {
    let mut w = style.writer(out)?;
    w.write_record(header(t, &["day", "tag", "sessions", "focus_seconds", "focus_minutes", "focus_hours"]))?;
    for r in rows {
        w.write_record([
            r.day.to_string(),
            text_cell(r.tag.as_deref().unwrap_or_default()).into_owned(),
            r.sessions.to_string(),
            r.focus_secs.to_string(),
            style.minutes(r.focus_secs),
            style.hours(r.focus_secs),
        ])?;
    }
    w.flush()?;
    Ok(rows.len() as u64)
}

// ---------------------------------------------------------------------------------------------
// The JSON backup

/// What [`Backup::format`] says: this file is a Worktogether backup.
pub const BACKUP_FORMAT: &str = "worktogether-backup";
/// The version of the format written. Any change to the fields (a new one too) is a new
/// version: an importer refuses unknown fields, and a version newer than its own, so nothing
/// is dropped unseen. Version 2 added the schedule ([`Backup::schedule`] and
/// [`BackupCommitment::routine`]); a version-1 file, which has neither, is still read.
pub const BACKUP_VERSION: u32 = 2;

/// The complete backup, version 2: everything needed to rebuild the history, the schedule and
/// the settings without loss. Written by [`BackupWriter`], one session per line; read back with
/// serde (`serde_json::from_reader::<Backup>`), which checks every field's type and refuses
/// fields it does not know.
///
/// ```json
/// {"format":"worktogether-backup","version":2,"exportedAt":"2026-06-01T12:00:00Z","schemaVersion":8,
///  "selection":null,"templates":[…],"settings":{…},
///  "schedule":{"blocks":[{"id":"…","title":"Morning","templateId":"…",
///    "recurrence":{"first":"2026-05-04","repeat":{"every":"weeks","interval":1,"days":["mo","tu"]},
///                  "ends":{"ends":"never"}},
///    "startMinute":420,"lengthMinutes":240,"expectedMinutes":null,"remindMinutes":10,
///    "createdAt":"2026-05-01T08:00:00Z",
///    "days":[{"day":"2026-05-05","skipped":true,"movedTo":null,"movedMinutes":null,
///             "remindedAt":null,"snoozedUntil":null,"sessionId":null}]}],
///   "routines":[{"id":"…","title":"Weekly review","tag":null,"recurrence":{…},"steps":["Inbox"],
///    "estimateMinutes":30,"createdAt":"2026-05-01T08:00:00Z",
///    "keptDays":[{"day":"2026-05-11","doneAt":"2026-05-11T07:40:00Z","commitmentId":"…"}]}]},
///  "sessions":[
/// {…,"commitments":[{…,"routine":{"routineId":"…","day":"2026-05-11"}}]}
/// ]}
/// ```
///
/// Not in it, on purpose: room memberships (their tokens are secrets, kept in the system's
/// secret store and never in the database; joining again is how one gets back into a room),
/// the room last seen and the outbox of room writes (the room server holds the truth; a
/// restored history must not send anything again), and the search index (derived from the
/// texts; the importer's database builds it).
///
/// Times are RFC 3339 in UTC, to the millisecond as stored (whole seconds without a fraction); ids are UUIDs, as stored. Codes are
/// the stored ones: phase kinds `commitment|focus|break|closing`, statuses
/// `running|paused|finished|abandoned`, outcomes `pending|done|partly|not_done`, end reasons
/// `elapsed|skipped|ended_early|abandoned|closed`, pause kinds `interruption|sleep`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Backup {
    /// Always [`BACKUP_FORMAT`].
    pub format: String,
    /// [`BACKUP_VERSION`] when written by this version.
    pub version: u32,
    /// When the backup was made.
    pub exported_at: Timestamp,
    /// The schema version of the database it was read from (`PRAGMA user_version`), for the
    /// record: the format, not the schema, is the contract.
    pub schema_version: i64,
    /// `None`: the whole history. Otherwise only the sessions the selection picked (whole, with
    /// all their commitments), so a `carriedFrom` may name a commitment not in the file.
    pub selection: Option<BackupSelection>,
    /// Every template, built-in and own, in the app's order.
    pub templates: Vec<BackupTemplate>,
    /// Every stored setting as key and JSON value, keys the app does not know too (an older or
    /// newer app wrote them). A value stored as bare text by an old version is a JSON string.
    pub settings: BTreeMap<String, serde_json::Value>,
    /// The work blocks and routines (version 2 on). Written in a whole backup only: a partial
    /// one (`selection` set) has `null`, as does a version-1 file (which has no such field), and
    /// its commitments' `routine` links may then name routines not in the file.
    #[serde(default)]
    pub schedule: Option<BackupSchedule>,
    /// Oldest first (by start, then id).
    pub sessions: Vec<BackupSession>,
}

/// The schedule: every work block and routine, in the order they were made (by `createdAt`,
/// then id), each with the days that have a story. Occurrences are never stored: they follow
/// from the rules.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct BackupSchedule {
    pub blocks: Vec<BackupBlock>,
    pub routines: Vec<BackupRoutine>,
}

/// A work block: its fields as the block form stores them (`schedule::BlockDraft`, exactly as
/// `BlockDraft::checked` returns it: the title trimmed, a weekly rule's days in order, each
/// once), and what became of its occurrences.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct BackupBlock {
    pub id: Uuid,
    pub title: String,
    /// The template its session starts from; `null`: the default template at that time.
    pub template_id: Option<Uuid>,
    /// When it recurs, as the app stores it (`schedule::Recurrence`: `first`, `repeat` with
    /// `every` one of `once|days|weeks|monthDay|monthWeekday|monthWorkday|years`, `ends` with
    /// `ends` one of `never|on|after`).
    pub recurrence: Recurrence,
    /// The minute of the day it starts (0 to 1439), in the person's zone.
    pub start_minute: u16,
    pub length_minutes: u32,
    /// Set for a flexible window: about how long the work inside it takes.
    pub expected_minutes: Option<u32>,
    /// How many minutes before the start the reminder comes (`null`: none).
    pub remind_minutes: Option<u32>,
    pub created_at: Timestamp,
    /// The days of its occurrences something happened to, in order, each a day its rule falls
    /// on. (A row kept from before the rule was changed, on a day the rule no longer falls on,
    /// is never read by the app and is left out.)
    pub days: Vec<BackupBlockDay>,
}

impl BackupBlock {
    /// Its fields as the block form sends them.
    pub fn draft(&self) -> BlockDraft {
        BlockDraft {
            title: self.title.clone(),
            template_id: self.template_id,
            recurrence: self.recurrence.clone(),
            start_minute: self.start_minute,
            length_minutes: self.length_minutes,
            expected_minutes: self.expected_minutes,
            remind_minutes: self.remind_minutes,
        }
    }
}

/// What became of one occurrence of a block, named by the day its rule puts it on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct BackupBlockDay {
    pub day: NaiveDate,
    /// Skipped: it shows crossed out and reminds of nothing.
    pub skipped: bool,
    /// Moved: held at `movedTo` for `movedMinutes` instead (both or neither).
    pub moved_to: Option<Timestamp>,
    pub moved_minutes: Option<u32>,
    /// When its reminder was given.
    pub reminded_at: Option<Timestamp>,
    /// Its reminder was snoozed until then.
    pub snoozed_until: Option<Timestamp>,
    /// The session started for it (in the file, or in the history it is imported into).
    pub session_id: Option<Uuid>,
}

/// A routine: its fields as the routine form stores them (`schedule::RoutineDraft`, exactly as
/// `RoutineDraft::checked` returns it), and the days it was kept.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct BackupRoutine {
    pub id: Uuid,
    pub title: String,
    pub tag: Option<String>,
    pub recurrence: Recurrence,
    /// The checklist.
    pub steps: Vec<String>,
    pub estimate_minutes: Option<u32>,
    pub created_at: Timestamp,
    /// In order, each a day its rule falls on (as for a block's `days`, one its rule no longer
    /// falls on is left out).
    pub kept_days: Vec<BackupRoutineDay>,
}

impl BackupRoutine {
    /// Its fields as the routine form sends them.
    pub fn draft(&self) -> RoutineDraft {
        RoutineDraft {
            title: self.title.clone(),
            tag: self.tag.clone(),
            recurrence: self.recurrence.clone(),
            steps: self.steps.clone(),
            estimate_minutes: self.estimate_minutes,
        }
    }
}

/// A day a routine was kept.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct BackupRoutineDay {
    pub day: NaiveDate,
    pub done_at: Timestamp,
    /// The commitment closed as done that kept it; `null`: ticked off by hand.
    pub commitment_id: Option<Uuid>,
}

/// The routine day a commitment is for (it keeps that day when closed as done).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct BackupRoutineLink {
    pub routine_id: Uuid,
    pub day: NaiveDate,
}

/// The selection a partial backup was made with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct BackupSelection {
    /// The first day, in `time_zone`.
    pub from: Option<NaiveDate>,
    /// The last day, included.
    pub to: Option<NaiveDate>,
    /// Sessions with a commitment of this tag (any case).
    pub tag: Option<String>,
    /// The IANA zone the days were counted in.
    pub time_zone: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct BackupTemplate {
    pub id: Uuid,
    /// Unique, case-insensitively.
    pub name: String,
    /// Set for a built-in template (`worktogether`, `pomodoro` …): the app knows it by this
    /// key, whatever its name now is; at most one template per key.
    pub builtin_key: Option<String>,
    /// The plan: a commitment round first, a closing round last, focus in between.
    pub phases: Vec<PlannedPhase>,
    /// Its place in the list (0 first).
    pub position: i64,
    pub created_at: Timestamp,
}

/// A session and everything that happened in it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct BackupSession {
    pub id: Uuid,
    /// The template's name when the session started.
    pub template_name: String,
    /// The template's phases, copied at the start: the phases' `planIndex` points into it.
    pub plan: Vec<PlannedPhase>,
    /// At most one session of a history is `running` or `paused`.
    pub status: SessionStatus,
    pub started_at: Timestamp,
    /// Set once finished or abandoned.
    pub ended_at: Option<Timestamp>,
    /// The closing round's note on the whole session.
    pub overall_note: Option<String>,
    /// How focused it felt, 1 to 5.
    pub focus_rating: Option<u8>,
    /// For a session joined from a room: the person's member id there, the room's shared
    /// session and the room's name; all three or none.
    pub room_membership_id: Option<Uuid>,
    pub room_session_id: Option<Uuid>,
    pub room_name: Option<String>,
    /// The phases still follow the room's (only while in progress).
    pub follows_room: bool,
    /// The person shares this session's commitments with its room.
    pub shares_with_room: bool,
    /// What history sums, stored when the session ended (`None` while in progress). Derived
    /// from the phases and pauses: an importer may check or recompute them.
    pub totals: Option<BackupTotals>,
    /// Every phase run, in order (`seq` from 0).
    pub phases: Vec<BackupPhase>,
    /// Every interruption and sleep, in order (`seq` from 0).
    pub pauses: Vec<BackupPause>,
    /// In the session's order (`position` from 0).
    pub commitments: Vec<BackupCommitment>,
}

/// A session's stored totals (see `store/totals.rs`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct BackupTotals {
    pub focus_secs: i64,
    pub pause_secs: i64,
    pub sleep_secs: i64,
    pub interruptions: i64,
    pub commitments: i64,
    pub done: i64,
    pub partly: i64,
    pub not_done: i64,
}

/// One run of a phase of the plan: when it started and ended, and why it ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct BackupPhase {
    pub seq: i64,
    /// Which phase of the session's `plan` (from 0).
    pub plan_index: i64,
    pub kind: PhaseKind,
    pub started_at: Timestamp,
    /// `None` only for the run in progress.
    pub ended_at: Option<Timestamp>,
    /// "+5 min" added, in seconds.
    pub extended_secs: i64,
    pub end_reason: Option<EndReason>,
    /// The room's end of this phase, for a session following a room's.
    pub room_deadline: Option<Timestamp>,
}

/// An interruption (the person paused) or a sleep of the computer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct BackupPause {
    pub seq: i64,
    pub kind: PauseKind,
    pub started_at: Timestamp,
    /// `None` only for a pause in progress.
    pub ended_at: Option<Timestamp>,
    /// Whether it moved the phase's end (pauses do; sleeps do with "pause while asleep").
    pub shifts_deadline: bool,
    /// "Where I left off".
    pub note: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct BackupCommitment {
    pub id: Uuid,
    pub position: i64,
    pub text: String,
    /// A client or an area.
    pub tag: Option<String>,
    pub estimate_minutes: Option<i64>,
    pub outcome: Outcome,
    /// What was actually done.
    pub note: Option<String>,
    pub feedback_wanted: bool,
    /// The commitment of an earlier session this one continues (it may lie outside a partial
    /// backup).
    pub carried_from: Option<Uuid>,
    /// How many times it has been carried over.
    pub carry_count: i64,
    pub created_at: Timestamp,
    /// When it was queued for the room (shared), if it was.
    pub room_queued_at: Option<Timestamp>,
    /// The id the room gave it.
    pub room_commitment_id: Option<Uuid>,
    /// Whether its outcome was queued for the room.
    pub room_outcome_queued: bool,
    /// The routine day it is for (version 2 on; `null` in a version-1 file).
    #[serde(default)]
    pub routine: Option<BackupRoutineLink>,
}

/// Everything of a backup but its sessions: what [`BackupWriter::begin`] writes first.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BackupHead {
    pub format: &'static str,
    pub version: u32,
    pub exported_at: Timestamp,
    pub schema_version: i64,
    pub selection: Option<BackupSelection>,
    pub templates: Vec<BackupTemplate>,
    pub settings: BTreeMap<String, serde_json::Value>,
    /// `None` in a partial backup.
    pub schedule: Option<BackupSchedule>,
}

/// How much a backup holds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct BackupCounts {
    pub templates: u64,
    pub blocks: u64,
    pub routines: u64,
    pub sessions: u64,
    pub phases: u64,
    pub pauses: u64,
    pub commitments: u64,
}

/// Writes a [`Backup`] a session at a time: the head, then each session on a line of its own,
/// then the end. What it writes reads back as a `Backup`.
pub struct BackupWriter<W: Write> {
    out: W,
    counts: BackupCounts,
}

impl<W: Write> BackupWriter<W> {
    pub fn begin(mut out: W, head: &BackupHead) -> Result<Self, ExportError> {
        let mut bytes = serde_json::to_vec(head)?;
        // `{…}` with the sessions' array opened before its closing brace.
        let closing = bytes.pop();
        debug_assert_eq!(closing, Some(b'}'));
        bytes.extend_from_slice(b",\"sessions\":[");
        out.write_all(&bytes)?;
        let (blocks, routines) =
            head.schedule.as_ref().map_or((0, 0), |s| (s.blocks.len() as u64, s.routines.len() as u64));
        let counts =
            BackupCounts { templates: head.templates.len() as u64, blocks, routines, ..BackupCounts::default() };
        Ok(Self { out, counts })
    }

    pub fn session(&mut self, session: &BackupSession) -> Result<(), ExportError> {
        self.out.write_all(if self.counts.sessions == 0 { b"\n" } else { b",\n" })?;
        serde_json::to_writer(&mut self.out, session)?;
        self.counts.sessions += 1;
        self.counts.phases += session.phases.len() as u64;
        self.counts.pauses += session.pauses.len() as u64;
        self.counts.commitments += session.commitments.len() as u64;
        Ok(())
    }

    pub fn finish(mut self) -> Result<(W, BackupCounts), ExportError> {
        self.out.write_all(b"\n]}\n")?;
        self.out.flush()?;
        Ok((self.out, self.counts))
    }
}

// ---------------------------------------------------------------------------------------------
// The Markdown report

/// What the report shows: ended sessions started on the selection's days (oldest first, as
/// the store reads them) and the commitments slipping now (newest first; not bound to the days,
/// as in the statistics).
pub struct Report<'a> {
    pub selection: &'a Selection,
    pub sessions: &'a [SessionSummary],
    pub slipping: &'a [SlippingCommitment],
}

/// Escapes what Markdown would read as markup, so a text shows as written. Line breaks stay
/// line breaks of the same paragraph: `continuation` starts each following line (the list
/// item's indentation, or a quote's `> `).
fn markdown_text(text: &str, continuation: &str) -> String {
    let lines: Vec<String> = text.lines().map(|line| escape_line(line.trim_end())).collect();
    lines.join(&format!("  \n{continuation}"))
}

fn escape_line(line: &str) -> String {
    let mut out = String::with_capacity(line.len() + 8);
    let trimmed = line.trim_start();
    out.push_str(&line[..line.len() - trimmed.len()]);
    // What starts a block at the beginning of a line and is plain text elsewhere: a list, a
    // rule, a heading's underline (`#` and `>` are escaped everywhere).
    let digits = trimmed.chars().take_while(char::is_ascii_digit).count();
    let numbered = digits > 0 && matches!(trimmed[digits..].chars().next(), Some('.' | ')'));
    if numbered {
        out.push_str(&trimmed[..digits]);
        out.push('\\');
        out.push_str(&escape_inline(&trimmed[digits..]));
        return out;
    }
    if matches!(trimmed.chars().next(), Some('-' | '+' | '=')) {
        out.push('\\');
    }
    out.push_str(&escape_inline(trimmed));
    out
}

fn escape_inline(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '~' | '#') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// A length of time as the report writes it: "1 h 40 min", "25 min".
fn duration(t: Translate, secs: u32) -> String {
    let minutes = secs / 60;
    if minutes >= 60 {
        t("export.report.hours", &[("hours", (minutes / 60).to_string()), ("minutes", (minutes % 60).to_string())])
    } else {
        t("export.report.minutes", &[("minutes", minutes.to_string())])
    }
}

fn date(t: Translate, day: NaiveDate) -> String {
    t(
        "export.date",
        &[
            ("year", day.year().to_string()),
            ("month", format!("{:02}", day.month())),
            ("day", format!("{:02}", day.day())),
        ],
    )
}

fn plural(t: Translate, key: &str, count: usize) -> String {
    let form = if count == 1 { "one" } else { "other" };
    t(&format!("{key}.{form}"), &[("count", count.to_string())])
}

/// The days the report covers, in words.
fn range_text(t: Translate, selection: &Selection) -> String {
    match (selection.from, selection.to) {
        (Some(first), Some(last)) if (first, last) == week_of(first) => {
            let week = first.iso_week();
            t(
                "export.report.range.week",
                &[
                    ("week", week.week().to_string()),
                    ("year", week.year().to_string()),
                    ("first", date(t, first)),
                    ("last", date(t, last)),
                ],
            )
        }
        (Some(first), Some(last)) if first == last => date(t, first),
        (Some(first), Some(last)) => {
            t("export.report.range.days", &[("first", date(t, first)), ("last", date(t, last))])
        }
        (Some(first), None) => t("export.report.range.since", &[("first", date(t, first))]),
        (None, Some(last)) => t("export.report.range.until", &[("last", date(t, last))]),
        (None, None) => t("export.report.range.all", &[]),
    }
}

fn mark(outcome: Outcome) -> &'static str {
    match outcome {
        Outcome::Done => "✓",
        Outcome::Partly => "½",
        Outcome::NotDone => "✗",
        Outcome::Pending => "○",
    }
}

/// Writes the report: a title naming the days (and the tag), the totals, then day by day each
/// session with its commitments and their outcomes (✓ done, ½ partly, ✗ not done, ○ open) and
/// notes, and last the slipping commitments. With a tag only its sessions and commitments are
/// shown, and the focus is the tag's share (as the invoices count it, by whole sessions here).
pub fn write_report<W: Write>(mut out: W, report: &Report, zone: Tz, t: Translate) -> Result<(), ExportError> {
    let selection = report.selection;
    let range = range_text(t, selection);
    let title = match selection.tag() {
        Some(tag) => t("export.report.title_tag", &[("tag", escape_inline(tag)), ("range", range)]),
        None => t("export.report.title", &[("range", range)]),
    };
    writeln!(out, "# {title}\n")?;

    let sessions: Vec<&SessionSummary> = report
        .sessions
        .iter()
        .filter(|s| selection.matches_session(s.commitments.iter().map(|c| c.tag.as_deref())))
        .collect();
    // The totals: focus (the tag's share with a tag), sessions, and how the commitments shown
    // went in finished sessions (abandoned ones had no closing round).
    let mut focus = 0i64;
    let (mut finished, mut abandoned) = (0, 0);
    let (mut done, mut partly, mut not_done) = (0u32, 0u32, 0u32);
    for s in &sessions {
        match s.status {
            SessionStatus::Finished => finished += 1,
            SessionStatus::Abandoned => abandoned += 1,
            SessionStatus::Running | SessionStatus::Paused => {}
        }
        let count = s.commitments.len();
        for (k, c) in s.commitments.iter().enumerate().filter(|(_, c)| selection.matches_tag(c.tag.as_deref())) {
            if selection.tag().is_some() {
                focus += share(i64::from(s.focus_secs), k, count);
            }
            if s.status == SessionStatus::Finished {
                match c.outcome {
                    Outcome::Done => done += 1,
                    Outcome::Partly => partly += 1,
                    Outcome::NotDone => not_done += 1,
                    Outcome::Pending => {}
                }
            }
        }
        if selection.tag().is_none() {
            focus += i64::from(s.focus_secs);
        }
    }
    let focus = duration(t, u32::try_from(focus).unwrap_or(u32::MAX));
    let focus = match selection.tag() {
        Some(tag) => t("export.report.focus_tag", &[("tag", escape_inline(tag)), ("time", focus)]),
        None => t("export.report.focus", &[("time", focus)]),
    };
    writeln!(out, "- {focus}")?;
    let counts = [("finished", finished.to_string()), ("abandoned", abandoned.to_string())];
    writeln!(out, "- {}", t("export.report.sessions", &counts))?;
    let outcomes = [("done", done.to_string()), ("partly", partly.to_string()), ("not_done", not_done.to_string())];
    writeln!(out, "- {}", t("export.report.outcomes", &outcomes))?;
    let decided = done + partly + not_done;
    if decided > 0 {
        // As the statistics rate it: partly done is half done.
        let percent = ((f64::from(done) + f64::from(partly) / 2.0) / f64::from(decided) * 100.0).round();
        writeln!(out, "- {}", t("export.report.completion", &[("percent", percent.to_string())]))?;
    }
    writeln!(out, "\n{}", t("export.report.legend", &[]))?;

    if sessions.is_empty() {
        writeln!(out, "\n{}", t("export.report.empty", &[]))?;
    }
    let mut day_shown: Option<NaiveDate> = None;
    for s in sessions {
        let start = s.started_at.with_timezone(&zone);
        let day = start.date_naive();
        if day_shown != Some(day) {
            let weekday = t(&format!("export.weekday.{}", day.weekday().number_from_monday()), &[]);
            writeln!(out, "\n## {}", t("export.report.day", &[("weekday", weekday), ("date", date(t, day))]))?;
            day_shown = Some(day);
        }
        let end = s.ended_at.unwrap_or(s.started_at).with_timezone(&zone);
        let mut heading = t(
            "export.report.session",
            &[
                ("start", start.format("%H:%M").to_string()),
                ("end", end.format("%H:%M").to_string()),
                ("template", escape_inline(&s.template_name)),
            ],
        );
        if let Some(room) = &s.room_name {
            heading = format!("{heading} · {}", t("export.report.in_room", &[("room", escape_inline(room))]));
        }
        writeln!(out, "\n### {heading}\n")?;
        let mut facts = vec![t("export.report.session_focus", &[("time", duration(t, s.focus_secs))])];
        if s.status == SessionStatus::Abandoned {
            facts.push(t("export.report.abandoned", &[]));
        }
        if s.interruptions > 0 {
            facts.push(plural(t, "export.report.interruptions", s.interruptions as usize));
        }
        if let Some(rating) = s.focus_rating {
            facts.push(t("export.report.rating", &[("rating", rating.to_string())]));
        }
        writeln!(out, "{}\n", facts.join(" · "))?;
        let shown: Vec<_> = s.commitments.iter().filter(|c| selection.matches_tag(c.tag.as_deref())).collect();
        if shown.is_empty() {
            writeln!(out, "{}", t("export.report.no_commitments", &[]))?;
        }
        for c in shown {
            let mut line = format!("- {} {}", mark(c.outcome), markdown_text(&c.text, "  "));
            if let Some(tag) = &c.tag {
                line += &format!(" · {}", escape_inline(tag));
            }
            if let Some(minutes) = c.estimate_minutes {
                line += &format!(" · {}", t("export.report.estimate", &[("minutes", minutes.to_string())]));
            }
            if c.carry_count > 0 {
                line += &format!(" · {}", t("export.report.carried", &[("count", c.carry_count.to_string())]));
            }
            if c.feedback_wanted {
                line += &format!(" · {}", t("export.report.feedback", &[]));
            }
            if let Some(note) = &c.note {
                line += &format!(" — {}", markdown_text(note, "  "));
            }
            writeln!(out, "{line}")?;
        }
        if let Some(note) = &s.overall_note {
            writeln!(out, "\n> {}", markdown_text(note, "> "))?;
        }
    }

    let slipping: Vec<_> = report.slipping.iter().filter(|c| selection.matches_tag(c.tag.as_deref())).collect();
    if !slipping.is_empty() {
        writeln!(out, "\n## {}\n", t("export.report.slipping", &[]))?;
        writeln!(out, "{}\n", t("export.report.slipping_hint", &[("min", SLIPPING_MIN_CARRIES.to_string())]))?;
        for c in slipping {
            let mut line = format!("- {} {}", mark(c.outcome), markdown_text(&c.text, "  "));
            if let Some(tag) = &c.tag {
                line += &format!(" · {}", escape_inline(tag));
            }
            line += &format!(" · {}", t("export.report.carried", &[("count", c.carry_count.to_string())]));
            let since = date(t, local_day(zone, c.session_started_at));
            line += &format!(" · {}", t("export.report.last_session", &[("date", since)]));
            writeln!(out, "{line}")?;
        }
    }
    out.flush()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_round_half_up_in_either_style() {
        let plain = CsvStyle::default();
        let german = CsvStyle { german_numbers: true };
        assert_eq!(plain.minutes(90), "1.50");
        assert_eq!(german.minutes(90), "1,50");
        assert_eq!(plain.minutes(1), "0.02", "1 s is 0.0166… min");
        assert_eq!(plain.minutes(0), "0.00");
        assert_eq!(plain.hours(5400), "1.50");
        assert_eq!(plain.hours(18), "0.01", "18 s is 0.005 h: half up");
        assert_eq!(plain.hours(17), "0.00");
        assert_eq!(german.hours(u32::MAX), "1193046,47");
    }

    #[test]
    fn markdown_shows_texts_as_written() {
        assert_eq!(escape_line("# not a heading"), "\\# not a heading");
        assert_eq!(escape_line("1. not a list"), "1\\. not a list");
        assert_eq!(escape_line("- not a list"), "\\- not a list");
        assert_eq!(escape_line("a *b* _c_ [d](e) <f> `g` |h|"), "a \\*b\\* \\_c\\_ \\[d\\](e) \\<f\\> \\`g\\` \\|h\\|");
        assert_eq!(escape_line("Müller & Söhne, 5 - 3 = 2."), "Müller & Söhne, 5 - 3 = 2.");
        assert_eq!(markdown_text("one\n- two\r\nthree", "  "), "one  \n  \\- two  \n  three");
    }

    #[test]
    fn selections_are_checked() {
        let d = |m, day| NaiveDate::from_ymd_opt(2026, m, day).unwrap();
        assert_eq!(Selection::new(Some(d(5, 2)), Some(d(5, 1)), None), Err(RangeError::Reversed));
        assert_eq!(Selection::new(NaiveDate::from_ymd_opt(0, 1, 1), None, None), Err(RangeError::OutOfCalendar));
        let s = Selection::new(Some(d(5, 1)), Some(d(5, 1)), Some("  ".into())).unwrap();
        assert_eq!(s.tag(), None, "a blank tag selects every tag");
        assert!(s.contains_day(d(5, 1)) && !s.contains_day(d(5, 2)));
        let s = Selection::new(None, None, Some(" Über ".into())).unwrap();
        assert!(s.matches_tag(Some("über")) && s.matches_tag(Some("ÜBER")) && !s.matches_tag(None));
        assert_eq!(week_of(d(5, 7)), (d(5, 4), d(5, 10)), "Thursday 7 May 2026 is in the week from Monday 4 May");
        let (from, to) = Selection::everything().bounds(chrono_tz::UTC);
        assert!(crate::store::ts(from) < crate::store::ts(to), "the open ends sort as text");
    }

    #[test]
    fn texts_that_spreadsheets_would_run_as_formulas_stay_text() {
        for formula in ["=HYPERLINK(\"x\")", "+1", "-2+3", "@SUM(A1)", "\tx", "\rx"] {
            assert_eq!(text_cell(formula), format!("'{formula}"));
        }
        for plain in ["Invoices", "", "Müller = Kunde", "'quoted"] {
            assert_eq!(text_cell(plain), plain, "only a leading sign counts");
        }
    }
}
