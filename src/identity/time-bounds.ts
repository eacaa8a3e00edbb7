/**
 * How far ahead of now a JWT time claim (`exp`, `nbf`, `iat`) may lie, in
 * seconds: 10 years of 365 days. One bound for every side that reads one — the
 * verifier (ERR_JWT_MALFORMED), the handler's backstop on a custom verifier's
 * `expiresAt`, the signer and the widget's pre-checks.
 *
 * RFC 7519 allows any NumericDate, but an exp beyond this makes a session that
 * in practice never expires (exp 1e308 verified, and became Infinity
 * downstream), and the usual cause is a signing backend writing milliseconds
 * (Date.now()) where seconds belong, which lands ~55,000 years ahead. It stays
 * well above the verifier's MAX_MIN_TOKEN_LIFETIME (one year), so every allowed
 * policy can be met.
 */
export const MAX_TIME_AHEAD_SECONDS = 10 * 365 * 86_400;

/** True when `seconds` (a NumericDate) lies more than MAX_TIME_AHEAD_SECONDS after `nowSeconds`. */
export function isTooFarAhead(seconds: number, nowSeconds: number): boolean {
  return seconds > nowSeconds + MAX_TIME_AHEAD_SECONDS;
}
