import { describe, expect, it } from "vitest";
import type { Connection } from "../bindings/ipc";
import type { MemberView } from "../bindings/ipc";
import type { QuestionView } from "../bindings/ipc";
import type { SharedCommitmentView } from "../bindings/ipc";
import type { SharedSessionView } from "../bindings/ipc";
import {
  askerName,
  canAsk,
  hostOf,
  hostQueue,
  myQuestions,
  QUESTION_MAX_CHARS,
  questionCommitment,
  questionProblem,
  questionsPart,
} from "./roomQuestions";

const running: SharedSessionView = { id: "s", templateName: "Worktogether", phase: "focus", phaseEndsAt: null, paused: false };
const over: SharedSessionView = { ...running, phase: "over" };
const connected: Connection = { state: "connected" };

const q = (id: string, extra: Partial<QuestionView> = {}): QuestionView => ({
  id,
  memberId: "ben",
  commitmentId: "c1",
  text: `question ${id}`,
  askedAt: "2026-12-03T10:00:00Z",
  answered: false,
  mine: false,
  ...extra,
});

const member = (id: string, extra: Partial<MemberView> = {}): MemberView => ({
  id,
  displayName: id[0]!.toUpperCase() + id.slice(1),
  presence: "focusing",
  isHost: false,
  isMe: false,
  ...extra,
});

describe("asking the host", () => {
  const room = (extra: { iAmHost?: boolean; session?: SharedSessionView | null; connection?: Connection } = {}) => ({
    iAmHost: false,
    session: running,
    connection: connected,
    ...extra,
  });

  it("is offered on my own commitments while the room's session runs", () => {
    expect(canAsk(room(), { mine: true })).toBe(true);
    expect(canAsk(room(), { mine: false })).toBe(false);
    expect(canAsk(room({ session: over }), { mine: true })).toBe(false);
    expect(canAsk(room({ session: null }), { mine: true })).toBe(false);
  });

  it("is offered offline (the outbox sends it later), not in a room that ended, and never to the host", () => {
    expect(canAsk(room({ connection: { state: "offline", since: "2026-12-03T10:00:00Z", message: "x" } }), { mine: true })).toBe(true);
    expect(canAsk(room({ connection: { state: "ended", message: "x" } }), { mine: true })).toBe(false);
    expect(canAsk(room({ iAmHost: true }), { mine: true })).toBe(false);
  });

  it("catches only a question too long, as Rust counts and trims", () => {
    expect(questionProblem("")).toBe(null); // Rust says so in words
    expect(questionProblem("x".repeat(QUESTION_MAX_CHARS))).toBe(null);
    expect(questionProblem(`  ${"x".repeat(QUESTION_MAX_CHARS)}\n`)).toBe(null);
    expect(questionProblem("x".repeat(QUESTION_MAX_CHARS + 1))).toBe("too_long");
    // characters, not UTF-16 units
    expect(questionProblem("😀".repeat(QUESTION_MAX_CHARS))).toBe(null);
  });
});

describe("the questions listed", () => {
  it("split the host's queue into the open ones and the answered, each in the order they came", () => {
    const list = [q("1", { answered: true }), q("2"), q("3", { answered: true }), q("4")];
    const { open, answered } = hostQueue(list);
    expect(open.map((x) => x.id)).toEqual(["2", "4"]);
    expect(answered.map((x) => x.id)).toEqual(["1", "3"]);
    expect(hostQueue([])).toEqual({ open: [], answered: [] });
  });

  it("keep a member's own, open and answered, in order", () => {
    const list = [q("1", { mine: true, answered: true }), q("2"), q("3", { mine: true })];
    expect(myQuestions(list).map((x) => x.id)).toEqual(["1", "3"]);
  });

  it("are the host's queue while a session runs or it has questions, a member's own once asked", () => {
    expect(questionsPart({ iAmHost: true, session: running, questions: [] })).toBe("host");
    expect(questionsPart({ iAmHost: true, session: over, questions: [q("1")] })).toBe("host");
    expect(questionsPart({ iAmHost: true, session: over, questions: [] })).toBe(null);
    expect(questionsPart({ iAmHost: true, session: null, questions: [] })).toBe(null);
    expect(questionsPart({ iAmHost: false, session: running, questions: [q("1")] })).toBe(null);
    expect(questionsPart({ iAmHost: false, session: running, questions: [q("1"), q("2", { mine: true })] })).toBe("mine");
  });

  it("name who asked, about what, and the host", () => {
    const members = [member("maria", { isHost: true }), member("ben")];
    expect(askerName(q("1"), members)).toBe("Ben");
    expect(askerName(q("1", { memberId: "gone" }), members)).toBe(null);
    const commitments = [{ id: "c1", text: "Sort the tax papers" }] as SharedCommitmentView[];
    expect(questionCommitment(q("1"), commitments)?.text).toBe("Sort the tax papers");
    expect(questionCommitment(q("1", { commitmentId: "c9" }), commitments)).toBe(null);
    expect(hostOf(members)?.displayName).toBe("Maria");
    expect(hostOf([member("ben")])).toBe(null);
  });
});
