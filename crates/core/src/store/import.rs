//! The backup's import (the checking is `crate::import`'s): what the database already has is
//! compared, the rest written, all in one transaction, so an import adds everything or nothing.
//!
//! - Sessions: ids are UUIDs. A session the database has with the same content (phases, pauses,
//!   commitments, totals) is left as it is, which is how importing a file twice adds nothing.
//!   With other content the import is refused, naming it: one of the two would be lost. So is a
//!   new session whose commitment's id the database has, and a session in progress while the
//!   database has another.
//! - Templates: the database's are kept as they are. A template of the file with an id the
//!   database has, or a built-in the database has (by its key), is left out; so is one with a
//!   name the database has (case-insensitively) and the same phases. With other phases it is
//!   added as "Name (2)": sessions keep their own copy of the plan, so nothing of history
//!   depends on a template. Added templates keep their place in a database without templates
//!   and come after the database's otherwise.
//! - Settings: the person's current settings win. The file's fill in only the keys the database
//!   does not have (all of them in a new database); the default template follows its template
//!   when that was one of the database's.
//! - The schedule: a work block or routine whose id the database has is kept as the person has
//!   it (their own wins), with its days; the others are added with theirs, up to `BLOCKS_MAX`
//!   blocks and `ROUTINES_MAX` routines with the database's. A block's template follows its
//!   template when that was left out for one of the database's, and is none (the default
//!   template) when the database has no such template. A day's session and a kept day's
//!   commitment must be in the file or the database.
//! - A commitment's routine day (`commitment_routines`) is written with the commitment; a link
//!   to a routine in neither the file nor the database is refused, or, in a partial backup, left
//!   out.
//! - The search index follows the written texts by its triggers (`migrations.rs`, V6).

use super::export::stored_backup_session;
use super::schedule::day_text;
use super::sessions::in_progress_id;
use super::{Store, parse_uuid, ts};
use crate::error::CoreError;
use crate::export::{Backup, BackupSession, BackupTemplate, BackupTotals};
use crate::import::{ImportError, ImportSummary, Place, Rule, ValidatedBackup, invalid};
use crate::limits::TEMPLATE_NAME_MAX_CHARS;
use crate::model::{EndReason, PlannedPhase};
use crate::schedule::blocks::{BLOCKS_MAX, BlockProblem};
use crate::schedule::routines::{ROUTINES_MAX, RoutineProblem};
use rusqlite::{Connection, OptionalExtension, Row, Transaction, TransactionBehavior, params};
use std::collections::{BTreeMap, HashMap, HashSet};
use uuid::Uuid;

/// The settings key of the default template (`store/settings.rs`): its value is a template's id.
const DEFAULT_TEMPLATE: &str = "default_template";

impl Store {
    /// Imports a checked backup (`crate::import::validate`): everything it has that the
    /// database lacks, or nothing when any of it conflicts with the database. See the module's
    /// rules.
    pub fn import_backup(&mut self, backup: &ValidatedBackup) -> Result<ImportSummary, ImportError> {
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        // Checked at the commit: in a file made by hand a commitment may come before the one
        // it continues.
        tx.pragma_update(None, "defer_foreign_keys", true)?;
        let mut summary = ImportSummary::default();
        let (sessions, left_out) = new_sessions(&tx, backup, &mut summary)?;
        let merged = import_templates(&tx, &backup.backup().templates, &mut summary)?;
        import_settings(&tx, &backup.backup().settings, &merged, &mut summary)?;
        import_schedule(&tx, backup.backup(), &merged, &mut summary)?;
        for session in sessions {
            let (links, routine_links) = insert_session(&tx, session, &left_out)?;
            summary.links_left_out += links;
            summary.routine_links_left_out += routine_links;
            summary.sessions.added += 1;
            summary.commitments.added += session.commitments.len() as u64;
        }
        tx.commit()?;
        Ok(summary)
    }
}

// ---------------------------------------------------------------------------------------------
// Sessions

