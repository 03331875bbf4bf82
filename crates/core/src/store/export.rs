//! The exports' reads (the writing is `crate::export`'s), each export in one read transaction so
//! it sees one state of the history. Bulk reads, never a query per session: the CSV tables and
//! the report take two queries, the invoices the statistics' four, and the backup four for the
//! schedule and three per 512 sessions, written as they are read, so ten years of history are
//! never in memory twice.

use super::commitments::{COLUMNS, from_row};
use super::history::{SESSION_COLUMNS, session_from_row};
use super::stats::{of_sessions, sessions_overlapping, slipping, text};
use super::{Store, corrupt, parse_opt_ts, parse_ts, parse_uuid, to_millis, ts};
use crate::Timestamp;
use crate::error::Result;
use crate::export::{
    BACKUP_FORMAT, BACKUP_VERSION, BackupBlock, BackupBlockDay, BackupCommitment, BackupCounts, BackupHead,
    BackupPause, BackupPhase, BackupRoutine, BackupRoutineDay, BackupRoutineLink, BackupSchedule, BackupSelection,
    BackupSession, BackupTemplate, BackupTotals, BackupWriter, CsvKind, CsvStyle, ExportError, Report, Selection,
    Translate, invoice_rows, write_commitments_csv, write_invoices_csv, write_report, write_sessions_csv,
};
use crate::model::{EndReason, Outcome, PauseKind, PhaseKind, SessionStatus};
use crate::schedule::Recurrence;
use crate::view::SessionSummary;
use chrono::NaiveDate;
use chrono_tz::Tz;
use rusqlite::{Connection, OptionalExtension, Row};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::io::Write;

/// Sessions per batch of the backup's reads.
const BATCH: usize = 512;

/// The ended sessions started on the selection's days, oldest first, with their commitments
/// in order (the tag is the writers' to apply: a session row keeps all its commitments).
fn ended_sessions(conn: &Connection, selection: &Selection, zone: Tz) -> Result<Vec<SessionSummary>> {
    let (from, to) = selection.bounds(zone);
    let filter = "s.status IN ('finished','abandoned') AND s.started_at >= ?1 AND s.started_at < ?2";
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {SESSION_COLUMNS} FROM sessions s WHERE {filter} ORDER BY s.started_at, s.id"
    ))?;
    let mut sessions =
        stmt.query_map([ts(from), ts(to)], session_from_row)?.collect::<rusqlite::Result<Vec<SessionSummary>>>()?;
    let index: HashMap<uuid::Uuid, usize> = sessions.iter().enumerate().map(|(i, s)| (s.id, i)).collect();
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM sessions s JOIN commitments c ON c.session_id = s.id WHERE {filter}"
    ))?;
    for c in stmt.query_map([ts(from), ts(to)], from_row)? {
        let c = c?;
        if let Some(&i) = index.get(&c.session_id) {
            sessions[i].commitments.push(c);
        }
    }
    for s in &mut sessions {
        s.commitments.sort_by_key(|c| c.position);
    }
    Ok(sessions)
}

