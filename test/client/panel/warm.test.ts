/** The closed panel laid out once while the browser is idle (panel/warm.ts; the time it saves: bench/panel-open.mjs). */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { warmWhenIdle } from '../../../src/client/panel/warm.js';

afterEach(() => {
  document.body.replaceChildren();
  vi.unstubAllGlobals();
});

/** Idle callbacks run when the test says so. */
function idleQueue() {
  const queued: (() => void)[] = [];
  vi.stubGlobal('requestIdleCallback', (fn: () => void) => queued.push(fn));
  return () => queued.splice(0).forEach((fn) => fn());
}

function closedPanel(): HTMLElement {
  const panel = document.body.appendChild(document.createElement('section'));
  panel.hidden = true;
  return panel;
}

describe('warming the closed panel when idle', () => {
  it('lays it out visible-but-invisible, then leaves it exactly as it was: hidden, no style', () => {
    const runIdle = idleQueue();
    const panel = closedPanel();
    const seen: string[] = [];
    // What the layout saw: the panel rendered (not hidden), yet invisible.
    vi.spyOn(panel, 'offsetHeight', 'get').mockImplementation(() => {
      seen.push(`hidden=${panel.hidden} visibility=${panel.style.visibility}`);
      return 0;
    });
    warmWhenIdle(panel);
    expect(seen).toEqual([]); // nothing before the browser is idle
    runIdle();
    expect(seen).toEqual(['hidden=false visibility=hidden']);
    expect(panel.hidden).toBe(true);
    expect(panel.getAttribute('style') ?? '').toBe('');
  });

  it('a panel shown by then (opened on the click, embedded) or gone from the page is left alone', () => {
    const runIdle = idleQueue();
    const shown = closedPanel();
    const gone = closedPanel();
    const layouts = vi.fn(() => 0);
    for (const panel of [shown, gone]) vi.spyOn(panel, 'offsetHeight', 'get').mockImplementation(layouts);
    warmWhenIdle(shown);
    warmWhenIdle(gone);
    shown.hidden = false;
    gone.remove();
    runIdle();
    expect(layouts).not.toHaveBeenCalled();
    expect(shown.hidden).toBe(false);
  });
});
