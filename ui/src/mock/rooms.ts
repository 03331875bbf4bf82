// The browser mock's rooms (development and screenshots only): a few sample rooms in the
// language asked for, and join, create and leave answered as the shell would, with its messages
// from the catalogs. There is no room server: a join succeeds for any well-formed code, except on
// a server whose address holds "offline" (unreachable). Each change sends the `rooms` event.
import { emit } from "@tauri-apps/api/event";
import de from "../../../locales/de.json";
import en from "../../../locales/en.json";
import type { ApiError } from "../bindings/ipc";
import type { Language } from "../bindings/ipc";
import type { MemberView } from "../bindings/ipc";
import type { NewRoom } from "../bindings/ipc";
import type { RoomView } from "../bindings/ipc";
import type { TokenPlace } from "../bindings/ipc";
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

let ids = 0;
const id = () => `0190aaaa-0000-7000-8000-${String(++ids).padStart(12, "0")}`;

function member(displayName: string, presence: MemberView["presence"], extra: Partial<MemberView> = {}): MemberView {
  return { id: id(), displayName, presence, isHost: false, isMe: false, ...extra };
}

function samples(lang: Language, message: (key: string, params?: Record<string, string>) => string): RoomView[] {
  const german = lang === "de";
  const kitchenServer = "https://rooms.example.org/";
  const morningServer = "https://cowork.example.net/";
  const me = (presence: MemberView["presence"], host = false) => member("Anna", presence, { isMe: true, isHost: host });
  return [
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
      members: [
        member("Maria", "focusing", { isHost: true }),
        me("focusing"),
        member("Jonas", "break"),
        member("Lea", "planning"),
        member("Sam", "away"),
      ],
      session: { id: id(), templateName: "Worktogether", phase: "focus", phaseEndsAt: minutes(32), paused: false },
      connection: { state: "connected" },
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
      members: [me("closing", true), member("Ben", "done")],
      session: { id: id(), templateName: "Pomodoro", phase: "closing", phaseEndsAt: null, paused: true },
      connection: {
        state: "offline",
        since: minutes(-12),
        message: message("room.error.unreachable", { server: morningServer }),
      },
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
      members: [member("Chris", "done", { isHost: true }), me("done"), member("Pat", "away")],
      session: { id: id(), templateName: "Short block", phase: "over", phaseEndsAt: null, paused: false },
      connection: { state: "ended", message: message("room.error.token_expired") },
    },
  ];
}

export class MockRooms {
  readonly #lang: () => Language;
  rooms: RoomView[];
  /** false: the tokens are in a file (no secret store) */
  secretStore = true;
  /** what `take_join_link` hands out once (the app was opened with an invite link) */
  waitingLink: string | null = null;

  constructor(lang: () => Language, withSamples: boolean) {
    this.#lang = lang;
    this.rooms = withSamples ? samples(lang(), (key, params) => this.#message(key, params)) : [];
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
      connection: { state: "connected" },
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
      connection: { state: "connected" },
    });
  }

  leave(membershipId: string): null {
    if (!this.rooms.some((r) => r.membershipId === membershipId)) {
      throw this.#error("invalid_input", "rooms.error.notAMember");
    }
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
