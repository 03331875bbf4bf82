// The catalogs (locales/{en,de}.json, shared with the Rust shell) and the current language.
import en from "../../../locales/en.json";
import de from "../../../locales/de.json";
import type { Language } from "../bindings/Language";

export type MessageKey = keyof typeof en;
type Catalog = Record<string, string>;

const catalogs: Record<Language, Catalog> = { en, de };

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
  const text = catalogs[i18n.lang][key] ?? catalogs.en[key] ?? key;
  return interpolate(text, params);
}

/** Plural-aware lookup: uses `<key>.one` / `<key>.other` with `{count}`. */
export function tn(key: string, count: number, params?: Record<string, string | number>): string {
  const rule = new Intl.PluralRules(i18n.lang).select(count) === "one" ? "one" : "other";
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

export function formatDate(iso: string): string {
  return new Intl.DateTimeFormat(locale(), { dateStyle: "medium" }).format(new Date(iso));
}

export function formatWeekdayDate(iso: string): string {
  const options: Intl.DateTimeFormatOptions =
    i18n.lang === "de"
      ? { weekday: "short", day: "2-digit", month: "2-digit", year: "numeric" }
      : { weekday: "short", day: "numeric", month: "short", year: "numeric" };
  return new Intl.DateTimeFormat(locale(), options).format(new Date(iso));
}

export function formatTime(iso: string): string {
  return new Intl.DateTimeFormat(locale(), { hour: "2-digit", minute: "2-digit", hour12: false }).format(
    new Date(iso),
  );
}
