/**
 * SPEC §12 delivery, against a real HTTP receiver that verifies every request
 * with the `standardwebhooks` package: at least once, in order per
 * conversation, backoff, 410, no redirects, a hanging receiver cut, the
 * unanswered event, the 24 h cut and one sender per outbox.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { VerifiedIdentity } from '../../../src/identity/index.js';
import { createMemoryStore } from '../../../src/server/store/memory.js';
import type { ConversationStore } from '../../../src/server/store/types.js';
import { checkWebhooks } from '../../../src/server/webhooks/config.js';
import { MemoryOutbox } from '../../../src/server/webhooks/memory-outbox.js';
import { WebhookWorker, type WebhookWorkerOptions } from '../../../src/server/webhooks/worker.js';
import { newSecret, startReceiver, type Receiver } from '../../helpers/webhook-receiver.js';

const COMMUNITY = 'shop';
const identity = (uuid: string): VerifiedIdentity => ({
  uuid,
  uuidSource: 'jwt',
  signed: true,
  kid: 'k1',
  fields: { email: `${uuid}@example.com` },
  customFields: { plan: 'pro' },
  extraValues: {},
  warnings: [],
});

let clock: { now: number };
let store: ConversationStore;
let outbox: MemoryOutbox;
let receivers: Receiver[];
let workers: WebhookWorker[];
let logs: string[];

beforeEach(() => {
  clock = { now: Date.now() };
  store = createMemoryStore();
  outbox = new MemoryOutbox(() => clock.now);
  outbox.enable(COMMUNITY);
  receivers = [];
  workers = [];
  logs = [];
});

afterEach(async () => {
  await Promise.all(workers.map((worker) => worker.close()));
  await Promise.all(receivers.map((receiver) => receiver.close()));
});

async function receiver(secret = newSecret()): Promise<Receiver & { secret: string }> {
  const started = await startReceiver(secret);
  receivers.push(started);
  return Object.assign(started, { secret });
}

function worker(endpoints: { url: string; secret: string | string[]; events?: string[] }[], options: Partial<WebhookWorkerOptions> = {}): WebhookWorker {
  const started = new WebhookWorker({
    community: COMMUNITY,
    store,
    outbox,
    endpoints: checkWebhooks(endpoints),
    unansweredAfterMs: 300_000,
    logger: { warn: (line) => logs.push(line) },
    now: () => clock.now,
    tickMs: 3_600_000,
    ...options,
  });
  workers.push(started);
  return started;
}

async function conversation(uuid: string): Promise<string> {
  const record = await store.upsertConversation(COMMUNITY, `signed:${uuid}`, identity(uuid), clock.now);
  outbox.record(COMMUNITY, { type: 'conversation.created', conversationId: record.id, seq: 0, at: clock.now });
  return record.id;
}

async function say(conversationId: string, author: 'visitor' | 'agent', body: string): Promise<number> {
  const appended = await store.appendMessage(conversationId, { author, body, createdAt: clock.now });
  const seq = appended!.message.seq;
  outbox.record(COMMUNITY, { type: 'message.created', conversationId, seq, at: clock.now, author });
  return seq;
}

/** Passes until `done` holds, moving the clock past each backoff; bounded. */
async function deliverUntil(run: WebhookWorker, done: () => boolean, stepMs = 6_000, passes = 40): Promise<void> {
  for (let i = 0; i < passes && !done(); i++) {
    await run.drain();
    clock.now += stepMs;
  }
}

/** The first delivery of each webhook-id, in arrival order: what an idempotent receiver keeps. */
function firstOfEach(events: Receiver['received']): Receiver['received'] {
  const seen = new Set<string>();
  return events.filter((event) => (seen.has(event.id) ? false : (seen.add(event.id), true)));
}

describe('at least once, in order per conversation', () => {
  it('a receiver failing its first deliveries still gets every event, verified, each conversation in order', async () => {
    const hooks = await receiver();
    let failing = 6;
    hooks.answer = () => (failing-- > 0 ? 500 : 204);
    const run = worker([{ url: hooks.url, secret: hooks.secret, events: ['conversation.created', 'message.created'] }]);
    const ids = [await conversation('alice'), await conversation('bob'), await conversation('carol')];
    for (let round = 1; round <= 5; round++) for (const id of ids) await say(id, round % 2 ? 'visitor' : 'agent', `message ${round}`);

    await deliverUntil(run, () => firstOfEach(hooks.received).length === 18, 400_000);

    const kept = firstOfEach(hooks.received);
    expect(kept).toHaveLength(18);
    expect(hooks.refused).toBe(0);
    for (const id of ids) {
      const events = kept.filter((event) => event.data.conversationId === id);
      expect(events.map((event) => event.type)).toEqual(['conversation.created', ...Array(5).fill('message.created')]);
      expect(events.slice(1).map((event) => event.data.seq)).toEqual([1, 2, 3, 4, 5]);
      expect(events[1]!.data.message).toMatchObject({ body: 'message 1', author: 'visitor' });
      expect(events[0]!.data).toMatchObject({ community: COMMUNITY, identity: { uuid: expect.any(String), signed: true, kid: 'k1', customFields: { plan: 'pro' } } });
    }
    expect(logs.some((line) => /deliveries failed \(HTTP 500\); retrying with backoff/.test(line))).toBe(true);
    // The URL's query (a token, often) never reaches the log.
    expect(logs.join('\n')).not.toContain('not-logged');
  });

  it('a retry carries the same webhook-id, so a receiver can drop duplicates', async () => {
    const hooks = await receiver();
    let calls = 0;
    const ids: string[] = [];
    hooks.answer = (event) => (ids.push(event.id), calls++ === 0 ? 503 : 204);
    const run = worker([{ url: hooks.url, secret: hooks.secret, events: ['message.created'] }]);
    await say(await conversation('dan'), 'visitor', 'hello');
    await deliverUntil(run, () => hooks.received.length === 1);
    expect(ids).toHaveLength(2);
    expect(ids[0]).toBe(ids[1]);
  });

  it('signs with every secret during a rotation: receivers on the old and the new secret both verify', async () => {
    const oldHooks = await receiver();
    const newHooks = await receiver();
    const run = worker([
      { url: oldHooks.url, secret: [oldHooks.secret, newHooks.secret] },
      { url: newHooks.url, secret: [oldHooks.secret, newHooks.secret] },
    ]);
    await say(await conversation('erin'), 'visitor', 'rotating');
    await run.drain();
    expect(oldHooks.received).toHaveLength(2);
    expect(newHooks.received).toHaveLength(2);
    expect(oldHooks.refused + newHooks.refused).toBe(0);
  });
});

