/**
 * Review fixes for the live streams: bytes queued per SSE stream, small agent
 * updates, streams that end with their session, the per-address stream cap
 * and a Last-Event-ID past the conversation's end.
 */
import { describe, expect, it } from 'vitest';
import type { MessagingHandler } from '../../../../src/server/handler/index.js';
import { toResponse } from '../../../../src/server/handler/http/reply.js';
import { openSse } from '../../../../src/server/handler/live/sse.js';
import { createMemoryStore } from '../../../../src/server/store/index.js';
import { agentReq, automatedUuid, ended, json, register, req, send, SseReader, useHandlers } from '../helpers.js';

const handlerFor = useHandlers();

async function agentReply(handler: MessagingHandler, conversationId: string, body: string): Promise<void> {
  const response = await handler(agentReq(`/agent/v1/conversations/${conversationId}/messages`, { body: { body } }));
  expect(response.status).toBe(201);
}

/** Reads a body until it ends or stays quiet for `quietMs`; returns the text and whether it ended. */
async function drain(body: ReadableStream<Uint8Array>, quietMs = 150): Promise<{ text: string; ended: boolean; bytes: number }> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let text = '';
  let bytes = 0;
  for (;;) {
    const next = await Promise.race([
      reader.read().then(
        (r) => r,
        () => ({ done: true as const, value: undefined }),
      ),
      new Promise<'quiet'>((resolve) => setTimeout(() => resolve('quiet'), quietMs)),
    ]);
    if (next === 'quiet') {
      await reader.cancel().catch(() => {});
      return { text, ended: false, bytes };
    }
    if (next.done) return { text, ended: true, bytes };
    bytes += next.value.byteLength;
    text += decoder.decode(next.value, { stream: true });
  }
}

function events(text: string): { event: string; data: any }[] {
  return text
    .split('\n\n')
    .map((block) => ({ event: /^event: (.*)$/m.exec(block)?.[1], data: /^data: (.*)$/m.exec(block)?.[1] }))
    .filter((e): e is { event: string; data: string } => e.event !== undefined && e.data !== undefined)
    .map((e) => ({ event: e.event, data: JSON.parse(e.data) }));
}

