import { afterEach, beforeEach, vi } from 'vitest';
import { createMessenger, type Messenger, type MessengerOptions } from '../../src/client/index.js';
import { nowSeconds, signHS256 } from '../helpers/sign.js';
import { BASE, fakeServer, flush, type FakeServerOptions } from './fake-server.js';

export const KEY = { kid: 'site_2026', secret: '0123456789abcdef01234567' };

/** A signed test token (independent signer, test/helpers/sign.ts). */
export function token(payload: Record<string, unknown> = {}, header: Record<string, unknown> = {}): string {
  return signHS256({ uuid: 'visitor-1', exp: nowSeconds() + 7200, ...payload }, KEY, header);
}

export type Server = ReturnType<typeof fakeServer>;

const live: Messenger[] = [];

/** A messenger against a fresh fake server, mounted (the microtask has run). */
export async function setup(
  options: Partial<MessengerOptions> = {},
  serverOptions: FakeServerOptions = {},
): Promise<{ chat: Messenger; server: Server; root: ShadowRoot; host: HTMLElement }> {
  const server = fakeServer(serverOptions);
  vi.stubGlobal('fetch', server.fetch);
  const chat = createMessenger({ server: BASE, ...options });
  live.push(chat);
  await flush();
  const hosts = document.querySelectorAll<HTMLElement>('chatq-messenger');
  const host = hosts[hosts.length - 1]!;
  return { chat, server, root: host.shadowRoot!, host };
}

export const part = (root: ShadowRoot, name: string): HTMLElement => root.querySelector(`[part="${name}"]`)!;
export const parts = (root: ShadowRoot, name: string): HTMLElement[] => [...root.querySelectorAll<HTMLElement>(`[part="${name}"]`)];

/** Types into the input and presses Enter. */
export function typeAndSend(root: ShadowRoot, text: string): void {
  const input = part(root, 'input') as HTMLTextAreaElement;
  input.value = text;
  input.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true, cancelable: true }));
}

/** Fake timers, a clean page and storage for every test; every messenger destroyed after. */
export function useCleanPage(): void {
  beforeEach(() => {
    vi.useFakeTimers({ now: Date.UTC(2026, 0, 1), toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] });
    document.body.innerHTML = '';
    localStorage.clear();
  });
  afterEach(() => {
    for (const chat of live.splice(0)) chat.destroy();
    vi.useRealTimers();
    vi.unstubAllGlobals();
    vi.restoreAllMocks();
  });
}

export { BASE, flush };
