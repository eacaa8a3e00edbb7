import type { IdentityVerifier } from '../../identity/index.js';
import { ConfigProblems, MessagingConfigError } from '../errors.js';
import type { Engine } from '../engine/types.js';
import type { ConversationStore } from '../store/index.js';
import type { Reply } from './http/reply.js';
import type { AgentConfig, AuthenticateAgent } from './agent-types.js';
import type { WebhookEndpointOptions } from '../webhooks/types.js';

/** SPEC §6 limits. Every one is configurable; `Infinity` turns a rate limit off (benchmarks). */
export interface HandlerLimits {
  /** Request bodies above this many bytes are refused with 413 before parsing. */
  maxBodyBytes: number;
  registrationsPerMinutePerAddress: number;
  /** `GET v1/policy`, asked once per page view: cheap, so more generous than registrations. */
  policyRequestsPerMinutePerAddress: number;
  /** Re-registrations that present an existing session (renewals). */
  registrationsPerMinutePerSession: number;
  messagesPerMinutePerSession: number;
  /**
   * Visitor messages per conversation, whatever session sends them (re-registering gives new sessions).
   * Unless set, never below messagesPerMinutePerSession.
   */
  messagesPerMinutePerConversation: number;
  /** Visitor messages per client address (IPv6: per /64). Unless set, never below messagesPerMinutePerSession. */
  messagesPerMinutePerAddress: number;
  /** Page-change notices per session. */
  pageChangesPerMinutePerSession: number;
  /** Typing notices per visitor session, and per agent and conversation (SPEC §11: throttled, never stored). */
  typingPerMinutePerSession: number;
  /** Read positions and e-mail changes per visitor session (SPEC §11). */
  stateChangesPerMinutePerSession: number;
  /**
   * Page-change notices per conversation, whatever session sends them: each one
   * reaches every agent stream as a summary. Unless set, never below pageChangesPerMinutePerSession.
   */
  pageChangesPerMinutePerConversation: number;
  /** Page-change notices per client address (IPv6: per /64). Unless set, never below pageChangesPerMinutePerSession. */
  pageChangesPerMinutePerAddress: number;
  /** Open visitor streams per session (tabs); the next one gets 429 ERR_TOO_MANY_STREAMS. */
  maxStreamsPerSession: number;
  /** Open visitor streams per client address (IPv6: per /64); the next one gets 429 ERR_TOO_MANY_STREAMS. */
  maxStreamsPerAddress: number;
  /**
   * Bytes an SSE stream may have waiting for a client that does not read; past
   * it the stream is ended and the client reconnects (and resumes).
   */
  maxStreamQueueBytes: number;
  /** Open agent streams in total. */
  maxAgentStreams: number;
  /** Wrong agent credentials per client address; past it 429 (SPEC §6 "Bounds": the token cannot be guessed). */
  agentAuthFailuresPerMinutePerAddress: number;
  /** SSE comment heartbeat interval; capped at 25 s (SPEC §6). */
  heartbeatMs: number;
  /** Unsigned sessions (no JWT expiry) lapse after this long without a request or an open stream. */
  sessionIdleMs: number;
  /** An expired session is kept (renewable with a fresh JWT) this long before the store may forget it. */
  sessionRetainMs: number;
}

export const DEFAULT_LIMITS: Readonly<HandlerLimits> = Object.freeze({
  maxBodyBytes: 16_384,
  registrationsPerMinutePerAddress: 30,
  policyRequestsPerMinutePerAddress: 120,
  registrationsPerMinutePerSession: 12,
  messagesPerMinutePerSession: 60,
  messagesPerMinutePerConversation: 60,
  messagesPerMinutePerAddress: 120,
  pageChangesPerMinutePerSession: 60,
  typingPerMinutePerSession: 30,
  stateChangesPerMinutePerSession: 60,
  pageChangesPerMinutePerConversation: 60,
  pageChangesPerMinutePerAddress: 120,
  maxStreamsPerSession: 3,
  maxStreamsPerAddress: 20,
  maxStreamQueueBytes: 1_048_576,
  maxAgentStreams: 20,
  agentAuthFailuresPerMinutePerAddress: 10,
  heartbeatMs: 20_000,
  sessionIdleMs: 24 * 60 * 60 * 1000,
  sessionRetainMs: 24 * 60 * 60 * 1000,
});

