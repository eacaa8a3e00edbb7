/**
 * Issue 16 HIGH 5 with real parts: two handlers on the Redis engine share one
 * real redis-server behind a real nginx (round-robin); the visitor's widget in
 * Chromium talks only to nginx, the agent replies through one instance
 * directly. The visitor's stream drops between an agent reply and the
 * visitor's next message: on reconnect the widget resumes from the last
 * position it received on the stream (protocol.ts StreamEvent), so the reply
 * that landed meanwhile is shown, in its place, and nothing shows twice.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { createMessagingHandler, createVerifier, defineCommunity } from '../../src/server/index.js';
import { toNodeListener } from '../../src/server/node/index.js';
import { createRedisEngine } from '../../src/server/engine/redis/index.js';
import { startNginx } from '../helpers/nginx.js';
import { startRedis } from '../helpers/redis.js';
import {
  BASE_PATH,
  TEST_COMMUNITY,
  agentClient,
  describeBrowser,
  hostPage,
  jwtFor,
  launchBrowser,
  loaderScript,
  panelScript,
  messageTexts,
  openPage,
  sendAsVisitor,
  signIn,
  startHostServer,
  waitForLauncher,
  type AgentClient,
} from './harness.js';

const UI_TIMEOUT_MS = 20_000;

/** One handler on the Redis engine behind node:http, in this process. */
interface Instance {
  port: number;
  agent: AgentClient;
  /** Cuts every open connection (the visitor's stream through nginx among them). */
  dropConnections(): void;
}

/** What a test started, stopped after it (last started, first stopped), whether it passed or not. */
const cleanups: (() => Promise<unknown>)[] = [];
function onCleanup<T>(value: T, stop: (value: T) => Promise<unknown>): T {
  cleanups.push(() => stop(value));
  return value;
}

async function startInstance(redisUrl: string, hostOrigin: string, agentToken: string): Promise<Instance> {
  const engine = onCleanup(createRedisEngine({ url: redisUrl }, { keyPrefix: 'chatq-reconnect:' }), (e) => e.close());
  const handler = createMessagingHandler({
    verifier: createVerifier(defineCommunity(TEST_COMMUNITY as Parameters<typeof defineCommunity>[0])),
    allowedOrigins: [hostOrigin],
    basePath: BASE_PATH,
    engine,
    agentToken,
    loaderScript: loaderScript(),
    panelScript: panelScript(),
    // Every request comes from nginx on 127.0.0.1: only what the test asserts decides.
    limits: { registrationsPerMinutePerAddress: 10_000, registrationsPerMinutePerSession: 10_000, messagesPerMinutePerSession: 10_000 },
  });
  const server = onCleanup<Server>(createServer(toNodeListener(handler)), (s) => {
    s.closeAllConnections();
    handler.close();
    return new Promise((resolve) => s.close(resolve));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return { port, agent: agentClient(`http://127.0.0.1:${port}${BASE_PATH}`, agentToken), dropConnections: () => server.closeAllConnections() };
}

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});
afterEach(async () => {
  const results = await Promise.allSettled(cleanups.splice(0).reverse().map((stop) => stop()));
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
}, 30_000);

/** The `Last-Event-ID` of each stream request the page made (`-` for none). */
function streamPositions(requests: { url: string; headers: Record<string, string> }[]): string[] {
  return requests.filter((r) => r.url.includes('/v1/stream')).map((r) => r.headers['last-event-id'] ?? '-');
}

async function reply(agent: AgentClient, conversationId: string, body: string): Promise<void> {
  const response = await agent.reply(conversationId, body);
  expect(response.status, await response.clone().text()).toBe(201);
}

const shown = (page: Page) => messageTexts(page);

describeBrowser('two instances on one Redis: the stream drops between an agent reply and the visitor next message', () => {
  it('on reconnect the widget resumes from the last position the stream gave: the reply that landed meanwhile shows, nothing twice', async () => {
    const redis = onCleanup(await startRedis(), (r) => r.stop());
    const host = onCleanup(await startHostServer(), (h) => h.close());
    const agentToken = randomBytes(24).toString('base64url');
    const [a, b] = await Promise.all([startInstance(redis.url, host.origin, agentToken), startInstance(redis.url, host.origin, agentToken)]);
    const nginx = onCleanup(await startNginx({ upstreams: [a.port, b.port] }), (n) => n.stop());
    host.route('/shop.html', hostPage({ loaderUrl: `${nginx.url}${BASE_PATH}/loader.js` }));
    const context = onCleanup(await browser.newContext(), (c) => c.close());
    const { page, probe } = await openPage(context, host.url('/shop.html'));
    const uuid = `visitor-${randomBytes(6).toString('hex')}`;
    await signIn(page, jwtFor(uuid));
    await waitForLauncher(page);

    await sendAsVisitor(page, 'hello');
    const { id } = await b.agent.waitFor((c) => c.uuid === uuid && c.messages.length > 0, UI_TIMEOUT_MS);
    await reply(b.agent, id, 'reply 1');
    await expect.poll(() => shown(page), { timeout: UI_TIMEOUT_MS }).toEqual(['hello', 'reply 1']);

    // The stream goes down and stays down (every reconnect refused) while the agent answers
    // and then the visitor writes: the visitor's message is acknowledged with a higher seq.
    await page.route('**/v1/stream*', (route) => route.abort('connectionreset'));
    a.dropConnections();
    b.dropConnections();
    await reply(a.agent, id, 'reply 2, while the stream was down');
    await sendAsVisitor(page, 'typed while the stream was down');
    await expect
      .poll(() => page.locator('chatq-messenger [part~="message"][data-state="sent"]').count(), { timeout: UI_TIMEOUT_MS })
      .toBe(3);
    expect(await shown(page)).toEqual(['hello', 'reply 1', 'typed while the stream was down']);

    // The network is back: the next reconnect resumes where the stream left off.
    await page.unroute('**/v1/stream*');
    const expected = ['hello', 'reply 1', 'reply 2, while the stream was down', 'typed while the stream was down'];
    await expect.poll(() => shown(page), { timeout: UI_TIMEOUT_MS }).toEqual(expected);
    const positions = streamPositions(probe.requests);
    // `<epoch>.2`: the last id the stream gave (reply 1), never seq 4 (the visitor's message, known from its POST answer).
    expect(positions[0]).toBe('-');
    expect(positions.slice(1)).toEqual(positions.slice(1).map(() => expect.stringMatching(/^[A-Za-z0-9_-]{1,32}\.2$/)));
    const [history] = (await a.agent.conversations()).filter((c) => c.id === id).map((c) => c.messages);
    expect(history!.map((m) => m.body)).toEqual(expected);

    // Live again: the next reply comes once.
    await reply(b.agent, id, 'reply 3');
    expected.push('reply 3');
    await expect.poll(() => shown(page), { timeout: UI_TIMEOUT_MS }).toEqual(expected);
    expect(probe.pageErrors).toEqual([]);
  }, 90_000);
});
