/**
 * SPEC §10 "Who is answering", "Typing and read", "Nobody online" (the visitor side of §11),
 * in real Chromium at 1280×800 and 390×844 (touch, scale 2), against the real handler with
 * agents: the header says whether anyone is available and the reply time; nobody online
 * offers an optional e-mail (a signed identity's is used without asking); the visitor's
 * typing is sent throttled and without its text; the agent's typing shows; the visitor's
 * reading is reported; "Seen" shows under their last message once an agent read it.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import type { Browser, BrowserContextOptions, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createMessagingHandler, createVerifier, defineCommunity } from '../../src/server/index.js';
import { toNodeListener } from '../../src/server/node/index.js';
import { HS_KEY } from '../helpers/sign.js';
import { describeBrowser, hostPage, jwtFor, launchBrowser, loaderScript, openPage, panelScript, signIn, startHostServer, widget, type HostServer } from './harness.js';

const ALICE = { id: 'alice', name: 'Alice Martin', token: randomBytes(32).toString('base64url') };
const REPLY_TIME = 'Usually replies within an hour';

export const SIZES: Record<string, BrowserContextOptions> = {
  desktop: { viewport: { width: 1280, height: 800 } },
  phone: { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, hasTouch: true, isMobile: true },
};

interface Summary { id: string; lastSeq: number; email?: string; visitorReadSeq: number }

describeBrowser('presence, typing, read and e-mail (SPEC §10, §11)', () => {
  let browser: Browser;
  let host: HostServer;
  let chat: Server;
  let base = '';

  beforeAll(async () => {
    host = await startHostServer();
    const handler = createMessagingHandler({
      verifier: createVerifier(defineCommunity({ signedIdentities: 'accept', jwtKeys: [{ id: HS_KEY.kid, secret: HS_KEY.secret }] })),
      allowedOrigins: [host.origin],
      basePath: '/chatq',
      agents: [ALICE],
      replyTime: REPLY_TIME,
      loaderScript: loaderScript(),
      panelScript: panelScript(),
      logger: { warn() {} },
    });
    chat = createServer(toNodeListener(handler));
    await new Promise<void>((resolve) => chat.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(chat.address() as AddressInfo).port}/chatq`;
    host.route('/shop.html', hostPage({ loaderUrl: `${base}/loader.js` }));
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    chat?.closeAllConnections();
    await new Promise((resolve) => chat?.close(resolve));
    await host?.close();
  });

  const agentApi = (path: string, body?: unknown) =>
    fetch(`${base}/agent/v1${path}`, {
      method: body ? 'POST' : 'GET',
      headers: { authorization: `Bearer ${ALICE.token}`, 'content-type': 'application/json' },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });

  /** The agent's inbox is open: Alice is available while this stream is. Returns what it received, and its close. */
  async function agentOnline(): Promise<{ seen: string[]; close(): void }> {
    const controller = new AbortController();
    const response = await fetch(`${base}/agent/v1/stream?events=typing,presence`, { headers: { authorization: `Bearer ${ALICE.token}` }, signal: controller.signal });
    expect(response.status).toBe(200);
    const seen: string[] = [];
    void (async () => {
      const decoder = new TextDecoder();
      try {
        for await (const chunk of response.body!) seen.push(decoder.decode(chunk as Uint8Array));
      } catch {
        // Closed by the test.
      }
    })();
    return { seen, close: () => controller.abort() };
  }

  async function conversationOf(mark: string): Promise<Summary> {
    let found: Summary | undefined;
    await expect
      .poll(async () => {
        const { conversations } = (await (await agentApi('/conversations')).json()) as { conversations: Summary[] };
        for (const c of conversations) {
          const { messages } = (await (await agentApi(`/conversations/${c.id}/messages`)).json()) as { messages: { body: string }[] };
          if (messages.some((m) => m.body === mark)) found = c;
        }
        return found;
      }, { timeout: 10_000 })
      .toBeDefined();
    return found!;
  }

  const summary = async (id: string): Promise<Summary> => {
    const { conversations } = (await (await agentApi('/conversations')).json()) as { conversations: Summary[] };
    return conversations.find((c) => c.id === id)!;
  };

  const press = (page: Page, touch: boolean | undefined, locator: ReturnType<Page['locator']>) => (touch ? locator.tap() : locator.click());

  for (const [size, options] of Object.entries(SIZES)) {
    it(`${size}: nobody online, the e-mail; then the agent is there, types, reads and is read`, async () => {
      const context = await browser.newContext(options);
      try {
        const { page, probe } = await openPage(context, host.url('/shop.html'));
        const w = widget(page);
        const presence = w.element.locator('[part~="presence"]');
        const email = w.element.locator('[part~="email"]');
        await expect.poll(() => w.launcher.isVisible(), { timeout: 10_000 }).toBe(true);
        await press(page, options.hasTouch, w.launcher);

        // Nobody online: said in the header, with the reply time, and the optional e-mail is offered.
        await expect.poll(() => presence.textContent()).toBe(`Nobody is online right now · ${REPLY_TIME}`);
        expect(await email.isVisible()).toBe(true);
        const field = email.locator('input');
        expect(await field.getAttribute('type')).toBe('email');
        expect(await field.getAttribute('dir')).toBe('auto');
        // A bad address: said, with what to do, and never sent.
        await field.fill('not an address');
        await press(page, options.hasTouch, email.locator('button'));
        await expect.poll(() => email.locator('[role="alert"]').textContent()).toBe('That does not look like an e-mail address. Check it and try again.');
        await expect.poll(() => field.getAttribute('aria-invalid')).toBe('true');
        expect(probe.requests.some((r) => r.url.endsWith('/v1/email'))).toBe(false);

        const mark = `order question ${size}`;
        await w.input.fill(mark);
        await w.send.click();
        const conversation = await conversationOf(mark);
        await field.fill(`visitor-${size}@example.test`);
        await press(page, options.hasTouch, email.locator('button'));
        await expect.poll(() => w.element.locator('.away > p').textContent()).toBe(`We will also answer by e-mail to visitor-${size}@example.test.`);
        expect(await email.isVisible()).toBe(false);
        // The note shows once the widget has the address; the server's copy is what the agent reads.
        await expect.poll(async () => (await summary(conversation.id)).email).toBe(`visitor-${size}@example.test`);

        // Alice opens her inbox: available now, the e-mail note goes.
        const alice = await agentOnline();
        try {
          await expect.poll(() => presence.textContent(), { timeout: 10_000 }).toBe(`We are online · ${REPLY_TIME}`);
          await expect.poll(() => w.element.locator('.away').isVisible()).toBe(false);

          // The visitor types: at most one notice per 3 s, however many keys, and never the text.
          // (A bound that holds on a loaded machine: 18 keys in well under 3 s give one; never one per key.)
          const typingPosts = () => probe.requests.filter((r) => r.url.endsWith('/v1/typing'));
          await w.input.fill('');
          await page.waitForTimeout(3_100);
          const before = typingPosts().length;
          const keys = 'where is my parcel';
          await w.input.pressSequentially(keys, { delay: 10 });
          await expect.poll(() => typingPosts().length).toBeGreaterThan(before);
          expect(typingPosts().length - before).toBeLessThan(keys.length / 3);
          expect(typingPosts().every((r) => !(r.postData ?? '').includes('where'))).toBe(true);
          await expect.poll(() => alice.seen.join('').includes('event: typing'), { timeout: 10_000 }).toBe(true);

          // Alice types: shown with her name, gone when her message comes.
          const typing = w.element.locator('[part~="typing"]');
          expect((await agentApi(`/conversations/${conversation.id}/typing`, {})).status).toBe(204);
          await expect.poll(() => typing.isVisible()).toBe(true);
          expect(await typing.textContent()).toBe('Alice Martin is typing…');
          expect((await agentApi(`/conversations/${conversation.id}/messages`, { body: 'On its way', clientId: randomBytes(9).toString('base64url') })).status).toBe(201);
          await expect.poll(() => typing.isVisible()).toBe(false);

          // The panel is open on a visible tab: the visitor has read it, and the agent side knows.
          await expect.poll(async () => (await summary(conversation.id)).visitorReadSeq).toBe((await summary(conversation.id)).lastSeq);

          // Alice reads the visitor's last message: "Seen" under it, and only under it.
          await w.send.click();
          await expect.poll(() => w.element.locator('[part~="message"][data-author="visitor"][data-state="sent"]').count()).toBe(2);
          const seen = w.element.locator('.seen');
          expect(await seen.count()).toBe(0);
          const { lastSeq } = await summary(conversation.id);
          expect((await agentApi(`/conversations/${conversation.id}/read`, { seq: lastSeq })).status).toBe(200);
          await expect.poll(() => seen.count()).toBe(1);
          expect(await seen.textContent()).toBe('Seen');
          const last = w.element.locator('[part~="message"][data-author="visitor"]').last();
          expect(await last.locator('.seen').count()).toBe(1);
        } finally {
          alice.close();
        }
        expect(probe.pageErrors).toEqual([]);
      } finally {
        await context.close();
      }
    });

    it(`${size}: a signed identity's e-mail is used without asking`, async () => {
      const context = await browser.newContext(options);
      try {
        const { page, probe } = await openPage(context, host.url('/shop.html'));
        const w = widget(page);
        await signIn(page, jwtFor(`signed-${size}`, 3600, { email: `signed-${size}@example.test` }));
        await expect.poll(() => w.launcher.isVisible(), { timeout: 10_000 }).toBe(true);
        await press(page, options.hasTouch, w.launcher);
        await expect.poll(() => w.element.locator('.away > p').textContent(), { timeout: 10_000 }).toBe(`We will also answer by e-mail to signed-${size}@example.test.`);
        expect(await w.element.locator('[part~="email"]').isVisible()).toBe(false);
        const mark = `signed hello ${size}`;
        await w.input.fill(mark);
        await w.send.click();
        const conversation = await conversationOf(mark);
        expect(conversation.email).toBe(`signed-${size}@example.test`);
        expect(probe.pageErrors).toEqual([]);
      } finally {
        await context.close();
      }
    });
  }
});
