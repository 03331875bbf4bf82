import { describe, expect, it } from "vitest";
import type { Template } from "../bindings/ipc";
import { PHASE_MAX_SECS, PHASE_MIN_SECS, TEMPLATE_MAX_PHASES, TEMPLATE_NAME_MAX_CHARS } from "../bindings/limits";
import {
  PHASE_MAX_MINUTES,
  PHASE_MIN_MINUTES,
  foldName,
  hasProblems,
  minutesProblem,
  minutesToSecs,
  moved,
  nameProblem,
  newRow,
  rowFromPhase,
  rowProblem,
  rowSecs,
  rowsFor,
  rowsTotalSecs,
  secsToMinutes,
  shapeProblem,
  templateProblems,
  toDraft,
  withMinutes,
} from "./templates";

const kinds = (list: string) => list.split(" ").map((k) => ({ kind: k as "commitment" | "focus" | "break" | "closing" }));

describe("minutes and seconds", () => {
  it("shows seconds as whole minutes, rounded up", () => {
    expect(secsToMinutes(600)).toBe(10);
    expect(secsToMinutes(3)).toBe(1);
    expect(secsToMinutes(61)).toBe(2);
    expect(secsToMinutes(0)).toBe(0);
    expect(secsToMinutes(8 * 3600)).toBe(480);
  });
  it("sends minutes as seconds", () => {
    expect(minutesToSecs(25)).toBe(1500);
    expect(minutesToSecs(480)).toBe(28800);
  });
});

describe("the editor's minute range", () => {
  it("is whole minutes from 1 to the longest phase the core accepts", () => {
    expect(PHASE_MIN_MINUTES).toBe(1);
    expect(minutesToSecs(PHASE_MIN_MINUTES)).toBeGreaterThanOrEqual(PHASE_MIN_SECS);
    expect(minutesToSecs(PHASE_MAX_MINUTES)).toBeLessThanOrEqual(PHASE_MAX_SECS);
    expect(minutesToSecs(PHASE_MAX_MINUTES + 1)).toBeGreaterThan(PHASE_MAX_SECS);
  });
});

describe("minutesProblem", () => {
  it("accepts whole minutes from 1 to the maximum", () => {
    expect(minutesProblem(1)).toBeNull();
    expect(minutesProblem(PHASE_MAX_MINUTES)).toBeNull();
  });
  it("refuses empty, fractional and out-of-range entries", () => {
    expect(minutesProblem(null)).toBe("empty");
    expect(minutesProblem(undefined)).toBe("empty");
    expect(minutesProblem(Number.NaN)).toBe("empty");
    expect(minutesProblem(2.5)).toBe("not_whole");
    expect(minutesProblem(0)).toBe("too_short");
    expect(minutesProblem(-5)).toBe("too_short");
    expect(minutesProblem(PHASE_MAX_MINUTES + 1)).toBe("too_long");
    expect(minutesProblem(1800)).toBe("too_long");
  });
});

describe("rows keep exact seconds until the person changes them", () => {
  it("a seconds-long phase shows 1 minute and still sends its seconds", () => {
    const row = rowFromPhase({ kind: "focus", durationSecs: 5 });
    expect(row.minutes).toBe(1);
    expect(rowSecs(row)).toBe(5);
    expect(rowProblem(row)).toBeNull();
  });
  it("typing into the minutes drops the kept seconds", () => {
    const row = withMinutes(rowFromPhase({ kind: "focus", durationSecs: 5 }), 1);
    expect(rowSecs(row)).toBe(60);
    expect(rowSecs(withMinutes(row, 0))).toBeNull();
    expect(rowProblem(withMinutes(row, null))).toBe("empty");
  });
  it("a new template starts as commitment · focus · closing", () => {
    expect(rowsFor(null).map((r) => r.kind)).toEqual(["commitment", "focus", "closing"]);
    expect(hasProblems(templateProblems("Deep work", rowsFor(null), []))).toBe(false);
  });
  it("rows get distinct keys", () => {
    const rows = [newRow("focus"), newRow("focus"), newRow("break")];
    expect(new Set(rows.map((r) => r.key)).size).toBe(3);
  });
});

