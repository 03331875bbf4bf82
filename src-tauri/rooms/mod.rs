//! Rooms in the app: the memberships this person holds, each followed live over the room
//! server's event stream, and joining, creating and leaving. The room server decides; the
//! store keeps the memberships and the state last seen (so a room shows offline), and the
//! tokens live in the system's secret store ([`TokenVault`]).
//!
//! Locks: `live` is held only to read or change the map, never across the network, the
//! store or an event to the window; the store is locked only for its own calls.

pub mod commands;
mod host;
pub mod link;
pub mod schedule;
mod shared;
pub mod view;

use crate::error::ApiError;
use crate::events::{UiEvent, emit};
use crate::state::AppState;
use chrono::Utc;
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};
use tauri::{AppHandle, Manager, Runtime};
use tokio::sync::Notify;
use uuid::Uuid;
use view::{Connection, RoomView};
use worktogether_core::store::outbox::RoomMembership;
use worktogether_core::validate::validate_draft;
use worktogether_core::{CommitmentDraft, CoreError, PhaseKind, SessionStatus, SessionView, Store};
use worktogether_sync::protocol::{CreateRoom, Occurrence, Presence, Question, RoomChange, RoomCommitment, RoomState};
use worktogether_sync::{Feed, Follower, Outbox, RoomMember, RoomServer, RoomWrite, SyncError, TokenVault, room_view};

/// One membership while the app runs.
struct Live {
    member: RoomMember,
    state: RoomState,
    connection: Connection,
    /// Following the room's events, and sending what waits in its outbox.
    tasks: Vec<tauri::async_runtime::JoinHandle<()>>,
    /// Wakes the outbox's sender: a write was queued.
    send: Arc<Notify>,
    /// The presence last queued, so a change of phase is sent once.
    presence: Option<Presence>,
    /// The commitments shared in the room's latest session, kept current by its events.
    commitments: Vec<RoomCommitment>,
    /// The person's choice: the video-call link opens when they join a session.
    open_link_at_start: bool,
    /// The room's next sessions from its schedule, soonest first.
    upcoming: Vec<Occurrence>,
    /// Questions to the host in the room's latest session, in the order they came.
    questions: Vec<Question>,
}

impl Drop for Live {
    fn drop(&mut self) {
        for task in self.tasks.drain(..) {
            task.abort();
        }
    }
}

#[derive(Default)]
pub struct Rooms {
    /// Opened on first need, off the main thread: asking for the secret store is a D-Bus call.
    vault: OnceLock<Arc<TokenVault>>,
    live: Mutex<BTreeMap<Uuid, Live>>,
    /// An invite link opened before the window could take it (the app was started by it).
    waiting_link: Mutex<Option<String>>,
    /// Wakes the reminders: a room's schedule changed.
    schedule_changed: Notify,
}

impl Rooms {
    fn live(&self) -> MutexGuard<'_, BTreeMap<Uuid, Live>> {
        self.live.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The token vault, opened on a blocking thread the first time.
    async fn vault(&self, data_dir: std::path::PathBuf) -> Arc<TokenVault> {
        if let Some(vault) = self.vault.get() {
            return vault.clone();
        }
        let opened = tauri::async_runtime::spawn_blocking(move || Arc::new(TokenVault::open(&data_dir)))
            .await
            .expect("opening the token vault does not panic");
        self.vault.get_or_init(|| opened).clone()
    }

    /// Every room, in the order they were joined.
    pub fn views(&self) -> Vec<RoomView> {
        self.live().iter().map(|(id, live)| view_of(*id, live)).collect()
    }

    /// Changes one room's entry (a no-op for a room not followed).
    fn change(&self, id: Uuid, f: impl FnOnce(&mut Live)) {
        if let Some(live) = self.live().get_mut(&id) {
            f(live);
        }
    }

    fn view(&self, id: Uuid) -> Option<RoomView> {
        self.live().get(&id).map(|live| view_of(id, live))
    }

    /// Every room's upcoming sessions (membership, room name, occurrence), for the reminders.
    pub fn upcoming(&self) -> Vec<(Uuid, String, Occurrence)> {
        self.live()
            .iter()
            .flat_map(|(id, live)| live.upcoming.iter().map(|o| (*id, live.state.room.name.clone(), o.clone())))
            .collect()
    }