/** Budgets wider than a session's (limit, the per-session limit it is never below unless set). */
const SESSION_FLOORED_LIMITS: readonly (readonly [keyof HandlerLimits, keyof HandlerLimits])[] = [
  ['messagesPerMinutePerConversation', 'messagesPerMinutePerSession'],
  ['messagesPerMinutePerAddress', 'messagesPerMinutePerSession'],
  ['pageChangesPerMinutePerConversation', 'pageChangesPerMinutePerSession'],
  ['pageChangesPerMinutePerAddress', 'pageChangesPerMinutePerSession'],
];

/** SPEC §6: a heartbeat at least every 25 s keeps proxies from closing an idle stream. */
export const MAX_HEARTBEAT_MS = 25_000;

export interface MessagingHandlerOptions {
  /** Anything with `verify(input)`: `createVerifier(community)` or your own (SPEC §4). */
  verifier: IdentityVerifier;
  /** The host sites allowed to call the handler from a browser (CORS). `'*'` is for demos only. */
  allowedOrigins: string[] | '*';
  /** Where the handler is mounted, e.g. `/chatq`. Default `''`. */
  basePath?: string;
  /**
   * The origin the chat server is reached at, e.g. `https://chat.example.com`,
   * so its own pages (an agent view) may call it same-origin. Without it only
   * `allowedOrigins` may send an Origin. Host headers are never trusted for this.
   */
  publicOrigin?: string;
  /**
   * Where conversations, live delivery and rate limits live (SPEC §8). Default:
   * `createMemoryEngine()`, this process only. `createRedisEngine()` from
   * `chatq/redis` runs any number of instances.
   */
  engine?: Engine;
  /** A custom store on the memory engine (not with `engine`). Default: `createMemoryStore()`. */
  store?: ConversationStore;
  /**
   * The community id (`[a-z0-9_-]{1,64}`), part of every key the handler
   * writes (SPEC §6 "Sharing"). Default: the verifier's (`defineCommunity({ id })`), else `default`.
   */
  communityId?: string;
  /** @deprecated since 0.3.0: `communityId` (`community` names the object defineCommunity returns). Read, with a warning, until 0.4. */
  community?: string;
  /**
   * The agent API's bearer credential, at least 32 characters (e.g.
   * `openssl rand -base64 32`). Without one the agent API is off (404).
   */
  agentToken?: string;
  /**
   * The agents (SPEC §11), each with their own token (≥ 32 characters, unique)
   * and the name and avatar visitors see on their messages. `agentToken` is
   * the shorthand for one agent `{ id: 'agent', name: 'Agent' }`.
   */
  agents?: AgentConfig[];
  /**
   * Your own sign-in for agents (a session cookie, SSO): resolve to the
   * agent the request is signed in as, or null. Tried after the tokens. A
   * throw answers 500 ERR_INTERNAL (logged), never signs anyone in.
   */
  authenticateAgent?: AuthenticateAgent;
  /** Told to visitors with the presence (SPEC §11), e.g. "Usually replies within an hour". */
  replyTime?: string;
  /** The widget script served as `loader.js`, or a function that reads it (called once). Default: the `dist/loader.js` built into the package. */
  loaderScript?: string | (() => Promise<string>);
  /** The widget's panel served as `panel.js` (SPEC §10), like `loaderScript`. Default: the `dist/panel.js` built into the package. */
  panelScript?: string | (() => Promise<string>);
  limits?: Partial<HandlerLimits>;
  /**
   * The client's address, the key of the per-address rate limits. Default: what
   * `toNodeListener` saw on the socket; elsewhere pass e.g.
   * `(req) => req.headers.get('cf-connecting-ip') ?? undefined`. Only trust a
   * forwarding header your own proxy sets.
   */
  clientAddress?: (request: Request) => string | undefined;
  /** The clock (ms). Default `Date.now`. */
  now?: () => number;
  /** Where unexpected errors are reported. Never receives a token, JWT or session. Default `console`. */
  logger?: { warn(message: string): void };
  /**
   * Receivers of the community's events in the Standard Webhooks format (SPEC
   * §12): conversation.created, message.created, conversation.unanswered,
   * conversation.closed and conversation.reopened, signed with each `whsec_`
   * secret, from the engine's durable outbox, at least once and in order per
   * conversation, retried for 24 h. Check a delivery with `npx chatq webhook verify`.
   */
  webhooks?: WebhookEndpointOptions[];
  /** Milliseconds without an agent reply after a visitor's message before `conversation.unanswered`. Default 300 000 (5 minutes). */
  unansweredAfter?: number;
}

