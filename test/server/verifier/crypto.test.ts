/**
 * The node:crypto backend's checks (src/server/verifier/crypto/node.ts): the
 * HMAC check on the signature's base64url part must agree with the check on
 * its bytes, and the RS256 check (rsa-pkcs1.ts) must verify and refuse as
 * crypto.verify does.
 */
import * as nodeCrypto from 'node:crypto';
import { createPublicKey, verify } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { builtin } from '../../../src/server/runtime/builtin.js';
import { createVerifier, defineCommunity, type VerificationKey } from '../../../src/server/verifier/index.js';
import type { HmacCheck } from '../../../src/server/verifier/crypto/types.js';
import { nodeBackend } from '../../../src/server/verifier/crypto/node.js';
import { webCryptoBackend } from '../../../src/server/verifier/crypto/webcrypto.js';
import { prepareKey } from '../../../src/server/verifier/keys.js';
import { Problems } from '../../../src/server/verifier/problems.js';
import { b64url, HS_KEY, hmacSignature, rsaKey, rsaSignature, signHS256, signRS256 } from '../../helpers/sign.js';

const backend = nodeBackend()!;
const encoder = new TextEncoder();
const bytesOf = (part: string): Uint8Array => new Uint8Array(Buffer.from(part, 'base64url'));

describe('HS256: the check on the base64url part agrees with the check on the bytes', () => {
  const check: HmacCheck = backend.hmacSha256(encoder.encode(HS_KEY.secret));
  const encoded = check.encoded!;
  const input = `${b64url({ alg: 'HS256', kid: HS_KEY.kid })}.${b64url({ uuid: 'u1', exp: 2_000_000_000 })}`;
  const signature = hmacSignature(input, HS_KEY.secret);

  it('verifies the right signature and refuses another input', () => {
    expect(encoded(input, signature)).toBe(true);
    expect(check(input, bytesOf(signature))).toBe(true);
    expect(encoded(`${input}x`, signature)).toBe(false);
    expect(check(`${input}x`, bytesOf(signature))).toBe(false);
  });

  it('any canonical signature part: the same answer either way', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 0, maxLength: 40 }), fc.boolean(), (bytes, realPrefix) => {
        const given = realPrefix && bytes.length === 32 ? new Uint8Array([...bytesOf(signature).slice(0, 31), bytes[31]!]) : bytes;
        const part = Buffer.from(given).toString('base64url');
        expect(encoded(input, part)).toBe(check(input, given));
      }),
      { numRuns: 5_000 },
    );
  });

  it('one changed character anywhere in the signature → refused', () => {
    for (let i = 0; i < signature.length; i++) {
      const altered = signature.slice(0, i) + (signature[i] === 'A' ? 'B' : 'A') + signature.slice(i + 1);
      expect(encoded(input, altered)).toBe(false);
    }
    expect(encoded(input, signature.slice(0, -1))).toBe(false);
    expect(encoded(input, `${signature}A`)).toBe(false);
    expect(encoded(input, '')).toBe(false);
  });

  it('cannot be swapped out: the check is frozen', () => {
    expect(Object.isFrozen(check)).toBe(true);
    expect(() => Object.assign(check, { encoded: () => true })).toThrow(TypeError);
    expect(encoded(input, 'A'.repeat(43))).toBe(false);
  });
});

describe('RS256: the node backend\'s check answers as crypto.verify does', () => {
  const rsa = rsaKey();
  const spki = new Uint8Array(createPublicKey(rsa.publicKeyPem).export({ type: 'spki', format: 'der' }));
  const check = backend.rsaSha256(spki, 256);
  const input = `${b64url({ alg: 'RS256', kid: rsa.kid })}.${b64url({ uuid: 'u1', exp: 2_000_000_000 })}`;
  const signature = bytesOf(rsaSignature(input, rsa.privateKey));

  it('verifies, and refuses another input, an altered signature or one of the wrong length', () => {
    expect(check(input, signature)).toBe(true);
    expect(check(`${input}x`, signature)).toBe(false);
    const altered = signature.slice();
    altered[100] = altered[100]! ^ 1;
    expect(check(input, altered)).toBe(false);
    expect(verify('sha256', Buffer.from(input), createPublicKey(rsa.publicKeyPem), altered)).toBe(false);
    expect(check(input, signature.slice(1))).toBe(false);
    expect(check(input, new Uint8Array([0, ...signature]))).toBe(false);
  });
});

