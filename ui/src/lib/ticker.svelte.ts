// The display clock of a countdown. It wakes once a second, when the whole seconds left to
// Rust's deadline change, so the countdown's screen changes at most once a second; between
// two ticks nothing is drawn. It stops while document.hidden and restarts on
// visibilitychange, so a hidden window uses no CPU. It is never a timer of record: remaining
// time is always derived from Rust's deadline, against Rust's clock (`rustClock.ts`).
import { rustNow } from "./rustClock";

export const TICK_MS = 1000;

/**
 * Milliseconds from `nowMs` until `deadlineMs − now` next reaches a whole second, which is when
 * `remainingSecs` changes (1 to 1000; before and after the deadline alike). Without a deadline,
 * a second from now.
 */
export function msToNextTick(deadlineMs: number, nowMs: number): number {
  if (!Number.isFinite(deadlineMs)) return TICK_MS;
  const rest = (deadlineMs - nowMs) % TICK_MS;
  const ahead = rest < 0 ? rest + TICK_MS : rest;
  return ahead === 0 ? TICK_MS : ahead;
}

export class Ticker {
  /** Rust's time at the last tick (ms since the epoch). */
  now = $state(rustNow());
  #deadlineMs = NaN;
  #timer: ReturnType<typeof setTimeout> | null = null;
  #onVisibility = () => this.#sync();

  /**
   * Tick on the whole seconds before and after `deadlineMs` (ms since the epoch) while the
   * document is visible; returns a stop function (use inside $effect).
   */
  start(deadlineMs: number): () => void {
    this.#deadlineMs = deadlineMs;
    document.addEventListener("visibilitychange", this.#onVisibility);
    this.#sync();
    return () => {
      document.removeEventListener("visibilitychange", this.#onVisibility);
      this.#stopTimer();
    };
  }

  get running(): boolean {
    return this.#timer !== null;
  }

  #sync(): void {
    if (document.hidden) {
      this.#stopTimer();
    } else if (this.#timer === null) {
      this.#tick();
    }
  }

  // A timer that fires a little late is back on the second at the next tick.
  #tick = (): void => {
    const now = rustNow();
    this.now = now;
    this.#timer = setTimeout(this.#tick, msToNextTick(this.#deadlineMs, now));
  };

  #stopTimer(): void {
    if (this.#timer !== null) {
      clearTimeout(this.#timer);
      this.#timer = null;
    }
  }
}
