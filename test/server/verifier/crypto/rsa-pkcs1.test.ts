/**
 * The encode-and-compare RS256 check (src/server/verifier/crypto/rsa-pkcs1.ts)
 * answers exactly as node's own RSASSA-PKCS1-v1_5 verification does, on valid
 * signatures and on every kind of near miss, including encodings forged at the
 * padding level with the private key; and it is only used where the runtime
 * passes its known-answer test.
 */
import * as nodeCrypto from 'node:crypto';
import { constants, createPublicKey, generateKeyPairSync, privateEncrypt, sign, verify, type KeyObject } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { pkcs1Sha256Check, type Pkcs1Runtime } from '../../../../src/server/verifier/crypto/rsa-pkcs1.js';
import { nodeBackend } from '../../../../src/server/verifier/crypto/node.js';
import { rsaKey } from '../../../helpers/sign.js';

const runtime: Pkcs1Runtime = { ...nodeCrypto, Buffer };
const SHA256_DIGEST_INFO = Buffer.from('3031300d060960864801650304020105000420', 'hex');

function keyOf(bits: number): { privateKey: KeyObject; publicKey: KeyObject; k: number } {
  if (bits === 2048) {
    const { privateKey } = rsaKey();
    return { privateKey, publicKey: createPublicKey(privateKey), k: 256 };
  }
  const pair = generateKeyPairSync('rsa', { modulusLength: bits });
  return { ...pair, k: bits / 8 };
}

/** A "signature" of any encoded message: the raw private operation, for encodings a signer would never make. */
function rawSign(privateKey: KeyObject, encoded: Uint8Array): Uint8Array {
  return new Uint8Array(privateEncrypt({ key: privateKey, padding: constants.RSA_NO_PADDING }, encoded));
}

/** EMSA-PKCS1-v1_5 with the parts given: the right ones give the valid encoding. */
function encoding(k: number, parts: { digestInfo?: Uint8Array; digest: Uint8Array; type?: number; trailer?: Uint8Array }): Uint8Array {
  const { digestInfo = SHA256_DIGEST_INFO, digest, type = 1, trailer = new Uint8Array() } = parts;
  const body = Buffer.concat([digestInfo, digest, trailer]);
  return Buffer.concat([Buffer.from([0, type]), Buffer.alloc(k - 3 - body.length, 0xff), Buffer.from([0]), body]);
}

for (const bits of [2048, 3072]) {
  describe(`RS256 by encode-and-compare, ${bits}-bit key`, () => {
    const { privateKey, publicKey, k } = keyOf(bits);
    const check = pkcs1Sha256Check(runtime, publicKey, k)!;
    const nodeSays = (input: string, signature: Uint8Array): boolean => verify('sha256', Buffer.from(input, 'latin1'), publicKey, signature);
    const input = 'eyJhbGciOiJSUzI1NiJ9.eyJ1dWlkIjoidSJ9';
    const digest = nodeCrypto.createHash('sha256').update(input).digest();

    it('is offered on Node (the runtime passes the known-answer test)', () => {
      expect(check).toBeTypeOf('function');
    });

    it('verifies a real signature, and a raw-signed valid encoding', () => {
      expect(check(input, new Uint8Array(sign('sha256', Buffer.from(input), privateKey)))).toBe(true);
      expect(check(input, rawSign(privateKey, encoding(k, { digest })))).toBe(true);
    });

    it('refuses what node refuses: wrong input, other hashes, forged paddings, out-of-range and wrong-length values', () => {
      const real = new Uint8Array(sign('sha256', Buffer.from(input), privateKey));
      const n = Buffer.from(publicKey.export({ format: 'jwk' }).n!, 'base64url');
      const cases: Uint8Array[] = [
        real.map((byte, i) => (i === 77 ? byte ^ 1 : byte)),
        ...['sha1', 'sha384', 'sha512'].map((hash) => new Uint8Array(sign(hash, Buffer.from(input), privateKey))),
        new Uint8Array(sign('sha256', Buffer.from(`${input}x`), privateKey)),
        // Bleichenbacher 2006: the right hash, then garbage a lenient parser skips.
        rawSign(privateKey, encoding(k, { digest, trailer: new Uint8Array(9).fill(7) })),
        // DigestInfo without the NULL parameters (a different, also-seen DER).
        rawSign(privateKey, encoding(k, { digest, digestInfo: Buffer.from('302f300b0609608648016503040201' + '0420', 'hex') })),
        rawSign(privateKey, encoding(k, { digest, type: 2 })),
        rawSign(privateKey, encoding(k, { digest: digest.map((byte, i) => (i === 31 ? byte ^ 1 : byte)) })),
        new Uint8Array(k),
        new Uint8Array(k).fill(0xff),
        new Uint8Array(n),
        Uint8Array.of(...Buffer.alloc(k - 1), 1),
        real.subarray(1),
        Uint8Array.of(0, ...real),
        new Uint8Array(0),
      ];
      for (const signature of cases) {
        expect(nodeSays(input, signature)).toBe(false);
        expect(check(input, signature)).toBe(false);
      }
    });

    it('any bytes of the right length: the same answer as node', () => {
      fc.assert(
        fc.property(fc.uint8Array({ minLength: k, maxLength: k }), (bytes) => {
          expect(check(input, bytes)).toBe(nodeSays(input, bytes));
        }),
        { numRuns: 200 },
      );
    });

    it('checks in a row, valid and not, each on its own input: nothing of one check is left for the next', () => {
      // The expected encoding is rebuilt in one buffer per key: a digest left from the call before must never count.
      const inputs = ['eyJhbGciOiJSUzI1NiJ9.eyJ1dWlkIjoiYSJ9', 'eyJhbGciOiJSUzI1NiJ9.eyJ1dWlkIjoiYiJ9', 'eyJhbGciOiJSUzI1NiJ9.eyJ1dWlkIjoiYyJ9'];
      const signatures = inputs.map((text) => new Uint8Array(sign('sha256', Buffer.from(text), privateKey)));
      fc.assert(
        fc.property(fc.array(fc.tuple(fc.nat(2), fc.nat(2)), { minLength: 1, maxLength: 8 }), (calls) => {
          for (const [which, signedAs] of calls) expect(check(inputs[which]!, signatures[signedAs]!)).toBe(which === signedAs);
        }),
        { numRuns: 100 },
      );
    });
  });
}