    /// The rooms whose shared session runs now (membership, room name), for the tray.
    pub fn joinable(&self) -> Vec<(Uuid, String)> {
        self.live()
            .iter()
            .filter(|(_, live)| shared::joinable(&live.state, &live.member.server).is_some())
            .map(|(id, live)| (*id, live.state.room.name.clone()))
            .collect()
    }

    /// Tells every window what the rooms look like now, and the tray (a room's session may
    /// have started or ended).
    fn publish<R: Runtime>(&self, app: &AppHandle<R>) {
        let views = self.views();
        emit(app, UiEvent::Rooms(&views));
        if let Some(state) = app.try_state::<AppState>() {
            state.tray_wake.notify_one();
        }
    }
}

fn view_of(id: Uuid, live: &Live) -> RoomView {
    let server = &live.member.server;
    let mut view = view::room_view(
        id,
        server.address(),
        &live.state,
        live.connection.clone(),
        server.now(),
        server.clock().offset(),
    );
    view.commitments = live.commitments.iter().map(|c| view::shared_commitment(c, id)).collect();
    view.open_link_at_start = live.open_link_at_start;
    view.upcoming = live.upcoming.iter().take(UPCOMING_SHOWN).map(view::upcoming).collect();
    view.questions = live.questions.iter().map(|q| view::question(q, id)).collect();
    view
}

/// How many of a room's next sessions its view lists.
const UPCOMING_SHOWN: usize = 5;

/// Opens the room's video-call link in the browser: only an http or https address with a host
/// (the server checks the same when the host sets it; this app checks again before opening).
pub fn open_video_link(state: &AppState, rooms: &Rooms, id: Uuid) -> Result<(), ApiError> {
    let link = rooms.live().get(&id).and_then(|live| live.state.room.link.clone());
    let link = link
        .and_then(|l| url::Url::parse(&l).ok())
        .filter(|u| matches!(u.scheme(), "http" | "https") && u.host().is_some())
        .ok_or_else(|| ApiError::invalid(&state.catalog(), "rooms.error.noVideoLink", &[]))?;
    crate::launch::open(link.as_str())
        .map_err(|e| ApiError::invalid(&state.catalog(), "rooms.error.openLink", &[("detail", e.to_string())]))
}

/// An invite link was opened (clicked, `worktogether join`, or the app started with it): the
/// window comes up on the join form with the link filled in, for the person to choose their
/// name and join. Kept until the window takes it, in case the page is still loading.
pub fn open_link<R: Runtime>(app: &AppHandle<R>, link: &str) {
    let Some(rooms) = app.try_state::<Rooms>() else { return };
    *rooms.waiting_link.lock().unwrap_or_else(|poisoned| poisoned.into_inner()) = Some(link.to_owned());
    emit(app, UiEvent::JoinLink(link));
    crate::windows::show_main(app);
}

/// Writes for `membership`'s room wait in the outbox: its sender goes now.
pub fn send_now<R: Runtime>(app: &AppHandle<R>, membership: Uuid) {
    let Some(rooms) = app.try_state::<Rooms>() else { return };
    let send = rooms.live().get(&membership).map(|live| live.send.clone());
    if let Some(send) = send {
        send.notify_one();
    }
}

/// "Join the session in <room>" from the tray: the session follows the room's, and the
/// window shows it.
pub fn join_from_tray<R: Runtime>(app: &AppHandle<R>, membership: Uuid) {
    shared::join_and_show(app, membership, "the tray");
}

