/**
 * ui/panel-source.ts, SPEC §10 "Two scripts": loader.js fetches `{base}/panel.js` with a
 * script element when the panel is needed, and takes the factory the script leaves at
 * PANEL_SLOT, if it is of this build.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { PANEL_API, PANEL_SLOT, type PanelExport, type PanelFactory } from '../../../src/client/ui/panel-contract.js';
import { panels, panelScript } from '../../../src/client/ui/panel-source.js';

const URL = 'https://chat.example.test/chatq/panel.js';
const slot = window as unknown as Record<symbol, PanelExport | undefined>;
const factory = (() => ({})) as unknown as PanelFactory;
const outbox = (): void => {};

/** The script elements the loader asked the head to take, held in a detached element (happy-dom would refuse to load them). */
let holder: HTMLElement;
const scripts = (): HTMLScriptElement[] => [...holder.querySelectorAll('script')];

beforeEach(() => {
  holder = document.createElement('div');
  vi.spyOn(document.head, 'append').mockImplementation((...nodes) => holder.append(...nodes));
});
afterEach(() => {
  delete slot[PANEL_SLOT];
  delete panels.outbox;
  vi.restoreAllMocks();
});

/** panel.js ran (it left `left` at the slot, or nothing), then the browser fired `load`. */
function loaded(script: HTMLScriptElement, left?: PanelExport): void {
  slot[PANEL_SLOT] = left;
  script.dispatchEvent(new Event('load'));
}

describe('loading panel.js', () => {
  it('asks for the URL with a script element, passing the nonce on and only the site’s origin as referrer', () => {
    void panelScript(URL, 'n0nce')();
    const [script] = scripts();
    expect(script!.src).toBe(URL);
    expect(script!.nonce).toBe('n0nce');
    expect(script!.referrerPolicy).toBe('origin');
  });

  it('sets no nonce when the loader had none', () => {
    void panelScript(URL, undefined)();
    expect(scripts()[0]!.hasAttribute('nonce')).toBe(false);
  });

  it('gives the factory panel.js left, and its sending half', async () => {
    const load = panelScript(URL, undefined)();
    loaded(scripts()[0]!, { api: PANEL_API, create: factory, outbox });
    expect(await load).toBe(factory);
    expect(panels.outbox).toBe(outbox);
  });

  it('makes one request for calls made while it loads', async () => {
    const source = panelScript(URL, undefined);
    const first = source();
    const second = source();
    expect(scripts()).toHaveLength(1);
    loaded(scripts()[0]!, { api: PANEL_API, create: factory, outbox });
    expect(await first).toBe(factory);
    expect(await second).toBe(factory);
    expect(await source()).toBe(factory);
    expect(scripts()).toHaveLength(1);
  });
});

describe('a panel.js that fails', () => {
  it.each([
    ['of another build (a deploy between the two downloads)', { api: PANEL_API + 1, create: factory, outbox }],
    ['that left nothing', undefined],
  ])('is refused when it is %s, and its script removed', async (_, left) => {
    const load = panelScript(URL, undefined)();
    const script = scripts()[0]!;
    loaded(script, left);
    await expect(load).rejects.toThrow('chatq: panel.js did not load');
    expect(script.isConnected || script.parentNode).toBeFalsy();
    expect(panels.outbox).toBeUndefined();
  });

  it('is fetched again by the next call after a network error', async () => {
    const source = panelScript(URL, undefined);
    const first = source();
    scripts()[0]!.dispatchEvent(new Event('error'));
    await expect(first).rejects.toThrow('chatq: panel.js did not load');
    expect(scripts()).toHaveLength(0);
    const second = source();
    expect(scripts()).toHaveLength(1);
    loaded(scripts()[0]!, { api: PANEL_API, create: factory, outbox });
    expect(await second).toBe(factory);
  });
});
