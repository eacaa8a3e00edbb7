import { describe, expect, it, vi } from 'vitest';
import { AUTOMATED_UUID_PATTERN } from '../../src/identity/index.js';
import { createMessenger } from '../../src/client/index.js';
import { BASE, flush, part, parts, realServer, setup, texts, token, typeAndSend, useCleanPage } from './helpers.js';

useCleanPage();

const XSS = [
  '<img src=x onerror="window.__xss=1">',
  '<script>window.__xss=1</script>',
  '"><svg onload=window.__xss=1>',
  '<a href="javascript:window.__xss=1">x</a>',
];

describe('text only: identity fields and messages are rendered inert', () => {
  it.each(XSS)('%s', async (payload) => {
    const { chat, server, root } = await setup();
    await chat.setIdentity(token({ firstname: payload }));
    chat.open();
    chat.addMessage({ body: payload, agent: true });
    typeAndSend(root, payload);
    await flush();
    await server.agentSays('visitor-1', payload);
    await flush();
    const bodies = parts(root, 'message').map((m) => m.querySelector('p')!);
    expect(bodies.map((p) => p.textContent)).toEqual([payload, payload, payload]);
    for (const p of bodies) expect(p.children).toHaveLength(0);
    expect(root.querySelector('.greet')!.textContent).toBe(`Hello ${payload}`);
    expect(root.querySelector('img, script, a, [onerror], [onload], [href]')).toBeNull();
    // The one SVG is the launcher's own icon: no payload ever becomes one.
    expect([...root.querySelectorAll('svg')].map((svg) => svg.parentElement?.getAttribute('part'))).toEqual(['launcher']);
    expect(document.querySelector('img, svg, a')).toBeNull();
    expect((window as { __xss?: number }).__xss).toBeUndefined();
  });
});

describe('logout: clearIdentity forgets everything, in place', () => {
  it('clears messages, draft, session (server told), conversation and the automated uuid', async () => {
    const { chat, server, root } = await setup();
    await chat.setIdentity(token());
    chat.open();
    typeAndSend(root, 'private');
    await flush();
    (part(root, 'input') as HTMLTextAreaElement).value = 'half-typed';
    const auid = localStorage.getItem('chatq:uuid');
    const [session] = server.sessions;
    chat.clearIdentity();
    await flush();
    expect(parts(root, 'message')).toHaveLength(0);
    expect((part(root, 'input') as HTMLTextAreaElement).value).toBe('');
    const logout = server.requests.find((r) => r.method === 'DELETE')!;
    expect(logout.url).toBe(`${BASE}/v1/session`);
    expect(logout.headers.Authorization).toBe(`Bearer ${session}`);
    expect(await server.sessionState(session!)).toBe('ended');
    const fresh = localStorage.getItem('chatq:uuid')!;
    expect(fresh).toMatch(AUTOMATED_UUID_PATTERN);
    expect(fresh).not.toBe(auid);
    expect(part(root, 'launcher').hidden).toBe(true); // require mode: anonymous again
    expect(part(root, 'panel').hidden).toBe(true);
    expect(root.querySelector('.greet')!.textContent).toBe('');
  });

  it('in reject mode the next visitor starts a new anonymous conversation with the new uuid', async () => {
    const { chat, server, root } = await setup({}, { policy: { mode: 'reject' } });
    chat.open();
    typeAndSend(root, 'first visitor');
    await flush();
    chat.clearIdentity();
    await flush();
    const registrations = server.requests.filter((r) => r.url.endsWith('/v1/identity'));
    const [a, b] = registrations.map((r) => (r.body as { automatedUuid: string }).automatedUuid);
    expect(a).not.toBe(b);
    expect(registrations[1]!.headers.Authorization).toBeUndefined();
    expect(part(root, 'launcher').hidden).toBe(false);
    expect(parts(root, 'message')).toHaveLength(0);
    // Two conversations on the server: the next visitor's holds nothing of the first one's.
    expect((await server.history(a!)).map((m) => m.body)).toEqual(['first visitor']);
    expect(await server.history(b!)).toEqual([]);
  });
});

describe('registration edge cases', () => {
  it('an identity the network lost is registered again when the browser is back online', async () => {
    const { chat, server, root } = await setup();
    vi.spyOn(console, 'error').mockImplementation(() => {});
    server.fail('/v1/identity', 'network');
    expect(await chat.setIdentity(token())).toMatchObject({ ok: false, code: 'ERR_NETWORK' });
    expect(part(root, 'launcher').hidden).toBe(true);
    window.dispatchEvent(new Event('online'));
    await flush();
    expect(server.requests.filter((r) => r.url.endsWith('/v1/identity')).map((r) => r.status)).toEqual([undefined, 200]);
    expect(part(root, 'launcher').hidden).toBe(false);
  });

  it('signing in after an anonymous session ends the anonymous session on the server', async () => {
    const { chat, server } = await setup({}, { policy: { mode: 'accept' } });
    const [anonymous] = server.sessions;
    await chat.setIdentity(token({ uuid: 'member-7' }));
    await flush();
    const logout = server.requests.find((r) => r.method === 'DELETE')!;
    expect(logout.headers.Authorization).toBe(`Bearer ${anonymous}`);
    expect(server.requests.filter((r) => r.url.endsWith('/v1/identity'))[1]!.headers.Authorization).toBeUndefined();
    expect(await server.sessionState(anonymous!)).toBe('ended');
    expect(await server.liveSessions()).toEqual([server.sessions[1]]);
  });
});

