// Where the person is: the screen shown, the template being edited, the control to focus when
// a screen comes back, and whether this window is a compact ritual window.
import type { Template } from "../bindings/ipc";

export type View = "home" | "schedule" | "history" | "rooms" | "template" | "settings";

/** History's tabs. */
export type HistoryTab = "timeline" | "statistics" | "review";

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

export const navigation = $state<{
  view: View;
  /** set in a compact ritual window */
  compact: CompactView | null;
  editing: TemplateEditing | null;
  /** `data-testid` of the control the home screen focuses once it is back (after the editor) */
  returnFocus: string | null;
  /** the tab History shows */
  historyTab: HistoryTab;
  /** counts each time the review is brought up: it then reads its week afresh (the window may
   * have stayed open in the tray for days) */
  reviewVisits: number;
}>({
  view: "home",
  historyTab: "timeline",
  reviewVisits: 0,
  compact: compactFromUrl(),
  editing: null,
  returnFocus: null,
});

/** Opens the template editor on `template` (`null`: a new one) among `all`; it returns to `returnTo`. */
export function openTemplateEditor(template: Template | null, all: Template[], returnTo: View = "home"): void {
  const otherNames = all.filter((x) => x.id !== template?.id).map((x) => x.name);
  navigation.editing = { template, otherNames, returnTo };
  navigation.view = "template";
  window.scrollTo(0, 0);
}

/**
 * To the session screen (a session was started or joined from elsewhere, e.g. a room): the
 * keyboard goes to the page's main region, as after a click on the navigation.
 */
export function showSession(): void {
  navigation.view = "home";
  navigation.editing = null;
  window.scrollTo(0, 0);
  document.getElementById("main")?.focus({ preventScroll: true });
}

/** To the weekly review (its notice was clicked): History's review tab, the keyboard at the top. */
export function showReview(): void {
  navigation.historyTab = "review";
  navigation.reviewVisits += 1;
  navigation.view = "history";
  navigation.editing = null;
  window.scrollTo(0, 0);
  document.getElementById("main")?.focus({ preventScroll: true });
}
