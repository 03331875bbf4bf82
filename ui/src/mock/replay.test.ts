// The browser mock serves Rust's recorded snapshots and keeps only which one is current: every
// state it offers is in the recording, commands and time move along it, and nothing else moves.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { SessionSummary } from "../bindings/ipc";
import type { SessionView } from "../bindings/ipc";
import type { Statistics } from "../bindings/ipc";
import type { Template } from "../bindings/ipc";
import type { WeeklyReview } from "../bindings/ipc";
import de from "../fixtures/sessions-de.json";
import en from "../fixtures/sessions-en.json";
import { Replay, type SessionsFixture } from "./replay";
import { starts } from "./states";

const sent = vi.hoisted(() => [] as [string, unknown][]);
vi.mock("@tauri-apps/api/event", () => ({
  emit: (event: string, payload: unknown) => {
    sent.push([event, payload]);
    return Promise.resolve();
  },
}));

const fixtures = { en: en as unknown as SessionsFixture, de: de as unknown as SessionsFixture };

beforeEach(() => {
  sent.length = 0;
});
afterEach(() => {
  vi.useRealTimers();
});

const session = (rust: Replay) => rust.handle("current_session", {}) as SessionView | null;

describe("the recording", () => {
  for (const [lang, fixture] of Object.entries(fixtures)) {
    it(`has every state mock.html offers (${lang})`, () => {
      expect(fixture.language).toBe(lang);
      for (const [state, [story, step]] of Object.entries(starts)) {
        const steps = fixture.stories[story]?.steps ?? [];
        expect(steps.some((s) => s.state === step), `${state}: ${story}/${step}`).toBe(true);
      }
    });
  }
  it("has the phases the running states are named after", () => {
    for (const state of ["commitment", "focus", "break", "closing"]) {
      expect(session(new Replay(fixtures.en, "main", state))?.phase?.kind).toBe(state);
    }
    expect(session(new Replay(fixtures.en, "main", "paused"))?.status).toBe("paused");
    expect(session(new Replay(fixtures.en, "main", "home"))).toBeNull();
  });
});

describe("commands move along the recording", () => {
  it("answers with the recorded snapshot and sends its events", () => {
    const rust = new Replay(fixtures.en, "main", "focus");
    const paused = rust.handle("pause_session", { note: null }) as SessionView;
    expect(paused.status).toBe("paused");
    expect(sent).toEqual([["session", paused]]);
    expect(session(rust)).toEqual(paused);
    const resumed = rust.handle("resume_session", {}) as SessionView;
    expect(resumed.status).toBe("running");
    expect(Date.parse(resumed.asOf)).toBeGreaterThan(Date.parse(paused.asOf));
  });

  it("refuses a command it has no recording of from here", () => {
    const rust = new Replay(fixtures.en, "main", "closing");
    expect(() => rust.handle("start_session", { templateId: "x" })).toThrow();
    expect(() => rust.handle("skip_phase", {})).toThrowError(
      expect.objectContaining({ code: "internal" }) as unknown as Error,
    );
  });

  it("closes with Rust's summary, and the history has it", () => {
    const rust = new Replay(fixtures.en, "main", "closing");
    const summary = rust.handle("close_session", { report: {} }) as SessionSummary;
    expect(summary.status).toBe("finished");
    expect(session(rust)).toBeNull();
    // The close may have kept a routine's day: the schedule's views read again.
    expect(sent).toEqual([
      ["session", null],
      ["schedule-changed", null],
    ]);
    const history = rust.handle("list_sessions", { since: null, limit: 100 }) as SessionSummary[];
    expect(history[0]).toEqual(summary);
  });

  it("abandoning goes back to before the session, from where the story starts again", () => {
    const rust = new Replay(fixtures.de, "main", "break");
    expect(rust.handle("abandon_session", {})).toBeNull();
    expect(session(rust)).toBeNull();
    expect(sent).toEqual([["session", null]]);
    const started = rust.handle("start_session", { templateId: "x" }) as SessionView;
    expect(started.phase?.kind).toBe("commitment");
  });

  it("refuses what Rust refuses, with the catalog's message", () => {
    const rust = new Replay(fixtures.en, "main", "commitment");
    expect(() => rust.handle("add_commitment", { draft: { text: " ", tag: null, estimateMinutes: null } })).toThrowError(
      expect.objectContaining({ code: "invalid_input", message: "Write down what you will work on." }) as unknown as Error,
    );
    const templates = rust.handle("list_templates", {}) as Template[];
    const deep = templates.find((t) => t.name === "Deep work")!;
    expect(() => rust.handle("save_template", { draft: { ...deep, name: "POMODORO" } })).toThrowError(
      expect.objectContaining({ message: "A template with this name exists already." }) as unknown as Error,
    );
    expect(rust.handle("save_template", { draft: { ...deep, name: "ärger" } })).toMatchObject({ name: "ärger" });
  });
});

