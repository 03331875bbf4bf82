import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { TICK_MS, Ticker, msToNextTick } from "./ticker.svelte";

class FakeDocument extends EventTarget {
  hidden = false;
  setHidden(hidden: boolean) {
    this.hidden = hidden;
    this.dispatchEvent(new Event("visibilitychange"));
  }
}

describe("Ticker", () => {
  let doc: FakeDocument;
  beforeEach(() => {
    vi.useFakeTimers();
    doc = new FakeDocument();
    vi.stubGlobal("document", doc);
  });
  afterEach(() => {
    vi.unstubAllGlobals();
    vi.useRealTimers();
  });

  it("waits for the next whole second left to the deadline, before and after it", () => {
    expect(msToNextTick(10_000, 7_500)).toBe(500);
    expect(msToNextTick(10_000, 7_000)).toBe(1000);
    expect(msToNextTick(10_000, 9_999)).toBe(1);
    expect(msToNextTick(10_000, 10_000)).toBe(1000);
    expect(msToNextTick(10_000, 10_300)).toBe(700);
    expect(msToNextTick(10_000, 11_000)).toBe(1000);
    expect(msToNextTick(NaN, 7_500)).toBe(1000);
  });

  // Each tick redraws the countdown: more than one a second keeps WebKit painting.
  for (const [name, offsetMs] of [
    ["before the deadline", 90_500],
    ["past the deadline (overtime)", -300],
  ] as const) {
    it(`ticks at most once a second, when the shown second changes (${name})`, () => {
      expect(TICK_MS).toBe(1000);
      const deadline = Date.now() + offsetMs;
      const ticker = new Ticker();
      const stop = ticker.start(deadline);
      const ticks: number[] = [];
      let last = ticker.now;
      for (let ms = 0; ms < 10_000; ms++) {
        vi.advanceTimersByTime(1);
        if (ticker.now !== last) ticks.push((last = ticker.now));
        expect(vi.getTimerCount(), "one timer at a time").toBe(1);
      }
      expect(ticks, "ten seconds, ten ticks").toHaveLength(10);
      for (const [i, at] of ticks.entries()) {
        expect(Math.abs(deadline - at) % 1000, `tick ${i} on a whole second of the deadline`).toBe(0);
        if (i > 0) expect(at - ticks[i - 1]!, `tick ${i} a second after the one before`).toBe(1000);
      }
      stop();
      expect(ticker.running).toBe(false);
      expect(vi.getTimerCount()).toBe(0);
    });
  }

  it("stops while the document is hidden and restarts when visible again", () => {
    const deadline = Date.now() + 60_250;
    const ticker = new Ticker();
    const stop = ticker.start(deadline);
    doc.setHidden(true);
    expect(ticker.running).toBe(false);
    expect(vi.getTimerCount()).toBe(0);
    const frozen = ticker.now;
    vi.advanceTimersByTime(5000);
    expect(ticker.now).toBe(frozen);
    doc.setHidden(false);
    expect(ticker.running).toBe(true);
    expect(ticker.now).toBeGreaterThanOrEqual(frozen + 5000);
    vi.advanceTimersToNextTimer();
    expect((deadline - ticker.now) % 1000, "back on the deadline's seconds").toBe(0);
    stop();
  });

  it("does not start a timer when started hidden", () => {
    doc.hidden = true;
    const ticker = new Ticker();
    const stop = ticker.start(Date.now() + 60_000);
    expect(vi.getTimerCount()).toBe(0);
    stop();
  });
});
