import { afterEach, describe, expect, it } from 'vitest';
import type { ServerEnvReader } from '../../../src/server/handler/caller.js';
import { createHandler } from '../../../src/server/handler/create.js';
import type { MessagingHandler, MessagingHandlerOptions } from '../../../src/server/handler/options.js';
import { EngineError } from '../../../src/server/errors.js';
import { createMemoryStore } from '../../../src/server/store/index.js';
import { automatedUuid, HOST_ORIGIN, json, req, verifierDouble } from './helpers.js';

/** A server env reader for tests: the env is `{ ip, target }`. */
const testEnv: ServerEnvReader = {
  clientAddress: (_request, env) => (env as { ip?: string } | undefined)?.ip,
  receivedTarget: (env) => (env as { target?: string } | undefined)?.target,
};

const handlers: MessagingHandler[] = [];
afterEach(() => {
  for (const handler of handlers.splice(0)) handler.close();
});

function handlerWith(options: Partial<MessagingHandlerOptions> = {}): MessagingHandler & { warnings: string[] } {
  const warnings: string[] = [];
  const handler = createHandler({ verifier: verifierDouble(), allowedOrigins: [HOST_ORIGIN], logger: { warn: (m) => void warnings.push(m) }, ...options }, testEnv);
  handlers.push(handler);
  return Object.assign(handler, { warnings });
}

const registration = () => req('/v1/identity', { body: { automatedUuid: automatedUuid() } });
const errorOf = async (response: Response) => (await json<{ error: { code: string; message: string } }>(response)).error;

describe('createHandler: the client address of the per-address limits', () => {
  it("reads the server env's address, keyed by /64 for IPv6", async () => {
    const handler = handlerWith({ limits: { registrationsPerMinutePerAddress: 1 } });
    expect((await handler(registration(), { ip: '2001:db8:0:1::1' })).status).toBe(200);
    expect((await handler(registration(), { ip: '2001:db8:0:1::2' })).status).toBe(429);
    expect((await handler(registration(), { ip: '2001:db8:0:2::1' })).status).toBe(200);
  });

  it('takes the clientAddress option before the env', async () => {
    const handler = handlerWith({ limits: { registrationsPerMinutePerAddress: 1 }, clientAddress: () => '192.0.2.1' });
    expect((await handler(registration(), { ip: '203.0.113.1' })).status).toBe(200);
    expect((await handler(registration(), { ip: '203.0.113.2' })).status).toBe(429);
  });

  it('asks the clientAddress option once a request: the limit and the store quota of a sign-in see one address', async () => {
    const asked: string[] = [];
    const handler = handlerWith({ limits: { registrationsPerMinutePerAddress: 5 }, clientAddress: () => (asked.push('asked'), '192.0.2.1') });
    expect((await handler(registration())).status).toBe(200);
    expect(asked).toHaveLength(1);
  });

  it('shares one bucket between clients without an address, and says so in the log once', async () => {
    const handler = handlerWith({ limits: { registrationsPerMinutePerAddress: 1 } });
    expect((await handler(registration())).status).toBe(200);
    expect((await handler(registration())).status).toBe(429);
    expect(handler.warnings.filter((m) => m.includes('no client address'))).toHaveLength(1);
  });
});

describe('createHandler: routing under basePath', () => {
  it('answers a path a mount shortened only when the server received it under basePath', async () => {
    const handler = handlerWith({ basePath: '/chatq/' });
    expect(handler.basePath).toBe('/chatq');
    expect((await handler(req('/chatq/v1/policy'))).status).toBe(200);
    expect((await handler(req('/v1/policy'), { target: '/chatq/v1/policy' })).status).toBe(200);
    expect((await handler(req('/v1/policy'))).status).toBe(404);
    expect((await handler(req('/v1/policy'), { target: '/v1/policy' })).status).toBe(404);
  });

  it('answers an unknown path, and the agent API without agents, 404 ERR_NOT_FOUND naming the path', async () => {
    const handler = handlerWith();
    const unknown = await handler(req('/v1/nothing'));
    expect(unknown.status).toBe(404);
    expect(await errorOf(unknown)).toEqual({ code: 'ERR_NOT_FOUND', message: 'Nothing is served at /v1/nothing.' });
    expect((await handler(req('/agent/v1/me', { origin: null }))).status).toBe(404);
  });

  it('answers a method the route has not 405 ERR_METHOD_NOT_ALLOWED with Allow', async () => {
    const response = await handlerWith()(req('/v1/identity', { method: 'PUT', body: {} }));
    expect(response.status).toBe(405);
    expect(response.headers.get('Allow')).toBe('POST, OPTIONS');
    expect((await errorOf(response)).message).toBe('PUT is not allowed here; use POST, OPTIONS.');
  });

  it('answers a preflight from an allowed origin 204 with the methods', async () => {
    const response = await handlerWith()(req('/v1/messages', { method: 'OPTIONS' }));
    expect(response.status).toBe(204);
    expect(response.headers.get('Access-Control-Allow-Methods')).toBe('POST, OPTIONS');
    expect(response.headers.get('Access-Control-Allow-Origin')).toBe(HOST_ORIGIN);
  });
});

