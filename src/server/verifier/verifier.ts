import {
  addWarning,
  checkHeader,
  checkTimes,
  decodeJwt,
  IdentityError,
  isIdentityError,
  normalizeIdentityData,
  readSignedUuid,
  readTimeClaims,
  type DecodedJwt,
  type IdentityWarning,
  type JsonObject,
  type NormalizedIdentity,
  type TimeClaims,
  type VerifiedIdentity,
  type VerifyInput,
} from '../../identity/index.js';
import { automatedUuid } from './anonymous.js';
import { TokenCache } from './cache.js';
import { communityInternals } from './community.js';
import { signatureBackend } from './crypto/backend.js';
import { unknownKidHint } from './kid-hints.js';
import { rememberingHeaders } from './known-headers.js';
import { applyMapping } from './mapping.js';
import { secretMistake } from './secret-mistakes.js';
import { rememberSharing } from './sharing.js';
import type { Community, JwtAlgorithm, KeySource, VerificationKey, Verifier, VerifierOptions } from './types.js';

export const DEFAULT_CACHE_SIZE = 1000;

/**
 * A verified token as the cache keeps it. It holds the decoded payload, which
 * is never handed out, rather than a result: every call builds its result
 * from it afresh (SPEC §2 rules and mappings are cheap next to any copy),
 * so no caller ever shares a mutable object with another.
 */
interface VerifiedToken {
  readonly dropAt: number;
  readonly times: TimeClaims;
  readonly key: VerificationKey;
  readonly uuid: string;
  readonly payload: JsonObject;
}

/** One signed verification in flight, after decoding and the header checks: what every later step needs. */
interface Attempt {
  /** The token exactly as given: the cache key, and where the signature's base64url part is read. */
  readonly jwt: string;
  readonly token: DecodedJwt;
  readonly alg: JwtAlgorithm;
  readonly kid: string;
  /** Identity data was given beside the JWT (it is ignored, with a warning). */
  readonly identityGiven: boolean;
  readonly nowSeconds: number;
}

const UNSIGNED_IGNORED = 'identity data given beside a JWT is ignored: only what the JWT carries is used. Put these fields in its payload.';

/** automatedUuid, its warning added within the SPEC §6 bound on warnings. */
function anonymousUuid(candidate: unknown, warnings: IdentityWarning[]): string {
  const own: IdentityWarning[] = [];
  const uuid = automatedUuid(candidate, own);
  for (const warning of own) addWarning(warnings, warning.code, warning.path, warning.message);
  return uuid;
}

function isThenable<T>(value: T | Promise<T>): value is Promise<T> {
  return typeof (value as { then?: unknown } | undefined)?.then === 'function';
}

function cacheCapacity(value: unknown): number {
  if (value === undefined) return DEFAULT_CACHE_SIZE;
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return value;
  // A verifier option, not the community's: its own code (issue 21 item 3).
  const message = `options.cacheSize must be a non-negative integer (0 turns the cache off), got ${String(value).slice(0, 20)}.`;
  throw new IdentityError('ERR_VERIFIER_CONFIG', message, { problems: [{ path: 'options.cacheSize', message }] });
}

function internalError(): IdentityError {
  return new IdentityError('ERR_INTERNAL', 'The verifier failed unexpectedly; nothing in the request caused it. This is a bug: please report it.', { path: 'input' });
}

function unknownKid(kid: string, keySource: KeySource): IdentityError {
  return new IdentityError('ERR_JWT_KID_UNKNOWN', `The JWT kid ${JSON.stringify(kid.slice(0, 64))} names no configured key; ${unknownKidHint(keySource, kid)}`, { path: 'header.kid' });
}

function keySourceFailed(error: unknown): never {
  if (isIdentityError(error)) throw error;
  throw new IdentityError('ERR_KEY_SOURCE', 'The key source could not provide keys (e.g. the JWKS endpoint is unreachable); try again later.', { path: 'header.kid' });
}

/** The key for `kid`: synchronously for the community's own keys, so the common path never waits on a promise. */
function findKey(keySource: KeySource, kid: string): VerificationKey | undefined | Promise<VerificationKey | undefined> {
  try {
    const found = keySource.getKey(kid);
    return isThenable(found) ? found.then(undefined, keySourceFailed) : found;
  } catch (error) {
    return keySourceFailed(error);
  }
}

function badSignature(key: VerificationKey, mistake: string | undefined): IdentityError {
  const refused = `The JWT signature does not verify with key "${key.id}"`;
  return new IdentityError(
    'ERR_JWT_SIGNATURE',
    mistake === undefined ? `${refused}; sign with that key's ${key.alg === 'HS256' ? 'secret' : 'private key'}, and do not alter the token after signing.` : `${refused}, but ${mistake}`,
    { path: 'jwt' },
  );
}

