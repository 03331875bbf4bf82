import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import type { Language } from "../bindings/ipc";
import type { Recurrence } from "../bindings/ipc";
import type { Repeat } from "../bindings/ipc";
import type { RoutineStatus } from "../bindings/ipc";
import type { ScheduledOccurrence } from "../bindings/ipc";
import type { SessionSummary } from "../bindings/ipc";
import { showsNothing } from "./format";
import {
  addDays,
  blockForm,
  blockProblems,
  budgetShare,
  canStart,
  describeRule,
  dueRoutines,
  isoWeek,
  joinMinutes,
  minuteToTime,
  mondayOf,
  nextBlockToday,
  routineForm,
  routineProblems,
  ruleForm,
  ruleProblems,
  splitMinutes,
  standing,
  suggestionDraft,
  timeToMinute,
  toBlockDraft,
  toRecurrence,
  toRoutineDraft,
  weekDays,
  weekSpanWords,
  weekdayIndex,
  workdaysAlike,
  ROUTINE_SUGGESTIONS,
  type Words,
} from "./schedule";

// The words come from the real catalogs, as the app shows them.
const localesDir = fileURLToPath(new URL("../../../locales/", import.meta.url));
const catalog = (lang: Language): Record<string, string> =>
  JSON.parse(readFileSync(`${localesDir}${lang}.json`, "utf8")) as Record<string, string>;
function words(lang: Language): Words {
  const messages = catalog(lang);
  const t = (key: string, params: Record<string, string | number> = {}) => {
    const text = messages[key];
    if (text === undefined) throw new Error(`no message ${key}`);
    return text.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
  };
  const plural = new Intl.PluralRules(lang);
  return { lang, t, tn: (key, count, params) => t(`${key}.${plural.select(count) === "one" ? "one" : "other"}`, { count, ...params }) };
}
const en = words("en");
const de = words("de");

const TODAY = "2026-06-03"; // a Wednesday
const rule = (repeat: Repeat, ends: Recurrence["ends"] = { ends: "never" }, first = "2026-06-01"): Recurrence => ({ first, repeat, ends });
const nap = { startMinute: 13 * 60, lengthMinutes: 120, expectedMinutes: 60 };

describe("days", () => {
  it("are counted on the calendar, Monday first", () => {
    expect(addDays("2026-02-28", 1)).toBe("2026-03-01");
    expect(addDays("2026-01-01", -1)).toBe("2025-12-31");
    expect(weekdayIndex("2026-06-01")).toBe(0);
    expect(weekdayIndex("2026-06-07")).toBe(6);
    expect(mondayOf("2026-06-07")).toBe("2026-06-01");
    expect(mondayOf("2027-01-01")).toBe("2026-12-28");
  });
  it("have ISO week numbers", () => {
    expect(isoWeek("2026-06-03")).toBe(23);
    expect(isoWeek("2027-01-01")).toBe(53); // 2026 has 53 ISO weeks
    expect(isoWeek("2026-01-01")).toBe(1);
    expect(isoWeek("2025-12-29")).toBe(1);
  });
  it("make a week's span in words", () => {
    expect(weekSpanWords("2026-06-29", "en")).toMatch(/^29 Jun\s–\s5 Jul 2026$/);
    expect(weekSpanWords("2026-06-29", "de")).toMatch(/^29\.\s?Juni?\.?\s–\s5\. Juli?\.? 2026$/);
  });
  it("and times of day go both ways", () => {
    expect(minuteToTime(0)).toBe("00:00");
    expect(minuteToTime(13 * 60 + 5)).toBe("13:05");
    expect(timeToMinute("13:05")).toBe(785);
    expect(timeToMinute("23:59:00")).toBe(1439);
    expect(timeToMinute("")).toBe(null);
    expect(timeToMinute("24:00")).toBe(null);
  });
});

