import { describe, expect, it, vi } from 'vitest';
import { AUTOMATED_UUID_PATTERN, CLIENT_ID_PATTERN } from '../../src/identity/index.js';
import { createMessenger } from '../../src/client/index.js';
import { nowSeconds } from '../helpers/sign.js';
import { BASE, flush, part, parts, paths, realServer, setup, texts, token, typeAndSend, useCleanPage } from './helpers.js';

useCleanPage();

describe('events (SPEC §5): every event carries its name in `event`', () => {
  it('started, identity_verified, chat_shown, message_sent, chat_engaged, message_received, chat_closed', async () => {
    const seen: Record<string, unknown>[] = [];
    const { chat, server, root } = await setup();
    const names = ['started', 'identity_verified', 'chat_shown', 'chat_closed', 'chat_engaged', 'message_sent', 'message_received'] as const;
    for (const name of names) chat.on(name, (data) => seen.push(data as never));
    await chat.setIdentity(token());
    chat.open();
    typeAndSend(root, 'Hello');
    await flush();
    await server.agentSays('visitor-1', 'Hi, how can I help?');
    await flush();
    chat.close();
    expect(seen.map((d) => d.event)).toEqual([
      'identity_verified',
      'chat_shown',
      'message_sent',
      'chat_engaged',
      'message_received',
      'chat_closed',
    ]);
    expect(seen[2]).toMatchObject({ message: { author: 'visitor', body: 'Hello' } });
    expect(seen[4]).toMatchObject({ message: { author: 'agent', body: 'Hi, how can I help?' } });
  });

  it('fires started once mounted, after listeners registered synchronously', async () => {
    realServer().install();
    const chat = createMessenger({ server: BASE });
    const started = vi.fn();
    chat.on('started', started);
    await flush();
    expect(started.mock.calls).toEqual([[{ event: 'started' }]]);
    chat.destroy();
  });

  it('on() returns an unsubscribe function; a throwing listener breaks nothing', async () => {
    const { chat } = await setup();
    const error = vi.spyOn(console, 'error').mockImplementation(() => {});
    const fn = vi.fn();
    chat.on('identity_verified', () => {
      throw new Error('host bug');
    });
    const off = chat.on('identity_verified', fn);
    await chat.setIdentity(token());
    off();
    await chat.setIdentity(token());
    expect(fn).toHaveBeenCalledTimes(1);
    // The host's bug is reported, naming the event, on every emit; it stopped nothing.
    expect(error.mock.calls).toEqual([
      ['chatq: identity_verified listener threw', new Error('host bug')],
      ['chatq: identity_verified listener threw', new Error('host bug')],
    ]);
  });
});

describe('require mode: no launcher until a signed identity is verified', () => {
  it('keeps the launcher hidden for an anonymous visitor, shows it once verified', async () => {
    const { chat, root, server } = await setup();
    // The policy says require: no anonymous registration, so nothing the server would refuse.
    expect(paths(server)).toEqual(['GET /v1/policy']);
    expect(part(root, 'launcher').hidden).toBe(true);
    chat.open();
    expect(part(root, 'panel').hidden).toBe(true);
    await chat.setIdentity(token());
    expect(part(root, 'launcher').hidden).toBe(false);
  });

  it('an unsigned identity is rejected with the server code and the launcher stays hidden', async () => {
    const { chat, root } = await setup();
    vi.spyOn(console, 'error').mockImplementation(() => {});
    const rejected = vi.fn();
    chat.on('identity_rejected', rejected);
    const result = await chat.setIdentity({ firstname: 'Ada' });
    expect(result).toMatchObject({ ok: false, code: 'ERR_SIGNED_IDENTITY_REQUIRED' });
    expect(rejected).toHaveBeenCalledWith(expect.objectContaining({ event: 'identity_rejected', code: 'ERR_SIGNED_IDENTITY_REQUIRED' }));
    expect(part(root, 'launcher').hidden).toBe(true);
  });

  it('in reject mode an anonymous visitor gets the launcher with an automated uuid', async () => {
    const { root, server } = await setup({}, { policy: { mode: 'reject' } });
    expect(part(root, 'launcher').hidden).toBe(false);
    const auid = (server.requests.find((r) => r.url.endsWith('/v1/identity'))!.body as { automatedUuid: string }).automatedUuid;
    expect(auid).toMatch(AUTOMATED_UUID_PATTERN);
    expect(localStorage.getItem('chatq:uuid')).toBe(auid);
    // The agent sees this visitor under that automated uuid, marked as such.
    expect(await server.conversationsOf(auid)).toEqual([expect.objectContaining({ uuidSource: 'automated', signed: false })]);
  });
});

