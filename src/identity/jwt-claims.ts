/**
 * SPEC §4 step 5, the claim checks that need no key (exp, nbf, iat, uuid):
 * one copy for the verifier and for the widget's pre-checks (no crypto, no
 * DOM, no `node:*`).
 */
import { IdentityError } from './errors.js';
import { normalizeUuid } from './fields.js';
import type { JsonObject } from './jwt.js';
import { secondsFix } from './hints.js';
import { isTooFarAhead, MAX_TIME_AHEAD_SECONDS } from './time-bounds.js';
import type { IdentityPolicy } from './types.js';

/** The time claims of a verified token, kept in the cache so that every hit re-checks them. */
export interface TimeClaims {
  exp: number;
  nbf: number | undefined;
  iat: number | undefined;
}

/*
 * How far ahead of now a time claim may lie: MAX_TIME_AHEAD_SECONDS (10 years,
 * src/identity/time-bounds.ts, the one copy of that rule; why it exists is
 * written there). Refused as ERR_JWT_MALFORMED (400), like a non-numeric nbf or iat: the token
 * is broken at its source and a fresh one from the same code would be too, so
 * neither ERR_JWT_EXPIRED nor ERR_JWT_EXP_TOO_SOON (401: a fresh token would
 * do), nor ERR_JWT_EXP_MISSING (exp is there). The same bound applies to nbf
 * and iat. The past is never absurd: however far back, an exp has expired
 * (ERR_JWT_EXPIRED) and an nbf or iat constrains nothing.
 * The handler applies the same bound to a custom verifier's expiresAt
 * (src/server/handler/routes/register.ts).
 */
/** The largest |time| a Date can hold, in milliseconds (ECMA-262, "Time Values and Time Range"). */
const MAX_DATE_MS = 8.64e15;

/** "50 minutes", "2 hours 5 minutes", "45 seconds": rounded down, for messages. Never throws, for any number. */
export function formatDuration(totalSeconds: number): string {
  // `> 0` rather than Math.max: NaN becomes 0, not "NaN seconds".
  const s = totalSeconds > 0 ? Math.floor(totalSeconds) : 0;
  const plural = (n: number, unit: string): string => `${n} ${unit}${n === 1 ? '' : 's'}`;
  if (s < 120) return plural(s, 'second');
  if (s < 7200) return plural(Math.floor(s / 60), 'minute');
  if (s < 172800) {
    const minutes = Math.floor((s % 3600) / 60);
    return plural(Math.floor(s / 3600), 'hour') + (minutes ? ` ${plural(minutes, 'minute')}` : '');
  }
  // Beyond this a day count only reads as noise ("1.1574074074074074e+295 days").
  if (s > MAX_TIME_AHEAD_SECONDS) return 'more than 10 years';
  return plural(Math.floor(s / 86400), 'day');
}

/**
 * A NumericDate for a message: the ISO date, or the number itself where no
 * Date can hold it. `new Date(-1e303).toISOString()` throws a RangeError, which
 * turned an expired token into ERR_JWT_MALFORMED; this never throws.
 */
function describeDate(seconds: number): string {
  const ms = seconds * 1000;
  return Math.abs(ms) <= MAX_DATE_MS ? new Date(ms).toISOString() : `${seconds} s since the epoch, outside the range of dates`;
}

function describe(value: unknown): string {
  if (typeof value === 'string') return `a string (${JSON.stringify(value.slice(0, 32))})`;
  return value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value;
}

/**
 * Reads exp, nbf and iat (SPEC §4 step 5). A non-numeric exp is
 * ERR_JWT_EXP_MISSING (there is no usable exp). A non-numeric nbf or iat is
 * ERR_JWT_MALFORMED: RFC 7519 defines them as NumericDate, so such a token is
 * broken at its source (the signing backend), not a visitor-data problem.
 */
export function readTimeClaims(payload: JsonObject): TimeClaims {
  const exp = Object.hasOwn(payload, 'exp') ? payload.exp : undefined;
  if (typeof exp !== 'number' || !Number.isFinite(exp)) {
    throw new IdentityError(
      'ERR_JWT_EXP_MISSING',
      exp === undefined
        ? 'The JWT has no exp claim; set exp (seconds since the epoch) at least minTokenLifetime ahead.'
        : `The JWT exp must be a number of seconds since the epoch (NumericDate), got ${describe(exp)}.`,
      { path: 'payload.exp' },
    );
  }
  return { exp, nbf: optionalDate(payload, 'nbf'), iat: optionalDate(payload, 'iat') };
}

function optionalDate(payload: JsonObject, name: 'nbf' | 'iat'): number | undefined {
  if (!Object.hasOwn(payload, name)) return undefined;
  const value = payload[name];
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  throw new IdentityError('ERR_JWT_MALFORMED', `The JWT ${name} must be a number of seconds since the epoch (NumericDate), got ${describe(value)}.`, { path: `payload.${name}` });
}