/** The refusal, naming the integrator's likely mistake when there is one: work done only here, never when a signature verifies. */
function refuseSignature(key: VerificationKey, { jwt, token }: Attempt): never | Promise<never> {
  let mistake: string | undefined | Promise<string | undefined>;
  try {
    mistake = secretMistake(key, token.signingInput, jwt.slice(token.signingInput.length + 1), token.signature);
  } catch {
    mistake = undefined;
  }
  if (!isThenable(mistake)) throw badSignature(key, mistake);
  return mistake.then(
    (found) => {
      throw badSignature(key, found);
    },
    () => {
      throw badSignature(key, undefined);
    },
  );
}

/** Runs the key's check; a crypto exception counts as a bad signature. */
function checkSignature(key: VerificationKey, attempt: Attempt): void | Promise<void> {
  let result: boolean | Promise<boolean>;
  try {
    const { jwt, token } = attempt;
    const { signingInput } = token;
    const encoded = key.verify.encoded;
    result = encoded ? encoded(signingInput, jwt.slice(signingInput.length + 1)) : key.verify(signingInput, token.signature);
  } catch {
    throw badSignature(key, undefined);
  }
  if (isThenable(result)) {
    return result.then(
      (valid) => {
        if (valid !== true) return refuseSignature(key, attempt);
      },
      () => {
        throw badSignature(key, undefined);
      },
    );
  }
  if (result !== true) return refuseSignature(key, attempt);
}

/**
 * The built-in verifier (SPEC §4). Checks run in the SPEC's order and fail
 * with a stable `IdentityError` code; nothing else escapes `verify`.
 *
 * Verified tokens are remembered (bounded LRU keyed by the exact token
 * string, admitted on their second verification, entries dropped at exp) so
 * that a visitor reloading a page costs a map lookup; every hit still re-runs
 * every time check (exp, minTokenLifetime, nbf, iat), re-resolves the kid (a
 * key removed from the key source stops verifying) and rebuilds the result
 * from the payload, so no two calls share a mutable object.
 */
