import { afterEach, describe, expect, it, vi } from 'vitest';
import { newSessionCredential } from '../../../src/server/handler/crypto.js';
import { randomBytes } from '../../../src/server/runtime/random.js';
import { newEpoch } from '../../../src/server/store/ids.js';

afterEach(() => vi.restoreAllMocks());

describe('randomBytes: a pooled Web Crypto fill', () => {
  it('gives each caller its own copy of the asked length', () => {
    for (const length of [1, 10, 32, 4095, 4096, 5000]) {
      const bytes = randomBytes(length);
      expect(bytes.byteLength).toBe(length);
      expect(bytes.byteOffset).toBe(0);
      expect(bytes.buffer.byteLength).toBe(length);
    }
  });

  it('never hands the same bytes out twice, across pool refills', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 1000; i++) seen.add(Buffer.from(randomBytes(32)).toString('hex'));
    expect(seen.size).toBe(1000);
  });

  it('draws from Web Crypto once per ~100 sessions and epochs, not once each', () => {
    const fill = vi.spyOn(globalThis.crypto, 'getRandomValues');
    const credentials = new Set<string>();
    const epochs = new Set<string>();
    for (let i = 0; i < 50; i++) {
      credentials.add(newSessionCredential());
      epochs.add(newEpoch());
    }
    expect(credentials.size).toBe(50);
    expect(epochs.size).toBe(50);
    for (const epoch of epochs) expect(epoch).toMatch(/^[0-9a-z]{10}$/);
    for (const credential of credentials) expect(credential).toMatch(/^[A-Za-z0-9_-]{43}$/);
    // 50 × (32 + 10) bytes = 2 100: at most one refill of the 4 KB pool (plus the first fill).
    expect(fill.mock.calls.length).toBeLessThanOrEqual(2);
  });

  it('fills the same pool again in place, never a new buffer (issue 22: memory outside the heap the collector counts)', () => {
    const fill = vi.spyOn(globalThis.crypto, 'getRandomValues');
    for (let i = 0; i < 400; i++) randomBytes(32);
    expect(fill.mock.calls.length).toBeGreaterThanOrEqual(3);
    expect(new Set(fill.mock.calls.map(([array]) => array)).size).toBe(1);
  });
});
