import { describe, expect, it } from "vitest";
import type { DayStats } from "../bindings/ipc";
import type { SessionSummary } from "../bindings/ipc";
import type { WeekStats } from "../bindings/ipc";
import { rangeProblem, statistics } from "../mock/stats";
import {
  addDays,
  dayInstant,
  dayOf,
  daysBetween,
  everyNth,
  heatGrid,
  heatMove,
  heatSteps,
  listMove,
  makeDay,
  parseDay,
  presetOf,
  presetRange,
  weekdayOf,
  weekLabels,
  weekSpan,
} from "./stats";

/** Every day from `first` to `last`, with focus where given (`date → secs`). */
function days(first: string, last: string, focus: Record<string, number> = {}): DayStats[] {
  return Array.from({ length: daysBetween(first, last) + 1 }, (_, i) => {
    const date = addDays(first, i);
    return { date, focusSecs: focus[date] ?? 0, finished: 0, abandoned: 0 };
  });
}

/** The ISO weeks of `first` to `last`, as Rust sends them (numbers counted from the first). */
function weeks(first: string, last: string, firstWeek = 1): WeekStats[] {
  const out: WeekStats[] = [];
  for (let monday = addDays(first, -weekdayOf(first)); monday <= last; monday = addDays(monday, 7)) {
    out.push({ isoYear: 2026, week: firstWeek + out.length, monday, focusSecs: 0, finished: 0, abandoned: 0 });
  }
  return out;
}

describe("days on the calendar", () => {
  it("read only real days", () => {
    expect(parseDay("2026-02-28")).toEqual({ year: 2026, month: 2, day: 28 });
    expect(parseDay("2026-02-29")).toBe(null);
    expect(parseDay("2028-02-29")).toEqual({ year: 2028, month: 2, day: 29 });
    expect(parseDay("26-2-1")).toBe(null);
    expect(parseDay("")).toBe(null);
  });

  it("count across months, years and daylight saving without a clock", () => {
    expect(addDays("2026-03-28", 2)).toBe("2026-03-30");
    expect(addDays("2026-12-31", 1)).toBe("2027-01-01");
    expect(addDays("2026-03-01", -1)).toBe("2026-02-28");
    expect(daysBetween("2026-01-01", "2026-12-31")).toBe(364);
    expect(daysBetween("2026-10-26", "2026-10-24")).toBe(-2);
    expect(makeDay(2025, 3, 0)).toBe("2025-02-28");
    expect(makeDay(2026, 13, 1)).toBe("2027-01-01");
    expect(makeDay(99, 1, 1)).toBe("0099-01-01");
  });

  it("know their weekday, Monday first", () => {
    expect(weekdayOf("2026-12-07")).toBe(0); // a Monday
    expect(weekdayOf("2026-12-03")).toBe(3);
    expect(weekdayOf("2026-12-06")).toBe(6);
  });

  it("go to the formatters at local noon, so they name the same day", () => {
    const at = new Date(dayInstant("2026-03-29"));
    expect(dayOf(at)).toBe("2026-03-29");
    expect(at.getHours()).toBe(12);
  });
});

describe("the ranges offered", () => {
  const today = "2026-12-03";
  it("end today", () => {
    expect(presetRange("year", today)).toEqual({ first: "2026-01-01", last: today });
    expect(presetRange("last12", today)).toEqual({ first: "2025-12-04", last: today });
    expect(presetRange("month", today)).toEqual({ first: "2026-12-01", last: today });
  });
  it("are recognised, and a range of one's own is none of them", () => {
    expect(presetOf({ first: "2026-01-01", last: today }, today)).toBe("year");
    expect(presetOf({ first: "2025-12-04", last: today }, today)).toBe("last12");
    expect(presetOf({ first: "2026-01-01", last: "2026-06-30" }, today)).toBe(null);
  });
  it("the last 12 months from a leap day", () => {
    expect(presetRange("last12", "2028-02-29")).toEqual({ first: "2027-03-02", last: "2028-02-29" });
  });
});