fn templates(conn: &Connection) -> Result<Vec<BackupTemplate>> {
    let mut stmt = conn.prepare(
        "SELECT id, name, builtin_key, phases, position, created_at FROM templates ORDER BY position, created_at, name",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok(BackupTemplate {
            id: parse_uuid(text(r, 0)?)?,
            name: r.get(1)?,
            builtin_key: r.get(2)?,
            phases: serde_json::from_str(text(r, 3)?)
                .map_err(|e| rusqlite::Error::FromSqlConversionFailure(3, rusqlite::types::Type::Text, Box::new(e)))?,
            position: r.get(4)?,
            created_at: parse_ts(text(r, 5)?)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Every settings row, its value as JSON (bare text, as an old version stored the sleep mode,
/// as a JSON string).
fn settings(conn: &Connection) -> Result<BTreeMap<String, serde_json::Value>> {
    let mut stmt = conn.prepare("SELECT key, value FROM settings ORDER BY key")?;
    let rows = stmt.query_map([], |r| {
        let raw: String = r.get(1)?;
        let value = serde_json::from_str(&raw).unwrap_or(serde_json::Value::String(raw));
        Ok((r.get::<_, String>(0)?, value))
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

fn json<T: serde::de::DeserializeOwned>(r: &Row, i: usize) -> rusqlite::Result<T> {
    serde_json::from_str(text(r, i)?)
        .map_err(|e| rusqlite::Error::FromSqlConversionFailure(i, rusqlite::types::Type::Text, Box::new(e)))
}

fn day(r: &Row, i: usize) -> rusqlite::Result<NaiveDate> {
    let value = text(r, i)?;
    NaiveDate::parse_from_str(value, "%Y-%m-%d").map_err(|_| corrupt("day", value))
}

/// The days of `days` that `rule` falls on: the rows the app reads (one of a day an earlier rule
/// fell on stays in the database when the rule is changed, and is never read again).
fn on_rule<T>(rule: &Recurrence, days: Vec<T>, day_of: impl Fn(&T) -> NaiveDate) -> Vec<T> {
    let (Some(first), Some(last)) = (days.iter().map(&day_of).min(), days.iter().map(&day_of).max()) else {
        return days;
    };
    let falls: HashSet<NaiveDate> = rule.days(first, last).unwrap_or_default().into_iter().collect();
    days.into_iter().filter(|d| falls.contains(&day_of(d))).collect()
}

/// The schedule as the backup holds it: every block and routine in the order they were made,
/// with their days in order. Four queries.
fn schedule(conn: &Connection) -> Result<BackupSchedule> {
    let mut block_days: HashMap<String, Vec<BackupBlockDay>> = HashMap::new();
    let mut stmt = conn.prepare(
        "SELECT block_id, day, skipped, moved_to, moved_minutes, reminded_at, snoozed_until, session_id
         FROM block_days ORDER BY block_id, day",
    )?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        block_days.entry(r.get(0)?).or_default().push(BackupBlockDay {
            day: day(r, 1)?,
            skipped: r.get(2)?,
            moved_to: parse_opt_ts(r.get(3)?)?,
            moved_minutes: r.get(4)?,
            reminded_at: parse_opt_ts(r.get(5)?)?,
            snoozed_until: parse_opt_ts(r.get(6)?)?,
            session_id: opt_uuid(r, 7)?,
        });
    }
    let mut stmt = conn.prepare(
        "SELECT id, title, template_id, recurrence, start_minute, length_minutes, expected_minutes, remind_minutes,
                created_at
         FROM blocks ORDER BY created_at, id",
    )?;
    let blocks = stmt
        .query_map([], |r| {
            let recurrence: Recurrence = json(r, 3)?;
            let days = block_days.remove(text(r, 0)?).unwrap_or_default();
            Ok(BackupBlock {
                id: parse_uuid(text(r, 0)?)?,
                title: r.get(1)?,
                template_id: opt_uuid(r, 2)?,
                start_minute: r.get(4)?,
                length_minutes: r.get(5)?,
                expected_minutes: r.get(6)?,
                remind_minutes: r.get(7)?,
                created_at: parse_ts(text(r, 8)?)?,
                days: on_rule(&recurrence, days, |d| d.day),
                recurrence,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let mut kept_days: HashMap<String, Vec<BackupRoutineDay>> = HashMap::new();
    let mut stmt =
        conn.prepare("SELECT routine_id, day, done_at, commitment_id FROM routine_days ORDER BY routine_id, day")?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        kept_days.entry(r.get(0)?).or_default().push(BackupRoutineDay {
            day: day(r, 1)?,
            done_at: parse_ts(text(r, 2)?)?,
            commitment_id: opt_uuid(r, 3)?,
        });
    }
    let mut stmt = conn.prepare(
        "SELECT id, title, tag, recurrence, steps, estimate_minutes, created_at FROM routines ORDER BY created_at, id",
    )?;
    let routines = stmt
        .query_map([], |r| {
            let recurrence: Recurrence = json(r, 3)?;
            let days = kept_days.remove(text(r, 0)?).unwrap_or_default();
            Ok(BackupRoutine {
                id: parse_uuid(text(r, 0)?)?,
                title: r.get(1)?,
                tag: r.get(2)?,
                steps: json(r, 4)?,
                estimate_minutes: r.get(5)?,
                created_at: parse_ts(text(r, 6)?)?,
                kept_days: on_rule(&recurrence, days, |d| d.day),
                recurrence,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(BackupSchedule { blocks, routines })
}

fn code<T>(parse: fn(&str) -> Option<T>, what: &str, value: &str) -> rusqlite::Result<T> {
    parse(value).ok_or_else(|| corrupt(what, value))
}

fn opt_uuid(r: &Row, i: usize) -> rusqlite::Result<Option<uuid::Uuid>> {
    r.get::<_, Option<String>>(i)?.as_deref().map(parse_uuid).transpose()
}

const BACKUP_SESSION_COLUMNS: &str = "id, template_name, plan, status, started_at, ended_at, overall_note, \
     focus_rating, room_membership_id, room_session_id, room_name, follows_room, shares_with_room, focus_secs, \
     pause_secs, sleep_secs, interruptions, commitments_total, commitments_done, commitments_partly, \
     commitments_not_done";

fn backup_session(r: &Row) -> rusqlite::Result<BackupSession> {
    let plan = serde_json::from_str(text(r, 2)?)
        .map_err(|e| rusqlite::Error::FromSqlConversionFailure(2, rusqlite::types::Type::Text, Box::new(e)))?;
    let count = |i: usize| -> rusqlite::Result<i64> { Ok(r.get::<_, Option<i64>>(i)?.unwrap_or(0)) };
    let totals = match r.get::<_, Option<i64>>(13)? {
        None => None,
        Some(focus_secs) => Some(BackupTotals {
            focus_secs,
            pause_secs: count(14)?,
            sleep_secs: count(15)?,
            interruptions: count(16)?,
            commitments: count(17)?,
            done: count(18)?,
            partly: count(19)?,
            not_done: count(20)?,
        }),
    };
    Ok(BackupSession {
        id: parse_uuid(text(r, 0)?)?,
        template_name: r.get(1)?,
        plan,
        status: code(SessionStatus::parse, "status", text(r, 3)?)?,
        started_at: parse_ts(text(r, 4)?)?,
        ended_at: parse_opt_ts(r.get(5)?)?,
        overall_note: r.get(6)?,
        focus_rating: r.get(7)?,
        room_membership_id: opt_uuid(r, 8)?,
        room_session_id: opt_uuid(r, 9)?,
        room_name: r.get(10)?,
        follows_room: r.get(11)?,
        shares_with_room: r.get(12)?,
        totals,
        phases: Vec::new(),
        pauses: Vec::new(),
        commitments: Vec::new(),
    })
}

/// Session `id` as the backup holds it, or `None` (the import compares it with a file's).
pub(super) fn stored_backup_session(conn: &Connection, id: uuid::Uuid) -> Result<Option<BackupSession>> {
    let mut stmt = conn.prepare_cached(&format!("SELECT {BACKUP_SESSION_COLUMNS} FROM sessions WHERE id = ?1"))?;
    let Some(session) = stmt.query_row([id.to_string()], backup_session).optional()? else { return Ok(None) };
    let mut one = [session];
    fill(conn, &mut one)?;
    let [session] = one;
    Ok(Some(session))
}

/// Fills in the phases, pauses and commitments of `batch`: three queries.
fn fill(conn: &Connection, batch: &mut [BackupSession]) -> Result<()> {
    let index: HashMap<String, usize> = batch.iter().enumerate().map(|(i, s)| (s.id.to_string(), i)).collect();
    let ids = serde_json::to_string(&index.keys().collect::<Vec<_>>()).expect("ids serialize");
    let columns =
        "t.seq, t.plan_index, t.kind, t.started_at, t.ended_at, t.extended_secs, t.end_reason, t.room_deadline";
    let mut stmt = conn.prepare_cached(&of_sessions(columns, "phase_runs", ""))?;
    let mut rows = stmt.query([&ids])?;
    while let Some(r) = rows.next()? {
        let Some(&i) = index.get(text(r, 0)?) else { continue };
        batch[i].phases.push(BackupPhase {
            seq: r.get(1)?,
            plan_index: r.get(2)?,
            kind: code(PhaseKind::parse, "phase kind", text(r, 3)?)?,
            started_at: parse_ts(text(r, 4)?)?,
            ended_at: parse_opt_ts(r.get(5)?)?,
            extended_secs: r.get(6)?,
            end_reason: r.get::<_, Option<String>>(7)?.map(|s| code(EndReason::parse, "end reason", &s)).transpose()?,
            room_deadline: parse_opt_ts(r.get(8)?)?,
        });
    }
    let columns = "t.seq, t.kind, t.started_at, t.ended_at, t.shifts_deadline, t.note";
    let mut stmt = conn.prepare_cached(&of_sessions(columns, "pauses", ""))?;
    let mut rows = stmt.query([&ids])?;
    while let Some(r) = rows.next()? {
        let Some(&i) = index.get(text(r, 0)?) else { continue };
        batch[i].pauses.push(BackupPause {
            seq: r.get(1)?,
            kind: code(PauseKind::parse, "pause kind", text(r, 2)?)?,
            started_at: parse_ts(text(r, 3)?)?,
            ended_at: parse_opt_ts(r.get(4)?)?,
            shifts_deadline: r.get(5)?,
            note: r.get(6)?,
        });
    }
    let columns = "t.id, t.position, t.text, t.tag, t.estimate_minutes, t.outcome, t.note, t.feedback_wanted, \
         t.carried_from, t.carry_count, t.created_at, t.room_queued_at, t.room_commitment_id, t.room_outcome_queued, \
         r.routine_id, r.day";
    let routine = "LEFT JOIN commitment_routines r ON r.commitment_id = t.id";
    let mut stmt = conn.prepare_cached(&of_sessions(columns, "commitments", routine))?;
    let mut rows = stmt.query([&ids])?;
    while let Some(r) = rows.next()? {
        let Some(&i) = index.get(text(r, 0)?) else { continue };
        batch[i].commitments.push(BackupCommitment {
            id: parse_uuid(text(r, 1)?)?,
            position: r.get(2)?,
            text: r.get(3)?,
            tag: r.get(4)?,
            estimate_minutes: r.get(5)?,
            outcome: code(Outcome::parse, "outcome", text(r, 6)?)?,
            note: r.get(7)?,
            feedback_wanted: r.get(8)?,
            carried_from: opt_uuid(r, 9)?,
            carry_count: r.get(10)?,
            created_at: parse_ts(text(r, 11)?)?,
            room_queued_at: parse_opt_ts(r.get(12)?)?,
            room_commitment_id: opt_uuid(r, 13)?,
            room_outcome_queued: r.get(14)?,
            routine: match opt_uuid(r, 15)? {
                Some(routine_id) => Some(BackupRoutineLink { routine_id, day: day(r, 16)? }),
                None => None,
            },
        });
    }
    // In order (sorting here is cheaper than SQLite's temporary B-tree).
    for s in batch {
        s.phases.sort_by_key(|p| p.seq);
        s.pauses.sort_by_key(|p| p.seq);
        s.commitments.sort_by_key(|c| c.position);
    }
    Ok(())
}

impl Store {
    /// Writes the CSV table `kind` of `selection` (days in `zone`) to `out`, headers from
    /// `words`; returns the number of rows below the header. See `crate::export`.
    pub fn export_csv<W: Write>(
        &self,
        kind: CsvKind,
        selection: &Selection,
        zone: Tz,
        style: CsvStyle,
        words: Translate,
        out: W,
    ) -> Result<u64, ExportError> {
        // One snapshot for every read; nothing is written, so dropping it rolls back nothing.
        let tx = self.conn.unchecked_transaction()?;
        match kind {
            CsvKind::Commitments => {
                write_commitments_csv(out, &ended_sessions(&tx, selection, zone)?, selection, zone, style, words)
            }
            CsvKind::Sessions => {
                write_sessions_csv(out, &ended_sessions(&tx, selection, zone)?, selection, zone, style, words)
            }
            CsvKind::Invoices => {
                let (from, to) = selection.bounds(zone);
                let sessions = sessions_overlapping(&tx, from, to)?;
                write_invoices_csv(out, &invoice_rows(zone, &sessions, selection), style, words)
            }
        }
    }

    /// Writes the Markdown report of `selection` (days in `zone`) in the language of `words`.
    pub fn export_report<W: Write>(
        &self,
        selection: &Selection,
        zone: Tz,
        words: Translate,
        out: W,
    ) -> Result<(), ExportError> {
        let tx = self.conn.unchecked_transaction()?;
        let sessions = ended_sessions(&tx, selection, zone)?;
        let slipping = slipping(&tx)?;
        drop(tx);
        write_report(out, &Report { selection, sessions: &sessions, slipping: &slipping }, zone, words)
    }

    /// Writes the JSON backup (`crate::export::Backup`) of `selection` to `out`: every session
    /// started on its days (in progress too) with a commitment of its tag, or with
    /// [`Selection::everything`] the whole history and the schedule. `exported_at` is recorded
    /// in it.
    pub fn export_backup<W: Write>(
        &self,
        selection: &Selection,
        zone: Tz,
        exported_at: Timestamp,
        out: W,
    ) -> Result<BackupCounts, ExportError> {
        let tx = self.conn.unchecked_transaction()?;
        let everything = *selection == Selection::everything();
        let head = BackupHead {
            format: BACKUP_FORMAT,
            version: BACKUP_VERSION,
            exported_at: to_millis(exported_at),
            schema_version: tx.query_row("PRAGMA user_version", [], |r| r.get(0))?,
            selection: (!everything).then(|| BackupSelection {
                from: selection.from(),
                to: selection.to(),
                tag: selection.tag().map(str::to_owned),
                time_zone: zone.name().to_owned(),
            }),
            templates: templates(&tx)?,
            settings: settings(&tx)?,
            schedule: if everything { Some(schedule(&tx)?) } else { None },
        };
        let (from, to) = selection.bounds(zone);
        let mut stmt = tx.prepare(&format!(
            "SELECT {BACKUP_SESSION_COLUMNS} FROM sessions WHERE started_at >= ?1 AND started_at < ?2
             ORDER BY started_at, id"
        ))?;
        let mut sessions = stmt.query_map([ts(from), ts(to)], backup_session)?.collect::<rusqlite::Result<Vec<_>>>()?;
        drop(stmt);
        let mut writer = BackupWriter::begin(out, &head)?;
        for batch in sessions.chunks_mut(BATCH) {
            fill(&tx, batch)?;
            for session in batch.iter_mut() {
                if selection.tag().is_none()
                    || session.commitments.iter().any(|c| selection.matches_tag(c.tag.as_deref()))
                {
                    writer.session(session)?;
                }
                // Written: let its rows go.
                drop(std::mem::take(&mut session.phases));
                drop(std::mem::take(&mut session.pauses));
                drop(std::mem::take(&mut session.commitments));
            }
        }
        Ok(writer.finish()?.1)
    }
}
