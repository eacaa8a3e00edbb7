/**
 * DOM clobbering (issue 16 MEDIUM 2), in real Chromium: markup alone in the
 * host page — a review, a profile field, no script — must neither steer the
 * widget nor stop it. `document` exposes each `<img name>`, `<form name>`,
 * `<embed name>`, `<object name>` and `<iframe name>` as a property that wins
 * over its own members, and `window` exposes elements by `id` and `name` under
 * names it does not define (`_chatq`). Each global the widget reads by name is
 * clobbered here, with the classic async snippet and with a plain script tag:
 * the widget still talks only to its own server, the visitor's JWT goes
 * nowhere else, and the chat works.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import {
  asyncSnippet,
  describeBrowser,
  jwtFor,
  pushCommand,
  sendAsVisitor,
  startHostServer,
  useStage,
  widget,
  type HostServer,
  type PageOptions,
  type Stage,
  type Visit,
} from './harness.js';

const TIMEOUT = 10_000;
const EMBEDS = ['snippet', 'script-tag'] as const;
type Embed = (typeof EMBEDS)[number];

/** A clobbering: the markup (given the attacker's origin) and what to check beyond "the chat works, only with its server". */
interface Clobbering {
  /** The global the markup shadows, as the test's name. */
  name: string;
  markup(attacker: string): string;
  /** `_chatq` commands queued before load. */
  setup?: string;
  /** Embedded in `#chat` (in the markup) rather than floating. */
  embedded?: boolean;
  /** false: the async snippet itself reads this name (the host page's own code), so only the script tag is tested. */
  snippet?: boolean;
  /** What else shows the widget was not fooled. */
  check?(visit: Visit, context: { stage: Stage; uuid: string }): Promise<void>;
}

/** Stands for the chat server's loader.js URL in markup (filled in per test: the server's port is not known yet). */
const LOADER_URL = '{{loader}}';

const EMBEDDED = `_chatq.push(['_setConfiguration', { embedded: true, parentNodeId: 'chat' }]);`;

const DOCUMENT_CLOBBERINGS: Clobbering[] = [
  {
    // The reported attack: the widget took its server from the image and POSTed the JWT there.
    name: 'document.currentScript by <img name> (src: the attacker\'s "loader.js")',
    markup: (attacker) => `<img name="currentScript" src="${attacker}/evil/loader.js" alt="">`,
  },
  {
    name: 'document.currentScript by <embed name> (src: the attacker\'s "loader.js")',
    markup: (attacker) => `<embed name="currentScript" src="${attacker}/evil/loader.js" type="text/plain">`,
  },
  {
    // An image of the real loader.js looks harmless; its data-chatq-server named the attacker's server.
    name: 'document.currentScript by <img name data-chatq-server> (the attacker as the server)',
    markup: (attacker) => `<img name="currentScript" src="${LOADER_URL}" data-chatq-server="${attacker}/evil" alt="">`,
  },
  // The snippet's own `document.createElement('script')` fails first: the host page's code, not the widget's.
  { name: 'document.createElement by <img name>', markup: () => '<img name="createElement" alt="">', snippet: false },
  { name: 'document.createElementNS by <form name>', markup: () => '<form name="createElementNS"></form>' },
  { name: 'document.querySelectorAll by <img name>', markup: () => '<img name="querySelectorAll" alt="">' },
  { name: 'document.addEventListener by <embed name>', markup: () => '<embed name="addEventListener" type="text/plain">' },
  {
    // Floating, the widget went into the image: no launcher to click.
    name: 'document.body by <img name>',
    markup: () => '<img name="body" alt="">',
  },
  {
    name: 'document.getElementById by <img name> (embedded mode)',
    markup: () => '<img name="getElementById" alt=""><section id="chat" style="width:360px;height:480px"></section>',
    setup: EMBEDDED,
    embedded: true,
  },
  {
    name: 'document.documentElement by <img name lang="fr"> (the widget\'s language)',
    markup: () => '<img name="documentElement" lang="fr" alt="">',
    async check({ w }) {
      // The page is in English (<html lang="en">): the image's lang is not the page's.
      expect(await w.launcher.getAttribute('aria-label')).toBe('Open chat');
    },
  },
  {
    name: 'document.title by <img name> (what _pageChange tells the agent)',
    markup: () => '<img name="title" alt="">',
    async check({ page }, { stage, uuid }) {
      await pushCommand(page, ['_pageChange']);
      await expect
        .poll(async () => (await stage.chat.agent.conversations()).find((c) => c.uuid === uuid)?.lastPage?.title, { timeout: TIMEOUT })
        .toBe('Host shop');
    },
  },
  {
    // The reconnect after a wake-up (a tab shown again) asks `hidden`, which the image would answer (truthy: no wake-up).
    name: 'document.hidden by <img name> (wake-ups)',
    markup: () => '<img name="hidden" alt="">',
    async check({ page, probe }, { stage }) {
      const asked = () => probe.requests.filter((r) => r.url === `${stage.chat.base}/v1/policy`).length;
      await expect.poll(asked, { timeout: TIMEOUT }).toBe(2); // refused once (routed below), then asked again on the wake-up
    },
  },
];

