// The browser mock of the IPC is for development only and never reaches the production build.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

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
