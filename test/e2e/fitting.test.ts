/**
 * Fitting the integrator's page (SPEC §5, §6 "Fitting", issue 10 items 4, 5, 8), in real Chromium:
 * a page whose origin is not allowed is told which origin and which option; a copy of loader.js
 * served by the host site finds the chat server through `data-chatq-server` or a queued
 * `_setConfiguration({ server })`; a second widget on the page and a non-boolean `agent` are
 * reported; a shop theme that forces fonts and spacing with `!important` leaves the widget's text alone.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  describeBrowser,
  hostPage,
  jwtFor,
  loaderScript,
  messageTexts,
  openPage,
  pushCommand,
  sendAsVisitor,
  startChatServer,
  useStage,
  widget,
  type ChatServer,
} from './harness.js';

const CLIENT_PATH = fileURLToPath(new URL('../../dist/client.js', import.meta.url));

describeBrowser('fitting the integrator\'s page', () => {
  const stage = useStage();
  /** A second chat server that allows only another site: the host page's origin is refused. */
  let elsewhere: ChatServer;
  beforeAll(async () => {
    elsewhere = await startChatServer({ hostOrigins: ['https://www.elsewhere.test'] });
  });
  afterAll(async () => {
    await elsewhere?.close();
  });

  it('a page whose origin is not in allowedOrigins gets one console error naming its origin and the option', async () => {
    stage.host.route('/refused.html', hostPage({ loaderUrl: elsewhere.loaderUrl }));
    const { page, probe } = await stage.visit('/refused.html');
    await expect.poll(() => probe.consoleErrors.filter((m) => m.startsWith('chatq:')), { timeout: 10_000 }).toHaveLength(1);
    const [error] = probe.consoleErrors.filter((m) => m.startsWith('chatq:'));
    expect(error).toBe(
      `chatq: This page's origin "${stage.host.origin}" is not in the chat server's allowedOrigins: add it to allowedOrigins in createMessagingHandler (https://*.example.com admits every subdomain).`,
    );
    // No launcher: nothing the visitor could use.
    expect(await widget(page).launcher.isVisible()).toBe(false);
  });

  it('a copy of loader.js served by the host site talks to the server named by data-chatq-server', async () => {
    const { host, chat } = stage;
    host.route('/assets/loader.js', { type: 'text/javascript', body: loaderScript() });
    host.route(
      '/copy-attribute.html',
      hostPage({ loaderUrl: '', embed: 'none', body: `<script async src="/assets/loader.js" data-chatq-server="${chat.base}/"></script>` }),
    );
    const { page, probe } = await stage.visitSignedIn('/copy-attribute.html', jwtFor('copy-attr-1'));
    await sendAsVisitor(page, 'from a self-hosted loader');
    const conversation = await chat.agent.waitFor((c) => c.uuid === 'copy-attr-1' && c.messages.length > 0);
    await chat.agent.reply(conversation.id, 'answered');
    await expect.poll(() => messageTexts(page), { timeout: 10_000 }).toEqual(['from a self-hosted loader', 'answered']);
    // Every widget request went to the chat server, none to the host site.
    const widgetRequests = probe.requests.filter((r) => /\/v1\//.test(r.url));
    expect(widgetRequests.length).toBeGreaterThan(2);
    expect(widgetRequests.filter((r) => !r.url.startsWith(`${chat.base}/v1/`))).toEqual([]);
    expect(probe.consoleErrors).toEqual([]);
  });

  it('… or by _setConfiguration({ server }) queued before it loads; pushed later, server is refused with a console error', async () => {
    const { host, chat } = stage;
    host.route('/assets/loader.js', { type: 'text/javascript', body: loaderScript() });
    host.route(
      '/copy-queued.html',
      hostPage({
        loaderUrl: '/assets/loader.js',
        setup: `_chatq.push(['_setConfiguration', { server: ${JSON.stringify(chat.base)} }]);`,
      }),
    );
    const { page, probe } = await stage.visitSignedIn('/copy-queued.html', jwtFor('copy-queue-1'));
    await sendAsVisitor(page, 'queued server');
    await chat.agent.waitFor((c) => c.uuid === 'copy-queue-1' && c.messages.some((m) => m.body === 'queued server'));
    expect(probe.requests.filter((r) => r.url.startsWith(`${host.origin}/v1/`))).toEqual([]);

    await pushCommand(page, ['_setConfiguration', { server: 'https://chat.other.test/chatq' }]);
    await expect.poll(() => probe.consoleErrors).toEqual(['chatq: _setConfiguration "server" is a URL, set before loader.js loads.']);
  });

  it('_addMessage with a non-boolean agent says it takes a boolean, and shows nothing', async () => {
    const { page, probe, w } = await stage.visitSignedIn('/shop.html', jwtFor('add-message-1'));
    await pushCommand(page, ['_addMessage', { body: 'Hello!', agent: 'yes' }]);
    await expect.poll(() => probe.consoleErrors).toEqual(['chatq: _addMessage takes { body: "text", agent?: boolean }.']);
    await pushCommand(page, ['_addMessage', { body: 'Hello!', agent: true }]);
    await w.launcher.click();
    await expect.poll(() => messageTexts(page)).toEqual(['Hello!']);
    expect(await w.messages.first().getAttribute('data-author')).toBe('agent');
  });

  it('a second widget on the page (createMessenger called twice) is reported once', async () => {
    const { host, chat } = stage;
    host.route('/client.js', { type: 'text/javascript', body: readFileSync(CLIENT_PATH, 'utf8') });
    host.route(
      '/twice.html',
      `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Twice</title></head><body>
<script type="module">
import { createMessenger } from '/client.js';
window.first = createMessenger({ server: ${JSON.stringify(chat.base)} });
window.second = createMessenger({ server: ${JSON.stringify(chat.base)} });
</script></body></html>`,
    );
    const { page, probe } = await stage.visit('/twice.html');
    await expect.poll(() => page.locator('chatq-messenger').count()).toBe(2);
    await expect.poll(() => probe.consoleAll.filter((m) => m.includes('chatq:'))).toEqual([
      'warning: chatq: a second widget on this page; reuse or destroy() the first.',
    ]);
    // Once the first is destroyed, one widget is left and nothing more is said.
    await page.evaluate(() => (window as unknown as { first: { destroy(): void } }).first.destroy());
    await expect.poll(() => page.locator('chatq-messenger').count()).toBe(1);
    expect(probe.consoleAll.filter((m) => m.includes('chatq:'))).toHaveLength(1);
  });

  it('a theme forcing fonts, sizes, line heights and spacing with !important on every element leaves the widget\'s text as it was', async () => {
    const THEME = `* { font-family: "Comic Sans MS", cursive !important; font-size: 31px !important; line-height: 4 !important;
      letter-spacing: 5px !important; word-spacing: 9px !important; text-transform: uppercase !important; font-weight: 900 !important; font-style: italic !important; }`;
    stage.hostPage('/plain-theme.html', { setup: `_chatq.push(['_addMessage', { body: 'Welcome back', agent: true }]);` });
    stage.hostPage('/forced-theme.html', { head: `<style>${THEME}</style>`, setup: `_chatq.push(['_addMessage', { body: 'Welcome back', agent: true }]);` });
    const textStyle = async (path: string) => {
      const { page, w } = await stage.visitSignedIn(path, jwtFor(`theme-${path}`));
      await w.launcher.click();
      await expect.poll(() => messageTexts(page)).toEqual(['Welcome back']);
      const read = (el: Element) => {
        const s = getComputedStyle(el);
        return [s.fontFamily, s.fontSize, s.lineHeight, s.letterSpacing, s.wordSpacing, s.textTransform, s.fontWeight, s.fontStyle].join(' | ');
      };
      return { body: await w.bodies.first().evaluate(read), input: await w.input.evaluate(read), send: await w.send.evaluate(read) };
    };
    const plain = await textStyle('/plain-theme.html');
    expect(plain.body).toMatch(/^system-ui, sans-serif \| 15px \| 21\.75px \| normal \| 0px \| none \| 400 \| normal$/);
    expect(await textStyle('/forced-theme.html')).toEqual(plain);
  });
});

/** Kept apart from the stage: a page on which the script never learns a server logs what to do. */
describeBrowser('a copy of loader.js with no server to talk to', () => {
  const stage = useStage();
  it('says where to name the chat server', async () => {
    stage.host.route('/inline.html', hostPage({ loaderUrl: '', embed: 'none', body: `<script>${loaderScript()}</script>` }));
    const { page, probe } = await openPage(await stage.newContext(), stage.host.url('/inline.html'));
    await page.waitForLoadState('load');
    await expect.poll(() => probe.consoleErrors).toEqual(['chatq: no chat server URL (data-chatq-server).']);
  });
});
