/**
 * RecencySet replaced the insertion-ordered Sets and Map of the memory store's
 * eviction order (issue 22). The model is what it replaced: a Set, where
 * `renew` is a delete and an add. On random operations both hold the same
 * values in the same order and answer the same.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RecencySet } from '../../../src/server/store/recency-set.js';

type Op = { kind: 'add' | 'delete' | 'renew' | 'dropOldest'; value: number };

describe('RecencySet: a set in order of activity, least recent first', () => {
  it('answers as an insertion-ordered Set would, on random operations', () => {
    const op = fc.record({ kind: fc.constantFrom('add', 'delete', 'renew', 'dropOldest'), value: fc.integer({ min: 0, max: 12 }) }) as fc.Arbitrary<Op>;
    fc.assert(
      fc.property(fc.array(op, { maxLength: 200 }), (ops) => {
        const set = new RecencySet<number>();
        const model = new Set<number>();
        for (const { kind, value } of ops) {
          if (kind === 'add') {
            expect(set.add(value)).toBe(set);
            model.add(value);
          } else if (kind === 'delete') {
            expect(set.delete(value)).toBe(model.delete(value));
          } else if (kind === 'renew') {
            const held = model.delete(value);
            if (held) model.add(value);
            expect(set.renew(value)).toBe(held);
          } else {
            const oldest = model.values().next().value;
            expect(set.first()).toBe(oldest);
            if (oldest !== undefined) expect(set.delete(oldest)).toBe(model.delete(oldest));
          }
          expect([...set]).toEqual([...model]);
          expect(set.size).toBe(model.size);
          expect(set.has(value)).toBe(model.has(value));
        }
      }),
      { numRuns: 500 },
    );
  });

  it('lets the value just given be deleted while iterating (eviction drops as it goes)', () => {
    const set = new RecencySet<string>();
    for (const value of ['a', 'b', 'c', 'd']) set.add(value);
    set.renew('b');
    const seen: string[] = [];
    for (const value of set) {
      seen.push(value);
      if (value !== 'c') set.delete(value);
    }
    expect(seen).toEqual(['a', 'c', 'd', 'b']);
    expect([...set]).toEqual(['c']);
    expect(set.first()).toBe('c');
  });

  it('gives its least recent value right through churn at the front (what a store at its cap does)', () => {
    const set = new RecencySet<number>();
    for (let i = 0; i < 10_000; i++) set.add(i);
    for (let i = 0; i < 9_999; i++) {
      expect(set.first()).toBe(i);
      set.delete(i);
      set.add(10_000 + i);
    }
    expect(set.size).toBe(10_000);
    expect(set.first()).toBe(9_999);
  });
});
