/**
 * luaScript (EVALSHA, loading the script on NOSCRIPT) and usesShardedPubSub,
 * on a real redis-server.
 */
import { createHash } from 'node:crypto';
import { Cluster } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { luaScript, usesShardedPubSub } from '../../../../src/server/engine/redis/client.js';
import { useRealRedis } from './real-redis.js';

const redis = useRealRedis();
const source = "return {redis.call('INCRBY', KEYS[1], ARGV[1]), ARGV[2]}";
const sha = createHash('sha1').update(source).digest('hex');

describe('luaScript', () => {
  it('runs the script with its keys and arguments', async () => {
    const { prefix } = redis.fresh();
    const run = luaScript(source);
    expect(await run(redis.client, [`${prefix}n`], [5, 'x'])).toEqual([5, 'x']);
    expect(await run(redis.client, [`${prefix}n`], [2, 'y'])).toEqual([7, 'y']);
  });

  it('loads the script again when the server\'s cache lost it (a restart, a failover)', async () => {
    const { prefix } = redis.fresh();
    const run = luaScript(source);
    await redis.client.script('FLUSH');
    expect(await redis.client.script('EXISTS', sha)).toEqual([0]);
    expect(await run(redis.client, [`${prefix}n`], [1, 'z'])).toEqual([1, 'z']);
    // Loaded by that call: the next one runs by its SHA-1.
    expect(await redis.client.script('EXISTS', sha)).toEqual([1]);
  });

  it('passes on any other error of the script unchanged', async () => {
    const { prefix } = redis.fresh();
    await redis.client.set(`${prefix}n`, 'not a number');
    await expect(luaScript(source)(redis.client, [`${prefix}n`], [1, 'z'])).rejects.toThrow(/not an integer/);
  });
});

describe('usesShardedPubSub', () => {
  it('is true only for a Cluster made with shardedSubscribers: true', () => {
    const nodes = [{ host: '127.0.0.1', port: redis.server.port }];
    const sharded = new Cluster(nodes, { lazyConnect: true, shardedSubscribers: true });
    const plain = new Cluster(nodes, { lazyConnect: true });
    try {
      expect(usesShardedPubSub(sharded)).toBe(true);
      expect(usesShardedPubSub(plain)).toBe(false);
      expect(usesShardedPubSub(redis.client)).toBe(false);
    } finally {
      sharded.disconnect();
      plain.disconnect();
    }
  });
});
