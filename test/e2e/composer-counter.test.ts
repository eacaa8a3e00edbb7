/**
 * SPEC §10 "Nothing typed is lost", in Chromium at 1280×800 and 390×844 (touch, scale 2): the
 * composer knows the server's message limit (from `GET v1/policy`). Typing the 4,001st character
 * shows the counter and the reason; sending is refused (no request) and the text stays; one
 * character less goes out whole. A message the server still refuses for length (the widget held a
 * larger limit) comes back into the composer with the reason, never a bare "Not sent". axe finds
 * no violation with the counter shown; a screenshot of it goes to a temp dir (printed).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContextOptions, Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { describeBrowser, jwtFor, openPage, signIn, useStage, waitForLauncher, widget, widgetAxeViolations } from './harness.js';

const SIZES: Record<string, BrowserContextOptions> = {
  '1280×800': { viewport: { width: 1280, height: 800 } },
  '390×844': { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, hasTouch: true, isMobile: true },
};

const shots = mkdtempSync(join(tmpdir(), 'chatq-counter-shots-'));
console.log(`[e2e counter] screenshots in ${shots}`);

const OVER = 'Too long to send: 4,001 of 4,000 characters. Shorten it to send.';

const axeViolations = widgetAxeViolations;

describeBrowser('the composer counter (SPEC §10)', () => {
  const stage = useStage({ shop: { head: '<meta name="viewport" content="width=device-width, initial-scale=1">' } });

  for (const [size, options] of Object.entries(SIZES)) {
    it(`${size}: 4,001 characters show the counter and the reason, are not sent, and nothing is lost`, async () => {
      const context = await stage.browser.newContext(options);
      try {
        const { page } = await openPage(context, stage.host.url('/shop.html'));
        const uuid = `counter-${size}-${Math.random().toString(36).slice(2)}`;
        await signIn(page, jwtFor(uuid));
        await waitForLauncher(page);
        const w = widget(page);
        if (options.hasTouch) await w.launcher.tap();
        else await w.launcher.click();
        await expect.poll(() => w.input.isVisible()).toBe(true);
        const counter = w.element.locator('[part~="counter"]');
        const said = w.element.locator('[part~="panel"] .sr[role="status"]');
        const posts = () => stage.chat.received.filter((r) => r.method === 'POST' && r.url.endsWith('/v1/messages')).length;

        await w.input.fill('a'.repeat(3_000));
        expect(await counter.isVisible()).toBe(false);
        await w.input.fill('a'.repeat(3_950));
        await expect.poll(() => counter.textContent()).toBe('3,950 / 4,000');
        expect(await counter.isVisible()).toBe(true);

        // The limit, then one key more.
        await w.input.fill('a'.repeat(4_000));
        await w.input.press('b');
        await expect.poll(() => counter.textContent()).toBe(`4,001 / 4,000 · ${OVER}`);
        await expect.poll(() => said.textContent()).toBe(OVER);
        expect(await w.input.getAttribute('aria-invalid')).toBe('true');
        await page.screenshot({ path: join(shots, `${size}-over.png`) });
        expect(await axeViolations(page), size).toEqual([]);

        // Refused twice (Enter, the button): nothing sent, nothing shown, the text kept.
        const before = posts();
        await w.input.press('Enter');
        await w.send.click();
        await page.waitForTimeout(300);
        expect(posts()).toBe(before);
        expect(await w.messages.count()).toBe(0);
        expect(await w.input.inputValue()).toBe(`${'a'.repeat(4_000)}b`);
        await expect.poll(() => said.textContent()).toBe(OVER);

        // One character less: the limit itself, said, and sent whole.
        await w.input.press('Backspace');
        await expect.poll(() => counter.textContent()).toBe('4,000 / 4,000 · Limit reached: 4,000 characters.');
        await w.send.click();
        await expect.poll(() => w.messages.evaluateAll((ms) => ms.map((m) => (m as HTMLElement).dataset.state))).toEqual(['sent']);
        expect(await counter.isVisible()).toBe(false);
        const conversation = await stage.chat.agent.waitFor((c) => c.uuid === uuid && c.messages.length === 1);
        expect(conversation.messages[0]!.body).toBe('a'.repeat(4_000));

        // A widget that held a larger limit than the server's: the refusal brings the text back, with the reason.
        await page.evaluate(() => ((document.querySelector('chatq-messenger') as HTMLElement & { policy?: object }).policy = { messageMaxLength: 5_000 }));
        const long = 'c'.repeat(4_500);
        await w.input.fill(long);
        await w.send.click();
        await expect.poll(() => counter.textContent()).toBe('4,500 / 4,000 · Too long to send: 4,500 of 4,000 characters. Shorten it to send.');
        expect(await w.input.inputValue()).toBe(long);
        expect(await w.messages.count()).toBe(1);
        expect(await w.element.locator('[part~="message"][data-state="failed"]').count()).toBe(0);
      } finally {
        await context.close();
      }
    }, 60_000);
  }
});
