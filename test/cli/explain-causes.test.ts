/**
 * SPEC §4 steps 2–6, the likely causes `chatq explain` adds to a failed check
 * (src/cli/explain-causes.ts), each function on its own with a fixed instant.
 * How explain shows them is in test/cli/index.test.ts.
 */
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { claimsCauses, fieldCauses, headerCauses, shapeCauses, signatureCauses } from '../../src/cli/explain-causes.js';
import { IdentityError, type IdentityErrorCode, type IdentityPolicy } from '../../src/identity/index.js';
import { b64url } from '../helpers/sign.js';

const NOW = 1_800_000_000;
const POLICY: IdentityPolicy = { mode: 'require', minTokenLifetime: 3600, clockTolerance: 10 };
const SECRET_A = '0123456789abcdef01234567';
const SECRET_B = 'fedcba9876543210fedcba98';
const error = (code: IdentityErrorCode, path?: string) => new IdentityError(code, 'the verifier\'s message', { path });
const causesOf = (list: { cause: string }[]) => list.map((item) => item.cause);

/** A token over a fixed header and payload, its signature made with `key` (any string). */
function tokenSignedWith(key: string, kid = 'site_a'): string {
  const input = `${b64url({ alg: 'HS256', kid })}.${b64url({ uuid: 'u1' })}`;
  return `${input}.${createHmac('sha256', key).update(input).digest('base64url')}`;
}

describe('shapeCauses: the ways a copied token is damaged', () => {
  it('finds nothing in a clean token, whitespace around it included', () => {
    expect(shapeCauses(' aaa.bbb.ccc\n')).toEqual([]);
  });

  it('a Bearer prefix (any case), quotes, whitespace inside', () => {
    expect(shapeCauses('Bearer aaa.bbb.ccc')).toEqual([{ cause: 'the token starts with "Bearer "', fix: 'give the token alone: the widget sends it as it is.' }]);
    expect(causesOf(shapeCauses('bearer\taaa.bbb.ccc'))).toEqual(['the token starts with "Bearer "']);
    expect(causesOf(shapeCauses('"aaa.bbb.ccc"'))).toEqual(['the token is in quotes (copied from JSON or a shell?)']);
    expect(causesOf(shapeCauses("aaa.bbb.ccc'"))).toEqual(['the token is in quotes (copied from JSON or a shell?)']);
    expect(causesOf(shapeCauses('aaa.bb\nb.ccc'))).toEqual(['the token contains whitespace or a line break (copied from a wrapped terminal or an e-mail?)']);
  });

  it('standard base64, and a token of 2 or 5 parts', () => {
    expect(causesOf(shapeCauses('a+a.b/b.cc=='))).toEqual(['the parts use standard base64 (+, /, =) rather than base64url']);
    expect(shapeCauses('aaa.bbb')).toEqual([{ cause: 'the token has 2 parts: the signature is missing (an unsigned "alg: none" token?)', fix: 'sign it with HS256 or RS256.' }]);
    expect(shapeCauses('a.b.c.d.e')).toEqual([{ cause: 'the token has 5 parts: it is an encrypted JWT (JWE)', fix: 'sign the token (JWS), do not encrypt it.' }]);
    expect(shapeCauses('a.b.c.d')).toEqual([]);
  });

  it('every cause at once, in order', () => {
    expect(shapeCauses('Bearer "a+a.b b"').map((cause) => cause.cause.slice(0, 25))).toEqual([
      'the token starts with "Be',
      'the token is in quotes (c',
      'the token contains whites',
      'the parts use standard ba',
      'the token has 2 parts: th',
    ]);
  });
});

