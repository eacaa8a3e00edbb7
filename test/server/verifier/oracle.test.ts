/**
 * The reference oracle (issue 21): on random valid and mutated tokens — header,
 * payload, signature, times, keys, HS256 and RS256 (the algorithms chatq
 * verifies) — chatq accepts only what jose.jwtVerify accepts with the same key
 * (the configured key the token's kid names, else the key that signed it), the
 * same algorithm (that key's) and the same time policy (clock, clockTolerance,
 * exp required). Where jose accepts and chatq refuses, one of the listed
 * exceptions (oracle-exceptions.ts) must name the SPEC rule and chatq's code;
 * anything else fails, and so does chatq accepting what jose refuses.
 *
 * The clock is a whole number of seconds: jose floors its clock to seconds,
 * chatq compares in milliseconds, and a fractional clock would make them
 * disagree on nothing but rounding.
 */
import { createHmac, createSign, generateKeyPairSync, type KeyObject } from 'node:crypto';
import fc from 'fast-check';
import * as jose from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IdentityError } from '../../../src/identity/index.js';
import { createVerifier, defineCommunity, type Verifier } from '../../../src/server/verifier/index.js';
import { ORACLE_EXCEPTIONS, type OracleCase } from './oracle-exceptions.js';

type Alg = 'HS256' | 'RS256';
interface Key {
  readonly id: string;
  readonly alg: Alg;
  readonly secret?: string;
  readonly privateKey?: KeyObject;
  readonly publicPem?: string;
}

function rsa(id: string): Key {
  const pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { id, alg: 'RS256', privateKey: pair.privateKey, publicPem: pair.publicKey.export({ type: 'spki', format: 'pem' }).toString() };
}
const KEYS: readonly Key[] = [
  { id: 'hs_short', alg: 'HS256', secret: '0123456789abcdef01234567' },
  { id: 'hs_long', alg: 'HS256', secret: 'fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210' },
  rsa('rsa_a'),
  rsa('rsa_b'),
];
/** Signs with these too, but they are not configured: a wrong key of each kind. */
const STRANGERS: readonly Key[] = [{ id: 'hs_stranger', alg: 'HS256', secret: '00112233445566778899aabb' }, rsa('rsa_stranger')];
const KEY_IDS = KEYS.map((k) => k.id);
const byId = new Map(KEYS.map((k) => [k.id, k]));

const POLICIES = [
  { minTokenLifetime: 3600, clockTolerance: 10 },
  { minTokenLifetime: 0, clockTolerance: 0 },
  { minTokenLifetime: 60, clockTolerance: 300 },
] as const;
let clockMs = 0;
const verifiers: Verifier[] = POLICIES.map((policy) =>
  createVerifier(defineCommunity({ ...policy, jwtKeys: KEYS.map((k) => (k.secret ? { id: k.id, secret: k.secret } : { id: k.id, publicKey: k.publicPem! })) }), { now: () => clockMs }),
);
const joseKeys = new Map<string, Uint8Array | CryptoKey>();

const b64 = (value: string | Buffer): string => Buffer.from(value).toString('base64url');

// ---- the generated case: data, so that fast-check prints a readable counterexample ----

const NOW_BASE = 1_800_000_000;
const TEN_YEARS = 10 * 365 * 86_400;
/** A time claim as an offset from now: around every boundary (tolerance, lifetime, 10 years), anywhere, fractional, or not a number. */
const time = (policy: (typeof POLICIES)[number]): fc.Arbitrary<unknown> => {
  const { clockTolerance: tol, minTokenLifetime: life } = policy;
  const edges = [-tol - 1, -tol, -tol + 1, 0, 1, tol, tol + 1, life - tol - 1, life - tol, life - tol + 1, life, 7200, TEN_YEARS, TEN_YEARS + 1];
  return fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom(...edges).map((d) => ({ at: d })) },
    { weight: 3, arbitrary: fc.integer({ min: -2 * TEN_YEARS, max: 2 * TEN_YEARS }).map((d) => ({ at: d })) },
    { weight: 1, arbitrary: fc.double({ min: -10_000, max: 10_000, noNaN: true }).map((d) => ({ at: d })) },
    { weight: 1, arbitrary: fc.constantFrom<unknown>({ ms: true }, '1800000000', null, true, [], {}) },
  );
};
const claimTime = (value: unknown, now: number): unknown => {
  if (typeof value === 'object' && value !== null && 'at' in value) return now + (value as { at: number }).at;
  if (typeof value === 'object' && value !== null && 'ms' in value) return (now + 7200) * 1000;
  return value;
};

