import { describe, expect, it } from "vitest";
import type { CurrentPhase } from "../bindings/ipc";
import * as limits from "../bindings/limits";
import {
  COMMITMENT_MAX_CHARS,
  ESTIMATE_MAX_MINUTES,
  EXTEND_STEP_MINUTES,
  NOTE_MAX_CHARS,
  TAG_MAX_CHARS,
  commitmentTextProblem,
  dayPart,
  estimateProblem,
  estimateValue,
  formatClock,
  formatHoursMinutes,
  formatOvertime,
  formatTimeOfDay,
  memoize,
  minutesLabel,
  planSummary,
  planTotalSecs,
  progressFraction,
  remainingSecs,
  startOfLocalDay,
  textTooLong,
} from "./format";

describe("memoize", () => {
  it("makes each value once per key and hands out the same one after", () => {
    const made: string[] = [];
    const shout = memoize((key) => {
      made.push(key);
      return { text: key.toUpperCase() };
    });
    const first = shout("de");
    expect(shout("de")).toBe(first);
    expect(shout("en").text).toBe("EN");
    expect(made).toEqual(["de", "en"]);
  });

});

describe("formatClock", () => {
  it("shows mm:ss below an hour", () => {
    expect(formatClock(0)).toBe("00:00");
    expect(formatClock(59)).toBe("00:59");
    expect(formatClock(600)).toBe("10:00");
    expect(formatClock(3599)).toBe("59:59");
  });
  it("shows h:mm:ss from an hour on", () => {
    expect(formatClock(3600)).toBe("1:00:00");
    expect(formatClock(3661)).toBe("1:01:01");
    expect(formatClock(36000)).toBe("10:00:00");
  });
  it("never shows negative time", () => {
    expect(formatClock(-5)).toBe("00:00");
  });
  it("drops fractions", () => {
    expect(formatClock(61.9)).toBe("01:01");
  });
});

describe("formatOvertime", () => {
  it("is calm and short", () => {
    expect(formatOvertime(0)).toBe("+0:00");
    expect(formatOvertime(75)).toBe("+1:15");
    expect(formatOvertime(3725)).toBe("+1:02:05");
  });
});

describe("formatTimeOfDay", () => {
  it("writes every minute of a day as Intl does for German and British English", () => {
    const intl = ["de-DE", "en-GB"].map(
      (locale) => new Intl.DateTimeFormat(locale, { hour: "2-digit", minute: "2-digit", hour12: false }),
    );
    for (let minute = 0; minute < 24 * 60; minute++) {
      const date = new Date(2026, 2, 29, 0, minute);
      for (const format of intl) expect(formatTimeOfDay(date)).toBe(format.format(date));
    }
  });
});

describe("formatHoursMinutes", () => {
  it("shows h:mm", () => {
    expect(formatHoursMinutes(0)).toBe("0:00");
    expect(formatHoursMinutes(59 * 60)).toBe("0:59");
    expect(formatHoursMinutes(100 * 60)).toBe("1:40");
    expect(formatHoursMinutes(89)).toBe("0:01");
  });
});

describe("planSummary", () => {
  it("joins the minutes of the phases", () => {
    const phases = [600, 3000, 600, 3000, 600].map((durationSecs, i) => ({
      kind: (["commitment", "focus", "break", "focus", "closing"] as const)[i]!,
      durationSecs,
    }));
    expect(planSummary(phases)).toBe("10 · 50 · 10 · 50 · 10");
    expect(planTotalSecs(phases)).toBe(7800);
  });
  it("handles odd durations and empty plans", () => {
    expect(minutesLabel(90)).toBe("1.5");
    expect(minutesLabel(90, "de")).toBe("1,5");
    expect(minutesLabel(5)).toBe("0.1");
    expect(minutesLabel(6000)).toBe("100");
    expect(minutesLabel(28800, "de-DE")).toBe("480");
    expect(minutesLabel(87, "de-DE")).toBe("1,5"); // 1.45 rounds half up, as Intl did
    expect(minutesLabel(1)).toBe("0");
    expect(minutesLabel(100)).toBe("1.7");
    expect(planSummary([])).toBe("");
  });
});

describe("remainingSecs", () => {
  const phase: CurrentPhase = {
    index: 1,
    kind: "focus",
    startedAt: "2026-11-25T13:00:00.000Z",
    deadline: "2026-11-25T13:50:00.000Z",
    durationSecs: 3000,
    remainingSecs: 1234,
  };
  it("is deadline minus now while running", () => {
    expect(remainingSecs(phase, "running", Date.parse("2026-11-25T13:00:00.000Z"))).toBe(3000);
    expect(remainingSecs(phase, "running", Date.parse("2026-11-25T13:49:00.000Z"))).toBe(60);
  });
  it("rounds partial seconds up so 00:00 only shows at the deadline", () => {
    expect(remainingSecs(phase, "running", Date.parse("2026-11-25T13:49:59.200Z"))).toBe(1);
  });
  it("goes negative past the deadline (overtime)", () => {
    expect(remainingSecs(phase, "running", Date.parse("2026-11-25T13:51:00.000Z"))).toBe(-60);
  });
  it("is the frozen value while paused", () => {
    expect(remainingSecs(phase, "paused", Date.parse("2026-11-25T15:00:00.000Z"))).toBe(1234);
  });
});

