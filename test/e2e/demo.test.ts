/**
 * The integrator demo (`npm start` = build + `node demo/server.mjs`), driven
 * as a newcomer would: sign a demo user in on the host site (another origin,
 * strict CSP), chat, see the mapped identity in the agent view, reply live.
 * Also: a broken community file stops the demo with the verifier's messages.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { describeBrowser, launchBrowser, loaderScript, messageTexts, widget } from './harness.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

interface Demo {
  child: ChildProcess;
  front: string;
  host: string;
}

/** Starts the demo on free ports and reads its URLs from what it prints. */
function startDemo(): Promise<Demo> {
  const env = { ...process.env };
  delete env.CHATQ_AGENT_TOKEN;
  delete env.PORT;
  delete env.HOST_PORT;
  delete env.CHATQ_COMMUNITY;
  // The default engine (SQLite) in a folder of its own: never the checkout's ./.chatq/.
  const data = mkdtempSync(join(tmpdir(), 'chatq-demo-data-'));
  const child = spawn(process.execPath, ['demo/server.mjs', '--port', '0', '--data', data], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`demo did not start:\n${out}`)), 20_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const front = /front page\s+(\S+)/.exec(out)?.[1];
      const host = /host site\s+(\S+)/.exec(out)?.[1];
      if (front && host && out.includes('Ctrl+C')) {
        clearTimeout(timer);
        resolve({ child, front, host });
      }
    });
    child.stderr!.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.on('exit', (code) => reject(new Error(`demo exited with ${code}:\n${out}`)));
  });
}

/** A host-site page with a CSP-violation probe and a dialog trap (alert() from an XSS would open one). */
async function openHostSite(context: BrowserContext, url: string) {
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('dialog', (d) => {
    problems.push(`dialog: ${d.message()}`);
    void d.dismiss();
  });
  page.on('pageerror', (e) => problems.push(`pageerror: ${e}`));
  page.on('console', (m) => {
    if (/Content Security Policy|Refused to/i.test(m.text())) problems.push(`csp: ${m.text()}`);
  });
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => console.error(`Refused to: ${e.violatedDirective} ${e.blockedURI}`));
  });
  await page.goto(url);
  await page.locator('#user option').first().waitFor({ state: 'attached' });
  return { page, problems };
}

async function signIn(page: Page, user: string, kid: string, lifetime = '600'): Promise<void> {
  await page.selectOption('#user', user);
  await page.selectOption('#kid', kid);
  await page.selectOption('#lifetime', lifetime);
  await page.click('#sign-in');
}

/** The greeting the demo host page queues with `_addMessage` before the widget loads. */
const GREETING = 'Hello! Ask us anything about your order.';
const conversationTexts = async (page: Page) => (await messageTexts(page)).filter((t) => t !== GREETING);

/** The value cell of a row of the agent view's tables. */
const cell = (agent: Page, name: string) => agent.locator(`#detail tr:has(th:text-is("${name}")) td`).first();

