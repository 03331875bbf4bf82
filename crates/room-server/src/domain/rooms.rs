//! Rooms and their members: creating, joining, leaving, the host's powers, presence.

use super::{Actor, Idempotency, Rooms, Write, begin};
use crate::error::{AppError, Result};
use crate::secrets;
use crate::store::Tx;
use chrono::{DateTime, Utc};
use uuid::Uuid;
use worktogether_room_protocol::{CreateRoom, Member, Membership, Presence, Room, RoomChange, RoomState, UpdateRoom};

impl Rooms {
    /// A new room with its creator as first member and host. `req` is validated.
    pub async fn create_room(
        &self,
        req: CreateRoom,
        idem: Option<&Idempotency>,
        now: DateTime<Utc>,
    ) -> Result<Membership> {
        let mut w = begin!(self, None, idem, now);
        let member_id = Uuid::now_v7();
        let room = Room {
            code: unused_code(&mut *w).await?,
            name: req.name,
            link: req.link,
            description: req.description,
            host_id: member_id,
            created_at: now,
        };
        let room_id = w.insert_room(&room).await?;
        let token = add_member(&mut w, room_id, member_id, req.host_name).await?;
        let state = room_state(&mut *w, room_id).await?;
        w.finish(Membership { member_id, token, state }).await
    }

    /// Joins room `code` as `display_name` (validated).
    pub async fn join(
        &self,
        code: &str,
        display_name: String,
        max_members: u32,
        idem: Option<&Idempotency>,
        now: DateTime<Utc>,
    ) -> Result<Membership> {
        let mut w = begin!(self, None, idem, now);
        let room_id = w.room_by_code(code).await?.ok_or(AppError::NotFound("room"))?;
        // Held, the room may turn out deleted or given a new code meanwhile: then the code
        // no longer leads to it.
        if !w.hold_room(room_id).await? || w.room(room_id).await?.code != code {
            return Err(AppError::NotFound("room"));
        }
        if w.members(room_id).await?.len() >= max_members as usize {
            return Err(AppError::RoomFull(max_members));
        }
        let member_id = Uuid::now_v7();
        let token = add_member(&mut w, room_id, member_id, display_name).await?;
        let member = w.member(member_id).await?.ok_or(AppError::NotFound("member"))?;
        w.emit(room_id, RoomChange::MemberJoined { member }).await?;
        let state = room_state(&mut *w, room_id).await?;
        w.finish(Membership { member_id, token, state }).await
    }

    pub async fn room_state(&self, code: &str, token: &str) -> Result<RoomState> {
        let (mut tx, actor) = self.read_as(code, token).await?;
        room_state(&mut *tx, actor.room_id).await
    }

    /// The host changes name, link or description (validated; empty link/description removes it).
    pub async fn update_room(
        &self,
        code: &str,
        token: &str,
        update: UpdateRoom,
        idem: Option<&Idempotency>,
        now: DateTime<Utc>,
    ) -> Result<Room> {
        let mut w = begin!(self, Some((code, token)), idem, now);
        let actor = w.actor();
        actor.require_host()?;
        let mut room = w.room(actor.room_id).await?;
        if let Some(name) = update.name {
            room.name = name;
        }
        if let Some(link) = update.link {
            room.link = (!link.is_empty()).then_some(link);
        }
        if let Some(description) = update.description {
            room.description = (!description.is_empty()).then_some(description);
        }
        w.update_room(actor.room_id, &room).await?;
        w.emit(actor.room_id, RoomChange::RoomUpdated { room: room.clone() }).await?;
        w.finish(room).await
    }

    /// A member leaves. The host hands the role over first; a host alone in the room closes
    /// it by leaving: the room and everything in it is deleted, so no room is ever left
    /// without a host.
    pub async fn leave(&self, code: &str, token: &str, idem: Option<&Idempotency>, now: DateTime<Utc>) -> Result<()> {
        let mut w = begin!(self, Some((code, token)), idem, now);
        let actor = w.actor();
        let alone = w.members(actor.room_id).await?.len() == 1;
        if actor.is_host && !alone {
            return Err(AppError::wrong_state("the host hands the host role to another member before leaving"));
        }
        // The member's own streams still hear that they left (published after the commit).
        remove(&mut w, &actor, actor.member_id, false).await?;
        if alone {
            w.delete_room(actor.room_id, now).await?;
        }
        w.finish(()).await
    }

    /// The host deletes the room and everything in it, whoever is still in it. Every open
    /// stream hears `room_deleted` and ends; every token of the room stops working (the
    /// members go with the room), and the room's codes are never handed out again.
    pub async fn delete_room(
        &self,
        code: &str,
        token: &str,
        idem: Option<&Idempotency>,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let mut w = begin!(self, Some((code, token)), idem, now);
        let actor = w.actor();
        actor.require_host()?;
        // Stored with the room and deleted with it, but published after the commit.
        w.emit(actor.room_id, RoomChange::RoomDeleted).await?;
        w.delete_room(actor.room_id, now).await?;
        w.finish(()).await
    }

