// Hand-written to match docs/ipc.md; the Rust side regenerates this file with ts-rs.
import type { Outcome } from "./Outcome";

export type Commitment = { id: string, sessionId: string, position: number, text: string, tag: string | null, estimateMinutes: number | null, outcome: Outcome, note: string | null, feedbackWanted: boolean, carriedFrom: string | null, carryCount: number, };
