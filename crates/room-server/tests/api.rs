//! Handler tests in process: `app().oneshot(request)` on a temporary database.

use axum::body::Body;
use axum::http::{Request, StatusCode};
use http_body_util::BodyExt;
use serde_json::{Value, json};
use std::sync::Arc;
use std::time::Duration;
use tower::ServiceExt;
use worktogether_room_server::{AppState, Limits, app, domain::Rooms, hub::Hub, store};

mod common;
use common::{new_db, on_postgres};

struct Server {
    router: axum::Router,
    _dir: tempfile::TempDir,
    /// The database: a SQLite file's path or a PostgreSQL URL.
    db: String,
}

struct Reply {
    status: StatusCode,
    body: Value,
    server_time: Option<String>,
    retry_after: Option<String>,
}

async fn send(router: axum::Router, req: Request<Body>) -> Reply {
    let res = router.oneshot(req).await.unwrap();
    let status = res.status();
    let header = |name: &str| res.headers().get(name).map(|v| v.to_str().unwrap().to_owned());
    let (server_time, retry_after) = (header("x-server-time"), header("retry-after"));
    let bytes = res.into_body().collect().await.unwrap().to_bytes();
    let body = if bytes.is_empty() { Value::Null } else { serde_json::from_slice(&bytes).unwrap_or(Value::Null) };
    Reply { status, body, server_time, retry_after }
}

fn get(path: &str, token: &str) -> Request<Body> {
    Request::builder().uri(path).header("authorization", format!("Bearer {token}")).body(Body::empty()).unwrap()
}

/// Runs `request` on a thread of its own and waits at most `limit` for the answer, so a request
/// that never answers (or blocks its thread) fails the test instead of hanging it; the test's
/// own runtime keeps running meanwhile. The requests share one runtime that lives as long as
/// the test process: a PostgreSQL connection the pool opens during a request, and the rollback
/// of a transaction it drops, run on it. (A runtime dropped after each request took them along,
/// and the next request drew a dead connection from the pool: an occasional 503.)
async fn within(limit: Duration, router: &axum::Router, request: Request<Body>) -> Reply {
    static RUNTIME: std::sync::LazyLock<tokio::runtime::Runtime> =
        std::sync::LazyLock::new(|| tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap());
    let (tx, rx) = std::sync::mpsc::channel();
    let router = router.clone();
    std::thread::spawn(move || {
        let _ = tx.send(RUNTIME.block_on(send(router, request)));
    });
    let answer = tokio::task::spawn_blocking(move || rx.recv_timeout(limit)).await.unwrap();
    answer.unwrap_or_else(|_| panic!("no answer within {limit:?}"))
}

/// An open event stream, read event by event.
struct EventStream {
    body: Body,
    buffer: String,
}

enum Next {
    Event(Value),
    Ended,
    /// Nothing within the wait (keep-alive comments aside).
    Silent,
}

impl EventStream {
    async fn open(router: &axum::Router, code: &str, token: &str, last_event_id: Option<&str>) -> Result<Self, Reply> {
        let mut req = get(&format!("/v1/rooms/{code}/events"), token);
        if let Some(id) = last_event_id {
            req.headers_mut().insert("last-event-id", id.parse().unwrap());
        }
        let res = router.clone().oneshot(req).await.unwrap();
        if res.status() != StatusCode::OK {
            let status = res.status();
            let retry_after = res.headers().get("retry-after").map(|v| v.to_str().unwrap().to_owned());
            let bytes = res.into_body().collect().await.unwrap().to_bytes();
            let body = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
            return Err(Reply { status, body, server_time: None, retry_after });
        }
        Ok(Self { body: res.into_body(), buffer: String::new() })
    }

    async fn next(&mut self, wait: Duration) -> Next {
        let deadline = tokio::time::Instant::now() + wait;
        loop {
            while let Some(end) = self.buffer.find("\n\n") {
                let block: String = self.buffer.drain(..end + 2).collect();
                if let Some(data) = block.lines().find_map(|l| l.strip_prefix("data: ")) {
                    return Next::Event(serde_json::from_str(data).unwrap());
                }
            }
            match tokio::time::timeout_at(deadline, self.body.frame()).await {
                Err(_) => return Next::Silent,
                Ok(None) => return Next::Ended,
                Ok(Some(frame)) => {
                    if let Ok(data) = frame.unwrap().into_data() {
                        self.buffer.push_str(std::str::from_utf8(&data).unwrap());
                    }
                }
            }
        }
    }

    /// Every event until the stream ends or stays silent for `wait`; and whether it ended.
    async fn drain(&mut self, wait: Duration) -> (Vec<Value>, bool) {
        let mut events = Vec::new();
        loop {
            match self.next(wait).await {
                Next::Event(e) => events.push(e),
                Next::Ended => return (events, true),
                Next::Silent => return (events, false),
            }
        }
    }
}

/// The rules on a new database, the hub its events reach, and the database.
async fn open_rooms(dir: &tempfile::TempDir) -> (Arc<Rooms>, Arc<Hub>, String) {
    let hub = Arc::new(Hub::default());
    let db = new_db(dir.path());
    let repo = store::open(&db, hub.clone()).await.unwrap();
    (Arc::new(Rooms::new(repo)), hub, db)
}

impl Server {
    async fn new() -> Self {
        Self::with_limits(Limits::default()).await
    }

    async fn with_limits(limits: Limits) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let (rooms, hub, db) = open_rooms(&dir).await;
        let (_stop, stopped) = tokio::sync::watch::channel(false);
        std::mem::forget(_stop);
        Self { router: app(AppState::new(rooms, hub, limits, stopped)), _dir: dir, db }
    }

    async fn call(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        key: Option<&str>,
        body: Option<&str>,
    ) -> Reply {
        let mut req = Request::builder().method(method).uri(path);
        if let Some(t) = token {
            req = req.header("authorization", format!("Bearer {t}"));
        }
        if let Some(k) = key {
            req = req.header("idempotency-key", k);
        }
        let req = match body {
            Some(b) => req.header("content-type", "application/json").body(Body::from(b.to_owned())),
            None => req.body(Body::empty()),
        }
        .unwrap();
        send(self.router.clone(), req).await
    }

    fn db(&self) -> &str {
        &self.db
    }

    /// The texts `sql` reads straight from the database (written to run on SQLite and PostgreSQL).
    async fn texts(&self, sql: &str) -> Vec<String> {
        if !on_postgres() {
            let db = rusqlite::Connection::open(self.db()).unwrap();
            let mut statement = db.prepare(sql).unwrap();
            return statement.query_map([], |r| r.get(0)).unwrap().collect::<Result<_, _>>().unwrap();
        }
        let (client, connection) = tokio_postgres::connect(self.db(), tokio_postgres::NoTls).await.unwrap();
        tokio::spawn(connection);
        client.query(sql, &[]).await.unwrap().iter().map(|r| r.get(0)).collect()
    }

    /// The number `sql` reads straight from the database (as [`Server::texts`]).
    async fn count(&self, sql: &str) -> i64 {
        if !on_postgres() {
            return rusqlite::Connection::open(self.db()).unwrap().query_row(sql, [], |r| r.get(0)).unwrap();
        }
        let (client, connection) = tokio_postgres::connect(self.db(), tokio_postgres::NoTls).await.unwrap();
        tokio::spawn(connection);
        client.query_one(sql, &[]).await.unwrap().get(0)
    }

    async fn json(&self, method: &str, path: &str, token: Option<&str>, body: Value) -> Reply {
        self.call(method, path, token, None, Some(&body.to_string())).await
    }

    /// A room with a host and one member: (code, host token, member token, member id).
    async fn room(&self) -> (String, String, String, String) {
        let r = self.json("POST", "/v1/rooms", None, json!({"name": "Social Media Kitchen", "hostName": "Ada"})).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        let code = r.body["state"]["room"]["code"].as_str().unwrap().to_owned();
        let host = r.body["token"].as_str().unwrap().to_owned();
        let j = self.json("POST", &format!("/v1/rooms/{code}/members"), None, json!({"displayName": "Bea"})).await;
        assert_eq!(j.status, StatusCode::CREATED, "{}", j.body);
        (code, host, j.body["token"].as_str().unwrap().to_owned(), j.body["memberId"].as_str().unwrap().to_owned())
    }
}

/// An idempotency key as the app and `worktogether-sync` make them: a UUID, 36 characters,
/// long enough for creating and joining (whose answers hold a token).
fn app_key() -> String {
    uuid::Uuid::now_v7().to_string()
}

fn assert_refused(r: &Reply, status: StatusCode, code: &str) {
    assert_eq!(r.status, status, "{}", r.body);
    assert_eq!(r.body["code"], code, "{}", r.body);
    assert!(r.body["message"].as_str().is_some_and(|m| !m.is_empty()), "a refusal says why: {}", r.body);
}

#[tokio::test]
async fn create_join_and_read_a_room() {
    let s = Server::new().await;
    let (code, host, member, member_id) = s.room().await;
    assert!(code.len() == 11 && code.as_bytes()[5] == b'-', "codes read like ABCDE-FGHJK: {code}");
    let r =
        s.call("GET", &format!("/v1/rooms/{}", code.to_lowercase().replace('-', "")), Some(&member), None, None).await;
    assert_eq!(r.status, StatusCode::OK, "a code is accepted as typed: {}", r.body);
    let names: Vec<_> = r.body["members"].as_array().unwrap().iter().map(|m| m["displayName"].clone()).collect();
    assert_eq!(names, vec![json!("Ada"), json!("Bea")]);
    assert!(r.server_time.is_some(), "every answer carries the server's clock");
    assert!(!host.contains(&member_id) || host != member);
}

