/**
 * examples/nextjs: the App Router recipe, built with `next build` WITHOUT
 * CHATQ_HS256_SECRET in the environment (secrets are read at request time, so
 * the build never needs them) and run with `next start`. The chatq and token
 * routes are dynamic (never prerendered), a first chat is answered, and the
 * per-address limits key on X-Real-IP, not on the X-Forwarded-For a client
 * writes. Telemetry off; no font or other download at build.
 */
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../e2e/harness.js';
import { firstChat } from './chat.js';
import { installExample, npmRun, type Running, startExample } from './example.js';

const NEXT = { NEXT_TELEMETRY_DISABLED: '1' };
let example: Awaited<ReturnType<typeof installExample>>;
let build: string;
let running: Running;

beforeAll(async () => {
  example = await installExample('nextjs');
  const env: Record<string, string> = { ...NEXT };
  build = await npmRun(example.dir, 'build', env);
  running = await startExample(example.dir, 'start', { env: NEXT });
}, 600_000);
afterAll(async () => {
  await running?.stop();
  example?.remove();
});

describe('examples/nextjs: next build && next start', () => {
  it('builds with no secret in the environment, the chatq and token routes dynamic', () => {
    expect(build).not.toMatch(/Failed to collect|CHATQ_HS256_SECRET|ERR_COMMUNITY_INVALID/);
    expect(build).toMatch(/ƒ \/api\/chatq-token/);
    expect(build).toMatch(/ƒ \/chatq\/\[\.\.\.path\]/);
  });

  it('a first answered chat', async () => {
    await firstChat(running.base, { pageHas: '<h1>Shop</h1>' });
  });

  it('in Chromium, the page (its Chat client component) shows the launcher for a signed-in visitor, once', async () => {
    const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
    try {
      const context = await browser.newContext();
      await context.addCookies([{ name: 'user', value: 'ada', url: running.base }]);
      const page = await context.newPage();
      const console: string[] = [];
      page.on('console', (message) => console.push(`${message.type()}: ${message.text()}`));
      await page.goto(`${running.base}/`);
      await page.locator('chatq-messenger [part~="launcher"]').waitFor({ timeout: 20_000 }).catch((error) => {
        throw new Error(`${error}\nconsole:\n${console.join('\n')}`);
      });
      expect(await page.locator('chatq-messenger').count()).toBe(1);
    } finally {
      await browser.close();
    }
  });

  it('the token route answers each request afresh (not a prerendered copy)', async () => {
    const tokenOf = async (user: string) => (await (await fetch(`${running.base}/api/chatq-token`, { headers: { Cookie: `user=${user}` } })).json()).jwt as string;
    const [ada, grace] = [await tokenOf('ada'), await tokenOf('grace')];
    expect(JSON.parse(atob(ada.split('.')[1]!)).uuid).toBe('ada');
    expect(JSON.parse(atob(grace.split('.')[1]!)).uuid).toBe('grace');
  });

  it('a client rotating X-Forwarded-For still meets its per-address limit; another X-Real-IP has its own', async () => {
    const register = (headers: Record<string, string>) =>
      fetch(`${running.base}/chatq/v1/identity`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Origin: running.base, ...headers },
        body: JSON.stringify({ automatedUuid: crypto.randomUUID() }),
      }).then((response) => response.status);
    const statuses: number[] = [];
    for (let i = 0; i < 31; i++) statuses.push(await register({ 'X-Real-IP': '203.0.113.7', 'X-Forwarded-For': `198.51.100.${i}` }));
    expect(statuses.slice(0, 30).every((status) => status === 401 || status === 200)).toBe(true);
    expect(statuses[30]).toBe(429);
    expect(await register({ 'X-Real-IP': '203.0.113.8' })).not.toBe(429);
  });
});
