// Hand-written to match docs/ipc.md; the Rust side regenerates this file with ts-rs.
export type CommitmentDraft = { text: string, tag: string | null, estimateMinutes: number | null, };
