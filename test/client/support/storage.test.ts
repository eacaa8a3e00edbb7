/** support/storage.ts: localStorage that never throws (SPEC §5: the chat works without persistence). */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { safeStorage } from '../../../src/client/support/storage.js';

beforeEach(() => localStorage.clear());
afterEach(() => vi.unstubAllGlobals());

describe('safe storage', () => {
  it('reads back what it stored, and null for a key never stored', () => {
    safeStorage.set('chatq:test', 'value');
    expect(safeStorage.get('chatq:test')).toBe('value');
    expect(localStorage.getItem('chatq:test')).toBe('value');
    expect(safeStorage.get('chatq:none')).toBeNull();
  });

  it('reads nothing (undefined) and stores nothing, without throwing, where storage throws', () => {
    const blocked = (): never => {
      throw new DOMException('The operation is insecure.', 'SecurityError');
    };
    vi.stubGlobal('localStorage', { getItem: blocked, setItem: blocked });
    expect(() => safeStorage.set('chatq:test', 'value')).not.toThrow();
    expect(safeStorage.get('chatq:test')).toBeUndefined();
  });

  it('reads nothing (undefined) where there is no localStorage at all', () => {
    vi.stubGlobal('localStorage', undefined);
    expect(safeStorage.get('chatq:test')).toBeUndefined();
    expect(() => safeStorage.set('chatq:test', 'value')).not.toThrow();
  });
});