#[tokio::test]
async fn bad_input_is_refused_with_a_clear_error_and_changes_nothing() {
    let s = Server::with_limits(Limits { max_body_bytes: 2048, ..Limits::default() }).await;
    let (code, host, _, _) = s.room().await;
    let before = s.call("GET", &format!("/v1/rooms/{code}"), Some(&host), None, None).await.body;

    assert_refused(
        &s.call("POST", "/v1/rooms", None, None, Some("{not json")).await,
        StatusCode::BAD_REQUEST,
        "bad_request",
    );
    assert_refused(
        &s.json("POST", "/v1/rooms", None, json!({"name": 5})).await,
        StatusCode::BAD_REQUEST,
        "bad_request",
    );
    assert_refused(
        &s.json("POST", "/v1/rooms", None, json!({"name": "  ", "hostName": "A"})).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_input",
    );
    let two_lines =
        s.json("POST", &format!("/v1/rooms/{code}/members"), None, json!({"displayName": "Ada\nLovelace"})).await;
    assert_refused(&two_lines, StatusCode::UNPROCESSABLE_ENTITY, "invalid_input");
    let long = "x".repeat(81);
    assert_refused(
        &s.json("PATCH", &format!("/v1/rooms/{code}"), Some(&host), json!({"name": long})).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_input",
    );
    assert_refused(
        &s.json("PATCH", &format!("/v1/rooms/{code}"), Some(&host), json!({"link": "javascript:alert(1)"})).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_input",
    );
    let huge = json!({"name": "x".repeat(5000)});
    assert_refused(
        &s.json("PATCH", &format!("/v1/rooms/{code}"), Some(&host), huge).await,
        StatusCode::PAYLOAD_TOO_LARGE,
        "payload_too_large",
    );
    assert_refused(&s.call("GET", "/v1/nothing", None, None, None).await, StatusCode::NOT_FOUND, "not_found");
    assert_refused(
        &s.call("GET", &format!("/v1/rooms/{code}"), None, None, None).await,
        StatusCode::UNAUTHORIZED,
        "unauthorized",
    );
    let forged = format!("{}.{}", host.split('.').next().unwrap(), "0".repeat(64));
    assert_refused(
        &s.call("GET", &format!("/v1/rooms/{code}"), Some(&forged), None, None).await,
        StatusCode::UNAUTHORIZED,
        "unauthorized",
    );
    assert_refused(
        &s.call("GET", "/v1/rooms/ABCDE-FGHJK", Some(&host), None, None).await,
        StatusCode::NOT_FOUND,
        "not_found",
    );
    assert_refused(&s.call("GET", "/v1/rooms/0000", Some(&host), None, None).await, StatusCode::NOT_FOUND, "not_found");
    assert_refused(
        &s.call("GET", &format!("/v1/rooms/{code}/sessions/not-a-uuid"), Some(&host), None, None).await,
        StatusCode::BAD_REQUEST,
        "bad_request",
    );
    let bad_key = s
        .call(
            "PUT",
            &format!("/v1/rooms/{code}/presence"),
            Some(&host),
            Some(&"k".repeat(101)),
            Some(r#"{"presence":"focusing"}"#),
        )
        .await;
    assert_refused(&bad_key, StatusCode::BAD_REQUEST, "bad_request");
    let plan = json!({"templateName": "x", "phases": [{"kind": "focus", "durationSecs": 0}]});
    assert_refused(
        &s.json("POST", &format!("/v1/rooms/{code}/sessions"), Some(&host), plan).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_input",
    );
    let rule = json!({"entries": [{"title": "T", "startsAt": "2026-12-01T09:00:00", "timeZone": "Europe/Berlin", "durationMinutes": 60, "rrule": "FREQ=NEVER"}]});
    assert_refused(
        &s.json("PUT", &format!("/v1/rooms/{code}/schedule"), Some(&host), rule).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_input",
    );

    let after = s.call("GET", &format!("/v1/rooms/{code}"), Some(&host), None, None).await.body;
    assert_eq!(before, after, "refused requests change nothing");
}

#[tokio::test]
async fn host_actions_and_other_members_entries_are_refused_to_members() {
    let s = Server::new().await;
    let (code, host, member, member_id) = s.room().await;
    let r = s.json("PATCH", &format!("/v1/rooms/{code}"), Some(&member), json!({"name": "Mine now"})).await;
    assert_refused(&r, StatusCode::FORBIDDEN, "forbidden");
    let plan = json!({"templateName": "Quick", "phases": [{"kind": "commitment", "durationSecs": 1}, {"kind": "closing", "durationSecs": 3600}]});
    assert_refused(
        &s.json("POST", &format!("/v1/rooms/{code}/sessions"), Some(&member), plan.clone()).await,
        StatusCode::FORBIDDEN,
        "forbidden",
    );
    let host_id =
        s.call("GET", &format!("/v1/rooms/{code}"), Some(&host), None, None).await.body["room"]["hostId"].clone();
    let r = s
        .call("DELETE", &format!("/v1/rooms/{code}/members/{}", host_id.as_str().unwrap()), Some(&member), None, None)
        .await;
    assert_refused(&r, StatusCode::FORBIDDEN, "forbidden");

    let session = s.json("POST", &format!("/v1/rooms/{code}/sessions"), Some(&host), plan).await;
    assert_eq!(session.status, StatusCode::CREATED, "{}", session.body);
    let sid = session.body["id"].as_str().unwrap();
    let c = s
        .json("POST", &format!("/v1/rooms/{code}/sessions/{sid}/commitments"), Some(&host), json!({"text": "Invoices"}))
        .await;
    assert_eq!(c.status, StatusCode::CREATED, "{}", c.body);
    let cid = c.body["id"].as_str().unwrap();
    let outcome = json!({"outcome": "done", "note": "all sent", "feedbackWanted": true});
    let forged =
        s.json("PUT", &format!("/v1/rooms/{code}/commitments/{cid}/outcome"), Some(&member), outcome.clone()).await;
    assert_refused(&forged, StatusCode::FORBIDDEN, "forbidden");
    let control = json!({"action": "skip"});
    assert_refused(
        &s.json("POST", &format!("/v1/rooms/{code}/sessions/{sid}/control"), Some(&member), control.clone()).await,
        StatusCode::FORBIDDEN,
        "forbidden",
    );

    // Kudos from the member are fine; to one's own commitment they are not.
    let k = s.call("POST", &format!("/v1/rooms/{code}/commitments/{cid}/kudos"), Some(&member), None, None).await;
    assert_eq!(k.body["kudos"], json!([member_id]), "{}", k.body);
    let own = s.call("POST", &format!("/v1/rooms/{code}/commitments/{cid}/kudos"), Some(&host), None, None).await;
    assert_refused(&own, StatusCode::UNPROCESSABLE_ENTITY, "invalid_input");

    // The host skips into the closing round and reports; the member may not remove the host.
    let skipped = s.json("POST", &format!("/v1/rooms/{code}/sessions/{sid}/control"), Some(&host), control).await;
    assert_eq!(skipped.status, StatusCode::OK, "{}", skipped.body);
    let done = s.json("PUT", &format!("/v1/rooms/{code}/commitments/{cid}/outcome"), Some(&host), outcome).await;
    assert_eq!(done.body["outcome"], "done", "{}", done.body);
    assert_eq!(done.body["feedbackWanted"], true);
}

#[tokio::test]
async fn a_retried_write_applies_once_and_a_reused_key_is_refused() {
    let s = Server::new().await;
    let (code, _, _, _) = s.room().await;
    let body = r#"{"displayName":"Cem"}"#;
    let path = format!("/v1/rooms/{code}/members");
    let key = app_key();
    let first = s.call("POST", &path, None, Some(&key), Some(body)).await;
    let retry = s.call("POST", &path, None, Some(&key), Some(body)).await;
    assert_eq!(first.status, StatusCode::CREATED);
    assert_eq!(first.body, retry.body, "the retry gets the first answer, token included");
    let token = first.body["token"].as_str().unwrap();
    let state = s.call("GET", &format!("/v1/rooms/{code}"), Some(token), None, None).await;
    assert_eq!(state.body["members"].as_array().unwrap().len(), 3, "Cem joined once: {}", state.body);
    let other = s.call("POST", &path, None, Some(&key), Some(r#"{"displayName":"Dora"}"#)).await;
    assert_refused(&other, StatusCode::CONFLICT, "idempotency_key_reused");
}

#[tokio::test]
async fn join_attempts_per_address_are_limited() {
    let s = Server::with_limits(Limits { joins_per_minute: 3, ..Limits::default() }).await;
    let (code, _, _, _) = s.room().await; // one join
    for _ in 0..2 {
        let r = s.json("POST", "/v1/rooms/ABCDE-FGHJK/members", None, json!({"displayName": "Guess"})).await;
        assert_refused(&r, StatusCode::NOT_FOUND, "not_found");
    }
    let r = s.json("POST", &format!("/v1/rooms/{code}/members"), None, json!({"displayName": "Late"})).await;
    assert_refused(&r, StatusCode::TOO_MANY_REQUESTS, "rate_limited");
}

#[tokio::test]
async fn membership_changes_host_hand_over_and_limits() {
    let s = Server::with_limits(Limits { max_members: 2, ..Limits::default() }).await;
    let (code, host, member, member_id) = s.room().await;
    let full = s.json("POST", &format!("/v1/rooms/{code}/members"), None, json!({"displayName": "Third"})).await;
    assert_refused(&full, StatusCode::CONFLICT, "room_full");
    assert_refused(
        &s.call("POST", &format!("/v1/rooms/{code}/leave"), Some(&host), None, None).await,
        StatusCode::CONFLICT,
        "wrong_state",
    );
    let r = s.json("POST", &format!("/v1/rooms/{code}/host"), Some(&host), json!({"memberId": member_id})).await;
    assert_eq!(r.body["hostId"], json!(member_id), "{}", r.body);
    assert_eq!(
        s.call("POST", &format!("/v1/rooms/{code}/leave"), Some(&host), None, None).await.status,
        StatusCode::NO_CONTENT
    );
    assert_refused(
        &s.call("GET", &format!("/v1/rooms/{code}"), Some(&host), None, None).await,
        StatusCode::UNAUTHORIZED,
        "unauthorized",
    );
    let state = s.call("GET", &format!("/v1/rooms/{code}"), Some(&member), None, None).await;
    assert_eq!(state.body["members"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn schedules_list_upcoming_occurrences() {
    let s = Server::new().await;
    let (code, host, member, _) = s.room().await;
    let entries = json!({"entries": [{"title": "Monthly Worktogether", "startsAt": "2026-01-06T09:00:00", "timeZone": "Europe/Berlin", "durationMinutes": 130, "rrule": "FREQ=MONTHLY;BYDAY=1TU"}]});
    let r = s.json("PUT", &format!("/v1/rooms/{code}/schedule"), Some(&host), entries.clone()).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let read = s.call("GET", &format!("/v1/rooms/{code}/schedule"), Some(&member), None, None).await;
    assert_eq!(read.body["entries"][0]["rrule"], "FREQ=MONTHLY;BYDAY=1TU");
    assert!(!read.body["upcoming"].as_array().unwrap().is_empty(), "a monthly rule has a next date: {}", read.body);
    assert_refused(
        &s.json("PUT", &format!("/v1/rooms/{code}/schedule"), Some(&member), entries).await,
        StatusCode::FORBIDDEN,
        "forbidden",
    );
}

#[tokio::test]
async fn the_checked_in_openapi_document_is_current() {
    let s = Server::new().await;
    let served = s.call("GET", "/v1/openapi.json", None, None, None).await;
    assert_eq!(served.status, StatusCode::OK);
    let generated = serde_json::to_string_pretty(&served.body).unwrap() + "\n";
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("openapi.json");
    if std::env::var_os("UPDATE_OPENAPI").is_some() {
        std::fs::write(&path, &generated).unwrap();
    }
    let checked_in = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        checked_in == generated,
        "crates/room-server/openapi.json is stale: run `UPDATE_OPENAPI=1 cargo test -p worktogether-room-server --test api` and commit it"
    );
}

#[tokio::test]
async fn behind_a_trusted_proxy_limits_count_the_forwarded_address() {
    let s = Server::with_limits(Limits { joins_per_minute: 1, trust_forwarded_for: true, ..Limits::default() }).await;
    let join = |from: &'static str| {
        let req = Request::builder()
            .method("POST")
            .uri("/v1/rooms/ABCDE-FGHJK/members")
            .header("content-type", "application/json")
            .header("x-forwarded-for", from)
            .body(Body::from(r#"{"displayName":"X"}"#))
            .unwrap();
        s.router.clone().oneshot(req)
    };
    assert_eq!(join("203.0.113.7").await.unwrap().status(), StatusCode::NOT_FOUND);
    assert_eq!(join("203.0.113.7").await.unwrap().status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(join("1.2.3.4, 203.0.113.8").await.unwrap().status(), StatusCode::NOT_FOUND, "another client");
    assert_eq!(
        join("203.0.113.8, 203.0.113.7").await.unwrap().status(),
        StatusCode::TOO_MANY_REQUESTS,
        "the proxy's entry (the last) counts, not what the client wrote before it"
    );
}

#[tokio::test]
async fn inactive_rooms_are_deleted_with_everything_in_them() {
    let dir = tempfile::tempdir().unwrap();
    let (rooms, hub, db) = open_rooms(&dir).await;
    let (_stop, stopped) = tokio::sync::watch::channel(false);
    let s = Server { router: app(AppState::new(rooms.clone(), hub, Limits::default(), stopped)), _dir: dir, db };
    let (code, host, member, _) = s.room().await;
    let Ok(mut stream) = EventStream::open(&s.router, &code, &member, None).await else { panic!("a stream") };
    assert!(matches!(stream.next(Duration::from_millis(100)).await, Next::Silent));
    let now = chrono::Utc::now();
    assert_eq!(rooms.expire(now - chrono::Duration::days(180), now, now).await.unwrap(), 0, "active rooms stay");
    assert_eq!(s.call("GET", &format!("/v1/rooms/{code}"), Some(&host), None, None).await.status, StatusCode::OK);
    assert_eq!(
        rooms.expire(now + chrono::Duration::seconds(1), now, now).await.unwrap(),
        1,
        "no activity since: deleted"
    );
    assert!(matches!(stream.next(Duration::from_secs(3)).await, Next::Ended), "its streams end");
    assert_eq!(
        s.texts("SELECT code FROM retired_codes").await,
        vec![code.clone()],
        "its code is never handed out again"
    );
    assert_refused(
        &s.call("GET", &format!("/v1/rooms/{code}"), Some(&host), None, None).await,
        StatusCode::UNAUTHORIZED,
        "unauthorized",
    );
    let join = s.json("POST", &format!("/v1/rooms/{code}/members"), None, json!({"displayName": "Late"})).await;
    assert_refused(&join, StatusCode::NOT_FOUND, "not_found");
}

#[tokio::test]
async fn an_event_stream_needs_a_token_and_a_valid_last_event_id() {
    let s = Server::new().await;
    let (code, host, _, _) = s.room().await;
    assert_refused(
        &s.call("GET", &format!("/v1/rooms/{code}/events"), None, None, None).await,
        StatusCode::UNAUTHORIZED,
        "unauthorized",
    );
    let req = Request::builder()
        .uri(format!("/v1/rooms/{code}/events"))
        .header("authorization", format!("Bearer {host}"))
        .header("last-event-id", "yesterday")
        .body(Body::empty())
        .unwrap();
    let res = s.router.clone().oneshot(req).await.unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
}

// Issue 12: the server under attack. Each test below failed on the code before its fix.

fn schedule_of(starts_at: &str, rrule: Option<&str>) -> Value {
    json!({"entries": [{"title": "Worktogether", "startsAt": starts_at, "timeZone": "UTC", "durationMinutes": 60, "rrule": rrule}]})
}

fn put_json(path: &str, token: &str, body: &Value) -> Request<Body> {
    Request::builder()
        .method("PUT")
        .uri(path)
        .header("authorization", format!("Bearer {token}"))
        .header("content-type", "application/json")
        .body(Body::from(body.to_string()))
        .unwrap()
}

/// A local time `days` ago at 09:00, as a schedule entry writes it.
fn days_ago(days: i64) -> String {
    (chrono::Utc::now() - chrono::Duration::days(days)).format("%Y-%m-%dT09:00:00").to_string()
}

#[tokio::test]
async fn schedule_rules_that_cannot_be_bounded_are_refused() {
    let s = Server::new().await;
    let (code, host, _, _) = s.room().await;
    let path = format!("/v1/rooms/{code}/schedule");
    let recent = days_ago(30);
    let refused = [
        ("0001-01-01T00:00:00", Some("FREQ=SECONDLY"), "the rule that stalled the server"),
        ("0001-01-01T00:00:00", Some("FREQ=DAILY"), "a start centuries ago"),
        (&days_ago(400), Some("FREQ=WEEKLY"), "a start more than a year ago"),
        (&recent, Some("FREQ=HOURLY"), "hourly"),
        (&recent, Some("FREQ=MINUTELY"), "every minute"),
        (&recent, Some("FREQ=DAILY;BYHOUR=0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23"), "24 a day"),
        (&recent, Some("FREQ=DAILY;BYHOUR=8,9;BYMINUTE=0,15,30,45"), "8 a day"),
        (&recent, Some("FREQ=DAILY;BYSECOND=0,1,2,3,4,5,6,7,8,9"), "10 a day"),
    ];
    for (start, rule, why) in refused {
        let r = within(Duration::from_secs(20), &s.router, put_json(&path, &host, &schedule_of(start, rule))).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{why}: {}", r.body);
        let message = r.body["message"].as_str().unwrap_or_default();
        assert!(!message.is_empty() && message.len() < 200, "{why}: a short message of our own: {message}");
    }
    for rule in [None, Some("FREQ=DAILY"), Some("FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR"), Some("FREQ=DAILY;BYHOUR=9,14")] {
        let r = within(Duration::from_secs(20), &s.router, put_json(&path, &host, &schedule_of(&recent, rule))).await;
        assert_eq!(r.status, StatusCode::OK, "{rule:?} is what rooms need: {}", r.body);
    }
}

#[tokio::test]
async fn schedules_stored_before_the_limits_never_stall_a_read() {
    let s = Server::new().await;
    let (code, host, member, _) = s.room().await;
    let path = format!("/v1/rooms/{code}/schedule");
    let r = s.json("PUT", &path, Some(&host), schedule_of(&days_ago(3), Some("FREQ=WEEKLY"))).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    // Entries a database from before the limits may hold.
    if on_postgres() {
        return; // What follows writes rows as an older SQLite store held them.
    }
    let db = rusqlite::Connection::open(s.db()).unwrap();
    let room: i64 = db.query_row("SELECT id FROM rooms WHERE code = ?1", [&code], |r| r.get(0)).unwrap();
    let old = [
        ("0001-01-01T00:00:00", "FREQ=SECONDLY"),
        ("0001-01-01T00:00:00", "FREQ=DAILY"),
        ("0001-01-01T00:00:00", "FREQ=MINUTELY"),
        ("1900-01-01T00:00:00", "FREQ=DAILY;BYHOUR=0,1,2,3"),
    ];
    for (position, (start, rule)) in old.into_iter().enumerate() {
        db.execute(
            "INSERT INTO schedule_entries (id, room_id, position, title, starts_at, time_zone, duration_minutes, rrule)
             VALUES (?1, ?2, ?3, 'Old', ?4, 'UTC', 60, ?5)",
            rusqlite::params![uuid::Uuid::now_v7().to_string(), room, position as i64 + 1, start, rule],
        )
        .unwrap();
    }
    let started = std::time::Instant::now();
    let r = within(Duration::from_secs(20), &s.router, get(&path, &member)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(started.elapsed() < Duration::from_secs(5), "a read is bounded: {:?}", started.elapsed());
    assert_eq!(r.body["entries"].as_array().unwrap().len(), 5, "every stored entry is still listed");
    let upcoming = r.body["upcoming"].as_array().unwrap();
    assert!(!upcoming.is_empty(), "the weekly entry has occurrences: {}", r.body);
    assert!(upcoming.iter().all(|o| o["title"] == "Worktogether"), "unbounded entries are left out: {}", r.body);
    let health = within(Duration::from_secs(5), &s.router, Request::get("/health").body(Body::empty()).unwrap()).await;
    assert_eq!(health.status, StatusCode::OK);
}

#[tokio::test]
async fn a_last_event_id_after_the_rooms_latest_is_refused() {
    let s = Server::new().await;
    let (code, host, member, _) = s.room().await;
    let latest = s.call("GET", &format!("/v1/rooms/{code}"), Some(&host), None, None).await.body["lastEventId"]
        .as_u64()
        .unwrap();
    let hostile = [
        ((latest + 1).to_string(), "one after the room's latest: later events were dropped silently"),
        ((1u64 << 63).to_string(), "2^63: became negative and looped"),
        (u64::MAX.to_string(), "the largest u64"),
        ("18446744073709551616".to_owned(), "beyond u64"),
        ("-1".to_owned(), "negative"),
    ];
    for (id, why) in hostile {
        let Err(r) = EventStream::open(&s.router, &code, &member, Some(&id)).await else {
            panic!("{why}: the stream was accepted");
        };
        assert_refused(&r, StatusCode::BAD_REQUEST, "bad_request");
        assert!(r.body["message"].as_str().unwrap().len() < 200, "{}", r.body);
    }
    // The latest id is fine, and what comes after it arrives.
    let Ok(mut stream) = EventStream::open(&s.router, &code, &member, Some(&latest.to_string())).await else {
        panic!("the latest id is a valid place to continue");
    };
    let r = s.json("PATCH", &format!("/v1/rooms/{code}"), Some(&host), json!({"name": "Renamed"})).await;
    assert_eq!(r.status, StatusCode::OK);
    match stream.next(Duration::from_secs(5)).await {
        Next::Event(e) => assert_eq!(e["change"]["type"], "room_updated", "{e}"),
        _ => panic!("the change arrives"),
    }
}

#[tokio::test]
async fn a_removed_member_or_one_who_left_hears_nothing_more() {
    let s = Server::new().await;
    let (code, host, member, member_id) = s.room().await;
    let j = s.json("POST", &format!("/v1/rooms/{code}/members"), None, json!({"displayName": "Cem"})).await;
    let (cem, cem_id) = (j.body["token"].as_str().unwrap().to_owned(), j.body["memberId"].as_str().unwrap().to_owned());
    let (Ok(mut removed), Ok(mut left)) = (
        EventStream::open(&s.router, &code, &member, None).await,
        EventStream::open(&s.router, &code, &cem, None).await,
    ) else {
        panic!("both members follow the room");
    };
    let summary = |events: &[Value]| -> Vec<String> {
        events.iter().map(|e| format!("{} {}", e["change"]["type"], e["change"]["memberId"])).collect()
    };
    let r = s.call("DELETE", &format!("/v1/rooms/{code}/members/{member_id}"), Some(&host), None, None).await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.body);
    let (events, ended) = removed.drain(Duration::from_secs(3)).await;
    assert_eq!(summary(&events), [format!("\"member_left\" \"{member_id}\"")], "its own removal, then nothing");
    assert!(ended, "the removed member's stream is closed at once");

    let r = s.call("POST", &format!("/v1/rooms/{code}/leave"), Some(&cem), None, None).await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.body);
    let r = s.json("PATCH", &format!("/v1/rooms/{code}"), Some(&host), json!({"name": "After them"})).await;
    assert_eq!(r.status, StatusCode::OK);
    let (events, ended) = left.drain(Duration::from_secs(3)).await;
    assert_eq!(
        summary(&events),
        [format!("\"member_left\" \"{member_id}\""), format!("\"member_left\" \"{cem_id}\"")],
        "what happened while a member, its own leaving, then nothing"
    );
    assert!(ended, "the stream of a member who left is closed");
}

#[tokio::test]
async fn event_streams_per_member_are_capped() {
    let s = Server::new().await;
    let (code, host, member, _) = s.room().await;
    let mut open = Vec::new();
    for i in 0..4 {
        let Ok(stream) = EventStream::open(&s.router, &code, &member, None).await else {
            panic!("stream {i}: a member may follow from a few devices");
        };
        open.push(stream);
    }
    let Err(refused) = EventStream::open(&s.router, &code, &member, None).await else {
        panic!("a fifth stream of one member is refused");
    };
    assert_refused(&refused, StatusCode::TOO_MANY_REQUESTS, "rate_limited");
    assert!(refused.retry_after.as_deref().is_some_and(|v| v.parse::<u64>().is_ok()), "429 says when to retry");
    assert!(EventStream::open(&s.router, &code, &host, None).await.is_ok(), "other members are not affected");
    open.pop();
    assert!(EventStream::open(&s.router, &code, &member, None).await.is_ok(), "a closed stream frees its place");
}

#[tokio::test]
async fn the_request_limit_counts_a_member_once_however_the_id_is_spelled() {
    let s = Server::with_limits(Limits { requests_per_second: 1, ..Limits::default() }).await; // bursts of 2
    let (code, _, member, member_id) = s.room().await;
    let secret = member.split_once('.').unwrap().1;
    let id = uuid::Uuid::parse_str(&member_id).unwrap();
    let spellings = [
        id.simple().to_string(),
        id.hyphenated().to_string(),
        id.simple().to_string().to_uppercase(),
        id.hyphenated().to_string().to_uppercase(),
        id.braced().to_string(),
        id.urn().to_string(),
    ];
    let mut statuses = Vec::new();
    for spelling in &spellings {
        let token = format!("{spelling}.{secret}");
        statuses.push(s.call("GET", &format!("/v1/rooms/{code}"), Some(&token), None, None).await.status);
    }
    assert!(
        statuses.iter().all(|s| *s == StatusCode::OK || *s == StatusCode::TOO_MANY_REQUESTS),
        "each spelling is the member: {statuses:?}"
    );
    assert!(statuses.contains(&StatusCode::TOO_MANY_REQUESTS), "six requests in a burst of two: {statuses:?}");
}

#[tokio::test]
async fn wrong_secrets_count_against_their_address_not_the_member_they_name() {
    let s =
        Server::with_limits(Limits { requests_per_second: 2, trust_forwarded_for: true, ..Limits::default() }).await;
    let (code, host, _, _) = s.room().await;
    let forged = format!("{}.{}", host.split_once('.').unwrap().0, "0".repeat(64));
    let from = |address: &str, token: &str| {
        let mut req = get(&format!("/v1/rooms/{code}"), token);
        req.headers_mut().insert("x-forwarded-for", address.parse().unwrap());
        req
    };
    let mut last = None;
    for _ in 0..40 {
        let r = send(s.router.clone(), from("203.0.113.66", &forged)).await;
        assert!(matches!(r.status.as_u16(), 401 | 429), "{}", r.body);
        last = Some(r);
    }
    let r = send(s.router.clone(), from("198.51.100.7", &host)).await;
    assert_eq!(r.status, StatusCode::OK, "wrong secrets in the host's name do not lock the host out: {}", r.body);
    let last = last.unwrap();
    assert_refused(&last, StatusCode::TOO_MANY_REQUESTS, "rate_limited");
    assert!(last.retry_after.is_some(), "429 says when to retry");
}

/// A request from `addr`, as a trusted reverse proxy would say (`X-Forwarded-For`).
fn from(addr: &str, method: &str, path: &str, key: Option<&str>, body: &Value) -> Request<Body> {
    let mut req = Request::builder()
        .method(method)
        .uri(path)
        .header("content-type", "application/json")
        .header("x-forwarded-for", addr);
    if let Some(k) = key {
        req = req.header("idempotency-key", k);
    }
    req.body(Body::from(body.to_string())).unwrap()
}

#[tokio::test]
async fn names_a_person_cannot_see_are_refused_and_names_are_stored_in_nfc() {
    let s = Server::with_limits(Limits { joins_per_minute: 1000, rooms_per_hour: 1000, ..Limits::default() }).await;
    let (code, host, member, _) = s.room().await;
    let join = |name: &str| json!({"displayName": name});
    let invisible = [
        "\u{200B}\u{200B}",               // zero-width spaces
        "\u{200D}\u{2060}\u{FEFF}\u{AD}", // joiner, word joiner, BOM, soft hyphen
        " \u{3164} \u{180E} ",            // Hangul filler, Mongolian vowel separator
        "\u{2800}",                       // blank braille pattern
    ];
    for name in invisible {
        let r = s.json("POST", &format!("/v1/rooms/{code}/members"), None, join(name)).await;
        assert_refused(&r, StatusCode::UNPROCESSABLE_ENTITY, "invalid_input");
        assert!(r.body["message"].as_str().unwrap().contains("no visible"), "{name:?}: {}", r.body);
        let r = s.json("POST", "/v1/rooms", None, json!({"name": name, "hostName": "Ada"})).await;
        assert_refused(&r, StatusCode::UNPROCESSABLE_ENTITY, "invalid_input");
        let r = s.json("PATCH", &format!("/v1/rooms/{code}"), Some(&host), json!({"description": name})).await;
        assert_refused(&r, StatusCode::UNPROCESSABLE_ENTITY, "invalid_input");
    }
    for name in [
        "Host\u{202E}txt.exe",
        "A\u{2066}B",
        "\u{200F}Ada",
        "Ada\u{061C}",
        "Ada\u{2028}Bea",
        "Ada\u{2029}Bea",
        "Ada\u{85}Bea",
    ] {
        let r = s.json("POST", &format!("/v1/rooms/{code}/members"), None, join(name)).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{name:?}: {}", r.body);
        let r = s.json("PATCH", &format!("/v1/rooms/{code}"), Some(&host), json!({"name": name})).await;
        assert_refused(&r, StatusCode::UNPROCESSABLE_ENTITY, "invalid_input");
    }
    // Every other text a person sees in a room goes through the same check.
    let plan = json!({"templateName": "\u{200B}", "phases": [{"kind": "commitment", "durationSecs": 600}]});
    assert_refused(
        &s.json("POST", &format!("/v1/rooms/{code}/sessions"), Some(&host), plan).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_input",
    );
    let plan = json!({"templateName": "Focus", "phases": [{"kind": "commitment", "durationSecs": 600}]});
    let session = s.json("POST", &format!("/v1/rooms/{code}/sessions"), Some(&host), plan).await;
    assert_eq!(session.status, StatusCode::CREATED, "{}", session.body);
    let commitments = format!("/v1/rooms/{code}/sessions/{}/commitments", session.body["id"].as_str().unwrap());
    assert_refused(
        &s.json("POST", &commitments, Some(&member), json!({"text": "Write \u{202E}fdp.exe"})).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_input",
    );
    let title = json!({"entries": [{"title": "\u{FEFF}", "startsAt": "2026-12-01T09:00:00", "timeZone": "UTC", "durationMinutes": 60}]});
    assert_refused(
        &s.json("PUT", &format!("/v1/rooms/{code}/schedule"), Some(&host), title).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_input",
    );

    // NFC: "e" + combining acute is stored as "é", and counted as one character.
    let r = s.json("POST", &format!("/v1/rooms/{code}/members"), None, join("Ren\u{E9}e Caf\u{65}\u{301}")).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    assert_eq!(r.body["state"]["members"][2]["displayName"], "Ren\u{E9}e Caf\u{E9}", "stored in NFC");
    let long = "e\u{301}".repeat(80);
    let r = s.json("PATCH", &format!("/v1/rooms/{code}"), Some(&host), json!({"name": long})).await;
    assert_eq!(r.status, StatusCode::OK, "80 characters once composed: {}", r.body);
    // A zero-width joiner inside a name is part of it (an emoji sequence here).
    let r = s.json("POST", &format!("/v1/rooms/{code}/members"), None, join("\u{1F469}\u{200D}\u{1F4BB} Kim")).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
}

#[tokio::test]
async fn answers_are_never_stored_by_caches_or_sniffed() {
    let s = Server::new().await;
    let create = Request::builder()
        .method("POST")
        .uri("/v1/rooms")
        .header("content-type", "application/json")
        .body(Body::from(json!({"name": "R", "hostName": "Ada"}).to_string()))
        .unwrap();
    let (code, host, _, _) = s.room().await;
    for req in [
        create,
        get(&format!("/v1/rooms/{code}"), &host),
        get(&format!("/v1/rooms/{code}"), "forged"),
        Request::builder().uri("/health").body(Body::empty()).unwrap(),
    ] {
        let what = format!("{} {}", req.method(), req.uri());
        let res = s.router.clone().oneshot(req).await.unwrap();
        assert_eq!(res.headers().get("cache-control").map(|v| v.to_str().unwrap()), Some("no-store"), "{what}");
        assert_eq!(res.headers().get("x-content-type-options").map(|v| v.to_str().unwrap()), Some("nosniff"), "{what}");
    }
}

#[tokio::test]
async fn error_messages_are_short_and_never_the_parsers_or_the_clients_text() {
    let s = Server::new().await;
    let (code, host, _, _) = s.room().await;
    let zone = "Europe/".to_owned() + &"x".repeat(10_000);
    let schedule = |zone: &str| json!({"entries": [{"title": "T", "startsAt": "2026-12-01T09:00:00", "timeZone": zone, "durationMinutes": 60}]});
    let huge_value = json!({"name": "R", "hostName": "A", "link": 5, "description": "y".repeat(10_000)});
    let replies = [
        s.json("PUT", &format!("/v1/rooms/{code}/schedule"), Some(&host), schedule(&zone)).await,
        s.json(
            "PUT",
            &format!("/v1/rooms/{code}/schedule"),
            Some(&host),
            json!({"entries": [{"title": "x".repeat(10_000)}]}),
        )
        .await,
        s.json("PUT", &format!("/v1/rooms/{code}/presence"), Some(&host), json!({"presence": "z".repeat(10_000)}))
            .await,
        s.call("POST", "/v1/rooms", None, None, Some(&format!("{{\"name\": \"{}", "q".repeat(10_000)))).await,
        s.call("POST", "/v1/rooms", None, None, Some("{\"name\": \"R\", \"hostName\": \"A\"} trailing")).await,
        s.json("POST", "/v1/rooms", None, huge_value).await,
        s.json("POST", "/v1/rooms", None, json!({"name": "R"})).await,
        s.call("GET", &format!("/v1/rooms/{code}/sessions/{}", "u".repeat(5_000)), Some(&host), None, None).await,
    ];
    for r in replies {
        assert!(r.status.is_client_error(), "{}", r.body);
        let message = r.body["message"].as_str().expect("our JSON error");
        assert!(message.chars().count() <= 120, "a short message: {message}");
        for parser_text in [
            "line ",
            "column",
            "Failed to",
            "deserialize",
            "expected",
            "invalid type",
            "xxxxxxxxxx",
            "zzzzzzzz",
            "qqqqqqqq",
            "uuuuuuuu",
        ] {
            assert!(!message.contains(parser_text), "our own words, not {parser_text:?}: {message}");
        }
    }
}

#[tokio::test]
async fn video_links_are_http_or_https_urls_with_a_host_and_no_credentials() {
    let s = Server::with_limits(Limits { rooms_per_hour: 1000, ..Limits::default() }).await;
    let (code, host, _, _) = s.room().await;
    let path = format!("/v1/rooms/{code}");
    for link in [
        "https://",
        "http://",
        "https:///path",
        "https:meet.example.org",
        "javascript:alert(1)",
        "JavaScript://example.org/%0aalert(1)",
        "data:text/html,hi",
        "ftp://example.org/x",
        "https://user:secret@meet.example.org/room",
        "https://user@meet.example.org/room",
        &format!("https://meet.example.org/{}", "a".repeat(600)),
        &format!("https://meet.example.org/{}x", " ".repeat(300)), // too long once percent-encoded
    ] {
        let r = s.json("PATCH", &path, Some(&host), json!({"link": link})).await;
        assert_refused(&r, StatusCode::UNPROCESSABLE_ENTITY, "invalid_input");
        let r = s.json("POST", "/v1/rooms", None, json!({"name": "R", "hostName": "A", "link": link})).await;
        assert_refused(&r, StatusCode::UNPROCESSABLE_ENTITY, "invalid_input");
    }
    let r = s.json("PATCH", &path, Some(&host), json!({"link": "HTTPS://Meet.Example.org/room one"})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.body["link"], "https://meet.example.org/room%20one", "stored as the url crate writes it");
}

#[tokio::test]
async fn an_idempotency_key_for_create_or_join_counts_per_client_address() {
    let s = Server::with_limits(Limits { trust_forwarded_for: true, ..Limits::default() }).await;
    let (code, _, _, _) = s.room().await;
    let join = json!({"displayName": "Cem"});
    let path = format!("/v1/rooms/{code}/members");
    let k1 = app_key();
    let first = send(s.router.clone(), from("10.0.0.1", "POST", &path, Some(&k1), &join)).await;
    let retry = send(s.router.clone(), from("10.0.0.1", "POST", &path, Some(&k1), &join)).await;
    let elsewhere = send(s.router.clone(), from("10.0.0.2", "POST", &path, Some(&k1), &join)).await;
    assert_eq!(first.status, StatusCode::CREATED, "{}", first.body);
    assert_eq!(first.body["token"], retry.body["token"], "a retry from the same address gets the first answer");
    assert_eq!(elsewhere.status, StatusCode::CREATED, "{}", elsewhere.body);
    assert_ne!(first.body["token"], elsewhere.body["token"], "another address never gets the first token");

    let create = json!({"name": "R", "hostName": "Ada"});
    let c1 = app_key();
    let first = send(s.router.clone(), from("10.0.0.1", "POST", "/v1/rooms", Some(&c1), &create)).await;
    let retry = send(s.router.clone(), from("10.0.0.1", "POST", "/v1/rooms", Some(&c1), &create)).await;
    let elsewhere = send(s.router.clone(), from("10.0.0.3", "POST", "/v1/rooms", Some(&c1), &create)).await;
    assert_eq!(first.body["token"], retry.body["token"], "{}", retry.body);
    assert_ne!(first.body["token"], elsewhere.body["token"], "another address never gets the host's token");
    assert_ne!(first.body["state"]["room"]["code"], elsewhere.body["state"]["room"]["code"]);
}

/// How many rows `table` has, read straight from the database.
async fn rows(s: &Server, table: &str) -> i64 {
    s.count(&format!("SELECT count(*) FROM {table}")).await
}

#[tokio::test]
async fn an_idempotency_key_too_short_to_be_secret_is_refused_for_create_and_join_and_changes_nothing() {
    // One join a minute more than the room's own: refused keys must not use it up.
    let s = Server::with_limits(Limits { joins_per_minute: 2, trust_forwarded_for: true, ..Limits::default() }).await;
    let (code, host, _, _) = s.room().await;
    let join = json!({"displayName": "Cem"});
    let create = json!({"name": "R", "hostName": "Ada"});
    let path = format!("/v1/rooms/{code}/members");
    let before =
        (rows(&s, "rooms").await, rows(&s, "members").await, rows(&s, "idempotency").await, rows(&s, "events").await);
    // One character; 31 (one short); 16 random bytes in base64 (128 bits, but 22 characters).
    for short in ["k", &"x".repeat(31), "q83vEjRWeJq8Fw3x2u2Pqg"] {
        for (what, r) in [
            ("join", send(s.router.clone(), from("10.0.0.1", "POST", &path, Some(short), &join)).await),
            ("create", send(s.router.clone(), from("10.0.0.1", "POST", "/v1/rooms", Some(short), &create)).await),
        ] {
            assert_refused(&r, StatusCode::BAD_REQUEST, "bad_request");
            let message = r.body["message"].as_str().unwrap();
            assert!(message.contains("Idempotency-Key") && message.contains("32"), "{what}: says why: {message}");
        }
    }
    let after =
        (rows(&s, "rooms").await, rows(&s, "members").await, rows(&s, "idempotency").await, rows(&s, "events").await);
    assert_eq!(before, after, "no room, no member, no stored answer, no event");

    // 32 characters is enough; the retry gets the first answer, token included. The refused
    // joins above were not counted: this is the address's second join of the minute.
    let key = "x".repeat(32);
    let first = send(s.router.clone(), from("10.0.0.1", "POST", &path, Some(&key), &join)).await;
    assert_eq!(first.status, StatusCode::CREATED, "{}", first.body);
    let retry = send(s.router.clone(), from("10.0.0.1", "POST", &path, Some(&key), &join)).await;
    assert_eq!(retry.status, StatusCode::CREATED, "{}", retry.body);
    assert_eq!(first.body, retry.body, "the retry gets the first answer");
    assert!(first.body["token"].as_str().is_some_and(|t| !t.is_empty()), "{}", first.body);
    let state = s.call("GET", &format!("/v1/rooms/{code}"), Some(&host), None, None).await;
    assert_eq!(state.body["members"].as_array().unwrap().len(), 3, "Cem joined once: {}", state.body);

    // The app's keys (UUIDs) pass for creating too.
    let key = app_key();
    let first = send(s.router.clone(), from("10.0.0.1", "POST", "/v1/rooms", Some(&key), &create)).await;
    let retry = send(s.router.clone(), from("10.0.0.1", "POST", "/v1/rooms", Some(&key), &create)).await;
    assert_eq!(first.status, StatusCode::CREATED, "{}", first.body);
    assert_eq!(first.body, retry.body, "the retry gets the first answer, the host's token included");
    assert_eq!(rows(&s, "rooms").await, before.0 + 1, "one room more");

    // A write whose answer holds no token takes any key the header allows.
    let r = s.call("PATCH", &format!("/v1/rooms/{code}"), Some(&host), Some("k1"), Some(r#"{"name":"Renamed"}"#)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);

    // The OpenAPI document says so.
    let doc = s.call("GET", "/v1/openapi.json", None, None, None).await.body;
    for (path, method) in [("/v1/rooms", "post"), ("/v1/rooms/{code}/members", "post")] {
        let params = doc["paths"][path][method]["parameters"].as_array().unwrap();
        let key = params.iter().find(|p| p["name"] == "Idempotency-Key").unwrap();
        assert_eq!(
            key["schema"]["minLength"],
            json!(worktogether_room_server::extract::TOKEN_ANSWER_KEY_MIN_CHARS),
            "{path}: {key}"
        );
        assert_eq!(key["schema"]["maxLength"], json!(worktogether_room_protocol::IDEMPOTENCY_KEY_MAX_CHARS));
    }
}

/// What the scheme before authenticated encryption stored: the answer XORed with a SHA-256
/// key stream of the key as the store knows it (for joining, `<address> <key>`).
fn old_seal(key: &str, plain: &[u8]) -> Vec<u8> {
    use worktogether_room_server::secrets::sha256;
    let stream = (0u64..).flat_map(|block| sha256(&[b"seal", key.as_bytes(), &block.to_le_bytes()]));
    plain.iter().zip(stream).map(|(p, k)| p ^ k).collect()
}

#[tokio::test]
async fn answers_sealed_by_the_old_scheme_are_forgotten_and_altered_answers_refused() {
    let s = Server::with_limits(Limits { trust_forwarded_for: true, ..Limits::default() }).await;
    let (code, host, _, _) = s.room().await;
    let join = json!({"displayName": "Cem"});
    let path = format!("/v1/rooms/{code}/members");
    let key = app_key();
    let members = async || {
        let state = s.call("GET", &format!("/v1/rooms/{code}"), Some(&host), None, None).await;
        state.body["members"].as_array().unwrap().len()
    };
    let first = send(s.router.clone(), from("10.0.0.1", "POST", &path, Some(&key), &join)).await;
    assert_eq!(first.status, StatusCode::CREATED, "{}", first.body);
    assert_eq!(members().await, 3);

    // The answer as a server before the upgrade stored it.
    if on_postgres() {
        return; // What follows writes rows as an older SQLite store held them.
    }
    let db = rusqlite::Connection::open(s.db()).unwrap();
    let old = old_seal(&format!("10.0.0.1 {key}"), first.body.to_string().as_bytes());
    assert_eq!(db.execute("UPDATE idempotency SET response = ?1", [&old]).unwrap(), 1);

    // Never read; forgotten as an expired answer is: the retry joins anew, with a new token.
    let retry = send(s.router.clone(), from("10.0.0.1", "POST", &path, Some(&key), &join)).await;
    assert_eq!(retry.status, StatusCode::CREATED, "{}", retry.body);
    assert_ne!(retry.body["token"], first.body["token"], "the old answer is not read");
    assert_ne!(retry.body["memberId"], first.body["memberId"]);
    assert_eq!(members().await, 4, "applied again, as after the answer's expiry");
    let response: Vec<u8> = db.query_row("SELECT response FROM idempotency", [], |r| r.get(0)).unwrap();
    assert!(response.starts_with(b"wt-aead1"), "the new answer is sealed by the new scheme");
    let again = send(s.router.clone(), from("10.0.0.1", "POST", &path, Some(&key), &join)).await;
    assert_eq!(again.body, retry.body, "and the next retry gets it");

    // An altered answer is refused, never read, and the retry changes nothing.
    let mut altered = response.clone();
    *altered.last_mut().unwrap() ^= 1;
    assert_eq!(db.execute("UPDATE idempotency SET response = ?1", [&altered]).unwrap(), 1);
    let refused = send(s.router.clone(), from("10.0.0.1", "POST", &path, Some(&key), &join)).await;
    assert_refused(&refused, StatusCode::SERVICE_UNAVAILABLE, "unavailable");
    assert_eq!(members().await, 4, "no member more");
    assert_eq!(rows(&s, "idempotency").await, 1);
    // So is one cut short.
    assert_eq!(db.execute("UPDATE idempotency SET response = ?1", [&response[..40]]).unwrap(), 1);
    let refused = send(s.router.clone(), from("10.0.0.1", "POST", &path, Some(&key), &join)).await;
    assert_refused(&refused, StatusCode::SERVICE_UNAVAILABLE, "unavailable");
    assert_eq!(members().await, 4, "no member more");
}

#[tokio::test]
async fn a_host_alone_closes_the_room_by_leaving_and_a_new_code_keeps_a_removed_member_out() {
    let s = Server::new().await;
    let (code, host, member, member_id) = s.room().await;

    // A member cannot change the code; the host can, and the old code stops letting people join.
    assert_refused(
        &s.call("POST", &format!("/v1/rooms/{code}/code"), Some(&member), None, None).await,
        StatusCode::FORBIDDEN,
        "forbidden",
    );
    let removed = s.call("DELETE", &format!("/v1/rooms/{code}/members/{member_id}"), Some(&host), None, None).await;
    assert_eq!(removed.status, StatusCode::NO_CONTENT, "{}", removed.body);
    let changed = s.call("POST", &format!("/v1/rooms/{code}/code"), Some(&host), None, None).await;
    assert_eq!(changed.status, StatusCode::OK, "{}", changed.body);
    let new_code = changed.body["code"].as_str().unwrap().to_owned();
    assert_ne!(new_code, code);
    let rejoin = s.json("POST", &format!("/v1/rooms/{code}/members"), None, json!({"displayName": "Bea"})).await;
    assert_refused(&rejoin, StatusCode::NOT_FOUND, "not_found");
    let cem = s.json("POST", &format!("/v1/rooms/{new_code}/members"), None, json!({"displayName": "Cem"})).await;
    assert_eq!(cem.status, StatusCode::CREATED, "the new code works: {}", cem.body);
    let cem_token = cem.body["token"].as_str().unwrap().to_owned();
    // Members keep their tokens; the old code still names their room for them.
    let state = s.call("GET", &format!("/v1/rooms/{code}"), Some(&host), None, None).await;
    assert_eq!(state.status, StatusCode::OK, "{}", state.body);
    assert_eq!(state.body["room"]["code"], json!(new_code), "and the room state tells the new one");

    // The host hands over, leaves; then the last member leaving closes the room for good.
    let cem_id = cem.body["memberId"].clone();
    let r = s.json("POST", &format!("/v1/rooms/{new_code}/host"), Some(&host), json!({"memberId": cem_id})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(
        s.call("POST", &format!("/v1/rooms/{new_code}/leave"), Some(&host), None, None).await.status,
        StatusCode::NO_CONTENT
    );
    let left = s.call("POST", &format!("/v1/rooms/{new_code}/leave"), Some(&cem_token), None, None).await;
    assert_eq!(left.status, StatusCode::NO_CONTENT, "{}", left.body);
    let join = s.json("POST", &format!("/v1/rooms/{new_code}/members"), None, json!({"displayName": "Dora"})).await;
    assert_refused(&join, StatusCode::NOT_FOUND, "not_found");
    assert_eq!(
        s.count("SELECT COUNT(*) FROM rooms").await,
        0,
        "a room without members is deleted, never left without a host"
    );
    let retired = s.count(&format!("SELECT COUNT(*) FROM retired_codes WHERE code IN ('{code}', '{new_code}')")).await;
    assert_eq!(retired, 2, "neither of its codes is handed out again");
}

/// A session whose commitment round lasts an hour, with a commitment of the host's and one
/// of the member's: (session id, host's commitment id, member's commitment id).
async fn session_with_commitments(s: &Server, code: &str, host: &str, member: &str) -> (String, String, String) {
    let plan = json!({"templateName": "Kitchen", "phases": [{"kind": "commitment", "durationSecs": 3600}, {"kind": "closing", "durationSecs": 3600}]});
    let session = s.json("POST", &format!("/v1/rooms/{code}/sessions"), Some(host), plan).await;
    assert_eq!(session.status, StatusCode::CREATED, "{}", session.body);
    let sid = session.body["id"].as_str().unwrap().to_owned();
    let mut ids = Vec::new();
    for (token, text) in [(host, "Plan the week's posts"), (member, "Launch the shop's account")] {
        let path = format!("/v1/rooms/{code}/sessions/{sid}/commitments");
        let c = s.json("POST", &path, Some(token), json!({"text": text})).await;
        assert_eq!(c.status, StatusCode::CREATED, "{}", c.body);
        ids.push(c.body["id"].as_str().unwrap().to_owned());
    }
    (sid, ids.remove(0), ids.remove(0))
}

async fn ask(s: &Server, code: &str, commitment: &str, token: &str, key: Option<&str>, text: &str) -> Reply {
    let body = json!({"text": text}).to_string();
    s.call("POST", &format!("/v1/rooms/{code}/commitments/{commitment}/questions"), Some(token), key, Some(&body)).await
}

async fn mark_answered(s: &Server, code: &str, question: &str, token: &str) -> Reply {
    s.call("POST", &format!("/v1/rooms/{code}/questions/{question}/answered"), Some(token), None, None).await
}

#[tokio::test]
async fn members_ask_the_host_about_their_own_commitments_and_the_host_marks_them_answered() {
    let s = Server::new().await;
    let (code, host, member, member_id) = s.room().await;
    let (sid, host_commitment, member_commitment) = session_with_commitments(&s, &code, &host, &member).await;
    let Ok(mut stream) = EventStream::open(&s.router, &code, &host, None).await else { panic!("the host follows") };

    let first = ask(&s, &code, &member_commitment, &member, Some("q-1"), "Reels or stories first?").await;
    assert_eq!(first.status, StatusCode::CREATED, "{}", first.body);
    assert_eq!(first.body["memberId"], json!(member_id));
    assert_eq!(first.body["commitmentId"], json!(member_commitment));
    assert_eq!(first.body["sessionId"], json!(sid));
    assert_eq!(first.body["text"], "Reels or stories first?");
    assert_eq!(first.body["answeredAt"], Value::Null);
    let retry = ask(&s, &code, &member_commitment, &member, Some("q-1"), "Reels or stories first?").await;
    assert_eq!(retry.body, first.body, "a retry gets the first answer");
    assert_refused(
        &ask(&s, &code, &member_commitment, &member, Some("q-1"), "Something else").await,
        StatusCode::CONFLICT,
        "idempotency_key_reused",
    );

    // Only about one's own commitments; the text is checked like a commitment's.
    assert_refused(&ask(&s, &code, &host_commitment, &member, None, "Why?").await, StatusCode::FORBIDDEN, "forbidden");
    let nowhere = uuid::Uuid::now_v7().to_string();
    assert_refused(&ask(&s, &code, &nowhere, &member, None, "Why?").await, StatusCode::NOT_FOUND, "not_found");
    for text in ["\u{200B}\u{2060}", "  ", "Post \u{202E}gnp.exe", "A\u{7}", &"x".repeat(501)] {
        let r = ask(&s, &code, &member_commitment, &member, None, text).await;
        assert_refused(&r, StatusCode::UNPROCESSABLE_ENTITY, "invalid_input");
    }
    let r = ask(&s, &code, &member_commitment, &member, None, "Caf\u{65}\u{301} hours?").await;
    assert_eq!(r.body["text"], "Caf\u{E9} hours?", "stored in NFC: {}", r.body);
    let second_id = r.body["id"].as_str().unwrap().to_owned();
    let own = ask(&s, &code, &host_commitment, &host, None, "Does anyone use threads?").await;
    assert_eq!(own.status, StatusCode::CREATED, "the host is a member too: {}", own.body);

    // Everyone sees them in the order they came; a member cannot mark one answered.
    let detail = s.call("GET", &format!("/v1/rooms/{code}/sessions/{sid}"), Some(&member), None, None).await;
    let texts: Vec<_> = detail.body["questions"].as_array().unwrap().iter().map(|q| q["text"].clone()).collect();
    assert_eq!(texts, [json!("Reels or stories first?"), json!("Caf\u{E9} hours?"), json!("Does anyone use threads?")]);
    let first_id = first.body["id"].as_str().unwrap();
    assert_refused(&mark_answered(&s, &code, first_id, &member).await, StatusCode::FORBIDDEN, "forbidden");
    assert_refused(&mark_answered(&s, &code, &nowhere, &host).await, StatusCode::NOT_FOUND, "not_found");
    let marked = mark_answered(&s, &code, first_id, &host).await;
    assert_eq!(marked.status, StatusCode::OK, "{}", marked.body);
    let at = marked.body["answeredAt"].clone();
    assert!(at.is_string(), "{}", marked.body);
    let again = mark_answered(&s, &code, first_id, &host).await;
    assert_eq!(again.status, StatusCode::OK, "answering twice is fine: {}", again.body);
    assert_eq!(again.body["answeredAt"], at, "and keeps the first time");
    let detail = s.call("GET", &format!("/v1/rooms/{code}/sessions/{sid}"), Some(&host), None, None).await;
    assert_eq!(detail.body["questions"][0]["answeredAt"], at);
    assert_eq!(detail.body["questions"][1]["answeredAt"], Value::Null);

    // Over: no more questions (nobody is there to answer); the host may still mark them.
    let control = format!("/v1/rooms/{code}/sessions/{sid}/control");
    assert_eq!(s.json("POST", &control, Some(&host), json!({"action": "end"})).await.status, StatusCode::OK);
    let late = ask(&s, &code, &member_commitment, &member, None, "Still there?").await;
    assert_refused(&late, StatusCode::CONFLICT, "wrong_state");
    assert_eq!(mark_answered(&s, &code, &second_id, &host).await.status, StatusCode::OK, "answered after the session");

    // Each change is one event: three asked, two answered (the second marking emitted none).
    let (events, _) = stream.drain(Duration::from_millis(500)).await;
    let kinds: Vec<_> = events.iter().map(|e| e["change"]["type"].as_str().unwrap().to_owned()).collect();
    assert_eq!(
        kinds,
        [
            "question_asked",
            "question_asked",
            "question_asked",
            "question_answered",
            "session_changed",
            "question_answered"
        ]
    );
    assert_eq!(events[0]["change"]["question"], first.body);
    assert_eq!(events[3]["change"]["question"]["answeredAt"], at);
}

#[tokio::test]
async fn open_questions_are_bounded_per_member_and_per_session() {
    let s =
        Server::with_limits(Limits { joins_per_minute: 1000, requests_per_second: 1000, ..Limits::default() }).await;
    let (code, host, member, _) = s.room().await;
    let (sid, _, member_commitment) = session_with_commitments(&s, &code, &host, &member).await;
    let mut first = None;
    for i in 0..20 {
        let r = ask(&s, &code, &member_commitment, &member, None, &format!("Question {i}")).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        first.get_or_insert(r.body["id"].as_str().unwrap().to_owned());
    }
    let r = ask(&s, &code, &member_commitment, &member, None, "One more").await;
    assert_refused(&r, StatusCode::CONFLICT, "wrong_state");
    assert!(r.body["message"].as_str().unwrap().contains("20 open questions"), "{}", r.body);
    let path = format!("/v1/rooms/{code}/questions/{}/answered", first.unwrap());
    assert_eq!(s.call("POST", &path, Some(&host), None, None).await.status, StatusCode::OK);
    let r = ask(&s, &code, &member_commitment, &member, None, "One more").await;
    assert_eq!(r.status, StatusCode::CREATED, "an answered question frees its place: {}", r.body);

    // Nine more members with 20 open each: 200 open in the session, the most it holds.
    let mut others = Vec::new();
    for i in 0..10 {
        let j =
            s.json("POST", &format!("/v1/rooms/{code}/members"), None, json!({"displayName": format!("M{i}")})).await;
        let token = j.body["token"].as_str().unwrap().to_owned();
        let path = format!("/v1/rooms/{code}/sessions/{sid}/commitments");
        let c = s.json("POST", &path, Some(&token), json!({"text": "Grow the audience"})).await;
        others.push((token, c.body["id"].as_str().unwrap().to_owned()));
    }
    for (token, commitment) in &others[..9] {
        for i in 0..20 {
            let r = ask(&s, &code, commitment, token, None, &format!("Question {i}")).await;
            assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        }
    }
    let (token, commitment) = &others[9];
    let r = ask(&s, &code, commitment, token, None, "Me too?").await;
    assert_refused(&r, StatusCode::CONFLICT, "wrong_state");
    assert!(r.body["message"].as_str().unwrap().contains("200 open questions"), "{}", r.body);

    // Answered ones count too, up to 1,000 in a session (written straight into the store).
    if on_postgres() {
        return; // What follows writes rows as an older SQLite store held them.
    }
    let db = rusqlite::Connection::open(s.db()).unwrap();
    db.execute("UPDATE questions SET answered_at = asked_at WHERE session_id = ?1 AND answered_at IS NULL", [&sid])
        .unwrap();
    let (asker, _) = &others[0];
    let asker_id = asker.split_once('.').unwrap().0.parse::<uuid::Uuid>().unwrap().to_string();
    let (_, asked_about) = &others[0];
    for _ in 0..(1000 - 201) {
        db.execute(
            "INSERT INTO questions (id, session_id, commitment_id, member_id, text, asked_at, answered_at)
             VALUES (?1, ?2, ?3, ?4, 'Old', '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z')",
            rusqlite::params![uuid::Uuid::now_v7().to_string(), sid, asked_about, asker_id],
        )
        .unwrap();
    }
    let r = ask(&s, &code, commitment, token, None, "Now?").await;
    assert_refused(&r, StatusCode::CONFLICT, "wrong_state");
    assert!(r.body["message"].as_str().unwrap().contains("1000 questions"), "{}", r.body);
}

#[tokio::test]
async fn the_host_deletes_the_room_and_everything_in_it() {
    let s = Server::new().await;
    let (code, host, member, _) = s.room().await;
    let (_, _, member_commitment) = session_with_commitments(&s, &code, &host, &member).await;
    if on_postgres() {
        return; // What follows changes the SQLite file itself.
    }
    // A commitment posted ahead (written straight into the store: a session runs).
    rusqlite::Connection::open(s.db())
        .unwrap()
        .execute(
            "INSERT INTO ahead_commitments (id, room_id, member_id, text, created_at)
             SELECT ?1, room_id, id, 'Next time', joined_at FROM members LIMIT 1",
            [uuid::Uuid::now_v7().to_string()],
        )
        .unwrap();
    let q = s
        .json(
            "POST",
            &format!("/v1/rooms/{code}/commitments/{member_commitment}/questions"),
            Some(&member),
            json!({"text": "Which tools?"}),
        )
        .await;
    assert_eq!(q.status, StatusCode::CREATED, "{}", q.body);
    let schedule = schedule_of(&days_ago(1), Some("FREQ=WEEKLY"));
    assert_eq!(
        s.json("PUT", &format!("/v1/rooms/{code}/schedule"), Some(&host), schedule).await.status,
        StatusCode::OK
    );
    let new_code =
        s.call("POST", &format!("/v1/rooms/{code}/code"), Some(&host), None, None).await.body["code"].clone();
    let new_code = new_code.as_str().unwrap().to_owned();
    // Another room, which stays as it is.
    let other = s.json("POST", "/v1/rooms", None, json!({"name": "Other", "hostName": "Oda"})).await;
    let (other_code, other_host) =
        (other.body["state"]["room"]["code"].as_str().unwrap(), other.body["token"].as_str().unwrap());

    let (Ok(mut members_stream), Ok(mut hosts_stream), Ok(mut behind)) = (
        EventStream::open(&s.router, &code, &member, None).await,
        EventStream::open(&s.router, &new_code, &host, None).await,
        EventStream::open(&s.router, &code, &member, Some("0")).await,
    ) else {
        panic!("they follow the room");
    };
    // Caught up and waiting for news, as a server's streams are; `behind` has yet to read the
    // room's stored events.
    for stream in [&mut members_stream, &mut hosts_stream] {
        assert!(matches!(stream.next(Duration::from_millis(100)).await, Next::Silent));
    }
    assert_refused(
        &s.call("DELETE", &format!("/v1/rooms/{new_code}"), Some(&member), None, None).await,
        StatusCode::FORBIDDEN,
        "forbidden",
    );
    let deleted = s.call("DELETE", &format!("/v1/rooms/{code}"), Some(&host), Some("delete-1"), None).await;
    assert_eq!(deleted.status, StatusCode::NO_CONTENT, "a former code names the room for its host: {}", deleted.body);

    for stream in [&mut members_stream, &mut hosts_stream] {
        let (events, ended) = stream.drain(Duration::from_secs(3)).await;
        let kinds: Vec<_> = events.iter().map(|e| e["change"]["type"].clone()).collect();
        assert_eq!(kinds, [json!("room_deleted")], "one last event");
        assert!(ended, "then the stream ends");
    }
    let (events, ended) = behind.drain(Duration::from_secs(3)).await;
    assert!(events.is_empty() && ended, "a stream still catching up finds the room gone and ends: {events:?}");
    for token in [&host, &member] {
        for c in [&code, &new_code] {
            let r = s.call("GET", &format!("/v1/rooms/{c}"), Some(token), None, None).await;
            assert_refused(&r, StatusCode::UNAUTHORIZED, "unauthorized");
        }
        let Err(r) = EventStream::open(&s.router, &new_code, token, None).await else { panic!("no stream") };
        assert_refused(&r, StatusCode::UNAUTHORIZED, "unauthorized");
    }
    let retry = s.call("DELETE", &format!("/v1/rooms/{code}"), Some(&host), Some("delete-1"), None).await;
    assert_refused(&retry, StatusCode::UNAUTHORIZED, "unauthorized");
    for c in [&code, &new_code] {
        let join = s.json("POST", &format!("/v1/rooms/{c}/members"), None, json!({"displayName": "Late"})).await;
        assert_refused(&join, StatusCode::NOT_FOUND, "not_found");
    }

    // Nothing of it is left but its codes, kept so that they are never handed out again.
    assert_eq!(s.count("SELECT COUNT(*) FROM rooms").await, 1, "only the other room");
    for table in ["members", "events", "former_codes"] {
        let other = format!("SELECT COUNT(*) FROM {table} WHERE room_id != (SELECT id FROM rooms)");
        assert_eq!(s.count(&other).await, 0, "{table} of the deleted room");
    }
    for table in ["sessions", "commitments", "questions", "kudos", "schedule_entries", "ahead_commitments"] {
        assert_eq!(s.count(&format!("SELECT COUNT(*) FROM {table}")).await, 0, "{table}");
    }
    let retired = s.texts("SELECT code FROM retired_codes ORDER BY code").await;
    let mut codes = vec![code.clone(), new_code.clone()];
    codes.sort();
    assert_eq!(retired, codes);
    let r = s.call("GET", &format!("/v1/rooms/{other_code}"), Some(other_host), None, None).await;
    assert_eq!(r.status, StatusCode::OK, "other rooms stay: {}", r.body);
}

async fn post_ahead(s: &Server, code: &str, token: &str, key: Option<&str>, text: &str) -> Reply {
    let body = json!({"text": text}).to_string();
    s.call("POST", &format!("/v1/rooms/{code}/commitments"), Some(token), key, Some(&body)).await
}

async fn room_state(s: &Server, code: &str, token: &str) -> Value {
    let r = s.call("GET", &format!("/v1/rooms/{code}"), Some(token), None, None).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    r.body
}

#[tokio::test]
async fn commitments_posted_ahead_move_into_the_next_session_when_the_host_starts_it() {
    let s = Server::with_limits(Limits { requests_per_second: 1000, ..Limits::default() }).await;
    let (code, host, member, member_id) = s.room().await;
    let Ok(mut stream) = EventStream::open(&s.router, &code, &host, None).await else { panic!("the host follows") };

    // Before any session: posted, listed in the room's state in the order they came.
    let invoices = post_ahead(&s, &code, &member, Some("ahead-1"), "Invoices").await;
    assert_eq!(invoices.status, StatusCode::CREATED, "{}", invoices.body);
    assert_eq!(invoices.body["memberId"], json!(member_id));
    assert_eq!(invoices.body["text"], "Invoices");
    assert!(invoices.body["createdAt"].is_string() && invoices.body["id"].is_string(), "{}", invoices.body);
    let retry = post_ahead(&s, &code, &member, Some("ahead-1"), "Invoices").await;
    assert_eq!((retry.status, &retry.body), (StatusCode::CREATED, &invoices.body), "a retry gets the first answer");
    assert_refused(
        &post_ahead(&s, &code, &member, Some("ahead-1"), "Taxes").await,
        StatusCode::CONFLICT,
        "idempotency_key_reused",
    );
    let plan = post_ahead(&s, &code, &host, None, "Plan the week's posts").await;
    let taxes = post_ahead(&s, &code, &member, None, "Caf\u{65}\u{301} receipts").await;
    assert_eq!(taxes.body["text"], "Caf\u{E9} receipts", "stored in NFC: {}", taxes.body);
    let posted = [invoices.body.clone(), plan.body.clone(), taxes.body.clone()];
    assert_eq!(room_state(&s, &code, &host).await["ahead"], json!(posted), "once each, in the order they came");

    // The host starts the session: they move into it, as posted ahead.
    let start = json!({"templateName": "Kitchen", "phases": [{"kind": "commitment", "durationSecs": 3600}, {"kind": "closing", "durationSecs": 3600}]});
    let session = s.json("POST", &format!("/v1/rooms/{code}/sessions"), Some(&host), start.clone()).await;
    assert_eq!(session.status, StatusCode::CREATED, "{}", session.body);
    let sid = session.body["id"].as_str().unwrap().to_owned();
    let state = room_state(&s, &code, &member).await;
    assert_eq!(state["ahead"], json!([]), "nothing is left waiting: {state}");
    let detail = s.call("GET", &format!("/v1/rooms/{code}/sessions/{sid}"), Some(&member), None, None).await;
    let commitments = detail.body["commitments"].as_array().unwrap().clone();
    assert_eq!(commitments.len(), 3, "{}", detail.body);
    for (c, p) in commitments.iter().zip(&posted) {
        for field in ["id", "memberId", "text", "createdAt"] {
            assert_eq!(c[field], p[field], "{field} is kept: {c}");
        }
        assert_eq!((&c["sessionId"], &c["ahead"], &c["afterwards"]), (&json!(sid), &json!(true), &json!(false)));
        assert_eq!((&c["outcome"], &c["kudos"]), (&json!("pending"), &json!([])));
    }
    let (events, _) = stream.drain(Duration::from_millis(500)).await;
    let kinds: Vec<_> = events.iter().map(|e| e["change"]["type"].as_str().unwrap().to_owned()).collect();
    assert_eq!(
        kinds,
        [
            "commitment_posted_ahead",
            "commitment_posted_ahead",
            "commitment_posted_ahead",
            "session_started",
            "commitment_published",
            "commitment_published",
            "commitment_published"
        ],
        "one event per post (the retry emitted none); the start, then each moved commitment"
    );
    for (e, p) in events[..3].iter().zip(&posted) {
        assert_eq!(&e["change"]["commitment"], p);
    }
    for (e, c) in events[4..].iter().zip(&commitments) {
        assert_eq!(&e["change"]["commitment"], c, "published as the session holds it");
    }

    // While the session runs, and while it is paused, it is shared in the session instead.
    let before = room_state(&s, &code, &host).await;
    let refused = post_ahead(&s, &code, &member, Some("ahead-running"), "Later").await;
    assert_refused(&refused, StatusCode::CONFLICT, "wrong_state");
    assert!(refused.body["message"].as_str().unwrap().contains("share the commitment in it"), "{}", refused.body);
    assert_eq!(room_state(&s, &code, &host).await, before, "a refused post changes nothing");
    let control = format!("/v1/rooms/{code}/sessions/{sid}/control");
    assert_eq!(s.json("POST", &control, Some(&host), json!({"action": "pause"})).await.status, StatusCode::OK);
    let paused = room_state(&s, &code, &host).await;
    assert_refused(&post_ahead(&s, &code, &member, None, "Later").await, StatusCode::CONFLICT, "wrong_state");
    assert_eq!(room_state(&s, &code, &host).await, paused, "a refused post changes nothing");
    let live = s
        .json("POST", &format!("/v1/rooms/{code}/sessions/{sid}/commitments"), Some(&member), json!({"text": "Live"}))
        .await;
    assert_eq!((live.status, &live.body["ahead"]), (StatusCode::CREATED, &json!(false)), "{}", live.body);

    // Over: posting ahead works again, for the next session; the first key still answers once.
    assert_eq!(s.json("POST", &control, Some(&host), json!({"action": "end"})).await.status, StatusCode::OK);
    let next = post_ahead(&s, &code, &member, None, "Next time: the shop").await;
    assert_eq!(next.status, StatusCode::CREATED, "{}", next.body);
    let retry = post_ahead(&s, &code, &member, Some("ahead-1"), "Invoices").await;
    assert_eq!(retry.body, invoices.body, "a late retry gets the first answer and posts nothing");
    assert_eq!(room_state(&s, &code, &host).await["ahead"], json!([next.body]));
    let detail = s.call("GET", &format!("/v1/rooms/{code}/sessions/{sid}"), Some(&member), None, None).await;
    assert_eq!(detail.body["commitments"].as_array().unwrap().len(), 4, "the session over keeps what it had");
    let second = s.json("POST", &format!("/v1/rooms/{code}/sessions"), Some(&host), start).await;
    let detail = s
        .call(
            "GET",
            &format!("/v1/rooms/{code}/sessions/{}", second.body["id"].as_str().unwrap()),
            Some(&host),
            None,
            None,
        )
        .await;
    let texts: Vec<_> = detail.body["commitments"].as_array().unwrap().iter().map(|c| c["text"].clone()).collect();
    assert_eq!(texts, [json!("Next time: the shop")], "each session gets what was posted for it");
}

#[tokio::test]
async fn commitments_ahead_are_checked_bounded_and_go_with_their_member() {
    let s = Server::with_limits(Limits { requests_per_second: 1000, ..Limits::default() }).await;
    let (code, host, member, member_id) = s.room().await;
    let path = format!("/v1/rooms/{code}/commitments");
    let before = room_state(&s, &code, &host).await;

    // Bad text, bad bodies and bad tokens change nothing.
    let invisible = ["", "  ", "\u{200B}\u{2060}", "\u{2800}"];
    let unsafe_ = ["Post \u{202E}gnp.exe", "\u{2067}Ada\u{2069}", "A\u{7}", "A\u{2028}B", &"x".repeat(501)];
    for text in invisible.iter().chain(&unsafe_) {
        let r = post_ahead(&s, &code, &member, None, text).await;
        assert_refused(&r, StatusCode::UNPROCESSABLE_ENTITY, "invalid_input");
        assert!(!r.body["message"].as_str().unwrap().contains('\u{202E}'), "{}", r.body);
    }
    assert_eq!(post_ahead(&s, &code, &member, None, &"x".repeat(500)).await.status, StatusCode::CREATED, "500 fit");
    for body in ["{not json", "{}", r#"{"text": 5}"#, r#"{"text": "A", "session": "x"}"#] {
        let r = s.call("POST", &path, Some(&member), None, Some(body)).await;
        assert_refused(&r, StatusCode::BAD_REQUEST, "bad_request");
    }
    let forged = format!("{}.{}", member.split('.').next().unwrap(), "0".repeat(64));
    for token in [None, Some("not-a-token"), Some(forged.as_str())] {
        let r = s.call("POST", &path, token, None, Some(r#"{"text": "Mine"}"#)).await;
        assert_refused(&r, StatusCode::UNAUTHORIZED, "unauthorized");
    }
    let elsewhere = s.json("POST", "/v1/rooms", None, json!({"name": "Elsewhere", "hostName": "Oda"})).await;
    let stranger = elsewhere.body["token"].as_str().unwrap();
    assert_refused(&post_ahead(&s, &code, stranger, None, "Mine").await, StatusCode::NOT_FOUND, "not_found");
    let after = room_state(&s, &code, &host).await;
    assert_eq!(after["ahead"].as_array().unwrap().len(), 1, "only the 500 characters: {after}");

    // At most 20 waiting per member; others are not affected.
    for i in 1..20 {
        let r = post_ahead(&s, &code, &member, None, &format!("Commitment {i}")).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    }
    let full = post_ahead(&s, &code, &member, Some("one-too-many"), "One more").await;
    assert_refused(&full, StatusCode::CONFLICT, "wrong_state");
    assert!(full.body["message"].as_str().unwrap().contains("20 commitments ahead"), "{}", full.body);
    assert_eq!(post_ahead(&s, &code, &host, None, "The host's").await.status, StatusCode::CREATED);

    // Those of a member who leaves, or is removed, go with them.
    let mut gone = Vec::new();
    for name in ["Cem", "Dora"] {
        let j = s.json("POST", &format!("/v1/rooms/{code}/members"), None, json!({"displayName": name})).await;
        let token = j.body["token"].as_str().unwrap().to_owned();
        for text in ["Won't come", "Still won't"] {
            assert_eq!(post_ahead(&s, &code, &token, None, text).await.status, StatusCode::CREATED);
        }
        gone.push((token, j.body["memberId"].as_str().unwrap().to_owned()));
    }
    assert_eq!(room_state(&s, &code, &host).await["ahead"].as_array().unwrap().len(), 25);
    let Ok(mut stream) = EventStream::open(&s.router, &code, &host, None).await else { panic!("the host follows") };
    let r = s.call("POST", &format!("/v1/rooms/{code}/leave"), Some(&gone[0].0), None, None).await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.body);
    let r = s.call("DELETE", &format!("/v1/rooms/{code}/members/{}", gone[1].1), Some(&host), None, None).await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.body);
    let (events, _) = stream.drain(Duration::from_millis(500)).await;
    let kinds: Vec<_> = events.iter().map(|e| e["change"]["type"].clone()).collect();
    assert_eq!(kinds, [json!("member_left"), json!("member_left")], "member_left says it all");
    let ahead = room_state(&s, &code, &host).await["ahead"].as_array().unwrap().clone();
    let by: std::collections::BTreeSet<_> = ahead.iter().map(|c| c["memberId"].as_str().unwrap().to_owned()).collect();
    let host_id = before["room"]["hostId"].as_str().unwrap().to_owned();
    assert_eq!(by, [member_id.clone(), host_id].into_iter().collect(), "only those still in the room");
    assert_eq!(s.count("SELECT COUNT(*) FROM ahead_commitments").await, 21, "deleted, not only hidden");

    // Moved into the session, the 20 count there: the member shares no 21st.
    let start = json!({"templateName": "Kitchen", "phases": [{"kind": "commitment", "durationSecs": 3600}]});
    let session = s.json("POST", &format!("/v1/rooms/{code}/sessions"), Some(&host), start).await;
    let sid = session.body["id"].as_str().unwrap();
    let detail = s.call("GET", &format!("/v1/rooms/{code}/sessions/{sid}"), Some(&member), None, None).await;
    let commitments = detail.body["commitments"].as_array().unwrap();
    assert_eq!(commitments.len(), 21, "{}", detail.body);
    assert!(commitments.iter().all(|c| c["ahead"] == json!(true)));
    let live = s
        .json("POST", &format!("/v1/rooms/{code}/sessions/{sid}/commitments"), Some(&member), json!({"text": "21st"}))
        .await;
    assert_refused(&live, StatusCode::CONFLICT, "wrong_state");
}

/// On PostgreSQL, writes from other instances interleave: a join that found the room by its
/// code, then waited for the room while its host gave it a new code, is refused (the new code
/// keeps removed members out), and never lands after the change.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_join_that_waited_while_the_code_changed_is_refused() {
    if !on_postgres() {
        return; // SQLite has one writer: nothing interleaves.
    }
    let s = Server::new().await;
    let (code, _, _, _) = s.room().await;
    // Another instance's write holds the room.
    let (other, connection) = tokio_postgres::connect(s.db(), tokio_postgres::NoTls).await.unwrap();
    tokio::spawn(connection);
    other.batch_execute("BEGIN").await.unwrap();
    other.execute("SELECT 1 FROM rooms WHERE code = $1 FOR UPDATE", &[&code]).await.unwrap();
    let path = format!("/v1/rooms/{code}/members");
    let join = send(s.router.clone(), from("10.0.0.9", "POST", &path, None, &json!({"displayName": "Late"})));
    let change = async {
        // While the join waits for the room (had it not waited, it would have joined: 201).
        tokio::time::sleep(Duration::from_millis(300)).await;
        other.execute("UPDATE rooms SET code = 'ZZZZZ-ZZZZZ' WHERE code = $1", &[&code]).await.unwrap();
        other.batch_execute("COMMIT").await.unwrap();
    };
    let (joined, ()) = tokio::join!(join, change);
    assert_refused(&joined, StatusCode::NOT_FOUND, "not_found");
    assert_eq!(s.count("SELECT COUNT(*) FROM members").await, 2, "nobody joined");
}
