import { describe, expect, it, vi } from 'vitest';
import { createMessenger } from '../../../src/client/index.js';
import { BASE, flush, part, realServer, setup, token, useCleanPage } from '../helpers.js';

useCleanPage();

const identityPosts = (server: { requests: readonly { method: string; url: string }[] }) =>
  server.requests.filter((r) => r.method === 'POST' && r.url.endsWith('/v1/identity')).length;

describe('a logout supersedes every identity given before it', () => {
  it('an identity pushed just before clearIdentity is not signed in after it', async () => {
    const { chat, root, server } = await setup();
    const verified = vi.fn();
    chat.on('identity_verified', verified);
    const result = chat.setIdentity(token({ firstname: 'Alice' }));
    chat.clearIdentity();
    await flush();
    expect(await result).toMatchObject({ ok: false });
    expect(verified).not.toHaveBeenCalled();
    expect(part(root, 'launcher').hidden).toBe(true);
    expect(root.querySelector('.greet')!.textContent).toBe('');
    expect(await server.liveSessions()).toEqual([]);
  });

  it('a second identity waiting behind one in flight is dropped by a logout', async () => {
    const { chat, root, server } = await setup();
    const first = chat.setIdentity(token({ firstname: 'Alice' }));
    await Promise.resolve();
    const second = chat.setIdentity(token({ firstname: 'Alice' }));
    chat.clearIdentity();
    await flush();
    expect(await first).toMatchObject({ ok: false });
    expect(await second).toMatchObject({ ok: false });
    expect(part(root, 'launcher').hidden).toBe(true);
    // Every session the server made for them is ended, not left open.
    expect(server.sessions).toHaveLength(1);
    expect(server.requests.filter((r) => r.method === 'DELETE').map((r) => [r.headers.Authorization, r.status])).toEqual([[`Bearer ${server.sessions[0]}`, 204]]);
    expect(await server.liveSessions()).toEqual([]);
  });

  it('a registration that failed on the network is not retried for the next visitor after a logout', async () => {
    const { chat, root, server } = await setup();
    vi.spyOn(console, 'error').mockImplementation(() => {});
    expect(await chat.setIdentity(token({ firstname: 'Alice' }))).toMatchObject({ ok: true });
    server.fail('/v1/identity', { status: 503, code: 'ERR_UNAVAILABLE' }); // an outage in front of the server
    expect(await chat.setIdentity(token({ firstname: 'Alice' }))).toMatchObject({ ok: false });
    chat.clearIdentity();
    await flush();
    const before = identityPosts(server);
    window.dispatchEvent(new Event('online'));
    window.dispatchEvent(new Event('focus'));
    await flush();
    expect(identityPosts(server)).toBe(before);
    expect(part(root, 'launcher').hidden).toBe(true);
  });

  it('a logout in another tab supersedes this tab’s registration in flight', async () => {
    vi.useRealTimers();
    const server = realServer().install();
    const [one, two] = [document.createElement('div'), document.createElement('div')];
    document.body.append(one, two);
    const tabA = createMessenger({ server: BASE, container: one });
    const tabB = createMessenger({ server: BASE, container: two });
    try {
      await tabA.setIdentity(token());
      // Tab B's registration is slow on the network: it reaches the server after tab A's logout.
      const release = server.hold('/v1/identity');
      const pending = tabB.setIdentity(token());
      await new Promise((resolve) => setTimeout(resolve, 20));
      tabA.clearIdentity();
      await new Promise((resolve) => setTimeout(resolve, 50));
      release();
      expect(await pending).toMatchObject({ ok: false });
      const rootB = two.querySelector('chatq-messenger')!.shadowRoot!;
      expect(part(rootB, 'launcher').hidden).toBe(true);
      expect(part(rootB, 'panel').hidden).toBe(true);
      expect(server.sessions).toHaveLength(2); // tab B's registration did reach the server
      await vi.waitFor(async () => expect(await server.liveSessions()).toEqual([]));
    } finally {
      tabA.destroy();
      tabB.destroy();
    }
  });
});
