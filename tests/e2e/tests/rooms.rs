//! Rooms, with the real room server over real TCP and two apps on their own data folders:
//! the host creates a room; the member refuses bad codes and servers with the right words,
//! then joins with the invite link through `worktogether join LINK` (the link reaches the open
//! app as a click on it would); each sees the other, and the host's session shows as their
//! presence in the member's app; the host starts a shared session and the member joins it from the notice:
//! both apps change phase together, each with its notices, the member asks the host a question
//! that the host marks answered, a shared commitment gets kudos and its outcome reaches the host;
//! the member leaves. Tokens are in the Secret Service, never in the SQLite file.
#![allow(
    clippy::disallowed_methods,
    reason = "end-to-end tests measure real time: they read the system clock on purpose"
)]

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, ensure};
use serde_json::json;
use worktogether_e2e::room_server::{CutProxy, RoomServer};
use worktogether_e2e::{App, TestCtx, control, notify, wait_for, wait_for_control};

/// Room events travel over loopback; this only bounds a broken build. On a loaded machine a
/// connection can fail and the follower then waits before the next try, up to 15 s
/// (`worktogether_sync`'s backoff): the bound leaves room for a few tries at that pace.
const ROOM_TIMEOUT: Duration = Duration::from_secs(60);
/// `worktogether_sync::tokens::FORCE_FILE_ENV`: the file even where a secret store runs.
const TOKENS_IN_FILE: &str = "WORKTOGETHER_TOKENS_IN_FILE";

fn data_dir(ctx: &TestCtx, name: &str) -> Result<std::path::PathBuf> {
    let dir = ctx.dir.join(name);
    std::fs::create_dir_all(&dir)?;
    Ok(dir)
}

/// The names in the room's member list, as shown.
fn members(app: &App) -> Result<Vec<String>> {
    app.texts_of("room-member")
}

fn wait_for_members(app: &App, who: &str, count: usize) -> Result<Vec<String>> {
    wait_for(ROOM_TIMEOUT, &format!("{count} members in {who}'s room"), || {
        let shown = members(app)?;
        Ok((shown.len() == count).then_some(shown))
    })
}

/// The join form's error after a submit with these values; the rooms stay as they were.
fn refused_join(app: &App, server: &str, code: &str, name: &str) -> Result<String> {
    app.type_into("join-server", server)?;
    app.type_into("join-code", code)?;
    app.type_into("join-name", name)?;
    app.click("join-submit")?;
    let message = wait_for(ROOM_TIMEOUT, "the join form's error", || {
        Ok(app.text_of("join-error")?.filter(|t| !t.trim().is_empty()))
    })?;
    ensure!(app.invoke("rooms", json!({}))? == json!([]), "a refused join keeps no room");
    Ok(message)
}

fn file_contains(path: &Path, needle: &str) -> Result<bool> {
    let bytes = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
    Ok(bytes.windows(needle.len()).any(|w| w == needle.as_bytes()))
}

/// Whether the app's SQLite files (with the WAL) in `dir` hold `token` anywhere.
fn databases_hold(dir: &Path, token: &str) -> Result<bool> {
    for file in std::fs::read_dir(dir)?.flatten().map(|e| e.path()) {
        if file.file_name().is_some_and(|n| n.to_string_lossy().starts_with("worktogether.sqlite3"))
            && file_contains(&file, token)?
        {
            return Ok(true);
        }
    }
    Ok(false)
}

/// The token the Secret Service keeps for a membership, read back with `secret-tool`.
fn secret_store_token(membership: &str) -> Result<Option<String>> {
    let out = Command::new("secret-tool")
        .args(["lookup", "service", "worktogether-room", "username", membership])
        .output()
        .context("running secret-tool (make deps installs libsecret-tools)")?;
    let token = String::from_utf8(out.stdout)?;
    Ok((out.status.success() && !token.is_empty()).then_some(token))
}

