/**
 * announcing (issue 21 item 4): an in-process store whose appends note a
 * visitor message as unread (reopening the conversation) and then publish
 * it, and underlyingStore, which sees through the wrapper.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { announcing, underlyingStore } from '../../../src/server/engine/announce.js';
import { createLocalBus } from '../../../src/server/engine/local-bus.js';
import { createMemoryEngine } from '../../../src/server/engine/memory.js';
import { createSqliteEngine } from '../../../src/server/engine/sqlite/index.js';
import type { Engine } from '../../../src/server/engine/index.js';
import type { BusEvent, LiveBus } from '../../../src/server/engine/types.js';
import { createMemoryStore, type ConversationRecord, type ConversationStore } from '../../../src/server/store/index.js';
import { recorder } from './bus-events.js';
import { identity } from './contract.js';

/** A bus that records what it is asked to publish, with the conversation's state as the store had it then. */
function watchedBus(store: () => ConversationStore): { bus: LiveBus; heard: { event: BusEvent; state?: ConversationRecord['state'] }[] } {
  const heard: { event: BusEvent; state?: ConversationRecord['state'] }[] = [];
  const local = createLocalBus();
  return {
    heard,
    bus: {
      subscribe: local.subscribe,
      async publish(community, event) {
        const state = 'conversationId' in event ? (await store().getConversation(event.conversationId))?.state : undefined;
        heard.push({ event, ...(state ? { state } : {}) });
      },
    },
  };
}

async function setUp(inner: ConversationStore = createMemoryStore()) {
  const watched = watchedBus(() => inner);
  const store = announcing(inner, watched.bus);
  const { id } = await store.upsertConversation('acme', 'k1', identity('u1'), 1_000);
  return { store, inner, id, heard: watched.heard };
}

describe('announcing store: an append announces itself', () => {
  it('publishes a new visitor message after counting it unread and reopening its conversation', async () => {
    const { store, id, heard } = await setUp();
    await store.updateState(id, { status: 'closed' });
    const result = await store.appendMessage(id, { author: 'visitor', body: 'hello', createdAt: 2_000 });
    expect(result?.created).toBe(true);
    expect(heard).toEqual([{ event: { type: 'message', conversationId: id, message: result!.message }, state: expect.objectContaining({ status: 'open', unread: 1 }) }]);
  });

  it('publishes an agent message without counting it unread or reopening', async () => {
    const { store, id, heard } = await setUp();
    await store.updateState(id, { status: 'closed' });
    await store.appendMessage(id, { author: 'agent', agent: { id: 'a1', name: 'Ann' }, body: 'hi', createdAt: 2_000 });
    expect(heard).toHaveLength(1);
    expect(heard[0]!.state).toEqual(expect.objectContaining({ status: 'closed', unread: 0 }));
  });

  it('announces a retried clientId only once, and nothing for an unknown conversation', async () => {
    const { store, id, heard } = await setUp();
    const first = await store.appendMessage(id, { author: 'visitor', clientId: 'c1', body: 'once', createdAt: 2_000 });
    const retry = await store.appendMessage(id, { author: 'visitor', clientId: 'c1', body: 'once', createdAt: 2_001 });
    expect(retry).toEqual({ message: first!.message, created: false });
    expect((await store.getConversation(id))?.state?.unread).toBe(1);
    expect(await store.appendMessage('acme.00000000-0000-4000-8000-00000000dead', { author: 'visitor', body: 'x', createdAt: 1 })).toBeUndefined();
    expect(heard).toHaveLength(1);
  });

  it('keeps the message when the announcement fails: the append still succeeds', async () => {
    const inner = createMemoryStore();
    const failing: LiveBus = { ...createLocalBus(), publish: () => Promise.reject(new Error('bus down')) };
    const store = announcing(inner, failing);
    const { id } = await store.upsertConversation('acme', 'k1', identity('u1'), 1_000);
    await expect(store.appendMessage(id, { author: 'visitor', body: 'kept', createdAt: 2_000 })).resolves.toMatchObject({ created: true });
    expect((await inner.listMessages(id)).map((m) => m.body)).toEqual(['kept']);
  });

  it('finds the community in the record when a store of yours uses ids without one', async () => {
    const inner = createMemoryStore();
    const { id: realId } = await inner.upsertConversation('acme', 'k1', identity('u1'), 1_000);
    // A store of yours with its own ids: "conv-1" names no community.
    const own: ConversationStore = {
      ...inner,
      getConversation: async (id) => (id === 'conv-1' ? inner.getConversation(realId) : undefined),
      noteVisitorMessage: async (id, seq) => inner.noteVisitorMessage(id === 'conv-1' ? realId : id, seq),
      appendMessage: async (id, input) => (id === 'conv-1' ? inner.appendMessage(realId, input) : undefined),
    };
    const published: [string, BusEvent][] = [];
    const store = announcing(own, { ...createLocalBus(), publish: async (community, event) => void published.push([community, event]) });
    await store.appendMessage('conv-1', { author: 'visitor', body: 'hi', createdAt: 2_000 });
    expect(published.map(([community, event]) => [community, event.type])).toEqual([['acme', 'message']]);
  });

  it('works with a store whose methods use `this` (a class)', async () => {
    const inner = createMemoryStore();
    const proto: Record<string, unknown> = {};
    for (const name of Object.keys(inner)) {
      proto[name] = function (this: { inner: ConversationStore }, ...args: unknown[]) {
        return (this.inner as unknown as Record<string, (...a: unknown[]) => unknown>)[name]!(...args);
      };
    }
    const classStore = Object.assign(Object.create(proto) as ConversationStore, { inner });
    const { store, id, heard } = await setUp(classStore);
    expect((await store.appendMessage(id, { author: 'visitor', body: 'hi', createdAt: 2_000 }))?.created).toBe(true);
    expect((await store.listMessages(id)).map((m) => m.body)).toEqual(['hi']);
    expect(heard).toHaveLength(1);
  });
});