describe('tokens the server will refuse are reported at once, in integrator words', () => {
  it.each([
    // SPEC §5: a lapsed or too short-lived token is told once, by the server that judges it (on its clock, against its
    // minTokenLifetime), as the refusal comes back: no second guess of the browser's beside it (a warning said it twice).
    ['expired', () => ({ exp: nowSeconds() - 60 }), {}, 'ERR_JWT_EXPIRED', /The JWT expired 60 seconds ago .*sign a fresh token/],
    ['too short-lived', () => ({ exp: nowSeconds() + 600 }), {}, 'ERR_JWT_EXP_TOO_SOON', /exp is 10 minutes ahead; .*minTokenLifetime 3600 s/],
    ['without kid', () => ({}), { kid: undefined }, 'ERR_JWT_KID_MISSING', /has no kid; set kid/],
    ['without uuid', () => ({ uuid: undefined }), {}, 'ERR_JWT_UUID_MISSING', /has no uuid/],
    ['without exp', () => ({ exp: undefined }), {}, 'ERR_JWT_EXP_MISSING', /no exp claim/],
  ])('%s: in the server\'s words, with its code (the widget keeps no second copy of the rule)', async (_name, payload, header, code, message) => {
    const { chat } = await setup();
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const error = vi.spyOn(console, 'error').mockImplementation(() => {});
    const jwt = token(payload(), header);
    expect(await chat.setSignedIdentity(jwt)).toMatchObject({ ok: false, code });
    expect(warn).not.toHaveBeenCalled();
    expect(error).toHaveBeenCalledTimes(1);
    const text = String(error.mock.calls[0]![0]);
    expect(text).toMatch(new RegExp(`^chatq: ${code}: `));
    expect(text).toMatch(message);
    expect(text).not.toContain(jwt.split('.')[1]!);
  });

  /** Signs in with `jwt`, expecting ERR_JWT_MALFORMED: what was sent to the server meanwhile, and how it was told. */
  async function malformed(jwt: string) {
    const { chat, server } = await setup();
    const error = vi.spyOn(console, 'error').mockImplementation(() => {});
    const before = server.requests.length;
    const rejected = vi.fn();
    chat.on('identity_rejected', rejected);
    expect(await chat.setSignedIdentity(jwt)).toMatchObject({ ok: false, code: 'ERR_JWT_MALFORMED' });
    return { sent: server.requests.length - before, rejected, error };
  }

  it('a token with no payload to read is rejected locally with ERR_JWT_MALFORMED and the fault\'s name, nothing sent', async () => {
    const { sent, rejected, error } = await malformed('not.a.jwt');
    const message = 'not a JWT (payload-json); npx chatq explain says why';
    expect(rejected).toHaveBeenCalledWith({ event: 'identity_rejected', code: 'ERR_JWT_MALFORMED', message });
    expect(error).toHaveBeenCalledWith(`chatq: ERR_JWT_MALFORMED: ${message}`);
    expect(sent).toBe(0);
  });

  it('a token malformed where the widget does not read (its header) goes to the server, whose ERR_JWT_MALFORMED is reported the same way', async () => {
    const payload = Buffer.from(JSON.stringify({ uuid: 'u1', exp: 4102444800 })).toString('base64url');
    const { sent, rejected, error } = await malformed(`e30=.${payload}.AA`);
    expect(sent).toBe(1);
    expect(rejected).toHaveBeenCalledWith(expect.objectContaining({ event: 'identity_rejected', code: 'ERR_JWT_MALFORMED' }));
    expect(error).toHaveBeenCalledWith(expect.stringMatching(/^chatq: ERR_JWT_MALFORMED: /));
  });

  it('the ESM entry refuses what setIdentity and setSignedIdentity do not take (index.ts: loader.js leaves it to the queue), nothing sent', async () => {
    const { chat, server } = await setup();
    const error = vi.spyOn(console, 'error').mockImplementation(() => {});
    const before = server.requests.length;
    const rejected = vi.fn();
    chat.on('identity_rejected', rejected);
    for (const input of [42, null, ['a']]) {
      const message = 'setIdentity takes a JWT or an object.';
      expect(await chat.setIdentity(input as never)).toEqual({ ok: false, code: 'ERR_IDENTITY_INVALID', message });
      expect(error).toHaveBeenLastCalledWith(`chatq: ERR_IDENTITY_INVALID: ${message}`);
    }
    // An object is no signed identity: never registered as unsigned data.
    const message = 'setSignedIdentity takes a JWT.';
    expect(await chat.setSignedIdentity({ uuid: 'u1' } as never)).toEqual({ ok: false, code: 'ERR_JWT_MALFORMED', message });
    expect(rejected).toHaveBeenLastCalledWith({ event: 'identity_rejected', code: 'ERR_JWT_MALFORMED', message });
    expect(rejected).toHaveBeenCalledTimes(4);
    expect(server.requests.length).toBe(before);
  });
});