describe('the verifier with WebCrypto keys (no encoded check, every check a promise)', () => {
  const rsa = rsaKey();
  const webKey = (config: object): VerificationKey => prepareKey(config, 'key', new Problems(), webCryptoBackend())!;
  const keys = [webKey({ id: HS_KEY.kid, secret: HS_KEY.secret }), webKey({ id: rsa.kid, publicKey: rsa.publicKeyPem })];
  const now = 1_800_000_000;
  const verifier = createVerifier(defineCommunity({ jwtKeys: [{ id: HS_KEY.kid, secret: HS_KEY.secret }] }), { keySource: { getKey: (kid) => keys.find((key) => key.id === kid) }, now: () => now * 1000 });
  const body = { uuid: 'user-42', exp: now + 7200 };

  it('verifies HS256 and RS256, and refuses a bad signature with ERR_JWT_SIGNATURE', async () => {
    expect((webKey({ id: 'x', secret: HS_KEY.secret }).verify as HmacCheck).encoded).toBeUndefined();
    expect(await verifier.verify({ jwt: signHS256(body, HS_KEY) })).toMatchObject({ uuid: 'user-42', kid: HS_KEY.kid, signed: true });
    expect(await verifier.verify({ jwt: signRS256(body, rsa) })).toMatchObject({ uuid: 'user-42', kid: rsa.kid, signed: true });
    const forged = signHS256(body, { kid: HS_KEY.kid, secret: 'f'.repeat(24) });
    await expect(verifier.verify({ jwt: forged })).rejects.toMatchObject({ code: 'ERR_JWT_SIGNATURE' });
  });
});

describe('the shared node:* lookup (src/server/runtime/builtin.ts, used by the verifier and the handler)', () => {
  type WithLookup = { getBuiltinModule?: (id: string) => unknown };
  const proc = process as unknown as WithLookup;

  /** Runs `run` with process.getBuiltinModule replaced (or removed), then restores it. */
  function withLookup<T>(replacement: WithLookup['getBuiltinModule'], run: () => T): T {
    const original = Object.getOwnPropertyDescriptor(process, 'getBuiltinModule');
    if (replacement === undefined) delete proc.getBuiltinModule;
    else proc.getBuiltinModule = replacement;
    try {
      return run();
    } finally {
      if (original) Object.defineProperty(process, 'getBuiltinModule', original);
      else delete proc.getBuiltinModule;
    }
  }

  it('returns the runtime\'s own node:crypto (the module object, whose functions are the ones an import gives)', () => {
    const found = builtin('node:crypto') as typeof nodeCrypto;
    expect(found.createHash).toBe(nodeCrypto.createHash);
    expect(found.createHmac).toBe(nodeCrypto.createHmac);
  });

  it('is undefined, not a throw, when the runtime has no getBuiltinModule, or it throws, or has no such module', () => {
    expect(withLookup(undefined, () => builtin('node:crypto'))).toBeUndefined();
    expect(withLookup(() => { throw new Error('no builtins here'); }, () => builtin('node:crypto'))).toBeUndefined();
    expect(builtin('node:no-such-module')).toBeUndefined();
  });

  it('without it the node:crypto backend is not offered (the verifier then uses WebCrypto)', () => {
    expect(nodeBackend()).toBeDefined();
    expect(withLookup(undefined, () => nodeBackend())).toBeUndefined();
    expect(withLookup(() => { throw new Error('no builtins here'); }, () => nodeBackend())).toBeUndefined();
  });
});
