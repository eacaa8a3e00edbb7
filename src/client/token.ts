import { decodeJwt } from '../identity/index.js';
import type { IdentityPolicy } from '../identity/index.js';

/** What the widget reads from a JWT without verifying it (SPEC §5: no crypto in the browser). */
export interface TokenInfo {
  /** Integrator-facing reasons the server will refuse this token; empty when it looks fine. */
  problems: string[];
}

/**
 * Decodes a JWT and lists, in words an integrator understands, why the
 * server would refuse it. Throws `IdentityError('ERR_JWT_MALFORMED')` when it
 * is not a JWT at all. Never puts the token itself in a message.
 *
 * The lifetime is judged against the server's own `policy` only: a guessed
 * default (SPEC §3's 3600 s) would call a 45 s token "refused" in a community
 * that accepts 30 s. Without a policy only an already lapsed token is reported.
 */
export function inspectToken(jwt: string, policy: IdentityPolicy | undefined, serverNow: number): TokenInfo {
  const { header, payload } = decodeJwt(jwt);
  // The header's `alg` is the server's (and `chatq explain`'s) to judge: the widget reports what it can say in few bytes.
  const problems: string[] = [];
  if (typeof header.kid !== 'string' || !header.kid) {
    problems.push('no "kid"');
  }
  if (claimedUuid(payload.uuid) === undefined) {
    problems.push('no valid "uuid"');
  }
  const exp = payload.exp;
  if (typeof exp !== 'number' || !Number.isFinite(exp)) {
    problems.push('no numeric "exp"');
  } else {
    const left = Math.floor((exp * 1000 - serverNow) / 1000);
    const tolerance = policy?.clockTolerance ?? 0;
    if (left < -tolerance) {
      problems.push(`expired ${-left} s ago`);
    } else if (policy && left + tolerance < policy.minTokenLifetime) {
      problems.push(`expires in ${left} s, less than the ${policy.minTokenLifetime} s the server requires (minTokenLifetime)`);
    }
  }
  return { problems };
}

/**
 * The uuid as the server will name it (SPEC §2: a string, or an integer as
 * its decimal string), only to tell one visitor from another on this side;
 * the server validates it.
 */
export function claimedUuid(value: unknown): string | undefined {
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return String(value);
  return typeof value === 'string' && value !== '' ? value : undefined;
}
