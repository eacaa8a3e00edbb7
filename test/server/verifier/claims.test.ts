/**
 * SPEC §4 step 5: exp, minTokenLifetime, nbf, iat (with clockTolerance) and
 * the signed uuid.
 * Tokens are signed by test/helpers/sign.ts (node:crypto by hand, no jose);
 * shared helpers are in fixtures.ts.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { IdentityError } from '../../../src/identity/index.js';
import { createVerifier, defineCommunity } from '../../../src/server/verifier/index.js';
import { HS_KEY, signHS256 } from '../../helpers/sign.js';
import { attackVerifier, codeOf, failure, forge, HS_HEADER, jwt, KEYS, NOW, payload, rejects, require_, T, verifierFor, useVerifierTestHooks } from './fixtures.js';

useVerifierTestHooks();

describe('5. claims', () => {
  it('exp missing, a string, or not finite → ERR_JWT_EXP_MISSING', async () => {
    expect(await codeOf({ jwt: signHS256({ uuid: 'u' }, HS_KEY) })).toBe('ERR_JWT_EXP_MISSING');
    expect(await codeOf({ jwt: signHS256(payload({ exp: String(NOW + 7200) }), HS_KEY) })).toBe('ERR_JWT_EXP_MISSING');
    expect(await codeOf({ jwt: signHS256(payload({ exp: null }), HS_KEY) })).toBe('ERR_JWT_EXP_MISSING');
  });

  it('expired → ERR_JWT_EXPIRED', async () => {
    const error = await failure(verifierFor().verify({ jwt: signHS256(payload({ exp: NOW - 180 }), HS_KEY) }));
    expect(error.code).toBe('ERR_JWT_EXPIRED');
    expect(error.message).toMatch(/expired 3 minutes ago/);
  });

  it('less than minTokenLifetime ahead → ERR_JWT_EXP_TOO_SOON, with an actionable message', async () => {
    const error = await failure(verifierFor().verify({ jwt: signHS256(payload({}, 50 * 60), HS_KEY) }));
    expect(error.code).toBe('ERR_JWT_EXP_TOO_SOON');
    expect(error.message).toContain('exp is 50 minutes ahead; tokens must be valid for at least 60 minutes when set (minTokenLifetime 3600 s)');
  });

  it('applies clockTolerance to the minimum lifetime', async () => {
    const verifier = verifierFor();
    expect((await verifier.verify({ jwt: signHS256(payload({}, 3600 - 10), HS_KEY) })).signed).toBe(true);
    expect(await codeOf({ jwt: signHS256(payload({}, 3600 - 11), HS_KEY) }, verifier)).toBe('ERR_JWT_EXP_TOO_SOON');
  });

  it('applies clockTolerance to expiry (minTokenLifetime 0)', async () => {
    const verifier = verifierFor({ minTokenLifetime: 0 });
    expect((await verifier.verify({ jwt: signHS256(payload({ exp: NOW - 9 }), HS_KEY) })).signed).toBe(true);
    expect(await codeOf({ jwt: signHS256(payload({ exp: NOW - 10 }), HS_KEY) }, verifier)).toBe('ERR_JWT_EXPIRED');
  });

  it('nbf or iat in the future (beyond tolerance) → ERR_JWT_NOT_YET_VALID', async () => {
    expect(await codeOf({ jwt: signHS256(payload({ nbf: NOW + 60 }), HS_KEY) })).toBe('ERR_JWT_NOT_YET_VALID');
    expect(await codeOf({ jwt: signHS256(payload({ iat: NOW + 60 }), HS_KEY) })).toBe('ERR_JWT_NOT_YET_VALID');
    expect((await verifierFor().verify({ jwt: signHS256(payload({ nbf: NOW + 10, iat: NOW + 10 }), HS_KEY) })).signed).toBe(true);
  });

  it('nbf or iat that are not numbers → ERR_JWT_MALFORMED', async () => {
    expect(await codeOf({ jwt: signHS256(payload({ nbf: 'soon' }), HS_KEY) })).toBe('ERR_JWT_MALFORMED');
    expect(await codeOf({ jwt: signHS256(payload({ iat: null }), HS_KEY) })).toBe('ERR_JWT_MALFORMED');
  });

  it.each([
    ['missing', undefined],
    ['empty', ''],
    ['an object', { id: 1 }],
    ['negative', -1],
    ['too long', 'u'.repeat(256)],
  ])('uuid %s → ERR_JWT_UUID_MISSING', async (_name, uuid) => {
    expect(await codeOf({ jwt: signHS256(payload({ uuid }), HS_KEY) })).toBe('ERR_JWT_UUID_MISSING');
  });

  it('an integer uuid becomes its decimal string', async () => {
    expect((await verifierFor().verify({ jwt: signHS256(payload({ uuid: 5457 }), HS_KEY) })).uuid).toBe('5457');
  });
});

describe('claims (step 5)', () => {
  it.each([
    ['missing', undefined],
    ['a string', String(T + 7200)],
    ['"NaN"', 'NaN'],
    ['null', null],
    ['true', true],
    ['an array', [T + 7200]],
    ['an object', { value: T + 7200 }],
  ])('exp %s → ERR_JWT_EXP_MISSING', async (_name, exp) => {
    await rejects({ jwt: forge(HS_HEADER, payload({ exp })) }, 'ERR_JWT_EXP_MISSING');
  });
  it.each(['1e400', '-1e400'])('exp %s (±Infinity after JSON.parse) → ERR_JWT_EXP_MISSING', async (raw) => {
    await rejects({ jwt: forge(HS_HEADER, `{"uuid":"user-42","exp":${raw}}`) }, 'ERR_JWT_EXP_MISSING');
  });
  it('expired → ERR_JWT_EXPIRED', async () => {
    await rejects({ jwt: forge(HS_HEADER, payload({ exp: T - 3600, iat: T - 7200 })) }, 'ERR_JWT_EXPIRED');
    await rejects({ jwt: forge(HS_HEADER, payload({ exp: 1 })) }, 'ERR_JWT_EXPIRED');
  });
  it('59 minutes ahead → ERR_JWT_EXP_TOO_SOON', async () => {
    await rejects({ jwt: forge(HS_HEADER, payload({ exp: T + 59 * 60 })) }, 'ERR_JWT_EXP_TOO_SOON');
  });
  it('minimum lifetime edge: exactly 3600 − 10 s ahead verifies, one second less does not', async () => {
    expect((await jwt(forge(HS_HEADER, payload({ exp: T + 3590 })))).expiresAt).toBe((T + 3590) * 1000);
    await rejects({ jwt: forge(HS_HEADER, payload({ exp: T + 3589 })) }, 'ERR_JWT_EXP_TOO_SOON');
  });
  it('expiry edge (minTokenLifetime 0): 9 s past verifies, 11 s past is expired', async () => {
    const lenient = attackVerifier('require', { minTokenLifetime: 0 });
    expect((await lenient.verify({ jwt: forge(HS_HEADER, payload({ exp: T - 9, iat: T - 60 })) })).uuid).toBe('user-42');
    await rejects({ jwt: forge(HS_HEADER, payload({ exp: T - 11, iat: T - 60 })) }, 'ERR_JWT_EXPIRED', lenient);
    // Exactly at the limit: RFC 7519 §4.1.4, "now" must be before exp (+ leeway), so exp = now − tolerance has expired.
    await rejects({ jwt: forge(HS_HEADER, payload({ exp: T - 10, iat: T - 60 })) }, 'ERR_JWT_EXPIRED', lenient);
  });
  it('nbf and iat: up to the tolerance ahead verifies, beyond → ERR_JWT_NOT_YET_VALID', async () => {
    for (const claim of ['nbf', 'iat']) {
      expect((await jwt(forge(HS_HEADER, payload({ [claim]: T + 10 })))).uuid).toBe('user-42');
      await rejects({ jwt: forge(HS_HEADER, payload({ [claim]: T + 11 })) }, 'ERR_JWT_NOT_YET_VALID');
      await rejects({ jwt: forge(HS_HEADER, payload({ [claim]: T + 86_400 })) }, 'ERR_JWT_NOT_YET_VALID');
      expect((await jwt(forge(HS_HEADER, payload({ [claim]: T - 86_400 })))).uuid).toBe('user-42');
    }
  });
  it('nbf or iat that is not a number → ERR_JWT_MALFORMED (broken at the signing backend)', async () => {
    await rejects({ jwt: forge(HS_HEADER, payload({ nbf: 'tomorrow' })) }, 'ERR_JWT_MALFORMED');
    await rejects({ jwt: forge(HS_HEADER, payload({ iat: String(T) })) }, 'ERR_JWT_MALFORMED');
    await rejects({ jwt: forge(HS_HEADER, `{"uuid":"u","exp":${T + 7200},"nbf":1e400}`) }, 'ERR_JWT_MALFORMED');
  });
  it('a cached token is re-checked against the clock', async () => {
    let now = T * 1000;
    const verifier = attackVerifier('require', {}, () => now);
    const token = forge(HS_HEADER, payload({ exp: T + 7200 }));
    expect((await verifier.verify({ jwt: token })).uuid).toBe('user-42');
    now = (T + 7200 - 3000) * 1000;
    await rejects({ jwt: token }, 'ERR_JWT_EXP_TOO_SOON', verifier);
    now = (T + 7200 + 11) * 1000;
    await rejects({ jwt: token }, 'ERR_JWT_EXPIRED', verifier);
  });
  it.each([['NaN', Number.NaN], ['undefined', undefined]])('a broken clock (now() → %s) fails closed: a 1970 token does not verify', async (_name, value) => {
    const broken = createVerifier(defineCommunity({ jwtKeys: KEYS }), { now: () => value as unknown as number });
    const outcome = await broken.verify({ jwt: forge(HS_HEADER, payload({ exp: 1, iat: 0 })) }).then(
      (result) => `resolved ${result.uuid}`,
      (error: unknown) => (error instanceof IdentityError ? 'refused' : String(error)),
    );
    expect(outcome).toBe('refused');
  });
  it.each([
    ['missing', undefined],
    ['empty', ''],
    ['null', null],
    ['an object', { id: 'user-42' }],
    ['an array', ['user-42']],
    ['a boolean', true],
    ['a negative number', -1],
    ['256 characters', 'u'.repeat(256)],
  ])('uuid %s → ERR_JWT_UUID_MISSING', async (_name, uuid) => {
    await rejects({ jwt: forge(HS_HEADER, payload({ uuid })) }, 'ERR_JWT_UUID_MISSING');
  });
  it('a wrong field type in a signed payload → ERR_IDENTITY_INVALID', async () => {
    await rejects({ jwt: forge(HS_HEADER, payload({ firstname: 42 })) }, 'ERR_IDENTITY_INVALID');
    await rejects({ jwt: forge(HS_HEADER, payload({ extra_values: { a: { b: 1 } } })) }, 'ERR_IDENTITY_INVALID');
  });
});

describe('a broken clock fails closed', () => {
  it('now() → NaN refuses tokens, cached or not', async () => {
    const clock = { seconds: NOW };
    const verifier = verifierFor({}, clock);
    const jwt = signHS256(payload(), HS_KEY);
    await verifier.verify({ jwt });
    clock.seconds = Number.NaN;
    expect(await codeOf({ jwt }, verifier)).toBe('ERR_JWT_EXPIRED');
    expect(await codeOf({ jwt: signHS256(payload({ uuid: 'other' }), HS_KEY) }, verifier)).toBe('ERR_JWT_EXPIRED');
  });
});

/** 10 years of 365 days: how far ahead exp, nbf or iat may lie (src/identity/time-bounds.ts, MAX_TIME_AHEAD_SECONDS). */
const TEN_YEARS = 315_360_000;

