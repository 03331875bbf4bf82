// The browser mock's rooms (development and screenshots only): a few sample rooms in the
// language asked for, and join, create and leave answered as the shell would, with its messages
// from the catalogs. There is no room server: a join succeeds for any well-formed code, except on
// a server whose address holds "offline" (unreachable). Each change sends the `rooms` event.
// The shared session: joining, leaving, sharing and kudos, the host's start and controls; the
// person's own session is the replay's (`MockSessions`), which lays the room over its snapshots.
// The rest of a room: the upcoming sessions of its schedule, questions to the host (through an
// "outbox": a question shows when its "event" comes back, never while offline), the host's
// tools (edit, remove, hand over, a new code, delete) and the video-call link.
import { emit } from "@tauri-apps/api/event";
import de from "../../../locales/de.json";
import en from "../../../locales/en.json";
import type { ApiError } from "../bindings/ipc";
import type { Language } from "../bindings/ipc";
import type { MemberView } from "../bindings/ipc";
import type { NewRoom } from "../bindings/ipc";
import type { PhaseKind } from "../bindings/ipc";
import type { QuestionView } from "../bindings/ipc";
import type { RoomLink } from "../bindings/ipc";
import type { RoomView } from "../bindings/ipc";
import type { SessionView } from "../bindings/ipc";
import type { SharedCommitmentView } from "../bindings/ipc";
import type { SharedControl } from "../bindings/ipc";
import type { SharedPhaseKind } from "../bindings/ipc";
import type { SharedSessionView } from "../bindings/ipc";
import type { Template } from "../bindings/ipc";
import type { TokenPlace } from "../bindings/ipc";
import type { UpcomingView } from "../bindings/ipc";
import { serverAddress } from "../lib/rooms";

const catalogs: Record<Language, Record<string, string>> = { de, en };

const ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ";

/** Rust's `normalize_room_code`. */
export function normalizeCode(input: string): string | null {
  const chars = [...input.replace(/[- ]/g, "").toUpperCase()];
  if (chars.length !== 10 || chars.some((c) => !ALPHABET.includes(c))) return null;
  return `${chars.slice(0, 5).join("")}-${chars.slice(5).join("")}`;
}

/** Rust's `link::format`. */
function inviteLink(server: string, code: string): string | null {
  try {
    const url = new URL(server);
    return `worktogether://join/${url.host}${url.pathname.replace(/\/+$/, "")}/${code}`;
  } catch {
    return null;
  }
}

const minutes = (n: number) => new Date(Date.now() + n * 60_000).toISOString();

/** A time on this computer's calendar: `days` from today at `hour`:`minute`. */
function dayAt(days: number, hour: number, minute = 0): Date {
  const now = new Date();
  return new Date(now.getFullYear(), now.getMonth(), now.getDate() + days, hour, minute);
}

/** On the hour, `hours` from now. */
function inHours(hours: number): Date {
  const at = new Date(Date.now() + hours * 3_600_000);
  at.setMinutes(0, 0, 0);
  return at;
}

/** An upcoming session from `starts`, `lengthMinutes` long. */
function upcoming(title: string, starts: Date, lengthMinutes: number): UpcomingView {
  return {
    title,
    startsAt: starts.toISOString(),
    endsAt: new Date(starts.getTime() + lengthMinutes * 60_000).toISOString(),
  };
}

/** Rust's `link` check for the video-call link: http or https with a host. */
function webLink(text: string): boolean {
  try {
    const url = new URL(text);
    return (url.protocol === "http:" || url.protocol === "https:") && url.host !== "";
  } catch {
    return false;
  }
}

/** The person's own session, as the mock keeps it (./replay.ts): what the room's commands need. */
export interface MockSessions {
  /** the session in progress, as the window gets it */
  current(): SessionView | null;
  template(id: string): Template | null;
  /** The person's session follows the room's from `phase` (refused while one is in progress). */
  joinRoom(link: RoomLink, phase: SharedPhaseKind, paused: boolean): SessionView;
  leaveRoom(): SessionView;
  share(share: boolean): SessionView;
  /** A session of one's own takes part in the room's, on its own timer. */
  shareOwn(link: RoomLink): SessionView;
  /** The room's session moved on (the host): a session that follows it goes along. */
  follow(sessionId: string, phase: SharedPhaseKind, paused: boolean): void;
}

