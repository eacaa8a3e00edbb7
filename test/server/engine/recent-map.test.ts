/** createRecentMap: at most `max` entries, the least recently used forgotten first. */
import { describe, expect, it } from 'vitest';
import { createRecentMap } from '../../../src/server/engine/recent-map.js';

describe('recent map', () => {
  it('keeps at most max entries, forgetting the least recently used (a read counts as a use)', () => {
    const map = createRecentMap<string>(2);
    map.set('a', '1');
    map.set('b', '2');
    expect(map.get('a')).toBe('1');
    map.set('c', '3');
    expect([map.get('a'), map.get('b'), map.get('c'), map.size]).toEqual(['1', undefined, '3', 2]);
  });

  it('replaces a value in place, without growing', () => {
    const map = createRecentMap<string>(2);
    map.set('a', '1');
    map.set('a', '2');
    expect([map.get('a'), map.size]).toEqual(['2', 1]);
  });
});
