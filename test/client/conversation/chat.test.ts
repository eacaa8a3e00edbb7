/**
 * The conversation's stream position (issue 16 HIGH 5, protocol.ts
 * StreamEvent): the widget resumes from the last `id:` it received on the
 * stream, never from a seq a POST answer told it, and a `reset` (the log got a
 * new epoch) replaces what the stream gave with the whole new log.
 */
import { describe, expect, it, vi } from 'vitest';
import type { ChatMessage } from '../../../src/identity/index.js';
import { flush, part, parts, setup, texts, token, typeAndSend, useCleanPage } from '../helpers.js';

useCleanPage();

const streamRequests = (server: Awaited<ReturnType<typeof setup>>['server']) => server.requests.filter((r) => r.url.includes('/v1/stream'));

describe('a reconnect resumes from the last position received on the stream', () => {
  it('an agent reply that landed while the stream was down, before the visitor wrote again, is shown, in its place', async () => {
    const { chat, server, root } = await setup();
    await chat.setIdentity(token());
    chat.open();
    await flush();
    await server.agentSays('visitor-1', 'one'); // seq 1, on the stream
    await flush();
    // The connection drops and its reconnect hangs (a proxy, a train tunnel)…
    const reconnect = server.hold('/v1/stream');
    server.dropStreams();
    await flush();
    // …the agent answers meanwhile (seq 2), then the visitor writes (seq 3, its POST answer says so).
    await server.agentSays('visitor-1', 'landed while the stream was down');
    typeAndSend(root, 'typed after it');
    await flush();
    expect(texts(root)).toEqual(['one', 'typed after it']);
    reconnect();
    await vi.advanceTimersByTimeAsync(2_000);
    // Resumed after 1 (the last id the stream gave), not after 3 (the highest seq the widget knew of).
    expect(streamRequests(server).map((r) => r.headers['Last-Event-ID'])).toEqual([undefined, expect.stringMatching(/^[A-Za-z0-9_-]{1,32}\.1$/)]);
    expect(texts(root)).toEqual(['one', 'landed while the stream was down', 'typed after it']);
    expect(parts(root, 'message').map((m) => m.dataset.state)).toEqual(['sent', 'sent', 'sent']);
    expect((await server.history('visitor-1')).map((m) => m.body)).toEqual(texts(root));
  });

  it('the first stream after the history sends no Last-Event-ID (a history seq is no stream position): the log comes whole, nothing shows twice', async () => {
    const { chat, server, root } = await setup();
    await server.register({ jwt: token() });
    await server.agentSays('visitor-1', 'earlier');
    // The history is on its way when the agent answers again; the stream opens after both.
    const history = server.hold('/v1/conversation');
    const registered = chat.setIdentity(token());
    await flush();
    await server.agentSays('visitor-1', 'between the history and the stream');
    history();
    await registered;
    await flush();
    expect(streamRequests(server).map((r) => r.headers['Last-Event-ID'])).toEqual([undefined]);
    expect(texts(root)).toEqual(['earlier', 'between the history and the stream']);
  });
});

/** An SSE `message` event as the handler writes it, with the position `id`. */
function messageEvent(id: string, message: ChatMessage): string {
  return `id: ${id}\nevent: message\ndata: ${JSON.stringify({ type: 'message', message })}\n\n`;
}

describe('the reset event (a new epoch: the log lost its tail)', () => {
  it('forgets what the stream gave, keeps the host greeting and the unsent messages, shows the new log once and resumes from its position', async () => {
    const { chat, server, root } = await setup();
    const received: string[] = [];
    chat.on('message_received', ({ message }) => received.push(message.body));
    chat.addMessage({ body: 'Hi! How can we help?', agent: true });
    await chat.setIdentity(token());
    chat.open();
    await flush();
    const one = await server.agentSays('visitor-1', 'one');
    await server.agentSays('visitor-1', 'two, lost with the tail');
    await flush();
    // The visitor's messages the server has not acknowledged: one failed, one on its way.
    server.fail('/v1/messages', 'network');
    typeAndSend(root, 'failed to send');
    await flush();
    const sending = server.hold('/v1/messages');
    typeAndSend(root, 'on its way');
    await flush();
    expect(texts(root)).toEqual(['Hi! How can we help?', 'one', 'two, lost with the tail', 'failed to send', 'on its way']);

    // The handler says the log was replaced (epoch 7) and sends it whole: `one` survived, a new reply follows.
    const [stream] = server.streams;
    const fresh: ChatMessage = { id: 'm-after-failover', seq: 2, author: 'agent', body: 'after the failover', createdAt: Date.now() };
    stream!.inject(`event: reset\ndata: {"type":"reset"}\n\n${messageEvent('7.1', one)}${messageEvent('7.2', fresh)}`);
    await flush();
    expect(texts(root)).toEqual(['Hi! How can we help?', 'failed to send', 'on its way', 'one', 'after the failover']);
    expect(parts(root, 'message').map((m) => m.dataset.state)).toEqual(['sent', 'failed', 'sending', 'sent', 'sent']);
    // `one` was announced before the reset: only the new reply is news to the visitor.
    expect(received).toEqual(['one', 'two, lost with the tail', 'after the failover']);

    // The next reconnect resumes from the new epoch's position (held: this handler does not know epochs yet).
    server.hold('/v1/stream');
    server.dropStreams();
    await vi.advanceTimersByTimeAsync(2_000);
    expect(streamRequests(server).at(-1)!.headers['Last-Event-ID']).toBe('7.2');
    // The message on its way is acknowledged in place.
    sending();
    await flush();
    expect(parts(root, 'message').map((m) => m.dataset.state)).toEqual(['sent', 'failed', 'sent', 'sent', 'sent']);
  });

  it('a reset with nothing after it resumes from the first message', async () => {
    const { chat, server, root } = await setup();
    await chat.setIdentity(token());
    await flush();
    await server.agentSays('visitor-1', 'one');
    await flush();
    server.streams[0]!.inject('event: reset\ndata: {"type":"reset"}\n\n');
    await flush();
    expect(texts(root)).toEqual([]);
    expect(part(root, 'launcher').dataset.unread).toBe('1');
    server.dropStreams();
    await vi.advanceTimersByTimeAsync(2_000);
    // No position: the stream starts over, and the log (still holding `one`) shows it again.
    expect(streamRequests(server).at(-1)!.headers['Last-Event-ID']).toBeUndefined();
    expect(texts(root)).toEqual(['one']);
  });
});

describe('a session the server forgot (SPEC §10 "Nothing typed is lost")', () => {
  it('is registered again in place: the conversation on screen stays, and what comes next follows it', async () => {
    const { chat, server, root } = await setup();
    await chat.setIdentity(token());
    chat.open();
    await flush();
    typeAndSend(root, 'my question');
    await flush();
    await server.agentSays('visitor-1', 'an answer');
    await flush();
    expect(texts(root)).toEqual(['my question', 'an answer']);
    server.restart(); // an in-memory server restarted: the session and the conversation are gone
    await vi.advanceTimersByTimeAsync(31_000);
    expect(server.sessions).toHaveLength(2);
    expect(texts(root)).toEqual(['my question', 'an answer']);
    typeAndSend(root, 'still there?');
    await flush();
    await server.agentSays('visitor-1', 'yes');
    await flush();
    expect(texts(root)).toEqual(['my question', 'an answer', 'still there?', 'yes']);
    expect((await server.history('visitor-1')).map((m) => m.body)).toEqual(['still there?', 'yes']);
  });
});
