// The session shown: Rust's latest snapshot (from command results and the `session` event),
// the summary of the session just closed, and the announcement of a phase change. No business
// rules live here: Rust decides, the UI re-renders.
import type { PhaseChange } from "../bindings/ipc";
import type { SessionSummary } from "../bindings/ipc";
import type { SessionView } from "../bindings/ipc";
import { announce } from "./announcer.svelte";
import * as api from "./api";
import { minutesLabel } from "./format";
import { i18n, phaseKey, t, tn } from "./i18n.svelte";
import { followRustClock } from "./rustClock";

export const sessionState = $state<{
  current: SessionView | null;
  /** the session just closed, shown on the home screen until dismissed */
  lastSummary: SessionSummary | null;
}>({
  current: null,
  lastSummary: null,
});

/** Take a snapshot from Rust, ignoring one that is older than what we already show. */
export function applySession(view: SessionView | null): void {
  const current = sessionState.current;
  if (view && current && view.id === current.id && Date.parse(view.asOf) < Date.parse(current.asOf)) {
    return;
  }
  if (view) followRustClock(view.asOf);
  sessionState.current = view && view.phase ? view : null;
}

/** Re-read the session from Rust (e.g. when a deadline passed and no event has come yet). */
export async function refreshSession(): Promise<void> {
  try {
    applySession(await api.currentSession());
  } catch {
    // the next event will bring it
  }
}

/** Says the new phase (Rust sends the `session` event with it before `phase-changed`). */
export function announcePhaseChange(change: PhaseChange): void {
  const session = sessionState.current;
  const step = session?.plan.find((s) => s.index === change.toIndex);
  let text = step
    ? t("announce.phaseWithMinutes", { phase: t(phaseKey(change.to)), minutes: minutesLabel(step.durationSecs, i18n.lang) })
    : t("announce.phase", { phase: t(phaseKey(change.to)) });
  if (change.missed > 0) text += " " + tn("announce.missed", change.missed);
  announce(text);
}
