import { describe, expect, it } from 'vitest';
import type { MessagingHandler } from '../../../../src/server/handler/index.js';
import { createMemoryStore } from '../../../../src/server/store/index.js';
import { agentReq, ended, fakeJwt, json, makeHandler, register, req, send, SseReader , useHandlers } from '../helpers.js';

const handlerFor = useHandlers();

async function openStream(handler: MessagingHandler, session: string, lastEventId?: string) {
  const controller = new AbortController();
  const response = await handler(
    req('/v1/stream', { session, ...(lastEventId === undefined ? {} : { headers: { 'Last-Event-ID': lastEventId } }) }),
  );
  return { response, controller };
}

async function agentReply(handler: MessagingHandler, conversationId: string, body: string) {
  const response = await handler(agentReq(`/agent/v1/conversations/${conversationId}/messages`, { body: { body } }));
  expect(response.status).toBe(201);
  return (await json(response)).message;
}

describe('GET /v1/stream: SSE framing', () => {
  it('sends proxy-proof headers, an opening comment and message events with id = <epoch>.<seq>', async () => {
    const handler = handlerFor();
    const { session } = await register(handler);
    await send(handler, session, 'first');
    const response = await handler(req('/v1/stream', { session }));
    expect(response.status).toBe(200);
    expect(response.headers.get('Content-Type')).toBe('text/event-stream');
    expect(response.headers.get('Cache-Control')).toBe('no-cache, no-transform');
    expect(response.headers.get('X-Accel-Buffering')).toBe('no');
    expect(response.headers.get('Access-Control-Allow-Origin')).toBe('https://shop.test');
    const reader = new SseReader(response);
    await reader.until((r) => r.events.length === 1);
    expect(reader.raw.startsWith(': open\n\n')).toBe(true);
    const [event] = reader.events;
    expect(event!.event).toBe('message');
    expect(event!.id).toMatch(/^[A-Za-z0-9_-]{1,32}\.1$/);
    expect(event!.data).toEqual({ type: 'message', message: expect.objectContaining({ seq: 1, body: 'first', author: 'visitor' }) });
    // One event = id, event, one data line, blank line.
    expect(reader.raw).toMatch(/id: [A-Za-z0-9_-]+\.1\nevent: message\ndata: \{[^\n]*\}\n\n/);
    await reader.cancel();
  });

  it('a body with newlines stays on one data line (JSON-escaped)', async () => {
    const handler = handlerFor();
    const { session, conversationId } = await register(handler);
    const reader = new SseReader(await handler(req('/v1/stream', { session })));
    await agentReply(handler, conversationId, 'line 1\n\ndata: fake\nevent: session_ended');
    await reader.until((r) => r.events.length === 1);
    expect(reader.events).toHaveLength(1);
    expect(reader.events[0]!.data.message.body).toBe('line 1\n\ndata: fake\nevent: session_ended');
    await reader.cancel();
  });

  it('sends a heartbeat comment every heartbeatMs', async () => {
    const handler = handlerFor({ limits: { heartbeatMs: 30 } });
    const { session } = await register(handler);
    const reader = new SseReader(await handler(req('/v1/stream', { session })));
    await reader.until((r) => r.comments.filter((c) => c === 'ping').length >= 3, 1000);
    await reader.cancel();
  });

  it('caps the heartbeat at 25 s whatever is configured', async () => {
    const { resolveLimits } = await import('../../../../src/server/handler/options.js');
    expect(resolveLimits({ heartbeatMs: 60_000 }).heartbeatMs).toBe(25_000);
    expect(resolveLimits().heartbeatMs).toBe(20_000);
  });
});

