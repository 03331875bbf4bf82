// Dev/preview only: mock.html?state=…&lang=de|en&theme=light|dark. The sessions shown are Rust's
// own snapshots (../fixtures/sessions-*.json), served by ./replay.ts.
// state: home | home-empty | fast | commitment | focus | paused | break | closing | history | history-empty
//        | history-stats | history-stats-empty (History's statistics tab; &range=last12|month picks
//          another preset) | history-review (History's weekly review of this week)
//        | template (&template=<name>, default "Deep work") | template-new | fast-edit (seconds-long phases)
//          with &name=<new name> and &step=save|invalid|delete|delete-confirm|esc
//        | settings (&sleep=pause_while_asleep starts from that value; &focus=<test id> focuses a control)
//        | settings-saved (one change made)
//        | settings-error (the change is refused); &tokens=file: no secret store, the tokens in a file
//        | rooms (three sample rooms: connected, offline, ended) | rooms-empty (none: what rooms are,
//          the forms) | rooms-error (a join refused; &form=create: a create refused)
//        | rooms-link (opened with an invite link: the join form filled in)
//        | room (a room's view; &room=0|1|2 picks the sample, &step=leave asks about leaving)
//        | room-following (room 0, my session follows its shared session; &left=1: I left it and go on
//          alone; &shared=1: I share my commitments) | room-busy (room 0, a session of my own runs)
//        | room-host (room 1, mine to host, no session: the start form)
//        | room-hosting (room 1, its session runs and mine follows it: the host's controls, and
//          questions from the members, one answered)
//        | room-asked (room 0 as room-following&shared=1, with my questions to the host, one
//          answered; &offline=1: the room is offline, a question waits for it)
//        | room-deleted (room 2: the host deleted it)
//          the room states take &step=join|start|end|kudos|share|leave (clicks that control),
//          &step=ask|ask-send (the question form on my commitment; -send: one sent) and for the
//          host &step=manage|remove|make-host|new-code|delete|edit-error|hand-over (the room's tools)
//          and &step=answered (the answered questions unfolded)
//        | commitment-room | focus-room | closing-room (the session's screens, following room 0;
//          &left=1, &shared=1 as above)
//        | schedule (the week: blocks and routines kept in memory, no dates: ./schedule.ts)
//        history: one of the sessions was a room's
//        &backups=…, &export=…, &import=…: the backups and the import in the settings, the export in
//          History (./data.ts)
import { mockIPC } from "@tauri-apps/api/mocks";
import type { Language } from "../bindings/ipc";
import { MockData, stage } from "./data";
import { Replay, type SessionsFixture } from "./replay";
import { MockRooms } from "./rooms";
import { MockSchedule } from "./schedule";
import { starts } from "./states";

const params = new URLSearchParams(location.search);
const state = params.get("state") ?? "home";
const lang: Language = params.get("lang") === "de" ? "de" : "en";
const theme = params.get("theme");
if (theme === "dark" || theme === "light") document.documentElement.dataset.theme = theme;

// Rust's snapshots of the sessions, in the language asked for (see ./replay.ts).
const fixture = (
  lang === "de" ? await import("../fixtures/sessions-de.json") : await import("../fixtures/sessions-en.json")
).default as unknown as SessionsFixture;

const [story, startAt] = starts[state] ?? ["main", "home"];
const rust = new Replay(fixture, story, startAt);
// the theme asked for is the person's choice, so the settings do not turn it back to the system's
if (theme === "dark" || theme === "light") rust.settings.theme = theme;
if (state.startsWith("settings")) {
  if (params.get("sleep") === "pause_while_asleep") rust.settings.sleepMode = "pause_while_asleep";
  rust.failSettings = state === "settings-error";
}

const data = new MockData(() => rust.language());
const schedule = new MockSchedule();
const rooms = new MockRooms(() => rust.language(), story !== "empty", rust);
rooms.secretStore = params.get("tokens") !== "file";
if (state === "rooms-link") rooms.waitingLink = "worktogether://join/rooms.example.org/FRDY2-FCS34";

