/** src/server/verifier/crypto/backend.ts: node:crypto when the runtime has it, chosen once per process. */
import { describe, expect, it } from 'vitest';
import { signatureBackend } from '../../../../src/server/verifier/crypto/backend.js';

describe('signatureBackend', () => {
  it('picks node:crypto on Node, with its HMAC fast path and native JWT decoder', () => {
    const backend = signatureBackend();
    expect(backend.name).toBe('node');
    expect(backend.hmacSha256(new Uint8Array(32)).encoded).toBeTypeOf('function');
    expect(backend.jwtDecoder).toBeDefined();
  });

  it('is chosen once: every call answers the same backend object', () => {
    expect(signatureBackend()).toBe(signatureBackend());
  });
});