/** A host page as `hostPage()` makes it, with `markup` in the body before the widget's script. */
function pageWith(stage: Stage, embed: Embed, clobbering: Clobbering, attacker: string): Omit<PageOptions, 'loaderUrl'> {
  const body = clobbering.markup(attacker).replace(LOADER_URL, stage.chat.loaderUrl);
  return { embed, body, ...(clobbering.setup && { setup: clobbering.setup }) };
}

/** What every clobbered page must show: only the chat server was told anything, and nothing went wrong. */
function expectOnlyItsServer(visit: Visit, stage: Stage, attacker: string, jwt: string): void {
  const { probe } = visit;
  // The markup's own resource (the image's or embed's src) is the only request to the attacker.
  const toAttacker = probe.requests.filter((r) => r.url.startsWith(attacker)).map((r) => `${r.method} ${new URL(r.url).pathname}`);
  expect(toAttacker.filter((r) => r !== 'GET /evil/loader.js')).toEqual([]);
  const withJwt = probe.requests.filter((r) => r.url.includes(jwt) || (r.postData ?? '').includes(jwt));
  expect(withJwt.map((r) => r.url)).toEqual([`${stage.chat.base}/v1/identity`]);
  expect(probe.consoleAll.filter((m) => m.includes('chatq'))).toEqual([]);
  expect(probe.pageErrors).toEqual([]);
}

/** Signs in, sends a message, and waits until the agent has it: the chat works. */
async function chatWorks(visit: Visit, stage: Stage, jwt: string, uuid: string, embedded = false): Promise<void> {
  const { page, w } = visit;
  await pushCommand(page, ['_setSignedIdentity', jwt]);
  await expect.poll(() => (embedded ? w.panel : w.launcher).isVisible(), { timeout: TIMEOUT }).toBe(true);
  const body = `hello from ${uuid}`;
  await sendAsVisitor(page, body);
  const conversation = await stage.chat.agent.waitFor((c) => c.uuid === uuid && c.messages.some((m) => m.body === body), TIMEOUT);
  expect(conversation.messages.map((m) => m.body)).toEqual([body]);
}

