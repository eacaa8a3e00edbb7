/**
 * Issue 16 HIGH 6: a Redis that loses the tail of a log (RDB only, a lagging
 * replica, power loss under `appendfsync everysec`) restarted its seqs below
 * what streams had already seen, and new acknowledged messages never reached
 * them. Now the log takes a new epoch on the first append after the server
 * changed (its run_id), stream positions are `<epoch>.<seq>`, and a stream on
 * another epoch gets `reset` and the whole log.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createRedisEngine } from '../../../src/server/engine/redis/index.js';
import type { Engine } from '../../../src/server/engine/index.js';
import type { MessagingHandler } from '../../../src/server/handler/index.js';
import { redisCommand, startRedis, type RedisInstance } from '../../helpers/redis.js';
import { makeHandler, register, req, send, SseReader } from '../handler/helpers.js';

let redis: RedisInstance | undefined;
const engines: Engine[] = [];
const handlers: MessagingHandler[] = [];
afterEach(async () => {
  for (const handler of handlers.splice(0)) handler.close();
  for (const engine of engines.splice(0)) await engine.close();
  await redis?.stop();
  redis = undefined;
}, 30_000);

function handlerOn(engine?: Engine): MessagingHandler {
  const handler = makeHandler(engine ? { engine } : {});
  handlers.push(handler);
  return handler;
}

const stream = async (handler: MessagingHandler, session: string, lastEventId?: string) =>
  new SseReader(await handler(req('/v1/stream', { session, ...(lastEventId ? { headers: { 'Last-Event-ID': lastEventId } } : {}) })));

/** Sends until Redis is back and the message is acknowledged. */
async function sendWhenBack(handler: MessagingHandler, session: string, body: string): Promise<void> {
  const id = `retry-${body.replace(/\W/g, '')}-id`;
  for (let i = 0; i < 100; i++) {
    if ((await send(handler, session, body, id)).status === 201) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${body} was never acknowledged`);
}

describe('epochs (issue 16 HIGH 6)', () => {
  it('a Redis that lost the tail (RDB only, kill -9): no seq is reused within an epoch; streams get reset and the whole log', async () => {
    redis = await startRedis({ appendonly: false });
    const engine = createRedisEngine({ url: redis.url });
    engines.push(engine);
    const handler = handlerOn(engine);
    const visitor = await register(handler);
    for (const body of ['m1', 'm2', 'm3']) expect((await send(handler, visitor.session, body)).status).toBe(201);
    await redisCommand(redis.port, ['SAVE']); // the last snapshot
    for (const body of ['m4', 'm5']) expect((await send(handler, visitor.session, body)).status).toBe(201);
    const live = await stream(handler, visitor.session);
    await live.until((r) => r.messages().length === 5, 5_000);
    const lastId = live.events.at(-1)!.id!;
    expect(lastId).toMatch(/\.5$/);

    await redis.kill(); // power loss: m4 and m5 were only in memory
    await redis.restart();
    await sendWhenBack(handler, visitor.session, 'm6');

    // The open stream: reset, then the log as it now is; no id repeats one it already delivered.
    await live.until((r) => r.events.some((e) => e.event === 'reset') && r.messages().at(-1)?.body === 'm6', 10_000);
    const ids = live.events.filter((e) => e.event === 'message').map((e) => e.id);
    expect(new Set(ids).size).toBe(ids.length);
    const afterReset = live.events.slice(live.events.findIndex((e) => e.event === 'reset') + 1).map((e) => e.data.message?.body);
    expect(afterReset).toEqual(['m1', 'm2', 'm3', 'm6']);
    await live.cancel();

    // A stream resumed from the old epoch: reset first, then the whole log.
    const resumed = await stream(handler, visitor.session, lastId);
    await resumed.until((r) => r.messages().length === 4, 5_000);
    expect(resumed.events[0]!.event).toBe('reset');
    expect(resumed.messages().map((m) => m.body)).toEqual(['m1', 'm2', 'm3', 'm6']);
    const newEpoch = resumed.events.at(-1)!.id!.split('.')[0];
    expect(newEpoch).not.toBe(lastId.split('.')[0]);
    await resumed.cancel();

    // An old widget's bare seq means the current epoch.
    const bare = await stream(handler, visitor.session, '2');
    await bare.until((r) => r.messages().length === 2, 5_000);
    expect(bare.events.map((e) => e.event)).toEqual(['message', 'message']);
    expect(bare.messages().map((m) => m.body)).toEqual(['m3', 'm6']);
    await bare.cancel();
  }, 60_000);

  it('a stream resumed after a lost tail, before the next append: nothing is guessed from the seq; the new epoch resets it (issue 21 item 4)', async () => {
    redis = await startRedis({ appendonly: false });
    const engine = createRedisEngine({ url: redis.url });
    engines.push(engine);
    const handler = handlerOn(engine);
    const visitor = await register(handler);
    for (const body of ['m1', 'm2', 'm3']) expect((await send(handler, visitor.session, body)).status).toBe(201);
    await redisCommand(redis.port, ['SAVE']);
    for (const body of ['m4', 'm5']) expect((await send(handler, visitor.session, body)).status).toBe(201);
    const live = await stream(handler, visitor.session);
    await live.until((r) => r.messages().length === 5, 5_000);
    const lastId = live.events.at(-1)!.id!;
    await live.cancel();
    await redis.kill();
    await redis.restart();
    // Back, and read (not written): the log ends at m3 and still has the old epoch.
    for (let i = 0; i < 100 && (await handler(req('/v1/conversation', { session: visitor.session }))).status !== 200; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const resumed = await stream(handler, visitor.session, lastId);
    await resumed.until((r) => r.comments.includes('open'));
    await sendWhenBack(handler, visitor.session, 'm6');
    // The append took a new epoch: reset first, then the log as it is. Nothing was replayed before it.
    await resumed.until((r) => r.messages().at(-1)?.body === 'm6', 10_000);
    expect(resumed.events.map((e) => e.event)).toEqual(['reset', 'message', 'message', 'message', 'message']);
    expect(resumed.messages().map((m) => m.body)).toEqual(['m1', 'm2', 'm3', 'm6']);
    await resumed.cancel();
  }, 60_000);

  it('the memory engine: a stream resumed from another epoch gets reset and the whole log; its own epoch resumes exactly', async () => {
    const handler = handlerOn();
    const visitor = await register(handler);
    for (const body of ['a', 'b', 'c']) await send(handler, visitor.session, body);
    const first = await stream(handler, visitor.session);
    await first.until((r) => r.messages().length === 3);
    const [epoch] = first.events[0]!.id!.split('.');
    await first.cancel();
    const same = await stream(handler, visitor.session, `${epoch}.1`);
    await same.until((r) => r.messages().length === 2);
    expect(same.events.map((e) => e.event)).toEqual(['message', 'message']);
    await same.cancel();
    const other = await stream(handler, visitor.session, 'someotherepoch.3');
    await other.until((r) => r.messages().length === 3);
    expect(other.events.map((e) => e.event)).toEqual(['reset', 'message', 'message', 'message']);
    await other.cancel();
  });
});
