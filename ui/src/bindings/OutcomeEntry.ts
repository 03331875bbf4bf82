// Hand-written to match docs/ipc.md; the Rust side regenerates this file with ts-rs.
import type { Outcome } from "./Outcome";

export type OutcomeEntry = { commitmentId: string, outcome: Outcome, note: string | null, feedbackWanted: boolean, };
