import { describe, expect, it } from 'vitest';
import { redact } from '../../../../src/server/handler/http/redact.js';

describe('redact: no token reaches a log line', () => {
  it('blanks a JWT-shaped token and leaves the words around it', () => {
    const jwt = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1c2VyLTEifQ.c2lnbmF0dXJlLWJ5dGVz';
    expect(redact(`verify failed for ${jwt} at key k1`)).toBe('verify failed for [redacted token] at key k1');
  });

  it('blanks a run of 32 or more base64url characters (a session, an agent token), not one of 31', () => {
    expect(redact(`session ${'a'.repeat(32)} gone`)).toBe('session [redacted] gone');
    expect(redact(`id ${'b'.repeat(31)}`)).toBe(`id ${'b'.repeat(31)}`);
  });

  it('cuts the text to 500 characters before matching, so a long run costs no quadratic backtracking', () => {
    const long = `${'x'.repeat(40_000)}.`;
    const out = redact(long);
    expect(out).toBe('[redacted]');
    expect(redact('y'.repeat(10) + ' '.repeat(600)).length).toBe(500);
  });
});