#[test]
#[ignore = "needs the display, bus and notification server of `make e2e`"]
fn a_host_and_a_member_meet_in_a_room() -> Result<()> {
    let ctx = TestCtx::new("rooms")?;
    let server = RoomServer::start(&ctx.env.room_server, &ctx.dir)?;
    let (host_dir, member_dir) = (data_dir(&ctx, "host-data")?, data_dir(&ctx, "member-data")?);
    let host = App::launch(&ctx, &host_dir, "host")?;
    let member = App::launch(&ctx, &member_dir, "member")?;

    // The host creates a room.
    host.click("nav-rooms")?;
    host.type_into("create-server", &server.url())?;
    host.type_into("create-room-name", "Morning office")?;
    host.type_into("create-video-link", "https://meet.example.org/morning")?;
    host.type_into("create-name", "Hanna")?;
    host.click("create-submit")?;
    host.wait_testid("room-view", ROOM_TIMEOUT)?;
    let link = wait_for(ROOM_TIMEOUT, "the invite link", || {
        Ok(host.value_of("room-invite-link")?.filter(|l| l.starts_with("worktogether://join/")))
    })?;
    ensure!(link.ends_with(&format!("/{}", server_code(&host)?)), "the link carries the room's code: {link}");
    wait_for_members(&host, "the host", 1)?;
    ctx.screenshot("host-room")?;

    // Bad input is refused next to the form, in words a person acts on, and keeps nothing.
    member.click("nav-rooms")?;
    let wrong_code = refused_join(&member, &server.url(), "ABCDE-FGHJ0", "Mia")?;
    ensure!(wrong_code.contains("not a room code"), "{wrong_code}");
    let no_room = refused_join(&member, &server.url(), "ABCDE-FGHJK", "Mia")?;
    ensure!(no_room.contains("no room with this code"), "{no_room}");
    let unreachable = refused_join(&member, "127.0.0.1:9", "ABCDE-FGHJK", "Mia")?;
    ensure!(unreachable.contains("cannot be reached"), "{unreachable}");
    let no_name = refused_join(&member, &server.url(), &link, "   ")?;
    ensure!(!no_name.is_empty(), "a blank name is refused");
    ctx.screenshot("member-join-refused")?;

    // The member's data before the room, restored near the end.
    let before_room = member.invoke("make_backup", json!({}))?;

    // The invite link from the command line reaches the open app, as a click on it would.
    let ran = Command::new(&ctx.env.app)
        .args(["join", &link])
        .env("WORKTOGETHER_DATA_DIR", &member_dir)
        .env("XDG_DATA_HOME", ctx.dir.join("xdg-data"))
        .env("XDG_CACHE_HOME", ctx.dir.join("xdg-cache"))
        .output()?;
    ensure!(ran.status.success(), "join: {}", String::from_utf8_lossy(&ran.stderr));
    wait_for(ROOM_TIMEOUT, "the link in the member's join form", || {
        Ok((member.value_of("join-code")?.as_deref() == Some(link.as_str())).then_some(()))
    })?;
    member.type_into("join-name", "Mia")?;
    member.click("join-submit")?;
    member.wait_testid("room-view", ROOM_TIMEOUT)?;
    let seen_by_member = wait_for_members(&member, "the member", 2)?;
    ensure!(seen_by_member.iter().any(|m| m.contains("Hanna")), "{seen_by_member:?}");
    let seen_by_host = wait_for_members(&host, "the host", 2)?;
    ensure!(seen_by_host.iter().any(|m| m.contains("Mia")), "{seen_by_host:?}");

    // The host's session shows in the member's app as the host's presence.
    wait_for_control(&host_dir)?;
    let started = control(&host_dir, &json!({ "action": "start", "template": "default" }))?;
    ensure!(started.get("code").is_none(), "the host's session starts: {started}");
    control(&host_dir, &json!({ "action": "skip" }))?;
    wait_for(ROOM_TIMEOUT, "the host focusing, in the member's room", || {
        let presences = member.attrs_of("room-member", "data-presence")?;
        Ok(presences.iter().any(|p| p == "focusing").then_some(()))
    })?;
    ctx.screenshot("member-room")?;
    control(&host_dir, &json!({ "action": "abandon" }))?;

    shared_session(&ctx, &host, &member, &host_dir, &member_dir)?;

    // A backup from before the room restored: the member's app lets the room go. The data the
    // restore kept brings it back, followed again as at start (its token still in the vault).
    let restored = member.invoke("restore_backup", json!({ "name": before_room["id"] }))?;
    ensure!(rooms_of(&member)?.is_empty(), "no room in the data from before the room");
    member.invoke("restore_backup", json!({ "name": restored["kept"]["id"] }))?;
    let mut last = Vec::new();
    wait_for(ROOM_TIMEOUT, "the restored room followed again, with both members", || {
        last = rooms_of(&member)?;
        let followed = last.len() == 1
            && last[0]["connection"]["state"] == "connected"
            && last[0]["members"].as_array().map_or(0, Vec::len) == 2;
        Ok(followed.then_some(()))
    })
    .with_context(|| format!("the rooms last seen: {}", json!(last)))?;

    // Tokens: in the Secret Service (gnome-keyring on the test bus), as the settings say, and
    // neither in a file nor in the databases.
    for (app, dir) in [(&host, &host_dir), (&member, &member_dir)] {
        ensure!(!dir.join("room-tokens.json").exists(), "no token file beside a secret store");
        let membership =
            rooms_of(app)?.first().context("one room")?["membershipId"].as_str().context("an id")?.to_owned();
        let token = secret_store_token(&membership)?.context("the membership's token in the secret store")?;
        ensure!(!databases_hold(dir, &token)?, "a token is in the database of {}", dir.display());
        app.click("nav-settings")?;
        wait_for(ROOM_TIMEOUT, "the settings to say the tokens are in the secret store", || {
            Ok((app.attr_of("token-place", "data-secret-store")?.as_deref() == Some("true")).then_some(()))
        })?;
        app.click("nav-rooms")?;
        app.click("room-item")?;
        app.wait_testid("room-view", ROOM_TIMEOUT)?;
    }

    // The member leaves: their app forgets the room, the host's room shows one member again.
    member.click("room-leave")?;
    member.click("room-leave-confirm")?;
    wait_for(ROOM_TIMEOUT, "the member's rooms to be empty", || {
        Ok((member.invoke("rooms", json!({}))? == json!([])).then_some(()))
    })?;
    wait_for_members(&host, "the host", 1)?;
    let listed = Command::new(&ctx.env.app).arg("rooms").env("WORKTOGETHER_DATA_DIR", &host_dir).output()?;
    let listed = String::from_utf8(listed.stdout)?;
    ensure!(listed.starts_with("Morning office ("), "worktogether rooms: {listed}");
    host.close();
    member.close();
    Ok(())
}

