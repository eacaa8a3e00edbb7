/** src/server/verifier/anonymous.ts: the uuid of a visitor the host did not name (SPEC §2). */
import { describe, expect, it } from 'vitest';
import type { IdentityWarning } from '../../../src/identity/index.js';
import { automatedUuid } from '../../../src/server/verifier/anonymous.js';

describe('automatedUuid', () => {
  it("keeps the browser's automated uuid when it has the expected shape, with no warning", () => {
    for (const candidate of ['A'.repeat(22), 'a_b-'.repeat(16), '0f8fad5b-d9cb-469f-a165-70867728950e']) {
      const warnings: IdentityWarning[] = [];
      expect(automatedUuid(candidate, warnings)).toBe(candidate);
      expect(warnings).toEqual([]);
    }
  });

  it('makes a fresh random uuid when none is given, and warns that the visitor will not be recognised', () => {
    for (const candidate of [undefined, null]) {
      const warnings: IdentityWarning[] = [];
      const made = automatedUuid(candidate, warnings);
      expect(made).toMatch(/^[A-Za-z0-9_-]{22}$/);
      expect(warnings).toEqual([expect.objectContaining({ code: 'W_AUTOMATED_UUID_MISSING', path: 'automatedUuid' })]);
      expect(warnings[0]!.message).toContain('will not be recognised');
    }
  });

  it('replaces a malformed candidate (too short, too long, other characters, not a string) and says why', () => {
    for (const candidate of ['A'.repeat(21), 'A'.repeat(65), 'abc def ghi jkl mno pqr st', 'é'.repeat(22), 42, {}]) {
      const warnings: IdentityWarning[] = [];
      const made = automatedUuid(candidate, warnings);
      expect(made).not.toBe(candidate);
      expect(made).toMatch(/^[A-Za-z0-9_-]{22}$/);
      expect(warnings.map((w) => w.code)).toEqual(['W_AUTOMATED_UUID_INVALID']);
      expect(warnings[0]!.message).toContain('22–64 base64url characters or a UUID');
    }
  });

  it('never hands out the same made uuid twice (128 random bits each)', () => {
    const made = new Set(Array.from({ length: 200 }, () => automatedUuid(undefined, [])));
    expect(made.size).toBe(200);
  });
});
