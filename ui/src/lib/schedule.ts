// The schedule's pure parts: days as `YYYY-MM-DD` (calendar arithmetic, no clock), the week
// laid out by day, a rule in words ("Every weekday at 13:00, about 60 minutes, until 30 June"),
// the block and routine forms' fields turned into Rust's drafts and back, what an occurrence
// offers (Start, within its reminder time), where a routine stands, and the daily budget in
// hours and minutes. Rust checks every rule and computes every date (`previewBlock`,
// `schedule`); this only lays them out and words them. (No d3 here: Home and the commitment
// round use it, so the statistics' `stats.ts` is not imported.)
import type { Block } from "../bindings/ipc";
import type { BlockDraft } from "../bindings/ipc";
import type { DailyBudget } from "../bindings/ipc";
import type { Day as Weekday } from "../bindings/ipc";
import type { Language } from "../bindings/ipc";
import type { Recurrence } from "../bindings/ipc";
import type { Repeat } from "../bindings/ipc";
import type { RoomOccurrence } from "../bindings/ipc";
import type { Routine } from "../bindings/ipc";
import type { RoutineDraft } from "../bindings/ipc";
import type { RoutineStatus } from "../bindings/ipc";
import type { ScheduledOccurrence } from "../bindings/ipc";
import type { SessionSummary } from "../bindings/ipc";
import type { MessageKey } from "./i18n.svelte";
import { memoize } from "./format";

import { addDays, type Day, dayOf, makeDay, pad, parseDay, utc, weekdayIndex } from "./days";

export { addDays, dayInstant, dayOf, makeDay, parseDay, weekdayIndex, type Day } from "./days";

/** The day an instant (RFC 3339) falls on, on this computer's calendar. */
export const dayOfInstant = (iso: string): Day => dayOf(new Date(iso));

/** The Monday of the week that holds `day`. */
export const mondayOf = (day: Day): Day => addDays(day, -weekdayIndex(day));

/** The seven days from `monday`. */
export const weekFrom = (monday: Day): Day[] => Array.from({ length: 7 }, (_, i) => addDays(monday, i));

/** The ISO 8601 week number of `day` (the calendar's "KW"): the week of its Thursday. */
export function isoWeek(day: Day): number {
  const thursday = addDays(day, 3 - weekdayIndex(day));
  const p = parseDay(thursday)!;
  const jan1 = utc(p.year, 1, 1);
  return Math.floor((utc(p.year, p.month, p.day).getTime() - jan1.getTime()) / (7 * 86_400_000)) + 1;
}


// ---------------------------------------------------------------------------------------------
// Times of day

/** "09:00" for minute 540 of the day. */
export function minuteToTime(minute: number): string {
  return `${pad(Math.floor(minute / 60))}:${pad(minute % 60)}`;
}

/** The minute of the day of "09:00" (as an `<input type="time">` gives it); null when empty or wrong. */
export function timeToMinute(time: string): number | null {
  const m = /^(\d{2}):(\d{2})(:\d{2}(\.\d+)?)?$/.exec(time);
  if (!m) return null;
  const [h, min] = [Number(m[1]), Number(m[2])];
  return h < 24 && min < 60 ? h * 60 + min : null;
}

// ---------------------------------------------------------------------------------------------
// Weekdays

export const WEEKDAYS: Weekday[] = ["mo", "tu", "we", "th", "fr", "sa", "su"];
export const WORKDAYS: Weekday[] = ["mo", "tu", "we", "th", "fr"];
export const WEEKEND: Weekday[] = ["sa", "su"];

/** The weekday of a day, as a rule names it. */
export const weekdayOf = (day: Day): Weekday => WEEKDAYS[weekdayIndex(day)]!;

const sameDays = (a: readonly Weekday[], b: readonly Weekday[]) => a.length === b.length && b.every((d) => a.includes(d));

/** Days in the week's order (Monday first), each once. */
export const sortedDays = (days: readonly Weekday[]): Weekday[] => WEEKDAYS.filter((d) => days.includes(d));

// ---------------------------------------------------------------------------------------------
// A rule in words

/** The catalogs and the language: `t` and `tn` of i18n, passed in so the words can be tested. */
export interface Words {
  lang: Language;
  t(key: MessageKey, params?: Record<string, string | number>): string;
  /** plural-aware: `<key>.one` / `<key>.other` with `{count}` */
  tn(key: string, count: number, params?: Record<string, string | number>): string;
}

