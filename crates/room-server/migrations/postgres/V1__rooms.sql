-- The room server's schema on PostgreSQL: the SQLite schema's tables with PostgreSQL's types.
-- Forward-only: never edit a migration that was released, add one.
-- Each room counts its own events (rooms.last_event_id, taken in the write's transaction that
-- holds the room's row), so event ids increase per room across every instance.

CREATE TABLE rooms (
    id               BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    code             TEXT NOT NULL UNIQUE,
    name             TEXT NOT NULL,
    link             TEXT,
    description      TEXT,
    host_id          UUID NOT NULL,
    created_at       TIMESTAMPTZ NOT NULL,
    last_activity_at TIMESTAMPTZ NOT NULL,
    last_event_id    BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX rooms_activity ON rooms (last_activity_at);

-- A room's codes before its host changed them (members may still use them in paths).
CREATE TABLE former_codes (
    code    TEXT PRIMARY KEY,
    room_id BIGINT NOT NULL REFERENCES rooms (id) ON DELETE CASCADE
);
CREATE INDEX former_codes_room ON former_codes (room_id);

-- The codes of deleted rooms, never handed out again.
CREATE TABLE retired_codes (
    code       TEXT PRIMARY KEY,
    retired_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE members (
    id           UUID PRIMARY KEY,
    room_id      BIGINT NOT NULL REFERENCES rooms (id) ON DELETE CASCADE,
    display_name TEXT NOT NULL,
    token_hash   BYTEA NOT NULL,          -- SHA-256 of the token's secret; the token is never stored
    presence     TEXT NOT NULL,
    joined_at    TIMESTAMPTZ NOT NULL,
    left_at      TIMESTAMPTZ              -- kept after leaving: what they did stays readable
);
CREATE INDEX members_room ON members (room_id, joined_at);

CREATE TABLE sessions (
    id            UUID PRIMARY KEY,
    room_id       BIGINT NOT NULL REFERENCES rooms (id) ON DELETE CASCADE,
    template_name TEXT NOT NULL,
    phases        TEXT NOT NULL,          -- JSON array of {kind, durationSecs}
    started_at    TIMESTAMPTZ NOT NULL,
    anchor_index  INTEGER NOT NULL,
    anchor_at     TIMESTAMPTZ NOT NULL,
    paused_at     TIMESTAMPTZ,
    ended_at      TIMESTAMPTZ
);
CREATE INDEX sessions_room ON sessions (room_id, started_at);

CREATE TABLE commitments (
    id              UUID PRIMARY KEY,
    session_id      UUID NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    member_id       UUID NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    text            TEXT NOT NULL,
    outcome         TEXT NOT NULL,
    note            TEXT,
    feedback_wanted BOOLEAN NOT NULL,
    afterwards      BOOLEAN NOT NULL,
    ahead           BOOLEAN NOT NULL,
    created_at      TIMESTAMPTZ NOT NULL
);
CREATE INDEX commitments_session ON commitments (session_id, created_at);

CREATE TABLE kudos (
    commitment_id UUID NOT NULL REFERENCES commitments (id) ON DELETE CASCADE,
    member_id     UUID NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    given_at      TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (commitment_id, member_id)
);

-- Posted ahead of a room's next session; `seq` keeps the order they came.
CREATE TABLE ahead_commitments (
    seq        BIGINT GENERATED ALWAYS AS IDENTITY,
    id         UUID PRIMARY KEY,
    room_id    BIGINT NOT NULL REFERENCES rooms (id) ON DELETE CASCADE,
    member_id  UUID NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    text       TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX ahead_room ON ahead_commitments (room_id, seq);
CREATE INDEX ahead_member ON ahead_commitments (member_id);

-- Asked of the host; `seq` keeps the order they came.
CREATE TABLE questions (
    seq           BIGINT GENERATED ALWAYS AS IDENTITY,
    id            UUID PRIMARY KEY,
    session_id    UUID NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    commitment_id UUID NOT NULL REFERENCES commitments (id) ON DELETE CASCADE,
    member_id     UUID NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    text          TEXT NOT NULL,
    asked_at      TIMESTAMPTZ NOT NULL,
    answered_at   TIMESTAMPTZ
);
CREATE INDEX questions_session ON questions (session_id, seq);

CREATE TABLE schedule_entries (
    id               UUID PRIMARY KEY,
    room_id          BIGINT NOT NULL REFERENCES rooms (id) ON DELETE CASCADE,
    position         INTEGER NOT NULL,
    title            TEXT NOT NULL,
    starts_at        TIMESTAMP NOT NULL,  -- local wall-clock time in time_zone
    time_zone        TEXT NOT NULL,
    duration_minutes INTEGER NOT NULL,
    rrule            TEXT
);
CREATE INDEX schedule_room ON schedule_entries (room_id, position);

-- Stored, not only broadcast: a stream resumed with Last-Event-ID reads what it missed here.
CREATE TABLE events (
    room_id BIGINT NOT NULL REFERENCES rooms (id) ON DELETE CASCADE,
    id      BIGINT NOT NULL,
    body    TEXT NOT NULL,                -- the RoomEvent as JSON
    PRIMARY KEY (room_id, id)
);

-- Answers to writes made with an idempotency key, sealed with that key (see secrets::seal).
CREATE TABLE idempotency (
    key_hash    BYTEA PRIMARY KEY,
    fingerprint BYTEA NOT NULL,
    response    BYTEA NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX idempotency_age ON idempotency (created_at);
