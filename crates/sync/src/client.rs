//! Calls to a room server. [`RoomServer`] creates and joins rooms; a [`RoomMember`] (the
//! server, the room code and this member's token) does everything else as that member.

use crate::clock::ServerClock;
use crate::error::{Result, SyncError};
use chrono::{DateTime, Utc};
pub use reqwest::Method;
use reqwest::StatusCode;
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::time::Duration;
use uuid::Uuid;
use worktogether_room_protocol::*;

/// How long one request may take before the server counts as unreachable.
pub(crate) const REQUEST_TIMEOUT: Duration = Duration::from_secs(15);
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// Idle connections are dropped after this, before the server would close them.
const POOL_IDLE_TIMEOUT: Duration = Duration::from_secs(5);

/// A room server, by its base address (`https://rooms.example.org`).
#[derive(Clone)]
pub struct RoomServer {
    base: reqwest::Url,
    http: reqwest::Client,
    clock: ServerClock,
}

impl RoomServer {
    pub fn new(address: &str) -> Result<Self> {
        let bad = || SyncError::BadServerAddress { server: address.to_owned() };
        let mut base = reqwest::Url::parse(address.trim()).map_err(|_| bad())?;
        if !matches!(base.scheme(), "http" | "https") || base.host().is_none() {
            return Err(bad());
        }
        if !base.path().ends_with('/') {
            base.set_path(&format!("{}/", base.path()));
        }
        let http = reqwest::Client::builder()
            .connect_timeout(CONNECT_TIMEOUT)
            // The server closes a kept-alive connection that sends no request within its header
            // read timeout (10 s by default): drop idle ones first instead of racing that close.
            .pool_idle_timeout(POOL_IDLE_TIMEOUT)
            .build()
            .map_err(|e| SyncError::Protocol { detail: e.to_string() })?;
        Ok(Self { base, http, clock: ServerClock::default() })
    }

    pub fn address(&self) -> &str {
        self.base.as_str()
    }

    /// This computer's clock corrected to the server's.
    pub fn clock(&self) -> &ServerClock {
        &self.clock
    }

    /// The server's time now.
    pub fn now(&self) -> DateTime<Utc> {
        self.clock.server_time(Utc::now())
    }

    /// Where a shared session stands now, on the server's clock.
    pub fn phase_now(&self, session: &SharedSession) -> SharedPhase {
        session.phase_at(self.now())
    }

    pub(crate) fn url(&self, path: &str) -> Result<reqwest::Url> {
        self.base.join(path.trim_start_matches('/')).map_err(|e| SyncError::Protocol { detail: e.to_string() })
    }

    pub(crate) fn http(&self) -> &reqwest::Client {
        &self.http
    }

    fn unreachable(&self) -> SyncError {
        SyncError::Unreachable { server: self.base.as_str().trim_end_matches('/').to_owned() }
    }

    /// Records the server's clock from a response's header.
    pub(crate) fn observe_clock(&self, sent: DateTime<Utc>, headers: &reqwest::header::HeaderMap) {
        let server = headers
            .get(SERVER_TIME_HEADER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| DateTime::parse_from_rfc3339(v).ok());
        if let Some(server) = server {
            self.clock.observe(sent, Utc::now(), server.with_timezone(&Utc));
        }
    }

    /// One request; `idempotency_key` makes a write safe to repeat.
    pub async fn send<T: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        idempotency_key: Option<&str>,
        body: Option<&serde_json::Value>,
    ) -> Result<T> {
        let mut req = self.http.request(method, self.url(path)?).timeout(REQUEST_TIMEOUT);
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        if let Some(k) = idempotency_key {
            req = req.header(IDEMPOTENCY_KEY_HEADER, k);
        }
        if let Some(b) = body {
            req = req.json(b);
        }
        let sent = Utc::now();
        let res = req.send().await.map_err(|_| self.unreachable())?;
        self.observe_clock(sent, res.headers());
        let status = res.status();
        let bytes = res.bytes().await.map_err(|_| self.unreachable())?;
        if status.is_success() {
            let bytes = if status == StatusCode::NO_CONTENT || bytes.is_empty() { &b"null"[..] } else { &bytes[..] };
            return serde_json::from_slice(bytes).map_err(|e| SyncError::Protocol { detail: e.to_string() });
        }
        let body = serde_json::from_slice::<ErrorBody>(&bytes).ok();
        Err(SyncError::from_refusal(status.as_u16(), body, self.base.as_str()))
    }

    /// Creates a room; this person becomes its host.
    pub async fn create_room(&self, req: &CreateRoom, idempotency_key: &str) -> Result<(RoomMember, RoomState)> {
        let m: Membership = self.send(Method::POST, "v1/rooms", None, Some(idempotency_key), Some(&json(req))).await?;
        Ok(self.member(m))
    }

    /// Joins the room with `code` (as typed: any case, dashes optional).
    pub async fn join(&self, code: &str, display_name: &str, idempotency_key: &str) -> Result<(RoomMember, RoomState)> {
        let canonical = normalize_room_code(code).ok_or_else(|| SyncError::NotARoomCode { code: code.to_owned() })?;
        let body = json(&JoinRoom { display_name: display_name.to_owned() });
        let m: Membership = self
            .send(Method::POST, &format!("v1/rooms/{canonical}/members"), None, Some(idempotency_key), Some(&body))
            .await?;
        Ok(self.member(m))
    }

    fn member(&self, m: Membership) -> (RoomMember, RoomState) {
        let member = RoomMember {
            server: self.clone(),
            code: m.state.room.code.clone(),
            member_id: m.member_id,
            token: m.token,
        };
        (member, m.state)
    }
}

