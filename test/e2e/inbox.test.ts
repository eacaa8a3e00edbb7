/**
 * SPEC §11, the inbox, driven in real Chromium as agents use it: sign-in with
 * the HttpOnly cookie, the live loop with a visitor's widget on another
 * origin, typing and read both ways, close / reopen / assign, search, paging
 * over 500 conversations, two agents at once, and the same loop over two
 * instances on one real redis-server. Screenshots of each state at 1280×800
 * and 390×844 go to $CHATQ_SCREENSHOTS when set; axe runs inside the shadow root.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedis, type RedisInstance } from '../helpers/redis.js';
import { AXE_PATH, hostPage, launchBrowser, openPage, sendAsVisitor, signIn, startHostServer, waitForLauncher, widget, type HostServer } from './harness.js';
import { AGENTS, apiVisitor, inbox, type ApiVisitor, redisEngine, signInToInbox, startInstance, visitorJwt, type ChatInstance } from './inbox-stage.js';

const SHOTS = process.env.CHATQ_SCREENSHOTS;
const SIZES = [
  { name: 'desktop', viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1, hasTouch: false, isMobile: false },
  { name: 'phone', viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, hasTouch: true, isMobile: true },
] as const;

let browser: Browser;
let host: HostServer;
let chat: ChatInstance;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  browser = await launchBrowser();
  host = await startHostServer();
  chat = await startInstance([host.origin]);
  host.route('/shop.html', hostPage({ loaderUrl: `${chat.base}/loader.js` }));
});

afterAll(async () => {
  for (const context of contexts) await context.close().catch(() => undefined);
  await browser?.close();
  await chat?.close();
  await host?.close();
});

async function agentPage(size: (typeof SIZES)[number] = SIZES[0], token: string = AGENTS[0].token, base = chat.base): Promise<Page> {
  const context = await browser.newContext({ viewport: size.viewport, deviceScaleFactor: size.deviceScaleFactor, hasTouch: size.hasTouch, isMobile: size.isMobile });
  contexts.push(context);
  const page = await context.newPage();
  await signInToInbox(page, base, token);
  return page;
}

/**
 * Opens a conversation from the list as an agent does: a real click (Playwright waits until the
 * row is still and is what the pointer hits, so a list that moves cannot take the click to another
 * row), then waits for the state the inbox sets when it has opened it (`aria-current` on the row).
 * Rows are kept across renders (src/inbox/view/list.ts), so the row clicked is the row checked.
 */
async function openRow(ui: ReturnType<typeof inbox>, name: string): Promise<void> {
  await ui.item(name).click();
  await expect.poll(() => ui.item(name).getAttribute('aria-current')).toBe('true');
}

/**
 * A visitor's typing notice, sent again until the inbox shows it: a notice is not stored, so one
 * sent before the inbox's stream is open is (rightly) lost, and a person typing sends it again.
 */
async function visitorTypingShows(visitor: ApiVisitor, ui: ReturnType<typeof inbox>): Promise<void> {
  await expect
    .poll(async () => {
      await visitor.post('/v1/typing', {});
      return ui.typing.textContent();
    })
    .toBe('The visitor is typing…');
}

/**
 * The visitor reads up to `seq` and the inbox shows "Seen". A read lost on the way (a 503 from a loaded
 * Redis) is posted again, as the widget reports again on its next look (SPEC §11); so is one a second
 * after an answer that changed nothing on screen. Every answer is in the failure.
 */
async function visitorReadShows(visitor: ApiVisitor, ui: ReturnType<typeof inbox>, seq: number): Promise<void> {
  const answers: number[] = [];
  let polls = 0;
  try {
    await expect
      .poll(async () => {
        if (answers.at(-1) !== 204 || ++polls % 20 === 0) answers.push((await visitor.post('/v1/read', { seq })).status);
        return ui.seen.count();
      })
      .toBe(1);
  } catch (error) {
    throw new Error(`"Seen" never showed in the inbox; the visitor's reads were answered ${answers.join(', ')}`, { cause: error });
  }
}

async function shot(page: Page, name: string): Promise<void> {
  if (!SHOTS) return;
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: join(SHOTS, `inbox-${name}.png`) });
}

/** axe-core inside the element's shadow root: the violations' rule ids. */
async function axeViolations(page: Page): Promise<string[]> {
  // Evaluated by the test driver, as the inbox's own CSP forbids inline scripts (rightly).
  await page.evaluate(readFileSync(AXE_PATH, 'utf8'));
  return page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(context: unknown, options: unknown): Promise<{ violations: { id: string; nodes: unknown[] }[] }> } }).axe;
    const result = await axe.run({ include: [['chatq-inbox']] }, { resultTypes: ['violations'] });
    return result.violations.map((violation) => `${violation.id} (${violation.nodes.length})`);
  });
}