describeBrowser('the demo (npm start)', () => {
  let browser: Browser;
  let demo: Demo;

  beforeAll(async () => {
    loaderScript(); // fails clearly when the build is missing
    demo = await startDemo();
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    demo?.child.kill('SIGTERM');
  });

  it('host site (require mode, RS256 key) → visitor message → agent view shows the mapped identity → reply shows live', async () => {
    expect(new URL(demo.front).origin).not.toBe(new URL(demo.host).origin);
    const context = await browser.newContext();
    const { page, problems } = await openHostSite(context, `${demo.host}?mode=require`);
    const w = widget(page);
    await signIn(page, 'alice', 'demo_rsa');
    await expect.poll(() => w.launcher.isVisible(), { timeout: 10_000 }).toBe(true);
    await expect.poll(() => page.locator('#countdown').textContent()).toMatch(/^\d+:\d\d$/);
    await w.launcher.click();
    await w.input.fill('Is my tent in stock?');
    await w.send.click();

    const agent = await context.newPage();
    await agent.goto(`${demo.front}agent`);
    const item = agent.locator('nav li button', { hasText: 'Alice Martin' });
    await item.first().click({ timeout: 10_000 });
    await expect.poll(() => cell(agent, 'key id (kid)').textContent()).toBe('demo_rsa');
    expect(await cell(agent, 'uuid source').textContent()).toBe('jwt');
    expect(await cell(agent, 'company').textContent()).toBe('Acme Outdoor EU'); // extra value → predefined field
    expect(await cell(agent, 'mobile_phone').textContent()).toBe('+33 6 12 34 56 78');
    expect(await cell(agent, 'crm_id').textContent()).toBe('CRM-1001'); // extra value → custom field
    expect(await cell(agent, 'customer_no').textContent()).toBe('100042'); // the uuid mapped as an extra value
    expect(await agent.locator('#detail .badge.signed').count()).toBe(1);
    await expect.poll(() => agent.locator('#detail .log li').allTextContents()).toEqual([expect.stringContaining('Is my tent in stock?')]);

    await agent.fill('#detail textarea', 'Yes, two left.');
    await agent.click('#detail button.send');
    await expect.poll(() => conversationTexts(page), { timeout: 10_000 }).toEqual(['Is my tent in stock?', 'Yes, two left.']);

    // The agent view is live too: the visitor's next message appears without a reload.
    await w.input.fill('Great, thanks!');
    await w.send.click();
    await expect.poll(() => agent.locator('#detail .log li').count(), { timeout: 10_000 }).toBe(3);
    expect(await agent.locator('#detail .log li').last().textContent()).toContain('Great, thanks!');
    expect(problems).toEqual([]);
    await context.close();
  });

  it('a key removed from the community is refused; markup in every field stays text on both sides', async () => {
    const context = await browser.newContext();
    const { page, problems } = await openHostSite(context, `${demo.host}?mode=require`);
    await signIn(page, 'alice', 'retired_2024');
    await expect.poll(() => page.locator('#events').textContent(), { timeout: 10_000 }).toContain('ERR_JWT_KID_UNKNOWN');
    expect(await widget(page).launcher.isVisible()).toBe(false);

    await signIn(page, 'mallory', 'site_2025');
    const w = widget(page);
    await expect.poll(() => w.launcher.isVisible(), { timeout: 10_000 }).toBe(true);
    await w.launcher.click();
    await w.input.fill('<img src=x onerror="alert(\'msg\')">');
    await w.send.click();

    const agent = await context.newPage();
    agent.on('dialog', (d) => {
      problems.push(`agent dialog: ${d.message()}`);
      void d.dismiss();
    });
    await agent.goto(`${demo.front}agent`);
    await agent.locator('nav li button', { hasText: '<img' }).first().click({ timeout: 10_000 });
    expect(await cell(agent, 'firstname').textContent()).toBe('<img src=x onerror="alert(\'firstname\')">');
    expect(await cell(agent, 'avatar_url').textContent()).toBe('—'); // javascript: URL dropped…
    expect(await agent.locator('#detail .warnings').textContent()).toContain('avatar_url'); // …with a warning
    await expect.poll(() => agent.locator('#detail .log li').count()).toBe(1);
    await page.waitForTimeout(300);
    expect(await agent.locator('#detail img, #detail script, #detail svg, #list img').count()).toBe(0);
    expect(problems).toEqual([]);
    await context.close();
  });

  it('the agent view pages its list ("load more"), fetches a conversation\'s history when it is opened, and what it missed after', async () => {
    // Visitors of the reject mount, registered straight through the visitor API (no browser needed for them).
    const base = new URL('chatq-reject', demo.front).href;
    const post = async (path: string, body: object, session?: string) => {
      const res = await fetch(`${base}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(session ? { authorization: `Bearer ${session}` } : {}) },
        body: JSON.stringify(body),
      });
      expect(res.status, `${path} ${await res.clone().text()}`).toBeLessThan(300);
      return res.json();
    };
    const visitor = (i: number) => ({ identity: { uuid: `paging-${i}`, firstname: `Pager-${String(i).padStart(3, '0')}` }, automatedUuid: randomUUID() });
    // The oldest writes first, so it stays the oldest and lands on the list's second page.
    const oldest = await post('/v1/identity', visitor(0));
    for (const [i, text] of ['first', 'second', 'third'].entries()) await post('/v1/messages', { clientId: `paging-msg-${i}`, body: text }, oldest.session);
    for (let i = 1; i <= 54; i++) await post('/v1/identity', visitor(i));

    const context = await browser.newContext();
    const agent = await context.newPage();
    const requested: string[] = [];
    agent.on('request', (request) => requested.push(request.url()));
    // The reject mount's agent stream stays down (it ends at once, the view reconnects) until the end of the test.
    const stream = '**/chatq-reject/agent/v1/stream';
    await agent.route(stream, (route) => route.fulfill({ status: 200, contentType: 'text/event-stream', body: ': down\n\n' }));
    await agent.goto(`${demo.front}agent`);
    const pagers = agent.locator('nav li button', { hasText: 'Pager-' });
    const loadMore = agent.locator('nav li button', { hasText: 'Load more conversations' });
    await expect.poll(() => pagers.count(), { timeout: 10_000 }).toBe(50);
    expect(await agent.locator('nav li button', { hasText: 'Pager-000' }).count()).toBe(0);
    await loadMore.click();
    await expect.poll(() => pagers.count(), { timeout: 10_000 }).toBe(55);
    expect(await loadMore.count()).toBe(0);
    await agent.locator('nav li button', { hasText: 'Pager-000' }).click();
    await expect.poll(() => agent.locator('#detail .log li').allTextContents(), { timeout: 10_000 }).toEqual([
      expect.stringContaining('first'),
      expect.stringContaining('second'),
      expect.stringContaining('third'),
    ]);
    // What the visitor writes while the stream is down comes back when it reconnects: the summary's
    // lastSeq is ahead of what the view holds, so the view fetches `?after=` the last seq it holds.
    for (const [i, text] of ['fourth', 'fifth'].entries()) await post('/v1/messages', { clientId: `paging-msg-late-${i}`, body: text }, oldest.session);
    expect(await agent.locator('#detail .log li').count()).toBe(3);
    await agent.unroute(stream);
    await expect.poll(() => agent.locator('#detail .log li').count(), { timeout: 15_000 }).toBe(5);
    expect(await agent.locator('#detail .log li').last().textContent()).toContain('fifth');
    expect(requested.some((url) => /\/chatq-reject\/agent\/v1\/conversations\/[^/]+\/messages\?after=3&/.test(url))).toBe(true);
    await context.close();
  });

  it('the ESM page imports createMessenger from the chat origin under its CSP and signs in through setIdentity', async () => {
    const context = await browser.newContext();
    const { page, problems } = await openHostSite(context, `${demo.host}esm?mode=require`);
    await signIn(page, 'bob', 'site_2026', '45');
    await expect.poll(() => widget(page).launcher.isVisible(), { timeout: 10_000 }).toBe(true);
    await expect.poll(() => page.locator('#events').textContent()).toContain('identity_verified uuid 4242 (jwt)');
    expect(problems).toEqual([]);
    await context.close();
  });

  it('the front page explains the modes and shows the community in use, with no secret', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    await page.goto(demo.front);
    await expect.poll(() => page.locator('#community').textContent()).toContain('"minTokenLifetime": 30');
    const text = (await page.locator('body').textContent()) ?? '';
    for (const words of ['require', 'reject', 'accept', 'minTokenLifetime', 'retired_2024', 'session-expired']) expect(text).toContain(words);
    const community = JSON.parse(readFileSync(join(ROOT, 'demo/community.json'), 'utf8')) as { jwtKeys: { secret?: string }[] };
    for (const key of community.jwtKeys) if (key.secret) expect(text).not.toContain(key.secret);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('a broken community file stops the demo at start with every problem and its path', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'chatq-demo-'));
    const file = join(dir, 'community.json');
    writeFileSync(file, JSON.stringify({ signedIdentities: 'require', jwtKeys: [{ id: 'Bad Id', secret: 'abc' }] }));
    const child = spawn(process.execPath, ['demo/server.mjs', '--port', '0', '--community', file], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code).toBe(1);
    expect(stderr).toContain('jwtKeys[0].id');
    expect(stderr).toContain('jwtKeys[0].secret');
    expect(stderr).not.toContain('abc"'); // a secret is never echoed back as given
  });
});
