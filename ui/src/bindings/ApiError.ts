// Hand-written to match docs/ipc.md; the Rust side regenerates this file with ts-rs.
import type { ErrorCode } from "./ErrorCode";

export type ApiError = { code: ErrorCode, message: string, };
