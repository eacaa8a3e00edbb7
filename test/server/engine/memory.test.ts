import { describe, expect, it } from 'vitest';
import { createMemoryEngine } from '../../../src/server/engine/index.js';
import { isEngineError } from '../../../src/server/engine/types.js';
import { createMemoryStore, DEFAULT_MEMORY_STORE_BOUNDS, type ConversationStore } from '../../../src/server/store/index.js';
import { describeEngineContract, identity, session } from './contract.js';

// The memory engine shares nothing across processes by design: its "other instance" is itself.
describeEngineContract('memory', {
  make: async (options) => createMemoryEngine(options),
  sibling: async (engine) => ({ ...engine, close: async () => {} }),
});

async function fill(store: ConversationStore, community: string, count: number, at = 1_000): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < count; i++) ids.push((await store.upsertConversation(community, `k${i}`, identity(`u${i}`), at + i)).id);
  return ids;
}

async function capacityError(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected ERR_CAPACITY');
}

describe('memory store bounds (SPEC §6 "Bounds")', () => {
  it('never evicts a conversation that holds messages: at maxConversations a new one is refused with ERR_CAPACITY', async () => {
    const store = createMemoryStore({ maxConversations: 3 });
    const ids = await fill(store, 'acme', 3);
    for (const id of ids) await store.appendMessage(id, { author: 'visitor', body: 'waiting for an answer', createdAt: 2_000 });
    const error = await capacityError(store.upsertConversation('acme', 'newcomer', identity('n'), 3_000));
    expect(isEngineError(error) && error.code).toBe('ERR_CAPACITY');
    for (const id of ids) expect(await store.listMessages(id)).toHaveLength(1);
    // A visitor already here still registers (an upsert of an existing key needs no room).
    expect((await store.upsertConversation('acme', 'k1', identity('u1'), 3_001)).id).toBe(ids[1]);
  });

  it('drops conversations nobody wrote in first, least recently active first', async () => {
    const store = createMemoryStore({ maxConversations: 3 });
    const [real] = await fill(store, 'acme', 1);
    await store.appendMessage(real!, { author: 'visitor', body: 'my order #123', createdAt: 1_500 });
    for (let i = 0; i < 10; i++) await store.upsertConversation('acme', `empty-${i}`, identity(`e${i}`), 2_000 + i);
    expect((await store.listConversations({ community: 'acme', limit: 10 })).conversations.map((c) => c.key)).toEqual(['empty-9', 'empty-8', 'k0']);
  });

  it('counts per-record overhead: a flood of one-character messages meets maxBytes, not a character count', async () => {
    const store = createMemoryStore({ maxBytes: 200_000, maxMessagesPerConversation: Infinity });
    const [id] = await fill(store, 'acme', 1);
    let stored = 0;
    let error: unknown;
    try {
      for (; stored < 10_000; stored++) await store.appendMessage(id!, { author: 'visitor', body: 'x', clientId: `flood-${stored}-xxxx`, createdAt: 2_000 });
    } catch (caught) {
      error = caught;
    }
    expect(isEngineError(error) && error.code).toBe('ERR_CAPACITY');
    // ~200 KB at ~1 KB a message (record, idempotency key, text): a couple of hundred, where a character count allowed 100,000.
    expect(stored).toBeGreaterThan(150);
    expect(stored).toBeLessThan(500);
  });

  it('drops idle conversations after conversationIdleMs; session activity counts as activity', async () => {
    const store = createMemoryStore({ conversationIdleMs: 1000, sweepIntervalMs: 100 });
    const a = await store.upsertConversation('acme', 'a', identity('a'), 0);
    const b = await store.upsertConversation('acme', 'b', identity('b'), 500);
    await store.appendMessage(a.id, { author: 'visitor', body: 'hello', createdAt: 10 });
    await store.saveSession(session('sb', b.id, 500));
    await store.touchSession('sb', 900, 10_000);
    await store.upsertConversation('acme', 'c', identity('c'), 1200);
    expect(await store.getConversation(a.id)).toBeUndefined();
    expect(await store.getConversation(b.id)).toBeDefined();
    await store.upsertConversation('acme', 'd', identity('d'), 1950);
    expect(await store.getConversation(b.id)).toBeUndefined();
    expect(await store.getSession('sb')).toBeUndefined();
  });

  it('sessions past retainUntil read as gone; past maxSessions the least recently used go', async () => {
    const store = createMemoryStore({ maxSessions: 2, sweepIntervalMs: 10 });
    const c = await store.upsertConversation('acme', 'k', identity('u'), 0);
    await store.saveSession(session('old', c.id, 0, { retainUntil: 100 }));
    await store.touchSession('old', 150, 100);
    expect(await store.getSession('old')).toBeUndefined();
    await store.saveSession(session('s1', c.id, 200));
    await store.saveSession(session('s2', c.id, 201));
    await store.touchSession('s1', 202, 1_000_000);
    await store.saveSession(session('s3', c.id, 203));
    expect(await store.getSession('s2')).toBeUndefined();
    expect(await store.getSession('s1')).toBeDefined();
    expect(await store.getSession('s3')).toBeDefined();
  });

  it('documents its defaults and refuses nonsense', () => {
    expect(DEFAULT_MEMORY_STORE_BOUNDS).toMatchObject({ maxConversations: 10_000, maxMessagesPerConversation: 500, conversationIdleMs: 604_800_000, maxBytes: 104_857_600 });
    expect(() => createMemoryStore({ maxConversations: 0 })).toThrow(expect.objectContaining({ code: 'ERR_HANDLER_CONFIG' }));
    expect(() => createMemoryStore({ maxMessagesPerConversation: 2.5 })).toThrow(/integer/);
    expect(() => createMemoryStore({ conversationIdleMs: Number.NaN })).toThrow(expect.objectContaining({ code: 'ERR_HANDLER_CONFIG' }));
    expect(() => createMemoryStore({ maxConversation: 3 } as never)).toThrow(/unknown option/);
    expect(() => createMemoryStore({ maxMessageChars: 3 } as never)).toThrow(/replaced by maxBytes/);
    expect(() => createMemoryEngine({ store: createMemoryStore(), maxBytes: 5 })).toThrow(/either/);
  });
});