describe("a rule in words", () => {
  it("says the example of the brief in both languages", () => {
    const r = rule({ every: "weeks", interval: 1, days: ["mo", "tu", "we", "th", "fr"] }, { ends: "on", date: "2026-06-30" });
    expect(describeRule(r, en, TODAY, nap)).toBe("Every weekday at 13:00, about 60 minutes, until 30 June");
    expect(describeRule(r, de, TODAY, nap)).toBe("Jeden Werktag um 13:00, etwa 60 Minuten, bis 30. Juni");
  });

  it("says a one-off with its weekday and date", () => {
    const r = rule({ every: "once" }, { ends: "never" }, "2026-06-30");
    expect(describeRule(r, en, TODAY)).toBe("Once on Tuesday 30 June");
    expect(describeRule(r, de, TODAY)).toBe("Einmal am Dienstag, 30. Juni");
    // an end is meaningless for a one-off and left out
    expect(describeRule({ ...r, ends: { ends: "after", count: 3 } }, en, TODAY)).toBe("Once on Tuesday 30 June");
  });

  it("says every N days", () => {
    expect(describeRule(rule({ every: "days", interval: 1 }), en, TODAY)).toBe("Every day");
    expect(describeRule(rule({ every: "days", interval: 3 }), en, TODAY)).toBe("Every 3 days");
    expect(describeRule(rule({ every: "days", interval: 1 }), de, TODAY)).toBe("Jeden Tag");
    expect(describeRule(rule({ every: "days", interval: 3 }), de, TODAY)).toBe("Alle 3 Tage");
  });

  it("says weekly rules: weekdays, the whole week, some days, every N weeks", () => {
    const weeks = (interval: number, days: Repeat & { every: "weeks" } extends { days: infer D } ? D : never) =>
      rule({ every: "weeks", interval, days });
    expect(describeRule(weeks(1, ["mo"]), en, TODAY)).toBe("Every Monday");
    expect(describeRule(weeks(1, ["mo"]), de, TODAY)).toBe("Jeden Montag");
    expect(describeRule(weeks(1, ["we", "mo", "fr"]), en, TODAY)).toBe("Every Monday, Wednesday and Friday");
    expect(describeRule(weeks(1, ["we", "mo", "fr"]), de, TODAY)).toBe("Jeden Montag, Mittwoch und Freitag");
    expect(describeRule(weeks(1, ["sa", "su"]), en, TODAY)).toBe("Every Saturday and Sunday");
    expect(describeRule(weeks(1, ["mo", "tu", "we", "th", "fr", "sa", "su"]), en, TODAY)).toBe("Every day");
    expect(describeRule(weeks(2, ["tu", "th"]), en, TODAY)).toBe("Every 2 weeks on Tuesday and Thursday");
    expect(describeRule(weeks(2, ["tu", "th"]), de, TODAY)).toBe("Alle 2 Wochen am Dienstag und Donnerstag");
    expect(describeRule(weeks(3, ["fr", "th", "we", "tu", "mo"]), en, TODAY)).toBe("Every 3 weeks on weekdays");
    expect(describeRule(weeks(3, ["fr", "th", "we", "tu", "mo"]), de, TODAY)).toBe("Alle 3 Wochen an Werktagen");
  });

  it("says monthly rules on a day, the last day, the n-th weekday and the n-th working day", () => {
    expect(describeRule(rule({ every: "monthDay", interval: 1, day: 15 }), en, TODAY)).toBe("Every month on the 15th");
    expect(describeRule(rule({ every: "monthDay", interval: 1, day: 15 }), de, TODAY)).toBe("Jeden Monat am 15.");
    expect(describeRule(rule({ every: "monthDay", interval: 1, day: 1 }), en, TODAY)).toBe("Every month on the 1st");
    expect(describeRule(rule({ every: "monthDay", interval: 1, day: 22 }), en, TODAY)).toBe("Every month on the 22nd");
    expect(describeRule(rule({ every: "monthDay", interval: 1, day: 23 }), en, TODAY)).toBe("Every month on the 23rd");
    expect(describeRule(rule({ every: "monthDay", interval: 1, day: 11 }), en, TODAY)).toBe("Every month on the 11th");
    expect(describeRule(rule({ every: "monthDay", interval: 3, day: -1 }), en, TODAY)).toBe("Every 3 months on the last day");
    expect(describeRule(rule({ every: "monthDay", interval: 3, day: -1 }), de, TODAY)).toBe("Alle 3 Monate am letzten Tag");
    const weekday = rule({ every: "monthWeekday", interval: 1, nth: 2, weekday: "tu" });
    expect(describeRule(weekday, en, TODAY)).toBe("Every month on the second Tuesday");
    expect(describeRule(weekday, de, TODAY)).toBe("Jeden Monat am zweiten Dienstag");
    const lastFriday = rule({ every: "monthWeekday", interval: 2, nth: -1, weekday: "fr" });
    expect(describeRule(lastFriday, en, TODAY)).toBe("Every 2 months on the last Friday");
    expect(describeRule(lastFriday, de, TODAY)).toBe("Alle 2 Monate am letzten Freitag");
    const workday = rule({ every: "monthWorkday", interval: 1, nth: 1 });
    expect(describeRule(workday, en, TODAY)).toBe("Every month on the first working day");
    expect(describeRule(workday, de, TODAY)).toBe("Jeden Monat am ersten Werktag");
    expect(describeRule(rule({ every: "monthWorkday", interval: 1, nth: 5 }), de, TODAY)).toBe("Jeden Monat am fünften Werktag");
    expect(describeRule(rule({ every: "monthWorkday", interval: 6, nth: -1 }), en, TODAY)).toBe("Every 6 months on the last working day");
  });

  it("says yearly rules, an impossible day too (Rust refuses it; the words still say what was chosen)", () => {
    expect(describeRule(rule({ every: "years", interval: 1, month: 10, day: 3 }), en, TODAY)).toBe("Every year on 3 October");
    expect(describeRule(rule({ every: "years", interval: 1, month: 10, day: 3 }), de, TODAY)).toBe("Jedes Jahr am 3. Oktober");
    expect(describeRule(rule({ every: "years", interval: 2, month: 2, day: 29 }), en, TODAY)).toBe("Every 2 years on 29 February");
    expect(describeRule(rule({ every: "years", interval: 2, month: 2, day: 29 }), de, TODAY)).toBe("Alle 2 Jahre am 29. Februar");
    expect(describeRule(rule({ every: "years", interval: 1, month: 2, day: 30 }), en, TODAY)).toBe("Every year on 30 February");
    expect(describeRule(rule({ every: "years", interval: 1, month: 2, day: 30 }), de, TODAY)).toBe("Jedes Jahr am 30. Februar");
  });

  it("says how it ends: on a date (with its year when another), after N times, once", () => {
    const daily = (ends: Recurrence["ends"]) => rule({ every: "days", interval: 1 }, ends);
    expect(describeRule(daily({ ends: "on", date: "2027-01-15" }), en, TODAY)).toBe("Every day, until 15 January 2027");
    expect(describeRule(daily({ ends: "on", date: "2027-01-15" }), de, TODAY)).toBe("Jeden Tag, bis 15. Januar 2027");
    expect(describeRule(daily({ ends: "after", count: 10 }), en, TODAY)).toBe("Every day, 10 times");
    expect(describeRule(daily({ ends: "after", count: 10 }), de, TODAY)).toBe("Jeden Tag, 10-mal");
    expect(describeRule(daily({ ends: "after", count: 1 }), en, TODAY)).toBe("Every day, only once");
    expect(describeRule(daily({ ends: "after", count: 1 }), de, TODAY)).toBe("Jeden Tag, nur einmal");
  });

  it("says a first date still ahead", () => {
    const later = rule({ every: "weeks", interval: 1, days: ["mo"] }, { ends: "on", date: "2026-08-31" }, "2026-07-06");
    expect(describeRule(later, en, TODAY)).toBe("Every Monday, from 6 July, until 31 August");
    expect(describeRule(later, de, TODAY)).toBe("Jeden Montag, ab 6. Juli, bis 31. August");
  });

  it("says a fixed block's length, and a flexible window's expected work", () => {
    const weekdays = rule({ every: "weeks", interval: 1, days: ["mo", "tu", "we", "th", "fr"] });
    const fixed = (lengthMinutes: number) => ({ startMinute: 9 * 60, lengthMinutes, expectedMinutes: null });
    expect(describeRule(weekdays, en, TODAY, fixed(240))).toBe("Every weekday at 09:00 for 4 hours");
    expect(describeRule(weekdays, de, TODAY, fixed(240))).toBe("Jeden Werktag um 09:00, 4 Stunden lang");
    expect(describeRule(weekdays, en, TODAY, fixed(60))).toBe("Every weekday at 09:00 for 1 hour");
    expect(describeRule(weekdays, de, TODAY, fixed(60))).toBe("Jeden Werktag um 09:00, 1 Stunde lang");
    expect(describeRule(weekdays, en, TODAY, fixed(45))).toBe("Every weekday at 09:00 for 45 minutes");
    expect(describeRule(weekdays, en, TODAY, fixed(150))).toBe("Every weekday at 09:00 for 2 h 30 min");
    expect(describeRule(weekdays, de, TODAY, fixed(150))).toBe("Jeden Werktag um 09:00, 2 Std. 30 Min. lang");
    expect(describeRule(weekdays, en, TODAY, { ...nap, expectedMinutes: 1 })).toBe("Every weekday at 13:00, about 1 minute");
  });
});

