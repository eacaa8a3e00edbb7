import { describe, expect, it } from 'vitest';
import { MESSAGE_MAX_LENGTH } from '../../../../src/identity/index.js';
import { agentReq, automatedUuid, clientId, fakeJwt, json, makeHandler, register, req, send } from '../helpers.js';

describe('sessions: the server is the authority', () => {
  it('missing → ERR_SESSION_MISSING, unknown → ERR_SESSION_INVALID, lapsed → ERR_SESSION_EXPIRED (401)', async () => {
    let now = 1_800_000_000_000;
    const handler = makeHandler({ now: () => now });
    const { session } = await register(handler, { jwt: fakeJwt('u', now + 1000) });
    const cases: [Request, string][] = [
      [req('/v1/conversation'), 'ERR_SESSION_MISSING'],
      [req('/v1/conversation', { headers: { Authorization: 'Bearer ' + 'A'.repeat(43) } }), 'ERR_SESSION_INVALID'],
      [req('/v1/conversation', { headers: { Authorization: 'Basic dXNlcjpwYXNz' } }), 'ERR_SESSION_INVALID'],
      [req('/v1/conversation', { headers: { Authorization: `Bearer ${session}x` } }), 'ERR_SESSION_INVALID'],
    ];
    for (const [request, code] of cases) {
      const response = await handler(request);
      expect(response.status, code).toBe(401);
      expect((await json(response)).error.code).toBe(code);
      expect(response.headers.get('WWW-Authenticate')).toMatch(/^Bearer/);
    }
    expect((await handler(req('/v1/conversation', { session }))).status).toBe(200);
    now += 1000;
    for (const request of [
      req('/v1/conversation', { session }),
      req('/v1/messages', { session, body: { clientId: clientId(), body: 'hi' } }),
      req('/v1/page', { session, body: { url: 'https://shop.test/' } }),
      req('/v1/stream', { session }),
    ]) {
      const response = await handler(request);
      expect(response.status, request.url).toBe(401);
      expect((await json(response)).error.code).toBe('ERR_SESSION_EXPIRED');
    }
  });

  it('unsigned sessions lapse after sessionIdleMs without activity, and activity keeps them alive', async () => {
    let now = 1_800_000_000_000;
    const handler = makeHandler({ now: () => now, limits: { sessionIdleMs: 300_000 } });
    const { session } = await register(handler, { automatedUuid: automatedUuid() });
    now += 200_000;
    expect((await handler(req('/v1/conversation', { session }))).status).toBe(200);
    now += 200_000; // 400 s after registration, 200 s after the last request
    expect((await handler(req('/v1/conversation', { session }))).status).toBe(200);
    now += 300_001;
    const lapsed = await handler(req('/v1/conversation', { session }));
    expect((await json(lapsed)).error.code).toBe('ERR_SESSION_EXPIRED');
  });

  it('DELETE /v1/session revokes the session (even a lapsed one)', async () => {
    let now = 1_800_000_000_000;
    const handler = makeHandler({ now: () => now });
    const { session } = await register(handler, { jwt: fakeJwt('u', now + 1000) });
    now += 5000;
    const logout = await handler(req('/v1/session', { method: 'DELETE', session }));
    expect(logout.status).toBe(204);
    const after = await handler(req('/v1/conversation', { session }));
    expect((await json(after)).error.code).toBe('ERR_SESSION_INVALID');
    // Renewal is no longer possible either: a new session.
    const again = await register(handler, { jwt: fakeJwt('u', now + 3_600_000) }, session);
    expect(again.session).not.toBe(session);
    expect((await handler(req('/v1/session', { method: 'DELETE' }))).status).toBe(401);
  });
});

