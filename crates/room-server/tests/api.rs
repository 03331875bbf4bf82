//! Handler tests in process: `app().oneshot(request)` on a temporary database.

use axum::body::Body;
use axum::http::{Request, StatusCode};
use http_body_util::BodyExt;
use serde_json::{Value, json};
use std::sync::Arc;
use tower::ServiceExt;
use worktogether_room_server::{AppState, Limits, app, hub::Hub, store::Store};

struct Server {
    router: axum::Router,
    _dir: tempfile::TempDir,
}

struct Reply {
    status: StatusCode,
    body: Value,
    server_time: Option<String>,
}

impl Server {
    fn new() -> Self {
        Self::with_limits(Limits::default())
    }

    fn with_limits(limits: Limits) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let store = Arc::new(Store::open(&dir.path().join("rooms.sqlite3"), Arc::new(Hub::default())).unwrap());
        let (_stop, stopped) = tokio::sync::watch::channel(false);
        std::mem::forget(_stop);
        Self { router: app(AppState::new(store, limits, stopped)), _dir: dir }
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
        let res = self.router.clone().oneshot(req).await.unwrap();
        let status = res.status();
        let server_time = res.headers().get("x-server-time").map(|v| v.to_str().unwrap().to_owned());
        let bytes = res.into_body().collect().await.unwrap().to_bytes();
        let body = if bytes.is_empty() { Value::Null } else { serde_json::from_slice(&bytes).unwrap_or(Value::Null) };
        Reply { status, body, server_time }
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

fn assert_refused(r: &Reply, status: StatusCode, code: &str) {
    assert_eq!(r.status, status, "{}", r.body);
    assert_eq!(r.body["code"], code, "{}", r.body);
    assert!(r.body["message"].as_str().is_some_and(|m| !m.is_empty()), "a refusal says why: {}", r.body);
}

#[tokio::test]
async fn create_join_and_read_a_room() {
    let s = Server::new();
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
    let s = Server::with_limits(Limits { max_body_bytes: 2048, ..Limits::default() });
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
    let s = Server::new();
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
    let s = Server::new();
    let (code, _, _, _) = s.room().await;
    let body = r#"{"displayName":"Cem"}"#;
    let path = format!("/v1/rooms/{code}/members");
    let first = s.call("POST", &path, None, Some("join-cem-1"), Some(body)).await;
    let retry = s.call("POST", &path, None, Some("join-cem-1"), Some(body)).await;
    assert_eq!(first.status, StatusCode::CREATED);
    assert_eq!(first.body, retry.body, "the retry gets the first answer, token included");
    let token = first.body["token"].as_str().unwrap();
    let state = s.call("GET", &format!("/v1/rooms/{code}"), Some(token), None, None).await;
    assert_eq!(state.body["members"].as_array().unwrap().len(), 3, "Cem joined once: {}", state.body);
    let other = s.call("POST", &path, None, Some("join-cem-1"), Some(r#"{"displayName":"Dora"}"#)).await;
    assert_refused(&other, StatusCode::CONFLICT, "idempotency_key_reused");
}

#[tokio::test]
async fn join_attempts_per_address_are_limited() {
    let s = Server::with_limits(Limits { joins_per_minute: 3, ..Limits::default() });
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
    let s = Server::with_limits(Limits { max_members: 2, ..Limits::default() });
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
    let s = Server::new();
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
    let s = Server::new();
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
