import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { createMessagingHandler } from '../../../src/server/handler/index.js';
import { automatedUuid, BASE, HOST_ORIGIN, json, makeHandler, register, req, verifierDouble } from './helpers.js';

describe('routing: every error is JSON { error: { code, message } } with a 4xx', () => {
  it('answers an unknown path with 404 ERR_NOT_FOUND', async () => {
    const handler = makeHandler();
    for (const path of ['/', '/v2/identity', '/v1/identity/', '/loader.jsx', '/v1', '/agent/v1/conversations/x/y']) {
      const response = await handler(req(path));
      expect(response.status, path).toBe(404);
      expect((await json(response)).error.code).toBe('ERR_NOT_FOUND');
      expect(response.headers.get('Content-Type')).toMatch(/^application\/json/);
    }
  });

  it('answers a wrong method with 405 and an Allow header', async () => {
    const handler = makeHandler();
    const cases: [string, string, string][] = [
      ['GET', '/v1/identity', 'POST, OPTIONS'],
      ['PUT', '/v1/messages', 'POST, OPTIONS'],
      ['POST', '/v1/stream', 'GET, OPTIONS'],
      ['GET', '/v1/session', 'DELETE, OPTIONS'],
      ['DELETE', '/loader.js', 'GET, HEAD, OPTIONS'],
    ];
    for (const [method, path, allow] of cases) {
      const response = await handler(req(path, { method }));
      expect(response.status, `${method} ${path}`).toBe(405);
      expect(response.headers.get('Allow')).toBe(allow);
      expect((await json(response)).error.code).toBe('ERR_METHOD_NOT_ALLOWED');
    }
  });

  it('serves under basePath only', async () => {
    const handler = makeHandler({ basePath: '/chatq/' });
    expect(handler.basePath).toBe('/chatq');
    expect((await handler(req('/v1/identity', { body: {} }))).status).toBe(404);
    expect((await handler(req('/chatqx/v1/identity', { body: {} }))).status).toBe(404);
    const response = await handler(req('/chatq/v1/identity', { body: { automatedUuid: automatedUuid() } }));
    expect(response.status).toBe(200);
  });

  it('refuses bad options at creation, not at request time', () => {
    expect(() => createMessagingHandler({ verifier: {} as never, allowedOrigins: [] })).toThrow(/verifier/);
    expect(() => createMessagingHandler({ verifier: verifierDouble(), allowedOrigins: ['not an origin'] })).toThrow(/allowedOrigins/);
    expect(() => createMessagingHandler({ verifier: verifierDouble(), allowedOrigins: ['https://shop.test'], limits: { heartbeatMs: -1 } })).toThrow(/heartbeatMs/);
    expect(() => createMessagingHandler({ verifier: verifierDouble(), allowedOrigins: ['https://shop.test'], basePath: 'chat q' })).toThrow(/basePath/);
    for (const publicOrigin of ['chat.example.com', 'https://chat.example.com/chatq', 'https://chat.example.com?x', 'https://chat.example.com#x', 'https://u:p@chat.example.com', 'ftp://chat.example.com', 'https://', '', 42]) {
      expect(() => createMessagingHandler({ verifier: verifierDouble(), allowedOrigins: ['https://shop.test'], publicOrigin: publicOrigin as string }), String(publicOrigin)).toThrow(expect.objectContaining({ code: 'ERR_HANDLER_CONFIG' }));
      expect(() => createMessagingHandler({ verifier: verifierDouble(), allowedOrigins: ['https://shop.test'], publicOrigin: publicOrigin as string })).toThrow(/publicOrigin: .* must be an http\(s\) origin with no path/);
    }
    for (const publicOrigin of ['https://chat.example.com', 'https://chat.example.com/', 'http://127.0.0.1:8080']) {
      expect(() => createMessagingHandler({ verifier: verifierDouble(), allowedOrigins: [], publicOrigin }), publicOrigin).not.toThrow();
    }
  });
});