describe('createHandler: origins (SPEC §6 "Fitting")', () => {
  it('refuses another origin 403 ERR_ORIGIN_NOT_ALLOWED, naming it and the option, and logs it', async () => {
    const handler = handlerWith();
    const response = await handler(req('/v1/identity', { body: { automatedUuid: automatedUuid() }, origin: 'https://evil.test' }));
    expect(response.status).toBe(403);
    expect(response.headers.get('Access-Control-Allow-Origin')).toBeNull();
    const error = await errorOf(response);
    expect(error.code).toBe('ERR_ORIGIN_NOT_ALLOWED');
    expect(error.message).toMatch(/origin "https:\/\/evil\.test" is not in the chat server's allowedOrigins: add it to allowedOrigins/);
    expect(handler.warnings.join('\n')).toContain('https://evil.test');
  });

  it('lets the refused page read the refusal on the policy only, and serves public routes to any origin', async () => {
    const handler = handlerWith({ loaderScript: 'console.log(1)' });
    const policy = await handler(req('/v1/policy', { origin: 'https://evil.test' }));
    expect(policy.status).toBe(403);
    expect(policy.headers.get('Access-Control-Allow-Origin')).toBe('https://evil.test');
    expect((await handler(req('/loader.js', { origin: 'https://evil.test' }))).status).toBe(200);
  });
});

describe('createHandler: every answer', () => {
  it('carries X-Content-Type-Options: nosniff, errors included', async () => {
    const handler = handlerWith();
    for (const response of [await handler(req('/v1/policy')), await handler(req('/v1/nothing')), await handler(req('/v1/identity', { method: 'GET' }))]) {
      expect(response.headers.get('X-Content-Type-Options')).toBe('nosniff');
    }
  });

  it('is 503 ERR_UNAVAILABLE with Retry-After: 1 and Connection: close once draining (SPEC §8)', async () => {
    const handler = handlerWith();
    handler.drain();
    const response = await handler(req('/v1/policy'));
    expect(response.status).toBe(503);
    expect(response.headers.get('Retry-After')).toBe('1');
    expect((await errorOf(response)).code).toBe('ERR_UNAVAILABLE');
    const reply = await handler.reply(req('/v1/policy'));
    expect(reply.headers.connection).toBe('close');
  });
});

describe('createHandler: failures below the router', () => {
  it('answers an engine that is down 503 with its own code and Retry-After, logged once', async () => {
    const store = { ...createMemoryStore(), upsertConversation: async () => Promise.reject(new EngineError('ERR_UNAVAILABLE', 'redis is unreachable', 2.5)) };
    const handler = handlerWith({ store, clientAddress: () => '192.0.2.1' });
    for (let i = 0; i < 2; i++) {
      const response = await handler(registration());
      expect(response.status).toBe(503);
      expect(response.headers.get('Retry-After')).toBe('3');
      expect(await errorOf(response)).toEqual({ code: 'ERR_UNAVAILABLE', message: 'redis is unreachable' });
    }
    expect(handler.warnings.filter((m) => m.includes('ERR_UNAVAILABLE'))).toHaveLength(1);
  });

  it('answers a bug 500 ERR_INTERNAL that says nothing of it, and logs the error with tokens blanked', async () => {
    const token = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJlLWJ5dGVz';
    const store = { ...createMemoryStore(), upsertConversation: async () => Promise.reject(new TypeError(`store choked on ${token}`)) };
    const handler = handlerWith({ store, clientAddress: () => '192.0.2.1' });
    const response = await handler(registration());
    expect(response.status).toBe(500);
    expect(await errorOf(response)).toEqual({ code: 'ERR_INTERNAL', message: 'The chat server failed to handle this request. Try again later.' });
    const log = handler.warnings.join('\n');
    expect(log).toContain('unexpected error in the messaging handler: TypeError: store choked on [redacted token]');
    expect(log).not.toContain(token);
  });
});

describe('createHandler: how it is called', () => {
  it('answers a Hono Context with its req.raw and its env', async () => {
    const handler = handlerWith({ limits: { registrationsPerMinutePerAddress: 1 } });
    const call = (ip: string) => (handler as unknown as (c: unknown) => Promise<Response>)({ req: { raw: registration() }, env: { ip } });
    expect((await call('198.51.100.1')).status).toBe(200);
    expect((await call('198.51.100.1')).status).toBe(429);
  });

  it('gives the same answer as plain parts through reply(), which a wrapper made by spreading does not carry', async () => {
    const handler = handlerWith();
    const reply = await handler.reply(req('/v1/nothing'));
    expect(reply.status).toBe(404);
    expect(reply.headers['x-content-type-options']).toBe('nosniff');
    expect(JSON.parse(reply.body as string).error.code).toBe('ERR_NOT_FOUND');
    expect(Object.keys(handler)).not.toContain('reply');
    expect({ ...handler }).not.toHaveProperty('reply');
  });
});
