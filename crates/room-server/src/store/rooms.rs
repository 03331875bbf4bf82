//! Rooms and their members.

use super::{Actor, Idempotency, Store, Tx, enum_text, parse_enum, parse_ts, parse_uuid, ts};
use crate::error::{AppError, Result};
use crate::secrets;
use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, params};
use uuid::Uuid;
use worktogether_room_protocol::{CreateRoom, Member, Membership, Presence, Room, RoomChange, RoomState, UpdateRoom};

impl Store {
    /// A new room with its creator as first member and host. `req` is validated.
    pub fn create_room(&self, req: CreateRoom, idem: Option<&Idempotency>, now: DateTime<Utc>) -> Result<Membership> {
        self.write(None, idem, now, |tx, _| {
            let member_id = Uuid::now_v7();
            let code = unused_code(tx)?;
            tx.execute(
                "INSERT INTO rooms (code, name, link, description, host_id, created_at, last_activity_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6)",
                params![code, req.name, req.link, req.description, member_id.to_string(), ts(tx.now)],
            )?;
            let room_id = tx.last_insert_rowid();
            let token = add_member(tx, room_id, member_id, &req.host_name)?;
            Ok(Membership { member_id, token, state: room_state(tx, room_id)? })
        })
    }

    /// Joins room `code` as `display_name` (validated).
    pub fn join(
        &self,
        code: &str,
        display_name: String,
        max_members: u32,
        idem: Option<&Idempotency>,
        now: DateTime<Utc>,
    ) -> Result<Membership> {
        self.write(None, idem, now, |tx, _| {
            let room_id: i64 = tx
                .query_row("SELECT id FROM rooms WHERE code = ?1", [code], |r| r.get(0))
                .optional()?
                .ok_or(AppError::NotFound("room"))?;
            let members: u32 =
                tx.query_row("SELECT COUNT(*) FROM members WHERE room_id = ?1 AND left_at IS NULL", [room_id], |r| {
                    r.get(0)
                })?;
            if members >= max_members {
                return Err(AppError::RoomFull(max_members));
            }
            let member_id = Uuid::now_v7();
            let token = add_member(tx, room_id, member_id, &display_name)?;
            let member = member(tx, member_id)?;
            tx.emit(room_id, RoomChange::MemberJoined { member })?;
            Ok(Membership { member_id, token, state: room_state(tx, room_id)? })
        })
    }

    pub fn room_state(&self, code: &str, token: &str) -> Result<RoomState> {
        self.read(code, token, |conn, actor| room_state(conn, actor.room_id))
    }

    /// The host changes name, link or description (validated; empty link/description removes it).
    pub fn update_room(
        &self,
        code: &str,
        token: &str,
        update: UpdateRoom,
        idem: Option<&Idempotency>,
        now: DateTime<Utc>,
    ) -> Result<Room> {
        self.write(Some((code, token)), idem, now, |tx, actor| {
            let actor = actor.expect("authenticated");
            actor.require_host()?;
            if let Some(name) = &update.name {
                tx.execute("UPDATE rooms SET name = ?1 WHERE id = ?2", params![name, actor.room_id])?;
            }
            if let Some(link) = &update.link {
                let link = (!link.is_empty()).then_some(link);
                tx.execute("UPDATE rooms SET link = ?1 WHERE id = ?2", params![link, actor.room_id])?;
            }
            if let Some(description) = &update.description {
                let description = (!description.is_empty()).then_some(description);
                tx.execute("UPDATE rooms SET description = ?1 WHERE id = ?2", params![description, actor.room_id])?;
            }
            let room = room(tx, actor.room_id)?;
            tx.emit(actor.room_id, RoomChange::RoomUpdated { room: room.clone() })?;
            Ok(room)
        })
    }

    /// A member leaves. The host hands the role over first; a host alone in the room closes
    /// it by leaving: the room and everything in it is deleted, so no room is ever left
    /// without a host.
    pub fn leave(&self, code: &str, token: &str, idem: Option<&Idempotency>, now: DateTime<Utc>) -> Result<()> {
        self.write(Some((code, token)), idem, now, |tx, actor| {
            let actor = actor.expect("authenticated");
            let alone = active_members(tx, actor.room_id)? == 1;
            if actor.is_host && !alone {
                return Err(AppError::WrongState("the host hands the host role to another member before leaving"));
            }
            // The member's own streams still hear that they left (published after the commit).
            remove(tx, actor, actor.member_id, false)?;
            if alone {
                tx.delete_room(actor.room_id)?;
            }
            Ok(())
        })
    }

    /// The host deletes the room and everything in it, whoever is still in it. Every open
    /// stream hears `room_deleted` and ends; every token of the room stops working (the
    /// members go with the room), and the room's codes are never handed out again.
    pub fn delete_room(&self, code: &str, token: &str, idem: Option<&Idempotency>, now: DateTime<Utc>) -> Result<()> {
        self.write(Some((code, token)), idem, now, |tx, actor| {
            let actor = actor.expect("authenticated");
            actor.require_host()?;
            // Stored with the room and deleted with it, but published after the commit.
            tx.emit(actor.room_id, RoomChange::RoomDeleted)?;
            tx.delete_room(actor.room_id)
        })
    }

