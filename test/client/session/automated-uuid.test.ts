/** session/automated-uuid.ts, SPEC §2: one browser stays one anonymous visitor, across pages and tabs. */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AUTOMATED_UUID_PATTERN } from '../../../src/identity/protocol.js';
import { AUTOMATED_UUID_KEY, loadAutomatedUuid, saveAutomatedUuid } from '../../../src/client/session/automated-uuid.js';

beforeEach(() => localStorage.clear());
afterEach(() => vi.unstubAllGlobals());

describe('the automated uuid', () => {
  it('is made once and stored: the next page gets the same one', () => {
    const first = loadAutomatedUuid();
    expect(AUTOMATED_UUID_PATTERN.test(first)).toBe(true);
    expect(localStorage.getItem(AUTOMATED_UUID_KEY)).toBe(first);
    expect(loadAutomatedUuid()).toBe(first);
  });

  it('replaces a stored value the server would refuse', () => {
    for (const stored of ['', 'short', 'a'.repeat(65), '../../etc/passwd-0123456789abcdef']) {
      localStorage.setItem(AUTOMATED_UUID_KEY, stored);
      const uuid = loadAutomatedUuid();
      expect(uuid).not.toBe(stored);
      expect(AUTOMATED_UUID_PATTERN.test(uuid)).toBe(true);
      expect(localStorage.getItem(AUTOMATED_UUID_KEY)).toBe(uuid);
    }
  });

  it('keeps a stored RFC 4122 uuid (an older widget’s)', () => {
    const older = '123e4567-e89b-42d3-a456-426614174000';
    localStorage.setItem(AUTOMATED_UUID_KEY, older);
    expect(loadAutomatedUuid()).toBe(older);
  });

  it('is saved as given and handed back', () => {
    expect(saveAutomatedUuid('b'.repeat(26))).toBe('b'.repeat(26));
    expect(loadAutomatedUuid()).toBe('b'.repeat(26));
  });

  it('still gives a valid uuid where storage is blocked (new on each page)', () => {
    vi.stubGlobal('localStorage', undefined);
    const uuid = loadAutomatedUuid();
    expect(AUTOMATED_UUID_PATTERN.test(uuid)).toBe(true);
    expect(loadAutomatedUuid()).not.toBe(uuid);
  });
});
