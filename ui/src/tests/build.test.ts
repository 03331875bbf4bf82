// The browser mock of the IPC is for development only and never reaches the production build;
// d3 comes only with the statistics, which are loaded when their tab is first opened.
import { readFileSync } from "node:fs";
import { relative } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { files } from "./motion";

const ui = fileURLToPath(new URL("../../", import.meta.url));

describe("production entry", () => {
  it("index.html loads the app, not the mock", () => {
    const html = readFileSync(`${ui}index.html`, "utf8");
    expect(html).toContain("/src/main.ts");
    expect(html).not.toMatch(/mock/i);
  });
  it("the app code never imports the mock", () => {
    const app = [
      "src/main.ts",
      "src/lib/api.ts",
      "src/lib/announcer.svelte.ts",
      "src/lib/navigation.svelte.ts",
      "src/lib/session.svelte.ts",
      "src/lib/settings.svelte.ts",
      "src/lib/rooms.svelte.ts",
      "src/lib/rooms.ts",
      "src/lib/roomSession.ts",
      "src/lib/startup.svelte.ts",
      "src/App.svelte",
    ];
    for (const file of app) {
      expect(readFileSync(`${ui}${file}`, "utf8"), file).not.toMatch(/mock/i);
    }
  });
  it("vite builds index.html only", () => {
    const config = readFileSync(`${ui}vite.config.ts`, "utf8");
    expect(config).toMatch(/input:\s*fileURLToPath\(new URL\("\.\/index\.html"/);
  });
});

describe("d3 stays with the statistics and the weekly review", () => {
  const src = fileURLToPath(new URL("../", import.meta.url));
  const sources = [...files(src, ".ts"), ...files(src, ".svelte")]
    .filter((f) => !f.includes("/tests/") && !f.endsWith(".test.ts"))
    .map((f) => [relative(src, f), readFileSync(f, "utf8")] as const);
  const importers = (pattern: RegExp) =>
    sources.filter(([, code]) => pattern.test(code)).map(([name]) => name).sort();

  it("only the statistics' parts import d3", () => {
    for (const name of importers(/from "d3-/)) {
      expect(name, name).toMatch(/^(components\/Stats[A-Za-z]*\.svelte|lib\/stats\.ts)$/);
    }
  });
  it("the statistics' parts are reached only through Statistics.svelte and WeeklyReview.svelte", () => {
    for (const name of importers(/from "[^"]*\/Stats[A-Z][A-Za-z]*\.svelte"|from "[^"]*\/stats"/)) {
      expect(name, name).toMatch(/^components\/(Statistics|Stats[A-Za-z]*|WeeklyReview)\.svelte$/);
    }
  });
  it("Statistics.svelte and WeeklyReview.svelte are loaded only when needed (views.ts, a dynamic import)", () => {
    const views = sources.find(([name]) => name === "lib/views.ts")?.[1];
    for (const screen of ["Statistics", "WeeklyReview"]) {
      expect(importers(new RegExp(`${screen}\\.svelte`))).toEqual(["lib/views.ts"]);
      expect(views).toMatch(new RegExp(`import\\("\\.\\./components/${screen}\\.svelte"\\)`));
    }
  });
});
