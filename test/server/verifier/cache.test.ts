/**
 * The verified-token cache: what it remembers, and that every hit still runs
 * every time check and re-resolves the kid.
 * Tokens are signed by test/helpers/sign.ts (node:crypto by hand, no jose);
 * shared helpers are in fixtures.ts.
 */
import { describe, expect, it } from 'vitest';
import { createStaticKeySource, createVerificationKey, createVerifier, defineCommunity, type KeySource, type VerificationKey } from '../../../src/server/verifier/index.js';
import { HS_KEY, signHS256 } from '../../helpers/sign.js';
import { codeOf, keys, NOW, payload, verifierFor, useVerifierTestHooks } from './fixtures.js';

useVerifierTestHooks();

describe('the verified-token cache', () => {
  it('re-runs the time checks on a hit: too soon, then expired, as the clock moves', async () => {
    const clock = { seconds: NOW };
    const verifier = verifierFor({}, clock);
    const jwt = signHS256(payload(), HS_KEY);
    expect((await verifier.verify({ jwt })).expiresAt).toBe((NOW + 7200) * 1000);
    expect((await verifier.verify({ jwt })).expiresAt).toBe((NOW + 7200) * 1000); // second sight: now cached
    clock.seconds = NOW + 3000;
    expect((await verifier.verify({ jwt })).signed).toBe(true);
    clock.seconds = NOW + 3700;
    expect(await codeOf({ jwt }, verifier)).toBe('ERR_JWT_EXP_TOO_SOON');
    clock.seconds = NOW + 7200; // within clockTolerance of exp: not expired yet, but far too soon
    expect(await codeOf({ jwt }, verifier)).toBe('ERR_JWT_EXP_TOO_SOON');
    clock.seconds = NOW + 7210;
    expect(await codeOf({ jwt }, verifier)).toBe('ERR_JWT_EXPIRED');
    clock.seconds = NOW + 7300;
    expect(await codeOf({ jwt }, verifier)).toBe('ERR_JWT_EXPIRED');
  });

  it('re-checks nbf on a hit when the clock goes back', async () => {
    const clock = { seconds: NOW };
    const verifier = verifierFor({}, clock);
    const jwt = signHS256(payload({ nbf: NOW }), HS_KEY);
    await verifier.verify({ jwt });
    await verifier.verify({ jwt });
    clock.seconds = NOW - 60;
    expect(await codeOf({ jwt }, verifier)).toBe('ERR_JWT_NOT_YET_VALID');
  });

  it('hands out fresh objects on every call', async () => {
    const verifier = verifierFor({ customFields: [{ name: 'plan' }], extraValueMapping: [{ key: 'tier', field: { custom: 'plan' } }] });
    const jwt = signHS256(payload({ firstname: 'Ada', nickname: 'x', extra_values: { tier: 'gold' } }), HS_KEY);
    await verifier.verify({ jwt });
    await verifier.verify({ jwt });
    const first = await verifier.verify({ jwt });
    first.fields.firstname = 'Mallory';
    first.customFields.plan = 'platinum';
    first.extraValues.tier = 'platinum';
    first.warnings.push({ code: 'X', path: 'x', message: 'x' });
    first.warnings[0]!.message = 'changed';
    const second = await verifier.verify({ jwt });
    expect(second.fields).toEqual({ firstname: 'Ada' });
    expect(second.customFields).toEqual({ plan: 'gold' });
    expect(second.extraValues).toEqual({ tier: 'gold' });
    expect(second.warnings).toEqual([expect.objectContaining({ code: 'W_UNKNOWN_FIELD', message: expect.not.stringContaining('changed') })]);
  });

  it('adds W_UNSIGNED_IGNORED per call, not once per token', async () => {
    const verifier = verifierFor();
    const jwt = signHS256(payload(), HS_KEY);
    expect((await verifier.verify({ jwt, identity: { firstname: 'x' } })).warnings).toHaveLength(1);
    expect((await verifier.verify({ jwt })).warnings).toHaveLength(0);
    expect((await verifier.verify({ jwt, identity: { firstname: 'x' } })).warnings).toHaveLength(1);
  });

  it('a key removed from the key source stops verifying cached tokens', async () => {
    const live = new Map<string, VerificationKey>([[HS_KEY.kid, createVerificationKey({ id: HS_KEY.kid, secret: HS_KEY.secret })]]);
    const source: KeySource = { getKey: (kid) => live.get(kid) };
    const verifier = createVerifier(defineCommunity({ jwtKeys: keys }), { keySource: source, now: () => NOW * 1000 });
    const jwt = signHS256(payload(), HS_KEY);
    expect((await verifier.verify({ jwt })).signed).toBe(true);
    expect((await verifier.verify({ jwt })).signed).toBe(true);
    live.clear();
    expect(await codeOf({ jwt }, verifier)).toBe('ERR_JWT_KID_UNKNOWN');
  });

  it('serves a token from the cache from its second verification on (admission on second sight)', async () => {
    const real = createVerificationKey({ id: HS_KEY.kid, secret: HS_KEY.secret });
    let checks = 0;
    const counting: VerificationKey = { id: real.id, alg: real.alg, verify: (input, signature) => (checks++, real.verify(input, signature)) };
    const verifier = createVerifier(defineCommunity({ jwtKeys: keys }), { keySource: createStaticKeySource([counting]), now: () => NOW * 1000 });
    const jwt = signHS256(payload(), HS_KEY);
    for (let i = 0; i < 5; i++) expect((await verifier.verify({ jwt })).uuid).toBe('user-42');
    expect(checks).toBe(2);
    const bad = `${jwt.slice(0, -3)}AAA`;
    for (let i = 0; i < 3; i++) expect(await codeOf({ jwt: bad }, verifier)).toBe('ERR_JWT_SIGNATURE');
    expect(checks).toBe(5);
  });

  it('works with the cache off', async () => {
    const clock = { seconds: NOW };
    const verifier = verifierFor({}, clock, 0);
    const jwt = signHS256(payload(), HS_KEY);
    expect((await verifier.verify({ jwt })).signed).toBe(true);
    expect((await verifier.verify({ jwt })).signed).toBe(true);
    clock.seconds = NOW + 7210;
    expect(await codeOf({ jwt }, verifier)).toBe('ERR_JWT_EXPIRED');
  });

  it('stays bounded: an evicted token is verified again from scratch', async () => {
    const verifier = verifierFor({}, { seconds: NOW }, 2);
    const tokens = [1, 2, 3].map((n) => signHS256(payload({ uuid: `u${n}` }), HS_KEY));
    for (const jwt of tokens) await verifier.verify({ jwt });
    for (const jwt of tokens) expect((await verifier.verify({ jwt })).uuid).toMatch(/^u[123]$/);
  });
});
