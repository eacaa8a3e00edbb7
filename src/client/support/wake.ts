import { fromDocument } from './document.js';

/**
 * Calls `fn` when the page may have been asleep: a background tab becoming
 * visible, the window regaining focus, the network coming back. Timers do
 * not run (or run late) while a laptop sleeps or a tab is throttled, so the
 * identity lifecycle re-reads the clock on these (SPEC §5). Returns the
 * function that removes the listeners (one AbortSignal for all three).
 */
export function onWake(fn: () => void): () => void {
  const listening = new AbortController();
  const options = { signal: listening.signal };
  // `hidden` is visibilityState === 'hidden' (the only other state, 'visible', wakes).
  fromDocument('addEventListener')('visibilitychange', () => fromDocument('hidden') || fn(), options);
  addEventListener('focus', fn, options);
  addEventListener('online', fn, options);
  return () => listening.abort();
}
