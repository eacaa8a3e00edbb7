/**
 * normalizeIdentityData: the SPEC §2 rules for identity data, whether it comes
 * from the host page (unsigned) or a JWT payload. A wrong type is an error
 * (ERR_IDENTITY_INVALID); a value past a bound is dropped with a warning.
 */
import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { EXTRA_VALUE_KEY, FORBIDDEN_KEYS, IdentityError, LIMITS, normalizeIdentityData, normalizeUuid } from '../../src/identity/index.js';

function invalid(data: unknown, path: 'identity' | 'payload' = 'identity', uuidPath?: string): IdentityError {
  try {
    normalizeIdentityData(data, path, uuidPath ? { uuidPath } : {});
  } catch (error) {
    expect(error).toBeInstanceOf(IdentityError);
    expect((error as IdentityError).code).toBe('ERR_IDENTITY_INVALID');
    return error as IdentityError;
  }
  throw new Error('normalizeIdentityData accepted invalid data');
}

const codes = (data: unknown, path: 'identity' | 'payload' = 'identity') =>
  normalizeIdentityData(data, path).warnings.map((w) => `${w.code} ${w.path}`);

afterEach(() => {
  // No test may leave Object.prototype polluted.
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
});

describe('identity data is a plain object', () => {
  it.each([null, undefined, 0, 'firstname', true, [], [{ firstname: 'A' }]])('%j → ERR_IDENTITY_INVALID', (data) => {
    expect(invalid(data).path).toBe('identity');
  });
  it('an empty object is a valid, empty identity', () => {
    expect(normalizeIdentityData({}, 'identity')).toEqual({ fields: {}, extraValues: {}, warnings: [] });
  });
  it('the path names the source', () => {
    expect(invalid('x', 'payload').path).toBe('payload');
  });
});

describe('screenname, firstname, lastname, company: strings ≤ 255', () => {
  const names = ['screenname', 'firstname', 'lastname', 'company'] as const;
  it.each(names)('%s is kept as given', (name) => {
    expect(normalizeIdentityData({ [name]: ' Zoë <b>x</b> ' }, 'identity').fields).toEqual({ [name]: ' Zoë <b>x</b> ' });
  });
  it.each(names)('%s of exactly 255 characters is kept', (name) => {
    expect(normalizeIdentityData({ [name]: 'a'.repeat(255) }, 'identity').fields[name]).toHaveLength(255);
  });
  it.each(names)('%s of 256 characters is dropped with a warning', (name) => {
    const result = normalizeIdentityData({ [name]: 'a'.repeat(256), firstname: name === 'firstname' ? 'a'.repeat(256) : 'Ann' }, 'identity');
    expect(result.fields[name]).toBeUndefined();
    expect(result.warnings).toContainEqual(expect.objectContaining({ code: 'W_FIELD_DROPPED', path: `identity.${name}` }));
  });
  it.each(names.flatMap((name) => [42, true, {}, ['a'], { toString: 'x' }].map((value) => [name, value] as const)))(
    '%s = %j → ERR_IDENTITY_INVALID at its path',
    (name, value) => {
      expect(invalid({ [name]: value }, 'payload').path).toBe(`payload.${name}`);
    },
  );
  it.each([null, undefined, ''])('an absent value (%j) is skipped silently', (value) => {
    expect(normalizeIdentityData({ firstname: value }, 'identity')).toEqual({ fields: {}, extraValues: {}, warnings: [] });
  });
  it('the limit is the SPEC value', () => {
    expect(LIMITS.stringField).toBe(255);
  });
});

