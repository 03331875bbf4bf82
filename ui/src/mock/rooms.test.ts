// The mock's rooms answer as the shell would: its codes, its messages (from the catalogs), and
// the `rooms` event after every change.
import { beforeEach, describe, expect, it, vi } from "vitest";
import type { ApiError } from "../bindings/ipc";
import type { RoomView } from "../bindings/ipc";
import type { SessionView } from "../bindings/ipc";
import en from "../../../locales/en.json";
import { MockRooms, normalizeCode, secsToQuarterHour, type MockSessions } from "./rooms";

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

  it("take commitments ahead only while no session runs, and show them as the member's", async () => {
    vi.useFakeTimers();
    try {
      const rooms = new MockRooms(() => "en", true);
      const [kitchen, , buddies] = answer(rooms, "rooms") as RoomView[];
      const running = refusal(() => answer(rooms, "post_ahead", { membershipId: kitchen!.membershipId, text: "Posts" }));
      expect(running.message).toBe(en["rooms.error.sessionRuns"]);
      const blank = refusal(() => answer(rooms, "post_ahead", { membershipId: buddies!.membershipId, text: "  " }));
      expect(blank.message).toBe(en["error.commitment_empty"]);
      answer(rooms, "post_ahead", { membershipId: buddies!.membershipId, text: " Invoices " });
      await vi.runAllTimersAsync();
      const after = (answer(rooms, "rooms") as RoomView[])[2]!;
      expect(after.ahead.map((c) => [c.text, c.mine])).toEqual([
        ["Sort November's receipts", false],
        ["Invoices", true],
      ]);
    } finally {
      vi.useRealTimers();
    }
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

describe("the mock's shared session", () => {
  /** A stand-in for the replay: the person's session, laid over with the room's. */
  function person() {
    let current: SessionView | null = null;
    const base = { id: "mine", templateName: "Worktogether", commitments: [{ text: "Write the newsletter" }] };
    const sessions: MockSessions & { own(): void } = {
      current: () => current,
      template: (id) =>
        id === "tpl"
          ? { id, name: "Worktogether", builtin: true, phases: [{ kind: "commitment", durationSecs: 600 }, { kind: "closing", durationSecs: 300 }] }
          : null,
      joinRoom: (link) => {
        if (current) throw { code: "wrong_state", message: en["error.state.session_in_progress"] };
        current = { ...base, room: link, followsRoom: true, sharesWithRoom: false } as unknown as SessionView;
        return current;
      },
      leaveRoom: () => (current = { ...current!, followsRoom: false }),
      share: (share) => (current = { ...current!, sharesWithRoom: share }),
      shareOwn: (link) => (current = { ...current!, room: link, followsRoom: false, sharesWithRoom: true }),
      follow: vi.fn(),
      own: () => {
        current = { ...base, room: null, followsRoom: false, sharesWithRoom: false } as unknown as SessionView;
      },
    };
    return sessions;
  }

  it("joins a running session, not one that is over, nor with a session of my own", () => {
    const me = person();
    const rooms = new MockRooms(() => "en", true, me);
    const [kitchen, , buddies] = answer(rooms, "rooms") as RoomView[];
    expect(refusal(() => rooms.handle("join_room_session", { membershipId: buddies!.membershipId })).message).toBe(
      en["rooms.error.noSharedSession"],
    );
    me.own();
    expect(refusal(() => rooms.handle("join_room_session", { membershipId: kitchen!.membershipId })).code).toBe("wrong_state");
  });

  it("follows the room's session once joined, shares my commitments, and leaves it", () => {
    const me = person();
    const rooms = new MockRooms(() => "en", true, me);
    const [kitchen] = answer(rooms, "rooms") as RoomView[];
    const joined = answer(rooms, "join_room_session", { membershipId: kitchen!.membershipId }) as SessionView;
    expect(joined.room).toEqual({ membershipId: kitchen!.membershipId, sessionId: kitchen!.session!.id, roomName: kitchen!.name });
    expect(joined.followsRoom).toBe(true);
    answer(rooms, "share_with_room", { share: true });
    const mineNow = rooms.room(0)!.commitments.filter((c) => c.mine).map((c) => [c.text, c.memberId]);
    expect(mineNow).toContainEqual(["Write the newsletter", kitchen!.membershipId]);
    expect((answer(rooms, "leave_room_session") as SessionView).followsRoom).toBe(false);
  });

  it("takes part with a session of my own, on its own timer", () => {
    const me = person();
    const rooms = new MockRooms(() => "en", true, me);
    const [kitchen] = answer(rooms, "rooms") as RoomView[];
    me.own();
    const shared = answer(rooms, "share_own_session", { membershipId: kitchen!.membershipId }) as SessionView;
    expect([shared.room?.roomName, shared.followsRoom, shared.sharesWithRoom]).toEqual([kitchen!.name, false, true]);
  });

  it("gives kudos once, never to my own", () => {
    const rooms = new MockRooms(() => "en", true, person());
    const kitchen = rooms.room(0)!;
    const others = kitchen.commitments.find((c) => !c.mine && !c.kudosFromMe)!;
    const own = kitchen.commitments.find((c) => c.mine)!;
    const [othersBefore, ownBefore] = [others.kudos, own.kudos];
    answer(rooms, "give_kudos", { membershipId: kitchen.membershipId, commitmentId: others.id });
    answer(rooms, "give_kudos", { membershipId: kitchen.membershipId, commitmentId: others.id });
    answer(rooms, "give_kudos", { membershipId: kitchen.membershipId, commitmentId: own.id });
    expect(rooms.room(0)!.commitments.find((c) => c.id === others.id)).toMatchObject({ kudos: othersBefore + 1, kudosFromMe: true });
    expect(rooms.room(0)!.commitments.find((c) => c.id === own.id)?.kudos).toBe(ownBefore);
    expect(refusal(() => rooms.handle("give_kudos", { membershipId: kitchen.membershipId, commitmentId: "nope" })).message).toBe(
      en["rooms.error.noSuchCommitment"],
    );
  });

  it("lets the host start, pause, resume, skip and end, and members not", () => {
    const me = person();
    const rooms = new MockRooms(() => "en", true, me);
    const [kitchen, morning] = answer(rooms, "rooms") as RoomView[];
    const control = (c: string, room = morning!) => rooms.handle("control_shared_session", { membershipId: room.membershipId, control: c });
    expect(refusal(() => control("skip", kitchen)).message).toBe(en["room.error.forbidden"]);
    rooms.room(1)!.session = null;
    const started = answer(rooms, "start_shared_session", { membershipId: morning!.membershipId, templateId: "tpl", atQuarterHour: false });
    expect((started as SessionView).followsRoom).toBe(true);
    const session = () => rooms.room(1)!.session!;
    expect(session()).toMatchObject({ templateName: "Worktogether", phase: "commitment", paused: false });
    control("pause");
    expect(session()).toMatchObject({ paused: true, phaseEndsAt: null });
    expect(refusal(() => control("pause")).code).toBe("wrong_state");
    control("resume");
    expect(session().paused).toBe(false);
    control("skip");
    expect(session().phase).toBe("closing");
    expect(me.follow).toHaveBeenLastCalledWith(session().id, "closing", false);
    control("end");
    expect(session().phase).toBe("over");
    expect(refusal(() => control("skip")).message).toBe(en["rooms.error.noSharedSession"]);
  });

  it("starts at the next quarter hour as Rust does", () => {
    const at = (h: number, m: number, s: number) => new Date(Date.UTC(2026, 11, 3, h, m, s));
    expect(secsToQuarterHour(at(9, 7, 30), 300)).toBe(450);
    expect(secsToQuarterHour(at(9, 12, 0), 300)).toBe(1080);
    expect(secsToQuarterHour(at(9, 10, 0), 300)).toBe(300);
  });
});

describe("the rest of a room in the mock", () => {
  it("lists upcoming sessions soonest first, a few at most", () => {
    const rooms = new MockRooms(() => "en", true);
    for (const room of answer(rooms, "rooms") as RoomView[]) {
      const starts = room.upcoming.map((u) => Date.parse(u.startsAt));
      expect(starts).toEqual([...starts].sort((a, b) => a - b));
      expect(room.upcoming.length).toBeLessThanOrEqual(5);
      expect(room.upcoming.every((u) => Date.parse(u.endsAt) > Date.parse(u.startsAt))).toBe(true);
    }
    expect(rooms.room(0)!.upcoming.length).toBeGreaterThan(0);
  });

  it("opens only a web link, and keeps the choice to open it at the start", () => {
    const rooms = new MockRooms(() => "en", true);
    const [kitchen, morning] = answer(rooms, "rooms") as RoomView[];
    expect(answer(rooms, "open_video_link", { membershipId: kitchen!.membershipId })).toBe(null);
    expect(refusal(() => rooms.handle("open_video_link", { membershipId: morning!.membershipId })).message).toBe(
      en["rooms.error.noVideoLink"],
    );
    const view = answer(rooms, "set_open_link_at_start", { membershipId: kitchen!.membershipId, open: false }) as RoomView;
    expect(view.openLinkAtStart).toBe(false);
  });

  it("asks the host through the outbox: the question comes back as an event, not while offline", async () => {
    const rooms = new MockRooms(() => "en", true);
    rooms.echoMs = 0;
    const kitchen = rooms.room(0)!;
    const own = kitchen.commitments.find((c) => c.mine)!;
    const others = kitchen.commitments.find((c) => !c.mine)!;
    const ask = (commitmentId: string, text: string) => () => rooms.handle("ask_host", { membershipId: kitchen.membershipId, commitmentId, text });
    expect(refusal(ask(own.id, "  ")).message).toBe(en["rooms.error.noQuestion"]);
    expect(refusal(ask(others.id, "Why?")).message).toBe(en["rooms.error.noSuchCommitment"]);
    expect(ask(own.id, " Reel or carousel? ")()).toEqual({ answer: null });
    expect(kitchen.questions).toEqual([]); // not yet: the server's event brings it
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(kitchen.questions).toMatchObject([{ text: "Reel or carousel?", mine: true, answered: false, commitmentId: own.id }]);
    expect(sent.at(-1)?.[0]).toBe("rooms");

    kitchen.connection = { state: "offline", since: new Date().toISOString(), message: "offline" };
    ask(own.id, "And the hashtags?")();
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(kitchen.questions).toHaveLength(1);
    expect(rooms.waiting).toMatchObject([{ text: "And the hashtags?" }]);
  });

  it("has sample questions: mine in room 0, the members' to me in room 1", () => {
    const rooms = new MockRooms(() => "en", true);
    rooms.sampleQuestions();
    expect(rooms.room(0)!.questions.every((q) => q.mine)).toBe(true);
    const morning = rooms.room(1)!;
    expect(morning.questions.length).toBeGreaterThan(1);
    expect(morning.questions.some((q) => !q.answered) && morning.questions.some((q) => q.answered)).toBe(true);
    for (const q of morning.questions) {
      expect(q.mine).toBe(false);
      expect(morning.commitments.find((c) => c.id === q.commitmentId)?.memberId).toBe(q.memberId);
    }
  });

  it("lets the host mark answered, edit, remove, hand over, change the code and delete; members not", () => {
    const rooms = new MockRooms(() => "en", true);
    rooms.sampleQuestions();
    const [kitchen, morning] = answer(rooms, "rooms") as RoomView[];
    rooms.room(1)!.connection = { state: "connected" };
    const host = (cmd: string, args: Record<string, unknown> = {}) =>
      answer(rooms, cmd, { membershipId: morning!.membershipId, ...args }) as RoomView;
    expect(refusal(() => rooms.handle("change_room_code", { membershipId: kitchen!.membershipId })).message).toBe(
      en["room.error.forbidden"],
    );

    const open = morning!.questions.find((q) => !q.answered)!;
    expect(host("mark_answered", { questionId: open.id }).questions.find((q) => q.id === open.id)?.answered).toBe(true);

    const edited = host("update_room", { name: " Mornings ", description: " ", videoLink: "https://meet.example.org/m" });
    expect(edited).toMatchObject({ name: "Mornings", description: null, videoLink: "https://meet.example.org/m" });
    expect(refusal(() => host("update_room", { name: " ", description: "", videoLink: "" })).message).toBe(en["rooms.error.noRoomName"]);
    expect(refusal(() => host("update_room", { name: "M", description: "", videoLink: "meet.example.org" })).code).toBe("invalid_input");

    const code = host("change_room_code");
    expect(code.code).not.toBe(morning!.code);
    expect(code.inviteLink).toContain(code.code);

    // the host cannot leave while others are there
    expect(refusal(() => rooms.handle("leave_room", { membershipId: morning!.membershipId })).code).toBe("wrong_state");

    const [ben, clara] = morning!.members.filter((m) => !m.isMe);
    expect(host("remove_member", { memberId: clara!.id }).members.map((m) => m.displayName)).toEqual(["Anna", "Ben"]);
    const handed = host("hand_over_host", { memberId: ben!.id });
    expect(handed.iAmHost).toBe(false);
    expect(handed.members.map((m) => [m.displayName, m.isHost])).toEqual([
      ["Ben", true],
      ["Anna", false],
    ]);
    expect(refusal(() => host("delete_room")).message).toBe(en["room.error.forbidden"]);
  });

  it("deletes a room for everybody, and says so in a deleted room", () => {
    const rooms = new MockRooms(() => "en", true);
    const morning = rooms.room(1)!;
    morning.connection = { state: "connected" };
    expect(answer(rooms, "delete_room", { membershipId: morning.membershipId })).toBe(null);
    expect((answer(rooms, "rooms") as RoomView[]).some((r) => r.membershipId === morning.membershipId)).toBe(false);
    const buddies = rooms.room(1)!;
    rooms.deleted(buddies);
    expect(buddies.connection).toEqual({ state: "ended", message: en["rooms.deleted"] });
  });

  it("needs the server for the host's tools", () => {
    const rooms = new MockRooms(() => "en", true);
    const morning = rooms.room(1)!; // offline
    expect(refusal(() => rooms.handle("change_room_code", { membershipId: morning.membershipId })).code).toBe("unreachable");
  });
});
