// Hand-written to match docs/ipc.md; the Rust side regenerates this file with ts-rs.
import type { PhaseKind } from "./PhaseKind";
import type { StepState } from "./StepState";

export type PlanStep = { index: number, kind: PhaseKind, durationSecs: number, state: StepState, };
