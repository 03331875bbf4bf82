// Screens that are never the first one are loaded when first opened, so the first screen
// does not wait for their code; once it is shown they are fetched in the background, so a
// click on "History" or "Settings" never waits either.
export const loadHistory = () => import("../components/History.svelte");
export const loadSettings = () => import("../components/Settings.svelte");
export const loadTemplateEditor = () => import("../components/TemplateEditor.svelte");

/** Fetch every later screen's code now (after the first screen is up). */
export function preloadLaterViews(): void {
  for (const load of [loadHistory, loadSettings, loadTemplateEditor]) void load().catch(() => undefined);
}
