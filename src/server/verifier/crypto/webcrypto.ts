import type { SignatureBackend, SignatureCheck } from './types.js';

const encoder = new TextEncoder();

/**
 * WebCrypto: works on every runtime (Workers, browsers, Node), but every
 * verify is a promise and, on Node 20, HMAC runs at a few thousand per second
 * (see node.ts). Keys are imported once; the import starts at definition time
 * and each check awaits the same promise.
 */
export function webCryptoBackend(): SignatureBackend {
  const subtle = globalThis.crypto?.subtle;
  if (!subtle) {
    return {
      name: 'webcrypto',
      hmacSha256: unavailable,
      rsaSha256: unavailable,
      rsaSha256FromCryptoKey: unavailable,
    };
  }
  function prepared(keyPromise: Promise<CryptoKey>, algorithm: string, signatureLength: number): SignatureCheck {
    // Keep a rejected import from surfacing as an unhandled rejection before first use.
    keyPromise.catch(() => undefined);
    return async (signingInput, signature) => {
      if (signature.length !== signatureLength) return false;
      const key = await keyPromise;
      return subtle.verify(algorithm, key, signature as Uint8Array<ArrayBuffer>, encoder.encode(signingInput));
    };
  }
  return {
    name: 'webcrypto',
    hmacSha256(key) {
      const imported = subtle.importKey('raw', key as Uint8Array<ArrayBuffer>, { name: 'HMAC', hash: 'SHA-256' }, false, [
        'verify',
      ]);
      return prepared(imported, 'HMAC', 32);
    },
    rsaSha256(spki, modulusBytes) {
      const imported = subtle.importKey(
        'spki',
        spki as Uint8Array<ArrayBuffer>,
        { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' },
        false,
        ['verify'],
      );
      return prepared(imported, 'RSASSA-PKCS1-v1_5', modulusBytes);
    },
    rsaSha256FromCryptoKey(key, modulusBytes) {
      return prepared(Promise.resolve(key), 'RSASSA-PKCS1-v1_5', modulusBytes);
    },
  };
}

function unavailable(): never {
  throw new Error('this runtime has neither node:crypto nor WebCrypto (crypto.subtle)');
}
