// Every user-visible string comes from the catalogs: no literal text in Svelte markup.
import { readFileSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { findHardCodedText } from "./hardcoded";

const srcDir = fileURLToPath(new URL("../", import.meta.url));

function svelteFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return svelteFiles(path);
    return name.endsWith(".svelte") ? [path] : [];
  });
}

describe("findHardCodedText (the scanner itself)", () => {
  it("finds literal text nodes", () => {
    expect(findHardCodedText("<p>Hello</p>")).toEqual(["text: Hello"]);
    expect(findHardCodedText("<button>{t('a')} Start</button>")).toEqual(["text: Start"]);
  });
  it("finds literal labelling attributes", () => {
    expect(findHardCodedText('<input placeholder="Type here" />')).toEqual(['placeholder="Type here"']);
    expect(findHardCodedText("<button aria-label='Close'></button>")).toEqual(["aria-label=\"Close\""]);
    expect(findHardCodedText('<span title="x {n}"></span>')).toEqual(['title="x {}"']);
  });
  it("ignores expressions, scripts, styles, comments, entities and punctuation", () => {
    const ok = `<script lang="ts">const a = "Hello";</script>
      <!-- a comment -->
      <p>{t("x")}</p>
      <p>{a > b ? "yes" : "no"} · – {n}</p>
      <input placeholder={t("y")} aria-label="{t('z')}" />
      <button onclick={() => go("home")}>{t("nav.home")}</button>
      <span>&nbsp;&middot;</span>
      <style>p::before { content: "Hi"; }</style>`;
    expect(findHardCodedText(ok)).toEqual([]);
  });
});

describe("Svelte components", () => {
  const files = svelteFiles(srcDir);
  it("exist", () => {
    expect(files.length).toBeGreaterThan(3);
  });
  for (const file of files) {
    it(`${file.slice(srcDir.length)} has no hard-coded user-visible text`, () => {
      expect(findHardCodedText(readFileSync(file, "utf8"))).toEqual([]);
    });
  }
});
