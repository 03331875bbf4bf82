//! The statistics' queries: a handful of bulk reads, whatever the range holds (no query per
//! session), in one read transaction so they see the same history. The counting is in
//! `crate::stats`.

use super::commitments::CARRIED;
use super::{Store, corrupt, parse_opt_ts, parse_ts, parse_uuid, ts};
use crate::Timestamp;
use crate::error::Result;
use crate::model::{Outcome, SessionStatus};
use crate::stats::{
    CommitmentFacts, SLIPPING_MAX, SLIPPING_MIN_CARRIES, SessionFacts, SlippingCommitment, Statistics, StatsRange,
    statistics,
};
use chrono::NaiveDate;
use chrono_tz::Tz;
use rusqlite::Connection;
use std::collections::HashMap;

/// The ended sessions that overlap `[?1, ?2)`, in order of start. A session abandoned the
/// instant it started has no length, so `ended_at >= ?1` (not `>`) keeps one started at the
/// range's first instant.
const OVERLAPPING: &str = "SELECT id, status, started_at, ended_at FROM sessions
    WHERE status IN ('finished','abandoned') AND started_at < ?2 AND ended_at >= ?1 ORDER BY started_at, id";

/// The rows of `table` for the sessions in `?1` (a JSON array of ids). `CROSS JOIN` keeps the
/// ids outside, so each is one seek in the table's session index rather than a scan of it.
pub(super) fn of_sessions(columns: &str, table: &str, filter: &str) -> String {
    format!(
        "SELECT t.session_id, {columns} FROM json_each(?1) j CROSS JOIN {table} t ON t.session_id = j.value {filter}"
    )
}

/// Column `i` as text, borrowed from the row.
pub(super) fn text<'r>(r: &'r rusqlite::Row, i: usize) -> rusqlite::Result<&'r str> {
    Ok(r.get_ref(i)?.as_str()?)
}

fn outcome(s: &str) -> rusqlite::Result<Outcome> {
    Outcome::parse(s).ok_or_else(|| corrupt("outcome", s))
}

/// The ended sessions overlapping `[from, to)` with their focus runs, pauses and commitments:
/// four queries, the last three over the first one's ids.
pub(super) fn sessions_overlapping(conn: &Connection, from: Timestamp, to: Timestamp) -> Result<Vec<SessionFacts>> {
    let mut sessions: Vec<SessionFacts> = Vec::new();
    let mut ends: Vec<Timestamp> = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    let mut stmt = conn.prepare_cached(OVERLAPPING)?;
    let mut rows = stmt.query([ts(from), ts(to)])?;
    while let Some(r) = rows.next()? {
        let status = text(r, 1)?;
        let started_at = parse_ts(text(r, 2)?)?;
        index.insert(r.get(0)?, sessions.len());
        ends.push(parse_opt_ts(r.get(3)?)?.unwrap_or(started_at));
        sessions.push(SessionFacts {
            started_at,
            status: SessionStatus::parse(status).ok_or_else(|| corrupt("status", status))?,
            focus_runs: Vec::new(),
            pauses: Vec::new(),
            commitments: Vec::new(),
        });
    }
    if sessions.is_empty() {
        return Ok(sessions);
    }
    let ids = serde_json::to_string(&index.keys().collect::<Vec<_>>()).expect("ids serialize");
    // Runs and pauses left open (they never are in an ended session) end with the session.
    let span = |r: &rusqlite::Row, i: usize| -> rusqlite::Result<(Timestamp, Timestamp)> {
        Ok((parse_ts(text(r, 1)?)?, parse_opt_ts(r.get(2)?)?.unwrap_or(ends[i])))
    };
    let mut stmt =
        conn.prepare_cached(&of_sessions("t.started_at, t.ended_at", "phase_runs", "WHERE t.kind = 'focus'"))?;
    let mut rows = stmt.query([&ids])?;
    while let Some(r) = rows.next()? {
        let Some(&i) = index.get(text(r, 0)?) else { continue };
        sessions[i].focus_runs.push(span(r, i)?);
    }
    let mut stmt = conn.prepare_cached(&of_sessions("t.started_at, t.ended_at", "pauses", ""))?;
    let mut rows = stmt.query([&ids])?;
    while let Some(r) = rows.next()? {
        let Some(&i) = index.get(text(r, 0)?) else { continue };
        sessions[i].pauses.push(span(r, i)?);
    }
    let mut positions: Vec<Vec<u32>> = vec![Vec::new(); sessions.len()];
    let mut stmt = conn.prepare_cached(&of_sessions("t.tag, t.outcome, t.position", "commitments", ""))?;
    let mut rows = stmt.query([&ids])?;
    while let Some(r) = rows.next()? {
        let Some(&i) = index.get(text(r, 0)?) else { continue };
        sessions[i].commitments.push(CommitmentFacts { tag: r.get(1)?, outcome: outcome(text(r, 2)?)? });
        positions[i].push(r.get(3)?);
    }
    // In the session's order (sorting here is cheaper than SQLite's temporary B-tree).
    for (session, positions) in sessions.iter_mut().zip(positions) {
        if !positions.is_sorted() {
            let mut pairs: Vec<_> = positions.into_iter().zip(std::mem::take(&mut session.commitments)).collect();
            pairs.sort_by_key(|&(p, _)| p);
            session.commitments = pairs.into_iter().map(|(_, c)| c).collect();
        }
    }
    Ok(sessions)
}

/// When every ended session started: the streaks need all days with a session, and the
/// person's days can only be told in Rust (the zone's rules are not in SQLite).
pub(super) fn all_starts(conn: &Connection) -> Result<Vec<Timestamp>> {
    let mut stmt = conn.prepare_cached("SELECT started_at FROM sessions WHERE status IN ('finished','abandoned')")?;
    let rows = stmt.query_map([], |r| parse_ts(text(r, 0)?))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Commitments carried over often and still not done, newest first: the latest copy of each
/// (not carried on), in an ended session, with any outcome but done.
pub(super) fn slipping(conn: &Connection) -> Result<Vec<SlippingCommitment>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT c.id, c.session_id, c.text, c.tag, c.carry_count, c.outcome, s.started_at
         FROM commitments c JOIN sessions s ON s.id = c.session_id
         WHERE c.carry_count >= ?1 AND c.outcome != 'done' AND s.status IN ('finished','abandoned') AND NOT {CARRIED}
         ORDER BY s.started_at DESC, c.position LIMIT ?2"
    ))?;
    let rows = stmt.query_map([SLIPPING_MIN_CARRIES, SLIPPING_MAX], |r| {
        Ok(SlippingCommitment {
            id: parse_uuid(text(r, 0)?)?,
            session_id: parse_uuid(text(r, 1)?)?,
            text: r.get(2)?,
            tag: r.get(3)?,
            carry_count: r.get(4)?,
            outcome: outcome(text(r, 5)?)?,
            session_started_at: parse_ts(text(r, 6)?)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

impl Store {
    /// The statistics of the person's days in `range`, in their time zone `zone`, as of their
    /// day `today` (both passed in: the core reads neither clock nor zone). See `crate::stats`.
    pub fn statistics(&self, range: StatsRange, zone: Tz, today: NaiveDate) -> Result<Statistics> {
        let (from, to) = range.bounds(zone);
        // One snapshot for every read; nothing is written, so dropping it rolls back nothing.
        let tx = self.conn.unchecked_transaction()?;
        let sessions = sessions_overlapping(&tx, from, to)?;
        let starts = all_starts(&tx)?;
        let slipping = slipping(&tx)?;
        drop(tx);
        Ok(statistics(range, zone, today, &sessions, &starts, slipping))
    }
}
