import { decodeBase64url } from './base64url.js';
import { IdentityError } from './errors.js';

/** SPEC §4 step 2: the length cap, checked before any decoding. */
export const MAX_JWT_LENGTH = 8 * 1024;

export type JsonObject = Record<string, unknown>;

/** A compact JWS split and decoded, **not verified**. */
export interface DecodedJwt {
  header: JsonObject;
  payload: JsonObject;
  /** `base64url(header) + '.' + base64url(payload)`: the bytes the signature covers. */
  signingInput: string;
  /** The decoded signature bytes. */
  signature: Uint8Array;
}

/**
 * A faster way to decode a JWT's parts, for runtimes that have one (the
 * server passes node's native base64url; see
 * src/server/verifier/crypto/native-decode.ts). It may decline any part by
 * returning `undefined`: {@link decodeJwt} then decodes that part with the
 * portable code below, which decides and words the error. So a decoder may
 * be more cautious than the portable one, never more lenient: whatever it
 * returns must be exactly what the portable decoding returns (a property test
 * holds the server's decoder to that).
 */
export interface JwtPartDecoder {
  /** A canonical base64url part (the signature) → its bytes, or `undefined`. */
  bytes(part: string): Uint8Array | undefined;
  /** A header or payload part → the JSON object its canonical base64url encodes as fatal UTF-8, or `undefined`. */
  object(part: string, name: 'header' | 'payload'): JsonObject | undefined;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

function malformed(message: string): IdentityError {
  return new IdentityError('ERR_JWT_MALFORMED', message, { path: 'jwt' });
}

function decodeJsonObject(part: string, name: 'header' | 'payload'): JsonObject {
  const bytes = decodeBase64url(part);
  if (!bytes) {
    throw malformed(
      `The JWT ${name} is not canonical base64url (no padding, no "+" or "/", no whitespace). ` +
        'Sign the token with a standard JWT library.',
    );
  }
  let value: unknown;
  try {
    value = JSON.parse(utf8.decode(bytes));
  } catch {
    throw malformed(`The JWT ${name} is not valid UTF-8 JSON. Sign the token with a standard JWT library.`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw malformed(`The JWT ${name} must be a JSON object.`);
  }
  return value as JsonObject;
}

/**
 * Splits and decodes a compact JWT without verifying it (SPEC §4 step 2).
 * Used by the server before verification and by the widget to read `exp`.
 * Throws `IdentityError('ERR_JWT_MALFORMED')` for anything that is not a
 * string of at most 8 KiB with three canonical base64url parts whose header
 * and payload are JSON objects. `decoder` only changes how fast that is
 * found out, never the outcome (see {@link JwtPartDecoder}).
 */
export function decodeJwt(token: unknown, decoder?: JwtPartDecoder): DecodedJwt {
  if (typeof token !== 'string') {
    throw malformed(`A JWT must be a string, got ${token === null ? 'null' : typeof token}.`);
  }
  if (token.length > MAX_JWT_LENGTH) {
    throw malformed(
      `The JWT is ${token.length} characters long; the limit is ${MAX_JWT_LENGTH}. ` +
        'Put only identity data in it (move large extra values elsewhere).',
    );
  }
  const first = token.indexOf('.');
  const second = first < 0 ? -1 : token.indexOf('.', first + 1);
  if (first < 0 || second < 0 || token.indexOf('.', second + 1) >= 0) {
    throw malformed('A JWT has exactly three parts separated by dots (header.payload.signature).');
  }
  const headerPart = token.slice(0, first);
  const header = decoder?.object(headerPart, 'header') ?? decodeJsonObject(headerPart, 'header');
  const payloadPart = token.slice(first + 1, second);
  const payload = decoder?.object(payloadPart, 'payload') ?? decodeJsonObject(payloadPart, 'payload');
  const signaturePart = token.slice(second + 1);
  const signature = decoder?.bytes(signaturePart) ?? decodeBase64url(signaturePart);
  if (!signature || signature.length === 0) {
    throw malformed('The JWT signature is missing or not canonical base64url.');
  }
  return { header, payload, signingInput: token.slice(0, second), signature };
}
