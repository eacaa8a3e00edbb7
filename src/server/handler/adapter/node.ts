import type { IncomingMessage, ServerResponse } from 'node:http';
import { MessagingConfigError } from '../../errors.js';
import { readRenamed, type Renamed } from '../renamed-options.js';
import type { MessagingHandler } from '../options.js';
import { BodyReader } from './node-body.js';
import { INCOMING_KEY } from './node-env.js';
import { NodeRequest } from './node-request.js';
import { isEventStream } from '../http/reply.js';
import { writeReply, writeResponse } from './node-response.js';
import { isHandlerPath, requestOrigin, spellsPathname, targetUrl } from './node-url.js';

const READ_LIMIT_RENAMED: Renamed = { where: 'toNodeListener', from: 'maxBodyBytes', to: 'maxReadBytes', why: "maxBodyBytes is the handler's 16 KiB limit" };

/** Options of `toNodeListener`. */
export interface NodeListenerOptions {
  /**
   * Bytes of request body the adapter reads from the socket before it stops
   * reading and closes the connection: a backstop for bodies the handler never
   * reads. The handler's own `limits.maxBodyBytes` (16 KiB, smaller) answers
   * 413 first. Default 1 MiB.
   */
  maxReadBytes?: number;
  /** @deprecated since 0.3.0: `maxReadBytes` (`maxBodyBytes` is the handler's 16 KiB limit). Read, with a warning, until 0.4. */
  maxBodyBytes?: number;
  /**
   * Hand the handler real undici `Request` objects and read every Response
   * through its web stream, as a fetch server would. Default false: the
   * handler gets a NodeRequest (a lightweight `Request`, built on demand) and
   * its answers are written from `handler.reply` without a Response, 3–4×
   * the throughput. Turn it on for a wrapping handler that copies the request
   * with `new Request(request, …)` (undici only copies its own Requests).
   */
  webRequests?: boolean;
  /**
   * Milliseconds a request body has, from the end of its headers, to arrive
   * whole (SPEC §6 "Bounds": 10 s). Past them the handler answers 408
   * ERR_BODY_TIMEOUT with `Connection: close` and the connection closes, so a
   * client that sends one byte at a time cannot hold it. Default 10 000;
   * `Infinity` turns it off.
   */
  bodyTimeoutMs?: number;
}

interface ResolvedOptions {
  bodyLimit: number;
  webRequests: boolean;
  bodyTimeoutMs: number;
}

/**
 * What toNodeListener serves: a messaging handler, or a function wrapping one
 * that keeps its `basePath` (without `reply`, its Response is written).
 */
export type NodeServedHandler = ((request: Request, env?: unknown) => Promise<Response>) &
  Pick<MessagingHandler, 'basePath'> &
  Partial<Pick<MessagingHandler, 'reply'>>;

/** A `node:http` request listener that is also Express / Connect / Fastify (raw) middleware. */
export type NodeListener = (req: IncomingMessage, res: ServerResponse, next?: (error?: unknown) => void) => void;

const DEFAULT_ADAPTER_BODY_LIMIT = 1024 * 1024;
const DEFAULT_BODY_TIMEOUT_MS = 10_000;

/**
 * Runs a messaging handler on Node (SPEC §6): `http.createServer(toNodeListener(h))`
 * or `app.use(toNodeListener(h))`. The handler gets a NodeRequest: a
 * `Request` (instanceof holds, every member works) whose parts are built from
 * the IncomingMessage only when read (node-request.ts), and beside it the env
 * `{ incoming, outgoing }` that @hono/node-server passes too (the client
 * address, node-env.ts). The body is read only when the handler asks for it,
 * after its rate limits, and must arrive within `bodyTimeoutMs`
 * (node-body.ts). The handler's answer is taken as a Reply (`handler.reply`,
 * no Response built): text in one piece, an event stream straight to the
 * socket (SSE is never buffered); a handler without `reply` (a wrapping
 * function) answers a Response, read back chunk by chunk. A client that
 * disconnects ends its stream (and aborts the Request's signal) so its
 * stream slot is freed.
 *
 * The path is the full request path (Express's `originalUrl`), so `basePath`
 * is where the handler is mounted. As middleware (a `next` is given), requests
 * outside `{basePath}/loader.js`, `{basePath}/v1/…` and `{basePath}/agent/…`
 * go to `next()`; inside, the handler answers (404 JSON for an unknown path).
 * The decision and the handler's routing read one path, the URL parser's
 * (`targetUrl`), and as middleware the handler answers only a target that
 * spells that path as it is (`spellsPathname`), the path the app's own router
 * matched: `/chatq/v1/../../admin`, `/x/../chatq/v1/…` or `/chatq\v1\…` go
 * to `next()` as they came.
 *
 * Mounted after a body parser (`express.json()`, body-parser; Fastify with
 * `req.raw.body = req.body`), it uses the body the parser left in
 * `req.rawBody` or `req.body`, under the same limits (node-parsed-body.ts); a
 * body read by a middleware that left nothing gets a prompt 400 naming the
 * cause, never a wait on a stream that has ended.
 */
