/**
 * The event body (src/server/webhooks/payload.ts), read from a real memory
 * store when it is delivered: SPEC §12's `{ type, timestamp, data }`, with
 * the verified identity and the message, and nothing when it is gone.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { createMemoryStore } from '../../../src/server/store/memory.js';
import type { ConversationStore } from '../../../src/server/store/types.js';
import { buildEvent } from '../../../src/server/webhooks/payload.js';
import { identity } from '../engine/contract.js';

const AT = Date.UTC(2026, 5, 1, 12, 30);
const signed = identity('user-42', {
  kid: 'site_2026',
  fields: { firstname: 'Ada', email: 'ada@example.com' },
  customFields: { plan: 'pro' },
  extraValues: { internal: 'not sent' },
});
const anonymous = identity('anon-1', { uuidSource: 'automated', signed: false });

let store: ConversationStore;
beforeEach(() => {
  store = createMemoryStore();
});

async function conversationWith(visitor: ReturnType<typeof identity>, ...bodies: string[]): Promise<string> {
  const { id } = await store.upsertConversation('shop', `key:${visitor.uuid}`, visitor, AT);
  for (const body of bodies) await store.appendMessage(id, { author: 'visitor', body, createdAt: AT });
  return id;
}

describe('buildEvent', () => {
  it('builds a conversation event: type, ISO timestamp, where it happened and who the visitor is, as verified', async () => {
    const id = await conversationWith(signed);
    const event = await buildEvent(store, 'shop', { type: 'conversation.created', conversationId: id, seq: 0, at: AT });
    expect(event).toEqual({ type: 'conversation.created', timestamp: '2026-06-01T12:30:00.000Z', data: { community: 'shop', conversationId: id, seq: 0, identity: expect.any(Object) } });
    // Everything verified but the extra values and the mapping's warnings, which stay in the inbox.
    const { extraValues: _extra, warnings: _warnings, ...carried } = signed;
    expect(event?.data.identity).toEqual({ ...carried, email: 'ada@example.com' });
  });

  it('carries the message of a message.created event, the one with the event’s seq', async () => {
    const id = await conversationWith(signed, 'first', 'second', 'third');
    const event = await buildEvent(store, 'shop', { type: 'message.created', conversationId: id, seq: 2, at: AT });
    expect(event?.data.seq).toBe(2);
    expect(event?.data.message).toMatchObject({ seq: 2, author: 'visitor', body: 'second' });
  });

  it('leaves out kid and email when the visitor has none (no undefined keys in the JSON)', async () => {
    const id = await conversationWith(anonymous);
    const event = await buildEvent(store, 'shop', { type: 'conversation.closed', conversationId: id, seq: 0, at: AT });
    expect(event?.data.identity).toEqual({ uuid: 'anon-1', uuidSource: 'automated', signed: false, fields: {}, customFields: {} });
    expect(Object.keys(event!.data.identity)).not.toContain('kid');
    expect(Object.keys(event!.data.identity)).not.toContain('email');
  });

  it('carries the e-mail a visitor left when nobody was online (SPEC §10), when the identity has none', async () => {
    const id = await conversationWith(anonymous, 'anyone there?');
    await store.updateState(id, { email: 'left@example.com' });
    const event = await buildEvent(store, 'shop', { type: 'conversation.unanswered', conversationId: id, seq: 1, at: AT });
    expect(event?.data.identity.email).toBe('left@example.com');
  });

  it('prefers the signed identity’s e-mail to the one left', async () => {
    const id = await conversationWith(signed, 'hello');
    await store.updateState(id, { email: 'other@example.com' });
    const event = await buildEvent(store, 'shop', { type: 'conversation.created', conversationId: id, seq: 0, at: AT });
    expect(event?.data.identity.email).toBe('ada@example.com');
  });

  it('copies the fields, so the event never shares objects with the store', async () => {
    const id = await conversationWith(signed);
    const event = await buildEvent(store, 'shop', { type: 'conversation.created', conversationId: id, seq: 0, at: AT });
    event!.data.identity.fields.firstname = 'changed';
    event!.data.identity.customFields.plan = 'changed';
    const again = await buildEvent(store, 'shop', { type: 'conversation.created', conversationId: id, seq: 0, at: AT });
    expect(again?.data.identity.fields.firstname).toBe('Ada');
    expect(again?.data.identity.customFields.plan).toBe('pro');
  });

  it('is undefined when the conversation or the message is gone: there is nothing left to tell', async () => {
    expect(await buildEvent(store, 'shop', { type: 'conversation.created', conversationId: 'no-such-conversation', seq: 0, at: AT })).toBeUndefined();
    const id = await conversationWith(signed, 'only one');
    expect(await buildEvent(store, 'shop', { type: 'message.created', conversationId: id, seq: 2, at: AT })).toBeUndefined();
    expect(await buildEvent(store, 'shop', { type: 'message.created', conversationId: id, seq: 0, at: AT })).toBeUndefined();
  });
});
