// Small HTTP helpers for the demo servers: static files from demo/public and JSON.
import { readFile } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
};

/** Headers every demo page gets; pages add their own CSP. */
export const BASE_HEADERS = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
};

/**
 * DNS rebinding guard: a hostile name that resolves to 127.0.0.1 would make
 * the demo same-origin with an attacker's page. Answer only requests that
 * name this server as 127.0.0.1:port or localhost:port.
 */
export function loopbackHost(req) {
  const { host } = req.headers;
  const port = req.socket.localPort;
  return host === `127.0.0.1:${port}` || host === `localhost:${port}`;
}

/** Serves `file` (relative to `root`) or answers 404; never escapes `root`. */
export async function sendFile(res, root, file, headers = {}, transform) {
  const path = normalize(join(root, file));
  if (!path.startsWith(root + sep)) return sendText(res, 404, 'not found');
  let body;
  try {
    body = await readFile(path, 'utf8');
  } catch {
    return sendText(res, 404, 'not found');
  }
  if (transform) body = transform(body);
  res.writeHead(200, { ...BASE_HEADERS, 'content-type': TYPES[extname(path)] ?? 'application/octet-stream', ...headers });
  res.end(body);
}

export function sendText(res, status, text, headers = {}) {
  res.writeHead(status, { ...BASE_HEADERS, 'content-type': 'text/plain; charset=utf-8', ...headers });
  res.end(text);
}

export function sendJson(res, status, value, headers = {}) {
  res.writeHead(status, { ...BASE_HEADERS, 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(value));
}

/** Reads a small JSON body (the demo's own endpoints only). */
export async function readJson(req, limit = 4096) {
  let size = 0;
  const chunks = [];
  for await (const chunk of req) {
    size += chunk.length;
    if (size > limit) return undefined;
    chunks.push(chunk);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    return undefined;
  }
}

/** Escapes text for an HTML attribute value (the only server-side templating the demo does). */
export function attr(value) {
  return String(value).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