describe('POST /v1/messages', () => {
  it('stores a visitor message with seq, clientId and server time (201)', async () => {
    const now = 1_800_000_000_000;
    const handler = makeHandler({ now: () => now });
    const { session, conversationId } = await register(handler);
    const response = await send(handler, session, '  Hello there  ', 'client-id-1');
    expect(response.status).toBe(201);
    const { message } = await json(response);
    expect(message).toEqual({ id: expect.any(String), seq: 1, clientId: 'client-id-1', author: 'visitor', body: 'Hello there', createdAt: now });
    const second = await json(await send(handler, session, 'again'));
    expect(second.message.seq).toBe(2);
    const history = await json(await handler(req('/v1/conversation', { session })));
    expect(history).toEqual({ conversationId, messages: [message, second.message] });
  });

  it('is idempotent by clientId: a retry returns the same message (200), never a duplicate', async () => {
    const handler = makeHandler();
    const { session } = await register(handler);
    const first = await json(await send(handler, session, 'once', 'retry-me-123'));
    const retry = await send(handler, session, 'once', 'retry-me-123');
    expect(retry.status).toBe(200);
    expect((await json(retry)).message).toEqual(first.message);
    const changed = await json(await send(handler, session, 'edited on retry', 'retry-me-123'));
    expect(changed.message).toEqual(first.message);
    const concurrent = await Promise.all([1, 2, 3].map(() => send(handler, session, 'burst', 'burst-id-42')));
    const ids = new Set(await Promise.all(concurrent.map(async (r) => (await json(r)).message.id)));
    expect(ids.size).toBe(1);
    const history = await json(await handler(req('/v1/conversation', { session })));
    expect(history.messages.map((m: { body: string }) => m.body)).toEqual(['once', 'burst']);
  });

  it('refuses a bad clientId with 400 ERR_MESSAGE_INVALID', async () => {
    const handler = makeHandler();
    const { session } = await register(handler);
    for (const id of [undefined, 'short', 'x'.repeat(65), 'has space1', 'semi;colon', 12345678, null]) {
      const response = await handler(req('/v1/messages', { session, body: { clientId: id, body: 'hi' } }));
      expect(response.status, String(id)).toBe(400);
      expect((await json(response)).error.code).toBe('ERR_MESSAGE_INVALID');
    }
  });

  it('refuses an empty, too long or non-text body with 400 ERR_MESSAGE_INVALID', async () => {
    const handler = makeHandler({ limits: { maxBodyBytes: 65536 } });
    const { session } = await register(handler);
    for (const body of ['', '   \n\t ', 'x'.repeat(MESSAGE_MAX_LENGTH + 1), 42, null, { html: '<b>' }, ['a'], 'bell\u0007', 'nul\u0000', 'lone \uD800 surrogate']) {
      const response = await handler(req('/v1/messages', { session, body: { clientId: clientId(), body } }));
      expect(response.status, JSON.stringify(body)?.slice(0, 30)).toBe(400);
      expect((await json(response)).error.code).toBe('ERR_MESSAGE_INVALID');
    }
    const max = await send(handler, session, ` ${'y'.repeat(MESSAGE_MAX_LENGTH)} `);
    expect(max.status).toBe(201);
    const multiline = await json(await send(handler, session, 'line 1\nline 2\ttab 😀 <b>not html</b>'));
    expect(multiline.message.body).toBe('line 1\nline 2\ttab 😀 <b>not html</b>');
  });
});

describe('POST /v1/page', () => {
  it('records the last page for the agent (204) and validates it', async () => {
    const handler = makeHandler();
    const { session, conversationId } = await register(handler);
    const ok = await handler(req('/v1/page', { session, body: { url: 'https://user:pw@shop.test/cart?x=1', title: 'Cart' } }));
    expect(ok.status).toBe(204);
    const agent = await json(await handler(agentReq('/agent/v1/conversations')));
    const mine = agent.conversations.find((c: { id: string }) => c.id === conversationId);
    expect(mine.lastPage).toEqual({ url: 'https://shop.test/cart?x=1', title: 'Cart' });
    for (const body of [{ url: 'javascript:alert(1)' }, { url: 'not a url' }, { url: 5 }, { title: 'x'.repeat(600) }, { title: 'a\u0000' }]) {
      const response = await handler(req('/v1/page', { session, body }));
      expect(response.status, JSON.stringify(body)).toBe(400);
      expect((await json(response)).error.code).toBe('ERR_BAD_REQUEST');
    }
  });
});

describe('rate limits: 429 ERR_RATE_LIMITED with Retry-After', () => {
  it('limits messages per session and refills over time', async () => {
    let now = 1_800_000_000_000;
    const handler = makeHandler({ now: () => now, limits: { messagesPerMinutePerSession: 3 } });
    const { session } = await register(handler);
    const other = await register(handler);
    for (let i = 0; i < 3; i++) expect((await send(handler, session, `m${i}`)).status).toBe(201);
    const limited = await send(handler, session, 'one too many');
    expect(limited.status).toBe(429);
    expect((await json(limited)).error.code).toBe('ERR_RATE_LIMITED');
    expect(limited.headers.get('Retry-After')).toBe('20');
    expect((await send(handler, other.session, 'another session is not limited')).status).toBe(201);
    now += 20_000;
    expect((await send(handler, session, 'after the wait')).status).toBe(201);
    expect((await send(handler, session, 'and not more')).status).toBe(429);
  });

  it('limits registrations per client address', async () => {
    const handler = makeHandler({
      limits: { registrationsPerMinutePerAddress: 2 },
      clientAddress: (request) => request.headers.get('X-Test-Address') ?? undefined,
    });
    const from = (address: string) => req('/v1/identity', { body: { automatedUuid: automatedUuid() }, headers: { 'X-Test-Address': address } });
    expect((await handler(from('10.0.0.1'))).status).toBe(200);
    expect((await handler(from('10.0.0.1'))).status).toBe(200);
    const limited = await handler(from('10.0.0.1'));
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('Retry-After'))).toBeGreaterThanOrEqual(1);
    expect((await json(limited)).error.code).toBe('ERR_RATE_LIMITED');
    expect((await handler(from('10.0.0.2'))).status).toBe(200);
  });

  it('limits renewals per session', async () => {
    const handler = makeHandler({ limits: { registrationsPerMinutePerSession: 2 } });
    const { session } = await register(handler, { jwt: fakeJwt('u') });
    await register(handler, { jwt: fakeJwt('u') }, session);
    await register(handler, { jwt: fakeJwt('u') }, session);
    const limited = await handler(req('/v1/identity', { body: { jwt: fakeJwt('u') }, session }));
    expect(limited.status).toBe(429);
  });

  it('Infinity turns a limit off (benchmarks)', async () => {
    const handler = makeHandler({ limits: { messagesPerMinutePerSession: Infinity } });
    const { session } = await register(handler);
    for (let i = 0; i < 100; i++) expect((await send(handler, session, `m${i}`)).status).toBe(201);
  });
});
