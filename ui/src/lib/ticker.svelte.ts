// A display clock for countdowns. It only runs while someone is looking: the interval stops
// while document.hidden and restarts on visibilitychange, so a hidden window uses no CPU.
// It is never a timer of record; remaining time is always derived from Rust's deadline.

export const TICK_MS = 250;

export class Ticker {
  now = $state(Date.now());
  #timer: ReturnType<typeof setInterval> | null = null;
  #onVisibility = () => this.#sync();

  /** Start following visibility; returns a stop function (use inside $effect). */
  start(): () => void {
    document.addEventListener("visibilitychange", this.#onVisibility);
    this.#sync();
    return () => {
      document.removeEventListener("visibilitychange", this.#onVisibility);
      this.#stopInterval();
    };
  }

  get running(): boolean {
    return this.#timer !== null;
  }

  #sync(): void {
    if (document.hidden) {
      this.#stopInterval();
    } else if (this.#timer === null) {
      this.now = Date.now();
      this.#timer = setInterval(() => {
        this.now = Date.now();
      }, TICK_MS);
    }
  }

  #stopInterval(): void {
    if (this.#timer !== null) {
      clearInterval(this.#timer);
      this.#timer = null;
    }
  }
}