const headerValue = fc.jsonValue({ maxDepth: 1 });
const caseArb = fc.integer({ min: 0, max: POLICIES.length - 1 }).chain((policyIndex) =>
  fc.record({
    policyIndex: fc.constant(policyIndex),
    clockOffset: fc.integer({ min: -1000, max: 1000 }),
    signer: fc.oneof({ weight: 9, arbitrary: fc.constantFrom(...KEY_IDS) }, { weight: 1, arbitrary: fc.constantFrom(...STRANGERS.map((k) => k.id)) }),
    alg: fc.oneof({ weight: 8, arbitrary: fc.constant('same') }, { weight: 2, arbitrary: fc.constantFrom<unknown>('HS256', 'RS256', 'none', 'HS384', 'RS512', 'PS256', 'ES256', 'hs256', null, 5) }),
    kid: fc.oneof({ weight: 8, arbitrary: fc.constant('same') }, { weight: 2, arbitrary: fc.constantFrom<unknown>(...KEY_IDS, 'hs_stranger', 'HS_SHORT', ' hs_short', '', null, 7, 'absent') }),
    typ: fc.oneof({ weight: 9, arbitrary: fc.constantFrom<unknown>('JWT', 'JWT', 'absent') }, { weight: 1, arbitrary: fc.constantFrom<unknown>('jwt', 'at+jwt', 'JOSE', 1) }),
    extraHeader: fc.oneof({ weight: 18, arbitrary: fc.constant({}) }, { weight: 1, arbitrary: fc.constant({ x: 'h'.repeat(800) }) }, { weight: 2, arbitrary: fc.dictionary(fc.constantFrom('crit', 'jku', 'x5u', 'jwk', 'x5c', 'b64', 'cty', 'zip', 'x'), headerValue, { maxKeys: 2 }) }),
    uuid: fc.oneof({ weight: 8, arbitrary: fc.constant<unknown>('user-42') }, { weight: 2, arbitrary: fc.constantFrom<unknown>('absent', '', 42, -1, 4.5, null, true, 'x'.repeat(256), 'a\u0000b', 'a\u202eb', '\ud800') }),
    exp: fc.oneof({ weight: 1, arbitrary: fc.constant<unknown>('absent') }, { weight: 8, arbitrary: fc.constant({ at: 7200 }) }, { weight: 8, arbitrary: time(POLICIES[policyIndex]!) }),
    nbf: fc.oneof({ weight: 4, arbitrary: fc.constant<unknown>('absent') }, { weight: 1, arbitrary: time(POLICIES[policyIndex]!) }),
    iat: fc.oneof({ weight: 3, arbitrary: fc.constant<unknown>('absent') }, { weight: 1, arbitrary: time(POLICIES[policyIndex]!) }),
    claims: fc.oneof({ weight: 6, arbitrary: fc.constant({ firstname: 'Ann', extra_values: { plan: 'gold' } }) }, { weight: 1, arbitrary: fc.constantFrom({ note: 'n'.repeat(6200) }, { note: 'n'.repeat(5900) }) }, { weight: 1, arbitrary: fc.dictionary(
      fc.constantFrom('firstname', 'email', 'avatar_url', 'extra_values', 'sub', 'aud', 'iss', 'jti', '__proto__', 'constructor', 'x'),
      fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.string({ maxLength: 8 })),
      { maxKeys: 3 },
    ) }),
    signature: fc.oneof({ weight: 12, arbitrary: fc.constant('right') }, { weight: 4, arbitrary: fc.constantFrom('confusion', 'empty', 'other', 'truncated') }),
    mutations: fc.oneof({ weight: 5, arbitrary: fc.constant<Mutation[]>([]) }, { weight: 1, arbitrary: fc.array(mutationArb(), { minLength: 1, maxLength: 2 }) }),
  }),
);
type Case = typeof caseArb extends fc.Arbitrary<infer T> ? T : never;

