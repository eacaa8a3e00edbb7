/**
 * The memory store's per-address bookkeeping (store/owners.ts). Issue 22: at
 * the per-address quota every sign-in looked for the address's oldest empty
 * conversation by scanning all of them (100 by default); now each question
 * looks at the front of an ordered set. The counting tests fail on a scan.
 */
import { describe, expect, it } from 'vitest';
import { Owners } from '../../../src/server/store/owners.js';

interface Entry {
  owner: string;
  name: string;
  activeAt: number;
}

/** `count` entries of `owner`, added (and so active) in order. */
function fill(owners: Owners<Entry>, owner: string, count: number, at = 0): Entry[] {
  const made = Array.from({ length: count }, (_, i) => ({ owner, name: `${owner}-${i}`, activeAt: at + i }));
  for (const entry of made) owners.add(entry);
  return made;
}

describe('Owners', () => {
  it('answers the oldest empty entry of an owner, in order of activity, and forgets one once written in', () => {
    const owners = new Owners<Entry>();
    const [a, b, c] = fill(owners, '198.51.100.1', 3);
    expect(owners.oldestEmpty('198.51.100.1')).toBe(a);
    owners.touch(a!);
    expect(owners.oldestEmpty('198.51.100.1')).toBe(b);
    owners.filled(b!);
    expect(owners.oldestEmpty('198.51.100.1')).toBe(c);
    owners.filled(c!);
    expect(owners.oldestEmpty('198.51.100.1')).toBe(a);
    owners.remove(a!);
    expect(owners.oldestEmpty('198.51.100.1')).toBeUndefined();
    expect(owners.count('198.51.100.1')).toBe(2);
    expect(owners.oldestEmpty('192.0.2.1')).toBeUndefined();
  });

  it('answers the least recently active idle entry, skipping the one to keep, and none when the oldest is not idle', () => {
    const owners = new Owners<Entry>();
    const [a, b] = fill(owners, '198.51.100.1', 3);
    const idleBefore = (at: number) => (entry: Entry) => entry.activeAt < at;
    expect(owners.oldestIdle('198.51.100.1', idleBefore(1))).toBe(a);
    expect(owners.oldestIdle('198.51.100.1', idleBefore(2), a)).toBe(b);
    expect(owners.oldestIdle('198.51.100.1', idleBefore(0))).toBeUndefined();
    a!.activeAt = 10;
    owners.touch(a!);
    expect(owners.oldestIdle('198.51.100.1', idleBefore(5))).toBe(b);
  });

  it('takes from the owner holding the most that has an idle entry, and follows the counts as entries come and go', () => {
    const owners = new Owners<Entry>();
    const busy = fill(owners, 'busy', 4, 100);
    const small = fill(owners, 'small', 2, 0);
    const idle = (entry: Entry) => entry.activeAt < 1_000;
    expect(owners.fromBusiest(idle)).toBe(busy[0]);
    // The busiest has nothing idle: the next one gives.
    for (const entry of busy) entry.activeAt = 5_000;
    expect(owners.fromBusiest(idle)).toBe(small[0]);
    expect(owners.fromBusiest(idle, small[0])).toBe(small[1]);
    // Down to one entry each, the order of who holds the most follows.
    for (const entry of busy.slice(1)) owners.remove(entry);
    owners.remove(small[0]!);
    busy[0]!.activeAt = 0;
    expect(owners.fromBusiest(idle)).toBe(busy[0]);
    owners.remove(busy[0]!);
    owners.remove(small[1]!);
    expect(owners.fromBusiest(() => true)).toBeUndefined();
    expect(owners.count('busy')).toBe(0);
  });

  it('looks at a bounded number of entries whatever an owner holds (no scan at the quota)', () => {
    for (const held of [10, 1_000]) {
      const owners = new Owners<Entry>();
      const made = fill(owners, '198.51.100.1', held);
      for (const entry of made) owners.filled(entry);
      let looked = 0;
      const idle = (entry: Entry) => {
        looked++;
        return entry.activeAt < 0;
      };
      expect(owners.oldestIdle('198.51.100.1', idle)).toBeUndefined();
      expect(owners.fromBusiest(idle)).toBeUndefined();
      expect(owners.oldestEmpty('198.51.100.1')).toBeUndefined();
      expect(looked).toBe(2);
    }
  });
});
