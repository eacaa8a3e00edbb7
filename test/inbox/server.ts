/**
 * The real chatq handler (memory engine) behind the inbox's `fetch`, in
 * process, seen as the served inbox page sees it: the same origin (the
 * browser marks each request `Sec-Fetch-Site: same-origin`) and an HttpOnly
 * agent cookie kept by the "browser" (this jar), sent only to `{base}/agent/`
 * and never shown to the page. Visitors talk to the same handler the way the
 * widget does (test/server/handler/helpers.ts).
 */
import { vi } from 'vitest';
import type { ChatMessage, AgentConversationSummary } from '../../src/identity/index.js';
import type { MessagingHandler, MessagingHandlerOptions } from '../../src/server/index.js';
import { BASE, makeHandler, register, send } from '../server/handler/helpers.js';

export { BASE };

/**
 * Waits for `check` to pass: for a state, never for a time. The bound is
 * generous for a loaded machine; under fake timers each try also moves them on (vi.waitFor).
 */
export const until = <T>(check: () => T | Promise<T>): Promise<T> => vi.waitFor(check, { timeout: 10_000, interval: 20 });
export const ALICE = { id: 'alice', name: 'Alice Martin', token: 'alice-token-0123456789-abcdefghijklmn' };
export const BOB = { id: 'bob', name: 'Bob', token: 'bob-token-0123456789-abcdefghijklmnopq' };

export interface InboxServer {
  /** The handler (its Responses carry the agent cookie only while `install` is in effect). */
  readonly handler: MessagingHandler;
  /** `METHOD /path?query` of every request the page made, in order. */
  readonly requests: string[];
  /** The body of the last request to each path (JSON), as the page sent it. */
  readonly bodies: Map<string, unknown>;
  /** The page's fetch. */
  readonly fetch: (input: RequestInfo | URL, init?: RequestInit) => Promise<Response>;
  /** Makes `fetch` the page's, and lets the "browser" see the handler's Set-Cookie. */
  install(): InboxServer;
  /** Signs the "browser" in as `agent` (the cookie the sign-in form would get). */
  signIn(agent?: { token: string }): Promise<void>;
  /** A new visitor conversation, with `messages` sent by the visitor; its id and session. */
  visitor(...messages: string[]): Promise<{ conversationId: string; session: string }>;
  /** The same for a visitor who gave their first name (an unsigned identity). */
  named(firstname: string, ...messages: string[]): Promise<{ conversationId: string; session: string }>;
  /** Another message from a visitor. */
  says(session: string, body: string): Promise<void>;
  /** A conversation as Alice's API answers it (not recorded). */
  conversation(id: string): Promise<AgentConversationSummary>;
  /** A conversation's stored messages as Alice's API answers them (not recorded). */
  history(id: string): Promise<ChatMessage[]>;
  close(): void;
}

/**
 * happy-dom's Response drops `Set-Cookie`, as a browser hides it from pages;
 * the "browser" (the jar below) reads it where the handler sets it: the
 * handler's Response is made while `install` has this one in place.
 */
const setCookies = new WeakMap<Response, string>();
const PageResponse = globalThis.Response;
class HandlerResponse extends PageResponse {
  constructor(body?: BodyInit | null, init: ResponseInit = {}) {
    super(body, init);
    const headers = init.headers && !(init.headers instanceof Headers) && !Array.isArray(init.headers) ? init.headers : {};
    const setCookie = Object.entries(headers).find(([name]) => name.toLowerCase() === 'set-cookie')?.[1];
    if (setCookie) setCookies.set(this, setCookie);
  }
}

export function inboxServer(options: Partial<MessagingHandlerOptions> = {}): InboxServer {
  const handler = makeHandler({ agentToken: undefined, agents: [ALICE, BOB], publicOrigin: BASE, ...options });
  const requests: string[] = [];
  const bodies = new Map<string, unknown>();
  let cookie: string | undefined;

  const fetch = async (input: RequestInfo | URL, init: RequestInit = {}): Promise<Response> => {
    const url = String(input);
    if (!url.startsWith(`${BASE}/`)) throw new TypeError('Failed to fetch');
    const path = url.slice(BASE.length);
    requests.push(`${init.method ?? 'GET'} ${path}`);
    if (typeof init.body === 'string') bodies.set(path.split('?')[0]!, JSON.parse(init.body));
    const request = new Request(url, init);
    // happy-dom's Request drops forbidden headers given to it, as browsers do; the browser itself adds these.
    request.headers.set('Sec-Fetch-Site', 'same-origin');
    if (cookie && path.startsWith('/agent/')) request.headers.set('Cookie', `chatq_agent=${cookie}`);
    const response = await handler(request);
    const setCookie = setCookies.get(response);
    if (setCookie) cookie = /^chatq_agent=([^;]*)/.exec(setCookie)?.[1] || undefined;
    return response;
  };

  const asAlice = async <T>(path: string): Promise<T> => {
    const response = await handler(new Request(`${BASE}${path}`, { headers: { Authorization: `Bearer ${ALICE.token}` } }));
    if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`);
    return (await response.json()) as T;
  };

  async function start(registration: object | undefined, messages: string[]): Promise<{ conversationId: string; session: string }> {
    const { session, conversationId } = (await (registration ? register(handler, registration) : register(handler))) as { session: string; conversationId: string };
    for (const body of messages) await server.says(session, body);
    return { session, conversationId };
  }

  const server: InboxServer = {
    handler,
    requests,
    bodies,
    fetch,
    install() {
      vi.stubGlobal('fetch', fetch);
      vi.stubGlobal('Response', HandlerResponse);
      return server;
    },
    async signIn(agent = ALICE) {
      const response = await fetch(`${BASE}/agent/v1/session`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ token: agent.token }) });
      if (!response.ok) throw new Error(`sign-in: ${response.status}`);
      requests.length = 0;
    },
    visitor: (...messages) => start(undefined, messages),
    named: (firstname, ...messages) => start({ identity: { uuid: `visitor-${firstname.toLowerCase()}`, firstname } }, messages),
    async says(session, body) {
      const response = await send(handler, session, body);
      if (!response.ok) throw new Error(`visitor message: ${response.status} ${await response.text()}`);
    },
    async conversation(id) {
      const { conversations } = await asAlice<{ conversations: AgentConversationSummary[] }>('/agent/v1/conversations?limit=200');
      const found = conversations.find((conversation) => conversation.id === id);
      if (!found) throw new Error(`no conversation ${id}`);
      return found;
    },
    async history(id) {
      return (await asAlice<{ messages: ChatMessage[] }>(`/agent/v1/conversations/${encodeURIComponent(id)}/messages?limit=200`)).messages;
    },
    close() {
      handler.close();
    },
  };
  return server;
}
