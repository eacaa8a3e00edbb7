import { describe, expect, it } from 'vitest';
import { createMemoryStore, RECORD_OVERHEAD_BYTES } from '../../../src/server/store/memory.js';
import type { OutboxEntry } from '../../../src/server/store/outbox-types.js';
import type { OutboxWriter } from '../../../src/server/store/outbox-writer.js';
import { identity, session } from '../engine/contract.js';
import { errorOf } from './fixtures.js';

/** An OutboxWriter that keeps what the store wrote, with the community. */
function recordingOutbox(): OutboxWriter & { written: (Omit<OutboxEntry, 'id'> & { community: string })[] } {
  const written: (Omit<OutboxEntry, 'id'> & { community: string })[] = [];
  return { written, record: (community, entry) => void written.push({ community, ...entry }) };
}

/** The bytes a new conversation costs: its overhead, its key, and its identity (JSON at 2 bytes a character, 8 properties here). */
const conversationBytes = (key: string, uuid: string): number =>
  RECORD_OVERHEAD_BYTES.conversation + 2 * key.length + 2 * JSON.stringify(identity(uuid)).length + 8 * RECORD_OVERHEAD_BYTES.identityProperty;

describe('the memory store writes its outbox in the step of each change (SPEC §12)', () => {
  it('conversation.created once per conversation, message.created per new message with its author, nothing for a retry', async () => {
    const outbox = recordingOutbox();
    const store = createMemoryStore({}, outbox);
    const c = await store.upsertConversation('acme', 'signed:a', identity('a'), 1_000);
    await store.upsertConversation('acme', 'signed:a', identity('a'), 1_100);
    await store.appendMessage(c.id, { author: 'visitor', body: 'hi', clientId: 'c1', createdAt: 1_200 });
    await store.appendMessage(c.id, { author: 'visitor', body: 'hi', clientId: 'c1', createdAt: 1_300 });
    await store.appendMessage(c.id, { author: 'agent', body: 'hello', createdAt: 1_400 });
    expect(outbox.written).toEqual([
      { community: 'acme', type: 'conversation.created', conversationId: c.id, seq: 0, at: 1_000 },
      { community: 'acme', type: 'message.created', conversationId: c.id, seq: 1, at: 1_200, author: 'visitor' },
      { community: 'acme', type: 'message.created', conversationId: c.id, seq: 2, at: 1_400, author: 'agent' },
    ]);
  });

  it('closed and reopened where the status moves, at the latest instant the store was given', async () => {
    const outbox = recordingOutbox();
    const store = createMemoryStore({}, outbox);
    const c = await store.upsertConversation('acme', 'signed:a', identity('a'), 1_000);
    await store.appendMessage(c.id, { author: 'visitor', body: 'hi', createdAt: 5_000 });
    outbox.written.length = 0;
    await store.updateState(c.id, { status: 'closed' });
    await store.updateState(c.id, { assignee: 'ana' });
    await store.noteVisitorMessage(c.id, 2);
    await store.noteVisitorMessage(c.id, 3);
    expect(outbox.written).toEqual([
      { community: 'acme', type: 'conversation.closed', conversationId: c.id, seq: 1, at: 5_000 },
      { community: 'acme', type: 'conversation.reopened', conversationId: c.id, seq: 1, at: 5_000 },
    ]);
  });
});

