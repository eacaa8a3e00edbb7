/**
 * SPEC §6 "Bounds that hold against a hostile visitor", as the verifier
 * returns them: identity strings and extra values are plain text (signed or
 * not), and an identity carries at most 20 warnings plus one W_MORE_DROPPED
 * summary, each path and message at most 128 characters — whichever step
 * (fields, mappings, the automated uuid, identity beside a JWT) adds them.
 * Tokens are signed by test/helpers/sign.ts (node:crypto by hand, no jose).
 */
import { describe, expect, it } from 'vitest';
import { capWarnings, type IdentityWarning, type VerifiedIdentity } from '../../../src/identity/index.js';
import { HS_KEY, signHS256 } from '../../helpers/sign.js';
import { codeOf, failure, payload, verifierFor, useVerifierTestHooks } from './fixtures.js';

useVerifierTestHooks();

const unsigned = () => verifierFor({ signedIdentities: 'reject' });
const NOT_PLAIN = /control characters.*bidi controls/;

function expectBounded(warnings: IdentityWarning[], dropped: number): void {
  expect(warnings).toHaveLength(21);
  for (const warning of warnings) {
    expect(warning.path.length).toBeLessThanOrEqual(128);
    expect(warning.message.length).toBeLessThanOrEqual(128);
  }
  expect(warnings.slice(0, 20).some((warning) => warning.code === 'W_MORE_DROPPED')).toBe(false);
  expect(warnings[20]).toEqual({ code: 'W_MORE_DROPPED', path: 'warnings', message: `${dropped} more warnings dropped (at most 20 are kept per identity).` });
}

function manyUnknownFields(count: number): Record<string, number> {
  return Object.fromEntries(Array.from({ length: count }, (_, i) => [`unknown_${i}`, i]));
}

describe('plain text in a signed payload (SPEC §6, §4 step 6)', () => {
  it('"Bob\\u202Egnp.exe", CR/LF and NUL are dropped with warnings; the rest of the payload is kept', async () => {
    const jwt = signHS256(payload({ screenname: 'Bob\u202Egnp.exe', firstname: 'Ada\r\nLovelace', lastname: 'Lovelace', extra_values: { plan: 'pro', ref: 'a\u0000b' } }), HS_KEY);
    const result = await verifierFor().verify({ jwt });
    expect(result.uuid).toBe('user-42');
    expect(result.fields).toEqual({ lastname: 'Lovelace' });
    expect({ ...result.extraValues }).toEqual({ plan: 'pro' });
    expect(result.warnings).toEqual([
      { code: 'W_FIELD_DROPPED', path: 'payload.screenname', message: expect.stringMatching(NOT_PLAIN) },
      { code: 'W_FIELD_DROPPED', path: 'payload.firstname', message: expect.stringMatching(NOT_PLAIN) },
      { code: 'W_FIELD_DROPPED', path: 'payload.extra_values.ref', message: expect.stringMatching(NOT_PLAIN) },
    ]);
  });

  it('a signed uuid with a control or bidi character → ERR_JWT_UUID_MISSING, saying why', async () => {
    for (const uuid of ['user\u000042', '\u202E24-resu', 'user-42\r\n']) {
      const error = await failure(verifierFor().verify({ jwt: signHS256(payload({ uuid }), HS_KEY) }));
      expect(error.code).toBe('ERR_JWT_UUID_MISSING');
      expect(error.message).toMatch(/not valid.*control characters/);
    }
  });

  it('the same rules hold for unsigned identity data; a bad unsigned uuid → ERR_IDENTITY_INVALID', async () => {
    const result = await unsigned().verify({ identity: { uuid: 'u1', firstname: 'Bob\u202Egnp.exe', extra_values: { ref: '\u0085' } } });
    expect(result).toMatchObject({ uuid: 'u1', uuidSource: 'unsigned', fields: {} });
    expect(result.warnings.map((w) => w.path)).toEqual(['identity.firstname', 'identity.extra_values.ref']);
    expect(await codeOf({ identity: { uuid: 'u1\u0000' } }, unsigned())).toBe('ERR_IDENTITY_INVALID');
  });

  it('a mapping cannot carry a refused value into a predefined field: the extra value is dropped first', async () => {
    const verifier = verifierFor({ extraValueMapping: [{ key: 'name', field: 'firstname' }] });
    const result = await verifier.verify({ jwt: signHS256(payload({ extra_values: { name: 'Ada\nEvil' } }), HS_KEY) });
    expect(result.fields).toEqual({});
    expect(result.warnings).toEqual([expect.objectContaining({ code: 'W_FIELD_DROPPED', path: 'payload.extra_values.name' })]);
  });
});