const localeOf = (lang: Language) => (lang === "de" ? "de-DE" : "en-GB");
const formats = memoize((key) => {
  const [locale, kind] = key.split(" ") as [string, string];
  const options: Record<string, Intl.DateTimeFormatOptions> = {
    dayMonth: { day: "numeric", month: "long" },
    dayMonthYear: { day: "numeric", month: "long", year: "numeric" },
    weekdayDayMonth: { weekday: "long", day: "numeric", month: "long" },
    weekdayDayMonthYear: { weekday: "long", day: "numeric", month: "long", year: "numeric" },
    weekday: { weekday: "long" },
    month: { month: "long" },
    shortRange: { day: "numeric", month: "short", year: "numeric" },
  };
  return new Intl.DateTimeFormat(locale, { ...options[kind], timeZone: "UTC" });
});
const lists = memoize((locale) => new Intl.ListFormat(locale, { style: "long", type: "conjunction" }));
const ordinals = memoize((locale) => new Intl.PluralRules(locale, { type: "ordinal" }));

const at = (day: Day) => {
  const p = parseDay(day)!;
  return utc(p.year, p.month, p.day);
};

/** "30 June" ("30. Juni"), with the year when it is not the year of `today`. */
export function dayMonthWords(day: Day, lang: Language, today: Day, weekday = false): string {
  const sameYear = day.slice(0, 4) === today.slice(0, 4);
  const kind = `${weekday ? "weekdayDayMonth" : "dayMonth"}${sameYear ? "" : "Year"}`;
  return parseDay(day) ? formats(`${localeOf(lang)} ${kind}`).format(at(day)) : day;
}

/** A weekday's full name: "Monday", "Montag". */
export function weekdayName(day: Weekday, lang: Language): string {
  // 2024-01-01 was a Monday
  return formats(`${localeOf(lang)} weekday`).format(utc(2024, 1, 1 + WEEKDAYS.indexOf(day)));
}

/** A month's full name (1–12): "October", "Oktober". */
export function monthName(month: number, lang: Language): string {
  return formats(`${localeOf(lang)} month`).format(utc(2024, month, 1));
}

/** "29 Jun – 5 Jul 2026" ("29. Juni – 5. Juli 2026"): the span of a week. */
export function weekSpanWords(monday: Day, lang: Language): string {
  return formats(`${localeOf(lang)} shortRange`).formatRange(at(monday), at(addDays(monday, 6)));
}

/** "15th" ("15."): a day of the month as an ordinal. */
export function ordinal(n: number, w: Words): string {
  const rule = ordinals(localeOf(w.lang)).select(n);
  return w.t(`schedule.ordinal.${rule === "zero" || rule === "many" ? "other" : rule}` as MessageKey, { n });
}

/** "first", "last" ("ersten", "letzten"): the n-th of a month (-1 the last). */
export const nthWords = (nth: number, w: Words): string =>
  w.t(`schedule.rule.nth.${nth === -1 ? "last" : nth}` as MessageKey);

/** "Monday and Wednesday" ("Montag und Mittwoch"). */
export function daysWords(days: readonly Weekday[], lang: Language): string {
  return lists(localeOf(lang)).format(sortedDays(days).map((d) => weekdayName(d, lang)));
}

/** How often, the start of the sentence: "Every weekday", "Alle 2 Wochen am Montag". */
export function repeatWords(rule: Recurrence, w: Words, today: Day): string {
  const r = rule.repeat;
  switch (r.every) {
    case "once":
      return w.t("schedule.rule.once", { date: dayMonthWords(rule.first, w.lang, today, true) });
    case "days":
      return w.tn("schedule.rule.days", r.interval);
    case "weeks": {
      const all = sameDays(r.days, WEEKDAYS);
      const workdays = sameDays(r.days, WORKDAYS);
      if (r.interval === 1) {
        if (all) return w.tn("schedule.rule.days", 1);
        if (workdays) return w.t("schedule.rule.weekdays");
        return w.t("schedule.rule.weekly", { days: daysWords(r.days, w.lang) });
      }
      if (all) return w.tn("schedule.rule.weeks", r.interval);
      if (workdays) return w.t("schedule.rule.weeksWeekdays", { count: r.interval });
      return w.t("schedule.rule.weeksOn", { count: r.interval, days: daysWords(r.days, w.lang) });
    }
    case "monthDay": {
      const day = r.day === -1 ? w.t("schedule.rule.lastDay") : ordinal(r.day, w);
      return w.tn("schedule.rule.monthly", r.interval, { day });
    }
    case "monthWeekday": {
      const day = w.t("schedule.rule.nthWeekday", { nth: nthWords(r.nth, w), weekday: weekdayName(r.weekday, w.lang) });
      return w.tn("schedule.rule.monthly", r.interval, { day });
    }
    case "monthWorkday": {
      const day = w.t("schedule.rule.nthWorkday", { nth: nthWords(r.nth, w) });
      return w.tn("schedule.rule.monthly", r.interval, { day });
    }
    case "years": {
      // any year with that day, for the words (2000 is a leap year: February 29th shows)
      const p = makeDay(2000, r.month, r.day);
      const date = p.slice(5) === `${pad(r.month)}-${pad(r.day)}`
        ? formats(`${localeOf(w.lang)} dayMonth`).format(utc(2000, r.month, r.day))
        : w.t("schedule.rule.dayOfMonth", { day: r.day, month: monthName(r.month, w.lang) });
      return w.tn("schedule.rule.yearly", r.interval, { date });
    }
  }
}

