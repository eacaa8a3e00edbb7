/**
 * Issue 16 LOW 1: two communities that leave `id` unset both get the id
 * `default`, and on one store they shared every conversation (tenant B's
 * agent read tenant A's messages). The second handler is now refused when it
 * is created, unless it is the same community (the same keys).
 */
import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { IdentityVerifier } from '../../../src/identity/index.js';
import { createMemoryEngine } from '../../../src/server/engine/index.js';
import { createMemoryStore, createVerifier, defineCommunity, type ConversationStore } from '../../../src/server/index.js';
import { HS_KEY, nowSeconds, signHS256 } from '../../helpers/sign.js';
import { agentReq, json, register, send, useHandlers, verifierDouble } from './helpers.js';

const handlerFor = useHandlers();
const SECRET_A = HS_KEY.secret;
const SECRET_B = 'fedcba9876543210fedcba98';

/** A tenant as the README's quick start writes it: no id. */
function tenant(secret: string, extra: object = {}): IdentityVerifier {
  return createVerifier(defineCommunity({ jwtKeys: [{ id: 'site_2026', secret }], minTokenLifetime: 0, ...extra }));
}

function refusal(run: () => unknown): { name: string; code: string; path: string; message: string } {
  try {
    run();
  } catch (error) {
    return error as never;
  }
  throw new Error('the second community was accepted');
}

describe('two communities left on the default id cannot share a store (issue 16 LOW 1)', () => {
  it('a second community with other keys on the same store is refused at creation, saying what to do', () => {
    const store = createMemoryStore();
    handlerFor({ verifier: tenant(SECRET_A), store });
    const error = refusal(() => handlerFor({ verifier: tenant(SECRET_B), store }));
    expect(error).toMatchObject({ name: 'MessagingConfigError', code: 'ERR_HANDLER_CONFIG', path: 'communityId' });
    expect(error.message).toContain('a community with other keys already uses the default id "default" on this store or engine');
    expect(error.message).toContain('Give each community its own id');
    expect(error.message).not.toContain(SECRET_B);
  });

  it('on a shared engine too', () => {
    const engine = createMemoryEngine();
    handlerFor({ verifier: tenant(SECRET_A), engine });
    expect(refusal(() => handlerFor({ verifier: tenant(SECRET_B), engine })).code).toBe('ERR_HANDLER_CONFIG');
  });

  it('so tenant B never reads tenant A: with their own ids, each agent sees only its own conversations', async () => {
    const store = createMemoryStore();
    const a = handlerFor({ verifier: tenant(SECRET_A, { id: 'tenant_a' }), store });
    const b = handlerFor({ verifier: tenant(SECRET_B, { id: 'tenant_b' }), store });
    const jwt = signHS256({ uuid: 'ada', iat: nowSeconds(), exp: nowSeconds() + 3600 }, { kid: 'site_2026', secret: SECRET_A });
    const inA = await register(a, { jwt });
    expect((await send(a, inA.session, 'order 1234, card ending 9876')).status).toBe(201);
    expect((await json(await a(agentReq('/agent/v1/conversations')))).conversations).toHaveLength(1);
    expect((await json(await b(agentReq('/agent/v1/conversations')))).conversations).toEqual([]);
  });

  it('the same community in several handlers (mount paths) keeps sharing: the same keys, defined twice, in any form', () => {
    const store = createMemoryStore();
    handlerFor({ verifier: tenant(SECRET_A), store });
    handlerFor({ verifier: tenant(SECRET_A), store, basePath: '/chat' });
    const pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const pem = pair.publicKey.export({ type: 'spki', format: 'pem' }).toString();
    const jwk = pair.publicKey.export({ format: 'jwk' }) as { kty: 'RSA'; n: string; e: string };
    const rsaStore = createMemoryStore();
    handlerFor({ verifier: createVerifier(defineCommunity({ jwtKeys: [{ id: 'rsa_main', publicKey: pem }] })), store: rsaStore });
    handlerFor({ verifier: createVerifier(defineCommunity({ jwtKeys: [{ id: 'rsa_main', publicKey: jwk }] })), store: rsaStore });
  });

  it('a named id, or the communityId option, is taken at its word; separate stores never meet', () => {
    const store = createMemoryStore();
    handlerFor({ verifier: tenant(SECRET_A), store });
    handlerFor({ verifier: tenant(SECRET_B, { id: 'tenant_b' }), store });
    handlerFor({ verifier: tenant(SECRET_B), store, communityId: 'tenant_c' });
    handlerFor({ verifier: tenant(SECRET_B), store: createMemoryStore() });
  });

  it('the default id is free again once the handler holding it is closed (a hot reload with new keys)', () => {
    const store: ConversationStore = createMemoryStore();
    const first = handlerFor({ verifier: tenant(SECRET_A), store });
    const second = handlerFor({ verifier: tenant(SECRET_A), store });
    first.close();
    expect(refusal(() => handlerFor({ verifier: tenant(SECRET_B), store })).code).toBe('ERR_HANDLER_CONFIG');
    second.close();
    second.close();
    handlerFor({ verifier: tenant(SECRET_B), store });
  });

  it('verifiers of your own, with no community id: the same verifier shares, another one is refused', () => {
    const store = createMemoryStore();
    const mine = verifierDouble();
    handlerFor({ verifier: mine, store });
    handlerFor({ verifier: mine, store, basePath: '/chat' });
    expect(refusal(() => handlerFor({ verifier: verifierDouble(), store })).code).toBe('ERR_HANDLER_CONFIG');
    expect(refusal(() => handlerFor({ verifier: tenant(SECRET_A), store })).code).toBe('ERR_HANDLER_CONFIG');
  });
});
