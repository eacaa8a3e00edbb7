import { afterEach, describe, expect, it } from 'vitest';
import { toNodeListener, type MessagingHandler, type NodeListenerOptions } from '../../../src/server/handler/index.js';
import { jsonResponse } from '../../../src/server/handler/http/errors.js';
import { ACCEPTS_RAW_RESPONSE, rawResponseParts } from '../../../src/server/handler/http/raw-response.js';
import { AGENT_TOKEN, automatedUuid, HOST_ORIGIN, makeHandler, req, listenOnLoopback } from './helpers.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function listen(handler: MessagingHandler, options?: NodeListenerOptions): Promise<string> {
  const { url, close } = await listenOnLoopback(toNodeListener(handler, options));
  cleanups.push(close);
  return url;
}

/** Two servers give out different ids, sessions and times; everything else must match. */
const normalize = (body: string): string =>
  body
    .replace(/"session":"[^"]+"/g, '"session":"<session>"')
    .replace(/"(?:[a-z0-9_-]{1,64}\.)?[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"/g, '"<id>"')
    .replace(/\d{13}/g, '<time>');

/** A Request that says it came from an adapter writing raw responses itself. */
function rawCapable(request: Request): Request {
  Object.defineProperty(request, ACCEPTS_RAW_RESPONSE, { value: true });
  return request;
}

describe('raw responses: a Response everywhere', () => {
  it('reads like a Response: status, ok, headers, text/json/clone/body', async () => {
    const response = jsonResponse(201, { hello: 'wörld' }, { 'Retry-After': '5' });
    expect(response).toBeInstanceOf(Response);
    expect(Object.prototype.toString.call(response)).toBe('[object Response]');
    expect([response.status, response.ok, response.statusText]).toEqual([201, true, '']);
    expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(response.headers.get('RETRY-AFTER')).toBe('5');
    expect(rawResponseParts(response)).toBeDefined();
    const copy = response.clone();
    expect(await copy.json()).toEqual({ hello: 'wörld' });
    expect(await response.text()).toBe('{"hello":"wörld"}');
    expect(response.bodyUsed).toBe(true);
    // Read through its real Response: an adapter must now take the standard path.
    expect(rawResponseParts(response)).toBeUndefined();
  });

  it('the handler gives callers that did not ask for raw responses real ones', async () => {
    const handler = makeHandler();
    const plain = await handler(req('/v1/identity', { body: { automatedUuid: automatedUuid() } }));
    expect(rawResponseParts(plain)).toBeUndefined();
    expect(plain.status).toBe(200);
    const raw = await handler(rawCapable(req('/v1/identity', { body: { automatedUuid: automatedUuid() } })));
    const parts = rawResponseParts(raw)!;
    expect(parts.status).toBe(200);
    expect(parts.headers).toMatchObject({
      'content-type': 'application/json; charset=utf-8',
      'x-content-type-options': 'nosniff',
      'access-control-allow-origin': HOST_ORIGIN,
      vary: 'Origin',
    });
    expect(JSON.parse(parts.body as string)).toMatchObject({ session: expect.any(String) });
  });
});

describe('toNodeListener writes raw responses straight to the socket', () => {
  it('answers exactly as the web-standard path does (status, headers, body) on every kind of answer', async () => {
    const fast = await listen(makeHandler({ loaderScript: 'void "é";' }));
    const standard = await listen(makeHandler({ loaderScript: 'void "é";' }), { webRequests: true });
    const exchanges: [string, RequestInit][] = [
      ['/v1/identity', { method: 'POST', headers: { 'Content-Type': 'application/json', Origin: HOST_ORIGIN }, body: JSON.stringify({ automatedUuid: 'x'.repeat(30) }) }],
      ['/v1/identity', { method: 'POST', headers: { 'Content-Type': 'application/json', Origin: HOST_ORIGIN }, body: '{"nope' }],
      ['/v1/identity', { method: 'OPTIONS', headers: { Origin: HOST_ORIGIN, 'Access-Control-Request-Method': 'POST' } }],
      ['/v1/identity', { method: 'GET', headers: { Origin: 'https://evil.test' } }],
      ['/v1/conversation', { headers: { Origin: HOST_ORIGIN } }],
      ['/agent/v1/conversations', { headers: { Authorization: `Bearer ${AGENT_TOKEN}` } }],
      ['/nothing/here', {}],
      ['/loader.js', {}],
      ['/loader.js', { method: 'HEAD' }],
    ];
    for (const [path, init] of exchanges) {
      const [a, b] = await Promise.all([fetch(`${fast}${path}`, init), fetch(`${standard}${path}`, init)]);
      const label = `${init.method ?? 'GET'} ${path}`;
      expect(a.status, label).toBe(b.status);
      const headers = (r: Response) => [...r.headers].filter(([name]) => name !== 'date');
      expect(headers(a), label).toEqual(headers(b));
      expect(normalize(await a.text()), label).toBe(normalize(await b.text()));
    }
  });

  it('counts Content-Length in bytes (multibyte text arrives whole) and keeps the connection alive', async () => {
    const base = await listen(makeHandler({ agentToken: AGENT_TOKEN }));
    const registered = await fetch(`${base}/v1/identity`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Origin: HOST_ORIGIN },
      body: JSON.stringify({ automatedUuid: automatedUuid() }),
    });
    const { session } = (await registered.json()) as { session: string };
    const response = await fetch(`${base}/v1/messages`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Origin: HOST_ORIGIN, Authorization: `Bearer ${session}` },
      body: JSON.stringify({ clientId: 'client-0001', body: 'héllo 👋 — ok' }),
    });
    expect(response.status).toBe(201);
    expect(response.headers.get('connection')).toBe('keep-alive');
    const text = await response.text();
    expect(Number(response.headers.get('content-length'))).toBe(Buffer.byteLength(text));
    expect(JSON.parse(text).message.body).toBe('héllo 👋 — ok');
  });

  it('a wrapping handler that changes the headers of a raw response is heard', async () => {
    const inner = makeHandler();
    const wrapped = Object.assign(
      async (request: Request) => {
        const response = await inner(request);
        response.headers.set('X-Wrapped', 'yes');
        return response;
      },
      { basePath: '', close: () => inner.close(), drain: () => inner.drain() },
    );
    const base = await listen(wrapped);
    const response = await fetch(`${base}/v1/conversation`, { headers: { Origin: HOST_ORIGIN } });
    expect(response.status).toBe(401);
    expect(response.headers.get('x-wrapped')).toBe('yes');
    expect(response.headers.get('www-authenticate')).toBe('Bearer');
    expect((await response.json()).error.code).toBe('ERR_SESSION_MISSING');
  });
});
