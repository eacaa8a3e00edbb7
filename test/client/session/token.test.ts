/**
 * session/token.ts, SPEC §5: the widget says at once that a token has lapsed or is too short,
 * judged against the server's own policy and clock.
 */
import { describe, expect, it } from 'vitest';
import type { IdentityPolicy } from '../../../src/identity/index.js';
import { lifetimeProblem } from '../../../src/client/session/token.js';

const NOW = Date.UTC(2026, 0, 1);
const now = NOW / 1000;
const policy: IdentityPolicy = { mode: 'require', minTokenLifetime: 60, clockTolerance: 10 };

describe('a token’s lifetime', () => {
  it('is fine when it has at least minTokenLifetime left', () => {
    expect(lifetimeProblem({ exp: now + 60 }, policy, NOW)).toBeUndefined();
    expect(lifetimeProblem({ exp: now + 3600 }, policy, NOW)).toBeUndefined();
  });

  it('is too short under minTokenLifetime, the tolerance counted in', () => {
    expect(lifetimeProblem({ exp: now + 50 }, policy, NOW)).toBeUndefined();
    expect(lifetimeProblem({ exp: now + 49 }, policy, NOW)).toBe('expires in 49 s, under minTokenLifetime (60 s)');
  });

  it('has lapsed past the clock tolerance, said in seconds', () => {
    expect(lifetimeProblem({ exp: now - 10 }, policy, NOW)).toBe('expires in -10 s, under minTokenLifetime (60 s)');
    expect(lifetimeProblem({ exp: now - 11 }, policy, NOW)).toBe('expired 11 s ago');
  });

  it('is judged against the server’s clock, in whole seconds', () => {
    expect(lifetimeProblem({ exp: now + 100 }, policy, NOW + 60_500)).toBe('expires in 39 s, under minTokenLifetime (60 s)');
  });

  it('without a policy, is only reported once lapsed: no guessed minimum', () => {
    expect(lifetimeProblem({ exp: now + 5 }, undefined, NOW)).toBeUndefined();
    expect(lifetimeProblem({ exp: now }, undefined, NOW)).toBeUndefined();
    expect(lifetimeProblem({ exp: now - 1 }, undefined, NOW)).toBe('expired 1 s ago');
  });

  it('leaves a missing or non-numeric exp to the server', () => {
    expect(lifetimeProblem({}, policy, NOW)).toBeUndefined();
    expect(lifetimeProblem({ exp: String(now - 100) }, policy, NOW)).toBeUndefined();
    expect(lifetimeProblem({ exp: null }, policy, NOW)).toBeUndefined();
  });
});
