// Hand-written to match docs/ipc.md; the Rust side regenerates this file with ts-rs.
export type SessionStatus = "running" | "paused" | "finished" | "abandoned";