// The shared session's states: the rooms and my session as they would stand.
const kitchen = rooms.room(0);
const morning = rooms.room(1);
const follows = params.get("left") !== "1";
const shares = params.get("shared") === "1";
if (kitchen && morning) {
  if (state === "commitment-room") rooms.runSession(kitchen, "commitment", 6);
  if (state === "closing-room") rooms.runSession(kitchen, "closing", 8);
  // the room has my commitments only when I share them (in the commitment round, not yet)
  if ((!shares && state !== "room-asked") || state === "commitment-room") {
    kitchen.commitments = kitchen.commitments.filter((c) => !c.mine);
  }
  if (["room-following", "room-asked", "commitment-room", "focus-room", "closing-room"].includes(state)) {
    rust.setRoom(rooms.link(kitchen), follows, shares || state === "room-asked");
  }
  if (state === "room-asked" && params.get("offline") === "1") {
    kitchen.connection = {
      state: "offline",
      since: new Date(Date.now() - 5 * 60_000).toISOString(),
      message: rust.language() === "de" ? "Der Raum-Server ist nicht erreichbar." : "The room server cannot be reached.",
    };
  }
  if (state === "room-host" || state === "room-hosting") {
    morning.connection = { state: "connected" };
    morning.members = morning.members.map((m) => ({ ...m, presence: m.isMe ? "planning" : "focusing" }));
  }
  if (state === "room-host") {
    morning.session = null;
    morning.commitments = [];
  }
  if (state === "room-hosting") {
    rooms.runSession(morning, "focus", 24, false, "Worktogether");
    morning.members = morning.members.map((m) => ({ ...m, presence: "focusing" }));
    morning.commitments = morning.commitments.map((c) => ({ ...c, outcome: "pending", note: null }));
    rust.setRoom(rooms.link(morning), true, true);
  }
  if (state === "room-asked" || state === "room-hosting") rooms.sampleQuestions();
  const buddies = rooms.room(2);
  if (state === "room-deleted" && buddies) rooms.deleted(buddies);
}
// history: a session of the past was a room's
const past = fixture.stories[story]?.steps.find((s) => s.history)?.history?.find((s) => s.templateName === "Worktogether");
if (past) rust.roomNames.set(past.id, "Social Media Kitchen");

mockIPC(
  (cmd, payload) => {
    const args = (payload ?? {}) as Record<string, unknown>;
    const room = rooms.handle(cmd, args) ?? data.handle(cmd, args) ?? schedule.handle(cmd, args);
    return room ? room.answer : rust.handle(cmd, args);
  },
  { shouldMockEvents: true },
);

await import("../main");
stage(data, params);

/** Runs `then` with the element of this test hook once it is there (lazy screens load late). */
function whenThere(testId: string, then: (el: HTMLElement) => void) {
  const el = document.querySelector<HTMLElement>(`[data-testid="${CSS.escape(testId)}"]`);
  if (el) then(el);
  else setTimeout(() => whenThere(testId, then), 20);
}

/** Click the element with this test hook once it is there. */
function clickWhenThere(testId: string, then?: () => void) {
  whenThere(testId, (el) => {
    el.click();
    if (then) setTimeout(then, 50);
  });
}

if (state === "template" || state === "template-new" || state === "fast-edit") {
  const name = state === "fast-edit" ? "Fast" : (params.get("template") ?? "Deep work");
  const step = params.get("step");
  const setValue = (input: HTMLInputElement | undefined, value: string) => {
    if (!input) return;
    input.value = value;
    input.dispatchEvent(new Event("input", { bubbles: true }));
  };
  clickWhenThere(state === "template-new" ? "template-new" : `template-edit-${name}`, () =>
    whenThere("template-name", () => editorSteps()),
  );
  const editorSteps = () => {
    const newName = params.get("name");
    if (newName !== null) setValue(document.querySelector<HTMLInputElement>('[data-testid="template-name"]') ?? undefined, newName);
    if (step === "delete") clickWhenThere("template-delete");
    if (step === "delete-confirm") clickWhenThere("template-delete", () => clickWhenThere("template-delete-confirm"));
    if (step === "save") setTimeout(() => clickWhenThere("template-save"), 50);
    if (step === "esc") {
      document.activeElement?.dispatchEvent(new KeyboardEvent("keydown", { key: "Escape", bubbles: true }));
    }
    if (step === "invalid") {
      setValue(document.querySelector<HTMLInputElement>('[data-testid="template-name"]') ?? undefined, "Pomodoro");
      setValue(document.querySelectorAll<HTMLInputElement>('.editor input[type="number"]')[1], "0");
    }
  };
}

