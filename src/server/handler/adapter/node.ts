import type { IncomingMessage, ServerResponse } from 'node:http';
import { setBufferedBody, setClientAddress } from '../request-hints.js';
import type { MessagingHandler } from '../options.js';
import { BodyReader } from './node-body.js';
import { NodeRequest } from './node-request.js';
import { writeResponse } from './node-response.js';

/** Options of `toNodeListener`. */
export interface NodeListenerOptions {
  /**
   * Bytes of request body the adapter will pass on before it stops reading and
   * closes the connection; the handler's own `limits.maxBodyBytes` (smaller)
   * answers 413 first. Default 1 MiB.
   */
  maxBodyBytes?: number;
  /**
   * Hand the handler real undici `Request` objects and read every Response
   * through its web stream, as a fetch server would. Default false: the
   * handler gets a NodeRequest (a lightweight `Request`, built on demand) and
   * its own JSON answers are written without a stream, 3–4× the throughput.
   * Turn it on for a wrapping handler that copies the request with
   * `new Request(request, …)` (undici only copies its own Requests).
   */
  webRequests?: boolean;
}

interface ResolvedOptions {
  bodyLimit: number;
  webRequests: boolean;
}

/** A `node:http` request listener that is also Express / Connect / Fastify (raw) middleware. */
export type NodeListener = (req: IncomingMessage, res: ServerResponse, next?: (error?: unknown) => void) => void;

const DEFAULT_ADAPTER_BODY_LIMIT = 1024 * 1024;

/**
 * Runs a messaging handler on Node (SPEC §6): `http.createServer(toNodeListener(h))`
 * or `app.use(toNodeListener(h))`. The handler gets a NodeRequest: a
 * `Request` (instanceof holds, every member works) whose parts are built from
 * the IncomingMessage only when read (node-request.ts). A small body is read
 * whole first, a larger one streams (capped); the handler's own JSON answers
 * are written in one piece, any other Response streams back chunk by chunk
 * (SSE is never buffered), and a client that disconnects aborts the Request's
 * signal so its stream slot is freed.
 *
 * The path is the full request path (Express's `originalUrl`), so `basePath`
 * is where the handler is mounted. As middleware (a `next` is given), requests
 * outside `{basePath}/loader.js`, `{basePath}/v1/…` and `{basePath}/agent/…`
 * go to `next()`; inside, the handler answers (404 JSON for an unknown path).
 */
export function toNodeListener(handler: MessagingHandler, options: NodeListenerOptions = {}): NodeListener {
  const resolved: ResolvedOptions = { bodyLimit: options.maxBodyBytes ?? DEFAULT_ADAPTER_BODY_LIMIT, webRequests: options.webRequests === true };
  return (req, res, next) => {
    const path = (req as { originalUrl?: string }).originalUrl ?? req.url ?? '/';
    if (next && !isUnder(path, handler.basePath)) return next();
    serve(handler, req, res, path, resolved).catch((error: unknown) => {
      // serve() answers every error itself; this is a last resort for a broken socket.
      if (!res.headersSent) {
        res.writeHead(500, { 'Content-Type': 'application/json; charset=utf-8' });
        res.end('{"error":{"code":"ERR_INTERNAL","message":"The chat server failed to handle this request."}}');
      } else res.destroy(error instanceof Error ? error : undefined);
    });
  };
}

/**
 * Middleware mode: the handler's namespace under basePath (protocol.ts) is
 * `/loader.js`, `/v1/…` and `/agent/…`; everything else belongs to the app,
 * even with basePath ''.
 */
function isUnder(path: string, basePath: string): boolean {
  const pathname = path.split('?', 1)[0] ?? '';
  if (!pathname.startsWith(`${basePath}/`)) return false;
  const rest = pathname.slice(basePath.length);
  return rest === '/loader.js' || rest.startsWith('/v1/') || rest.startsWith('/agent/');
}

