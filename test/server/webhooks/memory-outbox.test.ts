/**
 * The memory engine's outbox (src/server/webhooks/memory-outbox.ts): entries
 * only for enabled communities, read after a cursor, the delivery state,
 * the one-holder lease on an injected clock, the trim and the bound.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { MemoryOutbox } from '../../../src/server/webhooks/memory-outbox.js';
import type { DeliveryState, OutboxEntry } from '../../../src/server/webhooks/types.js';

const entry = (seq: number, conversationId = 'c1'): Omit<OutboxEntry, 'id'> => ({ type: 'message.created', conversationId, seq, at: 1_000 + seq, author: 'visitor' });
const ids = (entries: OutboxEntry[]): string[] => entries.map((recorded) => recorded.id);

let clock: { now: number };
let outbox: MemoryOutbox;
beforeEach(() => {
  clock = { now: 1_000_000 };
  outbox = new MemoryOutbox(() => clock.now);
});

describe('recording', () => {
  it('is not durable: a restart loses it', () => {
    expect(outbox.durable).toBe(false);
  });

  it('writes nothing for a community without webhooks', async () => {
    outbox.record('shop', entry(1));
    expect(await outbox.readAfter('shop', undefined, 10)).toEqual([]);
  });

  it('gives entries increasing ids from 1, per community, keeping what was recorded', async () => {
    outbox.enable('shop');
    outbox.enable('blog');
    outbox.record('shop', entry(1));
    outbox.record('blog', entry(1, 'b1'));
    outbox.record('shop', entry(2));
    expect(await outbox.readAfter('shop', undefined, 10)).toEqual([{ ...entry(1), id: '1' }, { ...entry(2), id: '2' }]);
    expect(ids(await outbox.readAfter('blog', undefined, 10))).toEqual(['1']);
  });

  it('enabling twice keeps what was recorded', async () => {
    outbox.enable('shop');
    outbox.record('shop', entry(1));
    outbox.enable('shop');
    expect(ids(await outbox.readAfter('shop', undefined, 10))).toEqual(['1']);
  });

  it('keeps the newest 100 000 entries of a community, the oldest go', async () => {
    outbox.enable('shop');
    for (let seq = 1; seq <= 100_002; seq++) outbox.record('shop', entry(seq));
    const [first] = await outbox.readAfter('shop', undefined, 1);
    expect(first?.id).toBe('3');
    expect(ids(await outbox.readAfter('shop', '100000', 10))).toEqual(['100001', '100002']);
  });
});

describe('readAfter', () => {
  beforeEach(() => {
    outbox.enable('shop');
    for (let seq = 1; seq <= 5; seq++) outbox.record('shop', entry(seq));
  });

  it('reads the entries after the cursor, oldest first, at most `limit`', async () => {
    expect(ids(await outbox.readAfter('shop', undefined, 2))).toEqual(['1', '2']);
    expect(ids(await outbox.readAfter('shop', '2', 2))).toEqual(['3', '4']);
    expect(ids(await outbox.readAfter('shop', '4', 10))).toEqual(['5']);
    expect(await outbox.readAfter('shop', '5', 10)).toEqual([]);
    expect(await outbox.readAfter('unknown', undefined, 10)).toEqual([]);
  });

  it('reads from the oldest kept when the cursor points at trimmed entries', async () => {
    await outbox.trim('shop', '3');
    expect(ids(await outbox.readAfter('shop', '1', 10))).toEqual(['4', '5']);
  });

  it('hands out copies: changing one read changes nothing kept', async () => {
    const [read] = await outbox.readAfter('shop', undefined, 1);
    read!.seq = 99;
    expect((await outbox.readAfter('shop', undefined, 1))[0]?.seq).toBe(1);
  });
});

describe('trim', () => {
  it('forgets the entries up to and including the cursor, and all of them past the newest', async () => {
    outbox.enable('shop');
    for (let seq = 1; seq <= 4; seq++) outbox.record('shop', entry(seq));
    await outbox.trim('shop', '2');
    expect(ids(await outbox.readAfter('shop', undefined, 10))).toEqual(['3', '4']);
    await outbox.trim('shop', '9');
    expect(await outbox.readAfter('shop', undefined, 10)).toEqual([]);
    outbox.record('shop', entry(5));
    expect(ids(await outbox.readAfter('shop', undefined, 10))).toEqual(['5']);
    await expect(outbox.trim('unknown', '1')).resolves.toBeUndefined();
  });
});

describe('delivery state', () => {
  const state: DeliveryState = {
    cursor: '7',
    parked: [{ entry: { id: '6', type: 'message.created', conversationId: 'c1', seq: 3, at: 5 }, attempts: 2, firstTriedAt: 10, nextAt: 20 }],
    unanswered: [{ conversationId: 'c2', seq: 1, dueAt: 30 }],
    notified: ['c3'],
  };

  it('keeps each endpoint’s state apart and returns what was saved', async () => {
    outbox.enable('shop');
    expect(await outbox.loadState('shop', 'endpoint-a')).toBeUndefined();
    await outbox.saveState('shop', 'endpoint-a', state);
    expect(await outbox.loadState('shop', 'endpoint-a')).toEqual(state);
    expect(await outbox.loadState('shop', 'endpoint-b')).toBeUndefined();
  });

  it('keeps a snapshot: changing the saved object or a loaded one changes nothing kept', async () => {
    outbox.enable('shop');
    const saved = structuredClone(state);
    await outbox.saveState('shop', 'endpoint-a', saved);
    saved.notified.push('changed');
    const loaded = await outbox.loadState('shop', 'endpoint-a');
    loaded!.parked = [];
    expect(await outbox.loadState('shop', 'endpoint-a')).toEqual(state);
  });

  it('keeps no state for a community without webhooks', async () => {
    await outbox.saveState('shop', 'endpoint-a', state);
    expect(await outbox.loadState('shop', 'endpoint-a')).toBeUndefined();
  });
});

describe('lease', () => {
  it('is refused for a community without webhooks', async () => {
    expect(await outbox.lease('shop', 'instance-a', 15_000)).toBe(false);
  });

  it('goes to one holder at a time until it runs out; the holder may renew it', async () => {
    outbox.enable('shop');
    expect(await outbox.lease('shop', 'instance-a', 15_000)).toBe(true);
    expect(await outbox.lease('shop', 'instance-b', 15_000)).toBe(false);
    clock.now += 10_000;
    expect(await outbox.lease('shop', 'instance-a', 15_000)).toBe(true); // renewed: now until +25 000
    clock.now += 14_999;
    expect(await outbox.lease('shop', 'instance-b', 15_000)).toBe(false);
    clock.now += 1;
    expect(await outbox.lease('shop', 'instance-b', 15_000)).toBe(true);
    expect(await outbox.lease('shop', 'instance-a', 15_000)).toBe(false);
  });

  it('is held per community', async () => {
    outbox.enable('shop');
    outbox.enable('blog');
    expect(await outbox.lease('shop', 'instance-a', 15_000)).toBe(true);
    expect(await outbox.lease('blog', 'instance-b', 15_000)).toBe(true);
  });
});
