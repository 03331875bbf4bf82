// The statistics as the core counts them (crates/core/src/stats.rs), roughly, over the mock's
// list: a session's focus all on the local day it started (Rust splits it at midnight), ended
// sessions only, commitments of finished sessions for completion and tags, focus shared out
// equally among a session's commitments.
import type { Completion } from "../bindings/ipc";
import type { DayStats } from "../bindings/ipc";
import type { MonthStats } from "../bindings/ipc";
import type { SessionSummary } from "../bindings/ipc";
import type { SlippingCommitment } from "../bindings/ipc";
import type { Statistics } from "../bindings/ipc";
import type { Streak } from "../bindings/ipc";
import type { Streaks } from "../bindings/ipc";
import type { TagStats } from "../bindings/ipc";
import type { WeekStats } from "../bindings/ipc";
import { addDays, dayOf, daysBetween, parseDay, weekdayOf } from "../lib/stats";

/** As `stats::RANGE_MAX_DAYS`: three years of 366 days. */
export const RANGE_MAX_DAYS = 3 * 366;
/** As `stats::SLIPPING_MIN_CARRIES`. */
const SLIPPING_MIN_CARRIES = 3;

/** Why Rust would refuse the range (a catalog key and its values), or null. */
export function rangeProblem(first: string, last: string): { key: string; params?: Record<string, number> } | null {
  const [a, b] = [parseDay(first), parseDay(last)];
  if (!a || !b || a.year < 1 || b.year < 1 || a.year > 9999 || b.year > 9999) {
    return { key: "error.stats_range_out_of_calendar" };
  }
  if (last < first) return { key: "error.stats_range_reversed" };
  if (daysBetween(first, last) >= RANGE_MAX_DAYS) return { key: "error.stats_range_too_long", params: { max: RANGE_MAX_DAYS } };
  return null;
}

/** The ISO week of a day: its year (the Thursday's) and number. */
function isoWeek(day: string): { isoYear: number; week: number } {
  const thursday = addDays(day, 3 - weekdayOf(day));
  const isoYear = parseDay(thursday)!.year;
  const jan4 = `${String(isoYear).padStart(4, "0")}-01-04`;
  const firstThursday = addDays(jan4, 3 - weekdayOf(jan4));
  return { isoYear, week: daysBetween(firstThursday, thursday) / 7 + 1 };
}

interface Tally {
  focusSecs: number;
  finished: number;
  abandoned: number;
}

const ended = (s: SessionSummary) => s.status === "finished" || s.status === "abandoned";

/** The runs of consecutive `days` (sorted, distinct). */
function runs(days: string[]): Streak[] {
  const out: Streak[] = [];
  for (const day of days) {
    const run = out.at(-1);
    if (run && addDays(run.last, 1) === day) {
      run.last = day;
      run.days += 1;
    } else {
      out.push({ first: day, last: day, days: 1 });
    }
  }
  return out;
}

function streaks(list: SessionSummary[], first: string, last: string, today: string): Streaks {
  const days = [...new Set(list.filter(ended).map((s) => dayOf(new Date(s.startedAt))))].sort();
  const all = runs(days);
  const longestOf = (xs: Streak[]) => xs.reduce<Streak | null>((best, r) => (!best || r.days >= best.days ? r : best), null);
  const inRange = all
    .filter((r) => r.last >= first && r.first <= last)
    .map((r) => {
      const [f, l] = [r.first < first ? first : r.first, r.last > last ? last : r.last];
      return { first: f, last: l, days: daysBetween(f, l) + 1 };
    });
  let current: Streak | null = null;
  for (const end of [today, addDays(today, -1)]) {
    const run = all.find((r) => r.first <= end && end <= r.last);
    if (run) {
      current = { first: run.first, last: end, days: daysBetween(run.first, end) + 1 };
      break;
    }
  }
  return { current, longest: longestOf(all), longestInRange: longestOf(inRange) };
}

function slipping(list: SessionSummary[]): SlippingCommitment[] {
  const all = list.filter(ended).flatMap((s) => s.commitments.map((c) => ({ s, c })));
  const carriedOn = new Set(all.flatMap(({ c }) => (c.carriedFrom ? [c.carriedFrom] : [])));
  return all
    .filter(({ c }) => c.carryCount >= SLIPPING_MIN_CARRIES && c.outcome !== "done" && !carriedOn.has(c.id))
    .sort((x, y) => y.s.startedAt.localeCompare(x.s.startedAt))
    .map(({ s, c }) => ({
      id: c.id,
      sessionId: s.id,
      text: c.text,
      tag: c.tag,
      carryCount: c.carryCount,
      outcome: c.outcome,
      sessionStartedAt: s.startedAt,
    }));
}

