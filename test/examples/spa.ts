/**
 * A single-page app recipe (examples/react, examples/vue) in headless
 * Chromium: its backend (`npm run api`) and Vite's dev server (`npm run dev`,
 * proxying /chatq and /api to it), then what a visitor and the app do: sign
 * in and chat with an agent, change routes without a reload, a hot reload of
 * the module that makes the messenger (one widget afterwards, still signed
 * in, no page reload), a user switch and a logout.
 */
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../e2e/harness.js';
import { AGENT_TOKEN, freePort, installExample, type Running, startExample } from './example.js';

/** Locators into the widget's open shadow root (Playwright's CSS pierces it). */
export function widget(page: Page) {
  const element = page.locator('chatq-messenger');
  return {
    element,
    launcher: element.locator('[part~="launcher"]'),
    panel: element.locator('[part~="panel"]'),
    bodies: element.locator('[part~="message"] > p'),
    input: element.locator('[part~="input"]'),
    send: element.locator('[part~="send"]'),
  };
}

export async function agent(api: string, path: string, body?: object): Promise<any> {
  const response = await fetch(`${api}/chatq/agent/v1${path}`, {
    method: body ? 'POST' : 'GET',
    headers: { Authorization: `Bearer ${AGENT_TOKEN}`, 'Content-Type': 'application/json' },
    body: body && JSON.stringify(body),
  });
  expect(response.status, await response.clone().text()).toBeLessThan(300);
  return response.json();
}

/**
 * The conversation of `uuid` as the agent lists it, once a message is stored in it: it is listed
 * from the sign-in on, and the visitor's first message shows in the widget before it is stored
 * (an agent reply sent earlier would take seq 1 and come first).
 */
export async function conversationOf(api: string, uuid: string): Promise<{ id: string; lastPage?: { url: string } }> {
  for (;;) {
    const { conversations } = await agent(api, '/conversations');
    const found = conversations.find((conversation: { uuid: string; lastSeq: number }) => conversation.uuid === uuid && conversation.lastSeq > 0);
    if (found) return found;
    await new Promise((wait) => setTimeout(wait, 100));
  }
}

export function describeSpa(name: 'react' | 'vue', chatModule: string): void {
  let example: Awaited<ReturnType<typeof installExample>>;
  let api: Running;
  let dev: Running;
  let browser: Browser;

  beforeAll(async () => {
    [example, browser] = await Promise.all([installExample(name), chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS })]);
    const [apiPort, devPort] = [await freePort(), await freePort()];
    api = await startExample(example.dir, 'api', { port: apiPort, env: { PUBLIC_ORIGIN: `http://127.0.0.1:${devPort}` } });
    dev = await startExample(example.dir, 'dev', { port: devPort, env: { API_PORT: String(apiPort) }, ready: '/' });
  });
  afterAll(async () => {
    await browser?.close();
    await dev?.stop();
    await api?.stop();
    example?.remove();
  });

  describe(`examples/${name}: the single-page app in Chromium`, () => {
    it('chat, route changes, a hot reload with one widget, a user switch and a logout', async () => {
      const page = await browser.newPage();
      const console: string[] = [];
      page.on('console', (message) => console.push(`${message.type()}: ${message.text()}`));
      page.on('pageerror', (error) => console.push(`pageerror: ${error}`));
      const w = widget(page);
      await page.goto(`${dev.base}/`);
      await page.evaluate(() => ((window as { marker?: string }).marker = 'no reload'));
      const sameDocument = () => page.evaluate(() => (window as { marker?: string }).marker);

      // Sign in, chat, and the agent answers.
      await page.getByRole('button', { name: 'Sign in as Ada' }).click();
      await w.launcher.click();
      await w.input.fill('Hi from Ada');
      await w.send.click();
      const ada = await conversationOf(api.base, 'ada');
      await agent(api.base, `/conversations/${encodeURIComponent(ada.id)}/messages`, { body: 'Hello Ada' });
      await expect.poll(() => w.bodies.allTextContents()).toEqual(['Hi from Ada', 'Hello Ada']);

      // A route change: same document, same widget, same conversation; the agent sees the page.
      await page.getByRole('link', { name: 'Orders' }).click();
      await page.getByRole('heading', { name: 'Orders' }).waitFor();
      expect(await sameDocument()).toBe('no reload');
      expect(await w.bodies.allTextContents()).toEqual(['Hi from Ada', 'Hello Ada']);
      await expect.poll(async () => (await conversationOf(api.base, 'ada')).lastPage?.url).toBe(`${dev.base}/orders`);

      // A hot reload of the module that makes the messenger: still one widget, signed in, no reload.
      const updated = page.waitForEvent('console', (message) => message.text().includes('hot updated'));
      appendFileSync(join(example.dir, chatModule), '\n// edited\n');
      await updated;
      await expect.poll(() => w.element.count()).toBe(1);
      await w.launcher.waitFor();
      expect(await sameDocument()).toBe('no reload');

      // A user switch: Grace never sees Ada's conversation.
      await page.getByRole('button', { name: 'Sign in as Grace' }).click();
      await expect.poll(() => w.bodies.count()).toBe(0);
      await w.launcher.click();
      await w.input.fill('Hi from Grace');
      await w.send.click();
      await expect.poll(() => w.bodies.allTextContents()).toEqual(['Hi from Grace']);

      // Logout: the widget forgets the visitor and shows no launcher (require mode).
      await page.getByRole('button', { name: 'Log out' }).click();
      await expect.poll(() => w.bodies.count()).toBe(0);
      await expect.poll(() => w.launcher.isVisible()).toBe(false);
      expect(await w.element.count()).toBe(1);
      expect(console.filter((line) => /second widget|pageerror/.test(line))).toEqual([]);
    });
  });
}