    /// The host gives the room a new code: the old one no longer lets anyone join (after
    /// removing a member, this keeps them out). Members keep their tokens, and may still use
    /// the old code in paths; everyone hears the new code in a `room_updated` event.
    pub async fn change_code(
        &self,
        code: &str,
        token: &str,
        idem: Option<&Idempotency>,
        now: DateTime<Utc>,
    ) -> Result<Room> {
        let mut w = begin!(self, Some((code, token)), idem, now);
        let actor = w.actor();
        actor.require_host()?;
        let mut room = w.room(actor.room_id).await?;
        room.code = unused_code(&mut *w).await?;
        w.update_room(actor.room_id, &room).await?;
        w.emit(actor.room_id, RoomChange::RoomUpdated { room: room.clone() }).await?;
        w.finish(room).await
    }

    /// The host removes another member.
    pub async fn remove_member(
        &self,
        code: &str,
        token: &str,
        member_id: Uuid,
        idem: Option<&Idempotency>,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let mut w = begin!(self, Some((code, token)), idem, now);
        let actor = w.actor();
        actor.require_host()?;
        if member_id == actor.member_id {
            return Err(AppError::invalid("the host cannot remove themselves; leave the room instead"));
        }
        if !w.is_member_of(actor.room_id, member_id).await? {
            return Err(AppError::NotFound("member"));
        }
        remove(&mut w, &actor, member_id, true).await?;
        w.finish(()).await
    }

    /// The host hands the host role to another member.
    pub async fn hand_over(
        &self,
        code: &str,
        token: &str,
        member_id: Uuid,
        idem: Option<&Idempotency>,
        now: DateTime<Utc>,
    ) -> Result<Room> {
        let mut w = begin!(self, Some((code, token)), idem, now);
        let actor = w.actor();
        actor.require_host()?;
        if !w.is_member_of(actor.room_id, member_id).await? {
            return Err(AppError::NotFound("member"));
        }
        let mut room = w.room(actor.room_id).await?;
        room.host_id = member_id;
        w.update_room(actor.room_id, &room).await?;
        w.emit(actor.room_id, RoomChange::HostChanged { host_id: member_id }).await?;
        w.finish(room).await
    }

    /// A member publishes their own state.
    pub async fn set_presence(
        &self,
        code: &str,
        token: &str,
        presence: Presence,
        idem: Option<&Idempotency>,
        now: DateTime<Utc>,
    ) -> Result<Member> {
        let mut w = begin!(self, Some((code, token)), idem, now);
        let actor = w.actor();
        w.set_presence(actor.member_id, presence).await?;
        w.emit(actor.room_id, RoomChange::PresenceChanged { member_id: actor.member_id, presence }).await?;
        let member = w.member(actor.member_id).await?.ok_or(AppError::NotFound("member"))?;
        w.finish(member).await
    }

    /// Announces a member's presence as the server sees it (away when their stream is
    /// gone, their own state again when it is back), without changing what they set.
    pub async fn announce_presence(
        &self,
        room: i64,
        member_id: Uuid,
        presence: Presence,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let mut w = begin!(self, None, None, now);
        if w.hold_room(room).await? && w.is_member_of(room, member_id).await? {
            w.emit(room, RoomChange::PresenceChanged { member_id, presence }).await?;
        }
        w.finish(()).await
    }

    /// The presence a member set themselves.
    pub async fn own_presence(&self, member_id: Uuid) -> Result<Presence> {
        let mut tx = self.repo.read().await?;
        Ok(tx.member(member_id).await?.ok_or(AppError::NotFound("member"))?.presence)
    }

    /// For the event stream: the member behind a token, and the id of the room's latest
    /// event (0 if none), read in one snapshot. So an event that ends the membership
    /// after this check has a higher id, and the stream meets it.
    pub async fn follow(&self, code: &str, token: &str) -> Result<(Actor, u64)> {
        let (mut tx, actor) = self.read_as(code, token).await?;
        let latest = tx.latest_event_id(actor.room_id).await?;
        Ok((actor, latest))
    }
}

/// A room code no room has or had, deleted rooms included. 49.5 bits make a clash
/// unlikely; a clash is drawn again.
async fn unused_code(tx: &mut dyn Tx) -> Result<String> {
    loop {
        let code = secrets::new_room_code();
        if !tx.code_taken(&code).await? {
            return Ok(code);
        }
    }
}

/// Adds a member (planning, from now) and returns their token.
async fn add_member(w: &mut Write, room_id: i64, member_id: Uuid, display_name: String) -> Result<String> {
    let (token, hash) = secrets::new_token(member_id);
    let member = Member { id: member_id, display_name, presence: Presence::Planning, joined_at: w.now };
    w.insert_member(room_id, &member, &hash).await?;
    Ok(token)
}

/// Ends a membership. Commitments the member posted ahead go (they would otherwise appear in
/// the next session of a room they left); `member_left` tells clients to drop them too.
async fn remove(w: &mut Write, actor: &Actor, member_id: Uuid, removed: bool) -> Result<()> {
    let now = w.now;
    w.end_membership(member_id, now).await?;
    w.delete_ahead_of_member(member_id).await?;
    w.emit(actor.room_id, RoomChange::MemberLeft { member_id, removed }).await?;
    Ok(())
}

/// Everything a member needs to show the room.
async fn room_state(tx: &mut dyn Tx, room_id: i64) -> Result<RoomState> {
    Ok(RoomState {
        room: tx.room(room_id).await?,
        members: tx.members(room_id).await?,
        session: tx.latest_session(room_id).await?,
        ahead: tx.ahead(room_id).await?,
        last_event_id: tx.latest_event_id(room_id).await?,
    })
}