describe('email: must look like an email address', () => {
  it.each(['john@example.com', 'john.doe+tag@sub.example.co.uk', 'o\'brien@example.org', 'x@xn--bcher-kva.example'])('%j is kept', (email) => {
    expect(normalizeIdentityData({ email }, 'identity').fields.email).toBe(email);
  });
  it.each([
    'john',
    'john@',
    '@example.com',
    'john@example',
    'john@@example.com',
    'john doe@example.com',
    'john@exa mple.com',
    '<script>@example.com',
    'john@example.c',
    'john@example.com\n',
    `${'a'.repeat(250)}@example.com`,
  ])('%j is dropped with a warning', (email) => {
    const result = normalizeIdentityData({ email }, 'identity');
    expect(result.fields.email).toBeUndefined();
    expect(result.warnings).toEqual([expect.objectContaining({ code: 'W_FIELD_DROPPED', path: 'identity.email' })]);
  });
  it.each([42, {}, ['a@b.co'], true])('%j → ERR_IDENTITY_INVALID', (email) => {
    expect(invalid({ email }).path).toBe('identity.email');
  });
  // The address pattern backtracks on a long near-miss, so it only ever reads 254 characters
  // (SPEC §6): a value past the cap is dropped by its length, before any pattern runs on it.
  it('a long near-miss is dropped before the address pattern reads more than 254 characters (no ReDoS)', () => {
    const exec = vi.spyOn(RegExp.prototype, 'exec');
    try {
      for (const email of [`a@${'a.'.repeat(120)}!`, `${'a'.repeat(120)}@${'a'.repeat(120)}`, `a@${'a.'.repeat(50_000)}!`, `${'a'.repeat(50_000)}@${'a'.repeat(50_000)}`]) {
        const result = normalizeIdentityData({ email }, 'identity');
        expect(result.warnings).toEqual([expect.objectContaining({ code: 'W_FIELD_DROPPED', path: 'identity.email' })]);
      }
      const addressReads = exec.mock.calls.filter((_, i) => (exec.mock.contexts[i] as RegExp).source.includes('@')).map(([input]) => input.length);
      expect(addressReads).toEqual([243, 241]);
    } finally {
      exec.mockRestore();
    }
  });
});

describe('avatar_url: https: or http: only', () => {
  it.each(['https://cdn.example.com/a.png', 'http://example.com/a.png?x=1#y', 'HTTPS://EXAMPLE.COM/A.PNG'])('%j is kept', (url) => {
    expect(normalizeIdentityData({ avatar_url: url }, 'identity').fields.avatar_url).toBe(url);
  });
  it.each([
    'javascript:alert(1)',
    ' javascript:alert(1)',
    'java\tscript:alert(1)',
    'JAVASCRIPT:alert(1)',
    'data:image/png;base64,AAAA',
    'vbscript:msgbox(1)',
    'ftp://example.com/a.png',
    'file:///etc/passwd',
    'blob:https://example.com/uuid',
    '//example.com/a.png',
    '/a.png',
    'a.png',
    'not a url',
    'https://user:pass@example.com/a.png',
    `https://example.com/${'a'.repeat(LIMITS.avatarUrl)}`,
  ])('%j is dropped with a warning', (url) => {
    const result = normalizeIdentityData({ avatar_url: url }, 'identity');
    expect(result.fields.avatar_url).toBeUndefined();
    expect(result.warnings).toEqual([expect.objectContaining({ code: 'W_FIELD_DROPPED', path: 'identity.avatar_url' })]);
  });
  it.each([42, {}, ['https://example.com']])('%j → ERR_IDENTITY_INVALID', (url) => {
    expect(invalid({ avatar_url: url }).path).toBe('identity.avatar_url');
  });
});