/** The statistics of `first` to `last` (checked with `rangeProblem` first) as of `today`. */
export function statistics(list: SessionSummary[], first: string, last: string, today: string): Statistics {
  const count = daysBetween(first, last) + 1;
  const days: DayStats[] = Array.from({ length: count }, (_, i) => ({
    date: addDays(first, i),
    focusSecs: 0,
    finished: 0,
    abandoned: 0,
  }));
  const completion: Completion = { done: 0, partly: 0, notDone: 0, rate: null };
  /** each month's completion, by `YYYY-MM` */
  const perMonth = new Map<string, Completion>();
  const tallyOutcome = (into: Completion, outcome: string) => {
    if (outcome === "done") into.done += 1;
    else if (outcome === "partly") into.partly += 1;
    else if (outcome === "not_done") into.notDone += 1;
  };
  const rated = (c: Completion): Completion => {
    const decided = c.done + c.partly + c.notDone;
    return { ...c, rate: decided > 0 ? (c.done + c.partly / 2) / decided : null };
  };
  const tags = new Map<string, TagStats>();
  const tag = (name: string | null) => {
    const key = name?.toLowerCase() ?? "";
    let t = tags.get(key);
    if (!t) tags.set(key, (t = { tag: name, commitments: 0, done: 0, focusSecs: 0 }));
    return t;
  };
  const oldestFirst = list.filter(ended).sort((a, b) => a.startedAt.localeCompare(b.startedAt));
  for (const s of oldestFirst) {
    const day = dayOf(new Date(s.startedAt));
    if (day < first || day > last) continue;
    const tally = days[daysBetween(first, day)]!;
    tally.focusSecs += s.focusSecs;
    if (s.status === "finished") tally.finished += 1;
    else tally.abandoned += 1;
    if (s.commitments.length === 0) tag(null).focusSecs += s.focusSecs;
    const n = s.commitments.length;
    s.commitments.forEach((c, k) => {
      const t = tag(c.tag);
      t.focusSecs += Math.floor((s.focusSecs * (k + 1)) / n) - Math.floor((s.focusSecs * k) / n);
      if (s.status !== "finished") return;
      t.commitments += 1;
      if (c.outcome === "done") t.done += 1;
      tallyOutcome(completion, c.outcome);
      const month = day.slice(0, 7);
      if (!perMonth.has(month)) perMonth.set(month, { done: 0, partly: 0, notDone: 0, rate: null });
      tallyOutcome(perMonth.get(month)!, c.outcome);
    });
  }

  const weeks: WeekStats[] = [];
  const months: MonthStats[] = [];
  const totals: Tally = { focusSecs: 0, finished: 0, abandoned: 0 };
  const add = (to: Tally, d: DayStats) => {
    to.focusSecs += d.focusSecs;
    to.finished += d.finished;
    to.abandoned += d.abandoned;
  };
  for (const d of days) {
    const { isoYear, week } = isoWeek(d.date);
    let w = weeks.at(-1);
    if (!w || w.isoYear !== isoYear || w.week !== week) {
      weeks.push((w = { isoYear, week, monday: addDays(d.date, -weekdayOf(d.date)), focusSecs: 0, finished: 0, abandoned: 0 }));
    }
    add(w, d);
    const p = parseDay(d.date)!;
    let m = months.at(-1);
    if (!m || m.year !== p.year || m.month !== p.month) {
      const key = d.date.slice(0, 7);
      const c = rated(perMonth.get(key) ?? { done: 0, partly: 0, notDone: 0, rate: null });
      months.push((m = { year: p.year, month: p.month, focusSecs: 0, finished: 0, abandoned: 0, completion: c }));
    }
    add(m, d);
    add(totals, d);
  }

  return {
    range: { first, last },
    totals,
    days,
    weeks,
    months,
    completion: rated(completion),
    streaks: streaks(list, first, last, today),
    tags: [...tags.values()]
      .filter((t) => t.commitments > 0 || t.focusSecs > 0)
      .sort((a, b) => b.focusSecs - a.focusSecs || b.commitments - a.commitments),
    slipping: slipping(list),
  };
}
