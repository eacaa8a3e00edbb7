/**
 * SPEC §6 "Fitting the integrator's server": toNodeListener inside real
 * Express 5 and Fastify 5 apps on a loopback port, with and without the app's
 * own body parser mounted first.
 */
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import express from 'express';
import Fastify from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { toNodeListener } from '../../../src/server/node/index.js';
import { HOST_ORIGIN, useHandlers } from './helpers.js';
import { chatOverHttp, registerOverHttp } from './over-http.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});
const makeHandler = useHandlers();

async function listenExpress(app: express.Express): Promise<string> {
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  cleanups.push(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** A POST that never gets an answer must fail the test, not hang it. */
const within = (ms: number) => AbortSignal.timeout(ms);

describe('Express 5', () => {
  it('the whole chat path with the handler mounted alone', async () => {
    const app = express();
    app.use(toNodeListener(makeHandler({ basePath: '/chatq', limits: { heartbeatMs: 50 } })));
    await chatOverHttp(`${await listenExpress(app)}/chatq`);
  });

  it('the whole chat path behind express.json() mounted first: the parsed body is used, nothing hangs', async () => {
    const app = express();
    app.use(express.json());
    app.use(toNodeListener(makeHandler({ basePath: '/chatq', limits: { heartbeatMs: 50 } })));
    app.post('/api/echo', (req, res) => void res.json(req.body));
    const base = await listenExpress(app);
    await chatOverHttp(`${base}/chatq`);
    // The app's own routes still get express.json()'s result.
    const echo = await fetch(`${base}/api/echo`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"a":1}', signal: within(2000) });
    expect(await echo.json()).toEqual({ a: 1 });
  });

  it('behind express.json() with webRequests: true (real undici Requests), the parsed body is used too', async () => {
    const app = express();
    app.use(express.json());
    app.use(toNodeListener(makeHandler({ basePath: '/chatq' }), { webRequests: true }));
    const { status } = await registerOverHttp(`${await listenExpress(app)}/chatq`);
    expect(status).toBe(200);
  });

  it('behind express.text() or express.raw(), the string or bytes are used as they are', async () => {
    for (const parser of [express.text({ type: 'application/json' }), express.raw({ type: 'application/json' })]) {
      const app = express();
      app.use(parser);
      app.use(toNodeListener(makeHandler({ basePath: '/chatq' })));
      const { status } = await registerOverHttp(`${await listenExpress(app)}/chatq`);
      expect(status).toBe(200);
    }
  });

  it('limits.maxBodyBytes holds on a body the parser already read: 413', async () => {
    const app = express();
    app.use(express.json());
    app.use(toNodeListener(makeHandler({ basePath: '/chatq', limits: { maxBodyBytes: 256 } })));
    const base = await listenExpress(app);
    // Chunked, so no Content-Length announces the size: the cap is checked on the bytes express.json() left.
    const body = new Blob([JSON.stringify({ automatedUuid: 'a'.repeat(22), identity: { note: 'x'.repeat(400) } })]).stream();
    const response = await fetch(`${base}/chatq/v1/identity`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Origin: HOST_ORIGIN },
      body,
      duplex: 'half',
      signal: within(2000),
    } as RequestInit);
    expect(response.status).toBe(413);
    expect((await response.json()).error.code).toBe('ERR_BODY_TOO_LARGE');
  });

  it('a body read by a middleware that kept nothing: a prompt 400 that names the cause, never a hang', async () => {
    const app = express();
    // Reads the stream to its end and drops it, as a logging or signature middleware might.
    app.use((req, _res, next) => {
      req.on('data', () => {});
      req.on('end', () => next());
    });
    app.use(toNodeListener(makeHandler({ basePath: '/chatq' })));
    const base = await listenExpress(app);
    const response = await postIdentity(base);
    expect(response.status).toBe(400);
    const { error } = await response.json();
    expect(error.code).toBe('ERR_BAD_REQUEST');
    expect(error.message).toMatch(/already read by another middleware \(e\.g\. express\.json\(\)\)/);
  });
});

/** A registration as the widget sends it; no answer within 2 s fails the test (a hang is the bug these tests catch). */
function postIdentity(base: string): Promise<Response> {
  return fetch(`${base}/chatq/v1/identity`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Origin: HOST_ORIGIN },
    body: '{"automatedUuid":"aaaaaaaaaaaaaaaaaaaaaa"}',
    signal: within(2000),
  });
}

describe('Fastify 5', () => {
  async function listenFastify(app: ReturnType<typeof Fastify>): Promise<string> {
    cleanups.push(async () => {
      app.server.closeAllConnections();
      await app.close();
    });
    await app.listen({ port: 0, host: '127.0.0.1' });
    return `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  }

  it('the whole chat path behind Fastify\'s own JSON parser, with reply.hijack()', async () => {
    const app = Fastify();
    const listener = toNodeListener(makeHandler({ basePath: '/chatq', limits: { heartbeatMs: 50 } }));
    app.all('/chatq/*', (req, reply) => {
      reply.hijack();
      // Fastify keeps the parsed body on its own request: handed over as the raw request's body.
      (req.raw as { body?: unknown }).body = req.body;
      listener(req.raw, reply.raw);
    });
    await chatOverHttp(`${await listenFastify(app)}/chatq`);
  });

  it('listener(req.raw, reply.raw) with the body left with Fastify: a prompt 400 that names the cause', async () => {
    const app = Fastify();
    const listener = toNodeListener(makeHandler({ basePath: '/chatq' }));
    app.all('/chatq/*', (req, reply) => {
      reply.hijack();
      listener(req.raw, reply.raw);
    });
    const base = await listenFastify(app);
    const response = await postIdentity(base);
    expect(response.status).toBe(400);
    expect((await response.json()).error.message).toMatch(/already read by another middleware.*req\.raw\.body = req\.body/);
  });
});
