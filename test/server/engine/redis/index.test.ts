/**
 * createRedisEngine (SPEC §8) on a real redis-server: the options it refuses
 * at start-up (MessagingConfigError, with the path to fix), the retention it
 * resolves, and the connections it owns or borrows.
 */
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { createRedisEngine, DEFAULT_REDIS_RETENTION, MessagingConfigError } from '../../../../src/server/engine/redis/index.js';
import { redisCommand } from '../../../helpers/redis.js';
import { thrownBy } from '../../../helpers/thrown.js';
import { identity } from '../contract.js';
import { useRealRedis } from './real-redis.js';

const redis = useRealRedis();

/** The MessagingConfigError `make` throws. */
const configError = (make: () => unknown): MessagingConfigError => thrownBy(MessagingConfigError, make);

/** How many client connections the server has. */
async function connections(): Promise<number> {
  return String(await redisCommand(redis.server.port, ['CLIENT', 'LIST'])).trim().split('\n').length;
}

async function until(check: () => Promise<boolean>): Promise<void> {
  while (!(await check())) await new Promise((resolve) => setTimeout(resolve, 10));
}

describe('createRedisEngine: what it refuses at start-up', () => {
  it('refuses a keyPrefix with braces or spaces, or longer than 64 characters', () => {
    for (const keyPrefix of ['a{b}:', 'a b:', 'x'.repeat(65), 42 as unknown as string]) {
      const error = configError(() => createRedisEngine({ url: redis.server.url }, { keyPrefix }));
      expect([error.code, error.path]).toEqual(['ERR_HANDLER_CONFIG', 'keyPrefix']);
      expect(error.message).toContain('braces are hash tags');
    }
  });

  it('refuses a url that is not redis:// or rediss://, and a connection that is neither url nor client', () => {
    for (const url of ['http://127.0.0.1:6379', '127.0.0.1:6379', '']) {
      expect(configError(() => createRedisEngine({ url })).path).toBe('url');
    }
    expect(configError(() => createRedisEngine({ url: undefined as unknown as string })).message).toContain('is REDIS_URL set?');
    expect(configError(() => createRedisEngine({ client: {} as Redis })).path).toBe('client');
    // A JavaScript caller's slips: null, or the URL itself instead of { url }.
    expect(configError(() => createRedisEngine(null as unknown as { url: string })).path).toBe('client');
    expect(configError(() => createRedisEngine(redis.server.url as unknown as { url: string })).message).toBe(
      'createRedisEngine: pass { url } or { client } (an ioredis Redis or Cluster).',
    );
  });

  it('refuses an unknown retention option and a value that is not a positive number, naming it', () => {
    const make = (retention: object) => configError(() => createRedisEngine({ url: redis.server.url }, { retention }));
    expect(make({ maxConversation: 5 })).toMatchObject({ path: 'retention.maxConversation', message: expect.stringContaining('unknown retention option "maxConversation"') });
    for (const value of [0, -1, Number.NaN, Infinity, '5']) {
      expect(make({ conversationIdleMs: value })).toMatchObject({ path: 'retention.conversationIdleMs', message: expect.stringContaining('must be a positive number') });
    }
    expect(make({ maxSessionsPerConversation: 2.5 })).toMatchObject({
      path: 'retention.maxSessionsPerConversation',
      message: 'createRedisEngine: retention.maxSessionsPerConversation must be a positive integer, got 2.5',
    });
  });

  it('has frozen defaults: a week for a conversation, a day for one nobody wrote in', () => {
    expect(Object.isFrozen(DEFAULT_REDIS_RETENTION)).toBe(true);
    expect(DEFAULT_REDIS_RETENTION).toMatchObject({ conversationIdleMs: 604_800_000, emptyConversationIdleMs: 86_400_000, maxMessagesPerConversation: 500 });
  });
});

describe('createRedisEngine: connections', () => {
  it('with a url, keeps every key under the prefix (chatq: by default), applies the retention, and closes what it opened', async () => {
    const before = await connections();
    const engine = createRedisEngine({ url: redis.server.url }, { retention: { maxMessagesPerConversation: 2, conversationIdleMs: 1.5 * 60_000 } });
    const { id } = await engine.store.upsertConversation('idx', 'k1', identity('u1'), Date.now());
    for (const body of ['a', 'b', 'c']) await engine.store.appendMessage(id, { author: 'visitor', body, createdAt: Date.now() });
    expect((await engine.store.listMessages(id)).map((m) => m.body)).toEqual(['b', 'c']);
    expect(await redis.client.pttl(`chatq:idx:conv:{${id}}`)).toBeLessThanOrEqual(90_000);
    expect(engine.outbox).toBeDefined();
    expect(await engine.limiter.take('idx:ip', 1, 0)).toBe(0);
    // Its own client and its subscriber.
    await until(async () => (await connections()) === before + 2);
    await engine.close();
    await until(async () => (await connections()) === before);
  });

  it('with a client of yours, uses it and a duplicate for pub/sub, and leaves yours open on close', async () => {
    const mine = new Redis(redis.server.url);
    try {
      const errorListeners = mine.listenerCount('error');
      const engine = createRedisEngine({ client: mine }, { keyPrefix: `${redis.fresh().prefix}` });
      const heard: string[] = [];
      await engine.bus.subscribe('acme', (event) => heard.push(event.type), 'agents').ready;
      await engine.bus.publish('acme', { type: 'conversation', conversationId: 'acme.x' });
      await until(async () => heard.length === 1);
      await engine.close();
      expect(await mine.ping()).toBe('PONG');
      expect(mine.listenerCount('error')).toBe(errorListeners);
    } finally {
      mine.disconnect();
    }
  });
});
