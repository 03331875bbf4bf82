//! The `/v1` handlers: check the input, call the rules ([`crate::domain`]), answer. Each write takes an
//! optional `Idempotency-Key`; each room request needs a member token of that room.

use crate::error::{AppError, Result, name, optional_text, text};
use crate::extract::{Bearer, Body, ClientAddr, IdempotencyKey, Params, room_code};
use crate::store::to_millis;
use crate::{AppState, as_member, cpu_bound, detached, schedule};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use chrono::Utc;
use uuid::Uuid;
use worktogether_room_protocol::*;

/// Most phases in a shared session's plan, and their length (as in the app).
const PHASES_MAX: usize = 41;
const PHASE_MAX_SECS: u32 = 8 * 60 * 60;
/// Longest video-call link.
const LINK_MAX_CHARS: usize = 500;

/// The `Idempotency-Key` of creating and joining, whose answers hold a token (see
/// [`IdempotencyKey::for_token_answer`]).
const KEY_FOR_TOKEN: &str = "Makes the request safe to retry (per client address). The answer it keeps holds the new member's token, so the key must be secret: at least 32 characters (128 bits written in hex) from a good random source; a shorter key is refused with 400";

fn now() -> chrono::DateTime<Utc> {
    to_millis(Utc::now())
}

/// A video-call link: an absolute `http` or `https` URL with a host and no user name or
/// password, at most [`LINK_MAX_CHARS`] characters as written and as stored (the `url`
/// crate's serialization: host in punycode, spaces percent-encoded). Blank means none.
fn link(value: &str) -> Result<String> {
    let value = value.trim();
    if value.is_empty() {
        return Ok(String::new());
    }
    let v = text("link", value, LINK_MAX_CHARS)?;
    let refused = || AppError::invalid("the link must be an http or https address with a host");
    // Written as `scheme://host…`: the URL standard would read `https:///x` or `https:x` as
    // having the host `x`, which is a typo, not what the person meant.
    if v.split_once("://").is_none_or(|(_, rest)| rest.starts_with(['/', '\\'])) {
        return Err(refused());
    }
    let url = url::Url::parse(&v).map_err(|_| refused())?;
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none_or(str::is_empty) {
        return Err(refused());
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(AppError::invalid("the link must not contain a user name or password"));
    }
    let url = String::from(url);
    if url.chars().count() > LINK_MAX_CHARS {
        return Err(AppError::invalid(format!("the link has more than {LINK_MAX_CHARS} characters")));
    }
    Ok(url)
}

#[utoipa::path(post, path = "/v1/rooms", tag = "rooms", request_body = CreateRoom,
    params(("Idempotency-Key" = Option<String>, Header, min_length = 32, max_length = 100, description = KEY_FOR_TOKEN)),
    responses((status = 201, description = "The room, and the host's token", body = Membership)))]
/// Create a room; its creator is its first member and host.
///
/// Needs no token, so an `Idempotency-Key` counts per client address: a retry from the same
/// address gets the first answer, token included; the same key and body from another address
/// creates another room and never returns the first one's token. The answer holds a token, so
/// a key must have at least 32 characters (400 otherwise).
pub async fn create_room(
    State(app): State<AppState>,
    ClientAddr(addr): ClientAddr,
    key: IdempotencyKey,
    Body(req): Body<CreateRoom>,
) -> Result<(StatusCode, Json<Membership>)> {
    let key = key.for_token_answer()?;
    let l = &app.limits;
    let req = CreateRoom {
        name: name("room name", &req.name, l.max_name_chars)?,
        host_name: name("display name", &req.host_name, l.max_name_chars)?,
        link: req.link.as_deref().map(link).transpose()?.filter(|v| !v.is_empty()),
        description: optional_text("description", req.description.as_deref(), l.max_note_chars)?,
    };
    app.rate.create(addr)?;
    let idem = key.bind_at(addr, "create_room", &req);
    let rooms = app.rooms.clone();
    let m = detached(async move { rooms.create_room(req, idem.as_ref(), now()).await }).await?;
    app.presence.touch(m.member_id, now());
    Ok((StatusCode::CREATED, Json(m)))
}

