/**
 * SPEC §4 — verification, in the SPEC's order, with every stable code.
 * Tokens are signed by test/helpers/sign.ts (node:crypto by hand, no jose).
 */
import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  AUTOMATED_UUID_PATTERN,
  createJwksKeySource,
  createStaticKeySource,
  createVerificationKey,
  createVerifier,
  defineCommunity,
  IdentityError,
  type CommunityConfig,
  type KeySource,
  type VerificationKey,
  type VerifyInput,
} from '../../../src/server/index.js';
import fc from 'fast-check';
import { decodeBase64url, decodeJwt } from '../../../src/identity/index.js';
import { nodeBackend } from '../../../src/server/verifier/crypto/node.js';
import { webCryptoBackend } from '../../../src/server/verifier/crypto/webcrypto.js';
import { decodeToken } from '../../../src/server/verifier/decode.js';
import { b64url, hmacSignature, HS_KEY, HS_KEY_256, rsaKey, signHS256, signRS256 } from '../../helpers/sign.js';

const NOW = 1_800_000_000; // seconds; every verifier here runs on this clock unless a test moves it
const rsa = rsaKey();
const otherRsa = rsaKey('rsa_other');
const keys = [
  { id: HS_KEY.kid, secret: HS_KEY.secret },
  { id: HS_KEY_256.kid, secret: HS_KEY_256.secret },
  { id: rsa.kid, publicKey: rsa.publicKeyPem },
];

function payload(extra: Record<string, unknown> = {}, lifetime = 7200): Record<string, unknown> {
  return { uuid: 'user-42', exp: NOW + lifetime, iat: NOW, ...extra };
}

function verifierFor(config: Partial<CommunityConfig> = {}, clock = { seconds: NOW }, cacheSize?: number) {
  const community = defineCommunity({ jwtKeys: keys, ...config });
  return createVerifier(community, { now: () => clock.seconds * 1000, ...(cacheSize === undefined ? {} : { cacheSize }) });
}

async function failure(promise: Promise<unknown>): Promise<IdentityError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(IdentityError);
    return error as IdentityError;
  }
  throw new Error('verify resolved, expected a rejection');
}

async function codeOf(input: VerifyInput, verifier = verifierFor()): Promise<string> {
  return (await failure(verifier.verify(input))).code;
}

