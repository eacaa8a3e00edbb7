import { request as httpRequest } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { type MessagingHandler } from '../../../../src/server/handler/index.js';
import { toNodeListener } from '../../../../src/server/node/index.js';
import { AGENT_TOKEN, automatedUuid, HOST_ORIGIN, makeHandler, SseReader, listenOnLoopback } from '../helpers.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function listen(handler: MessagingHandler, listener = toNodeListener(handler)): Promise<string> {
  const { url, close } = await listenOnLoopback(listener);
  cleanups.push(close);
  cleanups.push(() => handler.close());
  return url;
}

const jsonHeaders = { 'Content-Type': 'application/json', Origin: HOST_ORIGIN };

async function registerOver(base: string, address?: string) {
  const response = await fetch(`${base}/v1/identity`, { method: 'POST', headers: jsonHeaders, body: JSON.stringify({ automatedUuid: automatedUuid() }) });
  expect(response.status).toBe(200);
  return (await response.json()) as { session: string; conversationId: string };
}

describe('toNodeListener on a real node:http server', () => {
  it('serves JSON, headers and CORS through node:http', async () => {
    const base = await listen(makeHandler({ loaderScript: 'void 0;' }));
    const { session } = await registerOver(base);
    const response = await fetch(`${base}/v1/conversation`, { headers: { Authorization: `Bearer ${session}`, Origin: HOST_ORIGIN } });
    expect(response.status).toBe(200);
    expect(response.headers.get('access-control-allow-origin')).toBe(HOST_ORIGIN);
    expect(await response.json()).toMatchObject({ messages: [] });
    const loader = await fetch(`${base}/loader.js`);
    expect(await loader.text()).toBe('void 0;');
    const etag = loader.headers.get('etag')!;
    expect((await fetch(`${base}/loader.js`, { headers: { 'If-None-Match': etag } })).status).toBe(304);
  });

  it('streams SSE unbuffered: an agent reply arrives while the response is open', async () => {
    const base = await listen(makeHandler({ limits: { heartbeatMs: 50 } }));
    const { session, conversationId } = await registerOver(base);
    const abort = new AbortController();
    cleanups.push(() => abort.abort());
    const stream = await fetch(`${base}/v1/stream`, { headers: { Authorization: `Bearer ${session}`, Origin: HOST_ORIGIN }, signal: abort.signal });
    expect(stream.headers.get('content-type')).toBe('text/event-stream');
    expect(stream.headers.get('x-accel-buffering')).toBe('no');
    const reader = new SseReader(stream);
    await reader.until((r) => r.comments.includes('ping'));
    const reply = await fetch(`${base}/agent/v1/conversations/${conversationId}/messages`, {
      method: 'POST',
      // A server-side caller (no Origin): state-changing agent routes refuse other origins (SPEC §11).
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${AGENT_TOKEN}` },
      body: JSON.stringify({ body: 'live through node' }),
    });
    expect(reply.status).toBe(201);
    await reader.until((r) => r.messages().length === 1);
    expect(reader.messages()[0].body).toBe('live through node');
  });

  it('caps the body: 413 from the handler, and from the adapter past its own limit', async () => {
    const base = await listen(makeHandler({ limits: { maxBodyBytes: 1024 } }));
    const big = JSON.stringify({ identity: { firstname: 'x'.repeat(100_000) } });
    const response = await fetch(`${base}/v1/identity`, { method: 'POST', headers: jsonHeaders, body: big });
    expect(response.status).toBe(413);
    expect((await response.json()).error.code).toBe('ERR_BODY_TOO_LARGE');
    // Announced and under the adapter's limit: drained, the connection stays usable.
    expect(response.headers.get('connection')).toBe('keep-alive');

    const handler = makeHandler({ limits: { maxBodyBytes: 1_000_000 } });
    const capped = await listen(handler, toNodeListener(handler, { maxReadBytes: 2048 }));
    const chunked = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < 20; i++) controller.enqueue(new TextEncoder().encode(' '.repeat(500)));
        controller.close();
      },
    });
    const streamed = await fetch(`${capped}/v1/identity`, { method: 'POST', headers: jsonHeaders, body: chunked, duplex: 'half' } as RequestInit);
    expect(streamed.status).toBe(413);
    // Unannounced and past the limit: the rest is not read, the connection closes.
    expect(streamed.headers.get('connection')).toBe('close');
  });

  it('a client that disconnects frees its stream slot', async () => {
    const base = await listen(makeHandler({ limits: { maxStreamsPerSession: 1 } }));
    const { session } = await registerOver(base);
    const headers = { Authorization: `Bearer ${session}`, Origin: HOST_ORIGIN };
    const url = new URL(`${base}/v1/stream`);
    const raw = httpRequest({ host: url.hostname, port: url.port, path: url.pathname, headers });
    const opened = new Promise<void>((resolve, reject) => {
      raw.on('response', (res) => {
        expect(res.statusCode).toBe(200);
        res.once('data', () => resolve());
      });
      raw.on('error', reject);
    });
    raw.end();
    await opened;
    const busy = await fetch(url, { headers });
    expect(busy.status).toBe(429);
    raw.destroy(); // the browser tab closes
    let status = 0;
    for (let attempt = 0; attempt < 50 && status !== 200; attempt++) {
      await new Promise((r) => setTimeout(r, 20));
      const retry = await fetch(url, { headers });
      status = retry.status;
      await retry.body?.cancel();
    }
    expect(status).toBe(200);
  });

  it('as middleware, passes paths outside basePath to next() and serves its own', async () => {
    const handler = makeHandler({ basePath: '/chatq' });
    const listener = toNodeListener(handler);
    const base = await listen(handler, (req, res) =>
      listener(req, res, () => {
        res.writeHead(200, { 'Content-Type': 'text/plain' });
        res.end('next app');
      }),
    );
    expect(await (await fetch(`${base}/shop`)).text()).toBe('next app');
    expect(await (await fetch(`${base}/chatqx/v1/identity`)).text()).toBe('next app');
    expect(await (await fetch(`${base}/chatq/about`)).text()).toBe('next app');
    const own = await fetch(`${base}/chatq/v1/nothing`);
    expect(own.status).toBe(404);
    expect((await own.json()).error.code).toBe('ERR_NOT_FOUND');
  });

  it('survives a client that announces a body and leaves half way', async () => {
    const base = await listen(makeHandler());
    const url = new URL(`${base}/v1/identity`);
    const raw = httpRequest({ host: url.hostname, port: url.port, path: url.pathname, method: 'POST', headers: { 'Content-Type': 'application/json', 'Content-Length': '100' } });
    raw.on('error', () => {});
    raw.write('{"automatedUuid":');
    await new Promise((r) => setTimeout(r, 30));
    raw.destroy();
    await new Promise((r) => setTimeout(r, 30));
    const after = await registerOver(base);
    expect(after.session).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('as middleware with basePath \'\', leaves the app\'s own routes alone', async () => {
    const handler = makeHandler({ loaderScript: 'void 0;' });
    const listener = toNodeListener(handler);
    const base = await listen(handler, (req, res) =>
      listener(req, res, () => {
        res.writeHead(200, { 'Content-Type': 'text/plain' });
        res.end('app');
      }),
    );
    expect(await (await fetch(`${base}/`)).text()).toBe('app');
    expect(await (await fetch(`${base}/v1`)).text()).toBe('app');
    expect(await (await fetch(`${base}/loader.js`)).text()).toBe('void 0;');
    expect((await fetch(`${base}/v1/conversation`)).status).toBe(401);
  });

  it('uses the socket address for per-address rate limits', async () => {
    const base = await listen(makeHandler({ limits: { registrationsPerMinutePerAddress: 1 } }));
    await registerOver(base);
    const limited = await fetch(`${base}/v1/identity`, { method: 'POST', headers: jsonHeaders, body: '{}' });
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('60');
  });

  it('a request target cannot pose as the page\'s origin (//host/… and absolute-form)', async () => {
    const base = await listen(makeHandler());
    const url = new URL(base);
    const send = (path: string, headers: Record<string, string> = {}) =>
      new Promise<{ status: number; allowOrigin: string | undefined }>((resolve, reject) => {
        const raw = httpRequest({ host: url.hostname, port: url.port, path, method: 'POST', headers: { Origin: 'http://evil.test', 'Content-Type': 'application/json', ...headers } }, (res) => {
          res.resume();
          resolve({ status: res.statusCode!, allowOrigin: res.headers['access-control-allow-origin'] as string | undefined });
        });
        raw.on('error', reject);
        raw.end(JSON.stringify({ automatedUuid: automatedUuid() }));
      });
    // Resolved as a relative reference, these read as http://evil.test/v1/identity: "same origin" as the attacker.
    expect(await send('//evil.test/v1/identity')).toEqual({ status: 404, allowOrigin: undefined });
    expect(await send('http://evil.test/v1/identity')).toEqual({ status: 403, allowOrigin: undefined });
    expect((await send('/v1/identity', { Host: 'evil.test/v1?' })).status).toBe(400);
    expect((await send('/v1/identity', { Origin: HOST_ORIGIN })).status).toBe(200);
  });
});
