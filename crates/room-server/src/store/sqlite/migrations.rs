//! The room server's schema, as forward-only migrations (version in `PRAGMA user_version`,
//! each in one transaction). Never edit a released migration: add one.

use rusqlite_migration::{M, Migrations};

/// Times are RFC 3339 UTC text with milliseconds, so they sort as text.
const V1: &str = "
CREATE TABLE rooms (
    id               INTEGER PRIMARY KEY,
    code             TEXT NOT NULL UNIQUE,
    name             TEXT NOT NULL,
    link             TEXT,
    description      TEXT,
    host_id          TEXT NOT NULL,
    created_at       TEXT NOT NULL,
    last_activity_at TEXT NOT NULL
);
CREATE INDEX rooms_activity ON rooms (last_activity_at);

CREATE TABLE members (
    id           TEXT PRIMARY KEY,
    room_id      INTEGER NOT NULL REFERENCES rooms (id) ON DELETE CASCADE,
    display_name TEXT NOT NULL,
    token_hash   BLOB NOT NULL,          -- SHA-256 of the token's secret; the token itself is never stored
    presence     TEXT NOT NULL,
    joined_at    TEXT NOT NULL,
    left_at      TEXT                    -- kept after leaving: what they did stays readable
);
CREATE INDEX members_room ON members (room_id, joined_at);

CREATE TABLE sessions (
    id            TEXT PRIMARY KEY,
    room_id       INTEGER NOT NULL REFERENCES rooms (id) ON DELETE CASCADE,
    template_name TEXT NOT NULL,
    phases        TEXT NOT NULL,         -- JSON array of {kind, durationSecs}
    started_at    TEXT NOT NULL,
    anchor_index  INTEGER NOT NULL,
    anchor_at     TEXT NOT NULL,
    paused_at     TEXT,
    ended_at      TEXT
);
CREATE INDEX sessions_room ON sessions (room_id, started_at);

CREATE TABLE commitments (
    id              TEXT PRIMARY KEY,
    session_id      TEXT NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    member_id       TEXT NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    text            TEXT NOT NULL,
    outcome         TEXT NOT NULL DEFAULT 'pending',
    note            TEXT,
    feedback_wanted INTEGER NOT NULL DEFAULT 0,
    afterwards      INTEGER NOT NULL,
    created_at      TEXT NOT NULL
);
CREATE INDEX commitments_session ON commitments (session_id, created_at);

CREATE TABLE kudos (
    commitment_id TEXT NOT NULL REFERENCES commitments (id) ON DELETE CASCADE,
    member_id     TEXT NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    given_at      TEXT NOT NULL,
    PRIMARY KEY (commitment_id, member_id)
);

CREATE TABLE schedule_entries (
    id               TEXT PRIMARY KEY,
    room_id          INTEGER NOT NULL REFERENCES rooms (id) ON DELETE CASCADE,
    position         INTEGER NOT NULL,
    title            TEXT NOT NULL,
    starts_at        TEXT NOT NULL,      -- local wall-clock time in time_zone
    time_zone        TEXT NOT NULL,
    duration_minutes INTEGER NOT NULL,
    rrule            TEXT
);
CREATE INDEX schedule_room ON schedule_entries (room_id, position);

-- Stored, not only broadcast: a stream resumed with Last-Event-ID reads what it missed here.
CREATE TABLE events (
    id      INTEGER PRIMARY KEY AUTOINCREMENT,
    room_id INTEGER NOT NULL REFERENCES rooms (id) ON DELETE CASCADE,
    body    TEXT NOT NULL                -- the RoomEvent as JSON
);
CREATE INDEX events_room ON events (room_id, id);

-- Answers to writes made with an idempotency key, sealed with that key (see secrets::seal).
CREATE TABLE idempotency (
    key_hash    BLOB PRIMARY KEY,
    fingerprint BLOB NOT NULL,
    response    BLOB NOT NULL,
    created_at  TEXT NOT NULL
);
CREATE INDEX idempotency_age ON idempotency (created_at);
";