/** A token with a hand-made header, signed with HS_KEY. */
function hsWithHeader(header: Record<string, unknown>, body: Record<string, unknown> = payload()): string {
  const input = `${b64url(header)}.${b64url(body)}`;
  return `${input}.${hmacSignature(input, HS_KEY.secret)}`;
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('1. mode', () => {
  it('require + no jwt → ERR_SIGNED_IDENTITY_REQUIRED', async () => {
    expect(await codeOf({ identity: { uuid: 'x' } })).toBe('ERR_SIGNED_IDENTITY_REQUIRED');
    expect(await codeOf({})).toBe('ERR_SIGNED_IDENTITY_REQUIRED');
  });

  it('reject + a jwt → ERR_SIGNED_IDENTITY_REJECTED, before the token is even read', async () => {
    const verifier = verifierFor({ signedIdentities: 'reject' });
    expect(await codeOf({ jwt: signHS256(payload(), HS_KEY) }, verifier)).toBe('ERR_SIGNED_IDENTITY_REJECTED');
    expect(await codeOf({ jwt: 'garbage' }, verifier)).toBe('ERR_SIGNED_IDENTITY_REJECTED');
  });

  it('accept takes both', async () => {
    vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const verifier = verifierFor({ signedIdentities: 'accept' });
    expect((await verifier.verify({ jwt: signHS256(payload(), HS_KEY) })).uuidSource).toBe('jwt');
    expect((await verifier.verify({ identity: { uuid: 'user-42' } })).uuidSource).toBe('unsigned');
  });

  it('a non-object input is ERR_IDENTITY_INVALID, not a crash', async () => {
    expect(await codeOf(null as never)).toBe('ERR_IDENTITY_INVALID');
  });

  it('exposes its policy', () => {
    expect(verifierFor({ minTokenLifetime: 600 }).policy).toEqual({ mode: 'require', minTokenLifetime: 600, clockTolerance: 10 });
  });
});

describe('2. token shape → ERR_JWT_MALFORMED', () => {
  it.each([
    ['a number', 42],
    ['two parts', 'a.b'],
    ['padding', `${signHS256(payload(), HS_KEY)}=`],
    ['over 8 KiB', `${b64url({ alg: 'HS256', kid: HS_KEY.kid })}.${'A'.repeat(8200)}.sig`],
    ['a JSON array payload', `${b64url({ alg: 'HS256', kid: HS_KEY.kid })}.${b64url('[1]')}.AAAA`],
  ])('%s', async (_name, jwt) => {
    expect(await codeOf({ jwt })).toBe('ERR_JWT_MALFORMED');
  });
});

describe('3. header', () => {
  it.each(['none', 'HS512', 'RS512', 'PS256', 'ES256', undefined])('alg %s → ERR_JWT_ALG', async (alg) => {
    expect(await codeOf({ jwt: hsWithHeader({ alg, kid: HS_KEY.kid }) })).toBe('ERR_JWT_ALG');
  });

  it('refuses HS256 with an RSA key id (HMAC keyed with the public key: algorithm confusion)', async () => {
    const input = `${b64url({ alg: 'HS256', kid: rsa.kid })}.${b64url(payload())}`;
    const jwt = `${input}.${hmacSignature(input, rsa.publicKeyPem)}`;
    const error = await failure(verifierFor().verify({ jwt }));
    expect(error.code).toBe('ERR_JWT_ALG');
    expect(error.message).toMatch(/RS256 key/);
  });

  it('refuses RS256 with an HMAC key id', async () => {
    expect(await codeOf({ jwt: signRS256(payload(), { ...rsa, kid: HS_KEY.kid }) })).toBe('ERR_JWT_ALG');
  });

  it('kid missing or not a string → ERR_JWT_KID_MISSING', async () => {
    expect(await codeOf({ jwt: hsWithHeader({ alg: 'HS256' }) })).toBe('ERR_JWT_KID_MISSING');
    expect(await codeOf({ jwt: hsWithHeader({ alg: 'HS256', kid: 7 }) })).toBe('ERR_JWT_KID_MISSING');
    expect(await codeOf({ jwt: hsWithHeader({ alg: 'HS256', kid: '' }) })).toBe('ERR_JWT_KID_MISSING');
  });

  it.each(['nope', '__proto__', 'constructor', 'toString'])('kid %s → ERR_JWT_KID_UNKNOWN', async (kid) => {
    expect(await codeOf({ jwt: hsWithHeader({ alg: 'HS256', kid }) })).toBe('ERR_JWT_KID_UNKNOWN');
  });

  it('typ, when present, must be JWT', async () => {
    expect(await codeOf({ jwt: hsWithHeader({ alg: 'HS256', kid: HS_KEY.kid, typ: 'at+jwt' }) })).toBe('ERR_JWT_HEADER');
    const ok = await verifierFor().verify({ jwt: hsWithHeader({ alg: 'HS256', kid: HS_KEY.kid }) });
    expect(ok.signed).toBe(true);
  });

  it.each([
    ['crit', ['exp']],
    ['jku', 'https://attacker.example/jwks.json'],
    ['x5u', 'https://attacker.example/cert.pem'],
    ['jwk', { kty: 'oct', k: 'AAAA' }],
    ['x5c', ['MIIB']],
    ['b64', false],
  ])('%s → ERR_JWT_HEADER', async (name, value) => {
    const error = await failure(verifierFor().verify({ jwt: hsWithHeader({ alg: 'HS256', kid: HS_KEY.kid, [name]: value }) }));
    expect(error.code).toBe('ERR_JWT_HEADER');
    expect(error.path).toBe(`header.${name}`);
  });

  it('a huge header → ERR_JWT_HEADER', async () => {
    expect(await codeOf({ jwt: hsWithHeader({ alg: 'HS256', kid: HS_KEY.kid, pad: 'x'.repeat(1000) }) })).toBe('ERR_JWT_HEADER');
  });
});

describe('4. signature → ERR_JWT_SIGNATURE', () => {
  it('a wrong secret', async () => {
    expect(await codeOf({ jwt: signHS256(payload(), { kid: HS_KEY.kid, secret: HS_KEY_256.secret }) })).toBe('ERR_JWT_SIGNATURE');
  });

  it('an altered payload', async () => {
    const [header, , signature] = signHS256(payload(), HS_KEY).split('.');
    expect(await codeOf({ jwt: `${header}.${b64url(payload({ uuid: 'admin' }))}.${signature}` })).toBe('ERR_JWT_SIGNATURE');
  });

  it('a truncated signature', async () => {
    const jwt = signHS256(payload(), HS_KEY);
    expect(await codeOf({ jwt: jwt.slice(0, -3) })).toBe('ERR_JWT_SIGNATURE');
  });

  it('an RSA token signed by another key', async () => {
    expect(await codeOf({ jwt: signRS256(payload(), { ...otherRsa, kid: rsa.kid }) })).toBe('ERR_JWT_SIGNATURE');
  });

  it('a key whose check throws', async () => {
    const throwing: VerificationKey = { id: 'k', alg: 'HS256', verify: () => { throw new Error('boom'); } };
    const community = defineCommunity({ jwtKeys: keys });
    const verifier = createVerifier(community, { keySource: createStaticKeySource([throwing]), now: () => NOW * 1000 });
    expect(await codeOf({ jwt: signHS256(payload(), { kid: 'k', secret: HS_KEY.secret }) }, verifier)).toBe('ERR_JWT_SIGNATURE');
  });
});

describe('5. claims', () => {
  it('exp missing, a string, or not finite → ERR_JWT_EXP_MISSING', async () => {
    expect(await codeOf({ jwt: signHS256({ uuid: 'u' }, HS_KEY) })).toBe('ERR_JWT_EXP_MISSING');
    expect(await codeOf({ jwt: signHS256(payload({ exp: String(NOW + 7200) }), HS_KEY) })).toBe('ERR_JWT_EXP_MISSING');
    expect(await codeOf({ jwt: signHS256(payload({ exp: null }), HS_KEY) })).toBe('ERR_JWT_EXP_MISSING');
  });

  it('expired → ERR_JWT_EXPIRED', async () => {
    const error = await failure(verifierFor().verify({ jwt: signHS256(payload({ exp: NOW - 180 }), HS_KEY) }));
    expect(error.code).toBe('ERR_JWT_EXPIRED');
    expect(error.message).toMatch(/expired 3 minutes ago/);
  });

  it('less than minTokenLifetime ahead → ERR_JWT_EXP_TOO_SOON, with an actionable message', async () => {
    const error = await failure(verifierFor().verify({ jwt: signHS256(payload({}, 50 * 60), HS_KEY) }));
    expect(error.code).toBe('ERR_JWT_EXP_TOO_SOON');
    expect(error.message).toContain('exp is 50 minutes ahead; tokens must be valid for at least 60 minutes when set (minTokenLifetime 3600 s)');
  });

  it('applies clockTolerance to the minimum lifetime', async () => {
    const verifier = verifierFor();
    expect((await verifier.verify({ jwt: signHS256(payload({}, 3600 - 10), HS_KEY) })).signed).toBe(true);
    expect(await codeOf({ jwt: signHS256(payload({}, 3600 - 11), HS_KEY) }, verifier)).toBe('ERR_JWT_EXP_TOO_SOON');
  });

  it('applies clockTolerance to expiry (minTokenLifetime 0)', async () => {
    const verifier = verifierFor({ minTokenLifetime: 0 });
    expect((await verifier.verify({ jwt: signHS256(payload({ exp: NOW - 9 }), HS_KEY) })).signed).toBe(true);
    expect(await codeOf({ jwt: signHS256(payload({ exp: NOW - 10 }), HS_KEY) }, verifier)).toBe('ERR_JWT_EXPIRED');
  });

  it('nbf or iat in the future (beyond tolerance) → ERR_JWT_NOT_YET_VALID', async () => {
    expect(await codeOf({ jwt: signHS256(payload({ nbf: NOW + 60 }), HS_KEY) })).toBe('ERR_JWT_NOT_YET_VALID');
    expect(await codeOf({ jwt: signHS256(payload({ iat: NOW + 60 }), HS_KEY) })).toBe('ERR_JWT_NOT_YET_VALID');
    expect((await verifierFor().verify({ jwt: signHS256(payload({ nbf: NOW + 10, iat: NOW + 10 }), HS_KEY) })).signed).toBe(true);
  });

  it('nbf or iat that are not numbers → ERR_JWT_MALFORMED', async () => {
    expect(await codeOf({ jwt: signHS256(payload({ nbf: 'soon' }), HS_KEY) })).toBe('ERR_JWT_MALFORMED');
    expect(await codeOf({ jwt: signHS256(payload({ iat: null }), HS_KEY) })).toBe('ERR_JWT_MALFORMED');
  });

  it.each([
    ['missing', undefined],
    ['empty', ''],
    ['an object', { id: 1 }],
    ['negative', -1],
    ['too long', 'u'.repeat(256)],
  ])('uuid %s → ERR_JWT_UUID_MISSING', async (_name, uuid) => {
    expect(await codeOf({ jwt: signHS256(payload({ uuid }), HS_KEY) })).toBe('ERR_JWT_UUID_MISSING');
  });

  it('an integer uuid becomes its decimal string', async () => {
    expect((await verifierFor().verify({ jwt: signHS256(payload({ uuid: 5457 }), HS_KEY) })).uuid).toBe('5457');
  });
});

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
        expiresAt: NOW + 7200,
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

describe('mappings (SPEC §3)', () => {
  const config: Partial<CommunityConfig> = {
    customFields: [{ name: 'crm_id', regex: 'CRM-[0-9]+' }, { name: 'plan' }],
    extraValueMapping: [
      { key: 'customer_id', field: 'company' },
      { key: 'phone', field: 'mobile_phone' },
      { key: 'contact', field: 'email' },
      { key: 'tier', field: { custom: 'plan' } },
      { key: 'uuid', field: { custom: 'crm_id' } },
    ],
  };

  it('fills predefined and custom fields from extra values and the uuid', async () => {
    const result = await verifierFor(config).verify({
      jwt: signHS256(payload({ uuid: 'CRM-1234', company: 'Ignored', extra_values: { customer_id: 'Acme', phone: '+33 1', tier: 'gold' } }), HS_KEY),
    });
    expect(result.fields).toEqual({ company: 'Acme', mobile_phone: '+33 1' });
    expect(result.customFields).toEqual({ crm_id: 'CRM-1234', plan: 'gold' });
    expect(result.extraValues).toEqual({ customer_id: 'Acme', phone: '+33 1', tier: 'gold' });
    expect(result.warnings).toEqual([]);
  });

  it('a custom field regex must match the whole value; else not stored, with W_CUSTOM_FIELD_REGEX', async () => {
    const result = await verifierFor(config).verify({ jwt: signHS256(payload({ uuid: 'xCRM-1234' }), HS_KEY) });
    expect(result.customFields).toEqual({});
    expect(result.warnings).toEqual([expect.objectContaining({ code: 'W_CUSTOM_FIELD_REGEX', path: 'payload.uuid' })]);
  });

  it('the automated uuid is never mapped, even one crafted to match the customer-id regex', async () => {
    const verifier = verifierFor({ ...config, signedIdentities: 'reject' });
    for (const automatedUuid of ['CRM-12345678901234567890', 'Zm9vYmFyYmF6cXV4cXV1eHh4', undefined]) {
      const result = await verifier.verify({ automatedUuid, identity: { extra_values: { tier: 'gold' } } });
      expect(result.uuidSource).toBe('automated');
      expect(result.customFields).toEqual({ plan: 'gold' });
    }
  });

  it('an unsigned uuid maps like a signed one', async () => {
    const result = await verifierFor({ ...config, signedIdentities: 'reject' }).verify({ identity: { uuid: 'CRM-7', extra_values: { customer_id: 'Acme' } } });
    expect(result.customFields).toEqual({ crm_id: 'CRM-7' });
    expect(result.fields).toEqual({ company: 'Acme' });
  });

  it('a mapped value that breaks the target field rules is dropped with a warning', async () => {
    const result = await verifierFor(config).verify({ jwt: signHS256(payload({ extra_values: { contact: 'nope', customer_id: 'x'.repeat(300) } }), HS_KEY) });
    expect(result.fields).toEqual({});
    const dropped = result.warnings.filter((warning) => warning.code === 'W_FIELD_DROPPED');
    expect(dropped.map((warning) => warning.path).sort()).toEqual(['payload.extra_values.contact', 'payload.extra_values.customer_id']);
  });

  it('never honours __proto__, constructor or prototype', async () => {
    const body = `{"uuid":"u","exp":${NOW + 7200},"__proto__":{"polluted":1},"extra_values":{"__proto__":"x","constructor":"y","tier":"gold"}}`;
    const input = `${b64url({ alg: 'HS256', kid: HS_KEY.kid })}.${b64url(body)}`;
    const result = await verifierFor(config).verify({ jwt: `${input}.${hmacSignature(input, HS_KEY.secret)}` });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.keys(result.extraValues)).toEqual(['tier']);
    expect(Object.getPrototypeOf(result.customFields)).toBeNull();
    expect(result.customFields).toEqual({ plan: 'gold' });
  });
});

