/**
 * SPEC §8 with real parts (issue 8): chatq instances as separate processes
 * (test/e2e/fixtures/chat-instance.mjs, the built handler on the Redis
 * engine) sharing one real redis-server, behind a real nginx (round-robin,
 * nginx's default buffering). The visitor's widget in Chromium only ever talks
 * to nginx; the agent talks to each instance directly. Whichever instance
 * answers, every message shows once, in order; an instance killed with -9 or
 * drained with SIGTERM costs the visitor at most a short pause.
 *
 * Each test starts its own redis-server, instances and nginx on free
 * 127.0.0.1 ports and stops them all afterwards, even when it fails. Missing
 * redis-server, nginx or Chromium fail the test (never a skip).
 */
import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { AgentMessagesResponse, ChatMessage } from '../../src/identity/index.js';
import { startNginx, type NginxInstance } from '../helpers/nginx.js';
import {
  freePort,
  hardKill,
  makeTempDir,
  removeTempDir,
  spawnTracked,
  startRedis,
  stopProcess,
  type RedisInstance,
  type Spawned,
} from '../helpers/redis.js';
import {
  BASE_PATH,
  TEST_COMMUNITY,
  agentClient,
  hostPage,
  jwtFor,
  launchBrowser,
  openPage,
  sendAsVisitor,
  signIn,
  startHostServer,
  waitForLauncher,
  type AgentClient,
  type HostServer,
  type PageProbe,
} from './harness.js';

const FIXTURE = fileURLToPath(new URL('./fixtures/chat-instance.mjs', import.meta.url));
const READY_TIMEOUT_MS = 20_000;
/** Generous: two shared cores run Chromium, nginx, Redis and two Node instances at once. */
const UI_TIMEOUT_MS = 20_000;
const PORT_ATTEMPTS = 5;

// ---------------------------------------------------------------- instances

/** One chatq process behind nginx. */
interface Instance {
  port: number;
  /** `http://127.0.0.1:P/chatq`, for the agent's direct calls. */
  base: string;
  agent: AgentClient;
  /** Open `GET /v1/stream` requests on this instance, as it last printed them. */
  openStreams(): number;
  isRunning(): boolean;
  /** kill -9 (the whole process group). */
  kill(): Promise<void>;
  /** SIGTERM (drain, then close); resolves with how the process ended. */
  terminate(): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stop(): Promise<void>;
}

interface DeploymentConfig {
  redisUrl: string;
  hostOrigin: string;
  agentToken: string;
}

/** Resolves once the process printed a line matching `pattern`; rejects when it exits first or after `timeoutMs`. */
function waitForOutput(proc: Spawned, pattern: RegExp, timeoutMs: number): Promise<RegExpExecArray> {
  return new Promise((resolve, reject) => {
    const check = (): boolean => {
      const match = pattern.exec(proc.output());
      if (match) {
        done();
        resolve(match);
      }
      return match !== null;
    };
    const onData = (): void => void check();
    const timer = setTimeout(() => {
      done();
      reject(new Error(`chat instance printed no ${pattern} within ${timeoutMs} ms:\n${proc.output()}`));
    }, timeoutMs);
    const done = (): void => {
      clearTimeout(timer);
      proc.child.stdout?.off('data', onData);
    };
    if (check()) return;
    proc.child.stdout?.on('data', onData);
    void proc.exited.then(({ code, signal }) => {
      // Whatever it printed last may hold the match.
      if (check()) return;
      done();
      reject(Object.assign(new Error(`chat instance exited (code ${code}, signal ${signal}):\n${proc.output()}`), { code }));
    });
  });
}

/**
 * Starts one instance process on `port` (a free one when not given). The
 * secrets (agent token, the community's HS256 key) go in a file in the
 * instance's temp dir, never on a command line.
 */