/// What a partial backup links to that is in neither it nor the database: those links are left
/// out.
#[derive(Default)]
struct LeftOut {
    /// Commitments named by a `carriedFrom`.
    commitments: HashSet<Uuid>,
    /// Routines named by a commitment's `routine`.
    routines: HashSet<Uuid>,
}

/// The file's sessions the database lacks, and what their links name that is in neither (a
/// partial backup's): refused when any conflicts with the database.
fn new_sessions<'a>(
    tx: &Transaction,
    backup: &'a ValidatedBackup,
    summary: &mut ImportSummary,
) -> Result<(Vec<&'a BackupSession>, LeftOut), ImportError> {
    let in_progress = in_progress_id(tx)?;
    let mut new = Vec::new();
    let mut left_out = LeftOut::default();
    let in_file: HashSet<Uuid> =
        backup.backup().schedule.iter().flat_map(|s| s.routines.iter().map(|r| r.id)).collect();
    for s in &backup.backup().sessions {
        match stored_backup_session(tx, s.id)? {
            Some(stored) if stored == *s => {
                summary.sessions.present += 1;
                summary.commitments.present += s.commitments.len() as u64;
                continue;
            }
            Some(_) => return Err(invalid(&Place::session(s), Rule::Conflict)),
            None => {}
        }
        if s.status.in_progress() && in_progress.is_some() {
            return Err(invalid(&Place::session(s), Rule::InProgressInHistory));
        }
        for c in &s.commitments {
            if commitment_exists(tx, c.id)? {
                return Err(invalid(&Place::commitment(s, c), Rule::Conflict));
            }
            if let Some(routine) = c.routine.as_ref().map(|l| l.routine_id).filter(|id| !in_file.contains(id))
                && !exists(tx, "routines", routine)?
            {
                if !backup.is_partial() {
                    return Err(invalid(&Place::commitment(s, c), Rule::RoutineUnknown { id: routine }));
                }
                left_out.routines.insert(routine);
            }
            let Some(original) = c.carried_from.filter(|id| backup.is_outside(*id)) else { continue };
            if commitment_exists(tx, original)? {
                continue;
            }
            if !backup.is_partial() {
                return Err(invalid(&Place::commitment(s, c), Rule::CarriedFromUnknown { id: original }));
            }
            left_out.commitments.insert(original);
        }
        new.push(s);
    }
    Ok((new, left_out))
}

fn commitment_exists(conn: &Connection, id: Uuid) -> rusqlite::Result<bool> {
    exists(conn, "commitments", id)
}

/// Whether `table` has a row of `id`.
fn exists(conn: &Connection, table: &str, id: Uuid) -> rusqlite::Result<bool> {
    conn.prepare_cached(&format!("SELECT EXISTS (SELECT 1 FROM {table} WHERE id = ?1)"))?
        .query_row([id.to_string()], |r| r.get(0))
}