describe('time claims at the extremes: any finite number gets a precise code and a readable message', () => {
  it.each([
    ['-1e300', -1e300],
    ['-Number.MAX_VALUE', -Number.MAX_VALUE],
    ['just before the first Date (-8.64e12 - 1)', -8.64e12 - 1],
    ['-1', -1],
  ])('exp %s → ERR_JWT_EXPIRED (not the catch-all ERR_JWT_MALFORMED)', async (_name, exp) => {
    const error = await rejects({ jwt: forge(HS_HEADER, payload({ exp })) }, 'ERR_JWT_EXPIRED');
    expect(error.path).toBe('payload.exp');
    expect(error.message).toMatch(/^The JWT expired more than 10 years ago \(exp /);
    expect(error.message).not.toMatch(/NaN|Infinity|could not be read/);
  });

  it('a date outside the range of Date is written as the number itself', async () => {
    const error = await rejects({ jwt: forge(HS_HEADER, payload({ exp: -1e300 })) }, 'ERR_JWT_EXPIRED');
    expect(error.message).toContain('(exp -1e+300 s since the epoch, outside the range of dates)');
    const dated = await rejects({ jwt: forge(HS_HEADER, payload({ exp: T - 180 })) }, 'ERR_JWT_EXPIRED');
    expect(dated.message).toContain(`(exp ${new Date((T - 180) * 1000).toISOString()})`);
  });

  it.each([
    ['1e308', 1e308],
    ['Number.MAX_VALUE', Number.MAX_VALUE],
    ['beyond the last Date (8.64e12 + 1)', 8.64e12 + 1],
    ['in milliseconds (Date.now() + 2 h)', T * 1000 + 7_200_000],
    ['11 years ahead', T + 11 * 365 * 86_400],
  ])('exp %s → ERR_JWT_MALFORMED: more than 10 years ahead, refused (no never-expiring session)', async (_name, exp) => {
    const error = await rejects({ jwt: forge(HS_HEADER, payload({ exp })) }, 'ERR_JWT_MALFORMED');
    expect(error.path).toBe('payload.exp');
    expect(error.message).toMatch(/^The JWT exp is more than 10 years ahead \(exp /);
    expect(error.message).toContain('seconds since the epoch, not milliseconds');
    expect(error.message).not.toMatch(/NaN|Infinity/);
  });

  it('the bound: exp exactly 10 years (365-day years) ahead verifies, one second more does not', async () => {
    expect((await jwt(forge(HS_HEADER, payload({ exp: T + TEN_YEARS })))).expiresAt).toBe((T + TEN_YEARS) * 1000);
    await rejects({ jwt: forge(HS_HEADER, payload({ exp: T + TEN_YEARS + 1 })) }, 'ERR_JWT_MALFORMED');
  });

  it('the bound moves with the clock, cached or not', async () => {
    let now = T * 1000;
    const verifier = attackVerifier('require', {}, () => now);
    const token = forge(HS_HEADER, payload({ exp: T + TEN_YEARS + 100 }));
    await rejects({ jwt: token }, 'ERR_JWT_MALFORMED', verifier);
    now = (T + 100) * 1000;
    expect((await verifier.verify({ jwt: token })).expiresAt).toBe((T + TEN_YEARS + 100) * 1000);
    expect((await verifier.verify({ jwt: token })).expiresAt).toBe((T + TEN_YEARS + 100) * 1000);
    now = (T + 99) * 1000; // a clock set back: the cached token is re-judged, not trusted
    await rejects({ jwt: token }, 'ERR_JWT_MALFORMED', verifier);
  });

  for (const claim of ['nbf', 'iat'] as const) {
    it.each([
      ['1e308', 1e308],
      ['in milliseconds (Date.now())', T * 1000],
      ['10 years + 1 s ahead', T + TEN_YEARS + 1],
    ])(`${claim} %s → ERR_JWT_MALFORMED, with the likely cause`, async (_name, value) => {
      const error = await rejects({ jwt: forge(HS_HEADER, payload({ [claim]: value })) }, 'ERR_JWT_MALFORMED');
      expect(error.path).toBe(`payload.${claim}`);
      expect(error.message).toMatch(new RegExp(`^The JWT ${claim} is more than 10 years ahead \\(${claim} `));
      expect(error.message).toContain('not milliseconds');
    });

    it(`${claim} exactly 10 years ahead is merely not yet valid, with a day count`, async () => {
      const error = await rejects({ jwt: forge(HS_HEADER, payload({ [claim]: T + TEN_YEARS })) }, 'ERR_JWT_NOT_YET_VALID');
      expect(error.message).toContain(`The JWT ${claim} is 3650 days in the future`);
    });

    it.each([['-1e300', -1e300], ['-Number.MAX_VALUE', -Number.MAX_VALUE], ['0', 0]])(
      `${claim} %s (however far in the past) constrains nothing: the token verifies`,
      async (_name, value) => {
        expect((await jwt(forge(HS_HEADER, payload({ [claim]: value })))).uuid).toBe('user-42');
      },
    );
  }

  it('exp and nbf from any finite double: the code the SPEC rules give, never a crash or a catch-all', async () => {
    const finite = fc.double({ noNaN: true, noDefaultInfinity: true });
    const near = fc.integer({ min: -2 * TEN_YEARS, max: 2 * TEN_YEARS }).map((offset) => T + offset);
    const expected = (exp: number, nbf: number): string => {
      if (exp <= T - 10) return 'ERR_JWT_EXPIRED';
      if (exp < T + 3600 - 10) return 'ERR_JWT_EXP_TOO_SOON';
      if (exp > T + TEN_YEARS) return 'ERR_JWT_MALFORMED';
      if (nbf <= T + 10) return 'ok';
      return nbf > T + TEN_YEARS ? 'ERR_JWT_MALFORMED' : 'ERR_JWT_NOT_YET_VALID';
    };
    await fc.assert(
      fc.asyncProperty(fc.oneof(finite, near), fc.oneof(finite, near), async (exp, nbf) => {
        const outcome = await require_.verify({ jwt: forge(HS_HEADER, payload({ exp, nbf })) }).then(
          (result) => {
            expect(result.expiresAt).toBe(exp === 0 ? 0 : exp * 1000);
            return 'ok';
          },
          (error: unknown) => {
            expect(error).toBeInstanceOf(IdentityError);
            expect((error as IdentityError).message).not.toMatch(/NaN|Infinity|could not be read|e\+\d+ (days|seconds)/);
            return (error as IdentityError).code;
          },
        );
        // JSON has no -0: the token carries 0.
        expect(outcome).toBe(expected(Object.is(exp, -0) ? 0 : exp, Object.is(nbf, -0) ? 0 : nbf));
      }),
      { numRuns: 300 },
    );
  });
});

describe('claims are own members of the payload', () => {
  it('an exp inherited from a polluted Object.prototype is not an exp', async () => {
    const body = { uuid: 'user-42', iat: T };
    const polluted = Object.prototype as { exp?: number };
    polluted.exp = T + 7200;
    let result: Promise<unknown>;
    try {
      result = require_.verify({ jwt: forge(HS_HEADER, body) });
    } finally {
      delete polluted.exp;
    }
    expect(await result.then(() => 'resolved', (error: IdentityError) => error.code)).toBe('ERR_JWT_EXP_MISSING');
  });

  it('a "__proto__" member carrying exp is not an exp either', async () => {
    await rejects({ jwt: forge(HS_HEADER, `{"uuid":"user-42","__proto__":{"exp":${T + 7200}}}`) }, 'ERR_JWT_EXP_MISSING');
  });
});