/** A block's time: when it starts, how long (a fixed block) or about how long (a flexible window). */
export interface RuleTime {
  startMinute: number;
  lengthMinutes: number;
  expectedMinutes: number | null;
}

/** "4 hours", "90 minutes", "2 h 30 min". */
export function lengthWords(minutes: number, w: Words): string {
  if (minutes >= 60 && minutes % 60 === 0) return w.tn("schedule.rule.hours", minutes / 60);
  if (minutes < 60) return w.tn("schedule.rule.minutes", minutes);
  return w.t("duration.hoursMinutes", { h: Math.floor(minutes / 60), m: minutes % 60 });
}

/**
 * A rule in words, as a sentence: "Every weekday at 13:00, about 60 minutes, until 30 June"
 * ("Jeden Werktag um 13:00, etwa 60 Minuten, bis 30. Juni"). With `time` for a block, without
 * for a routine. A first date after `today` is said ("from 1 July"); dates in another year than
 * `today`'s carry their year.
 */
export function describeRule(rule: Recurrence, w: Words, today: Day, time?: RuleTime): string {
  let text = repeatWords(rule, w, today);
  if (time) {
    text = w.t("schedule.rule.at", { rule: text, time: minuteToTime(time.startMinute) });
    text =
      time.expectedMinutes !== null
        ? w.t("schedule.rule.about", { rule: text, minutes: w.tn("schedule.rule.minutes", time.expectedMinutes) })
        : w.t("schedule.rule.for", { rule: text, length: lengthWords(time.lengthMinutes, w) });
  }
  if (rule.repeat.every !== "once") {
    if (rule.first > today) text = w.t("schedule.rule.from", { rule: text, date: dayMonthWords(rule.first, w.lang, today) });
    if (rule.ends.ends === "on") text = w.t("schedule.rule.until", { rule: text, date: dayMonthWords(rule.ends.date, w.lang, today) });
    if (rule.ends.ends === "after") text = w.tn("schedule.rule.times", rule.ends.count, { rule: text });
  }
  return text;
}

// ---------------------------------------------------------------------------------------------
// The forms

export type RepeatKind = Repeat["every"];
export const REPEAT_KINDS: RepeatKind[] = ["once", "days", "weeks", "monthDay", "monthWeekday", "monthWorkday", "years"];

/** The repeat fields as the form holds them: every kind's values kept, so switching back and
 * forth loses nothing. Numbers may be `null` or `NaN` while a field is empty. */
export interface RuleForm {
  first: Day;
  kind: RepeatKind;
  interval: number | null;
  days: Weekday[];
  /** 1–31, or -1 for the last day */
  monthDay: number;
  /** 1–4 or -1 */
  nth: number;
  weekday: Weekday;
  /** 1–5 or -1 */
  workdayNth: number;
  month: number;
  yearDay: number;
  ends: Recurrence["ends"]["ends"];
  endDate: Day;
  count: number | null;
}