/// At start-up: tokens an older version kept in the database move into the vault, and every
/// membership is shown as last seen and followed again. Costs nothing without rooms.
pub async fn resume<R: Runtime>(app: AppHandle<R>) {
    let (Some(state), Some(rooms)) = (app.try_state::<AppState>(), app.try_state::<Rooms>()) else { return };
    let memberships = match state.with_store(|s| s.room_memberships()) {
        Ok(m) if m.is_empty() => return,
        Ok(m) => m,
        Err(e) => return log::error!("the rooms could not be read: {}", e.message),
    };
    let vault = rooms.vault(state.data_dir.clone()).await;
    move_old_tokens(&state, &vault).await;
    for membership in memberships {
        let cached = state.with_store(|s| s.cached_room_state(membership.id)).ok().flatten();
        let last_seen = cached.and_then(|c| serde_json::from_str::<RoomState>(&c.state).ok());
        let token = {
            let vault = vault.clone();
            tauri::async_runtime::spawn_blocking(move || vault.load(membership.id)).await.ok()
        };
        let (Some(Ok(Some(token))), Some(last_seen)) = (token, last_seen) else {
            log::warn!(
                "room {} on {}: no token or no state kept; leaving it out",
                membership.room_code,
                membership.server
            );
            continue;
        };
        let member = match RoomServer::new(&membership.server)
            .and_then(|server| RoomMember::restore(server, &membership.room_code, membership.id, token))
        {
            Ok(member) => member,
            Err(e) => {
                log::warn!("room {} on {}: {e}", membership.room_code, membership.server);
                continue;
            }
        };
        start_following(&app, &rooms, member, last_seen);
    }
    rooms.publish(&app);
}

/// The database was replaced by a backup: the memberships followed are not its memberships. Every
/// room is let go (dropping it stops its tasks), and the restored ones are followed as at start.
pub async fn follow_restored_data<R: Runtime>(app: AppHandle<R>) {
    let Some(rooms) = app.try_state::<Rooms>() else { return };
    let let_go = std::mem::take(&mut *rooms.live());
    drop(let_go);
    rooms.publish(&app);
    resume(app).await;
}

/// Tokens from before the vault: into it, then out of the database. A token stays where it
/// was if the vault refuses it, so nothing is lost.
async fn move_old_tokens(state: &AppState, vault: &Arc<TokenVault>) {
    let Ok(tokens) = state.with_store(|s| s.room_tokens_to_move()) else { return };
    for (id, token) in tokens {
        let vault = vault.clone();
        match tauri::async_runtime::spawn_blocking(move || vault.save(id, &token)).await {
            Ok(Ok(())) => {
                if let Err(e) = state.with_store(|s| s.room_token_moved(id)) {
                    log::error!("a moved room token stays in the database: {}", e.message);
                }
            }
            Ok(Err(e)) => log::error!("a room token could not be moved to the secret store: {e}"),
            Err(e) => log::error!("moving a room token failed: {e}"),
        }
    }
}

/// Shows the room, follows its events from the state's last event on, sends what waits in
/// its outbox, and tells it where this person's session stands.
fn start_following<R: Runtime>(app: &AppHandle<R>, rooms: &Rooms, member: RoomMember, state: RoomState) {
    let id = member.member_id;
    let after = state.last_event_id;
    let send = Arc::new(Notify::new());
    let app_state = app.try_state::<AppState>();
    let open_link_at_start =
        app_state.as_ref().and_then(|s| s.with_store(|store| store.open_link_at_start(id)).ok()).unwrap_or(false);
    enter(&rooms.live, id, || {
        let mut tasks = vec![tauri::async_runtime::spawn(follow(app.clone(), id, member.clone(), after))];
        if let Some(app_state) = &app_state {
            let outbox = Outbox::new(app_state.shared_store());
            tasks.push(tauri::async_runtime::spawn(outbox.run(member.clone(), send.clone())));
        }
        Live {
            member,
            state,
            connection: Connection::Connecting,
            tasks,
            send,
            presence: None,
            commitments: Vec::new(),
            open_link_at_start,
            upcoming: Vec::new(),
            questions: Vec::new(),
        }
    });
    if let Some(app_state) = app_state {
        let session = app_state.read(|s, now| s.current_session(now)).ok().flatten();
        follow_session(app, session.as_ref(), false);
    }
}

/// Puts the entry `start` makes (spawning its tasks) into the map while the map stays locked,
/// so that a task's first look finds its room: a follower that heard its stream was up before
/// the room was entered took the room for one left and stopped, and the room showed
/// "connecting" for as long as the app ran. An entry already there is replaced (its tasks end).
fn enter<T>(map: &Mutex<BTreeMap<Uuid, T>>, id: Uuid, start: impl FnOnce() -> T) {
    let mut map = map.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    let entry = start();
    map.insert(id, entry);
}

