// Pure helpers: time arithmetic for display only. The timer of record lives in Rust.
import { COMMITMENT_MAX_CHARS, ESTIMATE_MAX_MINUTES, EXTEND_MAX_MINUTES } from "../bindings/limits";
import type { CurrentPhase } from "../bindings/ipc";
import type { PlannedPhase } from "../bindings/ipc";
import type { SessionStatus } from "../bindings/ipc";

const pad = (n: number) => String(n).padStart(2, "0");

/**
 * `make(key)`, made once per key. For the `Intl` formatters: making one costs far more than
 * using it, and a screen formats dozens of numbers and dates.
 */
export function memoize<V>(make: (key: string) => V): (key: string) => V {
  const made = new Map<string, V>();
  return (key) => {
    let value = made.get(key);
    if (value === undefined) {
      value = make(key);
      made.set(key, value);
    }
    return value;
  };
}

/** A countdown: "mm:ss" below an hour, "h:mm:ss" from one hour on. Negative input counts as 0. */
export function formatClock(totalSecs: number): string {
  const s = Math.max(0, Math.floor(totalSecs));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  return h > 0 ? `${h}:${pad(m)}:${pad(sec)}` : `${pad(m)}:${pad(sec)}`;
}

/** Time past the deadline, calm and short: "+m:ss" (or "+h:mm:ss"). */
export function formatOvertime(overSecs: number): string {
  const s = Math.max(0, Math.floor(overSecs));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  return h > 0 ? `+${h}:${pad(m)}:${pad(sec)}` : `+${m}:${pad(sec)}`;
}

/**
 * A time of day as both languages write it, "09:05" (24 hours, two digits each): what
 * `Intl.DateTimeFormat` gives for de-DE and en-GB with `hour: "2-digit", minute: "2-digit",
 * hour12: false` (a test compares every minute of a day). Written out: the session screen shows
 * one all day, and a page's first `Intl.DateTimeFormat` loads ICU's date data into the web
 * process, about 2 MiB for a screen that needs none of it.
 */
