/**
 * SPEC §5 "Script tag": the widget loads from another origin through the
 * classic async snippet and a plain `<script async src>`, drains the `_chatq`
 * queue in order, runs later pushes at once, and embeds into `parentNodeId`.
 * Also measures load time and the longest main-thread task (printed, not asserted).
 */
import { expect, it } from 'vitest';
import { describeBrowser, messageTexts, useStage, waitForLauncher } from './harness.js';

/** Records when the launcher first paints and the longest task, from the first byte of the page. */
const LOAD_PROBE = `<script>
window.__longest = 0;
try {
  new PerformanceObserver(function (list) {
    list.getEntries().forEach(function (e) { window.__longest = Math.max(window.__longest, e.duration); });
  }).observe({ type: 'longtask', buffered: true });
} catch (e) {}
(function poll() {
  var host = document.querySelector('chatq-messenger');
  var launcher = host && host.shadowRoot && host.shadowRoot.querySelector('[part~="launcher"]');
  if (window.__definedAt === undefined && window.customElements.get('chatq-messenger')) window.__definedAt = performance.now();
  if (launcher && !launcher.hidden && launcher.getBoundingClientRect().width > 0) window.__launcherAt = performance.now();
  else requestAnimationFrame(poll);
})();
</script>`;

describeBrowser('script tag on a cross-origin host page', () => {
  // reject mode: an anonymous visitor gets the launcher straight away.
  const stage = useStage({ community: { signedIdentities: 'reject' } });

  it('the classic async snippet loads the widget from the chat origin and shows the launcher', async () => {
    const { chat, host } = stage;
    expect(new URL(chat.origin).port).not.toBe(new URL(host.origin).port);
    stage.hostPage('/snippet.html', { head: LOAD_PROBE });
    const { page, probe } = await stage.visit('/snippet.html');
    await waitForLauncher(page);
    // The snippet inserts a script element with nothing but async and src.
    const inserted = await page.evaluate(() => {
      const s = [...document.scripts].find((x) => x.src.endsWith('/loader.js'));
      return s ? { async: s.async, attrs: s.getAttributeNames().sort() } : null;
    });
    expect(inserted).toEqual({ async: true, attrs: ['async', 'referrerpolicy', 'src'] }); // `s.async = true` reflects to the attribute
    expect(probe.requests.some((r) => r.url === chat.loaderUrl)).toBe(true);

    await page.waitForFunction(() => (window as unknown as { __launcherAt?: number }).__launcherAt !== undefined);
    const figures = await page.evaluate((loaderUrl) => {
      const w = window as unknown as { __launcherAt: number; __definedAt: number; __longest: number };
      const res = performance.getEntriesByName(loaderUrl)[0] as PerformanceResourceTiming | undefined;
      return { launcherAt: w.__launcherAt, definedAt: w.__definedAt, longest: w.__longest, loaderFetched: res?.responseEnd ?? NaN };
    }, chat.loaderUrl);
    console.log(
      `[e2e load] launcher visible ${figures.launcherAt.toFixed(1)} ms after navigation start, ` +
        `${(figures.launcherAt - figures.loaderFetched).toFixed(1)} ms after loader.js arrived ` +
        `(element defined ${(figures.definedAt - figures.loaderFetched).toFixed(1)} ms after it arrived; the rest is the ` +
        `policy and identity registration round trips); longest task ${figures.longest.toFixed(1)} ms ` +
        `(0 = none over the 50 ms long-task threshold)`,
    );
    expect(probe.pageErrors).toEqual([]);
  });

  it('a plain <script async src> works too', async () => {
    stage.hostPage('/tag.html', { embed: 'script-tag' });
    const { page, probe } = await stage.visit('/tag.html');
    await waitForLauncher(page);
    expect(await page.locator('chatq-messenger').count()).toBe(1);
    expect(probe.pageErrors).toEqual([]);
  });

  it('runs commands queued before load in order (their effects stay once the session starts)', async () => {
    const setup = `
_chatq.push(['_addMessage', { body: 'first', agent: true }]);
_chatq.push(['_addMessage', { body: 'second', agent: true }]);
_chatq.push(['_addMessage', { body: 'third' , agent: true }]);`;
    stage.hostPage('/queue.html', { setup });
    const { page, probe, w } = await stage.visit('/queue.html');
    await waitForLauncher(page);
    await w.launcher.click();
    await expect.poll(() => messageTexts(page)).toEqual(['first', 'second', 'third']);
    await page.waitForTimeout(500); // the anonymous session is up: nothing wipes them later
    expect(await messageTexts(page)).toEqual(['first', 'second', 'third']);
    expect(probe.pageErrors).toEqual([]);
  });

  it('runs queued listeners, logs one clear error for an unknown command, then runs later pushes at once', async () => {
    const setup = `
window.__order = [];
_chatq.push(['_onEvent', 'started', function (d) { __order.push(d.event); }]);
_chatq.push(['_noSuchCommand', 1]);
_chatq.push(['_onEvent', 'chat_shown', function (d) { __order.push(d.event); }]);`;
    stage.hostPage('/queue2.html', { setup });
    const { page, probe, w } = await stage.visit('/queue2.html');
    await waitForLauncher(page);
    await w.launcher.click();
    await expect.poll(() => page.evaluate(() => (window as unknown as { __order: string[] }).__order)).toEqual(['started', 'chat_shown']);

    // After load, push runs the command at once (synchronously, no timer needed).
    const immediate = await page.evaluate(() => {
      const q = (window as unknown as { _chatq: { push(c: unknown[]): unknown } })._chatq;
      q.push(['_addMessage', { body: 'pushed after load', agent: true }]);
      const root = document.querySelector('chatq-messenger')!.shadowRoot!;
      return [...root.querySelectorAll('[part~="message"] > p')].map((p) => p.textContent);
    });
    expect(immediate).toEqual(['pushed after load']);

    // The unknown command: one console error naming it; the commands after it still ran.
    expect(probe.consoleErrors.filter((e) => e.includes('_noSuchCommand'))).toHaveLength(1);
    expect(probe.pageErrors).toEqual([]);
  });

  it('embedded mode renders inside parentNodeId with no floating launcher', async () => {
    const setup = `_chatq.push(['_setConfiguration', { embedded: true, parentNodeId: 'messaging-container' }]);`;
    const body = '<section id="messaging-container" style="width:360px;height:480px"></section>';
    stage.hostPage('/embedded.html', { setup, body });
    const { page, probe, w } = await stage.visit('/embedded.html');
    await expect.poll(() => w.panel.isVisible(), { timeout: 10_000 }).toBe(true);
    expect(await page.locator('#messaging-container > chatq-messenger').count()).toBe(1);
    expect(await w.launcher.isVisible()).toBe(false);
    const box = await w.panel.boundingBox();
    const container = await page.locator('#messaging-container').boundingBox();
    expect(box && container).toBeTruthy();
    // Inside the container, not floating over the page.
    expect(box!.x).toBeGreaterThanOrEqual(container!.x - 1);
    expect(box!.y).toBeGreaterThanOrEqual(container!.y - 1);
    expect(box!.x + box!.width).toBeLessThanOrEqual(container!.x + container!.width + 1);
    expect(await w.input.isVisible()).toBe(true);
    expect(probe.pageErrors).toEqual([]);
  });
});
