/**
 * Property-based: a valid HS256 or RS256 token, mutated in any way an
 * attacker or a broken proxy could (flip, insert, delete characters, swap
 * parts, replace a part with random JSON, random strings), never verifies
 * unless the mutation gave back the very same token, and is only ever refused
 * with an IdentityError carrying a known code — never a TypeError, never a
 * hang. Signed payloads of random JSON never crash the verifier either.
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { IdentityError, type IdentityErrorCode } from '../../../src/identity/index.js';
import { createVerifier, defineCommunity } from '../../../src/server/verifier/index.js';
import { b64url, HS_KEY, hmacSignature, rsaKey, signHS256, signRS256 } from '../../helpers/sign.js';
import { createPublicKey } from 'node:crypto';

const KNOWN_CODES: readonly IdentityErrorCode[] = [
  'ERR_COMMUNITY_INVALID', 'ERR_SIGNED_IDENTITY_REQUIRED', 'ERR_SIGNED_IDENTITY_REJECTED', 'ERR_JWT_MALFORMED',
  'ERR_JWT_ALG', 'ERR_JWT_KID_MISSING', 'ERR_JWT_KID_UNKNOWN', 'ERR_JWT_HEADER', 'ERR_JWT_SIGNATURE',
  'ERR_JWT_EXP_MISSING', 'ERR_JWT_EXPIRED', 'ERR_JWT_EXP_TOO_SOON', 'ERR_JWT_NOT_YET_VALID', 'ERR_JWT_UUID_MISSING',
  'ERR_IDENTITY_INVALID', 'ERR_KEY_SOURCE',
];
const T = 1_800_000_000;
const RSA = rsaKey('rsa_main');
const verifier = createVerifier(
  defineCommunity({ jwtKeys: [{ id: HS_KEY.kid, secret: HS_KEY.secret }, { id: RSA.kid, publicKey: RSA.publicKeyPem }] }),
  { now: () => T * 1000 },
);
const PAYLOAD = { uuid: 'user-42', exp: T + 7200, iat: T, firstname: 'Ann', extra_values: { plan: 'gold' } };
const TOKENS = { HS256: signHS256(PAYLOAD, HS_KEY), RS256: signRS256(PAYLOAD, RSA) };

/** Resolves to 'verified' or the refusal's code; fails the property on anything else. */
async function outcome(jwt: unknown): Promise<string> {
  try {
    await verifier.verify({ jwt });
    return 'verified';
  } catch (error) {
    if (!(error instanceof IdentityError)) throw new Error(`not an IdentityError: ${String(error)}`);
    if (!KNOWN_CODES.includes(error.code)) throw new Error(`unknown code ${error.code}`);
    return error.code;
  }
}

const CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.=+/ \n\u0000é😀';
const char = fc.constantFrom(...Array.from(CHARS));
/** Mutations are data (not closures) so that fast-check prints a readable counterexample. */
type Mutation =
  | { kind: 'replace'; i: number; c: string }
  | { kind: 'insert'; i: number; c: string }
  | { kind: 'delete'; i: number; n: number }
  | { kind: 'reorder'; order: [number, number, number] }
  | { kind: 'part'; part: 0 | 1; json: unknown }
  | { kind: 'header'; extra: Record<string, unknown> }
  | { kind: 'random'; s: string };

function apply(token: string, m: Mutation): string {
  const at = (i: number): number => i % (token.length + 1);
  const parts = token.split('.');
  switch (m.kind) {
    case 'replace': {
      const k = m.i % Math.max(token.length, 1);
      return token.slice(0, k) + m.c + token.slice(k + 1);
    }
    case 'insert':
      return token.slice(0, at(m.i)) + m.c + token.slice(at(m.i));
    case 'delete':
      return token.slice(0, at(m.i)) + token.slice(at(m.i) + m.n);
    case 'reorder':
      return m.order.map((i) => parts[i] ?? '').join('.');
    case 'part':
      parts[m.part] = b64url(JSON.stringify(m.json) ?? 'null');
      return parts.join('.');
    case 'header': {
      let original: object = {};
      try {
        original = JSON.parse(Buffer.from(parts[0] ?? '', 'base64url').toString()) as object;
      } catch {
        // An earlier mutation broke the header: merge into an empty one.
      }
      return [b64url({ ...original, ...m.extra }), ...parts.slice(1)].join('.');
    }
    case 'random':
      return m.s;
  }
}

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('replace' as const), i: fc.nat(), c: char }),
  fc.record({ kind: fc.constant('insert' as const), i: fc.nat(), c: fc.string({ unit: char, minLength: 1, maxLength: 4 }) }),
  fc.record({ kind: fc.constant('delete' as const), i: fc.nat(), n: fc.integer({ min: 1, max: 8 }) }),
  fc.record({
    kind: fc.constant('reorder' as const),
    order: fc.constantFrom<[number, number, number]>([1, 0, 2], [0, 2, 1], [2, 1, 0], [1, 2, 0], [2, 0, 1], [0, 0, 2], [0, 1, 1]),
  }),
  fc.record({ kind: fc.constant('part' as const), part: fc.constantFrom<0 | 1>(0, 1), json: fc.jsonValue({ maxDepth: 3 }) }),
  fc.record({
    kind: fc.constant('header' as const),
    extra: fc.dictionary(fc.constantFrom('alg', 'kid', 'typ', 'crit', 'jku', 'jwk', 'b64', 'x'), fc.jsonValue({ maxDepth: 2 })),
  }),
  fc.record({ kind: fc.constant('random' as const), s: fc.oneof(fc.string({ maxLength: 200 }), fc.string({ unit: char, maxLength: 400 })) }),
);

