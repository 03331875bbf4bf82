import { describe, expect, it } from "vitest";
import { relativeDay, sameLocalDay, upcomingWhen, type WhenFormat } from "./roomSchedule";

/** A moment on this computer's calendar. */
const local = (y: number, m: number, d: number, h = 0, min = 0) => new Date(y, m - 1, d, h, min);
const iso = (date: Date) => date.toISOString();

const time = new Intl.DateTimeFormat("en-GB", { hour: "2-digit", minute: "2-digit", hour12: false });
const format: WhenFormat = {
  today: "Today",
  tomorrow: "Tomorrow",
  day: (s) => new Intl.DateTimeFormat("en-GB", { weekday: "short", day: "numeric", month: "short" }).format(new Date(s)),
  dayWithYear: (s) =>
    new Intl.DateTimeFormat("en-GB", { weekday: "short", day: "numeric", month: "short", year: "numeric" }).format(new Date(s)),
  time: (s) => time.format(new Date(s)),
  range: (start, end) => `${start}–${end}`,
};

describe("an upcoming session's day", () => {
  const now = local(2026, 12, 3, 10, 30); // a Thursday

  it("is today or tomorrow on this computer's calendar", () => {
    expect(relativeDay(iso(local(2026, 12, 3, 23, 59)), now)).toBe("today");
    expect(relativeDay(iso(local(2026, 12, 4, 0, 0)), now)).toBe("tomorrow");
    expect(relativeDay(iso(local(2026, 12, 4, 23, 59)), now)).toBe("tomorrow");
    expect(relativeDay(iso(local(2026, 12, 5, 0, 0)), now)).toBe(null);
    // over the end of a month and a year
    expect(relativeDay(iso(local(2027, 1, 1, 9)), local(2026, 12, 31, 22))).toBe("tomorrow");
    expect(sameLocalDay(local(2026, 12, 3, 0, 0), local(2026, 12, 3, 23, 59))).toBe(true);
  });

  it("reads Today or Tomorrow with the time from–to", () => {
    expect(upcomingWhen({ startsAt: iso(local(2026, 12, 3, 14)), endsAt: iso(local(2026, 12, 3, 15, 30)) }, now, format)).toEqual({
      day: "Today",
      time: "14:00–15:30",
    });
    expect(upcomingWhen({ startsAt: iso(local(2026, 12, 4, 9)), endsAt: iso(local(2026, 12, 4, 12)) }, now, format)).toEqual({
      day: "Tomorrow",
      time: "09:00–12:00",
    });
  });

  it("reads the weekday and date later on, with the year only in another year", () => {
    const later = upcomingWhen({ startsAt: iso(local(2026, 12, 8, 9)), endsAt: iso(local(2026, 12, 8, 12)) }, now, format);
    expect(later.day).toMatch(/^Tue,? 8 Dec$/);
    expect(later.time).toBe("09:00–12:00");
    expect(upcomingWhen({ startsAt: iso(local(2027, 1, 5, 9)), endsAt: iso(local(2027, 1, 5, 12)) }, now, format).day).toMatch(
      /^Tue,? 5 Jan 2027$/,
    );
  });

  it("names the day of the end when a session goes past midnight", () => {
    const late = upcomingWhen({ startsAt: iso(local(2026, 12, 3, 23)), endsAt: iso(local(2026, 12, 4, 1)) }, now, format);
    expect(late).toEqual({ day: "Today", time: "23:00–Tomorrow 01:00" });
  });
});
