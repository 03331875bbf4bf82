// Hand-written to match docs/ipc.md; the Rust side regenerates this file with ts-rs.
import type { PhaseKind } from "./PhaseKind";

export type PhaseChange = { sessionId: string, from: PhaseKind, to: PhaseKind, toIndex: number, missed: number, };
