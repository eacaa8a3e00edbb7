/**
 * SPEC §10 "Accessibility": axe-core inside the widget's shadow root finds no violation in the
 * closed, open (nobody online: with the e-mail field), offline, failed (panel.js did not load),
 * expired, dark, right-to-left and preview-card states, at 1280×800 and 390×844 (touch, scale 2);
 * every focus indicator is ≥ 3:1 against what is behind it. A screenshot of each state goes to a
 * temp dir (printed), to be looked at (bench/panel-shots.mjs writes every state to /work/wt/shots).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContextOptions, Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { describeBrowser, jwtFor, openPage, signIn, useStage, waitForLauncher, widget, widgetAxeViolations } from './harness.js';

const SIZES: Record<string, BrowserContextOptions> = {
  desktop: { viewport: { width: 1280, height: 800 } },
  phone: { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, hasTouch: true, isMobile: true },
};

const shots = mkdtempSync(join(tmpdir(), 'chatq-panel-shots-'));
console.log(`[e2e a11y] screenshots in ${shots}`);

const axeViolations = widgetAxeViolations;

const pushConfig = (page: Page, config: object) =>
  page.evaluate((c) => (window as unknown as { _chatq: unknown[] })._chatq.push(['_setConfiguration', c]), config);

/**
 * Tabs through the open panel and measures each focus indicator (WCAG 2.2 2.4.11 / 1.4.11):
 * the outline's colour against the first opaque background behind it. Returns the failures.
 */
async function focusRings(page: Page): Promise<string[]> {
  const failures: string[] = [];
  const seen = new Set<string>();
  for (let i = 0; i < 14; i++) {
    await page.keyboard.press('Tab');
    const ring = await page.evaluate(() => {
      const root = document.querySelector('chatq-messenger')!.shadowRoot!;
      const el = root.activeElement as HTMLElement | null;
      if (!el) return undefined;
      const rgb = (color: string) => color.match(/[\d.]+/g)!.map(Number);
      const lum = (color: string) => {
        const [r, g, b] = rgb(color).slice(0, 3).map((v) => (v / 255 <= 0.03928 ? v / 255 / 12.92 : ((v / 255 + 0.055) / 1.055) ** 2.4));
        return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
      };
      let behind = 'rgb(255, 255, 255)';
      for (let node: Node | null = el.parentNode; node; node = node instanceof ShadowRoot ? node.host : node.parentNode) {
        if (!(node instanceof Element)) continue;
        const bg = getComputedStyle(node).backgroundColor;
        const alpha = rgb(bg)[3];
        if (alpha === undefined || alpha > 0.9) {
          behind = bg;
          break;
        }
      }
      const style = getComputedStyle(el);
      const [a, b] = [lum(style.outlineColor), lum(behind)];
      const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
      return { what: `${el.tagName.toLowerCase()}.${el.className || el.getAttribute('part')}`, style: style.outlineStyle, ratio };
    });
    if (!ring || seen.has(ring.what)) continue;
    seen.add(ring.what);
    if (ring.style === 'none' || ring.ratio < 3) failures.push(`${ring.what}: ${ring.style} ${ring.ratio.toFixed(2)}:1`);
  }
  return failures;
}

