import type { ChatMessage } from '../../identity/index.js';

/** What the tabs of one site tell each other (SPEC §5: several tabs agree). */
export type TabMessage =
  | { type: 'message'; conversationId: string; message: ChatMessage }
  | { type: 'logout' | 'switch'; automatedUuid: string; uuid: string };

export interface TabSync {
  post(message: TabMessage): void;
  close(): void;
}

/** A BroadcastChannel per chat server; a no-op where the browser has none. */
export function createTabSync(base: string, onMessage: (message: TabMessage) => void): TabSync {
  if (typeof BroadcastChannel === 'undefined') return { post() {}, close() {} };
  const channel = new BroadcastChannel(`chatq:${base}`);
  channel.onmessage = (event: MessageEvent<TabMessage>) => {
    if (event.data && typeof event.data === 'object') onMessage(event.data);
  };
  return {
    post(message) {
      try {
        channel.postMessage(message);
      } catch {
        // Closed channel during teardown: nothing to tell.
      }
    },
    close: () => channel.close(),
  };
}
