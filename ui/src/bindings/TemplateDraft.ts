// Hand-written to match docs/ipc.md; the Rust side regenerates this file with ts-rs.
import type { PlannedPhase } from "./PlannedPhase";

export type TemplateDraft = { id: string | null, name: string, phases: Array<PlannedPhase>, };
