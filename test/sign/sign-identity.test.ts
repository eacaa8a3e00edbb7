/**
 * SPEC §9 `chatq/sign`: signIdentity's tokens verify with the real verifier
 * (node:crypto) and with jose, and it refuses with the verifier's codes what a
 * community would refuse.
 */
import { generateKeyPairSync } from 'node:crypto';
import { decodeJwt, decodeProtectedHeader, importSPKI, jwtVerify } from 'jose';
import { describe, expect, it } from 'vitest';
import { createVerifier, defineCommunity, type IdentityWarning } from '../../src/server/index.js';
import { LIFETIME_MARGIN, parseLifetime, signIdentity } from '../../src/sign/index.js';
import { HS_KEY, HS_KEY_256, rsaKey } from '../helpers/sign.js';

const rsa = rsaKey('rsa_main');
const community = defineCommunity({
  jwtKeys: [
    { id: HS_KEY.kid, secret: HS_KEY.secret },
    { id: HS_KEY_256.kid, secret: HS_KEY_256.secret },
    { id: rsa.kid, publicKey: rsa.publicKeyPem },
  ],
});
const verifier = createVerifier(community);
const identity = { uuid: 'user-42', email: 'a@example.com', extra_values: { plan: 'gold', seats: 3 } };

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    return (error as { code?: string }).code ?? (error as Error).name;
  }
  return 'resolved';
}

describe('tokens verify with the real verifier and with jose', () => {
  it('HS256 with a 24-hex secret', async () => {
    const jwt = await signIdentity(identity, { kid: HS_KEY.kid, secret: HS_KEY.secret, lifetime: '2h' });
    const verified = await verifier.verify({ jwt });
    expect(verified).toMatchObject({ uuid: 'user-42', signed: true, kid: HS_KEY.kid, fields: { email: 'a@example.com' } });
    expect(verified.extraValues).toEqual({ plan: 'gold', seats: '3' });
    const { payload, protectedHeader } = await jwtVerify(jwt, new TextEncoder().encode(HS_KEY.secret));
    expect(protectedHeader).toEqual({ alg: 'HS256', typ: 'JWT', kid: HS_KEY.kid });
    expect(payload.exp! - payload.iat!).toBe(7200);
  });

  it('HS256 with a 64-hex secret', async () => {
    const jwt = await signIdentity({ uuid: 7 }, { kid: HS_KEY_256.kid, secret: HS_KEY_256.secret, lifetime: 3660 });
    expect((await verifier.verify({ jwt })).uuid).toBe('7');
    await jwtVerify(jwt, new TextEncoder().encode(HS_KEY_256.secret));
  });

  it('RS256 with a PKCS#8 PEM, a PKCS#1 PEM, a JWK and a CryptoKey', async () => {
    const pkcs8 = rsa.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const pkcs1 = rsa.privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
    const jwk = rsa.privateKey.export({ format: 'jwk' }) as JsonWebKey;
    const cryptoKey = await crypto.subtle.importKey('jwk', jwk, { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }, false, ['sign']);
    const publicKey = await importSPKI(rsa.publicKeyPem, 'RS256');
    for (const privateKey of [pkcs8, pkcs1, jwk, cryptoKey]) {
      const jwt = await signIdentity(identity, { kid: rsa.kid, privateKey, lifetime: '90m' });
      expect(decodeProtectedHeader(jwt)).toEqual({ alg: 'RS256', typ: 'JWT', kid: rsa.kid });
      expect((await verifier.verify({ jwt })).uuid).toBe('user-42');
      await jwtVerify(jwt, publicKey);
    }
  });

  it('passes the identity through as it is and sets iat and exp', async () => {
    const jwt = await signIdentity({ uuid: 'u', firstname: 'Ada' }, { kid: HS_KEY.kid, secret: HS_KEY.secret, lifetime: '1d' });
    const payload = decodeJwt(jwt);
    expect(Object.keys(payload).sort()).toEqual(['exp', 'firstname', 'iat', 'uuid']);
    expect(Math.abs(payload.iat! - Date.now() / 1000)).toBeLessThan(5);
    expect(payload.exp! - payload.iat!).toBe(86_400);
  });

  it('reports what the verifier would drop through onWarning', async () => {
    const warnings: IdentityWarning[] = [];
    await signIdentity({ uuid: 'u', email: 'not-an-email', nickname: 'x' } as never, {
      kid: HS_KEY.kid, secret: HS_KEY.secret, lifetime: '2h', onWarning: (warning) => warnings.push(warning),
    });
    expect(warnings.map((w) => `${w.code} ${w.path}`).sort()).toEqual(['W_FIELD_DROPPED payload.email', 'W_UNKNOWN_FIELD payload.nickname']);
  });
});