pub(crate) fn json(v: &impl Serialize) -> serde_json::Value {
    serde_json::to_value(v).expect("protocol types serialize")
}

/// One membership: everything a member does in a room.
#[derive(Clone)]
pub struct RoomMember {
    pub server: RoomServer,
    pub code: String,
    pub member_id: Uuid,
    pub token: String,
}

impl RoomMember {
    /// A membership saved earlier (server address, room code, member id, token).
    pub fn restore(server: RoomServer, code: &str, member_id: Uuid, token: String) -> Result<Self> {
        let code = normalize_room_code(code).ok_or_else(|| SyncError::NotARoomCode { code: code.to_owned() })?;
        Ok(Self { server, code, member_id, token })
    }

    fn path(&self, rest: &str) -> String {
        format!("v1/rooms/{}{rest}", self.code)
    }

    async fn get<T: DeserializeOwned>(&self, rest: &str) -> Result<T> {
        self.server.send(Method::GET, &self.path(rest), Some(&self.token), None, None).await
    }

    /// A write as this member; pass the same key when repeating it.
    pub async fn write<T: DeserializeOwned>(
        &self,
        method: Method,
        rest: &str,
        key: &str,
        body: Option<&serde_json::Value>,
    ) -> Result<T> {
        self.server.send(method, &self.path(rest), Some(&self.token), Some(key), body).await
    }

    pub async fn state(&self) -> Result<RoomState> {
        self.get("").await
    }

    pub async fn session(&self, id: Uuid) -> Result<SessionDetail> {
        self.get(&format!("/sessions/{id}")).await
    }

    pub async fn sessions(&self) -> Result<SessionList> {
        self.get("/sessions").await
    }

    pub async fn schedule(&self) -> Result<Schedule> {
        self.get("/schedule").await
    }

    pub async fn set_presence(&self, presence: Presence, key: &str) -> Result<Member> {
        self.write(Method::PUT, "/presence", key, Some(&json(&SetPresence { presence }))).await
    }

    pub async fn start_session(&self, req: &StartSession, key: &str) -> Result<SharedSession> {
        self.write(Method::POST, "/sessions", key, Some(&json(req))).await
    }

    pub async fn control_session(&self, session: Uuid, action: SessionAction, key: &str) -> Result<SharedSession> {
        self.write(Method::POST, &format!("/sessions/{session}/control"), key, Some(&json(&ControlSession { action })))
            .await
    }

    pub async fn publish_commitment(&self, session: Uuid, text: &str, key: &str) -> Result<RoomCommitment> {
        let body = json(&PublishCommitment { text: text.to_owned() });
        self.write(Method::POST, &format!("/sessions/{session}/commitments"), key, Some(&body)).await
    }

    /// Posts a commitment for the room's next session, before it starts (while a session runs
    /// or is paused: `WrongState`, share it in the session instead).
    pub async fn post_ahead(&self, text: &str, key: &str) -> Result<AheadCommitment> {
        let body = json(&PublishCommitment { text: text.to_owned() });
        self.write(Method::POST, "/commitments", key, Some(&body)).await
    }

    pub async fn report_outcome(&self, commitment: Uuid, report: &ReportOutcome, key: &str) -> Result<RoomCommitment> {
        self.write(Method::PUT, &format!("/commitments/{commitment}/outcome"), key, Some(&json(report))).await
    }

    pub async fn give_kudos(&self, commitment: Uuid, key: &str) -> Result<RoomCommitment> {
        self.write(Method::POST, &format!("/commitments/{commitment}/kudos"), key, None).await
    }

    /// Asks the host a question about one of this member's own shared commitments, while its
    /// session runs (afterwards: `WrongState`).
    pub async fn ask_question(&self, commitment: Uuid, text: &str, key: &str) -> Result<Question> {
        let body = json(&AskQuestion { text: text.to_owned() });
        self.write(Method::POST, &format!("/commitments/{commitment}/questions"), key, Some(&body)).await
    }

    /// The host marks a question answered; again is fine (the first `answered_at` stays).
    pub async fn mark_answered(&self, question: Uuid, key: &str) -> Result<Question> {
        self.write(Method::POST, &format!("/questions/{question}/answered"), key, None).await
    }

    pub async fn put_schedule(&self, entries: Vec<ScheduleEntryDraft>, key: &str) -> Result<Schedule> {
        self.write(Method::PUT, "/schedule", key, Some(&json(&PutSchedule { entries }))).await
    }

    pub async fn update_room(&self, update: &UpdateRoom, key: &str) -> Result<Room> {
        self.write(Method::PATCH, "", key, Some(&json(update))).await
    }

    pub async fn hand_over(&self, member: Uuid, key: &str) -> Result<Room> {
        self.write(Method::POST, "/host", key, Some(&json(&HandOver { member_id: member }))).await
    }

    /// The host gives the room a new code: the old one admits nobody new (after removing a
    /// member, this keeps them out). Every membership keeps working with either code; save
    /// the new one from the answer (or from the `room_updated` event).
    pub async fn change_code(&self, key: &str) -> Result<Room> {
        self.write(Method::POST, "/code", key, None).await
    }

    pub async fn remove_member(&self, member: Uuid, key: &str) -> Result<()> {
        self.write(Method::DELETE, &format!("/members/{member}"), key, None).await
    }

    pub async fn leave(&self, key: &str) -> Result<()> {
        self.write(Method::POST, "/leave", key, None).await
    }

    /// The host deletes the room and everything in it; every membership of it ends. The
    /// token goes with the room: a retry after a lost answer gets `TokenExpired`, and the
    /// room is gone either way.
    pub async fn delete_room(&self, key: &str) -> Result<()> {
        self.write(Method::DELETE, "", key, None).await
    }
}