describe('the runtime must pass the known-answer test, else createVerify stays', () => {
  const { publicKey } = keyOf(2048);
  const answering = (publicDecrypt: Pkcs1Runtime['publicDecrypt']): Pkcs1Runtime => ({ ...runtime, publicDecrypt });

  it('refuses a publicDecrypt that echoes its input (no exponentiation), strips leading zeros, or throws', () => {
    expect(pkcs1Sha256Check(answering((_key, buffer) => Buffer.from(buffer as Uint8Array)), publicKey, 256)).toBeUndefined();
    const stripping = answering((key, buffer) => {
      const out = nodeCrypto.publicDecrypt(key, buffer);
      let start = 0;
      while (start < out.length - 1 && out[start] === 0) start++;
      return out.subarray(start);
    });
    expect(pkcs1Sha256Check(stripping, publicKey, 256)).toBeUndefined();
    expect(pkcs1Sha256Check(answering(() => { throw new Error('RSA_NO_PADDING not supported'); }), publicKey, 256)).toBeUndefined();
  });

  it('refuses a modulus length that is not the key\'s', () => {
    expect(pkcs1Sha256Check(runtime, publicKey, 255)).toBeUndefined();
    expect(pkcs1Sha256Check(runtime, publicKey, 257)).toBeUndefined();
  });

  it('without the one-shot hash (older runtimes) it hashes with createHash, with the same answers', () => {
    const { hash: _unused, ...older } = runtime;
    const check = pkcs1Sha256Check(older, publicKey, 256)!;
    const { privateKey } = rsaKey();
    const input = 'eyJhbGciOiJSUzI1NiJ9.eyJ1dWlkIjoidjIifQ';
    expect(check(input, new Uint8Array(sign('sha256', Buffer.from(input), privateKey)))).toBe(true);
    expect(check(`${input}A`, new Uint8Array(sign('sha256', Buffer.from(input), privateKey)))).toBe(false);
  });

  it('the node backend verifies RS256 this way on Node: one publicDecrypt per check', () => {
    let calls = 0;
    const counted = { ...nodeCrypto, publicDecrypt: (...args: Parameters<typeof nodeCrypto.publicDecrypt>) => (calls++, nodeCrypto.publicDecrypt(...args)) };
    const proc = process as unknown as { getBuiltinModule: (id: string) => unknown };
    const original = proc.getBuiltinModule;
    proc.getBuiltinModule = (id) => (id === 'node:crypto' ? counted : original.call(process, id));
    let backend;
    try {
      backend = nodeBackend()!;
    } finally {
      proc.getBuiltinModule = original;
    }
    const check = backend.rsaSha256(new Uint8Array(publicKey.export({ type: 'spki', format: 'der' })), 256);
    const { privateKey } = rsaKey();
    const input = 'eyJhbGciOiJSUzI1NiJ9.eyJ1dWlkIjoidjMifQ';
    calls = 0;
    expect(check(input, new Uint8Array(sign('sha256', Buffer.from(input), privateKey)))).toBe(true);
    expect(check(`${input}A`, new Uint8Array(sign('sha256', Buffer.from(input), privateKey)))).toBe(false);
    expect(calls).toBe(2);
  });
});
