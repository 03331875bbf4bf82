// What the UI shows, fed by command results and the `session` / `phase-changed` events.
// No business rules live here: Rust decides, the UI re-renders.
import { tick } from "svelte";
import type { AppInfo } from "../bindings/AppInfo";
import type { PhaseChange } from "../bindings/PhaseChange";
import type { PhaseKind } from "../bindings/PhaseKind";
import type { SettingsView } from "../bindings/SettingsView";
import type { SessionSummary } from "../bindings/SessionSummary";
import type { SessionView } from "../bindings/SessionView";
import type { Template } from "../bindings/Template";
import * as api from "./api";
import type { Language } from "../bindings/Language";
import { addCatalog, hasCatalog, setLanguage, t, tn, type MessageKey, i18n } from "./i18n.svelte";
import { minutesLabel, startOfLocalDay } from "./format";
import { setTheme, useFonts } from "./theme";
import { preloadLaterViews } from "./views";
import { followRustClock } from "./rustClock";

export type View = "home" | "history" | "template" | "settings";

/** The compact ritual windows (`index.html?view=…`), opened from the tray or the command line. */
export type CompactView = "commitment" | "closing";

function compactFromUrl(): CompactView | null {
  if (typeof location === "undefined") return null;
  const view = new URLSearchParams(location.search).get("view");
  return view === "commitment" || view === "closing" ? view : null;
}

/** What the template editor edits: an existing template, or a new one (`template` null). */
export interface TemplateEditing {
  template: Template | null;
  /** the names of all other templates, for the client-side uniqueness check */
  otherNames: string[];
  /** where the editor goes back to (home unless opened from the settings) */
  returnTo?: View;
}

export const app = $state<{
  info: AppInfo | null;
  settings: SettingsView | null;
  /** set in a compact ritual window */
  compact: CompactView | null;
  session: SessionView | null;
  loaded: boolean;
  loadError: string | null;
  view: View;
  lastSummary: SessionSummary | null;
  announcement: string;
  editing: TemplateEditing | null;
  /** `data-testid` of the control the home screen focuses once it is back (after the editor) */
  returnFocus: string | null;
}>({
  info: null,
  settings: null,
  compact: compactFromUrl(),
  session: null,
  loaded: false,
  loadError: null,
  view: "home",
  lastSummary: null,
  announcement: "",
  editing: null,
  returnFocus: null,
});

export const phaseKey = (kind: PhaseKind): MessageKey => `phase.${kind}` as MessageKey;

/** Opens the template editor on `template` (`null`: a new one) among `all`; it returns to `returnTo`. */
export function openTemplateEditor(template: Template | null, all: Template[], returnTo: View = "home"): void {
  const otherNames = all.filter((x) => x.id !== template?.id).map((x) => x.name);
  app.editing = { template, otherNames, returnTo };
  app.view = "template";
  window.scrollTo(0, 0);
}

/** Settings from Rust (loaded, changed here, or changed in another window): language and theme follow. */
export function applySettings(view: SettingsView): void {
  app.settings = view;
  void useLanguage(view.language);
  setTheme(view.settings.theme);
}

let wantedLanguage: Language | null = null;

/** Switch to `lang` once its messages are here (asked from Rust the first time). */
async function useLanguage(lang: Language): Promise<void> {
  wantedLanguage = lang;
  if (!hasCatalog(lang)) {
    try {
      addCatalog(lang, await api.catalog(lang));
    } catch {
      return; // the current language stays; the next settings change tries again
    }
  }
  // A quicker switch made after this one wins.
  if (wantedLanguage === lang) setLanguage(lang);
}

/** Take a snapshot from Rust, ignoring one that is older than what we already show. */
export function applySession(view: SessionView | null): void {
  const current = app.session;
  if (view && current && view.id === current.id && Date.parse(view.asOf) < Date.parse(current.asOf)) {
    return;
  }
  if (view) followRustClock(view.asOf);
  app.session = view && view.phase ? view : null;
}

export function announce(text: string): void {
  // re-set so that the same text is announced again
  app.announcement = "";
  queueMicrotask(() => {
    app.announcement = text;
  });
}

function announcePhaseChange(change: PhaseChange): void {
  const session = app.session;
  const step = session?.plan.find((s) => s.index === change.toIndex);
  let text = step
    ? t("announce.phaseWithMinutes", { phase: t(phaseKey(change.to)), minutes: minutesLabel(step.durationSecs, i18n.lang) })
    : t("announce.phase", { phase: t(phaseKey(change.to)) });
  if (change.missed > 0) text += " " + tn("announce.missed", change.missed);
  announce(text);
}

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
    app.info = first.info;
    useFonts(first.fonts);
    addCatalog(first.settings.language, first.catalog);
    applySettings(first.settings);
    applySession(first.session);
    prefetchedHome = { templates: first.templates, today: first.today };
  } catch (e) {
    app.loadError = api.toApiError(e).message;
    await useLanguage(i18n.lang); // the messages around the error
    markReady();
  } finally {
    app.loaded = true;
  }
}

/** Re-read the session from Rust (e.g. when a deadline passed and no event has come yet). */
export async function refreshSession(): Promise<void> {
  try {
    applySession(await api.currentSession());
  } catch {
    // the next event will bring it
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
}

let readySent = false;

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
    .then(() => (app.compact ? undefined : afterNextPaint()))
    .then(() => api.uiReady())
    .catch(() => undefined)
    .then(() => {
      listenForChanges();
      preloadLaterViews();
    })
    .catch(() => undefined);
}