if (state.startsWith("settings")) {
  clickWhenThere("nav-settings", () => {
    // &focus=<test id>: show that control's keyboard focus
    const focus = params.get("focus");
    if (focus) setTimeout(() => document.querySelector<HTMLElement>(`[data-testid="${CSS.escape(focus)}"]`)?.focus(), 100);
    if (state === "settings") return;
    const other = rust.settings.sleepMode === "keep_wall_clock" ? "pause_while_asleep" : "keep_wall_clock";
    clickWhenThere(`sleep-mode-${other}`);
  });
}

if (state === "schedule") clickWhenThere("nav-schedule");

if (state.startsWith("history")) {
  const click = () => {
    const nav = document.querySelector<HTMLButtonElement>('[data-testid="nav-history"]');
    if (nav) nav.click();
    else setTimeout(click, 20);
  };
  click();
  if (state === "history-review") clickWhenThere("history-tab-review");
  if (state.startsWith("history-stats")) {
    const range = params.get("range");
    clickWhenThere("history-tab-statistics", () => {
      if (range === "last12" || range === "month") clickWhenThere(`stats-preset-${range}`);
    });
  }
}

if (state.startsWith("room")) {
  const form = params.get("form");
  const setValue = (testId: string, value: string) => {
    const input = document.querySelector<HTMLInputElement | HTMLTextAreaElement>(`[data-testid="${testId}"]`);
    if (!input) return;
    input.value = value;
    input.dispatchEvent(new Event("input", { bubbles: true }));
  };
  clickWhenThere("nav-rooms", () => {
    if (state === "room" || state.startsWith("room-")) {
      const index =
        state === "room"
          ? Number(params.get("room") ?? "0")
          : state.startsWith("room-host")
            ? 1
            : state === "room-deleted"
              ? 2
              : 0;
      const step = params.get("step");
      const clicks: Record<string, string> = {
        leave: "room-leave",
        join: "room-join-session",
        start: "room-start-session",
        end: "room-session-end",
        share: "room-share",
      };
      whenThere("room-list", (list) => {
        list.querySelectorAll<HTMLElement>('[data-testid="room-item"]')[index]?.click();
        if (step && clicks[step]) setTimeout(() => clickWhenThere(clicks[step]!), 50);
        // a few clicks in a row: the room's tools, the question form
        const sequences: Record<string, string[]> = {
          manage: ["room-manage-toggle"],
          remove: ["room-manage-toggle", "room-member-remove"],
          "make-host": ["room-manage-toggle", "room-member-make-host"],
          "new-code": ["room-manage-toggle", "room-new-code"],
          delete: ["room-manage-toggle", "room-delete"],
          "hand-over": ["room-leave-hand-over"],
          ask: ["room-ask"],
          answered: ["room-questions-answered-toggle"],
        };
        const clickAll = (ids: string[], then?: () => void) => {
          const [first, ...rest] = ids;
          if (first === undefined) return then?.();
          setTimeout(() => clickWhenThere(first, () => clickAll(rest, then)), 50);
        };
        if (step && sequences[step]) clickAll(sequences[step]!);
        if (step === "ask-send") {
          clickAll(["room-ask"], () => {
            setValue("room-ask-text", rust.language() === "de" ? "Wie oft soll ich posten?" : "How often should I post?");
            clickWhenThere("room-ask-submit");
          });
        }
        if (step === "edit-error") {
          clickAll(["room-manage-toggle"], () => {
            setValue("room-edit-link", "meet.example.org/morning");
            clickWhenThere("room-edit-save");
          });
        }
        if (step === "kudos") {
          setTimeout(() => document.querySelector<HTMLElement>('[data-testid="room-kudos"][aria-pressed="false"]')?.click(), 100);
        }
      });
      return;
    }
    if (state !== "rooms-error") return;
    whenThere("join-form", () => {
      if (form === "create") {
        setValue("create-server", "rooms.example.org");
        setValue("create-name", "Anna");
        clickWhenThere("create-submit");
      } else {
        setValue("join-code", "ABCDE-FGHJ0");
        setValue("join-server", "rooms.example.org");
        setValue("join-name", "Anna");
        clickWhenThere("join-submit");
      }
    });
  });
}