describe('uuid: a string ≤ 255, or an integer turned into its decimal string', () => {
  it.each([
    ['5457', '5457'],
    [' spaced ', ' spaced '],
    [5457, '5457'],
    [0, '0'],
    [Number.MAX_SAFE_INTEGER, '9007199254740991'],
    ['a'.repeat(255), 'a'.repeat(255)],
  ])('%j → %j', (uuid, expected) => {
    const result = normalizeIdentityData({ uuid }, 'identity');
    expect(result.uuid).toBe(expected);
    expect(typeof result.uuid).toBe('string');
  });
  it.each([null, undefined, ''])('%j means no uuid', (uuid) => {
    expect(normalizeIdentityData({ uuid }, 'identity')).not.toHaveProperty('uuid');
  });
  it.each([
    ['a 256-character string', 'a'.repeat(256)],
    ['a negative integer', -1],
    ['a fraction', 1.5],
    ['NaN', Number.NaN],
    ['Infinity', Number.POSITIVE_INFINITY],
    ['an unsafe integer', 2 ** 53],
    ['an object', { id: 1 }],
    ['an array', ['5457']],
    ['a boolean', true],
  ])('%s → ERR_IDENTITY_INVALID', (_name, uuid) => {
    expect(invalid({ uuid }).path).toBe('identity.uuid');
  });
  it('uses the caller’s path for a uuid error', () => {
    expect(invalid({ uuid: {} }, 'payload', 'jwt.uuid').path).toBe('jwt.uuid');
  });
  it('normalizeUuid agrees', () => {
    expect(normalizeUuid(12, 'p')).toBe('12');
    expect(normalizeUuid('', 'p')).toBeUndefined();
    expect(() => normalizeUuid(-3, 'p')).toThrow(IdentityError);
  });
});

describe('extra_values: key → string/number/boolean', () => {
  it('keeps strings and turns numbers and booleans into strings', () => {
    const result = normalizeIdentityData({ extra_values: { customer_id: 'A1', visits: 12, ratio: 0.5, vip: true, churned: false, neg: -3 } }, 'identity');
    expect({ ...result.extraValues }).toEqual({ customer_id: 'A1', visits: '12', ratio: '0.5', vip: 'true', churned: 'false', neg: '-3' });
    expect(result.warnings).toEqual([]);
  });
  it('is a null-prototype object, safe to index with any key', () => {
    const { extraValues } = normalizeIdentityData({ extra_values: { a: '1' } }, 'identity');
    expect(Object.getPrototypeOf(extraValues)).toBeNull();
    expect(extraValues.toString).toBeUndefined();
    expect(extraValues.constructor).toBeUndefined();
  });
  it.each(['a', 'A-Z_0.9', 'x'.repeat(64), 'customer.id', '123'])('key %j is kept', (key) => {
    expect(normalizeIdentityData({ extra_values: { [key]: 'v' } }, 'identity').extraValues[key]).toBe('v');
  });
  it.each(['', 'x'.repeat(65), 'with space', 'é', 'a/b', 'a:b', 'a$b', '<b>', 'constructor', 'prototype', '__proto__'])(
    'key %j is dropped with W_EXTRA_KEY_INVALID',
    (key) => {
      // JSON.parse makes "__proto__" an own key, as it would be in a real payload.
      const data = JSON.parse(`{"extra_values":{${JSON.stringify(key)}:"v","ok":"v"}}`);
      const result = normalizeIdentityData(data, 'identity');
      expect(Object.keys(result.extraValues)).toEqual(['ok']);
      expect(result.warnings.map((w) => w.code)).toEqual(['W_EXTRA_KEY_INVALID']);
      expect(result.warnings[0]!.path.startsWith('identity.extra_values.')).toBe(true);
    },
  );
  it('a value of exactly 1024 characters is kept; 1025 is dropped with a warning', () => {
    const result = normalizeIdentityData({ extra_values: { a: 'x'.repeat(1024), b: 'x'.repeat(1025) } }, 'identity');
    expect(result.extraValues.a).toHaveLength(1024);
    expect(result.extraValues.b).toBeUndefined();
    expect(codes({ extra_values: { b: 'x'.repeat(1025) } })).toEqual(['W_FIELD_DROPPED identity.extra_values.b']);
  });
  it('keeps the first 100 keys and drops the rest with warnings', () => {
    const extra: Record<string, string> = {};
    for (let i = 0; i < 103; i++) extra[`k${i}`] = String(i);
    const result = normalizeIdentityData({ extra_values: extra }, 'identity');
    expect(Object.keys(result.extraValues)).toHaveLength(100);
    expect(result.extraValues.k99).toBe('99');
    expect(result.extraValues.k100).toBeUndefined();
    expect(result.warnings.map((w) => `${w.code} ${w.path}`)).toEqual([
      'W_FIELD_DROPPED identity.extra_values.k100',
      'W_FIELD_DROPPED identity.extra_values.k101',
      'W_FIELD_DROPPED identity.extra_values.k102',
    ]);
  });
  it('dropped keys do not count toward the 100', () => {
    const extra: Record<string, string> = { 'bad key': 'x', long: 'x'.repeat(2000) };
    for (let i = 0; i < 100; i++) extra[`k${i}`] = 'v';
    expect(Object.keys(normalizeIdentityData({ extra_values: extra }, 'identity').extraValues)).toHaveLength(100);
  });
  it.each([
    ['a nested object', { a: { b: 1 } }],
    ['an array value', { a: ['x'] }],
    ['null', { a: null }],
    ['NaN', { a: Number.NaN }],
    ['Infinity', { a: Number.POSITIVE_INFINITY }],
  ])('%s as a value → ERR_IDENTITY_INVALID at its path', (_name, extra) => {
    expect(invalid({ extra_values: extra }).path).toBe('identity.extra_values.a');
  });
  it.each([['a string', 'x=1'], ['an array', ['x']], ['a number', 3], ['true', true]])('extra_values as %s → ERR_IDENTITY_INVALID', (_name, extra) => {
    expect(invalid({ extra_values: extra }).path).toBe('identity.extra_values');
  });
  it('null extra_values is empty', () => {
    expect({ ...normalizeIdentityData({ extra_values: null }, 'identity').extraValues }).toEqual({});
  });
});

