/**
 * Redis fan-out that grows with instances (issue 22 item 3), on a
 * redis-server this benchmark starts itself (bench/redis-server.mjs).
 *
 *   npm run build && node bench/fanout.mjs
 *   BENCH_FANOUT_BEFORE=/path/to/main/dist node bench/fanout.mjs   (main's build beside this one)
 *   BENCH_FANOUT_STREAMS=200 BENCH_FANOUT_RATE=400 BENCH_FANOUT_MS=4000 BENCH_FANOUT_ROUNDS=2
 *   BENCH_FANOUT_P99_MS=50   (the latency aim each instance count is held to)
 *
 * For 1, 2 and 4 instance processes (each its own Redis engine and
 * connections, forked from this file): STREAMS visitor streams in all,
 * spread evenly, each a conversation of its own, read in the instance
 * (Response bodies, no HTTP). This process is the sender, one more instance
 * with no stream: agent replies at RATE/s, round-robin over every
 * conversation, each carrying its send time (process.hrtime: CLOCK_MONOTONIC,
 * one clock for every process here). Beside them runs one idle instance: a
 * handler with no stream at all.
 *
 * Each instance reports, over the measured window (after WARMUP_MS), the
 * messages its streams delivered and its own process.cpuUsage(): CPU µs per
 * delivered message. With one channel per community every instance receives
 * every message, so that cost grows with the instances; with a channel per
 * conversation it stays flat and the idle instance spends nothing.
 * Latency = receive − send, p50 / p99 over every delivery.
 *
 * The machine is shared (2 cores, 6 processes here): read the ratios, taken
 * in the same run, more than the absolute numbers.
 */
import { fork } from 'node:child_process';
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { agentReplyRequest, clockMs, fmt, makeHandler, median, ratio, readSse, register, table, visitorRequest } from './engine.mjs';
import { startRedis } from './redis-server.mjs';

const env = (name, fallback) => Number(process.env[name] ?? fallback);
const STREAMS = env('BENCH_FANOUT_STREAMS', 200);
const RATE = env('BENCH_FANOUT_RATE', 400);
const MS = env('BENCH_FANOUT_MS', 4000);
const ROUNDS = env('BENCH_FANOUT_ROUNDS', 2);
const WARMUP_MS = env('BENCH_FANOUT_WARMUP_MS', 1000);
/** The aim for a delivery's latency at p99 (issue 22 item 3). */
const P99_MS = env('BENCH_FANOUT_P99_MS', 50);
const INSTANCES = [1, 2, 4];
const AFTER = fileURLToPath(new URL('../dist', import.meta.url));
const SELF = fileURLToPath(import.meta.url);

async function loadChatq(dist) {
  const [server, redis] = await Promise.all([import(pathToFileURL(`${dist}/server.js`).href), import(pathToFileURL(`${dist}/redis.js`).href)]);
  return { ...server, createRedisEngine: redis.createRedisEngine };
}

// ============================================================ an instance (child)

/** Opens `streams` visitor streams and counts what they deliver between `start` and `stop`. */
async function instance(dist, redisUrl, keyPrefix, streams) {
  const chatq = await loadChatq(dist);
  const engine = chatq.createRedisEngine({ url: redisUrl }, { keyPrefix });
  const handler = makeHandler(chatq, engine);
  /** Send time (clockMs) from which a message counts: the window's start; Infinity while not measuring. */
  let from = Infinity;
  let deliveries = 0;
  let latencies = [];
  let cpu0;
  const onMessage = (message) => {
    const sentAt = Number(message.body.slice(2));
    if (sentAt < from) return;
    deliveries++;
    latencies.push(clockMs() - sentAt);
  };
  const readers = [];
  const conversationIds = [];
  for (let i = 0; i < streams; i++) {
    const visitor = await register(handler);
    conversationIds.push(visitor.conversationId);
    const reader = readSse(await handler(visitorRequest('/v1/stream', { session: visitor.session })), onMessage);
    await reader.opened;
    readers.push(reader);
  }
  process.on('message', async (message) => {
    if (message.start !== undefined) {
      [from, deliveries, latencies, cpu0] = [message.start, 0, [], process.cpuUsage()];
    } else if (message === 'stop') {
      const cpu = process.cpuUsage(cpu0);
      from = Infinity;
      process.send({ deliveries, cpuUs: cpu.user + cpu.system, latencies });
    } else if (message === 'exit') {
      for (const reader of readers) reader.cancel();
      handler.close();
      await engine.close();
      process.exit(0);
    }
  });
  process.send({ ready: true, conversationIds });
}

