/**
 * SPEC §12 "nothing acknowledged is lost": an instance killed with `kill -9`
 * while its events wait in the outbox (the receiver is down), then started
 * again on the same storage, delivers every event, in order per
 * conversation. The instance is a child process running the built handler
 * (dist/) on a real redis-server, and on a SQLite file.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { hardKill, makeTempDir, removeTempDir, spawnTracked, startRedis, stopProcess, type RedisInstance, type Spawned } from '../../helpers/redis.js';
import { newSecret, startReceiver, type Receiver } from '../../helpers/webhook-receiver.js';
import { agentSays, registerVisitor, seen, until, visitorSays, type Visitor } from './chat.js';

const INSTANCE = fileURLToPath(new URL('./instance.mjs', import.meta.url));

let redis: RedisInstance;
let dir: string;
beforeAll(async () => {
  [redis, dir] = await Promise.all([startRedis(), makeTempDir('chatq-outbox-')]);
}, 60_000);
afterAll(async () => {
  await redis?.stop();
  await removeTempDir(dir);
});

const running: Spawned[] = [];
let hook: Receiver | undefined;
afterEach(async () => {
  for (const instance of running.splice(0)) await stopProcess(instance);
  await hook?.close();
});

/** Starts an instance and waits for its port; its output says why when it does not come up. */
async function instance(args: string[]): Promise<{ url: string; process: Spawned }> {
  const started = await spawnTracked(process.execPath, [INSTANCE, ...args], dir, 'nodejs');
  running.push(started);
  await until(() => expect(started.output()).toMatch(/listening \d+/), 30_000);
  return { url: `http://127.0.0.1:${/listening (\d+)/.exec(started.output())![1]}`, process: started };
}

async function killedWithEventsInTheOutbox(args: string[], receiver: Receiver): Promise<void> {
  receiver.answer = () => 503; // down
  const first = await instance(args);
  const visitors: Visitor[] = [];
  for (let i = 0; i < 3; i++) {
    const visitor = await registerVisitor(first.url);
    visitors.push(visitor);
    expect(await visitorSays(first.url, visitor, 'hello?')).toBe(201);
    expect(await agentSays(first.url, visitor.conversationId, 'hi!')).toBe(201);
    expect(await visitorSays(first.url, visitor, 'my order is late')).toBe(201);
  }
  // The sender has tried (and parked what failed): then the process dies without a word.
  await until(() => expect(receiver.hits).toBeGreaterThan(0));
  await hardKill(first.process);
  expect(receiver.received).toEqual([]);

  receiver.answer = () => 204; // back
  const second = await instance(args);
  const expected = ['conversation.created 0', 'message.created 1', 'message.created 2', 'message.created 3'];
  // Redis: the dead instance's lease lapses (15 s); then the first retry is due (~5 s after its failure).
  await until(() => {
    for (const visitor of visitors) expect(seen(receiver.received, visitor.conversationId)).toEqual(expected);
  }, 90_000);
  expect(receiver.refused).toBe(0);
  expect(second.process.isRunning()).toBe(true);
}

describe('kill -9 with events in the outbox, then a restart', () => {
  it('redis: nothing is lost', async () => {
    const secret = newSecret();
    hook = await startReceiver(secret);
    const prefix = `t${Math.random().toString(36).slice(2)}:`;
    await killedWithEventsInTheOutbox(['redis', redis.url, prefix, hook.url, secret], hook);
  }, 150_000);

  it('sqlite: nothing is lost', async () => {
    const secret = newSecret();
    hook = await startReceiver(secret);
    await killedWithEventsInTheOutbox(['sqlite', join(dir, `chatq-${Math.random().toString(36).slice(2)}.db`), '-', hook.url, secret], hook);
  }, 150_000);
});
