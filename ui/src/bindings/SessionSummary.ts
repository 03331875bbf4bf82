// Hand-written to match docs/ipc.md; the Rust side regenerates this file with ts-rs.
import type { Commitment } from "./Commitment";
import type { SessionStatus } from "./SessionStatus";

export type SessionSummary = { id: string, templateName: string, status: SessionStatus, startedAt: string, endedAt: string | null, focusSecs: number, pauseSecs: number, interruptions: number, commitments: Array<Commitment>, overallNote: string | null, focusRating: number | null, };
