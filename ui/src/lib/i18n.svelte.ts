// The messages (locales/{en,de}.json, shared with the Rust shell) and the current language.
// The bundle holds no catalog: Rust sends the one in use with the first screen and another
// on a switch of language, so the first screen parses one language, not two.
import type en from "../../../locales/en.json";
import type { Language } from "../bindings/ipc";
import type { PhaseKind } from "../bindings/ipc";

import { formatTimeOfDay, memoize } from "./format";

export type MessageKey = keyof typeof en;
export type Catalog = Record<string, string>;

/** The message key of a phase's name ("Focus", "Closing round"…). */
export const phaseKey = (kind: PhaseKind): MessageKey => `phase.${kind}` as MessageKey;

const catalogs: Partial<Record<Language, Catalog>> = {};

/** Keep the messages of `lang`, as Rust sent them. */
export function addCatalog(lang: Language, catalog: Catalog): void {
  catalogs[lang] = catalog;
}

export const hasCatalog = (lang: Language): boolean => catalogs[lang] !== undefined;

export function languageFrom(tag: string | undefined | null): Language {
  return tag && tag.toLowerCase().startsWith("de") ? "de" : "en";
}

const initial: Language = typeof navigator === "undefined" ? "en" : languageFrom(navigator.language);

export const i18n = $state<{ lang: Language }>({ lang: initial });
if (typeof document !== "undefined") document.documentElement.lang = initial;

export function setLanguage(lang: Language): void {
  i18n.lang = lang;
  if (typeof document !== "undefined") document.documentElement.lang = lang;
}

/** Fill `{name}` placeholders. */
export function interpolate(text: string, params?: Record<string, string | number>): string {
  if (!params) return text;
  return text.replace(/\{(\w+)\}/g, (whole, name: string) =>
    name in params ? String(params[name]) : whole,
  );
}

export function t(key: MessageKey, params?: Record<string, string | number>): string {
  const text = catalogs[i18n.lang]?.[key] ?? key;
  return interpolate(text, params);
}

const pluralRules = memoize((lang) => new Intl.PluralRules(lang));

/** Plural-aware lookup: uses `<key>.one` / `<key>.other` with `{count}`. */
export function tn(key: string, count: number, params?: Record<string, string | number>): string {
  const rule = pluralRules(i18n.lang).select(count) === "one" ? "one" : "other";
  const full = `${key}.${rule}` as MessageKey;
  return t(full, { count, ...params });
}

/** A planned length in words: "2 h 10 min", "50 min", "1 h". */
export function durationWords(totalSecs: number): string {
  const mins = Math.round(totalSecs / 60);
  const h = Math.floor(mins / 60);
  const m = mins % 60;
  if (h === 0) return t("duration.minutes", { m });
  if (m === 0) return t("duration.hours", { h });
  return t("duration.hoursMinutes", { h, m });
}

const locale = () => (i18n.lang === "de" ? "de-DE" : "en-GB");

const dateFormat = memoize((locale) => new Intl.DateTimeFormat(locale, { dateStyle: "medium" }));
const weekdayDateFormat = memoize(
  (locale) =>
    new Intl.DateTimeFormat(
      locale,
      locale === "de-DE"
        ? { weekday: "short", day: "2-digit", month: "2-digit", year: "numeric" }
        : { weekday: "short", day: "numeric", month: "short", year: "numeric" },
    ),
);
const weekdayDayFormat = memoize(
  (locale) => new Intl.DateTimeFormat(locale, { weekday: "short", day: "numeric", month: "short" }),
);

export function formatDate(iso: string): string {
  return dateFormat(locale()).format(new Date(iso));
}

export function formatWeekdayDate(iso: string): string {
  return weekdayDateFormat(locale()).format(new Date(iso));
}

/** A weekday and date without the year: "Tue 10 Dec", "Di., 10. Dez." */
export function formatWeekdayDay(iso: string): string {
  return weekdayDayFormat(locale()).format(new Date(iso));
}

/** A time of day, "09:05", in both languages (see `formatTimeOfDay`). */
export function formatTime(iso: string): string {
  return formatTimeOfDay(new Date(iso));
}

// The data files' lists (backups, importable backups): when a file was made and its size.
const secondsFormat = memoize((locale) => new Intl.DateTimeFormat(locale, { timeStyle: "medium" }));
const fileSizeFormat = memoize((key) => {
  const [locale, unit] = key.split(" ");
  return new Intl.NumberFormat(locale, {
    style: "unit",
    unit,
    unitDisplay: "short",
    maximumFractionDigits: unit === "megabyte" ? 1 : 0,
  });
});

/** A weekday, date and time: "Thu, 3 Dec 2026, 18:07" (with seconds: "…, 18:07:42"). */
export function formatWeekdayDateTime(iso: string, seconds = false): string {
  const time = seconds ? secondsFormat(locale()).format(new Date(iso)) : formatTime(iso);
  return `${formatWeekdayDate(iso)}, ${time}`;
}

/** A file's size in kB (at least 1) or, from a million bytes, in MB with one decimal. */
export function formatFileSize(bytes: number): string {
  const megabytes = bytes >= 1_000_000;
  return fileSizeFormat(`${locale()} ${megabytes ? "megabyte" : "kilobyte"}`).format(
    megabytes ? bytes / 1_000_000 : Math.max(1, Math.round(bytes / 1000)),
  );
}

// The statistics' dates and numbers (the formatters are made on first use, never at start-up).
const monthShortFormat = memoize((locale) => new Intl.DateTimeFormat(locale, { month: "short" }));
const monthYearFormat = memoize((locale) => new Intl.DateTimeFormat(locale, { month: "long", year: "numeric" }));
const weekdayShortFormat = memoize((locale) => new Intl.DateTimeFormat(locale, { weekday: "short" }));
const dayMonthFormat = memoize((locale) => new Intl.DateTimeFormat(locale, { day: "numeric", month: "short" }));
const percentFormat = memoize((locale) => new Intl.NumberFormat(locale, { style: "percent", maximumFractionDigits: 0 }));
const decimalFormat = memoize((locale) => new Intl.NumberFormat(locale, { maximumFractionDigits: 1 }));

/** A month's short name: "Dec", "Dez." */
export function formatMonthShort(iso: string): string {
  return monthShortFormat(locale()).format(new Date(iso));
}

/** A month and its year: "December 2026", "Dezember 2026" */
export function formatMonthYear(iso: string): string {
  return monthYearFormat(locale()).format(new Date(iso));
}

/** A weekday's short name: "Mon", "Mo." */
export function formatWeekdayShort(iso: string): string {
  return weekdayShortFormat(locale()).format(new Date(iso));
}

/** A day and month: "3 Dec", "3. Dez." */
export function formatDayMonth(iso: string): string {
  return dayMonthFormat(locale()).format(new Date(iso));
}

/** A share from 0 to 1 as whole percent: "67%", "67 %" */
export function formatPercent(share: number): string {
  return percentFormat(locale()).format(share);
}

/** A number with at most one decimal: "1.5", "1,5" */
export function formatDecimal(n: number): string {
  return decimalFormat(locale()).format(n);
}
