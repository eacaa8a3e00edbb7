/**
 * At most one call per key per interval, and never without the last one: the
 * first poke of a key fires at once and opens a window; pokes inside the
 * window fold into one call when it ends (which opens the next window). So a
 * lone change goes out immediately, a burst of any size costs one call per
 * interval, and whatever state the burst ended in is what the last call sees
 * (the listener reads the state when it is called, not when it was poked).
 *
 * One timer for all keys: windows are kept in the order they opened, which
 * is the order they end, so only the first one needs a timer.
 */
export class KeyedThrottle {
  readonly #intervalMs: number;
  readonly #fire: (key: string) => void;
  /**
   * Open windows, oldest first: key → when it ends (performance.now ms) and
   * whether a call waits for that end. One small entry per key poked within
   * the last interval.
   */
  readonly #windows = new Map<string, { endsAt: number; waiting: boolean }>();
  #timer: ReturnType<typeof setTimeout> | undefined;

  constructor(intervalMs: number, fire: (key: string) => void) {
    this.#intervalMs = intervalMs;
    this.#fire = fire;
  }

  poke(key: string): void {
    const window = this.#windows.get(key);
    if (window) {
      window.waiting = true;
      return;
    }
    this.#open(key, performance.now());
    this.#fire(key);
  }

  /** Forgets every window and waiting call (the listeners are gone). */
  clear(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#windows.clear();
  }

  #open(key: string, now: number): void {
    this.#windows.set(key, { endsAt: now + this.#intervalMs, waiting: false });
    this.#schedule(now);
  }

  #schedule(now: number): void {
    if (this.#timer !== undefined) return;
    const first = this.#windows.values().next();
    if (first.done) return;
    this.#timer = setTimeout(() => this.#tick(), Math.max(0, first.value.endsAt - now));
    // A window must not keep a Node process alive that has nothing else to do.
    (this.#timer as { unref?: () => void }).unref?.();
  }

  #tick(): void {
    this.#timer = undefined;
    const now = performance.now();
    const due: string[] = [];
    for (const [key, window] of this.#windows) {
      if (window.endsAt > now) break;
      this.#windows.delete(key);
      if (window.waiting) due.push(key);
    }
    // Reopened at the end of the map: the order of ends holds.
    for (const key of due) this.#open(key, now);
    this.#schedule(now);
    for (const key of due) this.#fire(key);
  }
}
