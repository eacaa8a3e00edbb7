/**
 * src/server/verifier/verifier.ts: createVerifier's own flow — modes, the key source (sync, async,
 * failing), the signature step, results built afresh, options. Each SPEC §4 step has its own file
 * beside this one (header, claims, signature, bounds, cache…).
 */
import { describe, expect, it } from 'vitest';
import { IdentityError } from '../../../src/identity/index.js';
import { createVerifier, defineCommunity } from '../../../src/server/verifier/index.js';
import { createStaticKeySource, createVerificationKey } from '../../../src/server/verifier/keys.js';
import type { KeySource, VerificationKey } from '../../../src/server/verifier/types.js';
import { HS_KEY } from '../../helpers/sign.js';
import { failure, forge, HS_HEADER, keys, NOW, payload, useVerifierTestHooks } from './fixtures.js';

useVerifierTestHooks();

const clock = { now: () => NOW * 1000 };
const hsKey = createVerificationKey({ id: HS_KEY.kid, secret: HS_KEY.secret });
const withSource = (keySource: KeySource, cacheSize?: number) =>
  createVerifier(defineCommunity({ jwtKeys: keys }), { keySource, ...clock, ...(cacheSize === undefined ? {} : { cacheSize }) });

describe('createVerifier: modes', () => {
  it("'require' refuses a visitor without a JWT; 'reject' refuses one with a JWT; 'accept' takes both", async () => {
    const token = forge(HS_HEADER);
    const require_ = createVerifier(defineCommunity({ signedIdentities: 'require', jwtKeys: keys }), clock);
    expect((await failure(require_.verify({ identity: { uuid: 'u' } }))).code).toBe('ERR_SIGNED_IDENTITY_REQUIRED');
    expect(await require_.verify({ jwt: token })).toMatchObject({ uuid: 'user-42', uuidSource: 'jwt', signed: true, kid: HS_KEY.kid, expiresAt: (NOW + 7200) * 1000 });
    const reject = createVerifier(defineCommunity({ signedIdentities: 'reject', jwtKeys: [] }), clock);
    expect((await failure(reject.verify({ jwt: token }))).code).toBe('ERR_SIGNED_IDENTITY_REJECTED');
    expect(await reject.verify({ identity: { uuid: 'u-1' } })).toMatchObject({ uuid: 'u-1', uuidSource: 'unsigned', signed: false });
  });

  it('an unnamed visitor gets the automated uuid in its own namespace', async () => {
    const verifier = createVerifier(defineCommunity({ signedIdentities: 'reject', jwtKeys: [] }), clock);
    expect(await verifier.verify({ automatedUuid: 'A'.repeat(22) })).toMatchObject({ uuid: 'A'.repeat(22), uuidSource: 'automated', signed: false });
  });

  it('refuses an input that is not an object with ERR_IDENTITY_INVALID, as a rejection (never a throw)', async () => {
    const verifier = createVerifier(defineCommunity({ jwtKeys: keys }), clock);
    for (const input of [null, 'jwt', 42]) {
      const promise = verifier.verify(input as never);
      expect(promise).toBeInstanceOf(Promise);
      expect((await failure(promise)).code).toBe('ERR_IDENTITY_INVALID');
    }
  });

  it('ignores identity data given beside a JWT, and says so', async () => {
    const verifier = createVerifier(defineCommunity({ jwtKeys: keys }), clock);
    const result = await verifier.verify({ jwt: forge(HS_HEADER), identity: { uuid: 'someone-else', email: 'x@example.com' } });
    expect(result.uuid).toBe('user-42');
    expect(result.warnings).toContainEqual(expect.objectContaining({ code: 'W_UNSIGNED_IGNORED', path: 'identity' }));
  });
});