describe('credentials stay off URLs (SPEC §6)', () => {
  it('sends the session only as Authorization: Bearer, never the JWT or session in a URL', async () => {
    const { chat, server, root } = await setup();
    const jwt = token();
    await chat.setIdentity(jwt);
    chat.open();
    typeAndSend(root, 'hi');
    chat.pageChange();
    await flush();
    expect(server.sessions).toHaveLength(1);
    const session = server.sessions[0]!;
    for (const request of server.requests) {
      expect(request.url).not.toContain(session);
      expect(request.url).not.toContain(jwt);
    }
    // The policy is public: asked for without any credential.
    expect(server.requests.find((r) => r.url.endsWith('/v1/policy'))!.headers.Authorization).toBeUndefined();
    const authed = server.requests.filter((r) => !/\/v1\/(identity|policy)$/.test(r.url));
    expect(authed.map((r) => `${r.method} ${r.url.slice(BASE.length)}`).sort()).toEqual([
      'GET /v1/conversation',
      'GET /v1/stream?events=presence,typing,read',
      'POST /v1/messages',
      'POST /v1/page',
    ]);
    for (const request of authed) expect(request.headers.Authorization).toBe(`Bearer ${session}`);
    expect(localStorage.getItem('chatq:uuid')).not.toContain(jwt.slice(0, 20));
    expect(JSON.stringify({ ...localStorage })).not.toContain(jwt);
  });
});

