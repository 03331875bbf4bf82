//! The schema, as forward-only migrations. The version lives in `PRAGMA user_version`;
//! each migration runs in one transaction. Never edit a released migration: add one.

use rusqlite_migration::{M, Migrations};

/// Times are RFC 3339 UTC text with milliseconds, so they sort as text.
const V1: &str = "
CREATE TABLE templates (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    builtin_key TEXT UNIQUE,            -- set for the built-in templates
    phases      TEXT NOT NULL,          -- JSON array of {kind, durationSecs}
    position    INTEGER NOT NULL,
    created_at  TEXT NOT NULL
);
CREATE UNIQUE INDEX templates_name ON templates (name COLLATE NOCASE);

CREATE TABLE sessions (
    id            TEXT PRIMARY KEY,
    template_name TEXT NOT NULL,
    plan          TEXT NOT NULL,        -- the template's phases, copied at start
    status        TEXT NOT NULL CHECK (status IN ('running','paused','finished','abandoned')),
    started_at    TEXT NOT NULL,
    ended_at      TEXT,
    overall_note  TEXT,
    focus_rating  INTEGER CHECK (focus_rating BETWEEN 1 AND 5)
);
CREATE INDEX sessions_started ON sessions (started_at);
-- At most one session in progress.
CREATE UNIQUE INDEX sessions_one_in_progress ON sessions ((1)) WHERE status IN ('running','paused');

CREATE TABLE phase_runs (
    session_id    TEXT NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    seq           INTEGER NOT NULL,
    plan_index    INTEGER NOT NULL,
    kind          TEXT NOT NULL CHECK (kind IN ('commitment','focus','break','closing')),
    started_at    TEXT NOT NULL,
    ended_at      TEXT,
    extended_secs INTEGER NOT NULL DEFAULT 0,
    end_reason    TEXT,
    PRIMARY KEY (session_id, seq)
);

CREATE TABLE pauses (
    session_id      TEXT NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    seq             INTEGER NOT NULL,
    started_at      TEXT NOT NULL,
    ended_at        TEXT,
    kind            TEXT NOT NULL CHECK (kind IN ('interruption','sleep')),
    shifts_deadline INTEGER NOT NULL,
    note            TEXT,
    PRIMARY KEY (session_id, seq)
);

CREATE TABLE commitments (
    id               TEXT PRIMARY KEY,
    session_id       TEXT NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    position         INTEGER NOT NULL,
    text             TEXT NOT NULL,
    tag              TEXT,
    estimate_minutes INTEGER,
    outcome          TEXT NOT NULL DEFAULT 'pending'
                     CHECK (outcome IN ('pending','done','partly','not_done')),
    note             TEXT,
    feedback_wanted  INTEGER NOT NULL DEFAULT 0,
    carried_from     TEXT REFERENCES commitments (id) ON DELETE SET NULL,
    carry_count      INTEGER NOT NULL DEFAULT 0,
    created_at       TEXT NOT NULL
);
CREATE INDEX commitments_session ON commitments (session_id, position);
CREATE INDEX commitments_carried_from ON commitments (carried_from);

CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
";

/// Rooms: the memberships this person holds on room servers, the room state last seen
/// (shown while offline), and the outbox of writes not yet acknowledged by the server.
const V2_ROOMS: &str = "
CREATE TABLE room_memberships (
    id              TEXT PRIMARY KEY,       -- the member id the server gave
    server          TEXT NOT NULL,
    room_code       TEXT NOT NULL,
    display_name    TEXT NOT NULL,
    token           TEXT NOT NULL,          -- the member token: the only key to the room as this member
    joined_at       TEXT NOT NULL,
    state           TEXT,                   -- the room state last seen, as the server's JSON
    last_event_id   INTEGER NOT NULL DEFAULT 0,
    state_seen_at   TEXT
);

CREATE TABLE room_outbox (
    seq             INTEGER PRIMARY KEY AUTOINCREMENT,  -- the order writes are sent in
    membership_id   TEXT NOT NULL REFERENCES room_memberships (id) ON DELETE CASCADE,
    method          TEXT NOT NULL CHECK (method IN ('POST','PUT','PATCH','DELETE')),
    path            TEXT NOT NULL,          -- below the room, e.g. /sessions/{id}/commitments
    body            TEXT,                   -- JSON
    idempotency_key TEXT NOT NULL UNIQUE,
    created_at      TEXT NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT NOT NULL,
    last_error      TEXT,
    refused_at      TEXT                    -- the server refused it for good; kept to show why
);
CREATE INDEX room_outbox_pending ON room_outbox (membership_id, refused_at, seq);
";

