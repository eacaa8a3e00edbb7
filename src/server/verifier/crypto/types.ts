import type { JwtPartDecoder } from '../../../identity/index.js';

/**
 * The HMAC fast path: the signature as its canonical base64url part (decodeJwt
 * has already checked that it is canonical), which saves a buffer and a native
 * call per verification: see node.ts for the numbers.
 */
export type EncodedCheck = (signingInput: string, signaturePart: string) => boolean;

/**
 * Checks one signature; `signingInput` is ASCII (base64url and a dot). A check
 * may also carry `encoded`, the same check on the signature's base64url part:
 * the verifier uses it when present (node:crypto's HMAC has it).
 */
export interface SignatureCheck {
  (signingInput: string, signature: Uint8Array): boolean | Promise<boolean>;
  readonly encoded?: EncodedCheck;
}

/** What {@link SignatureBackend.hmacSha256} returns: `encoded` is set on node:crypto, absent on WebCrypto. */
export type HmacCheck = SignatureCheck;

/**
 * The two crypto operations the verifier needs, prepared once per key (in
 * `defineCommunity`), never per request. Two implementations: node:crypto when
 * the runtime offers it (Node, Bun, Deno), WebCrypto everywhere else. See
 * node.ts for why the first one exists at all.
 */
export interface SignatureBackend {
  readonly name: 'node' | 'webcrypto';
  /** HS256 over the key bytes. Throws if the key cannot be imported. */
  hmacSha256(key: Uint8Array): HmacCheck;
  /** RS256 (RSASSA-PKCS1-v1_5 with SHA-256) with an SPKI DER public key. Throws if it cannot be imported. */
  rsaSha256(spki: Uint8Array, modulusBytes: number): SignatureCheck;
  /** RS256 with a WebCrypto RSASSA-PKCS1-v1_5 key (what jose's JWKS resolver returns). */
  rsaSha256FromCryptoKey(key: CryptoKey, modulusBytes: number): SignatureCheck;
  /** A faster decoder for decodeJwt when the runtime has one (see native-decode.ts). */
  readonly jwtDecoder?: JwtPartDecoder;
}