/** The form's fields for `rule` (`null`: a new one, weekly on `defaultDays` from `today`). */
export function ruleForm(rule: Recurrence | null, today: Day, defaultDays: Weekday[] = WORKDAYS): RuleForm {
  const first = rule?.first ?? today;
  const p = parseDay(first) ?? { year: 2026, month: 1, day: 1 };
  const form: RuleForm = {
    first,
    kind: rule?.repeat.every ?? "weeks",
    interval: 1,
    days: [...defaultDays],
    monthDay: p.day,
    nth: Math.min(4, Math.ceil(p.day / 7)),
    weekday: weekdayOf(first),
    workdayNth: 1,
    month: p.month,
    yearDay: p.day,
    ends: rule?.ends.ends ?? "never",
    endDate: addDays(first, 27),
    count: 10,
  };
  const r = rule?.repeat;
  if (r && r.every !== "once") form.interval = r.interval;
  if (r?.every === "weeks") form.days = sortedDays(r.days);
  if (r?.every === "monthDay") form.monthDay = r.day;
  if (r?.every === "monthWeekday") [form.nth, form.weekday] = [r.nth, r.weekday];
  if (r?.every === "monthWorkday") form.workdayNth = r.nth;
  if (r?.every === "years") [form.month, form.yearDay] = [r.month, r.day];
  if (rule?.ends.ends === "on") form.endDate = rule.ends.date;
  if (rule?.ends.ends === "after") form.count = rule.ends.count;
  return form;
}

/** A field the form cannot send as it is (Rust is told only whole numbers and real dates). */
export type FieldProblem = "first" | "interval" | "endDate" | "count" | "title" | "time" | "length" | "expected" | "estimate";

const U16 = 65_535;
const U32 = 4_294_967_295;
const whole = (n: number | null | undefined, max: number): n is number =>
  typeof n === "number" && Number.isInteger(n) && n >= 0 && n <= max;

/** The fields of `f` that cannot be sent; Rust judges the rest (ranges, impossible dates). */
export function ruleProblems(f: RuleForm): FieldProblem[] {
  const problems: FieldProblem[] = [];
  if (!parseDay(f.first)) problems.push("first");
  if (f.kind !== "once" && !whole(f.interval, U16)) problems.push("interval");
  if (f.kind !== "once" && f.ends === "on" && !parseDay(f.endDate)) problems.push("endDate");
  if (f.kind !== "once" && f.ends === "after" && !whole(f.count, U32)) problems.push("count");
  return problems;
}

/** The recurrence the form describes (call only when `ruleProblems` is empty). */
export function toRecurrence(f: RuleForm): Recurrence {
  const interval = f.interval ?? 1;
  const repeat: Repeat = (() => {
    switch (f.kind) {
      case "once":
        return { every: "once" };
      case "days":
        return { every: "days", interval };
      case "weeks":
        return { every: "weeks", interval, days: sortedDays(f.days) };
      case "monthDay":
        return { every: "monthDay", interval, day: f.monthDay };
      case "monthWeekday":
        return { every: "monthWeekday", interval, nth: f.nth, weekday: f.weekday };
      case "monthWorkday":
        return { every: "monthWorkday", interval, nth: f.workdayNth };
      case "years":
        return { every: "years", interval, month: f.month, day: f.yearDay };
    }
  })();
  const ends: Recurrence["ends"] =
    f.kind === "once" || f.ends === "never"
      ? { ends: "never" }
      : f.ends === "on"
        ? { ends: "on", date: f.endDate }
        : { ends: "after", count: f.count ?? 1 };
  return { first: f.first, repeat, ends };
}

/** The reminder's choices, in minutes before the start (null: none; 0: at the start). */
export const REMIND_CHOICES: (number | null)[] = [null, 0, 5, 10, 15, 30, 60];
/** A new block's reminder: ten minutes to plan the commitments (Rust's default too). */
export const REMIND_DEFAULT = 10;

/** The block form's fields. */
export interface BlockForm {
  title: string;
  /** "" for the default template */
  templateId: string;
  /** "HH:MM" */
  time: string;
  length: number | null;
  flexible: boolean;
  expected: number | null;
  remind: number | null;
  rule: RuleForm;
}

/** The form's fields for `block` (`null`: a new one from `today`). */
export function blockForm(block: Block | null, today: Day): BlockForm {
  return {
    title: block?.title ?? "",
    templateId: block?.templateId ?? "",
    time: minuteToTime(block?.startMinute ?? 9 * 60),
    length: block?.lengthMinutes ?? 60,
    flexible: block ? block.expectedMinutes !== null : false,
    expected: block?.expectedMinutes ?? Math.min(60, block?.lengthMinutes ?? 60),
    remind: block ? block.remindMinutes : REMIND_DEFAULT,
    rule: ruleForm(block?.recurrence ?? null, today),
  };
}

/** The fields of the block form that cannot be sent (the title is Rust's to judge, but an empty
 * one is pointed out here, so the preview can show the rule meanwhile). */
