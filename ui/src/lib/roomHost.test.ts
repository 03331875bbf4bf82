import { describe, expect, it } from "vitest";
import type { Connection } from "../bindings/ipc";
import type { MemberView } from "../bindings/ipc";
import { leavePart, manageOffered, memberActions, othersInRoom, roomFields } from "./roomHost";

const member = (id: string, extra: Partial<MemberView> = {}): MemberView => ({
  id,
  displayName: id,
  presence: "planning",
  isHost: false,
  isMe: false,
  ...extra,
});
const connected: Connection = { state: "connected" };
const offline: Connection = { state: "offline", since: "2026-12-03T10:00:00Z", message: "unreachable" };
const ended: Connection = { state: "ended", message: "The host deleted this room." };

describe("the host's tools", () => {
  it("are offered to the host of a room that has not ended for them (offline too: the server says)", () => {
    expect(manageOffered({ iAmHost: true, connection: connected })).toBe(true);
    expect(manageOffered({ iAmHost: true, connection: offline })).toBe(true);
    expect(manageOffered({ iAmHost: true, connection: ended })).toBe(false);
    expect(manageOffered({ iAmHost: false, connection: connected })).toBe(false);
  });

  it("offer handing over and removing for every other member, nothing for the host themselves", () => {
    const host = { iAmHost: true };
    expect(memberActions(host, member("ben"))).toEqual(["make-host", "remove"]);
    expect(memberActions(host, member("me", { isMe: true, isHost: true }))).toEqual([]);
    // a member sees no tools, whoever it is about
    expect(memberActions({ iAmHost: false }, member("ben"))).toEqual([]);
    expect(memberActions({ iAmHost: false }, member("maria", { isHost: true }))).toEqual([]);
  });

  it("list everyone but me, in the room's order", () => {
    const members = [member("me", { isMe: true, isHost: true }), member("ben"), member("clara")];
    expect(othersInRoom(members).map((m) => m.id)).toEqual(["ben", "clara"]);
  });

  it("start the edit form from the room, absent texts empty", () => {
    expect(roomFields({ name: "Kitchen", description: null, videoLink: null })).toEqual({
      name: "Kitchen",
      description: "",
      videoLink: "",
    });
    expect(roomFields({ name: "Kitchen", description: "Tuesdays", videoLink: "https://meet.example.org/k" })).toEqual({
      name: "Kitchen",
      description: "Tuesdays",
      videoLink: "https://meet.example.org/k",
    });
  });
});

describe("leaving", () => {
  const me = (host: boolean) => member("me", { isMe: true, isHost: host });

  it("is plain for a member, deletes the room for the only one, and waits for a hand-over for the host", () => {
    expect(leavePart({ iAmHost: false, members: [member("maria", { isHost: true }), me(false)], connection: connected })).toBe("leave");
    expect(leavePart({ iAmHost: true, members: [me(true)], connection: connected })).toBe("last");
    expect(leavePart({ iAmHost: true, members: [me(true), member("ben")], connection: connected })).toBe("hand-over");
    expect(leavePart({ iAmHost: true, members: [me(true), member("ben")], connection: offline })).toBe("hand-over");
  });

  it("only forgets a room that ended, host or not", () => {
    expect(leavePart({ iAmHost: true, members: [me(true), member("ben")], connection: ended })).toBe("forget");
    expect(leavePart({ iAmHost: false, members: [me(false)], connection: ended })).toBe("forget");
  });
});
