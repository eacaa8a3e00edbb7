/**
 * `GET|HEAD {base}/v1/policy` (src/identity/protocol.ts): the widget learns the
 * community's mode and minimum token lifetime before registering anything, so a
 * require-mode page without an identity makes no refused request at all.
 */
import { describe, expect, it } from 'vitest';
import { MESSAGE_MAX_LENGTH, type IdentityVerifier, type PolicyResponse } from '../../../../src/identity/index.js';
import { automatedUuid, BASE, HOST_ORIGIN, json, makeHandler, register, req, send, verifierDouble } from '../helpers.js';

const NOW = 1_800_000_000_123;
const REQUIRE = { mode: 'require', minTokenLifetime: 30, clockTolerance: 5 } as const;

/** The double with another policy (or none, like a third-party verifier). */
function verifierWith(policy: IdentityVerifier['policy'] | 'none'): IdentityVerifier {
  const double = verifierDouble();
  return { verify: (input) => double.verify(input), ...(policy === 'none' ? {} : { policy }) };
}

describe('GET {base}/v1/policy', () => {
  it("answers 200 with the verifier's policy and the server clock, under basePath", async () => {
    const handler = makeHandler({ verifier: verifierWith(REQUIRE), basePath: '/chatq', now: () => NOW });
    const response = await handler(req('/chatq/v1/policy'));
    expect(response.status).toBe(200);
    expect(response.headers.get('Content-Type')).toMatch(/^application\/json/);
    expect(await json<PolicyResponse>(response)).toEqual({ policy: REQUIRE, serverTime: NOW, presence: { available: false }, messageMaxLength: MESSAGE_MAX_LENGTH });
    expect((await handler(req('/v1/policy'))).status).toBe(404);
  });

  it('answers the message limit the server enforces: that many characters are taken, one more is refused (SPEC §10)', async () => {
    const handler = makeHandler();
    const { messageMaxLength } = await json<PolicyResponse>(await handler(req('/v1/policy')));
    expect(messageMaxLength).toBe(4000);
    const { session } = await register(handler);
    // Counted after trimming, as the composer counts: surrounding spaces do not count.
    expect((await send(handler, session, ` ${'a'.repeat(messageMaxLength)}\n`)).status).toBe(201);
    const refused = await send(handler, session, 'a'.repeat(messageMaxLength + 1));
    expect(refused.status).toBe(400);
    expect((await json(refused)).error.code).toBe('ERR_MESSAGE_INVALID');
  });

  it('is never cached (serverTime) and needs no credential', async () => {
    const verifier = verifierDouble();
    const handler = makeHandler({ verifier });
    const response = await handler(req('/v1/policy'));
    expect(response.status).toBe(200);
    expect(response.headers.get('Cache-Control')).toBe('no-store');
    expect(response.headers.get('X-Content-Type-Options')).toBe('nosniff');
    // Asking for the policy registers nothing: the verifier is not even called.
    expect(verifier.calls).toEqual([]);
    // A stale or bogus session header changes nothing.
    const withJunk = await handler(req('/v1/policy', { session: 'not-a-session' }));
    expect(withJunk.status).toBe(200);
    expect((await json<PolicyResponse>(withJunk)).policy).toEqual(verifier.policy);
  });

  it('passes on only the three policy fields, whatever else the verifier object carries', async () => {
    const policy = { ...REQUIRE, secretKeys: ['k'], internal: { a: 1 } } as unknown as IdentityVerifier['policy'];
    const response = await makeHandler({ verifier: verifierWith(policy) })(req('/v1/policy'));
    expect(Object.keys((await json<PolicyResponse>(response)).policy ?? {}).sort()).toEqual(['clockTolerance', 'minTokenLifetime', 'mode']);
  });

  it('a verifier without a policy: 200 with serverTime only (the widget then learns the mode by registering)', async () => {
    const handler = makeHandler({ verifier: verifierWith('none'), now: () => NOW });
    const response = await handler(req('/v1/policy'));
    expect(response.status).toBe(200);
    expect(await json(response)).toEqual({ serverTime: NOW, presence: { available: false }, messageMaxLength: MESSAGE_MAX_LENGTH });
  });

  it('HEAD answers the same headers without a body', async () => {
    const response = await makeHandler()(req('/v1/policy', { method: 'HEAD' }));
    expect(response.status).toBe(200);
    expect(response.headers.get('Cache-Control')).toBe('no-store');
    expect(response.headers.get('Access-Control-Allow-Origin')).toBe(HOST_ORIGIN);
    expect(await response.text()).toBe('');
  });

  it('other methods are 405 with Allow: GET, HEAD, OPTIONS', async () => {
    const handler = makeHandler();
    for (const method of ['POST', 'DELETE', 'PUT']) {
      const response = await handler(req('/v1/policy', { method, ...(method === 'POST' ? { body: {} } : {}) }));
      expect(response.status, method).toBe(405);
      expect(response.headers.get('Allow')).toBe('GET, HEAD, OPTIONS');
      expect((await json(response)).error.code).toBe('ERR_METHOD_NOT_ALLOWED');
    }
  });
});

