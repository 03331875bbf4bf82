// Days on the person's calendar as Rust writes them (`YYYY-MM-DD`), and calendar arithmetic on
// them: no clock involved, so no daylight saving either. Shared by the statistics and the
// schedule (no chart library here: the week must not load d3).

/** A day on the person's calendar, as Rust writes it: `YYYY-MM-DD`. */
export type Day = string;

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;
export const pad = (n: number, width = 2) => String(n).padStart(width, "0");

/** Midnight UTC of a calendar day (days beyond the month roll over; years below 100 stay). */
export function utc(year: number, month: number, day: number): Date {
  const d = new Date(0);
  d.setUTCFullYear(year, month - 1, day);
  return d;
}

/** A day's year, month (1–12) and day of month; null for anything else. */
export function parseDay(day: string): { year: number; month: number; day: number } | null {
  const m = DAY.exec(day);
  if (!m) return null;
  const [year, month, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const check = utc(year, month, d);
  if (check.getUTCFullYear() !== year || check.getUTCMonth() !== month - 1 || check.getUTCDate() !== d) return null;
  return { year, month, day: d };
}

/** The `YYYY-MM-DD` of a year, month (1–12) and day; days beyond the month roll over. */
export function makeDay(year: number, month: number, day: number): Day {
  const d = utc(year, month, day);
  return `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
}

/** The day `date` falls on, on this computer's calendar. */
export const dayOf = (date: Date): Day => makeDay(date.getFullYear(), date.getMonth() + 1, date.getDate());

/** `n` days after `day` (before, for a negative `n`). */
export function addDays(day: Day, n: number): Day {
  const p = parseDay(day);
  return p ? makeDay(p.year, p.month, p.day + n) : day;
}

/** Days from `a` to `b` (negative when `b` comes first). */
export function daysBetween(a: Day, b: Day): number {
  const pa = parseDay(a);
  const pb = parseDay(b);
  if (!pa || !pb) return 0;
  return Math.round((utc(pb.year, pb.month, pb.day).getTime() - utc(pa.year, pa.month, pa.day).getTime()) / 86_400_000);
}

/** 0 for Monday to 6 for Sunday. */
export function weekdayIndex(day: Day): number {
  const p = parseDay(day);
  return p ? (utc(p.year, p.month, p.day).getUTCDay() + 6) % 7 : 0;
}

/** Noon of `day` on this computer's calendar, as an instant: what the date formatters take
 * (noon, so no shift of the clock moves it to another day). */
export function dayInstant(day: Day): string {
  const p = parseDay(day);
  if (!p) return day;
  const d = new Date(2000, 0, 1, 12);
  d.setFullYear(p.year, p.month - 1, p.day);
  return d.toISOString();
}
