import type { IncomingMessage, ServerResponse } from 'node:http';
import { setBufferedBody, setClientAddress } from '../request-hints.js';
import type { MessagingHandler } from '../options.js';
import { BodyReader } from './node-body.js';

/** Options of `toNodeListener`. */
export interface NodeListenerOptions {
  /**
   * Bytes of request body the adapter will pass on before it stops reading and
   * closes the connection; the handler's own `limits.maxBodyBytes` (smaller)
   * answers 413 first. Default 1 MiB.
   */
  maxBodyBytes?: number;
}

/** A `node:http` request listener that is also Express / Connect / Fastify (raw) middleware. */
export type NodeListener = (req: IncomingMessage, res: ServerResponse, next?: (error?: unknown) => void) => void;

const DEFAULT_ADAPTER_BODY_LIMIT = 1024 * 1024;

/**
 * Runs a messaging handler on Node (SPEC §6): `http.createServer(toNodeListener(h))`
 * or `app.use(toNodeListener(h))`. The body streams into the Request (capped),
 * the Response streams back chunk by chunk (SSE is never buffered), and a client
 * that disconnects aborts the Request's signal so its stream slot is freed.
 *
 * The path is the full request path (Express's `originalUrl`), so `basePath`
 * is where the handler is mounted. As middleware (a `next` is given), requests
 * outside `{basePath}/loader.js`, `{basePath}/v1/…` and `{basePath}/agent/…`
 * go to `next()`; inside, the handler answers (404 JSON for an unknown path).
 */
export function toNodeListener(handler: MessagingHandler, options: NodeListenerOptions = {}): NodeListener {
  const bodyLimit = options.maxBodyBytes ?? DEFAULT_ADAPTER_BODY_LIMIT;
  return (req, res, next) => {
    const path = (req as { originalUrl?: string }).originalUrl ?? req.url ?? '/';
    if (next && !isUnder(path, handler.basePath)) return next();
    serve(handler, req, res, path, bodyLimit).catch((error: unknown) => {
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

async function serve(handler: MessagingHandler, req: IncomingMessage, res: ServerResponse, path: string, bodyLimit: number): Promise<void> {
  const abort = new AbortController();
  // 'close' on the response fires on finish and on a dropped connection; only the latter aborts.
  res.on('close', () => {
    if (!res.writableFinished) abort.abort();
  });
  const body = new BodyReader(req, bodyLimit);
  let buffered: Uint8Array<ArrayBuffer> | undefined;
  if (body.isSmall()) {
    try {
      buffered = await body.readAll();
    } catch {
      res.destroy();
      return;
    }
  }
  let request: Request;
  try {
    request = toRequest(req, path, abort.signal, body, buffered);
  } catch {
    res.writeHead(400, { 'Content-Type': 'application/json; charset=utf-8' });
    res.end('{"error":{"code":"ERR_BAD_REQUEST","message":"The request URL or headers are malformed."}}');
    return;
  }
  setClientAddress(request, req.socket.remoteAddress);
  if (buffered) setBufferedBody(request, buffered);
  const response = await handler(request);
  await writeResponse(response, res, !body.settle(), req.method === 'HEAD');
}

function toRequest(req: IncomingMessage, path: string, signal: AbortSignal, body: BodyReader, buffered: Uint8Array<ArrayBuffer> | undefined): Request {
  const encrypted = (req.socket as { encrypted?: boolean }).encrypted === true;
  const url = new URL(path, `${encrypted ? 'https' : 'http'}://${req.headers.host ?? 'localhost'}`);
  const headers = new Headers();
  for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) headers.append(req.rawHeaders[i]!, req.rawHeaders[i + 1]!);
  const method = req.method ?? 'GET';
  const hasBody = method !== 'GET' && method !== 'HEAD';
  // Only a GET can become a long-lived stream that must learn of a disconnect;
  // a signal makes undici's Request ~2.5× dearer (54 vs 20 µs measured), so
  // the short requests go without.
  const init: RequestInit & { duplex?: 'half' } = method === 'GET' ? { method, headers, signal } : { method, headers };
  if (!hasBody) body.discard();
  else if (buffered) init.body = buffered;
  else {
    init.body = body.stream();
    init.duplex = 'half';
  }
  return new Request(url, init);
}

async function writeResponse(response: Response, res: ServerResponse, abandoned: boolean, head: boolean): Promise<void> {
  const headers: Record<string, string | string[]> = {};
  response.headers.forEach((value, name) => {
    headers[name] = value;
  });
  const setCookies = response.headers.getSetCookie?.();
  if (setCookies && setCookies.length > 0) headers['set-cookie'] = setCookies;
  if (abandoned) headers.connection = 'close';
  if (!response.body || head) {
    res.writeHead(response.status, response.statusText || undefined, headers);
    res.end();
    await response.body?.cancel().catch(() => {});
    return;
  }
  if (!isEventStream(response)) {
    // JSON answers and loader.js are small: one write with a length. Headers and
    // body in separate small segments would meet Nagle + delayed ACK (a 40 ms
    // stall per request measured on loopback).
    const body = new Uint8Array(await response.arrayBuffer());
    headers['content-length'] = String(body.byteLength);
    res.writeHead(response.status, response.statusText || undefined, headers);
    res.end(body);
    return;
  }
  // A stream: headers at once (the client must see them before the first event), then chunk by chunk.
  res.writeHead(response.status, response.statusText || undefined, headers);
  res.socket?.setNoDelay(true);
  res.flushHeaders();
  const reader = response.body.getReader();
  const onClose = (): void => void reader.cancel().catch(() => {});
  res.once('close', onClose);
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (!res.write(value)) await drained(res);
      if (res.destroyed) break;
    }
  } catch {
    // the stream was cancelled (client gone) or errored: nothing more to send
  } finally {
    res.off('close', onClose);
    if (!res.destroyed) res.end();
    else reader.cancel().catch(() => {});
  }
}

function isEventStream(response: Response): boolean {
  return (response.headers.get('Content-Type') ?? '').toLowerCase().startsWith('text/event-stream');
}

function drained(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}