/// Room tokens leave the database for the system's secret store: the shell moves a token
/// still in `token_to_move` there at start-up and clears it. The outbox keeps what the person
/// did (`intent`, JSON such as `{"write":"kudos","commitment":…}`), not HTTP verbs and paths;
/// the four kinds of write the sync crate made so far are carried over, and anything else
/// is kept as refused, with why, rather than dropped.
///
/// Renaming first makes SQLite repoint the old outbox's reference to the renamed memberships,
/// so dropping the old tables cascades into nothing new.
const V3_INTENTS_AND_SECRETS: &str = "
ALTER TABLE room_outbox RENAME TO room_outbox_v2;
ALTER TABLE room_memberships RENAME TO room_memberships_v2;

CREATE TABLE room_memberships (
    id              TEXT PRIMARY KEY,       -- the member id the server gave
    server          TEXT NOT NULL,
    room_code       TEXT NOT NULL,
    display_name    TEXT NOT NULL,
    token_to_move   TEXT,                   -- a token from before the secret store; cleared at start-up
    joined_at       TEXT NOT NULL,
    state           TEXT,                   -- the room state last seen, as the server's JSON
    last_event_id   INTEGER NOT NULL DEFAULT 0,
    state_seen_at   TEXT
);
INSERT INTO room_memberships
    SELECT id, server, room_code, display_name, token, joined_at, state, last_event_id, state_seen_at
    FROM room_memberships_v2;

CREATE TABLE room_outbox (
    seq             INTEGER PRIMARY KEY AUTOINCREMENT,  -- the order writes are sent in
    membership_id   TEXT NOT NULL REFERENCES room_memberships (id) ON DELETE CASCADE,
    intent          TEXT NOT NULL,          -- JSON: what the person did
    idempotency_key TEXT NOT NULL UNIQUE,
    created_at      TEXT NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT NOT NULL,
    last_error      TEXT,
    refused_at      TEXT                    -- the server refused it for good; kept to show why
);
INSERT INTO room_outbox (seq, membership_id, intent, idempotency_key, created_at, attempts, next_attempt_at,
                         last_error, refused_at)
    SELECT seq, membership_id, COALESCE(intent, json_object('write', 'unknown')), idempotency_key, created_at,
           attempts, next_attempt_at,
           CASE WHEN intent IS NULL THEN 'written by an older version, not understood' ELSE last_error END,
           CASE WHEN intent IS NULL THEN COALESCE(refused_at, created_at) ELSE refused_at END
    FROM (SELECT *, CASE
        WHEN method = 'PUT' AND path = '/presence'
            THEN json_object('write', 'presence', 'presence', json_extract(body, '$.presence'))
        WHEN method = 'POST' AND path GLOB '/sessions/*/commitments'
            THEN json_object('write', 'publish_commitment', 'session', substr(path, 11, length(path) - 22),
                             'text', json_extract(body, '$.text'))
        WHEN method = 'PUT' AND path GLOB '/commitments/*/outcome'
            THEN json_object('write', 'report_outcome', 'commitment', substr(path, 14, length(path) - 21),
                             'report', json(body))
        WHEN method = 'POST' AND path GLOB '/commitments/*/kudos'
            THEN json_object('write', 'kudos', 'commitment', substr(path, 14, length(path) - 19))
        END AS intent FROM room_outbox_v2);

DROP TABLE room_outbox_v2;
DROP TABLE room_memberships_v2;
CREATE INDEX room_outbox_pending ON room_outbox (membership_id, refused_at, seq);
";

/// Sessions joined from a room: which room and shared session, whether the phases still
/// follow it, whether the person shares their commitments with it, and each phase's end as
/// the room set it. A shared commitment: when it went into the outbox, the id the room gave
/// it, and whether its outcome went too. Per membership: whether the room's video-call link
/// opens in the browser when the person joins a session.
const V4_ROOM_SESSIONS: &str = "
ALTER TABLE sessions ADD COLUMN room_membership_id TEXT;
ALTER TABLE sessions ADD COLUMN room_session_id TEXT;
ALTER TABLE sessions ADD COLUMN room_name TEXT;
ALTER TABLE sessions ADD COLUMN follows_room INTEGER NOT NULL DEFAULT 0;
ALTER TABLE sessions ADD COLUMN shares_with_room INTEGER NOT NULL DEFAULT 0;
ALTER TABLE phase_runs ADD COLUMN room_deadline TEXT;
ALTER TABLE commitments ADD COLUMN room_queued_at TEXT;
ALTER TABLE commitments ADD COLUMN room_commitment_id TEXT;
ALTER TABLE commitments ADD COLUMN room_outcome_queued INTEGER NOT NULL DEFAULT 0;
ALTER TABLE room_memberships ADD COLUMN open_link_at_start INTEGER NOT NULL DEFAULT 0;
";