describe('headerCauses', () => {
  it('no kid: the look-alike member to rename, or how each library sets kid', () => {
    expect(headerCauses({ alg: 'HS256', keyId: 'site_a' }, error('ERR_JWT_KID_MISSING'))).toEqual([{ cause: 'the header has "keyId"; the name is "kid"', fix: 'rename "keyId" to "kid".' }]);
    expect(causesOf(headerCauses({ alg: 'HS256', KID: 'x' }, error('ERR_JWT_KID_MISSING')))).toEqual(['the header has "KID"; the name is "kid"']);
    const [generic] = headerCauses({ alg: 'HS256', kid: '' }, error('ERR_JWT_KID_MISSING'));
    expect(generic!.cause).toBe('the token was signed without a key id');
    expect(generic!.fix).toMatch(/jsonwebtoken \{ keyid: 'id' \}, PyJWT headers=\{'kid': 'id'\}, jose setProtectedHeader\(\{ alg, kid \}\)/);
  });

  it('alg: HS384 or HS512 is a library default; none is no signature; other algs get no guess', () => {
    expect(headerCauses({ alg: 'HS512' }, error('ERR_JWT_ALG'))).toEqual([{ cause: "the library's default or configured algorithm is HS512", fix: "sign with algorithm 'HS256'." }]);
    expect(causesOf(headerCauses({ alg: 'none' }, error('ERR_JWT_ALG')))).toEqual(['the token is not signed ("alg": "none")']);
    expect(headerCauses({ alg: 'RS512' }, error('ERR_JWT_ALG'))).toEqual([]);
    expect(headerCauses({ alg: 'HS384' }, error('ERR_JWT_HEADER'))).toEqual([]);
  });
});

describe('signatureCauses: the secrets signed with by mistake that the verifier does not try', () => {
  const keys = [{ id: 'site_a', secret: SECRET_A }, { id: 'site_b', secret: SECRET_B }, { id: 'rsa_main' }];

  it('the secret with a Windows line break, or in upper case', () => {
    expect(signatureCauses(tokenSignedWith(`${SECRET_A}\r\n`), 'site_a', keys)).toEqual([
      { cause: 'it verifies with the secret followed by CR LF: the secret file ends with a Windows line break', fix: 'trim the secret when you read it.' },
    ]);
    expect(causesOf(signatureCauses(tokenSignedWith(SECRET_A.toUpperCase()), 'site_a', keys))).toEqual(['it verifies with the secret in upper case']);
  });

  it('the secret of another key than the kid names, whether the kid is configured or not', () => {
    expect(signatureCauses(tokenSignedWith(SECRET_B), 'site_a', keys)).toEqual([
      { cause: 'it verifies with the secret of key `site_b`, but its kid says `site_a`', fix: 'set kid to "site_b", or sign with the secret of "site_a".' },
    ]);
    expect(causesOf(signatureCauses(tokenSignedWith(SECRET_B, 'Site_B'), 'Site_B', keys))).toEqual(['it verifies with the secret of key `site_b`, but its kid says `Site_B`']);
  });

  it('nothing for a signature no configured secret explains, nor for the right one', () => {
    expect(signatureCauses(tokenSignedWith('another secret'), 'site_a', keys)).toEqual([]);
    expect(signatureCauses(tokenSignedWith(SECRET_A), 'site_a', keys)).toEqual([]);
    expect(signatureCauses(tokenSignedWith(SECRET_A), 'rsa_main', [{ id: 'rsa_main' }])).toEqual([]);
  });
});