beforeAll(async () => {
  // The originals verify (and are now warm in the verifier's cache, so the
  // properties below also check that the cache never vouches for a mutant).
  for (const token of Object.values(TOKENS)) expect(await outcome(token)).toBe('verified');
});

describe.each(Object.entries(TOKENS))('%s token mutations', (_alg, original) => {
  it('never verify unless they are a no-op, and refuse only with known codes', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(mutation, { minLength: 1, maxLength: 3 }), async (mutations) => {
        const mutated = mutations.reduce(apply, original);
        const result = await outcome(mutated);
        if (mutated === original) expect(result).toBe('verified');
        else expect(result).not.toBe('verified');
      }),
      { numRuns: 600 },
    );
  });
});

describe('non-string jwt values', () => {
  it('are refused with a known code', async () => {
    await fc.assert(
      fc.asyncProperty(fc.anything({ maxDepth: 2 }), async (value) => {
        if (typeof value === 'string' || value === undefined) return;
        expect(await outcome(value)).not.toBe('verified');
      }),
      { numRuns: 200 },
    );
  });
});

describe('validly signed random payloads', () => {
  const key = fc.oneof(
    fc.constantFrom('uuid', 'exp', 'nbf', 'iat', 'firstname', 'lastname', 'screenname', 'company', 'email', 'avatar_url', 'extra_values', '__proto__', 'constructor'),
    fc.string({ maxLength: 10 }),
  );
  it('resolve or refuse with a known code, never crash', async () => {
    await fc.assert(
      fc.asyncProperty(fc.dictionary(key, fc.jsonValue({ maxDepth: 3 })), fc.boolean(), async (random, keepBase) => {
        const body = keepBase ? { uuid: 'user-42', exp: T + 7200, ...random } : random;
        const input = `${b64url({ alg: 'HS256', typ: 'JWT', kid: HS_KEY.kid })}.${b64url(JSON.stringify(body))}`;
        const token = `${input}.${hmacSignature(input, HS_KEY.secret)}`;
        if (token.length > 8192) return;
        await outcome(token);
        expect(({} as Record<string, unknown>).polluted).toBeUndefined();
        expect(Object.keys(Object.prototype)).toEqual([]);
      }),
      { numRuns: 500 },
    );
  });
});

describe('mutated RSA public keys (the DER reader)', () => {
  const spki = createPublicKey(RSA.publicKeyPem).export({ type: 'spki', format: 'der' });
  const pkcs1 = createPublicKey(RSA.publicKeyPem).export({ type: 'pkcs1', format: 'der' });
  const pem = (label: string, der: Uint8Array): string =>
    `-----BEGIN ${label}-----\n${Buffer.from(der).toString('base64').replace(/.{64}/g, '$&\n')}\n-----END ${label}-----\n`;
  const derMutation: fc.Arbitrary<DerMutation> = fc.oneof(
    fc.record({ kind: fc.constant('set' as const), i: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) }),
    fc.record({ kind: fc.constant('cut' as const), i: fc.nat() }),
    fc.record({ kind: fc.constant('insert' as const), i: fc.nat(), bytes: fc.uint8Array({ minLength: 1, maxLength: 4 }) }),
  );
  type DerMutation = { kind: 'set'; i: number; byte: number } | { kind: 'cut'; i: number } | { kind: 'insert'; i: number; bytes: Uint8Array };
  function mutate(der: Uint8Array, m: DerMutation): Uint8Array {
    const k = m.i % Math.max(der.length, 1);
    if (m.kind === 'set') return Uint8Array.from(der, (b, j) => (j === k ? m.byte : b));
    if (m.kind === 'cut') return der.subarray(0, k);
    return Uint8Array.from([...der.subarray(0, k), ...m.bytes, ...der.subarray(k)]);
  }
  it.each([['PUBLIC KEY', spki], ['RSA PUBLIC KEY', pkcs1]] as const)(
    '%s: defineCommunity refuses with ERR_COMMUNITY_INVALID or accepts; verify never crashes',
    async (label, der) => {
      const token = signRS256(PAYLOAD, RSA);
      await fc.assert(
        fc.asyncProperty(fc.array(derMutation, { minLength: 1, maxLength: 3 }), async (mutations) => {
          const mutated = mutations.reduce(mutate, new Uint8Array(der));
          let community;
          try {
            community = defineCommunity({ jwtKeys: [{ id: RSA.kid, publicKey: pem(label, mutated) }] });
          } catch (error) {
            expect(error).toBeInstanceOf(IdentityError);
            expect((error as IdentityError).code).toBe('ERR_COMMUNITY_INVALID');
            return;
          }
          const v = createVerifier(community, { now: () => T * 1000 });
          const result = await v.verify({ jwt: token }).then(() => 'verified', (e: unknown) => (e instanceof IdentityError ? e.code : `not an IdentityError: ${String(e)}`));
          expect(['verified', 'ERR_JWT_SIGNATURE']).toContain(result);
        }),
        { numRuns: 300 },
      );
    },
  );
});