type Mutation = { kind: 'replace' | 'insert'; i: number; c: string } | { kind: 'delete'; i: number } | { kind: 'pad'; part: number; s: string } | { kind: 'swap' };
function mutationArb(): fc.Arbitrary<Mutation> {
  const char = fc.constantFrom(...'AQgw_-+/= \n.é'.split(''));
  return fc.oneof(
    fc.record({ kind: fc.constantFrom<'replace' | 'insert'>('replace', 'insert'), i: fc.nat(), c: char }),
    fc.record({ kind: fc.constant<'delete'>('delete'), i: fc.nat() }),
    fc.record({ kind: fc.constant<'pad'>('pad'), part: fc.integer({ min: 0, max: 2 }), s: fc.constantFrom('=', '==', ' ', '\n', 'A', 'AA') }),
    fc.record({ kind: fc.constant<'swap'>('swap') }),
  );
}
function mutate(token: string, m: Mutation): string {
  const at = (i: number): number => i % (token.length + 1);
  const parts = token.split('.');
  switch (m.kind) {
    case 'replace':
      return token.slice(0, at(m.i)) + m.c + token.slice(at(m.i) + 1);
    case 'insert':
      return token.slice(0, at(m.i)) + m.c + token.slice(at(m.i));
    case 'delete':
      return token.slice(0, at(m.i)) + token.slice(at(m.i) + 1);
    case 'pad':
      if (parts[m.part] !== undefined) parts[m.part] += m.s;
      return parts.join('.');
    case 'swap':
      return [parts[1], parts[0], ...parts.slice(2)].join('.');
  }
}

function sign(key: Key, input: string): string {
  if (key.secret) return createHmac('sha256', key.secret).update(input).digest('base64url');
  return createSign('RSA-SHA256').update(input).sign(key.privateKey!).toString('base64url');
}

/** The token a case describes, and the clock it is verified at (whole seconds). */
function build(c: Case): { token: string; nowSeconds: number } {
  const nowSeconds = NOW_BASE + c.clockOffset;
  const signer = byId.get(c.signer) ?? STRANGERS.find((k) => k.id === c.signer)!;
  const header: Record<string, unknown> = { alg: c.alg === 'same' ? signer.alg : c.alg, ...(c.typ === 'absent' ? {} : { typ: c.typ }) };
  if (c.kid !== 'absent') header.kid = c.kid === 'same' ? signer.id : c.kid;
  Object.assign(header, c.extraHeader);
  const payload: Record<string, unknown> = { ...c.claims };
  for (const [name, value] of [['uuid', c.uuid], ['exp', c.exp], ['nbf', c.nbf], ['iat', c.iat]] as const) {
    if (value !== 'absent') payload[name] = name === 'uuid' ? value : claimTime(value, nowSeconds);
  }
  const input = `${b64(JSON.stringify(header))}.${b64(JSON.stringify(payload))}`;
  let signature: string;
  switch (c.signature) {
    case 'right':
      signature = sign(signer, input);
      break;
    case 'confusion':
      // The classic: an RSA key's public PEM used as the HMAC secret, under alg HS256.
      signature = createHmac('sha256', byId.get('rsa_a')!.publicPem!).update(input).digest('base64url');
      break;
    case 'empty':
      signature = '';
      break;
    case 'other':
      signature = sign(signer, `${input}x`);
      break;
    case 'truncated':
      signature = sign(signer, input).slice(0, -2);
      break;
  }
  return { token: c.mutations.reduce(mutate, `${input}.${signature}`), nowSeconds };
}

/** The configured key the token's kid names (what chatq uses), else the key that signed it. */
function joseKeyFor(token: string, signerId: string): Key {
  let kid: unknown;
  try {
    kid = (jose.decodeProtectedHeader(token) as { kid?: unknown }).kid;
  } catch {
    kid = undefined;
  }
  return (typeof kid === 'string' ? byId.get(kid) : undefined) ?? byId.get(signerId) ?? STRANGERS.find((k) => k.id === signerId)!;
}

async function joseKey(key: Key): Promise<Uint8Array | CryptoKey> {
  let found = joseKeys.get(key.id);
  if (!found) {
    found = key.secret ? new TextEncoder().encode(key.secret) : await jose.importSPKI(key.publicPem!, 'RS256');
    joseKeys.set(key.id, found);
  }
  return found;
}

