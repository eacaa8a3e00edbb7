/**
 * SPEC §4 step 3, the header checks that need no key: one copy for the
 * verifier and for the widget's pre-checks (no crypto, no DOM, no `node:*`).
 */
import { IdentityError } from './errors.js';
import type { JsonObject } from './jwt.js';

/** The algorithms chatq verifies: HS256 with a secret, RS256 with an RSA key. */
export type JwtAlgorithm = 'HS256' | 'RS256';

/** Longer encoded headers are refused: ours carry alg, typ and kid, nothing else is needed. */
export const MAX_HEADER_LENGTH = 1024;
/**
 * Header parameters that would let the token choose how it is verified
 * (RFC 7515 §4.1): keys or key URLs carried by the token, critical extensions,
 * unencoded payloads. Refused, not ignored (SPEC §4 step 3).
 */
const REFUSED = new Set(['crit', 'jku', 'x5u', 'jwk', 'x5c', 'b64']);

function quote(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value.slice(0, 32)) : value === null ? 'null' : typeof value;
}

/**
 * SPEC §4 step 3, everything that needs no key: returns the algorithm and kid.
 * `encodedLength` is the length of the header's base64url part.
 */
export function checkHeader(header: JsonObject, encodedLength: number): { alg: JwtAlgorithm; kid: string } {
  if (encodedLength > MAX_HEADER_LENGTH) {
    throw new IdentityError('ERR_JWT_HEADER', `The JWT header is ${encodedLength} characters long; at most ${MAX_HEADER_LENGTH} are accepted. Sign with only alg, typ and kid in the header.`, { path: 'header' });
  }
  const alg = Object.hasOwn(header, 'alg') ? header.alg : undefined;
  if (alg !== 'HS256' && alg !== 'RS256') {
    throw new IdentityError('ERR_JWT_ALG', `The JWT alg is ${alg === undefined ? 'missing' : quote(alg)}; only HS256 (with a secret) and RS256 (with an RSA key) are accepted.`, { path: 'header.alg' });
  }
  const kid = Object.hasOwn(header, 'kid') ? header.kid : undefined;
  if (typeof kid !== 'string' || kid.length === 0) {
    throw new IdentityError('ERR_JWT_KID_MISSING', `The JWT header has ${kid === undefined ? 'no kid' : `a kid that is not a non-empty string (${quote(kid)})`}; set kid to the id of one of the community's jwtKeys.`, { path: 'header.kid' });
  }
  if (Object.hasOwn(header, 'typ') && header.typ !== 'JWT') {
    throw new IdentityError('ERR_JWT_HEADER', `The JWT typ is ${quote(header.typ)}; when present it must be "JWT".`, { path: 'header.typ' });
  }
  // One pass over the (usually three) keys the header has, rather than one lookup per refused name.
  for (const name of Object.keys(header)) {
    if (REFUSED.has(name)) {
      throw new IdentityError('ERR_JWT_HEADER', `The JWT header carries "${name}", which is refused: the verifier uses only the community's configured keys. Remove it from the header.`, { path: `header.${name}` });
    }
  }
  return { alg, kid };
}