describe('SSE: bytes queued for a client that does not read', () => {
  it('an SSE channel ends once more than maxQueuedBytes wait unread (the widget resumes with Last-Event-ID)', async () => {
    const closed: string[] = [];
    const { reply, channel } = openSse({ heartbeatMs: 60_000, maxQueuedBytes: 50_000, onClose: () => closed.push('closed') });
    const response = toResponse(reply, new AbortController().signal);
    for (let i = 0; i < 30 && !channel.closed; i++) channel.send('message', { body: 'x'.repeat(4000) }, i + 1);
    expect(channel.closed).toBe(true);
    expect(closed).toEqual(['closed']);
    // The queue is dropped at once, not kept for a reader that may never come.
    await expect(response.body!.getReader().read()).rejects.toThrow();
  });

  it('a single event bigger than the cap still goes out when nothing else waits', async () => {
    const { reply, channel } = openSse({ heartbeatMs: 60_000, maxQueuedBytes: 1_000, onClose: () => {} });
    const response = toResponse(reply, new AbortController().signal);
    const reader = response.body!.getReader();
    await reader.read(); // ': open'
    channel.send('conversation', { body: 'z'.repeat(5_000) });
    expect(channel.closed).toBe(false);
    expect((await reader.read()).value!.byteLength).toBeGreaterThan(5_000);
    channel.close();
  });

  it('an unread visitor stream waits for its reader instead of queueing or dropping: a late reader gets every message', async () => {
    const handler = handlerFor({ store: createMemoryStore({ maxMessagesPerConversation: 5000 }), limits: { maxStreamQueueBytes: 50_000 } });
    const { session, conversationId } = await register(handler);
    const response = await handler(req('/v1/stream', { session }));
    // 1200 events: past the old 1024-chunk cap, and ~150 KB, past this stream's 50 KB cap.
    for (let i = 0; i < 1200; i++) await agentReply(handler, conversationId, `message ${i} ${'x'.repeat(80)}`);
    await new Promise((r) => setTimeout(r, 50));
    const result = await drain(response.body!);
    expect(result.ended).toBe(false);
    const seqs = events(result.text).filter((e) => e.event === 'message').map((e) => e.data.message.seq);
    expect(seqs).toEqual(Array.from({ length: 1200 }, (_, i) => i + 1));
  }, 20_000);

  it('an unread agent stream holds a bounded backlog, and a late reader still gets every message', async () => {
    const handler = handlerFor({ limits: { messagesPerMinutePerSession: Infinity } });
    const { session, conversationId } = await register(handler);
    const agent = await handler(agentReq('/agent/v1/stream'));
    for (let i = 0; i < 100; i++) expect((await send(handler, session, `${i} ${'y'.repeat(3990)}`)).status).toBe(201);
    await new Promise((r) => setTimeout(r, 50));
    const result = await drain(agent.body!);
    // Re-sending the whole conversation per message would be ~20 MB; 100 messages are 0.4 MB.
    expect(result.bytes).toBeLessThan(1_500_000);
    // While the agent was behind, messages collapsed into summaries: their lastSeq says what to fetch.
    const seqs = new Set<number>();
    let lastSeq = 0;
    for (const event of events(result.text)) {
      if (event.data.conversation?.id !== conversationId) continue;
      lastSeq = Math.max(lastSeq, event.data.conversation.lastSeq);
      if (event.event === 'message') seqs.add(event.data.message.seq);
    }
    expect(lastSeq).toBe(100);
    // The view fetches the gap (after the last seq it holds in order) from the messages endpoint, as the agent view does.
    let held = 0;
    while (seqs.has(held + 1)) held++;
    let more = true;
    while (more) {
      const page = await json(await handler(agentReq(`/agent/v1/conversations/${conversationId}/messages?after=${held}&limit=200`)));
      for (const message of page.messages) seqs.add(message.seq);
      held = page.messages.at(-1)?.seq ?? held;
      more = page.more;
    }
    expect(seqs.size).toBe(100);
    expect(Math.max(...seqs)).toBe(100);
  });

  it('a new message reaches agents alone, with a summary and no history', async () => {
    const handler = handlerFor();
    const { session, conversationId } = await register(handler, { identity: { uuid: 'u-1', firstname: 'Ann' }, automatedUuid: automatedUuid() });
    await send(handler, session, 'first');
    const reader = new SseReader(await handler(agentReq('/agent/v1/stream')));
    await reader.until((r) => r.events.length === 1);
    // On connect: the conversation's summary, without its history.
    expect(reader.events[0]).toMatchObject({ event: 'summary', data: { conversation: { id: conversationId, lastSeq: 1 } } });
    expect(reader.events[0]!.data.conversation.messages).toBeUndefined();
    await send(handler, session, 'second');
    await reader.until((r) => r.events.some((e) => e.event === 'message'));
    const event = reader.events.find((e) => e.event === 'message')!;
    expect(event.data.message).toMatchObject({ seq: 2, body: 'second', author: 'visitor' });
    expect(event.data.conversation).toMatchObject({ id: conversationId, uuid: 'u-1', fields: { firstname: 'Ann' }, lastSeq: 2 });
    expect(event.data.conversation.messages).toBeUndefined();
    await handler(req('/v1/page', { session, body: { url: 'https://shop.test/cart' } }));
    await reader.until((r) => r.events.filter((e) => e.event === 'summary').length === 2);
    const summary = reader.events.filter((e) => e.event === 'summary')[1]!;
    expect(summary.data.conversation).toMatchObject({ id: conversationId, lastPage: { url: 'https://shop.test/cart' } });
    expect(summary.data.conversation.messages).toBeUndefined();
    await reader.cancel();
  });
});

