// Pure helpers of the host's tools on a room's view: whether "Manage the room" is offered, what
// can be done to each member, what leaving looks like for the host, and the edit form's values.
// The room server decides (a room always has a host; removing is not a ban); these only pick
// what to offer, so nobody is offered a button whose answer is a refusal.
import type { MemberView } from "../bindings/ipc";
import type { RoomView } from "../bindings/ipc";

/** The host manages the room while it is theirs (a room that ended for them is not). */
export function manageOffered(room: Pick<RoomView, "iAmHost" | "connection">): boolean {
  return room.iAmHost && room.connection.state !== "ended";
}

export type MemberAction = "make-host" | "remove";

/** What the host can do to `member`: hand the room over or remove them; nothing to themselves. */
export function memberActions(room: Pick<RoomView, "iAmHost">, member: Pick<MemberView, "isMe" | "isHost">): MemberAction[] {
  if (!room.iAmHost || member.isMe || member.isHost) return [];
  return ["make-host", "remove"];
}

/** The members the host's tools list: everyone but the host themselves, in the room's order. */
export function othersInRoom(members: readonly MemberView[]): MemberView[] {
  return members.filter((m) => !m.isMe);
}

/**
 * What the Leave area offers:
 * - `leave`: leaving (the room goes on without them);
 * - `last`: leaving deletes the room (the only member);
 * - `hand-over`: the host first hands the room to someone else (the server refuses otherwise);
 * - `forget`: the room ended for them; leaving only takes it off this computer.
 */
export type LeavePart = "leave" | "last" | "hand-over" | "forget";

export function leavePart(room: Pick<RoomView, "iAmHost" | "members" | "connection">): LeavePart {
  if (room.connection.state === "ended") return "forget";
  if (room.members.length <= 1) return "last";
  return room.iAmHost ? "hand-over" : "leave";
}

export interface RoomFields {
  name: string;
  description: string;
  videoLink: string;
}

/** The edit form's fields, from the room as it is (an absent description or link is empty). */
export function roomFields(room: Pick<RoomView, "name" | "description" | "videoLink">): RoomFields {
  return { name: room.name, description: room.description ?? "", videoLink: room.videoLink ?? "" };
}