export function blockProblems(f: BlockForm, showsNothing: (text: string) => boolean): FieldProblem[] {
  const problems = ruleProblems(f.rule);
  if (showsNothing(f.title)) problems.push("title");
  if (timeToMinute(f.time) === null) problems.push("time");
  if (!whole(f.length, U32)) problems.push("length");
  if (f.flexible && !whole(f.expected, U32)) problems.push("expected");
  return problems;
}

/** The draft of the block form (call only when `blockProblems` has nothing but perhaps "title"). */
export function toBlockDraft(f: BlockForm): BlockDraft {
  return {
    title: f.title,
    templateId: f.templateId === "" ? null : f.templateId,
    recurrence: toRecurrence(f.rule),
    startMinute: timeToMinute(f.time) ?? 0,
    lengthMinutes: f.length ?? 0,
    expectedMinutes: f.flexible ? f.expected : null,
    remindMinutes: f.remind,
  };
}

/** The routine form's fields. */
export interface RoutineForm {
  title: string;
  tag: string;
  rule: RuleForm;
  steps: { key: number; text: string }[];
  estimate: number | null;
}

let stepKeys = 0;
/** A checklist step as the form holds it (a key for the list). */
export const newStep = (text = ""): { key: number; text: string } => ({ key: ++stepKeys, text });

/** The form's fields for `routine` (`null`: a new one, weekly on today's weekday). */
export function routineForm(routine: Routine | null, today: Day): RoutineForm {
  return {
    title: routine?.title ?? "",
    tag: routine?.tag ?? "",
    rule: ruleForm(routine?.recurrence ?? null, today, [weekdayOf(today)]),
    steps: (routine?.steps ?? []).map((s) => newStep(s)),
    estimate: routine?.estimateMinutes ?? null,
  };
}

export function routineProblems(f: RoutineForm, showsNothing: (text: string) => boolean): FieldProblem[] {
  const problems = ruleProblems(f.rule);
  if (showsNothing(f.title)) problems.push("title");
  if (f.estimate !== null && !Number.isNaN(f.estimate) && !whole(f.estimate, U32)) problems.push("estimate");
  return problems;
}

/** The draft of the routine form: an empty tag or estimate is none, empty steps are left out
 * (as Rust leaves them out). */
export function toRoutineDraft(f: RoutineForm, showsNothing: (text: string) => boolean): RoutineDraft {
  return {
    title: f.title,
    tag: showsNothing(f.tag) ? null : f.tag,
    recurrence: toRecurrence(f.rule),
    steps: f.steps.map((s) => s.text).filter((s) => !showsNothing(s)),
    estimateMinutes: f.estimate === null || Number.isNaN(f.estimate) ? null : f.estimate,
  };
}

// ---------------------------------------------------------------------------------------------
// The week

/** One day of the week view. */
export interface WeekDay {
  day: Day;
  /** the day's occurrences, by start (a moved one on the day it was moved to) */
  occurrences: ScheduledOccurrence[];
  /** the sessions started that day */
  sessions: SessionSummary[];
  /** the rooms' planned sessions starting that day */
  roomSessions: RoomOccurrence[];
  focusSecs: number;
  /** minutes of focus the day is for; 0: no budget */
  budgetMinutes: number;
}

const byStart = (a: { startsAt: string }, b: { startsAt: string }) => Date.parse(a.startsAt) - Date.parse(b.startsAt);

/** The week from `monday` (the schedule Rust sent for it): each day's occurrences, sessions, rooms'
 * sessions, focus and budget. `localDay` puts an instant on the person's calendar (this
 * computer's by default). */
export function weekDays(
  monday: Day,
  schedule: { occurrences: readonly ScheduledOccurrence[]; sessions: readonly SessionSummary[]; roomSessions: readonly RoomOccurrence[] },
  budget: DailyBudget | null,
  localDay: (iso: string) => Day = dayOfInstant,
): WeekDay[] {
  return weekFrom(monday).map((day, i) => {
    const held = schedule.sessions.filter((s) => localDay(s.startedAt) === day);
    return {
      day,
      occurrences: schedule.occurrences.filter((o) => localDay(o.startsAt) === day).sort(byStart),
      sessions: held,
      roomSessions: schedule.roomSessions.filter((r) => localDay(r.startsAt) === day).sort(byStart),
      focusSecs: held.reduce((sum, s) => sum + s.focusSecs, 0),
      budgetMinutes: budget?.[i] ?? 0,
    };
  });
}

