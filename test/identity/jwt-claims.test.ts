/**
 * SPEC §4 step 5, the claim checks that need no key (src/identity/jwt-claims.ts),
 * called directly with a fixed instant. The verifier's use of them, cached
 * tokens and the clock included, is tested in test/server/verifier/claims.test.ts.
 */
import { describe, expect, it } from 'vitest';
import type { JsonObject } from '../../src/identity/jwt.js';
import { checkTimes, formatDuration, readSignedUuid, readTimeClaims, type TimeClaims } from '../../src/identity/jwt-claims.js';
import { MAX_TIME_AHEAD_SECONDS } from '../../src/identity/time-bounds.js';
import type { IdentityPolicy } from '../../src/identity/types.js';
import { thrown } from './thrown.js';

const NOW = 1_800_000_000;
const POLICY: IdentityPolicy = { mode: 'require', minTokenLifetime: 3600, clockTolerance: 10 };
const times = (exp: number, more: Partial<TimeClaims> = {}): TimeClaims => ({ exp, nbf: undefined, iat: undefined, ...more });
const timeError = (claims: TimeClaims, policy = POLICY) => thrown(() => checkTimes(claims, NOW, policy));

describe('formatDuration: rounded down, in the largest unit that reads well', () => {
  it('seconds under 2 minutes, minutes under 2 hours, hours and minutes under 2 days, then days', () => {
    const cases: [number, string][] = [
      [0, '0 seconds'], [1, '1 second'], [1.9, '1 second'], [119, '119 seconds'],
      [120, '2 minutes'], [7199, '119 minutes'],
      [7200, '2 hours'], [7260, '2 hours 1 minute'], [172_799, '47 hours 59 minutes'],
      [172_800, '2 days'], [MAX_TIME_AHEAD_SECONDS, '3650 days'],
    ];
    for (const [seconds, text] of cases) expect(formatDuration(seconds), String(seconds)).toBe(text);
  });

  it('never says a number that reads as noise: past 10 years, negative, NaN or infinite', () => {
    expect(formatDuration(MAX_TIME_AHEAD_SECONDS + 1)).toBe('more than 10 years');
    expect(formatDuration(1e300)).toBe('more than 10 years');
    expect(formatDuration(Number.POSITIVE_INFINITY)).toBe('more than 10 years');
    for (const value of [-5, Number.NaN, Number.NEGATIVE_INFINITY]) expect(formatDuration(value)).toBe('0 seconds');
  });
});

describe('readTimeClaims: exp required, nbf and iat optional, all NumericDates', () => {
  it('reads exp, nbf and iat; absent nbf and iat are undefined', () => {
    expect(readTimeClaims({ exp: NOW, nbf: NOW - 1, iat: NOW - 2 })).toEqual({ exp: NOW, nbf: NOW - 1, iat: NOW - 2 });
    expect(readTimeClaims({ exp: 1.5 })).toEqual({ exp: 1.5, nbf: undefined, iat: undefined });
  });

  it('an exp that is missing or not a finite number → ERR_JWT_EXP_MISSING, saying what it got', () => {
    expect(thrown(() => readTimeClaims({}))).toMatchObject({
      code: 'ERR_JWT_EXP_MISSING',
      path: 'payload.exp',
      message: 'The JWT has no exp claim; set exp (seconds since the epoch) at least minTokenLifetime ahead.',
    });
    expect(thrown(() => readTimeClaims({ exp: '1800000000' })).message).toMatch(/must be a number of seconds since the epoch \(NumericDate\), got a string \("1800000000"\)\.$/);
    expect(thrown(() => readTimeClaims({ exp: null })).message).toMatch(/got null\.$/);
    expect(thrown(() => readTimeClaims({ exp: [NOW] })).message).toMatch(/got an array\.$/);
    expect(thrown(() => readTimeClaims({ exp: Number.NaN })).code).toBe('ERR_JWT_EXP_MISSING');
  });

  it('an nbf or iat that is not a finite number → ERR_JWT_MALFORMED at its path (the signer is broken)', () => {
    expect(thrown(() => readTimeClaims({ exp: NOW, nbf: 'soon' }))).toMatchObject({ code: 'ERR_JWT_MALFORMED', path: 'payload.nbf' });
    expect(thrown(() => readTimeClaims({ exp: NOW, iat: null }))).toMatchObject({ code: 'ERR_JWT_MALFORMED', path: 'payload.iat' });
    expect(thrown(() => readTimeClaims({ exp: NOW, iat: {} })).message).toBe('The JWT iat must be a number of seconds since the epoch (NumericDate), got object.');
  });

  it('reads own members only: an inherited exp is no exp', () => {
    const payload = Object.create({ exp: NOW + 7200 }) as JsonObject;
    expect(thrown(() => readTimeClaims(payload)).code).toBe('ERR_JWT_EXP_MISSING');
  });
});