/** A shared session's plan, to move it on (the host's skip). */
interface Plan {
  phases: { kind: PhaseKind; secs: number }[];
  index: number;
  /** what was left of the phase when it was paused */
  leftSecs: number | null;
}

const SAMPLE_PLAN: Plan["phases"] = [
  { kind: "commitment", secs: 600 },
  { kind: "focus", secs: 3000 },
  { kind: "break", secs: 600 },
  { kind: "focus", secs: 3000 },
  { kind: "closing", secs: 600 },
];

/** Rust's `secs_to_quarter_hour`: the first phase lasts at least `atLeast`, and ends on a quarter hour. */
export function secsToQuarterHour(now: Date, atLeast: number): number {
  const quarter = 15 * 60_000;
  const earliest = now.getTime() + atLeast * 1000;
  const next = Math.ceil(earliest / quarter) * quarter;
  return Math.round((next - now.getTime()) / 1000);
}

let ids = 0;
const id = () => `0190aaaa-0000-7000-8000-${String(++ids).padStart(12, "0")}`;

function member(displayName: string, presence: MemberView["presence"], extra: Partial<MemberView> = {}): MemberView {
  return { id: id(), displayName, presence, isHost: false, isMe: false, ...extra };
}

function shared(
  memberId: string,
  text: string,
  extra: Partial<SharedCommitmentView> = {},
): SharedCommitmentView {
  return {
    id: id(),
    memberId,
    text,
    outcome: "pending",
    note: null,
    feedbackWanted: false,
    kudos: 0,
    kudosFromMe: false,
    mine: false,
    afterwards: false,
    ahead: false,
    ...extra,
  };
}

/** My member id in a room is the membership's id (Rust's `membershipId`): the samples' are made so. */
function meAsMembership(room: RoomView): RoomView {
  const me = room.members.find((m) => m.isMe);
  if (me && me.id !== room.membershipId) {
    for (const c of room.commitments) if (c.memberId === me.id) c.memberId = room.membershipId;
    me.id = room.membershipId;
  }
  return room;
}

/** Who is who in a sample room, by display name. */
const byName = (members: MemberView[]) => (name: string) => members.find((m) => m.displayName === name)!.id;

