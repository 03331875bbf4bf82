// The mock's rooms answer as the shell would: its codes, its messages (from the catalogs), and
// the `rooms` event after every change.
import { beforeEach, describe, expect, it, vi } from "vitest";
import type { ApiError } from "../bindings/ipc";
import type { RoomView } from "../bindings/ipc";
import en from "../../../locales/en.json";
import { MockRooms, normalizeCode } from "./rooms";

const sent = vi.hoisted(() => [] as [string, unknown][]);
vi.mock("@tauri-apps/api/event", () => ({
  emit: (event: string, payload: unknown) => {
    sent.push([event, payload]);
    return Promise.resolve();
  },
}));

beforeEach(() => {
  sent.length = 0;
});

const answer = (rooms: MockRooms, cmd: string, args: Record<string, unknown> = {}) => rooms.handle(cmd, args)?.answer;
function refusal(run: () => unknown): ApiError {
  try {
    run();
  } catch (e) {
    return e as ApiError;
  }
  throw new Error("not refused");
}

describe("the mock's rooms", () => {
  it("read room codes as Rust does", () => {
    expect(normalizeCode("abcde-fghjk")).toBe("ABCDE-FGHJK");
    expect(normalizeCode(" ABCDE FGHJK ")).toBe("ABCDE-FGHJK");
    expect(normalizeCode("ABCDEFGHJK")).toBe("ABCDE-FGHJK");
    expect(normalizeCode("ABCDE-FGHJ0")).toBe(null);
    expect(normalizeCode("ABCDE-FGHJ")).toBe(null);
  });

  it("start with samples in every connection state, or none", () => {
    const rooms = new MockRooms(() => "en", true);
    const list = answer(rooms, "rooms") as RoomView[];
    expect(list.map((r) => r.connection.state)).toEqual(["connected", "offline", "ended"]);
    expect(list.every((r) => r.members.filter((m) => m.isMe).length === 1)).toBe(true);
    expect(answer(new MockRooms(() => "en", false), "rooms")).toEqual([]);
  });

  it("join by code or by link, and tell the window", () => {
    const rooms = new MockRooms(() => "en", false);
    const joined = answer(rooms, "join_room", { server: "rooms.example.org", code: "abcde fghjk", displayName: " Anna " }) as RoomView;
    expect(joined.server).toBe("https://rooms.example.org/");
    expect(joined.code).toBe("ABCDE-FGHJK");
    expect(joined.inviteLink).toBe("worktogether://join/rooms.example.org/ABCDE-FGHJK");
    expect(joined.members.find((m) => m.isMe)?.displayName).toBe("Anna");
    expect(sent.map(([event]) => event)).toEqual(["rooms"]);
    // the link names the server; the same room again is the same membership
    const again = answer(rooms, "join_room", { server: "", code: joined.inviteLink, displayName: "Anna" }) as RoomView;
    expect(again.membershipId).toBe(joined.membershipId);
  });

  it("refuse with the shell's messages", () => {
    const rooms = new MockRooms(() => "en", false);
    const join = (server: string, code: string, displayName = "Anna") => () =>
      rooms.handle("join_room", { server, code, displayName });
    expect(refusal(join("rooms.example.org", "ABCDE-FGHJK", " "))).toEqual({
      code: "invalid_input",
      message: en["rooms.error.noName"],
    });
    expect(refusal(join("", "worktogether://nope")).message).toBe(en["rooms.error.notALink"]);
    expect(refusal(join("", "worktogether://join/x/ABCDE-FGHJ0")).message).toBe(en["rooms.error.linkCode"]);
    expect(refusal(join("rooms.example.org", "ABCDE-FGHJ0")).message).toContain("ABCDE-FGHJ0");
    expect(refusal(join("offline.example", "ABCDE-FGHJK")).code).toBe("unreachable");
    const create = () => rooms.handle("create_room", { room: { server: "x.example", name: " ", description: null, videoLink: null, displayName: "Anna" } });
    expect(refusal(create).message).toBe(en["rooms.error.noRoomName"]);
    expect(refusal(() => rooms.handle("leave_room", { membershipId: "nope" })).message).toBe(en["rooms.error.notAMember"]);
    expect(sent).toEqual([]);
  });

  it("create a room with me as its host, and leave it", () => {
    const rooms = new MockRooms(() => "en", false);
    const room = { server: "rooms.example.org", name: " Kitchen ", description: "", videoLink: null, displayName: "Anna" };
    const created = answer(rooms, "create_room", { room }) as RoomView;
    expect(created).toMatchObject({ name: "Kitchen", description: null, iAmHost: true });
    expect(created.members).toMatchObject([{ displayName: "Anna", isHost: true, isMe: true }]);
    expect(answer(rooms, "leave_room", { membershipId: created.membershipId })).toBe(null);
    expect(answer(rooms, "rooms")).toEqual([]);
  });

  it("hand out a waiting invite link once, and say where the tokens are", () => {
    const rooms = new MockRooms(() => "en", false);
    const link = "worktogether://join/rooms.example.org/ABCDE-FGHJK";
    rooms.waitingLink = link;
    expect(answer(rooms, "take_join_link")).toBe(link);
    expect(answer(rooms, "take_join_link")).toBe(null);
    rooms.secretStore = false;
    expect(answer(rooms, "token_place")).toMatchObject({ secretStore: false });
    expect(rooms.handle("current_session", {})).toBe(null);
  });
});
