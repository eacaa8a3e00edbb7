import { afterEach, beforeEach, vi } from 'vitest';
import { createMessenger, type Messenger, type MessengerOptions } from '../../src/client/index.js';
import { nowSeconds, signHS256 } from '../helpers/sign.js';
import { BASE, closeRealServers, flush, KEY, realServer, type RealServer, type RealServerOptions } from './real-server.js';

/** A signed test token (independent signer, test/helpers/sign.ts) for the real server's community key. */
export function token(payload: Record<string, unknown> = {}, header: Record<string, unknown> = {}): string {
  return signHS256({ uuid: 'visitor-1', exp: nowSeconds() + 7200, ...payload }, KEY, header);
}

export type Server = RealServer;

const live: Messenger[] = [];

/**
 * A messenger against the real handler (a fresh one, or `server` made by the
 * test to script something first), mounted (the microtask has run).
 */
export async function setup(
  options: Partial<MessengerOptions> = {},
  server: RealServerOptions | RealServer = {},
): Promise<{ chat: Messenger; server: Server; root: ShadowRoot; host: HTMLElement }> {
  const real = 'fetch' in server ? server : realServer(server);
  real.install();
  const chat = createMessenger({ server: BASE, ...options });
  live.push(chat);
  await flush();
  const hosts = document.querySelectorAll<HTMLElement>('chatq-messenger');
  const host = hosts[hosts.length - 1]!;
  return { chat, server: real, root: host.shadowRoot!, host };
}

export const part = (root: ShadowRoot, name: string): HTMLElement => root.querySelector(`[part="${name}"]`)!;
export const parts = (root: ShadowRoot, name: string): HTMLElement[] => [...root.querySelectorAll<HTMLElement>(`[part="${name}"]`)];
/** The text of every message on screen, in order. */
export const texts = (root: ShadowRoot): (string | null)[] => parts(root, 'message').map((m) => m.querySelector('p')!.textContent);

/** Types into the input and presses Enter. */
export function typeAndSend(root: ShadowRoot, text: string): void {
  const input = part(root, 'input') as HTMLTextAreaElement;
  input.value = text;
  input.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true, cancelable: true }));
}

/** `METHOD /path` of every request the widget made. */
export const paths = (server: Server): string[] => server.requests.map((r) => `${r.method} ${r.url.slice(BASE.length)}`);

/**
 * Fake timers, a clean page and storage for every test; every messenger
 * destroyed and every server closed after.
 */
export function useCleanPage(): void {
  beforeEach(() => {
    vi.useFakeTimers({ now: Date.UTC(2026, 0, 1), toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] });
    document.body.innerHTML = '';
    localStorage.clear();
  });
  afterEach(() => {
    for (const chat of live.splice(0)) chat.destroy();
    const unexpected = closeRealServers();
    vi.useRealTimers();
    vi.unstubAllGlobals();
    vi.restoreAllMocks();
    if (unexpected.length > 0) throw new Error(`the handler failed unexpectedly (500): ${unexpected.join('; ')}`);
  });
}

export { BASE, flush, KEY, realServer };
