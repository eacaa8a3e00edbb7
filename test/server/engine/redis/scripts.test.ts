/**
 * The Redis store's Lua (SPEC §8) on a real redis-server, each script on its
 * own: the create-or-update of a conversation, the append (seq, retries by
 * clientId, bounds, epochs, its own announcement), the page, the session
 * touch and the token bucket.
 */
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { luaScript } from '../../../../src/server/engine/redis/client.js';
import { APPEND_MESSAGE, SET_LAST_PAGE, TAKE_TOKEN, TOUCH_SESSION, UPSERT_CONVERSATION } from '../../../../src/server/engine/redis/scripts.js';
import { fieldsOf, useRealRedis } from './real-redis.js';

const redis = useRealRedis();
const upsertScript = luaScript(UPSERT_CONVERSATION);
const appendScript = luaScript(APPEND_MESSAGE);
const pageScript = luaScript(SET_LAST_PAGE);
const touchScript = luaScript(TOUCH_SESSION);
const tokenScript = luaScript(TAKE_TOKEN);

const id = 'acme.00000000-0000-4000-8000-000000000001';
const LONG = 600_000;
const SHORT = 60_000;

/** A conversation's keys under a fresh prefix, its channels, and the scripts bound to them. */
function conversation(bounds = { messages: 100, clientIds: 100 }) {
  const { keys } = redis.fresh();
  const conv = keys.conversation('acme', id);
  const outbox = keys.outbox('acme').stream;
  const channels = { conversation: keys.channel('acme', { conversationId: id }), agents: keys.channel('acme', 'agents') };
  const withOutbox = (webhooks: boolean) => (webhooks ? { keys: [outbox], args: [1000] } : { keys: [], args: [] });
  return {
    conv,
    outbox,
    channels,
    upsert: (identity = '{"uuid":"u1"}', now = 1_000, webhooks = false) =>
      upsertScript(redis.client, [...conv.all, ...withOutbox(webhooks).keys], [id, 'acme', 'signed:u1', identity, now, LONG, SHORT, '1.2.3.4', 'epoch1', ...withOutbox(webhooks).args]),
    append: (message: { author?: string; clientId?: string; body?: string; at?: number; epoch?: string; agent?: string; webhooks?: boolean } = {}) =>
      appendScript(redis.client, [...conv.all, ...withOutbox(message.webhooks ?? false).keys], [
        message.author ?? 'visitor',
        message.clientId ?? '',
        message.body ?? 'hello',
        message.at ?? 2_000,
        `m-${Math.random()}`,
        bounds.messages,
        bounds.clientIds,
        LONG,
        message.epoch ?? 'epoch2',
        message.agent ?? '',
        channels.conversation,
        channels.agents,
        '0',
        '',
        '',
        ...withOutbox(message.webhooks ?? false).args,
      ]) as Promise<[number, string, string?, string?] | null>,
  };
}

describe('UPSERT_CONVERSATION', () => {
  it('creates the record with seq 0, its epoch and owner, for the short life of a conversation nobody wrote in', async () => {
    const c = conversation();
    const fields = fieldsOf(await c.upsert());
    expect(fields).toMatchObject({ id, community: 'acme', key: 'signed:u1', identity: '{"uuid":"u1"}', createdAt: '1000', updatedAt: '1000', seq: '0', owner: '1.2.3.4', epoch: 'epoch1' });
    expect(fields.run).toMatch(/^[0-9a-f]{40}$/);
    const ttl = await redis.client.pttl(c.conv.record);
    expect(ttl).toBeGreaterThan(SHORT - 10_000);
    expect(ttl).toBeLessThanOrEqual(SHORT);
  });

  it('records the newest identity of an existing conversation, keeping its creation and epoch, and its full life once written in', async () => {
    const c = conversation();
    await c.upsert();
    await c.append();
    const fields = fieldsOf(await c.upsert('{"uuid":"u1","name":"Ann"}', 3_000));
    expect(fields).toMatchObject({ identity: '{"uuid":"u1","name":"Ann"}', createdAt: '1000', updatedAt: '3000', seq: '1', epoch: 'epoch1' });
    expect(await redis.client.pttl(c.conv.record)).toBeGreaterThan(SHORT);
  });

  it('writes conversation.created to the outbox once, when it creates the conversation with webhooks', async () => {
    const c = conversation();
    await c.upsert(undefined, 1_000, true);
    await c.upsert(undefined, 2_000, true);
    expect((await redis.client.xrange(c.outbox, '-', '+')).map(([, fields]) => fields)).toEqual([['t', 'conversation.created', 'c', id, 's', '0', 'a', '1000']]);
  });
});