/// Writes a session with its phase runs, pauses and commitments (with their routine days); a
/// link to a commitment or routine in `left_out` is left out. Returns how many of each were.
fn insert_session(tx: &Transaction, s: &BackupSession, left_out: &LeftOut) -> Result<(u64, u64), ImportError> {
    let id = s.id.to_string();
    let totals = s.totals;
    let total = |f: fn(&BackupTotals) -> i64| totals.as_ref().map(f);
    tx.prepare_cached(
        "INSERT INTO sessions (id, template_name, plan, status, started_at, ended_at, overall_note, focus_rating,
                               room_membership_id, room_session_id, room_name, follows_room, shares_with_room,
                               focus_secs, pause_secs, sleep_secs, interruptions, commitments_total,
                               commitments_done, commitments_partly, commitments_not_done)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21)",
    )?
    .execute(params![
        id,
        s.template_name,
        plan_json(&s.plan),
        s.status.as_str(),
        ts(s.started_at),
        s.ended_at.map(ts),
        s.overall_note,
        s.focus_rating,
        s.room_membership_id.map(|u| u.to_string()),
        s.room_session_id.map(|u| u.to_string()),
        s.room_name,
        s.follows_room,
        s.shares_with_room,
        total(|t| t.focus_secs),
        total(|t| t.pause_secs),
        total(|t| t.sleep_secs),
        total(|t| t.interruptions),
        total(|t| t.commitments),
        total(|t| t.done),
        total(|t| t.partly),
        total(|t| t.not_done),
    ])?;
    let mut insert = tx.prepare_cached(
        "INSERT INTO phase_runs (session_id, seq, plan_index, kind, started_at, ended_at, extended_secs, end_reason,
                                 room_deadline)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    )?;
    for p in &s.phases {
        insert.execute(params![
            id,
            p.seq,
            p.plan_index,
            p.kind.as_str(),
            ts(p.started_at),
            p.ended_at.map(ts),
            p.extended_secs,
            p.end_reason.map(EndReason::as_str),
            p.room_deadline.map(ts),
        ])?;
    }
    let mut insert = tx.prepare_cached(
        "INSERT INTO pauses (session_id, seq, started_at, ended_at, kind, shifts_deadline, note)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?;
    for p in &s.pauses {
        insert.execute(params![
            id,
            p.seq,
            ts(p.started_at),
            p.ended_at.map(ts),
            p.kind.as_str(),
            p.shifts_deadline,
            p.note
        ])?;
    }
    let mut insert = tx.prepare_cached(
        "INSERT INTO commitments (id, session_id, position, text, tag, estimate_minutes, outcome, note, feedback_wanted,
                                  carried_from, carry_count, created_at, room_queued_at, room_commitment_id,
                                  room_outcome_queued)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)",
    )?;
    let mut link =
        tx.prepare_cached("INSERT INTO commitment_routines (commitment_id, routine_id, day) VALUES (?1, ?2, ?3)")?;
    let (mut links_left_out, mut routine_links_left_out) = (0, 0);
    for c in &s.commitments {
        let carried_from = c.carried_from.filter(|original| !left_out.commitments.contains(original));
        links_left_out += u64::from(carried_from != c.carried_from);
        insert.execute(params![
            c.id.to_string(),
            id,
            c.position,
            c.text,
            c.tag,
            c.estimate_minutes,
            c.outcome.as_str(),
            c.note,
            c.feedback_wanted,
            carried_from.map(|u| u.to_string()),
            c.carry_count,
            ts(c.created_at),
            c.room_queued_at.map(ts),
            c.room_commitment_id.map(|u| u.to_string()),
            c.room_outcome_queued,
        ])?;
        match &c.routine {
            Some(r) if left_out.routines.contains(&r.routine_id) => routine_links_left_out += 1,
            Some(r) => {
                link.execute(params![c.id.to_string(), r.routine_id.to_string(), day_text(r.day)])?;
            }
            None => {}
        }
    }
    Ok((links_left_out, routine_links_left_out))
}

fn plan_json(plan: &[PlannedPhase]) -> String {
    serde_json::to_string(plan).expect("phases always serialize")
}

// ---------------------------------------------------------------------------------------------
// Templates and settings

/// Adds the file's templates the database lacks; returns the ids of those left out for one of
/// the database's (file id → database id).
fn import_templates(
    tx: &Transaction,
    templates: &[BackupTemplate],
    summary: &mut ImportSummary,
) -> Result<HashMap<Uuid, Uuid>, ImportError> {
    let mut merged = HashMap::new();
    let (count, end): (i64, i64) =
        tx.query_row("SELECT COUNT(*), COALESCE(MAX(position) + 1, 0) FROM templates", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })?;
    let mut next_position = end;
    for t in templates {
        if let Some(id) = same_template(tx, t)? {
            merged.insert(t.id, id);
            summary.templates.present += 1;
            continue;
        }
        let name = free_name(tx, &t.name)?;
        if name != t.name {
            summary.renamed_templates.push((t.name.clone(), name.clone()));
        }
        // In an empty list the file's order as it was; after the database's otherwise.
        let position = if count == 0 { t.position } else { next_position };
        next_position += 1;
        tx.execute(
            "INSERT INTO templates (id, name, builtin_key, phases, position, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![t.id.to_string(), name, t.builtin_key, plan_json(&t.phases), position, ts(t.created_at)],
        )?;
        summary.templates.added += 1;
    }
    Ok(merged)
}

