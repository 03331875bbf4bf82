// Hand-written to match docs/ipc.md; the Rust side regenerates this file with ts-rs.
export type ErrorCode = "invalid_input" | "not_found" | "wrong_state" | "storage" | "internal";
