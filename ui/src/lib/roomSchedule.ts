// Pure helpers of a room's upcoming sessions (from its schedule, as the server computes them):
// on which day of the person's calendar each one falls, and the words for its day and time.
// The formatting itself (language, time zone) is passed in, so this stays testable.
import type { UpcomingView } from "../bindings/ipc";

/** Whether two moments fall on the same day of this computer's calendar. */
export function sameLocalDay(a: Date, b: Date): boolean {
  return a.getFullYear() === b.getFullYear() && a.getMonth() === b.getMonth() && a.getDate() === b.getDate();
}

/** "today" or "tomorrow" on this computer's calendar, else null. */
export function relativeDay(iso: string, now: Date): "today" | "tomorrow" | null {
  const at = new Date(iso);
  if (sameLocalDay(at, now)) return "today";
  const tomorrow = new Date(now.getFullYear(), now.getMonth(), now.getDate() + 1, 12);
  return sameLocalDay(at, tomorrow) ? "tomorrow" : null;
}

/** How the caller writes days and times (the catalogs, `Intl` in the person's language). */
export interface WhenFormat {
  today: string;
  tomorrow: string;
  /** a weekday and date without the year: "Tue 10 Dec" */
  day(iso: string): string;
  /** with the year, for a day in another year than now */
  dayWithYear(iso: string): string;
  time(iso: string): string;
  /** "09:00–12:00" */
  range(start: string, end: string): string;
}

/** One upcoming session's day ("Today", "Tomorrow", "Tue 10 Dec") and time ("09:00–12:00"). */
export function upcomingWhen(session: Pick<UpcomingView, "startsAt" | "endsAt">, now: Date, f: WhenFormat): { day: string; time: string } {
  const starts = new Date(session.startsAt);
  const ends = new Date(session.endsAt);
  const dayOf = (iso: string, at: Date) => {
    const relative = relativeDay(iso, now);
    if (relative) return f[relative];
    return at.getFullYear() === now.getFullYear() ? f.day(iso) : f.dayWithYear(iso);
  };
  const end = sameLocalDay(starts, ends) ? f.time(session.endsAt) : `${dayOf(session.endsAt, ends)} ${f.time(session.endsAt)}`;
  return { day: dayOf(session.startsAt, starts), time: f.range(f.time(session.startsAt), end) };
}
