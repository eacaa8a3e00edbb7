import { describe, expect, it } from 'vitest';
import type { VerifiedIdentity } from '../../../src/identity/index.js';
import { createMemoryStore } from '../../../src/server/handler/index.js';
import { createRateLimiter } from '../../../src/server/handler/rate-limit.js';
import { DEFAULT_MEMORY_STORE_BOUNDS, type SessionRecord } from '../../../src/server/store/index.js';
import { automatedUuid, json, makeHandler, register, req } from './helpers.js';

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

const session = (id: string, conversationId: string, at: number, retainUntil = at + 1_000_000): SessionRecord => ({
  id,
  conversationId,
  conversationKey: 'k',
  signed: false,
  createdAt: at,
  lastSeenAt: at,
  retainUntil,
});

describe('memory store bounds: messages per conversation', () => {
  it('keeps the newest maxMessagesPerConversation, seqs go on, Last-Event-ID reads what is left', async () => {
    const store = createMemoryStore({ maxMessagesPerConversation: 3 });
    const { id } = await store.upsertConversation('k', identity('u'), 1);
    for (let i = 1; i <= 5; i++) await store.appendMessage(id, { author: 'visitor', body: `m${i}`, clientId: `client-id-${i}`, createdAt: i });
    expect((await store.listMessages(id)).map((m) => m.body)).toEqual(['m3', 'm4', 'm5']);
    expect((await store.listMessages(id, 1)).map((m) => m.seq)).toEqual([3, 4, 5]);
    expect((await store.listMessages(id, 4)).map((m) => m.seq)).toEqual([5]);
    expect(await store.listMessages(id, 5)).toEqual([]);
    expect((await store.getConversation(id))!.lastSeq).toBe(5);
    // A retry of a kept message is still recognized; a dropped one's clientId is forgotten with it.
    expect(await store.appendMessage(id, { author: 'visitor', body: 'again', clientId: 'client-id-4', createdAt: 6 })).toMatchObject({ created: false, message: { seq: 4, body: 'm4' } });
    expect(await store.appendMessage(id, { author: 'visitor', body: 'again', clientId: 'client-id-1', createdAt: 7 })).toMatchObject({ created: true, message: { seq: 6 } });
  });
});

describe('memory store bounds: conversations (LRU and idle TTL)', () => {
  it('past maxConversations evicts the least recently active, with its sessions', async () => {
    const store = createMemoryStore({ maxConversations: 2 });
    const a = await store.upsertConversation('a', identity('a'), 1);
    const b = await store.upsertConversation('b', identity('b'), 2);
    await store.saveSession(session('sb', b.id, 2));
    await store.appendMessage(a.id, { author: 'visitor', body: 'a is active', createdAt: 3 });
    const c = await store.upsertConversation('c', identity('c'), 4);
    expect(await store.getConversation(b.id)).toBeUndefined();
    expect(await store.getSession('sb')).toBeUndefined();
    expect(await store.listMessages(b.id)).toEqual([]);
    expect((await store.listConversations()).map((r) => r.id).sort()).toEqual([a.id, c.id].sort());
    const bAgain = await store.upsertConversation('b', identity('b'), 5);
    expect(bAgain.id).not.toBe(b.id);
    // c has no message yet: it goes before a, which holds one (empty conversations are evicted first).
    expect(await store.getConversation(c.id)).toBeUndefined();
    expect(await store.getConversation(a.id)).toBeDefined();
  });

  it('drops conversations idle for conversationIdleMs; session activity counts as activity', async () => {
    const store = createMemoryStore({ conversationIdleMs: 1000, sweepIntervalMs: 100 });
    const a = await store.upsertConversation('a', identity('a'), 0);
    const b = await store.upsertConversation('b', identity('b'), 500);
    await store.saveSession(session('sb', b.id, 500));
    await store.touchSession('sb', 900, 10_000);
    await store.upsertConversation('c', identity('c'), 1200);
    expect(await store.getConversation(a.id)).toBeUndefined();
    expect(await store.getConversation(b.id)).toBeDefined();
    await store.upsertConversation('d', identity('d'), 1950);
    expect(await store.getConversation(b.id)).toBeUndefined();
    expect(await store.getSession('sb')).toBeUndefined();
  });

  it('past maxMessageChars evicts other conversations, never the one written to', async () => {
    const store = createMemoryStore({ maxMessageChars: 10 });
    const a = await store.upsertConversation('a', identity('a'), 1);
    const b = await store.upsertConversation('b', identity('b'), 2);
    await store.appendMessage(a.id, { author: 'visitor', body: 'aaaaaa', createdAt: 3 });
    await store.appendMessage(b.id, { author: 'visitor', body: 'bbbbbb', createdAt: 4 });
    expect(await store.getConversation(a.id)).toBeUndefined();
    await store.appendMessage(b.id, { author: 'visitor', body: 'cccccccccccc', createdAt: 5 });
    expect((await store.listMessages(b.id)).map((m) => m.body)).toEqual(['bbbbbb', 'cccccccccccc']);
  });
});