describe("progressFraction", () => {
  it("goes from 0 to 1", () => {
    expect(progressFraction(100, 100)).toBe(0);
    expect(progressFraction(100, 25)).toBe(0.75);
    expect(progressFraction(100, -10)).toBe(1);
    expect(progressFraction(0, 0)).toBe(1);
  });
});

describe("startOfLocalDay", () => {
  it("is local midnight", () => {
    const now = new Date(2026, 10, 25, 15, 30);
    const start = new Date(startOfLocalDay(now));
    expect(start.getFullYear()).toBe(2026);
    expect(start.getMonth()).toBe(10);
    expect(start.getDate()).toBe(25);
    expect(start.getHours()).toBe(0);
    expect(start.getMinutes()).toBe(0);
  });
});

describe("the core's limits", () => {
  it("are the generated ones, not copies", () => {
    expect(COMMITMENT_MAX_CHARS).toBe(limits.COMMITMENT_MAX_CHARS);
    expect(ESTIMATE_MAX_MINUTES).toBe(limits.ESTIMATE_MAX_MINUTES);
    expect(TAG_MAX_CHARS).toBe(limits.TAG_MAX_CHARS);
    expect(NOTE_MAX_CHARS).toBe(limits.NOTE_MAX_CHARS);
  });
  it("leave room for what the UI sends", () => {
    // one click on "+5 min" is an extension the core accepts
    expect(EXTEND_STEP_MINUTES).toBeGreaterThanOrEqual(1);
    expect(EXTEND_STEP_MINUTES).toBeLessThanOrEqual(limits.EXTEND_MAX_MINUTES);
    expect(EXTEND_STEP_MINUTES).toBe(5);
  });
});

describe("commitmentTextProblem", () => {
  const max = limits.COMMITMENT_MAX_CHARS;
  it("rejects empty and over-long text", () => {
    expect(commitmentTextProblem("")).toBe("empty");
    expect(commitmentTextProblem("   ")).toBe("empty");
    expect(commitmentTextProblem("a".repeat(max))).toBeNull();
    expect(commitmentTextProblem("a".repeat(max + 1))).toBe("too_long");
    expect(commitmentTextProblem(` ${"a".repeat(max)} `)).toBeNull();
    expect(commitmentTextProblem("Buchhaltung")).toBeNull();
  });
  it("counts characters as Rust does, not UTF-16 units", () => {
    expect(commitmentTextProblem("ä".repeat(max))).toBeNull();
    expect(commitmentTextProblem("🙂".repeat(max))).toBeNull();
    expect(commitmentTextProblem("🙂".repeat(max + 1))).toBe("too_long");
  });
});

describe("textTooLong (tags and notes)", () => {
  it("allows empty text and up to the limit after trimming", () => {
    expect(textTooLong("", limits.TAG_MAX_CHARS)).toBe(false);
    expect(textTooLong("x".repeat(limits.TAG_MAX_CHARS), limits.TAG_MAX_CHARS)).toBe(false);
    expect(textTooLong(`  ${"x".repeat(limits.TAG_MAX_CHARS)}\n`, limits.TAG_MAX_CHARS)).toBe(false);
    expect(textTooLong("x".repeat(limits.TAG_MAX_CHARS + 1), limits.TAG_MAX_CHARS)).toBe(true);
    expect(textTooLong("🙂".repeat(limits.NOTE_MAX_CHARS), limits.NOTE_MAX_CHARS)).toBe(false);
    expect(textTooLong("🙂".repeat(limits.NOTE_MAX_CHARS + 1), limits.NOTE_MAX_CHARS)).toBe(true);
  });
});

describe("dayPart", () => {
  it("greets by the time of day", () => {
    expect(dayPart(new Date(2026, 0, 1, 8))).toBe("morning");
    expect(dayPart(new Date(2026, 0, 1, 14))).toBe("afternoon");
    expect(dayPart(new Date(2026, 0, 1, 20))).toBe("evening");
    expect(dayPart(new Date(2026, 0, 1, 2))).toBe("night");
  });
});

describe("estimateProblem / estimateValue", () => {
  const max = limits.ESTIMATE_MAX_MINUTES;
  it("allows no estimate or whole minutes from 1 to the core's maximum", () => {
    expect(estimateProblem(null)).toBeNull();
    expect(estimateProblem(undefined)).toBeNull();
    expect(estimateProblem(Number.NaN)).toBeNull();
    expect(estimateProblem(1)).toBeNull();
    expect(estimateProblem(max)).toBeNull();
  });
  it("refuses fractions and out-of-range values", () => {
    expect(estimateProblem(2.5)).toBe("not_whole");
    expect(estimateProblem(0)).toBe("out_of_range");
    expect(estimateProblem(max + 1)).toBe("out_of_range");
  });
  it("sends null for an empty field", () => {
    expect(estimateValue(null)).toBeNull();
    expect(estimateValue(Number.NaN)).toBeNull();
    expect(estimateValue(30)).toBe(30);
  });
});
