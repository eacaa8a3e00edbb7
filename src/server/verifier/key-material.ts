/**
 * SPEC §3: key material given as an object chatq does not take (a Buffer, a
 * node:crypto KeyObject, a WebCrypto CryptoKey, a whole JWKS) — what was given
 * and what to give instead. Recognized by their shape and `Symbol.toStringTag`,
 * never by importing `node:*`, and never read into the message.
 */
export type KeyField = 'secret' | 'publicKey';

function tag(value: object): string {
  return Object.prototype.toString.call(value).slice(8, -1);
}

function bytesProblem(value: object, field: KeyField): string | undefined {
  if (!ArrayBuffer.isView(value) && !(value instanceof ArrayBuffer)) return undefined;
  const name = value.constructor?.name === 'Buffer' ? 'Buffer' : tag(value);
  // "a Uint8Array": the U is said "you".
  const what = `${/^[AEIO]/.test(name) ? 'an' : 'a'} ${name}`;
  return field === 'secret'
    ? `got ${what}; give the secret as a string (read from a file: readFileSync(path, 'utf8').trim()).`
    : `got ${what}; give the key as a PEM string (\`.toString()\` it if it holds PEM, e.g. readFileSync(path, 'utf8')) or a single RSA JWK.`;
}

const PRIVATE = 'this is a private key, refused: configure only the public key, keep the private key on the signing backend, and treat this one as exposed if it was shared.';

function keyObjectProblem(value: object, field: KeyField): string | undefined {
  if (tag(value) !== 'KeyObject') return undefined;
  if (field === 'secret') return 'got a KeyObject (node:crypto); give the secret string itself (24 or 64 characters 0-9 a-f): its characters are the HMAC key.';
  if ((value as { type?: unknown }).type === 'private') return `${PRIVATE} The public key's PEM: createPublicKey(key).export({ type: 'spki', format: 'pem' }).`;
  return "got a KeyObject (node:crypto); give its PEM instead: key.export({ type: 'spki', format: 'pem' }).";
}

function cryptoKeyProblem(value: object, field: KeyField): string | undefined {
  if (tag(value) !== 'CryptoKey') return undefined;
  if (field === 'secret') return 'got a CryptoKey (WebCrypto); give the secret string itself (24 or 64 characters 0-9 a-f).';
  if ((value as { type?: unknown }).type === 'private') return PRIVATE;
  return "got a CryptoKey (WebCrypto); give it as a JWK instead: await crypto.subtle.exportKey('jwk', key).";
}

/** A JWK Set (RFC 7517 §5), `{ keys: [...] }` as a JWKS endpoint serves it, given where one JWK belongs. */
export function jwksProblem(value: Record<string, unknown>): string | undefined {
  if (!Array.isArray(value.keys) || Object.hasOwn(value, 'kty')) return undefined;
  const count = value.keys.length === 1 ? '1 key' : `${value.keys.length} keys`;
  return `got a JWKS (a set of ${count}); give the single RSA JWK tokens are signed with (one entry of its "keys"), or use createJwksKeySource(url) for a JWKS URL.`;
}

/** The problem with `value` as a `secret` or `publicKey` when it is a Buffer, a KeyObject or a CryptoKey, else `undefined`. */
export function keyObjectMistake(value: unknown, field: KeyField): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  return bytesProblem(value, field) ?? keyObjectProblem(value, field) ?? cryptoKeyProblem(value, field);
}
