/**
 * The fixture of the Redis engine's module tests: one real redis-server per
 * test file (test/helpers/redis.ts), one ioredis client to it, the engine's
 * guard around that client, and key sets under a prefix no other test uses,
 * so tests share the server without seeing each other's keys.
 */
import { Redis } from 'ioredis';
import { afterAll, beforeAll } from 'vitest';
import { createGuard, type Guard } from '../../../../src/server/engine/redis/faults.js';
import { createKeys, type Keys } from '../../../../src/server/engine/redis/keys.js';
import { startRedis, type RedisInstance, type RedisOptions } from '../../../helpers/redis.js';

export interface RealRedis {
  readonly server: RedisInstance;
  readonly client: Redis;
  readonly guard: Guard;
  /** A fresh key prefix (`t<n><random>:`) and the engine's keys under it. */
  fresh(): { prefix: string; keys: Keys };
}

/** Starts the server before the file's tests and stops it after them. */
export function useRealRedis(options: RedisOptions = {}): RealRedis {
  let count = 0;
  const tag = Math.random().toString(36).slice(2, 8);
  // Filled in by beforeAll: the tests and hooks of the file run after it.
  const fixture = {
    fresh() {
      const prefix = `t${++count}${tag}:`;
      return { prefix, keys: createKeys(prefix) };
    },
  } as { -readonly [K in keyof RealRedis]: RealRedis[K] };
  beforeAll(async () => {
    fixture.server = await startRedis(options);
    fixture.client = new Redis(fixture.server.url, { maxRetriesPerRequest: 1 });
    fixture.guard = createGuard(fixture.client);
  }, 30_000);
  afterAll(async () => {
    fixture.client?.disconnect();
    await fixture.server?.stop();
  });
  return fixture;
}

/** HGETALL's flat reply from a script → an object. */
export function fieldsOf(reply: unknown): Record<string, string> {
  const list = reply as string[];
  const out: Record<string, string> = {};
  for (let i = 0; i < list.length; i += 2) out[list[i]!] = list[i + 1]!;
  return out;
}
