import { createMemoryEngine } from '../engine/memory.js';
import { isEngineError, type Engine } from '../engine/types.js';
import { adapterClientAddress, setRuntimeClientAddress } from './request-hints.js';
import { fromCaller, incomingOfEnv, mountedPath, socketAddress, type FetchContext, type IncomingLike } from './runtime-env.js';
import { addressKey } from './address-key.js';
import type { HandlerContext } from './context.js';
import { applyCorsHeaders, createCorsPolicy, preflightResponse, type CorsAnswer } from './http/cors.js';
import { errorResponse, HttpError } from './http/errors.js';
import { redact } from './http/redact.js';
import { acceptsRawResponse, setResponseHeader, toStandardResponse } from './http/raw-response.js';
import { pathUnder, requestUrl } from './http/request-url.js';
import { LiveHub } from './live/hub.js';
import {
  normalizeAgentToken,
  normalizeBasePath,
  normalizePublicOrigin,
  resolveCommunity,
  resolveLimits,
  type MessagingHandler,
  type MessagingHandlerOptions,
} from './options.js';
import { allowedMethods, matchRoute, type Route } from './router.js';
import { createLoaderRoute } from './routes/loader.js';
import { BUILT_LOADER } from './routes/built-loader.js';

export { redact } from './http/redact.js';

/**
 * Creates the chatq messaging handler (SPEC §6): a web-standard
 * `(request: Request) => Promise<Response>` serving `{basePath}/loader.js`,
 * the visitor API and, with an `agentToken`, the agent API
 * (src/identity/protocol.ts). On Node wrap it with `toNodeListener`.
 *
 * Every error is JSON `{ error: { code, message } }`; malformed input gets a
 * 4xx, never a 5xx. Call `close()` on shutdown to end open streams and timers.
 */