describe('CORS: exactly from allowedOrigins', () => {
  it('echoes an allowed Origin, never a wildcard, never credentials', async () => {
    const response = await makeHandler()(req('/v1/identity', { body: { automatedUuid: automatedUuid() } }));
    expect(response.status).toBe(200);
    expect(response.headers.get('Access-Control-Allow-Origin')).toBe(HOST_ORIGIN);
    expect(response.headers.get('Access-Control-Allow-Credentials')).toBeNull();
    expect(response.headers.get('Vary')).toMatch(/Origin/);
    expect(response.headers.get('Access-Control-Expose-Headers')).toMatch(/Retry-After/);
  });

  it('refuses another origin with 403 ERR_ORIGIN_NOT_ALLOWED and no CORS grant', async () => {
    const response = await makeHandler()(req('/v1/identity', { body: {}, origin: 'https://evil.test' }));
    expect(response.status).toBe(403);
    expect((await json(response)).error.code).toBe('ERR_ORIGIN_NOT_ALLOWED');
    expect(response.headers.get('Access-Control-Allow-Origin')).toBeNull();
    expect(response.headers.get('Vary')).toMatch(/Origin/);
  });

  it('does not match by prefix, suffix or scheme', async () => {
    const handler = makeHandler();
    for (const origin of ['https://shop.test.evil.test', 'http://shop.test', 'https://shop.test:8443', 'null', 'https://xshop.test']) {
      expect((await handler(req('/v1/conversation', { origin }))).status, origin).toBe(403);
    }
  });

  it('allows requests without Origin (no browser, no CORS), answering without a grant', async () => {
    const handler = makeHandler();
    const none = await handler(req('/v1/identity', { body: { automatedUuid: automatedUuid() }, origin: null }));
    expect(none.status).toBe(200);
    expect(none.headers.get('Access-Control-Allow-Origin')).toBeNull();
  });

  it('never derives "same origin" from the Host header (DNS rebinding)', async () => {
    // The request URL is built from Host: a rebinding page makes Host and Origin agree.
    const handler = makeHandler();
    const rebound = (path: string, init: RequestInit = {}) =>
      new Request(`http://evil.test${path}`, { ...init, headers: { Origin: 'http://evil.test', Host: 'evil.test', ...(init.headers as Record<string, string>) } });
    const post = await handler(rebound('/v1/identity', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ automatedUuid: automatedUuid() }) }));
    expect(post.status).toBe(403);
    expect((await json(post)).error.code).toBe('ERR_ORIGIN_NOT_ALLOWED');
    expect(post.headers.get('Access-Control-Allow-Origin')).toBeNull();
    const agent = await handler(rebound('/agent/v1/conversations', { headers: { Authorization: 'Bearer x' } }));
    expect(agent.status).toBe(403);
    expect(agent.headers.get('Access-Control-Allow-Origin')).toBeNull();
    const preflight = await handler(rebound('/v1/identity', { method: 'OPTIONS', headers: { 'Access-Control-Request-Method': 'POST' } }));
    expect(preflight.status).toBe(403);
    expect(preflight.headers.get('Access-Control-Allow-Origin')).toBeNull();
    // The handler's URL origin alone is no longer a grant either.
    const own = await handler(req('/v1/identity', { body: { automatedUuid: automatedUuid() }, origin: BASE }));
    expect(own.status).toBe(403);
    expect(own.headers.get('Access-Control-Allow-Origin')).toBeNull();
  });

  it('allows exactly publicOrigin as the server\'s own origin, whatever the Host or scheme of the request URL', async () => {
    const handler = makeHandler({ publicOrigin: 'https://Chat.Example.com/' });
    // Behind a TLS-terminating proxy the request URL says http: the https page is still same-origin.
    const behindProxy = new Request('http://10.0.0.5:8080/v1/identity', {
      method: 'POST',
      headers: { Origin: 'https://chat.example.com', 'Content-Type': 'application/json' },
      body: JSON.stringify({ automatedUuid: automatedUuid() }),
    });
    const same = await handler(behindProxy);
    expect(same.status).toBe(200);
    expect(same.headers.get('Access-Control-Allow-Origin')).toBe('https://chat.example.com');
    expect((await handler(req('/v1/identity', { body: { automatedUuid: automatedUuid() } }))).status).toBe(200); // allowedOrigins still apply
    for (const origin of ['http://chat.example.com', 'https://chat.example.com:8443', 'https://chat.example.com.evil.test', BASE, 'null']) {
      const response = await handler(req('/v1/conversation', { origin }));
      expect(response.status, origin).toBe(403);
      expect(response.headers.get('Access-Control-Allow-Origin'), origin).toBeNull();
    }
  });

  it("'*' echoes any origin (demo mode)", async () => {
    const handler = makeHandler({ allowedOrigins: '*' });
    const response = await handler(req('/v1/identity', { body: { automatedUuid: automatedUuid() }, origin: 'https://any.test' }));
    expect(response.status).toBe(200);
    expect(response.headers.get('Access-Control-Allow-Origin')).toBe('https://any.test');
  });

  it('answers a preflight with methods, headers (Authorization, Content-Type, Last-Event-ID) and max-age', async () => {
    const handler = makeHandler();
    const response = await handler(
      req('/v1/stream', {
        method: 'OPTIONS',
        headers: { 'Access-Control-Request-Method': 'GET', 'Access-Control-Request-Headers': 'authorization,last-event-id' },
      }),
    );
    expect(response.status).toBe(204);
    expect(response.headers.get('Access-Control-Allow-Origin')).toBe(HOST_ORIGIN);
    expect(response.headers.get('Access-Control-Allow-Methods')).toBe('GET, OPTIONS');
    expect(response.headers.get('Access-Control-Allow-Headers')).toBe('Authorization, Content-Type, Last-Event-ID');
    expect(Number(response.headers.get('Access-Control-Max-Age'))).toBeGreaterThan(0);
    const denied = await handler(req('/v1/stream', { method: 'OPTIONS', origin: 'https://evil.test' }));
    expect(denied.status).toBe(403);
    expect((await json(denied)).error.code).toBe('ERR_ORIGIN_NOT_ALLOWED');
  });
});