/// The database's template that `t` is: the same id, the same built-in, or an own template of
/// the same name and phases.
fn same_template(tx: &Transaction, t: &BackupTemplate) -> Result<Option<Uuid>, ImportError> {
    let id: Option<String> =
        tx.query_row("SELECT id FROM templates WHERE id = ?1", [t.id.to_string()], |r| r.get(0)).optional()?;
    if id.is_some() {
        return Ok(Some(t.id));
    }
    let pair = |r: &Row| -> rusqlite::Result<(String, String)> { Ok((r.get(0)?, r.get(1)?)) };
    let found = match &t.builtin_key {
        Some(key) => tx.query_row("SELECT id, phases FROM templates WHERE builtin_key = ?1", [key], pair).optional()?,
        None => tx
            .query_row(
                "SELECT id, phases FROM templates WHERE name = ?1 COLLATE NOCASE AND builtin_key IS NULL",
                [&t.name],
                pair,
            )
            .optional()?
            .filter(|(_, phases)| serde_json::from_str::<Vec<PlannedPhase>>(phases).is_ok_and(|p| p == t.phases)),
    };
    Ok(found.map(|(id, _)| parse_uuid(&id)).transpose()?)
}

/// `name`, or the first of "name (2)", "name (3)" … no template has (case-insensitively, as
/// the unique index compares), shortened to fit a template name.
fn free_name(tx: &Transaction, name: &str) -> Result<String, ImportError> {
    let taken = |candidate: &str| -> rusqlite::Result<bool> {
        tx.query_row("SELECT EXISTS (SELECT 1 FROM templates WHERE name = ?1 COLLATE NOCASE)", [candidate], |r| {
            r.get(0)
        })
    };
    if !taken(name)? {
        return Ok(name.to_owned());
    }
    let mut n = 2;
    loop {
        let suffix = format!(" ({n})");
        let base: String = name.chars().take(TEMPLATE_NAME_MAX_CHARS - suffix.chars().count()).collect();
        let candidate = format!("{}{suffix}", base.trim_end());
        if !taken(&candidate)? {
            return Ok(candidate);
        }
        n += 1;
    }
}

/// A stored setting's value as the export reads it: JSON, or bare text from an old version.
fn stored_value(raw: String) -> serde_json::Value {
    serde_json::from_str(&raw).unwrap_or(serde_json::Value::String(raw))
}