// ============================================================ the sender (this process)

/** Agent replies at RATE/s for `ms`, round-robin over `ids`; at most 512 in flight (beyond: skipped, counted). */
async function paced(handler, ids, ms) {
  let sent = 0;
  let skipped = 0;
  let failed = 0;
  let inFlight = 0;
  const start = performance.now();
  for (let elapsed = 0; elapsed < ms; elapsed = performance.now() - start) {
    for (const due = Math.floor((elapsed * RATE) / 1000); sent + skipped < due; ) {
      if (inFlight >= 512) {
        skipped++;
        continue;
      }
      inFlight++;
      const id = ids[(sent + skipped) % ids.length];
      sent++;
      void handler(agentReplyRequest(id, `t=${clockMs()}`))
        .then((response) => response.status === 201 || failed++, () => failed++)
        .finally(() => inFlight--);
    }
    await sleep(1);
  }
  while (inFlight > 0) await sleep(2);
  return { sent, skipped, failed };
}

function spawnInstance(dist, redisUrl, keyPrefix, streams) {
  const child = fork(SELF, ['--instance', dist, redisUrl, keyPrefix, String(streams)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const next = () => new Promise((resolve, reject) => {
    child.once('message', resolve);
    child.once('exit', (code) => reject(new Error(`instance exited (${code})`)));
  });
  return { child, next, ready: next() };
}

/** One configuration: `count` instances holding the streams, an idle one, this process sending. */
async function measure(chatq, dist, redisUrl, count) {
  const keyPrefix = `fan${Math.random().toString(36).slice(2, 8)}:`;
  const children = Array.from({ length: count }, (_, i) => spawnInstance(dist, redisUrl, keyPrefix, Math.floor(STREAMS / count) + (i < STREAMS % count ? 1 : 0)));
  const idle = spawnInstance(dist, redisUrl, keyPrefix, 0);
  const ready = await Promise.all([...children, idle].map((c) => c.ready));
  const ids = ready.flatMap((r) => r.conversationIds);
  const engine = chatq.createRedisEngine({ url: redisUrl }, { keyPrefix });
  const sender = makeHandler(chatq, engine);
  try {
    await paced(sender, ids, WARMUP_MS);
    const all = [...children, idle];
    const start = clockMs();
    for (const c of all) c.child.send({ start });
    const sentAt = performance.now();
    const sending = await paced(sender, ids, MS);
    const seconds = (performance.now() - sentAt) / 1000;
    await sleep(300); // the last deliveries
    const reports = await Promise.all(all.map((c) => (c.child.send('stop'), c.next())));
    const busy = reports.slice(0, count);
    const deliveries = busy.reduce((n, r) => n + r.deliveries, 0);
    const latencies = busy.flatMap((r) => r.latencies).sort((a, b) => a - b);
    const perDelivery = busy.map((r) => r.cpuUs / Math.max(1, r.deliveries));
    const allCpuUs = reports.reduce((n, r) => n + r.cpuUs, 0);
    return {
      count,
      sent: sending.sent,
      lost: sending.sent - deliveries,
      skipped: sending.skipped + sending.failed,
      deliveriesPerS: deliveries / seconds,
      p50: latencies[Math.floor(latencies.length * 0.5)] ?? NaN,
      p99: latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * 0.99))] ?? NaN,
      cpuPerDelivery: perDelivery.reduce((a, b) => a + b, 0) / perDelivery.length,
      cpuPerDeliveryMax: Math.max(...perDelivery),
      allCpuPerDelivery: allCpuUs / Math.max(1, deliveries),
      idleCpuMs: reports[count].cpuUs / 1000,
      idleDeliveries: reports[count].deliveries,
    };
  } finally {
    sender.close();
    await engine.close();
    for (const c of [...children, idle]) c.child.send('exit');
  }
}

