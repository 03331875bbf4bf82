//! The store on PostgreSQL, for several instances behind one address. A write holds its
//! room's row (`SELECT … FOR UPDATE`), so the rules' checks hold at commit and each room's
//! events are numbered (`rooms.last_event_id`) and committed in order, whichever instance
//! writes. At commit the transaction says which events it added (`NOTIFY`, delivered in commit
//! order, with the events when they fit); every instance listens and hands them to its own
//! streams ([`fanout`]).

mod fanout;

use super::{Credentials, QuestionCounts, Repository, StoredAnswer, Tx, enum_text, parse_enum};
use crate::error::{AppError, Result};
use crate::hub::Hub;
use async_trait::async_trait;
use chrono::{DateTime, NaiveDateTime, Utc};
use deadpool_postgres::{Manager, ManagerConfig, Object, Pool, RecyclingMethod, Runtime};
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;
use tokio_postgres::types::ToSql;
use tokio_postgres::{NoTls, Row};
use uuid::Uuid;
use worktogether_room_protocol::{
    AheadCommitment, Member, Presence, Question, Room, RoomChange, RoomCommitment, RoomEvent, ScheduleEntry,
    SharedSession,
};

/// The channel on which writes announce their events.
const CHANNEL: &str = "room_events";
/// Connections per instance: writes hold one for a transaction of a few statements.
const POOL_SIZE: usize = 16;
/// How long a request waits for a connection, or for a new one to open.
const CONNECT_WAIT: Duration = Duration::from_secs(5);
/// Instances starting together take turns at the migrations (an advisory lock's key: "wtroomdb").
const MIGRATION_LOCK: i64 = i64::from_be_bytes(*b"wtroomdb");

mod embedded {
    refinery::embed_migrations!("migrations/postgres");
}

pub struct PgStore {
    pool: Pool,
}

impl PgStore {
    /// Connects to `url`, brings the schema to the latest version (instances starting together
    /// take turns), and starts handing the events every instance writes to this instance's
    /// streams.
    pub async fn open(url: &str, hub: Arc<Hub>) -> Result<Self> {
        let mut config: tokio_postgres::Config =
            url.parse().map_err(|e| AppError::StoreBroken(format!("not a PostgreSQL URL: {e}")))?;
        guard(&mut config);
        let manager =
            Manager::from_config(config.clone(), NoTls, ManagerConfig { recycling_method: RecyclingMethod::Fast });
        let pool = Pool::builder(manager)
            .max_size(POOL_SIZE)
            .runtime(Runtime::Tokio1)
            .wait_timeout(Some(CONNECT_WAIT))
            .create_timeout(Some(CONNECT_WAIT))
            .build()
            .map_err(|e| AppError::StoreBroken(format!("cannot set up the PostgreSQL pool: {e}")))?;
        migrate(&pool)
            .await
            .map_err(|e| AppError::StoreBroken(format!("cannot bring the PostgreSQL schema up to date: {e}")))?;
        tokio::spawn(fanout::run(config, pool.clone(), hub));
        Ok(Self { pool })
    }

    async fn begin(&self, mode: &str) -> Result<Box<dyn Tx>> {
        let client = self.pool.get().await.map_err(pool_error)?;
        client.batch_execute(mode).await?;
        Ok(Box::new(PgTx { client: Some(client), added: BTreeMap::new(), deleted: BTreeMap::new() }))
    }
}

/// What every connection gets, whatever the URL says: a connection that died silently (a
/// network cut) is noticed within half a minute, so the listener connects again and resyncs;
/// a write waits at most 10 s for a room another instance holds, and a transaction left idle
/// by a frozen instance ends after a minute, so one stuck instance cannot stall the others.
fn guard(config: &mut tokio_postgres::Config) {
    config
        .keepalives(true)
        .keepalives_idle(Duration::from_secs(10))
        .keepalives_interval(Duration::from_secs(5))
        .keepalives_retries(3);
    let options = config.get_options().unwrap_or_default().to_owned();
    config.options(format!("{options} -c lock_timeout=10s -c idle_in_transaction_session_timeout=60s").trim());
}

