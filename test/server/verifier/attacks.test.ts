/**
 * The known JWT attacks against the verifier (SPEC §4), each answered with
 * its exact stable code. Tokens are forged by hand with node:crypto
 * (test/helpers/sign.ts), never with the library under test.
 */
import { createHmac, createPublicKey, generateKeyPairSync, sign as rawSign } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { inspect } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { IdentityError, type IdentityErrorCode, type VerifyInput } from '../../../src/identity/index.js';
import { createJwksKeySource, createVerifier, defineCommunity } from '../../../src/server/verifier/index.js';
import { b64url, HS_KEY, HS_KEY_256, hmacSignature, rsaKey, rsaSignature } from '../../helpers/sign.js';

const T = 1_800_000_000; // a fixed "now", in seconds
const RSA = rsaKey('rsa_main');
const OTHER_RSA = generateKeyPairSync('rsa', { modulusLength: 2048 });
const KEYS = [
  { id: HS_KEY.kid, secret: HS_KEY.secret },
  { id: HS_KEY_256.kid, secret: HS_KEY_256.secret },
  { id: RSA.kid, publicKey: RSA.publicKeyPem },
];

beforeAll(() => {
  // 'accept' mode warns once at definition time; keep the test output readable.
  vi.spyOn(console, 'warn').mockImplementation(() => {});
});
afterEach(() => {
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
});

function verifierFor(mode: 'require' | 'reject' | 'accept' = 'require', extra: object = {}, clock = () => T * 1000) {
  const community = defineCommunity({ signedIdentities: mode, jwtKeys: mode === 'reject' ? [] : KEYS, minTokenLifetime: 3600, clockTolerance: 10, ...extra });
  return createVerifier(community, { now: clock });
}
const require_ = verifierFor('require');

type Part = object | string;
const enc = (part: Part): string => b64url(typeof part === 'string' ? part : JSON.stringify(part));
const hs = (input: string): string => hmacSignature(input, HS_KEY.secret);
const rs = (input: string): string => rsaSignature(input, RSA.privateKey);
const HS_HEADER = { alg: 'HS256', typ: 'JWT', kid: HS_KEY.kid };
const RS_HEADER = { alg: 'RS256', typ: 'JWT', kid: RSA.kid };
const payload = (extra: object = {}): Record<string, unknown> => ({ uuid: 'user-42', exp: T + 7200, iat: T, ...extra });

/** header.payload signed by `sign` (HMAC with site_2026 by default). */
function forge(header: Part, body: Part = payload(), sign: (input: string) => string = hs): string {
  const input = `${enc(header)}.${enc(body)}`;
  return `${input}.${sign(input)}`;
}

