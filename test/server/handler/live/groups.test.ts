/** Groups of streams by key, a lone member held as it is (issue 22 item 4). */
import { describe, expect, it } from 'vitest';
import { addMember, groupSize, members, removeMember, type Group } from '../../../../src/server/handler/live/groups.js';

describe('stream groups', () => {
  it('holds one member as it is, a Set from the second on, and the member again when one is left', () => {
    const map = new Map<string, Group<{ n: number }>>();
    const [a, b] = [{ n: 1 }, { n: 2 }];
    addMember(map, 'k', a);
    expect(map.get('k')).toBe(a);
    addMember(map, 'k', a);
    expect(groupSize(map.get('k'))).toBe(1);
    addMember(map, 'k', b);
    expect(map.get('k')).toBeInstanceOf(Set);
    expect(members(map.get('k'))).toEqual([a, b]);
    expect(removeMember(map, 'k', a)).toBe(true);
    expect(map.get('k')).toBe(b);
    expect(removeMember(map, 'k', a)).toBe(false);
    expect(removeMember(map, 'k', b)).toBe(true);
    expect(map.has('k')).toBe(false);
    expect(removeMember(map, 'k', b)).toBe(false);
    expect(groupSize(map.get('k'))).toBe(0);
    expect(members(map.get('k'))).toEqual([]);
  });

  it('members is a copy: members may leave while the caller goes through them', () => {
    const map = new Map<string, Group<{ n: number }>>();
    const all = [{ n: 1 }, { n: 2 }, { n: 3 }];
    for (const m of all) addMember(map, 'k', m);
    const seen: number[] = [];
    for (const m of members(map.get('k'))) {
      seen.push(m.n);
      for (const other of all) removeMember(map, 'k', other);
    }
    expect(seen).toEqual([1, 2, 3]);
  });
});
