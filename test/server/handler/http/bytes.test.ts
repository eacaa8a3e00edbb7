import { describe, expect, it } from 'vitest';
import { concatBytes, copyBytes } from '../../../../src/server/handler/http/bytes.js';

describe('concatBytes and copyBytes: the chunks read from a stream, joined', () => {
  it('joins chunks in order into one buffer of the total length', () => {
    const joined = concatBytes([new Uint8Array([1, 2]), new Uint8Array([]), new Uint8Array([3])], 3);
    expect([...joined]).toEqual([1, 2, 3]);
    expect(concatBytes([], 0).byteLength).toBe(0);
  });

  it('returns a lone chunk itself (no copy) from concatBytes', () => {
    const only = new Uint8Array([9, 8]);
    expect(concatBytes([only], 2)).toBe(only);
  });

  it('copies even a lone chunk in copyBytes, so a view of a large socket buffer is not kept alive', () => {
    const socketBuffer = new Uint8Array(64 * 1024).fill(7);
    const view = socketBuffer.subarray(10, 14);
    const copy = copyBytes([view], 4);
    expect([...copy]).toEqual([7, 7, 7, 7]);
    expect(copy.buffer.byteLength).toBe(4);
    socketBuffer[10] = 0;
    expect(copy[0]).toBe(7);
  });
});
