/**
 * Load run for the messaging handler (issue 4): identity registrations/s and
 * visitor messages/s through toNodeListener on loopback, next to a bare
 * node:http hello-world measured in the same run as the ceiling.
 *
 *   node bench/load.mjs            (after `npm run build`; imports ../dist/server.js)
 *   CHATQ_SERVER=/path/server.js node bench/load.mjs   (another build)
 *   CHATQ_BASELINE=/tmp/dist-old/server.js node bench/load.mjs   (before/after in one run)
 *   BENCH_WEB_REQUESTS=1 node bench/load.mjs   (also toNodeListener(h, { webRequests: true }): real undici Requests and Responses, same build)
 *   BENCH_HONO=1 node bench/load.mjs   (also @hono/node-server's getRequestListener(h), same build and handler; issue 12 item 4)
 *   BENCH_ONLY=adapter,adapter-reply,preflight,policy,register,messages …   (only these scenarios)
 *   BENCH_DURATION=4 BENCH_CONNECTIONS=32 BENCH_ROUNDS=5 …   (rounds: interleaved repeats, median row shown)
 *   BENCH_RATE=3000 …   (pin the offered rate, req/s over all connections)
 *   BENCH_FLOOR=0 …   (leave out the floor: sign-ins and messages done by hand with node:crypto, no chatq, load/floor.mjs)
 *
 * Each server runs in a worker thread, autocannon in the main thread: two event
 * loops sharing this machine's cores. Absolute numbers depend on the machine
 * and its load; the ratio to the hello-world ceiling, measured the same way in
 * the same run, is the figure to compare; so is "server µs/req", the server
 * thread's event-loop busy time (performance.eventLoopUtilization) divided by
 * the answers it gave, which the load generator's share of the CPU moves
 * less than req/s ("of it kernel": its system time, mostly the loopback
 * socket's reads and writes, which a profile's wall-time samples inflate when
 * the core is shared). bench/load/ab.mjs compares two builds on these two
 * routes inside one process, batch by batch. Rate limits are set to Infinity
 * (they would answer 429 after the first 30 registrations from 127.0.0.1).
 */
