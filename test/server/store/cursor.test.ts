import { describe, expect, it } from 'vitest';
import { pageCursor, readPageCursor } from '../../../src/server/store/cursor.js';

describe('the agent list page cursor', () => {
  it('is `<updatedAt>.<id>` and reads back to the same position', () => {
    const cursor = pageCursor({ updatedAt: 1_700_000_000_123, id: 'acme.0b7e1c2a-8d4f-4c1e-9a3b-5f6e7d8c9b0a' });
    expect(cursor).toBe('1700000000123.acme.0b7e1c2a-8d4f-4c1e-9a3b-5f6e7d8c9b0a');
    expect(readPageCursor(cursor)).toEqual({ updatedAt: 1_700_000_000_123, id: 'acme.0b7e1c2a-8d4f-4c1e-9a3b-5f6e7d8c9b0a' });
  });

  it('reads no cursor as the start (undefined)', () => {
    expect(readPageCursor(undefined)).toBeUndefined();
  });

  it('reads a malformed cursor as the start, not as an error', () => {
    for (const bad of ['', 'abc', '12', '.acme.x', '-1.acme.x', '1.', 'x.acme.x', '1.acme x', '1.acme/x', `1.${'a'.repeat(161)}`, `${'9'.repeat(17)}.a`]) {
      expect(readPageCursor(bad), bad).toBeUndefined();
    }
  });

  it('takes the longest id (160 characters) and the longest time (16 digits)', () => {
    expect(readPageCursor(`${'9'.repeat(16)}.${'a'.repeat(160)}`)).toEqual({ updatedAt: 9_999_999_999_999_999, id: 'a'.repeat(160) });
    expect(readPageCursor('0.a')).toEqual({ updatedAt: 0, id: 'a' });
  });
});