describe('what the memory store holds', () => {
  it('stores a deep-frozen copy of the identity: neither the caller nor a reader can change it', async () => {
    const store = createMemoryStore();
    const given = identity('u', { fields: { firstname: 'Ada' } });
    const c = await store.upsertConversation('acme', 'k', given, 1_000);
    given.fields.firstname = 'changed later';
    expect(Object.isFrozen(c.identity.fields)).toBe(true);
    expect(() => {
      c.identity.fields.firstname = 'tampered';
    }).toThrow(TypeError);
    expect((await store.getConversation(c.id))!.identity.fields.firstname).toBe('Ada');
  });

  it('the same key in two communities is two conversations, each listed in its own community only', async () => {
    const store = createMemoryStore();
    const a = await store.upsertConversation('acme', 'signed:u', identity('u'), 1_000);
    const b = await store.upsertConversation('globex', 'signed:u', identity('u'), 1_000);
    expect(a.id).not.toBe(b.id);
    expect(a.id.startsWith('acme.') && b.id.startsWith('globex.')).toBe(true);
    expect((await store.listConversations({ community: 'globex', limit: 10 })).conversations.map((c) => c.id)).toEqual([b.id]);
  });

  it('a full last page still carries a cursor; the page after it is empty, without one', async () => {
    const store = createMemoryStore();
    for (let i = 0; i < 2; i++) await store.upsertConversation('acme', `k${i}`, identity(`u${i}`), 1_000 + i);
    const first = await store.listConversations({ community: 'acme', limit: 2 });
    expect(first.conversations).toHaveLength(2);
    expect(first.cursor).toBe(`1000.${first.conversations[1]!.id}`);
    expect(await store.listConversations({ community: 'acme', limit: 2, cursor: first.cursor })).toEqual({ conversations: [] });
  });

  it('an unknown conversation: undefined for every change, no messages', async () => {
    const store = createMemoryStore();
    const unknown = `acme.${crypto.randomUUID()}`;
    expect(await store.setLastPage(unknown, { url: 'https://shop.test/' }, 1)).toBeUndefined();
    expect(await store.appendMessage(unknown, { author: 'visitor', body: 'x', createdAt: 1 })).toBeUndefined();
    expect(await store.updateState(unknown, { status: 'closed' })).toBeUndefined();
    expect(await store.noteVisitorMessage(unknown, 1)).toBeUndefined();
    expect(await store.listMessages(unknown)).toEqual([]);
  });

  it('a touch never shortens retainUntil; a conversation dropped takes its sessions with it', async () => {
    const store = createMemoryStore({ conversationIdleMs: 10_000, emptyConversationIdleMs: 10_000, sweepIntervalMs: 1 });
    const c = await store.upsertConversation('acme', 'k', identity('u'), 0);
    await store.saveSession(session('acme.s', c.id, 0, { retainUntil: 1_000_000 }));
    await store.touchSession('acme.s', 10, 500);
    expect(await store.getSession('acme.s')).toMatchObject({ lastSeenAt: 10, retainUntil: 1_000_000 });
    await store.upsertConversation('acme', 'other', identity('o'), 20_000);
    expect(await store.getConversation(c.id)).toBeUndefined();
    expect(await store.getSession('acme.s')).toBeUndefined();
  });
});

describe('maxBytes counts each record at its estimated heap cost (RECORD_OVERHEAD_BYTES)', () => {
  it('a conversation costs its overhead, its key and its identity: it fits a budget of exactly that, not one byte less', async () => {
    const cost = conversationBytes('signed:u', 'u');
    await expect(createMemoryStore({ maxBytes: cost }).upsertConversation('acme', 'signed:u', identity('u'), 0)).resolves.toMatchObject({ key: 'signed:u' });
    const error = await errorOf(createMemoryStore({ maxBytes: cost - 1 }).upsertConversation('acme', 'signed:u', identity('u'), 0));
    expect(error).toMatchObject({ name: 'EngineError', code: 'ERR_CAPACITY', retryAfter: 60 });
  });

  it('a message costs its overhead and its text at 2 bytes a character; refused when it does not fit, the conversation kept', async () => {
    const room = conversationBytes('k', 'u') + RECORD_OVERHEAD_BYTES.message + 2 * 'hello'.length;
    const store = createMemoryStore({ maxBytes: room });
    const c = await store.upsertConversation('acme', 'k', identity('u'), 0);
    expect(await store.appendMessage(c.id, { author: 'visitor', body: 'hello', createdAt: 1 })).toMatchObject({ created: true, message: { seq: 1 } });
    expect(await errorOf(store.appendMessage(c.id, { author: 'visitor', body: 'h', createdAt: 2 }))).toMatchObject({ code: 'ERR_CAPACITY' });
    expect((await store.listMessages(c.id)).map((m) => m.body)).toEqual(['hello']);
  });

  it('a conversation nobody wrote in makes room for a new one; a conversation with a message never does', async () => {
    // Room for one conversation and a one-character message, not for two conversations.
    const store = createMemoryStore({ maxBytes: conversationBytes('k2', 'u') + RECORD_OVERHEAD_BYTES.message + 2 });
    const empty = await store.upsertConversation('acme', 'k1', identity('u'), 0);
    const second = await store.upsertConversation('acme', 'k2', identity('u'), 1);
    expect(await store.getConversation(empty.id)).toBeUndefined();
    await store.appendMessage(second.id, { author: 'visitor', body: 'x', createdAt: 2 });
    expect(await errorOf(store.upsertConversation('acme', 'k3', identity('u'), 3))).toMatchObject({ code: 'ERR_CAPACITY' });
    expect(await store.getConversation(second.id)).toBeDefined();
  });
});