/**
 * A web-standard handler (SPEC §6) plus `close()`, which ends open streams and timers.
 * `env` is what the server passes beside the Request (Hono's `c.env`; on
 * `@hono/node-server` it holds the Node request, whose socket address then
 * keys the per-address limits). Given a Hono Context instead of a Request (plain
 * JavaScript `app.all('/chatq/*', handler)`), it answers for the Context's
 * `req.raw` and `env`; the typed form is `(c) => handler(c.req.raw, c.env)`.
 */
export type MessagingHandler = ((request: Request, env?: unknown) => Promise<Response>) & {
  /**
   * The same answer as plain parts (status, lower-case header fields, a body
   * of text, bytes, nothing or an event stream), for an adapter that writes
   * it to its socket itself and so needs no Response (toNodeListener does:
   * http/reply.ts says what that saves). Everything else calls the handler.
   */
  reply(request: Request, env?: unknown): Promise<Reply>;
  /**
   * Graceful shutdown (SPEC §8), e.g. on SIGTERM: from now on every request
   * gets 503 ERR_UNAVAILABLE with Retry-After: 1 and Connection: close, and
   * open streams end (widgets reconnect, through your load balancer, to
   * another instance and resume by Last-Event-ID). Then close your server.
   */
  drain(): void;
  close(): void;
  /** The normalized mount path ('' or '/x'): adapters pass other paths on (`next()`). */
  readonly basePath: string;
};

/**
 * The checks of createMessagingHandler's options that no normalizer below
 * makes: a wrong one throws MessagingConfigError naming the option (issue 12
 * item 6), at start-up rather than as a 500 on the first request that uses it.
 */
export function checkOptions(options: MessagingHandlerOptions): void {
  const problems = new ConfigProblems('createMessagingHandler');
  const fail = (path: string, message: string): void => problems.add(path, `createMessagingHandler: ${message}`);
  if (typeof options !== 'object' || options === null) {
    fail('options', 'pass an options object ({ verifier, allowedOrigins, … }).');
    return problems.throwIfAny();
  }
  if (typeof options.verifier?.verify !== 'function') fail('verifier', '`verifier` must have a verify(input) method (e.g. createVerifier(community)).');
  if (options.allowedOrigins !== '*' && !Array.isArray(options.allowedOrigins)) {
    fail('allowedOrigins', "`allowedOrigins` must list the host sites' origins (or be '*' for a demo).");
  }
  if (options.engine !== undefined && options.store !== undefined) fail('store', 'give either `engine` or `store` (a custom store on the memory engine), not both.');
  const engine = options.engine as Partial<Engine> | undefined;
  if (engine !== undefined && (typeof engine?.store !== 'object' || typeof engine.bus?.subscribe !== 'function' || typeof engine.limiter?.take !== 'function')) {
    fail('engine', '`engine` must be an engine: createMemoryEngine() or createRedisEngine() from chatq/redis.');
  }
  for (const name of ['clientAddress', 'now'] as const) {
    if (options[name] !== undefined && typeof options[name] !== 'function') fail(name, `\`${name}\` must be a function.`);
  }
  if (options.logger !== undefined && typeof options.logger?.warn !== 'function') fail('logger', '`logger` must have a warn(message) method (console has one).');
  for (const name of ['loaderScript', 'panelScript'] as const) {
    if (options[name] !== undefined && typeof options[name] !== 'string' && typeof options[name] !== 'function') {
      fail(name, `\`${name}\` must be the widget script as a string, or a function that resolves to it.`);
    }
  }
  if (options.limits !== undefined && (typeof options.limits !== 'object' || options.limits === null)) fail('limits', '`limits` must be an object such as { maxBodyBytes: 16384 }.');
  problems.throwIfAny();
}

