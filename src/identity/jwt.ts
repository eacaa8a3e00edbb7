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

/**
 * Why a value is not a JWT (SPEC §4 step 2). {@link decodeJwt} words each one
 * for the integrator; the widget, which has no bytes for those words, prints
 * the fault and leaves the explaining to the server and `npx chatq explain`.
 */
export type JwtFault = 'type' | 'length' | 'parts' | `${'header' | 'payload'}-${'base64' | 'json' | 'object'}` | 'signature';

function readJsonObject(part: string, name: 'header' | 'payload'): JsonObject | JwtFault {
  const bytes = decodeBase64url(part);
  if (!bytes) return `${name}-base64`;
  let value: unknown;
  try {
    value = JSON.parse(utf8.decode(bytes));
  } catch {
    return `${name}-json`;
  }
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as JsonObject) : `${name}-object`;
}

/**
 * Splits and decodes a compact JWT without verifying it, or says why it is
 * not one: a string of at most 8 KiB with three canonical base64url parts
 * whose header and payload are JSON objects. The one copy of that rule, for
 * the server ({@link decodeJwt}) and the widget (which reads `exp` and `uuid`
 * with it). `decoder` only changes how fast that is found out, never the
 * outcome (see {@link JwtPartDecoder}).
 */
export function splitJwt(token: unknown, decoder?: JwtPartDecoder): DecodedJwt | JwtFault {
  if (typeof token !== 'string') return 'type';
  if (token.length > MAX_JWT_LENGTH) return 'length';
  const first = token.indexOf('.');
  const second = first < 0 ? -1 : token.indexOf('.', first + 1);
  if (first < 0 || second < 0 || token.indexOf('.', second + 1) >= 0) return 'parts';
  const headerPart = token.slice(0, first);
  const header = decoder?.object(headerPart, 'header') ?? readJsonObject(headerPart, 'header');
  if (typeof header === 'string') return header;
  const payloadPart = token.slice(first + 1, second);
  const payload = decoder?.object(payloadPart, 'payload') ?? readJsonObject(payloadPart, 'payload');
  if (typeof payload === 'string') return payload;
  const signaturePart = token.slice(second + 1);
  const signature = decoder?.bytes(signaturePart) ?? decodeBase64url(signaturePart);
  if (!signature || signature.length === 0) return 'signature';
  return { header, payload, signingInput: token.slice(0, second), signature };
}

const STANDARD_LIBRARY = 'Sign the token with a standard JWT library.';

/** What the integrator reads for each fault (server side only: the widget never ships these words). */
function faultMessage(fault: JwtFault, token: unknown): string {
  const [part, problem] = fault.split('-') as ['header' | 'payload', 'base64' | 'json' | 'object'];
  switch (fault) {
    case 'type':
      return `A JWT must be a string, got ${token === null ? 'null' : typeof token}.`;
    case 'length':
      return `The JWT is ${(token as string).length} characters long; the limit is ${MAX_JWT_LENGTH}. Put only identity data in it (move large extra values elsewhere).`;
    case 'parts':
      return 'A JWT has exactly three parts separated by dots (header.payload.signature).';
    case 'signature':
      return 'The JWT signature is missing or not canonical base64url.';
  }
  if (problem === 'base64') return `The JWT ${part} is not canonical base64url (no padding, no "+" or "/", no whitespace). ${STANDARD_LIBRARY}`;
  if (problem === 'json') return `The JWT ${part} is not valid UTF-8 JSON. ${STANDARD_LIBRARY}`;
  return `The JWT ${part} must be a JSON object.`;
}

/**
 * {@link splitJwt}, throwing `IdentityError('ERR_JWT_MALFORMED')` with a
 * message that says what to fix when the value is not a JWT (SPEC §4 step 2).
 * Used by the server before verification.
 */
export function decodeJwt(token: unknown, decoder?: JwtPartDecoder): DecodedJwt {
  const decoded = splitJwt(token, decoder);
  if (typeof decoded === 'string') throw new IdentityError('ERR_JWT_MALFORMED', faultMessage(decoded, token), { path: 'jwt' });
  return decoded;
}
