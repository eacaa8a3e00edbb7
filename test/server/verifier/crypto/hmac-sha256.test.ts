/**
 * HMAC-SHA-256 from two one-shot digests (src/server/verifier/crypto/hmac-sha256.ts)
 * gives createHmac's answer for every key length (shorter than, equal to and
 * longer than the 64-byte block) and every input, one call after another on
 * the same buffers; and the node backend's HS256 fast path uses it.
 */
import * as nodeCrypto from 'node:crypto';
import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { oneShotHmacSha256 } from '../../../../src/server/verifier/crypto/hmac-sha256.js';
import { nodeBackend } from '../../../../src/server/verifier/crypto/node.js';

const runtime = { hash: nodeCrypto.hash, Buffer };
const latin1 = fc.string({ unit: fc.integer({ min: 0, max: 255 }).map((code) => String.fromCharCode(code)), maxLength: 300 });

describe('one-shot HMAC-SHA-256', () => {
  it('any key, any inputs in a row: createHmac\'s MAC', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), fc.array(latin1, { minLength: 1, maxLength: 4 }), (key, inputs) => {
        const mac = oneShotHmacSha256(runtime, key, 400);
        for (const input of inputs) expect(mac(input)).toBe(createHmac('sha256', key).update(input, 'latin1').digest('base64url'));
      }),
      { numRuns: 2_000 },
    );
  });

  it('keys of 63, 64 and 65 bytes (the block size and either side of it)', () => {
    for (const length of [0, 1, 63, 64, 65, 128]) {
      const key = new Uint8Array(length).map((_, i) => i * 7 + 1);
      expect(oneShotHmacSha256(runtime, key, 64)('abc.def')).toBe(createHmac('sha256', key).update('abc.def').digest('base64url'));
    }
  });

  it('a long input after a short one, and back: no bytes of one call leak into the next', () => {
    const key = new TextEncoder().encode('0123456789abcdef01234567');
    const mac = oneShotHmacSha256(runtime, key, 1000);
    for (const input of ['x'.repeat(900), 'ab', 'y'.repeat(999), '', 'ab']) {
      expect(mac(input)).toBe(createHmac('sha256', key).update(input, 'latin1').digest('base64url'));
    }
  });

  it('an input longer than its buffer gets undefined (the caller falls back), never a MAC of a truncated input', () => {
    const mac = oneShotHmacSha256(runtime, new Uint8Array(24), 10);
    expect(mac('0123456789')).toBeTypeOf('string');
    expect(mac('0123456789a')).toBeUndefined();
  });

  it('the node backend\'s HS256 check on the base64url part uses it: one digest call pair per check', () => {
    let calls = 0;
    const counted = { ...nodeCrypto, hash: ((...args: Parameters<typeof nodeCrypto.hash>) => (calls++, nodeCrypto.hash(...args))) as typeof nodeCrypto.hash };
    const proc = process as unknown as { getBuiltinModule: (id: string) => unknown };
    const original = proc.getBuiltinModule;
    proc.getBuiltinModule = (id) => (id === 'node:crypto' ? counted : original.call(process, id));
    let backend;
    try {
      backend = nodeBackend()!;
    } finally {
      proc.getBuiltinModule = original;
    }
    const secret = new TextEncoder().encode('0123456789abcdef01234567');
    const encoded = backend.hmacSha256(secret).encoded!;
    const input = 'eyJhbGciOiJIUzI1NiJ9.eyJ1dWlkIjoidSJ9';
    calls = 0;
    expect(encoded(input, createHmac('sha256', secret).update(input).digest('base64url'))).toBe(true);
    expect(encoded(`${input}A`, createHmac('sha256', secret).update(input).digest('base64url'))).toBe(false);
    expect(calls).toBe(4);
  });
});
