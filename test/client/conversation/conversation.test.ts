/**
 * conversation/conversation.ts: the messages as the panel shows them, deduplicated and in the
 * server's order (SPEC §10), and the event-facing copy of a message (SPEC §5 events).
 */
import { describe, expect, it } from 'vitest';
import type { ChatMessage } from '../../../src/identity/index.js';
import { Conversation, publicMessage, type Entry } from '../../../src/client/conversation/conversation.js';

const AT = Date.UTC(2026, 0, 1);

function message(seq: number, extra: Partial<ChatMessage> = {}): ChatMessage {
  return { id: `m${seq}`, seq, author: 'agent', body: `message ${seq}`, createdAt: AT + seq, ...extra };
}

/** A visitor message waiting for the server (conversation/outbox.ts puts these in). */
function pending(conversation: Conversation, clientId: string, body = 'typed'): Entry {
  const entry: Entry = { key: clientId, clientId, author: 'visitor', body, createdAt: AT, state: 'sending' };
  conversation.entries.push(entry);
  return entry;
}

const keys = (conversation: Conversation): string[] => conversation.entries.map((e) => e.key);

describe('the event-facing copy of a message', () => {
  it('has the id, the clientId, the author, the body and the time, nothing internal', () => {
    const entry: Entry = { key: 'c1', id: 'm1', seq: 1, clientId: 'c1', author: 'visitor', body: 'hi', createdAt: AT, state: 'sent' };
    expect(publicMessage(entry)).toEqual({ id: 'm1', clientId: 'c1', author: 'visitor', body: 'hi', createdAt: AT });
  });

  it('leaves out an id or a clientId the message does not have', () => {
    expect(publicMessage({ author: 'system', body: 'hello', createdAt: AT })).toEqual({ author: 'system', body: 'hello', createdAt: AT });
    expect(Object.keys(publicMessage({ id: 'm2', clientId: '', author: 'agent', body: 'x', createdAt: AT }))).toEqual(['id', 'author', 'body', 'createdAt']);
  });
});

describe('adding server messages', () => {
  it('adds a new one at the end, keyed by its id, as sent', () => {
    const conversation = new Conversation();
    const { entry, before } = conversation.upsert(message(1, { agent: { id: 'ann', name: 'Ann' } }));
    expect(before).toBeUndefined();
    expect(entry).toEqual({ key: 'sm1', id: 'm1', seq: 1, author: 'agent', body: 'message 1', createdAt: AT + 1, state: 'sent', agent: { id: 'ann', name: 'Ann' } });
    expect(conversation.entries).toEqual([entry]);
  });

  it('shows a message that comes twice (stream, history, another tab) once, updated', () => {
    const conversation = new Conversation();
    conversation.upsert(message(1));
    const again = conversation.upsert(message(1, { body: 'edited' }));
    expect(conversation.entries).toHaveLength(1);
    expect(again.entry.body).toBe('edited');
    expect(again.before).toBeUndefined();
  });

  it('turns the visitor’s pending copy into the sent message, matched by clientId, in its place', () => {
    const conversation = new Conversation();
    const waiting = pending(conversation, 'c1');
    conversation.upsert(message(1));
    const { entry } = conversation.upsert(message(2, { author: 'visitor', clientId: 'c1', body: 'typed' }));
    expect(entry).toBe(waiting);
    expect(entry).toMatchObject({ key: 'c1', id: 'm2', seq: 2, state: 'sent' });
    expect(keys(conversation)).toEqual(['c1', 'sm1']);
  });

  it('puts a late message in its place by seq, saying which entry it goes before', () => {
    const conversation = new Conversation();
    conversation.upsert(message(1));
    conversation.upsert(message(4));
    const { before } = conversation.upsert(message(2));
    expect(before).toBe('sm4');
    expect(keys(conversation)).toEqual(['sm1', 'sm2', 'sm4']);
  });
});

describe('local messages (addMessage)', () => {
  it('are shown in order with their own keys, never sent', () => {
    const conversation = new Conversation();
    const greeting = conversation.addLocal('Welcome!', 'agent', AT);
    const second = conversation.addLocal('Ask away', 'system', AT);
    expect(greeting).toEqual({ key: 'l1', author: 'agent', body: 'Welcome!', createdAt: AT, state: 'sent' });
    expect(second.key).toBe('l2');
    expect(greeting.id).toBeUndefined();
  });
});

describe('a conversation the server forgot (a re-registration in place)', () => {
  it('keeps what is shown, and the new log’s messages follow it', () => {
    const conversation = new Conversation();
    conversation.upsert(message(5));
    conversation.upsert(message(6));
    conversation.orphan();
    expect(conversation.entries.every((e) => e.seq === undefined)).toBe(true);
    const { before } = conversation.upsert(message(1, { id: 'n1' }));
    expect(before).toBeUndefined();
    expect(keys(conversation)).toEqual(['sm5', 'sm6', 'sn1']);
  });
});

describe('clearing', () => {
  function mixed(): Conversation {
    const conversation = new Conversation();
    conversation.addLocal('greeting', 'agent', AT);
    conversation.upsert(message(1));
    pending(conversation, 'c9');
    return conversation;
  }

  it('removes everything by default, and returns what it removed', () => {
    const conversation = mixed();
    expect(conversation.clear().map((e) => e.key)).toEqual(['l1', 'sm1', 'c9']);
    expect(conversation.entries).toEqual([]);
  });

  it('keeps the host page’s own messages with "local"', () => {
    const conversation = mixed();
    expect(conversation.clear('local').map((e) => e.key)).toEqual(['sm1', 'c9']);
    expect(keys(conversation)).toEqual(['l1']);
  });

  it('keeps those and the messages the server has not acknowledged with "unsent"', () => {
    const conversation = mixed();
    expect(conversation.clear('unsent').map((e) => e.key)).toEqual(['sm1']);
    expect(keys(conversation)).toEqual(['l1', 'c9']);
  });
});