describe('APPEND_MESSAGE', () => {
  it('answers nil for a conversation that does not exist, and stores nothing', async () => {
    const c = conversation();
    expect(await c.append()).toBeNull();
    expect(await redis.client.exists(...c.conv.all)).toBe(0);
  });

  it('appends with the next seq, answering created with the owner and key, and keeps the conversation for its full life', async () => {
    const c = conversation();
    await c.upsert();
    const [created, json, owner, key] = (await c.append({ body: 'first' }))!;
    expect([created, owner, key]).toEqual([1, '1.2.3.4', 'signed:u1']);
    expect(JSON.parse(json)).toMatchObject({ seq: 1, author: 'visitor', body: 'first', createdAt: 2000 });
    expect(JSON.parse((await c.append({ author: 'agent', agent: '{"id":"a1","name":"Ann"}', body: 'second' }))![1])).toMatchObject({ seq: 2, agent: { id: 'a1', name: 'Ann' } });
    for (const key of c.conv.all.slice(0, 2)) expect(await redis.client.pttl(key)).toBeGreaterThan(SHORT);
  });

  it('records its last message on the server\'s clock (wrote), whatever createdAt the caller gave: what the address quota checks', async () => {
    const c = conversation();
    await c.upsert();
    const [seconds] = await redis.client.time();
    await c.append({ at: 2_000 });
    const wrote = Number(await redis.client.hget(c.conv.record, 'wrote'));
    expect(wrote).toBeGreaterThanOrEqual(Number(seconds) * 1000);
    expect(wrote).toBeLessThan((Number(seconds) + 60) * 1000);
  });

  it('answers a retried clientId with the message it stored, and the same clientId of the other author is a new message', async () => {
    const c = conversation();
    await c.upsert();
    const [, first] = (await c.append({ clientId: 'c1', body: 'once' }))!;
    expect(await c.append({ clientId: 'c1', body: 'once again' })).toEqual([0, first]);
    expect((await c.append({ author: 'agent', clientId: 'c1' }))![0]).toBe(1);
    expect(await redis.client.zcard(c.conv.messages)).toBe(2);
  });

  it('keeps the newest messages and clientIds within their bounds; a retry of one that left the history gets what is remembered of it', async () => {
    const c = conversation({ messages: 2, clientIds: 3 });
    await c.upsert();
    const firstId = JSON.parse((await c.append({ clientId: 'c1', at: 10 }))![1]).id as string;
    for (const clientId of ['c2', 'c3']) await c.append({ clientId });
    expect((await redis.client.zrange(c.conv.messages, '0', '-1')).map((json) => JSON.parse(json).seq)).toEqual([2, 3]);
    expect(await c.append({ clientId: 'c1' })).toEqual([0, '', `1|${firstId}|10`]);
    await c.append({ clientId: 'c4' });
    // c1's record left too: its clientId is new again.
    expect(await redis.client.hkeys(c.conv.clientIds)).toEqual(['visitor:c2', 'visitor:c3', 'visitor:c4']);
    expect((await c.append({ clientId: 'c1' }))![0]).toBe(1);
  });

  it('reopens the conversation and counts a visitor message unread; an agent message neither', async () => {
    const c = conversation();
    await c.upsert();
    await redis.client.hset(c.conv.record, 'status', 'closed');
    await c.append({ author: 'agent' });
    expect(await redis.client.hmget(c.conv.record, 'status', 'unread')).toEqual(['closed', null]);
    await c.append({ webhooks: true });
    expect(await redis.client.hmget(c.conv.record, 'status', 'unread')).toEqual(['open', '1']);
    expect((await redis.client.xrange(c.outbox, '-', '+')).map(([, fields]) => fields)).toEqual([
      ['t', 'message.created', 'c', id, 's', '2', 'a', '2000', 'u', 'visitor'],
      ['t', 'conversation.reopened', 'c', id, 's', '2', 'a', '2000'],
    ]);
  });

  it('takes a new epoch only when another server process made the last write (a restart, a failover)', async () => {
    const c = conversation();
    await c.upsert();
    await c.append({ epoch: 'never-taken' });
    expect(await redis.client.hget(c.conv.record, 'epoch')).toBe('epoch1');
    await redis.client.hset(c.conv.record, 'run', 'another-server');
    await c.append({ epoch: 'after-failover' });
    expect(await redis.client.hget(c.conv.record, 'epoch')).toBe('after-failover');
  });

  it('announces the message on the conversation\'s channel and the agents\', with the log\'s epoch beside it', async () => {
    const c = conversation();
    await c.upsert();
    const subscriber = new Redis(redis.server.url);
    try {
      const heard: [string, string][] = [];
      subscriber.on('message', (channel: string, payload: string) => heard.push([channel, payload]));
      await subscriber.subscribe(c.channels.conversation, c.channels.agents);
      const [, json] = (await c.append())!;
      while (heard.length < 2) await new Promise((resolve) => setTimeout(resolve, 5));
      const event = { type: 'message', conversationId: id, message: JSON.parse(json), epoch: 'epoch1' };
      expect(heard.map(([channel, payload]) => [channel, JSON.parse(payload)]).sort()).toEqual([
        [c.channels.agents, event],
        [c.channels.conversation, event],
      ]);
    } finally {
      subscriber.disconnect();
    }
  });
});

