//! `worktogether-room`, the self-hostable room server: rooms with codes and member tokens,
//! presence, shared sessions, commitments and outcomes, a schedule, and a stored event
//! stream per room. [`app`] builds the whole HTTP API, so tests can call it in process.

pub mod api;
pub mod config;
pub mod domain;
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
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use std::io;
use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::watch;
use worktogether_room_protocol::SERVER_TIME_HEADER;

pub use config::{Config, Limits};
use domain::Rooms;
use error::AppError;

/// What every handler shares.
#[derive(Clone)]
pub struct AppState {
    pub rooms: Arc<Rooms>,
    /// The rooms' live events in this process, as the store publishes them.
    pub hub: Arc<hub::Hub>,
    pub limits: Arc<Limits>,
    pub rate: Arc<limits::RateLimits>,
    pub streams: Arc<limits::StreamSlots>,
    pub presence: Arc<presence::Tracker>,
    pub keep_alive: Duration,
    /// Turns true when the server shuts down: open event streams end.
    pub shutdown: watch::Receiver<bool>,
}

impl AppState {
    pub fn new(rooms: Arc<Rooms>, hub: Arc<hub::Hub>, limits: Limits, shutdown: watch::Receiver<bool>) -> Self {
        let presence = presence::Tracker::new(Duration::from_secs(limits.presence_grace_secs), Utc::now());
        let rate = Arc::new(limits::RateLimits::new(&limits));
        let per_member = rate.clone();
        rooms.admit_with(Arc::new(move |actor: &domain::Actor| per_member.request(actor.member_id)));
        Self {
            rooms,
            hub,
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

/// Every answer carries the server's clock, so clients can compute their offset; is never
/// stored by a cache (answers hold tokens and a room's private state); and is never sniffed
/// as another content type than it says.
async fn server_time(req: Request, next: Next) -> Response {
    let mut res = next.run(req).await;
    let now = Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
    let headers = res.headers_mut();
    headers.insert(SERVER_TIME_HEADER, HeaderValue::from_str(&now).expect("a timestamp is a valid header"));
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    // An event stream says `no-cache` itself; everything else: `no-store`.
    headers.entry(header::CACHE_CONTROL).or_insert(HeaderValue::from_static("no-store"));
    res
}

/// Serves [`app`] on `listener` until `shutdown` completes, then lets open requests finish.
/// HTTP/1.1 only. A client has `header_read_timeout_secs` to send a request's headers, on a
/// new connection and between requests on a kept-alive one, and `write_timeout_secs` to take
/// some of an answer, or its connection is closed; at most `max_connections` are open at
/// once, and further clients wait in the listen backlog until one closes; one address
/// holding `max_connections_per_address` has its next connection closed at once, so a
/// single client cannot fill every place.
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl std::future::Future<Output = ()>,
) -> io::Result<()> {
    use hyper_util::rt::{TokioIo, TokioTimer};
    let header_timeout = Duration::from_secs(state.limits.header_read_timeout_secs.max(1));
    let write_timeout = Duration::from_secs(state.limits.write_timeout_secs.max(1));
    let slots = Arc::new(tokio::sync::Semaphore::new(state.limits.max_connections.max(1)));
    let per_address = limits::ConnectionsPerAddress::new(&state.limits);
    let router = app(state);
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let slot = tokio::select! {
            slot = slots.clone().acquire_owned() => slot.expect("the semaphore is never closed"),
            () = &mut shutdown => break,
        };
        let (tcp, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(e) => {
                    // Out of file descriptors, or a connection reset before it was accepted.
                    tracing::warn!(error = %e, "could not accept a connection");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let Some(place) = per_address.open(peer.ip()) else {
            tracing::debug!(%peer, "closed: too many connections from this address");
            continue;
        };
        let _ = tcp.set_nodelay(true);
        let router = router.clone();
        let service = hyper::service::service_fn(move |mut req: hyper::Request<hyper::body::Incoming>| {
            req.extensions_mut().insert(axum::extract::ConnectInfo(peer));
            tower::ServiceExt::oneshot(router.clone(), req.map(axum::body::Body::new))
        });
        let mut http = hyper::server::conn::http1::Builder::new();
        http.timer(TokioTimer::new()).header_read_timeout(header_timeout);
        // hyper has no write timeout, and its header timeout runs only while it reads: a client
        // that sends many requests at once and reads no answer would keep its place for good.
        let mut tcp = tokio_io_timeout::TimeoutStream::new(tcp);
        tcp.set_write_timeout(Some(write_timeout));
        let connection = graceful.watch(http.serve_connection(TokioIo::new(Box::pin(tcp)), service));
        tokio::spawn(async move {
            if let Err(e) = connection.await {
                tracing::debug!(error = %e, "connection ended with an error");
            }
            drop((slot, place));
        });
    }
    drop(listener);
    graceful.shutdown().await;
    Ok(())
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

/// Runs `work` to its end as a task of its own, also when the request that started it is
/// dropped (the client went away): a write that began is committed or refused, never cut
/// off halfway.
pub async fn detached<T: Send + 'static>(
    work: impl std::future::Future<Output = error::Result<T>> + Send + 'static,
) -> error::Result<T> {
    match tokio::spawn(work).await {
        Ok(r) => r,
        Err(e) => std::panic::resume_unwind(e.into_panic()),
    }
}

/// Runs bounded but CPU-heavy work (expanding a schedule's rules) off the async threads.
pub async fn cpu_bound<T: Send + 'static>(
    work: impl FnOnce() -> error::Result<T> + Send + 'static,
) -> error::Result<T> {
    match tokio::task::spawn_blocking(work).await {
        Ok(r) => r,
        Err(e) => std::panic::resume_unwind(e.into_panic()),
    }
}

/// Runs a member's request (`work` authenticates the token). An address over its failed
/// authentications is refused before any work; a token found not valid counts against the
/// address.
pub async fn as_member<T: Send + 'static>(
    app: &AppState,
    addr: IpAddr,
    work: impl std::future::Future<Output = error::Result<T>> + Send + 'static,
) -> error::Result<T> {
    app.rate.address_allowed(addr)?;
    match detached(work).await {
        Err(AppError::Unauthorized) => Err(app.rate.failed_authentication(addr)),
        other => other,
    }
}

/// Deletes inactive rooms and old idempotency answers, now and then every hour.
pub async fn maintain(state: AppState) {
    let mut tick = tokio::time::interval(Duration::from_secs(3600));
    loop {
        tick.tick().await;
        let days = chrono::Duration::days(i64::from(state.limits.inactive_days));
        let now = store::to_millis(Utc::now());
        match state.rooms.expire(now - days, now - chrono::Duration::days(1), now).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(rooms = n, "deleted inactive rooms"),
            Err(e) => tracing::warn!(error = %e, "could not delete inactive rooms"),
        }
        state.rate.forget_idle();
    }
}