describe('visitor streams end with their session', () => {
  it('a session evicted from the store gets session_ended, not the next message', async () => {
    const store = createMemoryStore({ maxSessions: 1 });
    const handler = handlerFor({ store });
    const first = await register(handler);
    const reader = new SseReader(await handler(req('/v1/stream', { session: first.session })));
    await register(handler); // evicts the first session (maxSessions: 1)
    await agentReply(handler, first.conversationId, 'for the owner only');
    await reader.until((r) => r.events.length > 0);
    expect(reader.events.map((e) => e.event)).toEqual(['session_ended']);
    await ended(reader);
  });

  it('a heartbeat notices a session deleted behind the hub', async () => {
    const store = createMemoryStore();
    // The store key of a session is the handler's business (it holds the community): note it as it is saved.
    const saved: string[] = [];
    const handler = handlerFor({ store: { ...store, saveSession: (record) => (saved.push(record.id), store.saveSession(record)) }, limits: { heartbeatMs: 20 } });
    const { session } = await register(handler);
    const reader = new SseReader(await handler(req('/v1/stream', { session })));
    await reader.until((r) => r.comments.includes('open'));
    await store.deleteSession(saved.at(-1)!);
    await reader.until((r) => r.events.some((e) => e.event === 'session_ended'), 1000);
    await ended(reader);
  });

  it('a heartbeat ends an unsigned session that went idle past sessionIdleMs (injected clock)', async () => {
    let clock = 1_000_000;
    const handler = handlerFor({ now: () => clock, limits: { heartbeatMs: 20, sessionIdleMs: 60_000 } });
    const { session } = await register(handler);
    const reader = new SseReader(await handler(req('/v1/stream', { session })));
    await reader.until((r) => r.comments.includes('open'));
    clock += 61_000;
    await reader.until((r) => r.events.some((e) => e.event === 'session_expired'), 1000);
    expect(reader.events.at(-1)!.data.code).toBe('ERR_SESSION_EXPIRED');
    await ended(reader);
  });

  it('caps open visitor streams per client address', async () => {
    const handler = handlerFor({ limits: { maxStreamsPerAddress: 2 }, clientAddress: () => '203.0.113.9' });
    const readers: SseReader[] = [];
    for (let i = 0; i < 2; i++) readers.push(new SseReader(await handler(req('/v1/stream', { session: (await register(handler)).session }))));
    const third = await handler(req('/v1/stream', { session: (await register(handler)).session }));
    expect(third.status).toBe(429);
    expect(third.headers.get('Retry-After')).toBe('5');
    expect((await json(third)).error.code).toBe('ERR_TOO_MANY_STREAMS');
    await readers[0]!.cancel();
    await new Promise((r) => setTimeout(r, 10));
    const again = await handler(req('/v1/stream', { session: (await register(handler)).session }));
    expect(again.status).toBe(200);
    await again.body?.cancel();
    for (const reader of readers) await reader.cancel();
  });
});

describe('Last-Event-ID', () => {
  it('past the last seq replays the conversation from the start (later messages are not hidden)', async () => {
    const handler = handlerFor();
    const { session, conversationId } = await register(handler);
    await send(handler, session, 'one');
    await send(handler, session, 'two');
    const reader = new SseReader(await handler(req('/v1/stream', { session, headers: { 'Last-Event-ID': '999' } })));
    await reader.until((r) => r.messages().length === 2);
    await agentReply(handler, conversationId, 'three');
    await reader.until((r) => r.messages().length === 3);
    expect(reader.messages().map((m) => m.seq)).toEqual([1, 2, 3]);
    await reader.cancel();
  });

  it('at or below the last seq still resumes after it', async () => {
    const handler = handlerFor();
    const { session } = await register(handler);
    await send(handler, session, 'one');
    await send(handler, session, 'two');
    const reader = new SseReader(await handler(req('/v1/stream', { session, headers: { 'Last-Event-ID': '1' } })));
    await reader.until((r) => r.messages().length === 1);
    expect(reader.messages()[0].seq).toBe(2);
    await reader.cancel();
  });
});