describe('checkTimes: every comparison with clockTolerance', () => {
  it('minTokenLifetime: exactly minTokenLifetime − clockTolerance ahead passes, one second less is ERR_JWT_EXP_TOO_SOON', () => {
    expect(() => checkTimes(times(NOW + 3590), NOW, POLICY)).not.toThrow();
    const error = timeError(times(NOW + 3589));
    expect(error).toMatchObject({ code: 'ERR_JWT_EXP_TOO_SOON', path: 'payload.exp' });
    expect(error.message).toBe('exp is 59 minutes ahead; tokens must be valid for at least 60 minutes when set (minTokenLifetime 3600 s). Sign tokens with a longer lifetime, or renew them earlier.');
  });

  it('expiry (minTokenLifetime 0): 9 s past passes, 10 s past is ERR_JWT_EXPIRED with the date', () => {
    const lenient = { ...POLICY, minTokenLifetime: 0 };
    expect(() => checkTimes(times(NOW - 9), NOW, lenient)).not.toThrow();
    const error = timeError(times(NOW - 10), lenient);
    expect(error).toMatchObject({ code: 'ERR_JWT_EXPIRED', path: 'payload.exp' });
    expect(error.message).toBe(`The JWT expired 10 seconds ago (exp ${new Date((NOW - 10) * 1000).toISOString()}); sign a fresh token with exp at least 0 seconds ahead.`);
  });

  it('an exp too far in the past for a Date is still ERR_JWT_EXPIRED, written as a number', () => {
    const error = timeError(times(-1e303));
    expect(error.code).toBe('ERR_JWT_EXPIRED');
    expect(error.message).toContain('(exp -1e+303 s since the epoch, outside the range of dates)');
  });

  it('exp up to 10 years ahead passes; one second more → ERR_JWT_MALFORMED with the milliseconds hint', () => {
    expect(() => checkTimes(times(NOW + MAX_TIME_AHEAD_SECONDS), NOW, POLICY)).not.toThrow();
    const error = timeError(times(NOW + MAX_TIME_AHEAD_SECONDS + 1));
    expect(error).toMatchObject({ code: 'ERR_JWT_MALFORMED', path: 'payload.exp' });
    expect(error.message).toMatch(/^The JWT exp is more than 10 years ahead \(exp .*\); the token would in practice never expire, so the token is refused\. exp counts seconds since the epoch, not milliseconds/);
  });

  it('nbf and iat: up to clockTolerance ahead passes, beyond → ERR_JWT_NOT_YET_VALID at its path', () => {
    const exp = NOW + 7200;
    expect(() => checkTimes(times(exp, { nbf: NOW + 10, iat: NOW + 10 }), NOW, POLICY)).not.toThrow();
    expect(timeError(times(exp, { nbf: NOW + 11 }))).toMatchObject({
      code: 'ERR_JWT_NOT_YET_VALID',
      path: 'payload.nbf',
      message: "The JWT nbf is 11 seconds in the future; check the signing server's clock (leeway: clockTolerance 10 s).",
    });
    expect(timeError(times(exp, { iat: NOW + 600 }))).toMatchObject({ code: 'ERR_JWT_NOT_YET_VALID', path: 'payload.iat' });
    expect(() => checkTimes(times(exp, { nbf: -1e300, iat: 0 }), NOW, POLICY)).not.toThrow();
  });

  it('an nbf or iat more than 10 years ahead is ERR_JWT_MALFORMED, not merely not yet valid', () => {
    const error = timeError(times(NOW + 7200, { iat: NOW * 1000 }));
    expect(error).toMatchObject({ code: 'ERR_JWT_MALFORMED', path: 'payload.iat' });
    expect(error.message).toContain('no clock skew explains that');
  });

  it('fails closed on a clock that is not a finite number', () => {
    for (const now of [Number.NaN, Number.POSITIVE_INFINITY]) {
      const error = thrown(() => checkTimes(times(NOW + 7200), now, POLICY));
      expect(error.code).toBe('ERR_JWT_EXPIRED');
      expect(error.message).toMatch(/clock \(options\.now\) did not return a finite number/);
    }
  });

  it('checks exp before nbf before iat', () => {
    expect(timeError(times(NOW - 100, { nbf: NOW + 100, iat: NOW + 100 })).path).toBe('payload.exp');
    expect(timeError(times(NOW + 7200, { nbf: NOW + 100, iat: NOW + 100 })).path).toBe('payload.nbf');
  });
});

