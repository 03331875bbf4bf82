// Rust's clock as the page sees it. The time of record is Rust's (tests move it), so the
// countdown is drawn against Rust's "now": the page's clock plus the offset estimated from
// each snapshot's `asOf` when it arrives. A snapshot that took a while to arrive makes the
// estimate too small, so a smaller one is taken only when it is clearly a change of clock.

/** How much later than its `asOf` a snapshot may arrive and still be latency, not a new clock. */
export const LATENCY_MS = 2000;

let offsetMs = 0;
let known = false;

/** Notes Rust's time `asOf` of a snapshot that arrived at `receivedMs` (the page's clock). */
export function followRustClock(asOf: string, receivedMs: number = Date.now()): void {
  const rust = Date.parse(asOf);
  if (Number.isNaN(rust)) return;
  const estimate = rust - receivedMs;
  if (!known || estimate > offsetMs || estimate < offsetMs - LATENCY_MS) {
    offsetMs = estimate;
    known = true;
  }
}

/** Rust's time now, in ms since the epoch. */
export function rustNow(pageNowMs: number = Date.now()): number {
  return pageNowMs + offsetMs;
}

/** Forgets what was learnt (tests). */
export function forgetRustClock(): void {
  offsetMs = 0;
  known = false;
}
