import { describe, expect, it } from "vitest";
import type { MemberView } from "../bindings/ipc";
import type { RoomView } from "../bindings/ipc";
import {
  isInviteLink,
  joinMissing,
  joinServerKey,
  lastDisplayName,
  linkServer,
  rememberDisplayName,
  serverAddress,
  serverKey,
  suggestedName,
  upsertRoom,
} from "./rooms";

function room(server: string, members: Partial<MemberView>[], membershipId = "m1", name = "Room"): RoomView {
  return {
    membershipId,
    server,
    code: "ABCDE-FGHJK",
    inviteLink: null,
    name,
    description: null,
    videoLink: null,
    iAmHost: false,
    members: members.map((m, i) => ({
      id: `id-${i}`,
      displayName: "Someone",
      presence: "planning",
      isHost: i === 0,
      isMe: false,
      ...m,
    })),
    session: null,
    commitments: [],
    connection: { state: "connected" },
    openLinkAtStart: false,
    upcoming: [],
    questions: [],
    ahead: [],
  };
}

class FakeStorage {
  items = new Map<string, string>();
  getItem(key: string) {
    return this.items.get(key) ?? null;
  }
  setItem(key: string, value: string) {
    this.items.set(key, value);
  }
}

describe("the join form's code field", () => {
  it("is a link when Rust will read it as one (then the server field is ignored)", () => {
    expect(isInviteLink("worktogether://join/rooms.example.org/ABCDE-FGHJK")).toBe(true);
    expect(isInviteLink("  worktogether://join/x/ABCDE-FGHJK")).toBe(true);
    expect(isInviteLink("\u00a0\nworktogether://join/x/ABCDE-FGHJK")).toBe(true);
    // Rust's test is the scheme's name alone: a broken link still ignores the server field
    expect(isInviteLink("worktogether:/join")).toBe(true);
  });
  it("is a room code otherwise", () => {
    expect(isInviteLink("ABCDE-FGHJK")).toBe(false);
    expect(isInviteLink("abcde fghjk")).toBe(false);
    expect(isInviteLink("https://rooms.example.org/ABCDE-FGHJK")).toBe(false);
    expect(isInviteLink("")).toBe(false);
  });
  it("needs a code, and a server unless it holds a link", () => {
    expect(joinMissing("rooms.example.org", "  ")).toBe("code");
    expect(joinMissing("", "")).toBe("code");
    expect(joinMissing(" ", "ABCDE-FGHJK")).toBe("server");
    expect(joinMissing("", "worktogether://join/x/ABCDE-FGHJK")).toBe(null);
    expect(joinMissing("rooms.example.org", "ABCDE-FGHJK")).toBe(null);
  });
});

describe("server addresses", () => {
  it("are read as Rust's link::server_address reads them", () => {
    // the cases of `a_typed_server_address_gets_its_scheme` in src-tauri/rooms/link.rs
    expect(serverAddress(" rooms.example.org ")).toBe("https://rooms.example.org/");
    expect(serverAddress("127.0.0.1:7400")).toBe("http://127.0.0.1:7400/");
    expect(serverAddress("http://lan.example:80/x")).toBe("http://lan.example:80/x");
    expect(serverAddress("not a host")).toBe("not a host");
    expect(serverAddress("localhost:7400")).toBe("http://localhost:7400/");
    expect(serverAddress("[::1]:7400")).toBe("http://[::1]:7400/");
  });
  it("compare equal however they are spelled", () => {
    const key = serverKey("https://rooms.example.org/");
    expect(key).toBe("https://rooms.example.org");
    expect(serverKey("rooms.example.org")).toBe(key);
    expect(serverKey("HTTPS://Rooms.Example.ORG")).toBe(key);
    expect(serverKey("https://rooms.example.org:443/")).toBe(key);
    expect(serverKey("example.org:8443/team/")).toBe(serverKey("https://example.org:8443/team"));
    expect(serverKey("rooms.example.org")).not.toBe(serverKey("rooms.example.net"));
  });
  it("have no key when they are none", () => {
    expect(serverKey("")).toBe(null);
    expect(serverKey("not a host")).toBe(null);
  });
  it("are found in invite links", () => {
    expect(linkServer("worktogether://join/rooms.example.org/ABCDE-FGHJK")).toBe("https://rooms.example.org");
    expect(linkServer(" worktogether://join/example.org:8443/team/ABCDEFGHJK\n")).toBe("https://example.org:8443/team");
    expect(linkServer("worktogether://join/127.0.0.1:7400/ABCDE-FGHJK")).toBe("http://127.0.0.1:7400");
    expect(linkServer("worktogether://join/ABCDE-FGHJK")).toBe(null);
    expect(linkServer("ABCDE-FGHJK")).toBe(null);
  });
  it("of the join form: the link's, else the typed one", () => {
    expect(joinServerKey("rooms.example.net", "worktogether://join/rooms.example.org/ABCDE-FGHJK")).toBe(
      "https://rooms.example.org",
    );
    expect(joinServerKey("rooms.example.net", "ABCDE-FGHJK")).toBe("https://rooms.example.net");
  });
});

describe("the display name offered", () => {
  const rooms = [
    room("https://rooms.example.org/", [{ displayName: "Maria" }, { displayName: "Anna K.", isMe: true }]),
    room("https://cowork.example.net/", [{ displayName: "Annie", isMe: true }], "m2"),
  ];
  it("is my name in a room on the same server (chosen once per server)", () => {
    expect(suggestedName(rooms, serverKey("rooms.example.org"), "Anna")).toBe("Anna K.");
    expect(suggestedName(rooms, serverKey("cowork.example.net"), "Anna")).toBe("Annie");
  });
  it("is the name used last on another server", () => {
    expect(suggestedName(rooms, serverKey("elsewhere.example"), "Anna")).toBe("Anna");
    expect(suggestedName(rooms, null, "Anna")).toBe("Anna");
    expect(suggestedName([], null, null)).toBe("");
  });
  it("skips a room where I am not among the members seen", () => {
    const strange = [room("https://rooms.example.org/", [{ displayName: "Maria" }])];
    expect(suggestedName(strange, serverKey("rooms.example.org"), "Anna")).toBe("Anna");
  });
  it("is remembered, trimmed, and never as nothing", () => {
    const store = new FakeStorage();
    expect(lastDisplayName(store)).toBe(null);
    rememberDisplayName("  Anna  ", store);
    expect(lastDisplayName(store)).toBe("Anna");
    rememberDisplayName("   ", store);
    expect(lastDisplayName(store)).toBe("Anna");
  });
  it("survives a storage that refuses", () => {
    const broken = {
      getItem: () => {
        throw new Error("denied");
      },
      setItem: () => {
        throw new Error("full");
      },
    };
    expect(lastDisplayName(broken)).toBe(null);
    expect(() => rememberDisplayName("Anna", broken)).not.toThrow();
    expect(lastDisplayName(null)).toBe(null);
  });
});

describe("the list of rooms", () => {
  it("takes a joined room at the end and an updated one in its place", () => {
    const a = room("https://a.example/", [], "a", "A");
    const b = room("https://b.example/", [], "b", "B");
    expect(upsertRoom([a], b).map((r) => r.name)).toEqual(["A", "B"]);
    const renamed = { ...a, name: "A2" };
    expect(upsertRoom([a, b], renamed).map((r) => r.name)).toEqual(["A2", "B"]);
  });
});