export function createMessagingHandler(options: MessagingHandlerOptions): MessagingHandler {
  if (!options || typeof options.verifier?.verify !== 'function') {
    throw new TypeError('createMessagingHandler: `verifier` must have a verify(input) method (e.g. createVerifier(community)).');
  }
  if (options.allowedOrigins !== '*' && !Array.isArray(options.allowedOrigins)) {
    throw new TypeError("createMessagingHandler: `allowedOrigins` must list the host sites' origins (or be '*' for a demo).");
  }
  const basePath = normalizeBasePath(options.basePath);
  const cors = createCorsPolicy(options.allowedOrigins, normalizePublicOrigin(options.publicOrigin));
  const agentToken = normalizeAgentToken(options.agentToken);
  const community = resolveCommunity(options.community, options.verifier);
  if (options.engine !== undefined && options.store !== undefined) {
    throw new TypeError('createMessagingHandler: give either `engine` or `store` (a custom store on the memory engine), not both.');
  }
  // An engine the handler made is the handler's to close; one passed in may serve other handlers too.
  const ownEngine = options.engine === undefined;
  const engine: Engine = options.engine ?? createMemoryEngine(options.store === undefined ? {} : { store: options.store });
  const now = options.now ?? Date.now;
  const hub = new LiveHub();
  const logger = options.logger ?? console;
  const unsubscribe = engine.bus.subscribe(community, (event) => hub.dispatch(event));
  let warnedNoAddress = false;
  const warnedOnce = new Set<string>();
  const ctx: HandlerContext = {
    verifier: options.verifier,
    community,
    mode: options.verifier.policy?.mode,
    store: engine.store,
    limiter: engine.limiter,
    limits: resolveLimits(options.limits),
    now,
    logger,
    hub,
    publish(event) {
      engine.bus.publish(community, event).catch((error: unknown) => {
        // The store already holds the change; streams pick it up on their next read.
        logger.warn(`chatq: live delivery failed (streams catch up on their next heartbeat): ${redact(String((error as Error)?.message ?? error).slice(0, 200))}`);
      });
    },
    agentToken,
    clientAddress: (request) => {
      const address = options.clientAddress?.(request) ?? adapterClientAddress(request);
      if (address !== undefined) return addressKey(address);
      if (!warnedNoAddress) {
        warnedNoAddress = true;
        logger.warn('chatq: no client address for this request, so every client shares one per-address rate limit. Pass clientAddress to createMessagingHandler.');
      }
      return 'unknown';
    },
  };
  const serveLoader = createLoaderRoute(options.loaderScript ?? BUILT_LOADER);
  const loaderRoute: Route = { methods: { GET: (_, r) => serveLoader(r), HEAD: (_, r) => serveLoader(r) }, public: true };

  const refusedOrigins = new Set<string>();
  /**
   * A page whose origin is not allowed (SPEC §6 "Fitting"): logged once per origin (at most
   * 100, so a flood of made-up origins cannot fill the log), and on a route that holds no data
   * (the policy) answered readably, so the widget can print which origin and which option.
   */
  function refuseOrigin(request: Request, origin: CorsAnswer, readable: boolean | undefined): HttpError {
    const shown = JSON.stringify((request.headers.get('Origin') ?? '').slice(0, 200));
    if (refusedOrigins.size < 100 && !refusedOrigins.has(shown)) {
      refusedOrigins.add(shown);
      logger.warn(`chatq: refused requests from origin ${shown}, which is not in allowedOrigins (logged once per origin).`);
    }
    if (readable) origin.origin = request.headers.get('Origin') ?? undefined;
    return new HttpError(
      403,
      'ERR_ORIGIN_NOT_ALLOWED',
      `This page's origin ${shown} is not in the chat server's allowedOrigins: add it to allowedOrigins in createMessagingHandler (https://*.example.com admits every subdomain).`,
    );
  }

  /** `origin.origin` is what the response echoes in Access-Control-Allow-Origin; a readable refusal sets it. */
  async function route(request: Request, url: URL, origin: CorsAnswer, incoming: IncomingLike | undefined): Promise<Response> {
    const path = pathUnder(url.pathname, basePath) ?? mountedPath(url.pathname, basePath, incoming);
    const match = path === undefined ? undefined : matchRoute(path, loaderRoute);
    if (!match || (match.route.agent && ctx.agentToken === undefined)) {
      throw new HttpError(404, 'ERR_NOT_FOUND', `Nothing is served at ${url.pathname.slice(0, 200)}.`);
    }
    const allow = allowedMethods(match.route);
    if (request.method === 'OPTIONS') return preflightResponse(request, origin.origin, allow);
    const implementation = Object.hasOwn(match.route.methods, request.method) ? match.route.methods[request.method] : undefined;
    if (!implementation) {
      throw new HttpError(405, 'ERR_METHOD_NOT_ALLOWED', `${request.method} is not allowed here; use ${allow.join(', ')}.`, { Allow: allow.join(', ') });
    }
    if (!origin.allowed && !match.route.public) throw refuseOrigin(request, origin, match.route.explainsRefusal);
    return implementation(ctx, request, match.param);
  }

  let draining = false;
  const handler = async (input: Request, env?: unknown): Promise<Response> => {
    // Hono: `app.mount()` passes the Request and c.env; untyped `app.all(path, handler)` its Context.
    const { request, env: runtimeEnv } = fromCaller(input as Request | FetchContext, env);
    const incoming = incomingOfEnv(runtimeEnv);
    setRuntimeClientAddress(request, socketAddress(incoming));
    let origin: CorsAnswer | undefined;
    let response: Response;
    try {
      if (draining) {
        // SPEC §8: a draining instance takes nothing new; the client retries, and a balancer sends it elsewhere.
        throw new HttpError(503, 'ERR_UNAVAILABLE', 'This chat server instance is shutting down; try again.', { 'Retry-After': '1', Connection: 'close' });
      }
      const url = requestUrl(request);
      origin = cors.check(request);
      response = await route(request, url, origin, incoming);
    } catch (error) {
      response = toErrorResponse(error, logger, warnedOnce);
    }
    setResponseHeader(response, 'X-Content-Type-Options', 'nosniff');
    applyCorsHeaders(response, origin?.origin);
    // Routes answer with raw responses (http/raw-response.ts); only an adapter
    // that writes them itself gets one, every other caller a real Response.
    return acceptsRawResponse(request) ? response : toStandardResponse(response);
  };

  return Object.assign(handler, {
    basePath,
    drain(): void {
      draining = true;
      // Streams end without ending their session: widgets reconnect with Last-Event-ID to another instance.
      hub.closeAll();
    },
    close(): void {
      draining = true;
      unsubscribe();
      hub.closeAll();
      if (ownEngine) void engine.close();
    },
  });
}

/**
 * Known errors keep their status and code; an engine that is down or full is
 * a 503 with Retry-After (not the visitor's fault, SPEC §8); anything else is
 * a 500 that says nothing about internals.
 */
function toErrorResponse(error: unknown, logger: { warn(message: string): void }, warnedOnce: Set<string>): Response {
  if (error instanceof HttpError) return errorResponse(error);
  if (isEngineError(error)) {
    if (!warnedOnce.has(error.code)) {
      warnedOnce.add(error.code);
      logger.warn(`chatq: ${error.code}: ${redact(error.message.slice(0, 300))} (logged once; requests get 503 with Retry-After meanwhile)`);
    }
    const retryAfter = String(Math.max(1, Math.ceil(error.retryAfter)));
    return errorResponse(new HttpError(503, error.code, error.message, { 'Retry-After': retryAfter }));
  }
  // Only the error's class and message: never a request header or body (tokens live there).
  const detail = error instanceof Error ? `${error.name}: ${error.message}` : typeof error;
  logger.warn(`chatq: unexpected error in the messaging handler: ${redact(detail.slice(0, 500))}`);
  return errorResponse(new HttpError(500, 'ERR_INTERNAL', 'The chat server failed to handle this request. Try again later.'));
}