describe('readSignedUuid: SPEC §4 step 5, a signed payload carries a valid uuid', () => {
  it('gives the uuid, an integer as its decimal string', () => {
    expect(readSignedUuid({ uuid: 'user-42' })).toBe('user-42');
    expect(readSignedUuid({ uuid: 5457 })).toBe('5457');
  });

  it('a missing, null or empty uuid → ERR_JWT_UUID_MISSING, saying what a signed identity carries', () => {
    for (const payload of [{}, { uuid: null }, { uuid: '' }]) {
      expect(thrown(() => readSignedUuid(payload))).toMatchObject({
        code: 'ERR_JWT_UUID_MISSING',
        path: 'payload.uuid',
        message: 'The JWT has no uuid; a signed identity must carry the visitor\'s id in your system as "uuid".',
      });
    }
  });

  it('an invalid uuid → ERR_JWT_UUID_MISSING with the reason', () => {
    expect(thrown(() => readSignedUuid({ uuid: -1 })).message).toMatch(/^The JWT uuid is not valid: .*non-negative integer/);
    expect(thrown(() => readSignedUuid({ uuid: 'a'.repeat(256) })).message).toMatch(/^The JWT uuid is not valid: .*at most 255 characters, got 256/);
    expect(thrown(() => readSignedUuid({ uuid: 'bob\u202E' })).message).toMatch(/^The JWT uuid is not valid: .*one line of plain text/);
  });

  it('names the member that was meant as the uuid, compared without case, _ or -', () => {
    expect(thrown(() => readSignedUuid({ sub: '42' })).message).toBe('The JWT has no uuid: `sub` is set; chatq reads `uuid`. Put the visitor\'s id in your system in "uuid" (sub may stay).');
    expect(thrown(() => readSignedUuid({ User_Id: '42' })).message).toMatch(/^The JWT has no uuid: `User_Id` is set; .*in "uuid"\.$/);
    expect(thrown(() => readSignedUuid({ 'customer-id': '42' })).message).toContain('`customer-id` is set');
    // The order of the look-alikes decides, not the payload's: sub before id.
    expect(thrown(() => readSignedUuid({ id: '1', sub: '2' })).message).toContain('`sub` is set');
  });

  it('says when the identity is nested under another object', () => {
    expect(thrown(() => readSignedUuid({ user: { uuid: '42' } })).message).toBe(
      'The JWT has no uuid at the top level: the identity is nested under `user`; put uuid and the other identity fields at the top level of the payload.',
    );
    expect(thrown(() => readSignedUuid({ data: { name: 'x' } })).message).toMatch(/^The JWT has no uuid; /);
  });
});