async function serve(handler: MessagingHandler, req: IncomingMessage, res: ServerResponse, path: string, options: ResolvedOptions): Promise<void> {
  let request: NodeRequest | Request | undefined;
  let abort: AbortController | undefined;
  let gone = false;
  // 'close' on the response fires on finish and on a dropped connection; only the latter aborts.
  res.on('close', () => {
    if (res.writableFinished) return;
    gone = true;
    if (request instanceof NodeRequest) request.abort();
    abort?.abort();
  });
  const body = new BodyReader(req, options.bodyLimit);
  const method = req.method ?? 'GET';
  const bodiless = method === 'GET' || method === 'HEAD' || body.isAbsent();
  let buffered: Uint8Array<ArrayBuffer> | undefined;
  if (!bodiless && body.isSmall()) {
    try {
      buffered = await body.readAll();
    } catch {
      res.destroy();
      return;
    }
  }
  // Parsed here, not in the handler: a malformed target or Host is the client's fault (400), never a 500.
  const url = requestUrl(req, path);
  if (!url) return malformed(res);
  if (bodiless) body.discard();
  if (options.webRequests) {
    abort = new AbortController();
    if (gone) abort.abort();
    try {
      request = toWebRequest(req, url, method, abort.signal, bodiless ? undefined : body, buffered);
    } catch {
      return malformed(res);
    }
  } else {
    request = new NodeRequest(req, url, bodiless ? undefined : body, buffered);
    if (gone) request.abort();
  }
  const webRequest = request as Request;
  setClientAddress(webRequest, req.socket.remoteAddress);
  if (buffered) setBufferedBody(webRequest, buffered);
  const response = await handler(webRequest);
  await writeResponse(response, res, !body.settle(), method === 'HEAD');
}

/** A Host header that is a host name or address and an optional port, nothing else. */
const HOST = /^(?:[A-Za-z0-9._~-]+|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/;

/**
 * The request's URL: the Host's origin followed by the target's path, joined
 * as text. Resolving the target as a relative reference instead
 * (`new URL(path, base)`) would read `//evil.test/v1/identity` as the URL
 * `http://evil.test/v1/identity`, whose origin then matched an
 * `Origin: http://evil.test` header as "same origin" and went past
 * allowedOrigins. An absolute-form target (RFC 9112 §3.2.2) keeps only its
 * path and query for the same reason.
 */
function requestUrl(req: IncomingMessage, path: string): URL | undefined {
  const host = req.headers.host ?? 'localhost';
  if (!HOST.test(host)) return undefined;
  const scheme = (req.socket as { encrypted?: boolean }).encrypted === true ? 'https' : 'http';
  try {
    if (path.startsWith('/')) return new URL(`${scheme}://${host}${path}`);
    if (!/^https?:\/\//i.test(path)) return undefined;
    const absolute = new URL(path);
    return new URL(`${scheme}://${host}${absolute.pathname}${absolute.search}`);
  } catch {
    return undefined;
  }
}

function malformed(res: ServerResponse): void {
  res.writeHead(400, { 'Content-Type': 'application/json; charset=utf-8' });
  res.end('{"error":{"code":"ERR_BAD_REQUEST","message":"The request URL or headers are malformed."}}');
}

/** `webRequests: true`: a real undici Request, as chatq built it before NodeRequest (kept for comparison and for handlers that copy requests). */
function toWebRequest(req: IncomingMessage, url: URL, method: string, signal: AbortSignal, body: BodyReader | undefined, buffered: Uint8Array<ArrayBuffer> | undefined): Request {
  const headers = new Headers();
  for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) headers.append(req.rawHeaders[i]!, req.rawHeaders[i + 1]!);
  // As before NodeRequest: only a GET (a possible long-lived stream) gets the
  // signal; it makes undici's Request ~2× dearer (54 vs 20 µs measured).
  const init: RequestInit & { duplex?: 'half' } = method === 'GET' ? { method, headers, signal } : { method, headers };
  if (body) {
    if (buffered) init.body = buffered;
    else {
      init.body = body.stream();
      init.duplex = 'half';
    }
  }
  return new Request(url, init);
}