describe("the forms", () => {
  it("keep every repeat kind's values and send the chosen one", () => {
    const form = ruleForm(null, TODAY);
    expect(form.kind).toBe("weeks");
    expect(toRecurrence(form)).toEqual({ first: TODAY, repeat: { every: "weeks", interval: 1, days: ["mo", "tu", "we", "th", "fr"] }, ends: { ends: "never" } });
    form.kind = "monthWeekday";
    expect(toRecurrence(form).repeat).toEqual({ every: "monthWeekday", interval: 1, nth: 1, weekday: "we" });
    form.kind = "years";
    expect(toRecurrence(form).repeat).toEqual({ every: "years", interval: 1, month: 6, day: 3 });
    form.kind = "once";
    form.ends = "after";
    expect(toRecurrence(form)).toEqual({ first: TODAY, repeat: { every: "once" }, ends: { ends: "never" } });
  });

  it("read every rule back as it was", () => {
    const rules: Recurrence[] = [
      rule({ every: "once" }),
      rule({ every: "days", interval: 2 }, { ends: "after", count: 5 }),
      rule({ every: "weeks", interval: 2, days: ["mo", "th"] }, { ends: "on", date: "2026-12-24" }),
      rule({ every: "monthDay", interval: 1, day: -1 }),
      rule({ every: "monthWeekday", interval: 3, nth: -1, weekday: "fr" }),
      rule({ every: "monthWorkday", interval: 1, nth: 5 }),
      rule({ every: "years", interval: 1, month: 2, day: 29 }),
    ];
    for (const r of rules) expect(toRecurrence(ruleForm(r, TODAY))).toEqual(r);
  });

  it("send nothing Rust could not read: empty or broken numbers and dates", () => {
    const form = ruleForm(null, TODAY);
    expect(ruleProblems(form)).toEqual([]);
    form.interval = null;
    form.ends = "after";
    form.count = 2.5;
    form.first = "";
    expect(ruleProblems(form)).toEqual(["first", "interval", "count"]);
    form.kind = "once";
    expect(ruleProblems(form)).toEqual(["first"]);
    // out of range is Rust's to say (it knows its limits)
    const far = ruleForm(null, TODAY);
    far.interval = 500;
    expect(ruleProblems(far)).toEqual([]);
  });

  it("make a block's draft: the default template, a flexible window, the reminder", () => {
    const form = blockForm(null, TODAY);
    expect(blockProblems(form, showsNothing)).toEqual(["title"]);
    form.title = "Nap work";
    form.time = "13:00";
    form.length = 120;
    form.flexible = true;
    form.expected = 60;
    expect(blockProblems(form, showsNothing)).toEqual([]);
    expect(toBlockDraft(form)).toMatchObject({
      title: "Nap work",
      templateId: null,
      startMinute: 780,
      lengthMinutes: 120,
      expectedMinutes: 60,
      remindMinutes: 10,
    });
    form.flexible = false;
    form.remind = null;
    expect(toBlockDraft(form)).toMatchObject({ expectedMinutes: null, remindMinutes: null });
    form.time = "";
    form.length = null;
    expect(blockProblems(form, showsNothing)).toEqual(["time", "length"]);
  });

  it("read a stored block back", () => {
    const draft = toBlockDraft({ ...blockForm(null, TODAY), title: "Morning", templateId: "t1", time: "09:00", length: 240 });
    const again = blockForm({ id: "b1", ...draft }, TODAY);
    expect(toBlockDraft(again)).toEqual(draft);
  });

  it("make a routine's draft: no tag, no estimate, empty steps left out", () => {
    const form = routineForm(null, TODAY);
    expect(toRecurrence(form.rule).repeat).toEqual({ every: "weeks", interval: 1, days: ["we"] });
    expect(routineProblems(form, showsNothing)).toEqual(["title"]);
    form.title = "Bookkeeping";
    form.tag = "  ";
    form.steps = [{ key: 1, text: "Receipts" }, { key: 2, text: " " }, { key: 3, text: "Bank" }];
    expect(toRoutineDraft(form, showsNothing)).toMatchObject({ title: "Bookkeeping", tag: null, steps: ["Receipts", "Bank"], estimateMinutes: null });
    form.estimate = 1.5;
    expect(routineProblems(form, showsNothing)).toEqual(["estimate"]);
  });
});