describe('messages the host page adds (addMessage)', () => {
  it('survive the session starting, and go with a logout', async () => {
    realServer().install();
    const chat = createMessenger({ server: BASE });
    chat.addMessage({ body: 'Hello, how can I help?', agent: true });
    await chat.setIdentity(token());
    await flush();
    const root = document.querySelector('chatq-messenger')!.shadowRoot!;
    const message = parts(root, 'message')[0]!;
    expect([message.dataset.author, message.querySelector('p')!.textContent]).toEqual(['agent', 'Hello, how can I help?']);
    chat.clearIdentity();
    expect(parts(root, 'message')).toHaveLength(0);
    chat.destroy();
  });
});

describe('user switch: a JWT with another uuid', () => {
  it('ends the first visitor’s session and shows nothing of their conversation', async () => {
    const { chat, server, root } = await setup();
    await chat.setIdentity(token({ uuid: 'alice' }));
    chat.open();
    typeAndSend(root, 'alice secret');
    await flush();
    const [aliceSession] = server.sessions;
    const auid = localStorage.getItem('chatq:uuid');
    await chat.setIdentity(token({ uuid: 'bob' }));
    await flush();
    expect(parts(root, 'message')).toHaveLength(0);
    expect(server.requests.filter((r) => r.method === 'DELETE').map((r) => r.headers.Authorization)).toEqual([`Bearer ${aliceSession}`]);
    expect(await server.sessionState(aliceSession!)).toBe('ended');
    const bobRegistration = server.requests.filter((r) => r.url.endsWith('/v1/identity')).at(-1)!;
    expect(bobRegistration.headers.Authorization).toBeUndefined();
    expect(localStorage.getItem('chatq:uuid')).not.toBe(auid);
    expect(part(root, 'launcher').hidden).toBe(false);
    const [, bobSession] = server.sessions;
    const conversation = server.requests.filter((r) => r.url.endsWith('/v1/conversation')).at(-1)!;
    expect(conversation.headers.Authorization).toBe(`Bearer ${bobSession}`);
    expect(await server.history('bob')).toEqual([]);
  });

  it('the same uuid again is a renewal, not a switch (same session, messages kept)', async () => {
    const { chat, server, root } = await setup();
    await chat.setIdentity(token({ uuid: 'alice' }));
    chat.open();
    typeAndSend(root, 'kept');
    await flush();
    await chat.setIdentity(token({ uuid: 'alice' }));
    await flush();
    expect(texts(root)).toEqual(['kept']);
    expect(server.requests.filter((r) => r.method === 'DELETE')).toEqual([]);
    expect(server.sessions).toHaveLength(1);
  });
});

describe('storage that throws (private mode, blocked cookies)', () => {
  it('keeps the chat working with an in-memory automated uuid', async () => {
    vi.spyOn(window, 'localStorage', 'get').mockImplementation(() => {
      throw new DOMException('denied', 'SecurityError');
    });
    const { chat, server, root } = await setup({}, { policy: { mode: 'reject' } });
    const registration = server.requests.find((r) => r.url.endsWith('/v1/identity'))!;
    expect((registration.body as { automatedUuid: string }).automatedUuid).toMatch(AUTOMATED_UUID_PATTERN);
    chat.open();
    typeAndSend(root, 'still works');
    await flush();
    expect(parts(root, 'message')[0]!.dataset.state).toBe('sent');
    chat.clearIdentity();
    await flush();
    expect(parts(root, 'message')).toHaveLength(0);
  });

  it('keeps working when setItem throws (quota)', async () => {
    vi.spyOn(Storage.prototype, 'setItem').mockImplementation(() => {
      throw new DOMException('full', 'QuotaExceededError');
    });
    const { chat } = await setup();
    expect(await chat.setIdentity(token())).toMatchObject({ ok: true });
  });
});

describe('several tabs agree (BroadcastChannel)', () => {
  it('a message sent in one tab shows in the other, and a logout applies to both', async () => {
    vi.useRealTimers();
    // The streams hang (never reach the server), so only the tabs themselves can tell each other.
    realServer().install().hold('/v1/stream');
    const [one, two] = [document.createElement('div'), document.createElement('div')];
    document.body.append(one, two);
    const tabA = createMessenger({ server: BASE, container: one });
    const tabB = createMessenger({ server: BASE, container: two });
    try {
      await tabA.setIdentity(token());
      await tabB.setIdentity(token());
      const rootA = one.querySelector('chatq-messenger')!.shadowRoot!;
      const rootB = two.querySelector('chatq-messenger')!.shadowRoot!;
      typeAndSend(rootA, 'from tab A');
      await vi.waitFor(() => expect(parts(rootB, 'message').map((m) => m.querySelector('p')!.textContent)).toEqual(['from tab A']));
      tabA.clearIdentity();
      await vi.waitFor(() => expect(parts(rootB, 'message')).toHaveLength(0));
      expect(part(rootB, 'panel').hidden).toBe(true);
    } finally {
      tabA.destroy();
      tabB.destroy();
    }
  });

  it('a tab that registers another visitor resets the tabs still showing the previous one', async () => {
    vi.useRealTimers();
    realServer().install();
    const [one, two] = [document.createElement('div'), document.createElement('div')];
    document.body.append(one, two);
    const alice = createMessenger({ server: BASE, container: one });
    try {
      await alice.setIdentity(token({ uuid: 'alice' }));
      alice.addMessage({ body: 'alice only', agent: true });
      const rootAlice = one.querySelector('chatq-messenger')!.shadowRoot!;
      expect(parts(rootAlice, 'message')).toHaveLength(1);
      // A new page (fresh messenger, nothing to compare with) logs in as bob.
      const bob = createMessenger({ server: BASE, container: two });
      await bob.setIdentity(token({ uuid: 'bob' }));
      await vi.waitFor(() => expect(parts(rootAlice, 'message')).toHaveLength(0));
      expect(part(rootAlice, 'panel').hidden).toBe(true);
      bob.destroy();
    } finally {
      alice.destroy();
    }
  });
});
