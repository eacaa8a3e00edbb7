/**
 * SPEC §4 step 3: the header — alg pinned to the key's kind, kid required
 * and known, dangerous members refused.
 * Tokens are signed by test/helpers/sign.ts (node:crypto by hand, no jose);
 * shared helpers are in fixtures.ts.
 */
import { createHmac, sign as rawSign } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { IdentityError } from '../../../src/identity/index.js';
import { createVerifier, defineCommunity } from '../../../src/server/verifier/index.js';
import { b64url, hmacSignature, HS_KEY, HS_KEY_256, signRS256 } from '../../helpers/sign.js';
import { codeOf, failure, forge, HS_HEADER, hsWithHeader, OTHER_RSA, payload, rejects, RS_HEADER, rs, RSA, rsa, T, verifierFor, useVerifierTestHooks } from './fixtures.js';

useVerifierTestHooks();

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

describe('header parameters are own members of the header', () => {
  /** Sets members on Object.prototype only while `run` starts the verification, then removes them. */
  function whilePolluted(members: Record<string, string>, run: () => Promise<unknown>): Promise<unknown> {
    const prototype = Object.prototype as Record<string, unknown>;
    Object.assign(prototype, members);
    try {
      return run();
    } finally {
      for (const name of Object.keys(members)) delete prototype[name];
    }
  }
  const outcome = (promise: Promise<unknown>) => promise.then(() => 'verified', (error: IdentityError) => error.code);

  it('alg and kid inherited from a polluted Object.prototype are not read', async () => {
    const verifier = verifierFor();
    const result = whilePolluted({ alg: 'HS256', kid: HS_KEY.kid }, () => verifier.verify({ jwt: hsWithHeader({ typ: 'JWT' }) }));
    expect(await outcome(result)).toBe('ERR_JWT_ALG');
  });

  it('an inherited typ is not checked: only a typ the token carries must be "JWT"', async () => {
    const verifier = verifierFor();
    const result = whilePolluted({ typ: 'JOSE+JSON' }, () => verifier.verify({ jwt: hsWithHeader({ alg: 'HS256', kid: HS_KEY.kid }) }));
    expect(await outcome(result)).toBe('verified');
  });
});
