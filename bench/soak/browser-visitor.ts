/**
 * A visitor in real headless Chromium: the host page loads dist/loader.js
 * through nginx with the async snippet, the widget registers by itself
 * (anonymous, `reject` mode), and the "person" opens the launcher, types in
 * the composer and presses send, and presses retry on a failed message. The
 * ledger hears each 2xx `POST v1/messages` answer; what the widget shows is
 * read from its shadow DOM at the end. Bounded in count and time.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { chromium } from 'playwright-core';
import type { ChatMessage } from '../../src/identity/index.js';
import type { HttpCounts, Ledger } from './ledger.js';

export const CHROMIUM_PATH = '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-quic', '--disable-sync'];
const UI_TIMEOUT_MS = 30_000;

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
}

export interface BrowserVisitorOptions {
  browser: Browser;
  url: string;
  index: number;
  ledger: Ledger;
  http: HttpCounts;
  count: number;
  intervalMs: number;
  sendUntil: number;
}

export class BrowserVisitor {
  conversationId: string | undefined;
  pageErrors: string[] = [];
  #context: BrowserContext | undefined;
  #page: Page | undefined;
  readonly #o: BrowserVisitorOptions;

  constructor(options: BrowserVisitorOptions) {
    this.#o = options;
  }

  async run(): Promise<void> {
    const o = this.#o;
    this.#context = await o.browser.newContext();
    const page = (this.#page = await this.#context.newPage());
    page.on('pageerror', (e) => this.pageErrors.push(String(e)));
    page.on('response', (response) => {
      const url = new URL(response.url());
      if (!url.pathname.startsWith('/chatq/')) return;
      o.http.status(response.status());
      const method = response.request().method();
      if (response.status() === 503) void response.json().then((b: { error?: { code?: string } }) => o.http.code503(b.error?.code ?? 'not JSON'), () => o.http.code503('not JSON'));
      if (!response.ok()) return;
      if (method === 'POST' && url.pathname.endsWith('/v1/identity')) {
        void response.json().then((b: { conversationId: string }) => (this.conversationId = b.conversationId), () => {});
      }
      if (method === 'POST' && url.pathname.endsWith('/v1/messages')) {
        void response.json().then((b: { message: ChatMessage }) => this.conversationId && o.ledger.ack(this.conversationId, b.message), () => {});
      }
    });
    page.on('requestfailed', (request) => {
      if (new URL(request.url()).pathname.startsWith('/chatq/')) o.http.networkErrors++;
    });
    await page.goto(o.url);
    const w = page.locator('chatq-messenger');
    await w.locator('[part~="launcher"]').waitFor({ state: 'visible', timeout: UI_TIMEOUT_MS });
    await w.locator('[part~="launcher"]').click();
    for (let n = 1; n <= o.count && Date.now() < o.sendUntil; n++) {
      await page.waitForTimeout(o.intervalMs * (0.5 + Math.random()));
      await this.retryFailed();
      await w.locator('[part~="input"]').fill(`b${o.index}-${n}`, { timeout: UI_TIMEOUT_MS });
      await w.locator('[part~="send"]').click({ timeout: UI_TIMEOUT_MS });
    }
  }

  /** Presses each visible retry button once. */
  async retryFailed(): Promise<void> {
    const page = this.#page;
    if (!page) return;
    await page.evaluate(() => {
      const root = document.querySelector('chatq-messenger')?.shadowRoot;
      for (const node of root?.querySelectorAll<HTMLElement>('[part~="message"][data-state="failed"] button') ?? []) node.click();
    });
  }

  /** The message bodies the widget shows, in screen order, from its shadow DOM. */
  async shownBodies(): Promise<string[]> {
    if (!this.#page) return [];
    return this.#page.evaluate(() => {
      const root = document.querySelector('chatq-messenger')?.shadowRoot;
      // The body is the message's own <p> (as test/e2e/harness.ts reads it): the agent's name, avatar and time sit beside it.
      return [...(root?.querySelectorAll<HTMLElement>('[part~="message"]') ?? [])].map((m) => m.querySelector(':scope > p')?.textContent ?? '');
    });
  }

  async close(): Promise<void> {
    await this.#context?.close().catch(() => {});
  }
}