const occurrence = (startsAt: string, endsAt: string, more: Partial<ScheduledOccurrence> = {}): ScheduledOccurrence => ({
  blockId: "b",
  day: startsAt.slice(0, 10),
  title: "Block",
  templateId: null,
  startsAt,
  endsAt,
  expectedMinutes: null,
  remindMinutes: 10,
  moved: false,
  skipped: false,
  state: "planned",
  ...more,
});
const utcDay = (iso: string) => iso.slice(0, 10);

describe("the week", () => {
  const session = (startedAt: string, focusSecs: number) => ({ id: startedAt, startedAt, focusSecs }) as SessionSummary;

  it("puts occurrences (a moved one where it went), sessions, focus and budget on each day", () => {
    const kitchen = { membershipId: "m", room: "Social Media Kitchen", title: "Worktogether", startsAt: "2026-06-04T16:00:00Z", endsAt: "2026-06-04T18:00:00Z" };
    const week = weekDays(
      "2026-06-01",
      {
        occurrences: [
          occurrence("2026-06-02T13:00:00Z", "2026-06-02T15:00:00Z"),
          occurrence("2026-06-02T09:00:00Z", "2026-06-02T12:00:00Z"),
          occurrence("2026-06-05T09:00:00Z", "2026-06-05T10:00:00Z", { day: "2026-06-04", moved: true }),
        ],
        sessions: [session("2026-06-02T09:05:00Z", 3000), session("2026-06-02T13:10:00Z", 2700)],
        roomSessions: [kitchen],
      },
      [240, 240, 240, 240, 120, 0, 0],
      utcDay,
    );
    expect(week.map((d) => d.day)).toEqual(["2026-06-01", "2026-06-02", "2026-06-03", "2026-06-04", "2026-06-05", "2026-06-06", "2026-06-07"]);
    expect(week[1]!.occurrences.map((o) => o.startsAt)).toEqual(["2026-06-02T09:00:00Z", "2026-06-02T13:00:00Z"]);
    expect(week[1]!.focusSecs).toBe(5700);
    expect(week[3]!.occurrences).toEqual([]);
    expect(week[3]!.roomSessions).toEqual([kitchen]);
    expect(week[4]!.occurrences).toHaveLength(1);
    expect(week[4]!.budgetMinutes).toBe(120);
    expect(week[6]!.budgetMinutes).toBe(0);
    expect(budgetShare(5700, 240)).toBeCloseTo(0.396, 3);
    expect(budgetShare(20_000, 240)).toBe(1);
    expect(budgetShare(100, 0)).toBe(0);
  });

  it("offers Start today while not over, and Home the next block within its reminder time", () => {
    const morning = occurrence("2026-06-03T09:00:00Z", "2026-06-03T12:00:00Z");
    const nap = occurrence("2026-06-03T13:00:00Z", "2026-06-03T15:00:00Z", { remindMinutes: 15 });
    const at = (time: string) => Date.parse(`2026-06-03T${time}:00Z`);
    expect(canStart(morning, TODAY, at("08:00"), utcDay)).toBe(true);
    expect(canStart(morning, TODAY, at("12:00"), utcDay)).toBe(false);
    expect(canStart(morning, "2026-06-04", at("08:00"), utcDay)).toBe(false);
    expect(canStart({ ...morning, skipped: true, state: "skipped" }, TODAY, at("08:00"), utcDay)).toBe(false);

    expect(nextBlockToday([nap, morning], TODAY, at("08:00"), utcDay)).toEqual({ occurrence: morning, startable: false, changesAt: at("08:50") });
    expect(nextBlockToday([nap, morning], TODAY, at("08:55"), utcDay)).toEqual({ occurrence: morning, startable: true, changesAt: at("12:00") });
    expect(nextBlockToday([nap, morning], TODAY, at("12:30"), utcDay)).toEqual({ occurrence: nap, startable: false, changesAt: at("12:45") });
    expect(nextBlockToday([nap, morning], TODAY, at("14:00"), utcDay)?.startable).toBe(true);
    expect(nextBlockToday([{ ...nap, remindMinutes: null }], TODAY, at("12:59"), utcDay)?.startable).toBe(false);
    expect(nextBlockToday([nap, morning], TODAY, at("15:00"), utcDay)).toBe(null);
    // one a session ran in already is not offered again on Home (the week still offers it)
    expect(nextBlockToday([nap, { ...morning, state: "held" }], TODAY, at("09:30"), utcDay)?.occurrence).toBe(nap);
    expect(canStart({ ...morning, state: "held" }, TODAY, at("09:30"), utcDay)).toBe(true);
  });
});

