/**
 * Memory per open SSE stream (issue 22 item 4): 10,000 visitor streams held
 * open by chatq (toNodeListener) on the memory, SQLite and Redis engines,
 * next to a bare node:http SSE server holding the same count (one 20 s
 * heartbeat timer per stream, as a hand-written one would), measured in the
 * same run.
 *
 *   node bench/streams.mjs                     (after `npm run build`)
 *   BENCH_STREAMS=2000 BENCH_STREAMS_KINDS=bare,memory node bench/streams.mjs
 *   CHATQ_SERVER=/tmp/dist-old/server.js …     (another build; its redis.js and sqlite.js beside it)
 *
 * Each server runs in its own child `node --expose-gc` (nothing else in its
 * heap); this process holds the client sockets (raw TCP, one per stream).
 * Heap = heapUsed after gc() (repeated until it stops moving) with the streams open minus before (sessions are
 * registered before the first reading, so only what a stream holds counts);
 * RSS the same difference of the process's resident set. The ratio is
 * against the bare server's figure of the same run.
 */
import { fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { connect } from 'node:net';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';

const ORIGIN = 'https://shop.test';
const WARMUP = 100;
/** As the widget opens it: with the optional events it shows (presence, typing, read). */
const STREAM_PATH = '/v1/stream?events=presence,typing,read';
const BATCH = 100;
/** At most this many gc rounds (200 ms apart) until two readings agree within 0.2 %. */
const SETTLE_ROUNDS = 25;
const LIMITS = {
  registrationsPerMinutePerAddress: Infinity,
  registrationsPerMinutePerSession: Infinity,
  maxStreamsPerAddress: Infinity,
};
const BARE_HEADERS = { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache', 'X-Accel-Buffering': 'no', 'X-Content-Type-Options': 'nosniff' };

const serverModuleUrl = () => {
  const given = process.env.CHATQ_SERVER;
  return given ? pathToFileURL(given).href : new URL('../dist/server.js', import.meta.url).href;
};
const sibling = (name) => new URL(`./${name}.js`, serverModuleUrl()).href;

/** The child: one server, answering "memory" over IPC after settling and collecting. */
async function child(kind, redisUrl, dir, sessionsWanted) {
  process.on('disconnect', () => process.exit(0));
  let listener;
  let handler;
  let engine;
  const sessions = [];
  if (kind === 'bare') {
    listener = (_req, res) => {
      res.writeHead(200, BARE_HEADERS);
      res.write(': open\n\n');
      const heartbeat = setInterval(() => res.write(': ping\n\n'), 20_000);
      res.on('close', () => clearInterval(heartbeat));
    };
  } else {
    const chatq = await import(serverModuleUrl());
    if (kind === 'memory') engine = chatq.createMemoryEngine({ maxConversations: 4 * sessionsWanted });
    else if (kind === 'sqlite') engine = (await import(sibling('sqlite'))).createSqliteEngine({ path: join(dir, 'chatq.db') });
    else engine = (await import(sibling('redis'))).createRedisEngine({ url: redisUrl }, { keyPrefix: 'bench-streams:' });
    const verifier = chatq.createVerifier(chatq.defineCommunity({ signedIdentities: 'reject' }));
    handler = chatq.createMessagingHandler({ verifier, allowedOrigins: [ORIGIN], engine, limits: LIMITS });
    // Through the handler itself, with no client address (so no per-address conversation quota applies).
    const register = async () => {
      const body = JSON.stringify({ automatedUuid: crypto.randomUUID().replaceAll('-', '').slice(0, 24) });
      const response = await handler(new Request('http://chat.test/v1/identity', { method: 'POST', headers: { Origin: ORIGIN, 'Content-Type': 'application/json' }, body }));
      if (response.status !== 200) throw new Error(`register: ${response.status} ${await response.text()}`);
      return (await response.json()).session;
    };
    for (let i = 0; i < sessionsWanted; i += BATCH) sessions.push(...(await Promise.all(Array.from({ length: Math.min(BATCH, sessionsWanted - i) }, register))));
    listener = (await import(sibling('node'))).toNodeListener(handler);
  }
  const server = createServer(listener);
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  process.on('message', async (message) => {
    if (message === 'memory') {
      // Settle: let closed sockets finish closing and the streams' opening reads end (on a loaded
      // machine they are still in flight after a fixed pause), collecting until the heap stops moving.
      let previous = 0;
      for (let i = 0; i < SETTLE_ROUNDS; i++) {
        await sleep(200);
        globalThis.gc();
        await new Promise((resolve) => setImmediate(resolve));
        globalThis.gc();
        const now = process.memoryUsage().heapUsed;
        if (i >= 2 && Math.abs(now - previous) < 0.002 * now) break;
        previous = now;
      }
      const { heapUsed, rss } = process.memoryUsage();
      const connections = await new Promise((resolve) => server.getConnections((_, n) => resolve(n)));
      process.send({ heapUsed, rss, connections });
    } else if (message === 'stop') {
      handler?.close();
      server.closeAllConnections();
      server.close();
      await engine?.close?.();
      process.exit(0);
    }
  });
  process.send({ port: server.address().port, sessions });
}

async function startChild(kind, redisUrl, dir, sessionsWanted) {
  const proc = fork(fileURLToPath(import.meta.url), ['--child', kind, redisUrl ?? '', dir, String(sessionsWanted)], {
    execArgv: ['--expose-gc'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const exited = new Promise((resolve) => proc.once('exit', resolve));
  const first = await new Promise((resolve, reject) => {
    proc.once('message', resolve);
    exited.then((code) => reject(new Error(`${kind} server exited with ${code} before listening`)));
  });
  const ask = () =>
    new Promise((resolve, reject) => {
      proc.once('message', resolve);
      exited.then(() => reject(new Error(`${kind} server exited`)));
      proc.send('memory');
    });
  const stop = async () => {
    if (proc.exitCode !== null || proc.signalCode !== null) return;
    proc.send('stop');
    const timer = setTimeout(() => proc.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  };
  return { port: first.port, sessions: first.sessions, ask, stop };
}

/** One stream on its own raw TCP socket; resolves once the 200 head and the first event bytes arrived. */
function openStream(port, session) {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const auth = session ? `Authorization: Bearer ${session}\r\n` : '';
    socket.setEncoding('latin1');
    let seen = '';
    socket.on('error', reject);
    socket.on('data', function first(chunk) {
      seen += chunk;
      if (!seen.includes('\r\n\r\n')) return;
      if (!seen.startsWith('HTTP/1.1 200')) return reject(new Error(`stream answered ${seen.slice(0, 200)}`));
      socket.off('data', first);
      socket.resume();
      resolve(socket);
    });
    socket.write(`GET ${STREAM_PATH} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nOrigin: ${ORIGIN}\r\nAccept: text/event-stream\r\n${auth}\r\n`);
  });
}

async function openMany(port, sessions, count) {
  const open = [];
  for (let i = 0; i < count; i += BATCH) {
    open.push(...(await Promise.all(Array.from({ length: Math.min(BATCH, count - i) }, (_, k) => openStream(port, sessions?.[i + k])))));
  }
  return open;
}

/** Heap and RSS bytes per open stream on one server kind. */
async function perStream(kind, count, redisUrl) {
  const dir = mkdtempSync(join(tmpdir(), 'chatq-bench-streams-'));
  const server = await startChild(kind, redisUrl, dir, kind === 'bare' ? 0 : count + WARMUP);
  try {
    const sessions = kind === 'bare' ? undefined : server.sessions;
    // Warm-up: open and close some streams first (JIT, lazy module state), not counted.
    for (const socket of await openMany(server.port, sessions?.slice(count), WARMUP)) socket.destroy();
    await sleep(300);
    const before = await server.ask();
    const open = await openMany(server.port, sessions, count);
    await sleep(300);
    const after = await server.ask();
    for (const socket of open) socket.destroy();
    if (after.connections - before.connections !== count) throw new Error(`${kind}: ${after.connections - before.connections} of ${count} streams open`);
    return { heap: (after.heapUsed - before.heapUsed) / count, rss: (after.rss - before.rss) / count };
  } finally {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function run(options = {}) {
  const log = options.log ?? console.log;
  const count = options.streams ?? Number(process.env.BENCH_STREAMS ?? 10_000);
  const kinds = options.kinds ?? (process.env.BENCH_STREAMS_KINDS ?? 'bare,memory,sqlite,redis').split(',');
  const { startRedis } = await import('./redis-server.mjs');
  const redis = kinds.includes('redis') ? await startRedis() : undefined;
  try {
    const results = {};
    for (const kind of kinds) results[kind] = await perStream(kind, count, redis?.url);
    log(`open SSE streams: ${count} per server, each server in its own node --expose-gc child; ${availableParallelism()} CPUs, load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
    const bare = results.bare;
    const kb = (bytes) => (bytes / 1024).toFixed(2);
    const times = (value, base) => (base && base > 0 ? `${(value / base).toFixed(2)}×` : '—');
    const lines = kinds.map((kind) => {
      const r = results[kind];
      return [kind === 'bare' ? 'bare node:http SSE' : `chatq, ${kind} engine`, kb(r.heap), times(r.heap, bare?.heap), kb(r.rss), times(r.rss, bare?.rss)];
    });
    log(table(['server', 'heap KB/stream', 'heap ÷ bare', 'RSS KB/stream', 'RSS ÷ bare'], lines));
    return results;
  } finally {
    await redis?.stop();
  }
}

function table(header, rows) {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells) => `| ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(' | ')} |`;
  return [line(header), `|${widths.map((w, i) => (i === 0 ? '-'.repeat(w + 2) : `${'-'.repeat(w + 1)}:`)).join('|')}|`, ...rows.map(line)].join('\n');
}

if (process.argv[2] === '--child') {
  const [, , , kind, redisUrl, dir, sessionsWanted] = process.argv;
  await child(kind, redisUrl || undefined, dir, Number(sessionsWanted));
} else if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  await run();
}
