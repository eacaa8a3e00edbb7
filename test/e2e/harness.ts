/**
 * Shared harness for the browser tests: real headless Chromium (Debian's
 * /usr/bin/chromium through playwright-core, never a downloaded browser), the
 * real messaging handler on one loopback origin and a host-page server on
 * another (a different port is a different origin, so every request the widget
 * makes is cross-origin, as on a customer's site).
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect } from 'vitest';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { HS_KEY, signHS256, nowSeconds } from '../helpers/sign.js';
import { startChatServer, startHostServer, type ChatServer, type HostServer } from './servers.js';

export const CHROMIUM_PATH = '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  '--disable-quic',
  '--disable-sync',
];

const root = fileURLToPath(new URL('../../', import.meta.url));
export const AXE_PATH = `${root}node_modules/axe-core/axe.min.js`;

const hasChromium = existsSync(CHROMIUM_PATH);

/**
 * `describe` for browser suites. Without Chromium: in CI the suite still runs
 * and fails in `launchBrowser` (a browser test must never pass by skipping);
 * locally it is skipped with a message that says what to install.
 */
export const describeBrowser: typeof describe =
  hasChromium || process.env.CI
    ? describe
    : (((name: string, fn: () => void) => {
        console.warn(`[e2e] skipped "${name}": ${CHROMIUM_PATH} not found (apt-get install chromium).`);
        return describe.skip(`${name} (skipped: no ${CHROMIUM_PATH})`, fn);
      }) as unknown as typeof describe);

/** One browser per test file; one context per test. */
export async function launchBrowser(): Promise<Browser> {
  if (!hasChromium) {
    throw new Error(`Chromium is required for the browser tests and was not found at ${CHROMIUM_PATH}. Install it (apt-get install chromium).`);
  }
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
}

export * from './servers.js';

// ---------------------------------------------------------------- pages

/** A JWT for `uuid`, valid `lifetime` seconds, signed with the test community's key. */
export function jwtFor(uuid: string, lifetime = 3600, extra: Record<string, unknown> = {}): string {
  return signHS256({ uuid, exp: nowSeconds() + lifetime, iat: nowSeconds(), ...extra }, HS_KEY);
}

/** The classic asynchronous snippet, exactly as integrators paste it (the README's). */
export function asyncSnippet(loaderUrl: string): string {
  return `(function () {
  var s = document.createElement('script');
  s.async = true;
  s.referrerPolicy = 'origin';
  s.src = ${JSON.stringify(loaderUrl)};
  var first = document.getElementsByTagName('script')[0];
  first.parentNode.insertBefore(s, first);
})();`;
}

export interface PageOptions {
  /** JS run before the widget loads (queue commands here). */
  setup?: string;
  /** How the widget is loaded. */
  embed?: 'snippet' | 'script-tag' | 'none';
  loaderUrl: string;
  head?: string;
  body?: string;
}

