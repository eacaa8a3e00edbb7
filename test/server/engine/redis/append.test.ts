/**
 * createAppend (issue 22), through the store that calls it, on a real
 * redis-server: on one Redis node the append charges the community's budget
 * and the owner address's quota in the same script. A
 * charge sent apart could be lost (its failure was swallowed as a hint), and
 * an active conversation then looked idle to its address's quota, which gives
 * idle conversations back to admit new ones.
 */
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { MESSAGE_OVERHEAD_BYTES } from '../../../../src/server/engine/redis/budget.js';
import { createGuard } from '../../../../src/server/engine/redis/faults.js';
import { DEFAULT_REDIS_RETENTION } from '../../../../src/server/engine/redis/index.js';
import { createRedisStore } from '../../../../src/server/engine/redis/store.js';
import type { Keys } from '../../../../src/server/engine/redis/keys.js';
import { identity } from '../contract.js';
import { useRealRedis } from './real-redis.js';

const redis = useRealRedis();
const ADDRESS = '1.2.3.4';

/** A store on `client` (another instance than the one that made the conversation, when it is another client). */
const storeOn = (client: Redis, keys: Keys) => createRedisStore(client, createGuard(client), keys, DEFAULT_REDIS_RETENTION);

/** EVALSHA / EVAL calls the server has run so far. */
async function scriptCalls(): Promise<number> {
  const stats = await redis.client.info('commandstats');
  return [...stats.matchAll(/cmdstat_(?:evalsha|eval):calls=(\d+)/g)].reduce((sum, m) => sum + Number(m[1]), 0);
}