/** The median of each figure over the rounds. */
function medianOf(rows) {
  const out = { ...rows[0] };
  for (const key of Object.keys(out)) out[key] = median(rows.map((r) => r[key]));
  return out;
}

export async function run() {
  const variants = [['after (this build)', AFTER]];
  if (process.env.BENCH_FANOUT_BEFORE) variants.unshift(['before', process.env.BENCH_FANOUT_BEFORE]);
  const redis = await startRedis();
  const results = new Map();
  try {
    for (let round = 0; round < ROUNDS; round++) {
      // Interleaved: each configuration of each build once per round.
      for (const count of INSTANCES) {
        for (const [name, dist] of variants) {
          const chatq = await loadChatq(dist);
          const key = `${name}|${count}`;
          results.set(key, [...(results.get(key) ?? []), await measure(chatq, dist, redis.url, count)]);
        }
      }
    }
  } finally {
    await redis.stop();
  }
  const rows = [];
  const byKey = new Map([...results].map(([key, list]) => [key, medianOf(list)]));
  for (const [name] of variants) {
    const one = byKey.get(`${name}|1`);
    for (const count of INSTANCES) {
      const r = byKey.get(`${name}|${count}`);
      const before = variants.length > 1 && name !== 'before' ? byKey.get(`before|${count}`) : undefined;
      rows.push([
        `${name}, ${count} instance${count > 1 ? 's' : ''}`,
        fmt(r.deliveriesPerS),
        `${fmt(r.lost)} / ${fmt(r.skipped)}`,
        fmt(r.p50, 1),
        `${fmt(r.p99, 1)}${r.p99 <= P99_MS ? '' : ' (over)'}`,
        fmt(r.cpuPerDelivery),
        fmt(r.cpuPerDeliveryMax),
        ratio(r.cpuPerDelivery, one.cpuPerDelivery),
        before ? ratio(r.cpuPerDelivery, before.cpuPerDelivery) : '—',
        fmt(r.allCpuPerDelivery),
        ratio(r.allCpuPerDelivery, one.allCpuPerDelivery),
        before ? ratio(r.allCpuPerDelivery, before.allCpuPerDelivery) : '—',
        `${fmt(r.idleCpuMs)} ms`,
      ]);
    }
  }
  console.log(
    `${STREAMS} visitor streams spread over the instances, ${RATE} agent replies/s for ${MS} ms (after ${WARMUP_MS} ms warm-up), ` +
      `median of ${ROUNDS} interleaved rounds; load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}.\n` +
      'CPU µs/delivery: each busy instance’s process.cpuUsage() over the window ÷ the messages its streams delivered (mean, max). ' +
      'All instances: every instance’s CPU, the idle one’s included, ÷ every delivery (what the deployment pays per message; the sender not counted). ' +
      'vs 1: against the same build with one instance (flat is the aim). vs before: against the other build, same instance count.\n',
  );
  console.log(
    table(
      ['build, instances', 'deliveries/s', 'lost / skipped', 'p50 ms', 'p99 ms', 'CPU µs/deliv.', 'max', 'vs 1', 'vs before', 'all inst. µs/deliv.', 'vs 1', 'vs before', 'idle inst. CPU'],
      rows,
    ),
  );
  const mine = INSTANCES.map((count) => [count, byKey.get(`after (this build)|${count}`)]);
  const p99s = mine.map(([count, r]) => `${count} instance${count > 1 ? 's' : ''} ${fmt(r.p99, 1)} ms`).join(', ');
  const over = mine.filter(([, r]) => !(r.p99 <= P99_MS)).map(([count]) => count);
  console.log(
    `\nfan-out p99 (this build, median of the rounds): ${p99s} — aim ≤ ${P99_MS} ms: ` +
      (over.length === 0 ? 'met at every instance count' : `NOT met with ${over.join(', ')} instance${over.length > 1 || over[0] > 1 ? 's' : ''}`) +
      ` (load average now ${loadavg().map((l) => l.toFixed(2)).join(' ')}; ${INSTANCES.at(-1) + 2} processes share this machine's cores)`,
  );
}

if (process.argv[2] === '--instance') {
  const [, , , dist, redisUrl, keyPrefix, streams] = process.argv;
  await instance(dist, redisUrl, keyPrefix, Number(streams));
} else if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  await run();
}
