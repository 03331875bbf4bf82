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
//! - The search index follows the written texts by its triggers (`migrations.rs`, V6).

use super::export::stored_backup_session;
use super::sessions::in_progress_id;
use super::{Store, parse_uuid, ts};
use crate::export::{BackupSession, BackupTemplate, BackupTotals};
use crate::import::{ImportError, ImportSummary, Place, Rule, ValidatedBackup, invalid};
use crate::limits::TEMPLATE_NAME_MAX_CHARS;
use crate::model::{EndReason, PlannedPhase};
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
        for session in sessions {
            summary.links_left_out += insert_session(&tx, session, &left_out)?;
            summary.sessions.added += 1;
            summary.commitments.added += session.commitments.len() as u64;
        }
        tx.commit()?;
        Ok(summary)
    }
}

// ---------------------------------------------------------------------------------------------
// Sessions

/// The file's sessions the database lacks, and the commitments named by their `carriedFrom`
/// that are in neither (a partial backup's): refused when any conflicts with the database.
fn new_sessions<'a>(
    tx: &Transaction,
    backup: &'a ValidatedBackup,
    summary: &mut ImportSummary,
) -> Result<(Vec<&'a BackupSession>, HashSet<Uuid>), ImportError> {
    let in_progress = in_progress_id(tx)?;
    let mut new = Vec::new();
    let mut left_out = HashSet::new();
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
            let Some(original) = c.carried_from.filter(|id| backup.is_outside(*id)) else { continue };
            if commitment_exists(tx, original)? {
                continue;
            }
            if !backup.is_partial() {
                return Err(invalid(&Place::commitment(s, c), Rule::CarriedFromUnknown { id: original }));
            }
            left_out.insert(original);
        }
        new.push(s);
    }
    Ok((new, left_out))
}

fn commitment_exists(conn: &Connection, id: Uuid) -> rusqlite::Result<bool> {
    conn.prepare_cached("SELECT EXISTS (SELECT 1 FROM commitments WHERE id = ?1)")?
        .query_row([id.to_string()], |r| r.get(0))
}

/// Writes a session with its phase runs, pauses and commitments; a link to a commitment in
/// `left_out` is left out. Returns how many were.
fn insert_session(tx: &Transaction, s: &BackupSession, left_out: &HashSet<Uuid>) -> Result<u64, ImportError> {
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
    let mut links_left_out = 0;
    for c in &s.commitments {
        let carried_from = c.carried_from.filter(|original| !left_out.contains(original));
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
    }
    Ok(links_left_out)
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
