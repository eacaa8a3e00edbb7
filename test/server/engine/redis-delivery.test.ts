/**
 * A visitor stream on Redis sends the next message as the bus carried it
 * (issue 22 "End to end"): the append script publishes the log's epoch with
 * the message, and a stream that has sent everything before it in that epoch
 * reads nothing back. The log stays the truth: what the stream sent is what
 * a reconnect with Last-Event-ID resumes from, none lost, none repeated.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createRedisEngine } from '../../../src/server/engine/redis/index.js';
import type { Engine } from '../../../src/server/engine/index.js';
import type { MessagingHandler } from '../../../src/server/handler/index.js';
import { redisCommand, startRedis, type RedisInstance } from '../../helpers/redis.js';
import { agentReq, makeHandler, register, req, SseReader } from '../handler/helpers.js';

let redis: RedisInstance;
const engines: Engine[] = [];
const handlers: MessagingHandler[] = [];

beforeEach(async () => {
  redis = await startRedis();
}, 30_000);
afterEach(async () => {
  for (const handler of handlers.splice(0)) handler.close();
  for (const engine of engines.splice(0)) await engine.close();
  await redis.stop();
}, 30_000);

function instance(): MessagingHandler {
  const engine = createRedisEngine({ url: redis.url }, { keyPrefix: 'dl:' });
  engines.push(engine);
  // The longest heartbeat (each one reads the log): none falls inside the counted window.
  const handler = makeHandler({ engine, limits: { heartbeatMs: 25_000 } });
  handlers.push(handler);
  return handler;
}

/** Calls of one command since the last CONFIG RESETSTAT (Lua scripts' calls included). */
async function calls(command: string): Promise<number> {
  const info = String(await redisCommand(redis.port, ['INFO', 'commandstats']));
  return Number(new RegExp(`cmdstat_${command}:calls=(\\d+)`).exec(info)?.[1] ?? 0);
}

async function reply(handler: MessagingHandler, conversationId: string, body: string): Promise<void> {
  const response = await handler(agentReq(`/agent/v1/conversations/${encodeURIComponent(conversationId)}/messages`, { body: { body } }));
  expect(response.status).toBe(201);
}

describe('a Redis stream sends the next message as the bus carried it', () => {
  it('20 agent replies through another instance reach the stream in order with no read of the log; a reconnect resumes after the last', async () => {
    const [a, b] = [instance(), instance()];
    const visitor = await register(a);
    const stream = new SseReader(await a(req('/v1/stream', { session: visitor.session })));
    await stream.until((r) => r.comments.includes('open'), 15_000);
    // The first message is read from the log (the stream learns its epoch); wait for it before counting.
    await reply(b, visitor.conversationId, 'answer 0');
    await stream.until((r) => r.messages().length === 1, 15_000);
    expect(await redisCommand(redis.port, ['CONFIG', 'RESETSTAT'])).toBe('OK');
    for (let i = 1; i <= 20; i++) {
      await reply(b, visitor.conversationId, `answer ${i}`);
      await stream.until((r) => r.messages().length === i + 1, 15_000);
    }
    // Reading the log costs one ZRANGEBYSCORE and one HGETALL per delivery: 20 each before. A read still in
    // flight from before the reset (a wake that came during the first message's read, the opening events)
    // may land after it: a few, never one per message.
    expect(await calls('zrangebyscore')).toBeLessThanOrEqual(2);
    expect(await calls('hgetall')).toBeLessThanOrEqual(3);
    expect(stream.messages().map((m) => m.seq)).toEqual(Array.from({ length: 21 }, (_, i) => i + 1));
    const ids = stream.events.filter((e) => e.event === 'message').map((e) => e.id!);
    const epoch = ids[0]!.split('.')[0];
    expect(ids).toEqual(Array.from({ length: 21 }, (_, i) => `${epoch}.${i + 1}`));
    await stream.cancel();

    const again = new SseReader(await a(req('/v1/stream', { session: visitor.session, headers: { 'Last-Event-ID': ids.at(-1)! } })));
    await again.until((r) => r.comments.includes('open'), 15_000);
    await reply(b, visitor.conversationId, 'answer 21');
    await again.until((r) => r.messages().length > 0, 15_000);
    expect(again.messages().map((m) => m.body)).toEqual(['answer 21']);
    expect(again.events.some((e) => e.event === 'reset')).toBe(false);
    await again.cancel();
  }, 60_000);

  it('two streams of one conversation each get every message once, in order', async () => {
    const [a, b] = [instance(), instance()];
    const visitor = await register(a);
    const tabs = [new SseReader(await a(req('/v1/stream', { session: visitor.session }))), new SseReader(await a(req('/v1/stream', { session: visitor.session })))];
    for (const tab of tabs) await tab.until((r) => r.comments.includes('open'), 15_000);
    for (let i = 1; i <= 10; i++) await reply(b, visitor.conversationId, `answer ${i}`);
    for (const tab of tabs) {
      await tab.until((r) => r.messages().length === 10, 15_000);
      expect(tab.messages().map((m) => m.body)).toEqual(Array.from({ length: 10 }, (_, i) => `answer ${i + 1}`));
    }
    for (const tab of tabs) await tab.cancel();
  }, 60_000);
});