#[utoipa::path(post, path = "/v1/rooms/{code}/members", tag = "rooms", request_body = JoinRoom,
    params(("code" = String, Path), ("Idempotency-Key" = Option<String>, Header, min_length = 32, max_length = 100, description = KEY_FOR_TOKEN)),
    responses((status = 201, description = "Joined: the member's token and the room", body = Membership)))]
/// Join a room with its current code.
///
/// Needs no token, so an `Idempotency-Key` counts per client address: a retry from the same
/// address gets the first answer, token included; the same key and body from another address
/// is another join and never returns the first one's token. The answer holds a token, so a key
/// must have at least 32 characters (400 otherwise).
pub async fn join(
    State(app): State<AppState>,
    ClientAddr(addr): ClientAddr,
    Params(code): Params<String>,
    key: IdempotencyKey,
    Body(req): Body<JoinRoom>,
) -> Result<(StatusCode, Json<Membership>)> {
    // Refused before anything is counted; says nothing about the code.
    let key = key.for_token_answer()?;
    // Counted before the code is checked: guessing codes costs attempts.
    app.rate.join(addr)?;
    let code = room_code(&code)?;
    let display_name = name("display name", &req.display_name, app.limits.max_name_chars)?;
    let idem = key.bind_at(addr, &format!("join {code}"), &display_name);
    let (rooms, max) = (app.rooms.clone(), app.limits.max_members);
    let m = detached(async move { rooms.join(&code, display_name, max, idem.as_ref(), now()).await }).await?;
    app.presence.touch(m.member_id, now());
    Ok((StatusCode::CREATED, Json(m)))
}

#[utoipa::path(get, path = "/v1/rooms/{code}", tag = "rooms", params(("code" = String, Path)),
    security(("member_token" = [])), responses((status = 200, body = RoomState)))]
pub async fn room_state(
    State(app): State<AppState>,
    ClientAddr(addr): ClientAddr,
    Params(code): Params<String>,
    Bearer(token): Bearer,
) -> Result<Json<RoomState>> {
    let code = room_code(&code)?;
    let rooms = app.rooms.clone();
    let mut state = as_member(&app, addr, async move { rooms.room_state(&code, &token).await }).await?;
    let now = now();
    for m in &mut state.members {
        if app.presence.is_away(m.id, now) {
            m.presence = Presence::Away;
        }
    }
    Ok(Json(state))
}

#[utoipa::path(patch, path = "/v1/rooms/{code}", tag = "rooms", request_body = UpdateRoom,
    params(("code" = String, Path), ("Idempotency-Key" = Option<String>, Header)),
    security(("member_token" = [])), responses((status = 200, description = "The changed room (host only)", body = Room)))]
/// Change the room's name, video-call link or description (host only).
pub async fn update_room(
    State(app): State<AppState>,
    ClientAddr(addr): ClientAddr,
    Params(code): Params<String>,
    Bearer(token): Bearer,
    key: IdempotencyKey,
    Body(req): Body<UpdateRoom>,
) -> Result<Json<Room>> {
    let code = room_code(&code)?;
    let l = &app.limits;
    let update = UpdateRoom {
        name: req.name.as_deref().map(|n| name("room name", n, l.max_name_chars)).transpose()?,
        link: req.link.as_deref().map(link).transpose()?,
        description: req
            .description
            .as_deref()
            .map(|d| optional_text("description", Some(d), l.max_note_chars).map(Option::unwrap_or_default))
            .transpose()?,
    };
    let idem = key.bind("update_room", &update);
    let rooms = app.rooms.clone();
    Ok(Json(
        as_member(&app, addr, async move { rooms.update_room(&code, &token, update, idem.as_ref(), now()).await })
            .await?,
    ))
}

#[utoipa::path(delete, path = "/v1/rooms/{code}", tag = "rooms",
    params(("code" = String, Path), ("Idempotency-Key" = Option<String>, Header)),
    security(("member_token" = [])), responses((status = 204, description = "Deleted (host only)")))]
