import { createMemoryStore } from '../store/index.js';
import { adapterClientAddress } from './request-hints.js';
import { addressKey } from './address-key.js';
import type { HandlerContext } from './context.js';
import { applyCorsHeaders, createCorsPolicy, preflightResponse } from './http/cors.js';
import { errorResponse, HttpError } from './http/errors.js';
import { redact } from './http/redact.js';
import { acceptsRawResponse, setResponseHeader, toStandardResponse } from './http/raw-response.js';
import { requestUrl } from './http/request-url.js';
import { LiveHub } from './live/hub.js';
import { normalizeBasePath, normalizePublicOrigin, resolveLimits, type MessagingHandler, type MessagingHandlerOptions } from './options.js';
import { createRateLimiter } from './rate-limit.js';
import { allowedMethods, matchRoute, type Route } from './router.js';
import { createLoaderRoute } from './routes/loader.js';

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
  const now = options.now ?? Date.now;
  const hub = new LiveHub();
  const logger = options.logger ?? console;
  let warnedNoAddress = false;
  const ctx: HandlerContext = {
    verifier: options.verifier,
    store: options.store ?? createMemoryStore(),
    limits: resolveLimits(options.limits),
    now,
    logger,
    hub,
    limiter: createRateLimiter(now),
    agentToken: options.agentToken || undefined,
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
  const serveLoader = createLoaderRoute(options.loaderScript);
  const loaderRoute: Route = { methods: { GET: (_, r) => serveLoader(r), HEAD: (_, r) => serveLoader(r) }, public: true };

  async function route(request: Request, url: URL, origin: { allowed: boolean; value: string | undefined }): Promise<Response> {
    const path = url.pathname.startsWith(`${basePath}/`) ? url.pathname.slice(basePath.length) : undefined;
    const match = path === undefined ? undefined : matchRoute(path, loaderRoute);
    if (!match || (match.route.agent && ctx.agentToken === undefined)) {
      throw new HttpError(404, 'ERR_NOT_FOUND', `Nothing is served at ${url.pathname.slice(0, 200)}.`);
    }
    const allow = allowedMethods(match.route);
    if (request.method === 'OPTIONS') return preflightResponse(request, origin.value, allow);
    const implementation = Object.hasOwn(match.route.methods, request.method) ? match.route.methods[request.method] : undefined;
    if (!implementation) {
      throw new HttpError(405, 'ERR_METHOD_NOT_ALLOWED', `${request.method} is not allowed here; use ${allow.join(', ')}.`, { Allow: allow.join(', ') });
    }
    if (!origin.allowed && !match.route.public) {
      throw new HttpError(403, 'ERR_ORIGIN_NOT_ALLOWED', "This page's origin is not in the chat server's allowedOrigins.");
    }
    return implementation(ctx, request, match.param);
  }

  const handler = async (request: Request): Promise<Response> => {
    let originToEcho: string | undefined;
    let response: Response;
    try {
      const url = requestUrl(request);
      const origin = cors.check(request);
      originToEcho = origin.origin;
      response = await route(request, url, { allowed: origin.allowed, value: origin.origin });
    } catch (error) {
      response = toErrorResponse(error, logger);
    }
    setResponseHeader(response, 'X-Content-Type-Options', 'nosniff');
    applyCorsHeaders(response, originToEcho);
    // Routes answer with raw responses (http/raw-response.ts); only an adapter
    // that writes them itself gets one, every other caller a real Response.
    return acceptsRawResponse(request) ? response : toStandardResponse(response);
  };

  return Object.assign(handler, {
    basePath,
    close(): void {
      hub.closeAll();
    },
  });
}

/** Known errors keep their status and code; anything else is a 500 that says nothing about internals. */
function toErrorResponse(error: unknown, logger: { warn(message: string): void }): Response {
  if (error instanceof HttpError) return errorResponse(error);
  // Only the error's class and message: never a request header or body (tokens live there).
  const detail = error instanceof Error ? `${error.name}: ${error.message}` : typeof error;
  logger.warn(`chatq: unexpected error in the messaging handler: ${redact(detail.slice(0, 500))}`);
  return errorResponse(new HttpError(500, 'ERR_INTERNAL', 'The chat server failed to handle this request. Try again later.'));
}