describe('claimsCauses', () => {
  it('a time claim in milliseconds, or written as a string, at the path the verifier refused', () => {
    expect(claimsCauses({ exp: NOW * 1000 }, error('ERR_JWT_MALFORMED', 'payload.exp'), POLICY, NOW)).toEqual([
      { cause: `exp looks like milliseconds (${NOW * 1000})`, fix: expect.stringMatching(/^exp counts seconds since the epoch, not milliseconds/) },
    ]);
    expect(claimsCauses({ exp: NOW + 7200, iat: `${NOW}1234567890123` }, error('ERR_JWT_MALFORMED', 'payload.iat'), POLICY, NOW)).toEqual([
      { cause: `iat is a string ("${NOW}1234567890")`, fix: 'write iat as a JSON number.' },
    ]);
    // Only the claim the verifier named: exp in milliseconds says nothing about a refused nbf.
    expect(claimsCauses({ exp: NOW * 1000, nbf: 'soon' }, error('ERR_JWT_MALFORMED', 'payload.nbf'), POLICY, NOW)).toEqual([]);
  });

  it('a lifetime under the minimum, in minutes from a 2-minute minimum on, else in seconds', () => {
    expect(claimsCauses({ exp: NOW + 1830 }, error('ERR_JWT_EXP_TOO_SOON', 'payload.exp'), POLICY, NOW)).toEqual([
      { cause: 'this token has 30 minutes left; the community asks for 60', fix: 'sign with a lifetime of at least 3600 s, or renew the token earlier.' },
    ]);
    const causes = (exp: number, minTokenLifetime: number) => causesOf(claimsCauses({ exp }, error('ERR_JWT_EXP_TOO_SOON', 'payload.exp'), { ...POLICY, minTokenLifetime }, NOW));
    expect(causes(NOW + 60, 120)).toEqual(['this token has 1 minute left; the community asks for 2']);
    expect(causes(NOW + 1, 119)).toEqual(['this token has 1 second left; the community asks for 119']);
  });

  it('an expired token: cached, or this clock ahead', () => {
    expect(causesOf(claimsCauses({ exp: NOW - 5 }, error('ERR_JWT_EXPIRED', 'payload.exp'), POLICY, NOW))).toEqual([
      "the token is older than its lifetime (cached by the page or the backend?) or this clock is ahead of the signer's",
    ]);
  });

  it('nbf or iat in the future, by how much, with the tolerance', () => {
    expect(claimsCauses({ exp: NOW + 7200, nbf: NOW + 37 }, error('ERR_JWT_NOT_YET_VALID', 'payload.nbf'), POLICY, NOW)).toEqual([
      {
        cause: "nbf is 37 seconds in the future: the signing server's clock runs ahead, or nbf was rounded up",
        fix: "sync the signing server's clock (NTP) and use Math.floor(Date.now() / 1000); clockTolerance allows 10 s.",
      },
    ]);
    expect(causesOf(claimsCauses({ exp: NOW + 7200, iat: NOW + 1 }, error('ERR_JWT_NOT_YET_VALID', 'payload.iat'), POLICY, NOW))).toEqual([
      "iat is 1 second in the future: the signing server's clock runs ahead, or iat was rounded up",
    ]);
  });

  it('nothing for a claim error the verifier words alone (no uuid)', () => {
    expect(claimsCauses({ exp: NOW + 7200, sub: '42' }, error('ERR_JWT_UUID_MISSING', 'payload.uuid'), POLICY, NOW)).toEqual([]);
  });
});

describe('fieldCauses: names the verifier ignores that look like identity fields', () => {
  it('names the field that was meant, compared without case, _ or -', () => {
    expect(fieldCauses({ first_name: 'Ada' })).toEqual([{ cause: '`first_name` is not read: the field is `firstname`', fix: 'rename "first_name" to "firstname".' }]);
    const meant = (name: string) => fieldCauses({ [name]: 'x' }).map((cause) => /the field is `(\w+)`/.exec(cause.cause)?.[1]);
    expect(['FirstName', 'avatarUrl', 'AVATAR-URL', 'extraValues', 'e-mail', 'Screen_Name', 'UUID'].map(meant).flat()).toEqual([
      'firstname', 'avatar_url', 'avatar_url', 'extra_values', 'email', 'screenname', 'uuid',
    ]);
  });

  it('nothing for the identity fields themselves or names that look like none', () => {
    expect(fieldCauses({ uuid: '1', firstname: 'Ada', avatar_url: 'https://a', extra_values: {}, plan: 'gold', exp: 1, name: 'Ada' })).toEqual([]);
  });
});
