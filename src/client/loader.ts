/**
 * The script-tag entry, built to `dist/loader.js` (an IIFE). It finds the
 * chat server from its own URL, creates the messenger, drains the global
 * `_chatq` queue in order and turns `_chatq.push` into immediate execution.
 * The panel is `{base}/panel.js`, fetched when first needed (SPEC §10).
 */
import { chatServer } from './base.js';
import { createMessenger } from './messenger.js';
import { drainQueue } from './queue.js';
import { fromDocument } from './support/document.js';
import { panels, panelScript } from './ui/panel-source.js';

declare global {
  interface Window {
    _chatq?: unknown;
  }
}

/**
 * Set on `window` once a copy runs: a symbol, which no element of the page can
 * stand for (an `<a id="_chatq">` is `window._chatq` until the page or the
 * widget sets it).
 */
const LOADED = Symbol.for('chatq.loaded');

(() => {
  try {
    const w = window as unknown as Record<symbol, unknown>;
    // Loaded twice (the snippet pasted twice): the first copy keeps the page.
    if (w[LOADED]) return;
    // Commands are an array; anything else under that name (a clobbering element) queues none.
    const queued = Array.isArray(window._chatq) ? (window._chatq as unknown[]) : undefined;
    // Read while this script runs: a nonce-only CSP lets panel.js in with the same nonce.
    const nonce = (fromDocument('currentScript') as HTMLScriptElement | null)?.nonce;
    const server = chatServer(queued);
    if (!server) {
      console.error('chatq: no chat server URL (data-chatq-server).');
      return;
    }
    w[LOADED] = true;
    panels.script = panelScript(`${server}/panel.js`, nonce);
    window._chatq = drainQueue(createMessenger({ server }), queued);
  } catch (error) {
    console.error('chatq: failed to start', error);
  }
})();