/// Applies the migrations not yet applied, one instance at a time.
async fn migrate(pool: &Pool) -> std::result::Result<(), Box<dyn std::error::Error + Send + Sync>> {
    let mut client = pool.get().await?;
    client.execute("SELECT pg_advisory_lock($1)", &[&MIGRATION_LOCK]).await?;
    let applied = embedded::migrations::runner().run_async(&mut **client).await;
    client.execute("SELECT pg_advisory_unlock($1)", &[&MIGRATION_LOCK]).await?;
    applied?;
    Ok(())
}

fn pool_error(e: deadpool_postgres::PoolError) -> AppError {
    AppError::Storage(Box::new(e))
}

#[async_trait]
impl Repository for PgStore {
    async fn write(&self) -> Result<Box<dyn Tx>> {
        self.begin("BEGIN ISOLATION LEVEL READ COMMITTED").await
    }

    async fn read(&self) -> Result<Box<dyn Tx>> {
        self.begin("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY").await
    }
}

/// A transaction on one pooled connection; dropped before commit, it rolls back.
struct PgTx {
    /// Taken when the transaction ends.
    client: Option<Object>,
    /// Per room, the events this transaction added, in id order (consecutive).
    added: BTreeMap<i64, Vec<RoomEvent>>,
    /// Rooms deleted, with the events added to them before (gone from the table with them).
    deleted: BTreeMap<i64, Vec<RoomEvent>>,
}