export function toNodeListener(handler: NodeServedHandler, options: NodeListenerOptions = {}): NodeListener {
  if (typeof handler !== 'function') throw new MessagingConfigError('handler', 'toNodeListener: pass the handler createMessagingHandler made (or a function wrapping it).');
  const bodyTimeoutMs = options.bodyTimeoutMs ?? DEFAULT_BODY_TIMEOUT_MS;
  if (typeof bodyTimeoutMs !== 'number' || !(bodyTimeoutMs > 0)) {
    throw new MessagingConfigError('bodyTimeoutMs', `toNodeListener: bodyTimeoutMs must be a positive number of milliseconds (or Infinity), got ${String(bodyTimeoutMs)}`);
  }
  const bodyLimit = readRenamed<number>(options as Record<string, unknown>, READ_LIMIT_RENAMED, console.warn) ?? DEFAULT_ADAPTER_BODY_LIMIT;
  if (typeof bodyLimit !== 'number' || !(bodyLimit > 0)) {
    const name = options.maxReadBytes === undefined && options.maxBodyBytes !== undefined ? 'maxBodyBytes' : 'maxReadBytes';
    throw new MessagingConfigError(name, `toNodeListener: ${name} must be a positive number of bytes, got ${String(bodyLimit)}`);
  }
  const resolved: ResolvedOptions = { bodyLimit, webRequests: options.webRequests === true, bodyTimeoutMs };
  return (req, res, next) => {
    const target = (req as { originalUrl?: string }).originalUrl ?? req.url ?? '/';
    const origin = requestOrigin(req);
    // A malformed Host does not change the path: the decision is the same, the handler's answer a 400.
    const url = targetUrl(origin ?? 'http://localhost', target);
    if (next && !(url && spellsPathname(target, url) && isHandlerPath(url.pathname, handler.basePath))) return next();
    serve(handler, req, res, origin === undefined ? undefined : url, resolved).catch((error: unknown) => {
      // serve() answers every error itself; this is a last resort for a broken socket.
      if (!res.headersSent) {
        res.writeHead(500, { 'Content-Type': 'application/json; charset=utf-8' });
        res.end('{"error":{"code":"ERR_INTERNAL","message":"The chat server failed to handle this request."}}');
      } else res.destroy(error instanceof Error ? error : undefined);
    });
  };
}

async function serve(handler: NodeServedHandler, req: IncomingMessage, res: ServerResponse, url: URL | undefined, options: ResolvedOptions): Promise<void> {
  // Parsed before the handler runs: a malformed target or Host is the client's fault (400), never a 500.
  if (!url) return malformed(res);
  const body = new BodyReader(req, options.bodyLimit, options.bodyTimeoutMs);
  const method = req.method ?? 'GET';
  const bodiless = method === 'GET' || method === 'HEAD' || body.isAbsent();
  if (bodiless) body.discard();
  let request: NodeRequest | Request;
  let abort: AbortController | undefined;
  if (options.webRequests) {
    abort = new AbortController();
    try {
      request = toWebRequest(req, url, method, abort.signal, bodiless ? undefined : body);
    } catch {
      return malformed(res);
    }
  } else request = new NodeRequest(req, url, bodiless ? undefined : body);
  // 'close' on the response fires on finish and on a dropped connection; only the latter aborts.
  const onClose = (): void => {
    if (res.writableFinished) return;
    body.close();
    if (request instanceof NodeRequest) request.abort();
    abort?.abort();
  };
  res.on('close', onClose);
  // What @hono/node-server passes as c.env: the handler reads the client's address from it (node-env.ts).
  const env = { incoming: req, outgoing: res };
  if (!options.webRequests && typeof handler.reply === 'function') {
    const answer = await handler.reply(request as Request, env);
    writeReply(answer, res, !body.settle(), method === 'HEAD');
    // An open event stream ends through its own 'close' listener (node-response.ts). When it has no body
    // and no one took the request's signal, this listener has nothing left to do, and would keep the
    // request and its reader alive for as long as the stream is open (bench/streams.mjs).
    if (bodiless && isEventStream(answer.body) && request instanceof NodeRequest && !NodeRequest.signalTaken(request)) res.off('close', onClose);
    return;
  }
  const response = await handler(request as Request, env);
  await writeResponse(response, res, !body.settle(), method === 'HEAD');
}

/** Answered before any body is read: the connection closes rather than wait for one. */
function malformed(res: ServerResponse): void {
  res.writeHead(400, { 'Content-Type': 'application/json; charset=utf-8', Connection: 'close' });
  res.end('{"error":{"code":"ERR_BAD_REQUEST","message":"The request URL or headers are malformed."}}');
}

/** `webRequests: true`: a real undici Request, as chatq built it before NodeRequest (kept for comparison and for handlers that copy requests). */
function toWebRequest(req: IncomingMessage, url: URL, method: string, signal: AbortSignal, body: BodyReader | undefined): Request {
  const headers = new Headers();
  for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) headers.append(req.rawHeaders[i]!, req.rawHeaders[i + 1]!);
  // As before NodeRequest: only a GET (a possible long-lived stream) gets the
  // signal; it makes undici's Request ~2× dearer (54 vs 20 µs measured).
  const init: RequestInit & { duplex?: 'half' } = method === 'GET' ? { method, headers, signal } : { method, headers };
  if (body) {
    // Lazy, as with NodeRequest: nothing is read before the handler asks.
    init.body = body.stream();
    init.duplex = 'half';
  }
  const request = new Request(url, init);
  // As on a NodeRequest: the client address, also through a wrapper that drops the env (node-env.ts).
  Object.defineProperty(request, INCOMING_KEY, { value: req });
  return request;
}
