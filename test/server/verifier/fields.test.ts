/**
 * SPEC §4 step 6 and §2: the identity data a verification returns — payload
 * fields, unsigned and anonymous visitors, no prototype pollution, no secret
 * in what an integrator might log, no object shared between calls.
 * Tokens are signed by test/helpers/sign.ts (node:crypto by hand, no jose);
 * shared helpers are in fixtures.ts.
 */
import { inspect } from 'node:util';
import { describe, expect, it, vi } from 'vitest';
import { AUTOMATED_UUID_PATTERN } from '../../../src/identity/index.js';
import { createVerifier, defineCommunity } from '../../../src/server/verifier/index.js';
import { hmacSignature, HS_KEY, HS_KEY_256, signHS256, signRS256 } from '../../helpers/sign.js';
import { attackVerifier, codeOf, forge, HS_HEADER, KEYS, NOW, payload, RSA, rsa, T, verifierFor, useVerifierTestHooks } from './fixtures.js';

useVerifierTestHooks();

describe('6. payload fields', () => {
  it('a wrong type → ERR_IDENTITY_INVALID', async () => {
    expect(await codeOf({ jwt: signHS256(payload({ firstname: 42 }), HS_KEY) })).toBe('ERR_IDENTITY_INVALID');
    expect(await codeOf({ jwt: signHS256(payload({ extra_values: { a: { b: 1 } } }), HS_KEY) })).toBe('ERR_IDENTITY_INVALID');
  });

  it('drops bad values with warnings and keeps good ones', async () => {
    const result = await verifierFor().verify({
      jwt: signHS256(payload({ firstname: 'Ada', email: 'not-an-email', avatar_url: 'javascript:alert(1)', nickname: 'x', extra_values: { plan: 'pro', n: 3, ok: true } }), HS_KEY),
    });
    expect(result.fields).toEqual({ firstname: 'Ada' });
    expect(result.extraValues).toEqual({ plan: 'pro', n: '3', ok: 'true' });
    expect(result.warnings.map((warning) => [warning.code, warning.path])).toEqual(
      expect.arrayContaining([
        ['W_FIELD_DROPPED', 'payload.email'],
        ['W_FIELD_DROPPED', 'payload.avatar_url'],
        ['W_UNKNOWN_FIELD', 'payload.nickname'],
      ]),
    );
  });
});

describe('a verified JWT', () => {
  it('resolves to a signed identity (HS256 and RS256)', async () => {
    const verifier = verifierFor();
    for (const jwt of [signHS256(payload({ firstname: 'Ada' }), HS_KEY), signRS256(payload({ firstname: 'Ada' }), rsa)]) {
      const result = await verifier.verify({ jwt, automatedUuid: 'A'.repeat(22) });
      expect(result).toEqual({
        uuid: 'user-42',
        uuidSource: 'jwt',
        signed: true,
        kid: jwt.length > 400 ? rsa.kid : HS_KEY.kid,
        expiresAt: (NOW + 7200) * 1000,
        fields: { firstname: 'Ada' },
        customFields: {},
        extraValues: {},
        warnings: [],
      });
    }
  });

  it('rotation: every configured key verifies its own tokens', async () => {
    const verifier = verifierFor();
    for (const jwt of [signHS256(payload(), HS_KEY), signHS256(payload(), HS_KEY_256), signRS256(payload(), rsa)]) {
      expect((await verifier.verify({ jwt })).signed).toBe(true);
    }
  });

  it.each(['require', 'accept'] as const)('ignores identity data given beside it, with W_UNSIGNED_IGNORED (%s)', async (mode) => {
    vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const result = await verifierFor({ signedIdentities: mode }).verify({
      jwt: signHS256(payload({ firstname: 'Signed' }), HS_KEY),
      identity: { uuid: 'someone-else', firstname: 'Forged', extra_values: { role: 'admin' } },
    });
    expect(result.uuid).toBe('user-42');
    expect(result.fields).toEqual({ firstname: 'Signed' });
    expect(result.extraValues).toEqual({});
    expect(result.warnings).toEqual([expect.objectContaining({ code: 'W_UNSIGNED_IGNORED', path: 'identity' })]);
  });
});

