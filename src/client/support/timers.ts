/**
 * `setTimeout` keeps its delay in a signed 32-bit integer: anything above
 * 2^31-1 ms (~24.8 days) fires at once. A JWT may live longer, so long waits
 * are chunked. Each chunk re-reads the wall clock rather than trusting the
 * elapsed chunks, because timers pause while a laptop sleeps.
 */
export const MAX_TIMER_DELAY = 2 ** 31 - 1;

/** A number of seconds for `renewBefore`: finite and ≥ 0. */
export const validSeconds = (value: unknown): value is number => typeof value === 'number' && value >= 0 && value < Infinity;

/** Runs `fn` at local wall-clock time `at` (ms); a non-finite `at` means never. Returns a cancel function. */
export function runAt(at: number, fn: () => void): () => void {
  let handle: ReturnType<typeof setTimeout> | undefined;
  const arm = (): void => {
    const remaining = at - Date.now();
    if (remaining > 0) handle = setTimeout(arm, Math.min(remaining, MAX_TIMER_DELAY));
    else fn();
  };
  // NaN would re-arm a 0 ms timer forever (NaN <= 0 is false; setTimeout(f, NaN) is 0 ms): a non-finite `at` arms nothing.
  if (Number.isFinite(at)) arm();
  // A fired timer's handle cleared again is a no-op.
  return () => clearTimeout(handle);
}

/** Exponential backoff with jitter: between half and all of `base·2^attempt`, at most `cap` (1 s to 30 s unless told). */
export function backoff(attempt: number, base = 1_000, cap = 30_000): number {
  const ceiling = Math.min(cap, base * 2 ** attempt);
  return (ceiling * (1 + Math.random())) / 2;
}