/** A host page with inline scripts (see csp.test.ts for the strict-CSP variant). */
export function hostPage(o: PageOptions): string {
  const embed =
    o.embed === 'none'
      ? ''
      : o.embed === 'script-tag'
        ? `<script async src="${o.loaderUrl}"></script>`
        : `<script>${asyncSnippet(o.loaderUrl)}</script>`;
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Host shop</title>${o.head ?? ''}
<script>window.__t0 = performance.now(); var _chatq = window._chatq || []; window.__events = [];
_chatq.push(['_onEvent', 'identity_expiring', function (d) { __events.push(d); }]);
_chatq.push(['_onEvent', 'session_expired', function (d) { __events.push(d); }]);
_chatq.push(['_onEvent', 'identity_verified', function (d) { __events.push(d); }]);
_chatq.push(['_onEvent', 'identity_rejected', function (d) { __events.push(d); }]);
_chatq.push(['_onEvent', 'message_received', function (d) { __events.push(d); }]);
${o.setup ?? ''}</script>
</head><body><main><h1>Host shop</h1><p>Products.</p>${o.body ?? ''}</main>${embed}</body></html>`;
}

/** What a test collects from a page: console errors, page errors, CSP violations, failed requests. */
export interface PageProbe {
  consoleErrors: string[];
  /** Console errors and warnings, as `type: text`. */
  consoleAll: string[];
  pageErrors: string[];
  requests: { url: string; method: string; headers: Record<string, string>; postData: string | null }[];
  /**
   * Requests the page saw fail (`requestfailed`) or answered with a status ≥ 400,
   * as `METHOD path → status or error`: each one is a "Failed to load resource"
   * line in the host page's console.
   */
  failedRequests: string[];
}

export async function openPage(context: BrowserContext, url: string): Promise<{ page: Page; probe: PageProbe }> {
  const page = await context.newPage();
  const probe: PageProbe = { consoleErrors: [], consoleAll: [], pageErrors: [], requests: [], failedRequests: [] };
  const where = (u: string) => new URL(u).pathname;
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') probe.consoleAll.push(`${m.type()}: ${m.text()}`);
    if (m.type() === 'error') probe.consoleErrors.push(m.text());
  });
  page.on('pageerror', (e) => probe.pageErrors.push(String(e)));
  page.on('request', (r) =>
    probe.requests.push({ url: r.url(), method: r.method(), headers: r.headers(), postData: r.postData() }),
  );
  page.on('requestfailed', (r) => probe.failedRequests.push(`${r.method()} ${where(r.url())} → ${r.failure()?.errorText ?? 'failed'}`));
  page.on('response', (r) => {
    if (r.status() >= 400) probe.failedRequests.push(`${r.request().method()} ${where(r.url())} → ${r.status()}`);
  });
  await page.goto(url);
  return { page, probe };
}

/** Locators into the widget's open shadow root (Playwright's CSS pierces it). */
export function widget(page: Page) {
  const el = page.locator('chatq-messenger');
  return {
    element: el,
    launcher: el.locator('[part~="launcher"]'),
    panel: el.locator('[part~="panel"]'),
    messages: el.locator('[part~="message"]'),
    /** The text of each message, without the screen-reader author label. */
    bodies: el.locator('[part~="message"] > p'),
    input: el.locator('[part~="input"]'),
    send: el.locator('[part~="send"]'),
    expiredNotice: el.locator('[part~="notice"][data-kind="session-expired"]'),
  };
}

/** Opens the panel (if the launcher shows) and sends `text` as the visitor. */
export async function sendAsVisitor(page: Page, text: string): Promise<void> {
  const w = widget(page);
  if (!(await w.panel.isVisible())) await w.launcher.click();
  await w.input.fill(text);
  await w.send.click();
}

/** Texts of the messages on screen, in order. */
export async function messageTexts(page: Page): Promise<string[]> {
  return widget(page).bodies.allTextContents();
}

// ---------------------------------------------------------------- commands

type ChatqWindow = { _chatq: { push(command: unknown[]): unknown }; __events: { event: string; code?: string; expiresAt?: number; message?: { body: string } }[] };

/** Runs one `_chatq` command in the page, as the host page's own script would. */
export function pushCommand(page: Page, command: unknown[]): Promise<unknown> {
  return page.evaluate((c) => (window as unknown as ChatqWindow)._chatq.push(c), command);
}

/** `_chatq.push(['_setSignedIdentity', jwt])`. */
export function signIn(page: Page, jwt: string): Promise<unknown> {
  return pushCommand(page, ['_setSignedIdentity', jwt]);
}

/** The widget events hostPage() records (identity_*, session_expired, message_received). */
export function pageEvents(page: Page): Promise<ChatqWindow['__events']> {
  return page.evaluate(() => (window as unknown as ChatqWindow).__events);
}

/** Waits until the floating launcher shows (in require mode: once a signed identity is verified). */
export async function waitForLauncher(page: Page): Promise<void> {
  await expect.poll(() => widget(page).launcher.isVisible(), { timeout: 10_000 }).toBe(true);
}

// ---------------------------------------------------------------- fixtures

/** A host page as it was opened: the page, what it logged, its widget and its browser context. */
export interface Visit {
  page: Page;
  probe: PageProbe;
  w: ReturnType<typeof widget>;
  context: BrowserContext;
}

/**
 * One test file's world: a browser, the customer's host site and a chat
 * server allowing it, with `/shop.html` (hostPage() with the widget) routed.
 * Started in beforeAll, stopped in afterAll; every context a test opens
 * through it is closed after that test.
 */
export interface Stage {
  readonly browser: Browser;
  readonly host: HostServer;
  readonly chat: ChatServer;
  /** Routes `path` on the host site to hostPage() loading this stage's widget. */
  hostPage(path: string, options?: Omit<PageOptions, 'loaderUrl'>): void;
  /** Opens `path` of the host site in `context` (default: a new one). */
  visit(path: string, context?: BrowserContext): Promise<Visit>;
  /** visit(), then `_setSignedIdentity(jwt)`, then waits for the launcher. */
  visitSignedIn(path: string, jwt: string, context?: BrowserContext): Promise<Visit>;
  /** A browser context closed after the current test. */
  newContext(): Promise<BrowserContext>;
}

export interface StageOptions {
  /** Merged over TEST_COMMUNITY (require mode, HS_KEY, 2 s minimum lifetime). */
  community?: Record<string, unknown>;
  /** Options of the `/shop.html` page. */
  shop?: Omit<PageOptions, 'loaderUrl'>;
}

export function useStage(options: StageOptions = {}): Stage {
  let browser: Browser | undefined;
  let host: HostServer | undefined;
  let chat: ChatServer | undefined;
  const contexts: BrowserContext[] = [];
  const started = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('useStage: used before its beforeAll ran');
    return value;
  };

  beforeAll(async () => {
    host = await startHostServer();
    chat = await startChatServer({ hostOrigins: [host.origin], ...(options.community && { community: options.community }) });
    host.route('/shop.html', hostPage({ loaderUrl: chat.loaderUrl, ...options.shop }));
    browser = await launchBrowser();
  });

  afterEach(async () => {
    for (const context of contexts.splice(0)) await context.close().catch(() => {});
  });

  afterAll(async () => {
    await browser?.close();
    await chat?.close();
    await host?.close();
  });

  const stage: Stage = {
    get browser() {
      return started(browser);
    },
    get host() {
      return started(host);
    },
    get chat() {
      return started(chat);
    },
    hostPage(path, pageOptions = {}) {
      stage.host.route(path, hostPage({ loaderUrl: stage.chat.loaderUrl, ...pageOptions }));
    },
    async newContext() {
      const context = await stage.browser.newContext();
      contexts.push(context);
      return context;
    },
    async visit(path, context) {
      const ctx = context ?? (await stage.newContext());
      const { page, probe } = await openPage(ctx, stage.host.url(path));
      return { page, probe, w: widget(page), context: ctx };
    },
    async visitSignedIn(path, jwt, context) {
      const visit = await stage.visit(path, context);
      await signIn(visit.page, jwt);
      await waitForLauncher(visit.page);
      return visit;
    },
  };
  return stage;
}

/** axe-core's violations inside `<chatq-messenger>` (its shadow root included), as "rule [targets]" lines. */
export async function widgetAxeViolations(page: import('playwright-core').Page): Promise<string[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ content: (await import('node:fs')).readFileSync(AXE_PATH, 'utf8') });
  return page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(ctx: unknown): Promise<{ violations: { id: string; nodes: { target: unknown }[] }[] }> } }).axe;
    return (await axe.run({ include: [['chatq-messenger']] })).violations.map((v) => `${v.id} ${JSON.stringify(v.nodes.map((n) => n.target))}`);
  });
}