describe('/v1/policy CORS: exactly like the other visitor routes', () => {
  it('echoes an allowed Origin (never *, never credentials) and exposes Retry-After', async () => {
    const response = await makeHandler()(req('/v1/policy'));
    expect(response.headers.get('Access-Control-Allow-Origin')).toBe(HOST_ORIGIN);
    expect(response.headers.get('Access-Control-Allow-Credentials')).toBeNull();
    expect(response.headers.get('Vary')).toMatch(/Origin/);
    expect(response.headers.get('Access-Control-Expose-Headers')).toMatch(/Retry-After/);
  });

  it('refuses another origin with 403 ERR_ORIGIN_NOT_ALLOWED and no policy, readable by that page (SPEC §6 "Fitting")', async () => {
    const handler = makeHandler();
    for (const origin of ['https://evil.test', 'https://shop.test.evil.test', 'http://shop.test', 'null']) {
      const response = await handler(req('/v1/policy', { origin }));
      expect(response.status, origin).toBe(403);
      const body = await json(response);
      expect(Object.keys(body)).toEqual(['error']);
      expect(body.error.code).toBe('ERR_ORIGIN_NOT_ALLOWED');
      expect(response.headers.get('Access-Control-Allow-Origin')).toBe(origin);
    }
  });

  it("allows the handler's own origin, no Origin at all, and any origin with '*'", async () => {
    const handler = makeHandler();
    expect((await makeHandler({ publicOrigin: BASE })(req('/v1/policy', { origin: BASE }))).status).toBe(200);
    const none = await handler(req('/v1/policy', { origin: null }));
    expect(none.status).toBe(200);
    expect(none.headers.get('Access-Control-Allow-Origin')).toBeNull();
    const any = await makeHandler({ allowedOrigins: '*' })(req('/v1/policy', { origin: 'https://any.test' }));
    expect(any.headers.get('Access-Control-Allow-Origin')).toBe('https://any.test');
  });

  it('answers a preflight with GET, HEAD, OPTIONS; a preflight from a foreign origin is 403', async () => {
    const handler = makeHandler();
    const response = await handler(req('/v1/policy', { method: 'OPTIONS', headers: { 'Access-Control-Request-Method': 'GET' } }));
    expect(response.status).toBe(204);
    expect(response.headers.get('Access-Control-Allow-Methods')).toBe('GET, HEAD, OPTIONS');
    expect(response.headers.get('Access-Control-Allow-Origin')).toBe(HOST_ORIGIN);
    const denied = await handler(req('/v1/policy', { method: 'OPTIONS', origin: 'https://evil.test' }));
    expect(denied.status).toBe(403);
  });
});

describe('/v1/policy abuse limit: per client address, at the registration rate', () => {
  const from = (path: string, address: string, body?: object) =>
    req(path, { headers: { 'X-Test-Address': address }, ...(body ? { body } : {}) });

  it('429 ERR_RATE_LIMITED with Retry-After past the limit; other addresses are not limited; it refills', async () => {
    let now = NOW;
    const handler = makeHandler({
      now: () => now,
      limits: { policyRequestsPerMinutePerAddress: 2 },
      clientAddress: (request) => request.headers.get('X-Test-Address') ?? undefined,
    });
    expect((await handler(from('/v1/policy', '10.0.0.1'))).status).toBe(200);
    expect((await handler(from('/v1/policy', '10.0.0.1'))).status).toBe(200);
    const limited = await handler(from('/v1/policy', '10.0.0.1'));
    expect(limited.status).toBe(429);
    expect(limited.headers.get('Retry-After')).toBe('30');
    expect((await json(limited)).error.code).toBe('ERR_RATE_LIMITED');
    expect(limited.headers.get('Access-Control-Allow-Origin')).toBe(HOST_ORIGIN); // the widget can read it
    expect((await handler(from('/v1/policy', '10.0.0.2'))).status).toBe(200);
    now += 30_000;
    expect((await handler(from('/v1/policy', '10.0.0.1'))).status).toBe(200);
    expect((await handler(from('/v1/policy', '10.0.0.1'))).status).toBe(429);
  });

  it('has its own bucket: page views asking for the policy do not use up registrations', async () => {
    const handler = makeHandler({
      limits: { registrationsPerMinutePerAddress: 2, policyRequestsPerMinutePerAddress: 2 },
      clientAddress: (request) => request.headers.get('X-Test-Address') ?? undefined,
    });
    for (let i = 0; i < 2; i++) expect((await handler(from('/v1/policy', '10.0.0.3'))).status).toBe(200);
    for (let i = 0; i < 2; i++) {
      expect((await handler(from('/v1/identity', '10.0.0.3', { automatedUuid: automatedUuid() }))).status).toBe(200);
    }
    expect((await handler(from('/v1/identity', '10.0.0.3', { automatedUuid: automatedUuid() }))).status).toBe(429);
    expect((await handler(from('/v1/policy', '10.0.0.3'))).status).toBe(429);
  });

  it('Infinity turns it off', async () => {
    const handler = makeHandler({ limits: { policyRequestsPerMinutePerAddress: Infinity } });
    for (let i = 0; i < 200; i++) expect((await handler(req('/v1/policy'))).status).toBe(200);
  });
});