describe("routines", () => {
  const status = (current: RoutineStatus["current"], next: string | null = null): RoutineStatus =>
    ({ routine: {} as RoutineStatus["routine"], current, next, history: [], streak: 0 });

  it("stand due, overdue, kept, ahead or ended", () => {
    expect(standing(status(["2026-06-03", "due"]))).toEqual({ kind: "due", day: "2026-06-03" });
    expect(standing(status(["2026-06-01", "overdue"]))).toEqual({ kind: "overdue", day: "2026-06-01" });
    expect(standing(status(["2026-06-01", "kept"], "2026-07-01"))).toEqual({ kind: "kept", day: "2026-06-01", next: "2026-07-01" });
    expect(standing(status(["2026-05-01", "missed"], "2026-07-01"))).toEqual({ kind: "next", day: "2026-07-01" });
    expect(standing(status(null, "2026-07-01"))).toEqual({ kind: "next", day: "2026-07-01" });
    expect(standing(status(null))).toEqual({ kind: "ended" });
  });

  it("due or overdue ones are suggested", () => {
    const list = [status(["2026-06-03", "due"]), status(["2026-06-01", "kept"]), status(["2026-06-01", "overdue"]), status(null)];
    expect(dueRoutines(list)).toEqual([list[0], list[2]]);
  });

  it("the three suggestions fall where the brief says", () => {
    const [bookkeeping, social, website] = ROUTINE_SUGGESTIONS.map((s) => suggestionDraft(s.repeat, s.key, "tag", TODAY));
    expect(describeRule(bookkeeping!.recurrence, en, TODAY)).toBe("Every month on the first working day");
    expect(describeRule(social!.recurrence, de, TODAY)).toBe("Jeden Montag");
    expect(describeRule(website!.recurrence, en, TODAY)).toBe("Every month on the 15th");
  });
});

describe("the daily budget", () => {
  it("is minutes, typed as hours and minutes", () => {
    expect(splitMinutes(130)).toEqual({ hours: 2, minutes: 10 });
    expect(joinMinutes(2, 10)).toBe(130);
    expect(joinMinutes(null, 45)).toBe(45);
    expect(joinMinutes(3, null)).toBe(180);
    expect(joinMinutes(1.5, 0)).toBe(null);
    expect(joinMinutes(-1, 0)).toBe(null);
    expect(workdaysAlike([240, 240, 240, 240, 240, 0, 0])).toBe(true);
    expect(workdaysAlike([240, 240, 240, 240, 120, 0, 0])).toBe(false);
  });
});
