/** SPEC §2: how a uuid is named (src/identity/uuid.ts), before the server's bounds apply. */
import { describe, expect, it } from 'vitest';
import { uuidName } from '../../src/identity/uuid.js';

describe('uuidName: SPEC §2, a uuid is a string or a non-negative safe integer', () => {
  it('keeps a non-empty string exactly as given, spaces and case included', () => {
    expect(uuidName('user-42')).toBe('user-42');
    expect(uuidName(' Ada ')).toBe(' Ada ');
    expect(uuidName('0')).toBe('0');
  });

  it('names an integer by its decimal string, from 0 to Number.MAX_SAFE_INTEGER', () => {
    expect(uuidName(0)).toBe('0');
    expect(uuidName(5457)).toBe('5457');
    expect(uuidName(Number.MAX_SAFE_INTEGER)).toBe('9007199254740991');
  });

  it('gives undefined for a number that has no exact decimal name: negative, fractional, unsafe, not finite', () => {
    for (const value of [-1, 1.5, Number.MAX_SAFE_INTEGER + 1, Number.NaN, Number.POSITIVE_INFINITY, 1e21]) {
      expect(uuidName(value), String(value)).toBeUndefined();
    }
  });

  it('gives undefined for an empty string and for every other type', () => {
    for (const value of ['', undefined, null, true, {}, ['42'], 42n]) {
      expect(uuidName(value), String(value)).toBeUndefined();
    }
  });
});
