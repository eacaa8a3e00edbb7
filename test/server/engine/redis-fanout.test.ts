/**
 * Issue 22 item 3: a conversation's events reach only the instances that hold
 * a stream of it. Two instances on one real redis-server; what B's subscriber
 * connection receives is counted at the connection itself.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { createRedisEngine } from '../../../src/server/engine/redis/index.js';
import type { Engine } from '../../../src/server/engine/index.js';
import type { MessagingHandler } from '../../../src/server/handler/index.js';
import { startRedis, type RedisInstance } from '../../helpers/redis.js';
import { agentReq, makeHandler, register, req, send, SseReader } from '../handler/helpers.js';

let redis: RedisInstance;
beforeAll(async () => {
  redis = await startRedis();
}, 30_000);
afterAll(async () => {
  await redis?.stop();
});

const cleanup: (() => unknown)[] = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

/** What an instance's subscriber connection received, by channel. */
interface Tap {
  received: { channel: string; payload: string }[];
  /** Runs before each SUBSCRIBE the subscriber sends (to publish while a subscription is on its way). */
  beforeSubscribe?: () => Promise<void>;
}

/** An instance whose engine's subscriber connection is tapped (the engine duplicates the client it is given). */
function tappedInstance(keyPrefix: string, options: Parameters<typeof makeHandler>[0] = {}): { handler: MessagingHandler; tap: Tap } {
  const tap: Tap = { received: [] };
  const client = new Redis(redis.url, { enableAutoPipelining: true });
  const duplicate = client.duplicate.bind(client);
  client.duplicate = (...args: Parameters<Redis['duplicate']>) => {
    const subscriber = duplicate(...args);
    subscriber.on('message', (channel: string, payload: string) => tap.received.push({ channel, payload }));
    const subscribe = subscriber.subscribe.bind(subscriber) as (...channels: string[]) => Promise<unknown>;
    (subscriber as unknown as { subscribe: typeof subscribe }).subscribe = async (...channels: string[]) => {
      await tap.beforeSubscribe?.();
      return subscribe(...channels);
    };
    return subscriber;
  };
  const engine: Engine = createRedisEngine({ client }, { keyPrefix });
  const handler = makeHandler({ engine, ...options });
  cleanup.push(async () => {
    handler.close();
    await engine.close();
    client.disconnect();
  });
  return { handler, tap };
}

function plainInstance(keyPrefix: string, options: Parameters<typeof makeHandler>[0] = {}): MessagingHandler {
  const engine = createRedisEngine({ url: redis.url }, { keyPrefix });
  const handler = makeHandler({ engine, ...options });
  cleanup.push(async () => {
    handler.close();
    await engine.close();
  });
  return handler;
}

async function openStream(handler: MessagingHandler, path: string, init: Parameters<typeof req>[1]): Promise<SseReader> {
  const reader = new SseReader(await handler(path.startsWith('/agent') ? agentReq(path, init) : req(path, init)));
  cleanup.push(() => reader.cancel());
  await reader.until((r) => r.comments.includes('open'));
  return reader;
}

const reply = (handler: MessagingHandler, conversationId: string, body: string) =>
  handler(agentReq(`/agent/v1/conversations/${encodeURIComponent(conversationId)}/messages`, { body: { body } }));

describe('per-conversation fan-out on Redis (issue 22 item 3)', () => {
  it('B holds no stream of C: its subscriber gets no message of C, until an agent stream on B, which sees C through the agents channel', async () => {
    const a = plainInstance('fan1:');
    const { handler: b, tap } = tappedInstance('fan1:');
    const visitor = await register(a);
    const c = visitor.conversationId as string;
    const stream = await openStream(a, '/v1/stream', { session: visitor.session });
    for (let i = 1; i <= 10; i++) expect((await send(i % 2 ? a : b, visitor.session, `m${i}`)).status).toBe(201);
    await stream.until((r) => r.messages().length === 10);
    // The stream on A heard all ten live; B, which sent half of them, heard none.
    expect(tap.received.filter(({ payload }) => payload.includes(c))).toEqual([]);

    const agent = await openStream(b, '/agent/v1/stream', {});
    expect((await reply(a, c, 'an answer')).status).toBe(201);
    await agent.until((r) => r.events.some((e) => e.event === 'message' && e.data.message.body === 'an answer'));
    const ofC = tap.received.filter(({ payload }) => payload.includes(c));
    // One delivery, on the agents' channel; the conversation's own channel never reached B.
    expect(ofC.map(({ channel }) => channel)).toEqual(['fan1:default:bus:agents']);
    await stream.until((r) => r.messages().length === 11);
  }, 30_000);

  it('a message published while B subscribes is not lost: the stream reads the log once the subscription is live', async () => {
    const a = plainInstance('fan2:');
    // A heartbeat far away: only the catch-up after the subscription can deliver the message in time.
    const { handler: b, tap } = tappedInstance('fan2:', { limits: { heartbeatMs: 600_000 } });
    const visitor = await register(a);
    await send(a, visitor.session, 'before');
    let opened: () => void = () => {};
    const streamOpen = new Promise<void>((resolve) => (opened = resolve));
    tap.beforeSubscribe = async () => {
      // The stream has read the log; now a message goes out while its SUBSCRIBE is still on its way.
      await streamOpen;
      expect((await send(a, visitor.session, 'during')).status).toBe(201);
    };
    const reader = new SseReader(await b(req('/v1/stream', { session: visitor.session })));
    cleanup.push(() => reader.cancel());
    await reader.until((r) => r.messages().length === 1);
    opened();
    await reader.until((r) => r.messages().length === 2, 10_000);
    expect(reader.messages().map((m: { body: string }) => m.body)).toEqual(['before', 'during']);
    // It was published before B listened: B's subscriber never received it.
    expect(tap.received.filter(({ payload }) => payload.includes('during'))).toEqual([]);
  }, 30_000);
});