describe('the verified-token cache', () => {
  it('re-runs the time checks on a hit: too soon, then expired, as the clock moves', async () => {
    const clock = { seconds: NOW };
    const verifier = verifierFor({}, clock);
    const jwt = signHS256(payload(), HS_KEY);
    expect((await verifier.verify({ jwt })).expiresAt).toBe(NOW + 7200);
    expect((await verifier.verify({ jwt })).expiresAt).toBe(NOW + 7200); // second sight: now cached
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

describe('key sources', () => {
  it('an asynchronous key source works', async () => {
    const key = createVerificationKey({ id: 'remote', publicKey: rsa.publicKeyPem });
    const verifier = createVerifier(defineCommunity({ jwtKeys: keys }), { keySource: { getKey: async (kid) => (kid === 'remote' ? key : undefined) }, now: () => NOW * 1000 });
    expect((await verifier.verify({ jwt: signRS256(payload(), { ...rsa, kid: 'remote' }) })).kid).toBe('remote');
    expect(await codeOf({ jwt: signRS256(payload(), rsa) }, verifier)).toBe('ERR_JWT_KID_UNKNOWN');
  });

  it('a failing key source → ERR_KEY_SOURCE', async () => {
    const verifier = createVerifier(defineCommunity({ jwtKeys: keys }), { keySource: { getKey: async () => { throw new Error('ECONNREFUSED'); } }, now: () => NOW * 1000 });
    const error = await failure(verifier.verify({ jwt: signHS256(payload(), HS_KEY) }));
    expect(error.code).toBe('ERR_KEY_SOURCE');
    expect(error.message).not.toContain('ECONNREFUSED');
  });
});

describe('the WebCrypto backend (runtimes without node:crypto)', () => {
  const backend = webCryptoBackend();
  const encoder = new TextEncoder();
  const decode = (text: string): Uint8Array => new Uint8Array(Buffer.from(text, 'base64url'));

  it('verifies HS256 and refuses a bad signature', async () => {
    const check = backend.hmacSha256(encoder.encode(HS_KEY.secret));
    const [header, body, signature] = signHS256(payload(), HS_KEY).split('.') as [string, string, string];
    expect(await check(`${header}.${body}`, decode(signature))).toBe(true);
    expect(await check(`${header}.${body}x`, decode(signature))).toBe(false);
  });

  it('verifies RS256 and refuses a bad signature', async () => {
    const spki = new Uint8Array(createPublicKey(rsa.publicKeyPem).export({ type: 'spki', format: 'der' }));
    const check = backend.rsaSha256(spki, 256);
    const [header, body, signature] = signRS256(payload(), rsa).split('.') as [string, string, string];
    expect(await check(`${header}.${body}`, decode(signature))).toBe(true);
    expect(await check(`${header}.${body}x`, decode(signature))).toBe(false);
  });
});

describe('the native decoding fast path is never more lenient than decodeJwt', () => {
  const native = nodeBackend()!.decodeBase64url!;
  const chars = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_+/=. \t\n\u0000\u0080\u00ff\u0100é😀'.split('');
  const same = (a: Uint8Array | undefined, b: Uint8Array | undefined): boolean => (a === undefined ? b === undefined : b !== undefined && Buffer.compare(a, b) === 0);

  it('base64url: the same bytes, or the same refusal', () => {
    fc.assert(fc.property(fc.string({ unit: fc.constantFrom(...chars), maxLength: 24 }), (text) => same(native(text), decodeBase64url(text))), { numRuns: 20_000 });
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 16 }), (text) => same(native(text), decodeBase64url(text))), { numRuns: 20_000 });
  });

  it('tokens: whatever the fast path decodes, decodeJwt decodes identically', () => {
    const token = signHS256(payload({ firstname: 'Ada' }), HS_KEY);
    fc.assert(
      fc.property(fc.nat(token.length - 1), fc.constantFrom(...chars), fc.boolean(), (at, char, insert) => {
        const mutated = token.slice(0, at) + char + token.slice(insert ? at : at + 1);
        let reference: unknown;
        try {
          reference = decodeJwt(mutated);
        } catch (error) {
          expect(() => decodeToken(mutated, native)).toThrow(IdentityError);
          expect((error as IdentityError).code).toBe('ERR_JWT_MALFORMED');
          return;
        }
        const fast = decodeToken(mutated, native) as unknown as Record<string, unknown>;
        expect({ ...fast, signature: [...(fast.signature as Uint8Array)] }).toEqual({ ...(reference as object), signature: [...(reference as { signature: Uint8Array }).signature] });
      }),
      { numRuns: 5_000 },
    );
  });
});