/// Delete the room and everything in it (host only).
///
/// Members, sessions, commitments, questions, the schedule and the stored events all go at
/// once. Every open event stream of the room gets a `room_deleted` event and ends; every
/// member's token stops working (401), and the room's codes, current and former, are never
/// handed out again. The token goes with the room, so a retry after a lost answer is
/// refused with 401 rather than answered 204: the room is gone either way.
pub async fn delete_room(
    State(app): State<AppState>,
    ClientAddr(addr): ClientAddr,
    Params(code): Params<String>,
    Bearer(token): Bearer,
    key: IdempotencyKey,
) -> Result<StatusCode> {
    let code = room_code(&code)?;
    let idem = key.bind("delete_room", &());
    let rooms = app.rooms.clone();
    as_member(&app, addr, async move { rooms.delete_room(&code, &token, idem.as_ref(), now()).await }).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(post, path = "/v1/rooms/{code}/leave", tag = "rooms",
    params(("code" = String, Path), ("Idempotency-Key" = Option<String>, Header)),
    security(("member_token" = [])), responses((status = 204, description = "Left the room")))]
/// Leave the room.
///
/// The host hands the host role to another member first (409 otherwise). A host alone in
/// the room closes it by leaving: the room and everything in it is deleted, so a room is
/// never left without a host.
pub async fn leave(
    State(app): State<AppState>,
    ClientAddr(addr): ClientAddr,
    Params(code): Params<String>,
    Bearer(token): Bearer,
    key: IdempotencyKey,
) -> Result<StatusCode> {
    let code = room_code(&code)?;
    let idem = key.bind("leave", &());
    let rooms = app.rooms.clone();
    as_member(&app, addr, async move { rooms.leave(&code, &token, idem.as_ref(), now()).await }).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(delete, path = "/v1/rooms/{code}/members/{member_id}", tag = "rooms",
    params(("code" = String, Path), ("member_id" = Uuid, Path), ("Idempotency-Key" = Option<String>, Header)),
    security(("member_token" = [])), responses((status = 204, description = "Removed (host only)")))]
/// Remove a member (host only).
///
/// Their token stops working and their open event streams end. Removal alone is not a ban:
/// anyone with the room's code can join. To keep someone out, also give the room a new code
/// (`POST /v1/rooms/{code}/code`) and share it only with the people who should join. There
/// is no block list: a display name is whatever a person types, so blocking one would not
/// keep anyone out.
pub async fn remove_member(
    State(app): State<AppState>,
    ClientAddr(addr): ClientAddr,
    Params((code, member_id)): Params<(String, Uuid)>,
    Bearer(token): Bearer,
    key: IdempotencyKey,
) -> Result<StatusCode> {
    let code = room_code(&code)?;
    let idem = key.bind("remove_member", &member_id);
    let rooms = app.rooms.clone();
    as_member(&app, addr, async move { rooms.remove_member(&code, &token, member_id, idem.as_ref(), now()).await })
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(post, path = "/v1/rooms/{code}/code", tag = "rooms",
    params(("code" = String, Path), ("Idempotency-Key" = Option<String>, Header)),
    security(("member_token" = [])), responses((status = 200, description = "The room with its new code (host only)", body = Room)))]
/// Give the room a new code (host only).
///
/// The old code no longer lets anyone join: after removing a member, this keeps them out.
/// Members keep their tokens and may still use the old code in paths; everyone in the room
/// hears the new code in a `room_updated` event. A code is never handed out twice.
pub async fn change_code(
    State(app): State<AppState>,
    ClientAddr(addr): ClientAddr,
    Params(code): Params<String>,
    Bearer(token): Bearer,
    key: IdempotencyKey,
) -> Result<Json<Room>> {
    let code = room_code(&code)?;
    let idem = key.bind("change_code", &());
    let rooms = app.rooms.clone();
    Ok(Json(as_member(&app, addr, async move { rooms.change_code(&code, &token, idem.as_ref(), now()).await }).await?))
}

#[utoipa::path(post, path = "/v1/rooms/{code}/host", tag = "rooms", request_body = HandOver,
    params(("code" = String, Path), ("Idempotency-Key" = Option<String>, Header)),
    security(("member_token" = [])), responses((status = 200, description = "The new host (host only)", body = Room)))]
