/**
 * A random id of 26 base-32 characters, 5 random bits each (130 bits), from
 * `[0-9a-v]`: base64url's alphabet, so it fits the automated uuid and the
 * clientId patterns of protocol.ts. Used for the automated uuid (SPEC §2:
 * random, unguessable, it is what proves ownership of an anonymous
 * conversation) and for message client ids. `& 31` keeps the bits unbiased.
 */
export function randomId(): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(26)), (byte) => (byte & 31).toString(32)).join('');
}