describe('unknown top-level fields are ignored with warnings', () => {
  it('reports each unknown field', () => {
    const result = normalizeIdentityData({ firstname: 'A', role: 'admin', isAgent: true }, 'identity');
    expect(result.fields).toEqual({ firstname: 'A' });
    expect(result).not.toHaveProperty('role');
    expect(codes({ firstname: 'A', role: 'admin', isAgent: true })).toEqual(['W_UNKNOWN_FIELD identity.role', 'W_UNKNOWN_FIELD identity.isAgent']);
  });
  it('registered JWT claims are expected in a payload, not warned about', () => {
    const claims = { exp: 1, nbf: 1, iat: 1, iss: 'i', aud: 'a', sub: 's', jti: 'j' };
    expect(codes(claims, 'payload')).toEqual([]);
  });
  it('the same claims in unsigned identity data are unknown fields', () => {
    expect(codes({ exp: 1, sub: 's' }, 'identity')).toEqual(['W_UNKNOWN_FIELD identity.exp', 'W_UNKNOWN_FIELD identity.sub']);
  });
  it('predefined agent fields that §2 does not list are not set from identity data', () => {
    const result = normalizeIdentityData({ gender: 'x', notes: 'y', mobile_phone: '1' }, 'identity');
    expect(result.fields).toEqual({});
    expect(result.warnings.map((w) => w.code)).toEqual(['W_UNKNOWN_FIELD', 'W_UNKNOWN_FIELD', 'W_UNKNOWN_FIELD']);
  });
  it('inherited properties are never read', () => {
    const data = Object.create({ firstname: 'Inherited', uuid: 'stolen', extra_values: { a: '1' } }) as object;
    expect(normalizeIdentityData(data, 'identity')).toEqual({ fields: {}, extraValues: {}, warnings: [] });
  });
});

