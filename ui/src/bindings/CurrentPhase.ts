// Hand-written to match docs/ipc.md; the Rust side regenerates this file with ts-rs.
import type { PhaseKind } from "./PhaseKind";

export type CurrentPhase = { index: number, kind: PhaseKind, startedAt: string, deadline: string, durationSecs: number, remainingSecs: number, };
