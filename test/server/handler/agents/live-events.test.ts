import { describe, expect, it } from 'vitest';
import { askedEvents, openingEvents, optedIn, passes } from '../../../../src/server/handler/agents/live-events.js';
import type { AgentAccess } from '../../../../src/server/handler/agents/access.js';
import { testContext, unsignedIdentity } from '../context-kit.js';

const OPTIONAL = ['typing', 'read'] as const;
const url = (query: string): URL => new URL(`https://chat.test/v1/stream${query}`);

describe('openingEvents: what a visitor stream says first (SPEC §11)', () => {
  it('says nothing for a conversation the agents have not read, with the agent API off', async () => {
    const ctx = testContext();
    const conversation = await ctx.store.upsertConversation('shop', 'browser:a', unsignedIdentity(), ctx.clock.at);
    expect(await openingEvents(ctx, conversation.id)).toEqual([]);
    expect(await openingEvents(ctx, 'no-such-conversation')).toEqual([]);
  });

  it("says the agents' presence first when the agent API is on, then how far they have read", async () => {
    const agents = { visitorPresence: () => ({ available: true, replyTime: 'Within an hour' }) } as unknown as AgentAccess;
    const ctx = testContext({ agents });
    const conversation = await ctx.store.upsertConversation('shop', 'browser:a', unsignedIdentity(), ctx.clock.at);
    for (let i = 1; i <= 5; i++) await ctx.store.appendMessage(conversation.id, { author: 'visitor', body: `m${i}`, createdAt: ctx.clock.at });
    await ctx.store.updateState(conversation.id, { agentReadSeq: 4 });
    expect(await openingEvents(ctx, conversation.id)).toEqual([
      { type: 'presence', available: true, replyTime: 'Within an hour' },
      { type: 'read', seq: 4 },
    ]);
  });
});

describe('askedEvents and passes: the optional events of ?events=', () => {
  it('keeps only the optional events asked for, in the list order', () => {
    expect(askedEvents(url('?events=read,bogus,typing'), OPTIONAL)).toEqual(['typing', 'read']);
    expect(askedEvents(url(''), OPTIONAL)).toEqual([]);
    expect(askedEvents(url('?events='), OPTIONAL)).toEqual([]);
  });

  it('reads at most the first 20 names asked for', () => {
    const filler = Array.from({ length: 20 }, (_, i) => `x${i}`).join(',');
    expect(askedEvents(url(`?events=${filler},typing`), OPTIONAL)).toEqual([]);
    expect(askedEvents(url(`?events=typing,${filler}`), OPTIONAL)).toEqual(['typing']);
  });

  it('passes any event that is not optional, and an optional one only when asked', () => {
    expect(passes('message', OPTIONAL, [])).toBe(true);
    expect(passes('typing', OPTIONAL, [])).toBe(false);
    expect(passes('typing', OPTIONAL, ['typing'])).toBe(true);
    expect(passes('read', OPTIONAL, ['typing'])).toBe(false);
  });
});

describe('optedIn: the send of a stream', () => {
  it('hands on what passes and drops the optional events an older client did not ask for', () => {
    const sent: string[] = [];
    const send = optedIn<{ type: string }>(url('?events=read'), OPTIONAL, (event) => sent.push(event.type));
    for (const type of ['message', 'typing', 'read', 'presence']) send({ type });
    expect(sent).toEqual(['message', 'read', 'presence']);
  });
});
