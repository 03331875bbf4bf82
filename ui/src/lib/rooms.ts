// Pure helpers of the rooms screens: what the join form makes of the code field, which server a
// typed address means, and the display name to offer. Rust decides whether a join or a create
// is valid; these only shape the form (which field is needed, what to prefill).
import type { RoomView } from "../bindings/ipc";
import { trimAsRust } from "./format";

/**
 * Rust's `link::SCHEME`: a code field that starts with it (after white space) is taken as an
 * invite link, and then the server field is ignored (`join_room` in src-tauri/rooms/commands.rs).
 */
export const LINK_PREFIX = "worktogether";

/** Rust's `White_Space`, for `trim_start` (see `trimAsRust` in format.ts). */
const LEADING_SPACE = /^[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+/;

/** Whether Rust will read the code field as an invite link (and ignore the server field). */
export function isInviteLink(code: string): boolean {
  return code.replace(LEADING_SPACE, "").startsWith(LINK_PREFIX);
}

const LOOPBACK_V4 = /^127\.\d+\.\d+\.\d+$/;

function isThisComputer(url: URL): boolean {
  const host = url.hostname.toLowerCase();
  return host === "localhost" || LOOPBACK_V4.test(host) || host === "[::1]";
}

/**
 * A server address as typed, as Rust's `link::server_address` reads it: `rooms.example.org`
 * means HTTPS (plain HTTP on this computer); an address with its scheme is taken as it is.
 */
export function serverAddress(text: string): string {
  const trimmed = trimAsRust(text);
  if (trimmed.includes("://")) return trimmed;
  try {
    const url = new URL(`https://${trimmed}`);
    if (isThisComputer(url)) url.protocol = "http:";
    return url.toString();
  } catch {
    return trimmed;
  }
}

/** A server address in one spelling, for comparing: scheme, host, port and path without the last slash. */
export function serverKey(address: string): string | null {
  try {
    const url = new URL(serverAddress(address));
    if (!url.host) return null;
    return `${url.protocol}//${url.host}${url.pathname.replace(/\/+$/, "")}`;
  } catch {
    return null;
  }
}

/**
 * The server an invite link names (`worktogether://join/<host>[:port][/path]/<code>`), or null.
 * For the display-name prefill only: Rust reads the link for real and says what is wrong with it.
 */
export function linkServer(link: string): string | null {
  const match = /^worktogether:\/\/join\/(.+)\/[^/]+\/?$/.exec(link.trim());
  if (!match) return null;
  return serverKey(match[1]!);
}

/** The server the join form will join on: the link's, or the typed one. */
export function joinServerKey(server: string, code: string): string | null {
  return isInviteLink(code) ? linkServer(code) : serverKey(server);
}

/**
 * The display name to offer for `server` (a key from `serverKey`): the one I have in a room on
 * that server already (a name is chosen once per server), else the last one I used anywhere.
 */
export function suggestedName(rooms: readonly RoomView[], server: string | null, lastUsed: string | null): string {
  if (server !== null) {
    for (const room of rooms) {
      if (serverKey(room.server) !== server) continue;
      const me = room.members.find((m) => m.isMe);
      if (me) return me.displayName;
    }
  }
  return lastUsed ?? "";
}

/** What the join form cannot send at all: a field left empty (everything else Rust checks). */
export function joinMissing(server: string, code: string): "server" | "code" | null {
  if (code.trim() === "") return "code";
  if (!isInviteLink(code) && server.trim() === "") return "server";
  return null;
}

const LAST_NAME_KEY = "worktogether.rooms.displayName";

type NameStorage = Pick<Storage, "getItem" | "setItem">;

function storage(): NameStorage | null {
  try {
    return typeof localStorage === "undefined" ? null : localStorage;
  } catch {
    return null; // storage switched off
  }
}

/** The display name used last, on any server. */
export function lastDisplayName(store: NameStorage | null = storage()): string | null {
  try {
    const name = store?.getItem(LAST_NAME_KEY) ?? null;
    return name && name.trim() !== "" ? name : null;
  } catch {
    return null;
  }
}

/** Keep the display name just used, to offer it next time. */
export function rememberDisplayName(name: string, store: NameStorage | null = storage()): void {
  const trimmed = name.trim();
  if (trimmed === "") return;
  try {
    store?.setItem(LAST_NAME_KEY, trimmed);
  } catch {
    // a full or switched-off storage only costs the prefill
  }
}

/** The room `view` in `list` in its place, or added at the end (rooms are listed as joined). */
export function upsertRoom(list: readonly RoomView[], view: RoomView): RoomView[] {
  const at = list.findIndex((r) => r.membershipId === view.membershipId);
  if (at < 0) return [...list, view];
  const next = [...list];
  next[at] = view;
  return next;
}
