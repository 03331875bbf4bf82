// Hand-written to match docs/ipc.md; the Rust side regenerates this file with ts-rs.
export type PhaseKind = "commitment" | "focus" | "break" | "closing";
