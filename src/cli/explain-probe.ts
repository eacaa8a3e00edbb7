import { createHmac, randomBytes } from 'node:crypto';
import { encodeBase64url, isIdentityError, type IdentityError, type JsonObject, type VerifiedIdentity } from '../identity/index.js';
import { createVerifier, defineCommunity, type CommunityConfig } from '../server/index.js';

/** The outcome of one run of the real verifier. */
export type Outcome = { ok: true; identity: VerifiedIdentity } | { ok: false; error: IdentityError };

/** SPEC §4: the step a verifier error belongs to. */
export type Stage = 'mode' | 'shape' | 'header' | 'signature' | 'claims' | 'fields';

export function stageOf(error: IdentityError): Stage {
  switch (error.code) {
    case 'ERR_SIGNED_IDENTITY_REQUIRED':
    case 'ERR_SIGNED_IDENTITY_REJECTED':
      return 'mode';
    case 'ERR_JWT_ALG':
    case 'ERR_JWT_KID_MISSING':
    case 'ERR_JWT_KID_UNKNOWN':
    case 'ERR_JWT_HEADER':
    case 'ERR_KEY_SOURCE':
      return 'header';
    case 'ERR_JWT_SIGNATURE':
      return 'signature';
    case 'ERR_JWT_EXP_MISSING':
    case 'ERR_JWT_EXPIRED':
    case 'ERR_JWT_EXP_TOO_SOON':
    case 'ERR_JWT_NOT_YET_VALID':
    case 'ERR_JWT_UUID_MISSING':
      return 'claims';
    case 'ERR_IDENTITY_INVALID':
      return 'fields';
    default:
      // A malformed nbf, iat or exp (milliseconds) is refused as ERR_JWT_MALFORMED at the claims step.
      return error.path?.startsWith('payload.') ? 'claims' : 'shape';
  }
}

export async function outcome(run: () => Promise<VerifiedIdentity>): Promise<Outcome> {
  try {
    return { ok: true, identity: await run() };
  } catch (error) {
    if (isIdentityError(error)) return { ok: false, error };
    throw error;
  }
}

const PROBE_KID = 'chatq_explain_probe';

/**
 * The real verifier, with the community's policy, fields and mappings but a
 * throwaway key: it runs the steps that need no key (header, claims, fields)
 * on a token re-signed with that key. So every check `explain` reports is the
 * verifier's own, even without the community's key or past a failed step.
 */
export function createProbe(config: Record<string, unknown>, now: () => number) {
  const secret = randomBytes(32).toString('hex');
  const { customFields, extraValueMapping, minTokenLifetime, clockTolerance } = config;
  const community = defineCommunity({
    customFields,
    extraValueMapping,
    minTokenLifetime,
    clockTolerance,
    jwtKeys: [{ id: PROBE_KID, secret }],
  } as CommunityConfig);
  const verifier = createVerifier(community, { cacheSize: 0, now });

  function resign(header: JsonObject, payload: JsonObject): string {
    const encode = (value: JsonObject) => encodeBase64url(new TextEncoder().encode(JSON.stringify(value)));
    const input = `${encode(header)}.${encode(payload)}`;
    return `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`;
  }

  return {
    policy: community.policy,
    /** The token's own header, with the probe's key named and HS256 in place of a valid alg (the key kind is the signature's business). */
    header(header: JsonObject, payload: JsonObject): Promise<Outcome> {
      const probeHeader: JsonObject = { ...header };
      if (header.alg === 'HS256' || header.alg === 'RS256') probeHeader.alg = 'HS256';
      if (typeof header.kid === 'string' && header.kid !== '') probeHeader.kid = PROBE_KID;
      return outcome(() => verifier.verify({ jwt: resign(probeHeader, payload) }));
    },
    /** The payload under a clean header: claims, then fields. */
    payload(payload: JsonObject): Promise<Outcome> {
      return outcome(() => verifier.verify({ jwt: resign({ alg: 'HS256', typ: 'JWT', kid: PROBE_KID }, payload) }));
    },
  };
}

export type Probe = ReturnType<typeof createProbe>;
