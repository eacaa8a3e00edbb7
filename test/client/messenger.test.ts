import { describe, expect, it, vi } from 'vitest';
import { AUTOMATED_UUID_PATTERN, CLIENT_ID_PATTERN } from '../../src/identity/index.js';
import { nowSeconds } from '../helpers/sign.js';
import { BASE, flush, part, parts, setup, token, typeAndSend, useCleanPage } from './helpers.js';

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
    server.agentSays('c-visitor-1', 'Hi, how can I help?');
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
    const { createMessenger } = await import('../../src/client/index.js');
    const { fakeServer, BASE } = await import('./fake-server.js');
    vi.stubGlobal('fetch', fakeServer().fetch);
    const chat = createMessenger({ server: BASE });
    const started = vi.fn();
    chat.on('started', started);
    await flush();
    expect(started).toHaveBeenCalledWith({ event: 'started' });
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
    expect(error).toHaveBeenCalled();
  });
});

describe('require mode: no launcher until a signed identity is verified', () => {
  it('keeps the launcher hidden for an anonymous visitor, shows it once verified', async () => {
    const { chat, root, server } = await setup();
    // The policy says require: no anonymous registration, so nothing the server would refuse.
    expect(server.requests.map((r) => `${r.method} ${r.url.slice(BASE.length)}`)).toEqual(['GET /v1/policy']);
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
    const { root, server } = await setup({}, { policy: { mode: 'reject', minTokenLifetime: 3600, clockTolerance: 10 } });
    expect(part(root, 'launcher').hidden).toBe(false);
    const auid = (server.requests.find((r) => r.url.endsWith('/v1/identity'))!.body as { automatedUuid: string }).automatedUuid;
    expect(auid).toMatch(AUTOMATED_UUID_PATTERN);
    expect(localStorage.getItem('chatq:uuid')).toBe(auid);
  });
});

describe('tokens the server will refuse are reported at once, in integrator words', () => {
  it.each([
    ['expired', () => ({ exp: nowSeconds() - 60 }), {}, /expired 60 s ago/],
    ['too short-lived', () => ({ exp: nowSeconds() + 600 }), {}, /expires in 600 s, less than the 3600 s .*minTokenLifetime/],
    ['without kid', () => ({}), { kid: undefined }, /no "kid"/],
    ['without uuid', () => ({ uuid: undefined }), {}, /no valid "uuid"/],
    ['without exp', () => ({ exp: undefined }), {}, /no numeric "exp"/],
  ])('%s', async (_name, payload, header, message) => {
    const { chat } = await setup();
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    vi.spyOn(console, 'error').mockImplementation(() => {});
    const jwt = token(payload(), header);
    void chat.setSignedIdentity(jwt);
    expect(warn).toHaveBeenCalledTimes(1);
    const text = String(warn.mock.calls[0]![0]);
    expect(text).toMatch(message);
    expect(text).not.toContain(jwt.split('.')[1]!); // never logs the token
  });

  it('a malformed token is rejected locally with ERR_JWT_MALFORMED, nothing sent', async () => {
    const { chat, server } = await setup();
    vi.spyOn(console, 'error').mockImplementation(() => {});
    const before = server.requests.length;
    const rejected = vi.fn();
    chat.on('identity_rejected', rejected);
    expect(await chat.setSignedIdentity('not.a.jwt')).toMatchObject({ ok: false, code: 'ERR_JWT_MALFORMED' });
    expect(rejected).toHaveBeenCalledWith(expect.objectContaining({ code: 'ERR_JWT_MALFORMED' }));
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
    const session = [...server.sessions.keys()][0]!;
    for (const request of server.requests) {
      expect(request.url).not.toContain(session);
      expect(request.url).not.toContain(jwt);
    }
    // The policy is public: asked for without any credential.
    expect(server.requests.find((r) => r.url.endsWith('/v1/policy'))!.headers.Authorization).toBeUndefined();
    const authed = server.requests.filter((r) => !/\/v1\/(identity|policy)$/.test(r.url));
    expect(authed.map((r) => r.url.replace(/.*\/chatq/, ''))).toEqual(
      expect.arrayContaining(['/v1/conversation', '/v1/stream', '/v1/messages', '/v1/page']),
    );
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
    server.fail('/v1/messages', 503, 'ERR_BAD_REQUEST');
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
    expect(sends.map((r) => (r.body as { clientId: string }).clientId)).toEqual([clientId, clientId]);
    expect(parts(root, 'message').map((m) => [m.dataset.state, m.querySelector('p')!.textContent])).toEqual([['sent', 'first try']]);
  });

  it('429 tells the visitor to wait, keeps the text, and lets them send after Retry-After', async () => {
    const { chat, server, root } = await setup();
    await chat.setIdentity(token());
    chat.open();
    server.fail('/v1/messages', 429, 'ERR_RATE_LIMITED', 7);
    typeAndSend(root, 'too fast');
    await flush();
    const notice = root.querySelector<HTMLElement>('[part="notice"][data-kind="rate-limited"]')!;
    expect(notice.textContent).toContain('7 seconds');
    expect((part(root, 'input') as HTMLTextAreaElement).value).toBe('too fast');
    expect((part(root, 'send') as HTMLButtonElement).disabled).toBe(true);
    expect(parts(root, 'message')).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(7_000);
    expect(root.querySelector('[data-kind="rate-limited"]')).toBeNull();
    expect((part(root, 'send') as HTMLButtonElement).disabled).toBe(false);
  });

  it('Enter sends, Shift+Enter does not', async () => {
    const { chat, server, root } = await setup();
    await chat.setIdentity(token());
    chat.open();
    const input = part(root, 'input') as HTMLTextAreaElement;
    input.value = 'line one';
    input.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', shiftKey: true, bubbles: true, cancelable: true }));
    await flush();
    expect(server.requests.some((r) => r.url.endsWith('/v1/messages'))).toBe(false);
    typeAndSend(root, 'line one\nline two');
    await flush();
    expect(input.value).toBe('');
    expect(server.requests.find((r) => r.url.endsWith('/v1/messages'))!.body).toMatchObject({ body: 'line one\nline two' });
  });
});

