/**
 * SPEC §11 on the Redis engine with two instances (own engines, own
 * connections) on a real redis-server: the agent's stream is on A, the
 * visitor's on B, and presence, typing, read and state still reach the other
 * side; an instance that dies stops counting once its last announcement lapses.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { VISITOR_PATHS } from '../../../../src/identity/index.js';
import type { Engine } from '../../../../src/server/engine/index.js';
import { createRedisEngine } from '../../../../src/server/engine/redis/index.js';
import type { MessagingHandlerOptions } from '../../../../src/server/handler/index.js';
import { startRedis, type RedisInstance } from '../../../helpers/redis.js';
import { HOST_ORIGIN } from '../helpers.js';
import { Agent, ALICE, BOB, presenceEvents, serve, Visitor } from './kit.js';

let redis: RedisInstance;
const engines: Engine[] = [];

beforeEach(async () => {
  redis = await startRedis();
}, 30_000);
afterEach(async () => {
  for (const engine of engines.splice(0)) await engine.close();
  await redis.stop();
}, 30_000);

/** One chatq instance on the shared Redis; a short heartbeat so presence announcements lapse quickly. */
async function instance(options: Partial<MessagingHandlerOptions> = {}) {
  const engine = createRedisEngine({ url: redis.url }, { keyPrefix: 'agents:' });
  engines.push(engine);
  const served = await serve({ engine, limits: { heartbeatMs: 100 }, ...options });
  return { ...served, engine };
}

async function policyAvailable(base: string): Promise<boolean> {
  const response = await fetch(`${base}${VISITOR_PATHS.policy}`, { headers: { Origin: HOST_ORIGIN } });
  return ((await response.json()) as { presence: { available: boolean } }).presence.available;
}

describe('two instances on one Redis (SPEC §8 + §11)', () => {
  it('presence: an agent stream on A makes the visitor on B available; leaving A makes it unavailable', async () => {
    const a = await instance();
    const b = await instance();
    const visitor = await Visitor.register(b.base);
    const stream = await visitor.stream();
    await stream.until((r) => presenceEvents(r).length === 1);
    expect(presenceEvents(stream)[0].available).toBe(false);
    const abort = new AbortController();
    await fetch(`${a.base}/agent/v1/stream`, { headers: { Authorization: `Bearer ${ALICE.token}` }, signal: abort.signal });
    await stream.until((r) => presenceEvents(r).some((p) => p.available), 5000);
    expect(await policyAvailable(b.base)).toBe(true);
    // Away, set through B, counts on A where the stream is.
    await new Agent(b.base, ALICE.token).post('/agent/v1/status', { status: 'away' });
    await stream.until((r) => presenceEvents(r).length === 3, 5000);
    await new Agent(a.base, ALICE.token).post('/agent/v1/status', { status: 'online' });
    await stream.until((r) => presenceEvents(r).length === 4, 5000);
    abort.abort();
    await stream.until((r) => presenceEvents(r).length === 5, 5000);
    expect(presenceEvents(stream).map((p) => p.available)).toEqual([false, true, false, true, false]);
  });

  it('presence: an instance that dies (its Redis connections gone) stops counting once its announcement lapses', async () => {
    const a = await instance();
    const b = await instance();
    const visitor = await Visitor.register(b.base);
    const stream = await visitor.stream();
    const abort = new AbortController();
    await fetch(`${a.base}/agent/v1/stream`, { headers: { Authorization: `Bearer ${ALICE.token}` }, signal: abort.signal });
    await stream.until((r) => presenceEvents(r).some((p) => p.available), 5000);
    await a.engine.close(); // A can no longer say anything; its stream is still open
    await stream.until((r) => presenceEvents(r).at(-1)?.available === false, 5000);
    abort.abort();
  });

  it('a new instance learns who is available from the others at once', async () => {
    // Announcements every 25 s: only the new instance's query can tell it within the wait below.
    const a = await instance({ limits: { heartbeatMs: 25_000 } });
    const abort = new AbortController();
    await fetch(`${a.base}/agent/v1/stream`, { headers: { Authorization: `Bearer ${ALICE.token}` }, signal: abort.signal });
    await new Promise((resolve) => setTimeout(resolve, 100)); // A's own announcement is past
    const b = await instance({ limits: { heartbeatMs: 25_000 } });
    const visitor = await Visitor.register(b.base);
    const stream = await visitor.stream();
    await stream.until((r) => presenceEvents(r).some((p) => p.available), 5000);
    abort.abort();
  });

  it('typing, read and state cross instances; the agent message carries its agent from Redis', async () => {
    const a = await instance();
    const b = await instance();
    const visitor = await Visitor.register(b.base);
    const visitorStream = await visitor.stream();
    const alice = new Agent(a.base, ALICE.token);
    const bobStream = await new Agent(a.base, BOB.token).stream();
    await new Promise((resolve) => setTimeout(resolve, 100)); // both subscriptions are live

    await visitor.post(VISITOR_PATHS.typing);
    await bobStream.until((r) => r.events.some((e) => e.event === 'typing' && e.data.author === 'visitor'), 5000);
    await alice.act(visitor.conversationId, 'typing');
    await visitorStream.until((r) => r.events.some((e) => e.event === 'typing' && e.data.agent.id === 'alice'), 5000);

    await visitor.send('one');
    await visitor.send('two');
    const reply = await alice.reply(visitor.conversationId, 'answer');
    expect(reply.body.message.agent).toEqual({ id: 'alice', name: ALICE.name, avatarUrl: ALICE.avatarUrl });
    await visitorStream.until((r) => r.messages().some((m) => m.body === 'answer' && m.agent?.name === ALICE.name), 5000);
    expect((await visitor.get(VISITOR_PATHS.conversation)).body.messages[2].agent.id).toBe('alice');
    expect(await alice.summary(visitor.conversationId)).toMatchObject({ unread: 2, status: 'open' });
    expect((await alice.act(visitor.conversationId, 'read', { seq: 1 })).body.conversation).toMatchObject({ agentReadSeq: 1, unread: 1 });
    await visitorStream.until((r) => r.events.some((e) => e.event === 'read' && e.data.seq === 1), 5000);
    expect((await alice.act(visitor.conversationId, 'read', { seq: 3 })).body.conversation).toMatchObject({ agentReadSeq: 3, unread: 0 });

    const closed = await alice.act(visitor.conversationId, 'close');
    expect(closed.body.conversation.status).toBe('closed');
    await bobStream.until((r) => r.events.some((e) => e.event === 'summary' && e.data.conversation.status === 'closed'), 5000);
    await alice.act(visitor.conversationId, 'assign', { agentId: 'bob' });
    await visitor.post(VISITOR_PATHS.email, { email: 'ada@example.com' });
    await visitor.post(VISITOR_PATHS.read, { seq: 3 });
    await visitor.send('still there?'); // reopens, one unread
    expect(await new Agent(b.base, BOB.token).summary(visitor.conversationId)).toMatchObject({
      status: 'open',
      assignee: 'bob',
      email: 'ada@example.com',
      visitorReadSeq: 3,
      agentReadSeq: 3,
      unread: 1,
      lastSeq: 4,
    });
  });
});
