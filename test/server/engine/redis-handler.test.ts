/**
 * SPEC §8 through the real handler on a real redis-server: several instances
 * (separate engines, separate connections) behave as one; Redis faults give
 * 503 ERR_UNAVAILABLE fast and heal by themselves; a Redis restart with
 * `appendonly yes` + `appendfsync always` keeps every acknowledged message;
 * a draining instance refuses new work and ends its streams.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createRedisEngine } from '../../../src/server/engine/redis/index.js';
import type { Engine } from '../../../src/server/engine/index.js';
import type { MessagingHandler } from '../../../src/server/handler/index.js';
import { redisCommand, startRedis, type RedisInstance } from '../../helpers/redis.js';
import { agentReq, automatedUuid, clientId, ended, fakeJwt, json, makeHandler, register, req, send, SseReader } from '../handler/helpers.js';

let redis: RedisInstance;
const engines: Engine[] = [];
const handlers: MessagingHandler[] = [];

beforeEach(async () => {
  redis = await startRedis({ appendonly: true, appendfsync: 'always' });
}, 30_000);
afterEach(async () => {
  for (const handler of handlers.splice(0)) handler.close();
  for (const engine of engines.splice(0)) await engine.close();
  await redis.stop();
}, 30_000);

/** One chatq instance: its own engine (own connections) on the shared Redis. */
function instance(options: Parameters<typeof makeHandler>[0] = {}): MessagingHandler {
  const engine = createRedisEngine({ url: redis.url }, { keyPrefix: 'it:' });
  engines.push(engine);
  const handler = makeHandler({ engine, ...options });
  handlers.push(handler);
  return handler;
}

/**
 * The answer, awaited with no clock: the engine's own command timeout is what makes a request answer
 * instead of hanging while Redis is down, and a request that hangs fails the test at its timeout.
 */
async function answer(handler: MessagingHandler, request: () => Request): Promise<{ status: number; response: Response }> {
  const response = await handler(request());
  return { status: response.status, response };
}

describe('several instances on one Redis (SPEC §8)', () => {
  it('a session made on A works on B; an agent reply sent through C reaches a stream on A once, in order', async () => {
    const [a, b, c] = [instance(), instance(), instance()];
    const visitor = await register(a, { jwt: fakeJwt('u-multi') });
    const stream = new SseReader(await a(req('/v1/stream', { session: visitor.session })));
    await stream.until((r) => r.comments.includes('open'));
    await new Promise((resolve) => setTimeout(resolve, 100)); // A's subscription is live
    expect((await send(b, visitor.session, 'question through B')).status).toBe(201);
    for (let i = 1; i <= 5; i++) {
      const reply = await c(agentReq(`/agent/v1/conversations/${encodeURIComponent(visitor.conversationId)}/messages`, { body: { body: `answer ${i}`, clientId: `agent-reply-${i}` } }));
      expect(reply.status).toBe(201);
    }
    await stream.until((r) => r.messages().length === 6, 5000);
    expect(stream.messages().map((m) => m.body)).toEqual(['question through B', 'answer 1', 'answer 2', 'answer 3', 'answer 4', 'answer 5']);
    expect(stream.messages().map((m) => m.seq)).toEqual([1, 2, 3, 4, 5, 6]);
    // Re-registering on B is the same conversation, and the agent list on C shows it once.
    expect((await register(b, { jwt: fakeJwt('u-multi') })).conversationId).toBe(visitor.conversationId);
    const list = await json(await c(agentReq('/agent/v1/conversations')));
    expect(list.conversations.map((x: { id: string }) => x.id)).toEqual([visitor.conversationId]);
    await stream.cancel();
  }, 30_000);

  it('a logout through B ends the stream open on A', async () => {
    const [a, b] = [instance(), instance()];
    const visitor = await register(a);
    const stream = new SseReader(await a(req('/v1/stream', { session: visitor.session })));
    await stream.until((r) => r.comments.includes('open'));
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect((await b(req('/v1/session', { method: 'DELETE', session: visitor.session }))).status).toBe(204);
    await stream.until((r) => r.events.some((e) => e.event === 'session_ended'), 5000);
    await ended(stream, 5000);
  }, 30_000);

  it('rate limits are shared: the budget is the same whichever instance answers', async () => {
    const limits = { registrationsPerMinutePerAddress: 4 };
    const [a, b] = [instance({ limits, clientAddress: () => '203.0.113.9' }), instance({ limits, clientAddress: () => '203.0.113.9' })];
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await (i % 2 ? a : b)(req('/v1/identity', { body: { automatedUuid: automatedUuid() } }))).status);
    expect(statuses).toEqual([200, 200, 200, 200, 429, 429]);
  }, 30_000);
});

