/**
 * The two loopback servers of the browser tests: the customer's host site and
 * the real chatq handler (through `toNodeListener`), each on its own
 * 127.0.0.1:0 port, so the widget always runs cross-origin. Plus the agent API
 * client the tests use to read conversations and reply.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { createMessagingHandler, createVerifier, defineCommunity } from '../../src/server/index.js';
import { toNodeListener } from '../../src/server/node/index.js';
import type { AgentConversationSummary, AgentConversationsResponse, AgentMessagesResponse, ChatMessage } from '../../src/identity/index.js';
import { HS_KEY } from '../helpers/sign.js';

export const LOADER_PATH = fileURLToPath(new URL('../../dist/loader.js', import.meta.url));
export const PANEL_PATH = fileURLToPath(new URL('../../dist/panel.js', import.meta.url));

const built = new Map<string, string>();
/** A built script. `npm test` builds first; a missing file is a clear error, not a hang. */
function builtScript(path: string): string {
  let text = built.get(path);
  if (text === undefined) {
    if (!existsSync(path)) throw new Error(`${path} is missing: run \`npm run build\` before the browser tests.`);
    text = readFileSync(path, 'utf8');
    built.set(path, text);
  }
  return text;
}

/** The built widget, loader.js. */
export const loaderScript = (): string => builtScript(LOADER_PATH);
/** The built panel, panel.js (SPEC §10). */
export const panelScript = (): string => builtScript(PANEL_PATH);

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function closeServer(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

// ---------------------------------------------------------------- host site

export interface HostRoute {
  body: string;
  type?: string;
  headers?: Record<string, string>;
}

/** The "customer's site": static pages registered by each test. */
export interface HostServer {
  origin: string;
  url(path: string): string;
  route(path: string, route: HostRoute | string): void;
  close(): Promise<void>;
}

export async function startHostServer(): Promise<HostServer> {
  // A favicon, as any real site has: Chromium asks for one on its own, and its 404 would log a
  // "Failed to load resource" line that is the host's, not the widget's (quiet-console.test.ts).
  const routes = new Map<string, HostRoute>([['/favicon.ico', { body: '', type: 'image/x-icon' }]]);
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const path = new URL(req.url ?? '/', 'http://host').pathname;
    const route = routes.get(path);
    if (!route) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    res.writeHead(200, { 'content-type': route.type ?? 'text/html; charset=utf-8', 'cache-control': 'no-store', ...route.headers });
    res.end(route.body);
  });
  const origin = await listen(server);
  return {
    origin,
    url: (path) => origin + path,
    route(path, route) {
      routes.set(path, typeof route === 'string' ? { body: route } : route);
    },
    close: () => closeServer(server),
  };
}

// ---------------------------------------------------------------- chat server

export const BASE_PATH = '/chatq';

export interface ChatServerOptions {
  hostOrigins: string[];
  /** Merged over the default community (require mode, HS_KEY, 30 s minimum lifetime). */
  community?: Record<string, unknown>;
}

/** A request as the chat server received it (headers as sent over the wire, lower-case names). */
export interface ReceivedRequest {
  method: string;
  /** Path and query. */
  url: string;
  headers: IncomingHttpHeaders;
}

export interface ChatServer {
  origin: string;
  /** `{origin}{basePath}`: what the widget derives from its script URL. */
  base: string;
  loaderUrl: string;
  agentToken: string;
  agent: AgentClient;
  /** Every request the server received, in order (for tests of what the browser sends, such as `Referer`). */
  received: ReceivedRequest[];
  /** Cuts every open connection (SSE streams included) without stopping the server. */
  dropConnections(): void;
  close(): Promise<void>;
}

export const TEST_COMMUNITY = {
  signedIdentities: 'require',
  jwtKeys: [{ id: HS_KEY.kid, secret: HS_KEY.secret }],
  minTokenLifetime: 2,
  clockTolerance: 0,
  customFields: [{ name: 'crm_id', regex: '^CRM-[0-9]+$' }],
  extraValueMapping: [
    { key: 'customer_id', field: 'company' },
    { key: 'crm', field: { custom: 'crm_id' } },
  ],
};

