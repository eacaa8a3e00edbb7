/**
 * SPEC §11 "Conversation state" over real HTTP (memory engine): open/closed,
 * assignee, the visitor's e-mail, read positions both ways, unread counts,
 * typing both ways (throttled, never stored), and each change reaching the
 * agent streams (summary) and the visitor stream (typing, read → "Seen").
 */
import { describe, expect, it } from 'vitest';
import { VISITOR_PATHS } from '../../../../src/identity/index.js';
import type { SseReader } from '../helpers.js';
import { Agent, ALICE, BOB, serve, Visitor } from '../agents/kit.js';

async function setup(options: Parameters<typeof serve>[0] = {}) {
  const { base } = await serve(options);
  const visitor = await Visitor.register(base);
  return { base, visitor, alice: new Agent(base, ALICE.token), bob: new Agent(base, BOB.token) };
}

const summaries = (reader: SseReader, id: string) => reader.events.filter((e) => e.event === 'summary' && e.data.conversation.id === id).map((e) => e.data.conversation);

describe('open / closed', () => {
  it('close and reopen answer the new summary and reach every agent stream; the visitor’s next message reopens', async () => {
    const { visitor, alice, bob } = await setup();
    await visitor.send('hello');
    const watching = await bob.stream();
    const closed = await alice.act(visitor.conversationId, 'close');
    expect(closed.status).toBe(200);
    expect(closed.body.conversation).toMatchObject({ id: visitor.conversationId, status: 'closed' });
    await watching.until((r) => summaries(r, visitor.conversationId).some((c) => c.status === 'closed'));
    expect((await alice.act(visitor.conversationId, 'reopen')).body.conversation.status).toBe('open');
    await alice.act(visitor.conversationId, 'close');
    await visitor.send('one more question');
    expect((await alice.summary(visitor.conversationId)).status).toBe('open');
    await watching.until((r) => r.events.some((e) => e.event === 'message' && e.data.message.body === 'one more question' && e.data.conversation.status === 'open'));
  });

  it('an unknown conversation is 404', async () => {
    const { alice } = await setup();
    expect((await alice.act('default.nope', 'close')).status).toBe(404);
  });
});

describe('assign', () => {
  it('to one of the agents, null unassigns, an unknown agent is 400', async () => {
    const { visitor, alice } = await setup();
    expect((await alice.act(visitor.conversationId, 'assign', { agentId: 'bob' })).body.conversation.assignee).toBe('bob');
    const unknown = await alice.act(visitor.conversationId, 'assign', { agentId: 'mallory' });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.code).toBe('ERR_BAD_REQUEST');
    expect((await alice.act(visitor.conversationId, 'assign', { agentId: 42 })).status).toBe(400);
    expect((await alice.summary(visitor.conversationId)).assignee).toBe('bob');
    const unassigned = await alice.act(visitor.conversationId, 'assign', { agentId: null });
    expect(unassigned.body.conversation.assignee).toBeUndefined();
  });
});

