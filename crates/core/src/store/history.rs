//! Reading the past: the timeline of ended sessions a page at a time, and unfinished
//! commitments to carry.
//!
//! A page is two queries whatever its size: the sessions (their totals are stored on the row,
//! see `totals.rs`) and, in one batch, their commitments. Pages follow a cursor (the last
//! session's start and id), so the hundredth page costs what the first does.

use super::commitments::{CARRIED, COLUMNS, from_row};
use super::{Store, parse_opt_ts, parse_ts, parse_uuid, ts};
use crate::Timestamp;
use crate::error::Result;
use crate::limits::LIST_MAX;
use crate::model::{Commitment, HistoryCursor, HistoryQuery, SessionStatus};
use crate::view::{CarryOverSuggestion, HistoryFacets, HistoryPage, SessionSummary};
use rusqlite::types::Value;
use rusqlite::{Connection, params_from_iter};
use std::collections::HashMap;
use uuid::Uuid;

/// How many suggestions the commitment round offers at most.
const SUGGESTIONS_MAX: u32 = 20;

pub(super) const SESSION_COLUMNS: &str = "s.id, s.template_name, s.status, s.started_at, s.ended_at, s.focus_secs, \
     s.pause_secs, s.sleep_secs, s.interruptions, s.overall_note, s.focus_rating, s.room_name";

fn clamp(secs: Option<i64>) -> u32 {
    u32::try_from(secs.unwrap_or(0).max(0)).unwrap_or(u32::MAX)
}

pub(super) fn session_from_row(r: &rusqlite::Row) -> rusqlite::Result<SessionSummary> {
    let status: String = r.get(2)?;
    Ok(SessionSummary {
        id: parse_uuid(&r.get::<_, String>(0)?)?,
        template_name: r.get(1)?,
        status: SessionStatus::parse(&status).ok_or_else(|| super::corrupt("status", &status))?,
        started_at: parse_ts(&r.get::<_, String>(3)?)?,
        ended_at: parse_opt_ts(r.get(4)?)?,
        focus_secs: clamp(r.get(5)?),
        pause_secs: clamp(r.get(6)?),
        sleep_secs: clamp(r.get(7)?),
        interruptions: clamp(r.get(8)?),
        commitments: Vec::new(),
        overall_note: r.get(9)?,
        focus_rating: r.get(10)?,
        room_name: r.get(11)?,
    })
}

/// The commitments of `sessions`, in one query, each session's in its order.
fn commitments_of(conn: &Connection, sessions: &[Uuid]) -> Result<HashMap<Uuid, Vec<Commitment>>> {
    let ids = serde_json::to_string(&sessions).expect("ids serialize");
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM commitments c WHERE c.session_id IN (SELECT value FROM json_each(?1))
         ORDER BY c.session_id, c.position"
    ))?;
    let mut by_session: HashMap<Uuid, Vec<Commitment>> = HashMap::new();
    for c in stmt.query_map([ids], from_row)? {
        let c = c?;
        by_session.entry(c.session_id).or_default().push(c);
    }
    Ok(by_session)
}

/// Sessions that started in `[lo, hi)` (Unix seconds): a search is run a window at a time.
#[derive(Clone, Copy)]
struct Window {
    lo: i64,
    hi: i64,
}

/// The search index numbers each text by its session's start (Unix seconds × 2^20, see
/// `search.rs`), so a window of starts is a range of its rowids.
const ROWIDS_PER_SECOND: i64 = 1 << 20;

/// The page's query: only the filters asked for, so the start-time index serves the order
/// and the cursor as a range. A search also needs the window of starts to look in.
fn page_sql(query: &HistoryQuery, window: Option<Window>) -> (String, Vec<Value>) {
    let mut sql = format!("SELECT {SESSION_COLUMNS} FROM sessions s WHERE s.status IN ('finished','abandoned')");
    let mut values: Vec<Value> = Vec::new();
    // Binds `value` and gives its placeholder.
    let mut bind = |value: Value| {
        values.push(value);
        format!("?{}", values.len())
    };
    if let Some(from) = query.from {
        sql += &format!(" AND s.started_at >= {}", bind(Value::Text(ts(from))));
    }
    if let Some(to) = query.to {
        sql += &format!(" AND s.started_at < {}", bind(Value::Text(ts(to))));
    }
    if let Some(tag) = query.tag.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        let tag = bind(Value::Text(tag.to_owned()));
        sql += &format!(
            " AND EXISTS (SELECT 1 FROM commitments c WHERE c.session_id = s.id AND c.tag = {tag} COLLATE NOCASE)"
        );
    }
    if let Some(outcome) = query.outcome {
        let outcome = bind(Value::Text(outcome.as_str().to_owned()));
        sql +=
            &format!(" AND EXISTS (SELECT 1 FROM commitments c WHERE c.session_id = s.id AND c.outcome = {outcome})");
    }
    if let Some(room) = query.room.as_deref().filter(|r| !r.is_empty()) {
        sql += &format!(" AND s.room_name = {}", bind(Value::Text(room.to_owned())));
    }
    // Text with nothing to search for (only punctuation) narrows nothing.
    if let Some(expression) = query.text.as_deref().and_then(crate::search::match_expression) {
        let window = window.expect("a search looks in a window");
        let expression = bind(Value::Text(expression));
        let (lo, hi) = (bind(Value::Integer(window.lo)), bind(Value::Integer(window.hi)));
        sql += &format!(
            " AND s.started_at >= strftime('%Y-%m-%dT%H:%M:%S.000Z', {lo}, 'unixepoch')
              AND s.started_at < strftime('%Y-%m-%dT%H:%M:%S.000Z', {hi}, 'unixepoch')
              AND s.id IN (SELECT session_id FROM history_fts WHERE history_fts MATCH {expression}
                           AND rowid >= {lo} * {ROWIDS_PER_SECOND} AND rowid < {hi} * {ROWIDS_PER_SECOND})"
        );
    }
    if let Some(after) = query.after {
        let (at, id) = (bind(Value::Text(ts(after.started_at))), bind(Value::Text(after.id.to_string())));
        sql += &format!(" AND (s.started_at < {at} OR (s.started_at = {at} AND s.id < {id}))");
    }
    // One more than asked: whether there is a next page.
    let limit = bind(Value::Integer(i64::from(page_size(query)) + 1));
    sql += &format!(" ORDER BY s.started_at DESC, s.id DESC LIMIT {limit}");
    (sql, values)
}

