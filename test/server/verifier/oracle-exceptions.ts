/**
 * The listed ways chatq's verifier is stricter than jose.jwtVerify (the
 * oracle, test/server/verifier/oracle.test.ts), each with the SPEC rule that
 * makes it so. A token jose accepts and chatq refuses must match one of these
 * — its predicate holds for the token and chatq's code is one of its codes —
 * or the oracle test fails. Nothing here excuses the other direction: chatq
 * never accepts what jose refuses.
 *
 * Predicates read the token as jose decoded it (jose accepted it), never
 * through chatq's own decoding, so a chatq bug cannot excuse itself.
 */
import type { IdentityErrorCode } from '../../../src/identity/index.js';

/** What a predicate sees: the token, and the header and payload as jose read them. */
export interface OracleCase {
  readonly token: string;
  readonly header: Record<string, unknown>;
  readonly payload: Record<string, unknown>;
  readonly nowSeconds: number;
  readonly clockTolerance: number;
  readonly minTokenLifetime: number;
  readonly keyIds: readonly string[];
}

export interface OracleException {
  readonly rule: string;
  readonly codes: readonly IdentityErrorCode[];
  applies(c: OracleCase): boolean;
}

const TEN_YEARS = 10 * 365 * 86_400;
const CANONICAL = /^[A-Za-z0-9_-]*$/;
const REFUSED_HEADERS = ['crit', 'jku', 'x5u', 'jwk', 'x5c', 'b64'];
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const STRING_FIELDS = ['screenname', 'firstname', 'lastname', 'company', 'email', 'avatar_url'];

/** Canonical base64url: the alphabet, no impossible length, and it re-encodes to itself (zero unused bits). */
function canonical(part: string): boolean {
  return CANONICAL.test(part) && part.length % 4 !== 1 && Buffer.from(part, 'base64url').toString('base64url') === part;
}

const has = (o: object, name: string): boolean => Object.hasOwn(o, name);
const num = (o: Record<string, unknown>, name: string): number | undefined => (typeof o[name] === 'number' ? (o[name] as number) : undefined);

/** A §2 field of the wrong type (what ERR_IDENTITY_INVALID reports), or an invalid uuid (ERR_JWT_UUID_MISSING). */
function wrongFieldType(p: Record<string, unknown>): boolean {
  if (STRING_FIELDS.some((name) => has(p, name) && typeof p[name] !== 'string')) return true;
  if (!has(p, 'extra_values')) return false;
  const extra = p.extra_values;
  if (typeof extra !== 'object' || extra === null || Array.isArray(extra)) return true;
  return Object.entries(extra).some(([key, value]) => !/^[A-Za-z0-9_.-]{1,64}$/.test(key) || !['string', 'number', 'boolean'].includes(typeof value) || (typeof value === 'number' && !Number.isFinite(value)));
}

function uuidInvalid(p: Record<string, unknown>): boolean {
  const uuid = p.uuid;
  if (typeof uuid === 'number') return !(Number.isSafeInteger(uuid) && uuid >= 0);
  // Control, bidi and lone-surrogate characters: SPEC §6 "Bounds", the message-body rule.
  return typeof uuid !== 'string' || uuid.trim() === '' || uuid.length > 255 || /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/.test(uuid) || LONE_SURROGATE.test(uuid);
}

export const ORACLE_EXCEPTIONS: readonly OracleException[] = [
  {
    rule: 'SPEC §4 step 2: a string ≤ 8 KiB, checked before any decoding',
    codes: ['ERR_JWT_MALFORMED'],
    applies: (c) => c.token.length > 8192,
  },
  {
    rule: 'SPEC §4 step 2: three canonical base64url parts (no padding, no + /, no whitespace, zero unused bits); jose decodes with atob, which skips whitespace and padding',
    codes: ['ERR_JWT_MALFORMED'],
    applies: (c) => !c.token.split('.').every(canonical),
  },
  {
    rule: 'SPEC §4 step 3: kid must be present and name a configured key (jose is handed the key)',
    codes: ['ERR_JWT_KID_MISSING', 'ERR_JWT_KID_UNKNOWN'],
    applies: (c) => typeof c.header.kid !== 'string' || !c.keyIds.includes(c.header.kid),
  },
  {
    rule: 'SPEC §4 step 3: typ, when present, must be JWT',
    codes: ['ERR_JWT_HEADER'],
    applies: (c) => has(c.header, 'typ') && c.header.typ !== 'JWT',
  },
  {
    rule: 'SPEC §4 step 3: crit, jku, x5u, jwk, x5c, b64 are refused (jose ignores all but crit, and b64 outside crit)',
    codes: ['ERR_JWT_HEADER'],
    applies: (c) => REFUSED_HEADERS.some((name) => has(c.header, name)),
  },
  {
    rule: 'SPEC §4 step 3 (bound, not worded in the SPEC: src/identity/jwt-header.ts MAX_HEADER_LENGTH): an encoded header of at most 1024 characters',
    codes: ['ERR_JWT_HEADER'],
    applies: (c) => c.token.indexOf('.') > 1024,
  },
  {
    rule: 'SPEC §4 step 5: exp at least minTokenLifetime ahead when the identity is set (jose has no such option)',
    codes: ['ERR_JWT_EXP_TOO_SOON'],
    applies: (c) => (num(c.payload, 'exp') ?? Infinity) < c.nowSeconds + c.minTokenLifetime - c.clockTolerance,
  },
  {
    rule: 'SPEC §4 step 5: nbf/iat, when present, not in the future (jose checks iat only with maxTokenAge)',
    codes: ['ERR_JWT_NOT_YET_VALID'],
    applies: (c) => (num(c.payload, 'iat') ?? -Infinity) > c.nowSeconds + c.clockTolerance,
  },
  {
    rule: 'SPEC §4 step 5 and §9 "exp looks like milliseconds" (bound: src/identity/time-bounds.ts): exp, nbf, iat at most 10 years ahead',
    codes: ['ERR_JWT_MALFORMED'],
    applies: (c) => ['exp', 'nbf', 'iat'].some((name) => (num(c.payload, name) ?? -Infinity) > c.nowSeconds + TEN_YEARS),
  },
  {
    rule: 'SPEC §4 step 5: uuid present and valid (§2: a string or an integer, ≤ 255 characters, one line of plain text)',
    codes: ['ERR_JWT_UUID_MISSING'],
    applies: (c) => !has(c.payload, 'uuid') || c.payload.uuid === null || uuidInvalid(c.payload),
  },
  {
    rule: 'SPEC §4 step 6: payload fields as in §2, ERR_IDENTITY_INVALID for a wrong type',
    codes: ['ERR_IDENTITY_INVALID'],
    applies: (c) => wrongFieldType(c.payload),
  },
];