/// The room's plan, in seconds: long enough for the member to join in the commitment round.
const PLAN: [(&str, u64); 5] = [("commitment", 20), ("focus", 5), ("break", 4), ("focus", 4), ("closing", 6)];

/// The host starts a shared session from the room's view; the member hears of it and joins
/// from the app; both show each phase at the same moment, each app's notification server
/// gets one notice per change; the member shares a commitment, the host gives kudos, and the
/// member's outcome reaches the host.
fn shared_session(ctx: &TestCtx, host: &App, member: &App, host_dir: &Path, member_dir: &Path) -> Result<()> {
    let template = host.save_template("E2E room", &PLAN)?;
    // Earlier notices off the screen, so the room's is the one dunst shows first.
    notify::dunstctl(&["close-all"])?;
    let notices_from = notify::log_len(&ctx.env.notify_log)?;
    // The room's view lists the templates when it opens: open it again to see the new one.
    host.click("nav-rooms")?;
    host.click("room-item")?;
    host.wait_testid("room-start-form", ROOM_TIMEOUT)?;
    host.select("room-start-template", &template)?;
    host.click("room-start-session")?;
    wait_for(ROOM_TIMEOUT, "the host's session to follow the room", || {
        Ok(host.shown_phase()?.filter(|p| p == "commitment"))
    })?;

    // The member hears "Hanna started “E2E room” in Morning office" and joins from the notice:
    // dunst carries out its default action, as a click on it would.
    wait_for(ROOM_TIMEOUT, "the member's notice of the room's session", || {
        let notices = notify::notifications_since(&ctx.env.notify_log, notices_from)?;
        Ok(notices.iter().any(|n| n.summary.contains("Hanna started") && n.summary.contains("E2E room")).then_some(()))
    })?;
    wait_for(ROOM_TIMEOUT, "dunst to show the notice", || {
        Ok((notify::dunstctl(&["count", "displayed"])?.trim() == "1").then_some(()))
    })?;
    member.wait_testid("room-view", ROOM_TIMEOUT)?;
    notify::dunstctl(&["action", "0"])?;
    wait_for(ROOM_TIMEOUT, "the member's session to follow the room", || {
        let session = member.invoke("current_session", json!({}))?;
        Ok((session["followsRoom"] == true).then_some(()))
    })?;
    // The member was looking at the room; the window now shows the session by itself.
    wait_for(ROOM_TIMEOUT, "the member's commitment round on screen", || {
        Ok(member.shown_phase()?.filter(|p| p == "commitment"))
    })?;
    ctx.screenshot("member-joined")?;

    // The member shares a commitment (the room hears of it once it is shared).
    let commit = json!({ "action": "commit", "draft": { "text": "Write the newsletter", "tag": null, "estimateMinutes": null } });
    control(member_dir, &commit)?;
    member.invoke("share_with_room", json!({ "share": true }))?;
    // So does the host, to get kudos the other way.
    let host_commit = json!({ "action": "commit", "draft": { "text": "Answer the questions", "tag": null, "estimateMinutes": null } });
    control(host_dir, &host_commit)?;
    host.invoke("share_with_room", json!({ "share": true }))?;

    // …and asks the host about it while the room's session runs.
    member.click("nav-rooms")?;
    member.click("room-item")?;
    member.click("room-ask")?;
    member.type_into("room-ask-text", "Is a weekly newsletter too often?")?;
    member.click("room-ask-submit")?;
    wait_for(ROOM_TIMEOUT, "the member's question in their room", || {
        Ok(member.texts_of("room-question")?.iter().any(|t| t.contains("too often")).then_some(()))
    })?;
    member.click("nav-home")?;

    // Both apps change phase at the same moment, by the room's clock.
    let mut changes: [Vec<(String, Instant)>; 2] = Default::default();
    let deadline = Instant::now() + Duration::from_secs(60);
    while changes.iter().any(|c| c.last().is_none_or(|(p, _)| p != "closing")) {
        ensure!(Instant::now() < deadline, "both apps reach the closing round: {changes:?}");
        for (i, app) in [host, member].into_iter().enumerate() {
            let phase = app.shown_phase()?.unwrap_or_default();
            if changes[i].last().is_none_or(|(p, _)| *p != phase) {
                changes[i].push((phase, Instant::now()));
            }
        }
    }
    let sequence = |c: &[(String, Instant)]| c.iter().map(|(p, _)| p.clone()).collect::<Vec<_>>();
    ensure!(sequence(&changes[0]) == sequence(&changes[1]), "the same phases in both apps: {changes:?}");
    ensure!(
        sequence(&changes[0]).ends_with(&["focus".into(), "break".into(), "focus".into(), "closing".into()]),
        "{changes:?}"
    );
    for ((phase, a), (_, b)) in changes[0].iter().zip(&changes[1]).skip(1) {
        let apart = if a > b { *a - *b } else { *b - *a };
        ensure!(apart < Duration::from_secs(1), "{phase}: the apps were {apart:?} apart");
    }

    // One notice per change in each app: four changes, two apps.
    std::thread::sleep(Duration::from_secs(1));
    let notices = notify::notifications_since(&ctx.env.notify_log, notices_from)?;
    let phase_notices = notices.iter().filter(|n| !n.summary.contains("started")).count();
    ensure!(phase_notices == 8, "4 phase changes × 2 apps, got {phase_notices}: {notices:#?}");

    // The host sees the member's question in the order it came and marks it answered.
    host.click("nav-rooms")?;
    host.click("room-item")?;
    wait_for(ROOM_TIMEOUT, "the member's question at the host", || {
        Ok(host.texts_of("room-question")?.iter().any(|t| t.contains("too often")).then_some(()))
    })?;
    host.click("room-question-answered")?;

    // The host sees the member's commitment and gives kudos; the member sees them.
    wait_for(ROOM_TIMEOUT, "the member's commitment in the host's room", || {
        Ok(host.texts_of("room-commitment")?.iter().any(|t| t.contains("Write the newsletter")).then_some(()))
    })?;
    host.click("room-kudos")?;
    member.click("nav-rooms")?;
    member.click("room-item")?;
    wait_for(ROOM_TIMEOUT, "the host's kudos in the member's room", || {
        Ok(member.texts_of("room-commitment")?.iter().any(|t| t.contains('1')).then_some(()))
    })?;
    // The member gives kudos to the host's commitment; the host sees them.
    member.click("room-kudos")?;
    wait_for(ROOM_TIMEOUT, "the member's kudos in the host's room", || {
        let rooms = rooms_of(host)?;
        let mine = rooms.first().and_then(|r| r["commitments"].as_array().cloned()).unwrap_or_default();
        Ok(mine.iter().any(|c| c["mine"] == true && c["kudos"] == 1).then_some(()))
    })?;
    wait_for(ROOM_TIMEOUT, "the member's question answered, in the member's room", || {
        Ok(member.attrs_of("room-question", "data-answered")?.iter().any(|a| a == "true").then_some(()))
    })?;

    // The member's outcome reaches the host.
    let session = member.invoke("current_session", json!({}))?;
    let commitment = session["commitments"][0]["id"].as_str().context("the member's commitment")?.to_owned();
    let report = json!({ "outcomes": [{ "commitmentId": commitment, "outcome": "done", "note": "sent", "feedbackWanted": true }],
        "overallNote": null, "focusRating": null });
    control(member_dir, &json!({ "action": "close", "report": report }))?;
    wait_for(ROOM_TIMEOUT, "the member's outcome in the host's room", || {
        Ok(host.attrs_of("room-commitment", "data-outcome")?.iter().any(|o| o == "done").then_some(()))
    })?;
    ctx.screenshot("host-outcomes")?;
    control(host_dir, &json!({ "action": "abandon" }))?;
    Ok(())
}

