//! Joins a data directory to rooms without the app, for `make bench`: creates N rooms on a
//! running room server, each with this person as host, and keeps the memberships, the rooms
//! as last seen and the tokens where the app finds them (the tokens in the private file:
//! run the app with `WORKTOGETHER_TOKENS_IN_FILE=1` too).
//!
//!     seed_rooms SERVER DIR N

use worktogether_core::Store;
use worktogether_core::store::DATABASE_FILE;
use worktogether_core::store::outbox::RoomMembership;
use worktogether_sync::protocol::CreateRoom;
use worktogether_sync::{RoomServer, TokenVault, room_view};

#[tokio::main(flavor = "current_thread")]
#[allow(clippy::disallowed_methods)] // a tool at the edge: it owns the clock, the core does not
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let usage = "usage: seed_rooms SERVER DIR N";
    let (server, dir, n) = (args.next().ok_or(usage)?, args.next().ok_or(usage)?, args.next().ok_or(usage)?);
    let dir = std::path::PathBuf::from(dir);
    if std::env::var_os(worktogether_sync::tokens::FORCE_FILE_ENV).is_none() {
        return Err(format!("set {}=1, as for the app", worktogether_sync::tokens::FORCE_FILE_ENV).into());
    }
    let server = RoomServer::new(&server)?;
    let store = Store::open(&dir.join(DATABASE_FILE))?;
    let vault = TokenVault::open(&dir);
    for i in 1..=n.parse::<u32>()? {
        let request =
            CreateRoom { name: format!("Bench room {i}"), host_name: "Bench".into(), link: None, description: None };
        let (member, state) = server.create_room(&request, &uuid::Uuid::now_v7().to_string()).await?;
        vault.save(member.member_id, &member.token)?;
        let now = chrono::Utc::now();
        store.save_room_membership(&RoomMembership {
            id: member.member_id,
            server: server.address().to_owned(),
            room_code: member.code.clone(),
            display_name: "Bench".into(),
            joined_at: now,
        })?;
        room_view::remember(&store, member.member_id, &state, now)?;
        println!("room {} on {}", member.code, server.address());
    }
    Ok(())
}
