import { describe, expect, it } from 'vitest';
import type { VerifiedIdentity } from '../../../src/identity/index.js';
import { createMemoryStore } from '../../../src/server/handler/index.js';
import { createRateLimiter } from '../../../src/server/handler/rate-limit.js';

const identity = (uuid: string): VerifiedIdentity => ({ uuid, uuidSource: 'jwt', signed: true, fields: {}, customFields: {}, extraValues: {}, warnings: [] });

describe('createMemoryStore', () => {
  it('finds one conversation per key and keeps the newest identity', async () => {
    const store = createMemoryStore();
    const a = await store.upsertConversation('signed:u1', identity('u1'), 1);
    const again = await store.upsertConversation('signed:u1', { ...identity('u1'), kid: 'new' }, 2);
    const other = await store.upsertConversation('browser:b1', identity('u1'), 3);
    expect(again.id).toBe(a.id);
    expect(again.identity.kid).toBe('new');
    expect(other.id).not.toBe(a.id);
    expect((await store.listConversations()).map((c) => c.id)).toEqual([other.id, a.id]);
  });

  it('appends with consecutive seqs, idempotent per author and clientId, and lists after a seq', async () => {
    const store = createMemoryStore();
    const { id } = await store.upsertConversation('k', identity('u'), 1);
    const first = await store.appendMessage(id, { author: 'visitor', body: 'a', clientId: 'same-id-1', createdAt: 5 });
    const retry = await store.appendMessage(id, { author: 'visitor', body: 'changed', clientId: 'same-id-1', createdAt: 6 });
    const agent = await store.appendMessage(id, { author: 'agent', body: 'b', clientId: 'same-id-1', createdAt: 7 });
    const plain = await store.appendMessage(id, { author: 'agent', body: 'c', createdAt: 8 });
    expect(first).toMatchObject({ created: true, message: { seq: 1, body: 'a' } });
    expect(retry).toEqual({ created: false, message: first!.message });
    expect(agent).toMatchObject({ created: true, message: { seq: 2 } });
    expect(plain!.message).not.toHaveProperty('clientId');
    expect((await store.listMessages(id, 1)).map((m) => m.seq)).toEqual([2, 3]);
    expect(await store.listMessages(id, 3)).toEqual([]);
    expect(await store.appendMessage('missing', { author: 'agent', body: 'x', createdAt: 1 })).toBeUndefined();
    expect((await store.getConversation(id))!.lastSeq).toBe(3);
  });

  it('returns copies: a caller cannot change what is stored', async () => {
    const store = createMemoryStore();
    await store.saveSession({ id: 's', conversationId: 'c', conversationKey: 'k', signed: false, createdAt: 0, lastSeenAt: 0, retainUntil: 10 });
    const record = (await store.getSession('s'))!;
    record.conversationId = 'tampered';
    expect((await store.getSession('s'))!.conversationId).toBe('c');
  });

  it('touchSession changes only activity; sessions past retainUntil are swept', async () => {
    const store = createMemoryStore();
    await store.saveSession({ id: 'old', conversationId: 'c', conversationKey: 'k', signed: true, createdAt: 0, lastSeenAt: 0, expiresAt: 50, retainUntil: 100 });
    await store.touchSession('old', 40, 90);
    expect(await store.getSession('old')).toMatchObject({ lastSeenAt: 40, expiresAt: 50, retainUntil: 100 });
    // The sweep runs on a later save, at most once a minute.
    await store.saveSession({ id: 'new', conversationId: 'c', conversationKey: 'k', signed: false, createdAt: 0, lastSeenAt: 120_000, retainUntil: 200_000 });
    expect(await store.getSession('old')).toBeUndefined();
    expect(await store.getSession('new')).toBeDefined();
  });
});

describe('token-bucket rate limiter', () => {
  it('allows a burst of perMinute, then one per 60/perMinute seconds, per key', () => {
    let now = 0;
    const limiter = createRateLimiter(() => now);
    for (let i = 0; i < 6; i++) expect(limiter.take('a', 6)).toBe(0);
    expect(limiter.take('a', 6)).toBe(10);
    expect(limiter.take('b', 6)).toBe(0);
    now += 9_000;
    expect(limiter.take('a', 6)).toBe(1);
    now += 1_000;
    expect(limiter.take('a', 6)).toBe(0);
    expect(limiter.take('a', 6)).toBe(10);
    expect(limiter.take('z', 0)).toBe(60);
    expect(limiter.take('z', Infinity)).toBe(0);
  });
});