/// Where this person's session stands, as a room shows it. Without a session: done once one
/// has just ended, planning when none has yet (in the room, not yet started).
fn presence_of(session: Option<&SessionView>, just_ended: bool) -> Presence {
    let Some(session) = session else { return if just_ended { Presence::Done } else { Presence::Planning } };
    if session.status == SessionStatus::Paused {
        return Presence::Break;
    }
    match session.phase.as_ref().map(|p| p.kind) {
        Some(PhaseKind::Commitment) | None => Presence::Planning,
        Some(PhaseKind::Focus) => Presence::Focusing,
        Some(PhaseKind::Break) => Presence::Break,
        Some(PhaseKind::Closing) => Presence::Closing,
    }
}

/// The session changed (from any source): every room hears the new presence, through its
/// outbox, once per change. Runs with effects, after the store's lock is released.
pub fn follow_session<R: Runtime>(app: &AppHandle<R>, session: Option<&SessionView>, just_ended: bool) {
    let (Some(state), Some(rooms)) = (app.try_state::<AppState>(), app.try_state::<Rooms>()) else { return };
    let presence = presence_of(session, just_ended);
    let changed: Vec<(Uuid, Arc<Notify>)> = rooms
        .live()
        .iter_mut()
        .filter_map(|(id, live)| (live.presence.replace(presence) != Some(presence)).then(|| (*id, live.send.clone())))
        .collect();
    for (id, send) in changed {
        let outbox = Outbox::new(state.shared_store());
        match outbox.enqueue(id, &RoomWrite::Presence { presence }, Utc::now()) {
            Ok(_) => send.notify_one(),
            Err(e) => log::warn!("the room's presence could not be queued: {e}"),
        }
    }
}

/// Follows one room until the membership ends or the app quits.
async fn follow<R: Runtime>(app: AppHandle<R>, id: Uuid, member: RoomMember, after: u64) {
    let server = member.server.clone();
    let mut follower = Follower::start(member.clone(), after);
    while let Some(feed) = follower.feed.recv().await {
        let (Some(state), Some(rooms)) = (app.try_state::<AppState>(), app.try_state::<Rooms>()) else { return };
        let catalog = state.catalog();
        let ended = matches!(&feed, Feed::Disconnected(e) if !e.is_transient());
        // What the room's shared session asks of this app, done once the map is released.
        let mut started = None;
        let mut moved = None;
        // The shared commitments are read anew on (re)connecting and when a session starts;
        // the schedule on (re)connecting and when it changed.
        let mut read_commitments = None;
        let mut read_schedule = false;
        let seen = {
            let mut live = rooms.live();
            let Some(room) = live.get_mut(&id) else { return };
            match feed {
                Feed::Connected => {
                    log::debug!("room {id}: the event stream is up");
                    room.connection = Connection::Connected;
                    moved = room.state.session.clone(); // caught up: the session may have moved meanwhile
                    read_commitments = room.state.session.as_ref().map(|s| s.id);
                    read_schedule = true;
                    None
                }
                Feed::Event(event) => {
                    room_view::apply(&mut room.state, &event);
                    match event.change {
                        RoomChange::SessionStarted { session } => {
                            room.commitments.clear();
                            room.questions.clear();
                            read_commitments = Some(session.id);
                            if room.state.room.host_id != id {
                                started = Some((session, room.state.clone()));
                            }
                        }
                        RoomChange::SessionChanged { session, .. } => moved = Some(session),
                        RoomChange::ScheduleChanged { .. } => read_schedule = true,
                        RoomChange::QuestionAsked { question } | RoomChange::QuestionAnswered { question } => {
                            keep_question(room, question);
                        }
                        RoomChange::RoomDeleted => {
                            room.connection = Connection::Ended { message: catalog.t("rooms.deleted", &[]) };
                        }
                        RoomChange::CommitmentPublished { commitment }
                        | RoomChange::CommitmentUpdated { commitment } => {
                            keep_commitment(room, commitment);
                        }
                        _ => {}
                    }
                    Some(room.state.clone())
                }
                Feed::Disconnected(e) => {
                    // Why a room shows as offline, in the person's log.
                    log::info!("room {id}: the event stream ended: {e}");
                    let message = catalog.t(e.message_key(), &e.message_args());
                    room.connection = if ended {
                        Connection::Ended { message }
                    } else {
                        match &room.connection {
                            offline @ Connection::Offline { .. } => offline.clone(),
                            _ => Connection::Offline { since: Utc::now(), message },
                        }
                    };
                    None
                }
            }
        };
        if let Some(seen) = seen
            && let Err(e) = state.with_store(|s| remember(s, id, &seen))
        {
            log::warn!("the room's state could not be kept: {}", e.message);
        }
        rooms.publish(&app);
        if let Some((session, room)) = started {
            shared::announce(&app, id, &session, &room);
        }
        if let Some(session) = moved {
            shared::follow(&app, &session, &server);
        }
        if read_schedule {
            match member.schedule().await {
                Ok(schedule) => {
                    rooms.change(id, |live| live.upcoming = schedule.upcoming);
                    rooms.schedule_changed.notify_one();
                    rooms.publish(&app);
                }
                Err(e) => log::warn!("the room's schedule could not be read: {e}"),
            }
        }
        if let Some(session) = read_commitments {
            match member.session(session).await {
                Ok(detail) => {
                    rooms.change(id, |live| {
                        if live.state.session.as_ref().is_some_and(|s| s.id == session) {
                            live.commitments = detail.commitments;
                            live.questions = detail.questions;
                        }
                    });
                    rooms.publish(&app);
                }
                Err(e) => log::warn!("the room's shared commitments could not be read: {e}"),
            }
        }
        if ended {
            return;
        }
    }
}