function samples(lang: Language, message: (key: string, params?: Record<string, string>) => string): RoomView[] {
  const german = lang === "de";
  const kitchenServer = "https://rooms.example.org/";
  const morningServer = "https://cowork.example.net/";
  const me = (presence: MemberView["presence"], host = false) => member("Anna", presence, { isMe: true, isHost: host });
  const kitchen = [
    member("Maria", "focusing", { isHost: true }),
    me("focusing"),
    member("Jonas", "break"),
    member("Lea", "planning"),
    member("Sam", "away"),
  ];
  const morning = [me("closing", true), member("Ben", "done"), member("Clara", "done")];
  const buddies = [member("Chris", "done", { isHost: true }), me("done"), member("Pat", "away")];
  const [inKitchen, inMorning, inBuddies] = [byName(kitchen), byName(morning), byName(buddies)];
  const rooms: RoomView[] = [
    {
      membershipId: id(),
      server: kitchenServer,
      code: "KTCHN-4PQRS",
      inviteLink: inviteLink(kitchenServer, "KTCHN-4PQRS"),
      name: "Social Media Kitchen",
      description: german
        ? "Jeden Dienstagvormittag: planen, posten, auswerten. Fragen an Maria in der Abschlussrunde."
        : "Every Tuesday morning: plan, post, review. Questions to Maria in the closing round.",
      videoLink: "https://meet.jit.si/social-media-kitchen",
      iAmHost: false,
      members: kitchen,
      session: { id: id(), templateName: "Worktogether", phase: "focus", phaseEndsAt: minutes(32), paused: false },
      commitments: [
        shared(inKitchen("Maria"), german ? "Redaktionsplan für Dezember" : "Content plan for December", {
          kudos: 2,
          kudosFromMe: true,
        }),
        shared(inKitchen("Anna"), german ? "Drei Instagram-Posts vorbereiten" : "Prepare three Instagram posts", {
          kudos: 1,
          mine: true,
        }),
        shared(inKitchen("Jonas"), german ? "Newsletter-Entwurf fertig schreiben" : "Finish the newsletter draft", {
          feedbackWanted: true,
        }),
        shared(inKitchen("Jonas"), german ? "Kommentare vom Wochenende beantworten" : "Answer the weekend's comments", {
          kudos: 1,
        }),
        shared(inKitchen("Sam"), german ? "Posts für nächste Woche einplanen" : "Schedule next week's posts", {
          ahead: true,
        }),
      ],
      connection: { state: "connected" },
      openLinkAtStart: true,
      // a special one later today, then every Tuesday morning
      upcoming: [
        upcoming(german ? "Sonderausgabe: Jahresrückblick" : "Special: the year in review", inHours(2), 90),
        upcoming("Social Media Kitchen", dayAt(1, 9), 180),
        upcoming("Social Media Kitchen", dayAt(8, 9), 180),
        upcoming("Social Media Kitchen", dayAt(15, 9), 180),
      ],
      questions: [],
      ahead: [],
    },
    {
      membershipId: id(),
      server: morningServer,
      code: "M8RGN-WT7XZ",
      inviteLink: inviteLink(morningServer, "M8RGN-WT7XZ"),
      name: german ? "Worktogether am Morgen" : "Morning Worktogether",
      description: null,
      videoLink: null,
      iAmHost: true,
      members: morning,
      session: { id: id(), templateName: "Pomodoro", phase: "closing", phaseEndsAt: null, paused: true },
      commitments: [
        shared(inMorning("Anna"), german ? "Angebot für die Bäckerei schreiben" : "Write the bakery's quote", {
          outcome: "done",
          note: german ? "Verschickt." : "Sent.",
          mine: true,
          kudos: 1,
        }),
        shared(inMorning("Ben"), german ? "Steuerunterlagen sortieren" : "Sort the tax papers", {
          outcome: "partly",
          note: german ? "Belege bis August erledigt." : "Receipts done up to August.",
          feedbackWanted: true,
        }),
        shared(inMorning("Clara"), german ? "Preise für 2027 kalkulieren" : "Work out the prices for 2027", {
          outcome: "done",
        }),
      ],
      connection: {
        state: "offline",
        since: minutes(-12),
        message: message("room.error.unreachable", { server: morningServer }),
      },
      openLinkAtStart: false,
      // every weekday morning
      upcoming: [
        upcoming(german ? "Worktogether am Morgen" : "Morning Worktogether", dayAt(1, 8), 90),
        upcoming(german ? "Worktogether am Morgen" : "Morning Worktogether", dayAt(2, 8), 90),
        upcoming(german ? "Worktogether am Morgen" : "Morning Worktogether", dayAt(3, 8), 90),
      ],
      questions: [],
      ahead: [],
    },
    {
      membershipId: id(),
      server: kitchenServer,
      code: "B7CHH-MTNG2",
      inviteLink: inviteLink(kitchenServer, "B7CHH-MTNG2"),
      name: german ? "Buchhaltungs-Buddies" : "Bookkeeping buddies",
      description: null,
      videoLink: null,
      iAmHost: false,
      members: buddies,
      session: { id: id(), templateName: "Short block", phase: "over", phaseEndsAt: null, paused: false },
      commitments: [
        shared(inBuddies("Chris"), german ? "Umsatzsteuer-Voranmeldung" : "VAT return", { outcome: "done", kudos: 2, kudosFromMe: true }),
        shared(inBuddies("Anna"), german ? "Rechnungen für Oktober" : "October's invoices", {
          outcome: "done",
          mine: true,
          kudos: 1,
        }),
        shared(inBuddies("Pat"), german ? "Kassenbuch nachtragen" : "Catch up on the cash book", {
          outcome: "not_done",
          note: german ? "Nur die Belege gesammelt." : "Only collected the receipts.",
          afterwards: true,
        }),
      ],
      connection: { state: "ended", message: message("room.error.token_expired") },
      openLinkAtStart: false,
      upcoming: [],
      questions: [],
      ahead: [
        {
          id: id(),
          memberId: inBuddies("Pat"),
          text: german ? "Belege für November sortieren" : "Sort November's receipts",
          postedAt: minutes(-95),
          mine: false,
        },
      ],
    },
  ];
  return rooms.map(meAsMembership);
}