describe('createVerifier: the key source', () => {
  it('waits for an asynchronous key source', async () => {
    const verifier = withSource({ getKey: async (kid) => (kid === hsKey.id ? hsKey : undefined) });
    expect(await verifier.verify({ jwt: forge(HS_HEADER) })).toMatchObject({ kid: HS_KEY.kid, signed: true });
  });

  it('names a kid no key has, with what to set', async () => {
    const error = await failure(withSource(createStaticKeySource([hsKey])).verify({ jwt: forge({ ...HS_HEADER, kid: 'SITE_2026' }) }));
    expect(error.code).toBe('ERR_JWT_KID_UNKNOWN');
    expect(error.message).toContain('"SITE_2026" names no configured key');
  });

  it('turns a failing key source into ERR_KEY_SOURCE (thrown or rejected) and passes its own IdentityError through', async () => {
    const thrown = withSource({ getKey: () => { throw new Error('ECONNREFUSED 10.0.0.1'); } });
    const rejected = withSource({ getKey: () => Promise.reject(new Error('timeout')) });
    const own = withSource({ getKey: () => Promise.reject(new IdentityError('ERR_JWT_KID_UNKNOWN', 'duplicate kid', { path: 'header.kid' })) });
    for (const verifier of [thrown, rejected]) {
      const error = await failure(verifier.verify({ jwt: forge(HS_HEADER) }));
      expect(error.code).toBe('ERR_KEY_SOURCE');
      expect(error.message).not.toContain('10.0.0.1');
    }
    expect((await failure(own.verify({ jwt: forge(HS_HEADER) }))).message).toBe('duplicate kid');
  });

  it('refuses a key of the other algorithm (no HS256 token verifies with an RSA key and back)', async () => {
    const rsaOnly = keys.find((key) => 'publicKey' in key)!;
    const error = await failure(withSource(createStaticKeySource([createVerificationKey({ ...rsaOnly, id: HS_KEY.kid })])).verify({ jwt: forge(HS_HEADER) }));
    expect(error.code).toBe('ERR_JWT_ALG');
    expect(error.message).toContain('is an RS256 key');
  });

  it('a cached token stops verifying once its key leaves the key source', async () => {
    let current: VerificationKey | undefined = hsKey;
    const verifier = withSource({ getKey: (kid) => (kid === hsKey.id ? current : undefined) });
    const token = forge(HS_HEADER);
    await verifier.verify({ jwt: token });
    await verifier.verify({ jwt: token }); // admitted to the cache on its second verification
    current = undefined;
    expect((await failure(verifier.verify({ jwt: token }))).code).toBe('ERR_JWT_KID_UNKNOWN');
  });
});

describe('createVerifier: the signature step', () => {
  const weird = (verify: VerificationKey['verify']): KeySource => createStaticKeySource([Object.freeze({ id: HS_KEY.kid, alg: 'HS256', verify }) as VerificationKey]);

  it('counts a check that throws, rejects or answers anything but true as a bad signature', async () => {
    const checks: Array<VerificationKey['verify']> = [
      () => { throw new Error('boom'); },
      () => Promise.reject(new Error('boom')),
      () => 'yes' as unknown as boolean,
      async () => 1 as unknown as boolean,
    ];
    for (const check of checks) expect((await failure(withSource(weird(check)).verify({ jwt: forge(HS_HEADER) }))).code).toBe('ERR_JWT_SIGNATURE');
  });

  it("says what to change when a signature fails: the key's secret, or the mistake it verifies with", async () => {
    const plain = await failure(withSource(createStaticKeySource([hsKey])).verify({ jwt: forge(HS_HEADER, payload(), () => 'A'.repeat(43)) }));
    expect(plain.message).toBe(`The JWT signature does not verify with key "${HS_KEY.kid}"; sign with that key's secret, and do not alter the token after signing.`);
  });
});

describe('createVerifier: results and options', () => {
  it('builds every result afresh: changing one never changes the next, cached or not', async () => {
    const verifier = createVerifier(defineCommunity({ jwtKeys: keys }), clock);
    const token = forge(HS_HEADER, payload({ firstname: 'Ada' }));
    for (let i = 0; i < 3; i++) {
      const result = await verifier.verify({ jwt: token });
      expect(result.fields.firstname).toBe('Ada');
      (result.fields as Record<string, unknown>).firstname = 'Mallory';
      result.warnings.push({ code: 'W_X', path: 'x', message: 'x' } as never);
    }
    expect((await verifier.verify({ jwt: token })).warnings).toEqual([]);
  });

  it('refuses a cacheSize that is not a non-negative integer, naming the option', () => {
    for (const cacheSize of [-1, 1.5, '10', Number.NaN]) {
      let thrown: unknown;
      try {
        createVerifier(defineCommunity({ jwtKeys: keys }), { cacheSize: cacheSize as number });
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toMatchObject({ code: 'ERR_VERIFIER_CONFIG', problems: [expect.objectContaining({ path: 'options.cacheSize' })] });
    }
    expect(() => createVerifier(defineCommunity({ jwtKeys: keys }), { cacheSize: 0 })).not.toThrow();
  });

  it('is frozen and carries the policy and the community id', () => {
    const verifier = createVerifier(defineCommunity({ id: 'shop', jwtKeys: keys }));
    expect(Object.isFrozen(verifier)).toBe(true);
    expect(verifier.communityId).toBe('shop');
    expect(verifier.policy.mode).toBe('require');
  });
});