describeBrowser('DOM clobbering: markup in the host page neither steers nor stops the widget', () => {
  const stage = useStage();
  let attacker: HostServer;
  beforeAll(async () => {
    attacker = await startHostServer();
    attacker.route('/evil/loader.js', { type: 'text/javascript', body: '/* what the attacker would serve */' });
  });
  afterAll(async () => {
    await attacker?.close();
  });

  for (const embed of EMBEDS) {
    describe(embed === 'snippet' ? 'the async snippet' : 'a plain script tag', () => {
      for (const clobbering of DOCUMENT_CLOBBERINGS.filter((c) => embed === 'script-tag' || c.snippet !== false)) {
        it(clobbering.name, async () => {
          const path = `/${embed}-${randomBytes(4).toString('hex')}.html`;
          stage.hostPage(path, pageWith(stage, embed, clobbering, attacker.origin));
          const context = await stage.newContext();
          if (clobbering.name.startsWith('document.hidden ')) {
            // The first policy request finds no server; a wake-up asks again.
            let refused = false;
            await context.route(`${stage.chat.base}/v1/policy`, (route) => (refused ? route.continue() : ((refused = true), route.abort())));
          }
          const visit = await stage.visit(path, context);
          const uuid = `clobber-${randomBytes(6).toString('hex')}`;
          const jwt = jwtFor(uuid);
          await waitForWidget(visit.page);
          if (clobbering.name.startsWith('document.hidden ')) await visit.page.evaluate(() => document.dispatchEvent(new Event('visibilitychange')));
          await chatWorks(visit, stage, jwt, uuid, clobbering.embedded);
          await clobbering.check?.(visit, { stage, uuid });
          expectOnlyItsServer(visit, stage, attacker.origin, jwt);
          if (clobbering.embedded) expect(await visit.page.locator('#chat > chatq-messenger').count()).toBe(1);
        });
      }

      it.each([
        ['<a id="_chatq">', '<a id="_chatq" href="#top">top</a>'],
        ['<form name="_chatq">', '<form name="_chatq"></form>'],
        ['<iframe name="_chatq"> from another origin', (attacker: string) => `<iframe name="_chatq" src="${attacker}/evil/frame.html"></iframe>`],
      ])('window._chatq by %s, on a page that declares no queue of its own', async (_name, markup) => {
        attacker.route('/evil/frame.html', '<!doctype html><p>ad</p>');
        const path = `/${embed}-queue-${randomBytes(4).toString('hex')}.html`;
        const html = typeof markup === 'string' ? markup : markup(attacker.origin);
        const script = embed === 'snippet' ? `<script>${asyncSnippet(stage.chat.loaderUrl)}</script>` : `<script async src="${stage.chat.loaderUrl}"></script>`;
        // Not hostPage(): its `var _chatq = …` would shadow the element before the widget loads.
        stage.host.route(path, `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Host shop</title></head><body>${html}<main><h1>Host shop</h1></main>${script}</body></html>`);
        const visit = await stage.visit(path);
        await waitForWidget(visit.page);
        // Once loaded, `_chatq` is the widget's queue, whatever the page's markup called that name.
        const uuid = `clobber-${randomBytes(6).toString('hex')}`;
        const jwt = jwtFor(uuid);
        await chatWorks(visit, stage, jwt, uuid);
        const toAttacker = visit.probe.requests.filter((r) => r.url.startsWith(attacker.origin)).map((r) => new URL(r.url).pathname);
        expect(toAttacker.filter((p) => p !== '/evil/frame.html')).toEqual([]);
        expectOnlyItsServer({ ...visit, probe: { ...visit.probe, requests: visit.probe.requests.filter((r) => !r.url.endsWith('/evil/frame.html')) } }, stage, attacker.origin, jwt);
      });
    });
  }
});

/** The widget has started: its element is in the page and `_chatq` is its queue (not an array, not the markup). */
async function waitForWidget(page: Page): Promise<void> {
  await expect
    .poll(
      () =>
        page.evaluate(() => {
          const queue = (window as unknown as { _chatq?: { push?: unknown } })._chatq;
          return !!document.querySelector('chatq-messenger') && !Array.isArray(queue) && typeof queue?.push === 'function';
        }),
      { timeout: TIMEOUT },
    )
    .toBe(true);
  await expect.poll(() => widget(page).element.count(), { timeout: TIMEOUT }).toBe(1);
}