describe('SET_LAST_PAGE', () => {
  it('records the page and the time, and answers nil for a conversation that does not exist', async () => {
    const c = conversation();
    expect(await pageScript(redis.client, c.conv.all, ['{"url":"https://x/"}', 5_000, LONG, SHORT])).toBeNull();
    await c.upsert();
    const fields = fieldsOf(await pageScript(redis.client, c.conv.all, ['{"url":"https://x/"}', 5_000, LONG, SHORT]));
    expect(fields).toMatchObject({ lastPage: '{"url":"https://x/"}', updatedAt: '5000' });
    expect(await redis.client.pttl(c.conv.record)).toBeLessThanOrEqual(SHORT);
  });
});

describe('TOUCH_SESSION', () => {
  it('records activity, never shortens the retention, and keeps the key as long as it retains', async () => {
    const key = `${redis.fresh().prefix}sess`;
    expect(await touchScript(redis.client, [key], [1, 2])).toBe(0);
    await redis.client.set(key, JSON.stringify({ id: 's', conversationId: id, lastSeenAt: 0, retainUntil: 500_000 }));
    expect(await touchScript(redis.client, [key], [100_000, 200_000])).toBe(id);
    expect(JSON.parse((await redis.client.get(key))!)).toMatchObject({ lastSeenAt: 100_000, retainUntil: 500_000 });
    expect(await redis.client.pttl(key)).toBeGreaterThan(300_000);
    await touchScript(redis.client, [key], [100_000, 900_000]);
    expect(JSON.parse((await redis.client.get(key))!).retainUntil).toBe(900_000);
  });
});

describe('TAKE_TOKEN', () => {
  it('keeps a bucket as tokens and time with a two-minute life, refilling by the elapsed server time', async () => {
    const bucket = `${redis.fresh().prefix}rate`;
    expect(await tokenScript(redis.client, [bucket], [60])).toBe(0);
    expect(await redis.client.hget(bucket, 't')).toBe('59');
    expect(await redis.client.pttl(bucket)).toBeGreaterThan(100_000);
    // Emptied 30 s ago at 60/min: 30 tokens back, one taken now.
    const [seconds] = await redis.client.time();
    await redis.client.hset(bucket, 't', '0', 'a', String((Number(seconds) - 30) * 1000));
    expect(await tokenScript(redis.client, [bucket], [60])).toBe(0);
    expect(Math.floor(Number(await redis.client.hget(bucket, 't')))).toBeGreaterThanOrEqual(29);
  });
});
