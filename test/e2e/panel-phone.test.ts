/**
 * SPEC §10 "Phones": below 640 px the open panel covers the viewport, the page behind does not
 * scroll, Tab stays in the panel, Escape and the close button give the focus back to the
 * launcher, and the input's text is at least 16 px (no zoom on focus). At 1280×800 it stays
 * the floating card and the page keeps scrolling.
 */
import type { BrowserContextOptions } from 'playwright-core';
import { expect, it } from 'vitest';
import { describeBrowser, jwtFor, openPage, signIn, useStage, waitForLauncher, widget } from './harness.js';

const PHONE: BrowserContextOptions = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, hasTouch: true, isMobile: true };
const DESKTOP: BrowserContextOptions = { viewport: { width: 1280, height: 800 } };

describeBrowser('the panel on a phone (SPEC §10)', () => {
  // A long page with a control of its own, which Tab must never reach while the panel is open.
  const stage = useStage({
    shop: { head: '<meta name="viewport" content="width=device-width, initial-scale=1">', body: '<button id="page-control">Buy</button><div style="height:4000px"></div>' },
  });

  async function opened(options: BrowserContextOptions, uuid: string) {
    const context = await stage.browser.newContext(options);
    const { page, probe } = await openPage(context, stage.host.url('/shop.html'));
    await signIn(page, jwtFor(uuid));
    await waitForLauncher(page);
    const w = widget(page);
    if (options.hasTouch) await w.launcher.tap();
    else await w.launcher.click();
    await expect.poll(() => w.panel.isVisible()).toBe(true);
    return { context, page, probe, w };
  }

  const focused = (w: ReturnType<typeof widget>) =>
    w.element.evaluate((el) => {
      const active = el.shadowRoot!.activeElement as HTMLElement | null;
      return active ? active.getAttribute('part') ?? active.className : document.activeElement?.id ?? null;
    });

  it('390×844: covers the viewport, locks the page, keeps Tab inside, Escape and × give the focus back', async () => {
    const { context, page, probe, w } = await opened(PHONE, 'phone-1');
    try {
      expect(await w.panel.boundingBox()).toEqual({ x: 0, y: 0, width: 390, height: 844 });
      expect(await w.input.evaluate((el) => parseFloat(getComputedStyle(el).fontSize))).toBeGreaterThanOrEqual(16);
      // The page behind does not scroll.
      expect(await page.evaluate(() => getComputedStyle(document.documentElement).overflow)).toBe('hidden');
      await page.mouse.wheel(0, 800);
      expect(await page.evaluate(() => window.scrollY)).toBe(0);
      // Tab cycles inside the panel, never onto the page's button under it.
      const seen = new Set<string | null>();
      for (let i = 0; i < 8; i++) {
        await page.keyboard.press('Tab');
        seen.add(await focused(w));
      }
      expect(seen.has('page-control')).toBe(false);
      expect([...seen].every((name) => name !== null)).toBe(true);
      await page.keyboard.press('Shift+Tab');
      expect(await focused(w)).not.toBe('page-control');

      await page.keyboard.press('Escape');
      await expect.poll(() => w.panel.isVisible()).toBe(false);
      await expect.poll(() => focused(w)).toBe('launcher');
      await expect.poll(() => page.evaluate(() => document.documentElement.style.overflow)).toBe('');

      await w.launcher.tap();
      await expect.poll(() => w.panel.isVisible()).toBe(true);
      await w.element.locator('button.close').tap();
      await expect.poll(() => w.panel.isVisible()).toBe(false);
      await expect.poll(() => focused(w)).toBe('launcher');
      expect(probe.pageErrors).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('1280×800: the floating card; the page still scrolls', async () => {
    const { context, page, w } = await opened(DESKTOP, 'phone-2');
    try {
      const box = (await w.panel.boundingBox())!;
      expect(box.width).toBe(360);
      expect(box.x + box.width).toBeLessThanOrEqual(1280 - 20);
      expect(await page.evaluate(() => getComputedStyle(document.documentElement).overflow)).toBe('visible');
      await page.mouse.move(200, 300);
      await page.mouse.wheel(0, 800);
      await expect.poll(() => page.evaluate(() => window.scrollY)).toBeGreaterThan(0);
      await page.keyboard.press('Escape');
      await expect.poll(() => focused(w)).toBe('launcher');
    } finally {
      await context.close();
    }
  });
});
