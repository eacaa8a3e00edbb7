import { SignJWT } from 'jose';
import {
  encodeBase64url,
  FORBIDDEN_KEYS,
  type IdentityData,
  IdentityError,
  type IdentityWarning,
  normalizeIdentityData,
  readSignedUuid,
} from '../identity/index.js';
import { checkKid, signingKey, type RsaPrivateKeyInput } from './key.js';
import { checkLifetime, minimumOf, parseLifetime } from './lifetime.js';

/** Set by signIdentity from `lifetime`; an identity that carries them is a mistake, not data. */
const TIME_CLAIMS = ['exp', 'iat', 'nbf'];

interface CommonSignOptions {
  /** The id of the community key (`jwtKeys[].id`); the token's `kid` header. Case-sensitive. */
  kid: string;
  /** Seconds, or '90m', '2h', '1d'. At least the community's `minTokenLifetime` plus a minute (LIFETIME_MARGIN). */
  lifetime: number | string;
  /**
   * The community the token is for, as `defineCommunity` returned it, when your
   * backend defines it too: its `minTokenLifetime` is the one checked.
   */
  community?: { readonly minTokenLifetime: number };
  /** Your community's `minTokenLifetime` in seconds, when the community is defined elsewhere. Default 3600, as the community's. */
  minTokenLifetime?: number;
  /** Called with each value the verifier would drop or ignore (an unknown field, a malformed email…). */
  onWarning?: (warning: IdentityWarning) => void;
}

export interface HmacSignOptions extends CommonSignOptions {
  /** The community key's secret (24 or 64 characters 0-9 a-f), as written: its bytes are the HMAC key. */
  secret: string;
  privateKey?: undefined;
}

export interface RsaSignOptions extends CommonSignOptions {
  /** An RSA private key of at least 2048 bits: PKCS#8 PEM (PKCS#1 too on Node, Bun, Deno), a private JWK, or a CryptoKey. */
  privateKey: RsaPrivateKeyInput;
  secret?: undefined;
}

export type SignIdentityOptions = HmacSignOptions | RsaSignOptions;

/** The payload: the identity's own keys (never __proto__ and friends) and the time claims. */
function payloadOf(identity: Record<string, unknown>, lifetime: number): Record<string, unknown> {
  const payload: Record<string, unknown> = {};
  for (const key of Object.keys(identity)) {
    if (FORBIDDEN_KEYS.has(key)) continue;
    if (TIME_CLAIMS.includes(key)) {
      throw new TypeError(`identity.${key} is set by signIdentity from the lifetime option; remove it from the identity.`);
    }
    payload[key] = identity[key];
  }
  const now = Math.floor(Date.now() / 1000);
  payload.iat = now;
  payload.exp = now + lifetime;
  return payload;
}

/**
 * Signs a visitor's identity for the chatq widget (SPEC §9): a compact JWT,
 * HS256 with `secret` or RS256 with `privateKey`, with the `kid` header, `iat`
 * and `exp` set. Runs on Node, Deno, Bun, Workers and browsers (WebCrypto).
 *
 * It refuses at once, with the verifier's codes, what the community would
 * refuse: no uuid (`ERR_JWT_UUID_MISSING`), a lifetime that would reach the
 * server under `minTokenLifetime`, i.e. without a minute more
 * (`ERR_JWT_EXP_TOO_SOON`, SPEC §13), a field of the wrong type
 * (`ERR_IDENTITY_INVALID`). A bad kid, secret or key is a TypeError or
 * RangeError that says what to change. The rules are the verifier's own
 * (src/identity/fields.ts), not a copy.
 *
 * @example
 * const jwt = await signIdentity({ uuid: user.id, email: user.email }, { kid: 'site_2026', secret: process.env.CHATQ_HS256_SECRET!, lifetime: '2h' });
 */
export async function signIdentity(identity: IdentityData, options: SignIdentityOptions): Promise<string> {
  if (typeof options !== 'object' || options === null) throw new TypeError('signIdentity(identity, { kid, secret | privateKey, lifetime }) needs its options.');
  const kid = checkKid(options.kid);
  const lifetime = parseLifetime(options.lifetime);
  const min = minimumOf(options);
  const signer = signingKey(options);
  if (typeof identity !== 'object' || identity === null || Array.isArray(identity)) {
    throw new IdentityError('ERR_IDENTITY_INVALID', 'identity must be an object such as { uuid, email }.', { path: 'payload' });
  }
  const record = identity as Record<string, unknown>;
  // The verifier's order (SPEC §4 steps 5 and 6): time claims, then the uuid, then the fields.
  checkLifetime(lifetime, min);
  // SPEC §4 step 5 with the verifier's own rule and words (a `sub` or `user_id` in its place is named).
  readSignedUuid(record);
  const payload = payloadOf(record, lifetime);
  const { warnings } = normalizeIdentityData(payload, 'payload');
  if (options.onWarning) for (const warning of warnings) options.onWarning(warning);
  if (signer.alg === 'RS256') return new SignJWT(payload).setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid }).sign(await signer.key);
  const sign = await signer.hmac;
  const signingInput = `${encodeJson({ alg: 'HS256', typ: 'JWT', kid })}.${encodeJson(payload)}`;
  return `${signingInput}.${await sign(signingInput)}`;
}

const encoder = new TextEncoder();

function encodeJson(value: object): string {
  return encodeBase64url(encoder.encode(JSON.stringify(value)));
}