describe('without node:crypto (Workers, browsers): WebCrypto', () => {
  async function withoutNodeCrypto<T>(run: () => Promise<T>): Promise<T> {
    const processWithBuiltins = process as { getBuiltinModule?: unknown };
    const original = processWithBuiltins.getBuiltinModule;
    processWithBuiltins.getBuiltinModule = undefined;
    try {
      return await run();
    } finally {
      processWithBuiltins.getBuiltinModule = original;
    }
  }

  it('HS256 tokens verify the same', async () => {
    // A secret no other test uses: signers are remembered per secret.
    const key = { id: 'web', secret: 'fedcba9876543210fedcba98' };
    const jwt = await withoutNodeCrypto(() => signIdentity(identity, { kid: key.id, secret: key.secret, lifetime: '2h' }));
    const web = createVerifier(defineCommunity({ jwtKeys: [key] }));
    expect((await web.verify({ jwt })).uuid).toBe('user-42');
    await jwtVerify(jwt, new TextEncoder().encode(key.secret));
  });

  it('a PKCS#1 PEM, which WebCrypto cannot read, is refused with the openssl command that converts it', async () => {
    const pkcs1 = rsaKey('rsa_other').privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
    const error = await withoutNodeCrypto(() => signIdentity(identity, { kid: 'k', privateKey: pkcs1, lifetime: '2h' }).catch((e: Error) => e));
    expect(String(error)).toMatch(/TypeError: .*PKCS#1.*openssl pkcs8 -topk8 -nocrypt/);
  });
});

describe('refuses what a community would refuse, with the same codes', () => {
  const hs = { kid: HS_KEY.kid, secret: HS_KEY.secret, lifetime: '2h' };

  it('no uuid → ERR_JWT_UUID_MISSING', async () => {
    expect(await codeOf(signIdentity({ email: 'a@example.com' }, hs))).toBe('ERR_JWT_UUID_MISSING');
    expect(await codeOf(signIdentity({ uuid: '' }, hs))).toBe('ERR_JWT_UUID_MISSING');
    expect(await codeOf(signIdentity({ uuid: -1 }, hs))).toBe('ERR_JWT_UUID_MISSING');
    expect(await codeOf(signIdentity({ uuid: { id: 1 } } as never, hs))).toBe('ERR_JWT_UUID_MISSING');
  });

  it('no uuid but a `sub` → the verifier\'s words, naming `sub`', async () => {
    await expect(signIdentity({ sub: '42' } as never, hs)).rejects.toMatchObject({
      code: 'ERR_JWT_UUID_MISSING',
      message: 'The JWT has no uuid: `sub` is set; chatq reads `uuid`. Put the visitor\'s id in your system in "uuid" (sub may stay).',
    });
  });

  it('a lifetime under the minimum → ERR_JWT_EXP_TOO_SOON', async () => {
    expect(await codeOf(signIdentity({ uuid: 'u' }, { ...hs, lifetime: '50m' }))).toBe('ERR_JWT_EXP_TOO_SOON');
    expect(await codeOf(signIdentity({ uuid: 'u' }, { ...hs, lifetime: '2h', minTokenLifetime: 3 * 3600 }))).toBe('ERR_JWT_EXP_TOO_SOON');
    expect(await codeOf(signIdentity({ uuid: 'u' }, { ...hs, lifetime: 90, minTokenLifetime: 30 }))).toBe('resolved');
  });

  it('a lifetime past 10 years (milliseconds?) → ERR_JWT_MALFORMED, as the verifier', async () => {
    expect(await codeOf(signIdentity({ uuid: 'u' }, { ...hs, lifetime: Date.now() }))).toBe('ERR_JWT_MALFORMED');
  });

  it('a field of the wrong type → ERR_IDENTITY_INVALID', async () => {
    expect(await codeOf(signIdentity({ uuid: 'u', email: 42 } as never, hs))).toBe('ERR_IDENTITY_INVALID');
    expect(await codeOf(signIdentity({ uuid: 'u', extra_values: { a: { b: 1 } } } as never, hs))).toBe('ERR_IDENTITY_INVALID');
    expect(await codeOf(signIdentity([] as never, hs))).toBe('ERR_IDENTITY_INVALID');
  });

  it('the community refuses the same payloads', async () => {
    // Signed by hand past signIdentity's checks: the verifier gives the codes signIdentity gave.
    const { signHS256, nowSeconds } = await import('../helpers/sign.js');
    const now = nowSeconds();
    const code = (payload: object) => codeOf(verifier.verify({ jwt: signHS256(payload, HS_KEY) }));
    expect(await code({ email: 'a@example.com', exp: now + 7200 })).toBe('ERR_JWT_UUID_MISSING');
    expect(await code({ uuid: 'u', exp: now + 3000 })).toBe('ERR_JWT_EXP_TOO_SOON');
    expect(await code({ uuid: 'u', email: 42, exp: now + 7200 })).toBe('ERR_IDENTITY_INVALID');
  });

  it('a bad kid, secret or key → a TypeError or RangeError that says what to change', async () => {
    const message = async (options: object) => {
      try {
        await signIdentity({ uuid: 'u' }, { lifetime: '2h', ...options } as never);
      } catch (error) {
        return `${(error as Error).name}: ${(error as Error).message}`;
      }
      return 'resolved';
    };
    expect(await message({ kid: 'Site_2026', secret: HS_KEY.secret })).toMatch(/^TypeError: kid .*case-sensitive/);
    expect(await message({ kid: 'x'.repeat(65), secret: HS_KEY.secret })).toMatch(/^TypeError: kid/);
    expect(await message({ kid: 'k', secret: 'abc' })).toMatch(/^TypeError: secret must be the 24 or 64 characters 0-9 a-f/);
    expect(await message({ kid: 'k', secret: `${HS_KEY.secret}\n` })).toMatch(/trailing newline/);
    expect(await message({ kid: 'k', secret: HS_KEY.secret.toUpperCase() })).toMatch(/lower case/);
    expect(await message({ kid: 'k' })).toMatch(/^TypeError: give secret \(HS256\) or privateKey \(RS256\)/);
    expect(await message({ kid: 'k', secret: HS_KEY.secret, privateKey: 'x' })).toMatch(/not both/);
    expect(await message({ kid: 'k', privateKey: rsa.publicKeyPem })).toMatch(/public key.*private half/);
    const small = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    expect(await message({ kid: 'k', privateKey: small })).toMatch(/^RangeError: privateKey is a 1024-bit RSA key/);
    expect(await message({ kid: 'k', secret: HS_KEY.secret, lifetime: '2 hours' })).toMatch(/^RangeError: lifetime must be/);
    const secret = HS_KEY.secret;
    expect(await message({ kid: 'k', secret: secret.slice(0, 23) + 'g' })).not.toContain(secret.slice(0, 23));
  });

  it('time claims in the identity are refused: signIdentity sets them', async () => {
    expect(await codeOf(signIdentity({ uuid: 'u', exp: 1 } as never, hs))).toBe('TypeError');
  });
});

describe('SPEC §13: a lifetime must reach the server over the minimum (issue 17 "short lifetimes")', () => {
  const hs = { kid: HS_KEY.kid, secret: HS_KEY.secret };

  it("'1h' with the default minimum (1 h) is refused, naming the margin to add", async () => {
    const error = await signIdentity({ uuid: 'u' }, { ...hs, lifetime: '1h' }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'ERR_JWT_EXP_TOO_SOON', path: 'payload.exp' });
    expect((error as Error).message).toBe(
      "lifetime is 3600 s, no margin over the community's minTokenLifetime (3600 s): the token reaches the server seconds after it is signed, " +
        `with less than 3600 s left, and is refused. Add a margin of at least ${LIFETIME_MARGIN} s for the way to the server: a lifetime of at least 3660 s (e.g. '2h').`,
    );
  });

  it('the token it would have signed is refused by the server 11 s later: the margin is what keeps it', async () => {
    const later = createVerifier(community, { now: () => Date.now() + 11_000, cacheSize: 0 });
    const { signHS256, nowSeconds } = await import('../helpers/sign.js');
    const now = nowSeconds();
    await expect(later.verify({ jwt: signHS256({ uuid: 'u', iat: now, exp: now + 3600 }, HS_KEY) })).rejects.toMatchObject({ code: 'ERR_JWT_EXP_TOO_SOON' });
    const margin = await signIdentity({ uuid: 'u' }, { ...hs, lifetime: 3600 + LIFETIME_MARGIN });
    expect((await later.verify({ jwt: margin })).uuid).toBe('u');
  });

  it('the minimum plus the margin is the shortest lifetime signed, for any minimum', async () => {
    for (const min of [1, 30, 600, 3600, 86_400]) {
      expect(await codeOf(signIdentity({ uuid: 'u' }, { ...hs, lifetime: min + LIFETIME_MARGIN - 1, minTokenLifetime: min })), `min ${min}`).toBe('ERR_JWT_EXP_TOO_SOON');
      expect(await codeOf(signIdentity({ uuid: 'u' }, { ...hs, lifetime: min + LIFETIME_MARGIN, minTokenLifetime: min })), `min ${min}`).toBe('resolved');
    }
  });

  it('a community without a minimum (0) takes any lifetime', async () => {
    expect(await codeOf(signIdentity({ uuid: 'u' }, { ...hs, lifetime: 20, minTokenLifetime: 0 }))).toBe('resolved');
  });

  it('the minimum is read from the community when the backend defines it too', async () => {
    const strict = defineCommunity({ jwtKeys: [{ id: HS_KEY.kid, secret: HS_KEY.secret }], minTokenLifetime: 2 * 3600 });
    const error = await signIdentity({ uuid: 'u' }, { ...hs, lifetime: '2h', community: strict }).catch((e: Error) => e);
    expect(error).toMatchObject({ code: 'ERR_JWT_EXP_TOO_SOON', message: expect.stringContaining("minTokenLifetime (7200 s)") });
    expect(await codeOf(signIdentity({ uuid: 'u' }, { ...hs, lifetime: '3h', community: strict }))).toBe('resolved');
    const lenient = defineCommunity({ jwtKeys: [{ id: HS_KEY.kid, secret: HS_KEY.secret }], minTokenLifetime: 60 });
    expect(await codeOf(signIdentity({ uuid: 'u' }, { ...hs, lifetime: '5m', community: lenient }))).toBe('resolved');
    expect(await codeOf(signIdentity({ uuid: 'u' }, { ...hs, lifetime: '5m', community: lenient, minTokenLifetime: 3600 }))).toBe('TypeError');
  });
});

describe('lifetime', () => {
  it('takes seconds or 90s, 90m, 2h, 1d', () => {
    expect([3600, '3600', '90s', '90m', '2h', '1d', '1.5h'].map(parseLifetime)).toEqual([3600, 3600, 90, 5400, 7200, 86_400, 5400]);
  });

  it('refuses anything else', () => {
    for (const bad of [0, -5, Number.NaN, '', '2 hours', '2w', '1e3', null, undefined]) expect(() => parseLifetime(bad)).toThrow(RangeError);
  });
});