describe('pageChange', () => {
  it('before the session exists is sent once it does, with the page URL and title, as a header-authenticated POST', async () => {
    const { chat, server } = await setup();
    document.title = 'Checkout';
    chat.pageChange();
    await flush();
    expect(server.requests.some((r) => r.url.endsWith('/v1/page'))).toBe(false);
    await chat.setIdentity(token());
    await flush();
    const page = server.requests.filter((r) => r.url.endsWith('/v1/page'));
    expect(page).toHaveLength(1);
    expect(page[0]).toMatchObject({ method: 'POST', body: { url: location.href, title: 'Checkout' } });
    expect(page[0]!.headers.Authorization).toMatch(/^Bearer s\d+$/);
  });
});

describe('the agent stream', () => {
  it('shows agent messages, counts unread while closed, resends Last-Event-ID on reconnect', async () => {
    const { chat, server, root } = await setup();
    await chat.setIdentity(token());
    await flush();
    server.agentSays('c-visitor-1', 'one');
    server.agentSays('c-visitor-1', 'two');
    await flush();
    expect(parts(root, 'message').map((m) => m.querySelector('p')!.textContent)).toEqual(['one', 'two']);
    expect(part(root, 'launcher').dataset.unread).toBe('2');
    expect(part(root, 'launcher').getAttribute('aria-label')).toContain('2 unread');
    chat.open();
    expect(part(root, 'launcher').dataset.unread).toBeUndefined();
    // The connection drops: the widget reconnects with backoff and resends the last id.
    server.streams[0]!.controller.close();
    await vi.advanceTimersByTimeAsync(2_000);
    const streams = server.requests.filter((r) => r.url.endsWith('/v1/stream'));
    expect(streams).toHaveLength(2);
    expect(streams[1]!.headers['Last-Event-ID']).toBe('2');
    expect(streams[1]!.headers.Accept).toBe('text/event-stream');
  });

  it('loads the history of the conversation on registration', async () => {
    const { chat, server, root } = await setup();
    server.agentSays('c-visitor-1', 'earlier');
    await chat.setIdentity(token());
    await flush();
    expect(parts(root, 'message').map((m) => m.querySelector('p')!.textContent)).toEqual(['earlier']);
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
    expect(root.adoptedStyleSheets).toHaveLength(1);
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
    expect(shown).toHaveBeenCalledTimes(1);
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
  const say = (server: Awaited<ReturnType<typeof setup>>['server'], text: string) => {
    for (const stream of server.streams) stream.controller.enqueue(new TextEncoder().encode(text));
  };

  it('a session_ended stream event forgets the conversation on screen', async () => {
    const { chat, server, root } = await setup();
    await chat.setIdentity(token());
    chat.addMessage({ body: 'local', agent: true });
    await flush();
    say(server, 'event: session_ended\ndata: {"type":"session_ended"}\n\n');
    await flush();
    expect(parts(root, 'message')).toHaveLength(0);
    expect(part(root, 'launcher').hidden).toBe(true);
  });

  it('a stream answered 401 ERR_SESSION_INVALID registers the identity again, once', async () => {
    const { chat, server } = await setup();
    await chat.setIdentity(token());
    await flush();
    server.sessions.clear(); // the server restarted with an in-memory store
    server.streams[0]!.controller.close();
    await vi.advanceTimersByTimeAsync(31_000);
    const registrations = server.requests.filter((r) => r.url.endsWith('/v1/identity'));
    expect(registrations).toHaveLength(2); // setIdentity, re-registration (require mode: no anonymous one)
    expect((registrations[1]!.body as { jwt?: string }).jwt).toBe((registrations[0]!.body as { jwt?: string }).jwt);
    expect(server.streams.filter((s) => server.sessions.has(s.session))).toHaveLength(1);
  });

  it('an unsigned session that idled out (401 ERR_SESSION_EXPIRED) is renewed quietly, without the notice', async () => {
    const { server, root } = await setup({}, { policy: { mode: 'reject', minTokenLifetime: 3600, clockTolerance: 10 } });
    await flush();
    const session = [...server.sessions.keys()][0]!;
    server.fail('/v1/stream', 401, 'ERR_SESSION_EXPIRED');
    server.streams[0]!.controller.close();
    await vi.advanceTimersByTimeAsync(31_000);
    expect(root.querySelector('[data-kind="session-expired"]')).toBeNull();
    const again = server.requests.filter((r) => r.url.endsWith('/v1/identity'))[1]!;
    expect(again.headers.Authorization).toBe(`Bearer ${session}`);
    expect(server.requests.filter((r) => r.url.endsWith('/v1/stream')).length).toBe(3);
  });

  it('destroy() removes the element and stops every request', async () => {
    const { chat, server, host } = await setup();
    await chat.setIdentity(token());
    await flush();
    chat.destroy();
    const count = server.requests.length;
    await vi.advanceTimersByTimeAsync(3_600_000);
    expect(host.isConnected).toBe(false);
    expect(server.requests.length).toBe(count);
  });
});
