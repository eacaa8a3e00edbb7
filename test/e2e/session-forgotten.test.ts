/**
 * SPEC §10 "Nothing typed is lost", in Chromium at 1280×800 and 390×844 (touch, scale 2): a
 * session the server forgot. The chat server (memory engine) is restarted in place, same origin,
 * empty memory; the widget registers again in place and the conversation stays on screen (no
 * message node is ever removed), with no expired notice; what comes next follows it. The unit
 * test of the same behaviour is test/client/conversation/chat.test.ts.
 */
import type { BrowserContextOptions } from 'playwright-core';
import { expect, it } from 'vitest';
import { describeBrowser, hostPage, jwtFor, messageTexts, openPage, signIn, startChatServer, useStage, waitForLauncher, widget, type ChatServer } from './harness.js';

const SIZES: Record<string, BrowserContextOptions> = {
  '1280×800': { viewport: { width: 1280, height: 800 } },
  '390×844': { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, hasTouch: true, isMobile: true },
};

type Watched = Window & { __removed?: number };

describeBrowser('a session the server forgot (SPEC §10)', () => {
  const stage = useStage();

  for (const [size, options] of Object.entries(SIZES)) {
    it(`${size}: the widget registers again in place and the conversation stays on screen`, async () => {
      const servers: ChatServer[] = [await startChatServer({ hostOrigins: [stage.host.origin] })];
      const context = await stage.browser.newContext(options);
      try {
        const first = servers[0]!;
        const path = `/forgotten-${options.viewport!.width}.html`;
        stage.host.route(path, hostPage({ loaderUrl: first.loaderUrl, head: '<meta name="viewport" content="width=device-width, initial-scale=1">' }));
        const { page, probe } = await openPage(context, stage.host.url(path));
        const uuid = `forgotten-${Math.random().toString(36).slice(2)}`;
        await signIn(page, jwtFor(uuid));
        await waitForLauncher(page);
        const w = widget(page);
        if (options.hasTouch) await w.launcher.tap();
        else await w.launcher.click();
        await w.input.fill('my question');
        await w.send.click();
        const before = await first.agent.waitFor((c) => c.uuid === uuid && c.messages.length === 1);
        expect((await first.agent.reply(before.id, 'an answer')).status).toBe(201);
        await expect.poll(() => messageTexts(page)).toEqual(['my question', 'an answer']);
        // Every message node the list ever loses from here on is counted: "in place" means none.
        await page.evaluate(() => {
          const list = document.querySelector('chatq-messenger')!.shadowRoot!.querySelector('[part~="messages"]')!;
          (window as Watched).__removed = 0;
          new MutationObserver((records) => {
            for (const r of records) for (const n of r.removedNodes) if ((n as Element).getAttribute?.('part') === 'message') (window as Watched).__removed! += 1;
          }).observe(list, { childList: true });
        });

        // The in-memory server restarts on the same port: the session and the conversation are gone.
        const port = Number(new URL(first.origin).port);
        await first.close();
        servers.push(await startChatServer({ hostOrigins: [stage.host.origin], port }));
        const second = servers[1]!;
        await second.agent.waitFor((c) => c.uuid === uuid, 45_000);
        expect(await messageTexts(page)).toEqual(['my question', 'an answer']);

        await w.input.fill('still there?');
        await w.send.click();
        const after = await second.agent.waitFor((c) => c.uuid === uuid && c.messages.length === 1, 15_000);
        expect((await second.agent.reply(after.id, 'yes')).status).toBe(201);
        await expect.poll(() => messageTexts(page), { timeout: 15_000 }).toEqual(['my question', 'an answer', 'still there?', 'yes']);
        // Polled: 'still there?' is 'sent' once its POST's answer is in, which the agent's reply may overtake.
        await expect.poll(() => w.messages.evaluateAll((ms) => ms.map((m) => (m as HTMLElement).dataset.state))).toEqual(['sent', 'sent', 'sent', 'sent']);
        expect(await page.evaluate(() => (window as Watched).__removed)).toBe(0);
        expect(await w.expiredNotice.count()).toBe(0);
        expect(after.messages.map((m) => m.body)).toEqual(['still there?']);
        expect(probe.pageErrors).toEqual([]);
      } finally {
        await context.close();
        for (const server of servers) await server.close().catch(() => {});
      }
    }, 120_000);
  }
});