describe('sending: clientId, failed/retry, 429 and 401', () => {
  it('a failed send shows a retry button; the retry reuses the clientId and never duplicates', async () => {
    const { chat, server, root } = await setup();
    await chat.setIdentity(token());
    chat.open();
    // An outage in front of the server (a load balancer's 503): the message never reached the handler.
    server.fail('/v1/messages', { status: 503, code: 'ERR_UNAVAILABLE' });
    typeAndSend(root, 'first try');
    await flush();
    const message = part(root, 'message');
    expect(message.dataset.state).toBe('failed');
    const [failed] = server.requests.filter((r) => r.url.endsWith('/v1/messages'));
    const clientId = (failed!.body as { clientId: string }).clientId;
    expect(clientId).toMatch(CLIENT_ID_PATTERN);
    message.querySelector('button')!.click();
    await flush();
    const sends = server.requests.filter((r) => r.url.endsWith('/v1/messages'));
    expect(sends.map((r) => [(r.body as { clientId: string }).clientId, r.status])).toEqual([
      [clientId, 503],
      [clientId, 201],
    ]);
    expect(parts(root, 'message').map((m) => [m.dataset.state, m.querySelector('p')!.textContent])).toEqual([['sent', 'first try']]);
    expect((await server.history('visitor-1')).map((m) => [m.author, m.body, m.clientId])).toEqual([['visitor', 'first try', clientId]]);
  });

  it('a send whose answer was lost: the retry gets the stored message back, and the stream never adds a second copy', async () => {
    const { chat, server, root } = await setup();
    await chat.setIdentity(token());
    chat.open();
    await flush();
    // The stream's connection is down and its reconnect hangs; then the handler stores the message
    // but its answer never reaches the browser.
    const reconnect = server.hold('/v1/stream');
    server.dropStreams();
    server.fail('/v1/messages', 'answer-lost');
    typeAndSend(root, 'stored once');
    await flush();
    expect(parts(root, 'message').map((m) => m.dataset.state)).toEqual(['failed']);
    root.querySelector<HTMLButtonElement>('[part="message"] button')!.click();
    await flush();
    // 200, not 201: the server recognised the clientId and answered with the message it already had.
    expect(server.requests.filter((r) => r.url.endsWith('/v1/messages')).map((r) => r.status)).toEqual([undefined, 200]);
    reconnect();
    await vi.advanceTimersByTimeAsync(2_000);
    expect(server.streams).toHaveLength(1); // the stream is back, and replayed from its Last-Event-ID
    expect(parts(root, 'message').map((m) => [m.dataset.state, m.querySelector('p')!.textContent])).toEqual([['sent', 'stored once']]);
    expect((await server.history('visitor-1')).map((m) => m.body)).toEqual(['stored once']);
  });

  it('a message the stream delivered is sent, even when the answer to its POST is lost (no Retry, no second copy)', async () => {
    const { chat, server, root } = await setup();
    await chat.setIdentity(token());
    chat.open();
    await flush();
    const sent = vi.fn();
    const engaged = vi.fn();
    chat.on('message_sent', sent);
    chat.on('chat_engaged', engaged);
    server.fail('/v1/messages', 'answer-lost');
    typeAndSend(root, 'hello');
    await flush();
    expect((await server.history('visitor-1')).map((m) => m.body)).toEqual(['hello']);
    expect(parts(root, 'message').map((m) => [m.dataset.state, m.querySelector('button')])).toEqual([['sent', null]]);
    expect(sent).toHaveBeenCalledWith({ event: 'message_sent', message: expect.objectContaining({ author: 'visitor', body: 'hello' }) });
    expect(engaged).toHaveBeenCalledTimes(1);
  });

  it('429 tells the visitor to wait, keeps the text, and lets them send after Retry-After', async () => {
    // One message a minute: the second one within the minute meets the handler's real limit.
    const { chat, server, root } = await setup({}, { limits: { messagesPerMinutePerSession: 1 } });
    await chat.setIdentity(token());
    chat.open();
    typeAndSend(root, 'first');
    await flush();
    typeAndSend(root, 'too fast');
    await flush();
    expect(server.requests.filter((r) => r.url.endsWith('/v1/messages')).map((r) => r.status)).toEqual([201, 429]);
    const notice = root.querySelector<HTMLElement>('[part="notice"][data-kind="rate-limited"]')!;
    expect(notice.textContent).toContain('60 seconds');
    expect((part(root, 'input') as HTMLTextAreaElement).value).toBe('too fast');
    expect((part(root, 'send') as HTMLButtonElement).disabled).toBe(true);
    expect(texts(root)).toEqual(['first']);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(root.querySelector('[data-kind="rate-limited"]')).toBeNull();
    expect((part(root, 'send') as HTMLButtonElement).disabled).toBe(false);
    (part(root, 'send') as HTMLButtonElement).click();
    await flush();
    expect(parts(root, 'message').map((m) => [m.dataset.state, m.querySelector('p')!.textContent])).toEqual([
      ['sent', 'first'],
      ['sent', 'too fast'],
    ]);
  });

  it('Enter sends, Shift+Enter does not', async () => {
    const { chat, server, root } = await setup();
    await chat.setIdentity(token());
    chat.open();
    const input = part(root, 'input') as HTMLTextAreaElement;
    input.value = 'line one';
    input.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', shiftKey: true, bubbles: true, cancelable: true }));
    await flush();
    expect(server.requests.filter((r) => r.url.endsWith('/v1/messages'))).toEqual([]);
    typeAndSend(root, 'line one\nline two');
    await flush();
    expect(input.value).toBe('');
    expect(server.requests.filter((r) => r.url.endsWith('/v1/messages')).map((r) => r.body)).toEqual([
      expect.objectContaining({ body: 'line one\nline two' }),
    ]);
    expect((await server.history('visitor-1')).map((m) => m.body)).toEqual(['line one\nline two']);
  });
});

describe('pageChange', () => {
  it('before the session exists is sent once it does, with the page URL and title, as a header-authenticated POST', async () => {
    const { chat, server } = await setup();
    document.title = 'Checkout';
    chat.pageChange();
    await flush();
    expect(server.requests.filter((r) => r.url.endsWith('/v1/page'))).toEqual([]);
    await chat.setIdentity(token());
    await flush();
    const page = server.requests.filter((r) => r.url.endsWith('/v1/page'));
    expect(page).toHaveLength(1);
    expect(page[0]).toMatchObject({ method: 'POST', body: { url: location.href, title: 'Checkout' }, status: 204 });
    expect(page[0]!.headers.Authorization).toBe(`Bearer ${server.sessions[0]}`);
    // What the agent sees.
    expect(await server.conversationsOf('visitor-1')).toEqual([expect.objectContaining({ lastPage: { url: location.href, title: 'Checkout' } })]);
  });
});

