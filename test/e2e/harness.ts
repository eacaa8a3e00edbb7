/**
 * Shared harness for the browser tests: real headless Chromium (Debian's
 * /usr/bin/chromium through playwright-core, never a downloaded browser), the
 * real messaging handler on one loopback origin and a host-page server on
 * another (a different port is a different origin, so every request the widget
 * makes is cross-origin, as on a customer's site).
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe } from 'vitest';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { HS_KEY, signHS256, nowSeconds } from '../helpers/sign.js';

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

/** The classic asynchronous snippet, exactly as integrators paste it. */
export function asyncSnippet(loaderUrl: string): string {
  return `(function () {
  var s = document.createElement('script');
  s.async = true;
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

/** What a test collects from a page: console errors, page errors, CSP violations. */
export interface PageProbe {
  consoleErrors: string[];
  /** Console errors and warnings, as `type: text`. */
  consoleAll: string[];
  pageErrors: string[];
  requests: { url: string; method: string; headers: Record<string, string>; postData: string | null }[];
}

export async function openPage(context: BrowserContext, url: string): Promise<{ page: Page; probe: PageProbe }> {
  const page = await context.newPage();
  const probe: PageProbe = { consoleErrors: [], consoleAll: [], pageErrors: [], requests: [] };
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') probe.consoleAll.push(`${m.type()}: ${m.text()}`);
    if (m.type() === 'error') probe.consoleErrors.push(m.text());
  });
  page.on('pageerror', (e) => probe.pageErrors.push(String(e)));
  page.on('request', (r) =>
    probe.requests.push({ url: r.url(), method: r.method(), headers: r.headers(), postData: r.postData() }),
  );
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
