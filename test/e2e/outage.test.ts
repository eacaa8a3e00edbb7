/**
 * SPEC §10 "Outages", in Chromium: the chat server cannot be reached when the page loads
 * (its port refuses connections: a real TCP outage, nothing mocked), then comes up. The
 * widget asks again on its own, with backoff, and the launcher appears with no page event.
 * loader.js is the host's own copy (`data-chatq-server`), as it must be to run at all then.
 */
import { expect, it } from 'vitest';
import { gate } from './gate.js';
import { BASE_PATH, describeBrowser, hostPage, loaderScript, useStage, widget } from './harness.js';

describeBrowser('the chat server is down when the page loads (SPEC §10 "Outages")', () => {
  // reject mode: an anonymous visitor gets the launcher as soon as the server answers.
  const stage = useStage({ community: { signedIdentities: 'reject' } });

  for (const viewport of [{ width: 1280, height: 800 }, { width: 390, height: 844 }]) {
    it(`the launcher appears once the server answers, with no page event (${viewport.width}×${viewport.height})`, async () => {
      const door = await gate(stage.chat.origin);
      try {
        stage.host.route('/own-loader.js', { body: loaderScript(), type: 'text/javascript' });
        stage.host.route('/down.html', hostPage({
          loaderUrl: '',
          embed: 'none',
          body: `<script async src="/own-loader.js" data-chatq-server="${door.url}${BASE_PATH}"></script>`,
        }));
        const context = await stage.browser.newContext({ viewport, ...(viewport.width < 640 && { hasTouch: true, isMobile: true, deviceScaleFactor: 2 }) });
        const page = await context.newPage();
        const refused: string[] = [];
        page.on('requestfailed', (r) => refused.push(new URL(r.url()).pathname));
        await page.goto(stage.host.url('/down.html'));
        const w = widget(page);
        // The widget started and asked, more than once, and got no answer: no launcher.
        await expect.poll(() => refused.filter((p) => p.endsWith('/v1/policy')).length, { timeout: 15_000 }).toBeGreaterThanOrEqual(2);
        expect(await w.launcher.isVisible()).toBe(false);

        await door.open();
        // No focus, online or visibilitychange event: the backoff alone brings it (≤ 30 s between tries).
        await expect.poll(() => w.launcher.isVisible(), { timeout: 45_000 }).toBe(true);
        await w.launcher.click();
        await expect.poll(() => w.panel.isVisible(), { timeout: 15_000 }).toBe(true);
        await context.close();
      } finally {
        await door.shut();
      }
    }, 90_000);
  }
});
