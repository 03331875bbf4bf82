// Screens other than home are loaded when first needed, so the usual first screen (home)
// does not wait for their code; once it is shown they are fetched in the background, so a
// click on "History" or "Rooms" or a session's start never waits either. With a session
// running at start, main.ts loads the session's screens before the first render.
export const loadHistory = () => import("../components/History.svelte");
// History's second tab, with d3 for its charts: fetched only when first opened, so neither the
// first screen nor the timeline pays for it.
export const loadStatistics = () => import("../components/Statistics.svelte");
// History's third tab, the weekly review (its summary and tag table are the statistics' parts).
export const loadReview = () => import("../components/WeeklyReview.svelte");
export const loadRooms = () => import("../components/Rooms.svelte");
// The week: blocks, their occurrences, routines (and their forms).
export const loadSchedule = () => import("../components/Schedule.svelte");
// Home's budget and next block: after the first screen is up (see Home.svelte).
export const loadHomeSchedule = () => import("../components/HomeSchedule.svelte");
export const loadSettings = () => import("../components/Settings.svelte");
export const loadTemplateEditor = () => import("../components/TemplateEditor.svelte");
export const loadSessionViews = () => import("../components/sessionViews");

/** Fetch every later screen's code now (after the first screen is up). */
export function preloadLaterViews(): void {
  for (const load of [loadSessionViews, loadSchedule, loadHistory, loadRooms, loadSettings, loadTemplateEditor]) {
    void load().catch(() => undefined);
  }
}