type Params<'a> = &'a [&'a (dyn ToSql + Sync)];

impl PgTx {
    fn client(&self) -> &Object {
        self.client.as_ref().expect("a transaction in progress")
    }

    async fn rows(&self, sql: &str, params: Params<'_>) -> Result<Vec<Row>> {
        let client = self.client();
        let statement = client.prepare_cached(sql).await?;
        Ok(client.query(&statement, params).await?)
    }

    async fn opt(&self, sql: &str, params: Params<'_>) -> Result<Option<Row>> {
        let client = self.client();
        let statement = client.prepare_cached(sql).await?;
        Ok(client.query_opt(&statement, params).await?)
    }

    async fn one(&self, sql: &str, params: Params<'_>) -> Result<Row> {
        let client = self.client();
        let statement = client.prepare_cached(sql).await?;
        Ok(client.query_one(&statement, params).await?)
    }

    async fn exec(&self, sql: &str, params: Params<'_>) -> Result<u64> {
        let client = self.client();
        let statement = client.prepare_cached(sql).await?;
        Ok(client.execute(&statement, params).await?)
    }
}

impl Drop for PgTx {
    fn drop(&mut self) {
        let Some(client) = self.client.take() else { return };
        // Back to the pool only once rolled back; a connection that cannot is closed instead.
        match tokio::runtime::Handle::try_current() {
            Ok(rt) => {
                rt.spawn(async move {
                    if client.batch_execute("ROLLBACK").await.is_err() {
                        drop(Object::take(client));
                    }
                });
            }
            Err(_) => drop(Object::take(client)),
        }
    }
}

impl From<tokio_postgres::Error> for AppError {
    fn from(e: tokio_postgres::Error) -> Self {
        Self::Storage(Box::new(e))
    }
}

/// Counts are `bigint`s in PostgreSQL, which has no unsigned types.
fn count(n: i64) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

fn broken(e: impl std::fmt::Display) -> AppError {
    AppError::StoreBroken(format!("a stored value is unreadable: {e}"))
}

fn room_row(r: &Row) -> Result<Room> {
    Ok(Room {
        code: r.try_get("code")?,
        name: r.try_get("name")?,
        link: r.try_get("link")?,
        description: r.try_get("description")?,
        host_id: r.try_get("host_id")?,
        created_at: r.try_get("created_at")?,
    })
}

fn member_row(r: &Row) -> Result<Member> {
    Ok(Member {
        id: r.try_get("id")?,
        display_name: r.try_get("display_name")?,
        presence: parse_enum(r.try_get("presence")?).map_err(broken)?,
        joined_at: r.try_get("joined_at")?,
    })
}

fn session_row(r: &Row) -> Result<SharedSession> {
    Ok(SharedSession {
        id: r.try_get("id")?,
        template_name: r.try_get("template_name")?,
        phases: serde_json::from_str(r.try_get("phases")?).map_err(broken)?,
        started_at: r.try_get("started_at")?,
        anchor_index: u32::try_from(r.try_get::<_, i32>("anchor_index")?).map_err(broken)?,
        anchor_at: r.try_get("anchor_at")?,
        paused_at: r.try_get("paused_at")?,
        ended_at: r.try_get("ended_at")?,
    })
}

fn commitment_row(r: &Row) -> Result<RoomCommitment> {
    Ok(RoomCommitment {
        id: r.try_get("id")?,
        session_id: r.try_get("session_id")?,
        member_id: r.try_get("member_id")?,
        text: r.try_get("text")?,
        outcome: parse_enum(r.try_get("outcome")?).map_err(broken)?,
        note: r.try_get("note")?,
        feedback_wanted: r.try_get("feedback_wanted")?,
        kudos: r.try_get("kudos")?,
        created_at: r.try_get("created_at")?,
        afterwards: r.try_get("afterwards")?,
        ahead: r.try_get("ahead")?,
    })
}

fn question_row(r: &Row) -> Result<Question> {
    Ok(Question {
        id: r.try_get("id")?,
        session_id: r.try_get("session_id")?,
        member_id: r.try_get("member_id")?,
        commitment_id: r.try_get("commitment_id")?,
        text: r.try_get("text")?,
        asked_at: r.try_get("asked_at")?,
        answered_at: r.try_get("answered_at")?,
    })
}

fn ahead_row(r: &Row) -> Result<AheadCommitment> {
    Ok(AheadCommitment {
        id: r.try_get("id")?,
        member_id: r.try_get("member_id")?,
        text: r.try_get("text")?,
        created_at: r.try_get("created_at")?,
    })
}

fn schedule_row(r: &Row) -> Result<ScheduleEntry> {
    Ok(ScheduleEntry {
        id: r.try_get("id")?,
        title: r.try_get("title")?,
        starts_at: r.try_get::<_, NaiveDateTime>("starts_at")?,
        time_zone: r.try_get("time_zone")?,
        duration_minutes: u32::try_from(r.try_get::<_, i32>("duration_minutes")?).map_err(broken)?,
        rrule: r.try_get("rrule")?,
    })
}

fn event_row(r: &Row) -> Result<RoomEvent> {
    serde_json::from_str(r.try_get("body")?).map_err(|e| AppError::StoreBroken(format!("event unreadable: {e}")))
}

fn all<T>(rows: &[Row], row: fn(&Row) -> Result<T>) -> Result<Vec<T>> {
    rows.iter().map(row).collect()
}

/// An id the protocol counts with `u64` or `u32`, as PostgreSQL's `bigint`/`integer`.
fn big(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

fn int(n: impl TryInto<i32>) -> i32 {
    n.try_into().unwrap_or(i32::MAX)
}

const SESSION_COLUMNS: &str = "id, template_name, phases, started_at, anchor_index, anchor_at, paused_at, ended_at";
/// A commitment with its kudos, oldest first.
const COMMITMENT_SELECT: &str = "SELECT c.id, c.session_id, c.member_id, c.text, c.outcome, c.note, c.feedback_wanted,
        c.created_at, c.afterwards, c.ahead,
        ARRAY(SELECT k.member_id FROM kudos k WHERE k.commitment_id = c.id ORDER BY k.given_at, k.member_id) AS kudos
    FROM commitments c";
const QUESTION_COLUMNS: &str = "q.id, q.session_id, q.member_id, q.commitment_id, q.text, q.asked_at, q.answered_at";
const MEMBER_COLUMNS: &str = "id, display_name, presence, joined_at";

#[async_trait]
impl Tx for PgTx {
    async fn hold_room(&mut self, room: i64) -> Result<bool> {
        Ok(self.exec("SELECT 1 FROM rooms WHERE id = $1 FOR UPDATE", &[&room]).await? > 0)
    }

    async fn hold_answer(&mut self, key_hash: &[u8; 32]) -> Result<()> {
        let key = i64::from_be_bytes(key_hash[..8].try_into().expect("8 bytes"));
        self.exec("SELECT pg_advisory_xact_lock($1)", &[&key]).await?;
        Ok(())
    }

    async fn commit(mut self: Box<Self>) -> Result<()> {
        // Sent with the commit and delivered in commit order, with the events themselves when
        // they fit in NOTIFY's 8,000 bytes (otherwise listeners read them: see `fanout`).
        let mut notices: Vec<fanout::Notice> = std::mem::take(&mut self.added)
            .into_iter()
            .map(|(room, events)| fanout::Notice::Added {
                room,
                first: events.first().map_or(0, |e| e.id),
                last: events.last().map_or(0, |e| e.id),
                events,
            })
            .collect();
        notices.extend(
            std::mem::take(&mut self.deleted)
                .into_iter()
                .map(|(room, events)| fanout::Notice::Deleted { room, events }),
        );
        for notice in notices {
            self.exec("SELECT pg_notify($1, $2)", &[&CHANNEL, &notice.payload()]).await?;
        }
        let client = self.client.take().expect("a transaction in progress");
        if let Err(e) = client.batch_execute("COMMIT").await {
            // Whether it committed is unknown: the connection is not reused.
            drop(Object::take(client));
            return Err(e.into());
        }
        Ok(())
    }

    async fn code_taken(&mut self, code: &str) -> Result<bool> {
        let r = self
            .one(
                "SELECT EXISTS (SELECT 1 FROM rooms WHERE code = $1) OR EXISTS (SELECT 1 FROM former_codes WHERE code = $1)
                 OR EXISTS (SELECT 1 FROM retired_codes WHERE code = $1)",
                &[&code],
            )
            .await?;
        Ok(r.try_get(0)?)
    }

    async fn insert_room(&mut self, room: &Room) -> Result<i64> {
        let r = self
            .one(
                "INSERT INTO rooms (code, name, link, description, host_id, created_at, last_activity_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING id",
                &[&room.code, &room.name, &room.link, &room.description, &room.host_id, &room.created_at],
            )
            .await?;
        Ok(r.try_get(0)?)
    }

    async fn room(&mut self, room: i64) -> Result<Room> {
        room_row(
            &self
                .one("SELECT code, name, link, description, host_id, created_at FROM rooms WHERE id = $1", &[&room])
                .await?,
        )
    }

    async fn room_by_code(&mut self, code: &str) -> Result<Option<i64>> {
        let r = self.opt("SELECT id FROM rooms WHERE code = $1", &[&code]).await?;
        Ok(r.map(|r| r.try_get(0)).transpose()?)
    }

    async fn is_former_code(&mut self, room: i64, code: &str) -> Result<bool> {
        let r = self
            .one("SELECT EXISTS (SELECT 1 FROM former_codes WHERE code = $1 AND room_id = $2)", &[&code, &room])
            .await?;
        Ok(r.try_get(0)?)
    }

    async fn update_room(&mut self, room: i64, value: &Room) -> Result<()> {
        self.exec(
            "INSERT INTO former_codes (code, room_id) SELECT code, id FROM rooms WHERE id = $1 AND code <> $2",
            &[&room, &value.code],
        )
        .await?;
        self.exec(
            "UPDATE rooms SET code = $2, name = $3, link = $4, description = $5, host_id = $6 WHERE id = $1",
            &[&room, &value.code, &value.name, &value.link, &value.description, &value.host_id],
        )
        .await?;
        Ok(())
    }

    async fn delete_room(&mut self, room: i64, now: DateTime<Utc>) -> Result<()> {
        self.delete_rooms(&[room], now).await?;
        let events = self.added.remove(&room).unwrap_or_default();
        self.deleted.insert(room, events);
        Ok(())
    }

    async fn delete_inactive_rooms(&mut self, before: DateTime<Utc>, now: DateTime<Utc>) -> Result<Vec<i64>> {
        // A room being written to is active: skipped.
        let rows = self
            .rows("SELECT id FROM rooms WHERE last_activity_at < $1 ORDER BY id FOR UPDATE SKIP LOCKED", &[&before])
            .await?;
        let rooms = rows.iter().map(|r| r.try_get(0)).collect::<std::result::Result<Vec<i64>, _>>()?;
        self.delete_rooms(&rooms, now).await?;
        for &room in &rooms {
            self.deleted.insert(room, Vec::new());
        }
        Ok(rooms)
    }

    async fn credentials(&mut self, member: Uuid) -> Result<Option<Credentials>> {
        let row = self
            .opt(
                "SELECT m.token_hash, r.id, r.code, r.host_id FROM members m JOIN rooms r ON r.id = m.room_id
                 WHERE m.id = $1 AND m.left_at IS NULL",
                &[&member],
            )
            .await?;
        let Some(r) = row else { return Ok(None) };
        Ok(Some(Credentials {
            member_id: member,
            token_hash: r.try_get(0)?,
            room_id: r.try_get(1)?,
            room_code: r.try_get(2)?,
            host_id: r.try_get(3)?,
        }))
    }

    async fn insert_member(&mut self, room: i64, member: &Member, token_hash: &[u8]) -> Result<()> {
        self.exec(
            "INSERT INTO members (id, room_id, display_name, token_hash, presence, joined_at) VALUES ($1, $2, $3, $4, $5, $6)",
            &[&member.id, &room, &member.display_name, &token_hash, &enum_text(&member.presence), &member.joined_at],
        )
        .await?;
        Ok(())
    }

    async fn member(&mut self, member: Uuid) -> Result<Option<Member>> {
        let sql = format!("SELECT {MEMBER_COLUMNS} FROM members WHERE id = $1");
        self.opt(&sql, &[&member]).await?.as_ref().map(member_row).transpose()
    }

    async fn room_of_member(&mut self, member: Uuid) -> Result<Option<i64>> {
        let r = self.opt("SELECT room_id FROM members WHERE id = $1", &[&member]).await?;
        Ok(r.map(|r| r.try_get(0)).transpose()?)
    }

    async fn is_member_of(&mut self, room: i64, member: Uuid) -> Result<bool> {
        let r = self
            .one(
                "SELECT EXISTS (SELECT 1 FROM members WHERE id = $1 AND room_id = $2 AND left_at IS NULL)",
                &[&member, &room],
            )
            .await?;
        Ok(r.try_get(0)?)
    }

    async fn members(&mut self, room: i64) -> Result<Vec<Member>> {
        let sql = format!(
            "SELECT {MEMBER_COLUMNS} FROM members WHERE room_id = $1 AND left_at IS NULL ORDER BY joined_at, id"
        );
        all(&self.rows(&sql, &[&room]).await?, member_row)
    }

    async fn set_presence(&mut self, member: Uuid, presence: Presence) -> Result<()> {
        self.exec("UPDATE members SET presence = $1 WHERE id = $2", &[&enum_text(&presence), &member]).await?;
        Ok(())
    }

    async fn end_membership(&mut self, member: Uuid, at: DateTime<Utc>) -> Result<()> {
        self.exec("UPDATE members SET left_at = $1 WHERE id = $2", &[&at, &member]).await?;
        Ok(())
    }

    async fn latest_session(&mut self, room: i64) -> Result<Option<SharedSession>> {
        let sql = format!(
            "SELECT {SESSION_COLUMNS} FROM sessions WHERE room_id = $1 ORDER BY started_at DESC, id DESC LIMIT 1"
        );
        self.opt(&sql, &[&room]).await?.as_ref().map(session_row).transpose()
    }

    async fn session(&mut self, room: i64, session: Uuid) -> Result<Option<SharedSession>> {
        let sql = format!("SELECT {SESSION_COLUMNS} FROM sessions WHERE id = $1 AND room_id = $2");
        self.opt(&sql, &[&session, &room]).await?.as_ref().map(session_row).transpose()
    }

    async fn sessions(&mut self, room: i64, limit: u32) -> Result<Vec<SharedSession>> {
        let sql =
            format!("SELECT {SESSION_COLUMNS} FROM sessions WHERE room_id = $1 ORDER BY started_at DESC LIMIT $2");
        all(&self.rows(&sql, &[&room, &i64::from(limit)]).await?, session_row)
    }

    async fn save_session(&mut self, room: i64, s: &SharedSession) -> Result<()> {
        let phases = serde_json::to_string(&s.phases).expect("phases serialize");
        self.exec(
            "INSERT INTO sessions (id, room_id, template_name, phases, started_at, anchor_index, anchor_at, paused_at, ended_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
             ON CONFLICT (id) DO UPDATE SET anchor_index = excluded.anchor_index, anchor_at = excluded.anchor_at,
                 paused_at = excluded.paused_at, ended_at = excluded.ended_at",
            &[
                &s.id,
                &room,
                &s.template_name,
                &phases,
                &s.started_at,
                &int(s.anchor_index),
                &s.anchor_at,
                &s.paused_at,
                &s.ended_at,
            ],
        )
        .await?;
        Ok(())
    }

    async fn commitment(&mut self, room: i64, commitment: Uuid) -> Result<Option<RoomCommitment>> {
        let sql =
            format!("{COMMITMENT_SELECT} JOIN sessions s ON s.id = c.session_id WHERE c.id = $1 AND s.room_id = $2");
        self.opt(&sql, &[&commitment, &room]).await?.as_ref().map(commitment_row).transpose()
    }

    async fn commitments(&mut self, session: Uuid) -> Result<Vec<RoomCommitment>> {
        let sql = format!("{COMMITMENT_SELECT} WHERE c.session_id = $1 ORDER BY c.created_at, c.id");
        all(&self.rows(&sql, &[&session]).await?, commitment_row)
    }

    async fn count_commitments(&mut self, session: Uuid, member: Uuid) -> Result<u32> {
        let r = self
            .one("SELECT COUNT(*) FROM commitments WHERE session_id = $1 AND member_id = $2", &[&session, &member])
            .await?;
        Ok(count(r.try_get(0)?))
    }

    async fn save_commitment(&mut self, c: &RoomCommitment) -> Result<()> {
        self.exec(
            "INSERT INTO commitments (id, session_id, member_id, text, outcome, note, feedback_wanted, afterwards, ahead, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
             ON CONFLICT (id) DO UPDATE SET outcome = excluded.outcome, note = excluded.note,
                 feedback_wanted = excluded.feedback_wanted",
            &[
                &c.id,
                &c.session_id,
                &c.member_id,
                &c.text,
                &enum_text(&c.outcome),
                &c.note,
                &c.feedback_wanted,
                &c.afterwards,
                &c.ahead,
                &c.created_at,
            ],
        )
        .await?;
        Ok(())
    }

    async fn add_kudos(&mut self, commitment: Uuid, member: Uuid, at: DateTime<Utc>) -> Result<bool> {
        let added = self
            .exec(
                "INSERT INTO kudos (commitment_id, member_id, given_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
                &[&commitment, &member, &at],
            )
            .await?;
        Ok(added > 0)
    }

    async fn ahead(&mut self, room: i64) -> Result<Vec<AheadCommitment>> {
        let rows = self
            .rows(
                "SELECT id, member_id, text, created_at FROM ahead_commitments WHERE room_id = $1 ORDER BY seq",
                &[&room],
            )
            .await?;
        all(&rows, ahead_row)
    }

    async fn count_ahead(&mut self, member: Uuid) -> Result<u32> {
        let r = self.one("SELECT COUNT(*) FROM ahead_commitments WHERE member_id = $1", &[&member]).await?;
        Ok(count(r.try_get(0)?))
    }

    async fn insert_ahead(&mut self, room: i64, c: &AheadCommitment) -> Result<()> {
        self.exec(
            "INSERT INTO ahead_commitments (id, room_id, member_id, text, created_at) VALUES ($1, $2, $3, $4, $5)",
            &[&c.id, &room, &c.member_id, &c.text, &c.created_at],
        )
        .await?;
        Ok(())
    }

    async fn delete_ahead_of_member(&mut self, member: Uuid) -> Result<()> {
        self.exec("DELETE FROM ahead_commitments WHERE member_id = $1", &[&member]).await?;
        Ok(())
    }

    async fn delete_ahead_of_room(&mut self, room: i64) -> Result<()> {
        self.exec("DELETE FROM ahead_commitments WHERE room_id = $1", &[&room]).await?;
        Ok(())
    }

    async fn count_questions(&mut self, session: Uuid, member: Uuid) -> Result<QuestionCounts> {
        let r = self
            .one(
                "SELECT COUNT(*), COUNT(*) FILTER (WHERE answered_at IS NULL),
                        COUNT(*) FILTER (WHERE answered_at IS NULL AND member_id = $2)
                 FROM questions WHERE session_id = $1",
                &[&session, &member],
            )
            .await?;
        Ok(QuestionCounts {
            all: count(r.try_get(0)?),
            open: count(r.try_get(1)?),
            open_of_member: count(r.try_get(2)?),
        })
    }

    async fn question(&mut self, room: i64, question: Uuid) -> Result<Option<Question>> {
        let sql = format!(
            "SELECT {QUESTION_COLUMNS} FROM questions q JOIN sessions s ON s.id = q.session_id
             WHERE q.id = $1 AND s.room_id = $2"
        );
        self.opt(&sql, &[&question, &room]).await?.as_ref().map(question_row).transpose()
    }

    async fn questions(&mut self, session: Uuid) -> Result<Vec<Question>> {
        let sql = format!("SELECT {QUESTION_COLUMNS} FROM questions q WHERE q.session_id = $1 ORDER BY q.seq");
        all(&self.rows(&sql, &[&session]).await?, question_row)
    }

    async fn insert_question(&mut self, q: &Question) -> Result<()> {
        self.exec(
            "INSERT INTO questions (id, session_id, commitment_id, member_id, text, asked_at, answered_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
            &[&q.id, &q.session_id, &q.commitment_id, &q.member_id, &q.text, &q.asked_at, &q.answered_at],
        )
        .await?;
        Ok(())
    }

    async fn mark_answered(&mut self, question: Uuid, at: DateTime<Utc>) -> Result<bool> {
        let marked = self
            .exec("UPDATE questions SET answered_at = $1 WHERE id = $2 AND answered_at IS NULL", &[&at, &question])
            .await?;
        Ok(marked > 0)
    }

    async fn schedule(&mut self, room: i64) -> Result<Vec<ScheduleEntry>> {
        let rows = self
            .rows(
                "SELECT id, title, starts_at, time_zone, duration_minutes, rrule FROM schedule_entries
                 WHERE room_id = $1 ORDER BY position",
                &[&room],
            )
            .await?;
        all(&rows, schedule_row)
    }

    async fn replace_schedule(&mut self, room: i64, entries: &[ScheduleEntry]) -> Result<()> {
        self.exec("DELETE FROM schedule_entries WHERE room_id = $1", &[&room]).await?;
        for (position, e) in entries.iter().enumerate() {
            self.exec(
                "INSERT INTO schedule_entries (id, room_id, position, title, starts_at, time_zone, duration_minutes, rrule)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                &[
                    &e.id,
                    &room,
                    &int(position),
                    &e.title,
                    &e.starts_at,
                    &e.time_zone,
                    &int(e.duration_minutes),
                    &e.rrule,
                ],
            )
            .await?;
        }
        Ok(())
    }

    async fn append_event(&mut self, room: i64, at: DateTime<Utc>, change: RoomChange) -> Result<RoomEvent> {
        // The room's row is held by this transaction, so ids are taken and committed in order.
        let r = self
            .one(
                "UPDATE rooms SET last_event_id = last_event_id + 1, last_activity_at = $2 WHERE id = $1
                 RETURNING last_event_id",
                &[&room, &at],
            )
            .await?;
        let id: i64 = r.try_get(0)?;
        let event = RoomEvent { id: id as u64, at, change };
        let body = serde_json::to_string(&event).expect("events serialize");
        self.exec("INSERT INTO events (room_id, id, body) VALUES ($1, $2, $3)", &[&room, &id, &body]).await?;
        self.added.entry(room).or_default().push(event.clone());
        Ok(event)
    }

    async fn latest_event_id(&mut self, room: i64) -> Result<u64> {
        let r = self.opt("SELECT last_event_id FROM rooms WHERE id = $1", &[&room]).await?;
        Ok(r.map(|r| r.try_get::<_, i64>(0)).transpose()?.unwrap_or(0) as u64)
    }

    async fn events_after(&mut self, room: i64, after: u64, limit: u32) -> Result<Vec<RoomEvent>> {
        let rows = self
            .rows(
                "SELECT body FROM events WHERE room_id = $1 AND id > $2 ORDER BY id LIMIT $3",
                &[&room, &big(after), &i64::from(limit)],
            )
            .await?;
        all(&rows, event_row)
    }

    async fn answer(&mut self, key_hash: &[u8; 32]) -> Result<Option<StoredAnswer>> {
        let row =
            self.opt("SELECT fingerprint, response FROM idempotency WHERE key_hash = $1", &[&&key_hash[..]]).await?;
        let Some(r) = row else { return Ok(None) };
        Ok(Some(StoredAnswer { fingerprint: r.try_get(0)?, sealed: r.try_get(1)? }))
    }

    async fn keep_answer(&mut self, key_hash: &[u8; 32], answer: &StoredAnswer, at: DateTime<Utc>) -> Result<()> {
        self.exec(
            "INSERT INTO idempotency (key_hash, fingerprint, response, created_at) VALUES ($1, $2, $3, $4)",
            &[&&key_hash[..], &answer.fingerprint, &answer.sealed, &at],
        )
        .await?;
        Ok(())
    }

    async fn forget_answer(&mut self, key_hash: &[u8; 32]) -> Result<()> {
        self.exec("DELETE FROM idempotency WHERE key_hash = $1", &[&&key_hash[..]]).await?;
        Ok(())
    }

    async fn forget_answers_before(&mut self, before: DateTime<Utc>) -> Result<()> {
        self.exec("DELETE FROM idempotency WHERE created_at < $1", &[&before]).await?;
        Ok(())
    }
}

impl PgTx {
    /// Retires the rooms' current and former codes at `now`, then deletes them.
    async fn delete_rooms(&mut self, rooms: &[i64], now: DateTime<Utc>) -> Result<()> {
        if rooms.is_empty() {
            return Ok(());
        }
        self.exec(
            "INSERT INTO retired_codes (code, retired_at)
             SELECT code, $2::timestamptz FROM rooms WHERE id = ANY($1)
             UNION ALL SELECT code, $2::timestamptz FROM former_codes WHERE room_id = ANY($1)
             ON CONFLICT DO NOTHING",
            &[&rooms, &now],
        )
        .await?;
        self.exec("DELETE FROM rooms WHERE id = ANY($1)", &[&rooms]).await?;
        Ok(())
    }
}