fn page_size(query: &HistoryQuery) -> u32 {
    query.limit.clamp(1, LIST_MAX)
}

impl Store {
    /// The sessions of a page, newest first, one more than the page holds if there are more.
    /// A search looks back a window of starts at a time, each four times as long as the one
    /// before: what a page needs is found in the newest matches without reading them all.
    fn page_sessions(&self, query: &HistoryQuery) -> Result<Vec<SessionSummary>> {
        let run = |window| -> Result<Vec<SessionSummary>> {
            let (sql, values) = page_sql(query, window);
            let mut stmt = self.conn.prepare_cached(&sql)?;
            Ok(stmt.query_map(params_from_iter(values), session_from_row)?.collect::<rusqlite::Result<_>>()?)
        };
        if query.text.as_deref().and_then(crate::search::match_expression).is_none() {
            return run(None);
        }
        let (first, last): (Option<i64>, Option<i64>) = self.conn.query_row(
            "SELECT CAST(strftime('%s', MIN(started_at)) AS INTEGER), CAST(strftime('%s', MAX(started_at)) AS INTEGER)
             FROM sessions",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        let (Some(first), Some(last)) = (first, last) else { return Ok(Vec::new()) };
        let mut hi = query.after.map_or(last, |a| a.started_at.timestamp().min(last)) + 1;
        let mut width = 30 * 24 * 3600;
        let mut sessions = Vec::new();
        while sessions.len() <= page_size(query) as usize && hi > first {
            let window = Window { lo: (hi - width).max(first), hi };
            sessions.extend(run(Some(window))?);
            hi = window.lo;
            width = width.saturating_mul(4);
        }
        sessions.truncate(page_size(query) as usize + 1);
        Ok(sessions)
    }

    /// One page of the timeline: the ended sessions `query` asks for, newest first.
    pub fn history_page(&self, query: &HistoryQuery) -> Result<HistoryPage> {
        let mut sessions = self.page_sessions(query)?;
        let limit = page_size(query) as usize;
        let next = (sessions.len() > limit).then(|| {
            sessions.truncate(limit);
            let last = sessions.last().expect("a full page");
            HistoryCursor { started_at: last.started_at, id: last.id }
        });
        let ids: Vec<Uuid> = sessions.iter().map(|s| s.id).collect();
        let mut commitments = commitments_of(&self.conn, &ids)?;
        for s in &mut sessions {
            s.commitments = commitments.remove(&s.id).unwrap_or_default();
        }
        let marks = query.text.as_deref().map(|text| crate::search::marks(text, &sessions)).unwrap_or_default();
        Ok(HistoryPage { sessions, next, marks })
    }

    /// Finished and abandoned sessions started at or after `since`, newest first (the first
    /// page of the timeline without other filters).
    pub fn list_sessions(&self, since: Option<Timestamp>, limit: u32) -> Result<Vec<SessionSummary>> {
        Ok(self.history_page(&HistoryQuery { from: since, limit, ..HistoryQuery::default() })?.sessions)
    }

    /// What the timeline's filter offers: every tag (once, whatever its case) and every room
    /// a session was joined from, alphabetically.
    pub fn history_facets(&self) -> Result<HistoryFacets> {
        let list = |sql: &str| -> Result<Vec<String>> {
            let mut stmt = self.conn.prepare_cached(sql)?;
            Ok(stmt.query_map([], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?)
        };
        Ok(HistoryFacets {
            tags: list(
                "SELECT MIN(tag) FROM commitments WHERE tag IS NOT NULL GROUP BY tag COLLATE NOCASE
                 ORDER BY 1 COLLATE NOCASE",
            )?,
            rooms: list(
                "SELECT DISTINCT room_name FROM sessions WHERE room_name IS NOT NULL ORDER BY 1 COLLATE NOCASE",
            )?,
        })
    }

    /// Unfinished commitments that have not been carried over yet, newest first: partly or
    /// not done in a finished session, or left open in an abandoned one.
    pub fn carry_over_suggestions(&self) -> Result<Vec<CarryOverSuggestion>> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {COLUMNS}, s.started_at FROM commitments c JOIN sessions s ON s.id = c.session_id
             WHERE ((s.status = 'finished' AND c.outcome IN ('partly','not_done'))
                    OR (s.status = 'abandoned' AND c.outcome = 'pending'))
               AND NOT {CARRIED}
             ORDER BY s.started_at DESC, c.position LIMIT ?1"
        ))?;
        let rows = stmt.query_map([SUGGESTIONS_MAX], |r| {
            Ok(CarryOverSuggestion {
                commitment: from_row(r)?,
                session_started_at: parse_ts(&r.get::<_, String>(11)?)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}
