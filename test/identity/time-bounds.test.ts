/** src/identity/time-bounds.ts: the one 10-year bound on time claims (verifier, handler, signer, widget). */
import { describe, expect, it } from 'vitest';
import { isTooFarAhead, MAX_TIME_AHEAD_SECONDS } from '../../src/identity/index.js';

const now = 1_800_000_000;

describe('isTooFarAhead: a NumericDate more than 10 years of 365 days after now', () => {
  it('is 10 × 365 days in seconds', () => {
    expect(MAX_TIME_AHEAD_SECONDS).toBe(315_360_000);
  });

  it('allows exactly 10 years ahead and refuses one second more', () => {
    expect(isTooFarAhead(now + MAX_TIME_AHEAD_SECONDS, now)).toBe(false);
    expect(isTooFarAhead(now + MAX_TIME_AHEAD_SECONDS + 1, now)).toBe(true);
  });

  it('refuses milliseconds given where seconds belong, and Infinity', () => {
    expect(isTooFarAhead(now * 1000, now)).toBe(true);
    expect(isTooFarAhead(Infinity, now)).toBe(true);
  });

  it('never calls the past too far ahead, however far back', () => {
    expect(isTooFarAhead(-1e308, now)).toBe(false);
    expect(isTooFarAhead(0, now)).toBe(false);
  });
});
