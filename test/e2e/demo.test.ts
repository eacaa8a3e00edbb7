/**
 * The integrator demo (`npm start` = build + `node demo/server.mjs`), driven
 * as a newcomer would: sign a demo user in on the host site (another origin,
 * strict CSP), chat, see the mapped identity in the inbox, reply live.
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
  /** The agent token the demo made up and printed (the inbox's sign-in). */
  agentToken: string;
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
      const agentToken = /^\s*agent token\s+(\S+)/m.exec(out)?.[1];
      if (front && host && agentToken && out.includes('Ctrl+C')) {
        clearTimeout(timer);
        resolve({ child, front, host, agentToken });
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

/** The value of a row of the inbox's identity panel. */
const cell = (agent: Page, name: string) => agent.locator(`chatq-inbox .identity dt:text-is("${name}") + dd`).first();

/** Opens an inbox of the demo and signs in with the token the demo printed. */
async function openInbox(context: BrowserContext, url: string, token: string, agent?: Page): Promise<Page> {
  agent ??= await context.newPage();
  await agent.goto(url);
  await agent.locator('chatq-inbox input#token').fill(token);
  await agent.locator('chatq-inbox form.signin button[type=submit]').click();
  await agent.locator('chatq-inbox input[type=search]').waitFor();
  return agent;
}

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

  it('host site (require mode, RS256 key) → visitor message → the inbox shows the mapped identity → the reply shows live with the agent', async () => {
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

    const agent = await openInbox(context, `${demo.front}agent`, demo.agentToken);
    const item = agent.locator('chatq-inbox .item', { hasText: 'Alice Martin' });
    // Playwright's own wait (no 10 s cap): on a loaded machine the row can take longer to come.
    await item.first().click();
    await expect.poll(() => cell(agent, 'Key id').textContent()).toBe('demo_rsa');
    expect(await cell(agent, 'Company').textContent()).toBe('Acme Outdoor EU'); // extra value → predefined field
    expect(await cell(agent, 'mobile_phone').textContent()).toBe('+33 6 12 34 56 78');
    expect(await cell(agent, 'crm_id').textContent()).toBe('CRM-1001'); // extra value → custom field
    expect(await cell(agent, 'customer_no').textContent()).toBe('100042'); // the uuid mapped as an extra value
    expect(await agent.locator('chatq-inbox .identity .tag', { hasText: 'Signed identity' }).count()).toBe(1);
    const log = agent.locator('chatq-inbox .messages .msg');
    await expect.poll(() => log.allTextContents()).toEqual([expect.stringContaining('Is my tent in stock?')]);

    await agent.locator('chatq-inbox form.composer textarea').fill('Yes, two left.');
    await agent.locator('chatq-inbox form.composer button[type=submit]').click();
    await expect.poll(() => conversationTexts(page), { timeout: 10_000 }).toEqual(['Is my tent in stock?', 'Yes, two left.']);
    // The inbox swaps its pending copy for the stored one when its POST is answered, which the visitor's stream may overtake.
    await expect.poll(() => log.last().textContent()).toContain('Dana from Support');

    // The inbox is live too: the visitor's next message appears without a reload.
    await w.input.fill('Great, thanks!');
    await w.send.click();
    await expect.poll(() => log.count(), { timeout: 10_000 }).toBe(3);
    expect(await log.last().textContent()).toContain('Great, thanks!');
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

    const agent = await openInbox(context, `${demo.front}agent`, demo.agentToken);
    agent.on('dialog', (d) => {
      problems.push(`agent dialog: ${d.message()}`);
      void d.dismiss();
    });
    await agent.locator('chatq-inbox .item', { hasText: '<img' }).first().click();
    expect(await cell(agent, 'First name').textContent()).toBe('<img src=x onerror="alert(\'firstname\')">');
    expect(await cell(agent, 'Avatar URL').count()).toBe(0); // javascript: URL dropped…
    expect(await agent.locator('chatq-inbox .identity .warning').allTextContents()).toContainEqual(expect.stringContaining('avatar_url')); // …with a warning
    await expect.poll(() => agent.locator('chatq-inbox .messages .msg').count()).toBe(1);
    await page.waitForTimeout(300);
    expect(await agent.locator('chatq-inbox img, chatq-inbox script, chatq-inbox svg').count()).toBe(0);
    expect(problems).toEqual([]);
    await context.close();
  });

  it('the inbox pages its list ("load more"), fetches a conversation\'s history when it is opened, and what it missed after', async () => {
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
    // The reject mount's agent stream stays down (it ends at once, the inbox reconnects) until the end of the test.
    const stream = '**/chatq-reject/agent/v1/stream*';
    await agent.route(stream, (route) => route.fulfill({ status: 200, contentType: 'text/event-stream', body: ': down\n\n' }));
    await openInbox(context, new URL('chatq-reject/inbox/', demo.front).href, demo.agentToken, agent);
    await agent.locator('chatq-inbox .tabs button[data-view="all"]').click();
    const pagers = agent.locator('chatq-inbox .item', { hasText: 'Pager-' });
    const loadMore = agent.locator('chatq-inbox button.more');
    await expect.poll(() => pagers.count(), { timeout: 10_000 }).toBe(50);
    expect(await agent.locator('chatq-inbox .item', { hasText: 'Pager-000' }).count()).toBe(0);
    await loadMore.click();
    await expect.poll(() => pagers.count(), { timeout: 10_000 }).toBe(55);
    await agent.locator('chatq-inbox .item', { hasText: 'Pager-000' }).click();
    const log = agent.locator('chatq-inbox .messages .msg');
    await expect.poll(() => log.allTextContents(), { timeout: 10_000 }).toEqual([
      expect.stringContaining('first'),
      expect.stringContaining('second'),
      expect.stringContaining('third'),
    ]);
    // What the visitor writes while the stream is down comes back once it reconnects: the inbox
    // fetches the open conversation again on every reconnect.
    for (const [i, text] of ['fourth', 'fifth'].entries()) await post('/v1/messages', { clientId: `paging-msg-late-${i}`, body: text }, oldest.session);
    await agent.unroute(stream);
    await expect.poll(() => log.count(), { timeout: 15_000 }).toBe(5);
    expect(await log.last().textContent()).toContain('fifth');
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
