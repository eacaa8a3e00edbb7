import { createHash } from 'node:crypto';
import type { Cluster, Redis } from 'ioredis';

/** A standalone, Sentinel or Cluster client of ioredis. */
export type RedisClient = Redis | Cluster;

/**
 * Runs a Lua script by its SHA-1 (EVALSHA), loading it on the first
 * NOSCRIPT (a restarted or failed-over server has an empty script cache).
 */
export function luaScript(source: string): (client: RedisClient, keys: string[], args: (string | number)[]) => Promise<unknown> {
  const sha = createHash('sha1').update(source).digest('hex');
  return async (client, keys, args) => {
    try {
      return await client.evalsha(sha, keys.length, ...keys, ...args);
    } catch (error) {
      if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
      return client.eval(source, keys.length, ...keys, ...args);
    }
  };
}

/**
 * Whether the client is a Cluster made with `shardedSubscribers: true`: then
 * the bus uses sharded pub/sub (SPUBLISH/SSUBSCRIBE, Redis ≥ 7) for the
 * community and conversation channels, so each stays on one shard.
 */
export function usesShardedPubSub(client: RedisClient): boolean {
  return 'isCluster' in client && client.isCluster && (client.options as { shardedSubscribers?: boolean }).shardedSubscribers === true;
}