describe('unsigned and anonymous visitors', () => {
  const automated = 'Zm9vYmFyYmF6cXV4cXV1eHh4';

  it('an unsigned uuid is uuidSource unsigned, never signed', async () => {
    const result = await verifierFor({ signedIdentities: 'reject' }).verify({ identity: { uuid: 'user-42', firstname: 'Ada' }, automatedUuid: automated });
    expect(result).toMatchObject({ uuid: 'user-42', uuidSource: 'unsigned', signed: false, fields: { firstname: 'Ada' } });
    expect(result.kid).toBeUndefined();
    expect(result.expiresAt).toBeUndefined();
  });

  it('no identity, or no uuid, takes the automated uuid', async () => {
    const verifier = verifierFor({ signedIdentities: 'reject' });
    expect(await verifier.verify({ automatedUuid: automated })).toMatchObject({ uuid: automated, uuidSource: 'automated', signed: false, warnings: [] });
    expect(await verifier.verify({ identity: { firstname: 'Ada' }, automatedUuid: automated })).toMatchObject({ uuid: automated, uuidSource: 'automated', fields: { firstname: 'Ada' } });
  });

  it.each([undefined, 'short', 'has space in it and is long enough', 42])('automatedUuid %j → a random server uuid and a warning', async (automatedUuid) => {
    const verifier = verifierFor({ signedIdentities: 'reject' });
    const first = await verifier.verify({ automatedUuid });
    const second = await verifier.verify({ automatedUuid });
    expect(first.uuid).toMatch(AUTOMATED_UUID_PATTERN);
    expect(first.uuid).not.toBe(second.uuid);
    expect(first.uuidSource).toBe('automated');
    expect(first.warnings).toEqual([expect.objectContaining({ code: expect.stringMatching(/^W_AUTOMATED_UUID_/), path: 'automatedUuid' })]);
  });

  it('unsigned data with a wrong type → ERR_IDENTITY_INVALID', async () => {
    expect(await codeOf({ identity: { firstname: [] } }, verifierFor({ signedIdentities: 'reject' }))).toBe('ERR_IDENTITY_INVALID');
    expect(await codeOf({ identity: 'Ada' }, verifierFor({ signedIdentities: 'reject' }))).toBe('ERR_IDENTITY_INVALID');
  });
});

describe('prototype pollution through a signed payload', () => {
  const hostile = [
    '{"uuid":"user-42","exp":EXP,"__proto__":{"polluted":"p","firstname":"Evil","uuid":"admin"}}',
    '{"uuid":"user-42","exp":EXP,"constructor":{"prototype":{"polluted":"c"}}}',
    '{"uuid":"user-42","exp":EXP,"extra_values":{"__proto__":{"polluted":"e"},"constructor":{"prototype":{"polluted":"e2"}},"prototype":"x","ok":"1"}}',
    '{"uuid":"__proto__","exp":EXP,"extra_values":{"uuid":"constructor"}}',
  ];
  it.each(hostile)('%s', async (json) => {
    const verifier = attackVerifier('require', { customFields: [{ name: 'crm_id' }], extraValueMapping: [{ key: 'uuid', field: { custom: 'crm_id' } }, { key: 'ok', field: 'company' }] });
    const result = await verifier.verify({ jwt: forge(HS_HEADER, json.replace('EXP', String(T + 7200))) });
    expect(Object.prototype.hasOwnProperty.call(Object.prototype, 'polluted')).toBe(false);
    for (const bag of [result, result.fields, result.customFields, result.extraValues]) {
      expect((bag as Record<string, unknown>).polluted).toBeUndefined();
    }
    expect(result.fields.firstname).toBeUndefined();
    expect(Object.keys(result.extraValues).every((k) => k === 'ok' || k === 'uuid')).toBe(true);
    expect(['user-42', '__proto__']).toContain(result.uuid);
  });
});

describe('secrets never leak through the objects an integrator might log', () => {
  it('community, verifier, results and errors: JSON.stringify and util.inspect', async () => {
    const community = defineCommunity({ jwtKeys: KEYS });
    const verifier = createVerifier(community, { now: () => T * 1000 });
    const result = await verifier.verify({ jwt: forge(HS_HEADER) });
    const error = await verifier.verify({ jwt: forge(HS_HEADER, payload(), (i) => hmacSignature(i, 'f'.repeat(24))) }).catch((e: unknown) => e);
    const pemBody = RSA.publicKeyPem.split('\n')[1]!;
    for (const value of [community, verifier, result, error]) {
      for (const text of [JSON.stringify(value) ?? '', inspect(value, { depth: 10, showHidden: true })]) {
        expect(text).not.toContain(HS_KEY.secret);
        expect(text).not.toContain(HS_KEY_256.secret);
        expect(text).not.toContain(Buffer.from(HS_KEY.secret).toString('hex'));
        expect(text).not.toContain(pemBody);
      }
    }
  });
});

describe('results are not shared between calls', () => {
  it('mutating a result does not change the next verification of the same token', async () => {
    const verifier = attackVerifier();
    const token = forge(HS_HEADER, payload({ firstname: 'Ann', extra_values: { a: '1' } }));
    const first = await verifier.verify({ jwt: token });
    first.fields.firstname = 'Mallory';
    first.extraValues.a = 'tampered';
    first.uuid = 'admin';
    first.warnings.push({ code: 'X', path: 'x', message: 'x' });
    const second = await verifier.verify({ jwt: token });
    expect(second).toMatchObject({ uuid: 'user-42', fields: { firstname: 'Ann' }, extraValues: { a: '1' } });
    expect(second.warnings.map((w) => w.code)).not.toContain('X');
  });
});
