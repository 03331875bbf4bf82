// Hand-written to match docs/ipc.md; the Rust side regenerates this file with ts-rs.
export type Outcome = "pending" | "done" | "partly" | "not_done";
