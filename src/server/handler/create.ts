import { underlyingStore } from '../engine/announce.js';
import { createMemoryEngine } from '../engine/memory.js';
import type { BusEvent, Engine } from '../engine/types.js';
import { ENGINE_ERROR_STATUS, isEngineError } from '../errors.js';
import { createAgentAccess } from './agents/access.js';
import { checkStoreState } from './agents/config.js';
import { addressKey } from './address-key.js';
import { fromCaller, type FetchContext, type ServerEnvReader } from './caller.js';
import { claimCommunity } from './community-claim.js';
import type { Call, HandlerContext } from './context.js';
import { applyCorsHeaders, createRefusedOriginLog, preflightReply, type CorsAnswer } from './http/cors.js';
import { errorReply, HttpError } from './http/errors.js';
import { mountedPath, pathUnder } from './http/paths.js';
import { redact } from './http/redact.js';
import { isEventStream, toResponse, type Reply } from './http/reply.js';
import { LiveHub } from './live/hub.js';
import type { MessagingHandler, MessagingHandlerOptions } from './options.js';
import { readOptions } from './read-options.js';
import { allowedMethods, matchRoute, type Route } from './router.js';
import { createLoaderRoute } from './routes/loader.js';
import { startWebhooks } from './webhooks.js';
import { BUILT_LOADER } from './routes/built-loader.js';
import { BUILT_PANEL } from './routes/built-panel.js';
import { createPanelRoute } from './routes/panel.js';

export { redact } from './http/redact.js';

/**
 * The messaging handler (SPEC §6), reading a server's `env` with `serverEnv`
 * (the package entry passes the Node servers' reader, index.ts). Routes
 * answer with Replies; `handler(request)` turns one into a Response,
 * `handler.reply(request)` hands it to an adapter as it is.
 */