/// History's totals on each ended session (see `totals.rs`), filled in for those that ended
/// before: `NULL` while a session is in progress. The index serves the timeline's cursor
/// (newest first, ties broken by id).
const V5_HISTORY_TOTALS: &str = "
ALTER TABLE sessions ADD COLUMN focus_secs INTEGER;
ALTER TABLE sessions ADD COLUMN pause_secs INTEGER;
ALTER TABLE sessions ADD COLUMN sleep_secs INTEGER;
ALTER TABLE sessions ADD COLUMN interruptions INTEGER;
ALTER TABLE sessions ADD COLUMN commitments_total INTEGER;
ALTER TABLE sessions ADD COLUMN commitments_done INTEGER;
ALTER TABLE sessions ADD COLUMN commitments_partly INTEGER;
ALTER TABLE sessions ADD COLUMN commitments_not_done INTEGER;
DROP INDEX sessions_started;
CREATE INDEX sessions_started ON sessions (started_at, id);
";

fn backfill_totals(tx: &rusqlite::Transaction) -> rusqlite_migration::HookResult {
    super::totals::backfill(tx).map_err(|e| rusqlite_migration::HookError::Hook(e.to_string()))
}

/// Full-text search over the history (see `store/search.rs`): each commitment's text and note
/// and each session's overall note, folded (`wt_fold`, and `wt_fold_alt` for umlauts spelt
/// out), one row each in `history_text`, indexed by the FTS5 table `history_fts` (external
/// content: the folded text is stored once). The folded text holds only word characters and
/// ASCII spaces, so FTS5's `ascii` tokenizer splits it where the query's words are split;
/// `unicode61` would also split at letters newer than its Unicode 6.1 tables. Hits come newest
/// first, never by rank, so FTS5 keeps no column sizes (`columnsize = 0`).
///
/// A row's id is its session's start in Unix seconds × 2^20, plus a number unique within that
/// second: the index hands out matches newest session first, so a search reads only as many as
/// it shows however many match. Texts enter through the view `history_text_add`, whose
/// trigger folds them, leaves out those with nothing to search, and picks the id.
///
/// Triggers keep it in step with every write. The index is derived data: it is dropped first
/// in case an earlier schema had one, and the hook indexes what was written before.
const V6_HISTORY_SEARCH: &str = "
DROP TRIGGER IF EXISTS commitments_search_insert;
DROP TRIGGER IF EXISTS commitments_search_update;
DROP TRIGGER IF EXISTS commitments_search_delete;
DROP TRIGGER IF EXISTS sessions_search_insert;
DROP TRIGGER IF EXISTS sessions_search_note;
DROP TRIGGER IF EXISTS sessions_search_start;
DROP TRIGGER IF EXISTS sessions_search_delete;
DROP VIEW IF EXISTS history_text_add;
DROP TABLE IF EXISTS history_fts;
DROP TABLE IF EXISTS history_text;

