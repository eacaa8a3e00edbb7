/**
 * RedisOutbox (SPEC §12) on a real redis-server: which communities' scripts
 * write entries, reading them after a cursor, the endpoints' delivery state,
 * the lease and the trim. The delivery itself is the outbox contract's
 * (test/server/engine/outbox.test.ts).
 */
import { Cluster } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { MessagingConfigError } from '../../../../src/server/engine/config-error.js';
import { OUTBOX_MAX_ENTRIES, RedisOutbox } from '../../../../src/server/engine/redis/outbox.js';
import type { DeliveryState } from '../../../../src/server/webhooks/types.js';
import { useRealRedis } from './real-redis.js';

const redis = useRealRedis();

function outbox() {
  const { keys } = redis.fresh();
  return { keys, outbox: new RedisOutbox(redis.client, redis.guard, keys) };
}

/** Writes entries as the store's scripts do (t type, c conversation, s seq, a at, u author). */
async function write(stream: string, ...entries: string[][]): Promise<string[]> {
  const ids: string[] = [];
  for (const fields of entries) ids.push((await redis.client.xadd(stream, '*', ...fields))!);
  return ids;
}

describe('RedisOutbox', () => {
  it('hands the store scripts the stream key and its bound only for the communities with webhooks', () => {
    const { keys, outbox: box } = outbox();
    expect(box.tail('acme')).toEqual({ keys: [], args: [] });
    box.enable('acme');
    expect(box.tail('acme')).toEqual({ keys: [keys.outbox('acme').stream], args: [OUTBOX_MAX_ENTRIES] });
    expect(box.tail('globex')).toEqual({ keys: [], args: [] });
    expect(box.durable).toBe(true);
  });

  it('refuses webhooks on a Cluster, saying to use a standalone Redis or Sentinel', () => {
    const cluster = new Cluster([{ host: '127.0.0.1', port: redis.server.port }], { lazyConnect: true });
    try {
      const box = new RedisOutbox(cluster, redis.guard, redis.fresh().keys);
      const refusal = (() => {
        try {
          box.enable('acme');
        } catch (error) {
          return error;
        }
      })();
      expect(refusal).toBeInstanceOf(MessagingConfigError);
      expect(refusal).toMatchObject({ code: 'ERR_HANDLER_CONFIG', path: 'webhooks', message: expect.stringContaining('standalone Redis or Sentinel') });
      expect(box.tail('acme')).toEqual({ keys: [], args: [] });
    } finally {
      cluster.disconnect();
    }
  });

  it('reads the entries after a cursor, oldest first, at most `limit`, the author only when written', async () => {
    const { keys, outbox: box } = outbox();
    const stream = keys.outbox('acme').stream;
    const ids = await write(
      stream,
      ['t', 'conversation.created', 'c', 'acme.c1', 's', '0', 'a', '10'],
      ['t', 'message.created', 'c', 'acme.c1', 's', '1', 'a', '11', 'u', 'visitor'],
      ['t', 'conversation.closed', 'c', 'acme.c1', 's', '1', 'a', '12'],
    );
    expect(await box.readAfter('acme', undefined, 2)).toEqual([
      { id: ids[0], type: 'conversation.created', conversationId: 'acme.c1', seq: 0, at: 10 },
      { id: ids[1], type: 'message.created', conversationId: 'acme.c1', seq: 1, at: 11, author: 'visitor' },
    ]);
    expect((await box.readAfter('acme', ids[1], 10)).map((e) => e.id)).toEqual([ids[2]]);
    expect(await box.readAfter('acme', ids[2], 10)).toEqual([]);
    expect(await box.readAfter('globex', undefined, 10)).toEqual([]);
  });

  it('keeps each endpoint\'s delivery state apart, and has none for an endpoint never saved', async () => {
    const { outbox: box } = outbox();
    const state: DeliveryState = { cursor: '5-0', parked: [], unanswered: [], notified: ['acme.c1'] };
    expect(await box.loadState('acme', 'https://a.example/hook')).toBeUndefined();
    await box.saveState('acme', 'https://a.example/hook', state);
    await box.saveState('acme', 'https://b.example/hook', { ...state, disabledAt: 9 });
    expect(await box.loadState('acme', 'https://a.example/hook')).toEqual(state);
    expect(await box.loadState('acme', 'https://b.example/hook')).toEqual({ ...state, disabledAt: 9 });
    expect(await box.loadState('globex', 'https://a.example/hook')).toBeUndefined();
  });

  it('gives the lease to one holder per community at a time', async () => {
    const { outbox: box } = outbox();
    expect(await box.lease('acme', 'i1', 60_000)).toBe(true);
    expect(await box.lease('acme', 'i2', 60_000)).toBe(false);
    expect(await box.lease('acme', 'i1', 60_000)).toBe(true);
    expect(await box.lease('globex', 'i2', 60_000)).toBe(true);
  });

  it('trims the stream through the cursor, keeping what comes after it', async () => {
    const { keys, outbox: box } = outbox();
    const stream = keys.outbox('acme').stream;
    const entry = ['t', 'message.created', 'c', 'acme.c1', 's', '1', 'a', '1', 'u', 'agent'];
    // Three entries in one millisecond: the cursor's sequence part counts too.
    const ids = [(await redis.client.xadd(stream, '5-0', ...entry))!, (await redis.client.xadd(stream, '5-1', ...entry))!, (await redis.client.xadd(stream, '6-0', ...entry))!];
    await box.trim('acme', ids[1]!);
    expect((await box.readAfter('acme', undefined, 10)).map((e) => e.id)).toEqual(['6-0']);
    await box.trim('acme', '5');
    expect(await redis.client.xlen(stream)).toBe(1);
  });
});