export function createHandler(options: MessagingHandlerOptions, serverEnv: ServerEnvReader): MessagingHandler {
  const { basePath, publicOrigin, cors, agentSetup, communityId: community, communityOption, limits, webhooks: webhookSetup } = readOptions(options);
  // An engine the handler made is the handler's to close; one passed in may serve other handlers too.
  const ownEngine = options.engine === undefined;
  const engine: Engine = options.engine ?? createMemoryEngine(options.store === undefined ? {} : { store: options.store });
  checkStoreState(engine.store);
  // Issue 16 LOW 1: two communities left on the default id must not share a store (community-claim.ts).
  const releaseCommunity = claimCommunity(underlyingStore(engine.store), community, communityOption, options.verifier);
  const now = options.now ?? Date.now;
  const hub = new LiveHub(engine.bus, community);
  const logger = options.logger ?? console;
  const webhooks = startWebhooks(webhookSetup, { engine, community, logger, now });
  /** Says `event` on the bus; answers whether it went out (presence asks again when it did not). */
  const publish = (event: Exclude<BusEvent, { type: 'resync' }>): Promise<boolean> => {
    // A change was written (and its outbox entry with it): look now rather than at the next tick.
    if (event.type === 'conversation') webhooks?.wake();
    return engine.bus.publish(community, event).then(
      () => true,
      (error: unknown) => {
        // The store already holds the change; streams pick it up on their next read.
        logger.warn(`chatq: live delivery failed (streams catch up on their next heartbeat): ${redact(String((error as Error)?.message ?? error).slice(0, 200))}`);
        return false;
      },
    );
  };
  const agents = agentSetup && createAgentAccess(agentSetup, { publicOrigin, hub, intervalMs: limits.heartbeatMs, publish });
  // The community's topic carries presence; conversations' events reach the hub on their own topics (live/hub.ts).
  const unsubscribe = engine.bus.subscribe(community, (event) => agents?.presence.handle(event));
  // Announcements made before the subscription was live were not heard here: ask for them again.
  if (agents) void unsubscribe.ready.then(() => agents.presence.subscribed());
  let warnedNoAddress = false;
  const warnedOnce = new Set<string>();
  const ctx: HandlerContext = {
    verifier: options.verifier,
    community,
    mode: options.verifier.policy?.mode,
    store: webhooks ? wakingOnAppend(engine.store, () => webhooks.wake()) : engine.store,
    limiter: engine.limiter,
    limits,
    now,
    logger,
    hub,
    publish,
    agents,
    basePath,
  };
  /** The per-address rate-limit key: the option's answer, else the address the server passed beside the request. */
  function clientAddress(request: Request, env: unknown): string {
    const address = options.clientAddress?.(request) ?? serverEnv.clientAddress(request, env);
    if (address !== undefined) return addressKey(address);
    if (!warnedNoAddress) {
      warnedNoAddress = true;
      logger.warn('chatq: no client address for this request, so every client shares one per-address rate limit. Pass clientAddress to createMessagingHandler.');
    }
    return 'unknown';
  }
  const serveLoader = createLoaderRoute(options.loaderScript ?? BUILT_LOADER);
  const loaderRoute: Route = { methods: { GET: (_, call) => serveLoader(call.request), HEAD: (_, call) => serveLoader(call.request) }, public: true };
  const panelRoute = createPanelRoute(options.panelScript ?? BUILT_PANEL, createLoaderRoute);

  const refusedOrigins = createRefusedOriginLog(logger, now);
  /**
   * A page whose origin is not allowed (SPEC §6 "Fitting"): logged (per window of time, so a
   * flood of made-up origins cannot hide a real one, http/cors.ts), and on a route that holds
   * no data (the policy) answered readably, so the widget can print which origin and which option.
   */
  function refuseOrigin(request: Request, origin: CorsAnswer, readable: boolean | undefined): HttpError {
    const shown = JSON.stringify((request.headers.get('Origin') ?? '').slice(0, 200));
    refusedOrigins.note(request.headers.get('Origin') ?? '');
    if (readable) origin.origin = request.headers.get('Origin') ?? undefined;
    return new HttpError(
      403,
      'ERR_ORIGIN_NOT_ALLOWED',
      `This page's origin ${shown} is not in the chat server's allowedOrigins: add it to allowedOrigins in createMessagingHandler (https://*.example.com admits every subdomain).`,
    );
  }

  /** `origin.origin` is what the answer echoes in Access-Control-Allow-Origin; a readable refusal sets it. */
  async function route(request: Request, env: unknown, url: URL, origin: CorsAnswer): Promise<Reply> {
    const path = pathUnder(url.pathname, basePath) ?? mountedPath(url.pathname, basePath, serverEnv.receivedTarget(env));
    const match = path === undefined ? undefined : matchRoute(path, loaderRoute, panelRoute);
    if (!match || (match.route.agent && ctx.agents === undefined)) {
      throw new HttpError(404, 'ERR_NOT_FOUND', `Nothing is served at ${url.pathname.slice(0, 200)}.`);
    }
    // The Allow list is built only for the answers that carry it (a preflight, a 405).
    if (request.method === 'OPTIONS') return preflightReply(request, origin.origin, allowedMethods(match.route));
    const implementation = Object.hasOwn(match.route.methods, request.method) ? match.route.methods[request.method] : undefined;
    if (!implementation) {
      const allow = allowedMethods(match.route).join(', ');
      throw new HttpError(405, 'ERR_METHOD_NOT_ALLOWED', `${request.method} is not allowed here; use ${allow}.`, { Allow: allow });
    }
    if (!origin.allowed && !match.route.public) throw refuseOrigin(request, origin, match.route.explainsRefusal);
    // Asked up to twice a request (a limit, then the store's per-address quota): worked out once.
    let address: string | undefined;
    const call: Call = { request, url, param: match.param, clientAddress: () => (address ??= clientAddress(request, env)) };
    return implementation(ctx, call);
  }

  let draining = false;
  /** The answer to one request, as plain parts (http/reply.ts). */
  async function answer(request: Request, env: unknown): Promise<Reply> {
    let origin: CorsAnswer | undefined;
    let result: Reply;
    try {
      if (draining) {
        // SPEC §8: a draining instance takes nothing new; the client retries, and a balancer sends it elsewhere.
        throw new HttpError(503, 'ERR_UNAVAILABLE', 'This chat server instance is shutting down; try again.', { 'Retry-After': '1', Connection: 'close' });
      }
      const url = new URL(request.url);
      origin = cors.check(request);
      result = await route(request, env, url, origin);
    } catch (error) {
      result = toErrorReply(error, logger, warnedOnce);
    }
    result.headers['x-content-type-options'] = 'nosniff';
    applyCorsHeaders(result, origin?.origin);
    return result;
  }

  // Hono: `app.mount()` passes the Request and c.env; untyped `app.all(path, handler)` its Context.
  const handler = async (input: Request, env?: unknown): Promise<Response> => {
    const given = fromCaller(input as Request | FetchContext, env);
    const result = await answer(given.request, given.env);
    // Only a stream reads the signal: building one costs a Request from @hono/node-server its real undici twin.
    return toResponse(result, isEventStream(result.body) ? given.request.signal : undefined);
  };

  // Not enumerable: a wrapper made with Object.assign(wrapper, handler) or a spread must not carry
  // it, or toNodeListener would answer through it and skip the wrapper.
  Object.defineProperty(handler, 'reply', {
    value(input: Request, env?: unknown): Promise<Reply> {
      const given = fromCaller(input as Request | FetchContext, env);
      return answer(given.request, given.env);
    },
  });
  return Object.assign(handler as typeof handler & Pick<MessagingHandler, 'reply'>, {
    basePath,
    drain(): void {
      draining = true;
      // Streams end without ending their session: widgets reconnect with Last-Event-ID to another instance.
      hub.closeAll();
    },
    close(): void {
      draining = true;
      agents?.presence.close();
      releaseCommunity();
      unsubscribe();
      void webhooks?.close();
      hub.closeAll();
      if (ownEngine) void engine.close();
    },
  });
}