/// A commitment shared in the room's current session, new or changed (outcome, kudos).
fn keep_commitment(room: &mut Live, commitment: RoomCommitment) {
    if room.state.session.as_ref().is_none_or(|s| s.id != commitment.session_id) {
        return;
    }
    match room.commitments.iter_mut().find(|c| c.id == commitment.id) {
        Some(known) => *known = commitment,
        None => room.commitments.push(commitment),
    }
}

/// A question to the host on one of the person's own shared commitments: through the outbox,
/// so it waits while offline and is sent once.
pub fn ask_host<R: Runtime>(app: &AppHandle<R>, id: Uuid, commitment: Uuid, text: &str) -> Result<(), ApiError> {
    let (Some(state), Some(rooms)) = (app.try_state::<AppState>(), app.try_state::<Rooms>()) else {
        return Err(ApiError::unavailable(app));
    };
    let text = text.trim();
    if text.is_empty() {
        return Err(ApiError::invalid(&state.catalog(), "rooms.error.noQuestion", &[]));
    }
    let mine = rooms
        .live()
        .get(&id)
        .is_some_and(|live| live.commitments.iter().any(|c| c.id == commitment && c.member_id == id));
    if !mine {
        return Err(ApiError::invalid(&state.catalog(), "rooms.error.noSuchCommitment", &[]));
    }
    Outbox::new(state.shared_store())
        .enqueue(id, &RoomWrite::AskQuestion { commitment, text: text.to_owned() }, Utc::now())
        .map_err(|e| sync_error(&state, &e))?;
    send_now(app, id);
    Ok(())
}

/// A commitment for the room's next session, from a person who cannot come: through the
/// outbox. Only while no session runs there (during one, it is shared in the session).
pub fn post_ahead<R: Runtime>(app: &AppHandle<R>, id: Uuid, text: &str) -> Result<(), ApiError> {
    let (Some(state), Some(rooms)) = (app.try_state::<AppState>(), app.try_state::<Rooms>()) else {
        return Err(ApiError::unavailable(app));
    };
    let draft = CommitmentDraft { text: text.to_owned(), tag: None, estimate_minutes: None };
    let text = validate_draft(draft).map_err(|e| state.error(&e))?.text;
    let runs = match rooms.live().get(&id) {
        None => return Err(ApiError::invalid(&state.catalog(), "rooms.error.notAMember", &[])),
        Some(live) => shared::joinable(&live.state, &live.member.server).is_some(),
    };
    if runs {
        return Err(ApiError::invalid(&state.catalog(), "rooms.error.sessionRuns", &[]));
    }
    Outbox::new(state.shared_store())
        .enqueue(id, &RoomWrite::PostAhead { text }, Utc::now())
        .map_err(|e| sync_error(&state, &e))?;
    send_now(app, id);
    Ok(())
}

/// A question asked or answered in the room's current session.
fn keep_question(room: &mut Live, question: Question) {
    if room.state.session.as_ref().is_none_or(|s| s.id != question.session_id) {
        return;
    }
    match room.questions.iter_mut().find(|q| q.id == question.id) {
        Some(known) => *known = question,
        None => room.questions.push(question),
    }
}