describe('the agent stream', () => {
  it('shows agent messages, counts unread while closed, resends Last-Event-ID on reconnect', async () => {
    const { chat, server, root } = await setup();
    await chat.setIdentity(token());
    await flush();
    await server.agentSays('visitor-1', 'one');
    await server.agentSays('visitor-1', 'two');
    await flush();
    expect(texts(root)).toEqual(['one', 'two']);
    expect(part(root, 'launcher').dataset.unread).toBe('2');
    expect(part(root, 'launcher').getAttribute('aria-label')).toContain('2 unread');
    chat.open();
    expect(part(root, 'launcher').dataset.unread).toBeUndefined();
    // The connection drops: the widget reconnects with backoff and resends the last id.
    server.dropStreams();
    await vi.advanceTimersByTimeAsync(2_000);
    const streams = server.requests.filter((r) => r.url.includes('/v1/stream'));
    expect(streams).toHaveLength(2);
    // The position as the stream gave it: <epoch>.<seq> (SPEC §8, issue 16).
    expect(streams[1]!.headers['Last-Event-ID']).toMatch(/^[A-Za-z0-9_-]{1,32}\.2$/);
    expect(streams[1]!.headers.Accept).toBe('text/event-stream');
    // The server resumed after it: the next reply comes once, and nothing is replayed.
    await server.agentSays('visitor-1', 'three');
    await flush();
    expect(texts(root)).toEqual(['one', 'two', 'three']);
  });

  it('loads the history of the conversation on registration', async () => {
    const { chat, server, root } = await setup();
    // The visitor was here before, on another device: the agent answered there.
    await server.register({ jwt: token() });
    await server.agentSays('visitor-1', 'earlier');
    await chat.setIdentity(token());
    await flush();
    expect(texts(root)).toEqual(['earlier']);
  });
});

describe('UI: keyboard, focus, translations, host CSS', () => {
  it('open focuses the input, Escape closes and returns focus to the launcher', async () => {
    const { chat, root } = await setup();
    await chat.setIdentity(token());
    (part(root, 'launcher') as HTMLButtonElement).click();
    expect(part(root, 'panel').hidden).toBe(false);
    expect(part(root, 'launcher').getAttribute('aria-expanded')).toBe('true');
    expect(root.activeElement).toBe(part(root, 'input'));
    part(root, 'input').dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true }));
    expect(part(root, 'panel').hidden).toBe(true);
    expect(root.activeElement).toBe(part(root, 'launcher'));
  });

  it('labels every control from translation keys: French built in, addTranslations overrides', async () => {
    const { chat, root } = await setup({ locale: 'fr-CA' });
    expect(part(root, 'send').textContent).toBe('Envoyer');
    expect(part(root, 'launcher').getAttribute('aria-label')).toBe('Ouvrir le chat');
    chat.addTranslations({ fr: { send: 'Expédier' } });
    expect(part(root, 'send').textContent).toBe('Expédier');
    chat.setConfiguration({ locale: 'en' });
    expect(part(root, 'send').textContent).toBe('Send');
    expect(part(root, 'input').getAttribute('aria-label')).toBe('Message');
    expect(part(root, 'messages').getAttribute('aria-live')).toBe('polite');
  });

  it('is never :empty, adopts a constructable stylesheet and has no inline style', async () => {
    const { host, root } = await setup();
    expect(host.matches(':empty')).toBe(false);
    // The shell's sheet and the panel's (SPEC §10: two scripts, each with its styles).
    expect(root.adoptedStyleSheets).toHaveLength(2);
    expect(root.querySelector('style, [style]')).toBeNull();
  });

  it('embedded mode renders the panel in the container, without launcher', async () => {
    const container = document.createElement('div');
    document.body.append(container);
    const { chat } = await setup({ container });
    const shown = vi.fn();
    chat.on('chat_shown', shown);
    await chat.setIdentity(token());
    const host = container.querySelector('chatq-messenger')!;
    expect(host.hasAttribute('embedded')).toBe(true);
    expect(part(host.shadowRoot!, 'panel').hidden).toBe(false);
    expect(part(host.shadowRoot!, 'launcher').hidden).toBe(true);
    expect(shown.mock.calls).toEqual([[{ event: 'chat_shown' }]]);
  });

  it('setConfiguration({ embedded, parentNodeId }) moves the widget into that element', async () => {
    const target = document.createElement('div');
    target.id = 'messaging-container';
    document.body.append(target);
    const { chat, host } = await setup();
    chat.setConfiguration({ embedded: true, parentNodeId: 'messaging-container' });
    expect(host.parentElement).toBe(target);
    expect(host.hasAttribute('embedded')).toBe(true);
  });
});