describe('sign-in: an agent token becomes an HttpOnly cookie the page cannot read', () => {
  it('refuses a wrong token with a sentence, then signs in; the cookie is HttpOnly, Secure, SameSite=Strict, scoped to the agent API', async () => {
    const context = await browser.newContext();
    contexts.push(context);
    const page = await context.newPage();
    await page.goto(`${chat.base}/inbox/`);
    const ui = inbox(page);
    await shot(page, 'signin-desktop');
    await ui.token.fill('not-the-token-of-any-agent-here-0000000');
    await ui.signInButton.click();
    await expect.poll(() => ui.signInError.textContent()).toContain('not an agent token');
    await ui.token.fill(AGENTS[0].token);
    await ui.signInButton.click();
    await ui.search.waitFor();
    const [cookie] = await context.cookies();
    expect(cookie).toMatchObject({ name: 'chatq_agent', httpOnly: true, secure: true, sameSite: 'Strict', path: '/chatq/agent/' });
    expect(await page.evaluate(() => document.cookie)).toBe('');
    const response = await page.request.get(`${chat.base}/inbox/`);
    expect(response.headers()['content-security-policy']).toContain("script-src 'self'");
    expect(response.headers()['content-security-policy']).not.toContain('unsafe-inline');
  });

  it('the cookie is never sent to the visitor routes, and a request from another site with it is refused', async () => {
    const page = await agentPage();
    const sent: Promise<string | undefined>[] = [];
    page.on('request', (request) => sent.push(request.headerValue('cookie').then((value) => (value ? new URL(request.url()).pathname : undefined))));
    await page.evaluate((base) => fetch(`${base}/v1/policy`).then((r) => r.status), chat.base);
    const withCookie = (await Promise.all(sent)).filter((path) => path !== undefined);
    expect(sent.length).toBeGreaterThan(0);
    expect(withCookie.filter((path) => !path.startsWith('/chatq/agent/'))).toEqual([]);
    // Another site's page posting to an agent route: SameSite=Strict keeps the cookie off, and the route refuses.
    const attacker = await page.context().newPage();
    await attacker.goto(`${host.origin}/shop.html`);
    const status = await attacker.evaluate(async (base) => {
      try {
        const r = await fetch(`${base}/agent/v1/status`, { method: 'POST', credentials: 'include', headers: { 'content-type': 'text/plain' }, body: '{"status":"away"}', mode: 'no-cors' });
        return r.type;
      } catch {
        return 'refused';
      }
    }, chat.base);
    expect(['opaque', 'refused']).toContain(status);
    const me = await page.evaluate((base) => fetch(`${base}/agent/v1/me`).then((r) => r.json()), chat.base);
    expect(me.status).toBe('online');
  });
});

describe('the loop: a visitor on a host page, an agent in the inbox on another origin', () => {
  it('the conversation appears live, the agent replies, the visitor sees it; the agent shows on the message', async () => {
    const agent = await agentPage();
    const ui = inbox(agent);
    const visitorContext = await browser.newContext();
    contexts.push(visitorContext);
    const { page: shop } = await openPage(visitorContext, `${host.origin}/shop.html`);
    await signIn(shop, visitorJwt('loop-visitor', { firstname: 'Grace', lastname: 'Hopper', email: 'grace@example.com' }));
    await waitForLauncher(shop);
    await sendAsVisitor(shop, 'Hello, is anyone there?');

    await ui.item('Grace Hopper').waitFor();
    await expect.poll(() => ui.item('Grace Hopper').textContent()).toContain('Hello, is anyone there?');
    await openRow(ui, 'Grace Hopper');
    await expect.poll(() => ui.messages.allTextContents()).toEqual([expect.stringContaining('Hello, is anyone there?')]);
    await expect.poll(() => ui.identity.textContent()).toContain('Signed identity');
    await ui.reply.fill('Hi Grace, Ada here. How can I help?');
    await ui.reply.press('Enter');

    await expect.poll(() => widget(shop).bodies.allTextContents(), { timeout: 10_000 }).toContain('Hi Grace, Ada here. How can I help?');
    await expect.poll(() => ui.messages.last().textContent()).toContain('Ada Lovelace');
    await shot(agent, 'thread-desktop');
    expect(await axeViolations(agent)).toEqual([]);
  });
});

