/**
 * SPEC §12 webhooks end to end, through the real handler over HTTP, on the
 * memory engine, a real redis-server and a SQLite file, to a real receiver verifying
 * every delivery with `standardwebhooks`: the outbox entries the stores
 * write reach the receiver, in order per conversation, after failures; 410
 * disables; a hanging receiver never holds a visitor's request; two
 * instances on one Redis send each event once.
 */
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createMemoryEngine, type Engine } from '../../../src/server/engine/index.js';
import { createRedisEngine } from '../../../src/server/engine/redis/index.js';
import { createSqliteEngine } from '../../../src/server/engine/sqlite/index.js';
import { createMemoryStore } from '../../../src/server/store/index.js';
import { makeTempDir, removeTempDir, startRedis, type RedisInstance } from '../../helpers/redis.js';
import { makeHandler } from '../handler/helpers.js';
import { newSecret, startReceiver, type Receiver } from '../../helpers/webhook-receiver.js';
import { agentSays, agentSets, registerVisitor, seen, serveChat, until, visitorSays, type Chat, type Visitor } from './chat.js';

let redis: RedisInstance;
let dir: string;
beforeAll(async () => {
  [redis, dir] = await Promise.all([startRedis(), makeTempDir('chatq-webhooks-')]);
}, 60_000);
afterAll(async () => {
  await redis?.stop();
  await removeTempDir(dir);
});

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function receiver(secret = newSecret()): Promise<Receiver & { secret: string }> {
  const started = await startReceiver(secret);
  cleanups.push(() => started.close());
  return Object.assign(started, { secret });
}

async function chat(engine: Engine, webhooks: { url: string; secret: string }[]): Promise<Chat> {
  const served = await serveChat(engine, webhooks);
  cleanups.push(async () => (await served.close(), await engine.close()));
  return served;
}

const engines: [string, (prefix?: string) => Engine][] = [
  ['memory', () => createMemoryEngine()],
  ['redis', (prefix = `t${Math.random().toString(36).slice(2)}:`) => createRedisEngine({ url: redis.url }, { keyPrefix: prefix })],
  ['sqlite', () => createSqliteEngine({ path: join(dir, `${Math.random().toString(36).slice(2)}.db`) })],
];

