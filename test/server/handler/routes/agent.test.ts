import { describe, expect, it } from 'vitest';
import { AGENT_TOKEN, agentReq, automatedUuid, fakeJwt, json, register, req, send, SseReader, useHandlers } from '../helpers.js';

const handlerFor = useHandlers();

describe('agent API credential', () => {
  it('is off (404) without an agentToken', async () => {
    const handler = handlerFor({ agentToken: undefined });
    for (const path of ['/agent/v1/conversations', '/agent/v1/stream', '/agent/v1/conversations/x/messages']) {
      const response = await handler(agentReq(path));
      expect(response.status, path).toBe(404);
      expect((await json(response)).error.code).toBe('ERR_NOT_FOUND');
    }
  });

  it('refuses a missing or wrong token with 401 ERR_AGENT_UNAUTHORIZED', async () => {
    // 18 wrong tries from one address: past the per-address limit (hardening.test.ts) they would get 429.
    const handler = handlerFor({ limits: { agentAuthFailuresPerMinutePerAddress: 100 } });
    const { session } = await register(handler);
    const wrong = ['', 'Bearer ', `Bearer ${AGENT_TOKEN}x`, `Bearer ${AGENT_TOKEN.slice(0, -1)}`, `Basic ${AGENT_TOKEN}`, `Bearer ${session}`];
    for (const authorization of wrong) {
      const headers: Record<string, string> = authorization ? { Authorization: authorization } : {};
      for (const request of [
        req('/agent/v1/conversations', { headers }),
        req('/agent/v1/stream', { headers }),
        req('/agent/v1/conversations/x/messages', { headers, body: { body: 'hi' } }),
      ]) {
        const response = await handler(request);
        expect(response.status, `${authorization} ${request.url}`).toBe(401);
        expect((await json(response)).error.code).toBe('ERR_AGENT_UNAUTHORIZED');
      }
    }
    // A visitor session never opens the agent API, and the agent token is not a visitor session.
    const asVisitor = await handler(req('/v1/conversation', { headers: { Authorization: `Bearer ${AGENT_TOKEN}` } }));
    expect(asVisitor.status).toBe(401);
  });
});

describe('GET /agent/v1/conversations', () => {
  it('lists a summary of each conversation with the verified identity exactly as the verifier produced it', async () => {
    let now = 1_800_000_000_000;
    const handler = handlerFor({ now: () => now });
    const signed = await register(handler, { jwt: fakeJwt('user-1', now + 3_600_000) });
    now += 10;
    const anonymous = await register(handler, { automatedUuid: automatedUuid() });
    now += 10;
    await send(handler, signed.session, 'hello');
    const body = await json(await handler(agentReq('/agent/v1/conversations')));
    expect(body.conversations.map((c: { id: string }) => c.id)).toEqual([signed.conversationId, anonymous.conversationId]);
    expect(body.cursor).toBeUndefined();
    // A summary, not the history: SPEC §6 "Bounds" (the history is fetched per conversation).
    expect(body.conversations[0]).toEqual({
      id: signed.conversationId,
      uuid: 'user-1',
      uuidSource: 'jwt',
      signed: true,
      kid: 'test_key',
      expiresAt: 1_800_000_000_000 + 3_600_000,
      fields: {},
      customFields: { crm_id: 'CRM-1' },
      extraValues: { plan: 'gold' },
      warnings: [],
      updatedAt: now,
      lastSeq: 1,
      // SPEC §11 conversation state: the visitor's message is unread.
      status: 'open',
      visitorReadSeq: 0,
      agentReadSeq: 0,
      unread: 1,
    });
    expect(body.conversations[1]).toMatchObject({ uuidSource: 'automated', signed: false, lastSeq: 0 });
    expect(body.conversations[1].messages).toBeUndefined();
  });
});

describe('GET /agent/v1/conversations/{id}/messages', () => {
  it("returns one conversation's history in seq order", async () => {
    const handler = handlerFor();
    const { session, conversationId } = await register(handler);
    await send(handler, session, 'hello');
    await handler(agentReq(`/agent/v1/conversations/${conversationId}/messages`, { body: { body: 'Hi!' } }));
    const response = await handler(agentReq(`/agent/v1/conversations/${conversationId}/messages`));
    expect(response.status).toBe(200);
    const body = await json(response);
    expect(body).toEqual({
      conversationId,
      messages: [
        expect.objectContaining({ seq: 1, body: 'hello', author: 'visitor' }),
        expect.objectContaining({ seq: 2, body: 'Hi!', author: 'agent' }),
      ],
      more: false,
    });
  });
});

