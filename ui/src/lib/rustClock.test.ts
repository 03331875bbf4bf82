import { beforeEach, describe, expect, it } from "vitest";
import { LATENCY_MS, followRustClock, forgetRustClock, rustNow } from "./rustClock";

const iso = (ms: number) => new Date(ms).toISOString();

describe("Rust's clock", () => {
  beforeEach(() => forgetRustClock());

  it("is the page's clock until a snapshot says otherwise", () => {
    expect(rustNow(1_000)).toBe(1_000);
  });

  it("follows a clock moved 50 minutes ahead (the tests' clock)", () => {
    const page = Date.UTC(2026, 11, 3, 8, 0, 0);
    followRustClock(iso(page + 3_000_000), page);
    expect(rustNow(page + 1_000)).toBe(page + 3_001_000);
  });

  it("keeps the freshest estimate: a snapshot that arrived late is latency", () => {
    const page = Date.UTC(2026, 11, 3, 8, 0, 0);
    followRustClock(iso(page - 5), page); // 5 ms on the way
    followRustClock(iso(page + 1_000 - 900), page + 1_000); // 900 ms in the effects queue
    expect(rustNow(page)).toBe(page - 5);
  });

  it("takes a clock set back by more than a snapshot's latency", () => {
    const page = Date.UTC(2026, 11, 3, 8, 0, 0);
    followRustClock(iso(page), page);
    followRustClock(iso(page - LATENCY_MS - 3_600_000), page);
    expect(rustNow(page)).toBe(page - LATENCY_MS - 3_600_000);
  });

  it("ignores a time it cannot read", () => {
    followRustClock("yesterday", 0);
    expect(rustNow(42)).toBe(42);
  });
});