export function resolveLimits(partial: Partial<HandlerLimits> = {}): HandlerLimits {
  const limits = { ...DEFAULT_LIMITS };
  const problems = new ConfigProblems('createMessagingHandler');
  for (const [key, value] of Object.entries(partial) as [keyof HandlerLimits, unknown][]) {
    if (value === undefined) continue;
    if (typeof value !== 'number' || Number.isNaN(value) || value < 0) {
      problems.add(`limits.${key}`, `limits.${key}: must be a non-negative number, got ${String(value)}`);
    } else limits[key] = value;
  }
  problems.throwIfAny();
  // Unless set, the conversation and address budgets are never tighter than one session's: raising
  // messagesPerMinutePerSession (benchmarks, tests) raises them too.
  for (const [wider, session] of SESSION_FLOORED_LIMITS) {
    if (partial[wider] === undefined) limits[wider] = Math.max(limits[wider], limits[session]);
  }
  limits.heartbeatMs = Math.min(Math.max(limits.heartbeatMs, 10), MAX_HEARTBEAT_MS);
  return limits;
}

/** `/chatq/` → `/chatq`, `/` → ``. */
export function normalizeBasePath(basePath: unknown = ''): string {
  // A number or null from a config file: named like any other wrong option, not a TypeError from .replace.
  if (typeof basePath !== 'string') {
    throw new MessagingConfigError('basePath', `basePath: must be a path such as /chatq, got ${basePath === null ? 'null' : typeof basePath}.`);
  }
  const trimmed = basePath.replace(/\/+$/, '');
  if (trimmed !== '' && !/^\/[A-Za-z0-9._~!$&'()*+,;=:@%/-]*$/.test(trimmed)) {
    throw new MessagingConfigError('basePath', `basePath: "${basePath}" must be a path such as /chatq`);
  }
  return trimmed;
}

/**
 * `https://Chat.example.com/` → `https://chat.example.com`. Only an http(s)
 * origin: a path, query, fragment or credentials means a misunderstanding
 * (a browser's Origin header never has them), so it is refused, not trimmed.
 */
export function normalizePublicOrigin(publicOrigin: unknown): string | undefined {
  if (publicOrigin === undefined) return undefined;
  let url: URL | undefined;
  if (typeof publicOrigin === 'string' && /^https?:\/\/[^/?#@\\\s]+\/?$/i.test(publicOrigin)) {
    try {
      url = new URL(publicOrigin);
    } catch {
      url = undefined;
    }
  }
  if (url === undefined || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    const shown = typeof publicOrigin === 'string' ? `"${publicOrigin.slice(0, 200)}"` : typeof publicOrigin;
    throw new MessagingConfigError('publicOrigin', `publicOrigin: ${shown} must be an http(s) origin with no path, such as https://chat.example.com`);
  }
  return url.origin;
}

/** SPEC §6 "Sharing": `[a-z0-9_-]{1,64}`. */
export const COMMUNITY_ID_PATTERN = /^[a-z0-9_-]{1,64}$/;

/** The handler's community id: the option (given as `path`), else the verifier's, else `default`. */
export function resolveCommunity(option: unknown, verifier: Partial<IdentityVerifier>, path = 'communityId'): string {
  const id = option ?? verifier.communityId ?? verifier.community ?? 'default';
  if (typeof id !== 'string' || !COMMUNITY_ID_PATTERN.test(id)) {
    throw new MessagingConfigError(path, `${path}: must be 1–64 characters a-z 0-9 _ -, got ${typeof id === 'string' ? JSON.stringify(id.slice(0, 70)) : typeof id}.`);
  }
  return id;
}

/** SPEC §6 "Bounds": an agent token is at least 32 characters, so it cannot be guessed within the rate limit. */
export const MIN_AGENT_TOKEN_LENGTH = 32;

export function normalizeAgentToken(token: unknown): string | undefined {
  if (token === undefined || token === null || token === '') return undefined;
  if (typeof token !== 'string' || token.length < MIN_AGENT_TOKEN_LENGTH || token.length > 512 || /[^\x21-\x7e]/.test(token)) {
    throw new MessagingConfigError(
      'agentToken',
      `agentToken: must be ${MIN_AGENT_TOKEN_LENGTH}–512 printable characters without spaces (make one with \`openssl rand -base64 32\`), got ${
        typeof token === 'string' ? `${token.length} characters` : typeof token}.`,
    );
  }
  return token;
}
