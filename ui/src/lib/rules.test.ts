// The UI's instant checks against Rust's own verdicts. `../fixtures/rules.json` is written by
// `cargo test` (crates/core/tests/ui_fixtures.rs) from the core's real rules and a real store;
// every case must get the same verdict here. When a case fails after a change in Rust, the
// UI's mirror (templates.ts, format.ts) is what needs the change, not the fixture.
import { describe, expect, it } from "vitest";
import type { PhaseKind } from "../bindings/ipc";
import type { PlannedPhase } from "../bindings/ipc";
import rulesJson from "../fixtures/rules.json";
import { newRow, rowFromPhase, withMinutes, type PhaseRow } from "./templates";
import { draftVerdict, noteVerdict, templateVerdict, type Verdict } from "./verdicts";

/** A text as the fixture gives it: as is, or long ones as runs of one character. */
type Text = string | [string, number][];

interface Case {
  why: string;
  verdict: string;
  position?: number;
}

interface Rules {
  existingTemplates: string[];
  templateNames: (Case & { name: Text; editing: string | null })[];
  templatePhases: (Case & { phases: PlannedPhase[] })[];
  commitments: (Case & { text: Text; tag: Text | null; estimateMinutes: number | null })[];
  notes: (Case & { note: Text | null })[];
}

const rules = rulesJson as unknown as Rules;

const text = (t: Text): string => (typeof t === "string" ? t : t.map(([piece, n]) => piece.repeat(n)).join(""));

/** What the fixture says a verdict is: "ok", or the key (and the position where Rust names one). */
const expected = (c: Case) => ({ verdict: c.verdict, position: c.position ?? null });
const seen = (v: Verdict | null) => ({ verdict: v?.key ?? "ok", position: v?.params.position ?? null });

/** A case's label: its reason, and its input with the invisible characters shown. */
const label = (why: string, input: string) =>
  `${why}: ${JSON.stringify(input.length > 70 ? `${input.slice(0, 70)}…` : input).replace(
    /[\u0080-\u00a0\u00ad\u0300-\u036f\u2000-\u200f\u2028-\u202f\u205f-\u206f\u3000\ufeff]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  )}`;

describe("the fixture", () => {
  it("holds the cases the rules are about", () => {
    expect(rules.templateNames.length).toBeGreaterThan(20);
    expect(rules.templatePhases.length).toBeGreaterThan(15);
    expect(rules.commitments.length).toBeGreaterThan(20);
    expect(rules.notes.length).toBeGreaterThan(5);
    const verdicts = new Set(
      [...rules.templateNames, ...rules.templatePhases, ...rules.commitments, ...rules.notes].map((c) => c.verdict),
    );
    for (const key of [
      "ok",
      "error.template_name_empty",
      "error.template_name_too_long",
      "error.template_name_taken",
      "error.template_shape",
      "error.too_many_phases",
      "error.phase_zero",
      "error.phase_too_long",
      "error.commitment_empty",
      "error.commitment_too_long",
      "error.tag_too_long",
      "error.estimate_out_of_range",
      "error.note_too_long",
    ]) {
      expect(verdicts, key).toContain(key);
    }
  });
});

describe("template names, as Rust and the store's NOCASE judge them", () => {
  const ritual = [withMinutes(newRow("commitment"), 10), withMinutes(newRow("focus"), 50), withMinutes(newRow("closing"), 10)];
  for (const c of rules.templateNames) {
    const name = text(c.name);
    it(label(c.why, name), () => {
      // the editor's other names: every template but the one being edited
      const others = rules.existingTemplates.filter((n) => n !== c.editing);
      expect(seen(templateVerdict(name, ritual, others))).toEqual(expected(c));
    });
  }
});

describe("template phases, as Rust judges them", () => {
  /** The rows of a template as the editor shows one that is stored (seconds kept as they are). */
  const kept = (phases: PlannedPhase[]): PhaseRow[] => phases.map(rowFromPhase);
  /** The rows as a person types them, in whole minutes; null where a phase is not whole minutes. */
  const typed = (phases: PlannedPhase[]): PhaseRow[] | null =>
    phases.every((p) => p.durationSecs % 60 === 0)
      ? phases.map((p) => withMinutes(newRow(p.kind as PhaseKind), p.durationSecs / 60))
      : null;
  for (const c of rules.templatePhases) {
    const summary = c.phases.map((p) => `${p.kind} ${p.durationSecs}s`).join(" · ") || "none";
    it(label(c.why, summary), () => {
      expect(seen(templateVerdict("Morning", kept(c.phases), rules.existingTemplates)), "stored seconds").toEqual(
        expected(c),
      );
      const rows = typed(c.phases);
      if (rows) expect(seen(templateVerdict("Morning", rows, rules.existingTemplates)), "typed minutes").toEqual(expected(c));
    });
  }
});

describe("commitments, as Rust's validate_draft judges them", () => {
  for (const c of rules.commitments) {
    const draft = { text: text(c.text), tag: c.tag === null ? null : text(c.tag), estimateMinutes: c.estimateMinutes };
    it(label(c.why, `${draft.text} | ${draft.tag ?? "no tag"} | ${draft.estimateMinutes ?? "no estimate"}`), () => {
      expect(seen(draftVerdict(draft))).toEqual(expected(c));
    });
  }
});

describe("notes, as Rust's clean_note judges them", () => {
  for (const c of rules.notes) {
    const note = c.note === null ? null : text(c.note);
    it(label(c.why, note ?? "no note"), () => {
      expect(seen(noteVerdict(note))).toEqual(expected(c));
    });
  }
});
