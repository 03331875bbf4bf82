// The UI's instant checks (templates.ts, format.ts) put as Rust answers the same input: null
// when Rust accepts it, else the catalog key of Rust's refusal and its placeholders, with the
// checks in Rust's order. `rules.test.ts` holds these against Rust's own verdicts
// (`../fixtures/rules.json`, written by the core from its real rules), and the browser
// stand-in for Rust (src/mock/) refuses with them. The app's screens show the checks field by
// field and leave the last word to Rust.
import type { CommitmentDraft } from "../bindings/ipc";
import {
  COMMITMENT_MAX_CHARS,
  ESTIMATE_MAX_MINUTES,
  NOTE_MAX_CHARS,
  TAG_MAX_CHARS,
  TEMPLATE_MAX_PHASES,
  TEMPLATE_NAME_MAX_CHARS,
} from "../bindings/limits";
import { charCount, commitmentTextProblem, estimateProblem, textTooLong, trimAsRust } from "./format";
import { templateProblems, type PhaseRow } from "./templates";

export interface Verdict {
  /** the catalog key of Rust's message, e.g. `error.phase_zero` */
  key: string;
  params: Record<string, number>;
}

const refuse = (key: string, params: Record<string, number> = {}): Verdict => ({ key, params });

/**
 * A template as Rust's `save_template` checks it: the name, the number of phases, the shape,
 * each phase's length, and only then whether another template has the name.
 */
export function templateVerdict(name: string, rows: readonly PhaseRow[], otherNames: readonly string[]): Verdict | null {
  const problems = templateProblems(name, rows, otherNames);
  if (problems.name === "empty") return refuse("error.template_name_empty");
  if (problems.name === "too_long") return refuse("error.template_name_too_long", { max: TEMPLATE_NAME_MAX_CHARS });
  if (problems.shape === "too_many") return refuse("error.too_many_phases", { max: TEMPLATE_MAX_PHASES });
  if (problems.shape !== null) return refuse("error.template_shape");
  const index = problems.rows.findIndex((p) => p !== null);
  if (index >= 0) {
    // A row without valid minutes is sent as 0 seconds.
    const key = problems.rows[index] === "too_long" ? "error.phase_too_long" : "error.phase_zero";
    return refuse(key, { position: index + 1 });
  }
  if (problems.name === "taken") return refuse("error.template_name_taken");
  return null;
}

/** A commitment as Rust's `validate_draft` checks it: the text, the tag, the estimate. */
export function draftVerdict(draft: CommitmentDraft): Verdict | null {
  const text = commitmentTextProblem(draft.text);
  if (text === "empty") return refuse("error.commitment_empty");
  if (text === "too_long") {
    return refuse("error.commitment_too_long", { len: charCount(trimAsRust(draft.text)), max: COMMITMENT_MAX_CHARS });
  }
  if (draft.tag !== null && textTooLong(draft.tag, TAG_MAX_CHARS)) return refuse("error.tag_too_long", { max: TAG_MAX_CHARS });
  if (estimateProblem(draft.estimateMinutes) !== null) {
    return refuse("error.estimate_out_of_range", { max: ESTIMATE_MAX_MINUTES });
  }
  return null;
}

/** A note (a pause's, an outcome's, the session's) as Rust's `clean_note` checks it. */
export function noteVerdict(note: string | null): Verdict | null {
  return note !== null && textTooLong(note, NOTE_MAX_CHARS) ? refuse("error.note_too_long", { max: NOTE_MAX_CHARS }) : null;
}
