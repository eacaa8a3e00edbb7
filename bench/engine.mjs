/**
 * The Redis engine against the memory engine (issue 8, "Speed, measured"),
 * in one run, on a redis-server this benchmark starts itself (bench/redis-server.mjs:
 * a free 127.0.0.1 port, no persistence, killed at the end or on error).
 *
 *   node bench/engine.mjs      (after `npm run build`: imports ../dist/server.js and ../dist/redis.js)
 *   BENCH_ENGINE_ROUNDS=5 BENCH_ENGINE_ROUND_MS=1500 BENCH_ENGINE_STREAMS=100 BENCH_ENGINE_RATE=1000
 *   BENCH_ENGINE_FANOUT_MS=5000 BENCH_ENGINE_HEAP_STREAMS=1000 node bench/engine.mjs
 *
 * 1. Throughput: registrations, visitor messages and agent replies per second,
 *    calling the web handler directly with Request objects (no HTTP, no
 *    adapter), 32 requests in flight, a verifier double (no crypto) and every
 *    rate limit off, so the engine is what differs. Memory and Redis rounds
 *    alternate; each figure is the median of its rounds. "node CPU µs/op" is
 *    this process's process.cpuUsage() delta over the round ÷ answers;
 *    "redis CPU µs/op" is redis-server's own (/proc/<pid>/stat), so the sum is
 *    what one operation costs the machine.
 * 2. Fan-out latency across two instances: handlers A and B, each with its own
 *    Redis engine (own connections) on the same Redis. A runs in this thread
 *    with N visitor streams open on it (each Response body read as a web
 *    stream here, `event: message` blocks parsed); B runs in a worker thread
 *    (its own event loop, as a second instance would have) and posts agent
 *    replies at a fixed rate, round-robin over the N conversations, each
 *    carrying its send time (process.hrtime: CLOCK_MONOTONIC, the same clock in
 *    every thread) in its body; latency = receive time − send time. Baseline:
 *    the memory engine, one handler doing both in this thread. Also shown: the
 *    Redis pair with A and B in this one event loop. The first 500 ms of each
 *    round are not counted; a sender with 512 replies in flight skips (counted).
  * 3. Node CPU per agent reply: from 1. (the reply alone) and from 2. (the reply
 *    plus its delivery to an open stream, with this process's SSE parsing and
 *    the sender's 1 ms pacing timer included: an upper bound). Through the web
 *    handler directly, so no node:http cost is included.
 * 4. Heap per open visitor stream: the server runs in a child `node --expose-gc`
 *    (so client-side memory is not counted): a real node:http server with
 *    toNodeListener(handler), K streams opened by node:http clients (agent: false,
 *    one socket each); heapUsed after gc() with the streams open minus before
 *    (sessions registered before the "before"), ÷ K. The bare baseline is a
 *    node:http server writing the same SSE headers, an `: open` comment and a
 *    20 s heartbeat timer per stream.
 *
 * These machines are shared and noisy (2 cores, a load average often above 4):
 * read the ratios, measured side by side in the same minutes, more than the
 * absolute numbers.
 */
import { fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer, request as httpRequest } from 'node:http';
import { availableParallelism, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { startRedis } from './redis-server.mjs';

const SERVER_MODULE = new URL('../dist/server.js', import.meta.url).href;
const REDIS_MODULE = new URL('../dist/redis.js', import.meta.url).href;
const NODE_MODULE = new URL('../dist/node.js', import.meta.url).href;
const ORIGIN = 'https://shop.test';
const BASE = 'http://chat.test';
const AGENT_TOKEN = 'bench-agent-token-0123456789abcdef0123456789';
const UNLIMITED = {
  messagesPerMinutePerSession: Infinity,
  messagesPerMinutePerConversation: Infinity,
  messagesPerMinutePerAddress: Infinity,
  registrationsPerMinutePerAddress: Infinity,
  registrationsPerMinutePerSession: Infinity,
  pageChangesPerMinutePerSession: Infinity,
  maxStreamsPerAddress: Infinity,
};

const env = (name, fallback) => Number(process.env[name] ?? fallback);
export const ROUNDS = env('BENCH_ENGINE_ROUNDS', 5);
export const ROUND_MS = env('BENCH_ENGINE_ROUND_MS', 1500);
export const CONCURRENCY = env('BENCH_ENGINE_CONCURRENCY', 32);
const FANOUT_STREAMS = env('BENCH_ENGINE_STREAMS', 100);
const FANOUT_RATE = env('BENCH_ENGINE_RATE', 1000);
const FANOUT_MS = env('BENCH_ENGINE_FANOUT_MS', 5000);
const FANOUT_ROUNDS = env('BENCH_ENGINE_FANOUT_ROUNDS', 2);
const FANOUT_WARMUP_MS = 500;
const HEAP_STREAMS = env('BENCH_ENGINE_HEAP_STREAMS', 1000);
export const WARMUP_MS = env('BENCH_ENGINE_WARMUP_MS', 1000);

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const automatedUuid = () => randomBytes(18).toString('base64url');
let clientIds = 0;
const nextClientId = () => `bench_${(++clientIds).toString(36).padStart(10, '0')}`;

/** The test suite's verifierDouble, minus the bookkeeping: no crypto, so the engine is what is measured. */
function verifierDouble() {
  return {
    policy: { mode: 'accept', minTokenLifetime: 0, clockTolerance: 0 },
    async verify(input) {
      const uuid = typeof input.automatedUuid === 'string' ? input.automatedUuid : automatedUuid();
      return { uuid, uuidSource: 'automated', signed: false, fields: {}, customFields: { crm_id: 'CRM-1' }, extraValues: { plan: 'gold' }, warnings: [] };
    },
  };
}

/** Warnings the handler logs (there should be none): counted, the first few shown at the end. */
const warnings = [];
/** What is being measured right now, to say where a warning came from. */
let phase = 'setup';
const logger = { warn: (message) => warnings.push(`[${phase}] ${message}`) };

export async function loadChatq() {
  const [server, redis, node] = await Promise.all([import(SERVER_MODULE), import(REDIS_MODULE), import(NODE_MODULE)]);
  return { ...server, createRedisEngine: redis.createRedisEngine, toNodeListener: node.toNodeListener };
}

let addresses = 0;
const nextAddress = () => {
  const n = addresses++;
  return `10.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
};

export function makeHandler(chatq, engine, limits = UNLIMITED) {
  return chatq.createMessagingHandler({
    verifier: verifierDouble(),
    allowedOrigins: [ORIGIN],
    agentToken: AGENT_TOKEN,
    engine,
    limits,
    // Each request from an address of its own: visitors have theirs, and the per-address quotas
    // (100 conversations an address) are not what these benches measure.
    clientAddress: () => nextAddress(),
    logger,
  });
}

export function visitorRequest(path, { session, body, method } = {}) {
  const headers = { Origin: ORIGIN };
  if (session) headers.Authorization = `Bearer ${session}`;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  return new Request(`${BASE}${path}`, { method: method ?? (body === undefined ? 'GET' : 'POST'), headers, body: body === undefined ? undefined : JSON.stringify(body) });
}

export function agentReplyRequest(conversationId, text) {
  return new Request(`${BASE}/agent/v1/conversations/${encodeURIComponent(conversationId)}/messages`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${AGENT_TOKEN}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ body: text, clientId: nextClientId() }),
  });
}

export async function register(handler) {
  const response = await handler(visitorRequest('/v1/identity', { body: { automatedUuid: automatedUuid() } }));
  if (response.status !== 200) throw new Error(`register: ${response.status} ${await response.text()}`);
  return response.json();
}

const cpuUs = () => {
  const { user, system } = process.cpuUsage();
  return user + system;
};

export const median = (values) => {
  const sorted = values.filter((v) => !Number.isNaN(v)).sort((a, b) => a - b);
  return sorted.length === 0 ? NaN : sorted[sorted.length >> 1];
};
const percentile = (sorted, q) => (sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]);

// ================================================================ 1. throughput

/**
 * `concurrency` loops calling `op` until `durationMs` is over; answers/s of
 * wall time, this process's CPU µs per answer and redis-server's.
 */
export async function closedLoop(op, durationMs, redis) {
  let ok = 0;
  let failed = 0;
  let firstFailure;
  const redis0 = redis.cpuMs();
  const cpu0 = cpuUs();
  const start = performance.now();
  const end = start + durationMs;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async (_, worker) => {
      while (performance.now() < end) {
        // Each request starts from the event loop, as one read from a socket would: the memory engine
        // answers in microtasks alone, and without this its rounds would starve timers and I/O for seconds.
        await new Promise((resolve) => setImmediate(resolve));
        try {
          const failure = await op(worker);
          if (failure === undefined) ok++;
          else {
            failed++;
            firstFailure ??= failure;
          }
        } catch (error) {
          failed++;
          firstFailure ??= String(error);
        }
      }
    }),
  );
  const wallMs = performance.now() - start;
  return {
    perSec: (ok * 1000) / wallMs,
    nodeUs: (cpuUs() - cpu0) / Math.max(1, ok + failed),
    redisUs: ((redis.cpuMs() - redis0) * 1000) / Math.max(1, ok + failed),
    failed,
    firstFailure,
  };
}

const expect = async (response, status) => (response.status === status ? undefined : `${response.status} ${(await response.text()).slice(0, 200)}`);

/** One scenario's state on one engine: the handler and what its op needs, made before any round. */
export async function prepareScenario(chatq, scenario, engine, limits = UNLIMITED) {
  const handler = makeHandler(chatq, engine, limits);
  const first = await register(handler); // connected before anything runs concurrently
  const visitors = scenario === 'register' ? [] : [first, ...(await Promise.all(Array.from({ length: CONCURRENCY - 1 }, () => register(handler))))];
  const ops = {
    register: async () => {
      const response = await handler(visitorRequest('/v1/identity', { body: { automatedUuid: automatedUuid() } }));
      return expect(response, 200);
    },
    message: async (worker) => {
      const response = await handler(visitorRequest('/v1/messages', { session: visitors[worker].session, body: { clientId: nextClientId(), body: 'a visitor message' } }));
      return expect(response, 201);
    },
    reply: async (worker) => expect(await handler(agentReplyRequest(visitors[worker].conversationId, 'an agent reply')), 201),
  };
  return { handler, op: ops[scenario] };
}

export async function throughput(chatq, redis) {
  const scenarios = [
    ['register', 'registrations/s (POST /v1/identity)'],
    ['message', 'visitor messages/s (POST /v1/messages)'],
    ['reply', 'agent replies/s (POST /agent/v1/…/messages, no stream open)'],
  ];
  const rows = [];
  const cleanups = [];
  try {
    for (const [scenario, label] of scenarios) {
      phase = `throughput ${scenario}`;
      const memory = await prepareScenario(chatq, scenario, chatq.createMemoryEngine());
      const redisEngine = chatq.createRedisEngine({ url: redis.url }, { keyPrefix: `bench-${scenario}:` });
      cleanups.push(() => redisEngine.close());
      const onRedis = await prepareScenario(chatq, scenario, redisEngine);
      cleanups.push(() => memory.handler.close(), () => onRedis.handler.close());
      const contenders = [
        ['memory', memory.op],
        ['redis', onRedis.op],
      ];
      // A warm-up each (JIT: the first seconds of the Redis path cost 2–3× the CPU of later ones), not counted.
      for (const [, op] of contenders) await closedLoop(op, WARMUP_MS, redis);
      const samples = { memory: [], redis: [] };
      for (let round = 0; round < ROUNDS; round++) {
        const order = round % 2 ? [...contenders].reverse() : contenders;
        for (const [name, op] of order) samples[name].push(await closedLoop(op, ROUND_MS, redis));
      }
      const summary = (list) => ({
        perSec: median(list.map((s) => s.perSec)),
        nodeUs: median(list.map((s) => s.nodeUs)),
        redisUs: median(list.map((s) => s.redisUs)),
        failed: list.reduce((sum, s) => sum + s.failed, 0),
        firstFailure: list.find((s) => s.firstFailure)?.firstFailure,
      });
      rows.push({ scenario, label, memory: summary(samples.memory), redis: summary(samples.redis) });
    }
  } finally {
    await sleep(100); // the last publishes leave before the engines close
    for (const cleanup of cleanups.reverse()) await cleanup();
  }
  return rows;
}

// ================================================================== 2. fan-out

/** Reads an SSE Response body; calls onMessage(message) for every `event: message` block. */
export function readSse(response, onMessage) {
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  let resolveOpen;
  const opened = new Promise((resolve) => (resolveOpen = resolve));
  const done = (async () => {
    try {
      for (;;) {
        const { value, done: finished } = await reader.read();
        if (finished) return;
        buffer += decoder.decode(value, { stream: true });
        let end;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          if (block.startsWith(': open')) resolveOpen();
          if (!block.includes('event: message')) continue;
          const data = block.split('\n').find((line) => line.startsWith('data: '));
          if (data) onMessage(JSON.parse(data.slice(6)).message);
        }
      }
    } catch {
      // cancelled
    } finally {
      resolveOpen();
    }
  })();
  return { opened, done, cancel: () => reader.cancel().catch(() => {}) };
}

/** Monotonic milliseconds, comparable between threads and processes of this machine (CLOCK_MONOTONIC). */
export const clockMs = () => Number(process.hrtime.bigint()) / 1e6;

/**
 * Agent replies through `handler` at FANOUT_RATE for FANOUT_MS, round-robin
 * over `conversationIds`, each body `t=<clockMs()>`. At most 512 in flight
 * (beyond that a reply is skipped and counted: the instance cannot keep up).
 */
async function pacedReplies(handler, conversationIds) {
  let sent = 0;
  let skipped = 0;
  let failed = 0;
  let firstFailure;
  let inFlight = 0;
  const elu0 = performance.eventLoopUtilization();
  const send = async (conversationId) => {
    inFlight++;
    try {
      const response = await handler(agentReplyRequest(conversationId, `t=${clockMs()}`));
      if (response.status !== 201) {
        failed++;
        firstFailure ??= `${response.status} ${(await response.text()).slice(0, 200)}`;
      }
    } catch (error) {
      failed++;
      firstFailure ??= String(error);
    } finally {
      inFlight--;
    }
  };
  const startAt = clockMs();
  const start = performance.now();
  for (;;) {
    const elapsed = performance.now() - start;
    if (elapsed >= FANOUT_MS) break;
    const due = Math.floor((elapsed * FANOUT_RATE) / 1000);
    while (sent + skipped < due) {
      if (inFlight >= 512) {
        skipped++;
      } else {
        void send(conversationIds[(sent + skipped) % conversationIds.length]);
        sent++;
      }
    }
    await sleep(1);
  }
  const sendMs = performance.now() - start;
  const drainUntil = performance.now() + 5000;
  while (inFlight > 0 && performance.now() < drainUntil) await sleep(2);
  return { sent, skipped, failed, firstFailure, startAt, rate: (sent * 1000) / sendMs, elu: performance.eventLoopUtilization(elu0).utilization };
}

/**
 * Instance B in a worker thread: its own event loop and Redis engine, kept for
 * every round (warm: JIT, script cache, connections). Messages: `warm`
 * (closed-loop replies for a while), `round` (pacedReplies), `stop`.
 */
async function fanOutWorker({ redisUrl, keyPrefix }) {
  const chatq = await loadChatq();
  const engine = chatq.createRedisEngine({ url: redisUrl }, { keyPrefix });
  const handler = makeHandler(chatq, engine);
  parentPort.on('message', async (message) => {
    if (message.type === 'warm') {
      phase = 'fan-out warm-up';
      const end = performance.now() + message.ms;
      const ids = message.conversationIds;
      await handler(agentReplyRequest(ids[0], `t=${clockMs()}`)); // connected before anything runs concurrently
      await Promise.all(ids.map(async (id) => {
        while (performance.now() < end) await handler(agentReplyRequest(id, `t=${clockMs()}`));
      }));
      parentPort.postMessage({ warmed: true });
    } else if (message.type === 'round') {
      phase = 'fan-out redis';
      const result = await pacedReplies(handler, message.conversationIds);
      parentPort.postMessage({ ...result, warnings: warnings.splice(0) });
    } else if (message.type === 'stop') {
      await sleep(100); // the last publishes leave before the engine closes
      handler.close();
      await engine.close();
      parentPort.close();
    }
  });
  parentPort.postMessage({ ready: true });
}

/** Starts instance B; resolves to { ask(message) → its answer, stop() }. */
async function startWorkerB(redisUrl, keyPrefix) {
  const worker = new Worker(new URL(import.meta.url), { workerData: { role: 'fanout-b', redisUrl, keyPrefix } });
  liveWorkers.add(worker);
  const exited = new Promise((resolve) => worker.once('exit', resolve)).then(() => liveWorkers.delete(worker));
  const next = () =>
    new Promise((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    });
  await next(); // ready
  return {
    async ask(message) {
      const answer = next();
      worker.postMessage(message);
      const result = await answer;
      for (const warning of result.warnings ?? []) warnings.push(`(instance B) ${warning}`);
      return result;
    },
    async stop() {
      worker.postMessage({ type: 'stop' });
      const timer = setTimeout(() => void worker.terminate(), 5000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/**
 * FANOUT_STREAMS visitor streams on `streamsOn`; replies at FANOUT_RATE for
 * FANOUT_MS, sent through `repliesThrough` in this thread or, given
 * `workerB`, by instance B in its worker thread. Returns the latencies (ms)
 * of the replies sent after the warm-up, and what it cost.
 */
async function fanOutRound(streamsOn, { repliesThrough, workerB }, redis) {
  const visitors = [await register(streamsOn)];
  for (let i = 1; i < FANOUT_STREAMS; i += 20) {
    visitors.push(...(await Promise.all(Array.from({ length: Math.min(20, FANOUT_STREAMS - i) }, () => register(streamsOn)))));
  }
  let received = 0;
  const deliveries = []; // [sentAt, latency]
  const streams = [];
  for (const visitor of visitors) {
    const response = await streamsOn(visitorRequest('/v1/stream', { session: visitor.session }));
    if (response.status !== 200) throw new Error(`stream: ${response.status} ${await response.text()}`);
    streams.push(
      readSse(response, (message) => {
        const now = clockMs();
        received++;
        const sentAt = Number(message.body.slice(2));
        deliveries.push([sentAt, now - sentAt]);
      }),
    );
  }
  await Promise.all(streams.map((s) => s.opened));
  const conversationIds = visitors.map((v) => v.conversationId);
  await sleep(300); // every bus subscription is live (a Redis SUBSCRIBE round trip)
  received = 0;
  deliveries.length = 0;

  const cpu0 = cpuUs();
  const redis0 = redis.cpuMs();
  const elu0 = performance.eventLoopUtilization();
  const result = workerB ? await workerB.ask({ type: 'round', conversationIds }) : await pacedReplies(repliesThrough, conversationIds);
  const drainUntil = performance.now() + 5000;
  while (received < result.sent - result.failed && performance.now() < drainUntil) await sleep(5);
  const cpu = cpuUs() - cpu0;
  const redisCpu = (redis.cpuMs() - redis0) * 1000;
  const eluA = performance.eventLoopUtilization(elu0).utilization;
  for (const stream of streams) await stream.cancel();
  const measuredFrom = result.startAt + FANOUT_WARMUP_MS;
  return {
    ...result,
    latencies: deliveries.filter(([sentAt]) => sentAt >= measuredFrom).map(([, latency]) => latency),
    received,
    eluA,
    eluB: workerB ? result.elu : eluA,
    nodeUs: cpu / Math.max(1, received),
    redisUs: redisCpu / Math.max(1, received),
  };
}

export async function fanOut(chatq, redis) {
  const memoryEngine = chatq.createMemoryEngine();
  const memory = makeHandler(chatq, memoryEngine);
  const engineA = chatq.createRedisEngine({ url: redis.url }, { keyPrefix: 'bench-fanout:' });
  const engineB = chatq.createRedisEngine({ url: redis.url }, { keyPrefix: 'bench-fanout:' });
  const a = makeHandler(chatq, engineA);
  const b = makeHandler(chatq, engineB);
  const workerB = await startWorkerB(redis.url, 'bench-fanout:');
  // Warm instance B (its thread starts cold: JIT) with a few seconds of replies to a few conversations of A.
  const warmVisitors = [await register(a), ...(await Promise.all(Array.from({ length: 15 }, () => register(a))))];
  await workerB.ask({ type: 'warm', ms: 4 * WARMUP_MS, conversationIds: warmVisitors.map((v) => v.conversationId) });
  const contenders = [
    ['memory', () => fanOutRound(memory, { repliesThrough: memory }, redis)],
    ['redis', () => fanOutRound(a, { workerB }, redis)],
    ['redisOneLoop', () => fanOutRound(a, { repliesThrough: b }, redis)],
  ];
  const results = Object.fromEntries(contenders.map(([name]) => [name, []]));
  try {
    for (let round = 0; round < FANOUT_ROUNDS; round++) {
      for (const [name, measure] of round % 2 ? [...contenders].reverse() : contenders) {
        phase = `fan-out ${name}`;
        results[name].push(await measure());
      }
    }
  } finally {
    await workerB.stop();
    await sleep(100); // the last publishes leave before the engines close
    for (const handler of [memory, a, b]) handler.close();
    await engineA.close();
    await engineB.close();
  }
  const summary = (rounds) => {
    const all = rounds.flatMap((r) => r.latencies).sort((x, y) => x - y);
    return {
      p50: percentile(all, 0.5),
      p99: percentile(all, 0.99),
      max: all[all.length - 1],
      samples: all.length,
      rate: median(rounds.map((r) => r.rate)),
      nodeUs: median(rounds.map((r) => r.nodeUs)),
      redisUs: median(rounds.map((r) => r.redisUs)),
      eluA: median(rounds.map((r) => r.eluA)),
      eluB: median(rounds.map((r) => r.eluB)),
      lost: rounds.reduce((sum, r) => sum + (r.sent - r.failed - r.received), 0),
      skipped: rounds.reduce((sum, r) => sum + r.skipped, 0),
      failed: rounds.reduce((sum, r) => sum + r.failed, 0),
      firstFailure: rounds.find((r) => r.firstFailure)?.firstFailure,
    };
  };
  return Object.fromEntries(Object.entries(results).map(([name, rounds]) => [name, summary(rounds)]));
}

// ===================================================================== 4. heap

const SSE_HEADERS = { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache', 'X-Accel-Buffering': 'no', 'X-Content-Type-Options': 'nosniff' };

/** The child side: a node:http server (bare SSE, or chatq on the memory or Redis engine) answering heap questions over IPC. */
async function heapServer(kind, redisUrl, sessionsWanted) {
  process.on('disconnect', () => process.exit(0));
  let handler;
  let engine;
  let listener;
  const sessions = [];
  if (kind === 'bare') {
    listener = (_req, res) => {
      res.writeHead(200, SSE_HEADERS);
      res.write(': open\n\n');
      const heartbeat = setInterval(() => res.write(': ping\n\n'), 20_000);
      res.on('close', () => clearInterval(heartbeat));
    };
  } else {
    const chatq = await loadChatq();
    engine = kind === 'redis' ? chatq.createRedisEngine({ url: redisUrl }, { keyPrefix: 'bench-heap:' }) : chatq.createMemoryEngine();
    handler = makeHandler(chatq, engine);
    sessions.push((await register(handler)).session);
    for (let i = 1; i < sessionsWanted; i += 50) {
      const batch = await Promise.all(Array.from({ length: Math.min(50, sessionsWanted - i) }, () => register(handler)));
      sessions.push(...batch.map((v) => v.session));
    }
    listener = chatq.toNodeListener(handler);
  }
  const server = createServer(listener);
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  process.on('message', async (message) => {
    if (message === 'heap') {
      // Settle: let closed sockets finish closing, then collect everything collectable.
      for (let i = 0; i < 3; i++) {
        await sleep(50);
        globalThis.gc();
        await new Promise((resolve) => setImmediate(resolve));
      }
      globalThis.gc();
      process.send({ heapUsed: process.memoryUsage().heapUsed, connections: await new Promise((resolve) => server.getConnections((_, n) => resolve(n))), warnings: warnings.length });
    } else if (message === 'stop') {
      handler?.close();
      server.closeAllConnections();
      server.close();
      await engine?.close();
      process.exit(0);
    }
  });
  process.send({ port: server.address().port, sessions });
}

/** Starts a heap server child; resolves once it listens. */
async function startHeapChild(kind, redisUrl, sessionsWanted) {
  const child = fork(fileURLToPath(import.meta.url), ['--heap-server', kind, redisUrl ?? '', String(sessionsWanted)], {
    execArgv: ['--expose-gc'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  liveChildren.add(child);
  child.once('exit', () => liveChildren.delete(child));
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const first = await new Promise((resolve, reject) => {
    child.once('message', resolve);
    child.once('error', reject);
    exited.then((code) => reject(new Error(`heap server (${kind}) exited with ${code} before listening`)));
  });
  const ask = () =>
    new Promise((resolve, reject) => {
      child.once('message', resolve);
      exited.then(() => reject(new Error(`heap server (${kind}) exited`)));
      child.send('heap');
    });
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.send('stop');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  };
  return { port: first.port, sessions: first.sessions, ask, stop };
}

/** One node:http client stream (agent: false, its own socket); resolves once its first bytes arrive. */
function openHttpStream(port, session) {
  return new Promise((resolve, reject) => {
    const headers = { Origin: ORIGIN, Accept: 'text/event-stream' };
    if (session) headers.Authorization = `Bearer ${session}`;
    const req = httpRequest({ host: '127.0.0.1', port, path: '/v1/stream', agent: false, headers }, (res) => {
      if (res.statusCode !== 200) {
        res.resume();
        reject(new Error(`stream answered ${res.statusCode}`));
        return;
      }
      res.on('error', () => {});
      res.once('data', () => resolve({ close: () => req.destroy() }));
    });
    req.on('error', (error) => reject(error));
    req.end();
  });
}

async function openMany(port, sessions, count) {
  const open = [];
  for (let i = 0; i < count; i += 50) {
    open.push(...(await Promise.all(Array.from({ length: Math.min(50, count - i) }, (_, k) => openHttpStream(port, sessions?.[i + k])))));
  }
  return open;
}

export async function heapPerStream(kind, redisUrl) {
  const warmup = 50;
  const server = await startHeapChild(kind, redisUrl, kind === 'bare' ? 0 : HEAP_STREAMS + warmup);
  try {
    const sessions = kind === 'bare' ? undefined : server.sessions;
    // Warm-up: open and close a few streams first (JIT, lazy module state), not counted.
    const warm = await openMany(server.port, sessions?.slice(HEAP_STREAMS), warmup);
    for (const stream of warm) stream.close();
    await sleep(200);
    const before = await server.ask();
    const open = await openMany(server.port, sessions, HEAP_STREAMS);
    await sleep(200);
    const after = await server.ask();
    for (const stream of open) stream.close();
    return { kb: (after.heapUsed - before.heapUsed) / HEAP_STREAMS / 1024, connections: after.connections - before.connections };
  } finally {
    await server.stop();
  }
}

// ====================================================================== run

const liveChildren = new Set();
const liveWorkers = new Set();
process.on('exit', () => {
  for (const child of liveChildren) child.kill('SIGKILL');
});

export const fmt = (n, digits = 0) => (Number.isFinite(n) ? n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits }) : '—');
const pct = (x) => (Number.isFinite(x) ? `${Math.round(x * 100)} %` : '—');
export const ratio = (a, b) => (Number.isFinite(a) && Number.isFinite(b) && b !== 0 ? `${(a / b).toFixed(2)}×` : '—');

export function table(header, rows) {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells) => `| ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(' | ')} |`;
  return [line(header), `|${widths.map((w, i) => (i === 0 ? '-'.repeat(w + 2) : `${'-'.repeat(w + 1)}:`)).join('|')}|`, ...rows.map(line)].join('\n');
}

export async function run(options = {}) {
  const log = options.log ?? console.log;
  const started = performance.now();
  const redis = await startRedis();
  try {
    const chatq = await loadChatq();
    log(`redis-server pid ${redis.pid} on ${redis.url} (no persistence); node ${process.version}, ${availableParallelism()} CPUs, load average ${loadavg().map((l) => l.toFixed(1)).join(' ')} at the start`);

    const rows = await throughput(chatq, redis);
    phase = 'fan-out';
    const fan = await fanOut(chatq, redis);
    phase = 'heap';
    const heap = {};
    for (const kind of ['bare', 'memory', 'redis']) heap[kind] = await heapPerStream(kind, redis.url);

    const lines = [];
    for (const row of rows) lines.push([row.label, fmt(row.memory.perSec), fmt(row.redis.perSec), ratio(row.redis.perSec, row.memory.perSec), '≥ 0.50×']);
    for (const row of rows) {
      lines.push([`  node CPU µs per ${row.scenario}`, fmt(row.memory.nodeUs), fmt(row.redis.nodeUs), ratio(row.redis.nodeUs, row.memory.nodeUs), row.scenario === 'reply' ? '≤ 150 µs' : '']);
    }
    for (const row of rows) lines.push([`  redis-server CPU µs per ${row.scenario}`, '—', fmt(row.redis.redisUs), '', '']);
    const { memory: fm, redis: fr, redisOneLoop: f1 } = fan;
    lines.push([`fan-out p50 ms (${FANOUT_STREAMS} streams on A, ${FANOUT_RATE} replies/s via B)`, fmt(fm.p50, 1), fmt(fr.p50, 1), ratio(fr.p50, fm.p50), '']);
    lines.push(['fan-out p99 ms', fmt(fm.p99, 1), fmt(fr.p99, 1), ratio(fr.p99, fm.p99), '≤ 50 ms']);
    lines.push(['fan-out max ms', fmt(fm.max, 1), fmt(fr.max, 1), '', '']);
    lines.push(['  replies/s achieved', fmt(fm.rate), fmt(fr.rate), '', '']);
    lines.push(['  event loop busy, A / B', `${pct(fm.eluA)}`, `${pct(fr.eluA)} / ${pct(fr.eluB)}`, '', '']);
    lines.push(['  node CPU µs per reply incl. delivery', fmt(fm.nodeUs), fmt(fr.nodeUs), ratio(fr.nodeUs, fm.nodeUs), '≤ 150 µs']);
    lines.push(['  redis-server CPU µs per reply incl. delivery', '—', fmt(fr.redisUs), '', '']);
    lines.push(['fan-out, A and B in ONE event loop: p50 / p99 ms', '', `${fmt(f1.p50, 1)} / ${fmt(f1.p99, 1)}`, '', '']);
    lines.push(['  replies/s achieved, event loop busy, node µs/reply', '', `${fmt(f1.rate)}, ${pct(f1.eluA)}, ${fmt(f1.nodeUs)}`, '', '']);
    lines.push([`heap KB per open stream (bare node:http SSE: ${fmt(heap.bare.kb, 1)})`, fmt(heap.memory.kb, 1), fmt(heap.redis.kb, 1), ratio(heap.redis.kb, heap.memory.kb), '']);
    lines.push(['  ÷ bare node:http SSE', ratio(heap.memory.kb, heap.bare.kb), ratio(heap.redis.kb, heap.bare.kb), '', '≤ 2.00×']);

    log(table(['engine benchmark', 'memory', 'redis', 'redis÷memory', 'aim'], lines));
    log(
      `\n1. The web handler called directly with Request objects (no HTTP, no adapter), ${CONCURRENCY} in flight, verifier double, rate limits off; ` +
        `median of ${ROUNDS} alternating ${ROUND_MS} ms rounds. node CPU = process.cpuUsage() of this process, redis-server CPU from /proc, each ÷ answers.` +
        `\n2. Redis: instance A (this thread: ${FANOUT_STREAMS} visitor streams, their Response bodies read and parsed here) and instance B ` +
        `(a worker thread, its own event loop, sending the agent replies), each its own Redis engine and connections, one redis-server. ` +
        `Memory: one handler does both in this thread. ${FANOUT_MS / 1000} s × ${FANOUT_ROUNDS} alternating rounds, the first ${FANOUT_WARMUP_MS} ms of each ` +
        `not counted (${fm.samples} / ${fr.samples} / ${f1.samples} deliveries measured); latency = receive − send, CLOCK_MONOTONIC (process.hrtime). ` +
        `node CPU per reply = the whole process (A, B, senders, SSE parsing) ÷ deliveries.` +
        `\n4. node:http + toNodeListener in a child node --expose-gc; ${HEAP_STREAMS} node:http client streams (agent: false, a socket each) from this process; ` +
        `heapUsed after gc() with them open − before (sessions registered before), ÷ streams ` +
        `(server-side connections seen: bare ${heap.bare.connections}, memory ${heap.memory.connections}, redis ${heap.redis.connections}).`,
    );
    const problems = [];
    for (const row of rows) {
      for (const name of ['memory', 'redis']) {
        if (row[name].failed) problems.push(`${row.scenario} on ${name}: ${row[name].failed} failed (first: ${row[name].firstFailure})`);
      }
    }
    for (const [name, f] of Object.entries(fan)) {
      if (f.failed || f.lost || f.skipped) problems.push(`fan-out on ${name}: ${f.failed} failed, ${f.lost} not delivered within 5 s, ${f.skipped} not sent (512 in flight)${f.firstFailure ? ` (first: ${f.firstFailure})` : ''}`);
    }
    if (warnings.length) {
      const byPhase = new Map();
      for (const warning of warnings) {
        const key = warning.replace(/\s+/g, ' ').slice(0, 160);
        byPhase.set(key, (byPhase.get(key) ?? 0) + 1);
      }
      problems.push(`${warnings.length} handler warnings:${[...byPhase].map(([text, n]) => `\n    ${n} × ${text}`).join('')}`);
    }
    if (problems.length) log(`\nproblems:\n  ${problems.join('\n  ')}`);
    log(`\nload average ${loadavg().map((l) => l.toFixed(1)).join(' ')} at the end; ${((performance.now() - started) / 1000).toFixed(0)} s in all.`);
    return { rows, fan, heap };
  } finally {
    for (const worker of liveWorkers) await worker.terminate();
    for (const child of liveChildren) child.kill('SIGKILL');
    await redis.stop();
  }
}

if (!isMainThread) {
  if (workerData?.role === 'fanout-b') await fanOutWorker(workerData);
} else if (process.argv[2] === '--heap-server' && import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  await heapServer(process.argv[3], process.argv[4] || undefined, Number(process.argv[5]));
} else if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  run().catch((error) => {
    console.error(error);
    process.exitCode = 1;
  });
}
