// The screens of a running session, one chunk: the first screen waits for them only when a
// session runs (see `loadSessionViews`).
export { default as ClosingRound } from "./ClosingRound.svelte";
export { default as CommitmentRound } from "./CommitmentRound.svelte";
export { default as RunningSession } from "./RunningSession.svelte";