/** The share of the budget done, 0 to 1 (for the bar). */
export const budgetShare = (focusSecs: number, budgetMinutes: number): number =>
  budgetMinutes > 0 ? Math.min(1, Math.max(0, focusSecs / (budgetMinutes * 60))) : 0;

/** Whether an occurrence can be started now: on `today`, not skipped, not over. */
export function canStart(o: ScheduledOccurrence, today: Day, nowMs: number, localDay: (iso: string) => Day = dayOfInstant): boolean {
  return !o.skipped && o.state !== "skipped" && localDay(o.startsAt) === today && nowMs < Date.parse(o.endsAt);
}

/** When an occurrence's reminder time begins (its start without a reminder). */
export const remindFrom = (o: ScheduledOccurrence): number => Date.parse(o.startsAt) - (o.remindMinutes ?? 0) * 60_000;

/**
 * The block Home offers to start: today's first one not over, not skipped and not held yet (a
 * session ran in it: the week view still offers it), and whether it is within its reminder time
 * or running (then Home shows Start); `changesAt` is when that next changes (its reminder time
 * begins, or it ends), for Home to look again then.
 */
export function nextBlockToday(
  occurrences: readonly ScheduledOccurrence[],
  today: Day,
  nowMs: number,
  localDay: (iso: string) => Day = dayOfInstant,
): { occurrence: ScheduledOccurrence; startable: boolean; changesAt: number } | null {
  const next = occurrences.filter((o) => o.state !== "held" && canStart(o, today, nowMs, localDay)).sort(byStart)[0];
  if (!next) return null;
  const startable = nowMs >= remindFrom(next);
  return { occurrence: next, startable, changesAt: startable ? Date.parse(next.endsAt) : remindFrom(next) };
}

// ---------------------------------------------------------------------------------------------
// Routines

/** Where a routine stands today, for its line on the week view. */
export type Standing =
  | { kind: "due"; day: Day }
  | { kind: "overdue"; day: Day }
  | { kind: "kept"; day: Day; next: Day | null }
  | { kind: "next"; day: Day }
  | { kind: "ended" };

export function standing(s: RoutineStatus): Standing {
  const [day, state] = s.current ?? [null, null];
  if (day && state === "due") return { kind: "due", day };
  if (day && state === "overdue") return { kind: "overdue", day };
  if (day && state === "kept") return { kind: "kept", day, next: s.next };
  return s.next ? { kind: "next", day: s.next } : { kind: "ended" };
}

/** The routines due today or overdue: what the commitment round suggests. */
export const dueRoutines = (list: readonly RoutineStatus[]): RoutineStatus[] =>
  list.filter((s) => s.current?.[1] === "due" || s.current?.[1] === "overdue");

/** The latest `n` days of a routine's history, oldest first. */
export const recentHistory = (s: RoutineStatus, n = 12): RoutineStatus["history"] => s.history.slice(-n);

/** The routines offered when there are none yet (their words are in the catalogs). */
export const ROUTINE_SUGGESTIONS: { key: "bookkeeping" | "social" | "website"; repeat: Repeat }[] = [
  { key: "bookkeeping", repeat: { every: "monthWorkday", interval: 1, nth: 1 } },
  { key: "social", repeat: { every: "weeks", interval: 1, days: ["mo"] } },
  { key: "website", repeat: { every: "monthDay", interval: 1, day: 15 } },
];

/** A suggestion as a routine from `today` on. */
export function suggestionDraft(repeat: Repeat, title: string, tag: string, today: Day): RoutineDraft {
  return { title, tag, recurrence: { first: today, repeat, ends: { ends: "never" } }, steps: [], estimateMinutes: null };
}

// ---------------------------------------------------------------------------------------------
// The daily budget

/** Minutes as whole hours and the minutes left. */
export const splitMinutes = (minutes: number): { hours: number; minutes: number } => ({
  hours: Math.floor(minutes / 60),
  minutes: minutes % 60,
});

/** Hours and minutes as typed (empty: 0) as minutes; null when not whole or negative. */
export function joinMinutes(hours: number | null, minutes: number | null): number | null {
  const h = hours === null || Number.isNaN(hours) ? 0 : hours;
  const m = minutes === null || Number.isNaN(minutes) ? 0 : minutes;
  if (!Number.isInteger(h) || !Number.isInteger(m) || h < 0 || m < 0) return null;
  return h * 60 + m;
}

/** Whether Monday to Friday have the same budget (the settings then show one value for them). */
export const workdaysAlike = (b: DailyBudget): boolean => b.slice(0, 5).every((m) => m === b[0]);
