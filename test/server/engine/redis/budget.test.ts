/**
 * createBudget (issue 16 HIGH 2) on a real redis-server: what the store asks
 * of the budget scripts, the ERR_CAPACITY refusals it turns their answers
 * into, an address at its quota giving back its own idle conversation, and
 * the session cap.
 */
import { describe, expect, it } from 'vitest';
import { CONVERSATION_OVERHEAD_BYTES, createBudget, MESSAGE_OVERHEAD_BYTES, RECLAIM_CANDIDATES, type TakeOutcome } from '../../../../src/server/engine/redis/budget.js';
import { DEFAULT_REDIS_RETENTION } from '../../../../src/server/engine/redis/index.js';
import type { RedisRetention } from '../../../../src/server/engine/redis/retention-types.js';
import { isEngineError } from '../../../../src/server/engine/types.js';
import { identity } from '../contract.js';
import { useRealRedis } from './real-redis.js';

const redis = useRealRedis();
const ADDRESS = '1.2.3.4';

function setUp(retention: Partial<RedisRetention> = {}) {
  const { keys } = redis.fresh();
  const budget = createBudget(redis.client, redis.guard, keys, { ...DEFAULT_REDIS_RETENTION, ...retention });
  const dropped: string[] = [];
  const asked: string[] = [];
  /** What each conversation is on its own slot when the quota asks for it back: active ones answer their last message. */
  const activeAt = new Map<string, number>();
  const take = async (id: string): Promise<TakeOutcome> => {
    asked.push(id);
    const at = activeAt.get(id);
    if (at !== undefined) return at;
    dropped.push(id);
    return 'taken';
  };
  /** `owner` null: a conversation registered without an address. */
  const admit = (id: string, owner: string | null = ADDRESS) => budget.admit('acme', id, 'signed:u1', identity('u1'), owner ?? undefined, take);
  return { keys, budget, dropped, asked, activeAt, admit };
}

async function refusal(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected ERR_CAPACITY');
    },
    (error: unknown) => error,
  );
}