describe('__proto__, constructor and prototype are never honoured', () => {
  const hostile = [
    '{"__proto__":{"polluted":"top","firstname":"Evil","uuid":"admin"}}',
    '{"constructor":{"prototype":{"polluted":"ctor"}}}',
    '{"prototype":{"polluted":"proto"}}',
    '{"extra_values":{"__proto__":{"polluted":"extra"}}}',
    '{"extra_values":{"constructor":{"prototype":{"polluted":"extra-ctor"}}}}',
    '{"firstname":"Ann","__proto__":{"email":"evil@example.com","avatar_url":"https://evil.example/x.png"}}',
  ];
  it.each(hostile)('%s', (json) => {
    const result = normalizeIdentityData(JSON.parse(json), 'payload');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.prototype.hasOwnProperty.call(Object.prototype, 'polluted')).toBe(false);
    expect((result.fields as Record<string, unknown>).polluted).toBeUndefined();
    expect(result.extraValues.polluted).toBeUndefined();
    expect(result.uuid).toBeUndefined();
    expect(result.fields.email).toBeUndefined();
    expect(result.fields.avatar_url).toBeUndefined();
    expect(Object.getPrototypeOf(result.fields)).toBe(Object.prototype);
    expect(result.warnings.length).toBeGreaterThan(0);
  });
  it('an object whose own __proto__ key holds fields does not leak them', () => {
    const result = normalizeIdentityData(JSON.parse('{"__proto__":{"firstname":"Evil"}}'), 'identity');
    expect(result.fields.firstname).toBeUndefined();
    expect(result.warnings).toEqual([expect.objectContaining({ code: 'W_UNKNOWN_FIELD', path: 'identity.__proto__' })]);
  });
});

describe('EXTRA_VALUE_KEY: the one extra value key rule (SPEC §2), exported for the verifier', () => {
  it('is 1–64 characters A-Z a-z 0-9 _ . -, anchored', () => {
    for (const key of ['a', 'A-Z_0.9', 'x'.repeat(64)]) expect(EXTRA_VALUE_KEY.test(key)).toBe(true);
    for (const key of ['', 'x'.repeat(65), 'a b', 'é', 'a/b', 'ok\n', '\nok']) expect(EXTRA_VALUE_KEY.test(key)).toBe(false);
  });

  it('has no g or y flag, so sharing one object keeps no lastIndex state between callers', () => {
    expect(EXTRA_VALUE_KEY.flags).toBe('');
    expect([EXTRA_VALUE_KEY.test('same'), EXTRA_VALUE_KEY.test('same')]).toEqual([true, true]);
  });

  it('is the rule normalizeIdentityData applies: a key is kept exactly when it matches and is not forbidden', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom('a', 'Z', '9', '_', '.', '-', ' ', 'é', '#'), maxLength: 70 }), (key) => {
        const kept = Object.keys(normalizeIdentityData({ extra_values: { [key]: 'v' } }, 'identity').extraValues);
        expect(kept).toEqual(EXTRA_VALUE_KEY.test(key) && !FORBIDDEN_KEYS.has(key) ? [key] : []);
      }),
    );
  });
});