pub async fn hand_over(
    State(app): State<AppState>,
    ClientAddr(addr): ClientAddr,
    Params(code): Params<String>,
    Bearer(token): Bearer,
    key: IdempotencyKey,
    Body(req): Body<HandOver>,
) -> Result<Json<Room>> {
    let code = room_code(&code)?;
    let idem = key.bind("hand_over", &req);
    let rooms = app.rooms.clone();
    Ok(Json(
        as_member(&app, addr, async move { rooms.hand_over(&code, &token, req.member_id, idem.as_ref(), now()).await })
            .await?,
    ))
}

#[utoipa::path(put, path = "/v1/rooms/{code}/presence", tag = "rooms", request_body = SetPresence,
    params(("code" = String, Path), ("Idempotency-Key" = Option<String>, Header)),
    security(("member_token" = [])), responses((status = 200, body = Member)))]
pub async fn set_presence(
    State(app): State<AppState>,
    ClientAddr(addr): ClientAddr,
    Params(code): Params<String>,
    Bearer(token): Bearer,
    key: IdempotencyKey,
    Body(req): Body<SetPresence>,
) -> Result<Json<Member>> {
    let code = room_code(&code)?;
    let idem = key.bind("set_presence", &req);
    let rooms = app.rooms.clone();
    Ok(Json(
        as_member(
            &app,
            addr,
            async move { rooms.set_presence(&code, &token, req.presence, idem.as_ref(), now()).await },
        )
        .await?,
    ))
}

#[utoipa::path(post, path = "/v1/rooms/{code}/sessions", tag = "sessions", request_body = StartSession,
    params(("code" = String, Path), ("Idempotency-Key" = Option<String>, Header)),
    security(("member_token" = [])), responses((status = 201, description = "Started (host only)", body = SharedSession)))]
/// Start a shared session for the whole room (host only), unless one is running or paused (409).
///
/// The commitments posted ahead (`POST /v1/rooms/{code}/commitments`) move into it with
/// `ahead: true`: everyone hears `session_started`, then one `commitment_published` per
/// commitment, in the order they were posted.
pub async fn start_session(
    State(app): State<AppState>,
    ClientAddr(addr): ClientAddr,
    Params(code): Params<String>,
    Bearer(token): Bearer,
    key: IdempotencyKey,
    Body(req): Body<StartSession>,
) -> Result<(StatusCode, Json<SharedSession>)> {
    let code = room_code(&code)?;
    if req.phases.is_empty() || req.phases.len() > PHASES_MAX {
        return Err(AppError::invalid(format!("a session has 1 to {PHASES_MAX} phases")));
    }
    if req.phases.iter().any(|p| p.duration_secs == 0 || p.duration_secs > PHASE_MAX_SECS) {
        return Err(AppError::invalid(format!("a phase lasts 1 to {PHASE_MAX_SECS} seconds")));
    }
    let req =
        StartSession { template_name: name("template name", &req.template_name, app.limits.max_name_chars)?, ..req };
    let idem = key.bind("start_session", &req);
    let rooms = app.rooms.clone();
    let s = as_member(&app, addr, async move { rooms.start_session(&code, &token, req, idem.as_ref(), now()).await })
        .await?;
    Ok((StatusCode::CREATED, Json(s)))
}

#[utoipa::path(get, path = "/v1/rooms/{code}/sessions", tag = "sessions", params(("code" = String, Path)),
    security(("member_token" = [])), responses((status = 200, body = SessionList)))]
pub async fn list_sessions(
    State(app): State<AppState>,
    ClientAddr(addr): ClientAddr,
    Params(code): Params<String>,
    Bearer(token): Bearer,
) -> Result<Json<SessionList>> {
    let code = room_code(&code)?;
    let rooms = app.rooms.clone();
    Ok(Json(SessionList {
        sessions: as_member(&app, addr, async move { rooms.list_sessions(&code, &token).await }).await?,
    }))
}

#[utoipa::path(get, path = "/v1/rooms/{code}/sessions/{session_id}", tag = "sessions",
    params(("code" = String, Path), ("session_id" = Uuid, Path)),
    security(("member_token" = [])), responses((status = 200, body = SessionDetail)))]
