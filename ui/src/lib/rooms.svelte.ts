// The rooms this person is in, as Rust last sent them (`rooms` when the screen opens, then the
// `rooms` event after any change), the room open on the screen, and an invite link opened from
// the desktop, waiting for the join form. The room server and Rust decide; this only shows.
import type { RoomView } from "../bindings/ipc";
import type { SharedSessionView } from "../bindings/ipc";
import * as api from "./api";
import { formatTime, phaseKey, t } from "./i18n.svelte";
import { navigation } from "./navigation.svelte";
import { upsertRoom } from "./rooms";

export const roomsState = $state<{
  /** null until loaded */
  list: RoomView[] | null;
  loadError: string | null;
  /** the membership id of the room shown (null: the list) */
  selected: string | null;
  /** an invite link to fill into the join form (taken by the rooms screen) */
  link: string | null;
}>({
  list: null,
  loadError: null,
  selected: null,
  link: null,
});

// Counts the lists taken, so a load's answer older than an event's is dropped.
let version = 0;

/** Every room, as the `rooms` event sends them after any change. */
export function applyRooms(list: RoomView[]): void {
  version++;
  roomsState.list = list;
  roomsState.loadError = null;
}

/** Asks Rust for the rooms (the screen opens). An event that came meanwhile is newer and stays. */
export async function refreshRooms(): Promise<void> {
  const asked = version;
  try {
    const list = await api.rooms();
    if (asked === version) applyRooms(list);
  } catch (e) {
    if (roomsState.list === null) roomsState.loadError = api.toApiError(e).message;
  }
}

/** A room just joined or created, shown at once (its event may still be on the way). */
export function addRoom(view: RoomView): void {
  version++;
  roomsState.list = upsertRoom(roomsState.list ?? [], view);
}

/** A room just left. */
export function removeRoom(membershipId: string): void {
  version++;
  roomsState.list = (roomsState.list ?? []).filter((r) => r.membershipId !== membershipId);
  if (roomsState.selected === membershipId) roomsState.selected = null;
}

/** The room shown, if it is still in the list. */
export function selectedRoom(): RoomView | null {
  const id = roomsState.selected;
  return id === null ? null : (roomsState.list?.find((r) => r.membershipId === id) ?? null);
}

/** An invite link was opened from the desktop: the rooms screen, with the link in the join form. */
export function openJoinLink(link: string): void {
  roomsState.link = link;
  roomsState.selected = null;
  navigation.editing = null;
  navigation.view = "rooms";
}

/** Opens a room's view (from the session's screen: the room the session was joined from). */
export function openRoom(membershipId: string): void {
  roomsState.selected = membershipId;
  navigation.editing = null;
  navigation.view = "rooms";
  window.scrollTo(0, 0);
}

/** Whether this person hosts the room of this membership, as far as the rooms seen say. */
export function hosts(membershipId: string): boolean {
  return roomsState.list?.find((r) => r.membershipId === membershipId)?.iAmHost ?? false;
}

/** A shared session where it stands, in a few words: "Focus until 14:50", "Break, paused". */
export function sessionText(session: SharedSessionView): string {
  if (session.phase === "over") return t("rooms.session.over");
  const phase = t(phaseKey(session.phase));
  if (session.paused) return t("rooms.session.paused", { phase });
  if (session.phaseEndsAt) return t("rooms.session.until", { phase, time: formatTime(session.phaseEndsAt) });
  return phase;
}