describe('typing, read, close, reopen, assign', () => {
  it('typing and read both ways', async () => {
    const agent = await agentPage();
    const ui = inbox(agent);
    const visitor = await apiVisitor(chat.base, host.origin, 'typing-visitor', { firstname: 'Tina' });
    await visitor.send('I have a question');
    await openRow(ui, 'Tina');
    await expect.poll(() => ui.messages.count()).toBe(1);

    // Visitor → agent: typing shows in the thread; the agent's read reaches the visitor's stream.
    await visitorTypingShows(visitor, ui);
    await expect.poll(() => visitor.events.some((event) => event.type === 'read' && event.seq === 1)).toBe(true);

    // Agent → visitor: typing in the composer reaches the stream with the agent's name.
    await ui.reply.pressSequentially('Let me see');
    await expect.poll(() => visitor.events.find((event) => event.type === 'typing')).toMatchObject({ agent: { name: 'Ada Lovelace' } });
    await ui.reply.press('Enter');
    await expect.poll(() => ui.messages.count()).toBe(2);
    // The visitor reads the reply once it has it: a read past the last stored seq is clamped to it,
    // and the inbox shows the reply (pending) before the server has stored it.
    await expect.poll(() => visitor.events.some((event) => event.type === 'message' && event.message.seq === 2)).toBe(true);
    await visitorReadShows(visitor, ui, 2);
    visitor.close();
  });

  it('close and reopen (a visitor message reopens too), and assign', async () => {
    const agent = await agentPage();
    const ui = inbox(agent);
    const visitor = await apiVisitor(chat.base, host.origin, 'state-visitor', { firstname: 'Sam' });
    await visitor.send('Please close this later');
    await openRow(ui, 'Sam');
    await ui.assign.selectOption('bob');
    await expect.poll(() => ui.item('Sam').textContent()).toContain('Bob Stone');
    await ui.toggle.click();
    // Closed: it leaves the Open view and shows under Closed.
    await expect.poll(() => ui.item('Sam').count()).toBe(0);
    await ui.tab('closed').click();
    await ui.item('Sam').waitFor();
    await openRow(ui, 'Sam');
    await expect.poll(() => ui.toggle.textContent()).toBe('Reopen');
    await ui.toggle.click();
    await expect.poll(() => ui.toggle.textContent()).toBe('Close');
    await ui.toggle.click();
    // The button shows the server's answer: the close is stored before the visitor writes (or it could land after).
    await expect.poll(() => ui.toggle.textContent()).toBe('Reopen');
    await visitor.send('One more thing');
    await ui.tab('open').click();
    await ui.item('Sam').waitFor();
    visitor.close();
  });
});

describe('the list: search, mine, paging over 500 conversations, two agents', () => {
  it('search by name, e-mail and uuid; mine shows what is assigned to me', async () => {
    const a = await apiVisitor(chat.base, host.origin, 'search-uuid-4711', { firstname: 'Quentin', email: 'q@findme.example' });
    await a.send('find me');
    const agent = await agentPage();
    const ui = inbox(agent);
    for (const query of ['quentin', 'findme.example', 'uuid-4711']) {
      await ui.search.fill(query);
      await expect.poll(() => ui.items.allTextContents()).toEqual([expect.stringContaining('Quentin')]);
    }
    await ui.search.fill('nobody-matches-this');
    await expect.poll(() => ui.root.locator('.empty').first().textContent()).toContain('No conversation matches');
    await ui.search.fill('');
    await openRow(ui, 'Quentin');
    await ui.assign.selectOption('ada');
    // The row shows the server's answer: the Mine view is asked for once the assignment is stored.
    await expect.poll(() => ui.item('Quentin').textContent()).toContain('Ada Lovelace');
    await ui.tab('mine').click();
    await expect.poll(() => ui.items.allTextContents()).toEqual([expect.stringContaining('Quentin')]);
    a.close();
  });

  it('pages through 500 conversations; reports the time from sign-in to the list', async () => {
    const own = await startInstance([host.origin]);
    try {
      for (let i = 0; i < 500; i += 25) {
        await Promise.all(
          Array.from({ length: 25 }, async (_, j) => {
            const visitor = await apiVisitor(own.base, host.origin, `bulk-${i + j}`, { firstname: `Bulk${String(i + j).padStart(3, '0')}` });
            await visitor.send(`message ${i + j}`);
            visitor.close();
          }),
        );
      }
      const context = await browser.newContext({ viewport: SIZES[0].viewport });
      contexts.push(context);
      const page = await context.newPage();
      await page.goto(`${own.base}/inbox/`);
      const ui = inbox(page);
      await ui.token.fill(AGENTS[1].token);
      const started = Date.now();
      await ui.signInButton.click();
      await ui.items.first().waitFor();
      console.log(`inbox: sign-in to a list of 500 conversations in ${Date.now() - started} ms (first page of 50)`);
      await shot(page, 'list-500-desktop');
      for (let pages = 1; pages < 10; pages++) {
        await ui.more.click();
        await expect.poll(() => ui.items.count()).toBe(50 * (pages + 1));
      }
      // The store may not know a page is the last until it asks once more (an empty page ends the list).
      await expect
        .poll(async () => {
          if (await ui.more.isVisible()) await ui.more.click({ timeout: 2_000 }).catch(() => undefined);
          return ui.more.isHidden();
        })
        .toBe(true);
      expect(await ui.items.count()).toBe(500);
      const names = await ui.root.locator('.item .who').allTextContents();
      expect(new Set(names).size).toBe(500);
    } finally {
      await own.close();
    }
  }, 180_000);

  it('two agents at once: both see a new message live; one assigns, the other sees it', async () => {
    const ada = inbox(await agentPage(SIZES[0], AGENTS[0].token));
    const bob = inbox(await agentPage(SIZES[0], AGENTS[1].token));
    const visitor = await apiVisitor(chat.base, host.origin, 'two-agents', { firstname: 'Paired' });
    await visitor.send('hello both');
    await ada.item('Paired').waitFor();
    await bob.item('Paired').waitFor();
    await openRow(ada, 'Paired');
    await ada.assign.selectOption('ada');
    await expect.poll(() => bob.item('Paired').textContent()).toContain('Ada Lovelace');
    visitor.close();
  });
});