async function startInstance(config: DeploymentConfig, port?: number): Promise<Instance> {
  const dir = await makeTempDir('chatq-instance-');
  const configFile = join(dir, 'config.json');
  await writeFile(configFile, JSON.stringify({ agentToken: config.agentToken, community: TEST_COMMUNITY }), { mode: 0o600 });
  let proc: Spawned | undefined;
  let chosen = 0;
  try {
    for (let attempt = 1; ; attempt++) {
      chosen = port ?? (await freePort());
      const args = [FIXTURE, '--port', String(chosen), '--redis', config.redisUrl, '--origin', config.hostOrigin, '--config', configFile];
      const candidate = await spawnTracked(process.execPath, args, dir, 'nodejs');
      try {
        await waitForOutput(candidate, /^ready \d+$/m, READY_TIMEOUT_MS);
        proc = candidate;
        break;
      } catch (err) {
        await hardKill(candidate);
        const portTaken = (err as { code?: number }).code === 3;
        if (!portTaken || port !== undefined || attempt >= PORT_ATTEMPTS) throw err;
      }
    }
  } catch (err) {
    await removeTempDir(dir);
    throw err;
  }
  const running = proc;
  const base = `http://127.0.0.1:${chosen}${BASE_PATH}`;
  let stopped = false;
  return {
    port: chosen,
    base,
    agent: agentClient(base, config.agentToken),
    openStreams: () => Number([...running.output().matchAll(/^streams (\d+)$/gm)].at(-1)?.[1] ?? 0),
    isRunning: () => running.isRunning(),
    kill: () => hardKill(running),
    async terminate() {
      running.child.kill('SIGTERM');
      return running.exited;
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      await stopProcess(running, 'SIGTERM', 5_000);
      await removeTempDir(dir);
    },
  };
}

// ---------------------------------------------------------------- deployment

/** What a test started, stopped in afterEach (last started, first stopped), whether it passed or not. */
const cleanups: (() => Promise<unknown>)[] = [];
function onCleanup<T>(value: T, stop: (value: T) => Promise<unknown>): T {
  cleanups.push(() => stop(value));
  return value;
}

interface Deployment {
  redis: RedisInstance;
  host: HostServer;
  nginx: NginxInstance;
  /** The agent API credential every instance shares. */
  agentToken: string;
  /** Two instances, round-robin behind nginx in this order. */
  instances: [Instance, Instance];
  /** Starts another instance on the same Redis (on `port`, e.g. where a killed one was). */
  startInstance(port?: number): Promise<Instance>;
}

async function deploy(): Promise<Deployment> {
  const redis = onCleanup(await startRedis({ appendonly: true, appendfsync: 'always' }), (r) => r.stop());
  const host = onCleanup(await startHostServer(), (h) => h.close());
  const config: DeploymentConfig = { redisUrl: redis.url, hostOrigin: host.origin, agentToken: randomBytes(24).toString('base64url') };
  const start = async (port?: number): Promise<Instance> => onCleanup(await startInstance(config, port), (i) => i.stop());
  const instances = (await Promise.all([start(), start()])) as [Instance, Instance];
  const nginx = onCleanup(await startNginx({ upstreams: instances.map((i) => i.port) }), (n) => n.stop());
  // The host page's snippet points at nginx: the widget derives every API call from that URL.
  host.route('/shop.html', hostPage({ loaderUrl: `${nginx.url}${BASE_PATH}/loader.js` }));
  return { redis, host, nginx, agentToken: config.agentToken, instances, startInstance: start };
}

// ---------------------------------------------------------------- browser

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

interface Visitor {
  page: Page;
  probe: PageProbe;
  uuid: string;
}

/** A signed-in visitor on the host page, widget loaded through nginx. */
async function visitSignedIn(d: Deployment): Promise<Visitor> {
  const context = onCleanup<BrowserContext>(await browser.newContext(), (c) => c.close());
  const { page, probe } = await openPage(context, d.host.url('/shop.html'));
  const uuid = `visitor-${randomBytes(6).toString('hex')}`;
  await signIn(page, jwtFor(uuid));
  await waitForLauncher(page);
  return { page, probe, uuid };
}

interface PanelMessage {
  author: string;
  body: string;
  state: string;
}

/** The `message` parts in the widget's shadow root, in order: who, what, and whether it was delivered. */
function panel(page: Page): Promise<PanelMessage[]> {
  return page.evaluate(() =>
    [...(document.querySelector('chatq-messenger')?.shadowRoot?.querySelectorAll<HTMLElement>('[part~="message"]') ?? [])].map((node) => ({
      author: node.dataset.author ?? '',
      body: node.querySelector('p')?.textContent ?? '',
      state: node.dataset.state ?? '',
    })),
  );
}