/**
 * A new message's outbox entry was written here: the webhook sender looks now
 * rather than at its next tick. (Other instances' appends reach it on its
 * tick: the bus carries a conversation's events only to the instances
 * holding a stream of it.)
 */
function wakingOnAppend(store: Engine['store'], wake: () => void): Engine['store'] {
  return {
    ...store,
    async appendMessage(conversationId, input) {
      const result = await store.appendMessage(conversationId, input);
      if (result?.created) wake();
      return result;
    },
  };
}

/**
 * Known errors keep their status and code; an engine that is down or full is
 * a 503 with Retry-After (not the visitor's fault, SPEC §8); anything else is
 * a 500 that says nothing about internals.
 */
function toErrorReply(error: unknown, logger: { warn(message: string): void }, warnedOnce: Set<string>): Reply {
  if (error instanceof HttpError) return errorReply(error);
  if (isEngineError(error)) {
    if (!warnedOnce.has(error.code)) {
      warnedOnce.add(error.code);
      logger.warn(`chatq: ${error.code}: ${redact(error.message.slice(0, 300))} (logged once; requests get 503 with Retry-After meanwhile)`);
    }
    const retryAfter = String(Math.max(1, Math.ceil(error.retryAfter)));
    return errorReply(new HttpError(ENGINE_ERROR_STATUS[error.code], error.code, error.message, { 'Retry-After': retryAfter }));
  }
  // Only the error's class and message: never a request header or body (tokens live there).
  const detail = error instanceof Error ? `${error.name}: ${error.message}` : typeof error;
  logger.warn(`chatq: unexpected error in the messaging handler: ${redact(detail.slice(0, 500))}`);
  return errorReply(new HttpError(500, 'ERR_INTERNAL', 'The chat server failed to handle this request. Try again later.'));
}
