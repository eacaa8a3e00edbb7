import { afterEach, describe, expect, it } from 'vitest';
import { createMessagingHandler, createVerifier, defineCommunity, type MessagingHandler } from '../../../src/server/index.js';
import { HS_KEY, nowSeconds, signHS256 } from '../../helpers/sign.js';
import { agentReq, automatedUuid, ended, HOST_ORIGIN, json, register, req, send, SseReader, AGENT_TOKEN } from './helpers.js';

const handlers: MessagingHandler[] = [];
function handlerWith(mode: 'require' | 'reject' | 'accept', minTokenLifetime = 0): MessagingHandler {
  const community = defineCommunity({
    signedIdentities: mode,
    jwtKeys: mode === 'reject' ? [] : [{ id: HS_KEY.kid, secret: HS_KEY.secret }],
    minTokenLifetime,
    clockTolerance: 0,
    customFields: [{ name: 'crm_id', regex: '^CRM-[0-9]+$' }],
    extraValueMapping: [{ key: 'crm', field: { custom: 'crm_id' } }],
  });
  const handler = createMessagingHandler({ verifier: createVerifier(community), allowedOrigins: [HOST_ORIGIN], agentToken: AGENT_TOKEN, logger: { warn() {} } });
  handlers.push(handler);
  return handler;
}
afterEach(() => {
  for (const handler of handlers.splice(0)) handler.close();
});

const token = (uuid: string, lifetime: number, extra: object = {}) =>
  signHS256({ uuid, exp: nowSeconds() + lifetime, iat: nowSeconds(), ...extra }, HS_KEY);

describe('with the real verifier (defineCommunity + createVerifier, HS256)', () => {
  it('registers a signed identity; the agent sees the mapped custom field', async () => {
    const handler = handlerWith('require', 60);
    const body = await register(handler, { jwt: token('user-42', 3600, { firstname: 'Ann', extra_values: { crm: 'CRM-77' } }) });
    expect(body.identity).toMatchObject({ uuid: 'user-42', uuidSource: 'jwt', signed: true, kid: HS_KEY.kid, fields: { firstname: 'Ann' } });
    expect(body.policy).toEqual({ mode: 'require', minTokenLifetime: 60, clockTolerance: 0 });
    expect(Math.abs(body.expiresAt - (nowSeconds() + 3600) * 1000)).toBeLessThanOrEqual(1000);
    const agent = await json(await handler(agentReq('/agent/v1/conversations')));
    expect(agent.conversations[0]).toMatchObject({ uuid: 'user-42', customFields: { crm_id: 'CRM-77' } });
  });

  it('maps the verifier\'s refusals: require without JWT 401, tampered 401, expired 401, too soon 401, reject mode 403', async () => {
    const require = handlerWith('require', 600);
    const cases: [unknown, number, string][] = [
      [{ identity: { uuid: 'x' } }, 401, 'ERR_SIGNED_IDENTITY_REQUIRED'],
      [{ jwt: `${token('u', 3600)}x` }, 401, 'ERR_JWT_SIGNATURE'],
      [{ jwt: token('u', -100) }, 401, 'ERR_JWT_EXPIRED'],
      [{ jwt: token('u', 60) }, 401, 'ERR_JWT_EXP_TOO_SOON'],
      [{ jwt: 'not.a.jwt!' }, 400, 'ERR_JWT_MALFORMED'],
      [{ jwt: 42 }, 400, 'ERR_JWT_MALFORMED'],
    ];
    for (const [body, status, code] of cases) {
      const response = await require(req('/v1/identity', { body }));
      expect(response.status, code).toBe(status);
      expect((await json(response)).error.code).toBe(code);
    }
    const reject = handlerWith('reject');
    const refused = await reject(req('/v1/identity', { body: { jwt: token('u', 3600) } }));
    expect(refused.status).toBe(403);
    expect((await json(refused)).error.code).toBe('ERR_SIGNED_IDENTITY_REJECTED');
  });

  it('accept mode: a signed uuid and the same uuid unsigned never share a conversation', async () => {
    const handler = handlerWith('accept');
    const signed = await register(handler, { jwt: token('user-1', 3600) });
    await send(handler, signed.session, 'private');
    const unsigned = await register(handler, { identity: { uuid: 'user-1' }, automatedUuid: automatedUuid() });
    expect(unsigned.identity.uuidSource).toBe('unsigned');
    expect(unsigned.conversationId).not.toBe(signed.conversationId);
    expect((await json(await handler(req('/v1/conversation', { session: unsigned.session })))).messages).toEqual([]);
  });

  it('a JWT lapsing ends the stream with session_expired; a fresh JWT with the old session resumes the conversation', async () => {
    const handler = handlerWith('require');
    // exp is whole seconds: 2 s ahead leaves at least 1 s to register and send.
    const first = await register(handler, { jwt: token('user-3', 2) });
    await send(handler, first.session, 'before');
    const reader = new SseReader(await handler(req('/v1/stream', { session: first.session })));
    await reader.until((r) => r.events.some((e) => e.event === 'session_expired'), 4000);
    await ended(reader);
    expect((await json(await handler(req('/v1/conversation', { session: first.session })))).error.code).toBe('ERR_SESSION_EXPIRED');
    const renewed = await register(handler, { jwt: token('user-3', 3600) }, first.session);
    expect(renewed.session).toBe(first.session);
    expect(renewed.conversationId).toBe(first.conversationId);
    const resumed = new SseReader(await handler(req('/v1/stream', { session: first.session, headers: { 'Last-Event-ID': '1' } })));
    await send(handler, first.session, 'after');
    await resumed.until((r) => r.messages().length === 1);
    expect(resumed.messages()[0].body).toBe('after');
    await resumed.cancel();
  });
});