/// The room's code as the host's app shows it.
fn server_code(app: &App) -> Result<String> {
    let rooms = app.invoke("rooms", json!({}))?;
    rooms[0]["code"].as_str().map(str::to_owned).context("the room's code")
}

/// The rooms of `app`, as its backend has them.
fn rooms_of(app: &App) -> Result<Vec<serde_json::Value>> {
    Ok(app.invoke("rooms", json!({}))?.as_array().cloned().unwrap_or_default())
}

/// Writes waiting in the outbox of the app on `data_dir`.
fn waiting_writes(data_dir: &Path) -> Result<i64> {
    let db = worktogether_e2e::open_db(data_dir)?;
    Ok(db.query_row("SELECT COUNT(*) FROM room_outbox WHERE refused_at IS NULL", [], |r| r.get(0))?)
}

/// The member posts a commitment ahead of the room's next session, and it becomes part of
/// it; the member's network goes away mid-session and comes back; the server is killed with
/// SIGKILL and restarted; a third app joins late. Nothing the member did offline is lost or
/// sent twice, nothing acknowledged is lost, and the late joiner lands in the room's phase.
#[test]
#[ignore = "needs the display, bus and notification server of `make e2e`"]
fn a_room_survives_a_cut_network_a_killed_server_and_a_late_joiner() -> Result<()> {
    let ctx = TestCtx::new("rooms-offline")?;
    let mut server = RoomServer::start(&ctx.env.room_server, &ctx.dir)?;
    let proxy = CutProxy::start(server.address)?;
    let (host_dir, member_dir) = (data_dir(&ctx, "host-data")?, data_dir(&ctx, "member-data")?);
    let host = App::launch(&ctx, &host_dir, "host")?;
    // The member's tokens go to the file, as where no secret store runs.
    let member = App::launch_with_env(&ctx, &member_dir, "member", &[(TOKENS_IN_FILE, "1")])?;

    // The room and its memberships over IPC (the first story shows the screens); the member
    // reaches the server through a relay the test can cut.
    let new_room = json!({ "server": server.url(), "name": "Night office", "description": null,
        "videoLink": null, "displayName": "Hanna" });
    let room = host.invoke("create_room", json!({ "room": new_room }))?;
    let (host_id, code) = (room["membershipId"].clone(), room["code"].clone());
    let joined = member.invoke("join_room", json!({ "server": proxy.url(), "code": code, "displayName": "Mia" }))?;
    let member_id = joined["membershipId"].clone();
    // The host's app follows the room: it has seen the member join (the event stream is up).
    wait_for(ROOM_TIMEOUT, "the member in the host's room", || {
        let rooms = rooms_of(&host)?;
        Ok(rooms.first().and_then(|r| r["members"].as_array()).is_some_and(|m| m.len() == 2).then_some(()))
    })?;

    // Before any session: the member, who may not make it, posts what she will do ahead from
    // the room's view (a blank post is refused next to the field); the host sees it at once.
    member.click("nav-rooms")?;
    member.click("room-item")?;
    member.click("room-ahead-submit")?;
    let blank = wait_for(ROOM_TIMEOUT, "the ahead form's error", || {
        Ok(member.text_of("room-ahead-error")?.filter(|t| !t.is_empty()))
    })?;
    ensure!(blank.contains("Write what you will work on"), "{blank}");
    let too_long = member.invoke("post_ahead", json!({ "membershipId": member_id, "text": "x".repeat(2000) }));
    ensure!(too_long.is_err(), "an over-long commitment is refused");
    member.type_into("room-ahead-text", "Sort the receipts")?;
    member.click("room-ahead-submit")?;
    wait_for(ROOM_TIMEOUT, "the member's commitment ahead at the host", || {
        let rooms = rooms_of(&host)?;
        let ahead = rooms.first().and_then(|r| r["ahead"].as_array().cloned()).unwrap_or_default();
        Ok((ahead.len() == 1 && ahead[0]["text"] == "Sort the receipts" && ahead[0]["memberId"] == member_id)
            .then_some(()))
    })?;
    // The member's own view follows the room's event, which may come after the host's answer.
    wait_for(ROOM_TIMEOUT, "the commitment ahead shown to the member", || {
        Ok(member.texts_of("room-ahead-item")?.iter().any(|t| t.contains("Sort the receipts")).then_some(()))
    })?;
    ctx.screenshot("member-ahead")?;

    // The host starts the session: what was posted ahead is part of it, marked so.
    let template = host.save_template("E2E long", &[("commitment", 600), ("focus", 600), ("closing", 60)])?;
    let start = json!({ "membershipId": host_id, "templateId": template, "atQuarterHour": false });
    host.invoke("start_shared_session", start)?;
    wait_for(ROOM_TIMEOUT, "the room's session in the member's app", || {
        Ok(rooms_of(&member)?.first().is_some_and(|r| r["session"]["phase"] == "commitment").then_some(()))
    })?;
    wait_for(ROOM_TIMEOUT, "the commitment ahead in the host's session", || {
        let rooms = rooms_of(&host)?;
        let Some(room) = rooms.first() else { return Ok(None) };
        let moved = room["commitments"]
            .as_array()
            .is_some_and(|c| c.iter().any(|c| c["text"] == "Sort the receipts" && c["ahead"] == true));
        Ok((moved && room["ahead"] == json!([])).then_some(()))
    })?;
    let during = member.invoke("post_ahead", json!({ "membershipId": member_id, "text": "Later" }));
    ensure!(during.as_ref().is_err_and(|e| e.to_string().contains("session is running")), "{during:?}");
    member.invoke("join_room_session", json!({ "membershipId": member_id }))?;
    member.invoke("share_with_room", json!({ "share": true }))?;
    wait_for_control(&member_dir)?;

    // Offline: the room says so, and what the member does waits in the outbox.
    proxy.cut();
    wait_for(ROOM_TIMEOUT, "the member's room to show offline", || {
        Ok(rooms_of(&member)?.first().is_some_and(|r| r["connection"]["state"] == "offline").then_some(()))
    })?;
    let commit =
        json!({ "action": "commit", "draft": { "text": "Offline work", "tag": null, "estimateMinutes": null } });
    control(&member_dir, &commit)?;
    control(&member_dir, &json!({ "action": "pause", "note": null }))?;
    // The presence is queued by the pause's effects, a moment after the answer.
    wait_for(ROOM_TIMEOUT, "the commitment and the presence to wait in the outbox", || {
        Ok((waiting_writes(&member_dir)? >= 2).then_some(()))
    })?;
    member.click("nav-rooms")?;
    member.click("room-item")?;
    wait_for(ROOM_TIMEOUT, "the room view to say offline", || {
        Ok((member.attr_of("room-connection", "data-state")?.as_deref() == Some("offline")).then_some(()))
    })?;
    ctx.screenshot("member-offline")?;

    // Back: everything arrives, once.
    proxy.mend();
    wait_for(Duration::from_secs(60), "the offline commitment and presence at the host", || {
        let rooms = rooms_of(&host)?;
        let Some(room) = rooms.first() else { return Ok(None) };
        let copies =
            room["commitments"].as_array().map_or(0, |c| c.iter().filter(|c| c["text"] == "Offline work").count());
        let on_break = room["members"]
            .as_array()
            .is_some_and(|m| m.iter().any(|m| m["displayName"] == "Mia" && m["presence"] == "break"));
        Ok((copies == 1 && on_break).then_some(()))
    })?;
    wait_for(ROOM_TIMEOUT, "the member's outbox to empty", || Ok((waiting_writes(&member_dir)? == 0).then_some(())))?;

    // SIGKILL mid-session, then the same server again: what was acknowledged is there.
    server.kill_9()?;
    server.restart()?;
    control(&member_dir, &json!({ "action": "resume" }))?;
    wait_for(Duration::from_secs(60), "the host's room after the restart", || {
        let rooms = rooms_of(&host)?;
        let Some(room) = rooms.first() else { return Ok(None) };
        let kept = room["commitments"].as_array().is_some_and(|c| c.iter().any(|c| c["text"] == "Offline work"));
        let planning = room["members"]
            .as_array()
            .is_some_and(|m| m.iter().any(|m| m["displayName"] == "Mia" && m["presence"] == "planning"));
        Ok((room["connection"]["state"] == "connected" && kept && planning).then_some(()))
    })?;

    // The host skips to the focus block; a third app joins late and lands in it, with the
    // room's end of it.
    host.invoke("control_shared_session", json!({ "membershipId": host_id, "control": "skip" }))?;
    let late_dir = data_dir(&ctx, "late-data")?;
    let late = App::launch(&ctx, &late_dir, "late")?;
    let late_joined =
        late.invoke("join_room", json!({ "server": server.url(), "code": code, "displayName": "Lea" }))?;
    wait_for(ROOM_TIMEOUT, "the room's focus block in the late app", || {
        Ok(rooms_of(&late)?.first().is_some_and(|r| r["session"]["phase"] == "focus").then_some(()))
    })?;
    let session = late.invoke("join_room_session", json!({ "membershipId": late_joined["membershipId"] }))?;
    let host_session = host.invoke("current_session", json!({}))?;
    ensure!(session["phase"]["kind"] == "focus" && host_session["phase"]["kind"] == "focus", "{session}");
    let deadline = |s: &serde_json::Value| -> Result<chrono::DateTime<chrono::Utc>> {
        worktogether_e2e::parse_time(s["phase"]["deadline"].as_str().context("a deadline")?)
    };
    let apart = (deadline(&session)? - deadline(&host_session)?).num_milliseconds().abs();
    ensure!(apart < 1000, "the late joiner's focus ends with the room's: {apart} ms apart");
    late.close();
    host.close();
    member.close();

    // The member's token: in the file, readable by the user only, and not in the database.
    let tokens = member_dir.join("room-tokens.json");
    let mode = std::os::unix::fs::PermissionsExt::mode(&std::fs::metadata(&tokens)?.permissions());
    ensure!(mode & 0o077 == 0, "{} is private: {mode:o}", tokens.display());
    let kept: serde_json::Map<String, serde_json::Value> = serde_json::from_slice(&std::fs::read(&tokens)?)?;
    let token = kept.get(member_id.as_str().context("an id")?).and_then(|t| t.as_str()).context("the token")?;
    ensure!(!databases_hold(&member_dir, token)?, "the member's token is in the database");
    Ok(())
}