pub async fn session_detail(
    State(app): State<AppState>,
    ClientAddr(addr): ClientAddr,
    Params((code, session_id)): Params<(String, Uuid)>,
    Bearer(token): Bearer,
) -> Result<Json<SessionDetail>> {
    let code = room_code(&code)?;
    let rooms = app.rooms.clone();
    Ok(Json(as_member(&app, addr, async move { rooms.session_detail(&code, &token, session_id).await }).await?))
}

#[utoipa::path(post, path = "/v1/rooms/{code}/sessions/{session_id}/control", tag = "sessions",
    request_body = ControlSession,
    params(("code" = String, Path), ("session_id" = Uuid, Path), ("Idempotency-Key" = Option<String>, Header)),
    security(("member_token" = [])), responses((status = 200, description = "Applied (host only)", body = SharedSession)))]
pub async fn control_session(
    State(app): State<AppState>,
    ClientAddr(addr): ClientAddr,
    Params((code, session_id)): Params<(String, Uuid)>,
    Bearer(token): Bearer,
    key: IdempotencyKey,
    Body(req): Body<ControlSession>,
) -> Result<Json<SharedSession>> {
    let code = room_code(&code)?;
    let idem = key.bind("control_session", &(session_id, req));
    let rooms = app.rooms.clone();
    Ok(Json(
        as_member(&app, addr, async move {
            rooms.control_session(&code, &token, session_id, req.action, idem.as_ref(), now()).await
        })
        .await?,
    ))
}

#[utoipa::path(post, path = "/v1/rooms/{code}/sessions/{session_id}/commitments", tag = "sessions",
    request_body = PublishCommitment,
    params(("code" = String, Path), ("session_id" = Uuid, Path), ("Idempotency-Key" = Option<String>, Header)),
    security(("member_token" = [])), responses((status = 201, body = RoomCommitment)))]
pub async fn publish_commitment(
    State(app): State<AppState>,
    ClientAddr(addr): ClientAddr,
    Params((code, session_id)): Params<(String, Uuid)>,
    Bearer(token): Bearer,
    key: IdempotencyKey,
    Body(req): Body<PublishCommitment>,
) -> Result<(StatusCode, Json<RoomCommitment>)> {
    let code = room_code(&code)?;
    let text = text("commitment", &req.text, app.limits.max_commitment_chars)?;
    let idem = key.bind("publish_commitment", &(session_id, &text));
    let rooms = app.rooms.clone();
    let c = as_member(&app, addr, async move {
        rooms.publish_commitment(&code, &token, session_id, text, idem.as_ref(), now()).await
    })
    .await?;
    Ok((StatusCode::CREATED, Json(c)))
}

#[utoipa::path(post, path = "/v1/rooms/{code}/commitments", tag = "sessions", request_body = PublishCommitment,
    params(("code" = String, Path), ("Idempotency-Key" = Option<String>, Header)),
    security(("member_token" = [])),
    responses((status = 201, description = "Posted for the room's next session", body = AheadCommitment)))]
/// Post a commitment for the room's next session, before it starts.
///
/// For a member who cannot come: the room's state lists it in `ahead`, and everyone hears
/// `commitment_posted_ahead`. When the host starts the next session it moves into it, with
/// the same id and `createdAt` and `ahead: true`: after `session_started` comes one
/// `commitment_published` per commitment posted ahead, in the order they came. Refused with
/// 409 while a session is running or paused (share it in the session instead). The text is
/// checked like a commitment's; a member has at most 20 posted ahead (they count towards
/// the 20 per session). A member who leaves or is removed takes theirs along (`member_left`).
pub async fn post_ahead(
    State(app): State<AppState>,
    ClientAddr(addr): ClientAddr,
    Params(code): Params<String>,
    Bearer(token): Bearer,
    key: IdempotencyKey,
    Body(req): Body<PublishCommitment>,
) -> Result<(StatusCode, Json<AheadCommitment>)> {
    let code = room_code(&code)?;
    let text = text("commitment", &req.text, app.limits.max_commitment_chars)?;
    let idem = key.bind("post_ahead", &text);
    let rooms = app.rooms.clone();
    let c =
        as_member(&app, addr, async move { rooms.post_ahead(&code, &token, text, idem.as_ref(), now()).await }).await?;
    Ok((StatusCode::CREATED, Json(c)))
}