describe("nameProblem", () => {
  const max = TEMPLATE_NAME_MAX_CHARS;
  it("wants 1 to the core's maximum of characters after trimming", () => {
    expect(nameProblem("   ", [])).toBe("empty");
    expect(nameProblem("x".repeat(max), [])).toBeNull();
    expect(nameProblem("x".repeat(max + 1), [])).toBe("too_long");
    expect(nameProblem(` ${"x".repeat(max)} `, [])).toBeNull();
    // characters as Rust counts them
    expect(nameProblem("🙂".repeat(max), [])).toBeNull();
    expect(nameProblem("🙂".repeat(max + 1), [])).toBe("too_long");
  });
  it("wants a unique name, ignoring ASCII case like SQLite's NOCASE", () => {
    expect(nameProblem("pomodoro", ["Pomodoro"])).toBe("taken");
    expect(nameProblem(" Pomodoro ", ["Pomodoro"])).toBe("taken");
    expect(nameProblem("Pomodoro 2", ["Pomodoro"])).toBeNull();
    expect(foldName(" ÄPFEL ")).toBe("Äpfel");
    expect(nameProblem("äpfel", ["Äpfel"])).toBeNull();
  });
});

describe("shapeProblem", () => {
  it("accepts the ritual", () => {
    expect(shapeProblem(kinds("commitment focus closing"))).toBeNull();
    expect(shapeProblem(kinds("commitment focus break focus closing"))).toBeNull();
    expect(shapeProblem(kinds("commitment break focus break closing"))).toBeNull();
  });
  it("wants at least one focus block", () => {
    expect(shapeProblem(kinds("commitment closing"))).toBe("shape");
    expect(shapeProblem(kinds("commitment break closing"))).toBe("no_focus");
  });
  it("wants commitment first and closing last", () => {
    expect(shapeProblem(kinds("focus focus closing"))).toBe("shape");
    expect(shapeProblem(kinds("commitment focus break"))).toBe("shape");
    expect(shapeProblem(kinds("commitment closing focus closing"))).toBe("shape");
  });
  it("allows at most the core's number of phases", () => {
    const ok = ["commitment", ...Array<string>(TEMPLATE_MAX_PHASES - 2).fill("focus"), "closing"].join(" ");
    expect(shapeProblem(kinds(ok))).toBeNull();
    const tooMany = ["commitment", ...Array<string>(TEMPLATE_MAX_PHASES - 1).fill("focus"), "closing"].join(" ");
    expect(shapeProblem(kinds(tooMany))).toBe("too_many");
  });
});

describe("toDraft", () => {
  it("sends trimmed name and seconds, keeping untouched seconds", () => {
    const tpl: Template = {
      id: "t1",
      name: "Fast",
      builtin: false,
      phases: [
        { kind: "commitment", durationSecs: 3 },
        { kind: "focus", durationSecs: 5 },
        { kind: "closing", durationSecs: 3 },
      ],
    };
    const rows = rowsFor(tpl);
    rows[1] = withMinutes(rows[1]!, 20);
    expect(toDraft("t1", "  Fast ", rows)).toEqual({
      id: "t1",
      name: "Fast",
      phases: [
        { kind: "commitment", durationSecs: 3 },
        { kind: "focus", durationSecs: 1200 },
        { kind: "closing", durationSecs: 3 },
      ],
    });
    expect(rowsTotalSecs(rows)).toBe(1206);
  });
});

describe("moved", () => {
  it("swaps neighbours and leaves the ends alone", () => {
    expect(moved(["a", "b", "c"], 1, -1)).toEqual(["b", "a", "c"]);
    expect(moved(["a", "b", "c"], 1, 1)).toEqual(["a", "c", "b"]);
    expect(moved(["a", "b", "c"], 0, -1)).toEqual(["a", "b", "c"]);
    expect(moved(["a", "b", "c"], 2, 1)).toEqual(["a", "b", "c"]);
  });
});
