/**
 * The script-tag entry, built to `dist/loader.js` (an IIFE). It finds the
 * chat server from its own URL, creates the messenger, drains the global
 * `_chatq` queue in order and turns `_chatq.push` into immediate execution.
 * The panel is `{base}/panel.js`, fetched when first needed (SPEC §10).
 */
import { chatServer } from './base.js';
import { createMessenger } from './messenger.js';
import { drainQueue } from './queue.js';
import { panels, panelScript } from './ui/panel-source.js';

declare global {
  interface Window {
    _chatq?: unknown;
  }
}

const LOADED = Symbol.for('chatq.loaded');

(() => {
  try {
    const queued = window._chatq;
    // Loaded twice (the snippet pasted twice): the first copy keeps the page.
    if (queued && (queued as Record<symbol, unknown>)[LOADED]) return;
    // Read while this script runs: a nonce-only CSP lets panel.js in with the same nonce.
    const nonce = (document.currentScript as HTMLScriptElement | null)?.nonce;
    const server = chatServer(queued);
    if (!server) {
      console.error('chatq: no chat server URL (data-chatq-server).');
      return;
    }
    panels.script = panelScript(`${server}/panel.js`, nonce);
    const queue = drainQueue(createMessenger({ server }), queued);
    Object.defineProperty(queue, LOADED, { value: true });
    window._chatq = queue;
  } catch (error) {
    console.error('chatq: failed to start', error);
  }
})();
