// Hand-written to match docs/ipc.md; the Rust side regenerates this file with ts-rs.
import type { OutcomeEntry } from "./OutcomeEntry";

export type ClosingReport = { outcomes: Array<OutcomeEntry>, overallNote: string | null, focusRating: number | null, };
