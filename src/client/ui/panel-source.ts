import { fromDocument } from '../support/document.js';
import { h } from './dom.js';
import { PANEL_API, PANEL_SLOT, type PanelExport, type PanelFactory } from './panel-contract.js';

/** Loads the panel's script: the factory once it ran. */
export type PanelSource = () => Promise<PanelFactory>;

/**
 * Where the panel comes from, set by the entry: `index.ts` (the ESM build) lends the bundled
 * factory, used at once; `loader.ts` the script beside itself, fetched when needed. `outbox`:
 * the sending half that comes with the panel (PanelExport), set with it.
 */
export const panels: { bundled?: PanelFactory; script?: PanelSource; outbox?: unknown } = {};

/**
 * Loads `{base}/panel.js` with a script element (SPEC §10): allowed by a CSP that lists the
 * chat server in `script-src`, and by `'strict-dynamic'` (a script inserted by a trusted one);
 * the loader's nonce is passed on for a nonce-only policy. The panel leaves its factory at
 * `PANEL_SLOT` when it runs, read on `load`. One request at a time; a failed one is forgotten,
 * so the next call (the retry) fetches again.
 */
export function panelScript(url: string, nonce: string | undefined): PanelSource {
  let loading: Promise<PanelFactory> | undefined;
  return () =>
    (loading ??= new Promise<PanelFactory>((resolve, reject) => {
      const script = h('script') as HTMLScriptElement;
      const fail = (): void => {
        loading = undefined;
        script.remove();
        // No reason: the element says it in the visitor's words (loadFailed) and retries.
        reject();
      };
      script.src = url;
      if (nonce) script.nonce = nonce;
      // Only the site's origin travels, as for loader.js (the snippet's referrerPolicy).
      script.referrerPolicy = 'origin';
      script.onerror = fail;
      script.onload = () => {
        const panel = (window as unknown as Record<symbol, PanelExport | undefined>)[PANEL_SLOT];
        if (panel?.api === PANEL_API) {
          panels.outbox = panel.outbox;
          resolve(panel.create);
        }
        else fail();
      };
      // Read past the page's markup (support/document.ts): `<img name="head">` is not the head.
      fromDocument('head').append(script);
    }));
}
