/**
 * A route's own inputs, from real parts: the HandlerContext the handler
 * builds (src/server/handler/create.ts) over a memory engine, its options read
 * by readOptions, its agents by createAgentAccess — so a route function is
 * called as the router calls it, and its Reply read as it leaves the route.
 * Every event the route publishes is kept in `published`.
 */
import { afterEach } from 'vitest';
import { VISITOR_PATHS, type VerifiedIdentity } from '../../../../src/identity/index.js';
import { createMemoryEngine } from '../../../../src/server/engine/memory.js';
import type { BusEvent } from '../../../../src/server/engine/types.js';
import { createAgentAccess } from '../../../../src/server/handler/agents/access.js';
import type { Call, HandlerContext } from '../../../../src/server/handler/context.js';
import type { Reply } from '../../../../src/server/handler/http/reply.js';
import { LiveHub } from '../../../../src/server/handler/live/hub.js';
import type { MessagingHandlerOptions } from '../../../../src/server/handler/options.js';
import { readOptions } from '../../../../src/server/handler/read-options.js';
import { register } from '../../../../src/server/handler/routes/register.js';
import type { ConversationRecord } from '../../../../src/server/store/index.js';
import { automatedUuid, BASE, HOST_ORIGIN, verifierDouble } from '../helpers.js';

type Published = Exclude<BusEvent, { type: 'resync' }>;

export interface RouteContext {
  ctx: HandlerContext;
  published: Published[];
  /** A mutable clock: `ctx.now()` reads it. */
  clock: { now: number };
}

const closers: (() => unknown)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

/** A HandlerContext as createMessagingHandler would build it from `options`; closed after the test. */
export function routeContext(options: Partial<MessagingHandlerOptions> = {}): RouteContext {
  const full = { verifier: verifierDouble(), allowedOrigins: [HOST_ORIGIN], logger: { warn() {} }, ...options } as MessagingHandlerOptions;
  const { basePath, publicOrigin, agentSetup, communityId, limits } = readOptions(full);
  const engine = createMemoryEngine();
  const hub = new LiveHub(engine.bus, communityId);
  const published: Published[] = [];
  const clock = { now: 1_800_000_000_000 };
  const publish = (event: Published): void => {
    published.push(event);
    void engine.bus.publish(communityId, event);
  };
  const agents = agentSetup && createAgentAccess(agentSetup, { publicOrigin, hub, intervalMs: limits.heartbeatMs, publish });
  closers.push(() => engine.close(), () => hub.closeAll(), () => agents?.presence.close());
  const ctx: HandlerContext = {
    verifier: full.verifier,
    community: communityId,
    mode: full.verifier.policy?.mode,
    store: engine.store,
    limiter: engine.limiter,
    limits,
    now: () => clock.now,
    logger: full.logger!,
    hub,
    publish,
    agents,
    basePath,
  };
  return { ctx, published, clock };
}

export interface CallOptions {
  method?: string;
  headers?: Record<string, string>;
  body?: unknown;
  param?: string;
  /** The per-address key the router would pass. */
  address?: string;
}

/** One request as a route sees it (the router's Call), at `path` under the context's base path. */
export function call(ctx: HandlerContext, path: string, { method, headers = {}, body, param = '', address = '192.0.2.1' }: CallOptions = {}): Call {
  const init: RequestInit = { method: method ?? (body === undefined ? 'GET' : 'POST'), headers: { ...(body === undefined ? {} : { 'Content-Type': 'application/json' }), ...headers } };
  if (body !== undefined) init.body = typeof body === 'string' ? body : JSON.stringify(body);
  const request = new Request(`${BASE}${ctx.basePath}${path}`, init);
  return { request, url: new URL(request.url), param, clientAddress: () => address };
}

/** A Reply's body as text ('' for none). */
export function text(reply: Reply): string {
  if (reply.body === null) return '';
  if (typeof reply.body === 'string') return reply.body;
  if (reply.body instanceof Uint8Array) return new TextDecoder().decode(reply.body);
  throw new Error('an event stream, not a body');
}

/** A Reply's JSON body. */
export const body = (reply: Reply): any => JSON.parse(text(reply));

/** The error a route (or a step of one) threw; it fails the test when the promise resolved instead. */
export async function refusal(answer: Promise<unknown>): Promise<{ status: number; code: string; message: string; headers: Readonly<Record<string, string>> }> {
  return answer.then(
    (value) => {
      throw new Error(`expected a refusal, got ${JSON.stringify(value)?.slice(0, 200)}`);
    },
    (error: { status: number; code: string; message: string; headers: Readonly<Record<string, string>> }) => error,
  );
}

/** A visitor registered through the register route: its session and conversation. */
export async function visitorSession(ctx: HandlerContext): Promise<{ session: string; conversationId: string }> {
  const reply = await register(ctx, call(ctx, VISITOR_PATHS.identity, { headers: { Origin: HOST_ORIGIN }, body: { automatedUuid: automatedUuid() } }));
  if (reply.status !== 200) throw new Error(`register: ${reply.status} ${text(reply)}`);
  return body(reply);
}

/** An identity as a verifier returns it, with agent-only values. */
export function verifiedIdentity(overrides: Partial<VerifiedIdentity> = {}): VerifiedIdentity {
  return { uuid: `visitor-${crypto.randomUUID()}`, uuidSource: 'automated', signed: false, fields: {}, customFields: { crm_id: 'CRM-1' }, extraValues: { plan: 'gold' }, warnings: [], ...overrides };
}

/** A conversation stored in the context's community (as registration makes one). */
export function newConversation(ctx: HandlerContext, identity: VerifiedIdentity = verifiedIdentity()): Promise<ConversationRecord> {
  return ctx.store.upsertConversation(ctx.community, `key:${identity.uuid}`, identity, ctx.now());
}

/** Two agents of the `agents` option, and the chat server's own origin (`publicOrigin`). */
export const ALICE = { id: 'alice', name: 'Alice Martin', avatarUrl: 'https://cdn.test/alice.png', token: 'alice-token-0123456789-abcdefghijklmn' };
export const BOB = { id: 'bob', name: 'Bob', token: 'bob-token-0123456789-abcdefghijklmnopq' };
export const CHAT_ORIGIN = 'https://chat.example';

/** A context with Alice and Bob as its agents, served from CHAT_ORIGIN. */
export function agentContext(options: Partial<MessagingHandlerOptions> = {}): RouteContext {
  return routeContext({ agents: [ALICE, BOB], publicOrigin: CHAT_ORIGIN, ...options });
}

/** What an agent's token signs in as (no token). */
export const identityOf = ({ token: _token, ...agent }: { token: string } & Record<string, unknown>) => agent;