describe('SPEC §6: identity strings and extra values are one line of plain text', () => {
  const NOT_PLAIN = /control characters.*bidi controls/;

  it.each(['screenname', 'firstname', 'lastname', 'company'] as const)('"Bob\\u202Egnp.exe" as %s is dropped with a warning', (name) => {
    const result = normalizeIdentityData({ [name]: 'Bob\u202Egnp.exe', uuid: 'u1' }, 'identity');
    expect(result.fields).toEqual({});
    expect(result.uuid).toBe('u1');
    expect(result.warnings).toEqual([{ code: 'W_FIELD_DROPPED', path: `identity.${name}`, message: expect.stringMatching(NOT_PLAIN) }]);
  });

  it.each([
    ['CR/LF', 'Ada\r\nX-Injected: 1'],
    ['LF', 'Ada\nLovelace'],
    ['tab', 'Ada\tLovelace'],
    ['NUL', 'Ada\u0000'],
    ['DEL', 'Ada\u007F'],
    ['C1 next line', 'Ada\u0085'],
    ['an isolate', '\u2066Ada\u2069'],
    ['a lone surrogate', 'Ada\uD83D'],
  ])('a firstname with %s is dropped; the other fields are kept', (_what, firstname) => {
    const result = normalizeIdentityData({ firstname, lastname: 'Lovelace' }, 'payload');
    expect(result.fields).toEqual({ lastname: 'Lovelace' });
    expect(result.warnings).toEqual([{ code: 'W_FIELD_DROPPED', path: 'payload.firstname', message: expect.stringMatching(NOT_PLAIN) }]);
  });

  it('emoji, ZWJ sequences, zero-width characters and other scripts are kept; only the bidi override beside them goes', () => {
    const data = { firstname: 'Zoë 👩‍💻', lastname: 'ශ්‍රී\u200B', company: '日本\uFEFF', screenname: 'zoë\u202E', extra_values: { note: 'Łódź 👨‍👩‍👧' } };
    const result = normalizeIdentityData(data, 'identity');
    expect(result.fields).toEqual({ firstname: 'Zoë 👩‍💻', lastname: 'ශ්‍රී\u200B', company: '日本\uFEFF' });
    expect({ ...result.extraValues }).toEqual({ note: 'Łódź 👨‍👩‍👧' });
    expect(result.warnings.map((w) => w.path)).toEqual(['identity.screenname']);
  });

  it('an email or avatar_url with a control or bidi character is dropped with the plain-text warning', () => {
    const result = normalizeIdentityData({ email: 'ada@example.com\u0000', avatar_url: 'https://cdn.example.com/\u202Egnp.exe' }, 'identity');
    expect(result.fields).toEqual({});
    expect(result.warnings).toEqual([
      { code: 'W_FIELD_DROPPED', path: 'identity.email', message: expect.stringMatching(NOT_PLAIN) },
      { code: 'W_FIELD_DROPPED', path: 'identity.avatar_url', message: expect.stringMatching(NOT_PLAIN) },
    ]);
  });

  it.each([
    ['NUL', 'a\u0000b'],
    ['CR/LF', 'a\r\nb'],
    ['C1', '\u009B31m'],
    ['a bidi override', 'Bob\u202Egnp.exe'],
    ['a lone low surrogate', '\uDE00'],
  ])('an extra value with %s is dropped with a warning and does not count toward the 100', (_what, value) => {
    const extra: Record<string, string> = { bad: value };
    for (let i = 0; i < 100; i++) extra[`k${i}`] = 'v';
    const result = normalizeIdentityData({ extra_values: extra }, 'payload');
    expect(result.extraValues.bad).toBeUndefined();
    expect(Object.keys(result.extraValues)).toHaveLength(100);
    expect(result.warnings).toEqual([{ code: 'W_FIELD_DROPPED', path: 'payload.extra_values.bad', message: expect.stringMatching(NOT_PLAIN) }]);
  });

  it.each([
    ['NUL', 'user\u000042'],
    ['LF', 'user-42\n'],
    ['a bidi override', '\u202E24-resu'],
    ['a lone surrogate', 'user-\uD800'],
  ])('a uuid with %s is refused (ERR_IDENTITY_INVALID), never dropped: it says who the visitor is', (_what, uuid) => {
    const error = invalid({ uuid, firstname: 'Ada' });
    expect(error.path).toBe('identity.uuid');
    expect(error.message).toMatch(/control characters/);
    expect(() => normalizeUuid(uuid, 'payload.uuid')).toThrow(IdentityError);
  });
});

describe('one-line identity fields refuse invisible characters, naming them (issue 16 LOW 4)', () => {
  it.each([
    ['U+2028', 'Ada\u2028Lovelace', 'U+2028 (line separator)'],
    ['U+2029', 'Ada\u2029', 'U+2029 (paragraph separator)'],
    ['a tag character (hidden ASCII)', 'Ada\u{E0069}\u{E0067}', 'U+E0069 (tag character)'],
    ['U+FFFA', 'Ada\uFFFA', 'U+FFFA (annotation character)'],
    ['LRM', 'Ada\u200E', 'U+200E (left-to-right mark)'],
    ['RLM', '\u200FAda', 'U+200F (right-to-left mark)'],
  ])('%s: a name, an email and an extra value are dropped with W_FIELD_DROPPED naming it; a uuid is refused', (_what, value, named) => {
    const result = normalizeIdentityData({ uuid: 'u1', firstname: value, email: `${value}@example.com`, extra_values: { note: value, ok: 'kept' } }, 'payload');
    expect(result.fields).toEqual({});
    expect({ ...result.extraValues }).toEqual({ ok: 'kept' });
    expect(result.warnings.map((w) => w.path)).toEqual(['payload.firstname', 'payload.email', 'payload.extra_values.note']);
    for (const warning of result.warnings) {
      expect(warning).toMatchObject({ code: 'W_FIELD_DROPPED', message: expect.stringContaining(named) });
      expect(warning.message).toMatch(/control characters.*bidi controls/);
      expect(warning.message.length).toBeLessThanOrEqual(128);
    }
    const error = invalid({ uuid: `user${value}` });
    expect(error).toMatchObject({ code: 'ERR_IDENTITY_INVALID', path: 'identity.uuid' });
    expect(error.message).toContain(named);
  });

  it('a name with a subdivision flag is kept', () => {
    const scotland = 'Ada 🏴\u{E0067}\u{E0062}\u{E0073}\u{E0063}\u{E0074}\u{E007F}';
    expect(normalizeIdentityData({ firstname: scotland }, 'identity').fields).toEqual({ firstname: scotland });
  });
});

