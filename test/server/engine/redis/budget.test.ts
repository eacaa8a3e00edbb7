/**
 * createBudget (issue 16 HIGH 2) on a real redis-server: what the store asks
 * of the budget scripts, the ERR_CAPACITY refusals it turns their answers
 * into, an address at its quota giving back its own idle conversation, and
 * the session cap.
 */
import { describe, expect, it } from 'vitest';
import { CONVERSATION_OVERHEAD_BYTES, createBudget, MESSAGE_OVERHEAD_BYTES } from '../../../../src/server/engine/redis/budget.js';
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
  const drop = async (id: string): Promise<void> => void dropped.push(id);
  /** `owner` null: a conversation registered without an address. */
  const admit = (id: string, owner: string | null = ADDRESS) => budget.admit('acme', id, 'signed:u1', identity('u1'), owner ?? undefined, drop);
  return { keys, budget, dropped, admit };
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
