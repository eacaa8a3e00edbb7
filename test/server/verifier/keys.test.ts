/** src/server/verifier/keys.ts: one key configuration checked and imported once; the static key source (SPEC §3). */
import { createPublicKey } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { IdentityError } from '../../../src/identity/index.js';
import { webCryptoBackend } from '../../../src/server/verifier/crypto/webcrypto.js';
import { createStaticKeySource, createVerificationKey, keyFingerprint, prepareKey, prepareKeys } from '../../../src/server/verifier/keys.js';
import { unknownKidHint } from '../../../src/server/verifier/kid-hints.js';
import { Problems } from '../../../src/server/verifier/problems.js';
import { rsaKey } from '../../helpers/sign.js';

const SECRET = '0123456789abcdef01234567';
const rsa = rsaKey('keys_main');

function problemsOf(config: unknown): Array<{ path: string; message: string }> {
  const problems = new Problems();
  prepareKey(config, 'jwtKeys[0]', problems);
  return problems.list;
}

describe('prepareKey', () => {
  it('imports an HS256 secret and an RS256 public key, frozen, with their algorithm', () => {
    const problems = new Problems();
    const hs = prepareKey({ id: 'site_2026', secret: SECRET }, 'k', problems)!;
    const rs = prepareKey({ id: 'rsa_1', publicKey: rsa.publicKeyPem }, 'k', problems)!;
    expect(problems.list).toEqual([]);
    expect(hs).toMatchObject({ id: 'site_2026', alg: 'HS256' });
    expect(rs).toMatchObject({ id: 'rsa_1', alg: 'RS256', bits: 2048 });
    expect(Object.isFrozen(hs) && Object.isFrozen(rs)).toBe(true);
  });

  it('says what is wrong with a secret without ever quoting it', () => {
    const cases: Array<[unknown, RegExp]> = [
      [`${SECRET}\n`, /^ends with a newline \(trailing line break from the file: trim it\)\.$/],
      [`  ${SECRET}`, /^has whitespace before it \(trim it\)\.$/],
      ['', /^is empty — is the environment variable set\?/],
      ['   ', /^is only whitespace/],
      ['0123456789abcdef0123', /^must be 24 characters 0-9 a-f, got 20 \(or 64 characters/],
      ['0123456789ABCDEF01234567', /got a character other than 0-9 a-f at position 11 \(upper-case hex is not accepted/],
      [1234, /got number\.$/],
    ];
    for (const [secret, says] of cases) {
      const list = problemsOf({ id: 'k', secret });
      expect(list).toEqual([{ path: 'jwtKeys[0].secret', message: expect.stringMatching(says) }]);
      if (typeof secret === 'string' && secret.trim()) expect(list[0]!.message).not.toContain(secret.trim());
    }
  });

  it('refuses an id that a kid header cannot carry', () => {
    for (const id of ['Site', 'a-b', '', 'x'.repeat(65), 7]) {
      expect(problemsOf({ id, secret: SECRET })[0]).toMatchObject({ path: 'jwtKeys[0].id', message: expect.stringMatching(/^must be 1–64 characters a-z 0-9 _/) });
    }
  });

  it('wants exactly one of secret and publicKey, and names an unset environment variable', () => {
    expect(problemsOf({ id: 'k' })).toEqual([{ path: 'jwtKeys[0]', message: 'needs a secret (HS256) or a publicKey (RS256).' }]);
    expect(problemsOf({ id: 'k', secret: SECRET, publicKey: rsa.publicKeyPem })).toEqual([{ path: 'jwtKeys[0]', message: 'give either secret (HS256) or publicKey (RS256), not both.' }]);
    expect(problemsOf({ id: 'k', secret: undefined })).toEqual([{ path: 'jwtKeys[0].secret', message: 'is undefined — is the environment variable set?' }]);
    expect(problemsOf('k')).toEqual([{ path: 'jwtKeys[0]', message: 'must be { id, secret } or { id, publicKey }, got a string of 1 characters.' }]);
  });

  it('reports a misspelt member and a public key that is not one', () => {
    expect(problemsOf({ id: 'k', secret: SECRET, publickey: 'x' })[0]).toMatchObject({ path: 'jwtKeys[0].publickey', message: expect.stringContaining('did you mean "publicKey"') });
    expect(problemsOf({ id: 'k', publicKey: 'not a key' })).toEqual([{ path: 'jwtKeys[0].publicKey', message: expect.stringMatching(/^not a PEM block/) }]);
  });

  it('turns a crypto import failure into a problem that quotes nothing', () => {
    const backend = { ...webCryptoBackend(), hmacSha256: () => { throw new Error(`bad key ${SECRET}`); } };
    const problems = new Problems();
    expect(prepareKey({ id: 'k', secret: SECRET }, 'k', problems, backend)).toBeUndefined();
    expect(problems.list).toEqual([{ path: 'k.secret', message: "the key could not be imported by the runtime's crypto." }]);
  });
});

describe('prepareKeys', () => {
  it('checks every entry and refuses a repeated id, naming the first', () => {
    const problems = new Problems();
    const keys = prepareKeys([{ id: 'a', secret: SECRET }, { id: 'a', secret: SECRET }, { id: 'b' }], problems);
    expect(keys.map((key) => key.id)).toEqual(['a', 'a']);
    expect(problems.list).toEqual([
      { path: 'jwtKeys[1].id', message: '"a" is already the id of jwtKeys[0]; key ids must be unique.' },
      { path: 'jwtKeys[2]', message: 'needs a secret (HS256) or a publicKey (RS256).' },
    ]);
  });

  it('takes nothing as no keys and refuses a non-array', () => {
    const problems = new Problems();
    expect(prepareKeys(undefined, problems)).toEqual([]);
    expect(prepareKeys({ id: 'a' }, problems)).toEqual([]);
    expect(problems.list[0]).toMatchObject({ path: 'jwtKeys', message: expect.stringMatching(/^must be an array/) });
  });
});

describe('createStaticKeySource', () => {
  it('finds keys by id, synchronously, and lets an unknown kid be named with the configured ids', () => {
    const a = createVerificationKey({ id: 'a', secret: SECRET });
    const source = createStaticKeySource([a]);
    expect(source.getKey('a')).toBe(a);
    expect(source.getKey('A')).toBeUndefined();
    expect(unknownKidHint(source, 'A')).toContain('did you mean "a"');
    expect(Object.isFrozen(source)).toBe(true);
  });
});

describe('createVerificationKey', () => {
  it('throws ERR_COMMUNITY_INVALID listing every problem of the key', () => {
    let thrown: unknown;
    try {
      createVerificationKey({ id: 'Bad', secret: 'short' });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(IdentityError);
    expect((thrown as IdentityError).code).toBe('ERR_COMMUNITY_INVALID');
    expect((thrown as IdentityError).message).toMatch(/^The key configuration has 2 problems:\n {2}- key\.id: .*\n {2}- key\.secret: /);
  });
});

describe('keyFingerprint', () => {
  it('is the same for the same key in any form, and differs for another key or id', () => {
    const pem = createVerificationKey({ id: 'r', publicKey: rsa.publicKeyPem });
    const jwk = createVerificationKey({ id: 'r', publicKey: createPublicKey(rsa.publicKeyPem).export({ format: 'jwk' }) as { kty: 'RSA'; n: string; e: string } });
    expect(keyFingerprint(jwk)).toBe(keyFingerprint(pem));
    expect(keyFingerprint(pem)).toMatch(/^RS256:r:[0-9a-f]{16}$/);
    expect(keyFingerprint(createVerificationKey({ id: 'h', secret: SECRET }))).toBe(keyFingerprint(createVerificationKey({ id: 'h', secret: SECRET })));
    expect(keyFingerprint(createVerificationKey({ id: 'h', secret: SECRET }))).not.toBe(keyFingerprint(createVerificationKey({ id: 'h', secret: 'fedcba9876543210fedcba98' })));
    expect(keyFingerprint(createVerificationKey({ id: 'h', secret: SECRET }))).not.toBe(keyFingerprint(createVerificationKey({ id: 'g', secret: SECRET })));
  });
});