async function rejects(input: VerifyInput, code: IdentityErrorCode | IdentityErrorCode[], verifier = require_): Promise<IdentityError> {
  const error: unknown = await verifier.verify(input).then(
    (result) => new Error(`resolved: ${JSON.stringify(result)}`),
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(IdentityError);
  const identityError = error as IdentityError;
  if (Array.isArray(code)) expect(code).toContain(identityError.code);
  else expect(identityError.code).toBe(code);
  // Messages are for integrators: never a secret, never the token's signature.
  expect(identityError.message).not.toContain(HS_KEY.secret);
  if (typeof input.jwt === 'string' && input.jwt.length > 40) expect(identityError.message).not.toContain(input.jwt.slice(-30));
  return identityError;
}
const jwt = (token: string, verifier = require_) => verifier.verify({ jwt: token });

describe('control: well-formed tokens verify', () => {
  it('HS256 (24-char and 64-char secrets) and RS256', async () => {
    expect(await jwt(forge(HS_HEADER))).toMatchObject({ uuid: 'user-42', uuidSource: 'jwt', signed: true, kid: 'site_2026', expiresAt: T + 7200 });
    const hs64 = forge({ ...HS_HEADER, kid: HS_KEY_256.kid }, payload(), (i) => hmacSignature(i, HS_KEY_256.secret));
    expect((await jwt(hs64)).kid).toBe('site_2027');
    expect((await jwt(forge(RS_HEADER, payload(), rs))).kid).toBe('rsa_main');
  });
  it('typ may be absent; a numeric uuid becomes a string; a fractional exp is a number', async () => {
    expect((await jwt(forge({ alg: 'HS256', kid: HS_KEY.kid }, payload({ uuid: 5457, exp: T + 7200.5 })))).uuid).toBe('5457');
  });
});

describe('mode rules (step 1, before anything else)', () => {
  it('require: no jwt → ERR_SIGNED_IDENTITY_REQUIRED, whatever else is given', async () => {
    await rejects({}, 'ERR_SIGNED_IDENTITY_REQUIRED');
    await rejects({ identity: { uuid: 'user-42' } }, 'ERR_SIGNED_IDENTITY_REQUIRED');
    await rejects({ identity: { firstname: 42 }, automatedUuid: 'A'.repeat(22) }, 'ERR_SIGNED_IDENTITY_REQUIRED');
  });
  it('reject: a jwt → ERR_SIGNED_IDENTITY_REJECTED, even a valid one or garbage', async () => {
    const reject = verifierFor('reject');
    await rejects({ jwt: forge(HS_HEADER) }, 'ERR_SIGNED_IDENTITY_REJECTED', reject);
    await rejects({ jwt: 'garbage' }, 'ERR_SIGNED_IDENTITY_REJECTED', reject);
    expect(await reject.verify({ identity: { uuid: 'user-42' } })).toMatchObject({ uuid: 'user-42', uuidSource: 'unsigned', signed: false });
  });
  it('accept: signed, unsigned and automated identities stay apart', async () => {
    const accept = verifierFor('accept');
    expect(await accept.verify({ jwt: forge(HS_HEADER) })).toMatchObject({ uuidSource: 'jwt', signed: true });
    const unsigned = await accept.verify({ identity: { uuid: 'user-42', firstname: 'Mallory' } });
    expect(unsigned).toMatchObject({ uuidSource: 'unsigned', signed: false });
    expect(unsigned.kid).toBeUndefined();
    const automated = await accept.verify({ automatedUuid: 'user-42-aaaaaaaaaaaaaaaaaaaa' });
    expect(automated).toMatchObject({ uuidSource: 'automated', signed: false });
    await rejects({ jwt: forge(HS_HEADER, payload(), (i) => hmacSignature(i, 'f'.repeat(24))) }, 'ERR_JWT_SIGNATURE', accept);
  });
  it('an unsigned identity beside a JWT is ignored with a warning', async () => {
    const result = await require_.verify({ jwt: forge(HS_HEADER), identity: { uuid: 'admin', firstname: 'Evil' }, automatedUuid: 'B'.repeat(22) });
    expect(result.uuid).toBe('user-42');
    expect(result.uuidSource).toBe('jwt');
    expect(result.fields.firstname).toBeUndefined();
    expect(result.warnings.map((w) => w.code)).toContain('W_UNSIGNED_IGNORED');
  });
});

describe('token shape (step 2) → ERR_JWT_MALFORMED', () => {
  const valid = forge(HS_HEADER);
  const [h, p, s] = valid.split('.') as [string, string, string];
  it.each([
    ['not a string', 42],
    ['an object', { jwt: valid }],
    ['two parts (signature stripped)', `${h}.${p}`],
    ['empty signature', `${h}.${p}.`],
    ['alg none with an empty signature', `${enc({ alg: 'none', kid: HS_KEY.kid })}.${p}.`],
    ['four parts', `${valid}.${s}`],
    ['padding on the header', `${h}==.${p}.${s}`],
    ['a trailing newline', `${valid}\n`],
    ['whitespace inside', `${h}. ${p}.${s}`],
    ['malformed JSON header', forge('{"alg":"HS256",')],
    ['header is an array', forge('[{"alg":"HS256","kid":"site_2026"}]')],
    ['header is null', forge('null')],
    ['payload is an array', forge(HS_HEADER, '[{"uuid":"user-42"}]')],
    ['payload is null', forge(HS_HEADER, 'null')],
    ['payload is a JSON string', forge(HS_HEADER, '"{\\"uuid\\":1}"')],
  ])('%s', async (_name, token) => {
    await rejects({ jwt: token as string }, 'ERR_JWT_MALFORMED');
  });

  it('re-encoded with the standard alphabet (+ and /) or padding', async () => {
    // Find a token whose signature uses - or _, then re-encode it as base64.
    let token = valid;
    for (let i = 0; !/[-_]/.test(token.split('.')[2]!); i++) token = forge(HS_HEADER, payload({ jti: String(i) }));
    const [th, tp, ts] = token.split('.') as [string, string, string];
    const standard = Buffer.from(ts, 'base64url').toString('base64');
    await rejects({ jwt: `${th}.${tp}.${standard}` }, 'ERR_JWT_MALFORMED');
    await rejects({ jwt: `${th}.${tp}.${standard.replace(/=+$/, '')}` }, 'ERR_JWT_MALFORMED');
  });
  it('non-canonical trailing bits in the signature (same bytes to Buffer)', async () => {
    const last = s[s.length - 1]!;
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const twin = alphabet[alphabet.indexOf(last) ^ 1]!;
    const altered = `${h}.${p}.${s.slice(0, -1)}${twin}`;
    expect(Buffer.from(altered.split('.')[2]!, 'base64url')).toEqual(Buffer.from(s, 'base64url'));
    await rejects({ jwt: altered }, 'ERR_JWT_MALFORMED');
  });
  it('a validly signed token over 8 KiB, and a huge header', async () => {
    await rejects({ jwt: forge(HS_HEADER, payload({ pad: 'x'.repeat(8200) })) }, 'ERR_JWT_MALFORMED');
    await rejects({ jwt: forge({ ...HS_HEADER, pad: 'x'.repeat(7000) }) }, 'ERR_JWT_MALFORMED');
    await rejects({ jwt: forge(HS_HEADER, payload({ pad: 'x'.repeat(2_000_000) })) }, 'ERR_JWT_MALFORMED');
  });
});

describe('header: alg (step 3) → ERR_JWT_ALG', () => {
  it.each(['none', 'None', 'NONE', 'nOnE', 'hs256', 'HS256 ', '', 'HS384', 'HS512', 'RS384', 'RS512', 'ES256', 'PS256', 'EdDSA'])('alg %j', async (alg) => {
    await rejects({ jwt: forge({ ...HS_HEADER, alg }) }, 'ERR_JWT_ALG');
  });
  it.each([['missing', undefined], ['null', null], ['an array', ['HS256']], ['a number', 256]])('alg %s', async (_name, alg) => {
    await rejects({ jwt: forge({ ...HS_HEADER, alg }) }, 'ERR_JWT_ALG');
  });
  it('HS384 really signed with the configured secret', async () => {
    const token = forge({ ...HS_HEADER, alg: 'HS384' }, payload(), (i) => createHmac('sha384', HS_KEY.secret).update(i).digest('base64url'));
    await rejects({ jwt: token }, 'ERR_JWT_ALG');
  });
  it('algorithm confusion: HS256 signed with the RSA public key PEM as the HMAC secret', async () => {
    for (const pem of [RSA.publicKeyPem, RSA.publicKeyPem.trim(), Buffer.from(RSA.publicKeyPem)]) {
      await rejects({ jwt: forge({ ...RS_HEADER, alg: 'HS256' }, payload(), (i) => hmacSignature(i, pem)) }, 'ERR_JWT_ALG');
    }
  });
  it('RS256 header on an HMAC kid', async () => {
    await rejects({ jwt: forge({ ...HS_HEADER, alg: 'RS256' }, payload(), rs) }, 'ERR_JWT_ALG');
    await rejects({ jwt: forge({ ...HS_HEADER, alg: 'RS256' }) }, 'ERR_JWT_ALG');
  });
  it('PS256 and RS512 really signed with the configured RSA key', async () => {
    const ps = (i: string) => rawSign('sha256', Buffer.from(i), { key: RSA.privateKey, padding: 6 /* RSA_PKCS1_PSS_PADDING */ }).toString('base64url');
    await rejects({ jwt: forge({ ...RS_HEADER, alg: 'PS256' }, payload(), ps) }, 'ERR_JWT_ALG');
    const rs512 = (i: string) => rawSign('sha512', Buffer.from(i), RSA.privateKey).toString('base64url');
    await rejects({ jwt: forge({ ...RS_HEADER, alg: 'RS512' }, payload(), rs512) }, 'ERR_JWT_ALG');
  });
});

describe('header: kid (step 3)', () => {
  it('missing → ERR_JWT_KID_MISSING', async () => {
    await rejects({ jwt: forge({ alg: 'HS256', typ: 'JWT' }) }, 'ERR_JWT_KID_MISSING');
  });
  it.each([
    'site_2025', 'SITE_2026', 'site_2026 ', ' site_2026', 'site_2026\u0000', '../site_2026', '../../../../etc/passwd', 'site_2026/../site_2026',
    '__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf', 'rsa_main.', 'x'.repeat(65),
  ])('kid %j → ERR_JWT_KID_UNKNOWN', async (kid) => {
    await rejects({ jwt: forge({ ...HS_HEADER, kid }) }, 'ERR_JWT_KID_UNKNOWN');
  });
  it('a 5000-character kid → refused (unknown, or a header past the verifier’s own size cap)', async () => {
    await rejects({ jwt: forge({ ...HS_HEADER, kid: 'x'.repeat(5000) }) }, ['ERR_JWT_KID_UNKNOWN', 'ERR_JWT_HEADER']);
  });
  // Not a string: no configured key has such a name. An object lookup would
  // coerce ['site_2026'] to 'site_2026', so it must not verify.
  it.each([['an array naming a key', ['site_2026']], ['a number', 2026], ['an object', { id: 'site_2026' }], ['null', null], ['empty', '']])(
    'kid %s → refused as missing or unknown',
    async (_name, kid) => {
      await rejects({ jwt: forge({ ...HS_HEADER, kid }) }, ['ERR_JWT_KID_MISSING', 'ERR_JWT_KID_UNKNOWN']);
    },
  );
  it('the signature is bound to the kid: site_2027’s secret under kid site_2026', async () => {
    await rejects({ jwt: forge(HS_HEADER, payload(), (i) => hmacSignature(i, HS_KEY_256.secret)) }, 'ERR_JWT_SIGNATURE');
  });
  it('key ids that shadow Object.prototype are refused or kept apart', async () => {
    for (const id of ['constructor', '__proto__', 'tostring']) {
      let community;
      try {
        community = defineCommunity({ jwtKeys: [{ id, secret: HS_KEY.secret }] });
      } catch (error) {
        expect((error as IdentityError).code).toBe('ERR_COMMUNITY_INVALID');
        continue;
      }
      const verifier = createVerifier(community, { now: () => T * 1000 });
      expect((await verifier.verify({ jwt: forge({ ...HS_HEADER, kid: id }) })).kid).toBe(id);
      await rejects({ jwt: forge({ ...HS_HEADER, kid: 'hasOwnProperty' }) }, 'ERR_JWT_KID_UNKNOWN', verifier);
      expect(Object.getPrototypeOf({})).toBe(Object.prototype);
    }
  });
});

describe('header: dangerous members (step 3) → ERR_JWT_HEADER', () => {
  const attackerJwk = OTHER_RSA.publicKey.export({ format: 'jwk' });
  it.each([
    ['jku', { jku: 'https://attacker.example/jwks.json' }],
    ['x5u', { x5u: 'https://attacker.example/cert.pem' }],
    ['jwk (embedded key)', { jwk: attackerJwk }],
    ['x5c', { x5c: ['MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA'] }],
    ['crit', { crit: ['exp'] }],
    ['empty crit', { crit: [] }],
    ['b64: false', { b64: false, crit: ['b64'] }],
    ['b64: false without crit', { b64: false }],
    ['b64: true', { b64: true }],
    ['typ JWS', { typ: 'JWS' }],
    ['typ at+jwt', { typ: 'at+jwt' }],
    ['typ JWE', { typ: 'JWE' }],
    ['typ empty', { typ: '' }],
    ['typ a number', { typ: 1 }],
    ['typ null', { typ: null }],
  ])('%s', async (_name, extra) => {
    await rejects({ jwt: forge({ ...HS_HEADER, ...extra }) }, 'ERR_JWT_HEADER');
  });
  it('an RS256 token signed by the attacker’s own key embedded as jwk', async () => {
    const sign = (i: string) => rawSign('sha256', Buffer.from(i), OTHER_RSA.privateKey).toString('base64url');
    await rejects({ jwt: forge({ ...RS_HEADER, jwk: attackerJwk }, payload(), sign) }, 'ERR_JWT_HEADER');
  });
});

describe('signature (step 4) → ERR_JWT_SIGNATURE', () => {
  it('signed by another HMAC secret or another RSA key', async () => {
    await rejects({ jwt: forge(HS_HEADER, payload(), (i) => hmacSignature(i, '76543210fedcba9876543210')) }, 'ERR_JWT_SIGNATURE');
    const other = (i: string) => rawSign('sha256', Buffer.from(i), OTHER_RSA.privateKey).toString('base64url');
    await rejects({ jwt: forge(RS_HEADER, payload(), other) }, 'ERR_JWT_SIGNATURE');
  });
  it('altered payload or header with the original signature', async () => {
    for (const [header, sign] of [[HS_HEADER, hs], [RS_HEADER, rs]] as const) {
      const [h, , s] = forge(header, payload(), sign).split('.');
      await rejects({ jwt: `${h}.${enc(payload({ uuid: 'admin' }))}.${s}` }, 'ERR_JWT_SIGNATURE');
      await rejects({ jwt: `${enc({ ...header, x: 1 })}.${enc(payload())}.${s}` }, 'ERR_JWT_SIGNATURE');
    }
  });
  it('truncated, extended, zeroed or swapped signatures', async () => {
    const [h, p, s] = forge(HS_HEADER).split('.') as [string, string, string];
    const bytes = Buffer.from(s, 'base64url');
    for (const sig of [bytes.subarray(0, 31), bytes.subarray(0, 1), Buffer.concat([bytes, Buffer.from([0])]), Buffer.alloc(32), Buffer.alloc(256)]) {
      await rejects({ jwt: `${h}.${p}.${sig.toString('base64url')}` }, 'ERR_JWT_SIGNATURE');
    }
    const [rh, rp, rsig] = forge(RS_HEADER, payload(), rs).split('.') as [string, string, string];
    const rbytes = Buffer.from(rsig, 'base64url');
    for (const sig of [rbytes.subarray(1), Buffer.concat([Buffer.from([0]), rbytes]), Buffer.alloc(256), bytes]) {
      await rejects({ jwt: `${rh}.${rp}.${sig.toString('base64url')}` }, 'ERR_JWT_SIGNATURE');
    }
    // Parts of two valid tokens spliced together.
    const [, otherPayload] = forge(HS_HEADER, payload({ jti: 'other' })).split('.');
    await rejects({ jwt: `${h}.${otherPayload}.${s}` }, 'ERR_JWT_SIGNATURE');
  });
  it('a verified token in the cache does not vouch for another signature or another verifier', async () => {
    const verifier = verifierFor();
    const token = forge(HS_HEADER);
    await verifier.verify({ jwt: token });
    const [h, p] = token.split('.');
    await rejects({ jwt: `${h}.${p}.${hmacSignature(`${h}.${p}`, 'f'.repeat(24))}` }, 'ERR_JWT_SIGNATURE', verifier);
    const otherSecret = createVerifier(defineCommunity({ jwtKeys: [{ id: HS_KEY.kid, secret: 'a'.repeat(24) }] }), { now: () => T * 1000 });
    await rejects({ jwt: token }, 'ERR_JWT_SIGNATURE', otherSecret);
  });
});

describe('claims (step 5)', () => {
  it.each([
    ['missing', undefined],
    ['a string', String(T + 7200)],
    ['"NaN"', 'NaN'],
    ['null', null],
    ['true', true],
    ['an array', [T + 7200]],
    ['an object', { value: T + 7200 }],
  ])('exp %s → ERR_JWT_EXP_MISSING', async (_name, exp) => {
    await rejects({ jwt: forge(HS_HEADER, payload({ exp })) }, 'ERR_JWT_EXP_MISSING');
  });
  it.each(['1e400', '-1e400'])('exp %s (±Infinity after JSON.parse) → ERR_JWT_EXP_MISSING', async (raw) => {
    await rejects({ jwt: forge(HS_HEADER, `{"uuid":"user-42","exp":${raw}}`) }, 'ERR_JWT_EXP_MISSING');
  });
  it('expired → ERR_JWT_EXPIRED', async () => {
    await rejects({ jwt: forge(HS_HEADER, payload({ exp: T - 3600, iat: T - 7200 })) }, 'ERR_JWT_EXPIRED');
    await rejects({ jwt: forge(HS_HEADER, payload({ exp: 1 })) }, 'ERR_JWT_EXPIRED');
  });
  it('59 minutes ahead → ERR_JWT_EXP_TOO_SOON', async () => {
    await rejects({ jwt: forge(HS_HEADER, payload({ exp: T + 59 * 60 })) }, 'ERR_JWT_EXP_TOO_SOON');
  });
  it('minimum lifetime edge: exactly 3600 − 10 s ahead verifies, one second less does not', async () => {
    expect((await jwt(forge(HS_HEADER, payload({ exp: T + 3590 })))).expiresAt).toBe(T + 3590);
    await rejects({ jwt: forge(HS_HEADER, payload({ exp: T + 3589 })) }, 'ERR_JWT_EXP_TOO_SOON');
  });
  it('expiry edge (minTokenLifetime 0): 9 s past verifies, 11 s past is expired', async () => {
    const lenient = verifierFor('require', { minTokenLifetime: 0 });
    expect((await lenient.verify({ jwt: forge(HS_HEADER, payload({ exp: T - 9, iat: T - 60 })) })).uuid).toBe('user-42');
    await rejects({ jwt: forge(HS_HEADER, payload({ exp: T - 11, iat: T - 60 })) }, 'ERR_JWT_EXPIRED', lenient);
    // Exactly at the limit: RFC 7519 §4.1.4, "now" must be before exp (+ leeway), so exp = now − tolerance has expired.
    await rejects({ jwt: forge(HS_HEADER, payload({ exp: T - 10, iat: T - 60 })) }, 'ERR_JWT_EXPIRED', lenient);
  });
  it('nbf and iat: up to the tolerance ahead verifies, beyond → ERR_JWT_NOT_YET_VALID', async () => {
    for (const claim of ['nbf', 'iat']) {
      expect((await jwt(forge(HS_HEADER, payload({ [claim]: T + 10 })))).uuid).toBe('user-42');
      await rejects({ jwt: forge(HS_HEADER, payload({ [claim]: T + 11 })) }, 'ERR_JWT_NOT_YET_VALID');
      await rejects({ jwt: forge(HS_HEADER, payload({ [claim]: T + 86_400 })) }, 'ERR_JWT_NOT_YET_VALID');
      expect((await jwt(forge(HS_HEADER, payload({ [claim]: T - 86_400 })))).uuid).toBe('user-42');
    }
  });
  it('nbf or iat that is not a number → ERR_JWT_MALFORMED (broken at the signing backend)', async () => {
    await rejects({ jwt: forge(HS_HEADER, payload({ nbf: 'tomorrow' })) }, 'ERR_JWT_MALFORMED');
    await rejects({ jwt: forge(HS_HEADER, payload({ iat: String(T) })) }, 'ERR_JWT_MALFORMED');
    await rejects({ jwt: forge(HS_HEADER, `{"uuid":"u","exp":${T + 7200},"nbf":1e400}`) }, 'ERR_JWT_MALFORMED');
  });
  it('a cached token is re-checked against the clock', async () => {
    let now = T * 1000;
    const verifier = verifierFor('require', {}, () => now);
    const token = forge(HS_HEADER, payload({ exp: T + 7200 }));
    expect((await verifier.verify({ jwt: token })).uuid).toBe('user-42');
    now = (T + 7200 - 3000) * 1000;
    await rejects({ jwt: token }, 'ERR_JWT_EXP_TOO_SOON', verifier);
    now = (T + 7200 + 11) * 1000;
    await rejects({ jwt: token }, 'ERR_JWT_EXPIRED', verifier);
  });
  it.each([['NaN', Number.NaN], ['undefined', undefined]])('a broken clock (now() → %s) fails closed: a 1970 token does not verify', async (_name, value) => {
    const broken = createVerifier(defineCommunity({ jwtKeys: KEYS }), { now: () => value as unknown as number });
    const outcome = await broken.verify({ jwt: forge(HS_HEADER, payload({ exp: 1, iat: 0 })) }).then(
      (result) => `resolved ${result.uuid}`,
      (error: unknown) => (error instanceof IdentityError ? 'refused' : String(error)),
    );
    expect(outcome).toBe('refused');
  });
  it.each([
    ['missing', undefined],
    ['empty', ''],
    ['null', null],
    ['an object', { id: 'user-42' }],
    ['an array', ['user-42']],
    ['a boolean', true],
    ['a negative number', -1],
    ['256 characters', 'u'.repeat(256)],
  ])('uuid %s → ERR_JWT_UUID_MISSING', async (_name, uuid) => {
    await rejects({ jwt: forge(HS_HEADER, payload({ uuid })) }, 'ERR_JWT_UUID_MISSING');
  });
  it('a wrong field type in a signed payload → ERR_IDENTITY_INVALID', async () => {
    await rejects({ jwt: forge(HS_HEADER, payload({ firstname: 42 })) }, 'ERR_IDENTITY_INVALID');
    await rejects({ jwt: forge(HS_HEADER, payload({ extra_values: { a: { b: 1 } } })) }, 'ERR_IDENTITY_INVALID');
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
    const verifier = verifierFor('require', { customFields: [{ name: 'crm_id' }], extraValueMapping: [{ key: 'uuid', field: { custom: 'crm_id' } }, { key: 'ok', field: 'company' }] });
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

describe('key source failures and rotation, cached or not', () => {
  function switchableSource() {
    const community = defineCommunity({ jwtKeys: KEYS });
    const state = { mode: 'ok' as 'ok' | 'throw' | 'reject' | 'removed' };
    const keySource = {
      getKey(kid: string) {
        if (state.mode === 'throw') throw new Error('JWKS endpoint unreachable');
        if (state.mode === 'reject') return Promise.reject(new Error('JWKS endpoint unreachable'));
        if (state.mode === 'removed') return undefined;
        return community.keySource.getKey(kid);
      },
    };
    return { state, verifier: createVerifier(community, { now: () => T * 1000, keySource }) };
  }
  it.each(['throw', 'reject'] as const)('a key source that fails (%s) → ERR_KEY_SOURCE', async (mode) => {
    const { state, verifier } = switchableSource();
    state.mode = mode;
    await rejects({ jwt: forge(HS_HEADER) }, 'ERR_KEY_SOURCE', verifier);
  });
  it.each(['throw', 'reject'] as const)('… also for a token already in the cache (%s)', async (mode) => {
    const { state, verifier } = switchableSource();
    const token = forge(HS_HEADER);
    await verifier.verify({ jwt: token });
    state.mode = mode;
    await rejects({ jwt: token }, 'ERR_KEY_SOURCE', verifier);
  });
  it('a key removed from the source stops verifying tokens already in the cache', async () => {
    const { state, verifier } = switchableSource();
    const token = forge(RS_HEADER, payload(), rs);
    await verifier.verify({ jwt: token });
    state.mode = 'removed';
    await rejects({ jwt: token }, 'ERR_JWT_KID_UNKNOWN', verifier);
  });
});

describe('JWKS key source (loopback server): no algorithm confusion through the key set', () => {
  const small = generateKeyPairSync('rsa', { modulusLength: 1024 });
  const jwks = {
    keys: [
      { ...(createPublicKey(RSA.publicKeyPem).export({ format: 'jwk' }) as object), kid: 'rsa_main', use: 'sig' },
      { kty: 'oct', kid: 'site_2026', k: Buffer.from(HS_KEY.secret).toString('base64url'), alg: 'HS256' },
      { ...(small.publicKey.export({ format: 'jwk' }) as object), kid: 'rsa_small' },
    ],
  };
  let server: Server;
  let url = '';
  beforeAll(async () => {
    server = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(jwks));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/jwks.json`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const jwksVerifier = () => createVerifier(defineCommunity({ jwtKeys: KEYS }), { now: () => T * 1000, keySource: createJwksKeySource(url) });

  it('an RS256 token whose kid is in the JWKS verifies', async () => {
    expect((await jwksVerifier().verify({ jwt: forge(RS_HEADER, payload(), rs) })).kid).toBe('rsa_main');
  });
  it('an HS256 token naming an oct key of the JWKS does not verify', async () => {
    await rejects({ jwt: forge(HS_HEADER) }, ['ERR_JWT_KID_UNKNOWN', 'ERR_JWT_ALG'], jwksVerifier());
  });
  it('HS256 signed with the JWKS’s RSA key material as the secret → ERR_JWT_ALG', async () => {
    const secret = JSON.stringify(jwks.keys[0]);
    await rejects({ jwt: forge({ ...RS_HEADER, alg: 'HS256' }, payload(), (i) => hmacSignature(i, secret)) }, 'ERR_JWT_ALG', jwksVerifier());
    await rejects({ jwt: forge({ ...RS_HEADER, alg: 'HS256' }, payload(), (i) => hmacSignature(i, RSA.publicKeyPem)) }, 'ERR_JWT_ALG', jwksVerifier());
  });
  it('a 1024-bit key in the JWKS is never used', async () => {
    const sign = (i: string) => rawSign('sha256', Buffer.from(i), small.privateKey).toString('base64url');
    await rejects({ jwt: forge({ ...RS_HEADER, kid: 'rsa_small' }, payload(), sign) }, ['ERR_KEY_SOURCE', 'ERR_JWT_KID_UNKNOWN'], jwksVerifier());
  });
  it('a JWKS URL that does not answer → ERR_KEY_SOURCE', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const verifier = createVerifier(defineCommunity({ jwtKeys: KEYS }), { now: () => T * 1000, keySource: createJwksKeySource(`http://127.0.0.1:${port}/jwks.json`, { timeoutDuration: 2000 }) });
    await rejects({ jwt: forge(RS_HEADER, payload(), rs) }, 'ERR_KEY_SOURCE', verifier);
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
    const verifier = verifierFor();
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
