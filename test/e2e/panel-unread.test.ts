/**
 * SPEC §10 "Unread", in real Chromium at 1280×800 and 390×844 (touch, scale 2): while closed,
 * an agent message shows a short preview card beside the launcher (opened by it; none with
 * `preview: false`) and is announced; `titleAlert` prefixes the tab title with the count, put
 * back once read; the launcher toggles the panel.
 */
import type { BrowserContextOptions, Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { describeBrowser, jwtFor, openPage, signIn, useStage, waitForLauncher, widget } from './harness.js';

const SIZES: Record<string, BrowserContextOptions> = {
  desktop: { viewport: { width: 1280, height: 800 } },
  phone: { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, hasTouch: true, isMobile: true },
};

describeBrowser('unread while closed (SPEC §10)', () => {
  const stage = useStage();

  for (const [size, options] of Object.entries(SIZES)) {
    const press = (locator: ReturnType<Page['locator']>) => (options.hasTouch ? locator.tap() : locator.click());

    /** A visitor who wrote once and closed the chat; the agent answers with `replies`. */
    async function closedWithReplies(setup: string, uuid: string, replies: string[]) {
      const path = `/unread-${uuid}.html`;
      stage.hostPage(path, { head: '<meta name="viewport" content="width=device-width, initial-scale=1">', setup });
      const context = await stage.browser.newContext(options);
      const { page, probe } = await openPage(context, stage.host.url(path));
      const w = widget(page);
      await signIn(page, jwtFor(uuid));
      await waitForLauncher(page);
      await press(w.launcher);
      await expect.poll(() => w.panel.isVisible()).toBe(true);
      const mark = `question from ${uuid}`;
      await w.input.fill(mark);
      await w.send.click();
      const conversation = await stage.chat.agent.waitFor((c) => c.messages.some((m) => m.body === mark));
      // Closed: the close button on a phone (the launcher is under the full-screen panel), the launcher on a desktop (it toggles).
      await press(options.isMobile ? w.element.locator('.close') : w.launcher);
      await expect.poll(() => w.panel.isVisible()).toBe(false);
      for (const reply of replies) {
        expect((await stage.chat.agent.reply(conversation.id, reply)).status).toBe(201);
        await expect.poll(() => w.launcher.getAttribute('data-unread')).toBe(String(replies.indexOf(reply) + 1));
      }
      return { context, page, probe, w };
    }

    it(`${size}: a preview card, an announcement and the count in the title; all gone once opened from the card`, async () => {
      const long = `Your parcel left our warehouse this morning. ${'It is on its way. '.repeat(12)}`;
      const { context, page, probe, w } = await closedWithReplies("_chatq.push(['_setConfiguration', { titleAlert: true }]);", `unread-${size}`, ['Hello!', long]);
      try {
        const card = w.element.locator('[part~="preview"]');
        await expect.poll(() => card.isVisible()).toBe(true);
        // The card may show the first reply until the second is drawn: wait for the one asserted on.
        await expect.poll(() => card.locator('.show > span').textContent()).toMatch(/^Your parcel left/);
        expect(await card.locator('[part~="agent"]').textContent()).toBe('Agent');
        const quoted = (await card.locator('.show > span').textContent())!;
        expect([...quoted].length).toBe(140);
        await expect.poll(() => w.element.locator('p.sr[aria-live="polite"]').textContent()).toBe(`New message from Agent: ${quoted}`);
        await expect.poll(() => page.title()).toBe('(2) Host shop');
        // Beside the launcher: above it, on its side, inside the viewport.
        const box = (await card.boundingBox())!;
        const launcher = (await w.launcher.boundingBox())!;
        expect(box.y + box.height).toBeLessThanOrEqual(launcher.y);
        expect(box.x).toBeGreaterThanOrEqual(0);

        await press(card.locator('.show'));
        await expect.poll(() => w.panel.isVisible()).toBe(true);
        await expect.poll(() => card.isVisible()).toBe(false);
        await expect.poll(() => page.title()).toBe('Host shop');
        await expect.poll(() => w.launcher.getAttribute('data-unread')).toBeNull();
        expect(probe.pageErrors).toEqual([]);
      } finally {
        await context.close();
      }
    });

    it(`${size}: preview: false shows no card, still announces; the card can be dismissed`, async () => {
      const { context, w } = await closedWithReplies("_chatq.push(['_setConfiguration', { preview: false }]);", `nopreview-${size}`, ['Psst']);
      try {
        await expect.poll(() => w.element.locator('p.sr[aria-live="polite"]').textContent()).toBe('New message from Agent: Psst');
        expect(await w.element.locator('[part~="preview"]').isVisible()).toBe(false);
      } finally {
        await context.close();
      }
      const shown = await closedWithReplies('', `dismiss-${size}`, ['Hi there']);
      try {
        const card = shown.w.element.locator('[part~="preview"]');
        await expect.poll(() => card.isVisible()).toBe(true);
        expect(await card.locator('.dismiss').getAttribute('aria-label')).toBe('Hide this preview');
        await press(card.locator('.dismiss'));
        await expect.poll(() => card.isVisible()).toBe(false);
        expect(await shown.w.panel.isVisible()).toBe(false);
        await expect.poll(() => shown.page.title()).toBe('Host shop');
      } finally {
        await shown.context.close();
      }
    });
  }
});
