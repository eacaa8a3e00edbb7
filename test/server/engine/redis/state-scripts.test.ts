/**
 * The Lua of the conversation state (SPEC §11) on a real redis-server: the
 * merge rules of store/state.ts in one script on the conversation's hash, and
 * the closed / reopened entries it writes to the webhook outbox.
 */
import { describe, expect, it } from 'vitest';
import { luaScript } from '../../../../src/server/engine/redis/client.js';
import { NOTE_VISITOR_MESSAGE, UPDATE_STATE } from '../../../../src/server/engine/redis/state-scripts.js';
import { fieldsOf, useRealRedis } from './real-redis.js';

const redis = useRealRedis();
const updateState = luaScript(UPDATE_STATE);
const noteVisitor = luaScript(NOTE_VISITOR_MESSAGE);

/** A conversation hash and its messages as the store's scripts leave them: `authors[i]` wrote seq i + 1. */
async function conversation(authors: ('visitor' | 'agent')[], fields: Record<string, string | number> = {}) {
  const { prefix } = redis.fresh();
  const keys = { record: `${prefix}conv`, messages: `${prefix}msgs`, outbox: `${prefix}obx` };
  await redis.client.hset(keys.record, { id: 'acme.c1', seq: authors.length, ...fields });
  for (const [i, author] of authors.entries()) {
    await redis.client.zadd(keys.messages, i + 1, JSON.stringify({ id: `m${i + 1}`, seq: i + 1, author, body: `"author":"visitor" ${i}`, createdAt: i }));
  }
  return keys;
}

async function entries(stream: string): Promise<string[][]> {
  return (await redis.client.xrange(stream, '-', '+')).map(([, fields]) => fields);
}

describe('UPDATE_STATE', () => {
  it('answers nil for a conversation that does not exist, and creates nothing', async () => {
    const keys = await conversation([]);
    await redis.client.del(keys.record);
    expect(await updateState(redis.client, [keys.record, keys.messages], [JSON.stringify({ status: 'closed' }), 1])).toBeNull();
    expect(await redis.client.exists(keys.record)).toBe(0);
  });

  it('sets status, assignee and email, and removes the assignee on null', async () => {
    const keys = await conversation(['visitor']);
    const set = fieldsOf(await updateState(redis.client, [keys.record, keys.messages], [JSON.stringify({ status: 'closed', assignee: 'a1', email: 'v@example.com' }), 1]));
    expect(set).toMatchObject({ status: 'closed', assignee: 'a1', email: 'v@example.com' });
    const cleared = fieldsOf(await updateState(redis.client, [keys.record, keys.messages], [JSON.stringify({ assignee: null }), 2]));
    expect(cleared.assignee).toBeUndefined();
    expect(cleared.status).toBe('closed');
  });

  it('moves read positions only forward, and never past the last message', async () => {
    const keys = await conversation(['visitor', 'agent', 'visitor']);
    const run = async (change: object) => fieldsOf(await updateState(redis.client, [keys.record, keys.messages], [JSON.stringify(change), 1]));
    expect((await run({ visitorReadSeq: 99, agentReadSeq: 2.7 })) ).toMatchObject({ vread: '3', aread: '2' });
    expect(await run({ visitorReadSeq: 1, agentReadSeq: 0 })).toMatchObject({ vread: '3', aread: '2' });
  });

  it('recounts unread as the visitor messages after the agents\' new position, whatever their bodies say', async () => {
    const keys = await conversation(['visitor', 'agent', 'agent', 'visitor', 'visitor'], { unread: 7 });
    const run = async (agentReadSeq: number) =>
      fieldsOf(await updateState(redis.client, [keys.record, keys.messages], [JSON.stringify({ agentReadSeq }), 1])).unread;
    // The agent messages' bodies hold '"author":"visitor"' too: cjson escapes their quotes, JSON.stringify here too.
    expect(await run(0)).toBe('3');
    expect(await run(3)).toBe('2');
    expect(await run(5)).toBe('0');
  });

  it('writes conversation.closed and conversation.reopened to the outbox when the status changes, nothing when it stays', async () => {
    const keys = await conversation(['visitor']);
    const run = (status: string, at: number) => updateState(redis.client, [keys.record, keys.messages, keys.outbox], [JSON.stringify({ status }), at, 1000]);
    await run('closed', 10);
    await run('closed', 11);
    await run('open', 12);
    expect(await entries(keys.outbox)).toEqual([
      ['t', 'conversation.closed', 'c', 'acme.c1', 's', '1', 'a', '10'],
      ['t', 'conversation.reopened', 'c', 'acme.c1', 's', '1', 'a', '12'],
    ]);
  });
});

describe('NOTE_VISITOR_MESSAGE', () => {
  it('reopens a closed conversation (an outbox entry) and counts a message past the agents\' position as unread', async () => {
    const keys = await conversation(['visitor', 'visitor'], { status: 'closed', aread: 1, unread: 0 });
    const fields = fieldsOf(await noteVisitor(redis.client, [keys.record, keys.outbox], [2, 20, 1000]));
    expect(fields).toMatchObject({ status: 'open', unread: '1' });
    expect(await entries(keys.outbox)).toEqual([['t', 'conversation.reopened', 'c', 'acme.c1', 's', '2', 'a', '20']]);
  });

  it('does not count a message the agents already read, and writes nothing for an open conversation', async () => {
    const keys = await conversation(['visitor', 'visitor'], { aread: 2, unread: 0 });
    expect(fieldsOf(await noteVisitor(redis.client, [keys.record, keys.outbox], [2, 20, 1000])).unread).toBe('0');
    expect(await redis.client.exists(keys.outbox)).toBe(0);
  });

  it('answers nil for a conversation that does not exist', async () => {
    const keys = await conversation([]);
    await redis.client.del(keys.record);
    expect(await noteVisitor(redis.client, [keys.record], [1, 1])).toBeNull();
    expect(await redis.client.exists(keys.record)).toBe(0);
  });
});