describe('Redis faults (SPEC §8 "Faults")', () => {
  it('with Redis down every request answers 503 ERR_UNAVAILABLE with Retry-After rather than hanging, and heals by itself', async () => {
    const a = instance();
    const visitor = await register(a);
    expect((await send(a, visitor.session, 'before the outage')).status).toBe(201);
    await redis.kill();
    for (const request of [
      () => req('/v1/identity', { body: { automatedUuid: automatedUuid() } }),
      () => req('/v1/messages', { session: visitor.session, body: { clientId: clientId(), body: 'during' } }),
      () => req('/v1/conversation', { session: visitor.session }),
      () => agentReq('/agent/v1/conversations'),
    ]) {
      const { status, response } = await answer(a, request);
      expect(status).toBe(503);
      expect(response.headers.get('Retry-After')).toMatch(/^\d+$/);
      expect((await json(response)).error.code).toBe('ERR_UNAVAILABLE');
    }
    // The policy is public data and needs no store: it never answers 503 (issue 16 HIGH 2).
    expect((await answer(a, () => req('/v1/policy'))).status).toBe(200);
    await redis.restart();
    let healed = 0;
    for (let i = 0; i < 100 && healed !== 200; i++) {
      healed = (await a(req('/v1/conversation', { session: visitor.session }))).status;
      if (healed !== 200) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(healed).toBe(200);
    const after = await json(await a(req('/v1/conversation', { session: visitor.session })));
    expect(after.messages.map((m: { body: string }) => m.body)).toEqual(['before the outage']);
  }, 60_000);

  it('a Redis restart (appendonly yes, appendfsync always) keeps every acknowledged message; streams resume by Last-Event-ID', async () => {
    const a = instance();
    const b = instance();
    const visitor = await register(a, { jwt: fakeJwt('u-durable') });
    const acknowledged: string[] = [];
    for (let i = 1; i <= 20; i++) {
      const response = await send(i % 2 ? a : b, visitor.session, `message ${i}`);
      if (response.status === 201) acknowledged.push(`message ${i}`);
      if (i === 10) {
        await redis.kill(); // a crash, not a clean shutdown: only what was fsynced survives
        await redis.restart();
      }
    }
    expect(acknowledged.length).toBeGreaterThanOrEqual(10);
    // Let both instances reconnect, then read everything back.
    let conversation: { messages: { body: string; seq: number }[] } | undefined;
    for (let i = 0; i < 100; i++) {
      const response = await a(req('/v1/conversation', { session: visitor.session }));
      if (response.status === 200) {
        conversation = await json(response);
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(conversation!.messages.map((m) => m.body)).toEqual(acknowledged);
    const resumed = new SseReader(await b(req('/v1/stream', { session: visitor.session, headers: { 'Last-Event-ID': '5' } })));
    await resumed.until((r) => r.messages().length === acknowledged.length - 5, 5000);
    expect(resumed.messages()[0].seq).toBe(6);
    await resumed.cancel();
  }, 60_000);
});

describe('a write whose outcome is unknown (issue 16 LOW 7)', () => {
  /** Pauses every Redis client for `ms`, so the next command outlives the engine's 3 s deadline. */
  const pause = (ms: number) => redisCommand(redis.port, ['CLIENT', 'PAUSE', String(ms), 'ALL']);
  const reply = (handler: MessagingHandler, conversationId: string, body: string, id: string) =>
    handler(agentReq(`/agent/v1/conversations/${encodeURIComponent(conversationId)}/messages`, { body: { body, clientId: id } }));

  it('past the deadline the reply is retried once with its clientId: stored once, answered 201, not 503', async () => {
    const a = instance();
    const visitor = await register(a);
    await pause(4_000); // the first try times out at 3 s; the retry is answered once Redis resumes
    const response = await reply(a, visitor.conversationId, 'stored during the pause', 'paused-reply-1');
    expect(response.status).toBe(201);
    expect((await json(response)).message).toMatchObject({ seq: 1, body: 'stored during the pause' });
    const history = await json(await a(req('/v1/conversation', { session: visitor.session })));
    expect(history.messages.map((m: { body: string }) => m.body)).toEqual(['stored during the pause']);
  }, 30_000);

  it('when the retry cannot tell either: 503 ERR_OUTCOME_UNKNOWN, and a retry with the same clientId finds the one stored', async () => {
    const a = instance();
    const visitor = await register(a);
    await pause(7_000); // both tries time out
    const response = await reply(a, visitor.conversationId, 'maybe stored', 'paused-reply-2');
    expect(response.status).toBe(503);
    expect(response.headers.get('Retry-After')).toMatch(/^\d+$/);
    const { error } = await json(response);
    expect(error.code).toBe('ERR_OUTCOME_UNKNOWN');
    expect(error.message).toMatch(/may have been stored; retry with the same clientId/);
    await redisCommand(redis.port, ['CLIENT', 'UNPAUSE'], 10_000);
    const again = await reply(a, visitor.conversationId, 'maybe stored', 'paused-reply-2');
    // 200 when a paused try ran first, 201 when this one did (the paused ones then found it): stored once either way.
    expect([200, 201]).toContain(again.status);
    expect((await json(again)).message).toMatchObject({ seq: 1, clientId: 'paused-reply-2' });
    const history = await json(await a(req('/v1/conversation', { session: visitor.session })));
    expect(history.messages.map((m: { body: string }) => m.body)).toEqual(['maybe stored']);
  }, 30_000);

  it('when nothing can have been written (Redis is down) it stays 503 ERR_UNAVAILABLE', async () => {
    const a = instance();
    const visitor = await register(a);
    await redis.kill();
    const response = await reply(a, visitor.conversationId, 'never sent', 'down-reply-1');
    expect(response.status).toBe(503);
    expect((await json(response)).error.code).toBe('ERR_UNAVAILABLE');
    await redis.restart();
  }, 30_000);
});

describe('drain (SPEC §8: SIGTERM)', () => {
  it('refuses new requests with 503 Retry-After and ends open streams without ending the session', async () => {
    const [a, b] = [instance(), instance()];
    const visitor = await register(a);
    const stream = new SseReader(await a(req('/v1/stream', { session: visitor.session })));
    await stream.until((r) => r.comments.includes('open'));
    a.drain();
    await ended(stream, 2000);
    expect(stream.events.filter((e) => e.event !== 'message')).toEqual([]);
    const refused = await a(req('/v1/conversation', { session: visitor.session }));
    expect(refused.status).toBe(503);
    expect(refused.headers.get('Retry-After')).toBe('1');
    expect((await json(refused)).error.code).toBe('ERR_UNAVAILABLE');
    // The same session carries on through another instance.
    expect((await b(req('/v1/conversation', { session: visitor.session }))).status).toBe(200);
  }, 30_000);
});