export async function startChatServer(options: ChatServerOptions): Promise<ChatServer> {
  const community = defineCommunity({ ...TEST_COMMUNITY, ...options.community } as Parameters<typeof defineCommunity>[0]);
  const agentToken = randomBytes(24).toString('base64url');
  const handler = createMessagingHandler({
    verifier: createVerifier(community),
    allowedOrigins: options.hostOrigins,
    basePath: BASE_PATH,
    agentToken,
    loaderScript: loaderScript(),
    panelScript: panelScript(),
    // Every test page registers from 127.0.0.1: lift the per-address limits so
    // only what a test asserts decides its outcome.
    limits: { registrationsPerMinutePerAddress: 10_000, registrationsPerMinutePerSession: 10_000, messagesPerMinutePerSession: 10_000 },
  });
  const listener = toNodeListener(handler);
  const received: ReceivedRequest[] = [];
  const server = createServer((req, res) => {
    received.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers });
    listener(req, res);
  });
  const origin = await listen(server);
  const base = origin + BASE_PATH;
  return {
    origin,
    base,
    loaderUrl: `${base}/loader.js`,
    agentToken,
    agent: agentClient(base, agentToken),
    received,
    dropConnections: () => server.closeAllConnections(),
    async close() {
      await closeServer(server);
      await (handler as { close?: () => unknown }).close?.();
    },
  };
}

/** A conversation's summary with its whole kept history: what an agent has read once it opened the conversation. */
export type AgentConversationWithHistory = AgentConversationSummary & { messages: ChatMessage[] };

/** The agent API of the handler (protocol.ts), as the demo's agent view uses it. */
export interface AgentClient {
  /** Every conversation (walking the list's pages), each with its history from the messages endpoint. */
  conversations(): Promise<AgentConversationWithHistory[]>;
  reply(conversationId: string, body: string): Promise<Response>;
  /** Polls until a conversation matches, or throws after `timeoutMs`. */
  waitFor(match: (c: AgentConversationWithHistory) => boolean, timeoutMs?: number): Promise<AgentConversationWithHistory>;
}

/**
 * Node's fetch keeps connections alive; after `dropConnections()` the first
 * request on a pooled socket fails. Retry once: replies carry a clientId, so
 * a retry never duplicates.
 */
async function fetchRetry(url: string, init: RequestInit): Promise<Response> {
  try {
    return await fetch(url, init);
  } catch {
    return fetch(url, init);
  }
}

export function agentClient(base: string, token: string): AgentClient {
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  const get = async <T>(path: string): Promise<T> => {
    const res = await fetchRetry(`${base}${path}`, { headers });
    if (!res.ok) throw new Error(`agent ${path}: ${res.status} ${await res.text()}`);
    return (await res.json()) as T;
  };
  /** The whole kept history, oldest first, a page at a time (SPEC §6 "Bounds": the API never sends it all at once). */
  const history = async (id: string): Promise<ChatMessage[]> => {
    const messages: ChatMessage[] = [];
    for (let more = true; more; ) {
      const after = messages.at(-1)?.seq ?? 0;
      const page = await get<AgentMessagesResponse>(`/agent/v1/conversations/${encodeURIComponent(id)}/messages?limit=200&after=${after}`);
      messages.push(...page.messages);
      more = page.more && page.messages.length > 0;
    }
    return messages;
  };
  const conversations = async (): Promise<AgentConversationWithHistory[]> => {
    const summaries: AgentConversationSummary[] = [];
    let cursor: string | undefined;
    do {
      const page = await get<AgentConversationsResponse>(`/agent/v1/conversations?limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      summaries.push(...page.conversations);
      cursor = page.cursor;
    } while (cursor !== undefined);
    return Promise.all(summaries.map(async (c) => ({ ...c, messages: c.lastSeq > 0 ? await history(c.id) : [] })));
  };
  return {
    conversations,
    reply: (id, body) =>
      fetchRetry(`${base}/agent/v1/conversations/${encodeURIComponent(id)}/messages`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ body, clientId: randomBytes(12).toString('base64url') }),
      }),
    async waitFor(match, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = (await conversations()).find(match);
        if (found) return found;
        if (Date.now() > deadline) throw new Error('agent view: no matching conversation in time');
        await new Promise((r) => setTimeout(r, 100));
      }
    },
  };
}
