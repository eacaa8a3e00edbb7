/**
 * A random base64url id of `bytes` random bytes (16 → 128 bits, 22 chars).
 * Used for the automated uuid (SPEC §2: random, unguessable, it is what
 * proves ownership of an anonymous conversation) and for message client ids.
 * The platform's `btoa` does the base64 (the bytes as Latin-1 text), so the
 * widget ships no encoder of its own: base64url only swaps `+/` and drops `=`.
 */
export function randomId(bytes = 16): string {
  return btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(bytes))))
    .replace(/=+$/, '')
    .replace(/\+/g, '-')
    .replace(/\//g, '_');
}