describe('phones: usable at 390 px', () => {
  it('one pane at a time: the list, the thread with a back button, the visitor details', async () => {
    const visitor = await apiVisitor(chat.base, host.origin, 'phone-visitor', { firstname: 'Pat', lastname: 'Mobile', email: 'pat@example.com' });
    await visitor.send('Writing from my phone, is the store open on Sunday?');
    const page = await agentPage(SIZES[1]);
    const ui = inbox(page);
    await ui.item('Pat Mobile').waitFor();
    await shot(page, 'list-phone');
    await openRow(ui, 'Pat Mobile');
    await ui.reply.waitFor({ state: 'visible' });
    expect(await ui.search.isVisible()).toBe(false);
    await ui.reply.fill('Yes, 10 to 4.');
    await ui.reply.press('Enter');
    await expect.poll(() => ui.messages.count()).toBe(2);
    await shot(page, 'thread-phone');
    const box = await ui.reply.boundingBox();
    expect(box!.x + box!.width).toBeLessThanOrEqual(390);
    expect(await axeViolations(page)).toEqual([]);
    await ui.root.locator('.show-identity').click();
    await expect.poll(() => ui.identity.isVisible()).toBe(true);
    await shot(page, 'identity-phone');
    await ui.root.locator('.identity-pane .back').click();
    await ui.root.locator('.thread-pane .back').click();
    await ui.search.waitFor({ state: 'visible' });
    visitor.close();
  });
});

describe('two instances on one real redis-server', () => {
  let redis: RedisInstance;
  const engines: { close(): Promise<void> }[] = [];
  const instances: ChatInstance[] = [];

  beforeAll(async () => {
    redis = await startRedis();
    for (let i = 0; i < 2; i++) {
      const engine = await redisEngine(redis.url);
      engines.push(engine);
      instances.push(await startInstance([host.origin], engine));
    }
  });

  afterAll(async () => {
    for (const instance of instances) await instance.close();
    for (const engine of engines) await engine.close();
    await redis?.stop();
  });

  it('a visitor on one instance, the inbox on the other: live list, reply, typing, read, state', async () => {
    const [first, second] = instances as [ChatInstance, ChatInstance];
    const agent = await agentPage(SIZES[0], AGENTS[0].token, second.base);
    const ui = inbox(agent);
    const visitor = await apiVisitor(first.base, host.origin, 'redis-visitor', { firstname: 'Redis', lastname: 'Rider' });
    await expect.poll(() => visitor.events.find((event) => event.type === 'presence')).toMatchObject({ available: true });
    await visitor.send('across instances');
    await openRow(ui, 'Redis Rider');
    await expect.poll(() => ui.messages.count()).toBe(1);
    await visitorTypingShows(visitor, ui);
    await ui.reply.fill('Answered from the other instance');
    await ui.reply.press('Enter');
    await expect.poll(() => visitor.events.some((event) => event.type === 'message' && event.message.agent?.name === 'Ada Lovelace')).toBe(true);
    await expect.poll(() => visitor.events.some((event) => event.type === 'read')).toBe(true);
    await visitorReadShows(visitor, ui, 2);
    await ui.toggle.click();
    await expect.poll(() => ui.item('Redis Rider').count()).toBe(0);
    visitor.close();
  });
});