// ---- the property ----

const hits = new Map<string, number>(ORACLE_EXCEPTIONS.map((e) => [e.rule, 0]));
const tally = { cases: 0, bothAccept: 0, bothRefuse: 0, excepted: 0 };

async function agree(c: Case): Promise<void> {
  const { token, nowSeconds } = build(c);
  const policy = POLICIES[c.policyIndex]!;
  clockMs = nowSeconds * 1000;
  const chatq = await verifiers[c.policyIndex]!.verify({ jwt: token }).then(
    () => 'verified',
    (error: unknown) => (error instanceof IdentityError ? error.code : `not an IdentityError: ${String(error)}`),
  );
  expect(chatq).not.toMatch(/^not an IdentityError|^ERR_INTERNAL$/);
  const key = joseKeyFor(token, c.signer);
  const oracle = await jose
    .jwtVerify(token, await joseKey(key), {
      algorithms: [key.alg],
      currentDate: new Date(nowSeconds * 1000),
      clockTolerance: policy.clockTolerance,
      requiredClaims: ['exp'],
    })
    .then(
      (result) => result,
      () => undefined,
    );
  tally.cases++;
  if (chatq === 'verified') {
    // Never more lenient than the reference, and no exception can say otherwise.
    expect(oracle, `chatq verified what jose refuses: ${token}`).toBeDefined();
    tally.bothAccept++;
    return;
  }
  if (!oracle) {
    tally.bothRefuse++;
    return;
  }
  const view: OracleCase = {
    token,
    header: oracle.protectedHeader as Record<string, unknown>,
    payload: oracle.payload as Record<string, unknown>,
    nowSeconds,
    ...policy,
    keyIds: KEY_IDS,
  };
  const excuse = ORACLE_EXCEPTIONS.find((e) => e.codes.includes(chatq as never) && e.applies(view));
  expect(excuse, `chatq refused with ${chatq} what jose accepts, and no listed SPEC rule says why: ${token}`).toBeDefined();
  hits.set(excuse!.rule, hits.get(excuse!.rule)! + 1);
  tally.excepted++;
}

// 12,000 cases in all (issue 21 asks for at least 10,000 in CI). No wall-clock bound: the timeout only stops a hang.
const RUNS = [
  ['HS256 and RS256 keys, valid and mutated', 9000, 1],
  ['another seed', 3000, 2],
] as const;

beforeAll(async () => {
  for (const key of [...KEYS, ...STRANGERS]) await joseKey(key);
});

describe('chatq accepts only what jose.jwtVerify accepts (same key, algorithm, time policy)', () => {
  it.each(RUNS)('%s (%i cases)', async (_name, numRuns, seed) => {
    await fc.assert(fc.asyncProperty(caseArb, agree), { numRuns, seed, endOnFailure: true });
  }, 900_000);

  afterAll(() => {
    // The exceptions actually used, for the record (a rule with 0 hits is listed but not reached by this seed).
    const lines = [...hits].map(([rule, n]) => `  ${String(n).padStart(5)}  ${rule}`);
    console.log(`oracle: ${tally.cases} cases, ${tally.bothAccept} both accept, ${tally.bothRefuse} both refuse, ${tally.excepted} refused by chatq under a listed rule:\n${lines.join('\n')}`);
  });
});

describe('the oracle itself', () => {
  it('reaches both verdicts and the listed exceptions', () => {
    // Guards against a generator that only ever makes garbage (every case "both refuse" proves nothing).
    expect(tally.bothAccept).toBeGreaterThan(RUNS.reduce((n, r) => n + r[1], 0) / 10);
    expect(tally.excepted).toBeGreaterThan(0);
    for (const rule of ['SPEC §4 step 2: a string', 'SPEC §4 step 2: three', 'SPEC §4 step 3 (bound', 'SPEC §4 step 3: kid', 'SPEC §4 step 5: exp at least', 'SPEC §4 step 5: uuid']) {
      expect([...hits].find(([r]) => r.startsWith(rule))?.[1], rule).toBeGreaterThan(0);
    }
  });
});