const bodies = async (page: Page): Promise<string[]> => (await panel(page)).map((m) => m.body);

/** How often each body shows in the panel (a duplicate shows as 2). */
async function occurrences(page: Page): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const body of await bodies(page)) counts[body] = (counts[body] ?? 0) + 1;
  return counts;
}

/**
 * Waits until every message in the panel is 'sent': a message shows (as 'sending') before its POST
 * is answered, and the agent can see it, and even answer it, before the widget has that answer.
 */
async function allSent(page: Page): Promise<void> {
  await expect.poll(async () => (await panel(page)).filter((m) => m.state !== 'sent'), { timeout: UI_TIMEOUT_MS }).toEqual([]);
}

const once = (expected: string[]): Record<string, number> => Object.fromEntries(expected.map((body) => [body, 1]));

/**
 * Records every notice the widget ever shows (its `data-kind`), even one that
 * is gone again by the time the test looks: a MutationObserver in the page.
 */
async function recordNotices(page: Page): Promise<void> {
  await page.evaluate(() => {
    const root = document.querySelector('chatq-messenger')?.shadowRoot;
    if (!root) throw new Error('no chatq-messenger shadow root');
    const seen: string[] = [];
    (window as unknown as { __notices: string[] }).__notices = seen;
    new MutationObserver((records) => {
      for (const record of records) {
        for (const node of record.addedNodes) {
          if (node instanceof HTMLElement && node.matches('[part~="notice"]')) seen.push(`${node.dataset.kind}: ${node.textContent}`);
        }
      }
    }).observe(root, { childList: true, subtree: true });
  });
}

const noticesSeen = (page: Page): Promise<string[]> => page.evaluate(() => (window as unknown as { __notices: string[] }).__notices);

// ---------------------------------------------------------------- agent

/** `GET {instance}/agent/v1/conversations/{id}/messages`: the conversation's history as this instance reads it. */
async function history(instance: Instance, conversationId: string, token: string): Promise<ChatMessage[]> {
  const response = await fetch(`${instance.base}/agent/v1/conversations/${encodeURIComponent(conversationId)}/messages?limit=200`, {
    headers: { authorization: `Bearer ${token}` },
  });
  expect(response.status).toBe(200);
  const page = (await response.json()) as AgentMessagesResponse;
  expect(page.more).toBe(false);
  return page.messages;
}

/** Replies as the agent through `instance` directly; the 2xx means the message is in Redis. */
async function reply(instance: Instance, conversationId: string, body: string): Promise<void> {
  const response = await instance.agent.reply(conversationId, body);
  expect(response.status, `${instance.base}: ${await response.clone().text()}`).toBe(201);
}

/** The visitor's conversation id, as the agent sees it once the first message is in. */
async function conversationOf(instance: Instance, uuid: string): Promise<string> {
  return (await instance.agent.waitFor((c) => c.uuid === uuid && c.messages.length > 0, UI_TIMEOUT_MS)).id;
}

/** The instance holding the visitor's one open stream (and the other), once exactly one holds it. */
async function streamHolder(instances: Instance[]): Promise<{ holder: Instance; other: Instance }> {
  await expect
    .poll(() => instances.map((i) => i.openStreams()).sort(), { timeout: UI_TIMEOUT_MS, message: 'one open stream, on one instance' })
    .toEqual([0, 1]);
  const holder = instances.find((i) => i.openStreams() === 1)!;
  return { holder, other: instances.find((i) => i !== holder)! };
}

// ---------------------------------------------------------------- tests

