// Pure helpers of a room's shared session as the UI shows it: where this person stands with it
// (join, busy with a session of their own, following, left), what the host is offered, which
// of the session screen's controls stay, and the room's shared commitments by member. Rust and
// the room server decide; these only pick what to show.
import type { MemberView } from "../bindings/ipc";
import type { RoomView } from "../bindings/ipc";
import type { SessionView } from "../bindings/ipc";
import type { SharedCommitmentView } from "../bindings/ipc";
import type { SharedControl } from "../bindings/ipc";
import type { SharedSessionView } from "../bindings/ipc";
import type { Template } from "../bindings/ipc";

/** Whether a session runs in the room: started, and not over. */
export function sessionRuns(room: Pick<RoomView, "session">): boolean {
  return room.session !== null && room.session.phase !== "over";
}

/**
 * This person and the room's session:
 * - `join`: it runs, and nothing keeps them from joining;
 * - `busy`: it runs, but a session of their own is in progress (Rust refuses the join);
 * - `following`: their session follows it;
 * - `left`: their session was joined from it and goes on alone now;
 * - null: there is nothing to take part in.
 */
export type MyPart = "join" | "busy" | "following" | "left";

/** `mine`: the session in progress (`sessionState.current`), null when there is none. */
export function myPart(room: Pick<RoomView, "session">, mine: SessionView | null): MyPart | null {
  const shared = room.session;
  if (shared === null) return null;
  if (mine !== null && mine.room?.sessionId === shared.id) return mine.followsRoom ? "following" : "left";
  if (shared.phase === "over") return null;
  return mine === null ? "join" : "busy";
}

/** What the host is offered: a form to start a session, or the controls of the one running. */
export function hostPart(room: Pick<RoomView, "iAmHost" | "session">): "start" | "controls" | null {
  if (!room.iAmHost) return null;
  return sessionRuns(room) ? "controls" : "start";
}

/** The host's first control: pause a running phase, resume a paused one. */
export function pauseOrResume(session: Pick<SharedSessionView, "paused">): Extract<SharedControl, "pause" | "resume"> {
  return session.paused ? "resume" : "pause";
}

/**
 * Whether the person moves the session on by themselves (skip, "+5 min", "start focus now").
 * A session that follows its room is moved on by the room's host; Rust refuses the rest.
 */
export function movesOnItsOwn(session: Pick<SessionView, "followsRoom">): boolean {
  return !session.followsRoom;
}

/** The template the start form offers first: the default one if it is there, else the first. */
export function firstChoice(templates: readonly Pick<Template, "id">[], defaultId: string | null | undefined): string {
  if (defaultId && templates.some((t) => t.id === defaultId)) return defaultId;
  return templates[0]?.id ?? "";
}

export interface CommitmentGroup {
  memberId: string;
  /** null: no longer a member of the room */
  member: MemberView | null;
  /** these are this person's own */
  mine: boolean;
  commitments: SharedCommitmentView[];
}

/**
 * The shared commitments by member, in the room's order of members (the host first, then as
 * they joined), each member's in the order shared; those of former members come last.
 */
export function groupByMember(
  commitments: readonly SharedCommitmentView[],
  members: readonly MemberView[],
): CommitmentGroup[] {
  const groups = new Map<string, CommitmentGroup>();
  for (const c of commitments) {
    let group = groups.get(c.memberId);
    if (!group) {
      const member = members.find((m) => m.id === c.memberId) ?? null;
      group = { memberId: c.memberId, member, mine: member?.isMe ?? c.mine, commitments: [] };
      groups.set(c.memberId, group);
    }
    group.commitments.push(c);
  }
  const rank = (g: CommitmentGroup) => {
    const at = members.findIndex((m) => m.id === g.memberId);
    return at < 0 ? members.length : at;
  };
  // a stable sort keeps former members in the order they shared
  return [...groups.values()].sort((a, b) => rank(a) - rank(b));
}
