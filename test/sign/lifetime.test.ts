/**
 * SPEC §13, a token's lifetime (src/sign/lifetime.ts): how it is written, the
 * community's minimum it is checked against, and the margin it must add for
 * the token's way to the server. signIdentity's use of them is tested in
 * test/sign/sign-identity.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { defineCommunity } from '../../src/server/index.js';
import { MAX_MIN_TOKEN_LIFETIME as VERIFIER_MAX } from '../../src/server/verifier/community.js';
import { checkLifetime, DEFAULT_MIN_TOKEN_LIFETIME, LIFETIME_MARGIN, MAX_MIN_TOKEN_LIFETIME, minimumOf, parseLifetime } from '../../src/sign/lifetime.js';
import { thrown } from '../identity/thrown.js';

describe('parseLifetime: whole seconds, from a number or 90s, 90m, 2h, 1d', () => {
  it('trims the string, allows a space before the unit, and rounds a fraction down', () => {
    expect([' 2h ', '2 h', '1.5s', '0.5m', 90.9].map(parseLifetime)).toEqual([7200, 7200, 1, 30, 90]);
  });

  it('refuses a unit in upper case, a sign, an exponent or two units, quoting at most 32 characters', () => {
    for (const bad of ['2H', '-1h', '+1h', '1e3s', '1h30m', 'h', '.5h']) {
      expect(() => parseLifetime(bad), bad).toThrow(new RangeError(`lifetime must be at least 1 second: a number of seconds or a string such as '90m', '2h' or '1d', got ${JSON.stringify(bad)}.`));
    }
    expect(() => parseLifetime(`${'9'.repeat(40)}x`)).toThrow(`got "${'9'.repeat(32)}".`);
  });

  it('refuses what is not a number or a string, and a number that is not finite', () => {
    for (const bad of [Number.POSITIVE_INFINITY, true, {}, [3600]]) expect(() => parseLifetime(bad), String(bad)).toThrow(RangeError);
    expect(() => parseLifetime(Number.POSITIVE_INFINITY)).toThrow(/, got Infinity\.$/);
  });

  it('refuses a lifetime under one second: it would sign a token that dies at once', () => {
    for (const bad of [0.5, '0.5', '0.9s', 0.999]) expect(() => parseLifetime(bad), String(bad)).toThrow(RangeError);
    expect(parseLifetime(1)).toBe(1);
    expect(parseLifetime('1s')).toBe(1);
  });
});

describe("minimumOf: the community's minTokenLifetime", () => {
  it('is the community default, 3600 s, when nothing is given', () => {
    expect(DEFAULT_MIN_TOKEN_LIFETIME).toBe(3600);
    expect(minimumOf({})).toBe(3600);
  });

  it("is the community's, or the number given, 0 included; both given must agree", () => {
    expect(minimumOf({ community: { minTokenLifetime: 600 } })).toBe(600);
    expect(minimumOf({ minTokenLifetime: 0 })).toBe(0);
    expect(minimumOf({ community: { minTokenLifetime: 600 }, minTokenLifetime: 600 })).toBe(600);
    expect(() => minimumOf({ community: { minTokenLifetime: 600 }, minTokenLifetime: 900 })).toThrow(
      new TypeError("minTokenLifetime is 900 s but the community's is 600 s; give the community alone."),
    );
  });

  it('refuses a minimum that is not a non-negative finite number, naming where it came from', () => {
    for (const bad of [-1, Number.NaN, Number.POSITIVE_INFINITY, '3600']) {
      expect(() => minimumOf({ minTokenLifetime: bad as number }), String(bad)).toThrow(new RangeError(`minTokenLifetime must be a number of seconds from 0 to 31536000, got ${String(bad)}.`));
    }
    expect(() => minimumOf({ community: {} as { minTokenLifetime: number } })).toThrow(/^community\.minTokenLifetime must be .*, got undefined\.$/);
  });
});

describe("minimumOf: no more than a community takes (MAX_MIN_TOKEN_LIFETIME, one year), in the community's words", () => {
  it('is the verifier\'s own bound', () => {
    expect(MAX_MIN_TOKEN_LIFETIME).toBe(31_536_000);
    expect(MAX_MIN_TOKEN_LIFETIME).toBe(VERIFIER_MAX);
  });

  it('takes one year, refuses one second more and 99999999999, from the number or from the community', () => {
    expect(minimumOf({ minTokenLifetime: 31_536_000 })).toBe(31_536_000);
    expect(minimumOf({ community: { minTokenLifetime: 31_536_000 } })).toBe(31_536_000);
    for (const bad of [31_536_001, 99_999_999_999]) {
      expect(() => minimumOf({ minTokenLifetime: bad }), String(bad)).toThrow(new RangeError(`minTokenLifetime must be a number of seconds from 0 to 31536000, got ${bad}.`));
      expect(() => minimumOf({ community: { minTokenLifetime: bad } })).toThrow(new RangeError(`community.minTokenLifetime must be a number of seconds from 0 to 31536000, got ${bad}.`));
    }
  });

  it('says what defineCommunity says of the same value', () => {
    const community = thrown(() => defineCommunity({ signedIdentities: 'reject', minTokenLifetime: 31_536_001 }));
    const said = community.problems[0]!.message;
    expect(said).toBe('must be a number of seconds from 0 to 31536000, got 31536001.');
    expect(() => minimumOf({ minTokenLifetime: 31_536_001 })).toThrow(`minTokenLifetime ${said}`);
  });
});

describe('checkLifetime: SPEC §13, the minimum plus a margin of 60 s', () => {
  it('passes the minimum plus the margin and refuses one second less, naming the margin (ERR_JWT_EXP_TOO_SOON)', () => {
    expect(LIFETIME_MARGIN).toBe(60);
    expect(() => checkLifetime(3660, 3600)).not.toThrow();
    const error = thrown(() => checkLifetime(3659, 3600));
    expect(error).toMatchObject({ code: 'ERR_JWT_EXP_TOO_SOON', path: 'payload.exp' });
    expect(error.message).toBe(
      "lifetime is 3659 s, no margin over the community's minTokenLifetime (3600 s): the token reaches the server seconds after it is signed, with less than 3600 s left, and is refused. " +
        "Add a margin of at least 60 s for the way to the server: a lifetime of at least 3660 s (e.g. '2h').",
    );
  });

  it('says the lifetime is under the minimum itself when it is, and suggests a round lifetime that is enough', () => {
    expect(thrown(() => checkLifetime(3599, 3600)).message).toMatch(/^lifetime is 3599 s but the community asks for at least 3600 s \(minTokenLifetime\) when the token reaches the server\. /);
    expect(thrown(() => checkLifetime(30, 300)).message).toMatch(/a lifetime of at least 360 s \(e\.g\. '6m'\)\.$/);
    expect(thrown(() => checkLifetime(1, 1)).message).toMatch(/a lifetime of at least 61 s \(e\.g\. '2m'\)\.$/);
    expect(thrown(() => checkLifetime(7200, 7200)).message).toMatch(/\(e\.g\. '3h'\)\.$/);
  });

  it('takes any lifetime when the community has no minimum (0)', () => {
    expect(() => checkLifetime(1, 0)).not.toThrow();
  });

  it('refuses a lifetime past 10 years as milliseconds given for seconds (ERR_JWT_MALFORMED)', () => {
    const tenYears = 10 * 365 * 86_400;
    expect(() => checkLifetime(tenYears, 3600)).not.toThrow();
    const error = thrown(() => checkLifetime(tenYears + 1, 3600));
    expect(error).toMatchObject({ code: 'ERR_JWT_MALFORMED', path: 'payload.exp' });
    expect(error.message).toBe(`lifetime is ${tenYears + 1} s, more than 10 years: the verifier refuses such an exp. Is it in milliseconds? Give seconds.`);
  });
});