describe('live delivery', () => {
  it('an agent reply reaches every tab of the session and every session of the conversation', async () => {
    const handler = handlerFor();
    const laptop = await register(handler, { jwt: fakeJwt('user-5') });
    const phone = await register(handler, { jwt: fakeJwt('user-5') });
    const stranger = await register(handler, { jwt: fakeJwt('user-6') });
    const readers = [
      new SseReader(await handler(req('/v1/stream', { session: laptop.session }))),
      new SseReader(await handler(req('/v1/stream', { session: laptop.session }))),
      new SseReader(await handler(req('/v1/stream', { session: phone.session }))),
    ];
    const strangerReader = new SseReader(await handler(req('/v1/stream', { session: stranger.session })));
    const reply = await agentReply(handler, laptop.conversationId, 'Hello from support');
    for (const reader of readers) {
      await reader.until((r) => r.messages().length === 1);
      expect(reader.messages()[0]).toEqual(reply);
    }
    // A visitor message from one tab shows in the others too.
    await send(handler, phone.session, 'thanks');
    for (const reader of readers) await reader.until((r) => r.messages().length === 2);
    await new Promise((r) => setTimeout(r, 30));
    expect(strangerReader.messages()).toEqual([]);
    await Promise.all([...readers, strangerReader].map((r) => r.cancel()));
  });

  it('a burst of messages arrives once each, in order', async () => {
    const handler = handlerFor();
    const { session, conversationId } = await register(handler);
    const reader = new SseReader(await handler(req('/v1/stream', { session })));
    await Promise.all(Array.from({ length: 20 }, (_, i) => agentReply(handler, conversationId, `m${i}`)));
    await reader.until((r) => r.messages().length >= 20);
    await new Promise((r) => setTimeout(r, 30));
    expect(reader.messages().map((m) => m.seq)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    await reader.cancel();
  });
});

describe('reconnect with Last-Event-ID: nothing lost, nothing repeated', () => {
  it('resends exactly the messages after the given seq', async () => {
    const handler = handlerFor();
    const { session, conversationId } = await register(handler);
    const first = new SseReader(await handler(req('/v1/stream', { session })));
    await agentReply(handler, conversationId, 'a');
    await agentReply(handler, conversationId, 'b');
    await first.until((r) => r.messages().length === 2);
    await first.cancel();
    // Messages sent while disconnected.
    await agentReply(handler, conversationId, 'c');
    await send(handler, session, 'd');
    const lastId = first.events.at(-1)!.id!;
    const second = new SseReader((await openStream(handler, session, lastId)).response);
    await second.until((r) => r.messages().length === 2);
    await agentReply(handler, conversationId, 'e');
    await second.until((r) => r.messages().length === 3);
    const all = [...first.messages(), ...second.messages()];
    expect(all.map((m) => m.body)).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(all.map((m) => m.seq)).toEqual([1, 2, 3, 4, 5]);
    await second.cancel();
  });

  it('a Last-Event-ID beyond the end sends nothing old; garbage is 400', async () => {
    const handler = handlerFor();
    const { session, conversationId } = await register(handler);
    await agentReply(handler, conversationId, 'old');
    const reader = new SseReader((await openStream(handler, session, '1')).response);
    await agentReply(handler, conversationId, 'new');
    await reader.until((r) => r.messages().length === 1);
    expect(reader.messages()[0].body).toBe('new');
    await reader.cancel();
    for (const bad of ['abc', '-1', '1.5.2', '1e3', 'a b.1']) {
      const response = (await openStream(handler, session, bad)).response;
      expect(response.status, bad).toBe(400);
      expect((await json(response)).error.code).toBe('ERR_BAD_REQUEST');
    }
  });
});

describe('session end on the stream', () => {
  it('sends session_expired and closes when the JWT lapses', async () => {
    const handler = handlerFor();
    const { session } = await register(handler, { jwt: fakeJwt('u', Date.now() + 150) });
    const reader = new SseReader(await handler(req('/v1/stream', { session })));
    await reader.until((r) => r.events.some((e) => e.event === 'session_expired'), 2000);
    expect(reader.events.at(-1)!.data).toEqual({ type: 'session_expired', code: 'ERR_SESSION_EXPIRED', message: expect.any(String) });
    await ended(reader);
    const again = await handler(req('/v1/stream', { session }));
    expect((await json(again)).error.code).toBe('ERR_SESSION_EXPIRED');
  });

  it('a renewal before expiry keeps the open stream going', async () => {
    const handler = handlerFor();
    const first = await register(handler, { jwt: fakeJwt('u', Date.now() + 600) });
    const reader = new SseReader(await handler(req('/v1/stream', { session: first.session })));
    await register(handler, { jwt: fakeJwt('u', Date.now() + 3_600_000) }, first.session);
    await new Promise((r) => setTimeout(r, 750));
    expect(reader.done).toBe(false);
    await agentReply(handler, first.conversationId, 'still here');
    await reader.until((r) => r.messages().length === 1);
    expect(reader.events.some((e) => e.event === 'session_expired')).toBe(false);
    await reader.cancel();
  });

  it('logout sends session_ended to every stream of that session only', async () => {
    const handler = handlerFor();
    const a = await register(handler, { jwt: fakeJwt('shared') });
    const b = await register(handler, { jwt: fakeJwt('shared') });
    const tabs = [
      new SseReader(await handler(req('/v1/stream', { session: a.session }))),
      new SseReader(await handler(req('/v1/stream', { session: a.session }))),
    ];
    const otherDevice = new SseReader(await handler(req('/v1/stream', { session: b.session })));
    expect((await handler(req('/v1/session', { method: 'DELETE', session: a.session }))).status).toBe(204);
    for (const tab of tabs) {
      await tab.until((r) => r.events.some((e) => e.event === 'session_ended'));
      expect(tab.events.at(-1)!.data).toEqual({ type: 'session_ended' });
      await ended(tab);
    }
    expect(otherDevice.done).toBe(false);
    await otherDevice.cancel();
  });

  it('handler.close() ends streams without ending sessions', async () => {
    const store = createMemoryStore();
    const handler = makeHandler({ store });
    const { session } = await register(handler);
    const reader = new SseReader(await handler(req('/v1/stream', { session })));
    handler.close();
    await ended(reader);
    expect(reader.events).toEqual([]);
    // A closed handler takes nothing new (SPEC §8 draining): the widget retries, and another instance on the
    // same store still honours the session.
    const closed = await handler(req('/v1/conversation', { session }));
    expect(closed.status).toBe(503);
    expect(closed.headers.get('Retry-After')).not.toBeNull();
    const next = makeHandler({ store });
    expect((await next(req('/v1/conversation', { session }))).status).toBe(200);
    next.close();
  });
});

describe('at most maxStreamsPerSession open streams', () => {
  it('refuses the next with 429 ERR_TOO_MANY_STREAMS and frees a slot when a stream closes', async () => {
    const handler = handlerFor({ limits: { maxStreamsPerSession: 2 } });
    const { session } = await register(handler);
    const other = await register(handler);
    const controller = new AbortController();
    const first = await handler(new Request(req('/v1/stream', { session }), { signal: controller.signal }));
    const second = new SseReader(await handler(req('/v1/stream', { session })));
    const third = await handler(req('/v1/stream', { session }));
    expect(third.status).toBe(429);
    expect((await json(third)).error.code).toBe('ERR_TOO_MANY_STREAMS');
    expect((await handler(req('/v1/stream', { session: other.session }))).status).toBe(200);
    controller.abort(); // client went away: the request's signal aborts (the body is not even cancelled)
    const fourth = await handler(req('/v1/stream', { session }));
    expect(fourth.status).toBe(200);
    expect((await handler(req('/v1/stream', { session }))).status).toBe(429);
    await first.body?.cancel().catch(() => {});
    await fourth.body?.cancel();
    await second.cancel(); // the consumer cancelling the body frees a slot too
    const fifth = await handler(req('/v1/stream', { session }));
    expect(fifth.status).toBe(200);
    await fifth.body?.cancel();
  });
});
