/**
 * Calls `fn` when the page may have been asleep: a background tab becoming
 * visible, the window regaining focus, the network coming back. Timers do
 * not run (or run late) while a laptop sleeps or a tab is throttled, so the
 * identity lifecycle re-reads the clock on these (SPEC §5).
 */
export function onWake(fn: () => void): () => void {
  const visible = (): void => {
    if (document.visibilityState === 'visible') fn();
  };
  document.addEventListener('visibilitychange', visible);
  window.addEventListener('focus', fn);
  window.addEventListener('online', fn);
  return () => {
    document.removeEventListener('visibilitychange', visible);
    window.removeEventListener('focus', fn);
    window.removeEventListener('online', fn);
  };
}
