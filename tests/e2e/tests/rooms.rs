//! Rooms, with the real room server over real TCP and two apps on their own data folders:
//! the host creates a room; the member refuses bad codes and servers with the right words,
//! then joins with the invite link through `worktogether join LINK` (the link reaches the open
//! app as a click on it would); each sees the other, and the host's session shows as their
//! presence in the member's app; the member leaves. Tokens are in the vault file, never in
//! the SQLite file.
#![allow(
    clippy::disallowed_methods,
    reason = "end-to-end tests measure real time: they read the system clock on purpose"
)]

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use anyhow::{Context, Result, ensure};
use serde_json::json;
use worktogether_e2e::room_server::RoomServer;
use worktogether_e2e::{App, TestCtx, control, wait_for, wait_for_control};

/// Room events travel over loopback; this only bounds a broken build.
const ROOM_TIMEOUT: Duration = Duration::from_secs(20);

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

#[test]
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
    wait_for(ROOM_TIMEOUT, "the host planning, in the member's room", || {
        let presences = member.attrs_of("room-member", "data-presence")?;
        Ok(presences.iter().any(|p| p == "planning").then_some(()))
    })?;
    ctx.screenshot("member-room")?;

    // Tokens: in the vault file (no secret store runs on the test bus), readable by the user only,
    // and nowhere in the databases.
    for dir in [&host_dir, &member_dir] {
        let tokens = dir.join("room-tokens.json");
        let mode = std::os::unix::fs::PermissionsExt::mode(&std::fs::metadata(&tokens)?.permissions());
        ensure!(mode & 0o077 == 0, "{} is private: {mode:o}", tokens.display());
        let kept: serde_json::Map<String, serde_json::Value> = serde_json::from_slice(&std::fs::read(&tokens)?)?;
        for token in kept.values().filter_map(|t| t.as_str()) {
            for file in std::fs::read_dir(dir)?.flatten().map(|e| e.path()) {
                if file.file_name().is_some_and(|n| n.to_string_lossy().starts_with("worktogether.sqlite3")) {
                    ensure!(!file_contains(&file, token)?, "a token is in {}", file.display());
                }
            }
        }
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

/// The room's code as the host's app shows it.
fn server_code(app: &App) -> Result<String> {
    let rooms = app.invoke("rooms", json!({}))?;
    rooms[0]["code"].as_str().map(str::to_owned).context("the room's code")
}