/// Kudos for another member's shared commitment: through the outbox, and shown at once.
pub fn give_kudos<R: Runtime>(app: &AppHandle<R>, id: Uuid, commitment: Uuid) -> Result<(), ApiError> {
    let (Some(state), Some(rooms)) = (app.try_state::<AppState>(), app.try_state::<Rooms>()) else {
        return Err(ApiError::unavailable(app));
    };
    let target = rooms.live().get(&id).and_then(|live| live.commitments.iter().find(|c| c.id == commitment).cloned());
    let Some(target) = target else {
        return Err(ApiError::invalid(&state.catalog(), "rooms.error.noSuchCommitment", &[]));
    };
    if target.member_id == id || target.kudos.contains(&id) {
        return Ok(()); // not one's own, and once each
    }
    Outbox::new(state.shared_store())
        .enqueue(id, &RoomWrite::Kudos { commitment }, Utc::now())
        .map_err(|e| sync_error(&state, &e))?;
    rooms.change(id, |live| {
        if let Some(c) = live.commitments.iter_mut().find(|c| c.id == commitment) {
            c.kudos.push(id);
        }
    });
    send_now(app, id);
    rooms.publish(app);
    Ok(())
}

/// Keeps the room's state as last seen, so the room shows while offline.
fn remember(store: &Store, id: Uuid, room: &RoomState) -> Result<(), CoreError> {
    let json = serde_json::to_string(room).expect("room states serialize");
    store.cache_room_state(id, &json, room.last_event_id, Utc::now())
}

/// A display name as the room server will take it: trimmed, not empty.
fn display_name(state: &AppState, name: &str) -> Result<String, ApiError> {
    let name = name.trim();
    if name.is_empty() {
        return Err(ApiError::invalid(&state.catalog(), "rooms.error.noName", &[]));
    }
    Ok(name.to_owned())
}

fn sync_error(state: &AppState, e: &SyncError) -> ApiError {
    ApiError::from_sync(e, &state.catalog())
}

/// Joins the room `code` on `server` as `name`. Joining a room this person is in already
/// shows that membership instead of making a second one.
pub async fn join<R: Runtime>(
    app: &AppHandle<R>,
    state: &AppState,
    rooms: &Rooms,
    server: &str,
    code: &str,
    name: &str,
) -> Result<RoomView, ApiError> {
    let name = display_name(state, name)?;
    let server = RoomServer::new(&link::server_address(server)).map_err(|e| sync_error(state, &e))?;
    if let Some(code) = worktogether_sync::protocol::normalize_room_code(code) {
        let existing = rooms
            .live()
            .iter()
            .find(|(_, l)| l.member.server.address() == server.address() && l.member.code == code)
            .map(|(id, _)| *id);
        if let Some(view) = existing.and_then(|id| rooms.view(id)) {
            return Ok(view);
        }
    }
    let key = token_request_key();
    let (member, room) = server.join(code, &name, &key).await.map_err(|e| sync_error(state, &e))?;
    keep(app, state, rooms, member, room, name).await
}

/// Creates a room on `server`; this person is its host.
pub async fn create<R: Runtime>(
    app: &AppHandle<R>,
    state: &AppState,
    rooms: &Rooms,
    server: &str,
    request: CreateRoom,
) -> Result<RoomView, ApiError> {
    let name = display_name(state, &request.host_name)?;
    let server = RoomServer::new(&link::server_address(server)).map_err(|e| sync_error(state, &e))?;
    let key = token_request_key();
    let (member, room) = server.create_room(&request, &key).await.map_err(|e| sync_error(state, &e))?;
    keep(app, state, rooms, member, room, name).await
}

