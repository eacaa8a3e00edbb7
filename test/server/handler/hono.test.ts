/**
 * SPEC §6 "Fitting the integrator's server": the web-standard handler inside
 * a real Hono app on @hono/node-server, on a loopback port: mounted with
 * `app.mount()` or called from `app.all()`, and the per-address limits keyed
 * by the real client address with no integrator code.
 */
import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { Hono, type Handler } from 'hono';
import { afterEach, describe, expect, it } from 'vitest';
import type { MessagingHandler } from '../../../src/server/handler/index.js';
import { automatedUuid, HOST_ORIGIN, useHandlers } from './helpers.js';
import { chatOverHttp } from './over-http.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});
const makeHandler = useHandlers();

async function listenHono(app: Hono): Promise<string> {
  const server: ServerType = await new Promise((resolve) => {
    const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
  });
  cleanups.push(
    () =>
      new Promise<void>((resolve) => {
        (server as { closeAllConnections?: () => void }).closeAllConnections?.();
        server.close(() => resolve());
      }),
  );
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** POST /v1/identity from a chosen local address (127.0.0.1, 127.0.0.2: two clients of one loopback server). */
function registerFrom(base: string, localAddress: string): Promise<number> {
  const url = new URL(`${base}/v1/identity`);
  const body = JSON.stringify({ automatedUuid: automatedUuid() });
  return new Promise((resolve, reject) => {
    const request = httpRequest(
      url,
      { method: 'POST', localAddress, agent: false, headers: { 'Content-Type': 'application/json', Origin: HOST_ORIGIN, 'Content-Length': Buffer.byteLength(body) } },
      (response) => {
        response.resume();
        response.on('end', () => resolve(response.statusCode!));
      },
    );
    request.on('error', reject);
    request.end(body);
  });
}

/** The handler mounted each supported way; the base URL of its basePath. */
const forms: Record<string, (app: Hono, handler: MessagingHandler) => void> = {
  "app.mount('/chatq', handler)": (app, handler) => void app.mount('/chatq', handler),
  "app.mount('/chatq', handler, { replaceRequest: false })": (app, handler) => void app.mount('/chatq', handler, { replaceRequest: false }),
  "app.all('/chatq/*', (c) => handler(c.req.raw))": (app, handler) => void app.all('/chatq/*', (c) => handler(c.req.raw)),
  "app.all('/chatq/*', (c) => handler(c.req.raw, c.env))": (app, handler) => void app.all('/chatq/*', (c) => handler(c.req.raw, c.env)),
  // Plain JavaScript: Hono passes its Context where the handler expects a Request (was a 500 "Invalid URL").
  "app.all('/chatq/*', handler)": (app, handler) => void app.all('/chatq/*', handler as unknown as Handler),
};

describe('Hono on @hono/node-server', () => {
  for (const [name, mount] of Object.entries(forms)) {
    it(`the whole chat path through ${name}`, async () => {
      const app = new Hono();
      mount(app, makeHandler({ basePath: '/chatq', limits: { heartbeatMs: 50 } }));
      app.get('/', (c) => c.text('the app'));
      const base = await listenHono(app);
      await chatOverHttp(`${base}/chatq`);
      expect(await (await fetch(base)).text()).toBe('the app');
    });

    it(`per-address limits see each client's own address through ${name}`, async () => {
      const warnings: string[] = [];
      const app = new Hono();
      mount(app, makeHandler({ basePath: '/chatq', limits: { registrationsPerMinutePerAddress: 2 }, logger: { warn: (m) => void warnings.push(m) } }));
      const base = `${await listenHono(app)}/chatq`;
      expect([await registerFrom(base, '127.0.0.1'), await registerFrom(base, '127.0.0.1'), await registerFrom(base, '127.0.0.1')]).toEqual([200, 200, 429]);
      // Another client has its own bucket.
      expect([await registerFrom(base, '127.0.0.2'), await registerFrom(base, '127.0.0.2'), await registerFrom(base, '127.0.0.2')]).toEqual([200, 200, 429]);
      expect(warnings.join('\n')).not.toMatch(/no client address/);
    });
  }

  it('a mounted handler answers only under its own mount: the app\'s other paths stay the app\'s', async () => {
    const app = new Hono();
    app.mount('/chatq', makeHandler({ basePath: '/chatq' }));
    app.all('*', (c) => c.text('the app', 404));
    const base = await listenHono(app);
    for (const path of ['/v1/policy', '/agent/v1/conversations', '/other/v1/policy']) {
      const response = await fetch(`${base}${path}`, { headers: { Origin: HOST_ORIGIN } });
      expect(await response.text(), path).toBe('the app');
    }
  });

  it('a catch-all route gets no answer from the handler for a path that was never under basePath', async () => {
    const app = new Hono();
    const handler = makeHandler({ basePath: '/chatq', limits: { heartbeatMs: 50 } });
    app.all('*', (c) => handler(c.req.raw, c.env));
    const base = await listenHono(app);
    // An app rule on /chatq/agent/* would never see these: the handler must not serve them as its own.
    for (const path of ['/agent/v1/conversations', '/v1/policy', '/loader.js']) {
      const response = await fetch(`${base}${path}`, { headers: { Origin: HOST_ORIGIN, Authorization: 'Bearer agent-secret-token-0123456789-abcdef' } });
      expect(response.status, path).toBe(404);
    }
    await chatOverHttp(`${base}/chatq`);
  });
});
