import { describe, expect, it } from 'vitest';
import { IDENTITY_ERROR_STATUS } from '../../../../src/server/handler/index.js';
import { agentReq, automatedUuid, fakeJwt, json, makeHandler, register, req, send, verifierDouble } from '../helpers.js';

describe('POST /v1/identity: registration', () => {
  it('returns an opaque session, the public identity, expiresAt (ms), serverTime and the policy', async () => {
    const now = 1_800_000_000_000;
    const handler = makeHandler({ now: () => now });
    const jwt = fakeJwt('user-42', now + 7_200_000);
    const body = await register(handler, { jwt });
    expect(body.session).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(body.session).not.toContain(jwt);
    // The community, then a random UUID (SPEC §6 "Sharing": ids of two communities never collide).
    expect(body.conversationId).toMatch(/^default\.[0-9a-f-]{36}$/);
    expect(body.expiresAt).toBe(now + 7_200_000);
    expect(body.serverTime).toBe(now);
    expect(body.policy).toEqual({ mode: 'accept', minTokenLifetime: 0, clockTolerance: 0 });
    expect(body.identity).toEqual({ uuid: 'user-42', uuidSource: 'jwt', signed: true, kid: 'test_key', expiresAt: now + 7_200_000, fields: {}, warnings: [] });
    // Custom fields and extra values are for agents, not for the visitor's browser.
    expect(body.identity.customFields).toBeUndefined();
    expect(body.identity.extraValues).toBeUndefined();
  });

  it('gives unsigned sessions no expiresAt and a fresh session each time', async () => {
    const handler = makeHandler();
    const a = await register(handler, { identity: { uuid: 'u1' }, automatedUuid: automatedUuid() });
    const b = await register(handler, { identity: { uuid: 'u1' }, automatedUuid: automatedUuid() });
    expect(a.expiresAt).toBeUndefined();
    expect(a.session).not.toBe(b.session);
  });

  it('passes jwt, identity and automatedUuid to the verifier as given', async () => {
    const verifier = verifierDouble();
    const handler = makeHandler({ verifier });
    const uuid = automatedUuid();
    await register(handler, { identity: { firstname: 'Ann' }, automatedUuid: uuid });
    expect(verifier.calls[0]).toEqual({ jwt: undefined, identity: { firstname: 'Ann' }, automatedUuid: uuid });
  });

  it('refuses a malformed automatedUuid with 400', async () => {
    const handler = makeHandler();
    for (const bad of ['short', 42, 'x'.repeat(65), 'has spaces in it and is long enough', 'has.dots.in.it.and.is.long.enough']) {
      const response = await handler(req('/v1/identity', { body: { automatedUuid: bad } }));
      expect(response.status, String(bad)).toBe(400);
      expect((await json(response)).error.code).toBe('ERR_BAD_REQUEST');
    }
  });
});

describe('identity errors keep their code; the status says whose move it is', () => {
  const expected: Record<string, number> = {
    ERR_SIGNED_IDENTITY_REQUIRED: 401,
    ERR_SIGNED_IDENTITY_REJECTED: 403,
    ERR_JWT_MALFORMED: 400,
    ERR_JWT_ALG: 400,
    ERR_JWT_KID_MISSING: 400,
    ERR_JWT_KID_UNKNOWN: 401,
    ERR_JWT_HEADER: 400,
    ERR_JWT_SIGNATURE: 401,
    ERR_JWT_EXP_MISSING: 400,
    ERR_JWT_EXPIRED: 401,
    ERR_JWT_EXP_TOO_SOON: 401,
    ERR_JWT_NOT_YET_VALID: 401,
    ERR_JWT_UUID_MISSING: 400,
    ERR_IDENTITY_INVALID: 400,
    ERR_KEY_SOURCE: 503,
  };
  for (const [code, status] of Object.entries(expected)) {
    it(`${code} → ${status}`, async () => {
      const response = await makeHandler()(req('/v1/identity', { body: { jwt: code } }));
      expect(response.status).toBe(status);
      const body = await json(response);
      expect(body.error).toEqual({ code, message: `double says ${code}` });
      if (status === 503) expect(response.headers.get('Retry-After')).toBe('30');
    });
  }

  it('ERR_INTERNAL (the verifier failed, not the visitor) → 500, logged, with a message that says nothing of internals', async () => {
    const warnings: string[] = [];
    const handler = makeHandler({ logger: { warn: (message: string) => void warnings.push(message) } });
    const response = await handler(req('/v1/identity', { body: { jwt: 'ERR_INTERNAL' } }));
    expect(response.status).toBe(500);
    const body = await json(response);
    expect(body.error.code).toBe('ERR_INTERNAL');
    expect(body.error.message).not.toContain('double says');
    expect(warnings.join('\n')).toContain('double says ERR_INTERNAL');
  });

  it('the exported table is the documented one', () => {
    expect({ ...IDENTITY_ERROR_STATUS }).toEqual({ ...expected, ERR_COMMUNITY_INVALID: 500, ERR_VERIFIER_CONFIG: 500, ERR_INTERNAL: 500 });
  });
});

