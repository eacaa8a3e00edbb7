/**
 * The real chatq handler (src/server) behind the widget's `fetch`, in process:
 * `createMessagingHandler` with `createVerifier(defineCommunity(…))` on the
 * memory engine, so the happy-dom tests talk to the protocol itself, not to a
 * copy of it. Between the two sits what a browser does to a cross-origin
 * request (browser-cors.ts: Origin, preflight, CORS check), and what a test
 * makes the network do: an outage or a proxy's error, a lost answer, a slow
 * request, a dropped stream (`fail`, `hold`, `offline`, `dropStreams`).
 * Every request the widget makes is recorded (method, URL, headers, body,
 * status). Agent replies go through the real agent API.
 *
 * Time: the handler and the verifier read `Date.now()` (the tests' fake
 * clock) plus `skew`, and their timers (stream heartbeats, expiry) are the
 * faked ones, so `vi.advanceTimersByTimeAsync` moves both sides together.
 */
import { vi } from 'vitest';
import { crossOriginRequest, preflightAllows, readableByPage, readRequestInit, responseForPage } from './browser-cors.js';
import { createNetwork, type Fault, type OpenStream } from './network-faults.js';
import type { ChatMessage, IdentityPolicy, RegisterResponse } from '../../src/identity/index.js';
import {
  createMessagingHandler,
  createVerifier,
  defineCommunity,
  type AgentConversationsResponse,
  type AgentConversationSummary,
  type AgentMessagesResponse,
  type Community,
  type HandlerLimits,
  type IdentityVerifier,
  type MessagingHandler,
} from '../../src/server/index.js';

export const BASE = 'https://chat.example.test/chatq';
/** The community's HS256 key; test/client/helpers.ts signs with it. */
export const KEY = { kid: 'site_2026', secret: '0123456789abcdef01234567' };
const AGENT_TOKEN = 'client-tests-agent-token-0123456789abcdef';
/** Every request comes from one visitor's address (the per-address limits). */
const CLIENT_ADDRESS = '198.51.100.7';

export interface RecordedRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: unknown;
  /** The status the widget saw; undefined while pending or when the network failed. */
  status?: number;
}

export interface RealServerOptions {
  /** The community's rules (default: require, 3600 s, 10 s). */
  policy?: Partial<IdentityPolicy>;
  /** Server clock minus the test's clock, ms; `server.skew` changes it later. */
  skew?: number;
  limits?: Partial<HandlerLimits>;
  /** false: a custom verifier that does not publish its policy (the handler then tells none). */
  publishPolicy?: boolean;
  /** Default: the happy-dom page's origin. */
  allowedOrigins?: string[];
}

export type { Fault, OpenStream };

/** The real handler behind a recording, fault-injecting `fetch` (see the top of this file). */
export interface RealServer {
  /** The widget's `fetch` (a vi.fn: its calls are the widget's arguments as given). */
  readonly fetch: ReturnType<typeof vi.fn<(input: RequestInfo | URL, init?: RequestInit) => Promise<Response>>>;
  /** Every request the widget made, in order (preflights not included). */
  readonly requests: readonly RecordedRequest[];
  /** Every session credential the handler issued to the widget, in order. */
  readonly sessions: readonly string[];
  /** The stream responses the widget is reading now. */
  readonly streams: readonly OpenStream[];
  /** What the handler logged. */
  readonly warnings: readonly string[];
  /** The community's rules. */
  readonly policy: IdentityPolicy;
  /** Server clock minus the test's clock, ms. */
  skew: number;
  /** While true every request fails as if the network were down. */
  offline: boolean;
  /** Makes `fetch` the global one (createMessenger captures it at start). */
  install(): RealServer;
  /** The next `times` requests to `path` meet `fault` instead of the handler's answer. */
  fail(path: string, fault: Fault, times?: number): void;
  /** Requests to `path` wait (a slow network) until the returned function is called. */
  hold(path: string): () => void;
  /** Drops every open stream connection (the handler sees its client go). */
  dropStreams(): void;
  /** A restart of a server on the memory engine: sessions and conversations are gone, open streams end. */
  restart(): void;
  /** A request straight to the handler, as another client would send it (not recorded, no Origin). */
  call(method: string, path: string, options?: { bearer?: string; body?: unknown }): Promise<Response>;
  /** Registers the way another browser or device would, straight to the handler. */
  register(request: { jwt?: string; identity?: object; automatedUuid?: string }): Promise<RegisterResponse>;
  /** `live`, `expired` (renewable) or `ended` (unknown or revoked), as the handler answers that session now. */
  sessionState(session: string): Promise<'live' | 'expired' | 'ended'>;
  /** The sessions issued to the widget that the handler still honours. */
  liveSessions(): Promise<string[]>;
  /** Revokes a session on the server (DELETE /v1/session with it): its open streams get `session_ended`. */
  endSession(session: string): Promise<void>;
  /** Every conversation of the visitor whose uuid is `uuid`, newest activity first, as the agent list shows them. */
  conversationsOf(uuid: string): Promise<AgentConversationSummary[]>;
  /** The id of the visitor `uuid`'s conversation (the newest, if several). */
  conversationOf(uuid: string): Promise<string>;
  /** An agent reply to the visitor `uuid`, through the agent API: it reaches the visitor's open streams. */
  agentSays(uuid: string, body: string): Promise<ChatMessage>;
  /** The stored history of the visitor `uuid`'s conversation, as the agent reads it. */
  history(uuid: string): Promise<ChatMessage[]>;
  close(): void;
}