/// Adds the settings the database does not have; the database's are kept.
fn import_settings(
    tx: &Transaction,
    settings: &BTreeMap<String, serde_json::Value>,
    merged: &HashMap<Uuid, Uuid>,
    summary: &mut ImportSummary,
) -> Result<(), ImportError> {
    for (key, value) in settings {
        let mut value = value.clone();
        if key == DEFAULT_TEMPLATE
            && let Some(id) = serde_json::from_value::<Uuid>(value.clone()).ok().and_then(|id| merged.get(&id))
        {
            value = serde_json::Value::String(id.to_string());
        }
        let stored: Option<String> =
            tx.query_row("SELECT value FROM settings WHERE key = ?1", [key], |r| r.get(0)).optional()?;
        match stored {
            Some(raw) => {
                summary.settings.present += 1;
                summary.settings_differing += u64::from(stored_value(raw) != value);
            }
            None => {
                tx.execute("INSERT INTO settings (key, value) VALUES (?1, ?2)", [key, &value.to_string()])?;
                summary.settings.added += 1;
            }
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// The schedule

/// Adds the file's blocks and routines the database lacks, with their days.
fn import_schedule(
    tx: &Transaction,
    backup: &Backup,
    merged: &HashMap<Uuid, Uuid>,
    summary: &mut ImportSummary,
) -> Result<(), ImportError> {
    let Some(schedule) = &backup.schedule else { return Ok(()) };
    let sessions: HashSet<Uuid> = backup.sessions.iter().map(|s| s.id).collect();
    let commitments: HashSet<Uuid> = backup.sessions.iter().flat_map(|s| &s.commitments).map(|c| c.id).collect();
    let count = |table: &str| -> rusqlite::Result<usize> {
        let n: i64 = tx.query_row(&format!("SELECT COUNT(*) FROM {table}"), [], |r| r.get(0))?;
        Ok(usize::try_from(n).unwrap_or(usize::MAX))
    };

    let mut blocks = count("blocks")?;
    let mut insert_day = tx.prepare_cached(
        "INSERT INTO block_days (block_id, day, skipped, moved_to, moved_minutes, reminded_at, snoozed_until, session_id)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?;
    for (i, b) in schedule.blocks.iter().enumerate() {
        if exists(tx, "blocks", b.id)? {
            summary.blocks.present += 1;
            continue;
        }
        if blocks >= BLOCKS_MAX {
            return Err(invalid(&Place::block(i, &b.title, ""), Rule::Core(CoreError::Block(BlockProblem::TooMany))));
        }
        blocks += 1;
        // The database's template it was merged into, or none when the database has none of it.
        let template = b.template_id.map(|t| merged.get(&t).copied().unwrap_or(t));
        let template = match template {
            Some(t) if exists(tx, "templates", t)? => Some(t),
            _ => None,
        };
        tx.execute(
            "INSERT INTO blocks (id, title, template_id, recurrence, start_minute, length_minutes, expected_minutes,
                                 remind_minutes, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            params![
                b.id.to_string(),
                b.title,
                template.map(|t| t.to_string()),
                serde_json::to_string(&b.recurrence).expect("a rule serializes"),
                b.start_minute,
                b.length_minutes,
                b.expected_minutes,
                b.remind_minutes,
                ts(b.created_at),
            ],
        )?;
        for (j, d) in b.days.iter().enumerate() {
            if let Some(session) = d.session_id
                && !sessions.contains(&session)
                && !exists(tx, "sessions", session)?
            {
                let place = Place::block(i, &b.title, &format!("days[{j}].sessionId"));
                return Err(invalid(&place, Rule::SessionUnknown { id: session }));
            }
            insert_day.execute(params![
                b.id.to_string(),
                day_text(d.day),
                d.skipped,
                d.moved_to.map(ts),
                d.moved_minutes,
                d.reminded_at.map(ts),
                d.snoozed_until.map(ts),
                d.session_id.map(|s| s.to_string()),
            ])?;
        }
        summary.blocks.added += 1;
    }

    let mut routines = count("routines")?;
    let mut insert_day = tx
        .prepare_cached("INSERT INTO routine_days (routine_id, day, done_at, commitment_id) VALUES (?1, ?2, ?3, ?4)")?;
    for (i, r) in schedule.routines.iter().enumerate() {
        if exists(tx, "routines", r.id)? {
            summary.routines.present += 1;
            continue;
        }
        if routines >= ROUTINES_MAX {
            let too_many = Rule::Core(CoreError::Routine(RoutineProblem::TooMany));
            return Err(invalid(&Place::routine(i, &r.title, ""), too_many));
        }
        routines += 1;
        tx.execute(
            "INSERT INTO routines (id, title, tag, recurrence, steps, estimate_minutes, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![
                r.id.to_string(),
                r.title,
                r.tag,
                serde_json::to_string(&r.recurrence).expect("a rule serializes"),
                serde_json::to_string(&r.steps).expect("texts serialize"),
                r.estimate_minutes,
                ts(r.created_at),
            ],
        )?;
        for (j, d) in r.kept_days.iter().enumerate() {
            if let Some(commitment) = d.commitment_id
                && !commitments.contains(&commitment)
                && !commitment_exists(tx, commitment)?
            {
                let place = Place::routine(i, &r.title, &format!("keptDays[{j}].commitmentId"));
                return Err(invalid(&place, Rule::CommitmentUnknown { id: commitment }));
            }
            insert_day.execute(params![
                r.id.to_string(),
                day_text(d.day),
                ts(d.done_at),
                d.commitment_id.map(|c| c.to_string()),
            ])?;
        }
        summary.routines.added += 1;
    }
    Ok(())
}
