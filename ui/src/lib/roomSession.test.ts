import { describe, expect, it } from "vitest";
import type { MemberView } from "../bindings/ipc";
import type { SessionView } from "../bindings/ipc";
import type { SharedCommitmentView } from "../bindings/ipc";
import type { SharedSessionView } from "../bindings/ipc";
import { firstChoice, groupByMember, hostPart, movesOnItsOwn, myPart, pauseOrResume, sessionRuns } from "./roomSession";

const shared = (extra: Partial<SharedSessionView> = {}): SharedSessionView => ({
  id: "room-session",
  templateName: "Worktogether",
  phase: "focus",
  phaseEndsAt: "2026-12-03T10:50:00Z",
  paused: false,
  ...extra,
});

/** The person's session: of their own, or joined from the room's session `sessionId`. */
function mine(room: { sessionId: string; follows: boolean } | null = null): SessionView {
  return {
    id: "mine",
    templateName: "Worktogether",
    status: "running",
    startedAt: "2026-12-03T10:00:00Z",
    phase: null,
    next: null,
    plan: [],
    pausedSince: null,
    pauseNote: null,
    commitments: [],
    focusSecs: 0,
    overallNote: null,
    focusRating: null,
    room: room && { membershipId: "me", sessionId: room.sessionId, roomName: "Kitchen" },
    followsRoom: room?.follows ?? false,
    sharesWithRoom: false,
    asOf: "2026-12-03T10:20:00Z",
  };
}

describe("a room's session and me", () => {
  it("runs while it is started and not over", () => {
    expect(sessionRuns({ session: null })).toBe(false);
    expect(sessionRuns({ session: shared() })).toBe(true);
    expect(sessionRuns({ session: shared({ phase: "closing", paused: true }) })).toBe(true);
    expect(sessionRuns({ session: shared({ phase: "over" }) })).toBe(false);
  });

  it("can be joined while it runs and I have no session of my own", () => {
    expect(myPart({ session: shared() }, null)).toBe("join");
    expect(myPart({ session: shared({ phase: "commitment" }) }, null)).toBe("join");
  });

  it("tells me to finish my own session first", () => {
    expect(myPart({ session: shared() }, mine())).toBe("busy");
    // a session joined from another room's session is my own as far as this room goes
    expect(myPart({ session: shared() }, mine({ sessionId: "elsewhere", follows: true }))).toBe("busy");
  });

  it("knows when my session follows it, or left it", () => {
    expect(myPart({ session: shared() }, mine({ sessionId: "room-session", follows: true }))).toBe("following");
    expect(myPart({ session: shared() }, mine({ sessionId: "room-session", follows: false }))).toBe("left");
    // the room's session ended; mine is still in its closing round
    expect(myPart({ session: shared({ phase: "over" }) }, mine({ sessionId: "room-session", follows: true }))).toBe(
      "following",
    );
  });

  it("offers nothing without a session, or once it is over", () => {
    expect(myPart({ session: null }, null)).toBe(null);
    expect(myPart({ session: null }, mine())).toBe(null);
    expect(myPart({ session: shared({ phase: "over" }) }, null)).toBe(null);
    expect(myPart({ session: shared({ phase: "over" }) }, mine())).toBe(null);
  });
});

describe("the host's part", () => {
  it("is a start form without a running session, the controls with one; nothing for members", () => {
    expect(hostPart({ iAmHost: true, session: null })).toBe("start");
    expect(hostPart({ iAmHost: true, session: shared({ phase: "over" }) })).toBe("start");
    expect(hostPart({ iAmHost: true, session: shared() })).toBe("controls");
    expect(hostPart({ iAmHost: false, session: shared() })).toBe(null);
    expect(hostPart({ iAmHost: false, session: null })).toBe(null);
  });

  it("pauses a running phase and resumes a paused one", () => {
    expect(pauseOrResume(shared())).toBe("pause");
    expect(pauseOrResume(shared({ paused: true }))).toBe("resume");
  });

  it("starts from the default template when it is there, else the first", () => {
    const templates = [{ id: "a" }, { id: "b" }];
    expect(firstChoice(templates, "b")).toBe("b");
    expect(firstChoice(templates, "gone")).toBe("a");
    expect(firstChoice(templates, null)).toBe("a");
    expect(firstChoice([], "b")).toBe("");
  });
});

describe("the session's own controls", () => {
  it("skip and +5 min are mine unless the session follows its room", () => {
    expect(movesOnItsOwn(mine())).toBe(true);
    expect(movesOnItsOwn(mine({ sessionId: "room-session", follows: true }))).toBe(false);
    // left the room's session: it runs by itself again
    expect(movesOnItsOwn(mine({ sessionId: "room-session", follows: false }))).toBe(true);
  });
});

describe("shared commitments by member", () => {
  const member = (id: string, extra: Partial<MemberView> = {}): MemberView => ({
    id,
    displayName: id.toUpperCase(),
    presence: "focusing",
    isHost: false,
    isMe: false,
    ...extra,
  });
  const commitment = (id: string, memberId: string, extra: Partial<SharedCommitmentView> = {}): SharedCommitmentView => ({
    id,
    memberId,
    text: id,
    outcome: "pending",
    note: null,
    feedbackWanted: false,
    kudos: 0,
    kudosFromMe: false,
    mine: false,
    afterwards: false,
    ahead: false,
    ...extra,
  });
  const members = [member("host", { isHost: true }), member("me", { isMe: true }), member("lea")];

  it("follow the room's order of members, each member's in the order shared", () => {
    const groups = groupByMember(
      [commitment("l1", "lea"), commitment("m1", "me", { mine: true }), commitment("l2", "lea"), commitment("h1", "host")],
      members,
    );
    expect(groups.map((g) => [g.memberId, g.commitments.map((c) => c.id)])).toEqual([
      ["host", ["h1"]],
      ["me", ["m1"]],
      ["lea", ["l1", "l2"]],
    ]);
    expect(groups.map((g) => g.mine)).toEqual([false, true, false]);
    expect(groups[0]?.member?.displayName).toBe("HOST");
  });

  it("put former members last, in the order they shared", () => {
    const groups = groupByMember(
      [commitment("x1", "gone-2"), commitment("l1", "lea"), commitment("y1", "gone-1"), commitment("x2", "gone-2")],
      members,
    );
    expect(groups.map((g) => g.memberId)).toEqual(["lea", "gone-2", "gone-1"]);
    expect(groups[1]).toMatchObject({ member: null, mine: false });
    expect(groups[1]?.commitments.map((c) => c.id)).toEqual(["x1", "x2"]);
  });

  it("leave out members who shared nothing", () => {
    expect(groupByMember([], members)).toEqual([]);
  });
});
