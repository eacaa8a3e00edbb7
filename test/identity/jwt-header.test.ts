/**
 * SPEC §4 step 3, the header checks that need no key (src/identity/jwt-header.ts),
 * called directly: the verifier runs them in test/server/verifier/header.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { checkHeader, MAX_HEADER_LENGTH } from '../../src/identity/jwt-header.js';
import type { JsonObject } from '../../src/identity/jwt.js';
import { thrown } from './thrown.js';

const GOOD = { alg: 'HS256', typ: 'JWT', kid: 'site_2026' };
const fails = (header: JsonObject, length = 40) => thrown(() => checkHeader(header, length));

describe('a header that passes', () => {
  it('gives its alg and kid, HS256 or RS256, with or without typ', () => {
    expect(checkHeader(GOOD, 40)).toEqual({ alg: 'HS256', kid: 'site_2026' });
    expect(checkHeader({ alg: 'RS256', kid: 'rsa_main' }, 40)).toEqual({ alg: 'RS256', kid: 'rsa_main' });
  });

  it('lets through parameters that choose nothing (cty, x5t, a private one)', () => {
    expect(checkHeader({ ...GOOD, cty: 'x', x5t: 'abc', mine: 1 }, 60)).toEqual({ alg: 'HS256', kid: 'site_2026' });
  });
});

describe('length: at most 1024 encoded characters', () => {
  it('accepts 1024 and refuses 1025 before reading anything else, naming both numbers', () => {
    expect(MAX_HEADER_LENGTH).toBe(1024);
    expect(checkHeader(GOOD, 1024).alg).toBe('HS256');
    const error = fails({}, 1025);
    expect(error).toMatchObject({ code: 'ERR_JWT_HEADER', path: 'header' });
    expect(error.message).toMatch(/^The JWT header is 1025 characters long; at most 1024 are accepted\. Sign with only alg, typ and kid/);
  });
});

describe('alg: HS256 or RS256, nothing else', () => {
  it('refuses a missing alg, "none", other HMAC and RSA sizes and another case (ERR_JWT_ALG)', () => {
    expect(fails({ kid: 'k' }).message).toMatch(/^The JWT alg is missing; only HS256 \(with a secret\) and RS256 \(with an RSA key\) are accepted\.$/);
    for (const alg of ['none', 'HS384', 'HS512', 'RS512', 'PS256', 'ES256', 'hs256']) {
      const error = fails({ alg, kid: 'k' });
      expect(error, alg).toMatchObject({ code: 'ERR_JWT_ALG', path: 'header.alg' });
      expect(error.message).toContain(`The JWT alg is "${alg}"`);
    }
  });

  it('names the type of an alg that is not a string, and quotes at most 32 characters of a long one', () => {
    expect(fails({ alg: 256, kid: 'k' }).message).toMatch(/^The JWT alg is number;/);
    expect(fails({ alg: null, kid: 'k' }).message).toMatch(/^The JWT alg is null;/);
    expect(fails({ alg: ['HS256'], kid: 'k' }).message).toMatch(/^The JWT alg is object;/);
    expect(fails({ alg: `HS256${'x'.repeat(100)}`, kid: 'k' }).message).toContain(`"HS256${'x'.repeat(27)}";`);
  });

  it('reads only the header\'s own members: an inherited alg and kid count as missing', () => {
    const inherited = Object.create({ alg: 'HS256', kid: 'site_2026' }) as JsonObject;
    expect(fails(inherited).code).toBe('ERR_JWT_ALG');
    const ownAlg = Object.assign(Object.create({ kid: 'site_2026' }) as JsonObject, { alg: 'HS256' });
    expect(fails(ownAlg).code).toBe('ERR_JWT_KID_MISSING');
  });
});

describe('kid: a non-empty string', () => {
  it('refuses a header without kid, saying what to set (ERR_JWT_KID_MISSING)', () => {
    const error = fails({ alg: 'HS256' });
    expect(error).toMatchObject({ code: 'ERR_JWT_KID_MISSING', path: 'header.kid' });
    expect(error.message).toBe("The JWT header has no kid; set kid to the id of one of the community's jwtKeys.");
  });

  it('refuses an empty kid and one that is not a string, naming what it is', () => {
    expect(fails({ alg: 'HS256', kid: '' }).message).toContain('a kid that is not a non-empty string ("")');
    expect(fails({ alg: 'HS256', kid: 7 }).message).toContain('a kid that is not a non-empty string (number)');
    expect(fails({ alg: 'HS256', kid: null }).message).toContain('a kid that is not a non-empty string (null)');
  });
});

describe('typ: "JWT" when present', () => {
  it('refuses any other typ, its case included', () => {
    for (const typ of ['jwt', 'JWS', 'at+jwt', '', 1]) {
      const error = fails({ ...GOOD, typ });
      expect(error, String(typ)).toMatchObject({ code: 'ERR_JWT_HEADER', path: 'header.typ' });
      expect(error.message).toMatch(/; when present it must be "JWT"\.$/);
    }
  });
});

describe('parameters that would let the token choose its key: refused, not ignored', () => {
  it.each(['crit', 'jku', 'x5u', 'jwk', 'x5c', 'b64'])('%s, whatever its value', (name) => {
    for (const value of ['https://attacker.example/keys', null, false, []]) {
      const error = fails({ ...GOOD, [name]: value });
      expect(error).toMatchObject({ code: 'ERR_JWT_HEADER', path: `header.${name}` });
      expect(error.message).toBe(`The JWT header carries "${name}", which is refused: the verifier uses only the community's configured keys. Remove it from the header.`);
    }
  });
});

describe('order of the checks (one error, the first)', () => {
  it('length, then alg, then kid, then typ, then the refused parameters', () => {
    const everything = { alg: 'none', typ: 'x', jku: 'u' };
    expect(fails(everything, 2000).code).toBe('ERR_JWT_HEADER');
    expect(fails(everything).code).toBe('ERR_JWT_ALG');
    expect(fails({ ...everything, alg: 'HS256' }).code).toBe('ERR_JWT_KID_MISSING');
    expect(fails({ ...everything, alg: 'HS256', kid: 'k' }).path).toBe('header.typ');
    expect(fails({ ...everything, alg: 'HS256', kid: 'k', typ: 'JWT' }).path).toBe('header.jku');
  });
});
