/**
 * The one home of the integrator hints about time values (issue 21 item 7):
 * the milliseconds-for-seconds mistake, with ONE threshold for everyone who
 * names it — the verifier (a JWT time claim), `chatq explain`, `chatq/sign`
 * (a lifetime) and `verifyWebhook` (a webhook-timestamp). There were two
 * (1e11 and "10 years ahead"), so a value between them got the hint in one
 * place and not in the other.
 *
 * Every function takes `nowSeconds` from its caller: an explanation reads the
 * clock once and passes the same instant to every part (`explain` printed
 * "iat is 37 s" and "38 s" one line apart when two parts read it).
 */
import { MAX_TIME_AHEAD_SECONDS } from './time-bounds.js';

/**
 * True when a seconds value (a NumericDate, or `nowSeconds` plus a lifetime)
 * is milliseconds written where seconds belong. The threshold is the bound
 * past which the verifier refuses a time claim, MAX_TIME_AHEAD_SECONDS (10
 * years) ahead of now: `Date.now()` read as seconds lands ~55,000 years
 * ahead, and nothing a real clock or lifetime gives comes near it.
 */
export function looksLikeMilliseconds(seconds: number, nowSeconds: number): boolean {
  return seconds > nowSeconds + MAX_TIME_AHEAD_SECONDS;
}

/** What to write instead, for a JWT time claim (`exp`, `nbf`, `iat`). */
export function secondsFix(name: 'exp' | 'nbf' | 'iat'): string {
  return `${name} counts seconds since the epoch, not milliseconds: use Math.floor(Date.now() / 1000)${name === 'exp' ? ' + a lifetime in seconds' : ''} (Python: int(time.time())).`;
}

/**
 * True when an `expiresAt` (milliseconds since 0.3.0) holds seconds: read as
 * milliseconds it lies more than the same 10 years before now, and read as
 * seconds it does not lie beyond the threshold above. A custom verifier
 * written for 0.2 returns the JWT's exp as it is.
 */
export function looksLikeSeconds(ms: number, nowMs: number): boolean {
  return ms < nowMs - MAX_TIME_AHEAD_SECONDS * 1000 && !looksLikeMilliseconds(ms, nowMs / 1000);
}

/** What to change when looksLikeSeconds holds. */
export const SECONDS_EXPIRES_AT = "VerifiedIdentity.expiresAt is milliseconds since chatq 0.3.0: return the JWT's exp × 1000.";
