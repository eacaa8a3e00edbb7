import type { IdentityPolicy, PublicIdentity, VerifiedIdentity } from '../../../../identity/index.js';

/** What the visitor's own browser may see: no custom fields or extra values (those are for agents). */
export function publicIdentity(identity: VerifiedIdentity): PublicIdentity {
  return {
    uuid: identity.uuid,
    uuidSource: identity.uuidSource,
    signed: identity.signed,
    ...(identity.kid === undefined ? {} : { kid: identity.kid }),
    ...(identity.expiresAt === undefined ? {} : { expiresAt: identity.expiresAt }),
    fields: identity.fields ?? {},
    warnings: identity.warnings ?? [],
  };
}

/** Only the three fields of the contract: a verifier's own object may carry more than the browser should see. */
export function publicPolicy({ mode, minTokenLifetime, clockTolerance }: IdentityPolicy): IdentityPolicy {
  return { mode, minTokenLifetime, clockTolerance };
}
