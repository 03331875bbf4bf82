// `prefers-reduced-motion: reduce` stops every transition and animation of the UI.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { files, hasReducedMotionReset, scriptedMotion, srcDir, styleOf, unguardedMotion } from "./motion";

describe("the motion scanner itself", () => {
  it("accepts motion that the reset or a no-preference query covers", () => {
    expect(unguardedMotion(".a { transition: width 0.5s linear; animation: spin 1s; }")).toEqual([]);
    expect(unguardedMotion("@media (prefers-reduced-motion: no-preference) { .a { transition: all 1s !important } }")).toEqual([]);
    expect(unguardedMotion(".a { transition: none !important }")).toEqual([]);
  });
  it("finds motion that beats the reset", () => {
    expect(unguardedMotion(".a { transition: width 0.5s !important }")).toEqual([
      ".a { transition: width 0.5s !important } beats the reduced-motion reset",
    ]);
    expect(unguardedMotion(".b { animation-duration: 2s !important }")).toHaveLength(1);
    expect(unguardedMotion("html { scroll-behavior: smooth !important }")).toHaveLength(1);
  });
  it("recognises the reset, and only a complete one", () => {
    const reset = `@media (prefers-reduced-motion: reduce) {
      *, *::before, *::after { transition: none !important; animation: none !important; } }`;
    expect(hasReducedMotionReset(reset)).toBe(true);
    expect(hasReducedMotionReset(reset.replace("animation: none !important;", ""))).toBe(false);
    expect(hasReducedMotionReset(reset.replace("reduce", "no-preference"))).toBe(false);
    expect(hasReducedMotionReset(reset.replace("*::before, ", ""))).toBe(false);
    expect(hasReducedMotionReset(".a { transition: none !important; animation: none !important; }")).toBe(false);
  });
  it("finds motion started from script", () => {
    expect(scriptedMotion('<div transition:fade>x</div>')).toEqual(["Svelte transition: directive"]);
    expect(scriptedMotion("<li animate:flip>x</li>")).toEqual(["Svelte animate: directive"]);
    expect(scriptedMotion("<script>el.animate([], 200)</script>")).toEqual(["element.animate()"]);
    expect(scriptedMotion("const o = { transition: x };", "ts")).toEqual([]);
    expect(scriptedMotion('<script>el.scrollIntoView({ behavior: "smooth" })</script>')).toEqual(["smooth scrolling from script"]);
    expect(scriptedMotion('<p class="in:between">{a ? "in" : "out"}</p>')).toEqual([]);
  });
});

describe("the UI respects prefers-reduced-motion", () => {
  const global = readFileSync(join(srcDir, "styles.css"), "utf8");
  it("styles.css switches every transition and animation off under reduce", () => {
    expect(hasReducedMotionReset(global)).toBe(true);
  });
  it("no stylesheet animates past the reset", () => {
    const problems = [
      ...files(srcDir, ".css").flatMap((f) => unguardedMotion(readFileSync(f, "utf8")).map((p) => `${f}: ${p}`)),
      ...files(srcDir, ".svelte").flatMap((f) => unguardedMotion(styleOf(readFileSync(f, "utf8"))).map((p) => `${f}: ${p}`)),
    ];
    expect(problems).toEqual([]);
  });
  it("no component or script animates where CSS cannot stop it", () => {
    const sources = [
      ...files(srcDir, ".svelte").map((f) => [f, "svelte"] as const),
      ...files(srcDir, ".ts")
        .filter((f) => !f.includes("/tests/"))
        .map((f) => [f, "ts"] as const),
    ];
    const problems = sources.flatMap(([f, kind]) => scriptedMotion(readFileSync(f, "utf8"), kind).map((p) => `${f}: ${p}`));
    expect(problems).toEqual([]);
  });
});
