import { describe, expect, it } from 'vitest';
import { readConversation, readMessage, readSession } from '../../../../src/server/engine/sqlite/rows.js';
import { identity, session } from '../contract.js';

const conversationRow = {
  id: 'acme.c1',
  community: 'acme',
  key: 'signed:u',
  identity: JSON.stringify(identity('u', { kid: 'k1' })),
  created_at: 1_000,
  updated_at: 2_000n,
  active_at: 3_000,
  last_page: null,
  last_seq: 7,
  epoch: 'e1',
  owner: '10.0.0.1',
  client_ids: 2,
  trimmed_seq: 0,
  state: null,
};

describe('a conversations row read as a record', () => {
  it('takes the record fields only, numbers as numbers, the identity parsed', () => {
    expect(readConversation(conversationRow)).toEqual({ id: 'acme.c1', community: 'acme', key: 'signed:u', identity: identity('u', { kid: 'k1' }), createdAt: 1_000, updatedAt: 2_000, lastSeq: 7, epoch: 'e1' });
  });

  it('adds lastPage and state when the row has them', () => {
    const state = { status: 'closed', visitorReadSeq: 1, agentReadSeq: 2, unread: 0 };
    const record = readConversation({ ...conversationRow, last_page: JSON.stringify({ url: 'https://shop.test/cart' }), state: JSON.stringify(state) });
    expect(record).toMatchObject({ lastPage: { url: 'https://shop.test/cart' }, state });
  });

  it('is a fresh copy each time, and undefined for no row', () => {
    const first = readConversation(conversationRow)!;
    first.identity.fields.firstname = 'tampered';
    expect(readConversation(conversationRow)!.identity.fields).toEqual({});
    expect(readConversation(undefined)).toBeUndefined();
  });
});

describe('a messages row read as a message', () => {
  const row = { conversation_id: 'acme.c1', seq: 3n, id: 'm3', author: 'agent', client_id: null, agent: null, body: 'hello', created_at: 9_000 };

  it('has the memory engine’s fields in its order, without clientId or agent when the row has none', () => {
    const message = readMessage(row);
    expect(message).toEqual({ id: 'm3', seq: 3, author: 'agent', body: 'hello', createdAt: 9_000 });
    expect(Object.keys(message)).toEqual(['id', 'seq', 'author', 'body', 'createdAt']);
  });

  it('carries the clientId and the agent when the row has them', () => {
    const message = readMessage({ ...row, client_id: 'c3', agent: JSON.stringify({ id: 'ana', name: 'Ana' }) });
    expect(Object.keys(message)).toEqual(['id', 'seq', 'clientId', 'author', 'agent', 'body', 'createdAt']);
    expect(message).toMatchObject({ clientId: 'c3', agent: { id: 'ana', name: 'Ana' } });
  });
});

describe('a sessions row read as a session', () => {
  it('is the stored record, or undefined for no row', () => {
    const record = session('acme.s1', 'acme.c1', 5_000, { expiresAt: 6_000 });
    expect(readSession({ record: JSON.stringify(record) })).toEqual(record);
    expect(readSession(undefined)).toBeUndefined();
  });
});