describe('POST /agent/v1/conversations/{id}/messages', () => {
  it('adds an agent message (201), idempotent by optional clientId, 404 for an unknown conversation', async () => {
    const handler = handlerFor();
    const { session, conversationId } = await register(handler);
    const path = `/agent/v1/conversations/${conversationId}/messages`;
    const first = await handler(agentReq(path, { body: { body: 'Hi!', clientId: 'agent-msg-1' } }));
    expect(first.status).toBe(201);
    const message = (await json(first)).message;
    expect(message).toMatchObject({ seq: 1, author: 'agent', body: 'Hi!', clientId: 'agent-msg-1' });
    const retry = await handler(agentReq(path, { body: { body: 'Hi!', clientId: 'agent-msg-1' } }));
    expect(retry.status).toBe(200);
    expect((await json(retry)).message).toEqual(message);
    // The visitor's clientIds are their own namespace.
    expect((await handler(req('/v1/messages', { session, body: { clientId: 'agent-msg-1', body: 'me' } }))).status).toBe(201);
    const missing = await handler(agentReq('/agent/v1/conversations/nope/messages', { body: { body: 'x' } }));
    expect(missing.status).toBe(404);
    for (const bad of [{ body: '' }, { body: 'x', clientId: 'bad id' }, {}]) {
      const response = await handler(agentReq(path, { body: bad }));
      expect(response.status).toBe(400);
      expect((await json(response)).error.code).toBe('ERR_MESSAGE_INVALID');
    }
  });
});

describe('GET /agent/v1/stream', () => {
  it('sends a summary of each of the newest conversations on connect, then each change', async () => {
    const handler = handlerFor();
    const existing = await register(handler, { jwt: fakeJwt('early') });
    await send(handler, existing.session, 'before the agent came');
    const reader = new SseReader(await handler(agentReq('/agent/v1/stream')));
    await reader.until((r) => r.events.length === 1);
    expect(reader.events[0]).toMatchObject({ event: 'summary', data: { type: 'summary', conversation: { id: existing.conversationId, uuid: 'early', lastSeq: 1 } } });
    // No history on connect: the view fetches it from the messages endpoint when it needs it.
    expect(reader.events[0]!.data.conversation.messages).toBeUndefined();
    const later = await register(handler, { identity: { uuid: 'late', firstname: 'Lou' }, automatedUuid: automatedUuid() });
    await reader.until((r) => r.events.some((e) => e.event === 'summary' && e.data.conversation.id === later.conversationId));
    await send(handler, later.session, 'question');
    // A new message goes out alone (`message` event with a summary), not as the whole conversation again.
    await reader.until((r) => r.events.some((e) => e.event === 'message' && e.data.message.body === 'question' && e.data.conversation.id === later.conversationId));
    await handler(req('/v1/page', { session: later.session, body: { url: 'https://shop.test/p' } }));
    await reader.until((r) => r.events.some((e) => e.data.conversation.lastPage?.url === 'https://shop.test/p'));
    const last = reader.events.at(-1)!;
    expect(last.event).toBe('summary');
    expect(last.data.conversation).toMatchObject({ uuid: 'late', uuidSource: 'unsigned', fields: { firstname: 'Lou' }, lastSeq: 1 });
    expect(reader.events.filter((e) => e.data.conversation.id === existing.conversationId)).toHaveLength(1);
    await reader.cancel();
  });

  it('caps agent streams', async () => {
    const handler = handlerFor({ limits: { maxAgentStreams: 1 } });
    const first = new SseReader(await handler(agentReq('/agent/v1/stream')));
    const second = await handler(agentReq('/agent/v1/stream'));
    expect(second.status).toBe(429);
    expect((await json(second)).error.code).toBe('ERR_TOO_MANY_STREAMS');
    await first.cancel();
    const third = await handler(agentReq('/agent/v1/stream'));
    expect(third.status).toBe(200);
    await third.body?.cancel();
  });
});
