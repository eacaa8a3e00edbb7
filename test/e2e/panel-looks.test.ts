/**
 * SPEC §10 "Looks and placement" and "Right-to-left", in real Chromium at 1280×800 and
 * 390×844 (touch, scale 2): the `--chatq-*` custom properties, `position: 'left'` without an
 * invisible strip over the host page, `theme` (auto follows prefers-color-scheme), forced
 * colours keeping every bubble and control visible, the per-author parts, and an Arabic
 * panel mirrored with every message and input `dir="auto"`.
 */
import type { BrowserContextOptions, Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { describeBrowser, jwtFor, openPage, signIn, useStage, waitForLauncher, widget } from './harness.js';

const SIZES: Record<string, BrowserContextOptions> = {
  desktop: { viewport: { width: 1280, height: 800 } },
  phone: { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, hasTouch: true, isMobile: true },
};

const VIEWPORT = '<meta name="viewport" content="width=device-width, initial-scale=1">';
const BRAND = '<style>chatq-messenger{--chatq-accent:#6a1b9a;--chatq-accent-text:#fffde7;--chatq-radius:3px;--chatq-font:Georgia,serif;--chatq-offset-x:32px;--chatq-offset-y:24px}</style>';
/** Host buttons along the bottom of the page, where a full-width strip of the element would sit. */
const BOTTOM_BUTTONS =
  '<button id="right" style="position:fixed;right:40px;bottom:30px;width:60px;height:40px">right</button>' +
  '<button id="middle" style="position:fixed;left:45%;bottom:30px;width:60px;height:40px">middle</button>' +
  '<script>window.__clicks = []; document.addEventListener("click", (e) => e.target.id && __clicks.push(e.target.id));</script>';

const bg = (page: Page, selector: string) =>
  widget(page).element.locator(selector).first().evaluate((el) => getComputedStyle(el).backgroundColor);

describeBrowser('looks, placement and right-to-left (SPEC §10)', () => {
  const stage = useStage();

  for (const [size, options] of Object.entries(SIZES)) {
    const visit = async (setup: string, extra: Partial<BrowserContextOptions> = {}, body = '') => {
      const path = `/looks-${Math.random().toString(36).slice(2)}.html`;
      stage.hostPage(path, { head: VIEWPORT + BRAND, setup, body });
      const context = await stage.browser.newContext({ ...options, ...extra });
      const { page, probe } = await openPage(context, stage.host.url(path));
      await signIn(page, jwtFor(`looks-${size}-${Math.random().toString(36).slice(2)}`));
      await waitForLauncher(page);
      return { context, page, probe, w: widget(page) };
    };
    const press = (locator: ReturnType<Page['locator']>) => (options.hasTouch ? locator.tap() : locator.click());

    it(`${size}: custom properties, position left with no strip over the page, dark theme`, async () => {
      const { context, page, probe, w } = await visit("_chatq.push(['_setConfiguration', { position: 'left', theme: 'dark' }]);", {}, BOTTOM_BUTTONS);
      try {
        const viewport = page.viewportSize()!;
        const box = (await w.launcher.boundingBox())!;
        expect(Math.round(box.x)).toBe(32);
        expect(Math.round(viewport.height - box.y - box.height)).toBe(24);
        expect(await w.launcher.evaluate((el) => getComputedStyle(el).backgroundColor)).toBe('rgb(106, 27, 154)');
        expect(await w.launcher.evaluate((el) => getComputedStyle(el).color)).toBe('rgb(255, 253, 231)');
        // The element is as wide as its launcher: the host's buttons along the bottom take their clicks.
        expect((await w.element.boundingBox())!.width).toBeLessThan(80);
        await press(page.locator('#right'));
        await press(page.locator('#middle'));
        expect(await page.evaluate(() => (window as unknown as { __clicks: string[] }).__clicks)).toEqual(['right', 'middle']);

        await press(w.launcher);
        await expect.poll(() => w.panel.isVisible()).toBe(true);
        // Dark: no glaring white card; the accent and radius are the host's.
        expect(await bg(page, '[part~="panel"]')).toBe('rgb(27, 29, 35)');
        expect(await w.element.locator('[part~="header"]').evaluate((el) => getComputedStyle(el).backgroundColor)).toBe('rgb(106, 27, 154)');
        expect(await w.input.evaluate((el) => getComputedStyle(el).fontFamily)).toBe('Georgia, serif');
        if (!options.isMobile) {
          expect(Math.round((await w.panel.boundingBox())!.x)).toBe(32);
          expect(await w.panel.evaluate((el) => getComputedStyle(el).borderTopLeftRadius)).toBe('3px');
        }
        await w.input.fill('dark hello');
        await w.send.click();
        await expect.poll(() => bg(page, '[part~="message"][data-author="visitor"]')).toBe('rgb(106, 27, 154)');
        expect(probe.pageErrors).toEqual([]);
      } finally {
        await context.close();
      }
    });

    it(`${size}: theme auto follows prefers-color-scheme; light stays light; a bad position is refused with a reason`, async () => {
      const dark = await visit('', { colorScheme: 'dark' });
      try {
        await press(dark.w.launcher);
        await expect.poll(() => dark.w.panel.isVisible()).toBe(true);
        expect(await bg(dark.page, '[part~="panel"]')).toBe('rgb(27, 29, 35)');
      } finally {
        await dark.context.close();
      }
      const light = await visit("_chatq.push(['_setConfiguration', { theme: 'light' }]); _chatq.push(['_setConfiguration', { position: 5 }]);", { colorScheme: 'dark' });
      try {
        await press(light.w.launcher);
        await expect.poll(() => light.w.panel.isVisible()).toBe(true);
        expect(await bg(light.page, '[part~="panel"]')).toBe('rgb(255, 255, 255)');
        expect(light.probe.consoleErrors.some((e) => e.includes('"position" must be a string'))).toBe(true);
      } finally {
        await light.context.close();
      }
    });

    it(`${size}: forced colours keep every bubble and control outlined; parts per author`, async () => {
      const { context, page, w } = await visit("_chatq.push(['_addMessage', { body: 'Welcome!', agent: true }]); _chatq.push(['_addMessage', { body: 'Cookies are on.' }]);", { forcedColors: 'active' });
      try {
        await press(w.launcher);
        await expect.poll(() => w.panel.isVisible()).toBe(true);
        await w.input.fill('visible?');
        await w.send.click();
        await expect.poll(() => w.element.locator('[part~="message"][data-author="visitor"][data-state="sent"]').count()).toBe(1);
        for (const author of ['agent', 'system', 'visitor']) {
          const bubble = w.element.locator(`[part~="message"][data-author="${author}"]`).first();
          expect(await bubble.evaluate((el) => getComputedStyle(el).borderTopStyle), author).toBe('solid');
          expect(await bubble.locator('[part~="time"]').count()).toBe(1);
        }
        for (const control of ['[part~="send"]', '[part~="input"]', '.close']) {
          expect(await w.element.locator(control).evaluate((el) => getComputedStyle(el).borderTopStyle), control).toBe('solid');
        }
        expect(await w.element.locator('[part~="title"]').textContent()).toBe('Chat');
        expect(await page.evaluate(() => matchMedia('(forced-colors: active)').matches)).toBe(true);
      } finally {
        await context.close();
      }
    });

    it(`${size}: right to left: an Arabic panel mirrors; every message and input is dir=auto`, async () => {
      const { context, page, w } = await visit(
        "_chatq.push(['_setConfiguration', { locale: 'ar' }]); _chatq.push(['_addMessage', { body: 'مرحبا! كيف يمكننا المساعدة؟', agent: true }]); _chatq.push(['_addMessage', { body: 'Order #42 shipped', agent: true }]);",
      );
      try {
        await press(w.launcher);
        await expect.poll(() => w.panel.isVisible()).toBe(true);
        expect(await w.panel.getAttribute('dir')).toBe('rtl');
        for (const body of await w.bodies.all()) expect(await body.getAttribute('dir')).toBe('auto');
        expect(await w.input.getAttribute('dir')).toBe('auto');
        // Each text finds its own direction: the Arabic one right to left, the English one left to right.
        const directions = await w.bodies.evaluateAll((nodes) => nodes.map((n) => getComputedStyle(n).direction));
        expect(directions).toEqual(['rtl', 'ltr']);
        // Mirrored: the close button sits at the left of the header, the title at its right.
        const close = (await w.element.locator('.close').boundingBox())!;
        const title = (await w.element.locator('[part~="title"]').boundingBox())!;
        expect(close.x).toBeLessThan(title.x);
        await w.input.fill('שלום');
        await w.send.click();
        await expect.poll(() => w.element.locator('[part~="message"][data-author="visitor"] > p').evaluate((n) => getComputedStyle(n).direction)).toBe('rtl');
        expect(await page.evaluate(() => document.dir)).toBe('');
      } finally {
        await context.close();
      }
    });
  }
});
