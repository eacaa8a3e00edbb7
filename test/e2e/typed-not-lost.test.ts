/**
 * SPEC §10 "Nothing typed is lost", in Chromium at 1280×800 and 390×844: the chat server
 * goes out of reach while the panel is open (a real TCP outage: its port closes and the
 * stream is cut). Once "Reconnecting…" shows, what the visitor writes waits, "sending", never
 * "Not sent"; when the server is back it goes out in the order written.
 */
import { expect, it } from 'vitest';
import { gate } from './gate.js';
import { BASE_PATH, describeBrowser, hostPage, jwtFor, loaderScript, messageTexts, signIn, useStage, waitForLauncher, widget } from './harness.js';

describeBrowser('messages written while reconnecting (SPEC §10)', () => {
  const stage = useStage();

  for (const viewport of [{ width: 1280, height: 800 }, { width: 390, height: 844 }]) {
    it(`wait, then go out in order once the stream is back (${viewport.width}×${viewport.height})`, async () => {
      const door = await gate(stage.chat.origin);
      await door.open();
      try {
        stage.host.route('/own-loader.js', { body: loaderScript(), type: 'text/javascript' });
        stage.host.route('/gated.html', hostPage({
          loaderUrl: '',
          embed: 'none',
          body: `<script async src="/own-loader.js" data-chatq-server="${door.url}${BASE_PATH}"></script>`,
        }));
        const phone = viewport.width < 640;
        const ctx = await stage.browser.newContext({ viewport, ...(phone && { hasTouch: true, isMobile: true, deviceScaleFactor: 2 }) });
        const page = await ctx.newPage();
        await page.goto(stage.host.url('/gated.html'));
        const uuid = `offline-${Math.random().toString(36).slice(2)}`;
        await signIn(page, jwtFor(uuid));
        await waitForLauncher(page);
        const w = widget(page);
        await w.launcher.click();
        await expect.poll(() => w.input.isVisible(), { timeout: 15_000 }).toBe(true);

        await door.shut();
        const reconnecting = w.element.locator('[part~="notice"][data-kind="offline"]');
        await expect.poll(() => reconnecting.isVisible(), { timeout: 15_000 }).toBe(true);
        for (const text of ['first', 'second', 'third']) {
          await w.input.fill(text);
          await w.send.click();
        }
        await expect.poll(() => messageTexts(page)).toEqual(['first', 'second', 'third']);
        // Given time to fail, they have not: each waits.
        await page.waitForTimeout(1_500);
        expect(await w.messages.evaluateAll((ms) => ms.map((m) => (m as HTMLElement).dataset.state))).toEqual(['sending', 'sending', 'sending']);

        await door.open();
        await expect.poll(() => w.messages.evaluateAll((ms) => ms.map((m) => (m as HTMLElement).dataset.state)), { timeout: 45_000 }).toEqual(['sent', 'sent', 'sent']);
        const conversation = await stage.chat.agent.waitFor((c) => c.uuid === uuid && c.messages.length === 3, 15_000);
        expect(conversation.messages.map((m) => m.body)).toEqual(['first', 'second', 'third']);
        expect(await reconnecting.isVisible()).toBe(false);
        await ctx.close();
      } finally {
        await door.shut();
      }
    }, 120_000);
  }
});
