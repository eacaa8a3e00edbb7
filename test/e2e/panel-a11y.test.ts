/**
 * SPEC §10 "Accessibility": axe-core inside the widget's shadow root finds no violation in the
 * closed, open, offline, failed (panel.js did not load) and expired states, at 1280×800 and
 * 390×844 (touch, scale 2). A screenshot of each state goes to a temp dir (printed), to be
 * looked at.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContextOptions, Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { AXE_PATH, describeBrowser, jwtFor, openPage, signIn, useStage, waitForLauncher, widget } from './harness.js';

const SIZES: Record<string, BrowserContextOptions> = {
  desktop: { viewport: { width: 1280, height: 800 } },
  phone: { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, hasTouch: true, isMobile: true },
};

const shots = mkdtempSync(join(tmpdir(), 'chatq-panel-shots-'));
console.log(`[e2e a11y] screenshots in ${shots}`);

async function axeViolations(page: Page): Promise<string[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ content: readFileSync(AXE_PATH, 'utf8') });
  return page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(ctx: unknown): Promise<{ violations: { id: string; nodes: { target: unknown }[] }[] }> } }).axe;
    return (await axe.run({ include: [['chatq-messenger']] })).violations.map((v) => `${v.id} ${JSON.stringify(v.nodes.map((n) => n.target))}`);
  });
}

describeBrowser('accessibility of every state (SPEC §10)', () => {
  const stage = useStage({ shop: { head: '<meta name="viewport" content="width=device-width, initial-scale=1">', setup: "_chatq.push(['_addMessage', { body: 'Hello! Ask us anything: https://help.example.test', agent: true }]);" } });

  for (const [size, options] of Object.entries(SIZES)) {
    const visit = async (uuid: string, lifetime = 3600, failPanel = false) => {
      const context = await stage.browser.newContext(options);
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
      const { context, page, w } = await visit(`a11y-expired-${size}`, 4);
      try {
        await open(w);
        await expect.poll(() => w.expiredNotice.count(), { timeout: 15_000 }).toBe(1);
        await w.input.fill('typed while expired');
        await check(page, 'expired');
      } finally {
        await context.close();
      }
    });
  }
});
