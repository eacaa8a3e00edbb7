/**
 * SPEC §10 "Who is answering": agent messages show the agent's name (text, capped) and an
 * `https:` avatar as `<img referrerpolicy="no-referrer">`, else the initial; the header shows
 * the `_setConfiguration({ title })` title. At 1280×800 and 390×844 (touch, scale 2).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import type { BrowserContextOptions } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createMessagingHandler, createVerifier, defineCommunity } from '../../src/server/index.js';
import { toNodeListener } from '../../src/server/node/index.js';
import { describeBrowser, hostPage, launchBrowser, loaderScript, messageTexts, openPage, panelScript, startHostServer, widget, type HostServer } from './harness.js';
import type { Browser } from 'playwright-core';

const ALICE = { id: 'alice', name: 'Alice Martin', avatarUrl: 'https://cdn.example.test/alice.png', token: randomBytes(32).toString('base64url') };
const BOB = { id: 'bob', name: `<b>Bob</b> ${'x'.repeat(80)}`, avatarUrl: 'http://cdn.example.test/bob.png', token: randomBytes(32).toString('base64url') };

const SIZES: Record<string, BrowserContextOptions> = {
  desktop: { viewport: { width: 1280, height: 800 } },
  phone: { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, hasTouch: true, isMobile: true },
};

describeBrowser('who is answering (SPEC §10)', () => {
  let browser: Browser;
  let host: HostServer;
  let chat: Server;
  let base = '';

  beforeAll(async () => {
    host = await startHostServer();
    const handler = createMessagingHandler({
      verifier: createVerifier(defineCommunity({ signedIdentities: 'reject', jwtKeys: [] })),
      allowedOrigins: [host.origin],
      basePath: '/chatq',
      agents: [ALICE, BOB],
      loaderScript: loaderScript(),
      panelScript: panelScript(),
      logger: { warn() {} },
    });
    chat = createServer(toNodeListener(handler));
    await new Promise<void>((resolve) => chat.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(chat.address() as AddressInfo).port}/chatq`;
    host.route('/shop.html', hostPage({ loaderUrl: `${base}/loader.js`, setup: "_chatq.push(['_setConfiguration', { title: 'Help from <i>Shop</i>' }]);" }));
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    chat?.closeAllConnections();
    await new Promise((resolve) => chat?.close(resolve));
    await host?.close();
  });

  const agentApi = (token: string, path: string, body?: unknown) =>
    fetch(`${base}/agent/v1${path}`, {
      method: body ? 'POST' : 'GET',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });

  for (const [size, options] of Object.entries(SIZES)) {
    it(`${size}: the title, then each agent's name and avatar on their messages, as text`, async () => {
      const context = await browser.newContext(options);
      try {
        const { page, probe } = await openPage(context, host.url('/shop.html'));
        const w = widget(page);
        await expect.poll(() => w.launcher.isVisible(), { timeout: 10_000 }).toBe(true);
        if (options.hasTouch) await w.launcher.tap();
        else await w.launcher.click();
        expect(await w.element.locator('[part~="title"]').textContent()).toBe('Help from <i>Shop</i>');
        const mark = `hello from ${size}`;
        await w.input.fill(mark);
        await w.send.click();
        let id: string | undefined;
        await expect
          .poll(async () => {
            const { conversations } = (await (await agentApi(ALICE.token, '/conversations')).json()) as { conversations: { id: string; lastSeq: number }[] };
            for (const c of conversations) {
              const { messages } = (await (await agentApi(ALICE.token, `/conversations/${c.id}/messages`)).json()) as { messages: { body: string }[] };
              if (messages.some((m) => m.body === mark)) id = c.id;
            }
            return id;
          })
          .toBeDefined();
        expect((await agentApi(ALICE.token, `/conversations/${id}/messages`, { body: 'Alice here', clientId: randomBytes(9).toString('base64url') })).status).toBe(201);
        expect((await agentApi(BOB.token, `/conversations/${id}/messages`, { body: 'Bob too', clientId: randomBytes(9).toString('base64url') })).status).toBe(201);
        await expect.poll(() => messageTexts(page)).toEqual([mark, 'Alice here', 'Bob too']);

        const agents = w.element.locator('[part~="message"][data-author="agent"]');
        const alice = agents.nth(0);
        expect(await alice.locator('[part~="agent"]').textContent()).toBe('Alice Martin');
        const avatar = alice.locator('img[part~="avatar"]');
        expect(await avatar.getAttribute('src')).toBe(ALICE.avatarUrl);
        expect(await avatar.getAttribute('referrerpolicy')).toBe('no-referrer');
        expect(await avatar.getAttribute('alt')).toBe('');
        // Read once by screen readers: the name as the author label, the visible row hidden from them.
        expect(await alice.locator('.sr').textContent()).toBe('Alice Martin: ');
        expect(await alice.locator('[part~="agent"]').getAttribute('aria-hidden')).toBe('true');

        // An http: avatar is never loaded: the initial instead. The name is text, and capped.
        const bob = agents.nth(1);
        expect(await bob.locator('img').count()).toBe(0);
        expect(await bob.locator('b, i').count()).toBe(0);
        expect(await bob.locator('[part~="avatar"]').textContent()).toBe('<');
        const shown = (await bob.locator('[part~="agent"] > span:not([part])').textContent())!;
        expect(shown.startsWith('<b>Bob</b> x')).toBe(true);
        expect([...shown].length).toBe(60);
        expect(probe.requests.some((r) => r.url.startsWith('http://cdn.example.test/'))).toBe(false);
        // The visitor's own message has no agent row.
        expect(await w.element.locator('[part~="message"][data-author="visitor"] [part~="agent"]').isVisible()).toBe(false);
        expect(probe.pageErrors).toEqual([]);
      } finally {
        await context.close();
      }
    });
  }
});

