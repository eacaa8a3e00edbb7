import { IdentityError, normalizeUuid, type IdentityPolicy, type JsonObject } from '../../identity/index.js';

/** The time claims of a verified token, kept in the cache so that every hit re-checks them. */
export interface TimeClaims {
  exp: number;
  nbf: number | undefined;
  iat: number | undefined;
}

/** "50 minutes", "2 hours 5 minutes", "45 seconds": rounded down, for messages. */
export function formatDuration(totalSeconds: number): string {
  const s = Math.max(0, Math.floor(totalSeconds));
  const plural = (n: number, unit: string): string => `${n} ${unit}${n === 1 ? '' : 's'}`;
  if (s < 120) return plural(s, 'second');
  if (s < 7200) return plural(Math.floor(s / 60), 'minute');
  if (s < 172800) {
    const minutes = Math.floor((s % 3600) / 60);
    return plural(Math.floor(s / 3600), 'hour') + (minutes ? ` ${plural(minutes, 'minute')}` : '');
  }
  return plural(Math.floor(s / 86400), 'day');
}

function has(object: JsonObject, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(object, key);
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
  const exp = has(payload, 'exp') ? payload.exp : undefined;
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
  if (!has(payload, name)) return undefined;
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
      `The JWT expired ${formatDuration(nowSeconds - exp)} ago (exp ${new Date(exp * 1000).toISOString()}); sign a fresh token with exp at least ${formatDuration(minTokenLifetime)} ahead.`,
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
  // Two calls rather than a loop over [name, value] pairs: no arrays built on every verification.
  checkNotInFuture('nbf', nbf, nowSeconds, clockTolerance);
  checkNotInFuture('iat', iat, nowSeconds, clockTolerance);
}

function checkNotInFuture(name: 'nbf' | 'iat', value: number | undefined, nowSeconds: number, clockTolerance: number): void {
  if (value !== undefined && value > nowSeconds + clockTolerance) {
    throw new IdentityError(
      'ERR_JWT_NOT_YET_VALID',
      `The JWT ${name} is ${formatDuration(value - nowSeconds)} in the future; check the signing server's clock (leeway: clockTolerance ${clockTolerance} s).`,
      { path: `payload.${name}` },
    );
  }
}

/** SPEC §4 step 5: a signed payload must carry a valid uuid. */
export function readSignedUuid(payload: JsonObject): string {
  let uuid: string | undefined;
  try {
    uuid = has(payload, 'uuid') ? normalizeUuid(payload.uuid, 'payload.uuid') : undefined;
  } catch (error) {
    throw new IdentityError('ERR_JWT_UUID_MISSING', `The JWT uuid is not valid: ${(error as Error).message}`, { path: 'payload.uuid' });
  }
  if (uuid === undefined) {
    throw new IdentityError('ERR_JWT_UUID_MISSING', 'The JWT has no uuid; a signed identity must carry the visitor\'s id in your system as "uuid".', { path: 'payload.uuid' });
  }
  return uuid;
}
