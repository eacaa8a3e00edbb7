/**
 * panel/entry.ts, SPEC §10 "Two scripts": panel.js leaves its factory where loader.js
 * looks for it, and nothing else on the page.
 */
import { afterAll, describe, expect, it, vi } from 'vitest';
import { createShown } from '../../../src/client/conversation/shown.js';
import { createPanelWithNotices } from '../../../src/client/panel/notices.js';
import { PANEL_API, PANEL_SLOT, type PanelExport } from '../../../src/client/ui/panel-contract.js';
import { panels, panelScript } from '../../../src/client/ui/panel-source.js';

const slot = window as unknown as Record<symbol, PanelExport | undefined>;

afterAll(() => {
  delete slot[PANEL_SLOT];
  vi.restoreAllMocks();
});

describe('running panel.js', () => {
  it('leaves the factory with the notices’ texts and the sending half at the slot, and no global name', async () => {
    const names = Object.keys(window);
    expect(slot[PANEL_SLOT]).toBeUndefined();
    await import('../../../src/client/panel/entry.js');
    expect(slot[PANEL_SLOT]).toEqual({ api: PANEL_API, create: createPanelWithNotices, outbox: createShown });
    expect(Object.keys(window)).toEqual(names);
  });

  it('is what the loader accepts when the script’s load event fires', async () => {
    const holder = document.createElement('div');
    vi.spyOn(document.head, 'append').mockImplementation((...nodes) => holder.append(...nodes));
    const load = panelScript('https://chat.example.test/chatq/panel.js', undefined)();
    holder.querySelector('script')!.dispatchEvent(new Event('load'));
    expect(await load).toBe(createPanelWithNotices);
    expect(panels.outbox).toBe(createShown);
  });
});
