// Hand-written to match docs/ipc.md; the Rust side regenerates this file with ts-rs.
import type { Language } from "./Language";

export type AppInfo = { version: string, dataDir: string, databasePath: string, language: Language, };
