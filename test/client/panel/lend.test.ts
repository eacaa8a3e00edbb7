/** src/client/panel/lend.ts: the panel lends the element its view model when it loads (SPEC §10 "Two scripts"). */
import { describe, expect, it } from 'vitest';
import { lendView } from '../../../src/client/panel/lend.js';
import type { PanelHost, PanelView } from '../../../src/client/ui/panel-contract.js';

/** A view that records what it is told. */
function recordingView() {
  const told: unknown[][] = [];
  const record = (name: string) => (...args: unknown[]) => void told.push([name, ...args]);
  const view = {
    renderEntry: record('renderEntry'),
    removeEntry: record('removeEntry'),
    showNotice: record('showNotice'),
    hideNotice: record('hideNotice'),
    blockSending: record('blockSending'),
    signal: record('signal'),
    setBusy: record('setBusy'),
    setGreeting: record('setGreeting'),
    setTitle: record('setTitle'),
    draft: 'kept',
  } as unknown as PanelView;
  return { view, told };
}

describe('lendView', () => {
  it("gives the element the view's methods, each still the view's", () => {
    const { view, told } = recordingView();
    const host = {} as PanelHost & Record<string, (...args: unknown[]) => void>;
    lendView(host, view);
    host.renderEntry!({ key: 'k' });
    host.removeEntry!('k');
    host.showNotice!('offline');
    host.hideNotice!('offline');
    host.blockSending!(true);
    host.signal!({ type: 'typing' });
    expect(told).toEqual([
      ['renderEntry', { key: 'k' }],
      ['removeEntry', 'k'],
      ['showNotice', 'offline'],
      ['hideNotice', 'offline'],
      ['blockSending', true],
      ['signal', { type: 'typing' }],
    ]);
  });

  it('turns busy, greeting, heading and draft into properties that set the view, and draft reads it back', () => {
    const { view, told } = recordingView();
    const host = {} as PanelHost & Record<string, unknown>;
    lendView(host, view);
    host.busy = true;
    host.greeting = 'Hello Ann';
    host.heading = 'Support';
    host.draft = 'half a sentence';
    expect(told).toEqual([
      ['setBusy', true],
      ['setGreeting', 'Hello Ann'],
      ['setTitle', 'Support'],
    ]);
    expect(view.draft).toBe('half a sentence');
    expect(host.draft).toBe('half a sentence');
  });

  it('carries over a property the element was given before the panel came (the heading from _setConfiguration)', () => {
    const { view, told } = recordingView();
    const host = { heading: 'Set early', draft: 'typed early' } as unknown as PanelHost;
    lendView(host, view);
    expect(told).toEqual([['setTitle', 'Set early']]);
    expect(view.draft).toBe('typed early');
  });

  it('asks a view without signal nothing, and never throws for it', () => {
    const { view } = recordingView();
    delete (view as { signal?: unknown }).signal;
    const host = {} as PanelHost & { signal: (event: unknown) => void };
    lendView(host, view);
    expect(() => host.signal({ type: 'presence' })).not.toThrow();
  });
});
