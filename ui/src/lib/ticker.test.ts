import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { TICK_MS, Ticker } from "./ticker.svelte";

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

  it("ticks every 250–500 ms while visible", () => {
    expect(TICK_MS).toBeGreaterThanOrEqual(250);
    expect(TICK_MS).toBeLessThanOrEqual(500);
    const ticker = new Ticker();
    const stop = ticker.start();
    const before = ticker.now;
    vi.advanceTimersByTime(1000);
    expect(ticker.now).toBeGreaterThanOrEqual(before + 1000 - TICK_MS);
    expect(ticker.running).toBe(true);
    stop();
    expect(ticker.running).toBe(false);
    expect(vi.getTimerCount()).toBe(0);
  });

  it("stops while the document is hidden and restarts when visible again", () => {
    const ticker = new Ticker();
    const stop = ticker.start();
    doc.setHidden(true);
    expect(ticker.running).toBe(false);
    expect(vi.getTimerCount()).toBe(0);
    const frozen = ticker.now;
    vi.advanceTimersByTime(5000);
    expect(ticker.now).toBe(frozen);
    doc.setHidden(false);
    expect(ticker.running).toBe(true);
    expect(ticker.now).toBeGreaterThanOrEqual(frozen + 5000);
    stop();
  });

  it("does not start an interval when started hidden", () => {
    doc.hidden = true;
    const ticker = new Ticker();
    const stop = ticker.start();
    expect(vi.getTimerCount()).toBe(0);
    stop();
  });
});
