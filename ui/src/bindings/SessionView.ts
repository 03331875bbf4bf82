// Hand-written to match docs/ipc.md; the Rust side regenerates this file with ts-rs.
import type { Commitment } from "./Commitment";
import type { CurrentPhase } from "./CurrentPhase";
import type { PlanStep } from "./PlanStep";
import type { PlannedPhase } from "./PlannedPhase";
import type { SessionStatus } from "./SessionStatus";

export type SessionView = { id: string, templateName: string, status: SessionStatus, startedAt: string, phase: CurrentPhase | null, next: PlannedPhase | null, plan: Array<PlanStep>, pausedSince: string | null, commitments: Array<Commitment>, focusSecs: number, asOf: string, };