describe.each(engines)('webhooks over HTTP on the %s engine', (name, makeEngine) => {
  it('says at start-up when its outbox lives in memory (the memory engine only)', async () => {
    const hook = await receiver();
    const { logs } = await chat(makeEngine(), [{ url: hook.url, secret: hook.secret }]);
    expect(logs.some((line) => line.includes('keep their outbox in memory: events not yet delivered are lost on a restart'))).toBe(name === 'memory');
  });

  it('a receiver that fails the first deliveries still gets every event, in order per conversation', async () => {
    const hook = await receiver();
    let failures = 3;
    hook.answer = () => (failures-- > 0 ? 503 : 204);
    const { url, logs } = await chat(makeEngine(), [{ url: hook.url, secret: hook.secret }]);
    const visitors = [await registerVisitor(url), await registerVisitor(url), await registerVisitor(url)];
    for (const visitor of visitors) {
      expect(await visitorSays(url, visitor, 'hello?')).toBe(201);
      expect(await agentSays(url, visitor.conversationId, 'hi, how can I help?')).toBe(201);
      expect(await visitorSays(url, visitor, 'my order is late')).toBe(201);
    }
    const expected = ['conversation.created 0', 'message.created 1', 'message.created 2', 'message.created 3'];
    // The first retry comes ~5 s after a failure (Standard Webhooks schedule).
    await until(() => {
      for (const visitor of visitors) expect(seen(hook.received, visitor.conversationId)).toEqual(expected);
    });
    expect(hook.refused).toBe(0);
    expect(logs.join('\n')).toContain('deliveries failed (HTTP 503)');
    const message = hook.received.find((event) => event.type === 'message.created' && event.data.seq === 2)!;
    expect(message.data.message).toMatchObject({ author: 'agent', body: 'hi, how can I help?' });
  }, 90_000);

  it('an agent closing a conversation and the visitor writing in it again send closed, the message, then reopened', async () => {
    const hook = await receiver();
    const { url } = await chat(makeEngine(), [{ url: hook.url, secret: hook.secret }]);
    const visitor = await registerVisitor(url);
    expect(await visitorSays(url, visitor, 'hello?')).toBe(201);
    expect(await agentSets(url, visitor.conversationId, 'close')).toBeLessThan(300);
    expect(await visitorSays(url, visitor, 'one more thing')).toBe(201);
    expect(await agentSets(url, visitor.conversationId, 'close')).toBeLessThan(300);
    expect(await agentSets(url, visitor.conversationId, 'reopen')).toBeLessThan(300);
    await until(() =>
      expect(seen(hook.received, visitor.conversationId)).toEqual([
        'conversation.created 0',
        'message.created 1',
        'conversation.closed 1',
        'message.created 2',
        'conversation.reopened 2',
        'conversation.closed 2',
        'conversation.reopened 2',
      ]),
    );
  }, 60_000);

  it('a receiver answering 410 is disabled, with a log line; the others carry on', async () => {
    const gone = await receiver();
    gone.answer = () => 410;
    const healthy = await receiver();
    const { url, logs } = await chat(makeEngine(), [
      { url: gone.url, secret: gone.secret },
      { url: healthy.url, secret: healthy.secret },
    ]);
    const visitor = await registerVisitor(url);
    await until(() => {
      expect(seen(healthy.received, visitor.conversationId)).toEqual(['conversation.created 0']);
      expect(logs.join('\n')).toContain('answered 410 Gone: it is disabled');
    });
    expect(gone.hits).toBe(1);
    expect(await visitorSays(url, visitor, 'anyone?')).toBe(201);
    await until(() => expect(seen(healthy.received, visitor.conversationId)).toHaveLength(2));
    expect(gone.hits).toBe(1);
  }, 60_000);

  it('a hanging receiver never holds a visitor: the message is answered while the delivery still hangs', async () => {
    const hook = await receiver();
    const pending: string[] = [];
    hook.answer = (event) => (pending.push(event.type), 'hang');
    const { url } = await chat(makeEngine(), [{ url: hook.url, secret: hook.secret }]);
    const visitor = await registerVisitor(url);
    await until(() => expect(pending).toEqual(['conversation.created']));
    // The sender is stuck on the receiver (cut only at 15 s); the visitor's request does not wait for it.
    expect(await visitorSays(url, visitor, 'are you there?')).toBe(201);
    expect(pending).toEqual(['conversation.created']);
    expect(hook.hits).toBe(1);
  }, 60_000);
});

describe('the memory engine with a store of its own', () => {
  it('has no outbox (the store writes none), so webhooks are refused at start-up rather than never sent', () => {
    const engine = createMemoryEngine({ store: createMemoryStore() });
    expect(engine.outbox).toBeUndefined();
    expect(() => makeHandler({ engine, webhooks: [{ url: 'https://hooks.example/x', secret: newSecret() }] })).toThrow(/keeps no outbox/);
  });
});

describe('two instances on one redis-server', () => {
  it('send each event once', async () => {
    const hook = await receiver();
    const prefix = `t${Math.random().toString(36).slice(2)}:`;
    const webhooks = [{ url: hook.url, secret: hook.secret }];
    const a = await chat(engines[1]![1](prefix), webhooks);
    const b = await chat(engines[1]![1](prefix), webhooks);
    const visitors: Visitor[] = [];
    for (let i = 0; i < 6; i++) visitors.push(await registerVisitor(i % 2 === 0 ? a.url : b.url));
    for (const [i, visitor] of visitors.entries()) {
      expect(await visitorSays(i % 2 === 0 ? b.url : a.url, visitor, 'from one instance')).toBe(201);
      expect(await agentSays(i % 2 === 0 ? a.url : b.url, visitor.conversationId, 'from the other')).toBe(201);
    }
    await until(() => {
      for (const visitor of visitors) expect(seen(hook.received, visitor.conversationId)).toEqual(['conversation.created 0', 'message.created 1', 'message.created 2']);
    });
    // A few more ticks of both senders: nothing is sent again.
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    const ids = hook.received.map((event) => event.id);
    expect(ids).toHaveLength(18);
    expect(new Set(ids).size).toBe(18);
  }, 90_000);
});