const communities = new Map<string, Community>();

/** One community per set of rules, defined once (defineCommunity warns about `accept` on each call). */
function communityFor(policy: IdentityPolicy): Community {
  const key = JSON.stringify(policy);
  let community = communities.get(key);
  if (!community) {
    const warn = console.warn;
    // The definition-time deprecation warning of `accept` (SPEC §3) is not what these tests are about.
    console.warn = () => {};
    try {
      community = defineCommunity({
        signedIdentities: policy.mode,
        jwtKeys: [{ id: KEY.kid, secret: KEY.secret }],
        minTokenLifetime: policy.minTokenLifetime,
        clockTolerance: policy.clockTolerance,
      });
    } finally {
      console.warn = warn;
    }
    communities.set(key, community);
  }
  return community;
}

const open = new Set<RealServer>();

/**
 * Closes every server made since the last call (helpers.ts, after each
 * test); returns what they logged about unexpected errors (a 500), which no
 * test expects.
 */
export function closeRealServers(): string[] {
  const unexpected: string[] = [];
  for (const server of [...open]) {
    unexpected.push(...server.warnings.filter((warning) => warning.includes('unexpected error')));
    server.close();
  }
  return unexpected;
}

export function realServer(options: RealServerOptions = {}): RealServer {
  const policy: IdentityPolicy = { mode: 'require', minTokenLifetime: 3600, clockTolerance: 10, ...options.policy };
  const origin = location.origin;
  const requests: RecordedRequest[] = [];
  const issued: string[] = [];
  const network = createNetwork();
  const warnings: string[] = [];
  let skew = options.skew ?? 0;
  const clock = (): number => Date.now() + skew;

  function makeHandler(): MessagingHandler {
    const verifier = createVerifier(communityFor(policy), { now: clock });
    const published: IdentityVerifier = options.publishPolicy === false ? { verify: (input) => verifier.verify(input) } : verifier;
    return createMessagingHandler({
      verifier: published,
      allowedOrigins: options.allowedOrigins ?? [origin],
      basePath: new URL(BASE).pathname,
      agentToken: AGENT_TOKEN,
      clientAddress: () => CLIENT_ADDRESS,
      now: clock,
      ...(options.limits && { limits: options.limits }),
      logger: { warn: (message) => void warnings.push(message) },
    });
  }
  let handler = makeHandler();

  /** A request straight to the handler, as another client would send it (not recorded, no Origin). */
  async function direct(method: string, path: string, bearer?: string, body?: unknown): Promise<Response> {
    const headers = {
      ...(bearer && { Authorization: `Bearer ${bearer}` }),
      ...(body !== undefined && { 'Content-Type': 'application/json' }),
    };
    return handler(new Request(BASE + path, { method, headers, ...(body !== undefined && { body: JSON.stringify(body) }) }));
  }

  async function agent<T>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await direct(method, path, AGENT_TOKEN, body);
    if (!response.ok) throw new Error(`agent ${method} ${path}: ${response.status} ${await response.text()}`);
    return (await response.json()) as T;
  }

  const fetch = vi.fn(async (input: RequestInfo | URL, init: RequestInit = {}): Promise<Response> => {
    readRequestInit(init);
    const url = String(input);
    const method = (init.method ?? 'GET').toUpperCase();
    const headers: Record<string, string> = { ...(init.headers as Record<string, string>) };
    const record: RecordedRequest = { method, url, headers, body: typeof init.body === 'string' ? JSON.parse(init.body) : undefined };
    requests.push(record);
    if (!url.startsWith(`${BASE}/`)) throw new TypeError('Failed to fetch');
    // The path routes (hold, depart, the stream's bookkeeping); the query (`?events=` on the stream) does not.
    const path = url.slice(BASE.length).split('?')[0]!;
    const departure = await network.depart(path, init.signal);
    if (!departure.pass) {
      record.status = departure.answer.status;
      return departure.answer;
    }
    if (!(await preflightAllows(handler, url, method, headers, origin))) throw new TypeError('Failed to fetch');
    const response = await handler(crossOriginRequest(url, { ...init, method, headers }, origin));
    // Lost on the way back, or hidden by CORS: either way the page sees a network error.
    if (departure.lost || !readableByPage(response, origin)) {
      await response.body?.cancel();
      throw new TypeError('Failed to fetch');
    }
    let body: BodyInit | null = response.body;
    if (path === '/v1/identity' && response.ok) {
      body = await response.text();
      const { session } = JSON.parse(body) as RegisterResponse;
      if (!issued.includes(session)) issued.push(session);
    } else if (path === '/v1/stream' && response.ok && response.body) {
      body = network.carry(response.body, headers.Authorization?.replace(/^Bearer /, '') ?? '', headers['Last-Event-ID'], init.signal);
    }
    const seen = responseForPage(response, body);
    record.status = seen.status;
    return seen;
  });

  const server: RealServer = {
    fetch,
    requests,
    sessions: issued,
    streams: network.streams,
    warnings,
    policy,
    get skew() {
      return skew;
    },
    set skew(value) {
      skew = value;
    },
    get offline() {
      return network.state.offline;
    },
    set offline(value) {
      network.state.offline = value;
    },
    install() {
      vi.stubGlobal('fetch', fetch);
      return server;
    },
    fail: network.fail,
    hold: network.hold,
    dropStreams: network.dropStreams,
    restart() {
      handler.close();
      handler = makeHandler();
    },
    call: (method, path, options = {}) => direct(method, path, options.bearer, options.body),
    async register(request) {
      const response = await direct('POST', '/v1/identity', undefined, request);
      if (!response.ok) throw new Error(`register: ${response.status} ${await response.text()}`);
      return (await response.json()) as RegisterResponse;
    },
    async sessionState(session) {
      const response = await direct('GET', '/v1/conversation', session);
      if (response.ok) return 'live';
      const { error } = (await response.json()) as { error: { code: string } };
      return error.code === 'ERR_SESSION_EXPIRED' ? 'expired' : 'ended';
    },
    async liveSessions() {
      const states = await Promise.all(issued.map(async (s) => [s, await server.sessionState(s)] as const));
      return states.filter(([, s]) => s === 'live').map(([s]) => s);
    },
    async endSession(session) {
      const response = await direct('DELETE', '/v1/session', session);
      if (response.status !== 204) throw new Error(`logout: ${response.status}`);
    },
    async conversationsOf(uuid) {
      const { conversations } = await agent<AgentConversationsResponse>('GET', '/agent/v1/conversations?limit=200');
      return conversations.filter((c) => c.uuid === uuid);
    },
    async conversationOf(uuid) {
      const [found] = await server.conversationsOf(uuid);
      if (!found) throw new Error(`no conversation for uuid ${uuid}`);
      return found.id;
    },
    async agentSays(uuid, body) {
      const id = await server.conversationOf(uuid);
      return (await agent<{ message: ChatMessage }>('POST', `/agent/v1/conversations/${encodeURIComponent(id)}/messages`, { body })).message;
    },
    async history(uuid) {
      const id = await server.conversationOf(uuid);
      return (await agent<AgentMessagesResponse>('GET', `/agent/v1/conversations/${encodeURIComponent(id)}/messages?limit=200`)).messages;
    },
    close() {
      open.delete(server);
      handler.close();
    },
  };
  open.add(server);
  return server;
}

/** Lets pending promises and zero-delay timers run (fake timers). */
export async function flush(): Promise<void> {
  for (let i = 0; i < 10; i++) await vi.advanceTimersByTimeAsync(0);
}
