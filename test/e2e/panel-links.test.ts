/**
 * SPEC §10 "Links" and "Time": links in an agent reply are DOM links that open in a new tab
 * without opener or referrer, other schemes stay text, and every message has a
 * `<time datetime>` in the widget's locale. At 1280×800 and 390×844 (touch, scale 2).
 */
import type { BrowserContextOptions } from 'playwright-core';
import { expect, it } from 'vitest';
import { describeBrowser, jwtFor, messageTexts, openPage, signIn, useStage, waitForLauncher, widget } from './harness.js';

const SIZES: Record<string, BrowserContextOptions> = {
  desktop: { viewport: { width: 1280, height: 800 } },
  phone: { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, hasTouch: true, isMobile: true },
};

const REPLY = 'Track it: https://track.example.test/p?id=7. Mail help@shop.example.test or try javascript:alert(1) <b>x</b>';

describeBrowser('links and time in messages (SPEC §10)', () => {
  const stage = useStage({ shop: { setup: "_chatq.push(['_setConfiguration', { locale: 'fr' }]);" } });

  for (const [size, options] of Object.entries(SIZES)) {
    it(`${size}: http(s) and e-mail become links, other schemes stay text; each message has its <time>`, async () => {
      const context = await stage.browser.newContext(options);
      try {
        const { page, probe } = await openPage(context, stage.host.url('/shop.html'));
        const uuid = `links-${size}`;
        await signIn(page, jwtFor(uuid));
        await waitForLauncher(page);
        const w = widget(page);
        if (options.hasTouch) await w.launcher.tap();
        else await w.launcher.click();
        await w.input.fill('where is my parcel?');
        await w.send.click();
        const conv = await stage.chat.agent.waitFor((c) => c.uuid === uuid && c.messages.length > 0);
        await stage.chat.agent.reply(conv.id, REPLY);
        await expect.poll(() => messageTexts(page)).toEqual(['where is my parcel?', REPLY]);

        const reply = w.element.locator('[part~="message"][data-author="agent"]');
        const links = reply.locator('p a');
        expect(await links.evaluateAll((as) => as.map((a) => [a.getAttribute('href'), a.textContent, a.getAttribute('target'), a.getAttribute('rel')]))).toEqual([
          ['https://track.example.test/p?id=7', 'https://track.example.test/p?id=7', '_blank', 'noopener noreferrer nofollow ugc'],
          ['mailto:help@shop.example.test', 'help@shop.example.test', '_blank', 'noopener noreferrer nofollow ugc'],
        ]);
        expect(await reply.locator('p b, p script').count()).toBe(0);
        // A link is reachable by keyboard, and tapping/clicking it opens a new tab, never this one.
        await context.route('https://track.example.test/**', (route) => route.fulfill({ contentType: 'text/html', body: '<title>tracking</title>' }));
        const popup = context.waitForEvent('page');
        if (options.hasTouch) await links.first().tap();
        else await links.first().click();
        const opened = await popup;
        await opened.waitForLoadState();
        expect(opened.url()).toBe('https://track.example.test/p?id=7');
        expect(await opened.evaluate(() => window.opener)).toBeNull();
        expect(new URL(page.url()).pathname).toBe('/shop.html');

        // Time: a machine-readable datetime on every message, a time of day in French (24 h, "HH:MM": "00:07" after midnight, at any hour).
        const times = w.element.locator('[part~="message"] time[part~="time"]');
        expect(await times.count()).toBe(2);
        for (const time of await times.all()) {
          const datetime = (await time.getAttribute('datetime'))!;
          expect(Math.abs(Date.parse(datetime) - Date.now())).toBeLessThan(10 * 60_000);
          expect(await time.textContent()).toMatch(/^\d{2}:\d{2}$/);
        }
        expect(probe.pageErrors).toEqual([]);
      } finally {
        await context.close();
      }
    });
  }
});