describe('request bodies', () => {
  it('refuses a non-JSON Content-Type with 415', async () => {
    const handler = makeHandler();
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'application/json; charset=latin1', 'application/jsonx']) {
      const response = await handler(req('/v1/identity', { body: '{}', headers: { 'Content-Type': type } }));
      expect(response.status, type).toBe(415);
      expect((await json(response)).error.code).toBe('ERR_UNSUPPORTED_MEDIA_TYPE');
    }
    const missing = await handler(new Request(`${BASE}/v1/identity`, { method: 'POST', body: new Uint8Array([123, 125]) }));
    expect(missing.status).toBe(415);
    const charsetOk = await handler(req('/v1/identity', { body: '{}', headers: { 'Content-Type': 'Application/JSON; charset=UTF-8' } }));
    expect(charsetOk.status).toBe(200);
  });

  it('refuses a body over maxBodyBytes with 413 before parsing, with or without Content-Length', async () => {
    const verifier = verifierDouble();
    const handler = makeHandler({ verifier, limits: { maxBodyBytes: 1000 } });
    const big = JSON.stringify({ identity: { firstname: 'x'.repeat(2000) } });
    const declared = await handler(req('/v1/identity', { body: big, headers: { 'Content-Length': String(big.length) } }));
    expect(declared.status).toBe(413);
    expect((await json(declared)).error.code).toBe('ERR_BODY_TOO_LARGE');
    // A chunked body that lies by omission is counted while it is read.
    const chunks = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < 10; i++) controller.enqueue(new TextEncoder().encode(' '.repeat(200)));
        controller.close();
      },
    });
    const streamed = await handler(
      new Request(`${BASE}/v1/identity`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: chunks, duplex: 'half' } as RequestInit),
    );
    expect(streamed.status).toBe(413);
    expect(verifier.calls).toHaveLength(0);
  });

  it('answers malformed JSON, non-objects and invalid UTF-8 with 400 ERR_BAD_REQUEST', async () => {
    const handler = makeHandler();
    for (const body of ['{', '', 'null', '[]', '"x"', '42', '{"a":1}{']) {
      const response = await handler(req('/v1/identity', { body, headers: { 'Content-Type': 'application/json' } }));
      expect(response.status, JSON.stringify(body)).toBe(400);
      expect((await json(response)).error.code).toBe('ERR_BAD_REQUEST');
    }
    const invalidUtf8 = await handler(
      new Request(`${BASE}/v1/identity`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: new Uint8Array([0x7b, 0xff, 0x7d]) }),
    );
    expect(invalidUtf8.status).toBe(400);
  });

  it('never honours __proto__ in a body', async () => {
    const handler = makeHandler();
    const response = await handler(req('/v1/identity', { body: '{"__proto__":{"automatedUuid":"x"},"automatedUuid":"AAAAAAAAAAAAAAAAAAAAAAAA"}' }));
    expect(response.status).toBe(200);
    expect(({} as Record<string, unknown>).automatedUuid).toBeUndefined();
  });
});