describe('several instances behind nginx (SPEC §8): any instance may answer, every message arrives once, in order', () => {
  it('a visitor through nginx and an agent replying through each instance in turn see the same conversation', async () => {
    const d = await deploy();
    const [a, b] = d.instances;
    const { page, probe, uuid } = await visitSignedIn(d);
    await sendAsVisitor(page, 'Hello from the visitor');
    const id = await conversationOf(a, uuid);
    // Live delivery, not history: the replies go out while the stream is open on one of the two.
    await streamHolder(d.instances);

    const replies = Array.from({ length: 6 }, (_, i) => `reply ${i + 1} through ${i % 2 === 0 ? 'A' : 'B'}`);
    for (const [i, body] of replies.entries()) await reply(i % 2 === 0 ? a : b, id, body);

    const expected = ['Hello from the visitor', ...replies];
    await expect.poll(() => bodies(page), { timeout: UI_TIMEOUT_MS }).toEqual(expected);
    for (const instance of [a, b]) {
      const messages = await history(instance, id, d.agentToken);
      expect(messages.map((m) => m.body)).toEqual(expected);
      expect(messages.map((m) => m.seq)).toEqual([1, 2, 3, 4, 5, 6, 7]);
      expect(messages.map((m) => m.author)).toEqual(['visitor', ...replies.map(() => 'agent')]);
    }
    // Still exactly once each, after all that (polled: the visitor's own message is 'sent' once its POST's answer is in).
    await expect.poll(() => panel(page), { timeout: UI_TIMEOUT_MS }).toEqual(expected.map((body, i) => ({ author: i === 0 ? 'visitor' : 'agent', body, state: 'sent' })));
    // The widget only ever talked to nginx.
    const chatRequests = probe.requests.filter((r) => !r.url.startsWith(d.host.origin));
    expect(chatRequests.length).toBeGreaterThan(0);
    expect(chatRequests.filter((r) => !r.url.startsWith(`${d.nginx.url}${BASE_PATH}/`))).toEqual([]);
    expect(probe.pageErrors).toEqual([]);
  }, 60_000);
});

describe('an instance killed with -9 (SPEC §8: a restart loses nothing that was acknowledged)', () => {
  it('the widget resumes through the other instance; nothing is lost or duplicated; a replacement on the same port carries on', async () => {
    const d = await deploy();
    const { page, probe, uuid } = await visitSignedIn(d);
    await sendAsVisitor(page, 'before the crash');
    const id = await conversationOf(d.instances[0], uuid);
    await reply(d.instances[0], id, 'reply 1');
    await expect.poll(() => bodies(page), { timeout: UI_TIMEOUT_MS }).toEqual(['before the crash', 'reply 1']);

    // Kill the instance the visitor streams from, as a crash would: no drain, the stream is cut mid-response.
    const { holder: crashed, other: survivor } = await streamHolder(d.instances);
    await crashed.kill();
    // While the widget reconnects (nginx fails the dead upstream over to the survivor), the agent keeps writing.
    await reply(survivor, id, 'during the crash 1');
    await reply(survivor, id, 'during the crash 2');
    const expected = ['before the crash', 'reply 1', 'during the crash 1', 'during the crash 2'];
    await expect.poll(() => bodies(page), { timeout: UI_TIMEOUT_MS }).toEqual(expected);
    await expect.poll(() => survivor.openStreams(), { timeout: UI_TIMEOUT_MS, message: 'the stream resumed on the survivor' }).toBe(1);

    // After the crash: the visitor types (through nginx), the agent answers.
    await sendAsVisitor(page, 'typed after the crash');
    await expect.poll(async () => (await history(survivor, id, d.agentToken)).map((m) => m.body), { timeout: UI_TIMEOUT_MS }).toContain('typed after the crash');
    await reply(survivor, id, 'after the crash');
    expected.push('typed after the crash', 'after the crash');
    await expect.poll(() => bodies(page), { timeout: UI_TIMEOUT_MS }).toEqual(expected);
    expect(await occurrences(page)).toEqual(once(expected));
    await allSent(page);
    const afterCrash = await history(survivor, id, d.agentToken);
    expect(afterCrash.map((m) => m.body)).toEqual(expected);
    expect(afterCrash.map((m) => m.seq)).toEqual(expected.map((_, i) => i + 1));

    // A replacement on the crashed one's port (nginx's upstream again): it reads the same conversation and writes to it.
    const replacement = await d.startInstance(crashed.port);
    expect(replacement.port).toBe(crashed.port);
    expect((await history(replacement, id, d.agentToken)).map((m) => m.body)).toEqual(expected);
    await reply(replacement, id, 'from the replacement');
    await sendAsVisitor(page, 'still here');
    expected.push('from the replacement', 'still here');
    await expect.poll(() => bodies(page), { timeout: UI_TIMEOUT_MS }).toEqual(expected);
    await expect.poll(async () => (await history(replacement, id, d.agentToken)).map((m) => m.body), { timeout: UI_TIMEOUT_MS }).toEqual(expected);
    const final = await history(survivor, id, d.agentToken);
    expect(final.map((m) => m.body)).toEqual(expected);
    expect(final.map((m) => m.seq)).toEqual(expected.map((_, i) => i + 1));
    expect(await occurrences(page)).toEqual(once(expected));
    await allSent(page);
    // The only noise: the one stream the crash cut mid-response (nginx ends it without the last chunk).
    // Requests sent after the crash failed over inside nginx, unseen by the page.
    // A read marker or typing notice in flight at the crash may fail: both are best-effort (the next
    // one carries the same information), and nginx retries no POST.
    const bestEffort = (line: string) => /^POST \S+\/v1\/(read|typing) /.test(line);
    const lostMarkers = probe.failedRequests.filter(bestEffort).length;
    expect(probe.failedRequests.filter((line) => !bestEffort(line))).toEqual([`GET ${BASE_PATH}/v1/stream → net::ERR_INCOMPLETE_CHUNKED_ENCODING`]);
    // (nginx answers such a POST 502 without CORS headers, which Chromium reports as a CORS refusal.)
    const markerNoise = (line: string) => line === 'Failed to load resource: net::ERR_FAILED' || /\/v1\/(read|typing)' from origin .* blocked by CORS policy/.test(line);
    expect(probe.consoleErrors.filter((line) => lostMarkers === 0 || !markerNoise(line))).toEqual(['Failed to load resource: net::ERR_INCOMPLETE_CHUNKED_ENCODING']);
    expect(probe.pageErrors).toEqual([]);
  }, 60_000);
});

