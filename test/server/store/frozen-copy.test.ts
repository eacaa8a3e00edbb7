/**
 * frozenJsonCopy replaced `JSON.parse(JSON.stringify(identity))` and a deep
 * freeze in the memory store (issue 22 item 1). The round trip is the oracle:
 * on random JSON-like values, and on everything JSON treats specially, the
 * copy is deeply equal to it (key order included), frozen all the way down,
 * shares no object with the input, and `jsonLength` is the length of the JSON
 * text.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { frozenJsonCopy } from '../../../src/server/store/frozen-copy.js';

function roundTrip(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value));
}

function expectFrozenDeep(value: unknown): void {
  if (typeof value !== 'object' || value === null) return;
  expect(Object.isFrozen(value)).toBe(true);
  for (const child of Object.values(value)) expectFrozenDeep(child);
}

/** Same structure, same values, same key order, same prototypes (Object.prototype / Array.prototype), as JSON.parse makes. */
function expectSameAsRoundTrip(value: unknown): void {
  const { copy, jsonLength } = frozenJsonCopy(value);
  const oracle = roundTrip(value);
  expect(JSON.stringify(copy)).toBe(JSON.stringify(oracle));
  expect(copy).toStrictEqual(oracle);
  expect(jsonLength).toBe(JSON.stringify(value).length);
  expectFrozenDeep(copy);
  sharesNothing(value, copy);
}

function sharesNothing(input: unknown, copy: unknown, seen = new Set<unknown>()): void {
  if (typeof input !== 'object' || input === null) return;
  seen.add(input);
  const walk = (value: unknown): void => {
    if (typeof value !== 'object' || value === null) return;
    expect(seen.has(value)).toBe(false);
    Object.values(value).forEach(walk);
  };
  walk(copy);
}

describe('frozenJsonCopy: the JSON round trip, frozen', () => {
  it('matches the round trip on random JSON values (strings with escapes, surrogates, numbers, nesting)', () => {
    const text = fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.string({ unit: 'grapheme' }), fc.constantFrom('"', '\\', '\n', '\u2028', '\ud800', '\udc00x', '😀'));
    const json = fc.letrec((tie) => ({
      value: fc.oneof(
        { depthSize: 'small' },
        text,
        fc.double(),
        fc.integer(),
        fc.boolean(),
        fc.constant(null),
        fc.constant(undefined),
        fc.array(tie('value'), { maxLength: 5 }),
        fc.dictionary(text, tie('value'), { maxKeys: 5 }),
      ),
    })).value;
    fc.assert(fc.property(json, (value) => expectSameAsRoundTrip({ value })), { numRuns: 2000 });
  });

  it('matches on the identities the verifier makes (null-prototype groups, warnings, optional members left undefined)', () => {
    const customFields = Object.assign(Object.create(null) as Record<string, unknown>, { plan: 'pro', seats: 3, beta: true });
    const identity = {
      uuid: 'u-1',
      uuidSource: 'jwt',
      signed: true,
      kid: undefined,
      expiresAt: 1_796_619_453_000,
      fields: { firstname: 'Zoë', email: 'zoe@example.com' },
      customFields,
      extraValues: Object.create(null) as Record<string, unknown>,
      warnings: [{ code: 'W_FIELD_TRUNCATED', path: 'payload.firstname', message: 'cut to "60" characters' }],
    };
    expectSameAsRoundTrip(identity);
    expect(Object.getPrototypeOf(frozenJsonCopy(identity).copy.customFields)).toBe(Object.prototype);
  });

  it('takes the round trip for what JSON writes its own way', () => {
    class Point {
      constructor(readonly x: number) {}
    }
    const special: unknown[] = [
      { at: new Date(0) },
      { toJSON: () => 'replaced' },
      { nested: { toJSON: () => 7 } },
      { list: [1, undefined, () => 1, Symbol('s')] },
      // eslint-disable-next-line no-sparse-arrays
      { holes: [1, , 3] },
      { numbers: [NaN, Infinity, -Infinity, -0, 0, 1e21, 5e-7] },
      { map: new Map([[1, 2]]) },
      { point: new Point(3) },
      JSON.parse('{"__proto__": {"polluted": true}, "ok": 1}'),
      { constructor: 'named', toString: 'also' },
      { deep: JSON.parse(`${'['.repeat(80)}1${']'.repeat(80)}`) },
      { fn: () => 1, sym: Symbol('s'), undef: undefined, kept: 'yes' },
      [],
      {},
      'text',
      12,
      null,
    ];
    for (const value of special) expectSameAsRoundTrip(value);
  });

  it('throws as JSON.stringify does on a cycle, and on a bigint', () => {
    const cycle: Record<string, unknown> = { a: 1 };
    cycle.self = { back: cycle };
    expect(() => frozenJsonCopy(cycle)).toThrow(TypeError);
    expect(() => frozenJsonCopy({ n: 1n })).toThrow(TypeError);
  });

  it('defines members even when Object.prototype has an accessor of that name, as JSON.parse does', () => {
    let called = 0;
    Object.defineProperty(Object.prototype, 'firstname', {
      configurable: true,
      get: () => 'from the prototype',
      set: () => void called++,
    });
    try {
      const { copy } = frozenJsonCopy({ fields: { firstname: 'Ada' } });
      expect(Object.getOwnPropertyDescriptor(copy.fields, 'firstname')?.value).toBe('Ada');
      expect(called).toBe(0);
    } finally {
      delete (Object.prototype as Record<string, unknown>).firstname;
    }
  });

  it('counts its own text when a getter in the value copies something else meanwhile', () => {
    const value = {
      a: 'first',
      get inner() {
        return frozenJsonCopy({ other: 'x'.repeat(50) }).jsonLength;
      },
      z: 'last',
    };
    expectSameAsRoundTrip(value);
  });

  it('leaves the input as it was (unfrozen, unchanged)', () => {
    const input = { fields: { firstname: 'Ada' }, warnings: [] as unknown[] };
    const { copy } = frozenJsonCopy(input);
    expect(Object.isFrozen(input)).toBe(false);
    expect(Object.isFrozen(input.fields)).toBe(false);
    input.fields.firstname = 'Grace';
    expect(copy.fields.firstname).toBe('Ada');
  });
});