/// A new membership: its token into the vault, the membership and its state into the store,
/// then followed. If the token cannot be kept, the membership is not either (a membership
/// without its token could do nothing) and the person hears why.
async fn keep<R: Runtime>(
    app: &AppHandle<R>,
    state: &AppState,
    rooms: &Rooms,
    member: RoomMember,
    room: RoomState,
    display_name: String,
) -> Result<RoomView, ApiError> {
    let vault = rooms.vault(state.data_dir.clone()).await;
    let (id, token) = (member.member_id, member.token.clone());
    tauri::async_runtime::spawn_blocking(move || vault.save(id, &token))
        .await
        .map_err(|_| ApiError::internal(&state.catalog()))?
        .map_err(|e| sync_error(state, &e))?;
    let now = Utc::now();
    let membership = RoomMembership {
        id,
        server: member.server.address().to_owned(),
        room_code: member.code.clone(),
        display_name,
        joined_at: now,
    };
    state.with_store(|s| {
        s.save_room_membership(&membership)?;
        remember(s, id, &room)
    })?;
    start_following(app, rooms, member, room);
    rooms.publish(app);
    rooms.view(id).ok_or_else(|| ApiError::internal(&state.catalog()))
}

/// The host deletes the room for everybody; this computer forgets it like a room left.
pub async fn delete<R: Runtime>(app: &AppHandle<R>, state: &AppState, rooms: &Rooms, id: Uuid) -> Result<(), ApiError> {
    let member = rooms.live().get(&id).map(|l| l.member.clone());
    let Some(member) = member else {
        return Err(ApiError::invalid(&state.catalog(), "rooms.error.notAMember", &[]));
    };
    member.delete_room(&Uuid::now_v7().to_string()).await.map_err(|e| sync_error(state, &e))?;
    forget(app, state, rooms, id).await
}

/// Leaves the room: the server first (so the room sees it), then this computer forgets the
/// membership and its token. A membership the server no longer knows is forgotten as well.
pub async fn leave<R: Runtime>(app: &AppHandle<R>, state: &AppState, rooms: &Rooms, id: Uuid) -> Result<(), ApiError> {
    let member = rooms.live().get(&id).map(|l| l.member.clone());
    let Some(member) = member else {
        return Err(ApiError::invalid(&state.catalog(), "rooms.error.notAMember", &[]));
    };
    match member.leave(&Uuid::now_v7().to_string()).await {
        Ok(()) | Err(SyncError::TokenExpired | SyncError::RoomNotFound) => {}
        Err(e) => return Err(sync_error(state, &e)),
    }
    forget(app, state, rooms, id).await
}

/// This computer forgets a membership: its entry, its stored room and outbox, its token.
async fn forget<R: Runtime>(app: &AppHandle<R>, state: &AppState, rooms: &Rooms, id: Uuid) -> Result<(), ApiError> {
    rooms.live().remove(&id);
    state.with_store(|s| s.forget_room_membership(id))?;
    let vault = rooms.vault(state.data_dir.clone()).await;
    match tauri::async_runtime::spawn_blocking(move || vault.forget(id)).await {
        Ok(Ok(())) => {}
        Ok(Err(e)) => log::warn!("the token of a room left stays in the vault: {e}"),
        Err(e) => log::warn!("forgetting a room token failed: {e}"),
    }
    rooms.publish(app);
    Ok(())
}

/// The `Idempotency-Key` of a request whose answer holds a token (creating or joining a room):
/// the server seals the answer under it, so it must be secret: 122 random bits as 32 hex
/// characters (the server refuses fewer than 32).
fn token_request_key() -> String {
    Uuid::new_v4().simple().to_string()
}

#[cfg(test)]
mod tests {
    use super::enter;
    use std::collections::BTreeMap;
    use std::sync::{Arc, Mutex};
    use uuid::Uuid;

    /// A room's task that looks for its room at once finds it, even when it runs before the
    /// code that started it has finished entering the room.
    #[test]
    fn a_rooms_task_finds_its_room_from_its_first_look() {
        let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).build().expect("a runtime");
        let map: Arc<Mutex<BTreeMap<Uuid, ()>>> = Default::default();
        let id = Uuid::now_v7();
        let mut task = None;
        enter(&map, id, || {
            let (looking, about_to_look) = std::sync::mpsc::channel();
            let seen_by_task = map.clone();
            task = Some(runtime.spawn(async move {
                looking.send(()).expect("the test waits");
                seen_by_task.lock().expect("not poisoned").contains_key(&id)
            }));
            // The task is about to look; give it time to, before the room is entered.
            about_to_look.recv().expect("the task runs");
            std::thread::sleep(std::time::Duration::from_millis(50));
        });
        let task = task.expect("the task started");
        assert!(runtime.block_on(task).expect("the task ends"), "the task found its room at its first look");
    }
}