describe('an instance drained with SIGTERM (SPEC §8: it ends its streams so the widgets reconnect elsewhere)', () => {
  it('the visitor sees nothing but a short pause: the stream moves to the other instance, no notice, no console error', async () => {
    const d = await deploy();
    const { page, probe, uuid } = await visitSignedIn(d);
    await sendAsVisitor(page, 'before the deploy');
    const id = await conversationOf(d.instances[0], uuid);
    await reply(d.instances[1], id, 'reply 1');
    await expect.poll(() => bodies(page), { timeout: UI_TIMEOUT_MS }).toEqual(['before the deploy', 'reply 1']);
    await recordNotices(page);

    const { holder: drained, other: survivor } = await streamHolder(d.instances);
    const streams = (): number => probe.requests.filter((r) => new URL(r.url).pathname === `${BASE_PATH}/v1/stream`).length;
    const streamsBefore = streams();
    // A clean exit: drain ended the stream, the server closed, the engine let go of Redis.
    expect(await drained.terminate()).toEqual({ code: 0, signal: null });
    await reply(survivor, id, 'during the deploy');
    const expected = ['before the deploy', 'reply 1', 'during the deploy'];
    await expect.poll(() => bodies(page), { timeout: UI_TIMEOUT_MS }).toEqual(expected);
    await expect.poll(() => survivor.openStreams(), { timeout: UI_TIMEOUT_MS, message: 'the stream moved to the survivor' }).toBe(1);
    const reconnects = streams() - streamsBefore;

    await sendAsVisitor(page, 'after the deploy');
    await expect.poll(async () => (await history(survivor, id, d.agentToken)).map((m) => m.body), { timeout: UI_TIMEOUT_MS }).toContain('after the deploy');
    await reply(survivor, id, 'answer after the deploy');
    expected.push('after the deploy', 'answer after the deploy');
    await expect.poll(() => bodies(page), { timeout: UI_TIMEOUT_MS }).toEqual(expected);
    expect(await occurrences(page)).toEqual(once(expected));
    await allSent(page);
    const messages = await history(survivor, id, d.agentToken);
    expect(messages.map((m) => m.body)).toEqual(expected);
    expect(messages.map((m) => m.seq)).toEqual(expected.map((_, i) => i + 1));

    // A short pause, not an outage: the widget's first attempt reached the survivor (counted, not timed:
    // each further backoff step would be another stream request).
    expect(reconnects).toBe(1);
    // Nothing for the visitor to see: no notice at any moment (not even a flash of "Connection lost"), and a quiet console.
    expect.soft(await noticesSeen(page)).toEqual([]);
    expect.soft(probe.consoleErrors).toEqual([]);
    expect.soft(probe.failedRequests).toEqual([]);
    expect.soft(probe.pageErrors).toEqual([]);
  }, 60_000);
});