describe("time moves along the recording", () => {
  it("a phase runs out as long after as it did in the recording", () => {
    vi.useFakeTimers();
    const rust = new Replay(fixtures.en, "main", "commitment");
    const before = session(rust)!;
    const left = Date.parse(before.phase!.deadline) - Date.parse(before.asOf);
    vi.advanceTimersByTime(left - 1);
    expect(session(rust)?.phase?.kind).toBe("commitment");
    vi.advanceTimersByTime(1);
    expect(session(rust)?.phase?.kind).toBe("focus");
    expect(sent.map(([event]) => event)).toEqual(["session", "phase-changed"]);
  });

  it("does not move while a command comes next (a pause holds)", () => {
    vi.useFakeTimers();
    const rust = new Replay(fixtures.en, "main", "paused");
    vi.advanceTimersByTime(24 * 3600 * 1000);
    expect(session(rust)?.status).toBe("paused");
    expect(sent).toEqual([]);
  });

  it("the fast template's phases follow one another within seconds", () => {
    vi.useFakeTimers();
    const rust = new Replay(fixtures.en, "fast", "home");
    const templates = rust.handle("list_templates", {}) as Template[];
    const fast = templates.find((t) => t.name === "Fast")!;
    rust.handle("start_session", { templateId: fast.id });
    vi.advanceTimersByTime(10_000);
    expect(session(rust)?.phase?.kind).toBe("closing");
    const changes = sent.filter(([event]) => event === "phase-changed").map(([, change]) => (change as { to: string }).to);
    expect(changes).toEqual(["focus", "break", "focus", "closing"]);
  });
});

describe("weekly review", () => {
  it("sorts the recorded week's commitments and keeps a plan", () => {
    const rust = new Replay(fixtures.en, "main", "home");
    const history = rust.handle("list_sessions", {}) as SessionSummary[];
    const day = history[0]!.startedAt.slice(0, 10);
    const review = rust.handle("weekly_review", { day }) as WeeklyReview;
    expect(review.week.first <= day && day <= review.week.last).toBe(true);
    expect(review.statistics.days).toHaveLength(7);
    expect(review.done.every((c) => c.outcome === "done")).toBe(true);
    expect(review.partly.every((c) => c.outcome === "partly")).toBe(true);
    expect(review.notDone.every((c) => c.outcome === "not_done" || c.outcome === "pending")).toBe(true);
    const inWeek = history.filter((s) => {
      const d = s.startedAt.slice(0, 10);
      return d >= review.week.first && d <= review.week.last;
    });
    const sorted = review.done.length + review.partly.length + review.notDone.length;
    expect(sorted).toBe(inWeek.reduce((n, s) => n + s.commitments.length, 0));
    expect(sorted).toBeGreaterThan(0);
    const open = [...review.partly, ...review.notDone].filter((c) => !c.carriedOn);
    rust.handle("plan_carries", { ids: open.map((c) => c.id), week: day });
    const again = rust.handle("weekly_review", { day }) as WeeklyReview;
    expect([...again.partly, ...again.notDone].filter((c) => c.planned)).toHaveLength(open.length);
  });
});

describe("statistics", () => {
  it("are counted from the recorded history", () => {
    const rust = new Replay(fixtures.en, "main", "home");
    const stats = rust.handle("statistics", { first: "2026-11-01", last: "2026-11-30" }) as Statistics;
    expect(stats.range).toEqual({ first: "2026-11-01", last: "2026-11-30" });
    expect(stats.days).toHaveLength(30);
    const history = rust.handle("list_sessions", {}) as SessionSummary[];
    expect(stats.totals.focusSecs).toBe(history.reduce((sum, s) => sum + s.focusSecs, 0));
    expect(stats.totals.finished + stats.totals.abandoned).toBe(history.length);
  });

  it("refuse a reversed range as Rust does, in the person's language", () => {
    for (const [lang, message] of [["en", "The range ends before it begins."], ["de", "Der Zeitraum endet, bevor er beginnt."]] as const) {
      const rust = new Replay(fixtures[lang], "main", "home");
      expect(() => rust.handle("statistics", { first: "2026-12-03", last: "2026-12-01" })).toThrow(
        expect.objectContaining({ code: "invalid_input", message }),
      );
    }
  });
});