#[utoipa::path(put, path = "/v1/rooms/{code}/commitments/{commitment_id}/outcome", tag = "sessions",
    request_body = ReportOutcome,
    params(("code" = String, Path), ("commitment_id" = Uuid, Path), ("Idempotency-Key" = Option<String>, Header)),
    security(("member_token" = [])), responses((status = 200, description = "Reported (own commitments only)", body = RoomCommitment)))]
pub async fn report_outcome(
    State(app): State<AppState>,
    ClientAddr(addr): ClientAddr,
    Params((code, commitment_id)): Params<(String, Uuid)>,
    Bearer(token): Bearer,
    key: IdempotencyKey,
    Body(req): Body<ReportOutcome>,
) -> Result<Json<RoomCommitment>> {
    let code = room_code(&code)?;
    let req = ReportOutcome { note: optional_text("note", req.note.as_deref(), app.limits.max_note_chars)?, ..req };
    let idem = key.bind("report_outcome", &(commitment_id, &req));
    let rooms = app.rooms.clone();
    Ok(Json(
        as_member(&app, addr, async move {
            rooms.report_outcome(&code, &token, commitment_id, req, idem.as_ref(), now()).await
        })
        .await?,
    ))
}

#[utoipa::path(post, path = "/v1/rooms/{code}/commitments/{commitment_id}/kudos", tag = "sessions",
    params(("code" = String, Path), ("commitment_id" = Uuid, Path), ("Idempotency-Key" = Option<String>, Header)),
    security(("member_token" = [])), responses((status = 200, description = "Kudos given (to others' commitments)", body = RoomCommitment)))]
pub async fn give_kudos(
    State(app): State<AppState>,
    ClientAddr(addr): ClientAddr,
    Params((code, commitment_id)): Params<(String, Uuid)>,
    Bearer(token): Bearer,
    key: IdempotencyKey,
) -> Result<Json<RoomCommitment>> {
    let code = room_code(&code)?;
    let idem = key.bind("give_kudos", &commitment_id);
    let rooms = app.rooms.clone();
    Ok(Json(
        as_member(
            &app,
            addr,
            async move { rooms.give_kudos(&code, &token, commitment_id, idem.as_ref(), now()).await },
        )
        .await?,
    ))
}

#[utoipa::path(post, path = "/v1/rooms/{code}/commitments/{commitment_id}/questions", tag = "sessions",
    request_body = AskQuestion,
    params(("code" = String, Path), ("commitment_id" = Uuid, Path), ("Idempotency-Key" = Option<String>, Header)),
    security(("member_token" = [])), responses((status = 201, description = "Asked (about one's own commitments, while the session runs)", body = Question)))]
/// Ask the host a question about one of your own shared commitments.
///
/// Only while the commitment's session is not over (paused counts as running): afterwards
/// the question is refused with 409, as nobody is there to answer it. The text is checked
/// like a commitment's, with the same length limit. A member has at most 20 unanswered
/// questions in a session, a session at most 200 unanswered and 1,000 in all (409). Everyone
/// in the room hears `question_asked`; the session's detail lists the questions in the
/// order they came.
pub async fn ask_question(
    State(app): State<AppState>,
    ClientAddr(addr): ClientAddr,
    Params((code, commitment_id)): Params<(String, Uuid)>,
    Bearer(token): Bearer,
    key: IdempotencyKey,
    Body(req): Body<AskQuestion>,
) -> Result<(StatusCode, Json<Question>)> {
    let code = room_code(&code)?;
    let text = text("question", &req.text, app.limits.max_commitment_chars)?;
    let idem = key.bind("ask_question", &(commitment_id, &text));
    let rooms = app.rooms.clone();
    let q = as_member(&app, addr, async move {
        rooms.ask_question(&code, &token, commitment_id, text, idem.as_ref(), now()).await
    })
    .await?;
    Ok((StatusCode::CREATED, Json(q)))
}

#[utoipa::path(post, path = "/v1/rooms/{code}/questions/{question_id}/answered", tag = "sessions",
    params(("code" = String, Path), ("question_id" = Uuid, Path), ("Idempotency-Key" = Option<String>, Header)),
    security(("member_token" = [])), responses((status = 200, description = "Marked answered (host only)", body = Question)))]
