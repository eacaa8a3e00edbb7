import { createRemoteJWKSet, type RemoteJWKSetOptions } from 'jose';
import { IdentityError } from '../../identity/index.js';
import { signatureBackend } from './crypto/backend.js';
import { MIN_RSA_BITS } from './rsa-key.js';
import type { KeySource, VerificationKey } from './types.js';

/** Options of {@link createJwksKeySource}: jose's remote JWKS options (timeout, cooldown, cache max age, headers). */
export type JwksKeySourceOptions = Pick<RemoteJWKSetOptions, 'timeoutDuration' | 'cooldownDuration' | 'cacheMaxAge' | 'headers'>;

/**
 * A key source backed by a JWKS URL (e.g. your identity provider's
 * `/.well-known/jwks.json`). Fetching, caching and the cooldown between
 * refetches (an unknown kid triggers at most one refetch per cooldown) are
 * jose's `createRemoteJWKSet`. Only RSA keys usable with RS256, of at least
 * 2048 bits, are ever returned; a token's alg is still pinned to RS256.
 * Each key is prepared for the fast crypto backend once.
 */
export function createJwksKeySource(url: string | URL, options: JwksKeySourceOptions = {}): KeySource {
  let jwksUrl: URL | undefined;
  try {
    jwksUrl = new URL(url);
  } catch {
    jwksUrl = undefined;
  }
  // A configuration mistake, refused at start like a community's (ERR_KEY_SOURCE means "the source is down: retry").
  const problem =
    jwksUrl === undefined ? 'is not a valid absolute URL.' : jwksUrl.protocol !== 'https:' && jwksUrl.protocol !== 'http:' ? 'must be https: (or http: for local testing).' : undefined;
  if (problem !== undefined || jwksUrl === undefined) {
    throw new IdentityError('ERR_VERIFIER_CONFIG', `createJwksKeySource(url): the url ${problem}`, { path: 'url', problems: [{ path: 'url', message: problem! }] });
  }
  const remote = createRemoteJWKSet(jwksUrl, options);
  const backend = signatureBackend();
  const prepared = new WeakMap<object, VerificationKey>();
  return Object.freeze({
    async getKey(kid: string): Promise<VerificationKey | undefined> {
      let cryptoKey: CryptoKey;
      try {
        cryptoKey = await remote({ alg: 'RS256', kid });
      } catch (error) {
        const code = (error as { code?: unknown }).code;
        if (code === 'ERR_JWKS_NO_MATCHING_KEY') return undefined;
        if (code === 'ERR_JWKS_MULTIPLE_MATCHING_KEYS') {
          throw new IdentityError('ERR_JWT_KID_UNKNOWN', `The JWKS has several RS256 keys with kid ${JSON.stringify(kid.slice(0, 64))}; kids must be unique.`, { path: 'header.kid' });
        }
        throw new IdentityError('ERR_KEY_SOURCE', 'The JWKS could not be fetched or read; try again later.', { path: 'header.kid' });
      }
      let key = prepared.get(cryptoKey);
      if (!key) {
        const bits = (cryptoKey.algorithm as RsaHashedKeyAlgorithm).modulusLength;
        if (!(bits >= MIN_RSA_BITS)) {
          throw new IdentityError('ERR_KEY_SOURCE', `The JWKS key ${JSON.stringify(kid.slice(0, 64))} has ${bits} bits; RSA keys must be at least ${MIN_RSA_BITS} bits.`, { path: 'header.kid' });
        }
        key = Object.freeze({ id: kid, alg: 'RS256', bits, verify: backend.rsaSha256FromCryptoKey(cryptoKey, Math.ceil(bits / 8)) });
        prepared.set(cryptoKey, key);
      }
      return key;
    },
  });
}