describe('unexpected failures', () => {
  it('turns an exception into a 500 JSON that leaks nothing, and logs without secrets', async () => {
    const warn = vi.fn();
    const handler = createMessagingHandler({
      verifier: { verify: async (input) => Promise.reject(new Error(`db password=hunter2 down for ${String(input.jwt)} ${'s'.repeat(43)}`)) },
      allowedOrigins: [HOST_ORIGIN],
      clientAddress: () => '192.0.2.1',
      logger: { warn },
    });
    const response = await handler(req('/v1/identity', { body: { jwt: 'eyJhbGciOi.eyJzdWIiOiIx.c2lnbmF0dXJl' } }));
    expect(response.status).toBe(500);
    const body = await json(response);
    expect(body.error.code).toBe('ERR_INTERNAL');
    expect(JSON.stringify(body)).not.toMatch(/hunter2|eyJ/);
    expect(warn).toHaveBeenCalledTimes(1);
    const logged = String(warn.mock.calls[0]![0]);
    expect(logged).toMatch(/unexpected error/);
    expect(logged).not.toMatch(/eyJhbGciOi|sssssssssssssssssssssssssssssssssssssssssss/);
  });

  it('a verifier that resolves to garbage is a 500, not a session', async () => {
    const handler = createMessagingHandler({
      verifier: { verify: async () => ({}) as never },
      allowedOrigins: '*',
      logger: { warn() {} },
    });
    expect((await handler(req('/v1/identity', { body: {} }))).status).toBe(500);
  });
});

describe('client address', () => {
  it('warns once when no address is known (all clients would share one limit)', async () => {
    const warn = vi.fn();
    const handler = createMessagingHandler({ verifier: verifierDouble(), allowedOrigins: '*', logger: { warn } });
    await handler(req('/v1/identity', { body: { automatedUuid: automatedUuid() } }));
    await handler(req('/v1/identity', { body: { automatedUuid: automatedUuid() } }));
    expect(warn).toHaveBeenCalledTimes(1);
    expect(String(warn.mock.calls[0]![0])).toMatch(/clientAddress/);
  });
});

describe('fuzz: malformed input never yields a 5xx', () => {
  it('random methods, paths, headers and bodies', async () => {
    const handler = makeHandler();
    const { session } = await register(handler);
    const paths = ['/v1/identity', '/v1/messages', '/v1/conversation', '/v1/page', '/v1/session', '/v1/stream', '/loader.js', '/agent/v1/conversations', '/agent/v1/conversations/x/messages', '/agent/v1/stream', '/%', '/v1/%ZZ'];
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('GET', 'POST', 'DELETE', 'PUT', 'OPTIONS', 'PATCH'),
        fc.constantFrom(...paths),
        fc.oneof(fc.string(), fc.json(), fc.constant('{"clientId":"abcdefgh","body":{"x":1}}'), fc.constant('{"jwt":[1],"identity":"x","automatedUuid":5}')),
        fc.constantFrom(`Bearer ${session}`, 'Bearer x', 'Basic abc', '', `Bearer ${session} extra`),
        fc.constantFrom('application/json', 'text/plain', ''),
        async (method, path, body, authorization, contentType) => {
          const headers = new Headers({ Origin: HOST_ORIGIN });
          if (authorization) headers.set('Authorization', authorization);
          if (contentType) headers.set('Content-Type', contentType);
          const hasBody = method !== 'GET' && method !== 'OPTIONS';
          const response = await handler(new Request(`${BASE}${path}`, { method, headers, ...(hasBody ? { body } : {}) }));
          if (response.headers.get('Content-Type') === 'text/event-stream') await response.body?.cancel();
          expect(response.status).toBeLessThan(500);
          if (response.status >= 400) expect(typeof (await json(response)).error.code).toBe('string');
        },
      ),
      { numRuns: 300 },
    );
    handler.close();
  });
});