/// Mark a question answered (host only).
///
/// Also after the session. Marking it again is fine: the answer is the same question with
/// the first `answeredAt`, and only the first time emits `question_answered`.
pub async fn mark_answered(
    State(app): State<AppState>,
    ClientAddr(addr): ClientAddr,
    Params((code, question_id)): Params<(String, Uuid)>,
    Bearer(token): Bearer,
    key: IdempotencyKey,
) -> Result<Json<Question>> {
    let code = room_code(&code)?;
    let idem = key.bind("mark_answered", &question_id);
    let rooms = app.rooms.clone();
    Ok(Json(
        as_member(
            &app,
            addr,
            async move { rooms.mark_answered(&code, &token, question_id, idem.as_ref(), now()).await },
        )
        .await?,
    ))
}

#[utoipa::path(put, path = "/v1/rooms/{code}/schedule", tag = "schedule", request_body = PutSchedule,
    params(("code" = String, Path), ("Idempotency-Key" = Option<String>, Header)),
    security(("member_token" = [])), responses((status = 200, description = "Replaced (host only)", body = Schedule)))]
/// Replace the room's schedule (host only).
///
/// Every entry is checked so that reading the schedule stays cheap: rules repeat daily or
/// less often, at most 4 times a day, and start at most 366 days before now. The answer's
/// `upcoming` lists the next 62 days. Entries stored before these limits are still listed
/// in `entries`, but left out of `upcoming` when they would need too much work.
pub async fn put_schedule(
    State(app): State<AppState>,
    ClientAddr(addr): ClientAddr,
    Params(code): Params<String>,
    Bearer(token): Bearer,
    key: IdempotencyKey,
    Body(req): Body<PutSchedule>,
) -> Result<Json<Schedule>> {
    let code = room_code(&code)?;
    if req.entries.len() > schedule::ENTRIES_MAX {
        return Err(AppError::invalid(format!("a schedule holds at most {} entries", schedule::ENTRIES_MAX)));
    }
    let mut entries = Vec::with_capacity(req.entries.len());
    for e in req.entries {
        entries.push(ScheduleEntryDraft {
            title: name("title", &e.title, app.limits.max_name_chars)?,
            rrule: optional_text("rule", e.rrule.as_deref(), 500)?,
            ..e
        });
    }
    let idem = key.bind("put_schedule", &entries);
    let rooms = app.rooms.clone();
    let schedule = as_member(&app, addr, async move {
        let now = now();
        // Only the host's rules are worth checking, and only within the host's request limit
        // (so this request counts twice); the write checks the token again.
        rooms.authenticate(&code, &token).await?.require_host()?;
        let entries = cpu_bound(move || schedule::validate_all(&entries, now).map(|()| entries)).await?;
        let entries = rooms.put_schedule(&code, &token, entries, idem.as_ref(), now).await?;
        cpu_bound(move || Ok(Schedule { upcoming: schedule::upcoming(&entries, now), entries })).await
    })
    .await?;
    Ok(Json(schedule))
}

#[utoipa::path(get, path = "/v1/rooms/{code}/schedule", tag = "schedule", params(("code" = String, Path)),
    security(("member_token" = [])), responses((status = 200, body = Schedule)))]
pub async fn get_schedule(
    State(app): State<AppState>,
    ClientAddr(addr): ClientAddr,
    Params(code): Params<String>,
    Bearer(token): Bearer,
) -> Result<Json<Schedule>> {
    let code = room_code(&code)?;
    let rooms = app.rooms.clone();
    let schedule = as_member(&app, addr, async move {
        let entries = rooms.schedule(&code, &token).await?;
        cpu_bound(move || Ok(Schedule { upcoming: schedule::upcoming(&entries, now()), entries })).await
    })
    .await?;
    Ok(Json(schedule))
}

#[utoipa::path(get, path = "/health", tag = "server", responses((status = 200, body = Health)))]
pub async fn health() -> Json<Health> {
    Json(Health { status: "ok".into(), version: env!("CARGO_PKG_VERSION").into() })
}