describe('SPEC §6: at most 20 warnings per identity, then one W_MORE_DROPPED; path and message ≤ 128 characters', () => {
  it('1,400 extra values → 20 warnings and one summary counting the rest', () => {
    const extra: Record<string, string> = {};
    for (let i = 0; i < 1400; i++) extra[`k${i}`] = 'v';
    const result = normalizeIdentityData({ extra_values: extra }, 'identity');
    expect(Object.keys(result.extraValues)).toHaveLength(100);
    expect(result.warnings).toHaveLength(21);
    expect(result.warnings.slice(0, 20).every((w) => w.code === 'W_FIELD_DROPPED')).toBe(true);
    expect(result.warnings[19]!.path).toBe('identity.extra_values.k119');
    expect(result.warnings[20]).toEqual({ code: 'W_MORE_DROPPED', path: 'warnings', message: '1280 more warnings dropped (at most 20 are kept per identity).' });
  });

  it('counts every kind of warning together, in order', () => {
    const data: Record<string, unknown> = { firstname: 'x'.repeat(300), extra_values: { 'bad key': 'v', nul: '\u0000' } };
    for (let i = 0; i < 19; i++) data[`unknown${i}`] = i;
    const result = normalizeIdentityData(data, 'identity');
    expect(result.warnings).toHaveLength(21);
    expect(result.warnings[0]!.code).toBe('W_UNKNOWN_FIELD');
    expect(result.warnings[19]!.code).toBe('W_FIELD_DROPPED');
    expect(result.warnings[20]).toMatchObject({ code: 'W_MORE_DROPPED', message: expect.stringMatching(/^2 more warnings dropped/) });
  });

  it('exactly 20 warnings need no summary; 21 give "1 more warning dropped"', () => {
    const unknown = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`u${i}`, i]));
    expect(normalizeIdentityData(unknown(20), 'identity').warnings.map((w) => w.code)).toEqual(Array(20).fill('W_UNKNOWN_FIELD'));
    expect(normalizeIdentityData(unknown(21), 'identity').warnings[20]!.message).toBe('1 more warning dropped (at most 20 are kept per identity).');
  });

  it('long keys make paths of at most 128 characters, and a quoted key never carries a control or bidi character', () => {
    const long = 'k'.repeat(10_000);
    const result = normalizeIdentityData({ [long]: 1, [`\u202E${long}`]: 1, extra_values: { [long]: 'v', [`a\u0000\u202Eb`]: 'v' } }, 'payload');
    expect(result.warnings).toHaveLength(4);
    for (const warning of result.warnings) {
      expect(warning.path.length).toBeLessThanOrEqual(128);
      expect(warning.message.length).toBeLessThanOrEqual(128);
      expect(warning.path).not.toMatch(/[\u0000-\u001F\u202A-\u202E]/);
    }
    expect(result.warnings[1]!.path.startsWith('payload.\uFFFDkkk')).toBe(true);
    expect(result.warnings[3]!.path).toBe('payload.extra_values.a\uFFFD\uFFFDb');
  });
});
