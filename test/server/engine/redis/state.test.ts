/**
 * The Redis store's SPEC §11 state methods (createRedisStateMethods) and
 * readState, on a real redis-server: the scripts' reply read into a record,
 * ids that name no conversation, and records written before state existed.
 */
import { describe, expect, it } from 'vitest';
import type { ConversationKeys } from '../../../../src/server/engine/redis/keys.js';
import { createRedisStateMethods, readState } from '../../../../src/server/engine/redis/state.js';
import { fieldsOf, useRealRedis } from './real-redis.js';

const redis = useRealRedis();
const id = 'acme.00000000-0000-4000-8000-000000000001';

/** State methods over fresh keys; `read` hands back the hash's fields and state, `tail` adds the outbox when asked. */
async function setUp(webhooks = false) {
  const { keys } = redis.fresh();
  const conversation = keys.conversation('acme', id);
  const stream = keys.outbox('acme').stream;
  const methods = createRedisStateMethods(
    redis.client,
    redis.guard,
    (askedId) => (askedId === id ? conversation : undefined),
    (reply) => ({ fields: fieldsOf(reply), state: readState(fieldsOf(reply)) }) as never,
    webhooks ? () => ({ keys: [stream], args: [1000] }) : undefined,
  );
  return { methods, conversation, stream };
}

async function seed(conversation: ConversationKeys, fields: Record<string, string | number>): Promise<void> {
  await redis.client.hset(conversation.record, { id, ...fields });
}

describe('Redis state methods', () => {
  it('updates a conversation\'s state and answers the record read from the script\'s reply', async () => {
    const { methods, conversation } = await setUp();
    await seed(conversation, { seq: 2 });
    const answer = (await methods.updateState(id, { status: 'closed', assignee: 'a1', visitorReadSeq: 2 })) as unknown as { state: object };
    expect(answer.state).toEqual({ status: 'closed', assignee: 'a1', visitorReadSeq: 2, agentReadSeq: 0, unread: 0 });
  });

  it('answers undefined for an id that names no conversation, and for one that is gone', async () => {
    const { methods, conversation } = await setUp();
    expect(await methods.updateState('not-an-id', { status: 'closed' })).toBeUndefined();
    expect(await methods.noteVisitorMessage('not-an-id', 1)).toBeUndefined();
    expect(await methods.updateState(id, { status: 'closed' })).toBeUndefined();
    expect(await methods.noteVisitorMessage(id, 1)).toBeUndefined();
    expect(await redis.client.exists(conversation.record)).toBe(0);
  });

  it('notes a visitor message: reopens and counts it unread', async () => {
    const { methods, conversation } = await setUp();
    await seed(conversation, { seq: 3, status: 'closed', aread: 2 });
    const answer = (await methods.noteVisitorMessage(id, 3)) as unknown as { state: object };
    expect(answer.state).toMatchObject({ status: 'open', agentReadSeq: 2, unread: 1 });
  });

  it('writes the status change to the outbox only with the tail of a community with webhooks', async () => {
    const without = await setUp();
    await seed(without.conversation, { seq: 1 });
    await without.methods.updateState(id, { status: 'closed' });
    expect(await redis.client.exists(without.stream)).toBe(0);
    const withHooks = await setUp(true);
    await seed(withHooks.conversation, { seq: 1, status: 'closed' });
    await withHooks.methods.updateState(id, { status: 'open' });
    await withHooks.methods.noteVisitorMessage(id, 1);
    await withHooks.methods.updateState(id, { status: 'closed' });
    await withHooks.methods.noteVisitorMessage(id, 1);
    const types = (await redis.client.xrange(withHooks.stream, '-', '+')).map(([, fields]) => fields[1]);
    expect(types).toEqual(['conversation.reopened', 'conversation.closed', 'conversation.reopened']);
  });
});

describe('readState', () => {
  it('reads a record written before the state fields existed as open, unassigned and read to nothing', () => {
    expect(readState({ id, seq: '4' })).toEqual({ status: 'open', visitorReadSeq: 0, agentReadSeq: 0, unread: 0 });
  });

  it('reads every field, and any status but closed as open', () => {
    expect(readState({ status: 'closed', assignee: 'a1', email: 'v@example.com', vread: '3', aread: '2', unread: '1' })).toEqual({
      status: 'closed',
      assignee: 'a1',
      email: 'v@example.com',
      visitorReadSeq: 3,
      agentReadSeq: 2,
      unread: 1,
    });
    expect(readState({ status: 'snoozed' }).status).toBe('open');
  });
});
