/**
 * createRedisStore (SPEC §8) on a real redis-server, what is the Redis
 * store's own beyond the engine contract (test/server/engine/redis.test.ts):
 * how long each key lives, the index and the agent list beside the
 * conversation, rebuilt retries, pages by score, session keys and the cap,
 * the outbox entries, and an address's idle conversation given back whole.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_REDIS_RETENTION } from '../../../../src/server/engine/redis/index.js';
import { RedisOutbox } from '../../../../src/server/engine/redis/outbox.js';
import type { RedisRetention } from '../../../../src/server/engine/redis/retention-types.js';
import { createRedisStore } from '../../../../src/server/engine/redis/store.js';
import { identity, session } from '../contract.js';
import { useRealRedis } from './real-redis.js';

const redis = useRealRedis();
const DAY = 86_400_000;
const NOT_OURS = 'acme.00000000-0000-4000-8000-00000000dead';

function setUp(retention: Partial<RedisRetention> = {}, webhooks = false) {
  const { keys, prefix } = redis.fresh();
  const outbox = new RedisOutbox(redis.client, redis.guard, keys);
  if (webhooks) outbox.enable('acme');
  const store = createRedisStore(redis.client, redis.guard, keys, { ...DEFAULT_REDIS_RETENTION, ...retention }, outbox);
  return { keys, prefix, store, outbox };
}

describe('Redis store: keys and their lives', () => {
  it('keeps a conversation nobody wrote in, and its index, for the short life; the first message gives both the full one', async () => {
    const { keys, store } = setUp();
    const record = await store.upsertConversation('acme', 'signed:u1', identity('u1'), 1_000);
    const index = keys.conversationIndex('acme', 'signed:u1');
    expect(await redis.client.get(index)).toBe(record.id);
    for (const key of [index, keys.conversation('acme', record.id).record]) {
      expect(await redis.client.pttl(key)).toBeLessThanOrEqual(DAY);
    }
    await store.appendMessage(record.id, { author: 'visitor', body: 'hi', createdAt: 2_000 });
    for (const key of [index, ...keys.conversation('acme', record.id).all.slice(0, 2)]) {
      expect(await redis.client.pttl(key)).toBeGreaterThan(DAY);
    }
  });

  it('finds the conversation of a key again, with its newest identity, and lists it by its last activity', async () => {
    const { keys, store } = setUp();
    const first = await store.upsertConversation('acme', 'signed:u1', identity('u1'), 1_000);
    const again = await store.upsertConversation('acme', 'signed:u1', identity('u1', { fields: { firstname: 'Ann' } }), 5_000);
    expect(again).toMatchObject({ id: first.id, createdAt: 1_000, updatedAt: 5_000, identity: { fields: { firstname: 'Ann' } } });
    expect(await redis.client.zscore(keys.recent('acme'), first.id)).toBe('5000');
  });

  it('answers nothing for an id that names no community or no conversation, and leaves nothing behind', async () => {
    const { prefix, store } = setUp();
    for (const id of ['not-an-id', NOT_OURS]) {
      expect(await store.getConversation(id)).toBeUndefined();
      expect(await store.appendMessage(id, { author: 'visitor', body: 'x', createdAt: 1 })).toBeUndefined();
      expect(await store.setLastPage(id, { url: 'https://x/' } as never, 1)).toBeUndefined();
      expect(await store.listMessages(id)).toEqual([]);
    }
    // The append's agent-list entry (written beside the script, a hint) goes at the next listing.
    expect((await store.listConversations({ community: 'acme', limit: 10 })).conversations).toEqual([]);
    expect(await redis.client.keys(`${prefix}*`)).toEqual([]);
  });

  it('reads a record written before epochs existed as epoch "0"', async () => {
    const { keys, store } = setUp();
    const { id } = await store.upsertConversation('acme', 'k', identity('u'), 1_000);
    await redis.client.hdel(keys.conversation('acme', id).record, 'epoch');
    expect((await store.getConversation(id))?.epoch).toBe('0');
  });
});

describe('Redis store: messages', () => {
  it('rebuilds a retry of a message that left the kept history from what is remembered and the retry\'s own body', async () => {
    const { store } = setUp({ maxMessagesPerConversation: 1 });
    const { id } = await store.upsertConversation('acme', 'k', identity('u'), 1_000);
    const first = (await store.appendMessage(id, { author: 'agent', agent: { id: 'a1', name: 'Ann' }, clientId: 'c1', body: 'first', createdAt: 2_000 }))!;
    await store.appendMessage(id, { author: 'agent', agent: { id: 'a1', name: 'Ann' }, body: 'second', createdAt: 3_000 });
    const retry = await store.appendMessage(id, { author: 'agent', agent: { id: 'a1', name: 'Ann' }, clientId: 'c1', body: 'first', createdAt: 9_000 });
    expect(retry).toEqual({ message: first.message, created: false });
    expect((await store.listMessages(id)).map((m) => m.body)).toEqual(['second']);
  });

  it('pages by seq: the newest `limit` without a lower bound, the oldest after it with one', async () => {
    const { store } = setUp();
    const { id } = await store.upsertConversation('acme', 'k', identity('u'), 1_000);
    for (let i = 1; i <= 6; i++) await store.appendMessage(id, { author: 'visitor', body: `m${i}`, createdAt: 1_000 + i });
    const seqs = async (options: object) => (await store.listMessages(id, options)).map((m) => m.seq);
    expect(await seqs({ limit: 2 })).toEqual([5, 6]);
    expect(await seqs({ afterSeq: 2, limit: 2 })).toEqual([3, 4]);
    expect(await seqs({ beforeSeq: 4, limit: 2 })).toEqual([2, 3]);
    expect(await seqs({ afterSeq: 1, beforeSeq: 4 })).toEqual([2, 3]);
    expect(await seqs({ limit: Infinity })).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('writes conversation.created and message.created to the outbox of a community with webhooks only', async () => {
    const withHooks = setUp({}, true);
    const { id } = await withHooks.store.upsertConversation('acme', 'k', identity('u'), 1_000);
    await withHooks.store.appendMessage(id, { author: 'visitor', body: 'hi', createdAt: 2_000 });
    expect((await withHooks.outbox.readAfter('acme', undefined, 10)).map((e) => [e.type, e.seq])).toEqual([
      ['conversation.created', 0],
      ['message.created', 1],
    ]);
    const without = setUp();
    const other = await without.store.upsertConversation('acme', 'k', identity('u'), 1_000);
    await without.store.appendMessage(other.id, { author: 'visitor', body: 'hi', createdAt: 2_000 });
    expect(await without.outbox.readAfter('acme', undefined, 10)).toEqual([]);
  });
});

describe('Redis store: the agent list', () => {
  it('pages through conversations that share an updatedAt without skipping or repeating one', async () => {
    const { store } = setUp();
    const ids = new Set<string>();
    for (let i = 0; i < 5; i++) ids.add((await store.upsertConversation('acme', `k${i}`, identity(`u${i}`), 7_000)).id);
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await store.listConversations({ community: 'acme', limit: 2, ...(cursor ? { cursor } : {}) });
      seen.push(...page.conversations.map((c) => c.id));
      cursor = page.cursor;
    } while (cursor);
    expect(seen.length).toBe(5);
    expect(new Set(seen)).toEqual(ids);
  });

  it('drops an entry whose conversation is gone, and forgets entries older than a conversation\'s life once a minute', async () => {
    const { keys, store } = setUp({ conversationIdleMs: 10_000 });
    const gone = await store.upsertConversation('acme', 'gone', identity('g'), 100_000);
    const kept = await store.upsertConversation('acme', 'kept', identity('k'), 100_001);
    await redis.client.del(keys.conversation('acme', gone.id).record);
    expect((await store.listConversations({ community: 'acme', limit: 10 })).conversations.map((c) => c.id)).toEqual([kept.id]);
    expect(await redis.client.zscore(keys.recent('acme'), gone.id)).toBeNull();
    await redis.client.zadd(keys.recent('acme'), 1, 'acme.old');
    // Within the minute of the last trim: kept; a minute later: forgotten.
    await store.upsertConversation('acme', 'kept', identity('k'), 150_000);
    expect(await redis.client.zscore(keys.recent('acme'), 'acme.old')).toBe('1');
    await store.upsertConversation('acme', 'kept', identity('k'), 160_001);
    expect(await redis.client.zscore(keys.recent('acme'), 'acme.old')).toBeNull();
  });
});

describe('Redis store: sessions', () => {
  it('keeps a session under its community for as long as it may be renewed, and refuses an id without a community', async () => {
    const { keys, store } = setUp();
    const { id } = await store.upsertConversation('acme', 'k', identity('u'), 1_000);
    const record = session('acme.s1', id, 1_000, { retainUntil: 1_000 + 500_000 });
    await store.saveSession(record);
    expect(await store.getSession('acme.s1')).toEqual(record);
    expect(await redis.client.pttl(keys.session('acme', 's1'))).toBeGreaterThan(400_000);
    await expect(store.saveSession({ ...record, id: 'nocommunity' })).rejects.toThrow('chatq: session id "nocommunity…" has no community');
    expect(await store.getSession('nocommunity')).toBeUndefined();
    await store.deleteSession('acme.s1');
    expect(await store.getSession('acme.s1')).toBeUndefined();
  });

  it('ends the least recently seen sessions past the cap, and activity keeps a session in', async () => {
    const { store } = setUp({ maxSessionsPerConversation: 2 });
    const { id } = await store.upsertConversation('acme', 'k', identity('u'), 1_000);
    await store.saveSession(session('acme.s1', id, 1_000));
    await store.saveSession(session('acme.s2', id, 2_000));
    await store.touchSession('acme.s1', 3_000, 1_003_000);
    await store.saveSession(session('acme.s3', id, 4_000));
    expect((await store.getSession('acme.s1'))?.lastSeenAt).toBe(3_000);
    expect(await store.getSession('acme.s2')).toBeUndefined();
    expect(await store.getSession('acme.s3')).toBeDefined();
  });
});

describe('Redis store: an address at its quota', () => {
  it('gives back its idle conversation whole (record, messages, index, sessions, list entry) to admit a new one', async () => {
    const { keys, store } = setUp({ maxConversationsPerAddress: 1, evictIdleAfterMs: 1 });
    const old = await store.upsertConversation('acme', 'old', identity('o'), 1_000, '1.2.3.4');
    await store.appendMessage(old.id, { author: 'visitor', body: 'hi', createdAt: 2_000 });
    await store.saveSession(session('acme.s1', old.id, 2_000));
    const [seconds] = await redis.client.time();
    // Last written a second ago on the server's clock: idle past 1 ms.
    await redis.client.zadd(keys.budget('acme').owner('1.2.3.4'), (Number(seconds) - 1) * 1000 + DEFAULT_REDIS_RETENTION.conversationIdleMs, old.id);
    await redis.client.hset(keys.conversation('acme', old.id).record, 'wrote', (Number(seconds) - 1) * 1000);
    const fresh = await store.upsertConversation('acme', 'new', identity('n'), 3_000, '1.2.3.4');
    expect(fresh.id).not.toBe(old.id);
    expect(await store.getConversation(old.id)).toBeUndefined();
    expect(await store.getSession('acme.s1')).toBeUndefined();
    expect(await redis.client.exists(...keys.conversation('acme', old.id).all, keys.conversationIndex('acme', 'old'))).toBe(0);
    expect(await redis.client.zscore(keys.recent('acme'), old.id)).toBeNull();
  });
});
