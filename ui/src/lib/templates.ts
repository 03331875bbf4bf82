// Pure helpers of the template editor: minutes ↔ seconds and the client-side mirror of the
// template rules (crates/core/src/templates.rs). Rust has the last word; these only give
// instant feedback.
import type { PhaseKind } from "../bindings/ipc";
import type { PlannedPhase } from "../bindings/ipc";
import type { Template } from "../bindings/ipc";
import type { TemplateDraft } from "../bindings/ipc";
import { PHASE_MAX_SECS, PHASE_MIN_SECS, TEMPLATE_MAX_PHASES, TEMPLATE_NAME_MAX_CHARS } from "../bindings/limits";
import { charCount, showsNothing, trimAsRust } from "./format";

// The core's limits, generated from crates/core/src/limits.rs.
export { TEMPLATE_MAX_PHASES, TEMPLATE_NAME_MAX_CHARS };
/**
 * The editor offers whole minutes: from 1 minute (the core allows seconds, which only tests
 * use) to the longest whole number of minutes the core allows.
 */
export const PHASE_MIN_MINUTES = Math.max(1, Math.ceil(PHASE_MIN_SECS / 60));
export const PHASE_MAX_MINUTES = Math.floor(PHASE_MAX_SECS / 60);
export const DEFAULT_MINUTES: Record<PhaseKind, number> = { commitment: 10, focus: 25, break: 5, closing: 10 };

/** Seconds as the whole minutes shown in the editor, rounded up (3 s → 1, 90 s → 2). */
export function secsToMinutes(secs: number): number {
  return Math.ceil(Math.max(0, secs) / 60);
}

export function minutesToSecs(minutes: number): number {
  return Math.round(minutes * 60);
}

/**
 * One phase as the editor holds it. `minutes` is what the number input shows (null when
 * empty); `keptSecs` is the exact stored length as long as the person has not touched the
 * minutes, so a template with seconds-long phases (possible from tests) keeps them.
 */
export interface PhaseRow {
  key: number;
  kind: PhaseKind;
  minutes: number | null;
  keptSecs: number | null;
}

let nextKey = 0;

export function newRow(kind: PhaseKind, minutes = DEFAULT_MINUTES[kind]): PhaseRow {
  return { key: ++nextKey, kind, minutes, keptSecs: null };
}

export function rowFromPhase(phase: PlannedPhase): PhaseRow {
  return { key: ++nextKey, kind: phase.kind, minutes: secsToMinutes(phase.durationSecs), keptSecs: phase.durationSecs };
}

/** The rows of an existing template, or of a new one (commitment · focus · closing). */
export function rowsFor(template: Template | null): PhaseRow[] {
  if (template) return template.phases.map(rowFromPhase);
  return [newRow("commitment"), newRow("focus", 50), newRow("closing")];
}

/** The row after the person typed into its minutes field: the exact seconds are dropped. */
export function withMinutes(row: PhaseRow, minutes: number | null): PhaseRow {
  return { ...row, minutes, keptSecs: null };
}

/** Seconds a row stands for; null while its minutes are not a valid entry. */
export function rowSecs(row: PhaseRow): number | null {
  if (row.keptSecs !== null) return row.keptSecs;
  if (minutesProblem(row.minutes) !== null) return null;
  return minutesToSecs(row.minutes as number);
}

export type MinutesProblem = "empty" | "not_whole" | "too_short" | "too_long";

export function minutesProblem(minutes: number | null | undefined): MinutesProblem | null {
  if (minutes === null || minutes === undefined || Number.isNaN(minutes)) return "empty";
  if (!Number.isInteger(minutes)) return "not_whole";
  if (minutes < PHASE_MIN_MINUTES) return "too_short";
  if (minutes > PHASE_MAX_MINUTES) return "too_long";
  return null;
}

/** Stored seconds as Rust checks them: 1 second (tests use seconds) to PHASE_MAX_SECS. */
function secsProblem(secs: number): MinutesProblem | null {
  if (secs < PHASE_MIN_SECS) return "too_short";
  if (secs > PHASE_MAX_SECS) return "too_long";
  return null;
}

/** A row's problem; untouched rows keep their stored seconds, checked as seconds. */
export function rowProblem(row: PhaseRow): MinutesProblem | null {
  return row.keptSecs !== null ? secsProblem(row.keptSecs) : minutesProblem(row.minutes);
}

/**
 * The name as Rust compares it for uniqueness: trimmed as Rust trims, and only the ASCII
 * letters folded, like SQLite's `COLLATE NOCASE` ("ÄRGER" is "Ärger", "ärger" is not).
 */
export function foldName(name: string): string {
  return trimAsRust(name).replace(/[A-Z]/g, (c) => c.toLowerCase());
}

export type NameProblem = "empty" | "too_long" | "taken";

/** `otherNames`: the names of all other templates (not the one being edited). */
export function nameProblem(name: string, otherNames: readonly string[]): NameProblem | null {
  const trimmed = trimAsRust(name);
  if (showsNothing(trimmed)) return "empty";
  if (charCount(trimmed) > TEMPLATE_NAME_MAX_CHARS) return "too_long";
  const folded = foldName(trimmed);
  if (otherNames.some((n) => foldName(n) === folded)) return "taken";
  return null;
}

export type ShapeProblem = "no_focus" | "too_many" | "shape";

/** The ritual's shape: commitment first, closing last, focus/break between, one focus at least. */
export function shapeProblem(rows: readonly Pick<PhaseRow, "kind">[]): ShapeProblem | null {
  if (rows.length > TEMPLATE_MAX_PHASES) return "too_many";
  if (rows.length < 3 || rows[0]?.kind !== "commitment" || rows[rows.length - 1]?.kind !== "closing") return "shape";
  const middle = rows.slice(1, -1);
  if (!middle.every((r) => r.kind === "focus" || r.kind === "break")) return "shape";
  if (!middle.some((r) => r.kind === "focus")) return "no_focus";
  return null;
}

export interface TemplateProblems {
  name: NameProblem | null;
  rows: (MinutesProblem | null)[];
  shape: ShapeProblem | null;
}

export function templateProblems(name: string, rows: readonly PhaseRow[], otherNames: readonly string[]): TemplateProblems {
  return { name: nameProblem(name, otherNames), rows: rows.map(rowProblem), shape: shapeProblem(rows) };
}

export function hasProblems(p: TemplateProblems): boolean {
  return p.name !== null || p.shape !== null || p.rows.some((r) => r !== null);
}

/** Total seconds of the rows that are valid (the invalid ones count as 0). */
export function rowsTotalSecs(rows: readonly PhaseRow[]): number {
  return rows.reduce((sum, r) => sum + (rowSecs(r) ?? 0), 0);
}

/** The draft to send; only call when there are no problems. */
export function toDraft(id: string | null, name: string, rows: readonly PhaseRow[]): TemplateDraft {
  return {
    id,
    name: trimAsRust(name),
    phases: rows.map((r) => ({ kind: r.kind, durationSecs: rowSecs(r) ?? 0 })),
  };
}

/** Move the item at `from` by `dir` places, returning a new array (unchanged at the ends). */
export function moved<T>(items: readonly T[], from: number, dir: -1 | 1): T[] {
  const to = from + dir;
  const out = [...items];
  if (from < 0 || from >= items.length || to < 0 || to >= items.length) return out;
  [out[from], out[to]] = [out[to]!, out[from]!];
  return out;
}