CREATE TABLE history_text (
    id            INTEGER PRIMARY KEY,  -- unixepoch(the session's start) * 2^20 + a number unique in that second
    session_id    TEXT NOT NULL,
    commitment_id TEXT,                 -- NULL for the session's note
    field         TEXT NOT NULL CHECK (field IN ('commitment','commitment_note','session_note')),
    body          TEXT NOT NULL,        -- wt_fold(the text)
    body_alt      TEXT NOT NULL         -- wt_fold_alt(the text): its words with umlauts spelt out
);
CREATE INDEX history_text_session ON history_text (session_id);
CREATE INDEX history_text_commitment ON history_text (commitment_id);

CREATE VIRTUAL TABLE history_fts USING fts5 (
    body, body_alt, session_id UNINDEXED, commitment_id UNINDEXED, field UNINDEXED,
    content = 'history_text', content_rowid = 'id', tokenize = 'ascii', columnsize = 0
);
CREATE TRIGGER history_text_insert AFTER INSERT ON history_text BEGIN
    INSERT INTO history_fts (rowid, body, body_alt) VALUES (new.id, new.body, new.body_alt);
END;
CREATE TRIGGER history_text_delete AFTER DELETE ON history_text BEGIN
    INSERT INTO history_fts (history_fts, rowid, body, body_alt) VALUES ('delete', old.id, old.body, old.body_alt);
END;
CREATE TRIGGER history_text_update AFTER UPDATE ON history_text BEGIN
    INSERT INTO history_fts (history_fts, rowid, body, body_alt) VALUES ('delete', old.id, old.body, old.body_alt);
    INSERT INTO history_fts (rowid, body, body_alt) VALUES (new.id, new.body, new.body_alt);
END;

-- INSERT INTO history_text_add (session_id, commitment_id, field, text): one text to index.
CREATE VIEW history_text_add AS SELECT session_id, commitment_id, field, body AS text FROM history_text WHERE 0;
CREATE TRIGGER history_text_add_row INSTEAD OF INSERT ON history_text_add WHEN wt_fold(new.text) <> '' BEGIN
    INSERT INTO history_text (id, session_id, commitment_id, field, body, body_alt)
    SELECT coalesce(
               -- After the second's last id; once that is its end (a million texts), in a gap.
               (SELECT max(id) + 1 FROM history_text WHERE id BETWEEN lo AND lo + 1048575
                HAVING max(id) < lo + 1048575),
               (SELECT a.id + 1 FROM history_text a WHERE a.id BETWEEN lo AND lo + 1048574
                    AND NOT EXISTS (SELECT 1 FROM history_text b WHERE b.id = a.id + 1) LIMIT 1),
               lo),
           new.session_id, new.commitment_id, new.field, wt_fold(new.text), wt_fold_alt(new.text)
    FROM (SELECT coalesce(unixepoch(started_at), 0) * 1048576 AS lo FROM sessions WHERE id = new.session_id);
END;

CREATE TRIGGER commitments_search_insert AFTER INSERT ON commitments BEGIN
    INSERT INTO history_text_add VALUES (new.session_id, new.id, 'commitment', new.text),
                                        (new.session_id, new.id, 'commitment_note', new.note);
END;
CREATE TRIGGER commitments_search_update AFTER UPDATE OF session_id, text, note ON commitments
WHEN old.session_id IS NOT new.session_id OR old.text IS NOT new.text OR old.note IS NOT new.note
BEGIN
    DELETE FROM history_text WHERE commitment_id = old.id;
    INSERT INTO history_text_add VALUES (new.session_id, new.id, 'commitment', new.text),
                                        (new.session_id, new.id, 'commitment_note', new.note);
END;
CREATE TRIGGER commitments_search_delete AFTER DELETE ON commitments BEGIN
    DELETE FROM history_text WHERE commitment_id = old.id;
END;

CREATE TRIGGER sessions_search_insert AFTER INSERT ON sessions BEGIN
    INSERT INTO history_text_add VALUES (new.id, NULL, 'session_note', new.overall_note);
END;
CREATE TRIGGER sessions_search_note AFTER UPDATE OF overall_note ON sessions
WHEN old.overall_note IS NOT new.overall_note
BEGIN
    DELETE FROM history_text WHERE session_id = old.id AND field = 'session_note';
    INSERT INTO history_text_add VALUES (new.id, NULL, 'session_note', new.overall_note);
END;
-- The ids follow the start: a session that moved is indexed again.
CREATE TRIGGER sessions_search_start AFTER UPDATE OF started_at ON sessions
WHEN old.started_at IS NOT new.started_at
BEGIN
    DELETE FROM history_text WHERE session_id = old.id;
    INSERT INTO history_text_add VALUES (new.id, NULL, 'session_note', new.overall_note);
    INSERT INTO history_text_add SELECT session_id, id, 'commitment', text FROM commitments WHERE session_id = new.id;
    INSERT INTO history_text_add SELECT session_id, id, 'commitment_note', note FROM commitments WHERE session_id = new.id;
END;
-- Its commitments go by the foreign key's cascade (and their trigger); this also covers a
-- database opened without foreign keys.
CREATE TRIGGER sessions_search_delete AFTER DELETE ON sessions BEGIN
    DELETE FROM history_text WHERE session_id = old.id;
END;
";

/// V6's hook: the texts written before the index existed. The functions are registered here
/// too, so the migration runs on any connection (`validate` opens its own).
const V6_FILL: &str = "
INSERT INTO history_text_add SELECT id, NULL, 'session_note', overall_note FROM sessions;
INSERT INTO history_text_add SELECT session_id, id, 'commitment', text FROM commitments;
INSERT INTO history_text_add SELECT session_id, id, 'commitment_note', note FROM commitments;
";

/// The weekly review's plan: unfinished commitments the person chose to carry into the next
/// week's first commitment round, from the instant that week begins in their zone (`due_at`).
/// The first session started at or after it takes them in (see `store/review.rs`); a plan
/// goes with its commitment.
const V7_REVIEW_PLAN: &str = "
CREATE TABLE IF NOT EXISTS planned_carries (
    commitment_id TEXT PRIMARY KEY REFERENCES commitments (id) ON DELETE CASCADE,
    due_at        TEXT NOT NULL,
    planned_at    TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS planned_carries_due ON planned_carries (due_at);
";

/// The schedule: work blocks with their rule (JSON, `schedule::Recurrence`), what became of one
/// occurrence (`block_days`: skipped, moved, reminded, snoozed, the session started for it),
/// routines with their checklist, the days a routine was kept, and the link from a commitment (`commitment_routines`)
/// to the routine day it is for. Occurrences themselves are never stored: they are computed
/// from the rules when read.
const V8_SCHEDULE: &str = "
CREATE TABLE IF NOT EXISTS blocks (
    id               TEXT PRIMARY KEY,
    title            TEXT NOT NULL,
    template_id      TEXT REFERENCES templates (id) ON DELETE SET NULL,
    recurrence       TEXT NOT NULL,
    start_minute     INTEGER NOT NULL CHECK (start_minute BETWEEN 0 AND 1439),
    length_minutes   INTEGER NOT NULL CHECK (length_minutes > 0),
    expected_minutes INTEGER,
    remind_minutes   INTEGER,
    created_at       TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS block_days (
    block_id      TEXT NOT NULL REFERENCES blocks (id) ON DELETE CASCADE,
    day           TEXT NOT NULL,            -- YYYY-MM-DD in the person's zone
    skipped       INTEGER NOT NULL DEFAULT 0,
    moved_to      TEXT,
    moved_minutes INTEGER,
    reminded_at   TEXT,
    snoozed_until TEXT,
    session_id    TEXT REFERENCES sessions (id) ON DELETE SET NULL,
    PRIMARY KEY (block_id, day)
);
CREATE TABLE IF NOT EXISTS routines (
    id               TEXT PRIMARY KEY,
    title            TEXT NOT NULL,
    tag              TEXT,
    recurrence       TEXT NOT NULL,
    steps            TEXT NOT NULL,         -- JSON array of texts
    estimate_minutes INTEGER,
    created_at       TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS routine_days (
    routine_id    TEXT NOT NULL REFERENCES routines (id) ON DELETE CASCADE,
    day           TEXT NOT NULL,
    done_at       TEXT NOT NULL,
    commitment_id TEXT REFERENCES commitments (id) ON DELETE SET NULL,
    PRIMARY KEY (routine_id, day)
);
CREATE TABLE IF NOT EXISTS commitment_routines (
    commitment_id TEXT PRIMARY KEY REFERENCES commitments (id) ON DELETE CASCADE,
    routine_id    TEXT NOT NULL REFERENCES routines (id) ON DELETE CASCADE,
    day           TEXT NOT NULL
);
";

fn fill_search_index(tx: &rusqlite::Transaction) -> rusqlite_migration::HookResult {
    super::search::register_functions(tx)?;
    tx.execute_batch(V6_FILL)?;
    Ok(())
}

pub fn migrations() -> Migrations<'static> {
    Migrations::new(vec![
        M::up(V1),
        M::up(V2_ROOMS),
        M::up(V3_INTENTS_AND_SECRETS),
        M::up(V4_ROOM_SESSIONS),
        M::up_with_hook(V5_HISTORY_TOTALS, backfill_totals),
        M::up_with_hook(V6_HISTORY_SEARCH, fill_search_index),
        M::up(V7_REVIEW_PLAN),
        M::up(V8_SCHEDULE),
    ])
}

#[cfg(test)]
mod tests {
    #[test]
    fn migrations_are_valid() {
        super::migrations().validate().expect("every migration applies to an empty database");
    }
}