/** Every time comparison, with clockTolerance. Run on every verification, cached or not. */
export function checkTimes({ exp, nbf, iat }: TimeClaims, nowSeconds: number, policy: IdentityPolicy): void {
  const { clockTolerance, minTokenLifetime } = policy;
  if (!Number.isFinite(nowSeconds)) {
    // Fail closed: with NaN every comparison below is false and any token would pass.
    throw new IdentityError('ERR_JWT_EXPIRED', "The verifier's clock (options.now) did not return a finite number of milliseconds; no token can be trusted until it does.", { path: 'payload.exp' });
  }
  if (exp <= nowSeconds - clockTolerance) {
    throw new IdentityError(
      'ERR_JWT_EXPIRED',
      `The JWT expired ${formatDuration(nowSeconds - exp)} ago (exp ${describeDate(exp)}); sign a fresh token with exp at least ${formatDuration(minTokenLifetime)} ahead.`,
      { path: 'payload.exp' },
    );
  }
  if (exp < nowSeconds + minTokenLifetime - clockTolerance) {
    throw new IdentityError(
      'ERR_JWT_EXP_TOO_SOON',
      `exp is ${formatDuration(exp - nowSeconds)} ahead; tokens must be valid for at least ${formatDuration(minTokenLifetime)} when set (minTokenLifetime ${minTokenLifetime} s). Sign tokens with a longer lifetime, or renew them earlier.`,
      { path: 'payload.exp' },
    );
  }
  if (isTooFarAhead(exp, nowSeconds)) throw tooFarAhead('exp', exp);
  // Two calls rather than a loop over [name, value] pairs: no arrays built on every verification.
  checkNotInFuture('nbf', nbf, nowSeconds, clockTolerance);
  checkNotInFuture('iat', iat, nowSeconds, clockTolerance);
}

function checkNotInFuture(name: 'nbf' | 'iat', value: number | undefined, nowSeconds: number, clockTolerance: number): void {
  if (value !== undefined && value > nowSeconds + clockTolerance) {
    if (isTooFarAhead(value, nowSeconds)) throw tooFarAhead(name, value);
    throw new IdentityError(
      'ERR_JWT_NOT_YET_VALID',
      `The JWT ${name} is ${formatDuration(value - nowSeconds)} in the future; check the signing server's clock (leeway: clockTolerance ${clockTolerance} s).`,
      { path: `payload.${name}` },
    );
  }
}

/** See MAX_TIME_AHEAD_SECONDS: ERR_JWT_MALFORMED, with the likely cause. */
function tooFarAhead(name: 'exp' | 'nbf' | 'iat', value: number): IdentityError {
  const consequence = name === 'exp' ? 'the token would in practice never expire' : 'no clock skew explains that';
  return new IdentityError(
    'ERR_JWT_MALFORMED',
    `The JWT ${name} is more than 10 years ahead (${name} ${describeDate(value)}); ${consequence}, so the token is refused. ${secondsFix(name)}`,
    { path: `payload.${name}` },
  );
}

/** Where integrators put the visitor's id instead of `uuid`, in the order they are named; compared without case, `_` or `-`. */
const UUID_LOOKALIKES = ['sub', 'userid', 'uid', 'uuid', 'visitorid', 'customerid', 'id'];
/** Objects integrators nest the identity under. */
const NESTING = ['user', 'identity', 'data', 'visitor', 'claims'];

/** SPEC §4 step 5: a signed payload must carry a valid uuid. */
export function readSignedUuid(payload: JsonObject): string {
  let uuid: string | undefined;
  try {
    uuid = Object.hasOwn(payload, 'uuid') ? normalizeUuid(payload.uuid, 'payload.uuid') : undefined;
  } catch (error) {
    throw new IdentityError('ERR_JWT_UUID_MISSING', `The JWT uuid is not valid: ${(error as Error).message}`, { path: 'payload.uuid' });
  }
  if (uuid === undefined) throw new IdentityError('ERR_JWT_UUID_MISSING', missingUuid(payload), { path: 'payload.uuid' });
  return uuid;
}

/** ERR_JWT_UUID_MISSING's message, naming the look-alike member when the payload has one (SPEC §9). Failure path only. */
function missingUuid(payload: JsonObject): string {
  const names = Object.keys(payload).filter((name) => name !== 'uuid');
  const folded = names.map((name) => name.toLowerCase().replace(/[_-]/g, ''));
  for (const lookalike of UUID_LOOKALIKES) {
    const index = folded.indexOf(lookalike);
    if (index < 0) continue;
    const name = JSON.stringify(names[index]!.slice(0, 40)).slice(1, -1);
    return `The JWT has no uuid: \`${name}\` is set; chatq reads \`uuid\`. Put the visitor's id in your system in "uuid"${name === 'sub' ? ' (sub may stay)' : ''}.`;
  }
  const nest = NESTING.find((name) => {
    const value = Object.hasOwn(payload, name) ? payload[name] : undefined;
    return typeof value === 'object' && value !== null && Object.hasOwn(value, 'uuid');
  });
  if (nest) return `The JWT has no uuid at the top level: the identity is nested under \`${nest}\`; put uuid and the other identity fields at the top level of the payload.`;
  return 'The JWT has no uuid; a signed identity must carry the visitor\'s id in your system as "uuid".';
}