    /// The host gives the room a new code: the old one no longer lets anyone join (after
    /// removing a member, this keeps them out). Members keep their tokens, and may still use
    /// the old code in paths; everyone hears the new code in a `room_updated` event.
    pub fn change_code(&self, code: &str, token: &str, idem: Option<&Idempotency>, now: DateTime<Utc>) -> Result<Room> {
        self.write(Some((code, token)), idem, now, |tx, actor| {
            let actor = actor.expect("authenticated");
            actor.require_host()?;
            let new = unused_code(tx)?;
            tx.execute(
                "INSERT INTO former_codes (code, room_id) SELECT code, id FROM rooms WHERE id = ?1",
                [actor.room_id],
            )?;
            tx.execute("UPDATE rooms SET code = ?1 WHERE id = ?2", params![new, actor.room_id])?;
            let room = room(tx, actor.room_id)?;
            tx.emit(actor.room_id, RoomChange::RoomUpdated { room: room.clone() })?;
            Ok(room)
        })
    }

    /// The host removes another member.
    pub fn remove_member(
        &self,
        code: &str,
        token: &str,
        member_id: Uuid,
        idem: Option<&Idempotency>,
        now: DateTime<Utc>,
    ) -> Result<()> {
        self.write(Some((code, token)), idem, now, |tx, actor| {
            let actor = actor.expect("authenticated");
            actor.require_host()?;
            if member_id == actor.member_id {
                return Err(AppError::invalid("the host cannot remove themselves; leave the room instead"));
            }
            active_member_of(tx, actor.room_id, member_id)?;
            remove(tx, actor, member_id, true)
        })
    }

    /// The host hands the host role to another member.
    pub fn hand_over(
        &self,
        code: &str,
        token: &str,
        member_id: Uuid,
        idem: Option<&Idempotency>,
        now: DateTime<Utc>,
    ) -> Result<Room> {
        self.write(Some((code, token)), idem, now, |tx, actor| {
            let actor = actor.expect("authenticated");
            actor.require_host()?;
            active_member_of(tx, actor.room_id, member_id)?;
            tx.execute("UPDATE rooms SET host_id = ?1 WHERE id = ?2", params![member_id.to_string(), actor.room_id])?;
            tx.emit(actor.room_id, RoomChange::HostChanged { host_id: member_id })?;
            room(tx, actor.room_id)
        })
    }

    /// A member publishes their own state.
    pub fn set_presence(
        &self,
        code: &str,
        token: &str,
        presence: Presence,
        idem: Option<&Idempotency>,
        now: DateTime<Utc>,
    ) -> Result<Member> {
        self.write(Some((code, token)), idem, now, |tx, actor| {
            let actor = actor.expect("authenticated");
            tx.execute(
                "UPDATE members SET presence = ?1 WHERE id = ?2",
                params![enum_text(&presence), actor.member_id.to_string()],
            )?;
            tx.emit(actor.room_id, RoomChange::PresenceChanged { member_id: actor.member_id, presence })?;
            member(tx, actor.member_id)
        })
    }

    /// Announces a member's presence as the server sees it (away when their stream is
    /// gone, their own state again when it is back), without changing what they set.
    pub fn announce_presence(&self, room: i64, member_id: Uuid, presence: Presence, now: DateTime<Utc>) -> Result<()> {
        self.write(None, None, now, |tx, _| {
            let active: bool = tx.query_row(
                "SELECT EXISTS (SELECT 1 FROM members WHERE id = ?1 AND room_id = ?2 AND left_at IS NULL)",
                params![member_id.to_string(), room],
                |r| r.get(0),
            )?;
            if active {
                tx.emit(room, RoomChange::PresenceChanged { member_id, presence })?;
            }
            Ok(())
        })
    }

    /// The presence a member set themselves.
    pub fn own_presence(&self, member_id: Uuid) -> Result<Presence> {
        let conn = self.reader.lock().expect("reader lock");
        Ok(member(&conn, member_id)?.presence)
    }

    /// For the event stream: the member behind a token, and the id of the room's latest
    /// event (0 if none), read in one transaction. So an event that ends the membership
    /// after this check has a higher id, and the stream meets it.
    pub fn follow(&self, code: &str, token: &str) -> Result<(Actor, u64)> {
        self.read(code, token, |conn, actor| {
            let id: i64 =
                conn.query_row("SELECT COALESCE(MAX(id), 0) FROM events WHERE room_id = ?1", [actor.room_id], |r| {
                    r.get(0)
                })?;
            Ok((actor.clone(), id as u64))
        })
    }
}

/// A room code no room has or had, deleted rooms included. 49.5 bits make a clash
/// unlikely; a clash is drawn again.
fn unused_code(conn: &Connection) -> Result<String> {
    unused_code_from(conn, secrets::new_room_code)
}

