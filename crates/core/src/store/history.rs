//! Reading the past: finished and abandoned sessions, and unfinished commitments to carry.

use super::commitments::{CARRIED, COLUMNS, from_row};
use super::{Store, parse_ts, parse_uuid, ts};
use crate::Timestamp;
use crate::error::Result;
use crate::limits::LIST_MAX;
use crate::view::{CarryOverSuggestion, SessionSummary};
use rusqlite::params;

/// How many suggestions the commitment round offers at most.
const SUGGESTIONS_MAX: u32 = 20;

impl Store {
    /// Finished and abandoned sessions started at or after `since`, newest first.
    pub fn list_sessions(&self, since: Option<Timestamp>, limit: u32, now: Timestamp) -> Result<Vec<SessionSummary>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT id FROM sessions WHERE status IN ('finished','abandoned') AND started_at >= ?1
             ORDER BY started_at DESC LIMIT ?2",
        )?;
        let since = since.map_or_else(String::new, ts);
        let ids = stmt
            .query_map(params![since, limit.min(LIST_MAX)], |r| parse_uuid(&r.get::<_, String>(0)?))?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        ids.into_iter().map(|id| self.session_summary(id, now)).collect()
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
