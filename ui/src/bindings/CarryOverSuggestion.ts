// Hand-written to match docs/ipc.md; the Rust side regenerates this file with ts-rs.
import type { Commitment } from "./Commitment";

export type CarryOverSuggestion = { commitment: Commitment, sessionStartedAt: string, };
