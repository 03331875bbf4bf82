// The statistics screen's pure parts: the ranges offered, the heatmap's grid (weeks as columns,
// Monday first) and moving through it by keyboard, the heat steps, the weekly chart's axis
// labels, the months of a range, seconds as hours (in words: i18n's `durationWords`). Rust counts every figure
// (crates/core/src/stats.rs); this only lays them out.
import { scaleQuantize } from "d3-scale";
import type { DayStats } from "../bindings/ipc";
import type { StatsRange } from "../bindings/ipc";
import type { WeekStats } from "../bindings/ipc";

import { addDays, type Day, makeDay, parseDay, weekdayIndex } from "./days";

export { addDays, dayInstant, dayOf, daysBetween, makeDay, parseDay, type Day } from "./days";
/** 0 for Monday to 6 for Sunday. */
export const weekdayOf = weekdayIndex;

/** The ranges offered with one click. */
export type Preset = "year" | "last12" | "month";
export const PRESETS: Preset[] = ["year", "last12", "month"];

/** A preset's days up to `today`: the year so far, the twelve months to today, the month so far. */
export function presetRange(preset: Preset, today: Day): StatsRange {
  const p = parseDay(today)!;
  switch (preset) {
    case "year":
      return { first: makeDay(p.year, 1, 1), last: today };
    case "last12":
      return { first: addDays(makeDay(p.year - 1, p.month, p.day), 1), last: today };
    case "month":
      return { first: makeDay(p.year, p.month, 1), last: today };
  }
}

/** Which preset `range` is, as of `today`; null for a range of the person's own. */
export function presetOf(range: StatsRange, today: Day): Preset | null {
  return PRESETS.find((p) => {
    const r = presetRange(p, today);
    return r.first === range.first && r.last === range.last;
  }) ?? null;
}

/** One day in the heatmap: its column (week) and row (weekday, Monday 0). */
export interface HeatCell {
  /** its place in the range's days */
  index: number;
  col: number;
  row: number;
  day: DayStats;
}

export interface HeatGrid {
  /** weeks shown, the first and last possibly partial */
  cols: number;
  cells: HeatCell[];
  /** where a month begins (a label above that column); the first column always has one */
  months: { col: number; year: number; month: number }[];
}

/**
 * The heatmap's layout of `days` (every day of the range, in order, as Rust sends them): one
 * column per week from Monday to Sunday. A month's label sits on the first column holding its
 * first day; one that would crowd its neighbour (fewer than `gap` columns apart) is left out.
 */
export function heatGrid(days: DayStats[], gap = 3): HeatGrid {
  const first = days[0];
  if (!first) return { cols: 0, cells: [], months: [] };
  const offset = weekdayOf(first.date);
  const cells = days.map((day, index) => ({
    index,
    col: Math.floor((index + offset) / 7),
    row: (index + offset) % 7,
    day,
  }));
  const months: HeatGrid["months"] = [];
  for (const cell of cells) {
    const p = parseDay(cell.day.date);
    if (!p || (cell.index > 0 && p.day !== 1)) continue;
    // a month beginning late in a week labels the next column, where it fills the whole week
    const col = cell.index > 0 && cell.row > 0 ? cell.col + 1 : cell.col;
    const last = months.at(-1);
    if (last && col - last.col < gap) {
      // the range's first, partial month gives way to the month that follows it
      if (months.length === 1 && last.col === 0) months.pop();
      else continue;
    }
    months.push({ col, year: p.year, month: p.month });
  }
  return { cols: (cells.at(-1)?.col ?? 0) + 1, cells, months };
}

/** Where a key moves the heatmap's focus from day `index` of `count`: a week left or right, a
 * day up or down, Home and End to the range's first and last day. Null: the key is not one of
 * these, or would leave the range. */
export function heatMove(index: number, count: number, key: string): number | null {
  const to = (() => {
    switch (key) {
      case "ArrowLeft":
        return index - 7;
      case "ArrowRight":
        return index + 7;
      case "ArrowUp":
        return index - 1;
      case "ArrowDown":
        return index + 1;
      case "Home":
        return 0;
      case "End":
        return count - 1;
      default:
        return null;
    }
  })();
  return to !== null && to >= 0 && to < count ? to : null;
}

/** Where a key moves the focus in a row of `count` bars or points: one left or right (up and
 * down alike), Home and End to the first and last. */
export function listMove(index: number, count: number, key: string): number | null {
  const to = (() => {
    switch (key) {
      case "ArrowLeft":
      case "ArrowUp":
        return index - 1;
      case "ArrowRight":
      case "ArrowDown":
        return index + 1;
      case "Home":
        return 0;
      case "End":
        return count - 1;
      default:
        return null;
    }
  })();
  return to !== null && to >= 0 && to < count ? to : null;
}

/** The heatmap's steps: no focus is step 0; the rest of the range up to the day with the most
 * focus is cut into `steps` equal parts (d3's quantize scale), 1 to `steps`. */
export function heatSteps(days: DayStats[], steps = 4): (focusSecs: number) => number {
  const max = Math.max(0, ...days.map((d) => d.focusSecs));
  const scale = scaleQuantize<number>()
    .domain([0, Math.max(max, 1)])
    .range(Array.from({ length: steps }, (_, i) => i + 1));
  return (secs) => (secs > 0 ? scale(secs) : 0);
}

/** `secs` in hours, for a chart's scale. */
export const hours = (secs: number): number => Math.max(0, secs) / 3600;

/** A label under the weekly chart: each week's number when there are few, else the months. */
export type WeekLabel = { index: number; kind: "week"; week: number } | { index: number; kind: "month"; year: number; month: number };

/**
 * The labels under the weekly bars, at least `gap` bars apart. Up to `fewWeeks` weeks are
 * labelled with their numbers (every `gap`-th); more get a label where a month begins (the week
 * holding its first day; the range's first week for the first month, which gives way when the
 * next month follows too closely).
 */
export function weekLabels(weeks: WeekStats[], range: StatsRange, gap = 1, fewWeeks = 14): WeekLabel[] {
  const every = Math.max(1, Math.ceil(gap));
  if (weeks.length <= fewWeeks) {
    return weeks.flatMap((w, index) => (index % every === 0 ? [{ index, kind: "week" as const, week: w.week }] : []));
  }
  const labels: WeekLabel[] = [];
  weeks.forEach((w, index) => {
    const { first, last } = weekSpan(w, range);
    const start = parseDay(first)!;
    const end = parseDay(last)!;
    let month: { year: number; month: number };
    if (index === 0) month = start;
    else if (start.day === 1) month = start;
    else if (end.month !== start.month || end.year !== start.year) month = end;
    else return;
    const previous = labels.at(-1);
    if (previous && index - previous.index < every) {
      if (labels.length === 1 && previous.index === 0) labels.pop();
      else return;
    }
    labels.push({ index, kind: "month", year: month.year, month: month.month });
  });
  return labels;
}

/** Labels along an axis of `count` places, every `gap`-th (at least 1): their indexes. */
export function everyNth(count: number, gap: number): number[] {
  const every = Math.max(1, Math.ceil(gap));
  return Array.from({ length: count }, (_, i) => i).filter((i) => i % every === 0);
}

/** The days of week `w` within `range` (the first and last week may be cut). */
export function weekSpan(w: WeekStats, range: StatsRange): { first: Day; last: Day } {
  const sunday = addDays(w.monday, 6);
  return {
    first: w.monday < range.first ? range.first : w.monday,
    last: sunday > range.last ? range.last : sunday,
  };
}

