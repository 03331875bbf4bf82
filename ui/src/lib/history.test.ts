import { describe, expect, it } from "vitest";
import type { SessionSummary } from "../bindings/ipc";
import { historyPage } from "../mock/history";
import { emptyFilter, groupByDay, isFiltered, queryFor } from "./history";

function session(id: string, startedAt: string, extra: Partial<SessionSummary> = {}): SessionSummary {
  return {
    id,
    templateName: "Worktogether",
    status: "finished",
    startedAt,
    endedAt: startedAt,
    focusSecs: 600,
    pauseSecs: 0,
    sleepSecs: 0,
    interruptions: 0,
    commitments: [],
    overallNote: null,
    focusRating: null,
    roomName: null,
    ...extra,
  };
}

/** An instant at a local time on this computer (the tests run in any zone). */
const local = (y: number, m: number, d: number, h = 0) => new Date(y, m - 1, d, h).toISOString();

describe("the timeline's filter", () => {
  it("asks for whole days, from local midnight to the midnight after the last day", () => {
    const q = queryFor({ ...emptyFilter(), from: "2026-03-28", to: "2026-03-29", tag: "  Buchhaltung ", text: " " });
    expect(q.from).toBe(local(2026, 3, 28));
    expect(q.to).toBe(local(2026, 3, 30));
    expect(q.tag).toBe("Buchhaltung");
    expect(q.text).toBe(null);
    expect(q.after).toBe(null);
  });

  it("ignores what is not a day, and knows when it narrows anything", () => {
    expect(queryFor({ ...emptyFilter(), from: "yesterday" }).from).toBe(null);
    expect(isFiltered(emptyFilter())).toBe(false);
    expect(isFiltered({ ...emptyFilter(), outcome: "done" })).toBe(true);
  });
});

describe("the timeline's days", () => {
  it("group sessions by the local day they started, with the day's focus time", () => {
    const groups = groupByDay([
      session("c", local(2026, 12, 2, 21)),
      session("b", local(2026, 12, 2, 9)),
      session("a", local(2026, 12, 1, 23)),
    ]);
    expect(groups.map((g) => [g.key, g.sessions.map((s) => s.id), g.focusSecs])).toEqual([
      ["2026-12-02", ["c", "b"], 1200],
      ["2026-12-01", ["a"], 600],
    ]);
  });
});

describe("the mock's timeline", () => {
  it("pages newest first after a cursor, as the core does", () => {
    const list = [0, 1, 2, 3, 4].map((i) => session(`s${i}`, local(2026, 12, 1, 8 + i)));
    const first = historyPage(list, { limit: 2 });
    expect(first.sessions.map((s) => s.id)).toEqual(["s4", "s3"]);
    const second = historyPage(list, { limit: 2, after: first.next });
    expect(second.sessions.map((s) => s.id)).toEqual(["s2", "s1"]);
    const last = historyPage(list, { limit: 2, after: second.next });
    expect([last.sessions.map((s) => s.id), last.next]).toEqual([["s0"], null]);
  });
});
