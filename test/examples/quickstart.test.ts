/**
 * examples/quickstart, the README's five steps as printed: `npm start`, then
 * the first chat over HTTP, and in Chromium as a visitor sees it: the page's
 * snippet signs Ada in, she writes, the agent answers through the agent API
 * with the README's curl lines, and the answer shows in the widget.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { chromium } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../e2e/harness.js';
import { firstChat } from './chat.js';
import { readme } from '../readme/snippets.js';
import { AGENT_TOKEN, useExample } from './example.js';
import { agent, conversationOf, widget } from './spa.js';

const run = promisify(execFile);

/** The README's sh block after `<!-- run: quickstart-answer -->`. */
function answerScript(): string {
  const lines = readme().split('\n');
  const at = lines.indexOf('<!-- run: quickstart-answer -->');
  expect(lines[at + 1]).toBe('```sh');
  return lines.slice(at + 2, lines.indexOf('```', at + 2)).join('\n');
}

const running = useExample('quickstart');

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
      // The README's curl lines, as printed (only the address is the test's).
      const script = answerScript().replaceAll('http://localhost:3000', running.base);
      await run('bash', ['-euo', 'pipefail', '-c', script], { env: { ...process.env, CHATQ_AGENT_TOKEN: AGENT_TOKEN }, timeout: 30_000 });
      await expect.poll(() => w.bodies.allTextContents()).toContain('Hello Ada! How can I help?');
    } finally {
      await browser.close();
    }
  });
});
