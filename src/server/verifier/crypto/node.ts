/**
 * node:crypto, the fast path — with native-decode.ts (and the handler's
 * hashing) the only place chatq's server core touches a `node:*` module, at
 * run time (server/runtime/builtin.ts), so the core still loads on runtimes
 * without it.
 *
 * Why it exists (measured here, Node 20.20 on a shared 2-core machine, CPU
 * time, one ~200-byte token, keys imported once):
 *   HS256 check   WebCrypto subtle.verify             18,000/s
 *                 createHmac + timingSafeEqual        165,000/s  (9×)
 *   RS256 check   WebCrypto subtle.verify (2048 bit)    9,600/s
 *                 node:crypto with a KeyObject         22,800/s  (2.4×)
 * With WebCrypto the verifier could not match fast-jwt (~100,000 HS256
 * verifications/s here); with this it does.
 */
import type * as NodeBuffer from 'node:buffer';
import type * as NodeCrypto from 'node:crypto';
import { constantTimeEqual, MAX_JWT_LENGTH } from '../../../identity/index.js';
import type { HmacCheck, SignatureBackend, SignatureCheck } from './types.js';
import { builtin } from '../../runtime/builtin.js';
import { nativeJwtDecoder } from './native-decode.js';
import { oneShotHmacSha256 } from './hmac-sha256.js';
import { pkcs1Sha256Check, type Pkcs1Runtime } from './rsa-pkcs1.js';

type NodeCryptoModule = Pick<typeof NodeCrypto, 'createHmac' | 'createSecretKey' | 'createPublicKey' | 'createVerify' | 'timingSafeEqual' | 'KeyObject'> &
  Partial<Pick<typeof NodeCrypto, 'publicDecrypt' | 'createHash' | 'constants' | 'hash'>>;

/** What rsa-pkcs1.ts needs, when this runtime has all of it. */
function pkcs1Runtime(nodeCrypto: NodeCryptoModule): Pkcs1Runtime | undefined {
  const { publicDecrypt, createHash, constants, hash } = nodeCrypto;
  const Buffer = (builtin('node:buffer') as Partial<typeof NodeBuffer> | undefined)?.Buffer;
  if (typeof publicDecrypt !== 'function' || typeof createHash !== 'function' || typeof constants?.RSA_NO_PADDING !== 'number' || typeof Buffer?.from !== 'function') {
    return undefined;
  }
  return { publicDecrypt, createHash, constants, Buffer, ...(typeof hash === 'function' ? { hash } : {}) };
}

function loadNodeCrypto(): NodeCryptoModule | undefined {
  const candidate = builtin('node:crypto') as Partial<NodeCryptoModule> | undefined;
  if (
    typeof candidate?.createHmac !== 'function' ||
    typeof candidate.createSecretKey !== 'function' ||
    typeof candidate.createPublicKey !== 'function' ||
    typeof candidate.createVerify !== 'function' ||
    typeof candidate.timingSafeEqual !== 'function' ||
    typeof candidate.KeyObject?.from !== 'function'
  ) {
    return undefined;
  }
  return candidate as NodeCryptoModule;
}

/** The node:crypto backend, or `undefined` when the runtime has no node:crypto. */
export function nodeBackend(): SignatureBackend | undefined {
  const nodeCrypto = loadNodeCrypto();
  if (!nodeCrypto) return undefined;
  const { createHmac, createSecretKey, createPublicKey, createVerify, timingSafeEqual, KeyObject } = nodeCrypto;
  const jwtDecoder = nativeJwtDecoder();
  const pkcs1 = pkcs1Runtime(nodeCrypto);
  const rsaCheck = (publicKey: NodeCrypto.KeyObject, modulusBytes: number): SignatureCheck => {
    if (publicKey.asymmetricKeyType !== 'rsa') throw new Error('not an RSA key');
    // The fast path (rsa-pkcs1.ts) where the runtime passes its self-test. Else createVerify rather than the
    // one-shot crypto.verify: 24.6 µs against 25.6 µs per 2048-bit check (Node 20.20, best of 15 runs of
    // 2,000). latin1: the signing input is base64url and a dot, one byte per character, no UTF-8 pass.
    const fast = pkcs1 && pkcs1Sha256Check(pkcs1, publicKey, modulusBytes);
    return fast ?? ((signingInput, signature) => signature.length === modulusBytes && createVerify('sha256').update(signingInput, 'latin1').verify(publicKey, signature));
  };
  return {
    name: 'node',
    ...(jwtDecoder ? { jwtDecoder } : {}),
    hmacSha256(key) {
      const secret = createSecretKey(key);
      const check = (signingInput: string, signature: Uint8Array): boolean => {
        if (signature.length !== 32) return false;
        const mac = createHmac('sha256', secret).update(signingInput, 'latin1').digest();
        return timingSafeEqual(mac, signature);
      };
      // The same check on the signature's base64url part: digest('base64url') and a constant-time string
      // comparison (constantTimeEqual, src/identity) cost 2.67 µs against 3.82 µs for digest() + timingSafeEqual (Node 20.20, CPU time, best
      // of 9 runs of 30,000): no Buffer to allocate, no second native call. Base64url is canonical on both
      // sides (decodeJwt refuses any other), so equal strings ⇔ equal MACs; the length is public (43).
      // The MAC by two one-shot digests (hmac-sha256.ts) where the runtime has crypto.hash; `check` above
      // keeps createHmac, and a test holds the two to the same answers.
      const oneShot = pkcs1?.hash && oneShotHmacSha256({ hash: pkcs1.hash, Buffer: pkcs1.Buffer }, key, MAX_JWT_LENGTH);
      const mac = (signingInput: string): string => oneShot?.(signingInput) ?? createHmac('sha256', secret).update(signingInput, 'latin1').digest('base64url');
      const encoded = (signingInput: string, signaturePart: string): boolean => constantTimeEqual(mac(signingInput), signaturePart);
      // Frozen: the verifier trusts `encoded` as much as the check itself.
      return Object.freeze(Object.assign(check, { encoded })) satisfies HmacCheck;
    },
    rsaSha256(spki, modulusBytes) {
      return rsaCheck(createPublicKey({ key: spki as Buffer, format: 'der', type: 'spki' }), modulusBytes);
    },
    rsaSha256FromCryptoKey(key, modulusBytes) {
      return rsaCheck(KeyObject.from(key as NodeCrypto.webcrypto.CryptoKey), modulusBytes);
    },
  };
}