export class MockRooms {
  readonly #lang: () => Language;
  rooms: RoomView[];
  /** false: the tokens are in a file (no secret store) */
  secretStore = true;
  /** what `take_join_link` hands out once (the app was opened with an invite link) */
  waitingLink: string | null = null;

  readonly #sessions: MockSessions | null;
  /** each shared session's plan, to move it on */
  readonly #plans = new Map<string, Plan>();

  constructor(lang: () => Language, withSamples: boolean, sessions: MockSessions | null = null) {
    this.#lang = lang;
    this.#sessions = sessions;
    this.rooms = withSamples ? samples(lang(), (key, params) => this.#message(key, params)) : [];
  }

  /** The room at `index` of the list (the mock's states set up their room through it). */
  room(index: number): RoomView | undefined {
    return this.rooms[index];
  }

  /** A room's session as a sample would run it: `phase` now, ending in `endsInMinutes`. */
  runSession(
    room: RoomView,
    phase: SharedPhaseKind,
    endsInMinutes = 32,
    paused = false,
    templateName = room.session?.templateName ?? "Worktogether",
  ): SharedSessionView {
    room.session = {
      id: room.session?.id ?? id(),
      templateName,
      phase,
      phaseEndsAt: paused || phase === "over" ? null : minutes(endsInMinutes),
      paused,
    };
    return room.session;
  }

  /** The host deleted `room`: its view says so, as Rust's does after the `room_deleted` event. */
  deleted(room: RoomView): void {
    room.connection = { state: "ended", message: this.#message("rooms.deleted") };
  }

  /** How the person's session links to the room's (for the states that start in one). */
  link(room: RoomView): RoomLink {
    return { membershipId: room.membershipId, sessionId: room.session?.id ?? "", roomName: room.name };
  }

  #message(key: string, params: Record<string, string> = {}): string {
    let text = catalogs[this.#lang()][key] ?? key;
    for (const [name, value] of Object.entries(params)) text = text.replaceAll(`{${name}}`, value);
    return text;
  }

  #error(code: ApiError["code"], key: string, params: Record<string, string> = {}): ApiError {
    return { code, message: this.#message(key, params) };
  }

  #publish(): void {
    void emit("rooms", structuredClone(this.rooms));
  }

  #displayName(name: string): string {
    const trimmed = name.trim();
    if (trimmed === "") throw this.#error("invalid_input", "rooms.error.noName");
    return trimmed;
  }

