/**
 * The script-tag entry, built to `dist/loader.js` (an IIFE). It finds the
 * chat server from its own URL, creates the messenger, drains the global
 * `_chatq` queue in order and turns `_chatq.push` into immediate execution.
 */
import { chatServer } from './base.js';
import { createMessenger } from './messenger.js';
import { drainQueue } from './queue.js';

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
    const server = chatServer(queued);
    if (!server) {
      console.error('chatq: no chat server URL (data-chatq-server).');
      return;
    }
    const queue = drainQueue(createMessenger({ server }), queued);
    Object.defineProperty(queue, LOADED, { value: true });
    window._chatq = queue;
  } catch (error) {
    console.error('chatq: failed to start', error);
  }
})();