describe('a broken clock fails closed', () => {
  it('now() → NaN refuses tokens, cached or not', async () => {
    const clock = { seconds: NOW };
    const verifier = verifierFor({}, clock);
    const jwt = signHS256(payload(), HS_KEY);
    await verifier.verify({ jwt });
    clock.seconds = Number.NaN;
    expect(await codeOf({ jwt }, verifier)).toBe('ERR_JWT_EXPIRED');
    expect(await codeOf({ jwt: signHS256(payload({ uuid: 'other' }), HS_KEY) }, verifier)).toBe('ERR_JWT_EXPIRED');
  });
});

describe('JWKS key source (jose remote key set, loopback server)', () => {
  const weak = generateKeyPairSync('rsa', { modulusLength: 1024 });
  const jwks = {
    keys: [
      { ...createPublicKey(rsa.publicKeyPem).export({ format: 'jwk' }), kid: 'jwks_main', alg: 'RS256', use: 'sig' },
      { ...weak.publicKey.export({ format: 'jwk' }), kid: 'jwks_weak', alg: 'RS256', use: 'sig' },
    ],
  };
  let requests = 0;

  async function withServer(run: (url: string) => Promise<void>): Promise<void> {
    const server: Server = createServer((_request, response) => {
      requests++;
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(jwks));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    try {
      await run(`http://127.0.0.1:${port}/jwks.json`);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  }

  it('verifies RS256 tokens with keys from the JWKS, fetched once', async () => {
    await withServer(async (url) => {
      requests = 0;
      const verifier = createVerifier(defineCommunity({ jwtKeys: keys }), { keySource: createJwksKeySource(url), now: () => NOW * 1000, cacheSize: 0 });
      const jwt = signRS256(payload(), { ...rsa, kid: 'jwks_main' });
      expect(await verifier.verify({ jwt })).toMatchObject({ kid: 'jwks_main', signed: true });
      expect(await verifier.verify({ jwt })).toMatchObject({ kid: 'jwks_main', signed: true });
      expect(requests).toBe(1);
    });
  });

  it('pins RS256: an HS256 token naming a JWKS kid is ERR_JWT_ALG; a weak key is ERR_KEY_SOURCE; an unknown kid is ERR_JWT_KID_UNKNOWN', async () => {
    await withServer(async (url) => {
      const verifier = createVerifier(defineCommunity({ jwtKeys: keys }), { keySource: createJwksKeySource(url), now: () => NOW * 1000 });
      expect(await codeOf({ jwt: hsWithHeader({ alg: 'HS256', kid: 'jwks_main' }) }, verifier)).toBe('ERR_JWT_ALG');
      expect(await codeOf({ jwt: signRS256(payload(), { kid: 'jwks_weak', privateKey: weak.privateKey, publicKeyPem: '' }) }, verifier)).toBe('ERR_KEY_SOURCE');
      expect(await codeOf({ jwt: signRS256(payload(), { ...rsa, kid: 'nobody' }) }, verifier)).toBe('ERR_JWT_KID_UNKNOWN');
    });
  });

  it('an unreachable JWKS → ERR_KEY_SOURCE', async () => {
    let url = '';
    await withServer(async (address) => {
      url = address;
    });
    const verifier = createVerifier(defineCommunity({ jwtKeys: keys }), { keySource: createJwksKeySource(url, { timeoutDuration: 2000 }), now: () => NOW * 1000 });
    expect(await codeOf({ jwt: signRS256(payload(), { ...rsa, kid: 'jwks_main' }) }, verifier)).toBe('ERR_KEY_SOURCE');
  });

  it('refuses a URL that is not http(s)', () => {
    expect(() => createJwksKeySource('file:///etc/passwd')).toThrow(expect.objectContaining({ code: 'ERR_KEY_SOURCE' }));
    expect(() => createJwksKeySource('not a url')).toThrow(expect.objectContaining({ code: 'ERR_KEY_SOURCE' }));
  });
});
