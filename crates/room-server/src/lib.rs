//! `worktogether-room`, the self-hostable room server: rooms with codes and member tokens,
//! presence, shared sessions, commitments and outcomes, a schedule, and a stored event
//! stream per room. [`app`] builds the whole HTTP API, so tests can call it in process.

pub mod api;
pub mod config;
pub mod error;
pub mod extract;
pub mod hub;
pub mod limits;
pub mod openapi;
pub mod presence;
pub mod schedule;
pub mod secrets;
pub mod store;
pub mod stream;

use axum::Router;
use axum::extract::{DefaultBodyLimit, Request};
use axum::http::{HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::watch;
use worktogether_room_protocol::SERVER_TIME_HEADER;

pub use config::{Config, Limits};
use error::AppError;
use store::Store;

/// What every handler shares.
#[derive(Clone)]
pub struct AppState {
    pub store: Arc<Store>,
    pub limits: Arc<Limits>,
    pub rate: Arc<limits::RateLimits>,
    pub streams: Arc<limits::StreamSlots>,
    pub presence: Arc<presence::Tracker>,
    pub keep_alive: Duration,
    /// Turns true when the server shuts down: open event streams end.
    pub shutdown: watch::Receiver<bool>,
}

impl AppState {
    pub fn new(store: Arc<Store>, limits: Limits, shutdown: watch::Receiver<bool>) -> Self {
        let presence = presence::Tracker::new(Duration::from_secs(limits.presence_grace_secs), Utc::now());
        let rate = Arc::new(limits::RateLimits::new(&limits));
        let per_member = rate.clone();
        store.admit_with(Arc::new(move |actor: &store::Actor| per_member.request(actor.member_id)));
        Self {
            store,
            rate,
            streams: Arc::new(limits::StreamSlots::new(&limits)),
            presence: Arc::new(presence),
            keep_alive: Duration::from_secs(limits.keep_alive_secs.max(1)),
            limits: Arc::new(limits),
            shutdown,
        }
    }
}

/// The whole HTTP API.
pub fn app(state: AppState) -> Router {
    let max_body = state.limits.max_body_bytes;
    let (router, _) = openapi::router().split_for_parts();
    router
        .route("/v1/openapi.json", axum::routing::get(openapi::serve))
        .fallback(|| async { AppError::NotFound("route") })
        .method_not_allowed_fallback(|| async {
            (
                StatusCode::METHOD_NOT_ALLOWED,
                axum::Json(worktogether_room_protocol::ErrorBody {
                    code: worktogether_room_protocol::ErrorCode::BadRequest,
                    message: "this method is not allowed here".into(),
                }),
            )
        })
        .with_state(state)
        .layer(middleware::from_fn(move |req, next| limit_body(req, next, max_body)))
        .layer(DefaultBodyLimit::max(max_body))
        .layer(middleware::from_fn(server_time))
        .layer(tower_http::trace::TraceLayer::new_for_http())
}

/// Every answer carries the server's clock, so clients can compute their offset.
async fn server_time(req: Request, next: Next) -> Response {
    let mut res = next.run(req).await;
    let now = Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
    res.headers_mut().insert(SERVER_TIME_HEADER, HeaderValue::from_str(&now).expect("a timestamp is a valid header"));
    res
}

/// Refuses a body announced as too large before reading it, with the limit in the message.
async fn limit_body(req: Request, next: Next, max: usize) -> Response {
    let announced = req
        .headers()
        .get(axum::http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if announced.is_some_and(|n| n > max as u64) {
        return AppError::PayloadTooLarge(max).into_response();
    }
    let res = next.run(req).await;
    // A body that turned out too large while streaming: name the limit.
    if res.status() == StatusCode::PAYLOAD_TOO_LARGE {
        return AppError::PayloadTooLarge(max).into_response();
    }
    res
}

/// Runs blocking store work off the async threads.
pub async fn blocking<T: Send + 'static>(f: impl FnOnce() -> error::Result<T> + Send + 'static) -> error::Result<T> {
    match tokio::task::spawn_blocking(f).await {
        Ok(r) => r,
        Err(e) => std::panic::resume_unwind(e.into_panic()),
    }
}

/// Runs a member's request (`f` authenticates the token) on a blocking thread. An address
/// over its failed authentications is refused before any work; a token found not valid
/// counts against the address.
pub async fn as_member<T: Send + 'static>(
    app: &AppState,
    addr: IpAddr,
    f: impl FnOnce() -> error::Result<T> + Send + 'static,
) -> error::Result<T> {
    app.rate.address_allowed(addr)?;
    match blocking(f).await {
        Err(AppError::Unauthorized) => Err(app.rate.failed_authentication(addr)),
        other => other,
    }
}

/// Deletes inactive rooms and old idempotency answers, now and then every hour.
pub async fn maintain(state: AppState) {
    let mut tick = tokio::time::interval(Duration::from_secs(3600));
    loop {
        tick.tick().await;
        let store = state.store.clone();
        let days = chrono::Duration::days(i64::from(state.limits.inactive_days));
        let now = Utc::now();
        match blocking(move || store.expire(now - days, now - chrono::Duration::days(1))).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(rooms = n, "deleted inactive rooms"),
            Err(e) => tracing::warn!(error = %e, "could not delete inactive rooms"),
        }
        state.rate.forget_idle();
    }
}
