/**
 * SPEC §10 "Two scripts": loader.js carries the launcher; the panel is `{base}/panel.js`,
 * fetched when the visitor opens the chat or when the browser is idle after the host page's
 * `load` event, never before it; under a strict CSP (the chat origin, or a nonce with
 * 'strict-dynamic'); and a panel that fails to load is retried while the launcher says so.
 */
import type { Page, Route } from 'playwright-core';
import { expect, it } from 'vitest';
import { asyncSnippet, describeBrowser, jwtFor, messageTexts, sendAsVisitor, signIn, useStage, waitForLauncher, widget } from './harness.js';

/** A picture the test holds back: the host page's `load` event waits for it. */
function holdLoad(page: Page): Promise<() => void> {
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  return page
    .route('**/slow.gif', async (route: Route) => {
      await released;
      await route.fulfill({ status: 200, contentType: 'image/gif', body: Buffer.from('R0lGODlhAQABAAAAACw=', 'base64') });
    })
    .then(() => release);
}

describeBrowser('the panel is a second script (SPEC §10)', () => {
  const stage = useStage({ shop: { body: '<img src="/slow.gif" alt="">' } });

  /** Opens /shop.html with its `load` held back; returns the page, its panel.js requests (with the page's state then) and the release. */
  async function visitHeld() {
    const context = await stage.newContext();
    const page = await context.newPage();
    const release = await holdLoad(page);
    const panelFetches: string[] = [];
    page.on('request', (r) => {
      if (r.url().endsWith('/panel.js')) panelFetches.push(r.url());
    });
    await page.goto(stage.host.url('/shop.html'), { waitUntil: 'domcontentloaded' });
    await signIn(page, jwtFor(`lazy-${Math.random().toString(36).slice(2)}`));
    await waitForLauncher(page);
    return { page, release, panelFetches, w: widget(page) };
  }

  it('is not fetched before the host page has loaded; then fetched when idle, and works when opened', async () => {
    const { page, release, panelFetches, w } = await visitHeld();
    // The launcher is there and the session is up, yet the page is still loading: no panel.js.
    expect(await page.evaluate(() => document.readyState)).not.toBe('complete');
    expect(panelFetches).toEqual([]);
    expect(await w.panel.count()).toBe(0);

    release();
    await page.waitForFunction(() => document.readyState === 'complete');
    // Idle after load: fetched without a click, and the panel made (closed).
    await expect.poll(() => panelFetches.length).toBe(1);
    await expect.poll(() => w.panel.count()).toBe(1);
    const timing = await page.evaluate(() => {
      const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming;
      const panel = performance.getEntriesByType('resource').find((e) => e.name.endsWith('/panel.js'))!;
      return { load: nav.loadEventStart, panel: panel.startTime };
    });
    expect(timing.panel).toBeGreaterThanOrEqual(timing.load);
    expect(await w.panel.isVisible()).toBe(false);

    await sendAsVisitor(page, 'after an idle prefetch');
    await expect.poll(() => messageTexts(page)).toEqual(['after an idle prefetch']);
    expect(panelFetches).toHaveLength(1);
  });

  it('a click before the page has loaded fetches it at once (no prefetch), and nothing queued before is lost', async () => {
    const { page, release, panelFetches, w } = await visitHeld();
    await page.evaluate(() => (window as unknown as { _chatq: unknown[][] })._chatq.push(['_addMessage', { body: 'greeting from the host', agent: true }]));
    expect(panelFetches).toEqual([]);
    await w.launcher.click();
    await expect.poll(() => w.panel.isVisible()).toBe(true);
    expect(panelFetches).toHaveLength(1);
    expect(await page.evaluate(() => document.readyState)).not.toBe('complete');
    // The panel took the focus (the visitor asked), shows what came before it, and sends.
    await expect.poll(() => w.input.evaluate((el) => el === (el.getRootNode() as ShadowRoot).activeElement)).toBe(true);
    expect(await messageTexts(page)).toEqual(['greeting from the host']);
    await w.input.fill('before load');
    await w.send.click();
    await expect.poll(() => messageTexts(page)).toEqual(['greeting from the host', 'before load']);
    release();
    await page.waitForFunction(() => document.readyState === 'complete');
    expect(panelFetches).toHaveLength(1);
  });

  it('a panel that fails to load: the launcher says so, it is retried, and then works', async () => {
    const context = await stage.newContext();
    const page = await context.newPage();
    let refused = 0;
    // The third try is held until the test has seen the failure said: the status is a passing
    // state, which a poll on a loaded machine could otherwise miss between two tries.
    let letThrough!: () => void;
    const through = new Promise<void>((resolve) => (letThrough = resolve));
    await page.route('**/panel.js', async (route) => {
      if (refused < 2) {
        refused++;
        await route.abort('connectionrefused');
      } else {
        await through;
        await route.continue();
      }
    });
    await page.goto(stage.host.url('/shop.html'));
    await signIn(page, jwtFor('lazy-failing'));
    await waitForLauncher(page);
    const w = widget(page);
    await w.launcher.click();
    const status = w.element.locator('.status');
    await expect.poll(() => status.textContent()).toBe('The chat could not load. Retrying…');
    expect(await status.getAttribute('aria-live')).toBe('polite');
    expect(await w.launcher.getAttribute('data-failed')).not.toBeNull();
    // Retried with backoff until it comes: then the status goes and the panel opens with the focus in it.
    letThrough();
    await expect.poll(() => w.panel.isVisible(), { timeout: 15_000 }).toBe(true);
    expect(refused).toBe(2);
    await expect.poll(() => status.textContent()).toBe('');
    await expect.poll(() => w.launcher.getAttribute('data-failed')).toBeNull();
    await w.input.fill('after two failures');
    await w.send.click();
    await expect.poll(() => messageTexts(page)).toEqual(['after two failures']);
  });

  it("works under a nonce-only CSP with 'strict-dynamic': panel.js comes in as the loader's child", async () => {
    const { host, chat } = stage;
    const nonce = 'n0nce-Panel-Test';
    const csp = `default-src 'none'; script-src 'nonce-${nonce}' 'strict-dynamic'; style-src 'self'; connect-src ${chat.origin}; img-src 'self'`;
    host.route('/nonce.html', {
      headers: { 'content-security-policy': csp },
      body: `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Nonce shop</title>
<script nonce="${nonce}">window.__violations = [];
document.addEventListener('securitypolicyviolation', function (e) { window.__violations.push(e.violatedDirective + ' ' + e.blockedURI); });
var _chatq = window._chatq || [];
${asyncSnippet(chat.loaderUrl)}</script></head>
<body><main><h1>Nonce shop</h1></main></body></html>`,
    });
    const { page, probe, w } = await stage.visit('/nonce.html');
    await signIn(page, jwtFor('lazy-nonce'));
    await waitForLauncher(page);
    await sendAsVisitor(page, 'hello under a nonce');
    const conv = await chat.agent.waitFor((c) => c.uuid === 'lazy-nonce' && c.messages.length > 0);
    await chat.agent.reply(conv.id, 'reply under a nonce');
    await expect.poll(() => messageTexts(page), { timeout: 10_000 }).toEqual(['hello under a nonce', 'reply under a nonce']);
    // Styled by the panel's own constructable sheet.
    expect(await w.panel.evaluate((el) => getComputedStyle(el).display)).toBe('flex');
    expect(await page.evaluate(() => (window as unknown as { __violations: string[] }).__violations)).toEqual([]);
    expect(probe.consoleAll.filter((m) => /Content Security Policy|Refused to/i.test(m))).toEqual([]);
    expect(probe.pageErrors).toEqual([]);
  });
});