import { createHmac, randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import { availableParallelism, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import autocannon from 'autocannon';
import { floorListener } from './load/floor.mjs';

export const HS_KEY = { id: 'bench_key', secret: '0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef' };
export const ORIGIN = 'https://shop.test';
/** Distinct tokens signed before the registration run (more than it can use on this machine). */
const TOKENS = 60_000;
export const UNLIMITED = {
  registrationsPerMinutePerAddress: Infinity,
  policyRequestsPerMinutePerAddress: Infinity,
  registrationsPerMinutePerSession: Infinity,
  messagesPerMinutePerSession: Infinity,
  pageChangesPerMinutePerSession: Infinity,
};

const b64url = (value) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');

/** An HS256 JWT signed by hand (node:crypto), like a host site's backend would. */
function signJwt(payload) {
  const input = `${b64url({ alg: 'HS256', typ: 'JWT', kid: HS_KEY.id })}.${b64url(payload)}`;
  return `${input}.${createHmac('sha256', HS_KEY.secret).update(input).digest('base64url')}`;
}

async function listenOn(listener) {
  const server = createServer(listener);
  server.keepAliveTimeout = 30_000;
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${server.address().port}` };
}

async function close(server) {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
}

function cannon(options) {
  return new Promise((resolve, reject) => {
    autocannon(pinnedRate ? { ...options, overallRate: pinnedRate } : options, (error, result) => (error ? reject(error) : resolve(result)));
  });
}

function summarize(name, result, note, { activeMs, cpuUs, sysUs = 0 }) {
  const ok = result['2xx'];
  const total = ok + result.non2xx;
  return {
    name,
    busyUs: total > 0 ? Math.round((activeMs * 1000) / total) : 0,
    cpuUs: total > 0 ? Number((cpuUs / total).toFixed(1)) : 0,
    sysUs: total > 0 ? Number((sysUs / total).toFixed(1)) : 0,
    reqPerSec: Math.round(ok / (result.duration || 1)),
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.non2xx + result.errors + result.timeouts,
    total,
    note,
  };
}

/**
 * The server side of a scenario, run in a worker thread so that the load
 * generator (this thread) and the server each have their own event loop, as
 * they would on two machines. Posts back the URL once listening.
 */
async function serveScenario({ scenario, serverModule, via }) {
  let listener;
  let handler;
  /**
   * How the handler meets node:http: `node` toNodeListener(h), `web` toNodeListener(h, { webRequests: true }),
   * `hono` getRequestListener(h) from @hono/node-server with its defaults (it replaces this thread's global
   * Request and Response with its lightweight ones), `hono-globals-kept` the same with overrideGlobalObjects: false
   * (what a library could ship without changing the app's globals).
   */
  const listen = async (chatq, h) => {
    if (via === 'node' || via === 'web') {
      // toNodeListener lives in chatq/node (dist/node.js beside dist/server.js); older builds exported it from chatq/server.
      const toNodeListener = chatq.toNodeListener ?? (await import(serverModule.replace(/server\.js$/, 'node.js'))).toNodeListener;
      return toNodeListener(h, { webRequests: via === 'web' });
    }
    const { getRequestListener } = await import('@hono/node-server');
    return getRequestListener(h, via === 'hono' ? {} : { overrideGlobalObjects: false });
  };
  if (via === 'floor') {
    // The same sign-in and message work done by hand with node:crypto, nothing else (load/floor.mjs).
    listener = floorListener(HS_KEY);
  } else if (scenario === 'hello') {
    listener = (_req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/plain' });
      res.end('hello');
    };
  } else if (scenario === 'adapter' || scenario === 'adapter-reply') {
    // The adapter's floors. 'adapter': a handler without `reply` that builds nothing but a JSON Response,
    // the path of a function wrapping chatq's handler (the Response is read back through its stream).
    // 'adapter-reply': a handler with `reply` that reads the body and answers a small JSON Reply, the
    // path chatq's own handler takes, with none of its work (issue 22: the pipeline's share of a sign-in).
    const chatq = await import(serverModule);
    const empty = Object.assign(async () => new Response('{"ok":true}', { status: 201, headers: { 'Content-Type': 'application/json' } }), {
      basePath: '',
      close() {},
      ...(scenario === 'adapter-reply'
        ? {
            async reply(request) {
              await request.text();
              return { status: 201, headers: { 'content-type': 'application/json' }, body: '{"ok":true}' };
            },
          }
        : {}),
    });
    listener = await listen(chatq, empty);
  } else {
    const chatq = await import(serverModule);
    const verifier =
      scenario === 'register'
        ? chatq.createVerifier(chatq.defineCommunity({ signedIdentities: 'require', jwtKeys: [HS_KEY], minTokenLifetime: 60 }))
        : chatq.createVerifier(chatq.defineCommunity({ signedIdentities: 'reject' }));
    handler = chatq.createMessagingHandler({ verifier, allowedOrigins: [ORIGIN], limits: UNLIMITED });
    listener = await listen(chatq, handler);
  }
  const { server, url } = await listenOn(listener);
  let mark = performance.eventLoopUtilization();
  let cpuMark = process.threadCpuUsage();
  parentPort.on('message', async (message) => {
    if (message === 'measure') {
      mark = performance.eventLoopUtilization();
      cpuMark = process.threadCpuUsage();
      parentPort.postMessage('measuring');
      return;
    }
    if (message !== 'stop') return;
    // Busy time of this server's event loop since 'measure' counts the minutes other processes held the core
    // while the loop was busy; this thread's own CPU time (user + system) does not: the primary figure.
    const cpu = process.threadCpuUsage(cpuMark);
    const activeMs = performance.eventLoopUtilization(mark).active;
    handler?.close();
    await close(server);
    parentPort.postMessage({ activeMs, cpuUs: cpu.user + cpu.system, sysUs: cpu.system });
    parentPort.close();
  });
  parentPort.postMessage({ url });
}

/** Starts a scenario's server in a worker; resolves to its URL and a stop function. */
async function startServer(scenario, serverModule, via = 'node') {
  const worker = new Worker(new URL(import.meta.url), { workerData: { scenario, serverModule, via } });
  const url = await new Promise((resolve, reject) => {
    worker.once('message', (message) => resolve(message.url));
    worker.once('error', reject);
  });
  /** Starts counting the server's busy time (call right before the load). */
  const measure = () =>
    new Promise((resolve) => {
      worker.once('message', resolve);
      worker.postMessage('measure');
    });
  /** Stops the server; resolves to its busy milliseconds and its thread's CPU µs since measure(). */
  const stop = () =>
    new Promise((resolve) => {
      let spent = { activeMs: 0, cpuUs: 0 };
      worker.on('message', (message) => (spent = message?.cpuUs === undefined ? spent : message));
      worker.once('exit', () => resolve(spent));
      worker.postMessage('stop');
    });
  return { url, stop, measure };
}

const toModuleUrl = (given) => (given.startsWith('/') ? pathToFileURL(given).href : given);

/**
 * 2. What toNodeListener costs before chatq does anything, on a POST with a body: through a Response read
 * back (`reply` false: a wrapping handler's path) or through a Reply after reading the body (chatq's own).
 */
async function adapterScenario(serverModule, via, connections, duration, reply = false) {
  const { url, stop, measure } = await startServer(reply ? 'adapter-reply' : 'adapter', serverModule, via);
  await measure();
  const body = JSON.stringify({ clientId: 'bench_00000000', body: 'message number 0' });
  const result = await cannon({ url, connections, duration, method: 'POST', headers: { 'content-type': 'application/json' }, body });
  return reply
    ? summarize('toNodeListener + a Reply after reading the body', result, "chatq's own path, none of its work", await stop())
    : summarize('toNodeListener + a Response, read back', result, "a wrapping handler's path (no `reply`)", await stop());
}

/** 2b. chatq's own floor: a CORS preflight through the real handler (routing, CORS, an empty 204), what a browser sends first. */
async function preflightScenario(serverModule, via, connections, duration) {
  const { url, stop, measure } = await startServer('messages', serverModule, via);
  await measure();
  const headers = { origin: ORIGIN, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, content-type' };
  const result = await cannon({ url: `${url}/v1/messages`, connections, duration, method: 'OPTIONS', headers });
  return summarize('OPTIONS /v1/messages (CORS preflight)', result, 'the handler floor', await stop());
}

/** 2c. The widget's first request on every page view: GET /v1/policy (a JSON answer, no body to read). */
async function policyScenario(serverModule, via, connections, duration) {
  const { url, stop, measure } = await startServer('messages', serverModule, via);
  await measure();
  const result = await cannon({ url: `${url}/v1/policy`, connections, duration, headers: { origin: ORIGIN } });
  return summarize('GET /v1/policy', result, 'a JSON answer, no request body', await stop());
}

/** 3. Registrations: a distinct signed JWT each (the verifier caches a token it has seen), signed beforehand. */
async function registerScenario(serverModule, via, connections, duration, bodies) {
  const { url, stop, measure } = await startServer('register', serverModule, via);
  await measure();
  let n = 0;
  const result = await cannon({
    url,
    connections,
    duration,
    requests: [
      {
        method: 'POST',
        path: '/v1/identity',
        headers: { 'content-type': 'application/json', origin: ORIGIN },
        setupRequest: (request) => ({ ...request, body: bodies[n++ % bodies.length] }),
      },
    ],
  });
  const spent = await stop();
  const note = n > TOKENS ? `${TOKENS} distinct JWTs reused (cache hits after that)` : 'a distinct JWT each';
  return summarize('POST /v1/identity (HS256, real verifier)', result, note, spent);
}

/** 4. Visitor messages: one session per connection, a distinct clientId per message. */
async function messagesScenario(serverModule, via, connections, duration) {
  const { url, stop, measure } = await startServer('messages', serverModule, via);
  const sessions = [];
  for (let i = 0; i < connections; i++) {
    const response = await fetch(`${url}/v1/identity`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ automatedUuid: randomBytes(18).toString('base64url') }),
    });
    sessions.push((await response.json()).session);
  }
  await measure();
  let n = 0;
  const result = await cannon({
    url,
    connections,
    duration,
    requests: [
      {
        method: 'POST',
        path: '/v1/messages',
        setupRequest: (request) => {
          n++;
          return {
            ...request,
            headers: { 'content-type': 'application/json', origin: ORIGIN, authorization: `Bearer ${sessions[n % sessions.length]}` },
            body: JSON.stringify({ clientId: `bench_${n.toString(36).padStart(8, '0')}`, body: `message number ${n}` }),
          };
        },
      },
    ],
  });
  return summarize('POST /v1/messages', result, `${connections} sessions, a distinct clientId each`, await stop());
}

/**
 * Runs the scenarios and returns their rows (req/s counts 2xx answers only).
 * With a baseline build (`CHATQ_BASELINE=/tmp/dist-old/server.js`) every chatq
 * scenario runs against it right before the current build, so before/after
 * come from the same minutes of this shared machine; the hello-world ceiling
 * runs at the start of every round, and each round's ratios divide by it.
 * With `webRequests` (BENCH_WEB_REQUESTS=1) each one also runs through
 * `toNodeListener(h, { webRequests: true })` of the same build: the adapter's
 * fast path against the plain web-standard one, nothing else changed.
 * With `hono` (BENCH_HONO=1) each one also runs through @hono/node-server's
 * `getRequestListener(h)` (its defaults, and with `overrideGlobalObjects:
 * false`), and a second table gives, per scenario, the medians of req/s and
 * of server µs/req of each way next to toNodeListener's, with the ratios
 * (issue 12 item 4: adopt it if it is within 10 % on this bench).
 * With the floor (on unless BENCH_FLOOR=0), sign-ins and messages also run against
 * load/floor.mjs: the same work done by hand with node:crypto, nothing else —
 * the least a server keeping the contract spends, the other yardstick.
 * @param {{ duration?: number, connections?: number, serverModule?: string, baselineModule?: string, webRequests?: boolean, hono?: boolean, floor?: boolean, only?: string[], rounds?: number, rate?: number, log?: (line: string) => void }} [options]
 */
export async function run(options = {}) {
  const duration = options.duration ?? Number(process.env.BENCH_DURATION ?? 4);
  const connections = options.connections ?? Number(process.env.BENCH_CONNECTIONS ?? 32);
  const log = options.log ?? console.log;
  const given = options.serverModule ?? process.env.CHATQ_SERVER;
  const serverModule = given ? toModuleUrl(given) : new URL('../dist/server.js', import.meta.url).href;
  const baseline = options.baselineModule ?? process.env.CHATQ_BASELINE;
  const webToo = options.webRequests ?? process.env.BENCH_WEB_REQUESTS === '1';
  const honoToo = options.hono ?? process.env.BENCH_HONO === '1';
  const only = options.only ?? process.env.BENCH_ONLY?.split(',').filter(Boolean);
  pinnedRate = options.rate ?? (Number(process.env.BENCH_RATE) || undefined);
  const wanted = (name) => !only || only.includes(name);
  /** [label, server module, via] (via: see serveScenario). */
  const builds = [
    ...(baseline ? [[' (baseline)', toModuleUrl(baseline), 'node']] : []),
    ...(webToo ? [[' (webRequests)', serverModule, 'web']] : []),
    ...(honoToo ? [[' (getRequestListener)', serverModule, 'hono'], [' (getRequestListener, globals kept)', serverModule, 'hono-globals-kept']] : []),
    ['', serverModule, 'node'],
  ];
  /** The floor (BENCH_FLOOR=0 leaves it out): the required work by hand, for the scenarios it serves; last, so the table's ratios stay against toNodeListener. */
  const floorToo = options.floor ?? process.env.BENCH_FLOOR !== '0';
  if (floorToo) builds.push([' (floor: the same work by hand, no chatq)', serverModule, 'floor']);
  const FLOORED = new Set(['register', 'messages']);
  const rounds = options.rounds ?? Number(process.env.BENCH_ROUNDS ?? 5);
  const exp = Math.floor(Date.now() / 1000) + 3600;
  const bodies = wanted('register')
    ? Array.from({ length: TOKENS }, (_, i) => JSON.stringify({ jwt: signJwt({ uuid: `bench-${i}`, exp, firstname: 'Bench' }) }))
    : [];
  /** [name, scenario(module, via)] in the order they run within a round. */
  const scenarios = [
    ['adapter', (module, via) => adapterScenario(module, via, connections, duration)],
    ['adapter-reply', (module, via) => adapterScenario(module, via, connections, duration, true)],
    ['preflight', (module, via) => preflightScenario(module, via, connections, duration)],
    ['policy', (module, via) => policyScenario(module, via, connections, duration)],
    ['register', (module, via) => registerScenario(module, via, connections, duration, bodies)],
    ['messages', (module, via) => messagesScenario(module, via, connections, duration)],
  ].filter(([name]) => wanted(name));

  // The ceiling: the same machine, the same load generator, a server that does nothing; measured again in
  // every round, so that each ratio divides two figures taken in the same minute of this shared machine.
  const hello = async () => {
    const { url, stop, measure } = await startServer('hello', serverModule);
    await measure();
    const result = await cannon({ url, connections, duration });
    return summarize('node:http hello-world', result, 'ceiling', await stop());
  };
  const hellos = [];
  const runs = scenarios.map(() => builds.map(() => []));
  for (let round = 0; round < rounds; round++) {
    hellos.push(await hello());
    for (const [s, [, scenario]] of scenarios.entries()) {
      for (const [b, [, module, via]] of builds.entries()) {
        if (via !== 'floor' || FLOORED.has(scenarios[s][0])) runs[s][b].push(await scenario(module, via));
      }
    }
  }

  const rows = [medianRow(hellos, hellos)];
  const compared = [];
  for (const [s] of scenarios.entries()) {
    compared.push({ name: runs[s][0][0].name, runs: runs[s] });
    for (const [b, [label]] of builds.entries()) {
      if (runs[s][b].length === 0) continue;
      const row = medianRow(runs[s][b], hellos);
      row.name += label;
      rows.push(row);
    }
  }
  log(
    `chatq handler load: ${duration} s per scenario, ${rounds} interleaved round${rounds > 1 ? 's' : ''} (median shown), ${connections} connections` +
      `${pinnedRate ? `, offered rate pinned at ${pinnedRate} req/s` : ''}, loopback, server in a worker thread`,
  );
  log(`machine: ${availableParallelism()} CPUs, load average ${loadavg().map((l) => l.toFixed(1)).join(' ')} at the end of the run`);
  log('primary figure: server CPU µs/req (the server thread\'s own CPU time per answer); ratio = hello-world µs ÷ scenario µs, per round, median');
  if (baseline) log(`baseline build: ${baseline}`);
  log(formatTable(rows));
  if (builds.length > 1) {
    log(`\nmedians of ${rounds} interleaved round${rounds > 1 ? 's' : ''} per way, against toNodeListener (this build); ratio = way ÷ toNodeListener`);
    log(formatComparison(compared, builds));
  }
  return rows;
}

/** The offered rate, when pinned (BENCH_RATE): the same load on every server whatever the generator's share of the CPU. */
let pinnedRate;

/**
 * One row for a scenario's rounds: the median by CPU µs/req, with the medians of the per-round ratios
 * (round i divided by the hello-world of round i) and their spread.
 */
function medianRow(runs, hellos) {
  const cpuRatios = runs.map((r, i) => (r.cpuUs > 0 ? hellos[i].cpuUs / r.cpuUs : 0));
  const rpsRatios = runs.map((r, i) => r.reqPerSec / (hellos[i].reqPerSec || 1));
  const row = { ...[...runs].sort((a, b) => a.cpuUs - b.cpuUs)[Math.floor(runs.length / 2)] };
  row.ratio = Number(median(cpuRatios).toFixed(2));
  row.ratios = cpuRatios.map((r) => r.toFixed(2));
  row.rpsRatio = Number(median(rpsRatios).toFixed(2));
  return row;
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};

/** One line per scenario and way: median req/s and server µs/req, each ÷ the same median of toNodeListener (the build labelled ''). */
function formatComparison(compared, builds) {
  const reference = builds.findIndex(([label]) => label === '');
  const header = ['scenario', 'way', 'req/s', '÷ ours', 'server CPU µs/req', '÷ ours'];
  const lines = [];
  for (const { name, runs } of compared) {
    const ours = { rps: median(runs[reference].map((r) => r.reqPerSec)), us: median(runs[reference].map((r) => r.cpuUs)) };
    for (const [i, [label]] of builds.entries()) {
      if (runs[i].length === 0) continue;
      const rps = median(runs[i].map((r) => r.reqPerSec));
      const us = median(runs[i].map((r) => r.cpuUs));
      const way = i === reference ? 'toNodeListener' : label.trim().replace(/^\((.*)\)$/, '$1');
      lines.push([name, way, String(Math.round(rps)), `${(rps / ours.rps).toFixed(2)}`, String(Math.round(us)), `${(us / ours.us).toFixed(2)}`]);
    }
  }
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
  const fmt = (cells) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
  return [fmt(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...lines.map(fmt)].join('\n');
}

function formatTable(rows) {
  const header = ['scenario', 'server CPU µs/req', 'of it kernel', 'vs hello (CPU)', 'per round', 'req/s', 'vs hello (req/s)', 'p50 ms', 'p99 ms', 'loop-busy µs/req', 'non-2xx/err'];
  const lines = rows.map((r) => [
    r.name,
    String(r.cpuUs),
    String(r.sysUs),
    `${r.ratio.toFixed(2)}×`,
    r.ratios.join(' '),
    String(r.reqPerSec),
    `${r.rpsRatio.toFixed(2)}×`,
    String(r.p50),
    String(r.p99),
    String(r.busyUs),
    String(r.errors),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
  const fmt = (cells) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
  return [fmt(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...lines.map(fmt)].join('\n');
}

if (!isMainThread && workerData?.scenario) {
  await serveScenario(workerData);
} else if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  run().catch((error) => {
    console.error(error);
    process.exitCode = 1;
  });
}
