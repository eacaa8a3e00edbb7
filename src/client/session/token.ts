import type { IdentityPolicy, JsonObject } from '../../identity/index.js';

/**
 * What SPEC §5 asks the widget to say at once, before the server answers: a
 * token that has lapsed, or has less than `minTokenLifetime` left, in words an
 * integrator understands. Never the token itself.
 *
 * Every other refusal (no kid, no uuid, a bad signature…) comes back from the
 * server with its code and words, which the widget logs as they are, and
 * `npx chatq explain` says more: the widget ships no second copy of those rules.
 *
 * The lifetime is judged against the server's own `policy` only: a guessed
 * default (SPEC §3's 3600 s) would call a 45 s token "refused" in a community
 * that accepts 30 s. Without a policy only an already lapsed token is reported.
 */
export function lifetimeProblem(payload: JsonObject, policy: IdentityPolicy | undefined, serverNow: number): string | undefined {
  const exp = payload.exp;
  // A missing or non-numeric exp is the server's to word (ERR_JWT_EXP_MISSING); NaN compares false below.
  if (typeof exp !== 'number') return;
  const left = Math.floor(exp - serverNow / 1000);
  const tolerance = policy?.clockTolerance ?? 0;
  if (left < -tolerance) return `expired ${-left} s ago`;
  if (policy && left + tolerance < policy.minTokenLifetime) return `expires in ${left} s, under minTokenLifetime (${policy.minTokenLifetime} s)`;
}
