/**
 * The outbox's Lua (SPEC §12) on a real redis-server: the delivery lease only
 * its holder renews, and the XADD a store script runs when its community has
 * webhooks.
 */
import { describe, expect, it } from 'vitest';
import { luaScript } from '../../../../src/server/engine/redis/client.js';
import { OUTBOX_ADD, TAKE_LEASE } from '../../../../src/server/engine/redis/outbox-scripts.js';
import { useRealRedis } from './real-redis.js';

const redis = useRealRedis();
const takeLease = luaScript(TAKE_LEASE);
/** A store script's shape: one conversation key, then the outbox stream when the community has webhooks. */
const addAfterOne = luaScript(`${OUTBOX_ADD}
outbox_add(1, {'t', 'message.created', 'c', ARGV[1], 's', '1', 'a', '5'})
return 1
`);

/** Waits until Redis no longer holds `key` (a lease that lapsed), however loaded the machine. */
async function gone(key: string): Promise<void> {
  while ((await redis.client.exists(key)) === 1) await new Promise((resolve) => setTimeout(resolve, 5));
}

describe('TAKE_LEASE: one sender per community at a time', () => {
  it('gives a free lease to the first holder, for its ttl, and refuses it to another while it holds', async () => {
    const lease = `${redis.fresh().prefix}lease`;
    expect(await takeLease(redis.client, [lease], ['i1', 60_000])).toBe(1);
    expect(await redis.client.get(lease)).toBe('i1');
    expect(await redis.client.pttl(lease)).toBeGreaterThan(50_000);
    expect(await takeLease(redis.client, [lease], ['i2', 60_000])).toBe(0);
    expect(await redis.client.get(lease)).toBe('i1');
  });

  it('lets the holder renew its lease for a new ttl', async () => {
    const lease = `${redis.fresh().prefix}lease`;
    await takeLease(redis.client, [lease], ['i1', 1_000]);
    expect(await takeLease(redis.client, [lease], ['i1', 600_000])).toBe(1);
    expect(await redis.client.pttl(lease)).toBeGreaterThan(500_000);
  });

  it('passes the lease to another instance once it lapsed', async () => {
    const lease = `${redis.fresh().prefix}lease`;
    await takeLease(redis.client, [lease], ['i1', 1]);
    await gone(lease);
    expect(await takeLease(redis.client, [lease], ['i2', 60_000])).toBe(1);
    expect(await redis.client.get(lease)).toBe('i2');
  });
});

describe('OUTBOX_ADD: the entry a store script writes', () => {
  it('writes nothing when the script got no outbox key (a community without webhooks)', async () => {
    const { prefix } = redis.fresh();
    expect(await addAfterOne(redis.client, [`${prefix}conv`], ['acme.c1'])).toBe(1);
    expect(await redis.client.keys(`${prefix}*`)).toEqual([]);
  });

  it('appends the entry\'s fields to the stream after the conversation keys', async () => {
    const stream = `${redis.fresh().prefix}obx`;
    await addAfterOne(redis.client, ['conv', stream], ['acme.c1', 100]);
    const entries = await redis.client.xrange(stream, '-', '+');
    expect(entries.map(([, fields]) => fields)).toEqual([['t', 'message.created', 'c', 'acme.c1', 's', '1', 'a', '5']]);
  });

  it('bounds the stream by the last argument (MAXLEN ~: trimmed in whole nodes, never below the bound)', async () => {
    const stream = `${redis.fresh().prefix}obx`;
    for (let i = 0; i < 400; i++) await addAfterOne(redis.client, ['conv', stream], [`acme.c${i}`, 100]);
    const length = await redis.client.xlen(stream);
    expect(length).toBeGreaterThanOrEqual(100);
    expect(length).toBeLessThan(400);
  });
});
