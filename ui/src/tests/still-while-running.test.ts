// While a session runs the screen changes at most once a second: the countdown steps with its
// display clock (lib/ticker.test.ts) and nothing eases or loops in between. WebKit renders in
// software on Linux, so a transition restarted every second or an endless animation keeps it
// painting at frame rate for the whole session.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { endlessAnimations, files, motionDeclarations, srcDir, styleOf } from "./motion";

describe("the scanners", () => {
  it("find every transition and animation, and none that is switched off", () => {
    expect(motionDeclarations(".bar { transition: stroke-dashoffset 0.5s linear; }")).toEqual([
      ".bar { transition: stroke-dashoffset 0.5s linear }",
    ]);
    expect(motionDeclarations("@media (min-width: 1px) { .a span { transition-duration: 1s } }")).toHaveLength(1);
    expect(motionDeclarations(".a { animation: spin 1s } .b { transition: none } .c { transition: 0s }")).toEqual([
      ".a { animation: spin 1s }",
    ]);
  });
  it("find the animations that never end", () => {
    expect(endlessAnimations(".a { animation: spin 1s linear infinite }")).toHaveLength(1);
    expect(endlessAnimations(".a { animation: pulse 2s; animation-iteration-count: INFINITE }")).toHaveLength(1);
    expect(endlessAnimations(".a { animation: fade 0.2s; transition: width 1s }")).toEqual([]);
  });
});

describe("nothing moves between the countdown's seconds", () => {
  it("the countdown's ring and bar step without a transition or animation", () => {
    const countdown = readFileSync(join(srcDir, "components/Countdown.svelte"), "utf8");
    expect(motionDeclarations(styleOf(countdown))).toEqual([]);
  });
  it("no stylesheet runs an animation that never ends", () => {
    const problems = [
      ...files(srcDir, ".css").flatMap((f) => endlessAnimations(readFileSync(f, "utf8")).map((p) => `${f}: ${p}`)),
      ...files(srcDir, ".svelte").flatMap((f) => endlessAnimations(styleOf(readFileSync(f, "utf8"))).map((p) => `${f}: ${p}`)),
    ];
    expect(problems).toEqual([]);
  });
});
