import type { JsonObject, JwtFault } from '../../identity/index.js';

/**
 * SPEC §4 step 2's cap (identity/jwt.ts MAX_JWT_LENGTH, which a test compares): not imported,
 * as that module brings the portable decoder's tables with it.
 */
const MAX_LENGTH = 8 * 1024;

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * A canonical base64url part (RFC 7515: no padding, no `+` `/`, unused bits zero) as a
 * binary string, or undefined. The browser's own `atob` decodes; it is lenient (padding,
 * whitespace, the other alphabet, stray low bits), so a part counts only when it is written in
 * the base64url alphabet and re-encodes to itself: one encoding per byte string.
 */
function binary(part: string): string | undefined {
  const base64 = part.replace(/-/g, '+').replace(/_/g, '/');
  try {
    const bytes = atob(base64);
    if (/^[\w-]*$/.test(part) && btoa(bytes).replace(/=+$/, '') === base64) return bytes;
  } catch {
    // Not base64 at all.
  }
}

function object(part: string, name: 'header' | 'payload'): JsonObject | JwtFault {
  const bytes = binary(part);
  if (bytes === undefined) return `${name}-base64`;
  let value: unknown;
  try {
    value = JSON.parse(utf8.decode(Uint8Array.from(bytes, (c) => c.charCodeAt(0))));
  } catch {
    return `${name}-json`;
  }
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as JsonObject) : `${name}-object`;
}

/**
 * A JWT's payload as the widget reads it (the `uuid` that tells a user switch, the `exp` it
 * warns about), **not verified**, or why the value is not a JWT: the fault `splitJwt`
 * (identity/jwt.ts) names for the same value, which a test holds it to. Written on the
 * browser's `atob` rather than importing the server's portable decoder: loader.js has no
 * bytes for it (SPEC §10), and the server, which verifies, decides anyway.
 */
export function peekJwt(token: string): JsonObject | JwtFault {
  if (token.length > MAX_LENGTH) return 'length';
  const parts = token.split('.');
  if (parts.length !== 3) return 'parts';
  const header = object(parts[0]!, 'header');
  if (typeof header === 'string') return header;
  const payload = object(parts[1]!, 'payload');
  if (typeof payload === 'string') return payload;
  return binary(parts[2]!) ? payload : 'signature';
}