describe('at most 20 warnings, then one W_MORE_DROPPED (SPEC §6)', () => {
  it('1,400 extra values in a 13 KB registration → 21 warnings and a result of a few KB', async () => {
    const extra: Record<string, string> = {};
    for (let i = 0; i < 1400; i++) extra[`k${i}`] = 'v';
    const result = await unsigned().verify({ identity: { uuid: 'u1', extra_values: extra } });
    expectBounded(result.warnings, 1280);
    expect(Object.keys(result.extraValues)).toHaveLength(100);
    // Was 156 KB with 1,300 warnings.
    expect(JSON.stringify(result).length).toBeLessThan(5000);
  });

  it('holds for a signed payload too', async () => {
    const extra: Record<string, string> = {};
    for (let i = 0; i < 300; i++) extra[`k${i}`] = '\u0085';
    const result = await verifierFor().verify({ jwt: signHS256(payload({ extra_values: extra }), HS_KEY) });
    expectBounded(result.warnings, 280);
    expect(Object.keys(result.extraValues)).toHaveLength(0);
  });

  it('warnings added after the fields (mappings, identity beside a JWT) are counted into the summary', async () => {
    const verifier = verifierFor({ signedIdentities: 'accept', customFields: [{ name: 'crm_id', regex: 'CRM-[0-9]+' }], extraValueMapping: [{ key: 'uuid', field: { custom: 'crm_id' } }] });
    const jwt = signHS256(payload(manyUnknownFields(25)), HS_KEY);
    const result = await verifier.verify({ jwt, identity: { firstname: 'Ignored' } });
    // 25 unknown fields + W_CUSTOM_FIELD_REGEX (uuid "user-42") + W_UNSIGNED_IGNORED = 27.
    expectBounded(result.warnings, 7);
  });

  it('the automated uuid warning is counted too, and the summary stays last', async () => {
    const result = await unsigned().verify({ identity: manyUnknownFields(30), automatedUuid: 'short' });
    expect(result.uuidSource).toBe('automated');
    expectBounded(result.warnings, 11);
  });

  it('every call builds its own bounded list (a cached token too)', async () => {
    const verifier = verifierFor();
    const jwt = signHS256(payload(manyUnknownFields(40)), HS_KEY);
    const results: VerifiedIdentity[] = [];
    for (let i = 0; i < 3; i++) results.push(await verifier.verify({ jwt, identity: { firstname: 'x' } }));
    for (const result of results) expectBounded(result.warnings, 21);
    expect(results[0]!.warnings).not.toBe(results[1]!.warnings);
  });
});

describe('capWarnings: the same bound on what a custom verifier returns', () => {
  it.each([undefined, null, 'W_X', 42, {}, { length: 3 }])('%j → []', (value) => {
    expect(capWarnings(value)).toEqual([]);
  });

  it('skips entries that are not objects and turns fields that are not strings into ""', () => {
    const throwing = Object.defineProperty({}, 'code', {
      get() {
        throw new Error('boom');
      },
    });
    expect(capWarnings([null, 'text', 7, { code: 'W_A', path: 'p', message: 'm' }, { code: 1, path: {}, message: ['x'] }, {}, throwing])).toEqual([
      { code: 'W_A', path: 'p', message: 'm' },
      { code: 'W_WARNING', path: '', message: '' },
      { code: 'W_WARNING', path: '', message: '' },
    ]);
  });

  it('cuts path and message to 128 characters, the code to 64, and never leaves a control, bidi or half a pair', () => {
    const [warning] = capWarnings([{ code: `W_${'X'.repeat(100)}`, path: `a\u202E${'p'.repeat(200)}`, message: `${'m'.repeat(127)}😀` }]);
    expect(warning!.code).toHaveLength(64);
    expect(warning!.path).toBe(`a\uFFFD${'p'.repeat(126)}`);
    expect(warning!.message).toBe(`${'m'.repeat(127)}\uFFFD`);
  });

  it('keeps 20 of a long list and counts the rest, reading only its length past them', () => {
    const long = Array.from({ length: 1000 }, (_, i) => ({ code: 'W_X', path: `p${i}`, message: 'm' }));
    expectBounded(capWarnings(long), 980);
    // Counted, not timed: every element read goes through the proxy, which stops a scan of the rest at once.
    const reads: number[] = [];
    const huge = new Proxy(new Array<unknown>(2 ** 32 - 1), {
      get(target, key, receiver) {
        if (typeof key === 'string' && /^\d+$/.test(key)) {
          if (reads.push(Number(key)) > 100) throw new Error('capWarnings reads past the first 20 elements');
        }
        return Reflect.get(target, key, receiver);
      },
    });
    expect(capWarnings(huge)).toEqual([{ code: 'W_MORE_DROPPED', path: 'warnings', message: `${2 ** 32 - 1 - 20} more warnings dropped (at most 20 are kept per identity).` }]);
    expect(reads).toEqual([...Array.from({ length: 20 }, (_, i) => i), 2 ** 32 - 2]);
  });

  it('the built-in verifier’s bounded list passes through unchanged, even after JSON', async () => {
    const result = await unsigned().verify({ identity: manyUnknownFields(100) });
    expect(capWarnings(result.warnings)).toEqual(result.warnings);
    expect(capWarnings(JSON.parse(JSON.stringify(result.warnings)))).toEqual(result.warnings);
    expect(result.warnings[20]!.message).toMatch(/^81 more warnings/);
  });
});
