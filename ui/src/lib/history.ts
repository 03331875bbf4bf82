// The timeline's pure parts: the person's filter turned into Rust's query, and a page of
// sessions grouped by the person's days (sessions arrive newest first).
import type { HistoryQuery } from "../bindings/ipc";
import type { Outcome } from "../bindings/ipc";
import type { SessionSummary } from "../bindings/ipc";

/** What the filter form holds: dates as `YYYY-MM-DD` from date inputs, the rest as typed. */
export interface HistoryFilter {
  from: string;
  to: string;
  tag: string;
  outcome: Outcome | "";
  room: string;
  text: string;
}

export const emptyFilter = (): HistoryFilter => ({ from: "", to: "", tag: "", outcome: "", room: "", text: "" });

/** How many sessions a page of the timeline holds after the first. */
export const PAGE_SIZE = 30;
/** The first page: a screenful and some, so the screen comes up as fast with ten years of
 * history as with none; scrolling brings the rest. */
export const FIRST_PAGE_SIZE = 12;

/** Local midnight of a `YYYY-MM-DD` day, `days` later, as an instant; null for no valid day. */
function midnight(day: string, days = 0): string | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!m) return null;
  const date = new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]) + days);
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}

/** The query for the first page of `filter` (the last day counts whole); later pages pass `PAGE_SIZE`. */
export function queryFor(filter: HistoryFilter, limit = FIRST_PAGE_SIZE): HistoryQuery {
  const blank = (s: string) => (s.trim() === "" ? null : s.trim());
  return {
    from: midnight(filter.from),
    to: midnight(filter.to, 1),
    tag: blank(filter.tag),
    outcome: filter.outcome === "" ? null : filter.outcome,
    room: blank(filter.room),
    text: blank(filter.text),
    after: null,
    limit,
  };
}

/** Whether the filter narrows anything. */
export function isFiltered(filter: HistoryFilter): boolean {
  return Object.values(filter).some((v) => v.trim() !== "");
}

export interface DayGroup {
  /** `YYYY-MM-DD` on this computer's calendar */
  key: string;
  /** the first session's start, to name the day */
  date: string;
  sessions: SessionSummary[];
  focusSecs: number;
}

function dayKey(iso: string): string {
  const d = new Date(iso);
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/** Sessions grouped by the day they started (this computer's calendar), in the order given. */
export function groupByDay(sessions: SessionSummary[]): DayGroup[] {
  const groups: DayGroup[] = [];
  for (const s of sessions) {
    const key = dayKey(s.startedAt);
    let group = groups.at(-1);
    if (group?.key !== key) {
      group = { key, date: s.startedAt, sessions: [], focusSecs: 0 };
      groups.push(group);
    }
    group.sessions.push(s);
    group.focusSecs += s.focusSecs;
  }
  return groups;
}
