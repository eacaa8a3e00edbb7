/** src/identity/constant-time.ts: the one constant-time comparison (the verifier's HMAC check, the agent token). */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { constantTimeEqual } from '../../src/identity/index.js';

describe('constantTimeEqual: the same answer as ===', () => {
  it.each([
    ['', '', true],
    ['abc', 'abc', true],
    ['abc', 'abd', false],
    ['abc', 'Abc', false],
    ['abc', 'ab', false],
    ['ab', 'abc', false],
    ['\u{1F600}', '\u{1F600}', true],
    ['\u{1F600}', '\u{1F601}', false],
  ])('%j vs %j → %s', (a, b, expected) => {
    expect(constantTimeEqual(a, b)).toBe(expected);
  });

  it('for any two strings, and for a string and itself', () => {
    // A small alphabet, so that equal and nearly equal strings come up often.
    const text = fc.string({ unit: fc.constantFrom('a', 'b', '\u8000', '\u{1F600}'), maxLength: 6 });
    fc.assert(
      fc.property(text, text, (a, b) => constantTimeEqual(a, b) === (a === b) && constantTimeEqual(a, a)),
      { numRuns: 500 },
    );
  });

  it('tells apart strings that differ only in one high bit of a UTF-16 unit', () => {
    expect(constantTimeEqual('a\u8000', 'a\u0000')).toBe(false);
  });
});
