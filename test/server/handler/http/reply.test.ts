/**
 * Issue 12 item 4: the handler's answer as plain parts (`handler.reply`,
 * http/reply.ts), which toNodeListener writes with no Response; every other
 * caller gets the same answer as a Response.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { toNodeListener, type NodeServedHandler, type NodeListenerOptions } from '../../../../src/server/node/index.js';
import { AGENT_TOKEN, automatedUuid, HOST_ORIGIN, makeHandler, req, listenOnLoopback } from '../helpers.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function listen(handler: NodeServedHandler, options?: NodeListenerOptions): Promise<string> {
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

describe('handler.reply: the same answer as plain parts', () => {
  it('has the status, lower-case header fields (CORS and nosniff included) and body the Response has', async () => {
    const handler = makeHandler();
    const visitor = automatedUuid();
    const parts = await handler.reply(req('/v1/identity', { body: { automatedUuid: visitor } }));
    expect(parts.status).toBe(200);
    expect(parts.headers).toEqual({
      'content-type': 'application/json; charset=utf-8',
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
      'access-control-allow-origin': HOST_ORIGIN,
      'access-control-expose-headers': 'Retry-After, ETag',
      vary: 'Origin',
    });
    expect(JSON.parse(parts.body as string)).toMatchObject({ session: expect.any(String) });

    // The same visitor again: the same conversation, a new session.
    const response = await handler(req('/v1/identity', { body: { automatedUuid: visitor } }));
    expect(response.status).toBe(200);
    expect(Object.fromEntries(response.headers)).toEqual(parts.headers);
    expect(normalize(await response.text())).toBe(normalize(parts.body as string));
  });

  it('answers errors and preflights as parts too', async () => {
    const handler = makeHandler();
    const refused = await handler.reply(req('/v1/conversation', { origin: 'https://evil.test' }));
    expect(refused.status).toBe(403);
    expect(JSON.parse(refused.body as string).error.code).toBe('ERR_ORIGIN_NOT_ALLOWED');
    const preflight = await handler.reply(req('/v1/messages', { method: 'OPTIONS', headers: { 'Access-Control-Request-Method': 'POST' } }));
    expect(preflight).toMatchObject({ status: 204, body: null, headers: { vary: 'Access-Control-Request-Method, Access-Control-Request-Headers, Origin', allow: 'POST, OPTIONS' } });
  });

  it('is not copied by Object.assign or a spread, so toNodeListener serves a wrapper through the wrapper', async () => {
    const handler = makeHandler();
    expect(Object.keys(handler)).not.toContain('reply');
    const wrapper = Object.assign(async (request: Request) => {
      const response = await handler(request);
      response.headers.set('X-Wrapped', 'yes');
      return response;
    }, handler);
    expect('reply' in wrapper).toBe(false);
    const base = await listen(wrapper);
    const response = await fetch(`${base}/v1/policy`, { headers: { Origin: HOST_ORIGIN } });
    expect(response.headers.get('x-wrapped')).toBe('yes');
  });
});

describe('toNodeListener writes replies straight to the socket', () => {
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

  it.each([false, true])('a wrapper that passes the Request on without the env still keys limits by the socket address (webRequests: %s)', async (webRequests) => {
    const warnings: string[] = [];
    const inner = makeHandler({ limits: { registrationsPerMinutePerAddress: 1 }, logger: { warn: (m) => void warnings.push(m) } });
    cleanups.push(() => inner.close());
    const wrapped = Object.assign((request: Request) => inner(request), { basePath: inner.basePath });
    const base = await listen(wrapped, { webRequests });
    const register = () =>
      fetch(`${base}/v1/identity`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Origin: HOST_ORIGIN },
        body: JSON.stringify({ automatedUuid: automatedUuid() }),
      }).then((r) => r.status);
    expect([await register(), await register()]).toEqual([200, 429]);
    expect(warnings.join('\n')).not.toMatch(/no client address/);
  });

  it('a wrapping handler that changes the headers of the Response is heard', async () => {
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