describe("the heatmap's grid", () => {
  it("puts weeks in columns and weekdays in rows, Monday at the top", () => {
    // Thu 1 Jan 2026 to Mon 12 Jan: a partial first week, a whole one, one day of a third
    const grid = heatGrid(days("2026-01-01", "2026-01-12"));
    expect(grid.cols).toBe(3);
    expect(grid.cells[0]).toMatchObject({ col: 0, row: 3 });
    expect(grid.cells[3]).toMatchObject({ col: 0, row: 6 }); // Sunday 4 Jan
    expect(grid.cells[4]).toMatchObject({ col: 1, row: 0 }); // Monday 5 Jan
    expect(grid.cells.at(-1)).toMatchObject({ col: 2, row: 0 });
  });

  it("labels each month above the first week it fills, and none too close to the last", () => {
    const grid = heatGrid(days("2026-01-01", "2026-12-31"));
    expect(grid.cols).toBe(53);
    expect(grid.months.map((m) => m.month)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    expect(grid.months[0]!.col).toBe(0);
    // 1 Feb 2026 is a Sunday: February's label goes on the next column, its first whole week
    expect(grid.months[1]!.col).toBe(grid.cells[31]!.col + 1);
    // a range starting late in a month gives the first label to the next month
    const late = heatGrid(days("2026-01-28", "2026-03-31"));
    expect(late.months.map((m) => m.month)).toEqual([2, 3]);
  });

  it("is empty without days", () => {
    expect(heatGrid([])).toEqual({ cols: 0, cells: [], months: [] });
  });

  it("moves a week sideways and a day up or down, and never out of the range", () => {
    expect(heatMove(10, 30, "ArrowRight")).toBe(17);
    expect(heatMove(10, 30, "ArrowLeft")).toBe(3);
    expect(heatMove(10, 30, "ArrowUp")).toBe(9);
    expect(heatMove(10, 30, "ArrowDown")).toBe(11);
    expect(heatMove(10, 30, "Home")).toBe(0);
    expect(heatMove(10, 30, "End")).toBe(29);
    expect(heatMove(3, 30, "ArrowLeft")).toBe(null);
    expect(heatMove(25, 30, "ArrowRight")).toBe(null);
    expect(heatMove(0, 30, "ArrowUp")).toBe(null);
    expect(heatMove(10, 30, "Enter")).toBe(null);
  });

  it("shades in four steps up to the day with the most focus, none for no focus", () => {
    const step = heatSteps(days("2026-01-01", "2026-01-03", { "2026-01-02": 4 * 3600 }));
    expect(step(0)).toBe(0);
    expect(step(60)).toBe(1);
    expect(step(3599)).toBe(1);
    expect(step(3600)).toBe(2);
    expect(step(1.5 * 3600)).toBe(2);
    expect(step(2.5 * 3600)).toBe(3);
    expect(step(4 * 3600)).toBe(4);
    expect(heatSteps(days("2026-01-01", "2026-01-03"))(0)).toBe(0);
  });
});

describe("the bars and points", () => {
  it("move one at a time, and to either end", () => {
    expect(listMove(2, 5, "ArrowRight")).toBe(3);
    expect(listMove(2, 5, "ArrowDown")).toBe(3);
    expect(listMove(2, 5, "ArrowLeft")).toBe(1);
    expect(listMove(2, 5, "Home")).toBe(0);
    expect(listMove(2, 5, "End")).toBe(4);
    expect(listMove(4, 5, "ArrowRight")).toBe(null);
    expect(listMove(0, 5, "ArrowLeft")).toBe(null);
  });

  it("label few weeks by number, as often as there is room", () => {
    const range = { first: "2026-11-01", last: "2026-12-03" };
    const few = weeks(range.first, range.last, 44);
    expect(weekLabels(few, range).map((l) => l.kind === "week" && l.week)).toEqual([44, 45, 46, 47, 48, 49]);
    expect(weekLabels(few, range, 2).map((l) => l.index)).toEqual([0, 2, 4]);
  });

  it("label many weeks by the months they begin", () => {
    const range = { first: "2026-01-01", last: "2026-12-31" };
    const labels = weekLabels(weeks(range.first, range.last), range, 3);
    expect(labels.map((l) => l.kind === "month" && l.month)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    // 1 Feb 2026 is a Sunday: the week of 26 Jan holds it
    expect(labels[1]!.index).toBe(4);
  });

  it("cut the first and last week at the range", () => {
    const range = { first: "2026-12-02", last: "2026-12-03" };
    const [w] = weeks(range.first, range.last);
    expect(weekSpan(w!, range)).toEqual({ first: "2026-12-02", last: "2026-12-03" });
  });

  it("label every nth place", () => {
    expect(everyNth(7, 2.4)).toEqual([0, 3, 6]);
    expect(everyNth(3, 0.2)).toEqual([0, 1, 2]);
  });
});

describe("the mock's statistics", () => {
  const at = (y: number, m: number, d: number, h: number) => new Date(y, m - 1, d, h).toISOString();
  const commitment = (id: string, tag: string | null, outcome: "done" | "partly" | "not_done", carryCount = 0) => ({
    id,
    sessionId: "s",
    position: 0,
    text: id,
    tag,
    estimateMinutes: null,
    outcome,
    note: null,
    feedbackWanted: false,
    carriedFrom: null,
    carryCount,
  });
  const session = (id: string, startedAt: string, extra: Partial<SessionSummary> = {}): SessionSummary => ({
    id,
    templateName: "Deep work",
    status: "finished",
    startedAt,
    endedAt: startedAt,
    focusSecs: 3000,
    pauseSecs: 0,
    sleepSecs: 0,
    interruptions: 0,
    commitments: [],
    overallNote: null,
    focusRating: null,
    roomName: null,
    ...extra,
  });
  const list = [
    session("a", at(2026, 11, 30, 9), {
      commitments: [commitment("c1", "Website", "done"), commitment("c2", "website", "not_done", 3)],
    }),
    session("b", at(2026, 12, 1, 9), { commitments: [commitment("c3", null, "partly")] }),
    session("c", at(2026, 12, 2, 9), { status: "abandoned", focusSecs: 600 }),
  ];

  it("refuses what Rust refuses", () => {
    expect(rangeProblem("2026-12-03", "2026-12-01")).toEqual({ key: "error.stats_range_reversed" });
    expect(rangeProblem("2020-01-01", "2026-01-01")?.key).toBe("error.stats_range_too_long");
    expect(rangeProblem("2026-01-01", "2026-12-31")).toBe(null);
  });

  it("counts days, weeks, months, completion, tags and streaks in the Statistics shape", () => {
    const s = statistics(list, "2026-11-29", "2026-12-03", "2026-12-03");
    expect(s.days.map((d) => d.focusSecs)).toEqual([0, 3000, 3000, 600, 0]);
    expect(s.totals).toEqual({ focusSecs: 6600, finished: 2, abandoned: 1 });
    expect(s.weeks.map((w) => [w.week, w.monday, w.focusSecs])).toEqual([
      [48, "2026-11-23", 0],
      [49, "2026-11-30", 6600],
    ]);
    expect(s.months.map((m) => [m.month, m.focusSecs])).toEqual([
      [11, 3000],
      [12, 3600],
    ]);
    expect(s.completion).toEqual({ done: 1, partly: 1, notDone: 1, rate: 0.5 });
    expect(s.tags).toEqual([
      { tag: "Website", commitments: 2, done: 1, focusSecs: 3000 },
      { tag: null, commitments: 1, done: 0, focusSecs: 3600 },
    ].sort((a, b) => b.focusSecs - a.focusSecs));
    expect(s.streaks.current).toEqual({ first: "2026-11-30", last: "2026-12-02", days: 3 });
    expect(s.streaks.longestInRange?.days).toBe(3);
    expect(s.slipping.map((c) => c.id)).toEqual(["c2"]);
  });
});