describe('session lost or ended by the server', () => {
  it('a session_ended stream event forgets the conversation on screen', async () => {
    const { chat, server, root } = await setup();
    await chat.setIdentity(token());
    chat.addMessage({ body: 'local', agent: true });
    await flush();
    expect(texts(root)).toEqual(['local']);
    // The session is revoked on the server: its open stream is told so.
    await server.endSession(server.sessions[0]!);
    await flush();
    expect(parts(root, 'message')).toHaveLength(0);
    expect(part(root, 'launcher').hidden).toBe(true);
  });

  it('a stream answered 401 ERR_SESSION_INVALID registers the identity again, once', async () => {
    const { chat, server } = await setup();
    await chat.setIdentity(token());
    await flush();
    server.restart(); // a server with an in-memory store restarted: the session is unknown now
    await vi.advanceTimersByTimeAsync(31_000);
    expect(server.requests.filter((r) => r.url.includes('/v1/stream')).map((r) => r.status)).toEqual([200, 401, 200]);
    const registrations = server.requests.filter((r) => r.url.endsWith('/v1/identity'));
    expect(registrations).toHaveLength(2); // setIdentity, re-registration (require mode: no anonymous one)
    expect((registrations[1]!.body as { jwt?: string }).jwt).toBe((registrations[0]!.body as { jwt?: string }).jwt);
    expect(server.sessions).toHaveLength(2);
    expect(server.streams.map((s) => s.session)).toEqual([server.sessions[1]]);
    expect(await server.liveSessions()).toEqual([server.sessions[1]]);
  });

  it('an unsigned session that idled out (401 ERR_SESSION_EXPIRED) is renewed quietly, without the notice', async () => {
    const { server, root } = await setup({}, { policy: { mode: 'reject' } });
    await flush();
    const [session] = server.sessions;
    // The laptop slept for a day: no timer ran, the connection died, and the idle session lapsed.
    vi.setSystemTime(Date.now() + 25 * 3_600_000);
    server.dropStreams();
    await vi.advanceTimersByTimeAsync(31_000);
    expect(root.querySelector('[data-kind="session-expired"]')).toBeNull();
    expect(server.requests.filter((r) => r.url.includes('/v1/stream')).map((r) => r.status)).toEqual([200, 401, 200]);
    const again = server.requests.filter((r) => r.url.endsWith('/v1/identity'))[1]!;
    expect(again.headers.Authorization).toBe(`Bearer ${session}`);
    // Renewed in place: the same session, honoured again.
    expect(server.sessions).toEqual([session]);
    expect(await server.sessionState(session!)).toBe('live');
  });

  it('destroy() removes the element and stops every request', async () => {
    const { chat, server, host } = await setup();
    await chat.setIdentity(token());
    await flush();
    expect(server.streams).toHaveLength(1);
    chat.destroy();
    const count = server.requests.length;
    await vi.advanceTimersByTimeAsync(3_600_000);
    expect(host.isConnected).toBe(false);
    expect(server.requests.length).toBe(count);
    expect(server.streams).toHaveLength(0); // the stream connection was closed, not left open
  });
});

describe('an expired session keeps its launcher (the notice is in the panel)', () => {
  it('closed when the token lapses, the panel still opens on the expired notice, and the launcher stays after a reconfiguration', async () => {
    const { chat, root } = await setup({ renewBefore: 60 });
    const expired = vi.fn();
    chat.on('session_expired', expired);
    await chat.setIdentity(token({ exp: nowSeconds() + 3_700 }));
    await flush();
    await vi.advanceTimersByTimeAsync(3_700 * 1000);
    // Waits for the state asserted on: the session_expired event, not a time.
    expect(expired).toHaveBeenCalledTimes(1);
    chat.setConfiguration({ title: 'Help' });
    expect(part(root, 'launcher').hidden).toBe(false);
    chat.open();
    expect(part(root, 'panel').hidden).toBe(false);
    expect(root.querySelector('[part="notice"][data-kind="session-expired"]')).not.toBeNull();
  });
});
