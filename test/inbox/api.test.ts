/**
 * The agent API as the inbox uses it (src/inbox/api.ts), against the real
 * handler behind a same-origin page with the HttpOnly cookie (./server.ts):
 * each call's request and answer, errors with the server's code, and the
 * live stream's connect, events, reconnect and stop.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { AgentStreamEvent } from '../../src/identity/index.js';
import { InboxApi, InboxError } from '../../src/inbox/api.js';
import { ALICE, BASE, BOB, inboxServer, until, type InboxServer } from './server.js';

let server: InboxServer;
let api: InboxApi;
beforeEach(() => {
  server = inboxServer().install();
  api = new InboxApi(BASE);
});
afterEach(() => {
  server.close();
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

async function refusal(call: Promise<unknown>): Promise<InboxError> {
  const error = await call.then(() => undefined, (failure: unknown) => failure);
  expect(error).toBeInstanceOf(InboxError);
  return error as InboxError;
}

describe('signing in', () => {
  it('is refused with the server’s status, code and sentence until the agent signs in', async () => {
    const error = await refusal(api.me());
    expect([error.status, error.code]).toEqual([401, 'ERR_AGENT_UNAUTHORIZED']);
    expect(error.message.length).toBeGreaterThan(20);
  });

  it('exchanges a token for the cookie, then knows the agent; a wrong token is refused', async () => {
    const wrong = await refusal(api.signIn('not-a-token-of-this-server-0123456789'));
    expect([wrong.status, wrong.code]).toEqual([401, 'ERR_AGENT_UNAUTHORIZED']);
    expect(wrong.message).toContain('not an agent token');
    await api.signIn(ALICE.token);
    const me = await api.me();
    expect(me.agent).toMatchObject({ id: 'alice', name: 'Alice Martin' });
    expect(server.bodies.get('/agent/v1/session')).toEqual({ token: ALICE.token });
  });

  it('signs out: the cookie is gone and the API refuses again', async () => {
    await api.signIn(ALICE.token);
    expect(await api.signOut()).toBeUndefined();
    expect((await refusal(api.me())).status).toBe(401);
  });
});

describe('the list, the thread and the actions', () => {
  beforeEach(() => server.signIn());

  it('asks for each view with its filter and the search', async () => {
    await api.list({ view: 'open', q: '' });
    await api.list({ view: 'closed', q: 'ada@example.com' });
    await api.list({ view: 'mine', q: '' }, 10);
    await api.list({ view: 'all', q: '' });
    expect(server.requests).toEqual([
      'GET /agent/v1/conversations?limit=50&status=open',
      'GET /agent/v1/conversations?limit=50&status=closed&q=ada%40example.com',
      'GET /agent/v1/conversations?limit=10&assignee=me',
      'GET /agent/v1/conversations?limit=50',
    ]);
  });

  it('pages through the list with the cursor the server gave', async () => {
    for (let i = 0; i < 3; i++) await server.visitor(`visitor ${i}`);
    const first = await api.list({ view: 'all', q: '' }, 2);
    expect([first.conversations.length, typeof first.cursor]).toEqual([2, 'string']);
    const rest = await api.list({ view: 'all', q: '', cursor: first.cursor! }, 2);
    expect([rest.conversations.length, rest.cursor]).toEqual([1, undefined]);
    expect(server.requests.at(-1)).toBe(`GET /agent/v1/conversations?${new URLSearchParams({ limit: '2', cursor: first.cursor! })}`);
    expect(new Set([...first.conversations, ...rest.conversations].map((conversation) => conversation.id)).size).toBe(3);
  });

  it('lists the conversations the view holds', async () => {
    const open = await server.visitor('Hello');
    const closed = await server.visitor('Bye');
    await api.act(closed.conversationId, 'close');
    expect((await api.list({ view: 'open', q: '' })).conversations.map((conversation) => conversation.id)).toEqual([open.conversationId]);
    expect((await api.list({ view: 'closed', q: '' })).conversations.map((conversation) => conversation.id)).toEqual([closed.conversationId]);
    expect((await api.list({ view: 'all', q: '' })).conversations).toHaveLength(2);
  });

  it('reads the newest messages, or those before a seq', async () => {
    const { conversationId } = await server.visitor('one', 'two', 'three');
    expect((await api.messages(conversationId)).messages.map((message) => message.body)).toEqual(['one', 'two', 'three']);
    const older = await api.messages(conversationId, 3);
    expect(older.messages.map((message) => message.body)).toEqual(['one', 'two']);
    expect(server.requests.at(-1)).toBe(`GET /agent/v1/conversations/${encodeURIComponent(conversationId)}/messages?before=3`);
  });

  it('replies once per clientId, however often it is sent', async () => {
    const { conversationId } = await server.visitor('Hello?');
    const first = await api.reply(conversationId, 'Hi, how can I help?', 'reply-0001');
    const again = await api.reply(conversationId, 'Hi, how can I help?', 'reply-0001');
    expect(first.message).toMatchObject({ author: 'agent', body: 'Hi, how can I help?', agent: { id: 'alice' } });
    expect(again.message.id).toBe(first.message.id);
    expect((await server.history(conversationId)).map((message) => message.body)).toEqual(['Hello?', 'Hi, how can I help?']);
  });

  it('closes, reopens, assigns and marks read, answering the conversation as it now is', async () => {
    const { conversationId } = await server.visitor('one', 'two');
    expect((await api.act(conversationId, 'close')).conversation.status).toBe('closed');
    expect((await api.act(conversationId, 'reopen')).conversation.status).toBe('open');
    expect((await api.act(conversationId, 'assign', { agentId: BOB.id })).conversation.assignee).toBe('bob');
    expect((await api.act(conversationId, 'read', { seq: 2 })).conversation).toMatchObject({ agentReadSeq: 2, unread: 0 });
  });

  it('sends typing and the agent’s status', async () => {
    const { conversationId } = await server.visitor('Hello?');
    await api.typing(conversationId);
    await api.setStatus('away');
    expect((await api.me()).status).toBe('away');
    expect(server.bodies.get('/agent/v1/status')).toEqual({ status: 'away' });
  });

  it('passes a refusal on with the server’s code', async () => {
    const error = await refusal(api.act('no-such-conversation', 'close'));
    expect([error.status, error.code]).toEqual([404, 'ERR_NOT_FOUND']);
  });

  it('turns an answer that is not the server’s (a proxy’s page) into ERR_NETWORK with its status', async () => {
    vi.stubGlobal('fetch', async () => new Response('<h1>Bad gateway</h1>', { status: 502, headers: { 'Content-Type': 'text/html' } }));
    const error = await refusal(api.list({ view: 'open', q: '' }));
    expect([error.status, error.code, error.message]).toEqual([502, 'ERR_NETWORK', 'The chat server answered 502.']);
  });
});

describe('the live stream', () => {
  /** Collects what the stream reports. */
  function listen() {
    const events: AgentStreamEvent[] = [];
    const states: [boolean, string | undefined][] = [];
    const close = api.stream((event) => events.push(event), (connected, error) => states.push([connected, error?.code]));
    return { events, states, close };
  }

  it('connects, asking for typing and presence, and hands on the events', async () => {
    await server.signIn();
    const { conversationId, session } = await server.visitor();
    const live = listen();
    await until(() => expect(live.states).toEqual([[true, undefined]]));
    expect(server.requests).toContain('GET /agent/v1/stream?events=typing,presence');
    await server.says(session, 'Anyone there?');
    await until(() => expect(live.events.find((event) => event.type === 'message')).toMatchObject({ conversation: { id: conversationId }, message: { body: 'Anyone there?' } }));
    live.close();
  });

  it('stops for good when the agent is not signed in', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const live = listen();
    await until(() => expect(live.states).toHaveLength(1));
    expect(live.states).toEqual([[false, 'ERR_AGENT_UNAUTHORIZED']]);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(server.requests.filter((request) => request.startsWith('GET /agent/v1/stream'))).toHaveLength(1);
  });

  it('reconnects after network failures, with backoff', async () => {
    await server.signIn();
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    let down = 2;
    vi.stubGlobal('fetch', (input: RequestInfo | URL, init?: RequestInit) => (down-- > 0 ? Promise.reject(new TypeError('Failed to fetch')) : server.fetch(input, init)));
    const live = listen();
    await until(() => expect(live.states).toHaveLength(1));
    await vi.advanceTimersByTimeAsync(1_000); // the first retry comes within 0.5–1 s
    await until(() => expect(live.states).toHaveLength(2));
    await vi.advanceTimersByTimeAsync(2_000); // the second within 1–2 s
    await until(() => expect(live.states.at(-1)).toEqual([true, undefined]));
    expect(live.states).toEqual([[false, undefined], [false, undefined], [true, undefined]]);
    live.close();
  });

  it('skips an event that is not JSON or not of its announced type, and keeps reading', async () => {
    const lines = ['event: message', 'data: {not json', '', 'event: typing', 'data: {"type":"presence","available":[]}', '', 'event: presence', 'data: {"type":"presence","available":["alice"]}', '', ''];
    let served = false;
    vi.stubGlobal('fetch', async () => {
      if (served) throw new TypeError('Failed to fetch');
      served = true;
      return new Response(lines.join('\n'), { headers: { 'Content-Type': 'text/event-stream' } });
    });
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const live = listen();
    await until(() => expect(live.states.length).toBeGreaterThanOrEqual(2));
    expect(live.states.slice(0, 2)).toEqual([[true, undefined], [false, undefined]]);
    expect(live.events).toEqual([{ type: 'presence', available: ['alice'] }]);
    live.close();
  });

  it('closing it ends the connection and any retry', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    let calls = 0;
    vi.stubGlobal('fetch', () => (calls++, Promise.reject(new TypeError('Failed to fetch'))));
    const live = listen();
    await until(() => expect(live.states).toHaveLength(1));
    live.close();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(calls).toBe(1);
  });
});