describe('receivers that misbehave', () => {
  it('410 Gone disables the endpoint and says so; nothing more is sent to it', async () => {
    const hooks = await receiver();
    hooks.answer = () => 410;
    const run = worker([{ url: hooks.url, secret: hooks.secret }]);
    const id = await conversation('fay');
    await run.drain();
    expect(hooks.hits).toBe(1);
    expect(logs.some((line) => line.includes('answered 410 Gone: it is disabled'))).toBe(true);
    await say(id, 'visitor', 'anyone?');
    clock.now += 3_600_000;
    await run.drain();
    expect(hooks.hits).toBe(1);
  });

  it('a 3xx is not followed and counts as a failure', async () => {
    const hooks = await receiver();
    const elsewhere = await receiver(hooks.secret);
    let redirecting = true;
    hooks.answer = () => (redirecting ? { redirect: elsewhere.url } : 204);
    const run = worker([{ url: hooks.url, secret: hooks.secret }]);
    await conversation('gus');
    await run.drain();
    expect(elsewhere.hits).toBe(0);
    expect(logs.some((line) => line.includes('HTTP 307 (redirects are not followed'))).toBe(true);
    redirecting = false;
    await deliverUntil(run, () => hooks.received.length === 1);
    expect(hooks.received).toHaveLength(1);
  });

  it('a receiver that hangs is cut at the timeout and retried', async () => {
    const hooks = await receiver();
    let hang = true;
    hooks.answer = () => (hang ? 'hang' : 204);
    const run = worker([{ url: hooks.url, secret: hooks.secret }], { timeoutMs: 300 });
    await conversation('hal');
    await run.drain();
    expect(logs.some((line) => line.includes('no answer within 0.3 s'))).toBe(true);
    hang = false;
    await deliverUntil(run, () => hooks.received.length === 1);
    expect(hooks.received).toHaveLength(1);
  });

  it('after 24 h of failures the oldest events are dropped with a count, and the conversation flows again', async () => {
    const hooks = await receiver();
    let down = true;
    hooks.answer = () => (down ? 500 : 204);
    const run = worker([{ url: hooks.url, secret: hooks.secret, events: ['message.created'] }]);
    const id = await conversation('ivy');
    await say(id, 'visitor', 'lost to the outage');
    await say(id, 'visitor', 'also lost');
    await deliverUntil(run, () => logs.some((line) => line.includes('dropped the 2 oldest events')), 3_600_000, 30);
    expect(logs.some((line) => line.includes('dropped the 2 oldest events'))).toBe(true);
    down = false;
    await say(id, 'visitor', 'after the outage');
    await run.drain();
    expect(hooks.received.map((event) => event.data.message?.body)).toEqual(['after the outage']);
  });
});

describe('conversation.unanswered', () => {
  it('fires once when no agent replied within unansweredAfter, and again only after an agent replied', async () => {
    const hooks = await receiver();
    const run = worker([{ url: hooks.url, secret: hooks.secret, events: ['conversation.unanswered'] }], { unansweredAfterMs: 60_000 });
    const waiting = await conversation('jo');
    const answered = await conversation('kim');
    await say(waiting, 'visitor', 'hello?');
    await say(answered, 'visitor', 'hi');
    await run.drain();
    clock.now += 30_000;
    await say(answered, 'agent', 'hi, how can I help?');
    await run.drain();
    expect(hooks.received).toHaveLength(0);

    clock.now += 31_000;
    await run.drain();
    expect(hooks.received.map((event) => event.data.conversationId)).toEqual([waiting]);

    await say(waiting, 'visitor', 'still there?');
    clock.now += 61_000;
    await run.drain();
    expect(hooks.received).toHaveLength(1);

    await say(waiting, 'agent', 'sorry!');
    await say(waiting, 'visitor', 'thanks, one more thing');
    await run.drain();
    clock.now += 61_000;
    await run.drain();
    expect(hooks.received.map((event) => event.type)).toEqual(['conversation.unanswered', 'conversation.unanswered']);
    expect(hooks.received[1]!.data.seq).toBe(4);
  });
});

describe('one sender per outbox', () => {
  it('two workers on one outbox deliver each event once', async () => {
    const hooks = await receiver();
    const endpoints = [{ url: hooks.url, secret: hooks.secret }];
    const first = worker(endpoints);
    const second = worker(endpoints);
    const id = await conversation('lee');
    for (let i = 1; i <= 10; i++) await say(id, 'visitor', `m${i}`);
    await Promise.all([first.drain(), second.drain(), first.drain(), second.drain()]);
    expect(hooks.received).toHaveLength(11);
    expect(new Set(hooks.received.map((event) => event.id)).size).toBe(11);
  });
});