fn unused_code_from(conn: &Connection, mut draw: impl FnMut() -> String) -> Result<String> {
    loop {
        let code = draw();
        let taken: bool = conn.query_row(
            "SELECT EXISTS (SELECT 1 FROM rooms WHERE code = ?1) OR EXISTS (SELECT 1 FROM former_codes WHERE code = ?1)
             OR EXISTS (SELECT 1 FROM retired_codes WHERE code = ?1)",
            [&code],
            |r| r.get(0),
        )?;
        if !taken {
            return Ok(code);
        }
    }
}

fn add_member(tx: &Tx<'_>, room_id: i64, member_id: Uuid, name: &str) -> Result<String> {
    let (token, hash) = secrets::new_token(member_id);
    tx.execute(
        "INSERT INTO members (id, room_id, display_name, token_hash, presence, joined_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![member_id.to_string(), room_id, name, &hash[..], enum_text(&Presence::Planning), ts(tx.now)],
    )?;
    Ok(token)
}

/// Ends a membership. Commitments the member posted ahead go (they would otherwise appear in
/// the next session of a room they left); `member_left` tells clients to drop them too.
fn remove(tx: &mut Tx<'_>, actor: &Actor, member_id: Uuid, removed: bool) -> Result<()> {
    tx.execute("UPDATE members SET left_at = ?1 WHERE id = ?2", params![ts(tx.now), member_id.to_string()])?;
    tx.execute("DELETE FROM ahead_commitments WHERE member_id = ?1", [member_id.to_string()])?;
    tx.emit(actor.room_id, RoomChange::MemberLeft { member_id, removed })
}

fn active_members(conn: &Connection, room_id: i64) -> Result<u32> {
    Ok(conn.query_row("SELECT COUNT(*) FROM members WHERE room_id = ?1 AND left_at IS NULL", [room_id], |r| r.get(0))?)
}

fn active_member_of(conn: &Connection, room_id: i64, member_id: Uuid) -> Result<()> {
    let found: bool = conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM members WHERE id = ?1 AND room_id = ?2 AND left_at IS NULL)",
        params![member_id.to_string(), room_id],
        |r| r.get(0),
    )?;
    if found { Ok(()) } else { Err(AppError::NotFound("member")) }
}

pub(super) fn room(conn: &Connection, room_id: i64) -> Result<Room> {
    Ok(conn.query_row(
        "SELECT code, name, link, description, host_id, created_at FROM rooms WHERE id = ?1",
        [room_id],
        |r| {
            Ok(Room {
                code: r.get(0)?,
                name: r.get(1)?,
                link: r.get(2)?,
                description: r.get(3)?,
                host_id: parse_uuid(&r.get::<_, String>(4)?)?,
                created_at: parse_ts(&r.get::<_, String>(5)?)?,
            })
        },
    )?)
}

const MEMBER_COLUMNS: &str = "id, display_name, presence, joined_at";

fn member_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Member> {
    Ok(Member {
        id: parse_uuid(&r.get::<_, String>(0)?)?,
        display_name: r.get(1)?,
        presence: parse_enum(&r.get::<_, String>(2)?)?,
        joined_at: parse_ts(&r.get::<_, String>(3)?)?,
    })
}

fn member(conn: &Connection, member_id: Uuid) -> Result<Member> {
    let sql = format!("SELECT {MEMBER_COLUMNS} FROM members WHERE id = ?1");
    Ok(conn.query_row(&sql, [member_id.to_string()], member_row)?)
}

fn room_state(conn: &Connection, room_id: i64) -> Result<RoomState> {
    let sql =
        format!("SELECT {MEMBER_COLUMNS} FROM members WHERE room_id = ?1 AND left_at IS NULL ORDER BY joined_at, id");
    let members = conn.prepare_cached(&sql)?.query_map([room_id], member_row)?.collect::<rusqlite::Result<_>>()?;
    let last_event_id: i64 =
        conn.query_row("SELECT COALESCE(MAX(id), 0) FROM events WHERE room_id = ?1", [room_id], |r| r.get(0))?;
    Ok(RoomState {
        room: room(conn, room_id)?,
        members,
        session: super::sessions::latest_session(conn, room_id)?,
        ahead: super::sessions::ahead_of_room(conn, room_id)?,
        last_event_id: last_event_id as u64,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_code_is_handed_out_twice_not_even_a_deleted_rooms() {
        let mut conn = Connection::open_in_memory().unwrap();
        super::super::migrations::migrations().to_latest(&mut conn).unwrap();
        conn.execute_batch(
            "INSERT INTO rooms (id, code, name, host_id, created_at, last_activity_at) VALUES (1, 'AAAAA-AAAAA', 'R', 'h', 't', 't');
             INSERT INTO former_codes (code, room_id) VALUES ('BBBBB-BBBBB', 1);
             INSERT INTO retired_codes (code, retired_at) VALUES ('CCCCC-CCCCC', 't');",
        )
        .unwrap();
        let mut draws = ["AAAAA-AAAAA", "BBBBB-BBBBB", "CCCCC-CCCCC", "DDDDD-DDDDD"].into_iter().map(String::from);
        assert_eq!(unused_code_from(&conn, || draws.next().unwrap()).unwrap(), "DDDDD-DDDDD");
    }
}
