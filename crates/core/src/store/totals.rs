//! What history sums, stored on the session's row when it ends (finished or abandoned):
//! focused, paused and slept seconds, interruptions, and its commitments counted by outcome.
//! Computed from the phase engine once, so SQL can sum a year of sessions without replaying
//! each one. Every change to a session and its outcomes goes through `with_session` while it
//! is in progress, so the totals written as it ends stay true.

use super::sessions::load;
use crate::engine::SessionClock;
use crate::error::Result;
use rusqlite::{Connection, params};

fn secs(d: chrono::Duration) -> i64 {
    d.num_milliseconds().div_euclid(1000).max(0)
}

/// Writes the totals of an ended session (nothing while it is in progress).
pub(crate) fn record(conn: &Connection, clock: &SessionClock) -> Result<()> {
    let Some(end) = clock.ended_at() else { return Ok(()) };
    conn.execute(
        "UPDATE sessions SET focus_secs = ?2, pause_secs = ?3, sleep_secs = ?4, interruptions = ?5 WHERE id = ?1",
        params![
            clock.session_id.to_string(),
            secs(clock.focus_time(end)),
            secs(clock.pause_time(end)),
            secs(clock.sleep_time(end)),
            clock.interruptions() as i64,
        ],
    )?;
    conn.execute(COUNT_COMMITMENTS, [clock.session_id.to_string()])?;
    Ok(())
}

const COUNT_COMMITMENTS: &str = "
UPDATE sessions SET
    commitments_total    = (SELECT COUNT(*) FROM commitments c WHERE c.session_id = sessions.id),
    commitments_done     = (SELECT COUNT(*) FROM commitments c WHERE c.session_id = sessions.id AND c.outcome = 'done'),
    commitments_partly   = (SELECT COUNT(*) FROM commitments c WHERE c.session_id = sessions.id AND c.outcome = 'partly'),
    commitments_not_done = (SELECT COUNT(*) FROM commitments c WHERE c.session_id = sessions.id AND c.outcome = 'not_done')
WHERE id = ?1 AND status IN ('finished','abandoned')";

/// The migration's hook: every session that ended before totals were stored gets them.
pub(crate) fn backfill(conn: &Connection) -> Result<()> {
    let ids = {
        let mut stmt = conn.prepare("SELECT id FROM sessions WHERE status IN ('finished','abandoned')")?;
        stmt.query_map([], |r| super::parse_uuid(&r.get::<_, String>(0)?))?.collect::<rusqlite::Result<Vec<_>>>()?
    };
    for id in ids {
        record(conn, &load(conn, id)?.clock)?;
    }
    Ok(())
}
