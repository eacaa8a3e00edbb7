/**
 * Security by default (SPEC §2, §5, §6): identity fields and messages are
 * always text — markup in them never runs and never becomes an element — and
 * neither the JWT nor the session credential ever appears in a URL, in
 * browser storage or in a cookie. The widget's requests carry no page URL,
 * and a script the host page runs after the widget does not pick its
 * credentials up on the way (issue 9).
 */
import { randomBytes } from 'node:crypto';
import { expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import {
  describeBrowser,
  hostPage,
  jwtFor,
  messageTexts,
  pushCommand as push,
  sendAsVisitor,
  startChatServer,
  useStage,
  widget,
  waitForLauncher,
} from './harness.js';

const PAYLOADS = [
  '<img src=x onerror="window.__xss=(window.__xss||0)+1">',
  '<script>window.__xss=(window.__xss||0)+1</script>',
  '"><svg onload="window.__xss=(window.__xss||0)+1">',
  '<iframe srcdoc="<script>parent.__xss=1</script>"></iframe>',
];

/** Elements the payloads would create, anywhere: the page and the widget's shadow root. */
const injected = (page: Page) =>
  page.evaluate(() => {
    const root = document.querySelector('chatq-messenger')?.shadowRoot;
    const selector = 'img, script:not([src]), svg, iframe, b, i';
    // The launcher's own icon is the one SVG the widget draws; anything else was injected.
    const icon = root?.querySelector('[part~="launcher"] > svg');
    const inShadow = root ? [...root.querySelectorAll(selector)].filter((el) => el !== icon).length : -1;
    const inPage = document.body.querySelectorAll('img, svg, iframe').length;
    return { inShadow, inPage, flag: (window as unknown as { __xss?: number }).__xss ?? 0 };
  });

describeBrowser('security of what the widget renders and stores', () => {
  const stage = useStage();

  it('XSS payloads in identity fields and in messages (visitor, agent, _addMessage) stay inert text', async () => {
    const { chat } = stage;
    const jwt = jwtFor('xss-1', 3600, {
      firstname: PAYLOADS[0],
      lastname: PAYLOADS[1],
      screenname: PAYLOADS[2],
      company: PAYLOADS[3],
      extra_values: { note: PAYLOADS[0] },
    });
    const { page, probe, w } = await stage.visitSignedIn('/shop.html', jwt);
    await w.launcher.click();
    await push(page, ['_addMessage', { body: PAYLOADS[2], agent: true }]);
    await sendAsVisitor(page, PAYLOADS[0]!);
    const conv = await chat.agent.waitFor((c) => c.uuid === 'xss-1' && c.messages.length > 0);
    // The agent view gets the data exactly as given: mapping never "cleans" it into something else.
    expect(conv.fields.firstname).toBe(PAYLOADS[0]);
    await chat.agent.reply(conv.id, PAYLOADS[1]!);
    await chat.agent.reply(conv.id, PAYLOADS[3]!);
    await expect.poll(() => messageTexts(page), { timeout: 10_000 }).toEqual([PAYLOADS[2], PAYLOADS[0], PAYLOADS[1], PAYLOADS[3]]);
    await page.waitForTimeout(300); // give any onerror/onload a chance to fire
    expect(await injected(page)).toEqual({ inShadow: 0, inPage: 0, flag: 0 });
    expect(await w.launcher.locator('svg').count()).toBe(1); // the icon the filter above leaves out is there
    // The greeting (if the widget shows the name) is text too.
    const shadowText = await page.evaluate(() => document.querySelector('chatq-messenger')!.shadowRoot!.textContent);
    expect(shadowText).not.toBeNull();
    expect(probe.pageErrors).toEqual([]);
  });

  it('the JWT and the session are in no URL, no storage and no cookie; they travel in a body and a header', async () => {
    const { chat } = stage;
    const { page, probe, context } = await stage.visit('/shop.html');
    const sessions: string[] = [];
    page.on('response', async (res) => {
      if (res.url().endsWith('/v1/identity') && res.ok()) sessions.push(((await res.json()) as { session: string }).session);
    });
    const jwt = jwtFor('leak-1', 3600, { firstname: 'Lea' });
    const signature = jwt.split('.')[2]!;
    await push(page, ['_setSignedIdentity', jwt]);
    await waitForLauncher(page);
    await sendAsVisitor(page, 'private');
    const conv = await chat.agent.waitFor((c) => c.uuid === 'leak-1' && c.messages.length > 0);
    await chat.agent.reply(conv.id, 'ok');
    await expect.poll(() => messageTexts(page), { timeout: 10_000 }).toEqual(['private', 'ok']);
    await page.reload(); // a reload must not bring back anything secret either
    await page.waitForFunction(() => customElements.get('chatq-messenger') !== undefined);

    expect(sessions.length).toBeGreaterThan(0);
    const session = sessions[0]!;
    expect(session).not.toContain(signature);
    const secrets = [jwt, signature, session];

    // URLs: page, scripts, API calls, stream.
    for (const r of probe.requests) for (const s of secrets) expect(r.url).not.toContain(s);
    // The JWT goes only in the identity registration's body.
    const carrying = probe.requests.filter((r) => r.postData?.includes(signature));
    expect(carrying.map((r) => new URL(r.url).pathname)).toEqual(['/chatq/v1/identity']);
    // The session goes in Authorization, including on the stream (fetch, not EventSource).
    const stream = probe.requests.find((r) => r.url.includes('/v1/stream'));
    expect(stream?.headers.authorization).toBe(`Bearer ${session}`);

    const stored = await page.evaluate(() => {
      const dump = (s: Storage) => Array.from({ length: s.length }, (_, i) => `${s.key(i)}=${s.getItem(s.key(i)!)}`);
      return [...dump(localStorage), ...dump(sessionStorage), document.cookie].join('\n');
    });
    for (const s of secrets) expect(stored).not.toContain(s);
    const cookies = await context.cookies();
    for (const c of cookies) for (const s of secrets) expect(c.value).not.toContain(s);
    // Nothing in the page's DOM either (attributes, text).
    const html = await page.evaluate(() => document.documentElement.outerHTML + document.querySelector('chatq-messenger')?.shadowRoot?.innerHTML);
    for (const s of secrets) expect(html).not.toContain(s);
    // And never logged.
    for (const m of probe.consoleAll) for (const s of secrets) expect(m).not.toContain(s);
  });

  it('accept mode: an unsigned visitor claiming a signed uuid never sees the signed conversation', async () => {
    const { host } = stage;
    const acceptChat = await startChatServer({ hostOrigins: [host.origin], community: { signedIdentities: 'accept' } });
    host.route('/accept.html', hostPage({ loaderUrl: acceptChat.loaderUrl }));
    try {
      const signed = await stage.visitSignedIn('/accept.html', jwtFor('shared-1'));
      await sendAsVisitor(signed.page, 'my signed secret');
      await acceptChat.agent.waitFor((c) => c.uuid === 'shared-1' && c.signed && c.messages.length > 0);

      // Another browser claims the same uuid without a signature.
      const other = await stage.visit('/accept.html');
      await push(other.page, ['_setIdentity', { uuid: 'shared-1', firstname: 'Impostor' }]);
      await waitForLauncher(other.page);
      await other.w.launcher.click();
      await other.page.waitForTimeout(500);
      expect(await messageTexts(other.page)).toEqual([]);
      await sendAsVisitor(other.page, 'unsigned hello');

      const both = await acceptChat.agent.waitFor((c) => c.uuid === 'shared-1' && !c.signed && c.messages.length > 0);
      expect(both.uuidSource).toBe('unsigned');
      const all = (await acceptChat.agent.conversations()).filter((c) => c.uuid === 'shared-1');
      expect(all.map((c) => [c.signed, c.messages.map((m) => m.body)]).sort()).toEqual([
        [false, ['unsigned hello']],
        [true, ['my signed secret']],
      ]);
      expect(await messageTexts(signed.page)).toEqual(['my signed secret']);
    } finally {
      await acceptChat.close();
    }
  });
});

/**
 * Installed in the page after the widget has loaded, as a later script (an
 * analytics or error-tracking wrapper, or a hostile one) could: wrappers for
 * `fetch` and `JSON.stringify`, an `Authorization` setter and getters for
 * RequestInit members, `toJSON` and `Symbol.iterator` on `Object.prototype`.
 * Whatever they are handed is kept, as text, in `window.__seen`;
 * `window.__untrap()` removes them; `window.__fetch0` is `fetch` from before.
 */
function installTraps(): void {
  const stringify = JSON.stringify;
  const fetch0 = window.fetch;
  const seen: string[] = [];
  let busy = false;
  const keep = (value: unknown): void => {
    if (busy) return; // stringify itself reads toJSON: no recursion
    busy = true;
    try {
      seen.push(typeof value === 'string' ? value : String(stringify(value, (_k, v: unknown) => (typeof v === 'function' ? undefined : v))));
    } catch {
      seen.push(String(value));
    } finally {
      busy = false;
    }
  };
  const w = window as unknown as Record<string, unknown>;
  w.__seen = seen;
  w.__fetch0 = fetch0;
  window.fetch = function (this: unknown, ...args: Parameters<typeof fetch>) {
    keep(args);
    return fetch0.apply(this, args);
  } as typeof fetch;
  JSON.stringify = function (...args: Parameters<typeof stringify>) {
    keep(args);
    return stringify(...args);
  } as typeof stringify;
  const names: (string | symbol)[] = ['Authorization', Symbol.iterator, 'toJSON', 'body', 'integrity', 'referrer', 'window', 'priority', 'duplex', 'mode', 'redirect'];
  for (const name of names) {
    Object.defineProperty(Object.prototype, name, {
      configurable: true,
      get(this: unknown) {
        keep(this);
        return undefined;
      },
      set(value: unknown) {
        keep(value);
      },
    });
  }
  w.__untrap = () => {
    for (const name of names) delete (Object.prototype as Record<string | symbol, unknown>)[name];
    window.fetch = fetch0;
    JSON.stringify = stringify;
  };
}

describeBrowser('what the widget sends, and to whom', () => {
  const stage = useStage();

  it('a host page with Referrer-Policy: unsafe-url and a secret in its query: the chat server never gets the page path or query', async () => {
    const { host, chat } = stage;
    host.route('/account/reset.html', { body: hostPage({ loaderUrl: chat.loaderUrl }), headers: { 'Referrer-Policy': 'unsafe-url' } });
    const secret = `reset-${randomBytes(9).toString('hex')}`;
    const from = chat.received.length;
    const { page, probe } = await stage.visit(`/account/reset.html?token=${secret}`);
    await push(page, ['_setSignedIdentity', jwtFor('referrer-1')]);
    await waitForLauncher(page);
    await sendAsVisitor(page, 'hello');
    await push(page, ['_pageChange']);
    // The control: a request of the page's own carries its full URL, query included, under this policy.
    await page.evaluate((url) => fetch(url, { mode: 'no-cors' }).then(() => {}, () => {}), `${chat.base}/v1/policy?control`);
    const fromBrowser = () => chat.received.slice(from).filter((r) => !r.url.startsWith('/chatq/agent/'));
    await expect.poll(() => fromBrowser().map((r) => r.url), { timeout: 10_000 }).toEqual(
      expect.arrayContaining(['/chatq/loader.js', '/chatq/v1/policy', '/chatq/v1/identity', '/chatq/v1/stream?events=presence,typing,read', '/chatq/v1/messages', '/chatq/v1/page', '/chatq/v1/policy?control']),
    );
    const [control, ...widgetRequests] = [
      fromBrowser().find((r) => r.url.endsWith('?control'))!,
      ...fromBrowser().filter((r) => !r.url.endsWith('?control')),
    ];
    expect(control.headers.referer).toBe(host.url(`/account/reset.html?token=${secret}`));
    // The widget's own: its script (the snippet sets referrerPolicy), CORS preflights, calls and the stream.
    expect(widgetRequests.some((r) => r.method === 'OPTIONS')).toBe(true);
    for (const r of widgetRequests) {
      expect([undefined, `${host.origin}/`], `${r.method} ${r.url}`).toContain(r.headers.referer);
      expect(JSON.stringify(r)).not.toContain(secret);
    }
    // No body carries the query either (the page change names the path only).
    for (const r of probe.requests.filter((q) => q.url.startsWith(chat.base))) expect(r.postData ?? '').not.toContain(secret);
  });

  it('a script the page runs after the widget loaded (fetch and JSON.stringify wrappers, Object.prototype traps) gets no JWT and no session', async () => {
    const { chat } = stage;
    const { page, probe } = await stage.visit('/shop.html');
    await page.waitForFunction(() => {
      const queue = (window as unknown as { _chatq?: unknown })._chatq;
      return !!queue && !Array.isArray(queue);
    });
    await page.evaluate(installTraps);
    // The control: the fetch from before the traps, with an ordinary init object, still gives its credential
    // away — Chromium reads the init's missing members (body, integrity…) through Object.prototype.
    await page.evaluate(
      (url) =>
        (window as unknown as { __fetch0: typeof fetch })
          .__fetch0(url, { headers: { Authorization: 'Bearer control-credential' } })
          .then(() => {}, () => {}),
      `${chat.base}/v1/policy`,
    );
    const first = jwtFor('trapped-1', 3600, { firstname: 'Tia' });
    const renewed = jwtFor('trapped-1', 7200, { firstname: 'Tia' });
    await push(page, ['_setSignedIdentity', first]);
    await waitForLauncher(page);
    await sendAsVisitor(page, 'secret question');
    const sent = widget(page).messages.filter({ hasText: 'secret question' });
    await expect.poll(() => sent.getAttribute('data-state'), { timeout: 10_000 }).toBe('sent');
    await expect.poll(() => probe.requests.some((r) => r.url.includes('/v1/stream'))).toBe(true);
    // A renewal: the new JWT is registered with the session in Authorization.
    await push(page, ['_setSignedIdentity', renewed]);
    await expect
      .poll(() => probe.requests.filter((r) => r.url.endsWith('/v1/identity') && r.postData?.includes(renewed.split('.')[2]!)).length)
      .toBe(1);
    await expect.poll(() => page.evaluate(() => (window as unknown as { __events: { event: string }[] }).__events.filter((e) => e.event === 'identity_verified').length)).toBe(2);
    const seen = await page.evaluate(() => {
      const w = window as unknown as { __seen: string[]; __untrap(): void };
      w.__untrap();
      return w.__seen;
    });

    expect(seen.some((s) => s.includes('Bearer control-credential'))).toBe(true);
    const stream = probe.requests.find((r) => r.url.includes('/v1/stream'));
    const session = stream?.headers.authorization?.replace(/^Bearer /, '');
    expect(session).toBeTruthy();
    const secrets = [first.split('.')[2]!, renewed.split('.')[2]!, session!];
    for (const s of secrets) expect(seen.filter((text) => text.includes(s))).toEqual([]);
    expect(probe.pageErrors).toEqual([]);
  });
});
