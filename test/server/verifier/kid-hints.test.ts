/** src/server/verifier/kid-hints.ts: what an ERR_JWT_KID_UNKNOWN message says about the kid a token meant (SPEC §9). */
import { describe, expect, it } from 'vitest';
import { rememberKeyIds, unknownKidHint } from '../../../src/server/verifier/kid-hints.js';
import type { KeySource } from '../../../src/server/verifier/types.js';

const source = (ids: readonly string[]): KeySource => {
  const made: KeySource = { getKey: () => undefined };
  rememberKeyIds(made, ids);
  return made;
};

describe('unknownKidHint', () => {
  it('names the configured id a kid differs from only in case', () => {
    expect(unknownKidHint(source(['site_2026']), 'Site_2026')).toBe('key ids are case-sensitive: did you mean "site_2026"? Set kid to "site_2026".');
  });

  it('names whitespace around the kid, and both faults together', () => {
    expect(unknownKidHint(source(['site_2026']), ' site_2026\n')).toBe('the kid has whitespace around it: did you mean "site_2026"? Set kid to "site_2026".');
    expect(unknownKidHint(source(['site_2026']), 'SITE_2026 ')).toMatch(/^key ids are case-sensitive and the kid has whitespace around it: did you mean "site_2026"\?/);
  });

  it('lists at most three configured ids, then counts the rest', () => {
    expect(unknownKidHint(source(['a', 'b']), 'zzz')).toBe(`set kid to the id of one of the community's jwtKeys (tokens signed with a removed key stop verifying); the configured ids are "a", "b".`);
    expect(unknownKidHint(source(['a', 'b', 'c', 'd', 'e']), 'zzz')).toContain('the configured ids are "a", "b", "c" and 2 more.');
  });

  it('says no token can verify when no key is configured', () => {
    expect(unknownKidHint(source([]), 'site_2026')).toBe('no key is configured, so no token verifies: add the signing key to jwtKeys.');
  });

  it('never lists the ids of a source it was not told about (JWKS, custom sources)', () => {
    const custom: KeySource = { getKey: () => undefined };
    expect(unknownKidHint(custom, 'Site_2026')).toBe("set kid to the id of one of the community's jwtKeys (tokens signed with a removed key stop verifying).");
  });
});
