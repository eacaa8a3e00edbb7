/** support/wake.ts, SPEC §5: the lifecycle re-reads the clock when the page may have slept. */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { onWake } from '../../../src/client/support/wake.js';
import { stubDocumentGetter } from './document-getter.js';

let visibility: DocumentVisibilityState = 'visible';
afterEach(() => {
  visibility = 'visible';
  vi.restoreAllMocks();
});

/** The tab's visibility as the browser reports it (happy-dom's is always "visible"). */
function becomes(state: DocumentVisibilityState): void {
  visibility = state;
  stubDocumentGetter('visibilityState', () => visibility);
  stubDocumentGetter('hidden', () => visibility === 'hidden');
  document.dispatchEvent(new Event('visibilitychange'));
}

describe('waking up', () => {
  it('calls back when the window regains focus or the network comes back', () => {
    const fn = vi.fn();
    const stop = onWake(fn);
    window.dispatchEvent(new Event('focus'));
    window.dispatchEvent(new Event('online'));
    expect(fn).toHaveBeenCalledTimes(2);
    stop();
  });

  it('calls back when the tab becomes visible, not when it is hidden', () => {
    const fn = vi.fn();
    const stop = onWake(fn);
    becomes('hidden');
    expect(fn).not.toHaveBeenCalled();
    becomes('visible');
    expect(fn).toHaveBeenCalledOnce();
    stop();
  });

  it('stops listening once its returned function is called', () => {
    const fn = vi.fn();
    onWake(fn)();
    window.dispatchEvent(new Event('focus'));
    window.dispatchEvent(new Event('online'));
    becomes('visible');
    expect(fn).not.toHaveBeenCalled();
  });
});
