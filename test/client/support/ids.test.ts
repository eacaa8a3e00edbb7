/** support/ids.ts: the random ids of the automated uuid and of client ids (SPEC §2). */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { AUTOMATED_UUID_PATTERN } from '../../../src/identity/protocol.js';
import { randomId } from '../../../src/client/support/ids.js';

afterEach(() => vi.restoreAllMocks());

describe('random ids', () => {
  it('are 26 characters of [0-9a-v], which the automated uuid pattern accepts', () => {
    const id = randomId();
    expect(id).toMatch(/^[0-9a-v]{26}$/);
    expect(AUTOMATED_UUID_PATTERN.test(id)).toBe(true);
  });

  it('take 5 bits of each random byte: 0xff gives "v", 0x20 gives "0"', () => {
    const filled = (byte: number) => <T extends ArrayBufferView | null>(array: T): T => ((array as unknown as Uint8Array).fill(byte), array);
    vi.spyOn(crypto, 'getRandomValues').mockImplementationOnce(filled(0xff));
    expect(randomId()).toBe('v'.repeat(26));
    vi.spyOn(crypto, 'getRandomValues').mockImplementationOnce(filled(0x20));
    expect(randomId()).toBe('0'.repeat(26));
  });

  it('differ from one call to the next', () => {
    const ids = new Set(Array.from({ length: 100 }, randomId));
    expect(ids.size).toBe(100);
  });
});