describe('memory store bounds: sessions', () => {
  it('a session past retainUntil reads as gone and is swept', async () => {
    const store = createMemoryStore({ sweepIntervalMs: 10 });
    const c = await store.upsertConversation('k', identity('u'), 0);
    await store.saveSession(session('old', c.id, 0, 100));
    await store.saveSession(session('new', c.id, 50, 10_000));
    expect(await store.getSession('old')).toBeDefined();
    await store.touchSession('new', 150, 10_000);
    expect(await store.getSession('old')).toBeUndefined();
    expect(await store.getSession('new')).toMatchObject({ lastSeenAt: 150 });
  });

  it('past maxSessions forgets the least recently used', async () => {
    const store = createMemoryStore({ maxSessions: 2 });
    const c = await store.upsertConversation('k', identity('u'), 0);
    await store.saveSession(session('s1', c.id, 1));
    await store.saveSession(session('s2', c.id, 2));
    await store.touchSession('s1', 3, 1_000_000);
    await store.saveSession(session('s3', c.id, 4));
    expect(await store.getSession('s2')).toBeUndefined();
    expect(await store.getSession('s1')).toBeDefined();
    expect(await store.getSession('s3')).toBeDefined();
  });
});

describe('memory store options', () => {
  it('documents its defaults and refuses nonsense', () => {
    expect(DEFAULT_MEMORY_STORE_BOUNDS).toMatchObject({ maxConversations: 10_000, maxMessagesPerConversation: 500, conversationIdleMs: 604_800_000 });
    expect(() => createMemoryStore({ maxConversations: 0 })).toThrow(TypeError);
    expect(() => createMemoryStore({ maxMessagesPerConversation: 2.5 })).toThrow(/integer/);
    expect(() => createMemoryStore({ conversationIdleMs: Number.NaN })).toThrow(TypeError);
    expect(() => createMemoryStore({ maxConversation: 3 } as never)).toThrow(/unknown option/);
    expect(() => createMemoryStore({ maxConversations: Infinity, conversationIdleMs: 0.5 })).not.toThrow();
  });
});

describe('memory store bounds through the handler', () => {
  it('a visitor whose conversation was evicted gets ERR_SESSION_INVALID and registers afresh', async () => {
    let now = 1_800_000_000_000;
    const handler = makeHandler({ now: () => now, store: createMemoryStore({ maxConversations: 1 }) });
    const first = await register(handler, { automatedUuid: automatedUuid() });
    now += 1000;
    await register(handler, { automatedUuid: automatedUuid() });
    const response = await handler(req('/v1/conversation', { session: first.session }));
    expect(response.status).toBe(401);
    expect((await json(response)).error.code).toBe('ERR_SESSION_INVALID');
  });

  it('ages with the handler clock, not the wall clock', async () => {
    let now = 1_000; // far in the past: a wall-clock TTL would drop everything at once
    const handler = makeHandler({ now: () => now, store: createMemoryStore({ conversationIdleMs: 60_000 }) });
    const { session, conversationId } = await register(handler, { automatedUuid: automatedUuid() });
    now += 30_000;
    expect((await json(await handler(req('/v1/conversation', { session })))).conversationId).toBe(conversationId);
  });
});
