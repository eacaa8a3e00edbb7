import { IdentityError, looksLikeMilliseconds } from '../identity/index.js';

/** Seconds per unit of a lifetime string ('90s', '90m', '2h', '1d'). */
const UNITS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400 };
const LIFETIME = /^(\d+(?:\.\d+)?)\s*([smhd]?)$/;

/** The community's default minTokenLifetime (SPEC §3). */
export const DEFAULT_MIN_TOKEN_LIFETIME = 3600;

/**
 * SPEC §13: what a lifetime must add to the community's minTokenLifetime. A
 * token is checked against the minimum when the widget sets it, some time
 * after it was signed: the page is sent, the loader fetched, the registration
 * posted, on a slow phone too, and the signer's clock may lag the server's.
 * A lifetime equal to the minimum passed signIdentity and was refused
 * (ERR_JWT_EXP_TOO_SOON) from the 11th second on (clockTolerance 10). One
 * minute covers a page load on a bad network with room to spare, and costs
 * nothing: any lifetime a backend would pick on purpose ('2h' for the
 * default hour) already has it.
 */
export const LIFETIME_MARGIN = 60;

/**
 * A token lifetime in whole seconds: a number of seconds, or a string such as
 * '3600', '90m', '2h', '1d'. Throws a RangeError for anything else, so a typo
 * never becomes a token that dies at once.
 */
export function parseLifetime(value: unknown): number {
  let seconds: number | undefined;
  if (typeof value === 'number') seconds = value;
  else if (typeof value === 'string') {
    const match = LIFETIME.exec(value.trim());
    if (match) seconds = Number(match[1]) * UNITS[match[2] || 's']!;
  }
  // Under one second, the whole seconds would be 0: a token that dies as it is signed.
  if (seconds === undefined || !Number.isFinite(seconds) || seconds < 1) {
    throw new RangeError(
      `lifetime must be at least 1 second: a number of seconds or a string such as '90m', '2h' or '1d', got ${
        typeof value === 'string' ? JSON.stringify(value.slice(0, 32)) : String(value)
      }.`,
    );
  }
  return Math.floor(seconds);
}

/** Where signIdentity learns the minimum: the community itself, or its number. */
export interface MinimumSource {
  community?: { readonly minTokenLifetime: number };
  minTokenLifetime?: number;
}

/**
 * The community's bound on minTokenLifetime, one year (MAX_MIN_TOKEN_LIFETIME in
 * src/server/verifier/community.ts, equal by test): repeated, not imported, so that
 * chatq/sign does not bundle the verifier. A larger minimum is no community's.
 */
export const MAX_MIN_TOKEN_LIFETIME = 365 * 24 * 3600;

/** The community's rule and words for minTokenLifetime (defineCommunity), with where the value came from. */
function checkSeconds(value: unknown, name: string): number {
  if (typeof value === 'number' && Number.isFinite(value) && value >= 0 && value <= MAX_MIN_TOKEN_LIFETIME) return value;
  throw new RangeError(`${name} must be a number of seconds from 0 to ${MAX_MIN_TOKEN_LIFETIME}, got ${String(value)}.`);
}

/**
 * The community's minTokenLifetime: from `community` (the object defineCommunity
 * returned, when the backend defines it too), else `minTokenLifetime`, else the
 * community default (3600 s). Both given and different is a mistake.
 */
export function minimumOf(options: MinimumSource): number {
  const fromCommunity = options.community === undefined ? undefined : checkSeconds(options.community?.minTokenLifetime, 'community.minTokenLifetime');
  const given = options.minTokenLifetime === undefined ? undefined : checkSeconds(options.minTokenLifetime, 'minTokenLifetime');
  if (fromCommunity !== undefined && given !== undefined && fromCommunity !== given) {
    throw new TypeError(`minTokenLifetime is ${given} s but the community's is ${fromCommunity} s; give the community alone.`);
  }
  return fromCommunity ?? given ?? DEFAULT_MIN_TOKEN_LIFETIME;
}

/** '2h', '65m', '90s': a round lifetime of at least `seconds`, to suggest. */
function roundUp(seconds: number): string {
  if (seconds > 3600) return `${Math.ceil(seconds / 3600)}h`;
  if (seconds > 60) return `${Math.ceil(seconds / 60)}m`;
  return `${seconds}s`;
}

/**
 * SPEC §13: refuses a lifetime that would reach the server under the minimum,
 * with the verifier's code. A community without a minimum (0) asks only that
 * the token has not expired: any lifetime will do there.
 */
export function checkLifetime(lifetime: number, min: number): void {
  const needed = min + LIFETIME_MARGIN;
  if (min > 0 && lifetime < needed) {
    const said = lifetime < min
      ? `lifetime is ${lifetime} s but the community asks for at least ${min} s (minTokenLifetime) when the token reaches the server`
      : `lifetime is ${lifetime} s, no margin over the community's minTokenLifetime (${min} s): the token reaches the server seconds after it is signed, with less than ${min} s left, and is refused`;
    throw new IdentityError(
      'ERR_JWT_EXP_TOO_SOON',
      `${said}. Add a margin of at least ${LIFETIME_MARGIN} s for the way to the server: a lifetime of at least ${needed} s (e.g. '${roundUp(needed)}').`,
      { path: 'payload.exp' },
    );
  }
  // A lifetime is an exp minus now: the one milliseconds threshold (identity/hints.ts) read at now = 0.
  if (looksLikeMilliseconds(lifetime, 0)) {
    throw new IdentityError('ERR_JWT_MALFORMED', `lifetime is ${lifetime} s, more than 10 years: the verifier refuses such an exp. Is it in milliseconds? Give seconds.`, { path: 'payload.exp' });
  }
}
