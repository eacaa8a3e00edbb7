import { constantTimeEqual, encodeBase64url } from '../../identity/index.js';
import { builtin } from '../runtime/builtin.js';
import { randomBytes } from '../runtime/random.js';

/**
 * Web Crypto (globalThis.crypto) so the handler runs unchanged on Node, Deno,
 * Bun and Workers (SPEC §6) — with one fast path: every authenticated request
 * hashes its session credential, and on Node 20 `crypto.subtle.digest` does
 * ~16 000 SHA-256/s on this machine against ~400 000/s for node:crypto's
 * createHash (each subtle call is a thread-pool round trip). Handler-only
 * message throughput was ~2 600/s with subtle, a third of it spent there. So,
 * like the verifier (verifier/crypto/node.ts), node:crypto is taken at run time
 * through `process.getBuiltinModule` (server/runtime/builtin.ts, shared with the
 * verifier) when the runtime has it — never a static `node:*` import.
 */
type NodeHashing = {
  createHash?: (algorithm: 'sha256') => { update(data: string): { digest(): Uint8Array } };
  /** One-shot `hash(algorithm, data, encoding)` (Node ≥ 21.7): ~2.5× faster than createHash for a short text, and no digest object. */
  hash?: (algorithm: 'sha256', data: string, encoding: 'base64url') => string;
};

const nodeCrypto = builtin('node:crypto') as NodeHashing | undefined;
const createHash = typeof nodeCrypto?.createHash === 'function' ? nodeCrypto.createHash : undefined;
const hashOnce = typeof nodeCrypto?.hash === 'function' ? nodeCrypto.hash : undefined;

/** A session credential: 32 random bytes, base64url (43 characters). */
export function newSessionCredential(): string {
  return encodeBase64url(randomBytes(32));
}

export const SESSION_CREDENTIAL_PATTERN = /^[A-Za-z0-9_-]{43}$/;

export async function sha256(text: string): Promise<Uint8Array> {
  if (createHash) return new Uint8Array(createHash('sha256').update(text).digest());
  return new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text)));
}

/** SHA-256 of `text` (UTF-8), base64url: every authenticated request hashes its session credential with it. */
export async function sha256Base64url(text: string): Promise<string> {
  if (hashOnce) return hashOnce('sha256', text, 'base64url');
  return encodeBase64url(await sha256(text));
}

/** sha256Base64url without a promise where the runtime hashes at once (node:crypto's `hash`), else undefined. */
export function sha256Base64urlNow(text: string): string | undefined {
  return hashOnce ? hashOnce('sha256', text, 'base64url') : undefined;
}

/**
 * Compares two secrets in time that does not depend on where they differ:
 * both are hashed first, so the comparison (constantTimeEqual, src/identity)
 * sees two 43-character strings and also hides the expected length.
 */
export async function timingSafeEqualText(a: string, b: string): Promise<boolean> {
  const [x, y] = await Promise.all([sha256Base64url(a), sha256Base64url(b)]);
  return constantTimeEqual(x, y);
}
