/**
 * examples/quickstart, the README's five steps as printed: `npm start`, then
 * the first chat over HTTP, and in Chromium as a visitor sees it: the page's
 * snippet signs Ada in, she writes, the agent answers through the agent API
 * (what the README's curl lines send), and the answer shows in the widget.
 */
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../e2e/harness.js';
import { firstChat } from './chat.js';
import { installExample, type Running, startExample } from './example.js';
import { agent, conversationOf, widget } from './spa.js';

let example: Awaited<ReturnType<typeof installExample>>;
let running: Running;
beforeAll(async () => {
  example = await installExample('quickstart');
  running = await startExample(example.dir, 'start');
});
afterAll(async () => {
  await running?.stop();
  example?.remove();
});

describe('examples/quickstart (the README quick start)', () => {
  it('npm start: a first answered chat over HTTP', async () => {
    await firstChat(running.base);
  });

  it('in Chromium: the snippet signs the visitor in, she writes, the agent answers, the widget shows it', async () => {
    const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
    try {
      const page = await browser.newPage();
      const w = widget(page);
      await page.goto(`${running.base}/`);
      await w.launcher.click();
      await w.input.fill('Do you ship to Lyon?');
      await w.send.click();
      const { id } = await conversationOf(running.base, 'ada');
      const { messages } = await agent(running.base, `/conversations/${encodeURIComponent(id)}/messages`);
      expect(messages.map((message: { body: string }) => message.body)).toContain('Do you ship to Lyon?');
      await agent(running.base, `/conversations/${encodeURIComponent(id)}/messages`, { body: 'Yes, in two days.' });
      await expect.poll(() => w.bodies.allTextContents()).toContain('Yes, in two days.');
    } finally {
      await browser.close();
    }
  });
});