describe('Redis budget', () => {
  it('admits a conversation at its estimated size: the overhead, its key and its identity', async () => {
    const { keys, admit } = setUp();
    await admit('c1');
    const size = CONVERSATION_OVERHEAD_BYTES + 'signed:u1'.length + JSON.stringify(identity('u1')).length;
    expect(await redis.client.hget(keys.budget('acme').bytes, 'c1')).toBe(String(size));
  });

  it('refuses a conversation past the community\'s bound with ERR_CAPACITY, retry in a minute', async () => {
    const { admit } = setUp({ maxConversationsPerCommunity: 1 });
    await admit('c1');
    const error = await refusal(admit('c2'));
    expect(isEngineError(error) && [error.code, error.retryAfter, error.message]).toEqual([
      'ERR_CAPACITY',
      60,
      'The chat server is at capacity for this community: try again later.',
    ]);
  });

  it('refuses an address at its quota, naming the quota, when none of its conversations is idle', async () => {
    const { budget, admit, dropped } = setUp({ maxConversationsPerAddress: 1 });
    await admit('c1');
    await budget.charge('acme', 'c1', 'hello', true, ADDRESS);
    const error = await refusal(admit('c2'));
    expect(isEngineError(error) && [error.code, error.message]).toEqual(['ERR_CAPACITY', 'This address already holds 1 conversations: try again later.']);
    expect(dropped).toEqual([]);
    // Another address, or none, is not held to it.
    await expect(admit('c3', '5.6.7.8')).resolves.toBeUndefined();
    await expect(admit('c4', null)).resolves.toBeUndefined();
  });

  it('gives an address at its quota its own idle conversation back (drop deletes it) and admits the new one', async () => {
    // Idle after 1 ms: any conversation last written before this call is idle.
    const { keys, budget, admit, dropped } = setUp({ maxConversationsPerAddress: 1, evictIdleAfterMs: 1 });
    await admit('c1');
    await budget.charge('acme', 'c1', 'hello', true, ADDRESS);
    const [seconds] = await redis.client.time();
    // Written a second ago on the server's clock: its score is that moment plus its full life.
    await redis.client.zadd(keys.budget('acme').owner(ADDRESS), (Number(seconds) - 1) * 1000 + DEFAULT_REDIS_RETENTION.conversationIdleMs, 'c1');
    await admit('c2');
    expect(dropped).toEqual(['c1']);
    expect(await redis.client.zrange(keys.budget('acme').live, '0', '-1')).toEqual(['c2']);
  });

  it('checks each idle-looking conversation on its own slot first: one found active (a lost charge) is kept, its score put back, and the next one goes', async () => {
    const { keys, budget, admit, dropped, asked, activeAt } = setUp({ maxConversationsPerAddress: 2, evictIdleAfterMs: 60_000 });
    const owner = keys.budget('acme').owner(ADDRESS);
    const [seconds] = await redis.client.time();
    const now = Number(seconds) * 1000;
    for (const [id, minutes] of [['c1', 10], ['c2', 5]] as const) {
      await admit(id);
      await budget.charge('acme', id, 'hello', true, ADDRESS);
      // Both look idle in the address's set: c1 the longer.
      await redis.client.zadd(owner, now - minutes * 60_000 + DEFAULT_REDIS_RETENTION.conversationIdleMs, id);
    }
    // c1 was written a second ago: its charge was lost.
    activeAt.set('c1', now - 1_000);
    await admit('c3');
    expect([asked, dropped]).toEqual([['c1', 'c2'], ['c2']]);
    expect(Number(await redis.client.zscore(owner, 'c1'))).toBe(now - 1_000 + DEFAULT_REDIS_RETENTION.conversationIdleMs);
    expect(await redis.client.zrange(owner, '0', '-1')).toEqual(['c1']);
  });

  it('refuses when every conversation it checks is active, checking at most RECLAIM_CANDIDATES of them, and puts each back', async () => {
    const count = RECLAIM_CANDIDATES + 2;
    const { keys, budget, admit, dropped, asked, activeAt } = setUp({ maxConversationsPerAddress: count, evictIdleAfterMs: 60_000 });
    const owner = keys.budget('acme').owner(ADDRESS);
    const [seconds] = await redis.client.time();
    const now = Number(seconds) * 1000;
    for (let i = 0; i < count; i++) {
      await admit(`c${i}`);
      await budget.charge('acme', `c${i}`, 'hello', true, ADDRESS);
      await redis.client.zadd(owner, now - (60 - i) * 60_000 + DEFAULT_REDIS_RETENTION.conversationIdleMs, `c${i}`);
      activeAt.set(`c${i}`, now - 1_000);
    }
    const error = await refusal(admit('new'));
    expect(isEngineError(error) && error.code).toBe('ERR_CAPACITY');
    expect(dropped).toEqual([]);
    expect(asked).toEqual(Array.from({ length: RECLAIM_CANDIDATES }, (_, i) => `c${i}`));
    // Put back: the next admit checks the ones not checked yet.
    asked.length = 0;
    await refusal(admit('new'));
    expect(asked).toEqual([`c${RECLAIM_CANDIDATES}`, `c${RECLAIM_CANDIDATES + 1}`]);
  });

  it('charges a message at its body plus the overhead; a conversation without owner is no address\'s', async () => {
    const { keys, budget } = setUp();
    await budget.charge('acme', 'c1', 'hello', true, '');
    await budget.charge('acme', 'c1', 'hi', false, '');
    expect(await redis.client.hget(keys.budget('acme').bytes, 'c1')).toBe(String(2 * MESSAGE_OVERHEAD_BYTES + 7));
    expect(await redis.client.keys(`${keys.budget('acme').owner('')}*`)).toEqual([]);
  });

  it('never fails a message over its charge: a charge that fails resolves', async () => {
    const { keys, budget } = setUp();
    // The live set is a string: the script fails with WRONGTYPE.
    await redis.client.set(keys.budget('acme').live, 'not a sorted set');
    await expect(budget.charge('acme', 'c1', 'hello', true, ADDRESS)).resolves.toBeUndefined();
  });

  it('caps the sessions of a conversation: the least recently seen others end, activity keeps one in', async () => {
    const { keys, budget } = setUp({ maxSessionsPerConversation: 2 });
    await redis.client.hset(keys.conversation('acme', 'acme.c1').record, 'id', 'acme.c1');
    expect(await budget.capSessions('acme', 'acme.c1', 'acme.s1', 10)).toEqual([]);
    expect(await budget.capSessions('acme', 'acme.c1', 'acme.s2', 20)).toEqual([]);
    await budget.touchSession('acme', 'acme.c1', 'acme.s1', 30);
    expect(await budget.capSessions('acme', 'acme.c1', 'acme.s3', 40)).toEqual(['acme.s2']);
  });
});