describe('read positions and unread counts', () => {
  it('unread counts visitor messages past the agents’ read position; the visitor stream hears "read" (Seen)', async () => {
    const { visitor, alice } = await setup();
    const stream = await visitor.stream();
    await visitor.send('one');
    await alice.reply(visitor.conversationId, 'answer');
    await visitor.send('two');
    await visitor.send('three');
    expect(await alice.summary(visitor.conversationId)).toMatchObject({ lastSeq: 4, unread: 3, agentReadSeq: 0 });
    const read = await alice.act(visitor.conversationId, 'read', { seq: 3 });
    expect(read.body.conversation).toMatchObject({ agentReadSeq: 3, unread: 1 });
    await stream.until((r) => r.events.some((e) => e.event === 'read' && e.data.seq === 3));
    // Positions never move back, and never past the newest message.
    expect((await alice.act(visitor.conversationId, 'read', { seq: 1 })).body.conversation).toMatchObject({ agentReadSeq: 3, unread: 1 });
    expect((await alice.act(visitor.conversationId, 'read', { seq: 99 })).body.conversation).toMatchObject({ agentReadSeq: 4, unread: 0 });
    for (const bad of [{ seq: -1 }, { seq: 1.5 }, { seq: '3' }, {}]) expect((await alice.act(visitor.conversationId, 'read', bad)).status).toBe(400);
    // A stream opened later starts from what the agents have read ("Seen" survives a reload).
    const later = await visitor.stream();
    await later.until((r) => r.events.some((e) => e.event === 'read' && e.data.seq === 4));
  });

  it('the visitor’s read position reaches the agents’ summaries', async () => {
    const { visitor, alice } = await setup();
    await alice.reply(visitor.conversationId, 'hi');
    await alice.reply(visitor.conversationId, 'anyone?');
    const watching = await alice.stream();
    const read = await visitor.post(VISITOR_PATHS.read, { seq: 2 });
    expect(read.status).toBe(204);
    await watching.until((r) => summaries(r, visitor.conversationId).some((c) => c.visitorReadSeq === 2));
    expect((await visitor.post(VISITOR_PATHS.read, { seq: 'x' })).status).toBe(400);
  });
});

describe('the visitor’s e-mail', () => {
  it('is validated and bounded, kept on the conversation and shown to the agents', async () => {
    const { visitor, alice } = await setup();
    for (const email of ['not-an-email', 'a@b', `${'x'.repeat(250)}@example.com`, 'a b@example.com', 'x@exa\u202Emple.com', 42]) {
      const refused = await visitor.post(VISITOR_PATHS.email, { email });
      expect(refused.status, String(email)).toBe(400);
      expect(refused.body.error.code).toBe('ERR_BAD_REQUEST');
    }
    expect((await visitor.post(VISITOR_PATHS.email, { email: ' ada@example.com ' })).status).toBe(204);
    expect((await alice.summary(visitor.conversationId)).email).toBe('ada@example.com');
  });
});

describe('typing, both ways (throttled, never stored)', () => {
  it('the visitor’s typing reaches the agent streams; an agent’s reaches the visitor (with who) and the other agents', async () => {
    const { visitor, alice, bob } = await setup();
    const visitorStream = await visitor.stream();
    const bobStream = await bob.stream();
    expect((await visitor.post(VISITOR_PATHS.typing)).status).toBe(204);
    await bobStream.until((r) => r.events.some((e) => e.event === 'typing' && e.data.author === 'visitor' && e.data.conversationId === visitor.conversationId));
    expect((await alice.act(visitor.conversationId, 'typing')).status).toBe(204);
    await visitorStream.until((r) => r.events.some((e) => e.event === 'typing'));
    expect(visitorStream.events.find((e) => e.event === 'typing')!.data).toEqual({ type: 'typing', agent: { id: 'alice', name: ALICE.name, avatarUrl: ALICE.avatarUrl } });
    await bobStream.until((r) => r.events.some((e) => e.event === 'typing' && e.data.author === 'agent' && e.data.agent.id === 'alice'));
    // Never stored: the history holds no trace of it.
    expect((await visitor.get(VISITOR_PATHS.conversation)).body.messages).toEqual([]);
  });

  it('is throttled: past the limit 429 with Retry-After', async () => {
    const { visitor, alice } = await setup({ limits: { typingPerMinutePerSession: 2 } });
    const visitorStatuses = [];
    for (let i = 0; i < 3; i++) visitorStatuses.push((await visitor.post(VISITOR_PATHS.typing)).status);
    expect(visitorStatuses).toEqual([204, 204, 429]);
    const agentStatuses = [];
    for (let i = 0; i < 3; i++) agentStatuses.push((await alice.act(visitor.conversationId, 'typing')).status);
    expect(agentStatuses).toEqual([204, 204, 429]);
  });
});