describeBrowser('accessibility of every state (SPEC §10)', () => {
  const stage = useStage({ shop: { head: '<meta name="viewport" content="width=device-width, initial-scale=1">', setup: "_chatq.push(['_addMessage', { body: 'Hello! Ask us anything: https://help.example.test', agent: true }]);" } });

  for (const [size, options] of Object.entries(SIZES)) {
    const visit = async (uuid: string, lifetime = 3600, failPanel = false, extra: BrowserContextOptions = {}) => {
      const context = await stage.browser.newContext({ ...options, ...extra });
      if (failPanel) await context.route('**/panel.js', (route) => route.abort('connectionrefused'));
      const { page, probe } = await openPage(context, stage.host.url('/shop.html'));
      await signIn(page, jwtFor(uuid, lifetime));
      await waitForLauncher(page);
      return { context, page, probe, w: widget(page) };
    };
    const open = async (w: ReturnType<typeof widget>) => {
      if (options.hasTouch) await w.launcher.tap();
      else await w.launcher.click();
    };
    const check = async (page: Page, state: string) => {
      await page.screenshot({ path: join(shots, `${size}-${state}.png`) });
      expect(await axeViolations(page), `${size} ${state}`).toEqual([]);
    };

    it(`${size}: closed, open and offline`, async () => {
      const { context, page, w } = await visit(`a11y-${size}`);
      try {
        await check(page, 'closed');
        await open(w);
        await expect.poll(() => w.panel.isVisible()).toBe(true);
        await w.input.fill('Where is my order?');
        await w.send.click();
        await expect.poll(() => w.element.locator('[part~="message"][data-state="sent"]').count()).toBe(2);
        await check(page, 'open');
        // The stream drops and cannot come back: the offline notice.
        await page.route('**/v1/stream*', (route) => route.abort('connectionrefused'));
        stage.chat.dropConnections();
        await expect.poll(() => w.element.locator('[part~="notice"][data-kind="offline"]').count(), { timeout: 15_000 }).toBe(1);
        await check(page, 'offline');
      } finally {
        await context.close();
      }
    });

    it(`${size}: dark with the e-mail field, right to left, the preview card; every focus ring ≥ 3:1`, async () => {
      const dark = await visit(`a11y-dark-${size}`, 3600, false, { colorScheme: 'dark' });
      try {
        await open(dark.w);
        await expect.poll(() => dark.w.element.locator('[part~="email"]').isVisible()).toBe(true);
        await dark.w.input.fill('In the dark');
        await dark.w.send.click();
        await expect.poll(() => dark.w.element.locator('[part~="message"][data-state="sent"]').count()).toBe(2);
        await check(dark.page, 'dark');
        expect(await focusRings(dark.page), 'dark').toEqual([]);
      } finally {
        await dark.context.close();
      }
      const rtl = await visit(`a11y-rtl-${size}`);
      try {
        await pushConfig(rtl.page, { locale: 'he' });
        await open(rtl.w);
        await expect.poll(() => rtl.w.panel.getAttribute('dir')).toBe('rtl');
        const mark = `שלום ${size}`;
        await rtl.w.input.fill(mark);
        await rtl.w.send.click();
        await check(rtl.page, 'rtl');
        expect(await focusRings(rtl.page), 'light').toEqual([]);
        // Closed, an agent answers: the preview card.
        const conversation = await stage.chat.agent.waitFor((c) => c.messages.some((m) => m.body === mark));
        await rtl.page.keyboard.press('Escape');
        await expect.poll(() => rtl.w.panel.isVisible()).toBe(false);
        expect((await stage.chat.agent.reply(conversation.id, 'תודה! Your order ships today.')).status).toBe(201);
        await expect.poll(() => rtl.w.element.locator('[part~="preview"]').isVisible()).toBe(true);
        await check(rtl.page, 'preview');
      } finally {
        await rtl.context.close();
      }
    });

    it(`${size}: failed (panel.js did not load)`, async () => {
      const { context, page, w } = await visit(`a11y-failed-${size}`, 3600, true);
      try {
        await open(w);
        await expect.poll(() => w.element.locator('.status').textContent()).not.toBe('');
        await check(page, 'failed');
      } finally {
        await context.close();
      }
    });

    it(`${size}: expired`, async () => {
      // 10 s: a loaded machine signs in before the end (at 4 s a slow start could meet the expiry first).
      const { context, page, w } = await visit(`a11y-expired-${size}`, 10);
      try {
        await open(w);
        await expect.poll(() => w.expiredNotice.count(), { timeout: 25_000 }).toBe(1);
        await w.input.fill('typed while expired');
        await check(page, 'expired');
      } finally {
        await context.close();
      }
    });
  }
});
