//! `GET /v1/rooms/{code}/events`: a room's stored events, then its live ones, as
//! server-sent events. With `Last-Event-ID: n` the stream starts after event `n`, so a
//! client that reconnects gets everything it missed, in order, exactly once.

use crate::AppState;
use crate::error::{AppError, Result};
use crate::extract::{Bearer, ClientAddr, Params, room_code};
use crate::hub::Live;
use crate::limits::StreamSlot;
use crate::store::to_millis;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::sse::{Event, KeepAlive, Sse};
use chrono::Utc;
use futures_util::Stream;
use std::collections::VecDeque;
use std::convert::Infallible;
use tokio::sync::broadcast::error::RecvError;
use uuid::Uuid;
use worktogether_room_protocol::{ErrorBody, RoomChange, RoomEvent};

/// Stored events read per query while catching up.
const BATCH: u32 = 500;

#[utoipa::path(
    get, path = "/v1/rooms/{code}/events", tag = "live",
    params(
        ("code" = String, Path, description = "The room code"),
        ("Last-Event-ID" = Option<u64>, Header, description = "Continue after this event id (a whole number, at most the room's latest event id, as in the room state's `lastEventId`); without it the stream starts with the next new event. An id after the room's latest event is refused with 400: the client re-reads the room state and continues from its `lastEventId`."),
    ),
    security(("member_token" = [])),
    responses(
        (status = 200, description = "Server-sent events; each `data` is a RoomEvent as JSON, `id` its id, `event` its type", content_type = "text/event-stream", body = RoomEvent),
        (status = 400, description = "Malformed request, or a `Last-Event-ID` that is not a whole number or is after the room's latest event", body = ErrorBody), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 429, description = "Rate limit reached, or too many open streams for this member (4 by default) or from this address; `Retry-After` says when to try again", body = ErrorBody),
    ),
)]
/// Follow the room: its events as server-sent events.
///
/// Events come in id order, each once. A member's stream ends right after their own
/// `member_left` event (they left, or the host removed them): nothing later reaches them,
/// and a reconnect is refused with 401. Every stream of a room ends after its
/// `room_deleted` event (the host deleted the room), or without it if the room is found
/// deleted while the stream catches up; a reconnect is refused with 401. A member may hold
/// 4 streams at once by default.
pub async fn events(
    State(app): State<AppState>,
    ClientAddr(addr): ClientAddr,
    Params(code): Params<String>,
    Bearer(token): Bearer,
    headers: HeaderMap,
) -> Result<Sse<impl Stream<Item = Result<Event, Infallible>>>> {
    // Held for the stream's life; the address's before any work for the token.
    let address_slot = app.streams.address(addr)?;
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
    let rooms = app.rooms.clone();
    let (actor, latest) = crate::as_member(&app, addr, async move { rooms.follow(&code, &token).await }).await?;
    // Every id a client has seen is at most the latest stored: a later one is no event of
    // this room (yet). Refused, so the client re-reads the room instead of waiting for
    // events it would drop as already seen.
    if let Some(after) = after.filter(|&after| after > latest) {
        return Err(AppError::BadRequest(format!(
            "Last-Event-ID {after} is after this room's latest event ({latest}); continue from the room state's lastEventId"
        )));
    }
    let member_slot = app.streams.member(actor.member_id)?;
    // Subscribe before reading the backlog: an event committed in between arrives on both
    // paths and is dropped once by its id.
    let live = app.hub.subscribe(actor.room_id);
    let presence = PresenceGuard::connect(app.clone(), actor.room_id, actor.member_id);
    let state = StreamState {
        app: app.clone(),
        room: actor.room_id,
        member: actor.member_id,
        membership_ended: false,
        last_sent: after.unwrap_or(latest),
        backlog: VecDeque::new(),
        // Also without Last-Event-ID: an event committed between reading `latest` and
        // subscribing is in the store only.
        caught_up: false,
        live,
        shutdown: app.shutdown.clone(),
        _presence: presence,
        _slots: [address_slot, member_slot],
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
    member: Uuid,
    /// The member's own `MemberLeft`, or `RoomDeleted`, was sent: nothing after it reaches them.
    membership_ended: bool,
    last_sent: u64,
    backlog: VecDeque<RoomEvent>,
    caught_up: bool,
    live: tokio::sync::broadcast::Receiver<Live>,
    shutdown: tokio::sync::watch::Receiver<bool>,
    _presence: PresenceGuard,
    _slots: [StreamSlot; 2],
}

impl StreamState {
    /// The next event to send, or `None` to end the stream (shutdown, the room deleted, or
    /// the membership ended).
    ///
    /// Every event is checked on its way out. Events reach a stream in id
    /// order (the store's and the hub's), and the membership was checked in the same read as
    /// the starting id, so the member's own `MemberLeft` (their leaving, or the host removing
    /// them) comes before any later event: it is the last one they get, then the stream ends.
    async fn next(&mut self) -> Option<RoomEvent> {
        if self.membership_ended {
            return None;
        }
        let event = self.next_in_order().await?;
        match event.change {
            RoomChange::MemberLeft { member_id, .. } if member_id == self.member => self.membership_ended = true,
            RoomChange::RoomDeleted => self.membership_ended = true,
            _ => {}
        }
        Some(event)
    }

    async fn next_in_order(&mut self) -> Option<RoomEvent> {
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
                // `None`: the room was deleted, perhaps before this stream subscribed (then its
                // channel is a new one that nothing will close).
                let batch = self.app.rooms.events_after(self.room, self.member, self.last_sent, BATCH).await.ok()??;
                self.caught_up = (batch.len() as u32) < BATCH;
                self.backlog.extend(batch);
                continue;
            }
            tokio::select! {
                received = self.live.recv() => match received {
                    Ok(Live::Event(e)) if e.id > self.last_sent => {
                        self.last_sent = e.id;
                        return Some((*e).clone());
                    }
                    Ok(Live::Event(_)) => {}
                    Ok(Live::Resync) => self.caught_up = false,
                    // Fell behind the channel: the store has everything.
                    Err(RecvError::Lagged(_)) => self.caught_up = false,
                    // The room was deleted (`Hub::close`).
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
            let rooms = app.rooms.clone();
            tokio::spawn(async move {
                let result = async {
                    let own = rooms.own_presence(member).await?;
                    rooms.announce_presence(room, member, own, now).await
                }
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
                let now = to_millis(Utc::now());
                let result =
                    app.rooms.announce_presence(room, member, worktogether_room_protocol::Presence::Away, now).await;
                if let Err(e) = result {
                    tracing::warn!(error = %e, "could not announce a member away");
                }
            }
        });
    }
}
