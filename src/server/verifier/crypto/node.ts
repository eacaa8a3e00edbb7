/**
 * node:crypto, the fast path — the ONE place chatq's server core touches a
 * `node:*` module, and it does so at run time through
 * `process.getBuiltinModule` (Node ≥ 20.16, Bun, Deno), never with a static
 * import, so the core still loads on runtimes without it.
 *
 * Why it exists (measured here, Node 20.20 on a shared 2-core machine, CPU
 * time, one ~200-byte token, keys imported once):
 *   HS256 check   WebCrypto subtle.verify             18,000/s
 *                 createHmac + timingSafeEqual        165,000/s  (9×)
 *   RS256 check   WebCrypto subtle.verify (2048 bit)    9,600/s
 *                 crypto.verify with a KeyObject       22,800/s  (2.4×)
 * With WebCrypto the verifier could not match fast-jwt (~100,000 HS256
 * verifications/s here); with this it does. Same file: node's native
 * base64url decoding for ../decode.ts.
 */
import type * as NodeCrypto from 'node:crypto';
import type { SignatureBackend, SignatureCheck } from './backend.js';

const encoder = new TextEncoder();

type NodeCryptoModule = Pick<typeof NodeCrypto, 'createHmac' | 'createSecretKey' | 'createPublicKey' | 'timingSafeEqual' | 'verify' | 'KeyObject'>;

function builtin(id: string): unknown {
  const process = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  try {
    return process?.getBuiltinModule?.(id);
  } catch {
    return undefined;
  }
}

const BASE64URL = /^[A-Za-z0-9_-]*$/;
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/**
 * The same strict, canonical base64url as src/identity/base64url.ts, done by
 * node's native decoder. `Buffer.from(s, 'base64url')` alone is lenient (it
 * accepts `+` `/` `=`, skips other characters, and ignores non-zero trailing
 * bits), so the alphabet is checked first by a native regex, and the trailing
 * bits on the last character. verifier.test.ts holds this to the portable
 * decoder with a property test.
 */
function strictBase64url(from: (input: string, encoding: 'base64url') => Uint8Array): (input: string) => Uint8Array | undefined {
  return (input) => {
    const tail = input.length & 3;
    if (tail === 1 || !BASE64URL.test(input)) return undefined;
    if (tail !== 0 && (ALPHABET.indexOf(input[input.length - 1]!) & (tail === 2 ? 15 : 3)) !== 0) return undefined;
    return from(input, 'base64url');
  };
}

function loadNodeCrypto(): NodeCryptoModule | undefined {
  const candidate = builtin('node:crypto') as Partial<NodeCryptoModule> | undefined;
  if (
    typeof candidate?.createHmac !== 'function' ||
    typeof candidate.createSecretKey !== 'function' ||
    typeof candidate.createPublicKey !== 'function' ||
    typeof candidate.timingSafeEqual !== 'function' ||
    typeof candidate.verify !== 'function' ||
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
  const { createHmac, createSecretKey, createPublicKey, timingSafeEqual, verify, KeyObject } = nodeCrypto;
  const buffer = builtin('node:buffer') as { Buffer?: { from?: unknown } } | undefined;
  const from = typeof buffer?.Buffer?.from === 'function' ? (buffer.Buffer.from.bind(buffer.Buffer) as (input: string, encoding: 'base64url' | 'latin1') => Uint8Array) : undefined;
  // The signing input is base64url and a dot: one byte per character, so latin1 is exact and skips a UTF-8 pass.
  const asciiBytes = from ? (text: string): Uint8Array => from(text, 'latin1') : (text: string): Uint8Array => encoder.encode(text);
  const rsaCheck = (publicKey: NodeCrypto.KeyObject, modulusBytes: number): SignatureCheck => {
    if (publicKey.asymmetricKeyType !== 'rsa') throw new Error('not an RSA key');
    return (signingInput, signature) => {
      if (signature.length !== modulusBytes) return false;
      return verify('sha256', asciiBytes(signingInput), publicKey, signature);
    };
  };
  return {
    name: 'node',
    ...(from ? { decodeBase64url: strictBase64url(from) } : {}),
    hmacSha256(key) {
      const secret = createSecretKey(key);
      return (signingInput, signature) => {
        if (signature.length !== 32) return false;
        // latin1: the signing input is base64url and a dot, so one byte per character, no UTF-8 pass.
        const mac = createHmac('sha256', secret).update(signingInput, 'latin1').digest();
        return timingSafeEqual(mac, signature);
      };
    },
    rsaSha256(spki, modulusBytes) {
      return rsaCheck(createPublicKey({ key: spki as Buffer, format: 'der', type: 'spki' }), modulusBytes);
    },
    rsaSha256FromCryptoKey(key, modulusBytes) {
      return rsaCheck(KeyObject.from(key as NodeCrypto.webcrypto.CryptoKey), modulusBytes);
    },
  };
}
