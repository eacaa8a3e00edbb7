/**
 * SPEC §9: the HS256 secrets integrators sign with by mistake, named in the
 * ERR_JWT_SIGNATURE message so that a backend developer reading the log (or
 * the HTTP error body) learns what to fix, not only that the signature failed.
 *
 * Only ever run after a signature has been refused: the valid path does not
 * know this file exists. A refused signature is also what an attacker can send
 * at will, so the work is bounded: one HMAC per variant below (three, stopping
 * at a match), with the variant keys imported once per configured key, on the
 * first refusal. Measured (Node 20, CPU time, 24-character secret, ~250-
 * character tokens, median of 15 alternating rounds in one process): a
 * refused bad-signature token 14.1–14.8 µs before, 21.5–21.8 µs after (+7 µs,
 * ×1.5: the three HMACs); a valid token 5.8–6.4 µs, unchanged.
 */
import { signatureBackend } from './crypto/backend.js';
import type { HmacCheck, SignatureBackend } from './crypto/types.js';
import type { VerificationKey } from './types.js';

interface Variant {
  /** The HMAC key the backend used instead of the secret string's bytes. */
  bytes(secret: string): Uint8Array;
  /** What happened and what to change: follows "…, but ". */
  says: string;
}

const encoder = new TextEncoder();

function hexBytes(secret: string): Uint8Array {
  const bytes = new Uint8Array(secret.length >> 1);
  for (let i = 0; i < bytes.length; i++) bytes[i] = parseInt(secret.slice(2 * i, 2 * i + 2), 16);
  return bytes;
}

// A configured secret is 24 or 64 characters 0-9 a-f (keys.ts): valid base64 without padding, and the same
// characters in base64url, so one variant covers both decodings.
function base64Bytes(secret: string): Uint8Array {
  return Uint8Array.from(atob(secret), (char) => char.charCodeAt(0));
}

const VARIANTS: readonly Variant[] = [
  {
    bytes: hexBytes,
    says: 'it verifies with the hex-decoded secret: the backend decoded the secret before signing; sign with the secret string itself (its characters are the HMAC key).',
  },
  {
    bytes: base64Bytes,
    says: 'it verifies with the base64-decoded secret (base64 or base64url): the backend decoded the secret before signing; sign with the secret string itself (its characters are the HMAC key).',
  },
  {
    bytes: (secret) => encoder.encode(`${secret}\n`),
    says: 'it verifies with the secret followed by a newline: the backend read the secret from a file with its trailing line break; trim the secret where the backend reads it.',
  },
];

type Diagnosis = (signingInput: string, signaturePart: string, signature: Uint8Array) => string | undefined | Promise<string | undefined>;

/** Keyed by the VerificationKey object: nothing about the secret is reachable from the key itself. */
const diagnoses = new WeakMap<VerificationKey, Diagnosis>();

function diagnosis(secret: string, backend: SignatureBackend): Diagnosis {
  let checks: readonly HmacCheck[] | undefined;
  return (signingInput, signaturePart, signature) => {
    // Imported on the first refused signature, then kept: no import per request.
    checks ??= VARIANTS.map((variant) => backend.hmacSha256(variant.bytes(secret)));
    if (!checks[0]!.encoded) {
      // WebCrypto: every check is a promise.
      return Promise.all(checks.map((check) => check(signingInput, signature))).then((verified) => VARIANTS[verified.indexOf(true)]?.says);
    }
    for (let i = 0; i < checks.length; i++) if (checks[i]!.encoded!(signingInput, signaturePart)) return VARIANTS[i]!.says;
    return undefined;
  };
}

/** Makes `key` (an HS256 key over `secret`'s bytes) diagnosable by {@link secretMistake}. */
export function rememberSecret(key: VerificationKey, secret: string, backend: SignatureBackend = signatureBackend()): void {
  diagnoses.set(key, diagnosis(secret, backend));
}

/**
 * For a signature `key` refused: which usual mistake it verifies with, as a
 * sentence for the message, or `undefined` (no match, an RSA key, or a key
 * not made by chatq). The comparisons are the backend's constant-time ones.
 */
export function secretMistake(key: VerificationKey, signingInput: string, signaturePart: string, signature: Uint8Array): string | undefined | Promise<string | undefined> {
  return diagnoses.get(key)?.(signingInput, signaturePart, signature);
}