/// A room's former codes, after its host changed the code: members with a token may still
/// use them in paths; joining needs the current code. Never handed out again.
const V2: &str = "
CREATE TABLE former_codes (
    code    TEXT PRIMARY KEY,
    room_id INTEGER NOT NULL REFERENCES rooms (id) ON DELETE CASCADE
);
CREATE INDEX former_codes_room ON former_codes (room_id);
";

/// Questions members ask the host about their own commitments during a shared session.
/// Listed in rowid order: the order they came, under the write lock.
const V3: &str = "
CREATE TABLE questions (
    id            TEXT PRIMARY KEY,
    session_id    TEXT NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    commitment_id TEXT NOT NULL REFERENCES commitments (id) ON DELETE CASCADE,
    member_id     TEXT NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    text          TEXT NOT NULL,
    asked_at      TEXT NOT NULL,
    answered_at   TEXT
);
CREATE INDEX questions_session ON questions (session_id, member_id);
";

/// The codes of deleted rooms (their current and former codes). A deleted room's rows go,
/// `former_codes` with them, but its codes are never handed out again: an old invite link
/// must not lead into a stranger's room.
const V4: &str = "
CREATE TABLE retired_codes (
    code       TEXT PRIMARY KEY,
    retired_at TEXT NOT NULL
);
";

/// Commitments posted ahead of a room's next session, by members who cannot come. A table
/// of their own rather than `commitments` rows without a session: `commitments.session_id`
/// is NOT NULL (SQLite would rebuild the table to change that), and every reader of a
/// session's commitments would have to leave them out. Starting a session moves them into
/// `commitments` with `ahead = 1`, keeping id and `created_at`. Listed in rowid order, the
/// order they came (as questions: `created_at` could tie or, with a clock set back, run
/// backwards); `ahead_member` serves the per-member limit and deleting them when the member
/// leaves.
const V5: &str = "
ALTER TABLE commitments ADD COLUMN ahead INTEGER NOT NULL DEFAULT 0;

CREATE TABLE ahead_commitments (
    id         TEXT PRIMARY KEY,
    room_id    INTEGER NOT NULL REFERENCES rooms (id) ON DELETE CASCADE,
    member_id  TEXT NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    text       TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX ahead_room ON ahead_commitments (room_id);
CREATE INDEX ahead_member ON ahead_commitments (member_id);
";

pub fn migrations() -> Migrations<'static> {
    Migrations::new(vec![M::up(V1), M::up(V2), M::up(V3), M::up(V4), M::up(V5)])
}

#[cfg(test)]
mod tests {
    #[test]
    fn migrations_are_valid() {
        super::migrations().validate().expect("every migration applies to an empty database");
    }

    #[test]
    fn commitments_stored_before_v5_were_not_posted_ahead() {
        let mut conn = rusqlite::Connection::open_in_memory().unwrap();
        let migrations = super::migrations();
        migrations.to_version(&mut conn, 4).unwrap();
        conn.execute_batch(
            "INSERT INTO rooms (id, code, name, host_id, created_at, last_activity_at) VALUES (1, 'AAAAA-AAAAA', 'R', 'm', 't', 't');
             INSERT INTO members (id, room_id, display_name, token_hash, presence, joined_at) VALUES ('m', 1, 'Ada', x'00', 'planning', 't');
             INSERT INTO sessions (id, room_id, template_name, phases, started_at, anchor_index, anchor_at) VALUES ('s', 1, 'T', '[]', 't', 0, 't');
             INSERT INTO commitments (id, session_id, member_id, text, afterwards, created_at) VALUES ('c', 's', 'm', 'Invoices', 1, 't');",
        )
        .unwrap();
        migrations.to_latest(&mut conn).unwrap();
        let ahead: bool = conn.query_row("SELECT ahead FROM commitments WHERE id = 'c'", [], |r| r.get(0)).unwrap();
        assert!(!ahead);
    }
}
