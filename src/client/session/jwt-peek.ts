import type { JsonObject, JwtFault } from '../../identity/index.js';

/**
 * A JWT's payload as the widget reads it (the `uuid` that tells a user switch, the `exp` it
 * warns about, SPEC §5), **not verified**, or `parts` / `payload-json` when there is none to
 * read. Written on the browser's `atob`, which is lenient (padding, whitespace, the other
 * alphabet): a token the server reads is read the same here, and one it would refuse for its
 * header, its encoding or its length goes to the server, whose ERR_JWT_MALFORMED names the
 * fault (`splitJwt`, identity/jwt.ts). loader.js has no bytes for a second strict decoder
 * (SPEC §10); the server, which verifies, decides anyway.
 */
export function peekJwt(token: string): JsonObject | JwtFault {
  const parts = token.split('.');
  if (parts.length !== 3) return 'parts';
  try {
    // `escape` writes each byte `atob` gives as %XX and `decodeURIComponent` reads them as UTF-8,
    // refusing what is not (a strict UTF-8 decoder in a dozen bytes: TextDecoder costs every host page more).
    const value: unknown = JSON.parse(decodeURIComponent(escape(atob(parts[1]!.replace(/-/g, '+').replace(/_/g, '/')))));
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as JsonObject;
  } catch {
    // Not base64 (DOMException), not UTF-8 (URIError) or not JSON (SyntaxError).
  }
  return 'payload-json';
}
