//! `GET /v1/rooms/{code}/events`: a room's stored events, then its live ones, as
//! server-sent events. With `Last-Event-ID: n` the stream starts after event `n`, so a
//! client that reconnects gets everything it missed, in order, exactly once.

use crate::AppState;
use crate::error::{AppError, Result};
use crate::extract::{Bearer, Params, room_code};
use crate::store::to_millis;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::sse::{Event, KeepAlive, Sse};
use chrono::Utc;
use futures_util::Stream;
use std::collections::VecDeque;
use std::convert::Infallible;
use std::sync::Arc;
use tokio::sync::broadcast::error::RecvError;
use uuid::Uuid;
use worktogether_room_protocol::{ErrorBody, RoomEvent};

/// Stored events read per query while catching up.
const BATCH: u32 = 500;

#[utoipa::path(
    get, path = "/v1/rooms/{code}/events", tag = "live",
    params(
        ("code" = String, Path, description = "The room code"),
        ("Last-Event-ID" = Option<String>, Header, description = "Continue after this event id; without it the stream starts with the next new event"),
    ),
    security(("member_token" = [])),
    responses(
        (status = 200, description = "Server-sent events; each `data` is a RoomEvent as JSON, `id` its id, `event` its type", content_type = "text/event-stream", body = RoomEvent),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody), (status = 429, body = ErrorBody),
    ),
)]
pub async fn events(
    State(app): State<AppState>,
    Params(code): Params<String>,
    Bearer(token): Bearer,
    headers: HeaderMap,
) -> Result<Sse<impl Stream<Item = Result<Event, Infallible>>>> {
    let code = room_code(&code)?;
    let after = match headers.get("last-event-id") {
        None => None,
        Some(v) => Some(
            v.to_str()
                .ok()
                .and_then(|s| s.trim().parse::<u64>().ok())
                .ok_or_else(|| AppError::BadRequest("Last-Event-ID must be an event id (a whole number)".into()))?,
        ),
    };
    let store = app.store.clone();
    let (actor, latest) = crate::blocking(move || {
        let actor = store.authenticate(&code, &token)?;
        let latest = store.room_state_last_event(actor.room_id)?;
        Ok((actor, latest))
    })
    .await?;
    // Subscribe before reading the backlog: an event committed in between arrives on both
    // paths and is dropped once by its id.
    let live = app.store.hub().subscribe(actor.room_id);
    let presence = PresenceGuard::connect(app.clone(), actor.room_id, actor.member_id);
    let state = StreamState {
        app: app.clone(),
        room: actor.room_id,
        last_sent: after.unwrap_or(latest),
        backlog: VecDeque::new(),
        caught_up: after.is_none(),
        live,
        shutdown: app.shutdown.clone(),
        _presence: presence,
    };
    let stream = futures_util::stream::unfold(state, |mut s| async move {
        let event = s.next().await?;
        Some((Ok(to_sse(&event)), s))
    });
    Ok(Sse::new(stream).keep_alive(KeepAlive::new().interval(app.keep_alive)))
}

fn to_sse(e: &RoomEvent) -> Event {
    Event::default().id(e.id.to_string()).event(e.change.name()).json_data(e).expect("events serialize")
}

struct StreamState {
    app: AppState,
    room: i64,
    last_sent: u64,
    backlog: VecDeque<RoomEvent>,
    caught_up: bool,
    live: tokio::sync::broadcast::Receiver<Arc<RoomEvent>>,
    shutdown: tokio::sync::watch::Receiver<bool>,
    _presence: PresenceGuard,
}

impl StreamState {
    /// The next event to send, or `None` to end the stream (shutdown, or the room is gone).
    async fn next(&mut self) -> Option<RoomEvent> {
        loop {
            if *self.shutdown.borrow() {
                return None;
            }
            if let Some(e) = self.backlog.pop_front() {
                if e.id > self.last_sent {
                    self.last_sent = e.id;
                    return Some(e);
                }
                continue;
            }
            if !self.caught_up {
                let (store, room, after) = (self.app.store.clone(), self.room, self.last_sent);
                let batch = crate::blocking(move || store.events_after(room, after, BATCH)).await.ok()?;
                self.caught_up = (batch.len() as u32) < BATCH;
                self.backlog.extend(batch);
                continue;
            }
            tokio::select! {
                received = self.live.recv() => match received {
                    Ok(e) if e.id > self.last_sent => {
                        self.last_sent = e.id;
                        return Some((*e).clone());
                    }
                    Ok(_) => {}
                    // Fell behind the channel: the store has everything.
                    Err(RecvError::Lagged(_)) => self.caught_up = false,
                    Err(RecvError::Closed) => return None,
                },
                _ = self.shutdown.changed() => return None,
            }
        }
    }
}

/// Tells the presence tracker a stream is open, and when it closes, announces the member
/// away if no stream came back within the grace period.
struct PresenceGuard {
    app: AppState,
    room: i64,
    member: Uuid,
}

impl PresenceGuard {
    fn connect(app: AppState, room: i64, member: Uuid) -> Self {
        let now = to_millis(Utc::now());
        if app.presence.connect(member, now) {
            let store = app.store.clone();
            tokio::spawn(async move {
                let result = crate::blocking(move || {
                    let own = store.own_presence(member)?;
                    store.announce_presence(room, member, own, now)
                })
                .await;
                if let Err(e) = result {
                    tracing::warn!(error = %e, "could not announce a member back");
                }
            });
        }
        Self { app, room, member }
    }
}

impl Drop for PresenceGuard {
    fn drop(&mut self) {
        let generation = self.app.presence.disconnect(self.member, to_millis(Utc::now()));
        let (app, room, member) = (self.app.clone(), self.room, self.member);
        let Ok(runtime) = tokio::runtime::Handle::try_current() else { return };
        runtime.spawn(async move {
            tokio::time::sleep(app.presence.grace().to_std().unwrap_or_default()).await;
            if app.presence.went_away(member, generation) {
                let store = app.store.clone();
                let now = to_millis(Utc::now());
                let result = crate::blocking(move || {
                    store.announce_presence(room, member, worktogether_room_protocol::Presence::Away, now)
                })
                .await;
                if let Err(e) = result {
                    tracing::warn!(error = %e, "could not announce a member away");
                }
            }
        });
    }
}
