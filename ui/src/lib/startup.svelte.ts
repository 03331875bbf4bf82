// Starting the window: everything the first screen needs in one call, telling Rust once the
// first screen is shown, and only then following Rust's events.
import { tick } from "svelte";
import type { AppInfo } from "../bindings/ipc";
import type { SessionSummary } from "../bindings/ipc";
import type { Template } from "../bindings/ipc";
import * as api from "./api";
import { startOfLocalDay } from "./format";
import { addCatalog, i18n } from "./i18n.svelte";
import { navigation, showReview, showSession } from "./navigation.svelte";
import { applyRooms, openJoinLink } from "./rooms.svelte";
import { announcePhaseChange, applySession, refreshSession } from "./session.svelte";
import { applySettings, useLanguage } from "./settings.svelte";
import { useFonts } from "./theme";
import { preloadLaterViews } from "./views";

export const startup = $state<{
  info: AppInfo | null;
  loaded: boolean;
  loadError: string | null;
}>({
  info: null,
  loaded: false,
  loadError: null,
});

/** What the home screen shows, when it was loaded together with the first screen. */
export interface HomeData {
  templates: Template[];
  today: SessionSummary[];
}

let prefetchedHome: HomeData | null = null;

/** The home screen's data loaded at start-up, handed out once (later visits reload). */
export function takePrefetchedHome(): HomeData | null {
  const data = prefetchedHome;
  prefetchedHome = null;
  return data;
}

let started = false;

/**
 * Loads everything the first screen needs in one go, before anything is drawn: every
 * layout and paint delays the answers to the calls still in flight, so one render with
 * all data is much faster than a loading state followed by the data.
 */
export async function init(): Promise<void> {
  if (started) return;
  started = true;
  try {
    // One call for everything the first screen shows (see `first_screen` in Rust).
    // Usually already asked for by index.html; a day that has turned since asks again.
    const early = await api.earlyFirstScreen();
    const since = startOfLocalDay(new Date());
    const first = early && early.since === since ? early.answer : await api.firstScreen(since);
    startup.info = first.info;
    useFonts(first.fonts);
    addCatalog(first.settings.language, first.catalog);
    applySettings(first.settings);
    applySession(first.session);
    prefetchedHome = { templates: first.templates, today: first.today };
    // the benchmark of history's first render, and tests of the week (WORKTOGETHER_OPEN_VIEW)
    if (first.openView && !navigation.compact) navigation.view = first.openView;
  } catch (e) {
    startup.loadError = api.toApiError(e).message;
    await useLanguage(i18n.lang); // the messages around the error
    markReady();
  } finally {
    startup.loaded = true;
  }
}

/**
 * Follow Rust's events. Started once the first screen is shown: until then the listeners'
 * calls would queue before `ui_ready` on WebKit's one IPC line. Anything that changed since
 * the first screen's answer is read once more when they are in place.
 */
function listenForChanges(): void {
  // A failure only costs live updates.
  const listening = Promise.all([
    api.onSession((view) => applySession(view)).catch(() => undefined),
    api.onSettings((view) => applySettings(view)).catch(() => undefined),
    // Rust sends the `session` event with the new phase before `phase-changed`.
    api.onPhaseChanged((change) => announcePhaseChange(change)).catch(() => undefined),
  ]);
  void listening.then(() => refreshSession());
  if (!navigation.compact) listenForRooms();
}

/**
 * The main window follows the rooms, and opens the join form for an invite link: one opened
 * while it runs comes as an event, the one the app was started with is asked for once. A room's
 * session joined from outside the window brings it to the session screen.
 */
function listenForRooms(): void {
  // Taking the link clears Rust's copy, so a later page load does not open it again.
  const takeLink = (fallback: string | null) =>
    api
      .takeJoinLink()
      .catch(() => null)
      .then((taken) => {
        const link = taken ?? fallback;
        if (link) openJoinLink(link);
      });
  void Promise.all([
    api.onRooms((list) => applyRooms(list)).catch(() => undefined),
    api.onJoinLink((link) => void takeLink(link)).catch(() => undefined),
    // Joined from the notice or the tray: the session, not whatever screen was open.
    api.onShowSession(() => showSession()).catch(() => undefined),
    // The weekly review's notice: the review, whatever screen was open.
    api.onShowReview(() => showReview()).catch(() => undefined),
  ]).then(() => takeLink(null));
}

let readySent = false;
let readyDone: () => void = () => undefined;
const ready = new Promise<void>((resolve) => (readyDone = resolve));

/**
 * Resolves once Rust was told that the first screen is up (see `markReady`): a screen's reads
 * that can wait (the home screen's schedule) start then, so they never delay it.
 */
export const afterReady = (): Promise<void> => ready;

/**
 * Resolves once the frame holding the current DOM has been painted and handed on: the second
 * animation frame from now (the first one paints it). A hidden window draws no frames, so
 * there it resolves at once, or after half a second if the window is hidden meanwhile.
 */
function afterNextPaint(): Promise<void> {
  return new Promise((resolve) => {
    if (document.visibilityState === "hidden") return resolve();
    requestAnimationFrame(() => requestAnimationFrame(() => resolve()));
    setTimeout(resolve, 500);
  });
}

/**
 * Tell Rust once that the first screen is rendered with its data, and on the screen. A compact
 * window's readiness starts nothing in Rust, so it does not wait for the paint.
 */
export function markReady(): void {
  if (readySent) return;
  readySent = true;
  void tick()
    .then(() => (navigation.compact ? undefined : afterNextPaint()))
    .then(() => api.uiReady())
    .catch(() => undefined)
    .then(() => {
      listenForChanges();
      preloadLaterViews();
      readyDone();
    })
    .catch(() => undefined);
}