describe('underlyingStore: two engines around one store are one store', () => {
  it('gives the wrapped store for an announcing one, through any number of wrappers, and the store itself otherwise', () => {
    const inner = createMemoryStore();
    const bus = createLocalBus();
    const once = announcing(inner, bus);
    expect(underlyingStore(once)).toBe(inner);
    expect(underlyingStore(announcing(once, createLocalBus()))).toBe(inner);
    expect(underlyingStore(inner)).toBe(inner);
    expect(announcing(inner, bus)).not.toBe(once);
  });
});

describe('announcing store: the epoch beside a message (issue 22)', () => {
  /** Appends a visitor and an agent message; what a conversation's listener and an agents' listener heard, and its epoch. */
  async function heardOn(engine: Engine) {
    const { id, epoch } = await engine.store.upsertConversation('acme', 'k1', identity('u1'), 1_000);
    const conversation = recorder();
    const agents = recorder();
    engine.bus.subscribe('acme', conversation.listener, { conversationId: id });
    engine.bus.subscribe('acme', agents.listener, 'agents');
    await engine.store.appendMessage(id, { author: 'visitor', body: 'hello', createdAt: 2_000 });
    await engine.store.appendMessage(id, { author: 'agent', agent: { id: 'a1', name: 'Ann' }, body: 'hi', createdAt: 3_000 });
    return { epoch, conversation: conversation.heard, agents: agents.heard };
  }

  it('the memory engine carries the log\'s epoch with each message, as the Redis bus does: streams need not read the log', async () => {
    const { epoch, conversation, agents } = await heardOn(createMemoryEngine());
    expect(conversation.map(([event, at]) => [event.type === 'message' && event.message.seq, at])).toEqual([[1, epoch], [2, epoch]]);
    expect(agents.map(([, at]) => at)).toEqual([epoch, epoch]);
  });

  it('the SQLite engine carries the log\'s epoch with each message', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'chatq-announce-'));
    const engine = createSqliteEngine({ path: join(dir, 'chatq.db') });
    try {
      const { epoch, conversation } = await heardOn(engine);
      expect(conversation.map(([event, at]) => [event.type === 'message' && event.message.seq, at])).toEqual([[1, epoch], [2, epoch]]);
    } finally {
      await engine.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reads a conversation\'s epoch once, not once per message', async () => {
    const inner = createMemoryStore();
    let reads = 0;
    const counted: ConversationStore = { ...inner, getConversation: (id) => (reads++, inner.getConversation(id)) };
    const bus = createLocalBus();
    const store = announcing(counted, bus, true);
    const { id, epoch } = await store.upsertConversation('acme', 'k1', identity('u1'), 1_000);
    const { heard, listener } = recorder();
    bus.subscribe('acme', listener, { conversationId: id });
    for (let i = 0; i < 5; i++) await store.appendMessage(id, { author: 'agent', agent: { id: 'a1', name: 'Ann' }, body: `m${i}`, createdAt: 2_000 + i });
    expect(heard.map(([, at]) => at)).toEqual(Array(5).fill(epoch));
    expect(reads).toBe(1);
  });

  it('a store of your own (its epochs may change): no epoch, streams read the log', async () => {
    const inner = createMemoryStore();
    const engine = createMemoryEngine({ store: inner });
    const { conversation } = await heardOn(engine);
    expect(conversation.map(([, at]) => at)).toEqual([undefined, undefined]);
  });
});
