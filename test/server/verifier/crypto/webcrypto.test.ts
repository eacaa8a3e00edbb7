/** src/server/verifier/crypto/webcrypto.ts: the backend for runtimes without node:crypto (Workers, Deno Deploy). */
import { createHmac, createPublicKey } from 'node:crypto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { webCryptoBackend } from '../../../../src/server/verifier/crypto/webcrypto.js';
import { rsaKey, rsaSignature } from '../../../helpers/sign.js';

const SECRET = new TextEncoder().encode('0123456789abcdef01234567');
const INPUT = 'eyJhbGciOiJSUzI1NiJ9.eyJ1dWlkIjoidSJ9';
const rsa = rsaKey('webcrypto_backend');
const spki = new Uint8Array(createPublicKey(rsa.publicKeyPem).export({ type: 'spki', format: 'der' }));
const rsaSig = new Uint8Array(Buffer.from(rsaSignature(INPUT, rsa.privateKey), 'base64url'));

afterEach(() => vi.unstubAllGlobals());

describe('webCryptoBackend', () => {
  const backend = webCryptoBackend();

  it('checks HS256 through promises, and has no base64url fast path', async () => {
    const check = backend.hmacSha256(SECRET);
    expect(check.encoded).toBeUndefined();
    const mac = new Uint8Array(createHmac('sha256', SECRET).update(INPUT).digest());
    const answer = check(INPUT, mac);
    expect(answer).toBeInstanceOf(Promise);
    expect(await answer).toBe(true);
    expect(await check(`${INPUT}x`, mac)).toBe(false);
    expect(await check(INPUT, mac.subarray(1))).toBe(false);
  });

  it('checks RS256 with an SPKI key and with a CryptoKey', async () => {
    expect(await backend.rsaSha256(spki, 256)(INPUT, rsaSig)).toBe(true);
    expect(await backend.rsaSha256(spki, 256)(`${INPUT}x`, rsaSig)).toBe(false);
    expect(await backend.rsaSha256(spki, 256)(INPUT, rsaSig.subarray(1))).toBe(false);
    const key = await crypto.subtle.importKey('spki', spki, { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }, false, ['verify']);
    expect(await backend.rsaSha256FromCryptoKey(key, 256)(INPUT, rsaSig)).toBe(true);
  });

  it('a key that cannot be imported fails each check, never as an unhandled rejection at definition', async () => {
    const unhandled: unknown[] = [];
    const listener = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', listener);
    try {
      const check = backend.rsaSha256(Uint8Array.of(1, 2, 3), 256);
      await new Promise((resolve) => setImmediate(resolve));
      await expect(check(INPUT, rsaSig)).rejects.toThrow();
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', listener);
    }
  });

  it('says what is missing on a runtime with no WebCrypto at all', () => {
    vi.stubGlobal('crypto', undefined);
    const bare = webCryptoBackend();
    expect(bare.name).toBe('webcrypto');
    expect(() => bare.hmacSha256(SECRET)).toThrow('this runtime has neither node:crypto nor WebCrypto (crypto.subtle)');
    expect(() => bare.rsaSha256(spki, 256)).toThrow('neither node:crypto nor WebCrypto');
  });
});