export function formatTimeOfDay(date: Date): string {
  return `${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

/** A duration as "h:mm" (focus time in lists). */
export function formatHoursMinutes(totalSecs: number): string {
  const mins = Math.max(0, Math.round(totalSecs / 60));
  return `${Math.floor(mins / 60)}:${pad(mins % 60)}`;
}

/**
 * Whole or decimal minutes for a plan: 600 → "10", 90 → "1.5" ("1,5" in German). Written out,
 * not `Intl.NumberFormat`: the home screen is usually the first screen, and the first `Intl`
 * formatter a page makes costs milliseconds of start-up; one decimal of two languages needs
 * no more than this.
 */
export function minutesLabel(secs: number, locale = "en"): string {
  const tenths = Math.round((secs / 60) * 10);
  const text = tenths % 10 === 0 ? String(tenths / 10) : (tenths / 10).toFixed(1);
  return locale.startsWith("de") ? text.replace(".", ",") : text;
}

/** A template's phase plan, compactly: "10 · 50 · 10 · 50 · 10" (the unit is added by the caller). */
export function planSummary(phases: readonly PlannedPhase[], locale = "en"): string {
  return phases.map((p) => minutesLabel(p.durationSecs, locale)).join(" · ");
}

/** Total planned seconds of a plan. */
export function planTotalSecs(phases: readonly PlannedPhase[]): number {
  return phases.reduce((sum, p) => sum + p.durationSecs, 0);
}

/**
 * Seconds left in the current phase at `nowMs`, from the deadline Rust sent
 * (remaining = deadline − now). While paused the frozen `remainingSecs` is the truth.
 * Negative once the deadline has passed (overtime).
 */
export function remainingSecs(phase: CurrentPhase, status: SessionStatus, nowMs: number): number {
  if (status === "paused") return phase.remainingSecs;
  const deadline = Date.parse(phase.deadline);
  if (Number.isNaN(deadline)) return phase.remainingSecs;
  return Math.ceil((deadline - nowMs) / 1000);
}

/** How far through the phase we are, 0..1. */
export function progressFraction(durationSecs: number, remaining: number): number {
  if (durationSecs <= 0) return 1;
  const f = 1 - Math.max(0, remaining) / durationSecs;
  return Math.min(1, Math.max(0, f));
}

/** Start of the local day containing `now`, as an RFC 3339 UTC string. */
export function startOfLocalDay(now: Date): string {
  const d = new Date(now.getFullYear(), now.getMonth(), now.getDate(), 0, 0, 0, 0);
  return d.toISOString();
}

// The core's limits, generated from crates/core/src/limits.rs; re-exported for the components.
export {
  COMMITMENT_MAX_CHARS,
  COMMITMENTS_PER_SESSION,
  ESTIMATE_MAX_MINUTES,
  EXTEND_MAX_MINUTES,
  NOTE_MAX_CHARS,
  TAG_MAX_CHARS,
} from "../bindings/limits";

/** Characters as Rust counts them (Unicode scalar values). */
export function charCount(text: string): number {
  return [...text].length;
}

/**
 * Rust's `str::trim`: Unicode `White_Space` at both ends. JavaScript's `trim` differs in two
 * characters: it also trims U+FEFF (which Rust keeps) and keeps U+0085 (which Rust trims).
 */
const RUST_WHITESPACE = "\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000";
const RUST_TRIM = new RegExp(`^[${RUST_WHITESPACE}]+|[${RUST_WHITESPACE}]+$`, "g");

/** Text trimmed as Rust trims what a person writes, before it checks or stores it. */
export function trimAsRust(text: string): string {
  return text.replace(RUST_TRIM, "");
}

/**
 * Rust's `validate::shows_nothing`: only `White_Space`, `Default_Ignorable_Code_Point` characters
 * (zero-width space and joiners, BOM, soft hyphen…) or the blank braille pattern U+2800.
 */
const NOTHING_TO_SEE = new RegExp(`^[${RUST_WHITESPACE}\\p{Default_Ignorable_Code_Point}\u2800]*$`, "u");

/** Whether a text shows nothing at all: Rust takes it as empty. */
export function showsNothing(text: string): boolean {
  return NOTHING_TO_SEE.test(text);
}

/** The client-side mirror of the commitment text rule: something to see, at most COMMITMENT_MAX_CHARS characters. */
export function commitmentTextProblem(text: string): "empty" | "too_long" | null {
  const trimmed = trimAsRust(text);
  if (showsNothing(trimmed)) return "empty";
  if (charCount(trimmed) > COMMITMENT_MAX_CHARS) return "too_long";
  return null;
}

/**
 * The client-side mirror of the length rules of optional texts (a tag, a note): empty (or
 * showing nothing: no tag, no note) is fine, `max` characters after trimming at most, counted as
 * Rust counts them.
 */
export function textTooLong(text: string, max: number): boolean {
  const trimmed = trimAsRust(text);
  return !showsNothing(trimmed) && charCount(trimmed) > max;
}

export type DayPart = "morning" | "afternoon" | "evening" | "night";

export function dayPart(now: Date): DayPart {
  const h = now.getHours();
  if (h < 5) return "night";
  if (h < 12) return "morning";
  if (h < 18) return "afternoon";
  return "evening";
}

/** The client-side mirror of the estimate rule: empty, or whole minutes from 1 to ESTIMATE_MAX_MINUTES. */
export function estimateProblem(minutes: number | null | undefined): "not_whole" | "out_of_range" | null {
  if (minutes === null || minutes === undefined || Number.isNaN(minutes)) return null;
  if (!Number.isInteger(minutes)) return "not_whole";
  if (minutes < 1 || minutes > ESTIMATE_MAX_MINUTES) return "out_of_range";
  return null;
}

/** What to send for an estimate field: a number, or null when it is empty. */
export function estimateValue(minutes: number | null | undefined): number | null {
  return minutes === null || minutes === undefined || Number.isNaN(minutes) ? null : minutes;
}

/** What one click on "+5 min" adds; within the core's 1 to EXTEND_MAX_MINUTES. */
export const EXTEND_STEP_MINUTES = Math.min(5, EXTEND_MAX_MINUTES);
