// Hand-written to match docs/ipc.md; the Rust side regenerates this file with ts-rs.
import type { PlannedPhase } from "./PlannedPhase";

export type Template = { id: string, name: string, builtin: boolean, phases: Array<PlannedPhase>, };