describe('Redis append: the budget charge in the same step (issue 22)', () => {
  it('never stores a message its charge missed: a charge that cannot be made stores nothing', async () => {
    const { keys, prefix } = redis.fresh();
    const record = await storeOn(redis.client, keys).upsertConversation('acme', 'signed:u1', identity('u1'), 1_000, ADDRESS);
    // An instance whose budget writes fail (here: its user may not touch the budget keys), the rest working.
    const user = `nobudget${prefix.replace(/\W/g, '')}`;
    const allowed = ['conv', 'msgs', 'cids', 'cidx', 'key', 'recent'].map((kind) => `~${prefix}acme:${kind}*`);
    await redis.client.call('ACL', 'SETUSER', user, 'on', '>pw', '+@all', '&*', ...allowed);
    const limited = new Redis(redis.server.url, { username: user, password: 'pw', maxRetriesPerRequest: 1 });
    try {
      const outcome = await storeOn(limited, keys)
        .appendMessage(record.id, { author: 'visitor', body: 'hello', createdAt: 2_000 })
        .then(
          (result) => (result?.created ? 'stored' : 'not stored'),
          () => 'failed',
        );
      const stored = await redis.client.zcard(keys.conversation('acme', record.id).messages);
      const charged = await redis.client.zscore(keys.budget('acme').owner(ADDRESS), record.id);
      // Both or neither: a stored message is always in its address's quota.
      expect({ outcome, stored, charged: charged !== null }).toEqual({ outcome: 'failed', stored: 0, charged: false });
    } finally {
      limited.disconnect();
      await redis.client.call('ACL', 'DELUSER', user);
    }
  });

  it('charges in the script that stores the message: one script call per append', async () => {
    const { keys } = redis.fresh();
    const store = storeOn(redis.client, keys);
    const record = await store.upsertConversation('acme', 'signed:u1', identity('u1'), 1_000, ADDRESS);
    const budget = keys.budget('acme');
    const admitted = Number(await redis.client.hget(budget.bytes, record.id));
    await store.appendMessage(record.id, { author: 'visitor', body: 'first', createdAt: 2_000 });
    const before = await scriptCalls();
    await store.appendMessage(record.id, { author: 'agent', body: 'second', createdAt: 3_000 });
    expect((await scriptCalls()) - before).toBe(1);
    expect(Number(await redis.client.hget(budget.bytes, record.id)) - admitted).toBe(2 * MESSAGE_OVERHEAD_BYTES + 'first'.length + 'second'.length);
    const [seconds] = await redis.client.time();
    const score = Number(await redis.client.zscore(budget.owner(ADDRESS), record.id));
    // Scored by when it lapses: its last message (now, on the server's clock) plus its full life.
    expect(score).toBeGreaterThan(Number(seconds) * 1000 + DEFAULT_REDIS_RETENTION.conversationIdleMs - 60_000);
    expect(Number(await redis.client.zscore(budget.live, record.id))).toBe(score);
  });

  it('on one node an append is one command: the script also puts the conversation at the top of the agent list', async () => {
    const { keys, prefix } = redis.fresh();
    const store = storeOn(redis.client, keys);
    const record = await store.upsertConversation('acme', 'signed:u1', identity('u1'), 1_000, ADDRESS);
    await store.appendMessage(record.id, { author: 'visitor', body: 'first', createdAt: 2_000 });
    const monitor = await redis.client.monitor();
    try {
      const sent: string[] = [];
      const end = `${prefix}end`;
      const ended = new Promise<void>((resolve) =>
        monitor.on('monitor', (_time: string, args: string[], source: string) => {
          if (args.includes(end)) resolve();
          else if (source !== 'lua' && args.some((arg) => arg.startsWith(prefix))) sent.push(args[0]!.toLowerCase());
        }),
      );
      await store.appendMessage(record.id, { author: 'agent', body: 'second', createdAt: 3_000 });
      await redis.client.echo(end);
      await ended;
      expect(sent).toEqual(['evalsha']);
    } finally {
      monitor.disconnect();
    }
    expect(await redis.client.zscore(keys.recent('acme'), record.id)).toBe('3000');
    expect((await store.listConversations({ community: 'acme', limit: 10 })).conversations.map((c) => c.id)).toEqual([record.id]);
  });

  it('an instance that did not make the conversation learns its owner once, and charges that address', async () => {
    const { keys } = redis.fresh();
    const record = await storeOn(redis.client, keys).upsertConversation('acme', 'signed:u1', identity('u1'), 1_000, ADDRESS);
    const other = new Redis(redis.server.url, { maxRetriesPerRequest: 1 });
    try {
      const store = storeOn(other, keys);
      let before = await scriptCalls();
      expect(await store.appendMessage(record.id, { author: 'visitor', body: 'first', createdAt: 2_000 })).toMatchObject({ created: true, message: { seq: 1 } });
      // Its owner unknown here: the script answered which it is, and the second call stored and charged.
      expect((await scriptCalls()) - before).toBe(2);
      expect(await redis.client.zscore(keys.budget('acme').owner(ADDRESS), record.id)).not.toBeNull();
      before = await scriptCalls();
      expect(await store.appendMessage(record.id, { author: 'visitor', body: 'again', createdAt: 3_000 })).toMatchObject({ created: true, message: { seq: 2 } });
      expect((await scriptCalls()) - before).toBe(1);
      expect(await store.listMessages(record.id)).toMatchObject([{ seq: 1, body: 'first' }, { seq: 2, body: 'again' }]);
    } finally {
      other.disconnect();
    }
  });

  it('a conversation without owner is charged to its community only, in one call from any instance', async () => {
    const { keys } = redis.fresh();
    const record = await storeOn(redis.client, keys).upsertConversation('acme', 'signed:u1', identity('u1'), 1_000);
    const admitted = Number(await redis.client.hget(keys.budget('acme').bytes, record.id));
    const other = new Redis(redis.server.url, { maxRetriesPerRequest: 1 });
    try {
      const before = await scriptCalls();
      await storeOn(other, keys).appendMessage(record.id, { author: 'visitor', body: 'first', createdAt: 2_000 });
      expect((await scriptCalls()) - before).toBe(1);
      expect(Number(await redis.client.hget(keys.budget('acme').bytes, record.id)) - admitted).toBe(MESSAGE_OVERHEAD_BYTES + 'first'.length);
      expect(await redis.client.keys(`${keys.budget('acme').owner('')}*`)).toEqual([]);
    } finally {
      other.disconnect();
    }
  });
});