  #server(text: string): string {
    const address = serverAddress(text);
    try {
      const url = new URL(address);
      if (url.protocol !== "https:" && url.protocol !== "http:") throw new Error();
    } catch {
      throw this.#error("invalid_input", "room.error.bad_server_address", { server: text.trim() });
    }
    if (address.includes("offline")) throw this.#error("unreachable", "room.error.unreachable", { server: address });
    return address;
  }

  #add(view: RoomView): RoomView {
    meAsMembership(view);
    this.rooms.push(view);
    this.#publish();
    return structuredClone(view);
  }

  join(serverText: string, codeText: string, nameText: string): RoomView {
    let code: string | null;
    if (codeText.trimStart().startsWith("worktogether")) {
      const link = /^worktogether:\/\/join\/(.+)\/([^/]+)$/.exec(codeText.trim());
      if (!link) throw this.#error("invalid_input", "rooms.error.notALink");
      code = normalizeCode(link[2]!);
      if (!code) throw this.#error("invalid_input", "rooms.error.linkCode");
      serverText = link[1]!;
    } else {
      code = null;
    }
    const name = this.#displayName(nameText);
    const server = this.#server(serverText);
    code ??= normalizeCode(codeText);
    if (!code) throw this.#error("invalid_input", "room.error.not_a_room_code", { code: codeText.trim() });
    const existing = this.rooms.find((r) => r.server === server && r.code === code);
    if (existing) return structuredClone(existing);
    const german = this.#lang() === "de";
    return this.#add({
      membershipId: id(),
      server,
      code,
      inviteLink: inviteLink(server, code),
      name: german ? "Freitags-Fokus" : "Friday Focus Club",
      description: german ? "Freitags von 9 bis 12, Kamera aus, Fokus an." : "Fridays 9 to 12, cameras off, focus on.",
      videoLink: null,
      iAmHost: false,
      members: [member("Kim", "planning", { isHost: true }), member("Noah", "planning"), member(name, "planning", { isMe: true })],
      session: null,
      commitments: [],
      connection: { state: "connected" },
      openLinkAtStart: false,
      upcoming: [],
      questions: [],
      ahead: [],
    });
  }

  create(room: NewRoom): RoomView {
    const name = this.#displayName(room.displayName);
    if (room.name.trim() === "") throw this.#error("invalid_input", "rooms.error.noRoomName");
    const server = this.#server(room.server);
    const code = "H7QXM-2KDPA";
    const blank = (text: string | null) => (text && text.trim() !== "" ? text.trim() : null);
    return this.#add({
      membershipId: id(),
      server,
      code,
      inviteLink: inviteLink(server, code),
      name: room.name.trim(),
      description: blank(room.description),
      videoLink: blank(room.videoLink),
      iAmHost: true,
      members: [member(name, "planning", { isMe: true, isHost: true })],
      session: null,
      commitments: [],
      connection: { state: "connected" },
      openLinkAtStart: false,
      upcoming: [],
      questions: [],
      ahead: [],
    });
  }

  leave(membershipId: string): null {
    const room = this.rooms.find((r) => r.membershipId === membershipId);
    if (!room) throw this.#error("invalid_input", "rooms.error.notAMember");
    if (room.iAmHost && room.members.length > 1 && room.connection.state !== "ended") {
      throw this.#error("wrong_state", "room.error.wrong_state", {
        detail: "the host hands the host role to another member before leaving",
      });
    }
    this.rooms = this.rooms.filter((r) => r.membershipId !== membershipId);
    this.#publish();
    return null;
  }

  #find(membershipId: string): RoomView {
    const room = this.rooms.find((r) => r.membershipId === membershipId);
    if (!room) throw this.#error("invalid_input", "rooms.error.notAMember");
    return room;
  }

  #person(): MockSessions {
    if (!this.#sessions) throw { code: "internal", message: "mock: no sessions" } satisfies ApiError;
    return this.#sessions;
  }

  #running(room: RoomView): SharedSessionView {
    const session = room.session;
    if (!session || session.phase === "over") throw this.#error("invalid_input", "rooms.error.noSharedSession");
    return session;
  }

  #plan(session: SharedSessionView): Plan {
    let plan = this.#plans.get(session.id);
    if (!plan) {
      const index = Math.max(0, SAMPLE_PLAN.findIndex((p) => p.kind === session.phase));
      plan = { phases: SAMPLE_PLAN, index, leftSecs: null };
      this.#plans.set(session.id, plan);
    }
    return plan;
  }

  joinSession(membershipId: string): SessionView {
    const room = this.#find(membershipId);
    const session = this.#running(room);
    return this.#person().joinRoom(this.link(room), session.phase, session.paused);
  }

  startSession(membershipId: string, templateId: string, atQuarterHour: boolean): SessionView {
    const room = this.#find(membershipId);
    if (!room.iAmHost) throw this.#error("invalid_input", "room.error.forbidden");
    const person = this.#person();
    const template = person.template(templateId);
    if (!template) throw this.#error("not_found", "error.not_found.template");
    // Rust would start the room's session and then find the person busy
    if (person.current()) throw this.#error("wrong_state", "error.state.session_in_progress");
    const phases = template.phases.map((p) => ({ kind: p.kind, secs: p.durationSecs }));
    if (atQuarterHour && phases[0]) phases[0] = { ...phases[0], secs: secsToQuarterHour(new Date(), phases[0].secs) };
    const first = phases[0]!;
    room.session = {
      id: id(),
      templateName: template.name,
      phase: first.kind,
      phaseEndsAt: new Date(Date.now() + first.secs * 1000).toISOString(),
      paused: false,
    };
    room.commitments = [];
    this.#plans.set(room.session.id, { phases, index: 0, leftSecs: null });
    this.#publish();
    return person.joinRoom(this.link(room), room.session.phase, false);
  }

  control(membershipId: string, control: SharedControl): null {
    const room = this.#find(membershipId);
    if (!room.iAmHost) throw this.#error("invalid_input", "room.error.forbidden");
    const session = this.#running(room);
    const plan = this.#plan(session);
    const later = (secs: number) => new Date(Date.now() + secs * 1000).toISOString();
    switch (control) {
      case "pause":
        if (session.paused) throw this.#error("wrong_state", "error.state.already_paused");
        plan.leftSecs = session.phaseEndsAt ? Math.max(0, (Date.parse(session.phaseEndsAt) - Date.now()) / 1000) : null;
        session.paused = true;
        session.phaseEndsAt = null;
        break;
      case "resume":
        if (!session.paused) throw this.#error("wrong_state", "error.state.not_paused");
        session.paused = false;
        session.phaseEndsAt = later(plan.leftSecs ?? plan.phases[plan.index]!.secs);
        plan.leftSecs = null;
        break;
      case "skip": {
        plan.index += 1;
        plan.leftSecs = null;
        const next = plan.phases[plan.index];
        session.paused = false;
        session.phase = next ? next.kind : "over";
        session.phaseEndsAt = next ? later(next.secs) : null;
        break;
      }
      case "end":
        session.phase = "over";
        session.paused = false;
        session.phaseEndsAt = null;
        break;
    }
    this.#sessions?.follow(session.id, session.phase, session.paused);
    this.#publish();
    return null;
  }

  share(share: boolean): SessionView {
    const view = this.#person().share(share);
    const room = view.room && this.rooms.find((r) => r.membershipId === view.room!.membershipId);
    if (share && room) {
      // the room gets the commitments not shared yet (what it has stays when sharing stops)
      for (const c of view.commitments) {
        if (room.commitments.some((x) => x.mine && x.text === c.text)) continue;
        room.commitments.push(shared(room.membershipId, c.text, { mine: true }));
      }
      this.#publish();
    }
    return view;
  }

  kudos(membershipId: string, commitmentId: string): null {
    const room = this.#find(membershipId);
    const c = room.commitments.find((x) => x.id === commitmentId);
    if (!c) throw this.#error("invalid_input", "rooms.error.noSuchCommitment");
    if (c.mine || c.kudosFromMe) return null; // not one's own, and once each
    c.kudos += 1;
    c.kudosFromMe = true;
    this.#publish();
    return null;
  }

  /** How long a question takes to come back as the server's event (the outbox, then the stream). */
  echoMs = 600;

  /** Questions asked while offline: they stay in the "outbox" (the mock's rooms stay offline). */
  readonly waiting: { membershipId: string; commitmentId: string; text: string }[] = [];

  #question(memberId: string, commitmentId: string, text: string, askedAt: string, me: string, answered = false): QuestionView {
    return { id: id(), memberId, commitmentId, text, askedAt, answered, mine: memberId === me };
  }

  /**
   * Sample questions in the rooms' latest sessions: mine on my shared commitment in room 0 (one
   * answered), and the members' to me, the host of room 1 (one answered). For the states that
   * show them; my commitment must be in room 0 (shared).
   */
  sampleQuestions(): void {
    const german = this.#lang() === "de";
    const [kitchen, morning] = this.rooms;
    const ask = (room: RoomView, c: SharedCommitmentView | undefined, text: string, ago: number, answered = false) => {
      if (c) room.questions.push(this.#question(c.memberId, c.id, text, minutes(-ago), room.membershipId, answered));
    };
    if (kitchen) {
      const own = kitchen.commitments.find((c) => c.mine);
      ask(kitchen, own, german ? "Reichen drei Posts pro Woche für den Anfang?" : "Are three posts a week enough to begin with?", 21, true);
      ask(kitchen, own, german ? "Karussell oder Reel für die Produktvorstellung?" : "Carousel or reel for the product launch?", 6);
    }
    if (morning) {
      const of = (name: string) => {
        const who = morning.members.find((m) => m.displayName === name);
        return morning.commitments.find((c) => c.memberId === who?.id);
      };
      ask(morning, of("Ben"), german ? "Welche Belege muss ich zehn Jahre aufheben?" : "Which receipts do I have to keep for ten years?", 18, true);
      ask(morning, of("Clara"), german ? "Rechne ich die Preise mit oder ohne Umsatzsteuer?" : "Do I work out the prices with or without VAT?", 11);
      ask(morning, of("Ben"), german ? "Kann ich Fahrtkosten pauschal ansetzen?" : "Can I claim travel costs as a flat rate?", 4);
    }
  }

  #host(membershipId: string): RoomView {
    const room = this.#find(membershipId);
    if (!room.iAmHost) throw this.#error("invalid_input", "room.error.forbidden");
    if (room.connection.state === "offline") throw this.#error("unreachable", "room.error.unreachable", { server: room.server });
    return room;
  }

  #answer(room: RoomView): RoomView {
    this.#publish();
    return structuredClone(room);
  }

  ask(membershipId: string, commitmentId: string, text: string): null {
    const room = this.#find(membershipId);
    const trimmed = text.trim();
    if (trimmed === "") throw this.#error("invalid_input", "rooms.error.noQuestion");
    if (!room.commitments.some((c) => c.id === commitmentId && c.memberId === membershipId)) {
      throw this.#error("invalid_input", "rooms.error.noSuchCommitment");
    }
    if (room.connection.state !== "connected") {
      this.waiting.push({ membershipId, commitmentId, text: trimmed });
      return null;
    }
    setTimeout(() => {
      room.questions.push(this.#question(membershipId, commitmentId, trimmed, new Date().toISOString(), membershipId));
      this.#publish();
    }, this.echoMs);
    return null;
  }

  postAhead(membershipId: string, text: string): null {
    const room = this.#find(membershipId);
    const trimmed = text.trim();
    if (trimmed === "") throw this.#error("invalid_input", "error.commitment_empty");
    if (room.session && room.session.phase !== "over") throw this.#error("invalid_input", "rooms.error.sessionRuns");
    setTimeout(() => {
      room.ahead.push({ id: id(), memberId: membershipId, text: trimmed, postedAt: new Date().toISOString(), mine: true });
      this.#publish();
    }, this.echoMs);
    return null;
  }

  markAnswered(membershipId: string, questionId: string): RoomView {
    const room = this.#host(membershipId);
    const question = room.questions.find((q) => q.id === questionId);
    if (!question) throw this.#error("invalid_input", "room.error.not_found", { detail: "question" });
    question.answered = true;
    return this.#answer(room);
  }

  update(membershipId: string, name: string, description: string, videoLink: string): RoomView {
    const room = this.#host(membershipId);
    if (name.trim() === "") throw this.#error("invalid_input", "rooms.error.noRoomName");
    const link = videoLink.trim();
    if (link !== "" && !webLink(link)) {
      throw this.#error("invalid_input", "room.error.invalid", { detail: "the link must be an http or https address" });
    }
    room.name = name.trim();
    room.description = description.trim() === "" ? null : description.trim();
    room.videoLink = link === "" ? null : link;
    return this.#answer(room);
  }

  removeMember(membershipId: string, memberId: string): RoomView {
    const room = this.#host(membershipId);
    if (memberId === membershipId) {
      throw this.#error("invalid_input", "room.error.invalid", { detail: "the host cannot remove themselves; leave the room instead" });
    }
    if (!room.members.some((m) => m.id === memberId)) throw this.#error("invalid_input", "room.error.not_found", { detail: "member" });
    room.members = room.members.filter((m) => m.id !== memberId);
    return this.#answer(room);
  }

  handOver(membershipId: string, memberId: string): RoomView {
    const room = this.#host(membershipId);
    const next = room.members.find((m) => m.id === memberId);
    if (!next) throw this.#error("invalid_input", "room.error.not_found", { detail: "member" });
    room.members = room.members.map((m) => ({ ...m, isHost: m.id === memberId }));
    // the host first, then in the order they joined
    room.members.sort((a, b) => Number(b.isHost) - Number(a.isHost));
    room.iAmHost = false;
    return this.#answer(room);
  }

  newCode(membershipId: string): RoomView {
    const room = this.#host(membershipId);
    const pick = () => ALPHABET[Math.floor(Math.random() * ALPHABET.length)]!;
    const code = normalizeCode(Array.from({ length: 10 }, pick).join(""))!;
    room.code = code;
    room.inviteLink = inviteLink(room.server, code);
    return this.#answer(room);
  }

  deleteRoom(membershipId: string): null {
    this.#host(membershipId);
    this.rooms = this.rooms.filter((r) => r.membershipId !== membershipId);
    this.#publish();
    return null;
  }

  /** The answer to a rooms command, or null when `cmd` is not one. */
  handle(cmd: string, args: Record<string, unknown>): { answer: unknown } | null {
    switch (cmd) {
      case "rooms":
        return { answer: structuredClone(this.rooms) };
      case "join_room":
        return { answer: this.join(args.server as string, args.code as string, args.displayName as string) };
      case "create_room":
        return { answer: this.create(args.room as NewRoom) };
      case "leave_room":
        return { answer: this.leave(args.membershipId as string) };
      case "token_place":
        return {
          answer: { secretStore: this.secretStore, file: "/home/anna/.local/share/worktogether/room-tokens.json" } satisfies TokenPlace,
        };
      case "join_room_session":
        return { answer: this.joinSession(args.membershipId as string) };
      case "leave_room_session":
        return { answer: this.#person().leaveRoom() };
      case "start_shared_session":
        return {
          answer: this.startSession(args.membershipId as string, args.templateId as string, args.atQuarterHour as boolean),
        };
      case "control_shared_session":
        return { answer: this.control(args.membershipId as string, args.control as SharedControl) };
      case "share_with_room":
        return { answer: this.share(args.share as boolean) };
      case "share_own_session": {
        const room = this.#find(args.membershipId as string);
        this.#running(room);
        return { answer: this.#person().shareOwn(this.link(room)) };
      }
      case "set_open_link_at_start": {
        const room = this.#find(args.membershipId as string);
        room.openLinkAtStart = args.open as boolean;
        this.#publish();
        return { answer: structuredClone(room) };
      }
      case "open_video_link": {
        const link = this.#find(args.membershipId as string).videoLink;
        if (!link || !webLink(link)) throw this.#error("invalid_input", "rooms.error.noVideoLink");
        return { answer: null };
      }
      case "give_kudos":
        return { answer: this.kudos(args.membershipId as string, args.commitmentId as string) };
      case "ask_host":
        return { answer: this.ask(args.membershipId as string, args.commitmentId as string, args.text as string) };
      case "post_ahead":
        return { answer: this.postAhead(args.membershipId as string, args.text as string) };
      case "mark_answered":
        return { answer: this.markAnswered(args.membershipId as string, args.questionId as string) };
      case "update_room":
        return {
          answer: this.update(
            args.membershipId as string,
            args.name as string,
            args.description as string,
            args.videoLink as string,
          ),
        };
      case "remove_member":
        return { answer: this.removeMember(args.membershipId as string, args.memberId as string) };
      case "hand_over_host":
        return { answer: this.handOver(args.membershipId as string, args.memberId as string) };
      case "change_room_code":
        return { answer: this.newCode(args.membershipId as string) };
      case "delete_room":
        return { answer: this.deleteRoom(args.membershipId as string) };
      case "take_join_link": {
        const link = this.waitingLink;
        this.waitingLink = null;
        return { answer: link };
      }
      default:
        return null;
    }
  }
}