export function createVerifier(community: Community, options: VerifierOptions = {}): Verifier {
  const { plan } = communityInternals(community);
  const policy = community.policy;
  const mode = policy.mode;
  const keySource = options.keySource ?? community.keySource;
  const now = options.now ?? Date.now;
  const cache = new TokenCache<VerifiedToken>(cacheCapacity(options.cacheSize));
  const nativeDecoder = signatureBackend().jwtDecoder;
  const decoder = nativeDecoder && rememberingHeaders(nativeDecoder);

  // The signed path is written without `async`: with the community's keys and node:crypto every step is
  // synchronous, and each avoided promise is measurable at 100k+ verifications per second.
  function verifySigned(jwt: unknown, identityGiven: boolean): VerifiedIdentity | Promise<VerifiedIdentity> {
    const nowSeconds = now() / 1000;
    const cached = typeof jwt === 'string' ? cache.get(jwt, nowSeconds) : undefined;
    if (cached) {
      const found = findKey(keySource, cached.key.id);
      const fromCache = (key: VerificationKey | undefined): VerifiedIdentity | Promise<VerifiedIdentity> => {
        // A key removed from (or replaced in) the key source invalidates what it verified.
        if (key !== cached.key) return verifyToken(jwt, identityGiven, nowSeconds);
        checkTimes(cached.times, nowSeconds, policy);
        return signedResult(cached, identityGiven);
      };
      return isThenable(found) ? found.then(fromCache) : fromCache(found);
    }
    return verifyToken(jwt, identityGiven, nowSeconds);
  }

  function verifyToken(jwt: unknown, identityGiven: boolean, nowSeconds: number): VerifiedIdentity | Promise<VerifiedIdentity> {
    const token = decodeJwt(jwt, decoder);
    const { alg, kid } = checkHeader(token.header, token.signingInput.indexOf('.'));
    // decodeJwt refuses anything but a string.
    const attempt: Attempt = { jwt: jwt as string, token, alg, kid, identityGiven, nowSeconds };
    const found = findKey(keySource, kid);
    return isThenable(found) ? found.then((key) => withKey(attempt, key)) : withKey(attempt, found);
  }

  function withKey(attempt: Attempt, key: VerificationKey | undefined): VerifiedIdentity | Promise<VerifiedIdentity> {
    if (!key) throw unknownKid(attempt.kid, keySource);
    if (key.alg !== attempt.alg) {
      throw new IdentityError(
        'ERR_JWT_ALG',
        `The JWT alg is ${attempt.alg} but key "${key.id}" is an ${key.alg} key; each key verifies only its own algorithm (HS256 with a secret, RS256 with an RSA key).`,
        { path: 'header.alg' },
      );
    }
    const checked = checkSignature(key, attempt);
    return isThenable(checked) ? checked.then(() => afterSignature(attempt, key)) : afterSignature(attempt, key);
  }

  function afterSignature(attempt: Attempt, key: VerificationKey): VerifiedIdentity {
    const { payload } = attempt.token;
    const times = readTimeClaims(payload);
    checkTimes(times, attempt.nowSeconds, policy);
    // The uuid is normalised once, by normalizeIdentityData (same value, same path as readSignedUuid), yet
    // every outcome stays as if readSignedUuid ran first: when normalisation fails, readSignedUuid throws
    // the uuid's own ERR_JWT_UUID_MISSING if the uuid is what is wrong, and otherwise the same failure goes out.
    let normalized: NormalizedIdentity;
    try {
      normalized = normalizeIdentityData(payload, 'payload');
    } catch (error) {
      readSignedUuid(payload);
      throw error;
    }
    const uuid = normalized.uuid ?? readSignedUuid(payload);
    const verified: VerifiedToken = { dropAt: times.exp, times, key, uuid, payload };
    const result = signedResult(verified, attempt.identityGiven, normalized);
    cache.set(attempt.jwt, verified);
    return result;
  }

  /** SPEC §4 step 6 and the §3 mappings, run for every call, cached or not (`normalized`: the payload's, when just made). */
  function signedResult(token: VerifiedToken, identityGiven: boolean, normalized = normalizeIdentityData(token.payload, 'payload')): VerifiedIdentity {
    const { fields, extraValues, warnings } = normalized;
    const customFields = applyMapping(plan.rules, { uuid: token.uuid, uuidIsAutomated: false, source: 'payload', extraValues, fields, warnings });
    if (identityGiven) addWarning(warnings, 'W_UNSIGNED_IGNORED', 'identity', UNSIGNED_IGNORED);
    return {
      uuid: token.uuid,
      uuidSource: 'jwt',
      signed: true,
      kid: token.key.id,
      // Milliseconds, as every expiresAt (issue 21 item 5); the claim exp is seconds.
      expiresAt: token.times.exp * 1000,
      fields,
      customFields,
      extraValues,
      warnings,
    };
  }

  function verifyUnsigned(identity: unknown, automated: unknown): VerifiedIdentity {
    const normalized = identity === undefined || identity === null ? undefined : normalizeIdentityData(identity, 'identity');
    const fields = normalized?.fields ?? {};
    const extraValues = normalized?.extraValues ?? Object.create(null);
    const warnings = normalized?.warnings ?? [];
    const claimed = normalized?.uuid;
    const uuid = claimed ?? anonymousUuid(automated, warnings);
    const customFields = applyMapping(plan.rules, { uuid, uuidIsAutomated: claimed === undefined, source: 'identity', extraValues, fields, warnings });
    // uuidSource keeps unsigned uuids in their own namespace: they label a visitor, never unlock a signed one's data.
    return { uuid, uuidSource: claimed === undefined ? 'automated' : 'unsigned', signed: false, fields, customFields, extraValues, warnings };
  }

  function run(input: VerifyInput): VerifiedIdentity | Promise<VerifiedIdentity> {
    if (typeof input !== 'object' || input === null) {
      throw new IdentityError('ERR_IDENTITY_INVALID', 'verify() takes an object { jwt?, identity?, automatedUuid? }.', { path: 'input' });
    }
    const { jwt, identity } = input;
    if (jwt === undefined || jwt === null) {
      if (mode === 'require') {
        throw new IdentityError('ERR_SIGNED_IDENTITY_REQUIRED', 'This community requires signed identities: give a JWT signed with one of its keys (unsigned identity data is not accepted).', { path: 'jwt' });
      }
      return verifyUnsigned(identity, input.automatedUuid);
    }
    if (mode === 'reject') {
      throw new IdentityError('ERR_SIGNED_IDENTITY_REJECTED', "This community rejects signed identities: give unsigned identity data, or set signedIdentities to 'require'.", { path: 'jwt' });
    }
    return verifySigned(jwt, identity !== undefined && identity !== null);
  }

  /**
   * Anything that is not an IdentityError is a bug in the verifier (every input is refused with its own
   * code; test/server/verifier/property.test.ts holds it to that): still an IdentityError, never a crash,
   * but ERR_INTERNAL (the handler answers 500 and logs it) — never a 4xx that blames the caller. The
   * message names no input: the original error's text may quote the token.
   */
  function asIdentityError(error: unknown): never {
    throw isIdentityError(error) ? error : internalError();
  }

  function verify(input: VerifyInput): Promise<VerifiedIdentity> {
    try {
      const result = run(input);
      return isThenable(result) ? result.then(undefined, asIdentityError) : Promise.resolve(result);
    } catch (error) {
      return Promise.reject(isIdentityError(error) ? error : internalError());
    }
  }

  const verifier: Verifier = Object.freeze({ verify, policy, communityId: community.id, community: community.id });
  rememberSharing(verifier, community, options.keySource);
  return verifier;
}