describe('who may read a conversation (SPEC §6)', () => {
  it('the same automated uuid (same browser) finds its conversation again', async () => {
    const handler = makeHandler();
    const browser = automatedUuid();
    const first = await register(handler, { automatedUuid: browser });
    await send(handler, first.session, 'hello');
    const second = await register(handler, { automatedUuid: browser });
    expect(second.conversationId).toBe(first.conversationId);
    const history = await json(await handler(req('/v1/conversation', { session: second.session })));
    expect(history.messages.map((m: { body: string }) => m.body)).toEqual(['hello']);
  });

  it('two browsers claiming the same unsigned uuid stay apart; the agent sees both under that uuid', async () => {
    const handler = makeHandler();
    const alice = await register(handler, { identity: { uuid: 'claimed-7', firstname: 'Alice' }, automatedUuid: automatedUuid() });
    await send(handler, alice.session, 'my secret order');
    const mallory = await register(handler, { identity: { uuid: 'claimed-7', firstname: 'Mallory' }, automatedUuid: automatedUuid() });
    expect(mallory.conversationId).not.toBe(alice.conversationId);
    const seen = await json(await handler(req('/v1/conversation', { session: mallory.session })));
    expect(seen.messages).toEqual([]);
    const agent = await json(await handler(agentReq('/agent/v1/conversations')));
    const claimed = agent.conversations.filter((c: { uuid: string }) => c.uuid === 'claimed-7');
    expect(claimed.map((c: { fields: { firstname: string } }) => c.fields.firstname).sort()).toEqual(['Alice', 'Mallory']);
    expect(claimed.every((c: { uuidSource: string; signed: boolean }) => c.uuidSource === 'unsigned' && !c.signed)).toBe(true);
  });

  it('a signed uuid and the same uuid unsigned stay apart, even from the same browser', async () => {
    const handler = makeHandler();
    const browser = automatedUuid();
    const signed = await register(handler, { jwt: fakeJwt('user-42'), automatedUuid: browser });
    await send(handler, signed.session, 'signed secret');
    const unsigned = await register(handler, { identity: { uuid: 'user-42' }, automatedUuid: automatedUuid() });
    expect(unsigned.conversationId).not.toBe(signed.conversationId);
    expect((await json(await handler(req('/v1/conversation', { session: unsigned.session })))).messages).toEqual([]);
  });

  it('a verified JWT for a uuid opens that uuid\'s conversation from any browser', async () => {
    const handler = makeHandler();
    const laptop = await register(handler, { jwt: fakeJwt('user-9'), automatedUuid: automatedUuid() });
    await send(handler, laptop.session, 'from the laptop');
    const phone = await register(handler, { jwt: fakeJwt('user-9'), automatedUuid: automatedUuid() });
    expect(phone.conversationId).toBe(laptop.conversationId);
    expect(phone.session).not.toBe(laptop.session);
    expect((await json(await handler(req('/v1/conversation', { session: phone.session })))).messages).toHaveLength(1);
  });

  it('without an automated uuid an anonymous visitor gets a conversation of its own each time', async () => {
    const handler = makeHandler();
    const a = await register(handler, {});
    const b = await register(handler, {});
    expect(a.conversationId).not.toBe(b.conversationId);
  });
});

describe('renewal: a fresh JWT with the old session extends it', () => {
  it('keeps the session and conversation and moves expiresAt, even after it lapsed', async () => {
    let now = 1_800_000_000_000;
    const handler = makeHandler({ now: () => now });
    const first = await register(handler, { jwt: fakeJwt('user-1', now + 60_000) });
    await send(handler, first.session, 'before expiry');
    now += 61_000;
    const expired = await handler(req('/v1/conversation', { session: first.session }));
    expect(expired.status).toBe(401);
    expect((await json(expired)).error.code).toBe('ERR_SESSION_EXPIRED');
    const renewed = await register(handler, { jwt: fakeJwt('user-1', now + 3_600_000) }, first.session);
    expect(renewed.session).toBe(first.session);
    expect(renewed.conversationId).toBe(first.conversationId);
    expect(renewed.expiresAt).toBe(now + 3_600_000);
    const history = await json(await handler(req('/v1/conversation', { session: first.session })));
    expect(history.messages.map((m: { body: string }) => m.body)).toEqual(['before expiry']);
  });

  it('a different signed uuid is a new session and conversation, and revokes the old session', async () => {
    const handler = makeHandler();
    const alice = await register(handler, { jwt: fakeJwt('alice') });
    const bob = await register(handler, { jwt: fakeJwt('bob') }, alice.session);
    expect(bob.session).not.toBe(alice.session);
    expect(bob.conversationId).not.toBe(alice.conversationId);
    const old = await handler(req('/v1/conversation', { session: alice.session }));
    expect(old.status).toBe(401);
    expect((await json(old)).error.code).toBe('ERR_SESSION_INVALID');
  });

  it('an unknown or malformed Authorization on registration is ignored (a new session)', async () => {
    const handler = makeHandler();
    const response = await handler(req('/v1/identity', { body: { automatedUuid: automatedUuid() }, headers: { Authorization: 'Bearer nonsense' } }));
    expect(response.status).toBe(200);
  });
});
