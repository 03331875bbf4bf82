// Every key exists in both languages, with the same placeholders, and nothing is empty.
import { readFileSync, readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const localesDir = fileURLToPath(new URL("../../../locales/", import.meta.url));
const load = (lang: string): Record<string, string> =>
  JSON.parse(readFileSync(`${localesDir}${lang}.json`, "utf8")) as Record<string, string>;

const en = load("en");
const de = load("de");
const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe("catalogs", () => {
  it("have the same keys in English and German", () => {
    const onlyEn = Object.keys(en).filter((k) => !(k in de));
    const onlyDe = Object.keys(de).filter((k) => !(k in en));
    expect(onlyEn, "keys missing in locales/de.json").toEqual([]);
    expect(onlyDe, "keys missing in locales/en.json").toEqual([]);
  });

  it("are flat objects of non-empty strings", () => {
    for (const catalog of [en, de]) {
      for (const [key, value] of Object.entries(catalog)) {
        expect(typeof value, key).toBe("string");
        expect(value.trim().length, key).toBeGreaterThan(0);
      }
    }
  });

  it("use the same placeholders in both languages", () => {
    for (const key of Object.keys(en)) {
      if (key in de) expect(placeholders(de[key] ?? ""), key).toEqual(placeholders(en[key] ?? ""));
    }
  });

  it("are exactly one file per language", () => {
    expect(readdirSync(localesDir).sort()).toEqual(["de.json", "en.json"]);
  });

  it("speaks German informally (du, not Sie) and keeps the product's words", () => {
    const formal = /\b(Sie|Ihnen|Ihre?[nmrs]?)\b/;
    for (const [key, value] of Object.entries(de)) {
      // "Sie" at the start may refer to the session ("Sie bleibt …"); only flag the polite forms
      if (key === "session.abandonQuestion") continue;
      expect(formal.test(value), `${key}: ${value}`).toBe(false);
    }
    expect(de["phase.commitment"]).toBe("Commitment-Runde");
    expect(de["phase.closing"]).toBe("Abschlussrunde");
    expect(de["phase.focus"]).toBe("Fokus");
    expect(de["phase.break"]).toBe("Pause");
  });
});
